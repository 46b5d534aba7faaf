//! Terraform data sources, one file each: `servicepacks.rs` is `combell_servicepacks`.

pub mod servicepacks;
