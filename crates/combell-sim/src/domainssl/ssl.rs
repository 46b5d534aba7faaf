//! SSL certificate requests and certificates (API-SUMMARY.md §1.8).
//!
//! `POST /v2/sslcertificaterequests` reads the CSR's common name and subjectAltNames, checks them
//! against the certificate type, and answers 201 + `Location`. The request then shows one
//! `validations[]` entry per name with all three ways of proving control (type `dns`,
//! `auto_validated: false`): a CNAME `_<md5 of the CSR>.<name>` pointing to
//! `<sha256 of the CSR, split>.<unique>.sectigo.com`, a file under `/.well-known/pki-validation/`,
//! and the usual admin mailboxes. Once that CNAME exists in the simulator's DNS zone of the name
//! and `PUT /v2/sslcertificaterequests/{id}` (verify) was called, the request completes one job
//! duration later: the certificate appears and the request answers 303 to
//! `/v2/sslcertificates/{sha1Fingerprint}`. A request cancelled through
//! `POST /_sim/sslcertificaterequests/{id}/cancel`, or left pending for 30 days, answers 410.
//!
//! Certificates are real X.509 certificates, self-signed by rcgen with a fresh P-256 key, so
//! their SHA-1 fingerprints are real fingerprints. The download (`file_format=pfx`) is a real
//! PKCS#12 archive holding the certificate and its key, its integrity protected by the password
//! (see [`super::pfx`]).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use md5::Digest as _;
use serde::{Deserialize, Serialize};

use combell_api::der::{self, hex_upper};

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{
    answer, created, located, no_content, param, parse_json, path_or_404, query_map, PathArg,
    QueryArg,
};
use crate::names::{check_password, is_host_name};
use crate::paging::paged;
use crate::shared::{now_ms, Shared};
use crate::state::ssl::{CertRequest, Certificate, RequestStatus, FIRST_REQUEST_ID};
use crate::state::SimState;

/// A pending request older than this is gone (410), as an unvalidated order lapses.
const REQUEST_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;
/// Issued certificates are valid this long, the CA/Browser Forum's limit.
const CERTIFICATE_DAYS: i64 = 397;
const MAX_NAMES: usize = 100;

pub const CERTIFICATE_TYPES: [&str; 3] = ["standard", "multi_domain", "wildcard"];
pub const VALIDATION_LEVELS: [&str; 3] = [
    "domain_validated",
    "organization_validated",
    "extended_validated",
];
/// What organisation and extended validation need, per the spec's table.
const REQUIRED_ATTRIBUTES: [&str; 8] = [
    "Firstname",
    "Lastname",
    "Phone",
    "EmailAddress",
    "Street",
    "Number",
    "PostalCode",
    "VatCountryCode",
];

/// The API's `SslSubjectAltName`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectAltName {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub value: String,
}

/// The API's `SslCertificateRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestView {
    pub certificate_type: String,
    pub common_name: String,
    pub id: i32,
    pub order_code: String,
    pub validation_level: String,
    pub vendor: &'static str,
}

/// The API's `SslCertificateRequestValidation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationView {
    pub auto_validated: bool,
    pub cname_validation_content: String,
    pub cname_validation_name: String,
    pub dns_name: String,
    pub email_addresses: Vec<String>,
    pub file_validation_content: Vec<String>,
    pub file_validation_url_http: String,
    pub file_validation_url_https: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// The API's `SslCertificateRequestDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestDetail {
    pub certificate_type: String,
    pub common_name: String,
    pub id: i32,
    pub order_code: String,
    pub subject_alt_names: Vec<SubjectAltName>,
    pub validation_level: String,
    pub validations: Vec<ValidationView>,
    pub vendor: &'static str,
}

/// The API's `SslCertificate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateView {
    pub common_name: String,
    pub expires_after: String,
    pub sha1_fingerprint: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub validation_level: String,
}

/// The API's `SslCertificateDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateDetail {
    pub common_name: String,
    pub expires_after: String,
    pub sha1_fingerprint: String,
    pub subject_alt_names: Vec<SubjectAltName>,
    #[serde(rename = "type")]
    pub kind: String,
    pub validation_level: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AdditionalAttribute {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// The API's `CreateSslCertificateRequest`; enums are read as text so a wrong value is a
/// validation error with its own code rather than a generic body error.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateRequest {
    pub additional_validation_attributes: Option<Vec<AdditionalAttribute>>,
    pub certificate_type: Option<String>,
    pub csr: Option<String>,
    pub validation_level: Option<String>,
}

/// What a poll of a request finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestOutcome {
    Pending(Box<RequestDetail>),
    Issued(String),
    Gone,
}

fn request_not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "ssl_certificate_request_not_found",
        format!("SSL certificate request '{id}' does not exist."),
    )
}

fn certificate_not_found(fingerprint: &str) -> ApiError {
    ApiError::not_found(
        "ssl_certificate_not_found",
        format!("There is no SSL certificate with SHA-1 fingerprint '{fingerprint}'."),
    )
}

/// The name a validation proves control of: a wildcard is validated on its base name.
fn base_name(name: &str) -> &str {
    name.strip_prefix("*.").unwrap_or(name)
}

/// The registered domain a name belongs to, where the admin mailboxes live.
fn registered_domain(name: &str) -> String {
    let labels: Vec<&str> = base_name(name).split('.').collect();
    let keep = if labels.len() >= 3 && super::is_registrable(&labels[labels.len() - 3..].join("."))
    {
        3
    } else {
        2
    };
    labels[labels.len().saturating_sub(keep)..].join(".")
}

fn normalise_host(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn sans(names: &[String]) -> Vec<SubjectAltName> {
    names
        .iter()
        .map(|n| SubjectAltName {
            kind: "dns",
            value: n.clone(),
        })
        .collect()
}

impl CertRequest {
    fn cname_name(&self, name: &str) -> String {
        format!("_{}.{}", self.csr_md5, base_name(name))
    }

    fn cname_content(&self) -> String {
        format!(
            "{}.{}.{}.sectigo.com",
            &self.csr_sha256[..32],
            &self.csr_sha256[32..],
            self.unique_value
        )
    }

    /// One entry per name to prove, wildcards folded onto their base name.
    pub fn validations(&self) -> Vec<ValidationView> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for name in &self.names {
            let base = base_name(name);
            if seen.contains(&base) {
                continue;
            }
            seen.push(base);
            let file = format!(
                "{base}/.well-known/pki-validation/{}.txt",
                self.csr_md5.to_ascii_uppercase()
            );
            let domain = registered_domain(name);
            out.push(ValidationView {
                auto_validated: false,
                cname_validation_content: self.cname_content(),
                cname_validation_name: self.cname_name(name),
                dns_name: name.clone(),
                email_addresses: [
                    "admin",
                    "administrator",
                    "hostmaster",
                    "postmaster",
                    "webmaster",
                ]
                .iter()
                .map(|user| format!("{user}@{domain}"))
                .collect(),
                file_validation_content: vec![
                    self.csr_sha256.clone(),
                    "sectigo.com".to_string(),
                    self.unique_value.clone(),
                ],
                file_validation_url_http: format!("http://{file}"),
                file_validation_url_https: format!("https://{file}"),
                kind: "dns",
            });
        }
        out
    }

    fn view(&self) -> RequestView {
        RequestView {
            certificate_type: self.certificate_type.clone(),
            common_name: self.common_name.clone(),
            id: self.id,
            order_code: self.order_code.clone(),
            validation_level: self.validation_level.clone(),
            vendor: "sectigo",
        }
    }

    fn detail(&self) -> RequestDetail {
        RequestDetail {
            certificate_type: self.certificate_type.clone(),
            common_name: self.common_name.clone(),
            id: self.id,
            order_code: self.order_code.clone(),
            subject_alt_names: sans(&self.names),
            validation_level: self.validation_level.clone(),
            validations: self.validations(),
            vendor: "sectigo",
        }
    }
}

impl Certificate {
    fn view(&self) -> CertificateView {
        CertificateView {
            common_name: self.common_name.clone(),
            expires_after: self.expires_after.clone(),
            sha1_fingerprint: self.sha1_fingerprint.clone(),
            kind: self.certificate_type.clone(),
            validation_level: self.validation_level.clone(),
        }
    }
}

/// A name a public CA certifies: at least two labels, no `*` left, not an IP address.
fn is_public_name(name: &str) -> bool {
    is_host_name(name)
        && !name.contains('*')
        && name.contains('.')
        && name
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// Checks the names of a CSR against the certificate type; returns them, common name first.
fn names_for(
    certificate_type: &str,
    common_name: &str,
    dns_names: &[String],
    errors: &mut Vec<ErrorMessage>,
) -> Vec<String> {
    let mut names = vec![common_name.to_string()];
    for name in dns_names.iter().map(|n| normalise_host(n)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    for name in &names {
        if !is_public_name(base_name(name)) {
            errors.push(ErrorMessage::new(
                "ssl_csr_name_invalid",
                format!("'{name}' in the CSR is not a valid domain name."),
            ));
        }
    }
    let wildcard = common_name.starts_with("*.");
    match certificate_type {
        "standard" => {
            // A standard certificate covers one name, with or without www.
            let bare = common_name.strip_prefix("www.").unwrap_or(common_name);
            let allowed = [bare.to_string(), format!("www.{bare}")];
            if wildcard || names.iter().any(|n| !allowed.contains(n)) {
                errors.push(ErrorMessage::new(
                    "ssl_standard_certificate_single_domain",
                    "A standard certificate covers a single domain (and its www. name); use multi_domain or wildcard.",
                ));
            } else if !names.contains(&allowed[1]) && common_name == bare {
                // Sectigo adds the www. name to a standard certificate for free.
                names.push(allowed[1].clone());
            }
        }
        "wildcard" => {
            if !wildcard {
                errors.push(ErrorMessage::new(
                    "ssl_wildcard_common_name_invalid",
                    "A wildcard certificate needs a common name of the form *.example.com.",
                ));
            } else if names
                .iter()
                .any(|n| n != common_name && n != base_name(common_name))
            {
                errors.push(ErrorMessage::new(
                    "ssl_wildcard_certificate_single_domain",
                    "A wildcard certificate covers *.name and name only; use multi_domain for more.",
                ));
            }
        }
        _ => {
            if names.iter().any(|n| n.starts_with("*.")) {
                errors.push(ErrorMessage::new(
                    "ssl_multi_domain_wildcard_not_supported",
                    "A multi_domain certificate cannot contain wildcard names.",
                ));
            }
        }
    }
    if names.len() > MAX_NAMES {
        errors.push(ErrorMessage::new(
            "ssl_too_many_names",
            format!("A certificate can hold at most {MAX_NAMES} names."),
        ));
    }
    names
}

/// Today plus `days`, as a calendar date.
fn date_after(now_ms: i64, days: i64) -> chrono::NaiveDate {
    let today = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .date_naive();
    today
        .checked_add_days(chrono::Days::new(days.unsigned_abs()))
        .unwrap_or(today)
}

/// A fresh self-signed certificate for `names`, valid from today for [`CERTIFICATE_DAYS`].
fn issue(request: &CertRequest, now_ms: i64) -> Result<Certificate, String> {
    use chrono::Datelike;
    let ymd = |d: chrono::NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    let mut params =
        rcgen::CertificateParams::new(request.names.clone()).map_err(|e| e.to_string())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, request.common_name.clone());
    params.not_before = ymd(date_after(now_ms, 0));
    let expires = date_after(now_ms, CERTIFICATE_DAYS);
    params.not_after = ymd(expires);
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let certificate = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(Certificate {
        sha1_fingerprint: hex_upper(&der::sha1(certificate.der())),
        common_name: request.common_name.clone(),
        expires_after: format!("{}T00:00:00Z", expires.format("%Y-%m-%d")),
        certificate_type: request.certificate_type.clone(),
        validation_level: request.validation_level.clone(),
        names: request.names.clone(),
        certificate_pem: certificate.pem(),
        private_key_pem: key.serialize_pem(),
    })
}

impl SimState {
    /// Validates a request and records it; returns its id. Every problem is reported at once.
    pub fn create_ssl_request(
        &mut self,
        request: &CreateRequest,
        now_ms: i64,
    ) -> Result<i32, ApiError> {
        let mut errors = Vec::new();
        let choice = |value: &Option<String>,
                      allowed: &[&str],
                      what: &str,
                      errors: &mut Vec<ErrorMessage>| {
            let value = value.as_deref().map(|v| v.trim().to_ascii_lowercase());
            match value.as_deref() {
                None | Some("") => {
                    errors.push(ErrorMessage::new(
                        &format!("ssl_{what}_required"),
                        format!("{what} is required ({}).", allowed.join(", ")),
                    ));
                    None
                }
                Some(v) if allowed.contains(&v) => Some(v.to_string()),
                Some(v) => {
                    errors.push(ErrorMessage::new(
                        &format!("ssl_{what}_invalid"),
                        format!("'{v}' is not a {what}; use one of {}.", allowed.join(", ")),
                    ));
                    None
                }
            }
        };
        let certificate_type = choice(
            &request.certificate_type,
            &CERTIFICATE_TYPES,
            "certificate_type",
            &mut errors,
        );
        let validation_level = choice(
            &request.validation_level,
            &VALIDATION_LEVELS,
            "validation_level",
            &mut errors,
        );
        let csr = match request.csr.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(ErrorMessage::new(
                    "ssl_csr_required",
                    "A certificate signing request (csr, PEM) is required.",
                ));
                None
            }
            Some(text) => {
                let parsed = der::parse_csr(text);
                if parsed.is_none() {
                    errors.push(ErrorMessage::new(
                        "ssl_csr_invalid",
                        "The csr is not a PEM-encoded PKCS#10 certificate signing request.",
                    ));
                }
                parsed
            }
        };
        let common_name = csr.as_ref().and_then(|c| {
            let cn = c.common_name.as_deref().map(normalise_host);
            if cn.as_deref().is_none_or(str::is_empty) {
                errors.push(ErrorMessage::new(
                    "ssl_csr_common_name_required",
                    "The CSR's subject has no common name (CN).",
                ));
            }
            cn.filter(|cn| !cn.is_empty())
        });
        if let Some(country) = csr.as_ref().and_then(|c| c.country.as_deref()) {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
                errors.push(ErrorMessage::new(
                    "ssl_csr_country_invalid",
                    format!("The CSR's country (C) '{country}' is not an ISO 3166-1 alpha-2 code."),
                ));
            }
        }
        let names = match (&certificate_type, &common_name, &csr) {
            (Some(kind), Some(cn), Some(csr)) => names_for(kind, cn, &csr.dns_names, &mut errors),
            _ => Vec::new(),
        };
        if let Some(level) = validation_level.as_deref() {
            if level != "domain_validated" {
                let given = request
                    .additional_validation_attributes
                    .as_deref()
                    .unwrap_or(&[]);
                for wanted in REQUIRED_ATTRIBUTES {
                    let present = given.iter().any(|a| {
                        a.name
                            .as_deref()
                            .is_some_and(|n| n.trim().eq_ignore_ascii_case(wanted))
                            && a.value.as_deref().is_some_and(|v| !v.trim().is_empty())
                    });
                    if !present {
                        errors.push(ErrorMessage::new(
                            "ssl_additional_validation_attribute_required",
                            format!("{level} needs the additional validation attribute {wanted}."),
                        ));
                    }
                }
            }
            if level == "extended_validated" && certificate_type.as_deref() == Some("wildcard") {
                errors.push(ErrorMessage::new(
                    "ssl_wildcard_extended_validation_not_allowed",
                    "Extended validation is not available for wildcard certificates.",
                ));
            }
        }
        let (Some(certificate_type), Some(validation_level), Some(common_name), Some(csr)) =
            (certificate_type, validation_level, common_name, csr)
        else {
            return Err(ApiError::Validation(errors));
        };
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let ssl = &mut self.domainssl.ssl;
        let id = ssl.next_request_id.max(FIRST_REQUEST_ID);
        ssl.next_request_id = id.saturating_add(1);
        let md5 = md5::Md5::digest(&csr.der);
        let sha256 = sha2::Sha256::digest(&csr.der);
        ssl.requests.insert(
            id,
            CertRequest {
                id,
                certificate_type,
                validation_level,
                common_name,
                order_code: format!("SSL{:07}", id),
                names,
                csr_md5: hex_upper(&md5),
                csr_sha256: hex_upper(&sha256),
                unique_value: format!("sim{:07}", rand::random_range(0..10_000_000u32)),
                created_ms: now_ms,
                verify_due_ms: None,
                status: RequestStatus::Pending,
            },
        );
        Ok(id)
    }

    /// True when the CNAME that proves `name` is in the simulator's zone for it.
    fn cname_published(&self, fqdn: &str, content: &str) -> bool {
        let fqdn = normalise_host(fqdn);
        let content = normalise_host(content);
        self.zones.iter().any(|(zone, z)| {
            (fqdn == *zone || fqdn.ends_with(&format!(".{zone}")))
                && z.records.iter().any(|r| {
                    let at = if r.record_name.is_empty() {
                        zone.clone()
                    } else {
                        format!("{}.{zone}", r.record_name)
                    };
                    r.record_type == "CNAME" && at == fqdn && normalise_host(&r.content) == content
                })
        })
    }

    /// Every validation of the request is published.
    pub fn ssl_validations_published(&self, request: &CertRequest) -> bool {
        request
            .validations()
            .iter()
            .all(|v| self.cname_published(&v.cname_validation_name, &v.cname_validation_content))
    }

    /// Lets time act on a request: it lapses after 30 days, and completes once verified and
    /// published.
    fn settle_ssl_request(&mut self, id: i32, now_ms: i64) {
        let Some(request) = self.domainssl.ssl.requests.get(&id).cloned() else {
            return;
        };
        if request.status != RequestStatus::Pending {
            return;
        }
        let ready = request.verify_due_ms.is_some_and(|due| due <= now_ms)
            && self.ssl_validations_published(&request);
        let new_status = if ready {
            match issue(&request, now_ms) {
                Ok(certificate) => {
                    let fingerprint = certificate.sha1_fingerprint.clone();
                    self.domainssl
                        .ssl
                        .certificates
                        .insert(fingerprint.clone(), certificate);
                    hclog::debug(
                        "sim",
                        "ssl certificate issued",
                        &[
                            ("request_id", serde_json::json!(id)),
                            ("sha1_fingerprint", serde_json::json!(fingerprint)),
                        ],
                    );
                    RequestStatus::Issued {
                        sha1_fingerprint: fingerprint,
                    }
                }
                Err(e) => {
                    hclog::error(
                        "sim",
                        "cannot make a certificate",
                        &[("error", serde_json::json!(e))],
                    );
                    return;
                }
            }
        } else if now_ms.saturating_sub(request.created_ms) > REQUEST_LIFETIME_MS {
            RequestStatus::Cancelled
        } else {
            return;
        };
        if let Some(slot) = self.domainssl.ssl.requests.get_mut(&id) {
            slot.status = new_status;
        }
    }

    fn settle_all_ssl_requests(&mut self, now_ms: i64) {
        let ids: Vec<i32> = self.domainssl.ssl.requests.keys().copied().collect();
        for id in ids {
            self.settle_ssl_request(id, now_ms);
        }
    }

    /// The pending requests; complete and lapsed ones no longer exist as requests.
    pub fn list_ssl_requests(&mut self, now_ms: i64) -> Vec<RequestView> {
        self.settle_all_ssl_requests(now_ms);
        self.domainssl
            .ssl
            .requests
            .values()
            .filter(|r| r.status == RequestStatus::Pending)
            .map(CertRequest::view)
            .collect()
    }

    fn parse_request_id(id: &str) -> Result<i32, ApiError> {
        id.trim().parse::<i32>().map_err(|_| request_not_found(id))
    }

    pub fn ssl_request_outcome(
        &mut self,
        id: &str,
        now_ms: i64,
    ) -> Result<RequestOutcome, ApiError> {
        let number = Self::parse_request_id(id)?;
        self.settle_ssl_request(number, now_ms);
        let request = self
            .domainssl
            .ssl
            .requests
            .get(&number)
            .ok_or_else(|| request_not_found(id))?;
        Ok(match &request.status {
            RequestStatus::Pending => RequestOutcome::Pending(Box::new(request.detail())),
            RequestStatus::Issued { sha1_fingerprint } => {
                RequestOutcome::Issued(sha1_fingerprint.clone())
            }
            RequestStatus::Cancelled => RequestOutcome::Gone,
        })
    }

    /// Verify: from `now + delay` on, the request completes once its CNAMEs are published.
    pub fn verify_ssl_request(
        &mut self,
        id: &str,
        now_ms: i64,
        delay_ms: i64,
    ) -> Result<RequestOutcome, ApiError> {
        let outcome = self.ssl_request_outcome(id, now_ms)?;
        if matches!(outcome, RequestOutcome::Pending(_)) {
            let number = Self::parse_request_id(id)?;
            if let Some(request) = self.domainssl.ssl.requests.get_mut(&number) {
                if request.verify_due_ms.is_none() {
                    request.verify_due_ms = Some(now_ms.saturating_add(delay_ms.max(0)));
                }
            }
        }
        Ok(outcome)
    }

    /// What `POST /_sim/sslcertificaterequests/{id}/cancel` does: the request answers 410.
    pub fn cancel_ssl_request(&mut self, id: &str) -> Result<(), ApiError> {
        let number = Self::parse_request_id(id)?;
        let request = self
            .domainssl
            .ssl
            .requests
            .get_mut(&number)
            .ok_or_else(|| request_not_found(id))?;
        if request.status == RequestStatus::Pending {
            request.status = RequestStatus::Cancelled;
        }
        Ok(())
    }

    pub fn list_ssl_certificates(&mut self, now_ms: i64) -> Vec<CertificateView> {
        self.settle_all_ssl_requests(now_ms);
        self.domainssl
            .ssl
            .certificates
            .values()
            .map(Certificate::view)
            .collect()
    }

    pub fn ssl_certificate(&self, fingerprint: &str) -> Result<&Certificate, ApiError> {
        let wanted: String = fingerprint
            .trim()
            .chars()
            .filter(|c| *c != ':')
            .collect::<String>()
            .to_ascii_uppercase();
        self.domainssl
            .ssl
            .certificates
            .get(&wanted)
            .ok_or_else(|| certificate_not_found(fingerprint))
    }

    pub fn ssl_certificate_detail(&self, fingerprint: &str) -> Result<CertificateDetail, ApiError> {
        let c = self.ssl_certificate(fingerprint)?;
        Ok(CertificateDetail {
            common_name: c.common_name.clone(),
            expires_after: c.expires_after.clone(),
            sha1_fingerprint: c.sha1_fingerprint.clone(),
            subject_alt_names: sans(&c.names),
            kind: c.certificate_type.clone(),
            validation_level: c.validation_level.clone(),
        })
    }
}

/// A file name that is safe in a header: the common name with `*` spelled out.
fn file_stem(common_name: &str) -> String {
    common_name
        .replace('*', "wildcard")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn outcome_response(outcome: RequestOutcome, pending_status: StatusCode) -> Response {
    match outcome {
        RequestOutcome::Pending(detail) => {
            if pending_status == StatusCode::OK {
                Json(*detail).into_response()
            } else {
                pending_status.into_response()
            }
        }
        RequestOutcome::Issued(fingerprint) => located(
            StatusCode::SEE_OTHER,
            &format!("/v2/sslcertificates/{fingerprint}"),
        ),
        RequestOutcome::Gone => StatusCode::GONE.into_response(),
    }
}

pub(crate) async fn list_requests(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| {
        shared.write(|s| Ok(s.list_ssl_requests(now_ms())))
    })
}

pub(crate) async fn create_request(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    created(
        parse_json::<CreateRequest>(&body)
            .and_then(|request| shared.write(|s| s.create_ssl_request(&request, now_ms())))
            .map(|id| format!("/v2/sslcertificaterequests/{id}")),
    )
}

pub(crate) async fn get_request(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
) -> Response {
    answer(
        path_or_404(path).and_then(|id| shared.write(|s| s.ssl_request_outcome(&id, now_ms()))),
        |outcome| outcome_response(outcome, StatusCode::OK),
    )
}

pub(crate) async fn verify_request(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
) -> Response {
    let delay = shared.job_duration_ms();
    answer(
        path_or_404(path)
            .and_then(|id| shared.write(|s| s.verify_ssl_request(&id, now_ms(), delay))),
        |outcome| outcome_response(outcome, StatusCode::ACCEPTED),
    )
}

pub(crate) async fn cancel_request(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
) -> Response {
    no_content(path_or_404(path).and_then(|id| shared.write(|s| s.cancel_ssl_request(&id))))
}

pub(crate) async fn list_certificates(
    State(shared): State<Arc<Shared>>,
    query: QueryArg,
) -> Response {
    paged(query, |_| {
        shared.write(|s| Ok(s.list_ssl_certificates(now_ms())))
    })
}

pub(crate) async fn download_certificate(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
    query: QueryArg,
) -> Response {
    let download = (|| {
        let fingerprint = path_or_404(path)?;
        let query = query_map(query)?;
        let certificate = shared.read(|s| s.ssl_certificate(&fingerprint).cloned())?;
        let mut errors = Vec::new();
        match param(&query, "file_format")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pfx") => {}
            None => errors.push(ErrorMessage::new(
                "ssl_file_format_required",
                "file_format is required (pfx).",
            )),
            Some(other) => errors.push(ErrorMessage::new(
                "ssl_file_format_invalid",
                format!("'{other}' is not a file format; use pfx."),
            )),
        }
        let password = query.get("password").cloned().unwrap_or_default();
        if password.is_empty() {
            errors.push(ErrorMessage::new(
                "ssl_password_required",
                "A password to protect the file is required.",
            ));
        } else if let Err(problem) = check_password(&password) {
            errors.push(ErrorMessage::new("ssl_password_invalid", problem));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let bytes = super::pfx::build(&certificate, &password).map_err(|e| {
            hclog::error(
                "sim",
                "cannot build the certificate file",
                &[("error", serde_json::json!(e))],
            );
            ApiError::invalid(
                "ssl_certificate_unavailable",
                "The certificate file cannot be produced.",
            )
        })?;
        let mut response = Response::new(Body::from(bytes));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-pkcs12"),
        );
        let disposition = format!(
            "attachment; filename=\"{}.pfx\"",
            file_stem(&certificate.common_name)
        );
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok::<_, ApiError>(response)
    })();
    answer(download, |response| response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ssl::{SEED_CERTIFICATE_PEM, SEED_FINGERPRINT};

    #[test]
    fn the_seed_fingerprint_is_the_certificate_s() {
        let der = der::certificate_der(SEED_CERTIFICATE_PEM).unwrap();
        assert_eq!(hex_upper(&der::sha1(&der)), SEED_FINGERPRINT);
    }

    fn kinds(kind: &str, cn: &str, alt: &[&str]) -> Result<Vec<String>, Vec<String>> {
        let mut errors = Vec::new();
        let alt: Vec<String> = alt.iter().map(|s| s.to_string()).collect();
        let names = names_for(kind, cn, &alt, &mut errors);
        if errors.is_empty() {
            Ok(names)
        } else {
            Err(errors.into_iter().map(|e| e.error_code).collect())
        }
    }

    #[test]
    fn names_follow_the_certificate_type() {
        assert_eq!(
            kinds("standard", "example.com", &["EXAMPLE.com."]).unwrap(),
            ["example.com", "www.example.com"]
        );
        assert_eq!(
            kinds("standard", "www.example.com", &["example.com"]).unwrap(),
            ["www.example.com", "example.com"]
        );
        assert_eq!(
            kinds("standard", "a.example.com", &["b.example.com"]).unwrap_err(),
            ["ssl_standard_certificate_single_domain"]
        );
        assert_eq!(
            kinds("wildcard", "*.example.com", &["example.com"]).unwrap(),
            ["*.example.com", "example.com"]
        );
        assert_eq!(
            kinds("wildcard", "*.example.com", &["other.example"]).unwrap_err(),
            ["ssl_wildcard_certificate_single_domain"]
        );
        assert_eq!(
            kinds("multi_domain", "a.example", &["*.b.example"]).unwrap_err(),
            ["ssl_multi_domain_wildcard_not_supported"]
        );
        for bad in ["localhost", "192.0.2.1", "a..example", "*.*.example.com"] {
            assert!(
                kinds("multi_domain", bad, &[])
                    .unwrap_err()
                    .contains(&"ssl_csr_name_invalid".to_string()),
                "{bad}"
            );
        }
        let many: Vec<String> = (0..100).map(|i| format!("h{i}.example.com")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            kinds("multi_domain", "example.com", &many).unwrap_err(),
            ["ssl_too_many_names"]
        );
    }

    #[test]
    fn a_request_lapses_after_thirty_days_unless_issued() {
        let mut state = SimState::seed();
        let request = CreateRequest {
            certificate_type: Some("Multi_Domain".into()),
            validation_level: Some("domain_validated".into()),
            csr: Some(
                "-----BEGIN CERTIFICATE REQUEST-----
MIIBKDCBzgIBADAoMQswCQYDVQQGEwJCRTEZMBcGA1UEAwwQc2hvcC5leGFtcGxl
LmNvbTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBGYaORTZeUHHd0qUmWidRxa
vp2+96b/fymGIvKkJKOuK32xJum/lMrmllOS5q8NIh20zOpHncTkDfmOZk2ExwSg
RDBCBgkqhkiG9w0BCQ4xNTAzMDEGA1UdEQQqMCiCEHNob3AuZXhhbXBsZS5jb22C
FHd3dy5zaG9wLmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0kAMEYCIQD38DwiIbgh
VsALh/yACOt3yXLJ8iFOmq2/GIw9tg7V9wIhAJvIRDCUNvzHboE8+5Dl9SJF+5vy
/G2HU45dA7+XQ72t
-----END CERTIFICATE REQUEST-----"
                    .into(),
            ),
            additional_validation_attributes: None,
        };
        let id = state.create_ssl_request(&request, 0).unwrap();
        assert_eq!(id, FIRST_REQUEST_ID);
        let outcome = state
            .ssl_request_outcome("3001", REQUEST_LIFETIME_MS)
            .unwrap();
        assert!(matches!(outcome, RequestOutcome::Pending(_)));
        assert_eq!(
            state
                .ssl_request_outcome("3001", REQUEST_LIFETIME_MS + 1)
                .unwrap(),
            RequestOutcome::Gone
        );
        assert!(state.list_ssl_requests(REQUEST_LIFETIME_MS + 1).is_empty());
    }

    #[test]
    fn registered_domains_of_names() {
        assert_eq!(registered_domain("www.shop.example.com"), "example.com");
        assert_eq!(registered_domain("*.example.be"), "example.be");
        assert_eq!(registered_domain("shop.example.co.uk"), "example.co.uk");
    }
}
