//! Bad input, one row per validation rule: every rule of the provider, its resources and data
//! sources gets an invalid configuration, and a real Terraform must report that rule's
//! diagnostic (summary and detail) on the right attribute, which Terraform shows as the source
//! line of that attribute (or of the block, when the attribute is absent).
//!
//! All rows of a phase go into one configuration, checked by one `terraform validate -json`
//! (rules of `validate`) or one `terraform plan -json` against a simulator (rules of `plan`,
//! of provider configuration and of data source reads). A new rule is one more line in
//! [`validate_rows`] or [`plan_rows`]: `row(kind, body, attribute, summary, detail)`, where
//! `body` holds the block's lines separated by ` ; `.
//!
//! Rules that need an object in the state first (an account's servicepack change, its FTP
//! password version) are covered by tests/e2e_account.rs.

use crate::common;

use std::collections::BTreeMap;

use crate::common::{Sim, Tf};
use serde_json::Value;

/// One invalid configuration and the diagnostic it must produce.
struct Row {
    /// `resource TYPE`, `data TYPE` or `provider`.
    kind: &'static str,
    /// The block's lines, separated by ` ; `.
    body: &'static str,
    /// The attribute the diagnostic is about (`timeouts.create` for a nested one).
    attribute: &'static str,
    summary: &'static str,
    /// A fragment the diagnostic's detail must contain.
    detail: &'static str,
}

fn row(
    kind: &'static str,
    body: &'static str,
    attribute: &'static str,
    summary: &'static str,
    detail: &'static str,
) -> Row {
    Row {
        kind,
        body,
        attribute,
        summary,
        detail,
    }
}

const DNS: &str = "resource combell_dns_record";
const ACCOUNT: &str = "resource combell_account";
const MAILBOX: &str = "resource combell_mailbox";
const DATABASE: &str = "resource combell_mysql_database";
const USER: &str = "resource combell_mysql_user";

/// Rules checked by `validate` (ValidateResourceConfig, ValidateDataResourceConfig,
/// ValidateProviderConfig).
#[rustfmt::skip]
fn validate_rows() -> Vec<Row> {
    vec![
        row("provider", r#"endpoint = "ftp://api.combell.com""#, "endpoint", "Invalid endpoint", "such as https://api.combell.com/v2"),
        row(DNS, r#"domain_name = "not a domain" ; type = "A" ; record_name = "www" ; content = "192.0.2.1""#, "domain_name", "Invalid domain name", "not a domain"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; ttl = 30"#, "ttl", "TTL out of range", "got 30"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "bad name!" ; content = "192.0.2.1""#, "record_name", "Invalid record name", "bad name!"),
        row(DNS, r#"domain_name = "example.com" ; type = "a" ; record_name = "www" ; content = "192.0.2.1""#, "type", "Unsupported record type", "Write it in upper case"),
        row(DNS, r#"domain_name = "example.com" ; type = "NS" ; record_name = "www" ; content = "ns1.example.com""#, "type", "Unsupported record type", "manages a zone's NS and SOA"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; port = 80"#, "port", "Attribute applies only to SRV records", "`port` is only used by SRV records"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; weight = 1"#, "weight", "Attribute applies only to SRV records", "`weight` is only used by SRV"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; priority = 10"#, "priority", "Attribute applies only to MX and SRV records", "remove it from this A record"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www""#, "content", "Missing record content", "an IPv4 address"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "not-an-ip""#, "content", "Invalid record content", "not-an-ip"),
        row(DNS, r#"domain_name = "example.com" ; type = "CNAME" ; record_name = "@" ; content = "target.example.net""#, "record_name", "CNAME at the zone apex", "ALIAS record"),
        row(DNS, r#"domain_name = "example.com" ; type = "MX" ; record_name = "@" ; content = "mail.example.com" ; priority = 0"#, "priority", "Priority out of range", "got 0"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; record_name = "x" ; service = "_sip" ; protocol = "TCP" ; target = "sip.example.com" ; port = 5060"#, "record_name", "record_name does not apply to SRV records", "remove `record_name`"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; content = "1 5060 x" ; service = "_sip" ; protocol = "TCP" ; target = "sip.example.com" ; port = 5060"#, "content", "content does not apply to SRV records", "remove `content`"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; protocol = "TCP" ; target = "sip.example.com""#, "port", "Missing SRV attribute", "`port` is not set"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "s i p" ; protocol = "TCP" ; target = "sip.example.com" ; port = 5060"#, "service", "Invalid SRV service", "got \"s i p\""),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; protocol = "SCTP" ; target = "sip.example.com" ; port = 5060"#, "protocol", "Invalid SRV protocol", "got \"SCTP\""),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; protocol = "TCP" ; target = "bad target!" ; port = 5060"#, "target", "Invalid SRV target", "bad target!"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; protocol = "TCP" ; target = "sip.example.com" ; port = 70000"#, "port", "Port out of range", "got 70000"),
        row(DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; protocol = "TCP" ; target = "sip.example.com" ; port = 5060 ; weight = 70000"#, "weight", "Weight out of range", "got 70000"),
        row(ACCOUNT, r#"identifier = "Example.com" ; servicepack_id = 12"#, "identifier", "Invalid account identifier", "has upper-case letters"),
        row(ACCOUNT, r#"identifier = "nodot" ; servicepack_id = 12"#, "identifier", "Invalid account identifier", "is not a domain name"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 0"#, "servicepack_id", "Invalid servicepack id", "positive whole number"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; ftp_password = "Sh0rt""#, "ftp_password", "Invalid FTP password", "8 to 20 characters long; it has 5"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; ftp_password = "nodigitshere""#, "ftp_password", "Invalid FTP password", "at least one digit"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; ftp_password = "12345678""#, "ftp_password", "Invalid FTP password", "at least one letter"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; ftp_password = "has space 1""#, "ftp_password", "Invalid FTP password", "cannot contain spaces"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; ftp_password = "bad$$pass1""#, "ftp_password", "Invalid FTP password", "cannot contain any of these characters"),
        row(ACCOUNT, r#"identifier = "ok-e2e.be" ; servicepack_id = 12 ; timeouts { create = "5 parsecs" }"#, "timeouts.create", "Invalid timeout", "5 parsecs"),
        row(MAILBOX, r#"email_address = "not-an-address" ; password = "Mail4Secret9""#, "email_address", "Invalid e-mail address", "not-an-address"),
        row(MAILBOX, r#"email_address = "a@example.com" ; account_id = 0 ; password = "Mail4Secret9""#, "account_id", "Invalid account id", "mail zone account id"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Sh0rt""#, "password", "Invalid mailbox password", "8 to 20"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password_version = 1"#, "password_version", "password_version without password", "set password too"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_reply = { enabled = true, message = " " }"#, "auto_reply", "An enabled auto-reply needs a message", "auto_reply.message"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_reply = { enabled = false, subject = join("", [for i in range(256) : "s"]), message = "m" }"#, "auto_reply", "Auto-reply subject too long", "at most 255"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_reply = { enabled = false, message = join("", [for i in range(1000) : "mmmmmmmmmmm"]) }"#, "auto_reply", "Auto-reply message too long", "at most 10000"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_forward = { enabled = true, email_addresses = [] }"#, "auto_forward", "An enabled auto-forward needs an address", "at least one"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_forward = { enabled = true, email_addresses = [for i in range(26) : "f${i}@example.org"] }"#, "auto_forward", "Too many forward addresses", "it has 26"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_forward = { enabled = true, email_addresses = ["nope"] }"#, "auto_forward", "Invalid forward address", "nope"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_forward = { enabled = true, email_addresses = ["a@example.com"] }"#, "auto_forward", "A mailbox cannot forward to itself", "copy_to_myself"),
        row(MAILBOX, r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; auto_forward = { enabled = true, email_addresses = ["b@example.org", "b@example.org"] }"#, "auto_forward", "Duplicate forward address", "listed twice"),
        row(DATABASE, r#"account_id = 1001 ; name = "Bad-Name" ; password = "Db4Secret9""#, "name", "Invalid database name", "lower-case letters, digits and underscores"),
        row(DATABASE, r#"account_id = 1001 ; name = "waytoolongname15" ; password = "Db4Secret9""#, "name", "Invalid database name", "it has 16"),
        row(DATABASE, r#"account_id = -1 ; name = "shop2" ; password = "Db4Secret9""#, "account_id", "Invalid account id", "positive whole number"),
        row(DATABASE, r#"account_id = 1001 ; name = "shop2" ; password = "nodigitshere""#, "password", "Invalid database password", "at least one digit"),
        row(DATABASE, r#"account_id = 1001 ; name = "shop2" ; password = "Db4Secret9" ; timeouts { create = "-5m" }"#, "timeouts.create", "Invalid timeout", "-5m"),
        row(USER, r#"database_name = "ID1001_shop" ; name = "a" ; password = "User4Secret9""#, "name", "Invalid MySQL user name", "2 to 14 characters"),
        row(USER, r#"database_name = "ID1001_shop" ; name = "Upper" ; password = "User4Secret9""#, "name", "Invalid MySQL user name", "lower-case letters and digits"),
        row(USER, r#"database_name = "has space" ; name = "u1" ; password = "User4Secret9""#, "database_name", "Invalid database name", "has space"),
        row(USER, r#"database_name = "ID1001_shop" ; name = "u1" ; password = "User4Secret9" ; status = "paused""#, "status", "Invalid status", "\"paused\" is not a status"),
        row(USER, r#"database_name = "ID1001_shop" ; name = "u1" ; password = "12345678""#, "password", "Invalid MySQL user password", "at least one letter"),
        row(USER, r#"database_name = "ID1001_shop" ; name = "u1" ; password = "User4Secret9" ; timeouts { create = "soon" }"#, "timeouts.create", "Invalid timeout", "soon"),
        row("data combell_account", r#"id = "1001" ; identifier = "example.com""#, "identifier", "Give exactly one of id and identifier", "Both id and identifier"),
        row("data combell_account", "", "id", "Give exactly one of id and identifier", "to say which account"),
        row("data combell_accounts", r#"asset_type = "spaceship""#, "asset_type", "Invalid asset type", "\"spaceship\" is not an asset type"),
        row("data combell_mailboxes", r#"domain_name = "bad domain""#, "domain_name", "Invalid domain name", "bad domain"),
        row("data combell_mysql_databases", "account_id = 0", "account_id", "Invalid account id", "positive whole number"),
    ]
}

/// Rules of `plan`, of provider configuration and of data source reads, against a simulator.
#[rustfmt::skip]
fn plan_rows() -> Vec<Row> {
    vec![
        row("provider", r#"endpoint = "{endpoint}" ; api_secret = "x""#, "api_key", "Missing Combell API key", "COMBELL_API_KEY"),
        row("provider", r#"endpoint = "{endpoint}" ; api_key = "x""#, "api_secret", "Missing Combell API secret", "COMBELL_API_SECRET"),
        row(DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "*.wild" ; content = "192.0.2.1""#, "record_name", "Wildcard records cannot be created", "terraform import"),
        row(MAILBOX, r#"email_address = "nopass@example.com" ; account_id = 1001"#, "password", "A new mailbox needs a password", "only together with its password"),
        row(DATABASE, r#"account_id = 1001 ; name = "nopass""#, "password", "A password is required", ""),
        row(USER, r#"database_name = "ID1001_shop" ; name = "nopass""#, "password", "A password is required", "needs a password to create a MySQL user"),
        row("data combell_account", r#"id = "abc""#, "id", "Unable to read combell_account", "\"abc\" is not a Combell account id"),
        row("data combell_account", r#"identifier = "nobody.example""#, "", "Unable to read combell_account", "No Combell account has the identifier"),
    ]
}

/// The configuration of `rows` and, per row, the lines its diagnostic may be on.
fn render(rows: &[Row], provider_block: &str, endpoint: &str) -> (String, Vec<usize>) {
    let mut text = common::with_provider(provider_block);
    let mut expected_lines = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let name = format!("r{index}");
        text.push('\n');
        let mut line = text.lines().count() + 1;
        let header_line = line;
        let mut lines_of: BTreeMap<String, usize> = BTreeMap::new();
        match row.kind.split_once(' ') {
            Some((kind, type_name)) => {
                text.push_str(&format!("{kind} \"{type_name}\" \"{name}\" {{\n"))
            }
            None => {
                text.push_str(&format!("provider \"combell\" {{\n  alias = \"{name}\"\n"));
                line += 1;
            }
        }
        for body_line in row.body.split(" ; ").filter(|l| !l.is_empty()) {
            line += 1;
            let attribute = body_line
                .split(['=', '{'])
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            lines_of.insert(attribute, line);
            text.push_str(&format!(
                "  {}\n",
                body_line.replace("{endpoint}", endpoint)
            ));
        }
        text.push_str("}\n");
        if row.kind == "provider" {
            // Only a provider that something uses is configured.
            text.push_str(&format!(
                "data \"combell_servicepacks\" \"{name}\" {{\n  provider = combell.{name}\n}}\n"
            ));
        }
        let top = row.attribute.split('.').next().unwrap_or_default();
        expected_lines.push(lines_of.get(top).copied().unwrap_or(header_line));
    }
    (text, expected_lines)
}

/// Each row's diagnostic must be among `diagnostics`; every error must belong to a row.
fn check(rows: &[Row], expected_lines: &[usize], diagnostics: &[Value], what: &str) {
    let mut failures = Vec::new();
    let mut used = vec![false; diagnostics.len()];
    for (index, (row, line)) in rows.iter().zip(expected_lines).enumerate() {
        let found = diagnostics.iter().position(|d| {
            d["severity"] == "error"
                && d["summary"] == row.summary
                && d["detail"].as_str().is_some_and(|t| {
                    t.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .contains(row.detail)
                })
                && d["range"]["start"]["line"].as_u64() == Some(*line as u64)
        });
        match found {
            Some(at) => used[at] = true,
            None => {
                let near: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d["range"]["start"]["line"].as_u64() == Some(*line as u64))
                    .map(|d| format!("{} / {}", d["summary"], d["detail"]))
                    .collect();
                failures.push(format!(
                    "row r{index} ({} {:?} on {:?}, line {line}): no {:?} with {:?}; on that line: {near:?}",
                    row.kind, row.body, row.attribute, row.summary, row.detail
                ));
            }
        }
    }
    for (d, used) in diagnostics.iter().zip(used) {
        if !used && d["severity"] == "error" {
            failures.push(format!("unexpected error: {d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{what}: {} problem(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn every_validate_rule_reports_on_its_attribute() {
    let rows = validate_rows();
    let (text, lines) = render(&rows, "", "");
    let tf = Tf::standalone();
    tf.write_config(&text);
    let out = tf.run(&["validate", "-json", "-no-color"]);
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("validate -json is not JSON ({e}):\n{out}"));
    assert_eq!(report["valid"], false, "{out}");
    let diagnostics = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    check(&rows, &lines, &diagnostics, "terraform validate");
}

#[test]
fn every_plan_rule_reports_on_its_attribute() {
    let sim = Sim::start();
    let rows = plan_rows();
    let provider = format!(
        "  endpoint   = \"{}\"\n  api_key    = \"{}\"\n  api_secret = \"{}\"",
        sim.base_url(),
        sim.api_key(),
        sim.api_secret()
    );
    let (text, lines) = render(&rows, &provider, sim.base_url());
    let tf = Tf::standalone();
    tf.write_config(&text);
    let out = tf.run(&["plan", "-json", "-no-color", "-input=false"]);
    assert!(!out.success(), "the plan should fail:\n{out}");
    let diagnostics: Vec<Value> = out
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["type"] == "diagnostic")
        .map(|m| m["diagnostic"].clone())
        .collect();
    check(&rows, &lines, &diagnostics, "terraform plan");
    // Nothing was created on the way.
    assert!(
        !sim.stats()["by_method"]["POST"].is_u64() || sim.stats()["by_method"]["POST"] == 0,
        "{}",
        sim.stats()
    );
}
