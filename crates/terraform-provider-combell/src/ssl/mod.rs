//! SSL certificates: requests (a paid order), their validation, downloads.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`), `<name>_ephemeral.rs` an ephemeral
//! resource.

pub mod certificate_data;
pub mod certificate_download_ephemeral;
pub mod certificate_request;
pub mod certificate_request_list;
pub mod certificate_requests_data;
pub mod certificate_validation;
pub mod certificates_data;

/// A request id: a positive number, spaces around it allowed.
pub(crate) fn parse_request_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

/// The import ID of a type whose import ID is a request id, as the core splits it, or the
/// detail of the error that says what the ID should be.
pub(crate) fn request_import_id(id: &str) -> Result<String, String> {
    parse_request_id(id).map(|n| n.to_string()).ok_or_else(|| {
        format!("The import ID is the request's numeric id, such as \"3001\"; got \"{id}\".")
    })
}
