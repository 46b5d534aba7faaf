//! Ephemeral resources (Terraform 1.10+), one file each: `ssl_certificate_download.rs` is
//! `combell_ssl_certificate_download`. Their results live only for one Terraform run and never
//! enter the plan or the state: the place for key material.

pub mod ssl_certificate_download;
