//! MySQL databases and their users.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`); helpers shared inside the area are
//! `pub(crate)`.

pub mod database;
pub mod database_list;
pub mod databases_data;
pub mod user;
pub mod user_list;
