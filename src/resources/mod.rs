//! Terraform managed resource types, one file each: `dns_record.rs` is `combell_dns_record`.

pub mod dns_record;
