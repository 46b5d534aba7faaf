//! DNS records of the zones Combell hosts.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`), `zone_file.rs` the provider function
//! `zone_file`; helpers shared inside the area are `pub(crate)`.

pub mod record;
pub mod record_list;
pub mod records_data;
pub mod zone_file;
