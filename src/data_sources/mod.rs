//! Terraform data sources, one file each: `servicepacks.rs` is `combell_servicepacks`.

pub mod account;
pub mod accounts;
pub mod domain;
pub mod domains;
pub mod mailboxes;
pub mod mysql_databases;
pub mod servicepacks;
