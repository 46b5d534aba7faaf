//! Every example in `examples/` is valid for the provider as built: `terraform validate` with
//! the provider's real schema (through dev_overrides), so that an attribute renamed in code but
//! not in an example fails here rather than in a user's hands.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::Tf;

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}
"#;

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs = vec![root.join("provider"), root.join("quickstart")];
    for kind in ["resources", "data-sources"] {
        let entries = fs::read_dir(root.join(kind)).expect("examples folder");
        dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    dirs.sort();
    dirs
}

#[test]
fn every_example_validates_against_the_provider_schema() {
    let dirs = example_dirs();
    assert!(
        dirs.len() >= 10,
        "expected the registry layout of examples, found {dirs:?}"
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let tf = Tf::standalone();
        let mut declares_provider = false;
        for entry in fs::read_dir(dir).expect("example folder").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tf") {
                let text = fs::read_to_string(entry.path()).expect("example file");
                declares_provider |= text.contains("required_providers");
                tf.write_file(&name, &text);
            }
        }
        if !declares_provider {
            tf.write_file("versions.tf", REQUIRED_PROVIDERS);
        }
        let out = tf.run(&["validate", "-no-color"]);
        if !out.success() {
            failures.push(format!("{}:\n{out}", dir.display()));
        }
        // Resource examples come with the import command users copy.
        if dir.parent().is_some_and(|p| p.ends_with("resources")) {
            let import = dir.join("import.sh");
            let text = fs::read_to_string(&import).unwrap_or_default();
            if !text.contains("terraform import") {
                failures.push(format!("{} has no terraform import line", import.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
