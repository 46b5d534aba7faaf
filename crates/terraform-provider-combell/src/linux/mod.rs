//! Linux hostings: settings, sites, subsites, host headers, SSH keys and scheduled tasks.
//!
//! One file per Terraform type: `<name>.rs` is a resource, `<name>_data.rs` a data source,
//! `<name>_list.rs` a list resource (`terraform query`); helpers shared inside the area are
//! `pub(crate)`.

pub(crate) mod common;
pub mod host_header;
pub mod host_header_list;
pub mod hosting_data;
pub mod hosting_settings;
pub mod hosting_settings_list;
pub mod hostings_data;
pub mod php_versions_data;
pub mod scheduled_task;
pub mod scheduled_task_list;
pub mod site_settings;
pub mod site_settings_list;
pub mod ssh_key;
pub mod ssh_key_list;
pub mod ssh_keys_data;
pub mod subsite;
pub mod subsite_list;
