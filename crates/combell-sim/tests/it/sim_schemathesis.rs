//! combell-sim checked against Combell's own spec by schemathesis (PyPI), a tool we did not
//! write: `scripts/schemathesis` installs it once into `.tools/`, starts this build's simulator,
//! signs every request, runs every operation of `spec/openapi.yaml` and prints one line per
//! operation. Exceptions to the spec live in `spec/exceptions.json` only.

use std::process::Command;

/// Issue 3's operations land from four branches; until they are all merged, an operation the
/// simulator has no route for yet is reported as MISSING without failing. Set to `false` once
/// all 74 exist, so that a lost route fails the suite.
const ALLOW_MISSING_OPERATIONS: bool = false;

#[test]
fn every_operation_conforms_to_the_spec() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let report = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(format!("{root}/scripts/schemathesis"))
        .current_dir(root)
        .env("COMBELL_SIM", env!("CARGO_BIN_EXE_combell-sim"))
        .env("ST_REPORT_DIR", report.path())
        .env(
            "ST_ALLOW_MISSING",
            if ALLOW_MISSING_OPERATIONS { "1" } else { "0" },
        )
        .output()
        .expect("cannot run bash scripts/schemathesis");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if !output.status.success() {
        let log =
            std::fs::read_to_string(report.path().join("schemathesis.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        panic!(
            "schemathesis found non-conforming answers ({}):\n{stdout}\n{stderr}\n--- end of schemathesis.log ---\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    assert!(
        stdout.contains("74 operations:"),
        "no per-operation summary:\n{stdout}\n{stderr}"
    );
}
