//! DNS records of a zone: list (paged; `type`, `record_name`, `service` filters), create
//! (synchronous 201 + `Location`), read, replace (200, no body, same id) and delete (204).
//!
//! Faithful to what FIELD-NOTES.md records of Combell: ids `1-` + 10 digits; every field on every
//! read, null where it does not apply; `priority` null for A/TXT/ALIAS/TLSA but 0 for
//! AAAA/CNAME/CAA; apex as `""` (`@` accepted on input); names stored lower-case; SRV names built
//! from service and protocol (`_sip._tcp`) with content `weight port target`; no `*` on create;
//! NS and SOA visible but not writable; SRV service/target/protocol/port not editable.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{
    answer, created, empty, json, no_content, param, path_or_404, PathArg, QueryArg,
};
pub use crate::names::is_host_name;
use crate::names::label_ok;
use crate::paging::paged;
use crate::shared::Shared;
use crate::state::dns::zone_apex_records;
pub use crate::state::dns::{DnsRecord, DEFAULT_PRIORITY, DEFAULT_TTL, NAME_SERVERS};
use crate::state::{SimState, Zone};

/// A record as a client sends it: any field may be missing or null; unknown fields are dropped.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DnsRecordInput {
    #[serde(rename = "type")]
    pub record_type: Option<String>,
    pub record_name: Option<String>,
    pub ttl: Option<i64>,
    pub content: Option<String>,
    pub service: Option<String>,
    pub target: Option<String>,
    pub protocol: Option<String>,
    pub priority: Option<i64>,
    pub port: Option<i64>,
    pub weight: Option<i64>,
}

/// Filters of the list; `record_name` and `service` only count together with a matching `type`.
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub record_type: Option<String>,
    pub record_name: Option<String>,
    pub service: Option<String>,
}

const WRITABLE_TYPES: [&str; 9] = [
    "A", "AAAA", "CNAME", "MX", "SRV", "TXT", "ALIAS", "TLSA", "CAA",
];
const NAME_FILTER_TYPES: [&str; 5] = ["A", "CNAME", "TXT", "ALIAS", "TLSA"];

/// `@` and empty both mean the apex, which reads back as `""`; names are kept lower-case.
pub fn normalise_record_name(raw: Option<&str>) -> String {
    let name = raw.unwrap_or("").trim().to_ascii_lowercase();
    if name == "@" {
        String::new()
    } else {
        name
    }
}

/// `sip` and `_sip` are the same service; reads show `_sip`.
pub fn normalise_service(raw: &str) -> String {
    format!(
        "_{}",
        raw.trim().trim_start_matches('_').to_ascii_lowercase()
    )
}

/// `TCP`, `tcp` and `_tcp` are the same protocol; reads show `_tcp`.
pub fn normalise_protocol(raw: Option<&str>) -> String {
    let raw = raw
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("TCP");
    format!("_{}", raw.trim_start_matches('_').to_ascii_lowercase())
}

/// RDLENGTH is 16 bits: no record holds more data than this.
const MAX_RECORD_DATA: usize = 65_535;

/// The octets `content` takes as record data: TXT text is split into strings of at most 255
/// octets, each preceded by its length.
fn record_data_octets(kind: &str, content: &str) -> usize {
    if kind == "TXT" {
        content.len() + content.len().div_ceil(255).max(1)
    } else {
        content.len()
    }
}

/// What the priority reads back as for a type that has none of its own (as observed).
fn fixed_priority(record_type: &str) -> Option<i64> {
    match record_type {
        "AAAA" | "CNAME" | "CAA" => Some(0),
        _ => None,
    }
}

fn check_record_name(name: &str) -> Result<(), ErrorMessage> {
    if name.contains('*') {
        return Err(ErrorMessage::new(
            "dns_invalid_record_name",
            "Wildcard record names cannot be created through the API.",
        ));
    }
    if name.is_empty() {
        return Ok(());
    }
    if name.len() > 253 || !name.split('.').all(|l| label_ok(l, false)) {
        return Err(ErrorMessage::new(
            "dns_invalid_record_name",
            format!("'{name}' is not a valid record name."),
        ));
    }
    Ok(())
}

fn check_tlsa(content: &str) -> bool {
    let parts: Vec<&str> = content.split_whitespace().collect();
    let [usage, selector, matching, data] = parts.as_slice() else {
        return false;
    };
    let within = |text: &str, max: u8| text.parse::<u8>().is_ok_and(|n| n <= max);
    within(usage, 3)
        && within(selector, 1)
        && within(matching, 2)
        && data.len() % 2 == 0
        && data.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_caa(content: &str) -> bool {
    let mut parts = content.trim().splitn(3, char::is_whitespace);
    let (Some(flags), Some(tag), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let value = value.trim();
    flags.parse::<u8>().is_ok()
        && !tag.is_empty()
        && tag.bytes().all(|b| b.is_ascii_alphanumeric())
        && value.len() >= 2
        && value.starts_with('"')
        && value.ends_with('"')
}

fn in_range(
    value: Option<i64>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    code: &str,
    what: &str,
    errors: &mut Vec<ErrorMessage>,
) -> i64 {
    match value {
        None => default,
        Some(v) if range.contains(&v) => v,
        Some(v) => {
            errors.push(ErrorMessage::new(
                code,
                format!(
                    "{what} must be between {} and {}, not {v}.",
                    range.start(),
                    range.end()
                ),
            ));
            default
        }
    }
}

/// Turns input into the record Combell would store, collecting every problem. `existing` is the
/// record a PUT replaces: its name may keep a `*`, and its SRV identity may not change.
pub fn validate(
    input: &DnsRecordInput,
    existing: Option<&DnsRecord>,
) -> Result<DnsRecord, Vec<ErrorMessage>> {
    let record_type = input
        .record_type
        .as_deref()
        .map(|t| t.trim().to_ascii_uppercase())
        .unwrap_or_default();
    if record_type.is_empty() {
        return Err(vec![ErrorMessage::new(
            "dns_record_type_required",
            "The record type is required.",
        )]);
    }
    if !WRITABLE_TYPES.contains(&record_type.as_str()) {
        return Err(vec![ErrorMessage::new(
            "dns_record_type_invalid",
            format!(
                "Records of type '{record_type}' cannot be written; use one of {}.",
                WRITABLE_TYPES.join(", ")
            ),
        )]);
    }
    let mut errors = Vec::new();
    if let Some(old) = existing {
        if old.record_type != record_type {
            errors.push(ErrorMessage::new(
                "dns_record_type_not_editable",
                "The type of a record cannot be changed; create a new record instead.",
            ));
        }
    }
    let ttl = in_range(
        input.ttl,
        DEFAULT_TTL,
        60..=86400,
        "dns_invalid_ttl",
        "ttl",
        &mut errors,
    );
    let mut record = DnsRecord {
        id: existing.map(|r| r.id.clone()).unwrap_or_default(),
        record_type: record_type.clone(),
        record_name: String::new(),
        ttl,
        content: String::new(),
        service: None,
        target: None,
        protocol: None,
        priority: fixed_priority(&record_type),
        port: None,
        weight: None,
    };
    if record_type == "SRV" {
        fill_srv(input, existing, &mut record, &mut errors);
    } else {
        fill_plain(input, existing, &mut record, &mut errors);
    }
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(errors)
    }
}

fn fill_plain(
    input: &DnsRecordInput,
    existing: Option<&DnsRecord>,
    record: &mut DnsRecord,
    errors: &mut Vec<ErrorMessage>,
) {
    let name = normalise_record_name(input.record_name.as_deref());
    // A name read back from Combell is never refused again, however odd it looks.
    if existing.is_none_or(|old| old.record_name != name) {
        if let Err(e) = check_record_name(&name) {
            errors.push(e);
        }
    }
    record.record_name = name;

    let content = input.content.clone().unwrap_or_default();
    let kind = record.record_type.as_str();
    if content.trim().is_empty() {
        errors.push(ErrorMessage::new(
            "dns_content_required",
            format!("A {kind} record needs content."),
        ));
    } else {
        let problem = match kind {
            "A" if content.parse::<Ipv4Addr>().is_err() => Some("an IPv4 address"),
            "AAAA" if content.parse::<Ipv6Addr>().is_err() => Some("an IPv6 address"),
            "CNAME" | "MX" | "ALIAS" if !is_host_name(&content) => Some("a host name"),
            "TLSA" if !check_tlsa(&content) => {
                Some("'usage selector matching_type data' (e.g. '3 1 1 <hex>')")
            }
            "CAA" if !check_caa(&content) => {
                Some("'flags tag \"value\"' (e.g. '0 issue \"letsencrypt.org\"')")
            }
            _ => None,
        };
        if let Some(expected) = problem {
            errors.push(ErrorMessage::new(
                "dns_invalid_content",
                format!("The content of a {kind} record must be {expected}, not '{content}'."),
            ));
        } else if record_data_octets(kind, &content) > MAX_RECORD_DATA {
            errors.push(ErrorMessage::new(
                "dns_invalid_content",
                format!(
                    "The content of a {kind} record cannot exceed {MAX_RECORD_DATA} octets of \
                     record data."
                ),
            ));
        }
    }
    record.content = content;
    if kind == "MX" {
        record.priority = Some(in_range(
            input.priority,
            DEFAULT_PRIORITY,
            1..=9999,
            "dns_invalid_priority",
            "priority",
            errors,
        ));
    }
}

fn fill_srv(
    input: &DnsRecordInput,
    existing: Option<&DnsRecord>,
    record: &mut DnsRecord,
    errors: &mut Vec<ErrorMessage>,
) {
    let service = match input.service.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(ErrorMessage::new(
                "dns_service_required",
                "An SRV record needs a service (e.g. _sip).",
            ));
            String::new()
        }
        Some(raw) => {
            let service = normalise_service(raw);
            if !label_ok(&service[1..], false) || service[1..].contains('_') {
                errors.push(ErrorMessage::new(
                    "dns_invalid_service",
                    format!("'{raw}' is not a valid service name."),
                ));
            }
            service
        }
    };
    let protocol = normalise_protocol(input.protocol.as_deref());
    if !["_tcp", "_udp", "_tls"].contains(&protocol.as_str()) {
        errors.push(ErrorMessage::new(
            "dns_invalid_protocol",
            format!("'{}' is not a protocol; use TCP or UDP.", &protocol[1..]),
        ));
    }
    let target = input.target.clone().unwrap_or_default();
    if target.trim().is_empty() {
        errors.push(ErrorMessage::new(
            "dns_target_required",
            "An SRV record needs a target host name.",
        ));
    } else if !is_host_name(&target) {
        errors.push(ErrorMessage::new(
            "dns_invalid_target",
            format!("'{target}' is not a host name."),
        ));
    }
    let port = match input.port {
        None => {
            errors.push(ErrorMessage::new(
                "dns_port_required",
                "An SRV record needs a port.",
            ));
            0
        }
        Some(p) => in_range(Some(p), 0, 1..=65535, "dns_invalid_port", "port", errors),
    };
    let priority = in_range(
        input.priority,
        DEFAULT_PRIORITY,
        1..=9999,
        "dns_invalid_priority",
        "priority",
        errors,
    );
    let weight = in_range(
        input.weight,
        0,
        0..=65535,
        "dns_invalid_weight",
        "weight",
        errors,
    );
    if let Some(old) = existing {
        let mut changed = Vec::new();
        if old.service.as_deref() != Some(service.as_str()) {
            changed.push("service");
        }
        if old.protocol.as_deref() != Some(protocol.as_str()) {
            changed.push("protocol");
        }
        if old.target.as_deref() != Some(target.as_str()) {
            changed.push("target");
        }
        if old.port != Some(port) {
            changed.push("port");
        }
        if !changed.is_empty() {
            errors.push(ErrorMessage::new(
                "dns_srv_field_not_editable",
                format!(
                    "The {} of an SRV record cannot be changed; add a new SRV record and delete this one.",
                    changed.join(", ")
                ),
            ));
        }
    }
    record.record_name = format!("{service}.{protocol}");
    record.content = format!("{weight} {port} {target}");
    record.service = Some(service);
    record.protocol = Some(protocol);
    record.target = Some(target);
    record.port = Some(port);
    record.priority = Some(priority);
    record.weight = Some(weight);
}

fn zone_not_found(domain: &str) -> ApiError {
    ApiError::not_found(
        "dns_zone_not_found",
        format!("There is no DNS zone for '{domain}'."),
    )
}

fn record_not_found(domain: &str, id: &str) -> ApiError {
    ApiError::not_found(
        "dns_record_not_found",
        format!("Record '{id}' does not exist in the zone of '{domain}'."),
    )
}

impl SimState {
    fn zone(&self, domain: &str) -> Result<&Zone, ApiError> {
        self.zones
            .get(&domain.trim().to_ascii_lowercase())
            .ok_or_else(|| zone_not_found(domain))
    }

    fn zone_mut(&mut self, domain: &str) -> Result<&mut Zone, ApiError> {
        self.zones
            .get_mut(&domain.trim().to_ascii_lowercase())
            .ok_or_else(|| zone_not_found(domain))
    }

    fn new_record_id(&self) -> String {
        loop {
            let id = format!("1-{:010}", rand::random_range(0..10_000_000_000u64));
            let taken = self
                .zones
                .values()
                .any(|z| z.records.iter().any(|r| r.id == id));
            if !taken {
                return id;
            }
        }
    }

    /// NS and SOA for a zone made by an account's job.
    pub(crate) fn new_zone_records(&self) -> Vec<DnsRecord> {
        let mut ids: Vec<String> = Vec::new();
        while ids.len() < 3 {
            let id = self.new_record_id();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let [a, b, c]: [String; 3] = match ids.try_into() {
            Ok(ids) => ids,
            Err(_) => return Vec::new(),
        };
        zone_apex_records([a, b, c])
    }

    pub fn list_records(
        &self,
        domain: &str,
        filter: &RecordFilter,
    ) -> Result<Vec<DnsRecord>, ApiError> {
        let zone = self.zone(domain)?;
        let wanted_type = filter.record_type.as_deref().map(str::to_ascii_uppercase);
        let name = wanted_type
            .as_deref()
            .filter(|t| NAME_FILTER_TYPES.contains(t))
            .and(filter.record_name.as_deref())
            .map(|n| normalise_record_name(Some(n)));
        let service = wanted_type
            .as_deref()
            .filter(|t| *t == "SRV")
            .and(filter.service.as_deref())
            .map(normalise_service);
        Ok(zone
            .records
            .iter()
            .filter(|r| wanted_type.as_ref().is_none_or(|t| &r.record_type == t))
            .filter(|r| name.as_ref().is_none_or(|n| &r.record_name == n))
            .filter(|r| service.is_none() || r.service == service)
            .cloned()
            .collect())
    }

    pub fn get_record(&self, domain: &str, id: &str) -> Result<DnsRecord, ApiError> {
        self.zone(domain)?
            .records
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| record_not_found(domain, id))
    }

    /// Returns the new record's id.
    pub fn create_record(
        &mut self,
        domain: &str,
        input: &DnsRecordInput,
    ) -> Result<String, ApiError> {
        self.zone(domain)?;
        let mut record = validate(input, None).map_err(ApiError::Validation)?;
        record.id = self.new_record_id();
        let id = record.id.clone();
        self.zone_mut(domain)?.records.push(record);
        Ok(id)
    }

    /// Full replacement in place: the id and the position in the list stay.
    pub fn update_record(
        &mut self,
        domain: &str,
        id: &str,
        input: &DnsRecordInput,
    ) -> Result<(), ApiError> {
        let existing = self.get_record(domain, id)?;
        let record = validate(input, Some(&existing)).map_err(ApiError::Validation)?;
        let zone = self.zone_mut(domain)?;
        match zone.records.iter_mut().find(|r| r.id == id) {
            Some(slot) => {
                *slot = record;
                Ok(())
            }
            None => Err(record_not_found(domain, id)),
        }
    }

    /// Gives the record `id` a new id, keeping its place in the list (`--dns-put-renumbers`).
    pub fn renumber_record(&mut self, domain: &str, id: &str) -> Result<String, ApiError> {
        let new_id = self.new_record_id();
        let zone = self.zone_mut(domain)?;
        match zone.records.iter_mut().find(|r| r.id == id) {
            Some(slot) => {
                slot.id = new_id.clone();
                Ok(new_id)
            }
            None => Err(record_not_found(domain, id)),
        }
    }

    pub fn delete_record(&mut self, domain: &str, id: &str) -> Result<(), ApiError> {
        let existing = self.get_record(domain, id)?;
        if !WRITABLE_TYPES.contains(&existing.record_type.as_str()) {
            return Err(ApiError::invalid(
                "dns_record_not_deletable",
                format!(
                    "{} records are managed by Combell and cannot be deleted.",
                    existing.record_type
                ),
            ));
        }
        self.zone_mut(domain)?.records.retain(|r| r.id != id);
        Ok(())
    }
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
    query: QueryArg,
) -> Response {
    answer(path_or_404(path), |domain| {
        paged(query, |query| {
            let filter = RecordFilter {
                record_type: param(query, "type").map(str::to_string),
                record_name: query.get("record_name").map(|v| v.trim().to_string()),
                service: param(query, "service").map(str::to_string),
            };
            shared.read(|s| s.list_records(&domain, &filter))
        })
    })
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
    body: Bytes,
) -> Response {
    created(path_or_404(path).and_then(|domain| {
        let id = shared.write_body(
            &body,
            |s| s.zone(&domain).map(|_| ()),
            |s, input: &DnsRecordInput| s.create_record(&domain, input),
        )?;
        Ok(format!(
            "/v2/dns/{}/records/{id}",
            domain.trim().to_ascii_lowercase()
        ))
    }))
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    path: PathArg<(String, String)>,
) -> Response {
    json(path_or_404(path).and_then(|(domain, id)| shared.read(|s| s.get_record(&domain, &id))))
}

pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    path: PathArg<(String, String)>,
    body: Bytes,
) -> Response {
    let renumber = shared.config().dns_put_renumbers;
    let answer = path_or_404(path).and_then(|(domain, id)| {
        shared.write_body(
            &body,
            |s| s.get_record(&domain, &id).map(|_| ()),
            |s, input: &DnsRecordInput| {
                s.update_record(&domain, &id, input)?;
                if renumber {
                    s.renumber_record(&domain, &id)?;
                }
                Ok(())
            },
        )
    });
    empty(StatusCode::OK, answer)
}

pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    path: PathArg<(String, String)>,
) -> Response {
    no_content(
        path_or_404(path).and_then(|(domain, id)| shared.write(|s| s.delete_record(&domain, &id))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::dns::seed_example_com;

    fn input(json: serde_json::Value) -> DnsRecordInput {
        serde_json::from_value(json).unwrap()
    }

    fn codes(result: Result<DnsRecord, Vec<ErrorMessage>>) -> Vec<String> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| e.error_code)
            .collect()
    }

    #[test]
    fn apex_and_case_are_normalised_and_defaults_filled() {
        let record = validate(
            &input(serde_json::json!({"type": "a", "record_name": "@", "content": "192.0.2.1"})),
            None,
        )
        .unwrap();
        assert_eq!(record.record_type, "A");
        assert_eq!(record.record_name, "");
        assert_eq!(record.ttl, 3600);
        assert_eq!(record.priority, None);
        let record = validate(
            &input(serde_json::json!({"type": "CNAME", "record_name": "WWW.Shop", "content": "Example.COM."})),
            None,
        )
        .unwrap();
        assert_eq!(record.record_name, "www.shop");
        assert_eq!(record.content, "Example.COM.");
        assert_eq!(record.priority, Some(0));
        let mx = validate(
            &input(serde_json::json!({"type": "MX", "content": "mx.example.com"})),
            None,
        )
        .unwrap();
        assert_eq!(mx.priority, Some(10));
    }

    #[test]
    fn every_field_is_serialised_with_nulls() {
        let json = serde_json::to_value(&seed_example_com()[3]).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), 11);
        assert!(object["priority"].is_null());
        assert!(object["service"].is_null());
        assert_eq!(object["record_name"], "");
    }

    #[test]
    fn srv_is_built_from_its_parts() {
        let record = validate(
            &input(serde_json::json!({
                "type": "SRV", "service": "sip", "protocol": "UDP",
                "target": "sip.example.com", "port": 5060, "record_name": "ignored"
            })),
            None,
        )
        .unwrap();
        assert_eq!(record.record_name, "_sip._udp");
        assert_eq!(record.service.as_deref(), Some("_sip"));
        assert_eq!(record.protocol.as_deref(), Some("_udp"));
        assert_eq!(record.content, "0 5060 sip.example.com");
        assert_eq!(
            (record.priority, record.weight, record.port),
            (Some(10), Some(0), Some(5060))
        );
        let tcp = validate(
            &input(serde_json::json!({
                "type": "SRV", "service": "_submission", "protocol": "_tcp",
                "target": "smtp-auth.example.com", "port": 587, "priority": 1, "weight": 1
            })),
            None,
        )
        .unwrap();
        assert_eq!(tcp.record_name, "_submission._tcp");
        assert_eq!(tcp.content, "1 587 smtp-auth.example.com");
        let default_protocol = validate(
            &input(serde_json::json!({"type": "SRV", "service": "_x", "target": "t.example", "port": 1})),
            None,
        )
        .unwrap();
        assert_eq!(default_protocol.protocol.as_deref(), Some("_tcp"));
    }

    #[test]
    fn srv_identity_cannot_be_edited() {
        let original = validate(
            &input(serde_json::json!({"type": "SRV", "service": "_sip", "target": "a.example", "port": 5060})),
            None,
        )
        .unwrap();
        let same_identity = input(serde_json::json!({
            "type": "SRV", "service": "sip", "protocol": "TCP", "target": "a.example",
            "port": 5060, "priority": 20, "weight": 5, "ttl": 600
        }));
        let updated = validate(&same_identity, Some(&original)).unwrap();
        assert_eq!(updated.content, "5 5060 a.example");
        let moved = input(
            serde_json::json!({"type": "SRV", "service": "_sip", "target": "b.example", "port": 5061}),
        );
        assert_eq!(
            codes(validate(&moved, Some(&original))),
            ["dns_srv_field_not_editable"]
        );
    }

    #[test]
    fn per_type_content_rules() {
        let cases = [
            (
                serde_json::json!({"type": "A", "content": "192.0.2.300"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "A", "content": "::1"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "AAAA", "content": "192.0.2.1"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "CNAME", "content": "not a host"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "ALIAS", "content": "-bad-.example.com"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "A", "record_name": "-www", "content": "192.0.2.1"}),
                "dns_invalid_record_name",
            ),
            (
                serde_json::json!({"type": "TXT", "content": "x".repeat(70_000)}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "TXT", "content": ""}),
                "dns_content_required",
            ),
            (serde_json::json!({"type": "TXT"}), "dns_content_required"),
            (
                serde_json::json!({"type": "TLSA", "content": "3 1 1 xyz"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "TLSA", "content": "4 1 1 abcd"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "CAA", "content": "0 issue letsencrypt.org"}),
                "dns_invalid_content",
            ),
            (
                serde_json::json!({"type": "NS", "content": "ns.example"}),
                "dns_record_type_invalid",
            ),
            (
                serde_json::json!({"type": "SOA", "content": "x"}),
                "dns_record_type_invalid",
            ),
            (
                serde_json::json!({"content": "x"}),
                "dns_record_type_required",
            ),
            (
                serde_json::json!({"type": "A", "content": "192.0.2.1", "ttl": 59}),
                "dns_invalid_ttl",
            ),
            (
                serde_json::json!({"type": "A", "content": "192.0.2.1", "ttl": 86401}),
                "dns_invalid_ttl",
            ),
            (
                serde_json::json!({"type": "MX", "content": "mx.example", "priority": 0}),
                "dns_invalid_priority",
            ),
            (
                serde_json::json!({"type": "MX", "content": "mx.example", "priority": 10000}),
                "dns_invalid_priority",
            ),
            (
                serde_json::json!({"type": "A", "record_name": "*", "content": "192.0.2.1"}),
                "dns_invalid_record_name",
            ),
            (
                serde_json::json!({"type": "A", "record_name": "*.dev", "content": "192.0.2.1"}),
                "dns_invalid_record_name",
            ),
            (
                serde_json::json!({"type": "A", "record_name": "a..b", "content": "192.0.2.1"}),
                "dns_invalid_record_name",
            ),
            (
                serde_json::json!({"type": "SRV", "target": "t.example", "port": 1}),
                "dns_service_required",
            ),
            (
                serde_json::json!({"type": "SRV", "service": "_x", "port": 1}),
                "dns_target_required",
            ),
            (
                serde_json::json!({"type": "SRV", "service": "_x", "target": "t.example"}),
                "dns_port_required",
            ),
            (
                serde_json::json!({"type": "SRV", "service": "_x", "target": "t.example", "port": 65536}),
                "dns_invalid_port",
            ),
            (
                serde_json::json!({"type": "SRV", "service": "_x", "target": "t.example", "port": 1, "protocol": "SCTP"}),
                "dns_invalid_protocol",
            ),
        ];
        for (json, code) in cases {
            let got = codes(validate(&input(json.clone()), None));
            assert_eq!(got, [code], "{json}");
        }
        for ok in [
            serde_json::json!({"type": "AAAA", "content": "2001:db8::1"}),
            serde_json::json!({"type": "TXT", "content": "v=spf1 -all"}),
            serde_json::json!({"type": "ALIAS", "content": "lb.example.net"}),
            serde_json::json!({"type": "TLSA", "record_name": "_25._tcp", "content": "3 1 1 0a1B2c"}),
            serde_json::json!({"type": "CAA", "content": "0 issue \"letsencrypt.org\""}),
            serde_json::json!({"type": "A", "record_name": "_acme-challenge", "content": "192.0.2.1", "ttl": 60}),
        ] {
            assert!(validate(&input(ok.clone()), None).is_ok(), "{ok}");
        }
        // All problems of one request come back together.
        let many =
            input(serde_json::json!({"type": "MX", "record_name": "*", "ttl": 1, "priority": 0}));
        assert_eq!(
            codes(validate(&many, None)),
            [
                "dns_invalid_ttl",
                "dns_invalid_record_name",
                "dns_content_required",
                "dns_invalid_priority"
            ]
        );
    }

    #[test]
    fn a_wildcard_read_back_can_be_replaced_in_place() {
        let mut state = SimState::seed();
        let update =
            input(serde_json::json!({"type": "A", "record_name": "*", "content": "192.0.2.99"}));
        state
            .update_record("example.com", "1-1000000008", &update)
            .unwrap();
        let record = state.get_record("example.com", "1-1000000008").unwrap();
        assert_eq!(record.content, "192.0.2.99");
        assert!(state.create_record("example.com", &update).is_err());
    }

    #[test]
    fn filters_apply_only_with_a_matching_type() {
        let state = SimState::seed();
        let list = |t: Option<&str>, n: Option<&str>| {
            state
                .list_records(
                    "EXAMPLE.com",
                    &RecordFilter {
                        record_type: t.map(Into::into),
                        record_name: n.map(Into::into),
                        service: None,
                    },
                )
                .unwrap()
                .len()
        };
        assert_eq!(list(None, None), 8);
        assert_eq!(list(Some("a"), None), 3);
        assert_eq!(list(Some("A"), Some("@")), 1);
        assert_eq!(list(Some("A"), Some("www")), 1);
        assert_eq!(list(None, Some("www")), 8);
        assert_eq!(list(Some("MX"), Some("www")), 1);
        assert_eq!(list(Some("NS"), None), 2);
        assert!(state
            .list_records("nope.example", &RecordFilter::default())
            .is_err());
    }

    #[test]
    fn crud_keeps_ids_and_refuses_ns_soa() {
        let mut state = SimState::seed();
        let id = state
            .create_record(
                "example.net",
                &input(
                    serde_json::json!({"type": "TXT", "record_name": "note", "content": "hello"}),
                ),
            )
            .unwrap();
        assert!(id.starts_with("1-") && id.len() == 12, "{id}");
        assert!(id[2..].bytes().all(|b| b.is_ascii_digit()));
        state
            .update_record(
                "example.net",
                &id,
                &input(serde_json::json!({"type": "TXT", "record_name": "note", "content": "bye", "ttl": 300})),
            )
            .unwrap();
        let record = state.get_record("example.net", &id).unwrap();
        assert_eq!((record.content.as_str(), record.ttl), ("bye", 300));
        assert!(state.delete_record("example.net", "1-2000000001").is_err());
        state.delete_record("example.net", &id).unwrap();
        assert!(matches!(
            state.get_record("example.net", &id),
            Err(ApiError::NotFound(_))
        ));
    }
}
