//! The plan-time rules of `combell_dns_record`: every check Combell makes of a record that can
//! be made before calling it, and the comparisons by meaning (`@` and `""`, `TCP` and `_tcp`,
//! host names without case or final dot) that the mapping and the plan share; and the record's
//! typed model, which they check (the resource's file builds on this one, not the other way).

use crate::core::rules::{self, HostRules};
use tfplugin::{Field, Number, Value};

tfplugin::model! {
    /// The state, plan or configuration of `combell_dns_record`. The numbers are [`Number`]s:
    /// validation names fractional and huge ones in its own words.
    pub struct DnsRecordModel {
        id: String,
        domain_name: String,
        r#type: String,
        record_name: String,
        content: String,
        ttl: Number,
        priority: Number,
        service: String,
        protocol: String,
        target: String,
        port: Number,
        weight: Number,
    }
}

/// A number field as a whole number: `None` when null, unknown, fractional or beyond i64.
pub(super) fn whole(field: &Field<Number>) -> Option<i64> {
    field.get().and_then(Number::as_i64)
}

/// A whole number as a field.
pub(super) fn number(value: Option<i64>) -> Field<Number> {
    Field::from_option(value.map(Number::Int))
}

/// Record contents compare by meaning for their type: addresses as addresses, host names as
/// host names, TXT with or without its quotes, TLSA without case.
pub(super) fn same_content(record_type: &str, a: &str, b: &str) -> bool {
    match record_type {
        "A" => match (
            a.parse::<std::net::Ipv4Addr>(),
            b.parse::<std::net::Ipv4Addr>(),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        },
        "AAAA" => match (
            a.parse::<std::net::Ipv6Addr>(),
            b.parse::<std::net::Ipv6Addr>(),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        },
        "CNAME" | "ALIAS" | "MX" => same_host(a, b),
        "TXT" => a == b || a.trim_matches('"') == b.trim_matches('"'),
        "TLSA" => a
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .eq(b.split_whitespace().map(str::to_ascii_lowercase)),
        _ => a == b,
    }
}

// ---- Plan-time rules ------------------------------------------------------------------------

/// Record types this resource can create. NS and SOA exist in zones but Combell refuses them on write.
/// The types whose name is configured (SRV derives its own): `""` is their default name.
pub(super) const NAMED_TYPES: [&str; 8] =
    ["A", "AAAA", "CNAME", "MX", "TXT", "ALIAS", "TLSA", "CAA"];
pub(crate) const WRITABLE_TYPES: [&str; 9] = [
    "A", "AAAA", "CNAME", "MX", "SRV", "TXT", "ALIAS", "TLSA", "CAA",
];
const TTL_RANGE: std::ops::RangeInclusive<i64> = 60..=86_400;
const PRIORITY_RANGE: std::ops::RangeInclusive<i64> = 1..=9_999;
pub(super) const DEFAULT_TTL: i64 = 3_600;
pub(super) const DEFAULT_PRIORITY: i64 = 10;
pub(super) const DEFAULT_WEIGHT: i64 = 0;

/// One problem found in a configuration: the attribute, a summary, a detail.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Problem {
    pub(super) attribute: &'static str,
    pub(super) summary: String,
    pub(super) detail: String,
}

fn problem(attribute: &'static str, summary: &str, detail: String) -> Problem {
    Problem {
        attribute,
        summary: summary.to_string(),
        detail,
    }
}

/// Every rule Combell applies to a record that can be checked before calling it. Unknown values
/// are skipped; all problems are collected, not just the first.
pub(super) fn validate_config(config: &DnsRecordModel) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(domain) = config.domain_name.known() {
        if let Err(why) = rules::host_name(domain, HostRules::ZONE) {
            problems.push(problem("domain_name", "Invalid domain name", why));
        }
    }
    // Fractional or beyond i64: `number_problems` reports it; no range rule can judge it.
    if let Some(ttl) = whole(&config.ttl) {
        if !TTL_RANGE.contains(&ttl) {
            problems.push(problem(
                "ttl",
                "TTL out of range",
                format!("Combell accepts a TTL from 60 to 86400 seconds; got {ttl}."),
            ));
        }
    }
    if let Some(name) = config.record_name.known() {
        if let Err(why) = check_record_name(name, config.domain_name.known().map(String::as_str)) {
            problems.push(problem("record_name", "Invalid record name", why));
        }
    }
    let record_type = match config.r#type.known() {
        Some(t) => t.as_str(),
        None => return problems,
    };
    if !WRITABLE_TYPES.contains(&record_type) {
        let hint = if WRITABLE_TYPES.contains(&record_type.to_ascii_uppercase().as_str()) {
            format!(
                " Write it in upper case: \"{}\".",
                record_type.to_ascii_uppercase()
            )
        } else if matches!(record_type, "NS" | "SOA") {
            " Combell manages a zone's NS and SOA records itself; they cannot be created."
                .to_string()
        } else {
            String::new()
        };
        problems.push(problem(
            "type",
            "Unsupported record type",
            format!(
                "The record type must be one of {}; got \"{record_type}\".{hint}",
                WRITABLE_TYPES.join(", ")
            ),
        ));
        return problems;
    }
    let srv_only: [(&'static str, bool); 5] = [
        ("service", config.service.is_null()),
        ("protocol", config.protocol.is_null()),
        ("target", config.target.is_null()),
        ("port", config.port.is_null()),
        ("weight", config.weight.is_null()),
    ];
    if record_type == "SRV" {
        validate_srv(config, &mut problems);
    } else {
        for (attribute, is_null) in srv_only {
            if !is_null {
                problems.push(problem(
                    attribute,
                    "Attribute applies only to SRV records",
                    format!("`{attribute}` is only used by SRV records; remove it from this {record_type} record."),
                ));
            }
        }
        if record_type != "MX" && !config.priority.is_null() {
            problems.push(problem(
                "priority",
                "Attribute applies only to MX and SRV records",
                format!("`priority` is only used by MX and SRV records; remove it from this {record_type} record."),
            ));
        }
        match &config.content {
            Field::Null => problems.push(problem(
                "content",
                "Missing record content",
                format!(
                    "A {record_type} record needs `content`: {}.",
                    content_hint(record_type)
                ),
            )),
            Field::Unknown => {}
            Field::Known(content) => {
                if let Err(why) = check_content(record_type, content) {
                    problems.push(problem("content", "Invalid record content", why));
                } else if let Err(why) = rules::record_data_length(record_type, content) {
                    problems.push(problem("content", "Record content too long", why));
                }
            }
        }
        if record_type == "CNAME" {
            if let Some(name) = config.record_name.known() {
                if is_apex(name) {
                    problems.push(problem(
                        "record_name",
                        "CNAME at the zone apex",
                        "DNS forbids a CNAME at the apex of a zone, beside its NS and SOA records. \
                         Use an ALIAS record for the apex instead."
                            .to_string(),
                    ));
                }
            }
        }
    }
    if let Some(priority) = whole(&config.priority) {
        if !PRIORITY_RANGE.contains(&priority) {
            problems.push(problem(
                "priority",
                "Priority out of range",
                format!("Combell accepts a priority from 1 to 9999 (lower is preferred); got {priority}."),
            ));
        }
    }
    problems
}

fn validate_srv(config: &DnsRecordModel, problems: &mut Vec<Problem>) {
    // Terraform before 1.14 generates configuration with every optional attribute of the
    // state, so the derived name and content are accepted as long as they are the derived ones.
    let derived_name = derived_srv_name(config);
    let name_is_derived = match (config.record_name.known(), &derived_name) {
        (Some(name), Some(derived)) => name.eq_ignore_ascii_case(derived),
        _ => false,
    };
    if !config.record_name.is_null() && !name_is_derived {
        let example = derived_name.as_deref().unwrap_or("_sip._tcp");
        problems.push(problem(
            "record_name",
            "record_name does not apply to SRV records",
            format!(
                "Combell derives an SRV record's name from `service` and `protocol` (`{example}`); \
                 remove `record_name`."
            ),
        ));
    }
    let derived_content = derived_srv_content(config);
    let content_is_derived = match (config.content.known(), &derived_content) {
        (Some(content), Some(derived)) => same_srv_content(content, derived),
        _ => false,
    };
    if !config.content.is_null() && !content_is_derived {
        let derived = derived_content
            .map(|c| format!(" (`{c}`)"))
            .unwrap_or_default();
        problems.push(problem(
            "content",
            "content does not apply to SRV records",
            format!(
                "Combell derives an SRV record's content from `weight`, `port` and `target`{derived}; \
                 remove `content`."
            ),
        ));
    }
    for (attribute, missing) in [
        ("service", config.service.is_null()),
        ("target", config.target.is_null()),
        ("port", config.port.is_null()),
    ] {
        if missing {
            problems.push(problem(
                attribute,
                "Missing SRV attribute",
                format!(
                    "An SRV record needs `service`, `target` and `port`; `{attribute}` is not set."
                ),
            ));
        }
    }
    if let Some(service) = config.service.known() {
        let bare = service.strip_prefix('_').unwrap_or(service);
        if bare.is_empty() || !bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            problems.push(problem(
                "service",
                "Invalid SRV service",
                format!("The service is a symbolic name such as `_sip` or `sip` (letters, digits, hyphens); got \"{service}\"."),
            ));
        }
    }
    if let Some(protocol) = config.protocol.known() {
        if canonical_protocol(protocol).is_none() {
            problems.push(problem(
                "protocol",
                "Invalid SRV protocol",
                format!("The protocol is TCP, UDP or TLS (`_tcp`, `_udp`, `_tls` are accepted too); got \"{protocol}\"."),
            ));
        }
    }
    if let Some(target) = config.target.known() {
        if let Err(why) = rules::host_name(target, HostRules::RECORD_DATA) {
            problems.push(problem("target", "Invalid SRV target", why));
        }
    }
    if let Some(port) = whole(&config.port) {
        if !(1..=65_535).contains(&port) {
            problems.push(problem(
                "port",
                "Port out of range",
                format!("An SRV port is from 1 to 65535; got {port}."),
            ));
        }
    }
    if let Some(weight) = whole(&config.weight) {
        if !(0..=65_535).contains(&weight) {
            problems.push(problem(
                "weight",
                "Weight out of range",
                format!("An SRV weight is from 0 to 65535; got {weight}."),
            ));
        }
    }
}

/// The name Combell gives an SRV record, `_service._protocol`; `None` while `service` or
/// `protocol` is unknown or invalid.
fn derived_srv_name(config: &DnsRecordModel) -> Option<String> {
    let service = config.service.known()?;
    let protocol = match &config.protocol {
        Field::Null => "_tcp",
        Field::Known(p) => canonical_protocol(p)?,
        Field::Unknown => return None,
    };
    Some(format!("{}.{protocol}", canonical_service(service)))
}

/// The content Combell gives an SRV record, `weight port target`; `None` while any of them
/// is unknown.
fn derived_srv_content(config: &DnsRecordModel) -> Option<String> {
    let weight = if config.weight.is_null() {
        DEFAULT_WEIGHT
    } else {
        whole(&config.weight)?
    };
    let port = whole(&config.port)?;
    let target = config.target.known()?;
    Some(format!("{weight} {port} {}", ascii_host(target)))
}

/// SRV contents compare by meaning: the same numbers, the same target host.
pub(super) fn same_srv_content(a: &str, b: &str) -> bool {
    let parts = |s: &str| -> Option<(i64, i64, String)> {
        let mut it = s.split_whitespace();
        let weight = it.next()?.parse().ok()?;
        let port = it.next()?.parse().ok()?;
        let target = it.next()?.to_string();
        it.next().is_none().then_some((weight, port, target))
    };
    match (parts(a), parts(b)) {
        (Some((wa, pa, ta)), Some((wb, pb, tb))) => wa == wb && pa == pb && same_host(&ta, &tb),
        _ => a == b,
    }
}

fn content_hint(record_type: &str) -> &'static str {
    match record_type {
        "A" => "an IPv4 address such as 192.0.2.10",
        "AAAA" => "an IPv6 address such as 2001:db8::10",
        "CNAME" | "ALIAS" => "the canonical host name, such as www.example.net",
        "MX" => "the mail host name, such as mail.example.com",
        "TXT" => "free text, such as an SPF policy",
        "TLSA" => "\"usage selector matching_type data\", such as \"3 1 1 0123…ef\"",
        "CAA" => "\"flags tag value\", such as 0 issue \"letsencrypt.org\"",
        _ => "the record's data",
    }
}

fn check_content(record_type: &str, content: &str) -> Result<(), String> {
    match record_type {
        "A" => content
            .parse::<std::net::Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| format!("An A record's content is an IPv4 address such as 192.0.2.10; got \"{content}\".")),
        "AAAA" => content
            .parse::<std::net::Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| format!("An AAAA record's content is an IPv6 address such as 2001:db8::10; got \"{content}\".")),
        "CNAME" | "ALIAS" | "MX" => rules::host_name(content, HostRules::RECORD_DATA).map(|_| ()),
        "TXT" => {
            if content.is_empty() {
                Err("A TXT record's content cannot be empty.".to_string())
            } else {
                rules::no_invisible_characters(content, "A TXT record's content")
            }
        }
        "TLSA" => check_tlsa(content),
        "CAA" => check_caa(content),
        _ => Ok(()),
    }
}

fn check_tlsa(content: &str) -> Result<(), String> {
    let parts: Vec<&str> = content.split_whitespace().collect();
    let bad = || {
        format!(
            "A TLSA record's content is \"usage selector matching_type data\": usage 0-3, selector 0-1, \
             matching type 0-2, data in hexadecimal; got \"{content}\"."
        )
    };
    if parts.len() != 4 {
        return Err(bad());
    }
    let in_range = |s: &str, max: u8| s.parse::<u8>().is_ok_and(|n| n <= max);
    if !in_range(parts[0], 3) || !in_range(parts[1], 1) || !in_range(parts[2], 2) {
        return Err(bad());
    }
    if parts[3].is_empty() || !parts[3].chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok(())
}

fn check_caa(content: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "A CAA record's content is `flags tag \"value\"` with flags 0-255 and tag issue, issuewild or \
             iodef, such as 0 issue \"letsencrypt.org\"; got '{content}'."
        )
    };
    let mut parts = content.splitn(3, ' ');
    let (flags, tag, value) = match (parts.next(), parts.next(), parts.next()) {
        (Some(f), Some(t), Some(v)) => (f, t, v),
        _ => return Err(bad()),
    };
    if flags.parse::<u8>().is_err()
        || !matches!(tag, "issue" | "issuewild" | "iodef")
        || value.trim().is_empty()
    {
        return Err(bad());
    }
    Ok(())
}

/// A record name is relative to its zone: `""` or `@` is the apex, `www` is `www.<zone>`.
fn check_record_name(name: &str, domain: Option<&str>) -> Result<(), String> {
    if is_apex(name) {
        return Ok(());
    }
    if let Some(domain) = domain {
        let lower = name.to_ascii_lowercase();
        let zone = domain.to_ascii_lowercase();
        if lower == zone
            || lower.ends_with(&format!(".{zone}"))
            || lower.ends_with(&format!(".{zone}."))
        {
            return Err(format!(
                "The record name is relative to the zone: write \"{}\" rather than \"{name}\" \
                 (Combell would create {name}.{domain}).",
                relative_hint(&lower, &zone)
            ));
        }
    }
    rules::host_name(name, HostRules::RECORD_NAME)
        .map(|_| ())
        .map_err(|why| {
            format!(
                "{why} A record name is relative to its zone: dot-separated labels of letters, \
             digits, hyphens and underscores, or \"\" (or \"@\") for the zone apex."
            )
        })
}

fn relative_hint(name: &str, zone: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name);
    match name
        .strip_suffix(zone)
        .map(|rest| rest.trim_end_matches('.'))
    {
        Some("") | None => "@".to_string(),
        Some(rest) => rest.to_string(),
    }
}

fn is_apex(name: &str) -> bool {
    name.is_empty() || name == "@"
}

/// `TCP`, `tcp` and `_tcp` are the same protocol; Combell answers `_tcp`.
pub(super) fn canonical_protocol(protocol: &str) -> Option<&'static str> {
    match protocol
        .trim_start_matches('_')
        .to_ascii_lowercase()
        .as_str()
    {
        "tcp" => Some("_tcp"),
        "udp" => Some("_udp"),
        "tls" => Some("_tls"),
        _ => None,
    }
}

/// `sip` and `_sip` are the same service; Combell answers `_sip`.
pub(super) fn canonical_service(service: &str) -> String {
    format!("_{}", service.trim_start_matches('_').to_ascii_lowercase())
}

/// Names and host names compare without case and without a trailing dot, and a Unicode name
/// is its A-label spelling (`bücher` is `xn--bcher-kva`).
pub(super) fn same_host(a: &str, b: &str) -> bool {
    rules::same_host_name(a, b)
}

pub(super) fn same_record_name(a: &str, b: &str) -> bool {
    let a = if a == "@" { "" } else { a };
    let b = if b == "@" { "" } else { b };
    rules::same_host_name(a, b)
}

/// Record types whose content is a host name.
pub(super) const HOST_CONTENT: [&str; 3] = ["CNAME", "ALIAS", "MX"];

/// A host name as sent to Combell: Unicode labels as IDNA A-labels. Validation has refused
/// names that cannot be converted; should one get here, it is sent as written and Combell
/// judges it.
pub(super) fn ascii_host(name: &str) -> String {
    rules::to_ascii(name).unwrap_or_else(|| name.to_string())
}

/// Numbers that are fractional or too large for any range: named as such, with the range.
pub(super) fn number_problems(config: &DnsRecordModel) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (attribute, field, range, what, summary) in [
        ("ttl", &config.ttl, TTL_RANGE, "A TTL", "TTL out of range"),
        (
            "priority",
            &config.priority,
            PRIORITY_RANGE,
            "A priority",
            "Priority out of range",
        ),
        (
            "port",
            &config.port,
            1..=65_535,
            "An SRV port",
            "Port out of range",
        ),
        (
            "weight",
            &config.weight,
            0..=65_535,
            "An SRV weight",
            "Weight out of range",
        ),
    ] {
        let Some(value) = field.get().filter(|n| n.as_i64().is_none()) else {
            continue;
        };
        if let Err(detail) = rules::whole_number_in(&Value::Number(value), range, what, "") {
            problems.push(problem(attribute, summary, detail));
        }
    }
    problems
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use tfplugin::Model;

    pub(crate) fn text(s: &str) -> Field<String> {
        s.to_string().into()
    }

    /// A configuration (or plan) with the attributes of `pairs`, every other one null.
    pub(crate) fn config(pairs: &[(&str, Value)]) -> DnsRecordModel {
        let names = DnsRecordModel::attribute_names();
        for (k, _) in pairs {
            assert!(names.contains(k), "no attribute {k}");
        }
        let value = Value::object(names.into_iter().map(|name| {
            let given = pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone());
            (name, given.unwrap_or(Value::Null))
        }));
        DnsRecordModel {
            id: Field::Null,
            ..DnsRecordModel::decode(&value).unwrap()
        }
    }

    #[test]
    fn fractional_and_huge_numbers_are_named() {
        let cfg = config(&[
            ("domain_name", "example.com".into()),
            ("type", "SRV".into()),
            ("service", "_sip".into()),
            ("target", "sip.example.com".into()),
            ("port", 1e30f64.into()),
            ("ttl", 3600.5f64.into()),
            ("weight", 0.5f64.into()),
        ]);
        let problems = number_problems(&cfg);
        let details: Vec<&str> = problems.iter().map(|p| p.detail.as_str()).collect();
        assert_eq!(problems.len(), 3, "{details:?}");
        assert!(details.iter().all(|d| !d.contains("9223372036854775808")));
        assert!(details[0].contains("got 3600.5, which is not a whole number"));
        assert!(details[1].contains("got 1e30"));
        assert!(details[2].contains("got 0.5, which is not a whole number"));
        // The range rules leave such values to these messages: one problem each.
        assert!(validate_config(&cfg).is_empty());
    }

    pub(crate) fn problems_for(pairs: &[(&str, Value)]) -> Vec<(&'static str, String)> {
        validate_config(&config(pairs))
            .into_iter()
            .map(|p| (p.attribute, p.summary))
            .collect()
    }

    pub(crate) fn a_record() -> Vec<(&'static str, Value)> {
        vec![
            ("domain_name", "example.com".into()),
            ("type", "A".into()),
            ("record_name", "www".into()),
            ("content", "192.0.2.10".into()),
        ]
    }

    pub(crate) fn with(
        mut base: Vec<(&'static str, Value)>,
        key: &'static str,
        v: Value,
    ) -> Vec<(&'static str, Value)> {
        base.retain(|(k, _)| *k != key);
        base.push((key, v));
        base
    }

    pub(crate) fn srv_record() -> Vec<(&'static str, Value)> {
        vec![
            ("domain_name", "example.com".into()),
            ("type", "SRV".into()),
            ("service", "_sip".into()),
            ("protocol", "TCP".into()),
            ("target", "sip.example.com".into()),
            ("port", 5060i64.into()),
        ]
    }

    #[test]
    fn a_valid_record_has_no_problems() {
        assert!(problems_for(&a_record()).is_empty());
        assert!(problems_for(&srv_record()).is_empty());
    }

    #[test]
    fn every_rule_reports_on_its_attribute() {
        let cases: Vec<(Vec<(&'static str, Value)>, &str)> = vec![
            (with(a_record(), "ttl", 59i64.into()), "ttl"),
            (with(a_record(), "ttl", 86_401i64.into()), "ttl"),
            (with(a_record(), "type", "a".into()), "type"),
            (with(a_record(), "type", "NS".into()), "type"),
            (with(a_record(), "content", "not-an-ip".into()), "content"),
            (with(a_record(), "content", Value::Null), "content"),
            (with(a_record(), "priority", 10i64.into()), "priority"),
            (with(a_record(), "port", 80i64.into()), "port"),
            (with(a_record(), "weight", 1i64.into()), "weight"),
            (
                with(a_record(), "record_name", "www.example.com".into()),
                "record_name",
            ),
            (
                with(a_record(), "record_name", "bad name".into()),
                "record_name",
            ),
            (
                with(a_record(), "domain_name", "not a domain".into()),
                "domain_name",
            ),
            (
                with(
                    with(a_record(), "type", "AAAA".into()),
                    "content",
                    "192.0.2.1".into(),
                ),
                "content",
            ),
            (
                with(
                    with(a_record(), "type", "CNAME".into()),
                    "record_name",
                    "".into(),
                ),
                "record_name",
            ),
            (
                with(
                    with(a_record(), "type", "MX".into()),
                    "priority",
                    0i64.into(),
                ),
                "priority",
            ),
            (
                with(
                    with(a_record(), "type", "MX".into()),
                    "priority",
                    10_000i64.into(),
                ),
                "priority",
            ),
            (
                with(
                    with(a_record(), "type", "TLSA".into()),
                    "content",
                    "3 1 1 zz".into(),
                ),
                "content",
            ),
            (
                with(
                    with(a_record(), "type", "CAA".into()),
                    "content",
                    "0 issue".into(),
                ),
                "content",
            ),
            (
                with(with(a_record(), "type", "TXT".into()), "content", "".into()),
                "content",
            ),
            (
                with(srv_record(), "record_name", "_xmpp._tcp".into()),
                "record_name",
            ),
            (
                with(srv_record(), "content", "0 5061 sip.example.com".into()),
                "content",
            ),
            (with(srv_record(), "service", Value::Null), "service"),
            (with(srv_record(), "service", "s i p".into()), "service"),
            (with(srv_record(), "target", Value::Null), "target"),
            (with(srv_record(), "port", Value::Null), "port"),
            (with(srv_record(), "port", 70_000i64.into()), "port"),
            (with(srv_record(), "protocol", "SCTP".into()), "protocol"),
            (with(srv_record(), "weight", (-1i64).into()), "weight"),
        ];
        for (case, attribute) in cases {
            let problems = problems_for(&case);
            assert!(
                problems.iter().any(|(a, _)| *a == attribute),
                "expected a problem on {attribute} for {case:?}, got {problems:?}"
            );
        }
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let case = with(
            with(a_record(), "content", Value::Unknown),
            "type",
            Value::Unknown,
        );
        assert!(problems_for(&case).is_empty());
        let case = with(a_record(), "ttl", Value::Unknown);
        assert!(problems_for(&case).is_empty());
    }

    #[test]
    fn all_problems_are_collected() {
        let case = with(with(a_record(), "ttl", 1i64.into()), "content", "x".into());
        assert_eq!(problems_for(&case).len(), 2);
    }

    #[test]
    fn the_derived_srv_name_and_content_are_accepted_and_nothing_else() {
        let derived = with(
            with(srv_record(), "record_name", "_sip._tcp".into()),
            "content",
            "0 5060 SIP.example.com.".into(),
        );
        assert!(
            problems_for(&derived).is_empty(),
            "{:?}",
            problems_for(&derived)
        );
        let udp = with(
            with(srv_record(), "protocol", "UDP".into()),
            "record_name",
            "_sip._udp".into(),
        );
        assert!(problems_for(&udp).is_empty());
        for (attribute, value) in [
            ("record_name", "_sip._udp"),
            ("record_name", "www"),
            ("content", "1 5060 sip.example.com"),
            ("content", "0 5060 other.example.com"),
            ("content", "0 5060"),
        ] {
            let problems = problems_for(&with(srv_record(), attribute, value.into()));
            assert_eq!(problems.len(), 1, "{attribute} = {value}: {problems:?}");
            assert_eq!(problems[0].0, attribute);
        }
        // Not derivable while an input is unknown: refused as before.
        let unknown_port = with(
            with(srv_record(), "port", Value::Unknown),
            "content",
            "0 5060 sip.example.com".into(),
        );
        assert_eq!(problems_for(&unknown_port).len(), 1);
    }
}
