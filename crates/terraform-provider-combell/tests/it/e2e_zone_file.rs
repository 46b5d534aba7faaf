//! End to end: a zone moves from another DNS host. A BIND zone file with a record of every
//! type `combell_dns_record` supports goes through `provider::combell::zone_file` into
//! `for_each`; one apply creates the records, the next plan is empty, the data source
//! `combell_dns_records` reads them back (whole zone and filtered), and destroy leaves the
//! simulator's zone as it was. A file with a type Combell cannot hold fails at plan, naming
//! the line.
//!
//! Runs with whatever Terraform the suite uses (1.11 or newer; functions need 1.8).

use crate::common::{api, block_on, config, Sim, Tf};
use combell_api::{CancellationToken, DnsRecord, DnsRecordFilter};
use serde_json::Value;

/// The simulator's seeded `example.net` holds two records (an apex A, a `www` CNAME) besides
/// its NS and SOA records.
const ZONE: &str = "example.net";
const SEEDED: usize = 2;

/// A zone file as another host exports it: every form the function reads, and every type.
const FIXTURE: &str = r#"; example.net, exported from the old DNS host
$ORIGIN example.net.
$TTL 1h
@       IN  SOA ns1.old-dns.example. hostmaster.example.net. (
                2024060101 ; serial
                7200       ; refresh
                900        ; retry
                1209600    ; expire
                300 )      ; minimum
        IN  NS   ns1.old-dns.example.
        IN  NS   ns2.old-dns.example.
@       IN  MX   10 mail
        IN  MX   20 backup-mx.example.org.
@       IN  TXT  "v=spf1 mx " "include:_spf.example.org -all"
@       IN  CAA  0 issue "letsencrypt.org"
cdn         ALIAS lb.example.org.
app     300 IN A 192.0.2.30
            IN AAAA 2001:db8::30
mail.example.net. IN A 192.0.2.25
api     IN  CNAME app
_dmarc  IN  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@example.net"
_sip._tcp 600 IN SRV 10 60 5060 sip.example.net.
_25._tcp.mail IN TLSA 3 1 1 ( 0123456789abcdef
                              fedcba9876543210 )
"#;

/// The records the fixture holds (SOA and NS left out).
const FIXTURE_RECORDS: usize = 12;

fn main_tf() -> String {
    config(&format!(
        r#"
locals {{
  records = provider::combell::zone_file(file("${{path.module}}/{ZONE}.zone"), "{ZONE}")
}}

resource "combell_dns_record" "zone" {{
  for_each = local.records

  domain_name = "{ZONE}"
  type        = each.value.type
  record_name = each.value.record_name
  content     = each.value.content
  ttl         = each.value.ttl
  priority    = each.value.priority
  service     = each.value.service
  protocol    = each.value.protocol
  target      = each.value.target
  port        = each.value.port
  weight      = each.value.weight
}}

data "combell_dns_records" "all" {{
  domain_name = "{ZONE}"
  depends_on  = [combell_dns_record.zone]
}}

data "combell_dns_records" "mx" {{
  domain_name = "{ZONE}"
  type        = "MX"
  depends_on  = [combell_dns_record.zone]
}}

data "combell_dns_records" "app" {{
  domain_name = "{ZONE}"
  record_name = "app"
  depends_on  = [combell_dns_record.zone]
}}

data "combell_dns_records" "apex_txt" {{
  domain_name = "{ZONE}"
  type        = "TXT"
  record_name = "@"
  depends_on  = [combell_dns_record.zone]
}}

output "keys" {{
  value = sort(keys(local.records))
}}

output "all" {{
  value = data.combell_dns_records.all.records
}}

output "mx" {{
  value = [for r in data.combell_dns_records.mx.records : "${{r.priority}} ${{r.content}}"]
}}

output "app" {{
  value = [for r in data.combell_dns_records.app.records : r.type]
}}

output "apex_txt" {{
  value = [for r in data.combell_dns_records.apex_txt.records : r.content]
}}
"#
    ))
}

fn zone_records(sim: &Sim) -> Vec<DnsRecord> {
    block_on(api(sim).list_dns_records(
        ZONE,
        &DnsRecordFilter::default(),
        &CancellationToken::new(),
    ))
    .expect("list the zone's records")
}

/// The zone's records other than NS and SOA, as `type name content` lines, sorted.
fn managed_lines(sim: &Sim) -> Vec<String> {
    let mut lines: Vec<String> = zone_records(sim)
        .into_iter()
        .filter(|r| !matches!(r.record_type.as_deref(), Some("NS" | "SOA")))
        .map(|r| {
            format!(
                "{} {} {}",
                r.record_type.unwrap_or_default(),
                r.record_name.unwrap_or_default(),
                r.content.unwrap_or_default()
            )
        })
        .collect();
    lines.sort();
    lines
}

fn outputs(tf: &Tf) -> Value {
    let out = tf.ok(&["output", "-json", "-no-color"]);
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("outputs are not JSON ({e}):\n{out}"))
}

fn strings(v: &Value) -> Vec<String> {
    v["value"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list output: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_zone_file_applies_converges_reads_back_and_destroys() {
    let sim = Sim::start_with(&["--rate-limit", "off"]);
    let before = managed_lines(&sim);
    assert_eq!(before.len(), SEEDED, "{before:?}");

    let tf = Tf::new(&sim);
    tf.write_file(&format!("{ZONE}.zone"), FIXTURE);
    tf.write_config(&main_tf());
    let out = tf.apply();
    assert!(
        out.stdout
            .contains(&format!("{FIXTURE_RECORDS} added, 0 changed, 0 destroyed")),
        "{out}"
    );
    tf.assert_plan_empty();

    let lines = managed_lines(&sim);
    for expected in [
        "A app 192.0.2.30",
        "AAAA app 2001:db8::30",
        "A mail 192.0.2.25",
        "CNAME api app.example.net",
        "ALIAS cdn lb.example.org",
        "MX  mail.example.net",
        "MX  backup-mx.example.org",
        "TXT  v=spf1 mx include:_spf.example.org -all",
        "TXT _dmarc v=DMARC1; p=none; rua=mailto:dmarc@example.net",
        "CAA  0 issue \"letsencrypt.org\"",
        "SRV _sip._tcp 60 5060 sip.example.net",
        "TLSA _25._tcp.mail 3 1 1 0123456789abcdeffedcba9876543210",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected:?} is not in the zone: {lines:#?}"
        );
    }
    assert_eq!(lines.len(), SEEDED + FIXTURE_RECORDS, "{lines:#?}");

    let srv = tf.expect_resource("combell_dns_record.zone[\"_sip._tcp_SRV_1\"]");
    assert_eq!(srv["ttl"], 600);
    assert_eq!(srv["priority"], 10);
    assert_eq!(srv["port"], 5060);
    let app = tf.expect_resource("combell_dns_record.zone[\"app_A_1\"]");
    assert_eq!(app["ttl"], 300);
    let mx = tf.expect_resource("combell_dns_record.zone[\"@_MX_2\"]");
    assert_eq!(mx["ttl"], 3600);
    assert_eq!(mx["priority"], 20);

    let out = outputs(&tf);
    assert_eq!(strings(&out["keys"]).len(), FIXTURE_RECORDS);
    let all = out["all"]["value"].as_array().expect("records");
    assert_eq!(all.len(), SEEDED + FIXTURE_RECORDS, "{all:#?}");
    assert!(all
        .iter()
        .all(|r| !matches!(r["type"].as_str(), Some("NS" | "SOA"))));
    let mut mx = strings(&out["mx"]);
    mx.sort();
    assert_eq!(mx, ["10 mail.example.net", "20 backup-mx.example.org"]);
    assert_eq!(strings(&out["app"]), ["A", "AAAA"]);
    assert_eq!(
        strings(&out["apex_txt"]),
        ["v=spf1 mx include:_spf.example.org -all"]
    );

    tf.destroy();
    assert_eq!(managed_lines(&sim), before);
}

#[test]
fn an_unsupported_type_fails_at_plan_naming_its_line() {
    let sim = Sim::start_with(&["--rate-limit", "off"]);
    let tf = Tf::new(&sim);
    tf.write_file(
        &format!("{ZONE}.zone"),
        "$ORIGIN example.net.\n$TTL 3600\nwww IN A 192.0.2.1\n; reverse entry\n10 IN PTR www.example.net.\n",
    );
    tf.write_config(&main_tf());
    let out = tf.plan_fails();
    let text = flat(&format!("{}\n{}", out.stdout, out.stderr));
    assert!(text.contains("Zone file line 5:"), "{out}");
    assert!(text.contains("Record type PTR cannot be managed"), "{out}");
    assert_eq!(managed_lines(&sim).len(), SEEDED);
}
