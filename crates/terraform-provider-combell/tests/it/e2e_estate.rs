//! The estate query end to end (Terraform 1.14+): the simulator seeds a larger estate
//! (`--seed-estate 3`, five accounts with every kind of object), the documented
//! `examples/compositions/estate/estate.tfquery.hcl` finds all of it, `-generate-config-out`
//! writes a resource and an `import { identity = ... }` block per object, the plan imports
//! every object and changes nothing, the apply imports them and the next plan is empty.
//! Prints how many objects were found, the API calls of each step and its wall time.

use std::collections::BTreeMap;
use std::fs;
use std::time::Instant;

use crate::common::{Sim, Tf, PROVIDER_CONFIG};

/// What the query must find per type: the usual seed (example.com and example.net) plus one of
/// everything for each of the three estate accounts (two mailboxes, two users, two sites and
/// two host headers, `www.` and `shop.`, on each hosting).
const EXPECTED: [(&str, usize); 18] = [
    ("combell_account", 2 + 3),
    ("combell_domain", 2 + 3),
    ("combell_dns_record", 7 + 3 * 5),
    ("combell_mysql_database", 1 + 3),
    ("combell_mysql_user", 2 + 3 * 2),
    ("combell_mailbox", 1 + 3 * 2),
    ("combell_mail_alias", 1 + 3),
    ("combell_mail_catch_all", 3),
    ("combell_mail_smtp_domain", 3),
    ("combell_mail_antispam", 1 + 3),
    ("combell_linux_hosting_settings", 1 + 3),
    ("combell_linux_site_settings", 2 + 3 * 2),
    ("combell_linux_subsite", 1 + 3),
    ("combell_linux_host_header", 1 + 3 * 2),
    ("combell_ssh_key", 1 + 3),
    ("combell_scheduled_task", 1 + 3),
    ("combell_ssl_certificate_request", 0),
    ("combell_domain_registration", 0),
];

/// Runs `step`, printing its wall time and the API calls it made.
fn measured<T>(sim: &Sim, name: &str, step: impl FnOnce() -> T) -> T {
    let (calls, started) = (sim.request_count(), Instant::now());
    let out = step();
    println!(
        "estate: {name}: {:.1} s, {} API calls",
        started.elapsed().as_secs_f64(),
        sim.request_count() - calls
    );
    out
}

#[test]
fn the_estate_query_finds_every_object_and_imports_it_unchanged() {
    let sim = Sim::start_with(&["--seed-estate", "3", "--rate-limit", "off"]);
    let tf = Tf::new_for_query(&sim);
    tf.write_config(PROVIDER_CONFIG);
    let query = crate::common::repo_path("examples/compositions/estate/estate.tfquery.hcl");
    tf.write_file(
        "estate.tfquery.hcl",
        &fs::read_to_string(&query).expect("the estate query"),
    );

    // Every object of every type, each with an identity.
    let out = measured(&sim, "query", || tf.ok(&["query", "-json", "-no-color"]));
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for message in out
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        let result = &message["list_resource_found"];
        let Some(address) = result["address"].as_str() else {
            continue;
        };
        assert!(
            result["identity"].is_object(),
            "{address} found an object without an identity: {result}"
        );
        let type_name = address.split('.').nth(1).unwrap_or_default().to_string();
        *found.entry(type_name).or_default() += 1;
    }
    let total: usize = found.values().sum();
    println!("estate: {total} objects found: {found:?}");
    for (type_name, count) in EXPECTED {
        assert_eq!(
            found.get(type_name).copied().unwrap_or(0),
            count,
            "{type_name} in {found:?}\n{out}"
        );
    }
    let expected_total: usize = EXPECTED.iter().map(|(_, n)| n).sum();
    assert_eq!(total, expected_total, "{found:?}");

    // Configuration and an import block by identity for each of them.
    measured(&sim, "query -generate-config-out", || {
        tf.ok(&["query", "-no-color", "-generate-config-out=estate.tf"])
    });
    let generated = fs::read_to_string(tf.work_dir().join("estate.tf")).expect("estate.tf");
    assert_eq!(generated.matches("import {").count(), total, "{generated}");
    assert_eq!(
        generated.matches("identity = {").count(),
        total,
        "{generated}"
    );

    // The plan only imports; the apply imports everything; nothing is left to change.
    let plan = measured(&sim, "plan", || {
        tf.run(&["plan", "-no-color", "-detailed-exitcode"])
    });
    assert_eq!(plan.code(), 2, "{plan}");
    let summary = format!("Plan: {total} to import, 0 to add, 0 to change, 0 to destroy.");
    assert!(plan.stdout.contains(&summary), "{summary}\n{plan}");
    let apply = measured(&sim, "apply", || tf.apply());
    let applied = format!("{total} imported, 0 added, 0 changed, 0 destroyed");
    assert!(apply.stdout.contains(&applied), "{applied}\n{apply}");
    measured(&sim, "plan after apply", || tf.assert_plan_empty());

    let state = tf.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources in state")
        .clone();
    assert_eq!(resources.len(), total);
    assert!(
        resources.iter().all(|r| r["identity"].is_object()),
        "{resources:?}"
    );
    println!(
        "estate: {total} objects, {} API calls in all",
        sim.request_count()
    );
    // Discovery and import only read.
    assert_eq!(sim.write_count(), 0);
}
