//! Proves the end-to-end harness (tests/common) with a real Terraform but without the
//! provider: Terraform's built-in `terraform_data` through apply, empty plan, change and
//! destroy, plus the simulator plumbing against a stand-in simulator.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use crate::common::{Sim, Tf};

const CONFIG: &str = r#"
variable "greeting" {
  type    = string
  default = "hello"
}

resource "terraform_data" "smoke" {
  input = var.greeting
}

output "greeting" {
  value = terraform_data.smoke.output
}
"#;

#[test]
fn scripts_terraform_runs_a_terraform() {
    let script = crate::common::repo_path("scripts/terraform");
    let out = Command::new(&script)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with("Terraform v"),
        "{} version: {}\n{stdout}\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn terraform_data_apply_plan_change_destroy() {
    let tf = Tf::standalone();
    tf.write_config(CONFIG);

    tf.apply();
    let values = tf.expect_resource("terraform_data.smoke");
    assert_eq!(values["output"], "hello");
    tf.assert_plan_empty();
    assert!(tf.plan_is_empty());

    let plan = tf.run(&[
        "plan",
        "-detailed-exitcode",
        "-no-color",
        "-var",
        "greeting=bye",
    ]);
    assert_eq!(plan.code(), 2, "{plan}");
    tf.apply_with(&["-var", "greeting=bye"]);
    assert_eq!(tf.expect_resource("terraform_data.smoke")["output"], "bye");

    let output = tf.ok(&["output", "-raw", "greeting"]);
    assert_eq!(output.stdout, "bye");

    tf.destroy();
    assert!(
        tf.state_addresses().is_empty(),
        "{:?}",
        tf.state_addresses()
    );
}

#[test]
fn environment_reaches_terraform_and_fresh_state_keeps_config() {
    let mut tf = Tf::standalone();
    tf.set_env("TF_VAR_greeting", "from-env");
    tf.write_config(CONFIG);
    tf.apply();
    assert_eq!(
        tf.expect_resource("terraform_data.smoke")["output"],
        "from-env"
    );

    let fresh = tf.fresh_state();
    assert!(fresh.work_dir().join("main.tf").is_file());
    assert!(fresh.state_addresses().is_empty());
    fresh.assert_plan_changes();
}

#[test]
fn failures_show_terraform_output() {
    let tf = Tf::standalone();
    tf.write_config("resource \"terraform_data\" \"x\" {\n  no_such_argument = 1\n}\n");
    let out = tf.fails(&["plan", "-no-color"]);
    assert!(out.stderr.contains("no_such_argument"), "{out}");
    assert!(out.to_string().contains("--- stderr ---"));
}

fn fake_sim() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/common/fake_sim.py")
}

#[test]
fn sim_harness_reads_address_and_control_routes() {
    let sim = Sim::start_program(&fake_sim(), &["--api-key", "k2"]);
    assert!(sim.base_url().starts_with("http://127.0.0.1:"));
    assert!(sim.base_url().ends_with("/v2"));
    assert_eq!(sim.api_key(), "k2");
    assert_eq!(sim.api_secret(), common::SIM_API_SECRET);

    assert_eq!(sim.request_count(), 0);
    let (status, _) = common::http_request(sim.addr(), "PUT", "/v2/anything").unwrap();
    assert_eq!(status, 200);
    assert_eq!(sim.stats()["by_method"]["PUT"], 1);
    sim.reset();
    assert_eq!(sim.request_count(), 0);

    // The environment a provider would get points at this simulator.
    let tf = Tf::new(&sim);
    tf.write_config(CONFIG);
    tf.assert_plan_changes();
}

#[test]
#[should_panic(expected = "refusing to start as asked")]
fn sim_start_failure_shows_its_stderr() {
    Sim::start_program(&fake_sim(), &["--fail-start"]);
}

fn fake_terraform(dir: &std::path::Path, name: &str, version_line: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\necho '{version_line}'\n")).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path
}

#[test]
fn resolver_takes_terraform_env_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_terraform(dir.path(), "my-terraform", "Terraform v0.12.0");
    let which = crate::common::repo_path("scripts/which-terraform");
    let out = Command::new(which)
        .env("TERRAFORM", &fake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        fake.to_str().unwrap()
    );
}

#[test]
fn resolver_accepts_only_terraform_1_11_or_newer() {
    let dir = tempfile::tempdir().unwrap();
    let lib = crate::common::repo_path("scripts/lib/terraform.sh");
    let cases = [
        ("Terraform v1.10.9", false),
        ("Terraform v1.11.0", true),
        ("Terraform v1.15.5", true),
        ("Terraform v2.0.0", true),
        ("Terraform v0.99.0", false),
        ("OpenTofu v1.11.1", true),
        ("something else", false),
    ];
    for (i, (line, accepted)) in cases.iter().enumerate() {
        let fake = fake_terraform(dir.path(), &format!("tf{i}"), line);
        let script = format!(
            "source '{}'; tf_new_enough '{}'",
            lib.display(),
            fake.display()
        );
        // A script just written can briefly fail to exec ("text file busy") while another
        // test thread forks; retry before calling a rejection real.
        let mut ok = false;
        for _ in 0..3 {
            ok = Command::new("bash")
                .arg("-c")
                .arg(&script)
                .status()
                .unwrap()
                .success();
            if ok {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(ok, *accepted, "{line}");
    }
}
