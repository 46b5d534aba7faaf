//! Terraform data sources, one file each: `servicepacks.rs` is `combell_servicepacks`.

pub mod account;
pub mod accounts;
pub mod domain;
pub mod domains;
pub mod linux_hosting;
pub mod linux_hostings;
pub mod mail_zone;
pub mod mailboxes;
pub mod mysql_databases;
pub mod php_versions;
pub mod servicepacks;
pub mod ssh_keys;
pub mod ssl_certificate;
pub mod ssl_certificate_requests;
pub mod ssl_certificates;
pub mod windows_hosting;
pub mod windows_hostings;
