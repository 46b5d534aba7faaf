//! Combell accounts (hostings) and the servicepacks they are ordered with.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`); helpers shared inside the area are
//! `pub(crate)`.

pub mod account;
pub mod account_data;
pub mod account_list;
pub mod accounts_data;
pub mod servicepacks_data;
