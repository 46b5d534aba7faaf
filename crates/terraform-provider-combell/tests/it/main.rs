//! The integration tests of the provider, as one test binary
//! (one link of the crate instead of one per file). Each module is one area; the harnesses
//! `common` (a simulator and a real Terraform) and
//! `tfplugin_support` (the provider over gRPC) are shared.

mod common;
mod tfplugin_support;

mod account_grpc;
mod client_hostile;
mod dist;
mod e2e_account;
mod e2e_bad_input;
mod e2e_bulk_reads;
mod e2e_defaults;
mod e2e_dns_record;
mod e2e_domains;
mod e2e_estate;
mod e2e_faults;
mod e2e_generate_config;
mod e2e_hostile_values;
mod e2e_linux;
mod e2e_lost_answers;
mod e2e_mail_zone;
mod e2e_mailbox;
mod e2e_mysql_database;
mod e2e_mysql_user;
mod e2e_query;
mod e2e_secrets;
mod e2e_signing;
mod e2e_ssl_certificate_download;
mod e2e_ssl_for_each;
mod e2e_zone_file;
mod examples;
mod harness_smoke;
mod module_tests;
mod readme_links;
mod registry_install;
mod tfplugin_grpc;
