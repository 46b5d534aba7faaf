//! Hostile values, as a new user (or a careless script) might write them: empty, blank, 10,000
//! characters, emoji, right-to-left marks, control characters, path tricks in every value that
//! becomes part of a request path, Unicode host names that cannot be converted, numbers that
//! are negative, zero, huge or fractional, malformed import IDs (by the CLI and by `import {}`
//! blocks), and values only known at apply. Each row says where the value is refused
//! (`validate` or `plan`), the diagnostic's summary and a fragment of its detail, and the
//! diagnostic must point at the attribute's line. Nothing may reach the simulator as a write.
//!
//! The rows of one phase share one configuration and one `terraform` run: `terraform validate`
//! for the whole table (rows refused at plan must not show there), then one `terraform plan`
//! for the rows refused at plan.

use crate::common;

use std::collections::BTreeMap;

use crate::common::{Sim, Tf};
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Phase {
    Validate,
    Plan,
}
use Phase::{Plan, Validate};

struct Row {
    phase: Phase,
    /// `resource TYPE` or `data TYPE`.
    kind: &'static str,
    /// The block's lines, separated by ` ; `.
    body: String,
    /// The attribute the diagnostic is about.
    attribute: &'static str,
    summary: &'static str,
    /// A fragment the diagnostic's detail must contain.
    detail: &'static str,
}

const DNS: &str = "resource combell_dns_record";
const ACCOUNT: &str = "resource combell_account";
const MAILBOX: &str = "resource combell_mailbox";
const DATABASE: &str = "resource combell_mysql_database";
const USER: &str = "resource combell_mysql_user";
const ALIAS: &str = "resource combell_mail_alias";
const CATCH_ALL: &str = "resource combell_mail_catch_all";
const SMTP: &str = "resource combell_mail_smtp_domain";
const ANTISPAM: &str = "resource combell_mail_antispam";
const DOMAIN: &str = "resource combell_domain";
const SUBSITE: &str = "resource combell_linux_subsite";
const HOST_HEADER: &str = "resource combell_linux_host_header";
const SSH_KEY: &str = "resource combell_ssh_key";

/// Strings no name, address or password may be: (label, HCL expression).
fn hostile_strings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("empty", r#""""#),
        ("blank", r#"" ""#),
        ("tab", r#""a\tb.be""#),
        (
            "10,000 characters",
            r#"join("", [for i in range(1000) : "abcdefghij"])"#,
        ),
        ("emoji", r#""💩.example.com""#),
        ("right-to-left mark", r#""\u200Fexample.com""#),
        ("NUL", r#""exa\u0000mple.com""#),
        ("escape", r#""exa\u001Bmple.com""#),
        ("dot dot", r#""..""#),
        ("parent path", r#""../accounts""#),
        ("slash", r#""a/b""#),
        ("escaped slash", r#""a%2Fb""#),
        ("query", r#""a?b=c""#),
        ("fragment", r#""a#b""#),
        ("backslash", r#""a\\b""#),
    ]
}

/// Numbers no id, TTL, priority, port or weight may be (beyond its own range).
fn hostile_numbers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("negative", "-1"),
        ("zero", "0"),
        ("huge", "1e30"),
        ("fractional", "0.5"),
    ]
}

fn row(
    phase: Phase,
    kind: &'static str,
    body: impl Into<String>,
    attribute: &'static str,
    summary: &'static str,
    detail: &'static str,
) -> Row {
    Row {
        phase,
        kind,
        body: body.into(),
        attribute,
        summary,
        detail,
    }
}

/// One row per hostile string for `attribute`: `base` holds `{}` where the value goes.
fn strings_for(
    rows: &mut Vec<Row>,
    kind: &'static str,
    base: &str,
    attribute: &'static str,
    summary: &'static str,
    skip: &[&str],
) {
    let values = hostile_strings();
    rows_for(
        rows,
        &values,
        |_| "",
        (kind, base),
        attribute,
        summary,
        skip,
    );
}

fn numbers_for(
    rows: &mut Vec<Row>,
    kind: &'static str,
    base: &str,
    attribute: &'static str,
    summary: &'static str,
    skip: &[&str],
) {
    let detail = |label: &str| match label {
        "fractional" => "which is not a whole number",
        "huge" => "got 1e30",
        _ => "got",
    };
    let values = hostile_numbers();
    rows_for(
        rows,
        &values,
        detail,
        (kind, base),
        attribute,
        summary,
        skip,
    );
}

/// One row per labelled value not in `skip`, with the detail `detail` gives its label.
fn rows_for(
    rows: &mut Vec<Row>,
    values: &[(&'static str, &'static str)],
    detail: impl Fn(&str) -> &'static str,
    (kind, base): (&'static str, &str),
    attribute: &'static str,
    summary: &'static str,
    skip: &[&str],
) {
    for (label, value) in values {
        if skip.contains(label) {
            continue;
        }
        rows.push(row(
            Validate,
            kind,
            base.replace("{}", value),
            attribute,
            summary,
            detail(label),
        ));
    }
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let r = &mut rows;
    // DNS records: the zone, the name, each kind of content, SRV parts, every number.
    strings_for(r, DNS, r#"domain_name = {} ; type = "A" ; record_name = "www" ; content = "192.0.2.1""#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = {} ; content = "192.0.2.1""#, "record_name", "Invalid record name", &["empty"]);
    strings_for(r, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = {}"#, "content", "Invalid record content", &[]);
    strings_for(r, DNS, r#"domain_name = "example.com" ; type = "CNAME" ; record_name = "www" ; content = {}"#, "content", "Invalid record content", &[]);
    strings_for(r, DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; target = {} ; port = 5060"#, "target", "Invalid SRV target", &[]);
    numbers_for(r, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; ttl = {}"#, "ttl", "TTL out of range", &[]);
    numbers_for(r, DNS, r#"domain_name = "example.com" ; type = "MX" ; record_name = "" ; content = "mail.example.com" ; priority = {}"#, "priority", "Priority out of range", &[]);
    numbers_for(r, DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; target = "sip.example.com" ; port = {}"#, "port", "Port out of range", &[]);
    numbers_for(r, DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; target = "sip.example.com" ; port = 5060 ; weight = {}"#, "weight", "Weight out of range", &["zero"]);
    // The cases that once got through.
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "TXT" ; record_name = "big" ; content = join("", [for i in range(1000) : "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"])"#, "content", "Record content too long", "at most 65535 octets"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "ALIAS" ; record_name = "" ; content = "-bad-.example.com""#, "content", "Invalid record content", "starts or ends with a hyphen"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1" ; ttl = 3600.5"#, "ttl", "TTL out of range", "got 3600.5, which is not a whole number"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; target = "sip.example.com" ; port = 5060 ; weight = 0.5"#, "weight", "Weight out of range", "got 0.5, which is not a whole number"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "TXT" ; record_name = "t" ; content = "v=spf1\u0000""#, "content", "Invalid record content", "U+0000"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "CNAME" ; record_name = "www" ; content = "a.\u200F.example.com""#, "content", "Invalid record content", "U+200F"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "CNAME" ; record_name = "www" ; content = "bü_cher.be""#, "content", "Invalid record content", "cannot be converted"));
    r.push(row(Validate, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "xn--zz--" ; content = "192.0.2.1""#, "record_name", "Invalid record name", "not a valid IDNA A-label"));
    r.push(row(Plan, DNS, r#"domain_name = "example.com" ; type = "A" ; record_name = "*" ; content = "192.0.2.1""#, "record_name", "Wildcard records cannot be created", "terraform import"));
    // Accounts: the identifier reaches no path, the password must follow Combell's rules.
    strings_for(r, ACCOUNT, r#"identifier = {} ; servicepack_id = 12"#, "identifier", "Invalid account identifier", &[]);
    numbers_for(r, ACCOUNT, r#"identifier = "hostile.be" ; servicepack_id = {}"#, "servicepack_id", "Invalid servicepack id", &[]);
    for (value, detail) in [
        (r#""Abcd\u00001234""#, "U+0000"),
        (r#""Abcd\u001B1234""#, "U+001B"),
        (r#""Abcd\u200F1234""#, "U+200F"),
        (r#""Abcd1234\n""#, "U+000A"),
        (r#""""#, "8 to 20"),
        (r#"join("", [for i in range(1000) : "abcde12345"])"#, "8 to 20"),
    ] {
        r.push(row(Validate, ACCOUNT, format!(r#"identifier = "hostile.be" ; servicepack_id = 12 ; ftp_password = {value}"#), "ftp_password", "Invalid FTP password", detail));
        r.push(row(Validate, MAILBOX, format!(r#"email_address = "a@example.com" ; password = {value}"#), "password", "Invalid mailbox password", detail));
        r.push(row(Validate, DATABASE, format!(r#"account_id = 1001 ; name = "shop2" ; password = {value}"#), "password", "Invalid database password", detail));
        r.push(row(Validate, USER, format!(r#"database_name = "ID1001_shop" ; name = "u1" ; password = {value}"#), "password", "Invalid MySQL user password", detail));
    }
    // Mailboxes: the address is the path of every call.
    strings_for(r, MAILBOX, r#"email_address = {} ; password = "Mail4Secret9""#, "email_address", "Invalid e-mail address", &[]);
    for value in [r#""a%2F@example.com""#, r#""A%2F@Example.com""#, r#""../x@example.com""#, r#""a@example.com/..""#, r#""a@bücher.be""#, r#""ä@example.com""#] {
        r.push(row(Validate, MAILBOX, format!(r#"email_address = {value} ; password = "Mail4Secret9""#), "email_address", "Invalid e-mail address", "is not an e-mail address"));
    }
    numbers_for(r, MAILBOX, r#"email_address = "a@example.com" ; account_id = {} ; password = "Mail4Secret9""#, "account_id", "Invalid account id", &[]);
    // MySQL databases and users.
    strings_for(r, DATABASE, r#"account_id = 1001 ; name = {} ; password = "Db4Secret9""#, "name", "Invalid database name", &[]);
    numbers_for(r, DATABASE, r#"account_id = {} ; name = "shop2" ; password = "Db4Secret9""#, "account_id", "Invalid account id", &[]);
    strings_for(r, USER, r#"database_name = {} ; name = "u1" ; password = "User4Secret9""#, "database_name", "Invalid database name", &[]);
    strings_for(r, USER, r#"database_name = "ID1001_shop" ; name = {} ; password = "User4Secret9""#, "name", "Invalid MySQL user name", &[]);
    // Mail zone parts, domains, Linux hostings, SSH keys: the domain is a path segment.
    strings_for(r, ALIAS, r#"domain_name = {} ; email_address = "sales@example.com" ; destinations = ["info@example.com"]"#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, ALIAS, r#"domain_name = "example.com" ; email_address = {} ; destinations = ["info@example.com"]"#, "email_address", "Invalid alias address", &[]);
    strings_for(r, CATCH_ALL, r#"domain_name = {} ; email_address = "info@example.com""#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, SMTP, r#"domain_name = {} ; hostname = "mail.example.com""#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, SMTP, r#"domain_name = "example.com" ; hostname = {}"#, "hostname", "Invalid SMTP domain", &[]);
    strings_for(r, ANTISPAM, r#"domain_name = {} ; type = "basic""#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, DOMAIN, r#"domain_name = {}"#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, SUBSITE, r#"domain_name = {} ; name = "shop.example.com""#, "domain_name", "Invalid domain name", &[]);
    strings_for(r, SUBSITE, r#"domain_name = "example.com" ; name = {}"#, "name", "Invalid subsite name", &[]);
    strings_for(r, HOST_HEADER, r#"domain_name = "example.com" ; site_name = {} ; name = "alias.example.com""#, "site_name", "Invalid site name", &[]);
    strings_for(r, SSH_KEY, r#"domain_name = {} ; public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz e2e@hostile""#, "domain_name", "Invalid domain name", &[]);
    // Data sources whose argument is a path segment.
    strings_for(r, "data combell_mailboxes", "domain_name = {}", "domain_name", "Invalid domain name", &[]);
    strings_for(r, "data combell_mail_zone", "domain_name = {}", "domain_name", "Invalid domain name", &[]);
    strings_for(r, "data combell_domain", "domain_name = {}", "domain_name", "Invalid domain name", &[]);
    strings_for(r, "data combell_linux_hosting", "domain_name = {}", "domain_name", "Invalid domain name", &[]);
    strings_for(r, "data combell_windows_hosting", "domain_name = {}", "domain_name", "Invalid domain name", &[]);
    numbers_for(r, "data combell_mysql_databases", "account_id = {}", "account_id", "Invalid account id", &[]);
    for value in [r#""../accounts""#, r#""1001%2F..""#, r#""-1""#, r#""1.5""#, r#""""#] {
        r.push(row(Plan, "data combell_account", format!("id = {value}"), "id", "Unable to read combell_account", "is not a Combell account id"));
    }
    rows
}

/// The configuration of `rows` and, per row, the line its diagnostic must be on.
fn render(rows: &[&Row], provider_block: &str) -> (String, Vec<usize>) {
    let mut text = common::with_provider(provider_block);
    let mut expected_lines = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let name = format!("r{index}");
        text.push('\n');
        let mut line = text.lines().count() + 1;
        let header_line = line;
        let mut lines_of: BTreeMap<String, usize> = BTreeMap::new();
        let (kind, type_name) = row.kind.split_once(' ').unwrap();
        text.push_str(&format!("{kind} \"{type_name}\" \"{name}\" {{\n"));
        for body_line in row.body.split(" ; ").filter(|l| !l.is_empty()) {
            line += 1;
            let attribute = body_line.split('=').next().unwrap().trim().to_string();
            lines_of.insert(attribute, line);
            text.push_str(&format!("  {body_line}\n"));
        }
        text.push_str("}\n");
        expected_lines.push(lines_of.get(row.attribute).copied().unwrap_or(header_line));
    }
    (text, expected_lines)
}

fn diagnostics_of_validate(out: &common::TfOutput) -> Vec<Value> {
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("validate -json is not JSON ({e}):\n{out}"));
    report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn diagnostics_of_plan(out: &common::TfOutput) -> Vec<Value> {
    out.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["type"] == "diagnostic")
        .map(|m| m["diagnostic"].clone())
        .collect()
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The error of `row` among `diagnostics` (on its line, with its summary and detail).
fn find(row: &Row, line: usize, diagnostics: &[Value]) -> Option<usize> {
    diagnostics.iter().position(|d| {
        d["severity"] == "error"
            && d["summary"] == row.summary
            && d["detail"]
                .as_str()
                .is_some_and(|t| normalised(t).contains(row.detail))
            && d["range"]["start"]["line"].as_u64() == Some(line as u64)
    })
}

fn errors_on(line: usize, diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d["range"]["start"]["line"].as_u64() == Some(line as u64))
        .map(|d| format!("{} / {}", d["summary"], d["detail"]))
        .collect()
}

fn assert_no_writes(sim: &Sim) {
    let stats = sim.stats();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let n = stats["by_method"][method].as_u64().unwrap_or(0);
        assert_eq!(n, 0, "{method} reached the simulator: {stats}");
    }
}

#[test]
fn every_hostile_value_is_refused_where_the_table_says() {
    let all = rows();
    eprintln!("{} rows", all.len());
    let rows: Vec<&Row> = all.iter().collect();

    // Validate: every row of the table; those refused at validate must be reported there,
    // those refused at plan must not be.
    let (text, lines) = render(&rows, "");
    let tf = Tf::standalone();
    tf.write_config(&text);
    let out = tf.run(&["validate", "-json", "-no-color"]);
    let diagnostics = diagnostics_of_validate(&out);
    let mut failures = Vec::new();
    let mut used = vec![false; diagnostics.len()];
    for (index, (row, line)) in rows.iter().zip(&lines).enumerate() {
        let found = find(row, *line, &diagnostics);
        match (row.phase, found) {
            (Validate, Some(at)) => used[at] = true,
            (Plan, None) => {}
            (phase, _) => failures.push(format!(
                "r{index} ({} {:?} on {}): expected at {phase:?} {:?} with {:?}; validate said {:?}",
                row.kind,
                row.body,
                row.attribute,
                row.summary,
                row.detail,
                errors_on(*line, &diagnostics)
            )),
        }
    }
    // A hostile value may break several rules at once (an empty password is short and has
    // neither letter nor digit): every error on a refused attribute's line belongs to its row.
    let row_lines: Vec<u64> = rows
        .iter()
        .zip(&lines)
        .filter(|(row, _)| row.phase == Validate)
        .map(|(_, line)| *line as u64)
        .collect();
    for (d, used) in diagnostics.iter().zip(used) {
        let on_row_line = d["range"]["start"]["line"]
            .as_u64()
            .is_some_and(|l| row_lines.contains(&l));
        if !used && !on_row_line && d["severity"] == "error" {
            failures.push(format!("unexpected validate error: {d}"));
        }
    }

    // Plan: the rows refused at plan, against a simulator that must see no write.
    let sim = Sim::start();
    let plan_rows: Vec<&Row> = all.iter().filter(|r| r.phase == Plan).collect();
    let provider = format!(
        "  endpoint   = \"{}\"\n  api_key    = \"{}\"\n  api_secret = \"{}\"",
        sim.base_url(),
        sim.api_key(),
        sim.api_secret()
    );
    let (text, lines) = render(&plan_rows, &provider);
    let tf = Tf::standalone();
    tf.write_config(&text);
    let out = tf.run(&["plan", "-json", "-no-color", "-input=false"]);
    assert!(!out.success(), "the plan should fail:\n{out}");
    let diagnostics = diagnostics_of_plan(&out);
    for (row, line) in plan_rows.iter().zip(&lines) {
        if find(row, *line, &diagnostics).is_none() {
            failures.push(format!(
                "{} {:?} on {}: expected at plan {:?} with {:?}; plan said {:?}",
                row.kind,
                row.body,
                row.attribute,
                row.summary,
                row.detail,
                errors_on(*line, &diagnostics)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n  {}",
        failures.len(),
        all.len(),
        failures.join("\n  ")
    );
    assert_no_writes(&sim);
}

/// Malformed import IDs, by `import {}` blocks (all in one plan) and by the CLI (a few, one
/// run each): each is refused with the type's "Invalid import ID" and nothing is written.
#[test]
fn malformed_import_ids_are_refused() {
    // The resources the IDs are imported into, as `" ; "`-separated attribute lines.
    const RECORD: &str =
        r#"domain_name = "example.com" ; type = "A" ; record_name = "imp" ; content = "192.0.2.1""#;
    const ACCOUNT: &str = r#"identifier = "example.com" ; servicepack_id = 12"#;
    const MAILBOX: &str = r#"email_address = "info@example.com""#;
    const USER: &str = r#"database_name = "ID1001_shop" ; name = "u1""#;
    let ids: Vec<(&str, &str, &str)> = vec![
        ("combell_dns_record", "example.com", RECORD),
        ("combell_dns_record", "../example.com/1-1", RECORD),
        ("combell_dns_record", "example.com/..", RECORD),
        ("combell_dns_record", "example.com/1%2F..", RECORD),
        ("combell_dns_record", "exam ple.com/1-1", RECORD),
        ("combell_account", "../1001", ACCOUNT),
        ("combell_account", "1001.5", ACCOUNT),
        ("combell_account", "-1", ACCOUNT),
        ("combell_mailbox", "info%2F@example.com", MAILBOX),
        ("combell_mailbox", "../info@example.com", MAILBOX),
        (
            "combell_mysql_database",
            "ID1001_shop/..",
            r#"account_id = 1001 ; name = "shop""#,
        ),
        ("combell_mysql_user", "ID1001_shop/../x", USER),
        ("combell_mysql_user", "..%2F/u1", USER),
        (
            "combell_mail_alias",
            "example.com/../x@example.com",
            r#"domain_name = "example.com" ; email_address = "x@example.com" ; destinations = ["info@example.com"]"#,
        ),
        (
            "combell_linux_subsite",
            "example.com/..",
            r#"domain_name = "example.com" ; name = "shop.example.com""#,
        ),
        (
            "combell_ssh_key",
            "example.com/%2e%2e",
            r#"domain_name = "example.com" ; public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz e2e@hostile""#,
        ),
        (
            "combell_domain",
            "Example.com/..",
            r#"domain_name = "example.com""#,
        ),
    ];
    let sim = Sim::start();
    let mut text = common::terraform_block();
    for (index, (type_name, id, body)) in ids.iter().enumerate() {
        let body: String = body.split(" ; ").map(|l| format!("  {l}\n")).collect();
        text.push_str(&format!(
            "\nimport {{\n  to = {type_name}.i{index}\n  id = {}\n}}\n\nresource \"{type_name}\" \"i{index}\" {{\n{body}}}\n",
            serde_json::to_string(id).unwrap()
        ));
    }
    let tf = Tf::new(&sim);
    tf.write_config(&text);
    let out = tf.run(&["plan", "-json", "-no-color", "-input=false"]);
    assert!(!out.success(), "the plan should fail:\n{out}");
    let diagnostics = diagnostics_of_plan(&out);
    let mut failures = Vec::new();
    for (type_name, id, _) in &ids {
        let summary = format!("Invalid import ID for {type_name}");
        let quoted_id = id.replace('"', "\\\"");
        let id_literal = serde_json::to_string(id).unwrap();
        let found = diagnostics.iter().any(|d| {
            d["summary"] == summary.as_str()
                && (d["detail"]
                    .as_str()
                    .is_some_and(|t| t.to_lowercase().contains(&quoted_id.to_lowercase()))
                    || d["snippet"]["code"]
                        .as_str()
                        .is_some_and(|c| c.contains(&id_literal)))
        });
        if !found {
            failures.push(format!("import {{}} of {type_name} {id:?}: no {summary:?}"));
        }
    }
    let invalid_count = diagnostics
        .iter()
        .filter(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("Invalid import ID for"))
        })
        .count();
    if invalid_count < ids.len() {
        failures.push(format!(
            "{invalid_count} import ID errors for {} IDs: {diagnostics:?}",
            ids.len()
        ));
    }

    // The CLI, for a few of them.
    for index in [1usize, 3, 5, 8, 11] {
        let (type_name, id, _) = ids[index];
        let tf = Tf::new(&sim);
        let body: String = ids[index]
            .2
            .split(" ; ")
            .map(|l| format!("  {l}\n"))
            .collect();
        tf.write_config(&format!(
            "{}\nresource \"{type_name}\" \"x\" {{\n{body}}}\n",
            common::terraform_block()
        ));
        let out = tf.run(&[
            "import",
            "-no-color",
            "-input=false",
            &format!("{type_name}.x"),
            id,
        ]);
        let text = normalised(&out.text());
        if out.success() || !text.contains(&format!("Invalid import ID for {type_name}")) {
            failures.push(format!("terraform import {type_name} {id:?}:\n{out}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert_no_writes(&sim);
}

/// Values unknown at plan (an output known only after apply) are judged once known: the apply
/// stops before the resource's first write.
#[test]
fn values_unknown_at_plan_are_refused_before_any_write() {
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        (
            "combell_dns_record",
            r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1""#,
            "domain_name",
            r#""../example.com""#,
        ),
        (
            "combell_dns_record",
            r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1""#,
            "record_name",
            r#""bad name!""#,
        ),
        (
            "combell_dns_record",
            r#"domain_name = "example.com" ; type = "ALIAS" ; record_name = "" ; content = "a.example.com""#,
            "content",
            r#""-bad-.example.com""#,
        ),
        (
            "combell_dns_record",
            r#"domain_name = "example.com" ; type = "A" ; record_name = "www" ; content = "192.0.2.1""#,
            "ttl",
            "3600.5",
        ),
        (
            "combell_dns_record",
            r#"domain_name = "example.com" ; type = "SRV" ; service = "_sip" ; target = "sip.example.com" ; port = 5060"#,
            "target",
            r#""bad target!""#,
        ),
        (
            "combell_account",
            r#"identifier = "hostile.be" ; servicepack_id = 12"#,
            "ftp_password",
            r#""Abcd\u00001234""#,
        ),
        (
            "combell_account",
            r#"identifier = "hostile.be" ; servicepack_id = 12"#,
            "servicepack_id",
            "-1",
        ),
        (
            "combell_account",
            r#"identifier = "hostile.be" ; servicepack_id = 12"#,
            "identifier",
            r#""Hostile.be""#,
        ),
        (
            "combell_mailbox",
            r#"email_address = "a@example.com" ; password = "Mail4Secret9""#,
            "email_address",
            r#""a%2F@example.com""#,
        ),
        (
            "combell_mailbox",
            r#"email_address = "a@example.com" ; password = "Mail4Secret9""#,
            "password",
            r#""Abcd\u00001234""#,
        ),
        (
            "combell_mailbox",
            r#"email_address = "a@example.com" ; password = "Mail4Secret9" ; account_id = 1001"#,
            "account_id",
            "0.5",
        ),
        (
            "combell_mysql_database",
            r#"account_id = 1001 ; name = "shop2" ; password = "Db4Secret9""#,
            "name",
            r#""../x""#,
        ),
        (
            "combell_mysql_database",
            r#"account_id = 1001 ; name = "shop2" ; password = "Db4Secret9""#,
            "password",
            r#""Abcd\u00001234""#,
        ),
        (
            "combell_mysql_user",
            r#"database_name = "ID1001_shop" ; name = "u1" ; password = "User4Secret9""#,
            "database_name",
            r#""..""#,
        ),
        (
            "combell_mail_alias",
            r#"domain_name = "example.com" ; email_address = "sales@example.com" ; destinations = ["info@example.com"]"#,
            "domain_name",
            r#""example.com/..""#,
        ),
        (
            "combell_linux_subsite",
            r#"domain_name = "example.com" ; name = "shop.example.com""#,
            "name",
            r#""../x""#,
        ),
    ];
    let sim = Sim::start();
    let mut text = common::terraform_block();
    for (index, (type_name, body, attribute, value)) in cases.iter().enumerate() {
        text.push_str(&format!(
            "\nresource \"terraform_data\" \"v{index}\" {{\n  input = {value}\n}}\n\nresource \"{type_name}\" \"u{index}\" {{\n"
        ));
        for line in body.split(" ; ") {
            let name = line.split('=').next().unwrap().trim();
            if name != *attribute {
                text.push_str(&format!("  {line}\n"));
            }
        }
        text.push_str(&format!(
            "  {attribute} = terraform_data.v{index}.output\n}}\n"
        ));
    }
    let tf = Tf::new(&sim);
    tf.write_config(&text);
    // The plan passes: every hostile value is unknown then.
    let plan = tf.run(&["plan", "-no-color", "-input=false"]);
    assert!(plan.success(), "the plan should pass:\n{plan}");
    let out = tf.run(&[
        "apply",
        "-json",
        "-auto-approve",
        "-no-color",
        "-input=false",
    ]);
    assert!(!out.success(), "the apply should fail:\n{out}");
    let diagnostics = diagnostics_of_plan(&out);
    let mut failures = Vec::new();
    for (index, (type_name, _, attribute, value)) in cases.iter().enumerate() {
        let address = format!("{type_name}.u{index}");
        let found = diagnostics.iter().any(|d| {
            d["severity"] == "error"
                && d["address"].as_str().is_none_or(|a| a == address)
                && d["snippet"]["code"]
                    .as_str()
                    .is_some_and(|c| c.contains(&format!("terraform_data.v{index}.output")))
        });
        if !found {
            failures.push(format!(
                "{address}.{attribute} = {value}: no error on its line"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n  {}\n{diagnostics:#?}",
        failures.len(),
        failures.join("\n  ")
    );
    assert_no_writes(&sim);
}

/// Unicode host names reach the API as A-labels (the simulator, like Combell, refuses anything
/// else), the state keeps the configured spelling, and reading the A-labels back is no drift.
#[test]
fn unicode_host_names_are_sent_as_a_labels_without_drift() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    tf.write_config(&format!(
        r#"terraform {{
  required_providers {{
    combell = {{ source = "{}" }}
  }}
}}

resource "combell_dns_record" "cname" {{
  domain_name = "example.com"
  type        = "CNAME"
  record_name = "bücher"
  content     = "bücher.be"
}}

resource "combell_dns_record" "mx" {{
  domain_name = "example.com"
  type        = "MX"
  record_name = "idn"
  content     = "mail.bücher.be"
}}

resource "combell_dns_record" "srv" {{
  domain_name = "example.com"
  type        = "SRV"
  service     = "_sip"
  target      = "sip.bücher.be"
  port        = 5060
}}
"#,
        common::PROVIDER_SOURCE
    ));
    tf.apply();
    tf.assert_plan_empty();
    let cname = tf.expect_resource("combell_dns_record.cname");
    assert_eq!(cname["record_name"], "bücher");
    assert_eq!(cname["content"], "bücher.be");
    let mx = tf.expect_resource("combell_dns_record.mx");
    assert_eq!(mx["content"], "mail.bücher.be");
    let srv = tf.expect_resource("combell_dns_record.srv");
    assert_eq!(srv["target"], "sip.bücher.be");
    assert!(
        srv["content"]
            .as_str()
            .is_some_and(|c| c.ends_with("sip.xn--bcher-kva.be")),
        "{srv}"
    );
    tf.destroy();
}
