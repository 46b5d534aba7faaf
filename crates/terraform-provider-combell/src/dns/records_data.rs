//! `combell_dns_records`: the records of one zone (`GET /v2/dns/<domain>/records`, every page),
//! optionally of one type or name, each mapped as `combell_dns_record` maps it. NS and SOA
//! records are left out, as the list resource leaves them out: Combell manages them and
//! `combell_dns_record` cannot hold them. Sorted by name, type, content and id, so that an
//! index means the same record from one read to the next.

use async_trait::async_trait;

use crate::core::data::{known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::core::rules::{self, HostRules};
use crate::dns::record::{canonical_domain, state_from, DnsRecordModel};
use crate::dns::record_list::RecordFilter;
use combell_api::DnsRecord;
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Nesting, Number, Schema};

const TYPE_NAME: &str = "combell_dns_records";

pub struct DnsRecordsDataSource;

model! {
    /// The state of `data.combell_dns_records`.
    pub struct DnsRecordsState {
        id: String,
        domain_name: String,
        r#type: String,
        record_name: String,
        records: Vec<Entry>,
    }
}

model! {
    /// One record of [`DnsRecordsState`]: `combell_dns_record`'s attributes but the zone.
    pub struct Entry {
        id: String,
        r#type: String,
        record_name: String,
        content: String,
        ttl: i64,
        priority: i64,
        service: String,
        protocol: String,
        target: String,
        port: i64,
        weight: i64,
    }
}

fn schema() -> Schema {
    let computed = |a: Attribute, description: &str| a.computed().description(description);
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The zone, in lower case; present because Terraform expects an id."),
        Attribute::string("domain_name")
            .required()
            .description("The zone whose records are read, such as `example.com`."),
        Attribute::string("type").optional().description(
            "Only records of this type (`A`, `AAAA`, `CNAME`, `MX`, `SRV`, `TXT`, `ALIAS`, `TLSA` \
             or `CAA`). Left out, all of them.",
        ),
        Attribute::string("record_name").optional().description(
            "Only records with this name relative to the zone (`www`; `\"\"` or `@` for the \
             apex; `_sip._tcp` for an SRV record), compared without regard to case. Left out, \
             all names.",
        ),
        Attribute::nested(
            "records",
            Nesting::List,
            vec![
                computed(
                    Attribute::string("id"),
                    "Combell's id of the record, such as `1-4787652784` (import it as \
                     `<domain_name>/<id>`).",
                ),
                computed(Attribute::string("type"), "The record type, in upper case."),
                computed(
                    Attribute::string("record_name"),
                    "Name relative to the zone, `\"\"` for the apex.",
                ),
                computed(
                    Attribute::string("content"),
                    "The record's data (for SRV, `weight port target` as Combell derives it).",
                ),
                computed(Attribute::number("ttl"), "Time to live in seconds."),
                computed(
                    Attribute::number("priority"),
                    "MX and SRV: the priority; null for other types.",
                ),
                computed(Attribute::string("service"), "SRV only: such as `_sip`."),
                computed(Attribute::string("protocol"), "SRV only: such as `_tcp`."),
                computed(Attribute::string("target"), "SRV only: the target host."),
                computed(Attribute::number("port"), "SRV only: the port."),
                computed(Attribute::number("weight"), "SRV only: the weight."),
            ],
        )
        .computed()
        .description(
            "The matching records, sorted by name, type, content and id. NS and SOA records \
             are not included.",
        ),
    ])
    .description(
        "Reads the DNS records of a zone hosted by Combell, all of them or those of one type \
         or name, with the attributes `combell_dns_record` uses. NS and SOA records, which \
         Combell manages itself, are left out.",
    )
}

#[async_trait]
impl Reader for DnsRecordsDataSource {
    type Model = DnsRecordsState;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /dns/{domainName}/records"];

    fn schema(&self) -> Schema {
        schema()
    }
    fn validate(&self, config: &DnsRecordsState, diags: &mut Diagnostics) {
        RecordFilter::check_type(&config.r#type, diags);
        if let Some(domain) = config.domain_name.as_str() {
            if let Err(detail) = rules::host_name(domain.trim(), HostRules::ZONE) {
                diags.error_at(
                    AttributePath::new("domain_name"),
                    "Invalid domain name",
                    detail,
                );
            }
        }
    }

    async fn read(
        &self,
        client: &Client,
        config: DnsRecordsState,
        cancel: &CancellationToken,
    ) -> Result<DnsRecordsState, Failure> {
        let domain = canonical_domain(known(&config.domain_name, "domain_name")?);
        let filter = RecordFilter::new(&config.r#type, &config.record_name).api();
        let records = client.list_dns_records(&domain, &filter, cancel).await?;
        Ok(state_of(config, &domain, &records))
    }
}

fn whole(n: &tfplugin::Field<Number>) -> tfplugin::Field<i64> {
    tfplugin::Field::from_option(n.get().and_then(Number::as_i64))
}

/// The state: the configuration with the id and the records that match its filters. The API's
/// filters are not trusted to be exact: both are checked here too.
fn state_of(mut config: DnsRecordsState, domain: &str, records: &[DnsRecord]) -> DnsRecordsState {
    let filter = RecordFilter::new(&config.r#type, &config.record_name);
    let mut entries: Vec<Entry> = records
        .iter()
        .filter(|r| filter.matches(r))
        .map(|r| state_from(r, domain, &DnsRecordModel::default()))
        .map(|m| Entry {
            id: m.id,
            r#type: m.r#type,
            record_name: m.record_name,
            content: m.content,
            ttl: whole(&m.ttl),
            priority: whole(&m.priority),
            service: m.service,
            protocol: m.protocol,
            target: m.target,
            port: whole(&m.port),
            weight: whole(&m.weight),
        })
        .collect();
    let key = |e: &Entry| {
        [&e.record_name, &e.r#type, &e.content, &e.id]
            .map(|f| f.as_str().unwrap_or_default().to_ascii_lowercase())
    };
    entries.sort_by_key(key);
    config.id = domain.to_string().into();
    config.records = entries.into();
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(id: &str, record_type: &str, name: &str, content: &str) -> DnsRecord {
        DnsRecord {
            id: Some(id.into()),
            record_type: Some(record_type.into()),
            record_name: Some(name.into()),
            content: Some(content.into()),
            ttl: Some(3600),
            priority: Some(0),
            ..DnsRecord::default()
        }
    }

    fn zone() -> Vec<DnsRecord> {
        vec![
            api("1-5", "A", "www", "192.0.2.2"),
            api("1-1", "NS", "", "ns3.european-server.com"),
            api("1-2", "A", "www", "192.0.2.1"),
            DnsRecord {
                priority: Some(10),
                ..api("1-3", "MX", "", "mail.example.com")
            },
            api("1-4", "TXT", "", "v=spf1 -all"),
            DnsRecord {
                id: None,
                ..api("", "A", "ghost", "192.0.2.9")
            },
        ]
    }

    fn config(record_type: Option<&str>, name: Option<&str>) -> DnsRecordsState {
        DnsRecordsState {
            domain_name: "Example.com".to_string().into(),
            r#type: tfplugin::Field::from_option(record_type.map(str::to_string)),
            record_name: tfplugin::Field::from_option(name.map(str::to_string)),
            ..DnsRecordsState::default()
        }
    }

    fn ids(state: &DnsRecordsState) -> Vec<&str> {
        state
            .records
            .items()
            .iter()
            .filter_map(|e| e.id.as_str())
            .collect()
    }

    #[test]
    fn every_record_but_ns_soa_and_idless_ones_sorted() {
        let state = state_of(config(None, None), "example.com", &zone());
        assert_eq!(ids(&state), ["1-3", "1-4", "1-2", "1-5"]);
        assert_eq!(state.id.as_str(), Some("example.com"));
        // Kept as configured.
        assert_eq!(state.domain_name.as_str(), Some("Example.com"));
        let mx = &state.records.items()[0];
        assert_eq!(mx.priority.get(), Some(10));
        // Combell's 0 for a type without a priority reads as null, as in combell_dns_record.
        let a = &state.records.items()[2];
        assert!(a.priority.is_null());
        assert!(a.port.is_null());
        assert_eq!(a.ttl.get(), Some(3600));
    }

    #[test]
    fn filters_by_type_and_name_the_apex_as_at_or_empty() {
        let a = state_of(config(Some("A"), None), "example.com", &zone());
        assert_eq!(ids(&a), ["1-2", "1-5"]);
        let apex = state_of(config(None, Some("@")), "example.com", &zone());
        assert_eq!(ids(&apex), ["1-3", "1-4"]);
        let empty = state_of(config(Some("TXT"), Some("")), "example.com", &zone());
        assert_eq!(ids(&empty), ["1-4"]);
        let www = state_of(config(None, Some("WWW")), "example.com", &zone());
        assert_eq!(ids(&www), ["1-2", "1-5"]);
        let none = state_of(config(Some("CAA"), None), "example.com", &zone());
        assert!(none.records.items().is_empty());
    }
}
