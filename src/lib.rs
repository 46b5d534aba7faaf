//! terraform-provider-combell: a Terraform provider for the Combell reseller API, and
//! `combell-sim`, a local simulator of that API.

pub mod client;
pub mod coverage;
pub mod data_sources;
pub mod der;
pub mod ephemeral_resources;
#[doc(hidden)]
pub mod fuzzing;
pub mod list_resources;
pub mod logging;
pub mod provider;
pub mod resources;
pub mod sim;
pub mod tfplugin;
