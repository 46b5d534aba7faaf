//! Mail zones: `GET /mailzones/{domain}` is the only read of a zone's aliases, catch-all
//! addresses, extra SMTP domains and anti-spam setting, so every write below is read back
//! through it. Creates answer 201 + `Location`; the alias and SMTP domain PUTs answer 202
//! ("accepted", no job), the anti-spam PUT 204, the deletes 204.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::cache::InvalidateOnDrop;
use super::transport::Request;
use super::{api_path_below, null_as_default, require, Client, Error};

/// `GET /mailzones/{domain}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailZone {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub available_accounts: Vec<MailZoneAccount>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<MailAlias>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub catch_all: CatchAll,
    #[serde(default, deserialize_with = "null_as_default")]
    pub anti_spam: AntiSpam,
    #[serde(default, deserialize_with = "null_as_default")]
    pub smtp_domains: Vec<SmtpDomain>,
}

impl MailZone {
    /// The alias with this address (compared without case).
    pub fn alias(&self, address: &str) -> Option<&MailAlias> {
        self.aliases
            .iter()
            .find(|a| a.email_address.eq_ignore_ascii_case(address))
    }

    /// Whether `address` receives the zone's catch-all mail (compared without case).
    pub fn has_catch_all(&self, address: &str) -> bool {
        self.catch_all
            .email_addresses
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address))
    }

    /// The extra SMTP domain with this host name (compared without case or final dot).
    pub fn smtp_domain(&self, hostname: &str) -> Option<&SmtpDomain> {
        let wanted = hostname.trim_end_matches('.');
        self.smtp_domains.iter().find(|d| {
            d.hostname
                .trim_end_matches('.')
                .eq_ignore_ascii_case(wanted)
        })
    }
}

/// The API's `MailZoneAccount`: where mailboxes are created, with their size in MB.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailZoneAccount {
    #[serde(default, deserialize_with = "null_as_default")]
    pub account_id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub size: i64,
}

/// The API's `Alias`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAlias {
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_address: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub destinations: Vec<String>,
}

/// The API's `CatchAll`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchAll {
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<String>,
}

/// The API's `AntiSpam`. Types are kept as the strings the API sends (`none`, `basic`,
/// `advanced`), so that a type added later reads without error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AntiSpam {
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub spam_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_types: Vec<String>,
}

/// The API's `SmtpDomain`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpDomain {
    #[serde(default, deserialize_with = "null_as_default")]
    pub hostname: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
}

#[derive(Serialize)]
struct CreateAliasBody<'a> {
    email_address: &'a str,
    destinations: &'a [String],
}

#[derive(Serialize)]
struct UpdateAliasBody<'a> {
    destinations: &'a [String],
}

#[derive(Serialize)]
struct AntiSpamBody<'a> {
    #[serde(rename = "type")]
    spam_type: &'a str,
}

#[derive(Serialize)]
struct CatchAllBody<'a> {
    email_address: &'a str,
}

#[derive(Serialize)]
struct CreateSmtpDomainBody<'a> {
    hostname: &'a str,
}

#[derive(Serialize)]
struct UpdateSmtpDomainBody {
    enabled: bool,
}

/// The path below `/mailzones/{domain}`; a blank domain is refused.
fn zone_path(domain: &str, rest: &[&str]) -> Result<String, Error> {
    require("mail zone's domain name", domain)?;
    api_path_below("mailzones", domain, rest)
}

impl Client {
    /// `GET /mailzones/{domain}`. A domain without a mail zone gives `is_not_found()`.
    pub async fn get_mail_zone(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<MailZone, Error> {
        let request = Request::new(Method::GET, zone_path(domain, &[])?);
        self.get_json(request, cancel).await
    }

    /// Sends a write to `domain`'s mail zone: `method` on the path below the zone, with `body`
    /// as JSON when there is one. A blank `what` (the name in the path) is refused first. The
    /// zone's cached read is stale on every way out of it (success, error, or the future
    /// dropped half-way).
    async fn write_zone<T: Serialize>(
        &self,
        domain: &str,
        (what, name): (&str, &str),
        (method, rest): (Method, &[&str]),
        body: Option<&T>,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require(what, name)?;
        let mut request = Request::new(method, zone_path(domain, rest)?);
        if let Some(body) = body {
            request = request.json(body)?;
        }
        let _invalidate = InvalidateOnDrop::new(&self.caches().mail_zones, domain);
        self.send(&request, cancel).await?;
        Ok(())
    }

    /// `POST /mailzones/{domain}/aliases` (201). Never re-sent blindly after a timeout.
    pub async fn create_mail_alias(
        &self,
        domain: &str,
        address: &str,
        destinations: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = CreateAliasBody {
            email_address: address,
            destinations,
        };
        let call = (Method::POST, &["aliases"][..]);
        self.write_zone(
            domain,
            ("alias address", address),
            call,
            Some(&body),
            cancel,
        )
        .await
    }

    /// `PUT /mailzones/{domain}/aliases/{address}` (202): replaces the destinations.
    pub async fn update_mail_alias(
        &self,
        domain: &str,
        address: &str,
        destinations: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = UpdateAliasBody { destinations };
        let call = (Method::PUT, &["aliases", address][..]);
        self.write_zone(
            domain,
            ("alias address", address),
            call,
            Some(&body),
            cancel,
        )
        .await
    }

    /// `DELETE /mailzones/{domain}/aliases/{address}` (204). A missing alias (or zone) gives
    /// `is_not_found()`.
    pub async fn delete_mail_alias(
        &self,
        domain: &str,
        address: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let call = (Method::DELETE, &["aliases", address][..]);
        self.write_zone(domain, ("alias address", address), call, NO_BODY, cancel)
            .await
    }

    /// `PUT /mailzones/{domain}/antispam` (204). `spam_type` must be one of the zone's
    /// `anti_spam.allowed_types`.
    pub async fn set_mail_antispam(
        &self,
        domain: &str,
        spam_type: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = AntiSpamBody { spam_type };
        let call = (Method::PUT, &["antispam"][..]);
        self.write_zone(
            domain,
            ("anti-spam type", spam_type),
            call,
            Some(&body),
            cancel,
        )
        .await
    }

    /// `POST /mailzones/{domain}/catchall` (201): one more catch-all address.
    pub async fn create_mail_catch_all(
        &self,
        domain: &str,
        address: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = CatchAllBody {
            email_address: address,
        };
        let call = (Method::POST, &["catchall"][..]);
        self.write_zone(
            domain,
            ("catch-all address", address),
            call,
            Some(&body),
            cancel,
        )
        .await
    }

    /// `DELETE /mailzones/{domain}/catchall/{address}` (204). A missing address (or zone)
    /// gives `is_not_found()`.
    pub async fn delete_mail_catch_all(
        &self,
        domain: &str,
        address: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let call = (Method::DELETE, &["catchall", address][..]);
        self.write_zone(
            domain,
            ("catch-all address", address),
            call,
            NO_BODY,
            cancel,
        )
        .await
    }

    /// `POST /mailzones/{domain}/smtpdomains` (201). Combell enables a new SMTP domain.
    pub async fn create_smtp_domain(
        &self,
        domain: &str,
        hostname: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = CreateSmtpDomainBody { hostname };
        let call = (Method::POST, &["smtpdomains"][..]);
        self.write_zone(domain, (SMTP_DOMAIN, hostname), call, Some(&body), cancel)
            .await
    }

    /// `PUT /mailzones/{domain}/smtpdomains/{hostname}` (202): enables or disables it.
    pub async fn update_smtp_domain(
        &self,
        domain: &str,
        hostname: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = UpdateSmtpDomainBody { enabled };
        let call = (Method::PUT, &["smtpdomains", hostname][..]);
        self.write_zone(domain, (SMTP_DOMAIN, hostname), call, Some(&body), cancel)
            .await
    }

    /// `DELETE /mailzones/{domain}/smtpdomains/{hostname}` (204). A missing SMTP domain (or
    /// zone) gives `is_not_found()`.
    pub async fn delete_smtp_domain(
        &self,
        domain: &str,
        hostname: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let call = (Method::DELETE, &["smtpdomains", hostname][..]);
        self.write_zone(domain, (SMTP_DOMAIN, hostname), call, NO_BODY, cancel)
            .await
    }
}

/// What an SMTP domain's host name is called when it is missing.
const SMTP_DOMAIN: &str = "SMTP domain's host name";

/// A zone write without a body (the deletes).
const NO_BODY: Option<&()> = None;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_zone_with_nulls_missing_parts_and_unknown_fields() {
        let zone: MailZone = serde_json::from_str(
            r#"{"name":"example.com","enabled":true,
                "available_accounts":[{"account_id":1001,"size":5120}],
                "aliases":[{"email_address":"Sales@example.com","destinations":null}],
                "catch_all":null,
                "anti_spam":{"type":"basic","allowed_types":["none","basic","future"]},
                "smtp_domains":[{"hostname":"example.be.","enabled":false}],
                "later":1}"#,
        )
        .unwrap();
        assert_eq!(zone.available_accounts[0].size, 5120);
        assert_eq!(
            zone.alias("sales@example.com").unwrap().destinations.len(),
            0
        );
        assert!(zone.alias("other@example.com").is_none());
        assert!(zone.catch_all.email_addresses.is_empty());
        assert!(!zone.has_catch_all("x@example.com"));
        assert_eq!(zone.anti_spam.spam_type, "basic");
        assert_eq!(zone.anti_spam.allowed_types.len(), 3);
        assert!(!zone.smtp_domain("EXAMPLE.be").unwrap().enabled);
        let bare: MailZone = serde_json::from_str(r#"{"name":"x.be"}"#).unwrap();
        assert_eq!(bare.anti_spam, AntiSpam::default());
    }

    #[test]
    fn writes_wire_names() {
        let destinations = vec!["a@example.org".to_string()];
        assert_eq!(
            serde_json::to_string(&CreateAliasBody {
                email_address: "team@example.com",
                destinations: &destinations,
            })
            .unwrap(),
            r#"{"email_address":"team@example.com","destinations":["a@example.org"]}"#
        );
        assert_eq!(
            serde_json::to_string(&AntiSpamBody {
                spam_type: "advanced"
            })
            .unwrap(),
            r#"{"type":"advanced"}"#
        );
        assert_eq!(
            serde_json::to_string(&UpdateSmtpDomainBody { enabled: false }).unwrap(),
            r#"{"enabled":false}"#
        );
    }

    #[test]
    fn paths_refuse_empty_names() {
        assert_eq!(
            zone_path("example.com", &["aliases", "a@example.com"]).unwrap(),
            "/mailzones/example.com/aliases/a@example.com"
        );
        assert!(zone_path("", &[]).is_err());
        assert!(zone_path(" ", &["catchall"]).is_err());
    }
}
