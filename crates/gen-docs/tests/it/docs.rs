//! The committed registry docs are exactly what `scripts/docs` generates from the schema,
//! `examples/` and `templates/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The subtrees gen-docs owns; `docs/design/` is hand-written and not compared.
const GENERATED: &[&str] = &[
    "index.md",
    "coverage.md",
    "resources",
    "data-sources",
    "functions",
    "guides",
];

fn collect(root: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let path = root.join(rel);
    if path.is_dir() {
        for entry in std::fs::read_dir(&path).unwrap() {
            let name = entry.unwrap().file_name();
            collect(root, &rel.join(name), out);
        }
    } else if path.is_file() {
        out.insert(rel.to_path_buf(), std::fs::read_to_string(&path).unwrap());
    }
}

fn generated_files(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    for top in GENERATED {
        collect(root, Path::new(top), &mut files);
    }
    files
}

#[test]
fn committed_docs_match_the_generated_ones() {
    let repo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_gen-docs"))
        .arg("--root")
        .arg(repo)
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success(), "gen-docs failed");

    let fresh = generated_files(out.path());
    let committed = generated_files(&repo.join("docs"));
    assert!(fresh.contains_key(Path::new("resources/dns_record.md")));

    let mut problems = Vec::new();
    for (path, text) in &fresh {
        match committed.get(path) {
            None => problems.push(format!("missing: docs/{}", path.display())),
            Some(old) if old != text => problems.push(format!("outdated: docs/{}", path.display())),
            Some(_) => {}
        }
    }
    for path in committed.keys().filter(|p| !fresh.contains_key(*p)) {
        problems.push(format!("not generated (stale): docs/{}", path.display()));
    }
    assert!(
        problems.is_empty(),
        "the committed docs differ from the generated ones; run scripts/docs and commit docs/:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_resource_page_has_usage_schema_and_import() {
    let docs = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("docs/resources");
    for entry in std::fs::read_dir(docs).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for needle in ["page_title:", "## Example Usage", "## Schema", "## Import"] {
            assert!(text.contains(needle), "{} lacks {needle}", path.display());
        }
    }
}
