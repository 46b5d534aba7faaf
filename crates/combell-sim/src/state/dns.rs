//! The DNS part of the state: a record as stored, Combell's name servers, and the seeded zones.

use serde::{Deserialize, Serialize};

/// A record as stored and as every read returns it (the API's `DnsRecord`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub id: String,
    #[serde(rename = "type")]
    pub record_type: String,
    pub record_name: String,
    pub ttl: i64,
    pub content: String,
    pub service: Option<String>,
    pub target: Option<String>,
    pub protocol: Option<String>,
    pub priority: Option<i64>,
    pub port: Option<i64>,
    pub weight: Option<i64>,
}

pub const DEFAULT_TTL: i64 = 3600;

pub const DEFAULT_PRIORITY: i64 = 10;

pub const NAME_SERVERS: [&str; 2] = ["ns3.european-server.com", "ns4.european-server.com"];

pub(crate) fn plain(
    id: &str,
    record_type: &str,
    name: &str,
    content: &str,
    priority: Option<i64>,
) -> DnsRecord {
    DnsRecord {
        id: id.to_string(),
        record_type: record_type.to_string(),
        record_name: name.to_string(),
        ttl: DEFAULT_TTL,
        content: content.to_string(),
        service: None,
        target: None,
        protocol: None,
        priority,
        port: None,
        weight: None,
    }
}

/// What Combell puts in every zone: its two name servers and a SOA.
pub(crate) fn zone_apex_records(ids: [String; 3]) -> Vec<DnsRecord> {
    let [ns1, ns2, soa] = ids;
    vec![
        plain(&ns1, "NS", "", NAME_SERVERS[0], None),
        plain(&ns2, "NS", "", NAME_SERVERS[1], None),
        plain(
            &soa,
            "SOA",
            "",
            &format!(
                "{} hostmaster.combell.com 2026010101 10800 3600 604800 3600",
                NAME_SERVERS[0]
            ),
            None,
        ),
    ]
}

/// A zone for a site and its mail: Combell's NS and SOA (ids `id(1)` to `id(3)`), then apex
/// and `www` A records to `address`, an MX to `mail.{domain}` and an SPF TXT (`id(4)` to
/// `id(7)`).
fn web_and_mail_zone(id: impl Fn(u32) -> String, domain: &str, address: &str) -> Vec<DnsRecord> {
    let mut records = zone_apex_records([id(1), id(2), id(3)]);
    records.extend([
        plain(&id(4), "A", "", address, None),
        plain(&id(5), "A", "www", address, None),
        plain(&id(6), "MX", "", &format!("mail.{domain}"), Some(10)),
        plain(
            &id(7),
            "TXT",
            "",
            "v=spf1 mx include:spf.combell.com -all",
            None,
        ),
    ]);
    records
}

/// The zone of the `n`th account of a seeded estate (`--seed-estate`), with ids `1-3NNNNN00KK`:
/// Combell's NS and SOA, apex and `www` A records, an MX, an SPF TXT and a `mail` CNAME.
pub(crate) fn estate_zone(n: u32, domain: &str) -> Vec<DnsRecord> {
    let id = |k: u32| format!("1-3{n:05}00{k:02}");
    let mut records = web_and_mail_zone(id, domain, &format!("192.0.2.{}", 100 + n % 100));
    records.push(plain(&id(8), "CNAME", "mail", domain, Some(0)));
    records
}

/// The seeded zone of `example.com`, with ids `1-10000000NN`.
pub(crate) fn seed_example_com() -> Vec<DnsRecord> {
    let id = |n: u32| format!("1-10000000{n:02}");
    let mut records = web_and_mail_zone(id, "example.com", "192.0.2.10");
    records.push(plain(&id(8), "A", "*", "192.0.2.20", None));
    records
}

/// The seeded zone of `example.net`, with ids `1-20000000NN`.
pub(crate) fn seed_example_net() -> Vec<DnsRecord> {
    let id = |n: u32| format!("1-20000000{n:02}");
    let mut records = zone_apex_records([id(1), id(2), id(3)]);
    records.extend([
        plain(&id(4), "A", "", "198.51.100.10", None),
        plain(&id(5), "CNAME", "www", "example.net", Some(0)),
    ]);
    records
}
