//! `combell_mail_alias`: an alias of a mail zone, an address that forwards what it receives to
//! one or more destinations. Import ID: `<domain>/<alias address>`, e.g.
//! `example.com/sales@example.com` (the alias address alone also works); identity: the two, in
//! lower case.
//!
//! Combell has no GET for one alias: it is read from `GET /mailzones/{domain}`, which lists
//! them, and an alias missing there has been deleted. Creating answers 201; changing the
//! destinations answers 202 (accepted, no job). The alias address and the zone cannot change in
//! place: both replace the alias. An alias cannot have the address of a mailbox (Combell
//! refuses it).
//!
//! Through the core's one path (`core::managed`). Natural key: the alias address in its zone;
//! after a lost answer the zone is read again (fresh) and an alias there with that address is
//! the one created. Before the create the zone is read: a domain without one, or an alias that
//! is there already (its destroy would belong to this configuration), is refused. No read back
//! after a write (one request per write): every attribute is configured and the mapping keeps
//! it as written (lower case, as validated), so the plan is the state. The address-only import
//! ID is rewritten to `<domain>/<address>` before the core splits it (`import_id`).

use async_trait::async_trait;

use crate::core::ids::{IdPart, MAIL_ZONE};
use crate::core::managed::{Managed, Typed};
use crate::core::rules;
use crate::mail::zone_shared::{
    read_zone, read_zone_fresh, refuse_taken, split_import_id, StringSet,
};
use combell_api::{self as api, CancellationToken, Client, MailAlias, MailZone};
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Schema, Type};

const TYPE_NAME: &str = "combell_mail_alias";

/// The parts of `combell_mail_alias` the core calls.
#[derive(Clone, Copy)]
pub struct MailAliasPart;

/// The Terraform resource, as the core runs it.
pub(crate) static RESOURCE: Typed<MailAliasPart> = Typed::new(MailAliasPart);

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(
            "`<domain_name>/<email_address>`, such as `example.com/sales@example.com`.",
        ),
        Attribute::string("domain_name").required().description(
            "The mail zone the alias belongs to: a domain whose mail Combell hosts, such as \
             `example.com`, in lower case. Changing it replaces the alias.",
        ),
        Attribute::string("email_address").required().description(
            "The alias address, such as `sales@example.com`, in lower case and in the mail \
             zone's domain. It cannot be the address of a mailbox. Changing it replaces the \
             alias.",
        ),
        Attribute::new("destinations", Type::set(Type::String))
            .required()
            .description(
                "The addresses that receive the alias's mail: at least one, in lower case, in \
                 any domain, not the alias itself. Changed in place.",
            ),
    ])
    .description(
        "An alias of a mail zone: an e-mail address that forwards everything it receives to \
         one or more destinations, without a mailbox of its own. Destroying the resource \
         deletes the alias.",
    )
}

// ---- The parts the core calls -------------------------------------------------------------

#[async_trait]
impl Managed for MailAliasPart {
    type Model = Alias;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "mail_alias";
    const ID_PARTS: &'static [IdPart] = &[
        MAIL_ZONE,
        (
            "email_address",
            "The alias address, in lower case, such as `sales@example.com`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/sales@example.com";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /mailzones/{domainName}",
        "POST /mailzones/{domainName}/aliases",
        "PUT /mailzones/{domainName}/aliases/{emailAddress}",
        "DELETE /mailzones/{domainName}/aliases/{emailAddress}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name", "email_address"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Alias, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    fn what(&self, planned: &Alias) -> String {
        format!(
            "alias \"{}\"",
            planned.email_address.as_str().unwrap_or_default()
        )
    }

    /// The zone must exist, and an alias that exists before the POST is not ours: taking it
    /// over would hand it to this configuration's destroy.
    async fn before_create(
        &self,
        client: &Client,
        planned: &Alias,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Alias>, Diagnostic> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        refuse_taken(client, (domain, address), summary, cancel, |zone| {
            zone.alias(address).is_some().then(|| {
                format!("Alias \"{address}\" already exists in the mail zone of \"{domain}\".")
            })
        })
        .await
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Alias,
        _config: &Alias,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        client
            .create_mail_alias(domain, address, &destinations_of(planned), cancel)
            .await?;
        Ok(String::new())
    }

    fn created(&self, planned: &Alias, _answer: &str) -> Alias {
        Alias {
            id: format!(
                "{}/{}",
                planned.domain_name.as_str().unwrap_or_default(),
                planned.email_address.as_str().unwrap_or_default()
            )
            .into(),
            ..planned.clone()
        }
    }

    /// By address among the zone's aliases (the zone as read in the last few seconds).
    async fn fetch(
        &self,
        client: &Client,
        key: &Alias,
        cancel: &CancellationToken,
    ) -> Result<Option<Alias>, api::Error> {
        let (Some(domain), Some(address)) = (key.domain_name.as_str(), key.email_address.as_str())
        else {
            return Ok(None);
        };
        let zone = read_zone(client, domain, cancel).await?;
        Ok(found(zone.as_ref(), domain, address))
    }

    /// After a lost answer the zone is read fresh: the shared answer may predate the create.
    async fn find_created(
        &self,
        client: &Client,
        planned: &Alias,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Alias>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        let zone = read_zone_fresh(client, domain, cancel).await?;
        Ok(found(zone.as_ref(), domain, address))
    }

    /// The destinations, in place (the address and the zone replace the alias).
    async fn send_update(
        &self,
        client: &Client,
        prior: &Alias,
        planned: &Alias,
        _config: &Alias,
        cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let address = prior.email_address.as_str().unwrap_or_default();
        client
            .update_mail_alias(domain, address, &destinations_of(planned), cancel)
            .await
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Alias,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let address = prior.email_address.as_str().unwrap_or_default();
        client.delete_mail_alias(domain, address, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn imported(&self, parts: &[String]) -> Alias {
        let (domain, address) = (parts[0].to_ascii_lowercase(), parts[1].to_ascii_lowercase());
        Alias {
            id: format!("{domain}/{address}").into(),
            domain_name: domain.into(),
            email_address: address.into(),
            ..Default::default()
        }
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).map(|(domain, address)| format!("{domain}/{address}"))
    }
}

fn found(zone: Option<&MailZone>, domain: &str, address: &str) -> Option<Alias> {
    zone?.alias(address).map(|alias| state_from(domain, alias))
}

fn lower_set(items: &[String]) -> StringSet {
    StringSet::new(items.iter().map(|d| d.to_ascii_lowercase()))
}

/// The planned destinations (none while unknown).
fn destinations_of(alias: &Alias) -> Vec<String> {
    alias
        .destinations
        .known()
        .map(|set| set.0.clone())
        .unwrap_or_default()
}

tfplugin::model! {
    /// The state, plan and configuration of `combell_mail_alias`.
    pub struct Alias {
        id: String,
        domain_name: String,
        email_address: String,
        destinations: StringSet,
    }
}

/// The one mapping API → state, used by read, the lookup after a lost answer and import.
fn state_from(domain: &str, alias: &MailAlias) -> Alias {
    let domain = domain.to_ascii_lowercase();
    let address = alias.email_address.to_ascii_lowercase();
    Alias {
        id: format!("{domain}/{address}").into(),
        domain_name: domain.into(),
        email_address: address.into(),
        destinations: lower_set(&alias.destinations).into(),
    }
}

/// `<domain>/<address>`, or the address alone (its domain is the zone's).
fn parse_import_id(id: &str) -> Result<(String, String), String> {
    let (domain, address) = match split_import_id(id) {
        Some(parts) => parts,
        None => {
            let address = id.trim().to_ascii_lowercase();
            let domain = address
                .rsplit_once('@')
                .map(|(_, d)| d.to_string())
                .unwrap_or_default();
            (domain, address)
        }
    };
    let usage = "Expected <domain>/<alias address>, such as \"example.com/sales@example.com\".";
    rules::domain_name(&domain).map_err(|e| format!("{usage} {e}"))?;
    rules::email_address(&address).map_err(|e| format!("{usage} {e}"))?;
    Ok((domain, address))
}

/// Every plan-time problem as (attribute, summary, detail); unknown values are not judged.
fn validate_config(config: &Alias) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    let domain = config.domain_name.as_str();
    if let Some(domain) = domain {
        if let Err(detail) = rules::domain_name(domain) {
            problems.push(("domain_name", "Invalid domain name".into(), detail));
        }
    }
    let address = config.email_address.as_str();
    if let Some(address) = address {
        if let Err(detail) = rules::email_address(address) {
            problems.push(("email_address", "Invalid alias address".into(), detail));
        } else if let Some(domain) = domain.filter(|d| rules::domain_name(d).is_ok()) {
            let own = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
            if own != domain {
                problems.push((
                    "email_address",
                    "Alias outside its mail zone".into(),
                    format!(
                        "An alias of the mail zone \"{domain}\" is an address ending in \
                         \"@{domain}\"; \"{address}\" is not."
                    ),
                ));
            }
        }
    }
    if let Some(StringSet(items)) = config.destinations.known() {
        if items.is_empty() {
            problems.push((
                "destinations",
                "An alias needs a destination".into(),
                "Set destinations to at least one e-mail address.".into(),
            ));
        }
        for item in items {
            if let Err(detail) = rules::email_address(item) {
                problems.push(("destinations", "Invalid destination".into(), detail));
            } else if Some(item.as_str()) == address {
                problems.push((
                    "destinations",
                    "An alias cannot forward to itself".into(),
                    format!("Remove \"{item}\" from destinations."),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Field, Model, Value};

    fn same(alias: &MailAlias, wanted: &[String]) -> bool {
        lower_set(&alias.destinations) == StringSet::new(wanted.iter().cloned())
    }

    fn config(change: impl FnOnce(&mut Alias)) -> Alias {
        let mut v = Alias {
            domain_name: "example.com".to_string().into(),
            email_address: "team@example.com".to_string().into(),
            destinations: StringSet::new(["a@example.org".to_string()]).into(),
            ..Default::default()
        };
        change(&mut v);
        v
    }

    fn set(items: &[&str]) -> Field<StringSet> {
        StringSet::new(items.iter().map(|s| s.to_string())).into()
    }

    fn attributes_with_problems(cfg: &Alias) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn mapping_lower_cases_and_sorts() {
        let alias = MailAlias {
            email_address: "Team@Example.com".into(),
            destinations: vec!["b@example.org".into(), "A@example.org".into()],
        };
        let state = state_from("example.com", &alias);
        assert_eq!(state.id.as_str(), Some("example.com/team@example.com"));
        assert_eq!(
            state.destinations.encode(),
            Value::Set(vec!["a@example.org".into(), "b@example.org".into()])
        );
        assert!(state.encode().is_wholly_known());
        assert!(same(
            &alias,
            &["b@example.org".to_string(), "a@example.org".to_string()]
        ));
        assert!(!same(&alias, &["a@example.org".to_string()]));
    }

    #[test]
    fn configuration_rules() {
        assert!(attributes_with_problems(&config(|_| {})).is_empty());
        type Case<'a> = (&'a str, Box<dyn Fn(&mut Alias)>, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            (
                "domain_name = Example.com",
                Box::new(|c| c.domain_name = "Example.com".to_string().into()),
                vec!["domain_name"],
            ),
            (
                "email_address = team",
                Box::new(|c| c.email_address = "team".to_string().into()),
                vec!["email_address"],
            ),
            (
                "email_address = team@other.com",
                Box::new(|c| c.email_address = "team@other.com".to_string().into()),
                vec!["email_address"],
            ),
            (
                "destinations = []",
                Box::new(|c| c.destinations = set(&[])),
                vec!["destinations"],
            ),
            (
                "destinations = [Nope]",
                Box::new(|c| c.destinations = set(&["Nope"])),
                vec!["destinations"],
            ),
            (
                "destinations = [team@example.com]",
                Box::new(|c| c.destinations = set(&["team@example.com"])),
                vec!["destinations"],
            ),
        ];
        for (label, change, expected) in cases {
            assert_eq!(
                attributes_with_problems(&config(change)),
                expected,
                "{label}"
            );
        }
        let unknown = config(|c| {
            c.domain_name = Field::Unknown;
            c.email_address = Field::Unknown;
            c.destinations = Field::Unknown;
        });
        assert!(attributes_with_problems(&unknown).is_empty());
    }

    #[test]
    fn import_ids() {
        assert_eq!(
            parse_import_id("Example.com/Sales@Example.com").unwrap(),
            ("example.com".to_string(), "sales@example.com".to_string())
        );
        assert_eq!(
            parse_import_id("sales@example.com").unwrap(),
            ("example.com".to_string(), "sales@example.com".to_string())
        );
        for bad in ["example.com", "example.com/nope", "", "x/y/z"] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }
}
