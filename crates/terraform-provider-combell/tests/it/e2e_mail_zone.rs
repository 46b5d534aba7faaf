//! End to end: a real Terraform drives the mail zone resources (`combell_mail_alias`,
//! `combell_mail_catch_all`, `combell_mail_smtp_domain`, `combell_mail_antispam`) and the
//! `combell_mail_zone`, `combell_windows_hosting` and `combell_windows_hostings` data sources
//! through the provider binary against a private simulator: create → empty plan → update →
//! changes and deletions behind Terraform's back → import into a fresh state → destroy; plan-time
//! validation without API writes; a lost create answer; data sources on the seed and on a
//! Windows account made in the same configuration.

use crate::common::{api, assert_mentions, block_on, config, Sim, Tf};
use combell_api::CancellationToken;

/// The four mail zone resources on the seeded `example.com`, and the zone read back.
fn zone_parts(destinations: &str, smtp_enabled: Option<bool>, spam: &str) -> String {
    let enabled = smtp_enabled
        .map(|e| format!("  enabled     = {e}\n"))
        .unwrap_or_default();
    config(&format!(
        r#"
resource "combell_mail_alias" "team" {{
  domain_name   = "example.com"
  email_address = "team@example.com"
  destinations  = [{destinations}]
}}

resource "combell_mail_catch_all" "all" {{
  domain_name   = "example.com"
  email_address = "info@example.com"
}}

resource "combell_mail_smtp_domain" "be" {{
  domain_name = "example.com"
  hostname    = "example.be"
{enabled}}}

resource "combell_mail_antispam" "zone" {{
  domain_name = "example.com"
  type        = "{spam}"
}}

data "combell_mail_zone" "zone" {{
  domain_name = "example.com"
  depends_on = [
    combell_mail_alias.team, combell_mail_catch_all.all,
    combell_mail_smtp_domain.be, combell_mail_antispam.zone,
  ]
}}

output "zone" {{
  value = data.combell_mail_zone.zone
}}
"#
    ))
}

#[test]
fn mail_zone_parts_create_update_drift_import_destroy() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let client = api(&sim);
    let none = CancellationToken::new();
    let zone = || block_on(client.get_mail_zone("example.com", &none)).expect("mail zone");

    // Create all four; the data source sees them; nothing left to do.
    tf.write_config(&zone_parts(
        r#""info@example.com", "a@example.org""#,
        None,
        "none",
    ));
    tf.apply();
    tf.assert_plan_empty();
    let z = zone();
    let mut destinations = z
        .alias("team@example.com")
        .expect("alias")
        .destinations
        .clone();
    destinations.sort();
    assert_eq!(destinations, ["a@example.org", "info@example.com"]);
    assert_eq!(z.catch_all.email_addresses, ["info@example.com"]);
    assert!(z.smtp_domain("example.be").expect("smtp domain").enabled);
    assert_eq!(z.anti_spam.spam_type, "none");
    // One `terraform show` for the resources and the data source's output.
    let shown = tf.state_json();
    let resource = |address: &str| {
        shown["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or_else(|| panic!("{address} is not in the state: {shown}"))
    };
    assert_eq!(
        resource("combell_mail_alias.team")["id"],
        "example.com/team@example.com"
    );
    assert_eq!(resource("combell_mail_smtp_domain.be")["enabled"], true);
    assert_eq!(
        resource("combell_mail_antispam.zone")["allowed_types"],
        serde_json::json!(["none", "basic"])
    );
    let seen = &shown["values"]["outputs"]["zone"]["value"];
    assert_eq!(seen["anti_spam_type"], "none");
    assert_eq!(
        seen["catch_all_addresses"],
        serde_json::json!(["info@example.com"])
    );
    assert_eq!(seen["aliases"][0]["email_address"], "sales@example.com");
    assert_eq!(
        seen["aliases"][1]["destinations"],
        serde_json::json!(["a@example.org", "info@example.com"])
    );
    assert_eq!(seen["smtp_domains"][0]["hostname"], "example.be");
    assert_eq!(seen["available_accounts"][0]["account_id"], 1001);

    // Update in place: new destinations, SMTP domain off, basic scanning: three PUTs.
    tf.write_config(&zone_parts(r#""b@example.org""#, Some(false), "basic"));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 3 to change, 0 to destroy"),
        "{plan}"
    );
    let before = sim.method_count("PUT");
    tf.apply();
    assert_eq!(sim.method_count("PUT"), before + 3);
    tf.assert_plan_empty();
    let z = zone();
    assert_eq!(
        z.alias("team@example.com").expect("alias").destinations,
        ["b@example.org"]
    );
    assert!(!z.smtp_domain("example.be").expect("smtp domain").enabled);
    assert_eq!(z.anti_spam.spam_type, "basic");

    // Behind Terraform's back: the alias and the scanning changed, the catch-all and the SMTP
    // domain deleted. The plan puts the first two back and creates the others again; then
    // nothing is left to do.
    block_on(async {
        let dest = vec!["c@example.org".to_string()];
        client
            .update_mail_alias("example.com", "team@example.com", &dest, &none)
            .await?;
        client
            .delete_mail_catch_all("example.com", "info@example.com", &none)
            .await?;
        client
            .delete_smtp_domain("example.com", "example.be", &none)
            .await?;
        client.set_mail_antispam("example.com", "none", &none).await
    })
    .expect("changes outside Terraform");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("2 to add, 2 to change, 0 to destroy"),
        "{plan}"
    );
    for created in ["combell_mail_catch_all.all", "combell_mail_smtp_domain.be"] {
        assert!(
            plan.stdout.contains(&format!("{created} will be created")),
            "{plan}"
        );
    }
    tf.apply();
    tf.assert_plan_empty();
    let z = zone();
    assert_eq!(z.catch_all.email_addresses, ["info@example.com"]);
    assert!(
        !z.smtp_domain("example.be").expect("created again").enabled,
        "created again, then disabled as configured"
    );
    assert_eq!(
        z.alias("team@example.com").expect("alias").destinations,
        ["b@example.org"]
    );

    // Import into a fresh state with import blocks (ids as users write them, any case): the
    // plan imports all four and changes nothing; after it, the plan is empty.
    let fresh = tf.fresh_state();
    fresh.write_file(
        "imports.tf",
        r#"
import {
  to = combell_mail_alias.team
  id = "Example.com/Team@Example.com"
}
import {
  to = combell_mail_catch_all.all
  id = "example.com/info@example.com"
}
import {
  to = combell_mail_smtp_domain.be
  id = "example.com/example.be"
}
import {
  to = combell_mail_antispam.zone
  id = "example.com"
}
"#,
    );
    let plan = fresh.assert_plan_changes();
    assert!(
        plan.stdout
            .contains("4 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    fresh.apply();
    fresh.assert_plan_empty();

    // `terraform import` of the seeded alias with a minimal configuration, after a bad id.
    let cli = Tf::new(&sim);
    cli.write_config(&config(
        "resource \"combell_mail_alias\" \"sales\" {\n  domain_name   = \"example.com\"\n  email_address = \"sales@example.com\"\n  destinations  = [\"info@example.com\"]\n}\n",
    ));
    let bad = cli.import_fails("combell_mail_alias.sales", "example.com");
    assert!(bad.stderr.contains("Invalid import ID"), "{bad}");
    cli.import("combell_mail_alias.sales", "example.com/sales@example.com");
    cli.assert_plan_empty();
    // Deleted behind Terraform's back, the alias leaves the state and the plan creates it again.
    block_on(client.delete_mail_alias("example.com", "sales@example.com", &none))
        .expect("delete outside Terraform");
    let plan = cli.assert_plan_changes();
    assert!(
        plan.stdout
            .contains("combell_mail_alias.sales will be created"),
        "{plan}"
    );

    // Destroy: alias, catch-all and SMTP domain are deleted; the anti-spam setting stays as it
    // is, with a warning that says so.
    let out = tf.destroy();
    let text = out.text();
    assert!(text.contains("left as it is"), "{out}");
    let z = zone();
    assert!(z.alias("team@example.com").is_none());
    assert!(z.catch_all.email_addresses.is_empty());
    assert!(z.smtp_domain("example.be").is_none());
    assert_eq!(z.anti_spam.spam_type, "basic");
}

#[test]
fn invalid_configurations_fail_at_plan_and_lost_or_taken_creates_are_handled() {
    // The first POST of an alias succeeds at Combell but answers a 5xx.
    let sim = Sim::start_with(&[
        "--fault",
        "kind=commit_then_fail,method=POST,path=/v2/mailzones/*/aliases,count=1",
    ]);
    let tf = Tf::new(&sim);
    tf.write_config(&config(
        r#"
resource "combell_mail_alias" "bad" {
  domain_name   = "Example.com"
  email_address = "nobody"
  destinations  = []
}

resource "combell_mail_alias" "elsewhere" {
  domain_name   = "example.com"
  email_address = "team@example.org"
  destinations  = ["team@example.org", "Upper@example.org"]
}

resource "combell_mail_catch_all" "bad" {
  domain_name   = "example.com"
  email_address = "not an address"
}

resource "combell_mail_smtp_domain" "self" {
  domain_name = "example.com"
  hostname    = "example.com"
}

resource "combell_mail_antispam" "bad" {
  domain_name = "example.com"
  type        = "ultra"
}

data "combell_mail_zone" "bad" {
  domain_name = "not a domain"
}

data "combell_windows_hosting" "bad" {
  domain_name = "EXAMPLE"
}
"#,
    ));
    let out = tf.plan_fails();
    let text = out.text();
    assert_mentions(
        &text,
        &[
            "Invalid domain name",
            "Invalid alias address",
            "An alias needs a destination",
            "Alias outside its mail zone",
            "An alias cannot forward to itself",
            "Invalid destination",
            "Invalid catch-all address",
            "An SMTP domain cannot be its own mail zone",
            "Invalid anti-spam type",
            "has upper-case letters",
        ],
        &out,
    );
    // Each diagnostic points at its attribute: Terraform quotes the attribute's line.
    for line in [
        "email_address = \"nobody\"",
        "destinations  = []",
        "email_address = \"team@example.org\"",
        "hostname    = \"example.com\"",
        "type        = \"ultra\"",
        "domain_name = \"not a domain\"",
    ] {
        assert!(text.contains(line), "no diagnostic quotes {line:?}:\n{out}");
    }

    // A type the zone's servicepack does not allow, and a domain without a mail zone: the
    // plan reads the zone and says so, at the attribute.
    tf.write_config(&config(
        r#"
resource "combell_mail_antispam" "advanced" {
  domain_name = "example.com"
  type        = "advanced"
}

resource "combell_mail_antispam" "nowhere" {
  domain_name = "nomail.example"
  type        = "basic"
}
"#,
    ));
    let out = tf.plan_fails();
    let text = out.text();
    assert!(
        text.contains("Anti-spam type not allowed for this mail zone")
            && text.contains("allows none, basic"),
        "{out}"
    );
    assert!(text.contains("has no mail zone"), "{out}");
    sim.assert_no_writes();

    // The lost answer: the alias exists, so it is recorded, and the next plan is empty.
    tf.write_config(&config(
        r#"
resource "combell_mail_alias" "lost" {
  domain_name   = "example.com"
  email_address = "lost@example.com"
  destinations  = ["info@example.com"]
}
"#,
    ));
    tf.apply();
    assert_eq!(
        tf.expect_resource("combell_mail_alias.lost")["id"],
        "example.com/lost@example.com"
    );
    tf.assert_plan_empty();
    assert!(
        sim.stats()["by_status"]
            .as_object()
            .is_some_and(|m| m.keys().any(|k| k.starts_with('5'))),
        "the fault did not fire: {}",
        sim.stats()
    );

    // Objects that already exist are not taken over: the error says how to import them.
    let other = Tf::new(&sim);
    other.write_config(&config(
        r#"
resource "combell_mail_alias" "sales" {
  domain_name   = "example.com"
  email_address = "sales@example.com"
  destinations  = ["x@example.org"]
}
"#,
    ));
    let out = other.apply_fails();
    let text = out.text();
    assert!(
        text.contains("already exists") && text.contains("example.com/sales@example.com"),
        "{out}"
    );
    assert!(other.resource("combell_mail_alias.sales").is_none());
}

#[test]
fn data_sources_read_the_seed_and_a_windows_account() {
    let sim = Sim::start();
    let client = api(&sim);
    let none = CancellationToken::new();
    let before = block_on(client.list_windows_hostings(&none)).expect("list");
    assert!(
        before.is_empty(),
        "the seed has no Windows hosting: {before:?}"
    );
    let tf = Tf::new(&sim);
    tf.write_config(&config(
        r#"
resource "combell_account" "win" {
  identifier     = "win.example"
  servicepack_id = 14
}

data "combell_windows_hostings" "all" {
  depends_on = [combell_account.win]
}

data "combell_windows_hosting" "win" {
  domain_name = combell_account.win.identifier
}

data "combell_mail_zone" "win" {
  domain_name = combell_account.win.identifier
}

data "combell_mail_zone" "seed" {
  domain_name = "example.com"
}

output "all" {
  value = data.combell_windows_hostings.all.hostings
}

output "win" {
  value = data.combell_windows_hosting.win
}

output "win_zone" {
  value = data.combell_mail_zone.win
}

output "seed_zone" {
  value = data.combell_mail_zone.seed
}
"#,
    ));
    tf.apply();
    tf.assert_plan_empty();
    let outputs: serde_json::Value =
        serde_json::from_str(&tf.ok(&["output", "-json"]).stdout).expect("outputs JSON");
    assert_eq!(
        outputs["all"]["value"],
        serde_json::json!([{"domain_name": "win.example", "servicepack_id": 14}])
    );
    let win = &outputs["win"]["value"];
    assert_eq!(win["servicepack_id"], 14);
    assert_eq!(win["ip_type"], "shared");
    assert!(win["max_size"].as_i64().is_some_and(|s| s > 0), "{win}");
    assert_eq!(win["application_pool"]["pipeline_mode"], "Integrated");
    assert_eq!(win["sites"][0]["name"], "win.example");
    assert_eq!(
        win["sites"][0]["bindings"][1]["host_name"],
        "www.win.example"
    );
    let win_zone = &outputs["win_zone"]["value"];
    assert_eq!(
        win_zone["anti_spam_allowed_types"],
        serde_json::json!(["none", "basic"])
    );
    assert_eq!(win_zone["aliases"], serde_json::json!([]));
    let seed = &outputs["seed_zone"]["value"];
    assert_eq!(seed["enabled"], true);
    assert_eq!(
        seed["aliases"],
        serde_json::json!([{"email_address": "sales@example.com", "destinations": ["info@example.com"]}])
    );
    assert_eq!(seed["available_accounts"][0]["size"], 5120);
    assert_eq!(seed["smtp_domains"], serde_json::json!([]));
    assert_eq!(seed["anti_spam_type"], "basic");

    // Reading what does not exist fails with a diagnostic at domain_name.
    let missing = Tf::new(&sim);
    missing.write_config(&config(
        r#"
data "combell_windows_hosting" "none" {
  domain_name = "example.com"
}

data "combell_mail_zone" "none" {
  domain_name = "nomail.example"
}
"#,
    ));
    let out = missing.plan_fails();
    let text = out.text();
    assert!(text.contains("has no Windows hosting"), "{out}");
    assert!(text.contains("has no mail zone"), "{out}");
}

#[test]
fn the_examples_apply_against_the_simulator() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let root = crate::common::repo_path("examples");
    let mut body = String::new();
    for file in [
        "resources/combell_mail_alias/resource.tf",
        "resources/combell_mail_catch_all/resource.tf",
        "resources/combell_mail_smtp_domain/resource.tf",
        "resources/combell_mail_antispam/resource.tf",
        "data-sources/combell_mail_zone/data-source.tf",
        "data-sources/combell_windows_hostings/data-source.tf",
    ] {
        body.push_str(&std::fs::read_to_string(root.join(file)).expect("example"));
        body.push('\n');
    }
    tf.write_config(&config(&body));
    tf.apply();
    let outputs: serde_json::Value =
        serde_json::from_str(&tf.ok(&["output", "-json"]).stdout).expect("outputs JSON");
    assert_eq!(outputs["mail_zone_account_id"]["value"], 1001);
    assert_eq!(
        outputs["allowed_anti_spam_types"]["value"],
        serde_json::json!(["none", "basic"])
    );
}
