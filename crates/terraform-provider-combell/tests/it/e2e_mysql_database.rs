//! End to end: a real Terraform drives `combell_mysql_database` and the
//! `combell_mysql_databases` data source through the provider binary against a private
//! simulator: create waits for the provisioning job → empty plan → import (CLI and `import {}`
//! with generated configuration) → password version update → deletion behind Terraform's back
//! → re-create → destroy; a failed job; a create timeout that the next apply finishes.

use crate::common::{api, block_on, config, plan_refusing, started_with, wait_until, Sim, Tf};
use combell_api::{CancellationToken, MysqlDatabase};

fn databases(sim: &Sim) -> Vec<MysqlDatabase> {
    block_on(api(sim).list_mysql_databases(&CancellationToken::new())).expect("list databases")
}

fn exists(sim: &Sim, name: &str) -> bool {
    databases(sim).iter().any(|d| d.name == name)
}

fn database(name: &str, extra: &str) -> String {
    format!(
        r#"
resource "combell_mysql_database" "{name}" {{
  account_id = 1001
  name       = "{name}"
{extra}
}}
"#
    )
}

const PASSWORD: &str = "Db4Secret9";

fn with_password(name: &str, version: u32, extra: &str) -> String {
    config(&database(
        name,
        &format!("  password         = \"{PASSWORD}\"\n  password_version = {version}\n{extra}"),
    ))
}

#[test]
fn database_life_create_import_update_drift_destroy() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env("TF_LOG_PROVIDER", "info");

    // Create blocks until the job has finished, logging its progress; then nothing to do.
    tf.write_config(&with_password("e2eshop", 1, ""));
    let out = tf.apply();
    assert!(
        out.stderr
            .contains("waiting for the database's provisioning job"),
        "progress is logged while the job runs:\n{}",
        out.stderr
    );
    tf.assert_plan_empty();
    let db = tf.expect_resource("combell_mysql_database.e2eshop");
    assert_eq!(db["id"], "ID1001_e2eshop", "{db}");
    assert_eq!(db["hostname"], "ID1001_e2eshop.db.webhosting.be");
    assert_eq!(db["user_count"], 1);
    assert!(db["provisioning_job_id"].is_string(), "{db}");
    assert!(db["password"].is_null(), "write-only: {db}");
    tf.assert_state_hides(PASSWORD);
    out.assert_hides(PASSWORD);
    assert!(exists(&sim, "ID1001_e2eshop"));

    // `terraform import` into a fresh state: a configuration without password plans nothing.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(&database("e2eshop", "")));
    fresh.import("combell_mysql_database.e2eshop", "ID1001_e2eshop");
    fresh.assert_plan_empty();
    let empty = Tf::new(&sim);
    empty.write_config(&config(&database("e2eshop", "")));
    let bad = empty.import_fails("combell_mysql_database.e2eshop", "e2eshop");
    assert!(bad.stderr.contains("Invalid import ID"), "{bad}");
    let missing = empty.import_fails("combell_mysql_database.e2eshop", "ID1001_nothere");
    assert!(missing.stderr.contains("non-existent"), "{missing}");

    // `import {}` with generated configuration: the next plan is empty.
    let generated = Tf::new(&sim);
    generated.write_config(&config(
        "import {\n  to = combell_mysql_database.gen\n  id = \"ID1001_e2eshop\"\n}\n",
    ));
    let text = generated.plan_generating_config();
    assert!(text.contains("e2eshop"), "{text}");
    generated.apply();
    generated.assert_plan_empty();

    // A new password version sets the password in place, with one PUT.
    let before = sim.method_count("PUT");
    tf.write_config(&with_password("e2eshop", 2, ""));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply();
    assert_eq!(sim.method_count("PUT"), before + 1, "one PUT .../password");
    tf.assert_plan_empty();
    // ...and a new version without a password is refused at plan time.
    tf.write_config(&config(&database("e2eshop", "  password_version = 3\n")));
    let out = tf.plan_fails();
    assert!(out.stderr.contains("A password is required"), "{out}");
    tf.write_config(&with_password("e2eshop", 2, ""));

    // Deleted behind Terraform's back: the refresh drops it and the plan re-creates it.
    block_on(api(&sim).delete_mysql_database("ID1001_e2eshop", &CancellationToken::new()))
        .expect("delete behind Terraform's back");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout
            .contains("combell_mysql_database.e2eshop will be created"),
        "{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();
    assert!(exists(&sim, "ID1001_e2eshop"));

    // Destroy deletes it at Combell.
    tf.destroy();
    assert!(!exists(&sim, "ID1001_e2eshop"));
    assert!(tf.resource("combell_mysql_database.e2eshop").is_none());
}

#[test]
fn a_failed_job_is_an_error_naming_it_and_leaves_nothing() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    sim.fail_next_job();
    tf.write_config(&with_password("e2efail", 1, ""));
    let out = tf.apply_fails();
    let text = out.text();
    assert!(text.contains("provisioning job"), "{out}");
    assert!(text.contains("failed"), "{out}");
    assert!(tf.resource("combell_mysql_database.e2efail").is_none());
    assert!(!exists(&sim, "ID1001_e2efail"));
    tf.apply();
    tf.assert_plan_empty();
    assert!(exists(&sim, "ID1001_e2efail"));
}

#[test]
fn a_create_timeout_names_the_job_and_the_next_apply_finishes() {
    let sim = Sim::start_with(&["--job-duration", "5s"]);
    let tf = Tf::new(&sim);
    tf.write_config(&with_password(
        "e2eslow",
        1,
        "  timeouts {\n    create = \"1s\"\n  }\n",
    ));
    let out = tf.apply_fails();
    let text = out.text();
    // Kept in the state (tainted) with its job: not orphaned.
    let job_id = tf.pending_job("combell_mysql_database.e2eslow");
    assert!(text.contains(&job_id), "the error names the job:\n{out}");
    assert!(text.contains("deadline"), "{out}");

    wait_until("the simulator never finished the job", || {
        exists(&sim, "ID1001_e2eslow")
    });
    // The refresh finds the database the job made; the tainted object is then replaced
    // (Terraform's rule for tainted objects), and afterwards nothing is left to do.
    let out = tf.apply_with(&["-refresh-only"]);
    let finished = tf.expect_resource("combell_mysql_database.e2eslow");
    assert_eq!(finished["id"], "ID1001_e2eslow", "{finished}\n{out}");
    tf.write_config(&with_password(
        "e2eslow",
        1,
        "  timeouts {\n    create = \"1m\"\n  }\n",
    ));
    tf.apply();
    tf.assert_plan_empty();
    assert_eq!(
        databases(&sim)
            .iter()
            .filter(|d| d.name == "ID1001_e2eslow")
            .count(),
        1
    );
}

#[test]
fn data_source_lists_what_the_simulator_has() {
    let (_sim, tf) = started_with(
        r#"
data "combell_mysql_databases" "all" {}

data "combell_mysql_databases" "none" {
  account_id = 1002
}

output "all" {
  value = data.combell_mysql_databases.all.databases
}

output "none" {
  value = length(data.combell_mysql_databases.none.databases)
}
"#,
    );
    tf.apply();
    let out = tf.ok(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).expect("outputs JSON");
    let all = &outputs["all"]["value"];
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    assert_eq!(all[0]["id"], "ID1001_shop");
    assert_eq!(all[0]["name"], "shop");
    assert_eq!(all[0]["account_id"], 1001);
    assert_eq!(all[0]["hostname"], "ID1001_shop.db.webhosting.be");
    assert_eq!(all[0]["user_count"], 2);
    assert_eq!(outputs["none"]["value"], 0);
    tf.assert_plan_empty();
}

#[test]
fn invalid_configurations_fail_at_plan_before_any_api_write() {
    let (sim, tf) = plan_refusing(
        r#"
resource "combell_mysql_database" "bad" {
  account_id = 0
  name       = "Way-Too-Long-Name"
  password   = "short$"
  timeouts {
    create = "soon"
  }
}

data "combell_mysql_databases" "odd" {
  account_id = -1
}
"#,
        &[
            "Invalid database name",
            "Invalid account id",
            "Invalid database password",
            "8 to 20 characters",
            "at least one digit",
            "cannot contain any of these characters",
            "Invalid timeout",
        ],
    );
    // A password is required to create; that is judged at plan time, once the rest is valid.
    tf.write_config(&config(&database("nopass", "")));
    let out = tf.plan_fails();
    assert!(out.stderr.contains("A password is required"), "{out}");
    sim.assert_no_writes();
}
