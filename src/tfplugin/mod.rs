//! The Terraform plugin protocol layer. Knows nothing about Combell.
