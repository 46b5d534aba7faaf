//! terraform-provider-combell: the Terraform provider for the Combell reseller API, built on the
//! plugin framework in `tfplugin` and the API client in `combell-api`.
//!
//! One module per API area holds that area's resources, data sources, list and ephemeral
//! resources; [`core`] holds what they share; [`provider`] is the configuration and the
//! registry of every type.

pub mod accounts;
pub mod core;
pub mod dns;
pub mod domains;
pub mod linux;
pub mod mail;
pub mod mysql;
pub mod provider;
pub mod ssl;
pub mod windows;
