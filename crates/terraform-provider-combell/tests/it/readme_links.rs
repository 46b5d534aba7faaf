//! The README stays short enough to read in two minutes, and every relative link of the
//! hand-written pages (README, CONTRIBUTING, docs/development/, docs/design/, docs/guides/)
//! points at a file or folder that exists, with the heading an `#anchor` names.

use std::fs;
use std::path::{Path, PathBuf};

const README_MAX_LINES: usize = 150;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md"), repo().join("CONTRIBUTING.md")];
    for dir in ["docs/development", "docs/design", "docs/guides"] {
        let mut found: Vec<PathBuf> = fs::read_dir(repo().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        found.sort();
        pages.extend(found);
    }
    pages
}

/// The targets of Markdown links `[text](target)` outside code blocks.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    targets
}

/// GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn the_readme_is_at_most_150_lines() {
    let text = fs::read_to_string(repo().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines; move detail into docs/ (at most {README_MAX_LINES})"
    );
    for link in [
        "CONTRIBUTING.md",
        "docs/index.md",
        "docs/guides/versions.md",
    ] {
        assert!(
            text.contains(&format!("]({link})")),
            "README.md does not link {link}"
        );
    }
}

#[test]
fn relative_links_of_the_hand_written_pages_resolve() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for target in link_targets(&text) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            let shown = page.strip_prefix(repo()).unwrap().display().to_string();
            if !path.exists() {
                broken.push(format!("{shown}: {target} (no such file)"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|_| path.is_file()) {
                let linked = fs::read_to_string(&path).unwrap_or_default();
                if !anchors(&linked).iter().any(|a| a == fragment) {
                    broken.push(format!("{shown}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn the_link_checker_finds_links_and_anchors() {
    let text = "see [a](x.md) and [b](y.md#which-terraform)\n```\n[c](not-a-link)\n```\n";
    assert_eq!(link_targets(text), ["x.md", "y.md#which-terraform"]);
    assert_eq!(anchor(" Which Terraform"), "which-terraform");
    assert_eq!(
        anchor("`combell-sim`: the simulator"),
        "combell-sim-the-simulator"
    );
}
