//! Proves the end-to-end harness (tests/common) with a real Terraform but without the
//! provider: Terraform's built-in `terraform_data` through apply, empty plan, change and
//! destroy, plus the simulator plumbing against a stand-in simulator.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Sim, Tf};

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
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/terraform");
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
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/common/fake_sim.py")
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
