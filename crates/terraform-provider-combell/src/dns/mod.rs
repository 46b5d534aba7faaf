//! DNS records of the zones Combell hosts.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`), `zone_file.rs` the provider function
//! `zone_file`; `record_rules.rs` holds the plan-time rules of `combell_dns_record`. Helpers
//! shared inside the area are `pub(crate)`.

pub mod record;
pub mod record_list;
mod record_rules;
pub mod records_data;
pub mod zone_file;
