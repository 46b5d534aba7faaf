//! The domain part of the state: registered domains, the registrant they carry, and the seed;
//! with the SSL part ([`super::ssl`]) it makes [`DomainSslState`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ssl::SslState;

/// What a registration on "default name servers" gets: Combell's own, as in every zone.
pub const DEFAULT_NAME_SERVERS: [&str; 2] = super::dns::NAME_SERVERS;

/// Names the seed treats as registered at another registrar: registering one is a transfer and
/// needs an authorisation code.
pub const REGISTERED_ELSEWHERE: [&str; 3] = ["example.org", "transfer-me.be", "elsewhere.eu"];

/// The API's `Registrant`; absent fields are left out rather than sent as `null`, which the
/// spec's schema does not allow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registrant {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// A domain in the reseller account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRecord {
    /// Lower-case, the key of [`DomainSslState::domains`].
    pub domain_name: String,
    /// ISO-8601, as the API shows it.
    pub expiration_date: String,
    pub will_renew: Option<bool>,
    /// False models an unpaid invoice or a renewal starting within a month.
    pub can_toggle_renew: bool,
    pub name_servers: Vec<String>,
    pub registrant: Registrant,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSslState {
    pub domains: BTreeMap<String, DomainRecord>,
    pub registered_elsewhere: BTreeSet<String>,
    #[serde(default)]
    pub ssl: SslState,
}

/// Whose name a domain made with an account carries: the reseller's.
pub(crate) fn reseller_registrant() -> Registrant {
    let text = |s: &str| Some(s.to_string());
    Registrant {
        address: text("Skaldenstraat 121"),
        city: text("Gent"),
        company_name: text("Example Reseller BV"),
        country_code: text("BE"),
        email: text("hostmaster@example.com"),
        enterprise_number: text("BE0123456789"),
        fax: None,
        first_name: text("Jan"),
        language_code: text("nl"),
        last_name: text("Peeters"),
        phone: text("+32.93300000"),
        postal_code: text("9042"),
    }
}

impl DomainSslState {
    /// `example.com` (renew can be toggled) and `example.net` (it cannot: an unpaid invoice), and
    /// the seeded certificate of `example.com`.
    pub fn seed() -> DomainSslState {
        let domain = |name: &str, expires: &str, can_toggle_renew: bool| DomainRecord {
            domain_name: name.to_string(),
            expiration_date: expires.to_string(),
            will_renew: Some(true),
            can_toggle_renew,
            name_servers: DEFAULT_NAME_SERVERS.iter().map(|s| s.to_string()).collect(),
            registrant: reseller_registrant(),
        };
        let domains = [
            domain("example.com", "2027-09-14T00:00:00Z", true),
            domain("example.net", "2026-12-20T00:00:00Z", false),
        ]
        .into_iter()
        .map(|d| (d.domain_name.clone(), d))
        .collect();
        DomainSslState {
            domains,
            registered_elsewhere: REGISTERED_ELSEWHERE.iter().map(|s| s.to_string()).collect(),
            ssl: SslState::seed(),
        }
    }
}
