//! terraform-provider-combell: the Terraform provider for the Combell reseller API, built on the
//! plugin framework in `tfplugin` and the API client in `combell-api`.

pub mod data_sources;
pub mod ephemeral_resources;
pub mod list_resources;
pub mod provider;
pub mod resources;
