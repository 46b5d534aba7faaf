//! Every operation of Combell's API v2 is reached by some Terraform type of this provider, and
//! every operation a type declares (`api_operations()`) exists in the spec. The table built from
//! the same data is `docs/coverage.md` (kept current by `tests/docs.rs`).

use std::path::Path;

use gen_docs::coverage::{declared, problems, spec_operations};
use terraform_provider_combell::provider::provider;

#[test]
fn every_api_operation_is_reached_from_terraform() {
    let spec_path =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("spec/openapi.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let ops = spec_operations(&spec).unwrap();
    assert_eq!(ops.len(), 74, "the v2 spec has 74 operations");
    let declared = declared(&provider());
    let problems = problems(&ops, &declared);
    assert!(
        problems.is_empty(),
        "{} coverage problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
