//! Terraform managed resource types, one file each: `dns_record.rs` is `combell_dns_record`.
//! `timeouts.rs` is the `timeouts` block shared by resources that wait for provisioning jobs.

pub mod account;
pub mod dns_record;
pub(crate) mod jobs;
pub mod mail_alias;
pub mod mail_antispam;
pub mod mail_catch_all;
pub mod mail_smtp_domain;
pub(crate) mod mail_zone_shared;
pub mod mailbox;
pub mod mysql_database;
pub mod mysql_user;
pub mod timeouts;
