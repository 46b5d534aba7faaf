//! Terraform data sources, one file each.
