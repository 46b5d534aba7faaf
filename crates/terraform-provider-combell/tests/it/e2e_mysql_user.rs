//! End to end: a real Terraform drives `combell_mysql_user` through the provider binary against
//! a private simulator: create (waiting for the job) with a disabled status → empty plan →
//! import (CLI and `import {}` with generated configuration) → status and password version
//! updates → deletion behind Terraform's back → re-create → destroy; the database's own
//! read_and_write user imported and "destroyed" (only forgotten); plan-time validation.

use crate::common::{api, assert_mentions, block_on, config, started_with, wait_until, Sim, Tf};
use combell_api::{CancellationToken, MysqlUser};

fn users(sim: &Sim) -> Vec<MysqlUser> {
    block_on(api(sim).list_mysql_users("ID1001_shop", &CancellationToken::new()))
        .expect("list users")
}

fn user(sim: &Sim, name: &str) -> Option<MysqlUser> {
    users(sim).into_iter().find(|u| u.name == name)
}

const PASSWORD: &str = "User4Secret9";

fn resource(name: &str, extra: &str) -> String {
    format!(
        r#"
resource "combell_mysql_user" "{name}" {{
  database_name = "ID1001_shop"
  name          = "{name}"
{extra}
}}
"#
    )
}

fn with_password(name: &str, version: u32, extra: &str) -> String {
    config(&resource(
        name,
        &format!("  password         = \"{PASSWORD}\"\n  password_version = {version}\n{extra}"),
    ))
}

#[test]
fn user_life_create_import_update_drift_destroy() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env("TF_LOG_PROVIDER", "info");

    tf.write_config(&with_password("e2euser", 1, "  status = \"disabled\"\n"));
    let out = tf.apply();
    assert!(
        out.stderr
            .contains("waiting for the MySQL user's provisioning job"),
        "{}",
        out.stderr
    );
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_mysql_user.e2euser");
    assert_eq!(state["id"], "ID1001_shop/e2euser");
    assert_eq!(state["rights"], "read_only");
    assert_eq!(state["status"], "disabled");
    assert!(state["password"].is_null());
    tf.assert_state_hides(PASSWORD);
    assert!(!user(&sim, "e2euser").expect("created").enabled);

    // Import into a fresh state, and with generated configuration.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(&resource("e2euser", "  status = \"disabled\"\n")));
    fresh.import("combell_mysql_user.e2euser", "ID1001_shop/e2euser");
    fresh.assert_plan_empty();
    let bad = fresh.import_fails("combell_mysql_user.e2euser", "e2euser");
    assert!(bad.stderr.contains("Invalid import ID"), "{bad}");
    let generated = Tf::new(&sim);
    generated.write_config(&config(
        "import {\n  to = combell_mysql_user.gen\n  id = \"ID1001_shop/e2euser\"\n}\n",
    ));
    generated.plan_generating_config();
    generated.apply();
    generated.assert_plan_empty();

    // Status and password version change in place.
    tf.write_config(&with_password("e2euser", 2, "  status = \"enabled\"\n"));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    let before = sim.method_count("PUT");
    tf.apply();
    assert_eq!(
        sim.method_count("PUT"),
        before + 2,
        "a status and a password PUT"
    );
    assert!(user(&sim, "e2euser").expect("still there").enabled);
    tf.assert_plan_empty();

    // Drift: disabled behind Terraform's back, then deleted.
    block_on(api(&sim).set_mysql_user_status(
        "ID1001_shop",
        "e2euser",
        false,
        &CancellationToken::new(),
    ))
    .expect("disable behind Terraform's back");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("\"disabled\" -> \"enabled\""),
        "{plan}"
    );
    block_on(api(&sim).delete_mysql_user("ID1001_shop", "e2euser", &CancellationToken::new()))
        .expect("delete behind Terraform's back");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout
            .contains("combell_mysql_user.e2euser will be created"),
        "{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();

    tf.destroy();
    assert!(user(&sim, "e2euser").is_none());
}

#[test]
fn the_databases_own_user_is_managed_but_only_forgotten_on_destroy() {
    let (sim, tf) = started_with(
        r#"
resource "combell_mysql_user" "owner" {
  database_name = "ID1001_shop"
  name          = "ID1001_shop"
  status        = "disabled"
}

resource "combell_mysql_user" "reporting" {
  database_name = "ID1001_shop"
  name          = "reporting"
}
"#,
    );
    tf.import("combell_mysql_user.owner", "ID1001_shop/ID1001_shop");
    tf.import("combell_mysql_user.reporting", "ID1001_shop/reporting");
    let owner = tf.expect_resource("combell_mysql_user.owner");
    assert_eq!(owner["rights"], "read_and_write");
    // Its status is managed like any user's.
    tf.apply();
    tf.assert_plan_empty();
    assert!(!user(&sim, "ID1001_shop").expect("own user").enabled);
    let out = tf.destroy();
    let text = out.text();
    assert!(text.contains("still exists"), "{out}");
    assert!(
        user(&sim, "reporting").is_none(),
        "read_only users are deleted"
    );
    assert!(user(&sim, "ID1001_shop").is_some(), "the own user stays");
}

#[test]
fn invalid_configurations_fail_at_plan_before_any_api_write() {
    let (sim, tf) = started_with(
        r#"
resource "combell_mysql_user" "bad" {
  database_name = "ID1001 shop"
  name          = "Bad_Name"
  password      = "short"
  status        = "off"
}
"#,
    );
    let out = tf.plan_fails();
    assert_mentions(
        &out.stderr,
        &[
            "Invalid MySQL user name",
            "Invalid database name",
            "Invalid MySQL user password",
            "Invalid status",
        ],
        &out,
    );
    sim.assert_no_writes();
}

#[test]
fn a_failed_job_leaves_nothing_and_a_timeout_is_finished_by_the_next_apply() {
    let sim = Sim::start_with(&["--job-duration", "4s"]);
    let tf = Tf::new(&sim);
    sim.fail_next_job();
    tf.write_config(&with_password("e2eslow", 1, ""));
    let out = tf.apply_fails();
    assert!(out.stderr.contains("failed"), "{out}");
    assert!(tf.resource("combell_mysql_user.e2eslow").is_none());

    tf.write_config(&with_password(
        "e2eslow",
        1,
        "  timeouts {\n    create = \"1s\"\n  }\n",
    ));
    let out = tf.apply_fails();
    let job_id = tf.pending_job("combell_mysql_user.e2eslow");
    assert!(
        out.stderr.contains(&job_id),
        "the error names the job:\n{out}"
    );

    // Once the job has finished, the next run reads the user and replaces the tainted one.
    wait_until("the simulator never finished the job", || {
        user(&sim, "e2eslow").is_some()
    });
    tf.write_config(&with_password("e2eslow", 1, ""));
    tf.apply();
    tf.assert_plan_empty();
    assert_eq!(
        users(&sim).iter().filter(|u| u.name == "e2eslow").count(),
        1
    );
}
