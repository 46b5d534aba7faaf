//! DNS records of a domain. Creates are synchronous: 201 with the new id only in `Location`.
//!
//! Every field is optional because the API returns `null` for whatever does not apply to a
//! record type, and unset fields are left out of request bodies rather than sent as `null`.
//! Record ids are opaque strings (`1-4787652784`).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::cache::InvalidateOnDrop;
use super::transport::Request;
use super::{api_path, require, Client, Error};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

/// Filters of `GET /dns/{domain}/records`. The API applies `record_name` only together with a
/// `record_type` of A, CNAME, TXT, ALIAS or TLSA, and `service` only for SRV.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsRecordFilter {
    pub record_type: Option<String>,
    pub record_name: Option<String>,
    pub service: Option<String>,
}

fn check_domain(domain: &str) -> Result<(), Error> {
    require("domain name", domain)
}

fn check_id(id: &str) -> Result<(), Error> {
    require("DNS record id", id)
}

impl Client {
    /// `GET /dns/{domain}/records`, every page.
    pub async fn list_dns_records(
        &self,
        domain: &str,
        filter: &DnsRecordFilter,
        cancel: &CancellationToken,
    ) -> Result<Vec<DnsRecord>, Error> {
        check_domain(domain)?;
        let mut request = Request::new(Method::GET, api_path(&["dns", domain, "records"])?);
        if let Some(record_type) = &filter.record_type {
            request = request.query("type", record_type);
        }
        if let Some(record_name) = &filter.record_name {
            request = request.query("record_name", record_name);
        }
        if let Some(service) = &filter.service {
            request = request.query("service", service);
        }
        self.get_paged(request, cancel).await
    }

    /// `GET /dns/{domain}/records/{id}`. A missing record is an error with `is_not_found()`.
    pub async fn get_dns_record(
        &self,
        domain: &str,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<DnsRecord, Error> {
        check_domain(domain)?;
        check_id(id)?;
        let request = Request::new(Method::GET, api_path(&["dns", domain, "records", id])?);
        self.get_json(request, cancel).await
    }

    /// One record, read from the zone's list (one paged call shared by every read of the zone
    /// in this process, see [`super::cache`]); `None` when the record does not exist.
    ///
    /// A record missing from the list is looked up with the single GET before it is declared
    /// gone, so that a list that is a few moments old never drops a record from the state.
    pub async fn read_dns_record(
        &self,
        domain: &str,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<DnsRecord>, Error> {
        check_domain(domain)?;
        check_id(id)?;
        let everything = DnsRecordFilter::default();
        let listed = self
            .caches()
            .dns_records
            .get(domain, || {
                self.list_dns_records(domain, &everything, cancel)
            })
            .await;
        match listed {
            Ok(records) => {
                if let Some(record) = records.iter().find(|r| r.id.as_deref() == Some(id)) {
                    return Ok(Some(record.clone()));
                }
            }
            // No such zone (any more): the single GET below says what that means for the record.
            Err(err) if err.is_not_found() => {}
            Err(err) => return Err(err),
        }
        match self.get_dns_record(domain, id, cancel).await {
            Ok(record) => Ok(Some(record)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// `POST /dns/{domain}/records`; returns the new record's id, taken from `Location`.
    /// Never re-sent after a timeout: a retry could create the record twice.
    pub async fn create_dns_record(
        &self,
        domain: &str,
        record: &DnsRecord,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        check_domain(domain)?;
        let _invalidate = InvalidateOnDrop::new(&self.caches().dns_records, domain);
        // The API ignores an id on create; leaving it out keeps the signed body honest.
        let body = DnsRecord {
            id: None,
            ..record.clone()
        };
        let request =
            Request::new(Method::POST, api_path(&["dns", domain, "records"])?).json(&body)?;
        self.create_located(request, cancel).await
    }

    /// `PUT /dns/{domain}/records/{id}`: full replacement (answers 200 without a body).
    pub async fn update_dns_record(
        &self,
        domain: &str,
        id: &str,
        record: &DnsRecord,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        check_domain(domain)?;
        let _invalidate = InvalidateOnDrop::new(&self.caches().dns_records, domain);
        check_id(id)?;
        let request =
            Request::new(Method::PUT, api_path(&["dns", domain, "records", id])?).json(record)?;
        self.send_only(request, cancel).await
    }

    /// `DELETE /dns/{domain}/records/{id}` (204). A record that is already gone gives an
    /// error with `is_not_found()`, which callers deleting treat as success.
    pub async fn delete_dns_record(
        &self,
        domain: &str,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        check_domain(domain)?;
        let _invalidate = InvalidateOnDrop::new(&self.caches().dns_records, domain);
        check_id(id)?;
        let request = Request::new(Method::DELETE, api_path(&["dns", domain, "records", id])?);
        self.send_only(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_with_nulls_and_unknown_fields() {
        let records: Vec<DnsRecord> = serde_json::from_str(
            r#"[
              {"id":"1-1","type":"A","record_name":"","ttl":3600,"content":"192.0.2.1",
               "service":null,"target":null,"protocol":null,"priority":null,"port":null,
               "weight":null,"future":"x"},
              {"id":"1-2","type":"SRV","record_name":"_submission._tcp","ttl":3600,
               "content":"1 587 smtp-auth.example.com","service":"_submission",
               "target":"smtp-auth.example.com","protocol":"_tcp","priority":10,"port":587,
               "weight":1},
              {"id":null,"type":null,"record_name":null,"ttl":null,"content":null}
            ]"#,
        )
        .unwrap();
        assert_eq!(records[0].record_type.as_deref(), Some("A"));
        assert_eq!(records[0].record_name.as_deref(), Some(""));
        assert_eq!(records[0].priority, None);
        assert_eq!(records[1].port, Some(587));
        assert_eq!(records[1].protocol.as_deref(), Some("_tcp"));
        assert_eq!(records[2], DnsRecord::default());
    }

    #[test]
    fn writes_only_set_fields_with_wire_names() {
        let record = DnsRecord {
            record_type: Some("A".into()),
            record_name: Some("www".into()),
            ttl: Some(3600),
            content: Some("192.0.2.1".into()),
            ..DnsRecord::default()
        };
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1"}"#
        );
    }
}
