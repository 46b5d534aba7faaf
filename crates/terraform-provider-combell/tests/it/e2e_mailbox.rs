//! End to end: a real Terraform drives `combell_mailbox` (and the `combell_mailboxes` data
//! source) through the provider binary against a private simulator: create with auto-reply and
//! auto-forward → empty plan → password version update → settings update → import (CLI and
//! `import {}` with generated configuration) → drift and deletion outside Terraform → destroy.

use crate::common::{api, block_on, config, plan_refusing, started_with, Sim, Tf};
use combell_api::{AutoReply, CancellationToken};

const PASSWORD: &str = "Mail4Secret9";

fn mailbox(version: u32, message: &str) -> String {
    config(&format!(
        r#"
resource "combell_mailbox" "box" {{
  email_address    = "e2e@example.com"
  account_id       = 1001
  password         = "{PASSWORD}"
  password_version = {version}
  auto_reply = {{
    enabled = true
    subject = "Away"
    message = "{message}"
  }}
  auto_forward = {{
    enabled         = true
    email_addresses = ["someone@example.org"]
    copy_to_myself  = true
  }}
}}
"#
    ))
}

#[test]
fn mailbox_life_create_update_import_drift_destroy() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    // Debug logs show every request: the password must still appear nowhere.
    tf.set_env("TF_LOG_PROVIDER", "debug");
    let client = api(&sim);
    let none = CancellationToken::new();

    // Create: the mailbox and both settings, then nothing to do.
    tf.write_config(&mailbox(1, "Back on Monday."));
    let out = tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_mailbox.box");
    assert_eq!(state["id"], "e2e@example.com");
    assert_eq!(state["login"], "e2e@example.com");
    assert_eq!(state["max_size"], 5120);
    assert!(state["password"].is_null(), "write-only: {state}");
    let detail = block_on(client.get_mailbox("e2e@example.com", &none)).expect("created");
    assert!(detail.auto_reply.enabled);
    assert_eq!(detail.auto_reply.message, "Back on Monday.");
    assert_eq!(detail.auto_forward.email_addresses, ["someone@example.org"]);
    assert!(detail.auto_forward.copy_to_myself);
    tf.assert_state_hides(PASSWORD);
    out.assert_hides(PASSWORD);

    // A new password version sends the password (one PUT) in place.
    tf.write_config(&mailbox(2, "Back on Monday."));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    let before = sim.method_count("PUT");
    let out = tf.apply();
    assert_eq!(
        sim.method_count("PUT"),
        before + 1,
        "one PUT of the password only"
    );
    out.assert_hides(PASSWORD);
    tf.assert_plan_empty();

    // A new auto-reply message: one PUT of the auto-reply.
    tf.write_config(&mailbox(2, "Back on Tuesday."));
    let before = sim.method_count("PUT");
    tf.apply();
    assert_eq!(sim.method_count("PUT"), before + 1);
    tf.assert_plan_empty();
    let detail = block_on(client.get_mailbox("e2e@example.com", &none)).expect("read");
    assert_eq!(detail.auto_reply.message, "Back on Tuesday.");

    // Drift: a change outside Terraform shows in the plan, and apply puts it back.
    block_on(client.set_mailbox_autoreply("e2e@example.com", &AutoReply::default(), &none))
        .expect("change outside Terraform");
    let plan = tf.assert_plan_changes();
    assert!(plan.stdout.contains("auto_reply"), "{plan}");
    tf.apply();
    tf.assert_plan_empty();

    // Deleted outside Terraform: removed from the state, and the plan creates it again.
    block_on(client.delete_mailbox("e2e@example.com", &none)).expect("delete outside");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("combell_mailbox.box will be created"),
        "{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();
    assert!(block_on(client.get_mailbox("e2e@example.com", &none)).is_ok());

    // `terraform import` of the seeded mailbox by address (any case); a minimal configuration
    // plans nothing.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(
        "resource \"combell_mailbox\" \"info\" {\n  email_address = \"info@example.com\"\n}\n",
    ));
    fresh.import("combell_mailbox.info", "Info@Example.com");
    fresh.assert_plan_empty();
    let empty = Tf::new(&sim);
    empty.write_config(&config(
        "resource \"combell_mailbox\" \"info\" {\n  email_address = \"info@example.com\"\n}\n",
    ));
    let bad = empty.import_fails("combell_mailbox.info", "not-an-address");
    let missing = empty.import_fails("combell_mailbox.info", "nobody@example.com");
    assert!(missing.stderr.contains("non-existent"), "{missing}");
    assert!(bad.stderr.contains("Invalid import ID"), "{bad}");

    // `import {}` with generated configuration: the next plan is empty.
    let generated = Tf::new(&sim);
    generated.write_config(&config(
        "import {\n  to = combell_mailbox.gen\n  id = \"e2e@example.com\"\n}\n",
    ));
    let text = generated.plan_generating_config();
    assert!(text.contains("someone@example.org"), "{text}");
    generated.apply();
    generated.assert_plan_empty();

    // Destroy deletes the mailbox.
    tf.destroy();
    assert!(block_on(client.get_mailbox("e2e@example.com", &none)).is_err_and(|e| e.is_not_found()));
}

#[test]
fn invalid_configurations_fail_at_plan_before_any_api_write() {
    let (sim, _tf) = plan_refusing(
        r#"
resource "combell_mailbox" "bad" {
  email_address    = "Not An Address"
  account_id       = 0
  password         = "short$"
  auto_reply = {
    enabled = true
    message = ""
  }
  auto_forward = {
    enabled         = true
    email_addresses = []
  }
}

resource "combell_mailbox" "incomplete" {
  email_address    = "x@example.com"
  password_version = 1
}
"#,
        &[
            "Invalid e-mail address",
            "Invalid account id",
            "Invalid mailbox password",
            "8 to 20 characters",
            "An enabled auto-reply needs a message",
            "An enabled auto-forward needs an address",
            "password_version without password",
        ],
    );
    sim.assert_no_writes();
}

#[test]
fn a_new_mailbox_needs_a_password() {
    let (_sim, tf) = started_with(
        "resource \"combell_mailbox\" \"box\" {\n  email_address = \"new@example.com\"\n}\n",
    );
    let out = tf.plan_fails();
    let text = out.text();
    assert!(text.contains("A new mailbox needs a password"), "{out}");

    // Without account_id, the domain's only mail zone account is used and recorded.
    tf.write_config(&config(
        "resource \"combell_mailbox\" \"box\" {\n  email_address = \"new@example.com\"\n  password      = \"Mail4Secret9\"\n}\n",
    ));
    tf.apply();
    assert_eq!(
        tf.expect_resource("combell_mailbox.box")["account_id"],
        1001
    );
    tf.assert_plan_empty();

    // A domain without a mail zone cannot have mailboxes: the error says so.
    tf.write_config(&config(
        "resource \"combell_mailbox\" \"box\" {\n  email_address = \"new@nomail.example\"\n  password      = \"Mail4Secret9\"\n}\n",
    ));
    let out = tf.apply_fails();
    assert!(out.text().contains("has no mail zone"), "{out}");
}

#[test]
fn the_data_source_lists_a_domains_mailboxes() {
    let (_sim, tf) = started_with(
        r#"
resource "combell_mailbox" "extra" {
  email_address = "extra@example.com"
  account_id    = 1001
  password      = "Mail4Secret9"
}

data "combell_mailboxes" "all" {
  domain_name = "example.com"
  depends_on  = [combell_mailbox.extra]
}

output "addresses" {
  value = [for m in data.combell_mailboxes.all.mailboxes : m.email_address]
}

output "size" {
  value = data.combell_mailboxes.all.mailboxes[0].max_size
}
"#,
    );
    tf.apply();
    let out = tf.ok(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).expect("outputs JSON");
    assert_eq!(
        outputs["addresses"]["value"],
        serde_json::json!(["extra@example.com", "info@example.com"])
    );
    assert_eq!(outputs["size"]["value"], 5120);
    tf.assert_plan_empty();

    tf.write_config(&config(
        "data \"combell_mailboxes\" \"bad\" {\n  domain_name = \"Not A Domain\"\n}\n",
    ));
    let out = tf.plan_fails();
    assert!(out.text().contains("Invalid domain name"), "{out}");
}

#[test]
fn an_existing_mailbox_is_not_taken_over_and_a_lost_answer_is_not_orphaned() {
    // The POST succeeds at Combell but its answer is a 5xx: the mailbox is still recorded.
    let sim = Sim::start_with(&[
        "--fault",
        "kind=commit_then_fail,method=POST,path=/v2/mailboxes,count=1",
    ]);
    let tf = Tf::new(&sim);
    tf.write_config(&config(
        r#"
resource "combell_mailbox" "box" {
  email_address = "lost@example.com"
  account_id    = 1001
  password      = "Mail4Secret9"
}
"#,
    ));
    tf.apply();
    assert_eq!(
        tf.expect_resource("combell_mailbox.box")["id"],
        "lost@example.com"
    );
    tf.assert_plan_empty();
    let stats = sim.stats();
    let server_errors: u64 = stats["by_status"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with('5'))
                .filter_map(|(_, v)| v.as_u64())
                .sum()
        })
        .unwrap_or(0);
    assert!(server_errors >= 1, "the fault did not fire: {stats}");

    // A mailbox that already exists is an error that says how to import it.
    let other = Tf::new(&sim);
    other.write_config(&config(
        r#"
resource "combell_mailbox" "info" {
  email_address = "info@example.com"
  account_id    = 1001
  password      = "Mail4Secret9"
}
"#,
    ));
    let out = other.apply_fails();
    let text = out.text();
    assert!(text.contains("already exists"), "{out}");
    assert!(text.contains("terraform import"), "{out}");
    assert!(other.resource("combell_mailbox.info").is_none());
}

#[test]
fn the_examples_apply_against_the_simulator() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let root = crate::common::repo_path("examples");
    let resource = std::fs::read_to_string(root.join("resources/combell_mailbox/resource.tf"))
        .expect("resource example");
    let data = std::fs::read_to_string(root.join("data-sources/combell_mailboxes/data-source.tf"))
        .expect("data source example");
    tf.write_config(&config(&format!("{resource}\n{data}")));
    tf.apply_with(&["-var", "mailbox_password=Mail4Secret9"]);
    let out = tf.ok(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_str(&out.stdout).expect("outputs JSON");
    assert_eq!(outputs["login"]["value"], "contact@example.com");
    assert!(
        outputs["mailboxes"]["value"]["info@example.com"].is_string(),
        "{outputs}"
    );
}
