//! List resource `combell_dns_record`: the records of one zone (`GET /dns/{domainName}/records`),
//! optionally of one type or name. NS and SOA records are left out: Combell manages them and
//! `combell_dns_record` cannot hold them.

use async_trait::async_trait;
use combell_api::{Client, DnsRecord, DnsRecordFilter};
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Field, Model, Resource, Value};

use crate::core::list::{check_named_domain, Filter, Filters, FindResult, Found, Lister};
use crate::dns::record::{state_from, DnsRecordModel, RESOURCE, WRITABLE_TYPES};

pub struct DnsRecordList;

model! {
    /// The configuration of the `combell_dns_record` list.
    pub struct DnsRecordListConfig {
        domain_name: String,
        r#type: String,
        record_name: String,
    }
}

#[async_trait]
impl Lister for DnsRecordList {
    fn resource(&self) -> &'static dyn Resource {
        &RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the DNS records of a zone hosted by Combell, for `terraform query`. NS and SOA \
         records, which Combell manages itself, are not listed.";
    const FILTERS: &'static [Filter] = &[];
    const API_OPERATIONS: &'static [&'static str] = &["GET /dns/{domainName}/records"];
    fn own_filters(&self) -> Vec<Attribute> {
        vec![
            Attribute::string("domain_name")
                .required()
                .description("The zone whose records are listed, such as `example.com`."),
            Attribute::string("type").optional().description(
                "Only records of this type (`A`, `AAAA`, `CNAME`, `MX`, `SRV`, `TXT`, `ALIAS`, \
                 `TLSA` or `CAA`). Left out, all of them.",
            ),
            Attribute::string("record_name").optional().description(
                "Only records with this name relative to the zone (`www`; `\"\"` or `@` for the \
                 apex). Left out, all names.",
            ),
        ]
    }
    fn check(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let filter = match DnsRecordListConfig::decode(config) {
            Ok(filter) => filter,
            Err(d) => return d,
        };
        RecordFilter::check_type(&filter.r#type, &mut diags);
        check_named_domain(
            config,
            "Set domain_name to the zone to list, such as \"example.com\".",
            &mut diags,
        );
        diags
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let config: DnsRecordListConfig = filters.own()?;
        let domain = filters.domain_name.clone().unwrap_or_default();
        let filter = RecordFilter::new(&config.r#type, &config.record_name);
        let records = client
            .list_dns_records(&domain, &filter.api(), found.stopping())
            .await?;
        for record in records.iter().filter(|r| filter.matches(r)) {
            let record_type = record
                .record_type
                .as_deref()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let name = record.record_name.clone().unwrap_or_default();
            let fqdn = if name.is_empty() {
                domain.clone()
            } else {
                format!("{name}.{domain}")
            };
            let shown = format!(
                "{fqdn} {record_type} {}",
                record.content.as_deref().unwrap_or_default()
            );
            let state = state_from(record, &domain, &DnsRecordModel::default()).encode();
            if !found.send_state(shown, state).await? {
                break;
            }
        }
        Ok(())
    }
}

/// The `type` and `record_name` filters that the list and `data.combell_dns_records` share: the
/// API is asked for the type, and since its filters are not trusted to be exact, both are
/// checked again on every record; records without an id and types `combell_dns_record` cannot
/// hold (NS, SOA) never match.
pub(crate) struct RecordFilter<'a> {
    record_type: Option<&'a str>,
    /// `@` reads as the apex, `""`.
    record_name: Option<&'a str>,
}

impl<'a> RecordFilter<'a> {
    pub(crate) fn new(record_type: &'a Field<String>, record_name: &'a Field<String>) -> Self {
        RecordFilter {
            record_type: record_type.as_str(),
            record_name: record_name.as_str().map(|n| if n == "@" { "" } else { n }),
        }
    }

    /// The filter for `GET /dns/{domainName}/records`.
    pub(crate) fn api(&self) -> DnsRecordFilter {
        DnsRecordFilter {
            record_type: self.record_type.map(str::to_string),
            ..DnsRecordFilter::default()
        }
    }

    pub(crate) fn matches(&self, record: &DnsRecord) -> bool {
        let record_type = record
            .record_type
            .as_deref()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let name = record.record_name.as_deref().unwrap_or_default();
        record.id.is_some()
            && WRITABLE_TYPES.contains(&record_type.as_str())
            && self.record_type.is_none_or(|t| t == record_type)
            && self
                .record_name
                .is_none_or(|n| n.eq_ignore_ascii_case(name))
    }

    /// Plan-time check of a configured `type` filter.
    pub(crate) fn check_type(record_type: &Field<String>, diags: &mut Diagnostics) {
        if let Some(t) = record_type.as_str() {
            if !WRITABLE_TYPES.contains(&t) {
                diags.error_at(
                    AttributePath::new("type"),
                    "Unsupported record type",
                    format!(
                        "\"{t}\" is not a type combell_dns_record manages; use one of {}, in \
                         upper case.",
                        WRITABLE_TYPES.join(", ")
                    ),
                );
            }
        }
    }
}
