//! End to end: a real Terraform drives the Linux hosting area through the provider binary
//! against a private simulator, on the seeded hosting `example.com`. One configuration holds
//! every resource (`combell_linux_hosting_settings`, `combell_linux_subsite`,
//! `combell_linux_host_header`, `combell_linux_site_settings`, `combell_ssh_key`,
//! `combell_scheduled_task`) and the four data sources: create → empty plan → update → drift
//! made behind Terraform's back → import of everything into a fresh state (`import {}` blocks)
//! → empty plan → destroy, which deletes what the API can delete and says what it leaves.
//! A second test checks that invalid configurations fail at plan with their attribute paths
//! and without any write to the API.

use crate::common::{api, block_on, config, flat, started_with, Sim, Tf};
use combell_api::{CancellationToken, ScheduledTask};

/// The settings PUTs Combell cannot read back: only the request count shows they were sent.
const UNREPORTED: [&str; 4] = [
    "PUT /v2/linuxhostings/{domainName}/phpsettings/memorylimit",
    "PUT /v2/linuxhostings/{domainName}/phpsettings/apcu",
    "PUT /v2/linuxhostings/{domainName}/settings/gzipcompression",
    "PUT /v2/linuxhostings/{domainName}/ssh/configuration",
];

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz e2e@linux";
const FINGERPRINT: &str = "21:c6:86:0e:92:1b:af:21:26:f5:ae:1c:a0:00:b9:a0";

struct Knobs {
    php: &'static str,
    cron: &'static str,
    task_enabled: bool,
    http2: bool,
    apcu: bool,
}

fn estate(k: &Knobs) -> String {
    config(&format!(
        r#"
resource "combell_linux_hosting_settings" "h" {{
  domain_name      = "example.com"
  php_version      = "{php}"
  php_memory_limit = 512
  {apcu}
  gzip_enabled     = false
  ftp_enabled      = false
  ssh_enabled      = true
}}

resource "combell_linux_subsite" "shop" {{
  domain_name = "example.com"
  name        = "shop.example.com"
}}

resource "combell_linux_host_header" "alias" {{
  domain_name = "example.com"
  site_name   = combell_linux_subsite.shop.name
  name        = "shop.example.be"
}}

resource "combell_linux_site_settings" "shop" {{
  domain_name            = "example.com"
  site_name              = combell_linux_subsite.shop.name
  lets_encrypt_hostnames = ["shop.example.com", "shop.example.be"]
  https_redirect_enabled = true
  http2_enabled          = {http2}
  depends_on             = [combell_linux_host_header.alias]
}}

resource "combell_ssh_key" "deploy" {{
  domain_name = "example.com"
  public_key  = "{KEY}"
}}

resource "combell_scheduled_task" "queue" {{
  domain_name     = "example.com"
  cron_expression = "{cron}"
  script_location = "/www/cron/queue.php"
  enabled         = {enabled}
}}

data "combell_linux_hosting" "h" {{
  domain_name = "example.com"
  depends_on  = [combell_linux_site_settings.shop, combell_ssh_key.deploy, combell_scheduled_task.queue]
}}

data "combell_linux_hostings" "all" {{}}

data "combell_php_versions" "v" {{
  domain_name = "example.com"
}}

data "combell_ssh_keys" "all" {{
  depends_on = [combell_ssh_key.deploy]
}}
"#,
        php = k.php,
        cron = k.cron,
        enabled = k.task_enabled,
        http2 = k.http2,
        // Switching APCu off needs no size.
        apcu = if k.apcu {
            "apcu_enabled = true\n  apcu_size    = 64"
        } else {
            "apcu_enabled = false"
        },
    ))
}

#[test]
fn linux_hosting_estate_create_update_drift_import_destroy() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    let client = api(&sim);
    let none = CancellationToken::new();

    // Create everything; the next plan is empty.
    tf.write_config(&estate(&Knobs {
        php: "8.3",
        cron: "*/15 * * * *",
        task_enabled: true,
        http2: true,
        apcu: true,
    }));
    tf.apply();
    tf.assert_plan_empty();
    for route in UNREPORTED {
        assert_eq!(sim.route_count(route), 1, "{route}");
    }
    let detail = block_on(client.get_linux_hosting("example.com", &none)).expect("hosting");
    assert_eq!(detail.php_version, "8.3");
    assert!(!detail.ftp_enabled);
    let shop = detail.site("shop.example.com").expect("subsite created");
    assert_eq!(shop.path, "/subsites/shop.example.com");
    assert!(shop.ssl_enabled && shop.https_redirect_enabled && shop.http2_enabled);
    assert!(shop
        .host_headers
        .iter()
        .any(|h| h.name == "shop.example.be"));
    let key = tf.expect_resource("combell_ssh_key.deploy");
    assert_eq!(key["fingerprint"], FINGERPRINT);
    assert_eq!(key["id"], format!("example.com/{FINGERPRINT}"));
    let task = tf.expect_resource("combell_scheduled_task.queue");
    let task_id = task["task_id"].as_str().expect("task id").to_string();
    let hosting = tf.expect_resource("data.combell_linux_hosting.h");
    assert_eq!(hosting["sites"].as_array().map(Vec::len), Some(3));
    assert_eq!(hosting["scheduled_tasks"].as_array().map(Vec::len), Some(2));
    assert_eq!(hosting["ssh_keys"].as_array().map(Vec::len), Some(2));
    let versions = tf.expect_resource("data.combell_php_versions.v");
    assert!(versions["versions"].to_string().contains("8.3"));
    let all = tf.expect_resource("data.combell_linux_hostings.all");
    assert_eq!(all["hostings"][0]["domain_name"], "example.com");
    let keys = tf.expect_resource("data.combell_ssh_keys.all");
    assert!(keys["keys"].to_string().contains(FINGERPRINT));

    // Update in place: PHP version, the task, HTTP/2 off.
    tf.write_config(&estate(&Knobs {
        php: "8.2",
        cron: "0 4 * * 1",
        task_enabled: false,
        http2: false,
        apcu: false,
    }));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 3 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();
    let detail = block_on(client.get_linux_hosting("example.com", &none)).expect("hosting");
    assert_eq!(detail.php_version, "8.2");
    assert!(!detail.site("shop.example.com").expect("shop").http2_enabled);
    let read = block_on(client.get_scheduled_task("example.com", &task_id, &none)).expect("task");
    assert_eq!(read.cron_expression, "0 4 * * 1");
    assert!(!read.enabled);

    // Drift behind Terraform's back: every read-back setting, the task, and the key deleted.
    block_on(async {
        client.set_php_version("example.com", "7.4", &none).await?;
        client.set_linux_ftp("example.com", true, &none).await?;
        client
            .set_linux_auto_redirect("example.com", "shop.example.com", false, &none)
            .await?;
        let task = ScheduledTask {
            cron_expression: "0 5 * * *".into(),
            script_location: "/www/cron/other.php".into(),
            enabled: true,
            ..Default::default()
        };
        client
            .update_scheduled_task("example.com", &task_id, &task, &none)
            .await?;
        client
            .delete_linux_ssh_key("example.com", FINGERPRINT, &none)
            .await
    })
    .expect("changes outside Terraform");
    let plan = tf.assert_plan_changes();
    for what in [
        "php_version",
        "ftp_enabled",
        "https_redirect_enabled",
        "cron_expression",
        "combell_ssh_key.deploy will be created",
    ] {
        assert!(plan.stdout.contains(what), "{what}: {plan}");
    }
    tf.apply();
    tf.assert_plan_empty();
    // Settings that did not change in the configuration were never sent again; APCu was
    // switched off once.
    for route in UNREPORTED {
        let expected = if route.ends_with("apcu") { 2 } else { 1 };
        assert_eq!(sim.route_count(route), expected, "{route}");
    }

    // Import everything into a fresh state with `import {}` blocks; the plan after is empty.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(&format!(
        r#"
import {{
  to = combell_linux_hosting_settings.h
  id = "Example.com"
}}
resource "combell_linux_hosting_settings" "h" {{
  domain_name = "example.com"
  php_version = "8.2"
}}

import {{
  to = combell_linux_subsite.shop
  id = "example.com/shop.example.com"
}}
resource "combell_linux_subsite" "shop" {{
  domain_name = "example.com"
  name        = "shop.example.com"
}}

import {{
  to = combell_linux_host_header.alias
  id = "example.com/shop.example.com/shop.example.be"
}}
resource "combell_linux_host_header" "alias" {{
  domain_name = "example.com"
  site_name   = "shop.example.com"
  name        = "shop.example.be"
}}

import {{
  to = combell_linux_site_settings.shop
  id = "example.com/shop.example.com"
}}
resource "combell_linux_site_settings" "shop" {{
  domain_name = "example.com"
  site_name   = "shop.example.com"
}}

import {{
  to = combell_ssh_key.seed
  id = "example.com/MD5:31:52:43:3A:66:F7:E4:5F:28:39:64:08:5F:75:DE:3F"
}}
resource "combell_ssh_key" "seed" {{
  domain_name = "example.com"
  public_key  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com"
}}

import {{
  to = combell_scheduled_task.queue
  id = "example.com/{task_id}"
}}
resource "combell_scheduled_task" "queue" {{
  domain_name     = "example.com"
  cron_expression = "0 4 * * 1"
  script_location = "/www/cron/queue.php"
  enabled         = false
}}
"#
    )));
    let out = fresh.apply();
    assert!(
        out.stdout
            .contains("6 imported, 0 added, 0 changed, 0 destroyed"),
        "{out}"
    );
    fresh.assert_plan_empty();
    let imported = fresh.expect_resource("combell_linux_hosting_settings.h");
    assert!(
        imported["php_memory_limit"].is_null(),
        "not reported by Combell: {imported}"
    );
    assert_eq!(imported["ssh_username"], "examplecom");
    let bad = Tf::new(&sim);
    bad.write_config(&config(
        "resource \"combell_scheduled_task\" \"t\" {\n  domain_name = \"example.com\"\n  cron_expression = \"0 3 * * *\"\n  script_location = \"/www/x.php\"\n}\n",
    ));
    let wrong = bad.import_fails("combell_scheduled_task.t", "5001");
    assert!(
        flat(&wrong.stderr).contains("<domain_name>/<task_id>"),
        "{wrong}"
    );
    let missing = bad.import_fails("combell_scheduled_task.t", "example.com/999999");
    assert!(missing.stderr.contains("non-existent"), "{missing}");

    // Destroy: the key, task and subsite go; settings and the host header stay, with warnings.
    let out = tf.destroy();
    let text = flat(&out.text());
    assert!(text.contains("cannot delete host headers"), "{out}");
    assert!(
        text.contains("removed from the Terraform state only"),
        "{out}"
    );
    let detail = block_on(client.get_linux_hosting("example.com", &none)).expect("hosting");
    assert!(detail.site("shop.example.com").is_none(), "subsite deleted");
    assert_eq!(detail.php_version, "8.2", "settings are left as they are");
    let keys = block_on(client.list_linux_ssh_keys("example.com", &none)).expect("keys");
    assert!(keys.iter().all(|k| k.fingerprint != FINGERPRINT));
    assert!(
        block_on(client.get_scheduled_task("example.com", &task_id, &none))
            .is_err_and(|e| e.is_not_found())
    );
}

#[test]
fn invalid_linux_configurations_fail_at_plan_without_api_writes() {
    let (sim, tf) = started_with(
        r#"
resource "combell_linux_hosting_settings" "h" {
  domain_name      = "example.com"
  php_version      = "eight"
  php_memory_limit = 0
  apcu_enabled     = true
}

resource "combell_scheduled_task" "t" {
  domain_name     = "example.com"
  cron_expression = "* 25 * * 0"
  script_location = "cron.php"
}

resource "combell_ssh_key" "k" {
  domain_name = "Example.com"
  public_key  = "-----BEGIN OPENSSH PRIVATE KEY----- c2VjcmV0"
}

resource "combell_linux_subsite" "s" {
  domain_name = "example.com"
  name        = "Shop"
  path        = "subsites/../etc"
}

resource "combell_linux_site_settings" "s" {
  domain_name            = "example.com"
  site_name              = "example.com"
  lets_encrypt_hostnames = ["not a host"]
}

resource "combell_linux_host_header" "h" {
  domain_name = "example.com"
  site_name   = "example.com"
  name        = "alias"
}
"#,
    );
    let before = sim.write_count();
    let out = tf.plan_fails();
    let err = &flat(&out.stderr);
    for (what, line) in [
        ("Invalid PHP version", "php_version"),
        ("Invalid memory limit", "php_memory_limit"),
        ("APCu needs a size", ""),
        ("Invalid cron expression", "cron_expression"),
        ("Invalid script location", "script_location"),
        ("Invalid domain name", "domain_name"),
        ("Invalid SSH public key", "public_key"),
        ("Invalid subsite name", "name"),
        ("Invalid subsite path", "path"),
        ("Invalid host name", "lets_encrypt_hostnames"),
    ] {
        assert!(err.contains(what), "{what}: {out}");
        if !line.is_empty() {
            assert!(err.contains(&format!("{line} =")), "{line}: {out}");
        }
    }

    // A well-formed PHP version the hosting does not offer, and HTTP/2 on a site without SSL,
    // are refused at plan time too (after reads only).
    tf.write_config(&config(
        r#"
resource "combell_linux_hosting_settings" "h" {
  domain_name = "example.com"
  php_version = "9.9"
}

resource "combell_linux_site_settings" "blog" {
  domain_name   = "example.com"
  site_name     = "blog.example.com"
  http2_enabled = true
}
"#,
    ));
    let out = tf.plan_fails();
    let err = flat(&out.stderr);
    assert!(err.contains("PHP version not available"), "{out}");
    assert!(err.contains("HTTP/2 needs SSL"), "{out}");
    assert!(err.contains("http2_enabled ="), "{out}");
    assert!(
        out.stderr.contains("8.4"),
        "the available versions are listed: {out}"
    );
    assert_eq!(sim.write_count(), before, "no write reached the API");

    // A hosting that does not exist is named at apply, on domain_name.
    tf.write_config(&config(
        "resource \"combell_linux_hosting_settings\" \"h\" {\n  domain_name = \"nohosting.example\"\n  gzip_enabled = true\n}\n",
    ));
    let out = tf.apply_fails();
    assert!(
        flat(&out.stderr).contains("no Linux hosting \"nohosting.example\""),
        "{out}"
    );
    assert_eq!(sim.write_count(), before, "no write reached the API");
}
