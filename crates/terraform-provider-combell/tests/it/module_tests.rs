//! The reusable module `examples/modules/client-site` passes its own `terraform test` files:
//! `tests/mock.tftest.hcl` with `mock_provider "combell"` (no API: no credentials are given and
//! the simulator must see no request) and `tests/simulator.tftest.hcl` against the simulator.
//! The provider is installed into a filesystem mirror so that `terraform init` works offline, as
//! a module's CI would run it.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{Sim, Tf};

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The module in a working directory whose Terraform installs the provider from a mirror.
fn module_dir(sim: &Sim) -> Tf {
    let mut tf = Tf::new(sim);
    let root = tf.work_dir().parent().unwrap().to_path_buf();
    let mirror = root.join("mirror");
    let out = Command::new(crate::common::repo_path("scripts/install"))
        .args(["--bin-dir", &common::provider_dir().to_string_lossy()])
        .args(["--dir", &mirror.to_string_lossy()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/install failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli_config = root.join("mirror.tfrc");
    tf.use_mirror(&mirror, &cli_config);
    copy_tree(
        &crate::common::repo_path("examples/modules/client-site"),
        tf.work_dir(),
    );
    tf.ok(&["init", "-no-color", "-input=false"]);
    tf
}

#[test]
fn the_client_site_module_passes_its_tests_with_a_mock_provider_and_on_the_simulator() {
    let sim = Sim::start();
    let mut tf = module_dir(&sim);
    assert!(
        tf.work_dir().join("tests/mock.tftest.hcl").is_file()
            && tf.work_dir().join("tests/simulator.tftest.hcl").is_file()
    );

    // Without credentials a real provider could not even be configured: the mock needs none.
    for var in ["COMBELL_ENDPOINT", "COMBELL_API_KEY", "COMBELL_API_SECRET"] {
        tf.unset_env(var);
    }
    let before = sim.request_count();
    let mock = tf.ok(&["test", "-no-color", "-filter=tests/mock.tftest.hcl"]);
    assert!(mock.stdout.contains("4 passed, 0 failed"), "{mock}");
    assert_eq!(
        sim.request_count(),
        before,
        "the mocked run reached the API"
    );

    tf.set_env("COMBELL_ENDPOINT", sim.base_url());
    tf.set_env("COMBELL_API_KEY", sim.api_key());
    tf.set_env("COMBELL_API_SECRET", sim.api_secret());
    let real = tf.ok(&["test", "-no-color", "-filter=tests/simulator.tftest.hcl"]);
    assert!(real.stdout.contains("2 passed, 0 failed"), "{real}");
    assert!(
        sim.request_count() > before,
        "the simulator run never reached the simulator"
    );
}
