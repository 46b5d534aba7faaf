//! `scripts/install` and `scripts/release`: the provider installed into a plugin directory makes
//! a real `terraform init` work offline with `source` and `version` pinned, and the release files
//! are named, zipped and summed as the Terraform Registry expects. Both are fed the debug build
//! (or a stand-in) through `--bin-dir`, so no release build happens here.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{Sim, Tf};
use sha2::{Digest, Sha256};

const VERSION: &str = "0.1.0";

fn script(name: &str) -> PathBuf {
    common::repo_path("scripts").join(name)
}

fn pinned_config() -> String {
    common::pinned_config(
        common::PROVIDER_SOURCE,
        VERSION,
        "installed",
        "installed",
        "192.0.2.55",
    )
}

/// `init` must have taken the provider from the plugin directory, and `plan` must have run it.
fn init_and_plan(tf: &Tf) {
    let init = tf.ok(&["init", "-no-color", "-input=false"]);
    assert!(
        init.stdout
            .contains(&format!("Installing combell/combell v{VERSION}")),
        "{init}"
    );
    let lock = fs::read_to_string(tf.work_dir().join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    let plan = tf.plan_ok();
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
}

#[test]
fn install_into_a_filesystem_mirror_makes_init_work_offline() {
    let mirror = tempfile::tempdir().unwrap();
    common::run_ok(
        Command::new(script("install"))
            .args(["--bin-dir", &common::provider_dir().to_string_lossy()])
            .args([
                "--dir",
                &mirror.path().to_string_lossy(),
                "--version",
                VERSION,
            ]),
    );
    let installed = mirror.path().join(format!(
        "registry.terraform.io/combell/combell/{VERSION}/linux_amd64/terraform-provider-combell_v{VERSION}"
    ));
    assert!(installed.is_file(), "{} missing", installed.display());

    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    let cli_config = tf.work_dir().join("../mirror.tfrc");
    tf.use_mirror(mirror.path(), &cli_config);
    tf.write_config(&pinned_config());
    init_and_plan(&tf);
}

#[test]
fn install_into_the_default_plugin_directory_needs_no_cli_config() {
    let home = tempfile::tempdir().unwrap();
    let home_str = home.path().to_string_lossy().into_owned();
    common::run_ok(
        Command::new(script("install"))
            .env("HOME", &home_str)
            .args(["--bin-dir", &common::provider_dir().to_string_lossy()]),
    );
    assert!(home
        .path()
        .join(format!(
            ".terraform.d/plugins/registry.terraform.io/combell/combell/{VERSION}/linux_amd64"
        ))
        .is_dir());

    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    // An empty CLI configuration: Terraform's implied local directories, ~/.terraform.d/plugins
    // among them, are all it has.
    let cli_config = tf.work_dir().join("../empty.tfrc");
    fs::write(&cli_config, "").unwrap();
    tf.set_env("TF_CLI_CONFIG_FILE", &cli_config.to_string_lossy());
    tf.set_env("HOME", &home_str);
    tf.write_config(&pinned_config());
    init_and_plan(&tf);
}

#[test]
fn install_refuses_bad_arguments() {
    for args in [
        &["--version", "v1.0.0"][..],
        &["--version"][..],
        &["--bogus"][..],
        &["--bin-dir", "/nonexistent", "--dir", "/nonexistent"][..],
    ] {
        assert_refused("install", args);
    }
}

/// Runs `scripts/{name} ARGS`, which must fail with a message naming the script.
fn assert_refused(name: &str, args: &[&str]) {
    let out = Command::new(script(name))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("scripts/{name}:")),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Lists a zip's entries as "name mode size" and extracts them, with Python's zipfile (the same
/// library the packager uses would prove little, but the test crate has no zip reader; `unzip`
/// cross-checks when present).
fn zip_entries(zip: &Path, into: &Path) -> String {
    let code = "import sys, zipfile\n\
                z = zipfile.ZipFile(sys.argv[1])\n\
                for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), i.file_size, i.date_time[0])\n\
                z.extractall(sys.argv[2])\n";
    let out = common::run_ok(
        Command::new("python3")
            .args(["-c", code])
            .arg(zip)
            .arg(into),
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn release_packages_zips_sums_and_manifest_as_the_registry_expects() {
    let bins = tempfile::tempdir().unwrap();
    let payload = b"\x7fELF stand-in for the provider binary".repeat(100);
    fs::write(bins.path().join("terraform-provider-combell"), &payload).unwrap();
    fs::write(bins.path().join("terraform-provider-combell.exe"), &payload).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("dist");
    let release = |platform: &str| {
        common::run_ok(
            Command::new(script("release"))
                .args(["--bin-dir", &bins.path().to_string_lossy()])
                .args(["--platform", platform, "--version", "1.2.3"])
                .args(["--out", &out.to_string_lossy()]),
        );
    };
    release("linux_arm64");
    let first = fs::read(out.join("terraform-provider-combell_1.2.3_linux_arm64.zip")).unwrap();
    release("linux_arm64");
    let second = fs::read(out.join("terraform-provider-combell_1.2.3_linux_arm64.zip")).unwrap();
    assert_eq!(first, second, "the same binary must give the same zip");
    release("windows_amd64");

    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "terraform-provider-combell_1.2.3_SHA256SUMS",
            "terraform-provider-combell_1.2.3_linux_arm64.zip",
            "terraform-provider-combell_1.2.3_manifest.json",
            "terraform-provider-combell_1.2.3_windows_amd64.zip",
            "terraform-registry-manifest.json",
        ]
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("terraform-registry-manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
    // The copy at the repository root (read by Registry tooling from the source) says the same.
    let root_manifest: serde_json::Value = serde_json::from_slice(
        &fs::read(crate::common::repo_path("terraform-registry-manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(root_manifest, manifest);

    // Each run writes the sums of what it packaged plus the manifest; the windows run was last.
    let sums = fs::read_to_string(out.join("terraform-provider-combell_1.2.3_SHA256SUMS")).unwrap();
    let lines: Vec<&str> = sums.lines().collect();
    assert_eq!(lines.len(), 2, "{sums}");
    for line in lines {
        let (hash, name) = line.split_once("  ").expect("sha256sum format");
        assert_eq!(
            hash,
            sha256_hex(&fs::read(out.join(name)).unwrap()),
            "{name}"
        );
    }
    assert!(sums.contains("_windows_amd64.zip") && sums.contains("_manifest.json"));

    let unpacked = out_dir.path().join("unpacked");
    let listing = zip_entries(
        &out.join("terraform-provider-combell_1.2.3_linux_arm64.zip"),
        &unpacked,
    );
    assert_eq!(
        listing.trim(),
        format!(
            "terraform-provider-combell_v1.2.3 0o100755 {} 1980",
            payload.len()
        )
    );
    assert_eq!(
        fs::read(unpacked.join("terraform-provider-combell_v1.2.3")).unwrap(),
        payload
    );
    let listing = zip_entries(
        &out.join("terraform-provider-combell_1.2.3_windows_amd64.zip"),
        &unpacked,
    );
    assert!(
        listing.starts_with("terraform-provider-combell_v1.2.3.exe "),
        "{listing}"
    );
}

#[test]
fn release_refuses_bad_arguments() {
    for args in [
        &["--version", "1.2"][..],
        &["--platform", "linux_amd64"][..],
        &["--bin-dir", "/nonexistent"][..],
        &["--out"][..],
    ] {
        assert_refused("release", args);
    }
}
