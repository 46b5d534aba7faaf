//! Domains of the reseller account: the list (paged), one domain's detail, registration or
//! transfer (202, a provisioning job in practice), and the two 204 PUTs on a domain, name
//! servers and the renew flag.
//!
//! Every call on one domain also sends the `domain_name` query parameter the spec marks
//! required beside the path segment. A transfer is a registration carrying the domain's
//! authorisation code (`auth_code`, not in the spec's `RegisterDomain`; Combell refuses a transfer
//! without one with `domain_transfer_authorization_code_empty`).

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::Request;
use super::{api_path, api_path_below, null_as_default, require, Client, Error, JobRef, Secret};

/// An entry of `GET /domains`. `will_renew` is `None` when Combell cannot tell right now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiration_date: String,
    #[serde(default)]
    pub will_renew: Option<bool>,
}

/// The API's `NameServer`; `ip` is a glue address, absent for most name servers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameServer {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default)]
    pub ip: Option<String>,
}

/// The API's `Registrant` (and, with `extra_fields`, `RegistrantInput`). Empty fields are left
/// out of requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
}

/// `GET /domains/{domainName}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiration_date: String,
    #[serde(default)]
    pub will_renew: Option<bool>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub can_toggle_renew: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name_servers: Vec<NameServer>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub registrant: Registrant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct ExtraField<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct RegistrantInput<'a> {
    #[serde(flatten)]
    registrant: &'a Registrant,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_fields: Vec<ExtraField<'a>>,
}

/// `POST /domains/registrations`. With `auth_code` it is a transfer from another registrar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterDomain {
    /// Domain part and extension only, such as `abc.com`.
    pub domain_name: String,
    /// Empty: Combell's default name servers.
    pub name_servers: Vec<String>,
    /// All fields empty (and no extra fields): none is sent, and Combell registers the domain
    /// to the reseller's default contact.
    pub registrant: Registrant,
    /// TLD-specific registrant fields (`CompanyNumber`, `PassportNumber`, `CodiceFiscal`).
    pub extra_fields: BTreeMap<String, String>,
    pub auth_code: Option<Secret>,
}

#[derive(Serialize)]
struct RegisterBody<'a> {
    domain_name: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    name_servers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    registrant: Option<RegistrantInput<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_code: Option<&'a Secret>,
}

impl RegisterDomain {
    fn body(&self) -> RegisterBody<'_> {
        let registrant = RegistrantInput {
            registrant: &self.registrant,
            extra_fields: self
                .extra_fields
                .iter()
                .map(|(name, value)| ExtraField { name, value })
                .collect(),
        };
        let none_given =
            self.registrant == Registrant::default() && registrant.extra_fields.is_empty();
        RegisterBody {
            domain_name: &self.domain_name,
            name_servers: &self.name_servers,
            registrant: (!none_given).then_some(registrant),
            auth_code: self.auth_code.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct NameServersBody<'a> {
    domain_name: &'a str,
    name_servers: &'a [String],
}

#[derive(Serialize)]
struct RenewBody {
    will_renew: bool,
}

fn domain_request(method: Method, domain: &str, rest: &[&str]) -> Result<Request, Error> {
    require("domain name", domain)?;
    Ok(Request::new(method, api_path_below("domains", domain, rest)?).query("domain_name", domain))
}

impl Client {
    /// `GET /domains`, every page.
    pub async fn list_domains(&self, cancel: &CancellationToken) -> Result<Vec<Domain>, Error> {
        self.get_every_page("domains", cancel).await
    }

    /// `GET /domains/{domainName}`. A domain not in the account gives `is_not_found()`.
    pub async fn get_domain(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<DomainDetail, Error> {
        self.get_json(domain_request(Method::GET, domain, &[])?, cancel)
            .await
    }

    /// `POST /domains/registrations`: a paid registration (or transfer). Returns the
    /// provisioning job from `Location`, or `None` when the answer names none (the spec
    /// declares no header): the caller then watches for the domain to appear.
    pub async fn register_domain(
        &self,
        registration: &RegisterDomain,
        cancel: &CancellationToken,
    ) -> Result<Option<JobRef>, Error> {
        let request = Request::new(Method::POST, api_path(&["domains", "registrations"])?)
            .json(&registration.body())?;
        self.start_optional_job(request, cancel).await
    }

    /// `PUT /domains/{domainName}/nameservers` (204): replaces the whole list.
    pub async fn set_domain_name_servers(
        &self,
        domain: &str,
        name_servers: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request =
            domain_request(Method::PUT, domain, &["nameservers"])?.json(&NameServersBody {
                domain_name: domain,
                name_servers,
            })?;
        self.send_only(request, cancel).await
    }

    /// `PUT /domains/{domainName}/renew` (204). Combell allows it only while the domain's
    /// `can_toggle_renew` is true, and only for users with the finance role.
    pub async fn set_domain_will_renew(
        &self,
        domain: &str,
        will_renew: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request =
            domain_request(Method::PUT, domain, &["renew"])?.json(&RenewBody { will_renew })?;
        self.send_only(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_detail_with_nulls() {
        let detail: DomainDetail = serde_json::from_str(
            r#"{"domain_name":"example.com","expiration_date":"2027-09-14T00:00:00Z",
                "will_renew":null,"can_toggle_renew":true,
                "name_servers":[{"name":"ns3.european-server.com"},{"name":"ns4.x.com","ip":"192.0.2.1"}],
                "registrant":{"first_name":"Jan","country_code":"BE","fax":null},"later":1}"#,
        )
        .unwrap();
        assert_eq!(detail.will_renew, None);
        assert_eq!(detail.name_servers[1].ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(detail.registrant.first_name.as_deref(), Some("Jan"));
        assert_eq!(detail.registrant.fax, None);
    }

    #[test]
    fn a_registration_body_has_wire_names_and_hides_the_auth_code_in_debug() {
        let registration = RegisterDomain {
            domain_name: "abc.se".into(),
            name_servers: Vec::new(),
            registrant: Registrant {
                first_name: Some("Ann".into()),
                country_code: Some("SE".into()),
                ..Registrant::default()
            },
            extra_fields: [("PassportNumber".to_string(), "X1".to_string())]
                .into_iter()
                .collect(),
            auth_code: Some(Secret::new("epp-123")),
        };
        assert_eq!(
            serde_json::to_string(&registration.body()).unwrap(),
            r#"{"domain_name":"abc.se","registrant":{"first_name":"Ann","country_code":"SE","extra_fields":[{"name":"PassportNumber","value":"X1"}]},"auth_code":"epp-123"}"#
        );
        assert!(!format!("{registration:?}").contains("epp-123"));
        let bare = RegisterDomain {
            domain_name: "abc.be".into(),
            ..RegisterDomain::default()
        };
        assert_eq!(
            serde_json::to_string(&bare.body()).unwrap(),
            r#"{"domain_name":"abc.be"}"#
        );
    }
}
