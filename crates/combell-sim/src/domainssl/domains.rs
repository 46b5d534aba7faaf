//! Domains: `GET /v2/domains` (paged), `POST /v2/domains/registrations` (202 + provisioning job,
//! for registrations and transfers alike), `GET /v2/domains/{domainName}`, and the name-server
//! and renew PUTs (204).
//!
//! A name the simulator knows as registered at another registrar (the seed lists a few, see
//! [`super::REGISTERED_ELSEWHERE`]) can only be transferred: the request must then carry an
//! `auth_code` (not in the spec's `RegisterDomain`; Combell refuses a transfer without one with
//! `domain_transfer_authorization_code_empty`). A transfer's job stays `ongoing` for a while after
//! the domain has appeared, as observed in production; the domain arrives through a second,
//! unannounced job that shares the first one's fate.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::MethodRouter;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{job_started, parse_json, put_named, QueryArg};
use crate::names::is_domain_name;
use crate::paging::paged;
use crate::shared::{now_ms, Shared};
use crate::state::domains::{reseller_registrant, DomainRecord, Registrant, DEFAULT_NAME_SERVERS};
use crate::state::{AssetType, JobStatus, JobWork, SimState, Zone};

/// The API's `Domain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DomainView {
    pub domain_name: String,
    pub expiration_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_renew: Option<bool>,
}

/// The API's `NameServer`. Combell's `ip` is left out: the simulator never knows glue records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameServerView {
    pub name: String,
}

/// The API's `DomainDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DomainDetail {
    pub can_toggle_renew: bool,
    pub domain_name: String,
    pub expiration_date: String,
    pub name_servers: Vec<NameServerView>,
    pub registrant: Registrant,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_renew: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExtraField {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// The API's `RegistrantInput`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegistrantInput {
    pub address: Option<String>,
    pub city: Option<String>,
    pub company_name: Option<String>,
    pub country_code: Option<String>,
    pub email: Option<String>,
    pub enterprise_number: Option<String>,
    pub extra_fields: Option<Vec<ExtraField>>,
    pub fax: Option<String>,
    pub first_name: Option<String>,
    pub language_code: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
}

/// The API's `RegisterDomain`, plus the transfer's authorisation code Combell asks for.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegisterDomain {
    pub domain_name: Option<String>,
    pub name_servers: Option<Vec<String>>,
    pub registrant: Option<RegistrantInput>,
    #[serde(alias = "authorization_code", alias = "auth_code_transfer")]
    pub auth_code: Option<String>,
}

/// The API's `EditNameServers`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EditNameServers {
    pub domain_name: Option<String>,
    pub name_servers: Option<Vec<String>>,
}

/// The API's `EditDomainWillRenewRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EditDomainWillRenew {
    pub will_renew: Option<bool>,
}

/// How long a transfer's job goes on after the domain has arrived, in job durations.
const TRANSFER_TAIL_FACTOR: i64 = 2;

fn domain_not_found(name: &str) -> ApiError {
    ApiError::not_found(
        "domain_not_found",
        format!("There is no domain '{name}' in this reseller account."),
    )
}

fn key(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `+32.123456789`: the syntax the spec gives for phone and fax.
fn is_phone(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('+') else {
        return false;
    };
    let Some((country, number)) = rest.split_once('.') else {
        return false;
    };
    (1..=3).contains(&country.len())
        && country.bytes().all(|b| b.is_ascii_digit())
        && (4..=14).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, host)) => {
            !local.is_empty()
                && !local.contains(char::is_whitespace)
                && is_domain_name(&host.to_ascii_lowercase())
        }
        None => false,
    }
}

/// Name servers as a registry takes them: 2 to 13 distinct host names.
pub(crate) fn check_name_servers(raw: &[String], errors: &mut Vec<ErrorMessage>) -> Vec<String> {
    let servers: Vec<String> = raw.iter().map(|s| key(s)).collect();
    if !(2..=13).contains(&servers.len()) {
        errors.push(ErrorMessage::new(
            "domain_name_servers_count_invalid",
            format!("Give between 2 and 13 name servers, not {}.", servers.len()),
        ));
    }
    for (i, server) in servers.iter().enumerate() {
        if !is_domain_name(server) {
            errors.push(ErrorMessage::new(
                "domain_name_server_invalid",
                format!("'{}' is not a valid name server host name.", raw[i].trim()),
            ));
        } else if servers[..i].contains(server) {
            errors.push(ErrorMessage::new(
                "domain_name_server_duplicate",
                format!("'{server}' is listed more than once."),
            ));
        }
    }
    servers
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The reseller's default contact as a registration's input: what Combell registers a domain
/// to when the request names no registrant (the spec marks no field of `RegisterDomain`
/// required, and Combell's own client documents a body with the domain name alone).
fn default_registrant_input() -> RegistrantInput {
    let contact = reseller_registrant();
    RegistrantInput {
        address: contact.address,
        city: contact.city,
        company_name: contact.company_name,
        country_code: contact.country_code,
        email: contact.email,
        enterprise_number: contact.enterprise_number,
        extra_fields: None,
        fax: contact.fax,
        first_name: contact.first_name,
        language_code: contact.language_code,
        last_name: contact.last_name,
        phone: contact.phone,
        postal_code: contact.postal_code,
    }
}

/// The registrant as stored, or every problem with it; `tld` drives the `.ca` and extra-field
/// rules, which apply to the reseller's default contact too when no registrant is given.
pub(crate) fn check_registrant(
    input: Option<&RegistrantInput>,
    tld: &str,
    errors: &mut Vec<ErrorMessage>,
) -> Registrant {
    let default;
    let input = match input {
        Some(input) => input,
        None => {
            default = default_registrant_input();
            &default
        }
    };
    let registrant = Registrant {
        address: clean(&input.address),
        city: clean(&input.city),
        company_name: clean(&input.company_name),
        country_code: clean(&input.country_code).map(|c| c.to_ascii_uppercase()),
        email: clean(&input.email),
        enterprise_number: clean(&input.enterprise_number),
        fax: clean(&input.fax),
        first_name: clean(&input.first_name),
        language_code: clean(&input.language_code).map(|c| c.to_ascii_lowercase()),
        last_name: clean(&input.last_name),
        phone: clean(&input.phone),
        postal_code: clean(&input.postal_code),
    };
    let required = [
        ("first_name", &registrant.first_name),
        ("last_name", &registrant.last_name),
        ("address", &registrant.address),
        ("postal_code", &registrant.postal_code),
        ("city", &registrant.city),
        ("country_code", &registrant.country_code),
        ("email", &registrant.email),
        ("phone", &registrant.phone),
    ];
    for (field, value) in required {
        if value.is_none() {
            errors.push(ErrorMessage::new(
                &format!("domain_registrant_{field}_required"),
                format!("The registrant's {} is required.", field.replace('_', " ")),
            ));
        }
    }
    if let Some(country) = &registrant.country_code {
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.push(ErrorMessage::new(
                "domain_registrant_country_code_invalid",
                format!("'{country}' is not a two-letter country code such as BE."),
            ));
        }
    }
    if let Some(email) = &registrant.email {
        if !is_email(email) {
            errors.push(ErrorMessage::new(
                "domain_registrant_email_invalid",
                format!("'{email}' is not an e-mail address."),
            ));
        }
    }
    for (field, value) in [("phone", &registrant.phone), ("fax", &registrant.fax)] {
        if let Some(number) = value {
            if !is_phone(number) {
                errors.push(ErrorMessage::new(
                    &format!("domain_registrant_{field}_invalid"),
                    format!("'{number}' is not a number in the form +32.123456789."),
                ));
            }
        }
    }
    let country = registrant.country_code.as_deref().unwrap_or("");
    if tld == "ca" && country != "CA" {
        errors.push(ErrorMessage::new(
            "domain_ca_registrant_country_invalid",
            "Domain names with extension '.ca' are only available for registrants with country code 'CA'.",
        ));
    }
    let company = registrant.company_name.is_some();
    let needed = match (tld, company) {
        ("dk" | "es" | "fr" | "nu" | "se", true) => Some("CompanyNumber"),
        ("es" | "nu" | "se", false) => Some("PassportNumber"),
        ("it", false) if country == "IT" => Some("CodiceFiscal"),
        ("it", false) => Some("PassportNumber"),
        _ => None,
    };
    if let Some(name) = needed {
        let given = input.extra_fields.iter().flatten().any(|f| {
            f.name
                .as_deref()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
                && f.value.as_deref().is_some_and(|v| !v.trim().is_empty())
        });
        if !given {
            errors.push(ErrorMessage::new(
                "domain_registrant_extra_field_required",
                format!("A .{tld} domain for this registrant needs the extra field {name}."),
            ));
        }
    }
    registrant
}

/// `YYYY-MM-DDT00:00:00Z`, `years` after `now_ms`; how Combell dates a registration.
pub(crate) fn expiration_after(now_ms: i64, years: i32) -> String {
    let today = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .date_naive();
    let later = today
        .checked_add_months(chrono::Months::new(12 * years.unsigned_abs()))
        .unwrap_or(today);
    format!("{}T00:00:00Z", later.format("%Y-%m-%d"))
}

impl SimState {
    pub fn list_domains(&self) -> Vec<DomainView> {
        self.domainssl
            .domains
            .values()
            .map(|d| DomainView {
                domain_name: d.domain_name.clone(),
                expiration_date: d.expiration_date.clone(),
                will_renew: d.will_renew,
            })
            .collect()
    }

    fn domain(&self, name: &str) -> Result<&DomainRecord, ApiError> {
        self.domainssl
            .domains
            .get(&key(name))
            .ok_or_else(|| domain_not_found(name))
    }

    pub fn domain_detail(&self, name: &str) -> Result<DomainDetail, ApiError> {
        let d = self.domain(name)?;
        Ok(DomainDetail {
            can_toggle_renew: d.can_toggle_renew,
            domain_name: d.domain_name.clone(),
            expiration_date: d.expiration_date.clone(),
            name_servers: d
                .name_servers
                .iter()
                .map(|n| NameServerView { name: n.clone() })
                .collect(),
            registrant: d.registrant.clone(),
            will_renew: d.will_renew,
        })
    }

    /// A registration or transfer of `name` whose job has not ended yet.
    fn domain_in_progress(&self, name: &str) -> bool {
        self.jobs.iter().any(|j| {
            j.status == JobStatus::Ongoing
                && matches!(&j.work, JobWork::ProvisionDomain { domain } if domain.domain_name == name)
        })
    }

    /// Validates and queues a registration or a transfer; returns the job id to announce.
    pub fn register_domain(
        &mut self,
        request: &RegisterDomain,
        now_ms: i64,
        job_duration_ms: i64,
    ) -> Result<String, ApiError> {
        let mut errors = Vec::new();
        let name = request.domain_name.as_deref().map(key).unwrap_or_default();
        let tld = name.rsplit('.').next().unwrap_or("").to_string();
        let mut transfer = false;
        if name.is_empty() {
            errors.push(ErrorMessage::new(
                "domain_name_required",
                "A domain_name (domain part and extension, e.g. abc.com) is required.",
            ));
        } else if !is_domain_name(&name) {
            errors.push(ErrorMessage::new(
                "domain_name_invalid",
                format!("'{name}' is not a domain name such as abc.com."),
            ));
        } else if self.domainssl.domains.contains_key(&name) || self.domain_in_progress(&name) {
            errors.push(ErrorMessage::new(
                "domain_already_registered",
                format!("'{name}' is already in this reseller account or on its way there."),
            ));
        } else if self.domainssl.registered_elsewhere.contains(&name) {
            transfer = true;
            if clean(&request.auth_code).is_none() {
                errors.push(ErrorMessage::new(
                    "domain_transfer_authorization_code_empty",
                    format!("'{name}' is registered elsewhere: a transfer needs its authorization code (auth_code)."),
                ));
            }
        }
        let registrant = check_registrant(request.registrant.as_ref(), &tld, &mut errors);
        let name_servers = match request.name_servers.as_deref() {
            None | Some([]) => DEFAULT_NAME_SERVERS.iter().map(|s| s.to_string()).collect(),
            Some(raw) => check_name_servers(raw, &mut errors),
        };
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let domain = DomainRecord {
            domain_name: name.clone(),
            expiration_date: expiration_after(now_ms, 1),
            will_renew: Some(true),
            can_toggle_renew: true,
            name_servers,
            registrant,
        };
        let work = JobWork::ProvisionDomain {
            domain: Box::new(domain),
        };
        if !transfer {
            return Ok(self.create_job(work, now_ms, job_duration_ms));
        }
        let duration = job_duration_ms.max(0);
        let announced = self.create_job(
            work.clone(),
            now_ms,
            duration.saturating_mul(1 + TRANSFER_TAIL_FACTOR),
        );
        let will_fail = self
            .jobs
            .iter()
            .find(|j| j.id == announced)
            .is_some_and(|j| j.will_fail);
        // The arrival shares the announced job's fate and must not use up an armed failure.
        let armed = std::mem::take(&mut self.fail_next_jobs);
        let arrival = self.create_job(work, now_ms, duration);
        self.fail_next_jobs = armed;
        if let Some(job) = self.jobs.iter_mut().find(|j| j.id == arrival) {
            job.will_fail = will_fail;
        }
        hclog::debug(
            "sim",
            "domain transfer queued",
            &[("domain", serde_json::json!(name))],
        );
        Ok(announced)
    }

    /// What a domain job leaves behind: the domain and its DNS zone. Running it twice (a
    /// transfer's arrival, then its end) changes nothing the second time.
    pub(crate) fn materialise_domain(&mut self, domain: &DomainRecord) -> Vec<String> {
        let name = domain.domain_name.clone();
        self.domainssl.registered_elsewhere.remove(&name);
        if !self.domainssl.domains.contains_key(&name) {
            self.domainssl.domains.insert(name.clone(), domain.clone());
        }
        if !self.zones.contains_key(&name) {
            let records = self.new_zone_records();
            self.zones.insert(
                name.clone(),
                Zone {
                    domain_name: name.clone(),
                    records,
                },
            );
        }
        vec![format!("/v2/domains/{name}")]
    }

    /// Account creation: a servicepack with a domain asset registers the identifier, unless it
    /// is a sub-domain or already here.
    pub(crate) fn provision_account_domain(
        &mut self,
        identifier: &str,
        assets: &[AssetType],
        now_ms: i64,
    ) {
        let name = key(identifier);
        if !assets.contains(&AssetType::Domain)
            || !super::is_registrable(&name)
            || self.domainssl.domains.contains_key(&name)
        {
            return;
        }
        self.domainssl.registered_elsewhere.remove(&name);
        self.domainssl.domains.insert(
            name.clone(),
            DomainRecord {
                domain_name: name,
                expiration_date: expiration_after(now_ms, 1),
                will_renew: Some(true),
                can_toggle_renew: true,
                name_servers: DEFAULT_NAME_SERVERS.iter().map(|s| s.to_string()).collect(),
                registrant: reseller_registrant(),
            },
        );
    }

    pub fn set_name_servers(
        &mut self,
        name: &str,
        request: &EditNameServers,
    ) -> Result<(), ApiError> {
        self.domain(name)?;
        let mut errors = Vec::new();
        if let Some(other) = clean(&request.domain_name) {
            if key(&other) != key(name) {
                errors.push(ErrorMessage::new(
                    "domain_name_mismatch",
                    format!("The body names '{other}' but the path names '{name}'."),
                ));
            }
        }
        let servers =
            check_name_servers(request.name_servers.as_deref().unwrap_or(&[]), &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        if let Some(domain) = self.domainssl.domains.get_mut(&key(name)) {
            domain.name_servers = servers;
        }
        Ok(())
    }

    pub fn set_will_renew(
        &mut self,
        name: &str,
        request: &EditDomainWillRenew,
    ) -> Result<(), ApiError> {
        let domain = self.domain(name)?;
        let Some(will_renew) = request.will_renew else {
            return Err(ApiError::invalid(
                "domain_will_renew_required",
                "will_renew (true or false) is required.",
            ));
        };
        if !domain.can_toggle_renew {
            return Err(ApiError::invalid(
                "domain_renew_toggle_not_allowed",
                format!("The renew state of '{}' cannot be changed now (can_toggle_renew is false: an invoice is unpaid or the renewal starts within a month).", domain.domain_name),
            ));
        }
        if let Some(domain) = self.domainssl.domains.get_mut(&key(name)) {
            domain.will_renew = Some(will_renew);
        }
        Ok(())
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| shared.read(|s| Ok(s.list_domains())))
}

pub(crate) async fn register(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let duration_ms = shared.job_duration_ms();
    job_started(
        parse_json::<RegisterDomain>(&body).and_then(|request| {
            shared.write(|s| s.register_domain(&request, now_ms(), duration_ms))
        }),
    )
}

/// `PUT /v2/domains/{domainName}/nameservers` (204).
pub(crate) fn put_name_servers() -> MethodRouter<Arc<Shared>> {
    put_named(SimState::domain, SimState::set_name_servers)
}

/// `PUT /v2/domains/{domainName}/renew` (204).
pub(crate) fn put_renew() -> MethodRouter<Arc<Shared>> {
    put_named(SimState::domain, SimState::set_will_renew)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: Vec<ErrorMessage>) -> Vec<String> {
        errors.into_iter().map(|e| e.error_code).collect()
    }

    fn person(country: &str) -> RegistrantInput {
        RegistrantInput {
            first_name: Some("Ann".into()),
            last_name: Some("Smith".into()),
            address: Some("Main Street 1".into()),
            postal_code: Some("9000".into()),
            city: Some("Gent".into()),
            country_code: Some(country.into()),
            email: Some("ann@example.be".into()),
            phone: Some("+32.93300000".into()),
            ..RegistrantInput::default()
        }
    }

    fn registrant_codes(input: &RegistrantInput, tld: &str) -> Vec<String> {
        let mut errors = Vec::new();
        check_registrant(Some(input), tld, &mut errors);
        codes(errors)
    }

    #[test]
    fn phones_and_emails_take_the_documented_syntax() {
        for good in ["+32.123456789", "+1.5555550100"] {
            assert!(is_phone(good), "{good}");
        }
        for bad in [
            "0032123456789",
            "+32123456789",
            "+32.12",
            "+.1234567",
            "+32.12a4567",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
        assert!(is_email("Ann.Smith@Example.BE"));
        assert!(!is_email("ann@localhost"));
        assert!(!is_email("@example.be"));
    }

    #[test]
    fn extra_fields_follow_the_extension_table() {
        assert!(registrant_codes(&person("BE"), "be").is_empty());
        assert_eq!(
            registrant_codes(&person("BE"), "ca"),
            ["domain_ca_registrant_country_invalid"]
        );
        assert!(registrant_codes(&person("ca"), "ca").is_empty());
        let needs = |input: &RegistrantInput, tld: &str| {
            registrant_codes(input, tld) == ["domain_registrant_extra_field_required"]
        };
        let mut company = person("DK");
        company.company_name = Some("Hygge ApS".into());
        assert!(needs(&company, "dk"));
        assert!(registrant_codes(&person("DK"), "dk").is_empty());
        assert!(needs(&person("IT"), "it"));
        let mut italian = person("IT");
        italian.extra_fields = Some(vec![ExtraField {
            name: Some("codicefiscal".into()),
            value: Some("RSSMRA80A01H501U".into()),
        }]);
        assert!(registrant_codes(&italian, "it").is_empty());
        // A passport number is not what an Italian individual needs.
        italian.extra_fields = Some(vec![ExtraField {
            name: Some("PassportNumber".into()),
            value: Some("X1".into()),
        }]);
        assert!(needs(&italian, "it"));
        let mut blank = person("SE");
        blank.extra_fields = Some(vec![ExtraField {
            name: Some("PassportNumber".into()),
            value: Some("  ".into()),
        }]);
        assert!(needs(&blank, "se"));
    }

    #[test]
    fn name_servers_are_counted_checked_and_normalised() {
        let mut errors = Vec::new();
        let servers = check_name_servers(
            &[
                "NS1.Example.COM.".to_string(),
                "ns2.example.com".to_string(),
            ],
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(servers, ["ns1.example.com", "ns2.example.com"]);
        let many: Vec<String> = (0..14).map(|i| format!("ns{i}.example.com")).collect();
        let mut errors = Vec::new();
        check_name_servers(&many, &mut errors);
        assert_eq!(codes(errors), ["domain_name_servers_count_invalid"]);
    }

    #[test]
    fn registrations_expire_a_year_later_at_midnight() {
        // 2026-02-28T12:00:00Z
        assert_eq!(
            expiration_after(1_772_280_000_000, 1),
            "2027-02-28T00:00:00Z"
        );
    }

    #[test]
    fn a_failed_transfer_leaves_no_domain() {
        let mut state = SimState::seed();
        state.fail_next_jobs = 1;
        let request = RegisterDomain {
            domain_name: Some("transfer-me.be".into()),
            registrant: Some(person("BE")),
            auth_code: Some("code".into()),
            ..RegisterDomain::default()
        };
        let job = state.register_domain(&request, 0, 100).unwrap();
        assert_eq!(state.jobs.len(), 2);
        state.advance(1_000);
        assert_eq!(
            state.job_answer(&job, 1_000).unwrap().status,
            JobStatus::Failed
        );
        assert!(!state.domainssl.domains.contains_key("transfer-me.be"));
        assert!(state
            .domainssl
            .registered_elsewhere
            .contains("transfer-me.be"));
        assert_eq!(state.fail_next_jobs, 0);
    }

    #[test]
    fn registered_domains_survive_the_state_file() {
        let mut state = SimState::seed();
        let request = RegisterDomain {
            domain_name: Some("kept.be".into()),
            registrant: Some(person("BE")),
            ..RegisterDomain::default()
        };
        state.register_domain(&request, 0, 10).unwrap();
        state.advance(10);
        assert!(state.domainssl.domains.contains_key("kept.be"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        state.save(&path).unwrap();
        assert_eq!(SimState::load(&path).unwrap(), Some(state));
    }

    #[test]
    fn sub_domains_are_not_registrable() {
        assert!(super::super::is_registrable("abc.be"));
        assert!(super::super::is_registrable("abc.co.uk"));
        assert!(!super::super::is_registrable("shop.abc.be"));
    }
}
