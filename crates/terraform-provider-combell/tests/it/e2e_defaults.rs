//! End to end: what the documentation promises for values left out or read from files.
//!
//! - Every documented default the API reads back is planned when the attribute is left out,
//!   so a change made behind Terraform's back is planned back: `combell_scheduled_task.enabled`,
//!   `combell_mail_smtp_domain.enabled` and the DNS record's `ttl`, `priority`, `weight` and
//!   `record_name`.
//! - `combell_ssh_key` with `file()` of a real `.pub` file (final newline and all), and the
//!   same key through `chomp(file())`: no new key, no diff after apply.
//! - `combell_ssl_certificate_request` with its CSR read by `file()`: names known at plan.

use std::process::Command;

use crate::common::{api, block_on, config, csr, flat, Sim, Tf};
use base64::Engine as _;
use combell_api::{CancellationToken, DnsRecord};

const DEFAULTS: &str = r#"
resource "combell_scheduled_task" "nightly" {
  domain_name     = "example.com"
  cron_expression = "0 3 * * *"
  script_location = "/www/cron/nightly.php"
}

resource "combell_mail_smtp_domain" "be" {
  domain_name = "example.com"
  hostname    = "example.be"
}

resource "combell_dns_record" "mx" {
  domain_name = "example.com"
  type        = "MX"
  content     = "mx.defaults.example.com"
}

resource "combell_dns_record" "a" {
  domain_name = "example.com"
  type        = "A"
  content     = "192.0.2.55"
}

resource "combell_dns_record" "sip" {
  domain_name = "example.com"
  type        = "SRV"
  service     = "_sip"
  target      = "sip.example.com"
  port        = 5060
}
"#;

#[test]
fn documented_defaults_plan_drift_back() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let client = api(&sim);
    let none = CancellationToken::new();
    tf.write_config(&config(DEFAULTS));
    tf.apply();
    tf.assert_plan_empty();

    let task = tf.expect_resource("combell_scheduled_task.nightly");
    assert_eq!(task["enabled"], true);
    let task_id = task["task_id"].as_str().expect("task id").to_string();
    assert_eq!(
        tf.expect_resource("combell_mail_smtp_domain.be")["enabled"],
        true
    );
    let mx = tf.expect_resource("combell_dns_record.mx");
    assert_eq!(
        (mx["ttl"].as_i64(), mx["priority"].as_i64()),
        (Some(3600), Some(10))
    );
    let a = tf.expect_resource("combell_dns_record.a");
    assert_eq!(
        (a["record_name"].as_str(), a["priority"].as_i64()),
        (Some(""), None)
    );
    let sip = tf.expect_resource("combell_dns_record.sip");
    assert_eq!(sip["weight"].as_i64(), Some(0));
    assert_eq!(sip["protocol"], "_tcp");
    let id = |v: &serde_json::Value| v["id"].as_str().expect("record id").to_string();
    let (mx_id, a_id, sip_id) = (id(&mx), id(&a), id(&sip));

    // Behind Terraform's back: everything away from its default.
    let mut changed =
        block_on(client.get_scheduled_task("example.com", &task_id, &none)).expect("task");
    changed.enabled = false;
    block_on(client.update_scheduled_task("example.com", &task_id, &changed, &none))
        .expect("switch the task off");
    block_on(client.update_smtp_domain("example.com", "example.be", false, &none))
        .expect("switch the SMTP domain off");
    let edit = |record_id: &str, f: &dyn Fn(&mut DnsRecord)| {
        let mut record =
            block_on(client.get_dns_record("example.com", record_id, &none)).expect("record");
        f(&mut record);
        block_on(client.update_dns_record("example.com", record_id, &record, &none))
            .expect("record update");
    };
    edit(&mx_id, &|r| {
        r.ttl = Some(600);
        r.priority = Some(50);
    });
    edit(&a_id, &|r| r.record_name = Some("drifted".into()));
    edit(&sip_id, &|r| r.weight = Some(7));

    let plan = tf.assert_plan_changes();
    let text = flat(&plan.stdout);
    for wanted in [
        "combell_scheduled_task.nightly will be updated in-place",
        "combell_mail_smtp_domain.be will be updated in-place",
        "combell_dns_record.mx will be updated in-place",
        "combell_dns_record.a will be updated in-place",
        "combell_dns_record.sip will be updated in-place",
        "~ enabled = false -> true",
        "~ ttl = 600 -> 3600",
        "~ priority = 50 -> 10",
        "~ weight = 7 -> 0",
        // Terraform draws a change to "" like one to null.
        "record_name = \"drifted\" -> null",
    ] {
        assert!(text.contains(wanted), "{wanted}:\n{plan}");
    }
    assert_eq!(text.matches("must be replaced").count(), 0, "{plan}");
    tf.apply();
    tf.assert_plan_empty();

    let task = block_on(client.get_scheduled_task("example.com", &task_id, &none)).expect("task");
    assert!(task.enabled, "the task is on again");
    let zone = block_on(client.get_mail_zone("example.com", &none)).expect("zone");
    assert!(zone.smtp_domain("example.be").expect("smtp domain").enabled);
    let mx = block_on(client.get_dns_record("example.com", &mx_id, &none)).expect("mx");
    assert_eq!((mx.ttl, mx.priority), (Some(3600), Some(10)));
    let a = block_on(client.get_dns_record("example.com", &a_id, &none)).expect("a");
    assert_eq!(a.record_name.as_deref().unwrap_or(""), "");
    let sip = block_on(client.get_dns_record("example.com", &sip_id, &none)).expect("sip");
    assert_eq!(sip.weight, Some(0));

    tf.destroy();
}

/// An OpenSSH public key as `ssh-keygen` writes it (with its final newline): from
/// `ssh-keygen` itself when the machine has it, else built to the same format.
fn public_key_file(dir: &std::path::Path) -> String {
    let path = dir.join("generated");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e@file"])
        .arg("-f")
        .arg(&path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if made {
        let text = std::fs::read_to_string(path.with_extension("pub")).expect("the .pub file");
        let _ = std::fs::remove_file(&path);
        return text;
    }
    // The wire form of an ed25519 public key: string "ssh-ed25519", string key (32 bytes).
    let mut blob = Vec::new();
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(7);
    blob.extend((0..32u128).map(|i| {
        ((seed >> (i % 16)) as u8)
            .wrapping_mul(31)
            .wrapping_add(i as u8)
    }));
    format!(
        "ssh-ed25519 {} e2e@file\n",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

#[test]
fn ssh_key_read_with_file_keeps_its_newline_and_does_not_diff() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let key = public_key_file(tf.work_dir());
    assert!(key.ends_with('\n'), "a .pub file ends with a newline");
    tf.write_file("deploy.pub", &key);
    let with = |expr: &str| {
        config(&format!(
            "resource \"combell_ssh_key\" \"deploy\" {{\n  domain_name = \"example.com\"\n  public_key  = {expr}\n}}\n"
        ))
    };
    tf.write_config(&with("file(\"${path.module}/deploy.pub\")"));
    tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_ssh_key.deploy");
    assert_eq!(
        state["public_key"],
        key.as_str(),
        "the state keeps the file as it is"
    );
    let fingerprint = state["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    let keys = block_on(api(&sim).list_linux_ssh_keys("example.com", &CancellationToken::new()))
        .expect("keys");
    let sent = keys
        .iter()
        .find(|k| k.fingerprint == fingerprint)
        .expect("the key is on the hosting");
    assert_eq!(
        sent.public_key,
        key.trim(),
        "the key is sent without the newline"
    );

    // The same key without its newline is the same key: no replacement.
    tf.write_config(&with("chomp(file(\"${path.module}/deploy.pub\"))"));
    let plan = tf.plan_ok();
    assert!(!flat(&plan.stdout).contains("must be replaced"), "{plan}");
    tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_ssh_key.deploy");
    assert_eq!(state["fingerprint"], fingerprint.as_str());
    assert_eq!(state["public_key"], key.trim());
    tf.destroy();
}

#[test]
fn csr_read_with_file_is_accepted_and_its_names_are_known_at_plan() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    // As a file on disk may hold it: a blank line before, newlines after.
    let pem = format!(
        "\n{}\n\n",
        csr("files.example.com", &["files.example.com"], Some("BE")).trim_end()
    );
    tf.write_file("files.csr", &pem);
    tf.write_config(&config(
        r#"
resource "combell_ssl_certificate_request" "files" {
  certificate_type = "standard"
  csr              = file("${path.module}/files.csr")
  confirm_purchase = true
}
"#,
    ));
    let plan = tf.plan_ok();
    let text = flat(&plan.stdout);
    assert!(
        text.contains("+ common_name = \"files.example.com\""),
        "{plan}"
    );
    assert!(text.contains("\"www.files.example.com\""), "{plan}");
    tf.apply();
    tf.assert_plan_empty();
    let request = tf.expect_resource("combell_ssl_certificate_request.files");
    assert_eq!(request["common_name"], "files.example.com");
    assert_eq!(
        request["validations"].as_object().map(|m| m.len()),
        Some(2),
        "{request}"
    );
    assert!(request["csr"].is_null());
}
