//! terraform-provider-combell: a Terraform provider for the Combell reseller API, and
//! `combell-sim`, a local simulator of that API.

pub mod client;
pub mod data_sources;
#[doc(hidden)]
pub mod fuzzing;
pub mod logging;
pub mod provider;
pub mod resources;
pub mod sim;
pub mod tfplugin;
