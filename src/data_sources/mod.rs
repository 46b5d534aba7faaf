//! Terraform data sources, one file each: `servicepacks.rs` is `combell_servicepacks`.

pub mod account;
pub mod accounts;
pub mod mail_zone;
pub mod mailboxes;
pub mod mysql_databases;
pub mod servicepacks;
pub mod windows_hosting;
pub mod windows_hostings;
