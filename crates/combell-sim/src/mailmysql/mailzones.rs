//! Mail zones: `GET /v2/mailzones/{domainName}` (the only read of aliases, catch-all, anti-spam
//! and SMTP domains), aliases (POST 201, PUT 202, DELETE 204), anti-spam (PUT 204), catch-all
//! (POST 201, DELETE 204) and extra SMTP domains (POST 201, PUT 202, DELETE 204).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{post, put, MethodRouter};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{created, empty, no_content, path_or_404, PathArg};
use crate::names::{domain_of, is_domain_name, is_email_address, key};
use crate::shared::Shared;
use crate::state::mail::{Alias, AntiSpamType, MailZone, SmtpDomain};
use crate::state::{remove_where, SimState};

/// `CreateAliasRequest` and `UpdateAliasRequest` (which lacks `email_address`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AliasInput {
    pub email_address: Option<String>,
    pub destinations: Option<Vec<String>>,
}

/// `UpdateAntiSpamRequest`; the type is checked here so that a wrong one gets its own code.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AntiSpamInput {
    #[serde(rename = "type")]
    pub spam_type: Option<String>,
}

/// `CreateCatchAllRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CatchAllInput {
    pub email_address: Option<String>,
}

/// `CreateSmtpDomainRequest` and `UpdateSmtpDomainRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SmtpDomainInput {
    pub hostname: Option<String>,
    pub enabled: Option<bool>,
}

fn zone_not_found(domain: &str) -> ApiError {
    ApiError::not_found(
        "mailzone_not_found",
        format!("There is no mail zone for '{domain}'."),
    )
}

fn validation(errors: Vec<ErrorMessage>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Destinations: at least one, each a valid address other than the alias itself.
fn check_destinations(
    alias: &str,
    destinations: Option<&Vec<String>>,
    errors: &mut Vec<ErrorMessage>,
) -> Vec<String> {
    let destinations: Vec<String> = destinations
        .map(|list| list.iter().map(|d| key(d)).collect())
        .unwrap_or_default();
    if destinations.is_empty() {
        errors.push(ErrorMessage::new(
            "mailzone_alias_destinations_required",
            "An alias needs at least one destination address.",
        ));
    }
    for destination in &destinations {
        if !is_email_address(destination) {
            errors.push(ErrorMessage::new(
                "mailzone_alias_destination_invalid",
                format!("'{destination}' is not a valid e-mail address."),
            ));
        } else if destination == alias {
            errors.push(ErrorMessage::new(
                "mailzone_alias_destination_is_alias",
                "An alias cannot forward to itself.",
            ));
        }
    }
    let mut unique: Vec<String> = Vec::with_capacity(destinations.len());
    for destination in destinations {
        if !unique.contains(&destination) {
            unique.push(destination);
        }
    }
    unique
}

impl SimState {
    pub fn mail_zone(&self, domain: &str) -> Result<&MailZone, ApiError> {
        self.mailmysql
            .mail_zones
            .get(&key(domain))
            .ok_or_else(|| zone_not_found(domain))
    }

    fn mail_zone_mut(&mut self, domain: &str) -> Result<&mut MailZone, ApiError> {
        self.mailmysql
            .mail_zones
            .get_mut(&key(domain))
            .ok_or_else(|| zone_not_found(domain))
    }

    /// Returns the alias's address.
    pub fn create_alias(&mut self, domain: &str, input: &AliasInput) -> Result<String, ApiError> {
        let zone = self.mail_zone(domain)?;
        let mut errors = Vec::new();
        let address = input.email_address.as_deref().map(key).unwrap_or_default();
        if address.is_empty() {
            errors.push(ErrorMessage::new(
                "mailzone_alias_email_address_required",
                "The alias e-mail address is required.",
            ));
        } else if !is_email_address(&address) {
            errors.push(ErrorMessage::new(
                "mailzone_alias_email_address_invalid",
                format!("'{address}' is not a valid e-mail address."),
            ));
        } else if domain_of(&address) != zone.name {
            errors.push(ErrorMessage::new(
                "mailzone_alias_wrong_domain",
                format!(
                    "The alias '{address}' must be an address of the mail zone '{}'.",
                    zone.name
                ),
            ));
        } else if zone.aliases.iter().any(|a| a.email_address == address) {
            errors.push(ErrorMessage::new(
                "mailzone_alias_already_exists",
                format!("The alias '{address}' already exists."),
            ));
        } else if self.mailmysql.mailboxes.contains_key(&address) {
            errors.push(ErrorMessage::new(
                "mailzone_alias_is_a_mailbox",
                format!("'{address}' is a mailbox; an alias cannot have the same address."),
            ));
        }
        let destinations = check_destinations(&address, input.destinations.as_ref(), &mut errors);
        validation(errors)?;
        self.mail_zone_mut(domain)?.aliases.push(Alias {
            email_address: address.clone(),
            destinations,
        });
        Ok(address)
    }

    pub fn update_alias(
        &mut self,
        domain: &str,
        address: &str,
        input: &AliasInput,
    ) -> Result<(), ApiError> {
        let address = key(address);
        let mut errors = Vec::new();
        let destinations = check_destinations(&address, input.destinations.as_ref(), &mut errors);
        validation(errors)?;
        let alias = self
            .mail_zone_mut(domain)?
            .aliases
            .iter_mut()
            .find(|a| a.email_address == address)
            .ok_or_else(|| alias_not_found(&address))?;
        alias.destinations = destinations;
        Ok(())
    }

    pub fn delete_alias(&mut self, domain: &str, address: &str) -> Result<(), ApiError> {
        let address = key(address);
        let zone = self.mail_zone_mut(domain)?;
        remove_where(
            &mut zone.aliases,
            |a| a.email_address == address,
            || alias_not_found(&address),
        )
    }

    pub fn set_antispam(&mut self, domain: &str, input: &AntiSpamInput) -> Result<(), ApiError> {
        let zone = self.mail_zone(domain)?;
        let raw = input.spam_type.as_deref().unwrap_or("").trim();
        let spam_type = if raw.is_empty() {
            return Err(ApiError::invalid(
                "mailzone_antispam_type_required",
                "The anti-spam type is required (none, basic or advanced).",
            ));
        } else {
            AntiSpamType::parse(raw).ok_or_else(|| {
                ApiError::invalid(
                    "mailzone_antispam_type_invalid",
                    format!("'{raw}' is not an anti-spam type; use none, basic or advanced."),
                )
            })?
        };
        if !zone.anti_spam.allowed_types.contains(&spam_type) {
            return Err(ApiError::invalid(
                "mailzone_antispam_type_not_allowed",
                format!(
                    "Anti-spam type '{raw}' is not allowed for this mail zone; see anti_spam.allowed_types."
                ),
            ));
        }
        self.mail_zone_mut(domain)?.anti_spam.spam_type = spam_type;
        Ok(())
    }

    /// Returns the catch-all address.
    pub fn create_catch_all(
        &mut self,
        domain: &str,
        input: &CatchAllInput,
    ) -> Result<String, ApiError> {
        let zone = self.mail_zone(domain)?;
        let address = input.email_address.as_deref().map(key).unwrap_or_default();
        if address.is_empty() {
            return Err(ApiError::invalid(
                "mailzone_catchall_email_address_required",
                "The catch-all e-mail address is required.",
            ));
        }
        if !is_email_address(&address) {
            return Err(ApiError::invalid(
                "mailzone_catchall_email_address_invalid",
                format!("'{address}' is not a valid e-mail address."),
            ));
        }
        if zone.catch_all.email_addresses.contains(&address) {
            return Err(ApiError::invalid(
                "mailzone_catchall_already_exists",
                format!("'{address}' already receives the zone's catch-all mail."),
            ));
        }
        self.mail_zone_mut(domain)?
            .catch_all
            .email_addresses
            .push(address.clone());
        Ok(address)
    }

    pub fn delete_catch_all(&mut self, domain: &str, address: &str) -> Result<(), ApiError> {
        let address = key(address);
        let zone = self.mail_zone_mut(domain)?;
        remove_where(
            &mut zone.catch_all.email_addresses,
            |a| *a == address,
            || {
                ApiError::not_found(
                    "mailzone_catchall_not_found",
                    format!("'{address}' is not a catch-all address of this mail zone."),
                )
            },
        )
    }

    /// Returns the SMTP domain's host name; new SMTP domains are enabled.
    pub fn create_smtp_domain(
        &mut self,
        domain: &str,
        input: &SmtpDomainInput,
    ) -> Result<String, ApiError> {
        let zone = self.mail_zone(domain)?;
        let hostname = input.hostname.as_deref().map(key).unwrap_or_default();
        let hostname = hostname.strip_suffix('.').unwrap_or(&hostname).to_string();
        let refusal = if hostname.is_empty() {
            Some((
                "mailzone_smtp_domain_hostname_required",
                "The SMTP domain's hostname is required.".to_string(),
            ))
        } else if !is_domain_name(&hostname) {
            Some((
                "mailzone_smtp_domain_hostname_invalid",
                format!("'{hostname}' is not a valid domain name."),
            ))
        } else if hostname == zone.name {
            Some((
                "mailzone_smtp_domain_is_mail_zone",
                format!("'{hostname}' is the mail zone itself."),
            ))
        } else if zone.smtp_domains.iter().any(|d| d.hostname == hostname) {
            Some((
                "mailzone_smtp_domain_already_exists",
                format!("'{hostname}' is already an SMTP domain of this mail zone."),
            ))
        } else {
            None
        };
        if let Some((code, text)) = refusal {
            return Err(ApiError::invalid(code, text));
        }
        self.mail_zone_mut(domain)?.smtp_domains.push(SmtpDomain {
            hostname: hostname.clone(),
            enabled: true,
        });
        Ok(hostname)
    }

    pub fn update_smtp_domain(
        &mut self,
        domain: &str,
        hostname: &str,
        input: &SmtpDomainInput,
    ) -> Result<(), ApiError> {
        let hostname = key(hostname);
        let smtp = self
            .mail_zone_mut(domain)?
            .smtp_domains
            .iter_mut()
            .find(|d| d.hostname == hostname)
            .ok_or_else(|| smtp_domain_not_found(&hostname))?;
        smtp.enabled = input.enabled.unwrap_or(false);
        Ok(())
    }

    pub fn delete_smtp_domain(&mut self, domain: &str, hostname: &str) -> Result<(), ApiError> {
        let hostname = key(hostname);
        let zone = self.mail_zone_mut(domain)?;
        remove_where(
            &mut zone.smtp_domains,
            |d| d.hostname == hostname,
            || smtp_domain_not_found(&hostname),
        )
    }
}

fn alias_not_found(address: &str) -> ApiError {
    ApiError::not_found(
        "mailzone_alias_not_found",
        format!("There is no alias '{address}' in this mail zone."),
    )
}

fn smtp_domain_not_found(hostname: &str) -> ApiError {
    ApiError::not_found(
        "mailzone_smtp_domain_not_found",
        format!("'{hostname}' is not an SMTP domain of this mail zone."),
    )
}

/// A change under the mail zone the path names: the zone, and `found` within it, must exist
/// (404) before the body is read.
fn zone_write<I: DeserializeOwned, T>(
    shared: &Shared,
    domain: &str,
    body: &Bytes,
    found: impl FnOnce(&MailZone) -> Result<(), ApiError>,
    apply: impl FnOnce(&mut SimState, &I) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    shared.write_body(body, |s| s.mail_zone(domain).and_then(found), apply)
}

/// The route of a create under the mail zone the path names: 201 with the `Location` of
/// `/v2/mailzones/{domain}/{part}/{name}`.
pub(crate) fn zone_create<I: DeserializeOwned + 'static>(
    part: &'static str,
    create: fn(&mut SimState, &str, &I) -> Result<String, ApiError>,
) -> MethodRouter<Arc<Shared>> {
    post(
        move |State(shared): State<Arc<Shared>>, path: PathArg<String>, body: Bytes| async move {
            created(path_or_404(path).and_then(|domain| {
                let name = zone_write(
                    &shared,
                    &domain,
                    &body,
                    |_| Ok(()),
                    |s, input| create(s, &domain, input),
                )?;
                Ok(format!("/v2/mailzones/{}/{part}/{name}", key(&domain)))
            }))
        },
    )
}

/// The route of a 202 PUT on a part of the mail zone (an alias, an SMTP domain) that the path
/// names: `find` must find it in the zone (404) before the body is read.
pub(crate) fn zone_update<I: DeserializeOwned + 'static>(
    find: fn(&MailZone, &str) -> Result<(), ApiError>,
    apply: fn(&mut SimState, &str, &str, &I) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    put(
        move |State(shared): State<Arc<Shared>>, path: PathArg<(String, String)>, body: Bytes| async move {
            let answer = path_or_404(path).and_then(|(domain, name)| {
                zone_write(
                    &shared,
                    &domain,
                    &body,
                    |zone| find(zone, &key(&name)),
                    |s, input| apply(s, &domain, &name, input),
                )
            });
            empty(StatusCode::ACCEPTED, answer)
        },
    )
}

/// An alias of the zone, by its lower-case address.
pub(crate) fn has_alias(zone: &MailZone, address: &str) -> Result<(), ApiError> {
    match zone.aliases.iter().any(|a| a.email_address == address) {
        true => Ok(()),
        false => Err(alias_not_found(address)),
    }
}

/// An SMTP domain of the zone, by its lower-case host name.
pub(crate) fn has_smtp_domain(zone: &MailZone, hostname: &str) -> Result<(), ApiError> {
    match zone.smtp_domains.iter().any(|d| d.hostname == hostname) {
        true => Ok(()),
        false => Err(smtp_domain_not_found(hostname)),
    }
}

pub(crate) async fn antispam(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
    body: Bytes,
) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        zone_write(
            &shared,
            &domain,
            &body,
            |_| Ok(()),
            |s, input| s.set_antispam(&domain, input),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    fn alias(address: &str, destinations: &[&str]) -> AliasInput {
        AliasInput {
            email_address: Some(address.to_string()),
            destinations: Some(destinations.iter().map(|d| d.to_string()).collect()),
        }
    }

    #[test]
    fn aliases_are_checked_then_stored() {
        let mut state = SimState::seed();
        let made = state
            .create_alias(
                "Example.com",
                &alias("Team@Example.com", &["a@b.be", "A@b.be"]),
            )
            .unwrap();
        assert_eq!(made, "team@example.com");
        let zone = state.mail_zone("example.com").unwrap();
        let stored = zone
            .aliases
            .iter()
            .find(|a| a.email_address == made)
            .unwrap();
        assert_eq!(stored.destinations, ["a@b.be"]);

        let cases: [(AliasInput, &[&str]); 6] = [
            (
                AliasInput::default(),
                &[
                    "mailzone_alias_email_address_required",
                    "mailzone_alias_destinations_required",
                ],
            ),
            (
                alias("team@example.com", &["x@y.be"]),
                &["mailzone_alias_already_exists"],
            ),
            (
                alias("info@example.com", &["x@y.be"]),
                &["mailzone_alias_is_a_mailbox"],
            ),
            (
                alias("x@other.be", &["x@y.be"]),
                &["mailzone_alias_wrong_domain"],
            ),
            (
                alias("x@example.com", &["nope", "x@example.com"]),
                &[
                    "mailzone_alias_destination_invalid",
                    "mailzone_alias_destination_is_alias",
                ],
            ),
            (
                alias("bad address@example.com", &["x@y.be"]),
                &["mailzone_alias_email_address_invalid"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                codes(state.create_alias("example.com", &input).unwrap_err()),
                expected
            );
        }
        assert_eq!(
            codes(
                state
                    .create_alias("nowhere.be", &alias("a@nowhere.be", &["b@c.be"]))
                    .unwrap_err()
            ),
            ["mailzone_not_found"]
        );
    }

    #[test]
    fn antispam_only_takes_allowed_types() {
        let mut state = SimState::seed();
        let set = |t: &str| AntiSpamInput {
            spam_type: Some(t.to_string()),
        };
        state.set_antispam("example.com", &set("none")).unwrap();
        assert_eq!(
            state.mail_zone("example.com").unwrap().anti_spam.spam_type,
            AntiSpamType::None
        );
        assert_eq!(
            codes(
                state
                    .set_antispam("example.com", &set("advanced"))
                    .unwrap_err()
            ),
            ["mailzone_antispam_type_not_allowed"]
        );
        assert_eq!(
            codes(
                state
                    .set_antispam("example.com", &set("ultra"))
                    .unwrap_err()
            ),
            ["mailzone_antispam_type_invalid"]
        );
        assert_eq!(
            codes(
                state
                    .set_antispam("example.com", &AntiSpamInput::default())
                    .unwrap_err()
            ),
            ["mailzone_antispam_type_required"]
        );
    }

    #[test]
    fn smtp_domains_and_catch_all() {
        let mut state = SimState::seed();
        let smtp = |h: &str| SmtpDomainInput {
            hostname: Some(h.to_string()),
            enabled: None,
        };
        assert_eq!(
            state
                .create_smtp_domain("example.com", &smtp("Example.BE."))
                .unwrap(),
            "example.be"
        );
        assert_eq!(
            codes(
                state
                    .create_smtp_domain("example.com", &smtp("example.be"))
                    .unwrap_err()
            ),
            ["mailzone_smtp_domain_already_exists"]
        );
        assert_eq!(
            codes(
                state
                    .create_smtp_domain("example.com", &smtp("example.com"))
                    .unwrap_err()
            ),
            ["mailzone_smtp_domain_is_mail_zone"]
        );
        assert_eq!(
            codes(
                state
                    .create_smtp_domain("example.com", &smtp("not a host"))
                    .unwrap_err()
            ),
            ["mailzone_smtp_domain_hostname_invalid"]
        );
        state
            .update_smtp_domain("example.com", "EXAMPLE.be", &SmtpDomainInput::default())
            .unwrap();
        assert!(!state.mail_zone("example.com").unwrap().smtp_domains[0].enabled);
        state
            .delete_smtp_domain("example.com", "example.be")
            .unwrap();
        assert_eq!(
            codes(
                state
                    .delete_smtp_domain("example.com", "example.be")
                    .unwrap_err()
            ),
            ["mailzone_smtp_domain_not_found"]
        );

        let catch = |a: &str| CatchAllInput {
            email_address: Some(a.to_string()),
        };
        state
            .create_catch_all("example.com", &catch("info@example.com"))
            .unwrap();
        assert_eq!(
            codes(
                state
                    .create_catch_all("example.com", &catch("INFO@example.com"))
                    .unwrap_err()
            ),
            ["mailzone_catchall_already_exists"]
        );
        state
            .delete_catch_all("example.com", "info@example.com")
            .unwrap();
        assert_eq!(
            codes(
                state
                    .delete_catch_all("example.com", "info@example.com")
                    .unwrap_err()
            ),
            ["mailzone_catchall_not_found"]
        );
    }
}
