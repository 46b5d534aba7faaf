//! The documentation tooling: the API coverage table (which Terraform type reaches which
//! Combell operation), used by the `gen-docs` binary and by the coverage test.

pub mod coverage;
