//! `terraform query` (Terraform 1.14+) end to end against the simulator's seed data: the list
//! resources find the existing estate, `-generate-config-out` turns it into configuration with
//! `import { identity = ... }` blocks, one apply imports everything unchanged and the next plan
//! is empty. Also the list block's `limit`, the filters, plan-time validation of the `config`
//! block, and every example `.tfquery.hcl` file.
//!
//! Runs with the Terraform of [`Tf::new_for_query`] (1.15.5 from the wheel when the usual one is
//! older than 1.14).

use std::fs;

use crate::common::{Sim, Tf, PROVIDER_CONFIG};

/// One `list` block per list resource, covering the whole seed without overlaps.
const ESTATE_QUERY: &str = r#"
list "combell_dns_record" "com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}

list "combell_dns_record" "net" {
  provider = combell
  config {
    domain_name = "Example.NET."
  }
}

list "combell_mailbox" "com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}

list "combell_mysql_database" "all" {
  provider = combell
}

list "combell_account" "all" {
  provider = combell
}
"#;

/// The result lines `terraform query` printed for the list block at `address`.
fn results<'a>(stdout: &'a str, address: &str) -> Vec<&'a str> {
    let prefix = format!("{address} ");
    stdout.lines().filter(|l| l.starts_with(&prefix)).collect()
}

#[test]
fn query_turns_the_seed_estate_into_configuration_that_imports_cleanly() {
    let sim = Sim::start();
    let tf = Tf::new_for_query(&sim);
    tf.write_config(PROVIDER_CONFIG);
    tf.write_file("estate.tfquery.hcl", ESTATE_QUERY);

    // Identities and display names; NS and SOA records (ids ...01 to ...03) are not listed.
    let out = tf.ok(&["query", "-no-color"]);
    let com = results(&out.stdout, "list.combell_dns_record.com");
    assert_eq!(com.len(), 5, "{out}");
    assert!(
        com.iter()
            .any(|l| l.contains("domain_name=example.com,id=1-1000000005")
                && l.contains("www.example.com A 192.0.2.10")),
        "{out}"
    );
    assert!(!out.stdout.contains("id=1-1000000001"), "{out}");
    // The zone is given in another spelling: identities use the canonical one.
    let net = results(&out.stdout, "list.combell_dns_record.net");
    assert_eq!(net.len(), 2, "{out}");
    assert!(
        net.iter().all(|l| l.contains("domain_name=example.net,")),
        "{out}"
    );
    let mailboxes = results(&out.stdout, "list.combell_mailbox.com");
    assert_eq!(mailboxes.len(), 1, "{out}");
    assert!(
        mailboxes[0].contains("email_address=info@example.com"),
        "{out}"
    );
    let databases = results(&out.stdout, "list.combell_mysql_database.all");
    assert_eq!(databases.len(), 1, "{out}");
    assert!(
        databases[0].contains("id=ID1001_shop") && databases[0].contains("(account 1001)"),
        "{out}"
    );
    let accounts = results(&out.stdout, "list.combell_account.all");
    assert_eq!(accounts.len(), 2, "{out}");
    assert!(accounts[1].contains("id=1002") && accounts[1].contains("example.net (1002)"));

    // Configuration and import blocks for all 11 objects.
    tf.ok(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    let generated = fs::read_to_string(tf.work_dir().join("generated.tf")).expect("generated.tf");
    assert_eq!(generated.matches("import {").count(), 11, "{generated}");
    assert_eq!(generated.matches("identity = {").count(), 11, "{generated}");
    for expected in [
        "resource \"combell_dns_record\" \"com_4\"",
        "record_name = \"*\"",
        "resource \"combell_mailbox\" \"com_0\"",
        "email_address = \"info@example.com\"",
        "resource \"combell_mysql_database\" \"all_0\"",
        "name             = \"shop\"",
        "resource \"combell_account\" \"all_1\"",
        "identifier           = \"example.net\"",
    ] {
        assert!(
            generated.contains(expected),
            "no {expected:?} in\n{generated}"
        );
    }

    // The generated configuration imports every object as it is.
    let plan = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "{plan}");
    assert!(
        plan.stdout
            .contains("Plan: 11 to import, 0 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    let apply = tf.apply();
    assert!(
        apply
            .stdout
            .contains("11 imported, 0 added, 0 changed, 0 destroyed"),
        "{apply}"
    );
    tf.assert_plan_empty();

    // Every object is stored with its identity.
    let state = tf.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources in state")
        .clone();
    assert_eq!(resources.len(), 11);
    let www = resources
        .iter()
        .find(|r| r["values"]["id"] == "1-1000000005")
        .expect("www record");
    assert_eq!(www["identity"]["domain_name"], "example.com");
    assert_eq!(www["identity"]["id"], "1-1000000005");
    let net_record = resources
        .iter()
        .find(|r| r["values"]["id"] == "1-2000000005")
        .expect("example.net CNAME");
    assert_eq!(net_record["identity"]["domain_name"], "example.net");
    assert!(
        resources.iter().all(|r| r["identity"].is_object()),
        "{resources:?}"
    );

    // Discovery and import only read.
    assert_eq!(sim.write_count(), 0);
}

#[test]
fn query_honours_limit_and_filters_and_checks_its_configuration() {
    let sim = Sim::start();
    let tf = Tf::new_for_query(&sim);
    tf.write_config(PROVIDER_CONFIG);
    tf.write_file(
        "q.tfquery.hcl",
        r#"
list "combell_dns_record" "two" {
  provider = combell
  limit    = 2
  config {
    domain_name = "example.com"
  }
}

list "combell_dns_record" "mx" {
  provider         = combell
  include_resource = true
  config {
    domain_name = "example.com"
    type        = "MX"
  }
}

list "combell_dns_record" "apex_a" {
  provider = combell
  config {
    domain_name = "example.com"
    type        = "A"
    record_name = "@"
  }
}

list "combell_account" "net" {
  provider = combell
  config {
    identifier = "example.net"
  }
}

list "combell_mysql_database" "none" {
  provider = combell
  config {
    account_id = 1002
  }
}
"#,
    );
    let out = tf.ok(&["query", "-no-color"]);
    assert_eq!(
        results(&out.stdout, "list.combell_dns_record.two").len(),
        2,
        "{out}"
    );
    let mx = results(&out.stdout, "list.combell_dns_record.mx");
    assert_eq!(mx.len(), 1, "{out}");
    assert!(mx[0].contains("example.com MX mail.example.com"), "{out}");
    let apex = results(&out.stdout, "list.combell_dns_record.apex_a");
    assert_eq!(apex.len(), 1, "{out}");
    assert!(apex[0].contains("id=1-1000000004"), "{out}");
    let net = results(&out.stdout, "list.combell_account.net");
    assert_eq!(net.len(), 1, "{out}");
    assert!(net[0].contains("id=1002"), "{out}");
    assert!(results(&out.stdout, "list.combell_mysql_database.none").is_empty());

    // -json shows the full object when include_resource is set.
    let json = tf.ok(&["query", "-json", "-no-color"]);
    let mx_object = json
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|m| m["list_resource_found"]["address"] == "list.combell_dns_record.mx")
        .unwrap_or_else(|| panic!("no MX result in\n{json}"));
    let found = &mx_object["list_resource_found"];
    assert_eq!(found["resource_object"]["priority"], 10, "{found}");
    assert_eq!(found["identity"]["id"], "1-1000000006", "{found}");

    // A bad filter is a plan-time error pointing at the attribute; a zone Combell does not
    // host is an API error; a domain without mailboxes has none to list.
    tf.write_file(
        "q.tfquery.hcl",
        r#"
list "combell_dns_record" "bad" {
  provider = combell
  config {
    domain_name = "example.com"
    type        = "NS"
  }
}
"#,
    );
    let bad = tf.fails(&["query", "-no-color"]);
    assert!(bad.stderr.contains("Unsupported record type"), "{bad}");
    assert!(bad.stderr.contains("type"), "{bad}");
    tf.write_file(
        "q.tfquery.hcl",
        r#"
list "combell_mailbox" "nowhere" {
  provider = combell
  config {
    domain_name = "no-such-domain.example"
  }
}

list "combell_dns_record" "nowhere" {
  provider = combell
  config {
    domain_name = "no-such-zone.example"
  }
}
"#,
    );
    let missing = tf.fails(&["query", "-no-color"]);
    assert!(
        missing.stderr.contains("Unable to list combell_dns_record"),
        "{missing}"
    );
    assert!(results(&missing.stdout, "list.combell_mailbox.nowhere").is_empty());
}

/// Every example query of the docs runs against the seed.
#[test]
fn example_queries_run() {
    let sim = Sim::start();
    let tf = Tf::new_for_query(&sim);
    tf.write_config(PROVIDER_CONFIG);
    let root = crate::common::repo_path("examples/list-resources");
    let mut found = 0;
    for dir in fs::read_dir(&root)
        .expect("examples/list-resources")
        .flatten()
    {
        let file = dir.path().join("list-resource.tfquery.hcl");
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = dir.file_name().to_string_lossy().into_owned();
        tf.write_file(&format!("{name}.tfquery.hcl"), &text);
        found += 1;
    }
    assert_eq!(found, 18);
    let out = tf.ok(&["query", "-no-color"]);
    for address in [
        "list.combell_dns_record.example_com",
        "list.combell_dns_record.www",
        "list.combell_mailbox.example_com",
        "list.combell_mysql_database.site",
        "list.combell_account.all",
        "list.combell_account.hosting",
        "list.combell_mysql_user.site",
        "list.combell_mysql_user.shop",
        "list.combell_mail_alias.example_com",
        "list.combell_mail_antispam.all",
        "list.combell_linux_hosting_settings.all",
        "list.combell_linux_site_settings.example_com",
        "list.combell_linux_subsite.example_com",
        "list.combell_linux_host_header.example_com",
        "list.combell_ssh_key.all",
        "list.combell_scheduled_task.example_com",
        "list.combell_domain.all",
        "list.combell_domain_registration.example_com",
    ] {
        assert!(
            !results(&out.stdout, address).is_empty(),
            "{address} found nothing:\n{out}"
        );
    }
}
