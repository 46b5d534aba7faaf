//! The documentation tooling's tests: the committed docs are what `gen-docs` writes, and every
//! API operation is reached by a Terraform type.

mod coverage;
mod docs;
