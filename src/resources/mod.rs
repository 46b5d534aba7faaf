//! Terraform managed resource types, one file each.
