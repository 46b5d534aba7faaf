//! Domain names: registration (a paid order), name servers and auto-renewal.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`); helpers shared inside the area are
//! `pub(crate)`.

pub mod domain;
pub mod domain_data;
pub mod domain_list;
pub mod domains_data;
pub mod registration;
