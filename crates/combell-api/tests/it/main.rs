//! The client's integration tests, as one test binary: every area against an in-process
//! simulator, and the transport (retries, pacing, errors) against scripted servers.

mod client_mailboxes;
mod client_sim;
mod client_transport;
