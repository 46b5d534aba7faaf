//! End to end: a real Terraform drives `combell_account` and the `combell_account` /
//! `combell_accounts` data sources through the provider binary against a private simulator:
//! create waits for the provisioning job → empty plan → import (CLI and `import {}` blocks with
//! generated configuration) → password version update → drift → destroy that warns and leaves
//! the account; a failed job; a create timeout that the next apply finishes without a second
//! account.

use crate::common::{api, config, plan_refusing, started_with, wait_until, Sim, Tf};
use combell_api::{Account, AccountFilter, CancellationToken};

fn accounts_named(sim: &Sim, identifier: &str) -> Vec<Account> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let filter = AccountFilter {
        identifier: Some(identifier.to_string()),
        ..AccountFilter::default()
    };
    rt.block_on(api(sim).list_accounts(&filter, &CancellationToken::new()))
        .expect("list accounts")
}

/// Polls the simulator until its provisioning job has made the account (a condition, not a
/// timing assertion).
fn wait_until_exists(sim: &Sim, identifier: &str) {
    let what = format!("the simulator never finished the job creating {identifier}");
    wait_until(&what, || !accounts_named(sim, identifier).is_empty());
}

fn account(name: &str, identifier: &str, extra: &str) -> String {
    format!(
        r#"
resource "combell_account" "{name}" {{
  identifier     = "{identifier}"
  servicepack_id = 12
{extra}
}}
"#
    )
}

const PASSWORD: &str = "Ftp4Secret9";

#[test]
fn account_life_create_import_update_drift_destroy() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env("TF_LOG_PROVIDER", "info");
    let with_password = |version: u32| {
        config(&account(
            "site",
            "e2e-site.be",
            &format!(
                "  ftp_password         = \"{PASSWORD}\"\n  ftp_password_version = {version}\n"
            ),
        ))
    };

    // Create blocks until the job has finished, logging its progress; then nothing to do.
    tf.write_config(&with_password(1));
    let out = tf.apply();
    assert!(
        out.stderr
            .contains("waiting for the account's provisioning job"),
        "progress is logged while the job runs:\n{}",
        out.stderr
    );
    tf.assert_plan_empty();
    let site = tf.expect_resource("combell_account.site");
    let id = site["id"].as_str().expect("id in state").to_string();
    assert_eq!(site["servicepack_name"], "Linux Hosting Basic");
    assert!(site["provisioning_job_id"].is_string(), "{site}");
    assert!(site["ftp_password"].is_null(), "write-only: {site}");
    tf.assert_state_hides(PASSWORD);
    out.assert_hides(PASSWORD);
    let found = accounts_named(&sim, "e2e-site.be");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id.to_string(), id);

    // `terraform import` into a fresh state; the configuration without a password version
    // (which no API can tell) plans nothing.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(&account("site", "e2e-site.be", "")));
    fresh.import("combell_account.site", &id);
    fresh.assert_plan_empty();
    let empty = Tf::new(&sim);
    empty.write_config(&config(&account("site", "e2e-site.be", "")));
    let bad = empty.import_fails("combell_account.site", "e2e-site.be");
    assert!(
        bad.stderr.contains("Invalid import ID"),
        "an identifier is not an import ID:\n{bad}"
    );
    let missing = empty.import_fails("combell_account.site", "999999");
    assert!(
        missing.stderr.contains("non-existent"),
        "an unknown id cannot be imported:\n{missing}"
    );

    // `import {}` with generated configuration: the next plan is empty.
    let generated = Tf::new(&sim);
    generated.write_config(&config(&format!(
        "import {{\n  to = combell_account.gen\n  id = \"{id}\"\n}}\n"
    )));
    let text = generated.plan_generating_config();
    assert!(text.contains("e2e-site.be"), "{text}");
    generated.apply();
    generated.assert_plan_empty();

    // A new password version: an in-place change of the state only, with a warning.
    tf.write_config(&with_password(2));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    let out = tf.apply();
    assert!(
        out.text().contains("The FTP password was not changed"),
        "{out}"
    );
    tf.assert_plan_empty();

    // Another servicepack for the same identifier cannot be applied: the plan says so.
    tf.write_config(&with_password(2).replace("servicepack_id = 12", "servicepack_id = 13"));
    let out = tf.plan_fails();
    assert!(
        out.stderr
            .contains("The servicepack of an existing account cannot be changed"),
        "{out}"
    );
    tf.write_config(&with_password(2));

    // Drift: a state pointing at an account that does not exist loses it; the next apply
    // adopts the account by its identifier instead of requesting another.
    let pulled = tf.ok(&["state", "pull"]).stdout;
    let mut state: serde_json::Value = serde_json::from_str(&pulled).expect("state JSON");
    state["serial"] = (state["serial"].as_u64().unwrap_or(0) + 1).into();
    state["resources"][0]["instances"][0]["attributes"]["id"] = "999999".into();
    tf.write_file("drifted.tfstate", &state.to_string());
    tf.ok(&["state", "push", "drifted.tfstate"]);
    std::fs::remove_file(tf.work_dir().join("drifted.tfstate")).expect("remove pushed state");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("combell_account.site will be created"),
        "{plan}"
    );
    let out = tf.apply();
    assert!(
        out.text().contains("Adopted the existing Combell account"),
        "{out}"
    );
    tf.assert_plan_empty();
    assert_eq!(accounts_named(&sim, "e2e-site.be").len(), 1);
    assert_eq!(
        tf.expect_resource("combell_account.site")["id"],
        id.as_str()
    );

    // Destroy forgets the account with a warning; Combell (the simulator) still has it.
    let out = tf.destroy();
    let text = out.text();
    assert!(text.contains("still exists"), "{out}");
    assert!(text.contains("control panel"), "{out}");
    assert_eq!(accounts_named(&sim, "e2e-site.be").len(), 1);
    assert!(tf.resource("combell_account.site").is_none());

    // Applying again takes the forgotten account back rather than requesting a second one.
    let out = tf.apply();
    assert!(
        out.text().contains("Adopted the existing Combell account"),
        "{out}"
    );
    assert_eq!(
        tf.expect_resource("combell_account.site")["id"],
        id.as_str()
    );
    assert_eq!(accounts_named(&sim, "e2e-site.be").len(), 1);
    tf.assert_plan_empty();
}

#[test]
fn a_failed_job_is_an_error_naming_it_and_leaves_nothing() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    sim.fail_next_job();
    tf.write_config(&config(&account("site", "e2e-fail.be", "")));
    let out = tf.apply_fails();
    let text = out.text();
    assert!(text.contains("provisioning job"), "{out}");
    assert!(text.contains("failed"), "{out}");
    assert!(tf.resource("combell_account.site").is_none());
    assert!(accounts_named(&sim, "e2e-fail.be").is_empty());
    // Nothing was created, so the next apply requests the account once.
    tf.apply();
    tf.assert_plan_empty();
    assert_eq!(accounts_named(&sim, "e2e-fail.be").len(), 1);
}

#[test]
fn a_create_timeout_names_the_job_and_the_next_apply_adopts_the_account() {
    let sim = Sim::start_with(&["--job-duration", "5s"]);
    let tf = Tf::new(&sim);
    tf.write_config(&config(&account(
        "site",
        "e2e-slow.be",
        "  timeouts {\n    create = \"1s\"\n  }\n",
    )));
    let out = tf.apply_fails();
    let text = out.text();
    // Kept in the state (tainted) with its job: not orphaned.
    let job_id = tf.pending_job("combell_account.site");
    assert!(text.contains(&job_id), "the error names the job:\n{out}");
    assert!(text.contains("deadline"), "{out}");

    wait_until_exists(&sim, "e2e-slow.be");
    let out = tf.apply();
    let site = tf.expect_resource("combell_account.site");
    assert!(site["id"].is_string(), "{site}\n{out}");
    tf.assert_plan_empty();
    assert_eq!(
        accounts_named(&sim, "e2e-slow.be").len(),
        1,
        "no second account"
    );
    let stats = sim.stats();
    assert_eq!(
        stats["by_method"]["POST"].as_u64(),
        Some(1),
        "one POST /accounts only: {stats}"
    );
}

#[test]
fn data_sources_read_what_the_simulator_has() {
    let (_sim, tf) = started_with(
        r#"
data "combell_account" "by_id" {
  id = "1001"
}

data "combell_account" "by_identifier" {
  identifier = "example.net"
}

data "combell_accounts" "all" {}

data "combell_accounts" "hosting" {
  asset_type = "linux_hosting"
}

data "combell_accounts" "one" {
  identifier = "example.net"
}

output "by_id" {
  value = data.combell_account.by_id.identifier
}

output "by_identifier" {
  value = data.combell_account.by_identifier.id
}

output "pack" {
  value = data.combell_account.by_identifier.servicepack_name
}

output "all" {
  value = [for a in data.combell_accounts.all.accounts : a.identifier]
}

output "hosting" {
  value = [for a in data.combell_accounts.hosting.accounts : a.id]
}

output "one" {
  value = [for a in data.combell_accounts.one.accounts : a.servicepack_id]
}
"#,
    );
    tf.apply();
    let out = tf.ok(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).expect("outputs JSON");
    assert_eq!(outputs["by_id"]["value"], "example.com");
    assert_eq!(outputs["by_identifier"]["value"], "1002");
    assert_eq!(outputs["pack"]["value"], "Domain Name Only");
    assert_eq!(
        outputs["all"]["value"],
        serde_json::json!(["example.com", "example.net"])
    );
    assert_eq!(outputs["hosting"]["value"], serde_json::json!(["1001"]));
    assert_eq!(outputs["one"]["value"], serde_json::json!([11]));
    tf.assert_plan_empty();
}

#[test]
fn invalid_configurations_fail_at_plan_before_any_api_write() {
    let (sim, _tf) = plan_refusing(
        r#"
resource "combell_account" "bad" {
  identifier     = "Not A Domain"
  servicepack_id = 0
  ftp_password   = "short$"
  timeouts {
    create = "soon"
  }
}

data "combell_account" "neither" {}

data "combell_accounts" "odd" {
  asset_type = "ftp"
}
"#,
        &[
            "Invalid account identifier",
            "Invalid servicepack id",
            "Invalid FTP password",
            "8 to 20 characters",
            "at least one digit",
            "cannot contain any of these characters",
            "Invalid timeout",
            "Give exactly one of id and identifier",
            "Invalid asset type",
        ],
    );
    sim.assert_no_writes();
}
