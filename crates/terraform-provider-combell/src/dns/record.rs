//! `combell_dns_record`: one record in a DNS zone hosted by Combell.
//!
//! Import ID: `<domain_name>/<id>`, e.g. `example.com/1-4787652784` (ids are Combell's own,
//! opaque strings; `GET /v2/dns/<domain>/records` lists them).
//!
//! A POST whose answer is lost (a 5xx, a dropped connection, a timeout) is reconciled by the
//! record's natural key (type, name, content; MX priority; SRV service, protocol, target, port
//! and priority) before it is sent again: records the zone held before this process's first
//! create in it, and records this process made since, are left out, so a record found afterwards
//! is the one this create made. That costs one list request per zone and process.
//!
//! Quirks handled here, each one a bug of the earlier Go provider: the apex is `""` on the wire
//! and `@` is accepted and kept as written; `priority` only exists for MX and SRV (Combell
//! answers `null` or `0` for the other types, which never shows as a diff); SRV `protocol` and
//! `service` come back as `_tcp` and `_sip` whatever form was written; an SRV record's name and
//! content are derived by Combell; Combell cannot edit an SRV record's service, protocol,
//! target or port, so changing them replaces the record; Combell refuses to create wildcard
//! (`*`) names but lists them, so such records can be imported and updated, not created.
//! Generated configuration (`-generate-config-out`) leaves an SRV record's derived name and
//! content out; Terraform before 1.14 writes them from the state, so validation accepts them
//! when they are what Combell derives.
//!
//! One request per write: Combell stores what it is sent, so the state after a create is the
//! plan and the id from `Location`, and after an update the plan. A record is read back only
//! where Combell derives what the plan cannot know: an SRV record's name and content after its
//! create, and its content after a change of weight. Whether Combell keeps a record's id across
//! a PUT has not been observed: an update leaves a mark in the private state, and the next read
//! of a marked record that is gone from its id finds it by its values (a PUT that renumbers,
//! `combell-sim --dns-put-renumbers`) instead of dropping it from the state.

use std::sync::LazyLock;

use async_trait::async_trait;

use crate::core::ids::IdPart;
use crate::core::managed::{Managed, Typed};
use crate::core::rules::{self, HostRules};
pub(crate) use crate::dns::record_rules::DnsRecordModel;
pub(crate) use crate::dns::record_rules::WRITABLE_TYPES;
use crate::dns::record_rules::{
    ascii_host, canonical_protocol, canonical_service, number, number_problems, same_content,
    same_host, same_record_name, same_srv_content, validate_config, whole, DEFAULT_PRIORITY,
    DEFAULT_TTL, DEFAULT_WEIGHT, HOST_CONTENT, NAMED_TYPES,
};
use combell_api::{self as client, CancellationToken, Client, DnsRecord, DnsRecordFilter};
use tfplugin::{
    Attribute, AttributePath, Ctx, Diagnostics, Field, Model, PlanRequest, PlanResponse, Schema,
};

const TYPE_NAME: &str = "combell_dns_record";

/// The parts of `combell_dns_record`; `Typed` makes its `Resource`.
pub struct DnsRecordResource;

/// `combell_dns_record` as Terraform sees it, for its list.
pub(crate) static RESOURCE: Typed<DnsRecordResource> = Typed::new(DnsRecordResource);

// ---- Schema ---------------------------------------------------------------------------------

/// Built once: every plan of every record uses it.
static SCHEMA: LazyLock<Schema> = LazyLock::new(build_schema);

fn schema() -> Schema {
    SCHEMA.clone()
}

fn build_schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("Combell's id of the record, such as `1-4787652784`."),
        Attribute::string("domain_name")
            .required()
            .description("The zone (domain name) the record belongs to, such as `example.com`. Changing it replaces the record."),
        Attribute::string("type").required().description(
            "Record type: `A`, `AAAA`, `CNAME`, `MX`, `SRV`, `TXT`, `ALIAS`, `TLSA` or `CAA`, in \
             upper case. Changing it replaces the record. Combell manages NS and SOA records itself.",
        ),
        Attribute::string("record_name").optional().computed().default_when("", "type", &NAMED_TYPES).description(
            "Name relative to the zone: `www` for `www.example.com`, `\"\"` (the default) or `@` for \
             the zone apex. Wildcard names (`*`, `*.dev`) can be imported and updated but Combell \
             refuses to create them. Not used by SRV records, whose name Combell derives from \
             `service` and `protocol` (e.g. `_sip._tcp`; only that value is accepted). Unicode names (`bücher`) are sent \
             as IDNA A-labels (`xn--bcher-kva`) and kept as written.",
        ),
        Attribute::string("content").optional().computed().description(
            "The record's data: an IPv4 address (A), an IPv6 address (AAAA), a host name (CNAME, \
             ALIAS, MX), free text (TXT), `usage selector matching_type data` (TLSA) or \
             `flags tag \"value\"` (CAA). Not used by SRV records, whose content Combell derives \
             as `weight port target` (only that value is accepted). A host name may be written in Unicode (`bücher.be`): it is \
             sent as IDNA A-labels (`xn--bcher-kva.be`) and kept as written. At most 65,535 \
             octets of record data.",
        ),
        Attribute::number("ttl").optional().computed().default(DEFAULT_TTL).description(
            "Time to live in seconds, from 60 to 86400. Defaults to 3600.",
        ),
        Attribute::number("priority").optional().computed().default_when(DEFAULT_PRIORITY, "type", &["MX", "SRV"]).description(
            "MX and SRV only: priority from 1 to 9999, lower is preferred. Defaults to 10; null for \
             other record types.",
        ),
        Attribute::string("service").optional().description(
            "SRV only: the symbolic service name, such as `_sip` (`sip` is accepted too). Changing \
             it replaces the record.",
        ),
        Attribute::string("protocol").optional().computed().default_when("_tcp", "type", &["SRV"]).description(
            "SRV only: `TCP`, `UDP` or `TLS` (`_tcp`, `_udp`, `_tls` are accepted too). Defaults to \
             TCP, which Combell reports as `_tcp`. Changing it replaces the record.",
        ),
        Attribute::string("target").optional().description(
            "SRV only: host name of the machine providing the service, in ASCII or Unicode (sent \
             as IDNA A-labels). Changing it replaces the record.",
        ),
        Attribute::number("port").optional().description(
            "SRV only: port of the service, from 1 to 65535. Changing it replaces the record.",
        ),
        Attribute::number("weight").optional().computed().default_when(DEFAULT_WEIGHT, "type", &["SRV"]).description(
            "SRV only: weight among records of the same priority, higher is preferred. Defaults to 0.",
        ),
    ])
    .description(
        "A DNS record in a zone hosted by Combell. Records are created, changed and deleted \
         one by one; NS and SOA records stay under Combell's control.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

/// Attributes whose change Combell cannot apply in place (compared by meaning, not spelling:
/// `TCP` to `_tcp` is no change).
const REPLACE_ON_CHANGE: [&str; 6] = [
    "domain_name",
    "type",
    "service",
    "protocol",
    "target",
    "port",
];

/// The zone and id of a state (`""` when not known: the client refuses an empty one).
fn zone_and_id(state: &DnsRecordModel) -> (&str, &str) {
    (
        state.domain_name.as_str().unwrap_or_default(),
        state.id.as_str().unwrap_or_default(),
    )
}

#[async_trait]
impl Managed for DnsRecordResource {
    type Model = DnsRecordModel;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "dns_record";
    const ID_PARTS: &'static [IdPart] = &[
        (
            "domain_name",
            "The zone, in lower case, such as `example.com`.",
        ),
        ("id", "Combell's id of the record, such as `1-4787652784`."),
    ];
    const ID_EXAMPLE: &'static str = "example.com/1-4787652784";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /dns/{domainName}/records",
        "GET /dns/{domainName}/records",
        "GET /dns/{domainName}/records/{recordId}",
        "PUT /dns/{domainName}/records/{recordId}",
        "DELETE /dns/{domainName}/records/{recordId}",
    ];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &DnsRecordModel, diags: &mut Diagnostics) {
        let mut problems = number_problems(config);
        problems.extend(validate_config(config));
        for p in problems {
            diags.error_at(AttributePath::new(p.attribute), p.summary, p.detail);
        }
    }

    /// Replacement by meaning (see [`REPLACE_ON_CHANGE`]), the computed values Combell
    /// derives, and the refusal of a wildcard name that would be created.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        if req.proposed.is_null() {
            return;
        }
        let creating = req.prior.is_null();
        let prior = DnsRecordModel::decode(&req.prior).unwrap_or_default();
        let config = DnsRecordModel::decode(&req.config).unwrap_or_default();
        if !creating {
            resp.requires_replace = REPLACE_ON_CHANGE
                .iter()
                .filter(|name| replace_attribute_changed(name, &prior, &config))
                .map(|name| AttributePath::new(name))
                .collect();
        }
        let fresh = creating || !resp.requires_replace.is_empty();
        if let Ok(mut planned) = DnsRecordModel::decode(&resp.planned) {
            plan_computed(&mut planned, &prior, &config, fresh);
            resp.planned = planned.encode();
        }
        if fresh {
            if let Some(name) = config.record_name.as_str().filter(|n| n.contains('*')) {
                resp.diagnostics.error_at(
                    AttributePath::new("record_name"),
                    "Wildcard records cannot be created",
                    format!(
                        "Combell's API refuses to create a record named \"{name}\" \
                         (error dns_invalid_record_name), although it lists and updates such \
                         records. Create it in the Combell control panel, then bring it under \
                         Terraform with `terraform import {TYPE_NAME}.<name> <domain>/<id>`."
                    ),
                );
            }
        }
    }

    /// Combell derives an SRV record's name and content: a configuration leaves them out.
    fn trim_generated_config(&self, state: &DnsRecordModel, config: &mut DnsRecordModel) {
        if state
            .r#type
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("SRV"))
        {
            config.record_name = Field::Null;
            config.content = Field::Null;
        }
    }

    fn what(&self, planned: &DnsRecordModel) -> String {
        format!(
            "the {} record \"{}\" in {}",
            planned.r#type.as_str().unwrap_or_default(),
            planned.record_name.as_str().unwrap_or_default(),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    /// Records with the same type, name and content may exist already (zones allow it): the
    /// ones the zone held before this process's first create in it, and the ones this process
    /// made since, are never this create's, whatever happens to its answer. One list per zone
    /// and process, not one per create; they are kept in the client's cache, not returned.
    async fn existing(
        &self,
        client: &Client,
        planned: &DnsRecordModel,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>, client::Error> {
        let (domain, _) = zone_and_id(planned);
        client
            .caches()
            .dns_known_ids
            .ensure(domain, || async {
                let records = client
                    .list_dns_records(domain, &DnsRecordFilter::default(), cancel)
                    .await?;
                Ok(records.into_iter().filter_map(|r| r.id).collect())
            })
            .await?;
        Ok(Vec::new())
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &DnsRecordModel,
        _config: &DnsRecordModel,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let (domain, _) = zone_and_id(planned);
        let id = client
            .create_dns_record(domain, &request_from(planned), cancel)
            .await?;
        client.caches().dns_known_ids.add(domain, &id);
        Ok(id)
    }

    /// Combell stores what was sent: the plan and the id are the state; only what Combell
    /// derives (an SRV record's name and content) needs the record read back.
    fn created(&self, planned: &DnsRecordModel, id: &str) -> DnsRecordModel {
        let mut state = planned.clone();
        state.id.set(id);
        state
    }

    /// The record a create whose answer was lost made: one with its natural key that is not
    /// one of the records known before. Two new ones would mean another client made the same
    /// record meanwhile: either is as good, the first is taken.
    async fn find_created(
        &self,
        client: &Client,
        planned: &DnsRecordModel,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<DnsRecordModel>, client::Error> {
        let (domain, _) = zone_and_id(planned);
        let known = &client.caches().dns_known_ids;
        let records = same_key_records(client, domain, &request_from(planned), cancel).await?;
        let Some((record, id)) = records.into_iter().find_map(|r| {
            r.id.clone()
                .filter(|id| !known.contains(domain, id))
                .map(|id| (r, id))
        }) else {
            return Ok(None);
        };
        known.add(domain, &id);
        let state = self.created(planned, &id);
        if state.encode().is_wholly_known() {
            return Ok(Some(state));
        }
        Ok(Some(state_from(&record, domain, &state)))
    }

    /// From the zone's list, shared with every other record of the zone read by this process
    /// (refresh and import alike): one paged call per zone instead of one per record.
    async fn fetch(
        &self,
        client: &Client,
        key: &DnsRecordModel,
        cancel: &CancellationToken,
    ) -> Result<Option<DnsRecordModel>, client::Error> {
        let (domain, id) = zone_and_id(key);
        let record = client.read_dns_record(domain, id, cancel).await?;
        Ok(record.map(|record| state_from(&record, domain, key)))
    }

    /// A record changed by a PUT since the last read (see [`PUT_UNCONFIRMED`]) and not under
    /// its id any more was given a new one: it is found by what was written.
    async fn fetch_marked(
        &self,
        client: &Client,
        state: &DnsRecordModel,
        private: &[u8],
        cancel: &CancellationToken,
    ) -> Result<(Option<DnsRecordModel>, Option<Vec<u8>>), client::Error> {
        let unconfirmed = private == PUT_UNCONFIRMED;
        // The id is confirmed: nothing is left for the next read.
        let confirmed = unconfirmed.then(Vec::new);
        if let Some(found) = self.fetch(client, state, cancel).await? {
            return Ok((Some(found), confirmed));
        }
        if !unconfirmed {
            return Ok((None, None));
        }
        let (domain, id) = zone_and_id(state);
        let written = request_from(state);
        let Some(record) = find_by_content(client, domain, &written, cancel)
            .await
            .transpose()?
        else {
            return Ok((None, None));
        };
        hclog::info(
            "dns_record",
            "DNS record has a new id since it was changed",
            &[
                ("domain", domain.into()),
                ("old_id", id.into()),
                ("id", record.id.clone().unwrap_or_default().into()),
            ],
        );
        Ok((Some(state_from(&record, domain, state)), confirmed))
    }

    /// The single GET, not the zone's list (which the write made stale); after an update,
    /// a record whose id is gone is found by what was just written.
    async fn read_written(
        &self,
        client: &Client,
        state: &DnsRecordModel,
        creating: bool,
        cancel: &CancellationToken,
    ) -> Result<Option<DnsRecordModel>, client::Error> {
        let (domain, id) = zone_and_id(state);
        let record = match client.get_dns_record(domain, id, cancel).await {
            Err(err) if err.is_not_found() && !creating => {
                find_by_content(client, domain, &request_from(state), cancel)
                    .await
                    .transpose()?
            }
            other => Some(other?),
        };
        Ok(record.map(|record| {
            let mut read = state_from(&record, domain, state);
            if creating {
                read.id.set(id);
            }
            read
        }))
    }

    async fn send_update(
        &self,
        client: &Client,
        prior: &DnsRecordModel,
        planned: &DnsRecordModel,
        _config: &DnsRecordModel,
        cancel: &CancellationToken,
    ) -> Result<(), client::Error> {
        let (domain, _) = zone_and_id(planned);
        let (_, id) = zone_and_id(prior);
        client
            .update_dns_record(domain, id, &request_from(planned), cancel)
            .await
    }

    /// Whether Combell keeps a record's id across a PUT has not been observed either way: the
    /// next read confirms it.
    fn updated_private(&self, _state: &DnsRecordModel) -> Vec<u8> {
        PUT_UNCONFIRMED.to_vec()
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &DnsRecordModel,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        let (domain, id) = zone_and_id(prior);
        client.delete_dns_record(domain, id, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).map(|_| id.to_string())
    }

    /// The zone in canonical form (lower case, no final dot): `domain_name` keeps the
    /// configuration's spelling, the identity must not change with it.
    fn identity_value(&self, name: &str, value: &str) -> String {
        match name {
            "domain_name" => canonical_domain(value),
            _ => value.to_string(),
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// The private data an update leaves when it wrote the record without reading it back: the
/// next read looks the record up by its values if its id is gone (a PUT that renumbers).
const PUT_UNCONFIRMED: &[u8] = b"dns_record:put-unconfirmed";

/// The records of `domain` that have the natural key of `written`: type, name and content;
/// for MX the priority too, and for SRV service, protocol, target, port and priority (Combell
/// derives an SRV record's name and content from those).
async fn same_key_records(
    client: &Client,
    domain: &str,
    written: &DnsRecord,
    cancel: &CancellationToken,
) -> Result<Vec<DnsRecord>, client::Error> {
    let record_type = written.record_type.clone().unwrap_or_default();
    // The API filters by name only for some types; the match below decides in any case.
    let by_name = ["A", "CNAME", "TXT", "ALIAS", "TLSA"].contains(&record_type.as_str());
    let filter = DnsRecordFilter {
        record_type: Some(record_type),
        record_name: written.record_name.clone().filter(|_| by_name),
        ..DnsRecordFilter::default()
    };
    let records = client.list_dns_records(domain, &filter, cancel).await?;
    Ok(records
        .into_iter()
        .filter(|r| same_key(r, written))
        .collect())
}

/// Whether the record `api` (as listed) has the natural key of the record `written` (as sent).
fn same_key(api: &DnsRecord, written: &DnsRecord) -> bool {
    let record_type = written
        .record_type
        .as_deref()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if !api
        .record_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(&record_type))
    {
        return false;
    }
    let same_text =
        |a: &Option<String>, b: &Option<String>, f: &dyn Fn(&str, &str) -> bool| match (a, b) {
            (Some(a), Some(b)) => f(a, b),
            _ => false,
        };
    if record_type == "SRV" {
        let protocol = |p: &Option<String>| p.as_deref().and_then(canonical_protocol);
        return same_text(&api.service, &written.service, &|a, b| {
            canonical_service(a) == canonical_service(b)
        }) && protocol(&api.protocol) == protocol(&written.protocol)
            && same_text(&api.target, &written.target, &same_host)
            && api.port == written.port
            && api.priority == written.priority;
    }
    same_record_name(
        api.record_name.as_deref().unwrap_or(""),
        written.record_name.as_deref().unwrap_or(""),
    ) && same_text(&api.content, &written.content, &|a, b| {
        same_content(&record_type, a, b)
    }) && (record_type != "MX" || api.priority == written.priority)
}

/// Looks a record up by type, name and content (the zone's natural key for it).
async fn find_by_content(
    client: &Client,
    domain: &str,
    written: &DnsRecord,
    cancel: &CancellationToken,
) -> Option<Result<DnsRecord, client::Error>> {
    let filter = DnsRecordFilter {
        record_type: written.record_type.clone(),
        ..DnsRecordFilter::default()
    };
    let records = match client.list_dns_records(domain, &filter, cancel).await {
        Ok(records) => records,
        Err(err) => return Some(Err(err)),
    };
    let record_type = written.record_type.as_deref().unwrap_or("");
    records
        .into_iter()
        .find(|r| {
            r.record_type == written.record_type
                && same_record_name(
                    r.record_name.as_deref().unwrap_or(""),
                    written.record_name.as_deref().unwrap_or(""),
                )
                && match (&r.content, &written.content) {
                    (Some(a), Some(b)) => same_content(record_type, a, b),
                    _ => r.target == written.target && r.port == written.port,
                }
        })
        .map(Ok)
}

/// The API request for a planned state: only the fields that apply to the record's type.
fn request_from(planned: &DnsRecordModel) -> DnsRecord {
    let record_type = planned.r#type.as_str().unwrap_or_default().to_string();
    let srv = record_type == "SRV";
    let mut record = DnsRecord {
        record_type: Some(record_type.clone()),
        ttl: Some(whole(&planned.ttl).unwrap_or(DEFAULT_TTL)),
        ..DnsRecord::default()
    };
    if srv {
        record.service = planned.service.as_str().map(canonical_service);
        record.protocol = Some(
            planned
                .protocol
                .as_str()
                .and_then(canonical_protocol)
                .unwrap_or("_tcp")
                .trim_start_matches('_')
                .to_ascii_uppercase(),
        );
        record.target = planned.target.as_str().map(ascii_host);
        record.port = whole(&planned.port);
        record.priority = Some(whole(&planned.priority).unwrap_or(DEFAULT_PRIORITY));
        record.weight = Some(whole(&planned.weight).unwrap_or(DEFAULT_WEIGHT));
    } else {
        let name = planned.record_name.as_str().unwrap_or_default();
        record.record_name = Some(if name == "@" {
            String::new()
        } else {
            ascii_host(name)
        });
        record.content = planned.content.as_str().map(|content| {
            if HOST_CONTENT.contains(&record_type.as_str()) {
                ascii_host(content)
            } else {
                content.to_string()
            }
        });
        if record_type == "MX" {
            record.priority = Some(whole(&planned.priority).unwrap_or(DEFAULT_PRIORITY));
        }
    }
    record
}

/// The one mapping API → state, used by create, read, update, import and the list. Where
/// `prior` (the planned or stored state) spells a value differently but means the same, its
/// spelling is kept, so that no configuration shows a perpetual diff.
pub(crate) fn state_from(api: &DnsRecord, domain: &str, prior: &DnsRecordModel) -> DnsRecordModel {
    let record_type = api
        .record_type
        .clone()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let srv = record_type == "SRV";
    let keep = |prior: &Field<String>,
                api_value: Option<String>,
                same: &dyn Fn(&str, &str) -> bool|
     -> Field<String> {
        match (prior.as_str(), api_value) {
            (Some(p), Some(a)) if same(p, &a) => p.to_string().into(),
            (_, a) => Field::from_option(a),
        }
    };
    let api_name = api.record_name.clone().unwrap_or_default();
    let record_name = if srv {
        keep(&prior.record_name, Some(api_name), &|a, b| {
            a.eq_ignore_ascii_case(b)
        })
    } else {
        keep(&prior.record_name, Some(api_name), &same_record_name)
    };
    let content = if srv {
        keep(&prior.content, api.content.clone(), &same_srv_content)
    } else {
        keep(&prior.content, api.content.clone(), &|a, b| {
            same_content(&record_type, a, b)
        })
    };
    let srv_only = |v: Field<String>| if srv { v } else { Field::Null };
    let srv_number = |v: Option<i64>| if srv { number(v) } else { Field::Null };
    DnsRecordModel {
        id: Field::from_option(api.id.clone())
            .or(Field::from_option(prior.id.clone().into_known())),
        domain_name: keep(&prior.domain_name, Some(domain.to_string()), &same_host),
        r#type: keep(&prior.r#type, Some(record_type.clone()), &|a, b| {
            a.eq_ignore_ascii_case(b)
        }),
        record_name,
        content,
        ttl: number(api.ttl),
        priority: if srv || record_type == "MX" {
            number(api.priority)
        } else {
            Field::Null
        },
        service: srv_only(keep(&prior.service, api.service.clone(), &|a, b| {
            canonical_service(a) == canonical_service(b)
        })),
        protocol: srv_only(keep(&prior.protocol, api.protocol.clone(), &|a, b| {
            canonical_protocol(a).is_some() && canonical_protocol(a) == canonical_protocol(b)
        })),
        target: srv_only(keep(&prior.target, api.target.clone(), &same_host)),
        port: srv_number(api.port),
        weight: srv_number(api.weight),
    }
}

/// Fills the computed attributes of a plan whose configuration left them out, beyond the
/// declared defaults (`ttl`, `priority`, `weight`, `protocol`, `record_name`) that
/// [`tfplugin::default_plan`] has planned already.
fn plan_computed(
    planned: &mut DnsRecordModel,
    prior: &DnsRecordModel,
    config: &DnsRecordModel,
    fresh: bool,
) {
    if fresh {
        planned.id = Field::Unknown;
    }
    let Some(record_type) = config.r#type.as_str() else {
        // Type not known yet: the content depends on it.
        if config.content.is_null() {
            planned.content = Field::Unknown;
        }
        return;
    };
    if record_type == "SRV" {
        // Combell derives an SRV record's name and content; known again after apply. Written
        // anyway (validation has checked they are the derived ones), they are planned as written.
        if fresh {
            if config.record_name.is_null() {
                planned.record_name = Field::Unknown;
            }
            if config.content.is_null() {
                planned.content = Field::Unknown;
            }
        } else {
            if config.record_name.is_null() {
                planned.record_name = prior.record_name.clone();
            }
            let content_inputs_same = planned.weight == prior.weight
                && planned.port == prior.port
                && planned.target == prior.target;
            if config.content.is_null() {
                planned.content = if content_inputs_same {
                    prior.content.clone()
                } else {
                    Field::Unknown
                };
            }
        }
    }
}

/// Whether a replace-only attribute changes meaning between the prior state and the config.
fn replace_attribute_changed(name: &str, prior: &DnsRecordModel, config: &DnsRecordModel) -> bool {
    let text = |m: &DnsRecordModel| -> Field<String> {
        match name {
            "domain_name" => m.domain_name.clone(),
            "type" => m.r#type.clone(),
            "service" => m.service.clone(),
            "protocol" => m.protocol.clone(),
            _ => m.target.clone(),
        }
    };
    if name == "port" {
        return config.port.is_unknown() || prior.port != config.port;
    }
    let (old, new) = (text(prior), text(config));
    if new.is_unknown() {
        return true;
    }
    let (old, new) = (old.as_str(), new.as_str());
    match name {
        "domain_name" | "target" => match (old, new) {
            (Some(a), Some(b)) => !same_host(a, b),
            (a, b) => a != b,
        },
        "type" => match (old, new) {
            (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
            (a, b) => a != b,
        },
        "service" => old.map(canonical_service) != new.map(canonical_service),
        _ => {
            // Left out means TCP, which is what Combell reports for it.
            let is_srv = config.r#type.as_str() == Some("SRV");
            let canon = |v: Option<&str>| match v {
                Some(p) => canonical_protocol(p).map(str::to_string),
                None if is_srv => Some("_tcp".to_string()),
                None => None,
            };
            canon(old) != canon(new)
        }
    }
}

/// A zone name as Combell stores it: lower case, without a final dot.
pub(crate) fn canonical_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn parse_import_id(id: &str) -> Result<(String, String), String> {
    match id.split_once('/') {
        Some((domain, record))
            if !domain.is_empty() && !record.is_empty() && !record.contains('/') =>
        {
            let expected = "The import ID is \"<domain_name>/<record id>\", such as \
                            \"example.com/1-4787652784\".";
            rules::host_name(domain, HostRules::ZONE)
                .and_then(|_| rules::path_segment(record))
                .map_err(|why| format!("{why} {expected} Got {}.", rules::quoted(id)))?;
            Ok((domain.to_string(), record.to_string()))
        }
        _ => Err(format!(
            "Expected \"<domain_name>/<record id>\", such as \"example.com/1-4787652784\"; got \
             \"{id}\". Record ids are listed by GET /v2/dns/<domain>/records."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Resource, Value};

    use crate::dns::record_rules::tests::{a_record, config, problems_for, srv_record, text, with};

    fn listed(record_type: &str, name: &str, content: &str, priority: Option<i64>) -> DnsRecord {
        DnsRecord {
            id: Some("1-1".into()),
            record_type: Some(record_type.into()),
            record_name: Some(name.into()),
            content: Some(content.into()),
            priority,
            ttl: Some(3600),
            ..DnsRecord::default()
        }
    }

    #[test]
    fn natural_key_compares_by_meaning() {
        let planned = |pairs: &[(&str, Value)]| request_from(&config(pairs));
        let a = planned(&[
            ("domain_name", "example.com".into()),
            ("type", "A".into()),
            ("record_name", "@".into()),
            ("content", "192.0.2.1".into()),
        ]);
        assert!(same_key(&listed("A", "", "192.0.2.1", None), &a));
        assert!(!same_key(&listed("A", "www", "192.0.2.1", None), &a));
        assert!(!same_key(&listed("A", "", "192.0.2.2", None), &a));
        assert!(!same_key(&listed("AAAA", "", "192.0.2.1", None), &a));
        let mx = planned(&[
            ("type", "MX".into()),
            ("record_name", "".into()),
            ("content", "mx.example.org".into()),
            ("priority", 20.into()),
        ]);
        assert!(same_key(
            &listed("MX", "", "MX.example.org.", Some(20)),
            &mx
        ));
        assert!(!same_key(
            &listed("MX", "", "mx.example.org", Some(10)),
            &mx
        ));
        let srv = planned(&[
            ("type", "SRV".into()),
            ("service", "sip".into()),
            ("protocol", "TCP".into()),
            ("target", "sip.example.org".into()),
            ("port", 5060.into()),
        ]);
        let mut listed_srv = listed("SRV", "_sip._tcp", "0 5060 sip.example.org", Some(10));
        listed_srv.service = Some("_sip".into());
        listed_srv.protocol = Some("_tcp".into());
        listed_srv.target = Some("sip.example.org".into());
        listed_srv.port = Some(5060);
        assert!(same_key(&listed_srv, &srv));
        listed_srv.port = Some(5061);
        assert!(!same_key(&listed_srv, &srv));
    }

    #[test]
    fn unicode_host_names_are_sent_as_a_labels_and_read_back_without_drift() {
        let planned = config(&[
            ("domain_name", "example.com".into()),
            ("type", "CNAME".into()),
            ("record_name", "bücher".into()),
            ("content", "Bücher.be".into()),
        ]);
        assert!(problems_for(&[
            ("domain_name", "example.com".into()),
            ("type", "CNAME".into()),
            ("record_name", "bücher".into()),
            ("content", "Bücher.be".into()),
        ])
        .is_empty());
        let request = request_from(&planned);
        assert_eq!(request.record_name.as_deref(), Some("xn--bcher-kva"));
        assert_eq!(request.content.as_deref(), Some("xn--bcher-kva.be"));
        let api = DnsRecord {
            id: Some("1-9".into()),
            record_type: Some("CNAME".into()),
            record_name: Some("xn--bcher-kva".into()),
            content: Some("xn--bcher-kva.be".into()),
            ttl: Some(3600),
            ..DnsRecord::default()
        };
        let state = state_from(&api, "example.com", &planned);
        assert_eq!(state.record_name.as_str(), Some("bücher"));
        assert_eq!(state.content.as_str(), Some("Bücher.be"));
        assert!(same_key(&api, &request));
        let srv = request_from(&config(&[
            ("type", "SRV".into()),
            ("service", "_sip".into()),
            ("target", "sip.bücher.be".into()),
            ("port", 5060.into()),
        ]));
        assert_eq!(srv.target.as_deref(), Some("sip.xn--bcher-kva.be"));
        // TXT content is text, not a host name: sent as written.
        let txt = request_from(&config(&[
            ("type", "TXT".into()),
            ("content", "bücher".into()),
        ]));
        assert_eq!(txt.content.as_deref(), Some("bücher"));
        for bad in ["💩.be", "bü_cher.be", "-bad-.example.com"] {
            assert!(
                !problems_for(&[
                    ("domain_name", "example.com".into()),
                    ("type", "ALIAS".into()),
                    ("content", bad.into()),
                ])
                .is_empty(),
                "{bad}"
            );
        }
    }

    fn api_a() -> DnsRecord {
        DnsRecord {
            id: Some("1-1234567890".into()),
            record_type: Some("A".into()),
            record_name: Some("".into()),
            ttl: Some(3600),
            content: Some("192.0.2.10".into()),
            priority: None,
            ..DnsRecord::default()
        }
    }

    #[test]
    fn apex_written_as_at_stays_at() {
        let prior = config(&with(a_record(), "record_name", "@".into()));
        let state = state_from(&api_a(), "example.com", &prior);
        assert_eq!(state.record_name.as_str(), Some("@"));
        let imported = state_from(&api_a(), "example.com", &DnsRecordModel::default());
        assert_eq!(imported.record_name.as_str(), Some(""));
    }

    #[test]
    fn priority_of_non_mx_records_is_null_whatever_the_api_says() {
        for api_priority in [None, Some(0)] {
            let api = DnsRecord {
                record_type: Some("CNAME".into()),
                content: Some("www.example.net".into()),
                priority: api_priority,
                ..api_a()
            };
            let state = state_from(&api, "example.com", &DnsRecordModel::default());
            assert!(state.priority.is_null());
        }
    }

    #[test]
    fn srv_fields_keep_the_configured_spelling() {
        let api = DnsRecord {
            id: Some("1-2".into()),
            record_type: Some("SRV".into()),
            record_name: Some("_sip._tcp".into()),
            ttl: Some(3600),
            content: Some("0 5060 sip.example.com".into()),
            service: Some("_sip".into()),
            protocol: Some("_tcp".into()),
            target: Some("sip.example.com".into()),
            priority: Some(10),
            port: Some(5060),
            weight: Some(0),
        };
        let prior = config(&with(srv_record(), "service", "sip".into()));
        let state = state_from(&api, "example.com", &prior);
        assert_eq!(state.protocol.as_str(), Some("TCP"));
        assert_eq!(state.service.as_str(), Some("sip"));
        assert_eq!(state.record_name.as_str(), Some("_sip._tcp"));
        assert_eq!(whole(&state.priority), Some(10));
        let imported = state_from(&api, "example.com", &DnsRecordModel::default());
        assert_eq!(imported.protocol.as_str(), Some("_tcp"));
    }

    #[test]
    fn host_names_compare_without_case_or_trailing_dot() {
        let api = DnsRecord {
            record_type: Some("CNAME".into()),
            record_name: Some("www".into()),
            content: Some("target.example.net".into()),
            ..api_a()
        };
        let prior = config(&[("content", "Target.Example.NET.".into())]);
        let state = state_from(&api, "example.com", &prior);
        assert_eq!(state.content.as_str(), Some("Target.Example.NET."));
    }

    #[test]
    fn requests_carry_only_what_applies_to_the_type() {
        let mut planned = config(&with(a_record(), "record_name", "@".into()));
        planned.ttl = number(Some(600));
        let req = request_from(&planned);
        assert_eq!(req.record_name.as_deref(), Some(""));
        assert_eq!(req.priority, None);
        assert_eq!(req.port, None);
        let mut planned = config(&with(srv_record(), "service", "sip".into()));
        planned.protocol = text("_udp");
        let req = request_from(&planned);
        assert_eq!(req.service.as_deref(), Some("_sip"));
        assert_eq!(req.protocol.as_deref(), Some("UDP"));
        assert_eq!(req.priority, Some(10));
        assert_eq!(req.weight, Some(0));
        assert_eq!(req.record_name, None);
        assert_eq!(req.content, None);
    }

    #[test]
    fn import_ids() {
        assert_eq!(
            parse_import_id("example.com/1-123"),
            Ok(("example.com".into(), "1-123".into()))
        );
        for bad in [
            "",
            "example.com",
            "example.com/",
            "/1-2",
            "a/b/c",
            "../1-2",
            "example.com/..",
            "example.com/%2e%2e",
            "example.com/1?x",
            "exa mple.com/1-2",
        ] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    fn plan_of(prior: Option<DnsRecordModel>, cfg: DnsRecordModel) -> PlanResponse {
        let old = prior.clone().unwrap_or_default();
        // What Terraform proposes: the configuration, computed attributes it leaves out kept.
        let proposed = DnsRecordModel {
            id: cfg.id.clone().or(old.id),
            record_name: cfg.record_name.clone().or(old.record_name),
            content: cfg.content.clone().or(old.content),
            ttl: cfg.ttl.clone().or(old.ttl),
            priority: cfg.priority.clone().or(old.priority),
            protocol: cfg.protocol.clone().or(old.protocol),
            weight: cfg.weight.clone().or(old.weight),
            ..cfg.clone()
        };
        futures_block_on(RESOURCE.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior: prior.map_or(Value::Null, |p| p.encode()),
                proposed: proposed.encode(),
                config: cfg.encode(),
                prior_private: Vec::new(),
            },
        ))
    }

    fn planned(p: &PlanResponse) -> DnsRecordModel {
        DnsRecordModel::decode_complete(&p.planned).unwrap()
    }

    fn futures_block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    #[test]
    fn create_plans_defaults_and_only_the_id_unknown() {
        let p = plan_of(None, config(&a_record()));
        assert!(planned(&p).id.is_unknown());
        assert_eq!(whole(&planned(&p).ttl), Some(3600));
        assert!(planned(&p).priority.is_null());
        let mx = with(
            with(a_record(), "type", "MX".into()),
            "content",
            "mail.example.com".into(),
        );
        let p = plan_of(None, config(&mx));
        assert_eq!(whole(&planned(&p).priority), Some(10));
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn wildcard_names_cannot_be_created_but_can_be_updated() {
        let cfg = config(&with(a_record(), "record_name", "*".into()));
        let p = plan_of(None, cfg.clone());
        assert!(p.diagnostics.has_errors());
        let mut prior = cfg.clone();
        prior.id = text("1-1");
        prior.ttl = number(Some(3600));
        let mut changed = cfg;
        changed.content = text("192.0.2.99");
        let p = plan_of(Some(prior), changed);
        assert!(!p.diagnostics.has_errors());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn the_derived_srv_name_and_content_plan_as_written() {
        let cfg = config(&with(
            with(srv_record(), "record_name", "_sip._tcp".into()),
            "content",
            "0 5060 sip.example.com".into(),
        ));
        let p = plan_of(None, cfg.clone());
        assert_eq!(planned(&p).record_name.as_str(), Some("_sip._tcp"));
        assert_eq!(planned(&p).content.as_str(), Some("0 5060 sip.example.com"));
        let mut prior = cfg.clone();
        prior.id = text("1-9");
        prior.protocol = text("_tcp");
        prior.ttl = number(Some(3600));
        prior.priority = number(Some(10));
        prior.weight = number(Some(0));
        let p = plan_of(Some(prior), cfg);
        assert!(p.requires_replace.is_empty());
        assert_eq!(planned(&p).content.as_str(), Some("0 5060 sip.example.com"));
    }

    #[test]
    fn generated_configuration_leaves_out_what_combell_derives() {
        let srv = listed("SRV", "_sip._udp", "0 5060 sip.example.com", Some(10));
        let srv = DnsRecord {
            service: Some("_sip".into()),
            protocol: Some("_udp".into()),
            target: Some("sip.example.com".into()),
            port: Some(5060),
            weight: Some(0),
            ttl: Some(3600),
            ..srv
        };
        let state = state_from(&srv, "example.com", &DnsRecordModel::default()).encode();
        let mut generated = tfplugin::generated_config(&schema(), &state);
        RESOURCE.trim_generated_config(&state, &mut generated);
        let generated = DnsRecordModel::decode(&generated).unwrap();
        assert!(generated.record_name.is_null() && generated.content.is_null());
        // Defaults left out; what differs from them kept.
        assert!(
            generated.ttl.is_null() && generated.priority.is_null() && generated.weight.is_null()
        );
        assert_eq!(generated.protocol.as_str(), Some("_udp"));
        assert_eq!(generated.service.as_str(), Some("_sip"));
        assert!(validate_config(&generated).is_empty());

        let mx = DnsRecord {
            ttl: Some(600),
            ..listed("MX", "", "mail.example.com", Some(10))
        };
        let state = state_from(&mx, "example.com", &DnsRecordModel::default()).encode();
        let mut generated = tfplugin::generated_config(&schema(), &state);
        RESOURCE.trim_generated_config(&state, &mut generated);
        let generated = DnsRecordModel::decode(&generated).unwrap();
        assert!(generated.record_name.is_null() && generated.priority.is_null());
        assert_eq!(whole(&generated.ttl), Some(600));
        assert_eq!(generated.content.as_str(), Some("mail.example.com"));
        assert!(validate_config(&generated).is_empty());
    }

    #[test]
    fn srv_changes_replace_only_when_the_meaning_changes() {
        let mut prior = config(&with(srv_record(), "protocol", "_tcp".into()));
        prior.id = text("1-9");
        prior.record_name = text("_sip._tcp");
        prior.content = text("0 5060 sip.example.com");
        prior.ttl = number(Some(3600));
        prior.priority = number(Some(10));
        prior.weight = number(Some(0));
        let prior = Some(prior);
        let same_meaning = config(&with(srv_record(), "protocol", "TCP".into()));
        assert!(plan_of(prior.clone(), same_meaning)
            .requires_replace
            .is_empty());
        let no_protocol = config(&with(srv_record(), "protocol", Value::Null));
        assert!(plan_of(prior.clone(), no_protocol)
            .requires_replace
            .is_empty());
        let other_port = config(&with(srv_record(), "port", 5061i64.into()));
        let p = plan_of(prior.clone(), other_port);
        assert_eq!(p.requires_replace, vec![AttributePath::new("port")]);
        assert!(planned(&p).id.is_unknown());
        let heavier = config(&with(srv_record(), "weight", 5i64.into()));
        let p = plan_of(prior, heavier);
        assert!(p.requires_replace.is_empty());
        assert!(planned(&p).content.is_unknown());
        assert_eq!(planned(&p).id.as_str(), Some("1-9"));
    }
}
