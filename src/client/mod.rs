//! The Combell API client: signing, transport, paging, jobs, errors.
