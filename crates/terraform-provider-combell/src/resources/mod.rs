//! Terraform managed resource types, one file each: `dns_record.rs` is `combell_dns_record`.
//! `timeouts.rs` is the `timeouts` block shared by resources that wait for provisioning jobs.

pub mod account;
pub mod dns_record;
pub mod domain;
pub mod domain_registration;
pub(crate) mod jobs;
pub(crate) mod linux_common;
pub mod linux_host_header;
pub mod linux_hosting_settings;
pub mod linux_site_settings;
pub mod linux_subsite;
pub mod mail_alias;
pub mod mail_antispam;
pub mod mail_catch_all;
pub mod mail_smtp_domain;
pub(crate) mod mail_zone_shared;
pub mod mailbox;
pub mod mysql_database;
pub mod mysql_user;
pub(crate) mod reconcile;
pub(crate) mod rules;
pub mod scheduled_task;
pub mod ssh_key;
pub mod ssl_certificate_request;
pub mod ssl_certificate_validation;
pub mod timeouts;
