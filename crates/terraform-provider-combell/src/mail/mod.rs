//! Mailboxes and mail zones (aliases, anti-spam, catch-all, SMTP domains).
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`); helpers shared inside the area are
//! `pub(crate)`.

pub mod alias;
pub mod alias_list;
pub mod antispam;
pub mod antispam_list;
pub mod catch_all;
pub mod catch_all_list;
pub mod mailbox;
pub mod mailbox_list;
pub mod mailboxes_data;
pub mod smtp_domain;
pub mod smtp_domain_list;
pub mod zone_data;
pub(crate) mod zone_shared;
