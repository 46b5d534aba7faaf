//! SSL certificates: requests (a paid order), their validation, downloads.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`), `<name>_ephemeral.rs` an ephemeral
//! resource.

pub mod certificate_data;
pub mod certificate_download_ephemeral;
pub mod certificate_request;
pub mod certificate_requests_data;
pub mod certificate_validation;
pub mod certificates_data;
