//! End to end: a real Terraform drives `combell_dns_record` and `combell_servicepacks` through
//! the provider binary against a private simulator, as STYLE.md's fourth test layer asks:
//! apply → empty plan → import into a fresh state → empty plan → update → drift behind
//! Terraform's back → destroy → nothing of ours left in the zone.

use std::collections::BTreeMap;

use crate::common::{api, config, plan_refusing, started_with, Sim, Tf};
use combell_api::{CancellationToken, DnsRecord, DnsRecordFilter};

const ZONE: &str = "example.com";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn zone_records(sim: &Sim) -> Vec<DnsRecord> {
    let client = api(sim);
    runtime()
        .block_on(client.list_dns_records(
            ZONE,
            &DnsRecordFilter::default(),
            &CancellationToken::new(),
        ))
        .expect("list the zone's records")
}

fn zone_ids(sim: &Sim) -> Vec<String> {
    let mut ids: Vec<String> = zone_records(sim).into_iter().filter_map(|r| r.id).collect();
    ids.sort();
    ids
}

/// One record of every type Combell lets us create, written the way Combell reports them, so
/// that an import of each gives an empty plan.
fn every_type(a_content: &str, ttl: u32, mx_priority: u32, srv_weight: u32) -> String {
    format!(
        r#"
resource "combell_dns_record" "a" {{
  domain_name = "{ZONE}"
  type        = "A"
  record_name = "e2e-a"
  content     = "{a_content}"
  ttl         = {ttl}
}}

resource "combell_dns_record" "aaaa" {{
  domain_name = "{ZONE}"
  type        = "AAAA"
  record_name = "e2e-aaaa"
  content     = "2001:db8::10"
}}

resource "combell_dns_record" "cname" {{
  domain_name = "{ZONE}"
  type        = "CNAME"
  record_name = "e2e-cname"
  content     = "target.example.net"
}}

resource "combell_dns_record" "alias" {{
  domain_name = "{ZONE}"
  type        = "ALIAS"
  record_name = "e2e-alias"
  content     = "target.example.net"
}}

resource "combell_dns_record" "mx" {{
  domain_name = "{ZONE}"
  type        = "MX"
  record_name = ""
  content     = "mx2.example.com"
  priority    = {mx_priority}
}}

# The apex, by leaving record_name out.
resource "combell_dns_record" "txt" {{
  domain_name = "{ZONE}"
  type        = "TXT"
  content     = "e2e=yes"
}}

resource "combell_dns_record" "srv" {{
  domain_name = "{ZONE}"
  type        = "SRV"
  service     = "_sip"
  target      = "sip.example.com"
  port        = 5060
  priority    = 20
  weight      = {srv_weight}
}}

resource "combell_dns_record" "tlsa" {{
  domain_name = "{ZONE}"
  type        = "TLSA"
  record_name = "_25._tcp.mail"
  content     = "3 1 1 0123456789abcdef"
}}

resource "combell_dns_record" "caa" {{
  domain_name = "{ZONE}"
  type        = "CAA"
  record_name = ""
  content     = "0 issue \"letsencrypt.org\""
}}
"#
    )
}

const ADDRESSES: [&str; 9] = [
    "a", "aaaa", "cname", "alias", "mx", "txt", "srv", "tlsa", "caa",
];

fn ids_in_state(tf: &Tf) -> BTreeMap<&'static str, String> {
    ADDRESSES
        .iter()
        .map(|name| {
            let values = tf.expect_resource(&format!("combell_dns_record.{name}"));
            let id = values["id"].as_str().expect("id in state").to_string();
            (*name, id)
        })
        .collect()
}

#[test]
fn dns_records_of_every_type_through_their_whole_life() {
    let sim = Sim::start();
    let seed_ids = zone_ids(&sim);
    let tf = Tf::new(&sim);

    // Create, then nothing left to do.
    tf.write_config(&config(&every_type("192.0.2.50", 3600, 20, 5)));
    tf.apply();
    tf.assert_plan_empty();
    let ids = ids_in_state(&tf);
    let zone_now = zone_ids(&sim);
    for (name, id) in &ids {
        assert!(
            zone_now.contains(id),
            "{name} ({id}) is not in the simulator's zone"
        );
    }
    let srv = tf.expect_resource("combell_dns_record.srv");
    assert_eq!(srv["record_name"], "_sip._tcp");
    assert_eq!(srv["protocol"], "_tcp");
    assert_eq!(srv["content"], "5 5060 sip.example.com");
    let a = tf.expect_resource("combell_dns_record.a");
    assert!(a["priority"].is_null(), "an A record has no priority: {a}");

    // Import every record into a fresh state: the same configuration plans nothing.
    let fresh = tf.fresh_state();
    for (name, id) in &ids {
        fresh.import(
            &format!("combell_dns_record.{name}"),
            &format!("{ZONE}/{id}"),
        );
    }
    fresh.assert_plan_empty();

    // Update in place: content, TTL, MX priority and SRV weight change, ids stay.
    tf.write_config(&config(&every_type("192.0.2.77", 600, 30, 9)));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 3 to change, 0 to destroy"),
        "expected three in-place updates (a, mx, srv):\n{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();
    assert_eq!(
        ids_in_state(&tf),
        ids,
        "an in-place update must keep the record ids"
    );
    let client = api(&sim);
    let rt = runtime();
    let cancel = CancellationToken::new();
    let a_now = rt
        .block_on(client.get_dns_record(ZONE, &ids["a"], &cancel))
        .expect("read the A record");
    assert_eq!(a_now.content.as_deref(), Some("192.0.2.77"));
    assert_eq!(a_now.ttl, Some(600));

    // Drift: one record deleted and one changed behind Terraform's back.
    rt.block_on(client.delete_dns_record(ZONE, &ids["a"], &cancel))
        .expect("delete the A record behind Terraform's back");
    let mut txt = rt
        .block_on(client.get_dns_record(ZONE, &ids["txt"], &cancel))
        .expect("read the TXT record");
    txt.content = Some("changed-by-hand".into());
    rt.block_on(client.update_dns_record(ZONE, &ids["txt"], &txt, &cancel))
        .expect("change the TXT record behind Terraform's back");
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("combell_dns_record.a will be created"),
        "a deleted record must be planned for re-creation:\n{plan}"
    );
    assert!(
        plan.stdout
            .contains("combell_dns_record.txt will be updated in-place")
            && plan.stdout.contains("changed-by-hand"),
        "a changed record must be planned back:\n{plan}"
    );
    tf.apply();
    tf.assert_plan_empty();

    // Destroy: the zone holds exactly what it held before.
    tf.destroy();
    assert_eq!(
        zone_ids(&sim),
        seed_ids,
        "the zone must be back to its seed records"
    );
}

#[test]
fn spellings_combell_normalises_never_show_as_changes() {
    let (_sim, tf) = started_with(&format!(
        r#"
resource "combell_dns_record" "apex_at" {{
  domain_name = "{ZONE}"
  type        = "MX"
  record_name = "@"
  content     = "Mail.Example.COM."
}}

resource "combell_dns_record" "upper" {{
  domain_name = "{ZONE}"
  type        = "AAAA"
  record_name = "E2E-Upper"
  content     = "2001:0db8:0000:0000:0000:0000:0000:0010"
}}

resource "combell_dns_record" "srv" {{
  domain_name = "{ZONE}"
  type        = "SRV"
  service     = "xmpp-client"
  protocol    = "TCP"
  target      = "XMPP.example.com"
  port        = 5222
}}
"#
    ));
    tf.apply();
    tf.assert_plan_empty();
    let srv = tf.expect_resource("combell_dns_record.srv");
    assert_eq!(srv["protocol"], "TCP");
    assert_eq!(srv["service"], "xmpp-client");
    assert_eq!(srv["priority"], 10);
    assert_eq!(srv["weight"], 0);
    let mx = tf.expect_resource("combell_dns_record.apex_at");
    assert_eq!(mx["record_name"], "@");
    assert_eq!(mx["priority"], 10);
    // Changing only the spelling of a replace-only SRV attribute replaces nothing.
    let config = std::fs::read_to_string(tf.work_dir().join("main.tf")).expect("read config");
    tf.write_config(&config.replace("protocol    = \"TCP\"", "protocol    = \"_tcp\""));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "a new spelling of the same protocol is an in-place change of the state only:\n{plan}"
    );
    tf.destroy();
}

#[test]
fn invalid_configurations_fail_at_plan_with_every_problem_before_any_api_write() {
    let (sim, tf) = plan_refusing(
        &format!(
            r#"
resource "combell_dns_record" "bad_ttl_and_content" {{
  domain_name = "{ZONE}"
  type        = "A"
  record_name = "www3"
  content     = "not-an-address"
  ttl         = 30
}}

resource "combell_dns_record" "srv_without_port" {{
  domain_name = "{ZONE}"
  type        = "SRV"
  service     = "_sip"
  target      = "sip.example.com"
}}
"#
        ),
        &[
            "TTL out of range",
            "Invalid record content",
            "Missing SRV attribute",
            "with combell_dns_record.bad_ttl_and_content",
            "ttl         = 30",
        ],
    );
    // A wildcard name is valid (records like it exist and can be imported), but Combell
    // refuses to create one: that is known, and said, when the plan creates it.
    tf.write_config(&config(&format!(
        r#"
resource "combell_dns_record" "wildcard" {{
  domain_name = "{ZONE}"
  type        = "A"
  record_name = "*"
  content     = "192.0.2.1"
}}
"#
    )));
    let out = tf.plan_fails();
    let text = out.text();
    assert!(text.contains("Wildcard records cannot be created"), "{out}");
    assert!(
        text.contains("record_name = \"*\""),
        "the error points at record_name: {out}"
    );
    sim.assert_no_writes();
}

#[test]
fn servicepacks_data_source_lists_what_the_reseller_can_sell() {
    let (_sim, tf) = started_with(
        r#"
data "combell_servicepacks" "all" {}

output "names" {
  value = [for p in data.combell_servicepacks.all.servicepacks : p.name]
}
"#,
    );
    tf.apply();
    let out = tf.ok(&["output", "-json", "names"]);
    let names: Vec<String> = serde_json::from_str(&out.stdout).expect("names as JSON");
    assert!(!names.is_empty(), "the seed has servicepacks: {out}");
    tf.assert_plan_empty();
}

#[test]
fn wrong_credentials_explain_themselves_without_showing_the_secret() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    let wrong_secret = "definitely-not-the-secret-42";
    tf.set_env("COMBELL_API_SECRET", wrong_secret);
    tf.write_config(&config(r#"data "combell_servicepacks" "all" {}"#));
    let out = tf.plan_fails();
    let text = out.text();
    assert!(text.contains("401"), "{out}");
    assert!(
        text.contains("allow-list"),
        "a 401 must mention the IP allow-list: {out}"
    );
    assert!(
        !text.contains(wrong_secret),
        "the secret leaked into Terraform's output: {out}"
    );

    tf.set_env("COMBELL_API_SECRET", "");
    tf.set_env("COMBELL_API_KEY", "");
    let out = tf.plan_fails();
    let text = out.text();
    assert!(text.contains("Missing Combell API key"), "{out}");
    assert!(text.contains("COMBELL_API_SECRET"), "{out}");
}

/// Whether Combell keeps a record's id across a PUT has not been observed: an update writes
/// without reading back, and the next read finds a record the PUT renumbered by its values.
/// Nothing is lost, duplicated or left behind whichever way Combell turns out to behave.
#[test]
fn an_update_that_gives_the_record_a_new_id_is_followed() {
    let sim = Sim::start_with(&["--dns-put-renumbers"]);
    let seed_ids = zone_ids(&sim);
    let tf = Tf::new(&sim);
    let record = |ttl: u32| {
        config(&format!(
            r#"
resource "combell_dns_record" "a" {{
  domain_name = "{ZONE}"
  type        = "A"
  record_name = "e2e-renumbered"
  content     = "192.0.2.60"
  ttl         = {ttl}
}}
"#
        ))
    };
    tf.write_config(&record(3600));
    tf.apply();
    tf.assert_plan_empty();
    let first_id = tf.expect_resource("combell_dns_record.a")["id"]
        .as_str()
        .expect("id in state")
        .to_string();

    tf.write_config(&record(600));
    tf.apply();
    tf.assert_plan_empty();
    // A refresh that is kept: the state now names the record by its new id.
    tf.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    let new_id = tf.expect_resource("combell_dns_record.a")["id"]
        .as_str()
        .expect("id in state")
        .to_string();
    assert_ne!(new_id, first_id, "the simulator renumbers on PUT");
    let ours: Vec<DnsRecord> = zone_records(&sim)
        .into_iter()
        .filter(|r| r.record_name.as_deref() == Some("e2e-renumbered"))
        .collect();
    assert_eq!(
        ours.len(),
        1,
        "exactly one record, not a duplicate: {ours:?}"
    );
    assert_eq!(ours[0].id.as_deref(), Some(new_id.as_str()));
    assert_eq!(ours[0].ttl, Some(600));
    tf.assert_plan_empty();

    tf.destroy();
    assert_eq!(
        zone_ids(&sim),
        seed_ids,
        "nothing of ours is left in the zone"
    );
}
