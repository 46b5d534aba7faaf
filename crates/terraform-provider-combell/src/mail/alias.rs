//! `combell_mail_alias`: an alias of a mail zone, an address that forwards what it receives to
//! one or more destinations. Import ID: `<domain>/<alias address>`, e.g.
//! `example.com/sales@example.com` (the alias address alone also works).
//!
//! Combell has no GET for one alias: it is read from `GET /mailzones/{domain}`, which lists
//! them, and an alias missing there has been deleted. Creating answers 201; changing the
//! destinations answers 202 (accepted, no job), so the change is read back until the zone shows
//! it. The alias address and the zone cannot change in place: both replace the alias. An alias
//! cannot have the address of a mailbox (Combell refuses it).
//!
//! Created once (see `reconcile`). Natural key: the alias address in its zone; after a lost
//! answer the zone is read again and an alias there with that address is the one created.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, or_return, read_with};
use crate::core::reconcile::{create_once, CreateSpec};
use crate::core::rules;
use crate::core::{api_error, client};
use crate::mail::zone_shared::{
    no_zone, not_settled, read_zone, read_zone_fresh, settle, split_import_id, StringSet,
};
use combell_api::{CancellationToken, Client, MailAlias, MailZone};
use tfplugin::{
    decode, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, ImportResult,
    Model, ReadResult, Resource, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_mail_alias";
const LOG: &str = "mail_alias";

pub struct MailAliasResource;

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

// ---- Lifecycle ------------------------------------------------------------------------------

const REPLACE_ON_CHANGE: [&str; 2] = ["domain_name", "email_address"];

#[async_trait]
impl Resource for MailAliasResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /mailzones/{domainName}",
            "POST /mailzones/{domainName}/aliases",
            "PUT /mailzones/{domainName}/aliases/{emailAddress}",
            "DELETE /mailzones/{domainName}/aliases/{emailAddress}",
        ]
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<tfplugin::IdentitySchema> {
        Some(crate::core::list::identity_schema(&[
            (
                "domain_name",
                "The mail zone, in lower case, such as `example.com`.",
            ),
            (
                "email_address",
                "The alias address, in lower case, such as `sales@example.com`.",
            ),
        ]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        Alias::attribute_names()
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Alias, config);
        let mut diags = Diagnostics::default();
        for (attribute, summary, detail) in validate_config(&config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let planned = decode!(Alias, planned);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(address)) =
            (planned.domain_name.as_str(), planned.email_address.as_str())
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name and email_address must be known to create an alias.",
            ));
        };
        let destinations = destinations_of(&planned);
        // An alias that exists before the POST is not ours: taking it over would hand it to
        // this configuration's destroy.
        match read_zone_fresh(&client, domain, ctx.stopping()).await {
            Ok(None) => {
                return ApplyResult::error(
                    Diagnostic::error(summary, no_zone(domain))
                        .at(AttributePath::new("domain_name")),
                )
            }
            Ok(Some(zone)) if zone.alias(address).is_some() => {
                return ApplyResult::error(Diagnostic::error(
                    summary,
                    format!(
                        "Alias \"{address}\" already exists in the mail zone of \"{domain}\". To \
                         manage it with Terraform, import it: terraform import <resource \
                         address> {domain}/{address}"
                    ),
                ))
            }
            Ok(Some(_)) => {}
            Err(err) => return ApplyResult::error(api_error(summary, &err)),
        }
        let no_cancel = CancellationToken::new();
        let what = format!("alias \"{address}\"");
        let created = create_once(
            CreateSpec {
                module: LOG,
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.create_mail_alias(domain, address, &destinations, ctx.stopping()),
            || async {
                let zone = read_zone_fresh(&client, domain, &no_cancel).await?;
                Ok(zone.filter(|zone| zone.alias(address).is_some()).map(drop))
            },
        )
        .await;
        if let Err(failure) = created {
            return ApplyResult::error(failure.diagnostic(summary));
        }
        hclog::info(LOG, "alias created", &[("email_address", json!(address))]);
        finish(&client, &planned, ctx.stopping(), &summary).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(Alias, state);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(address)) =
            (current.domain_name.as_str(), current.email_address.as_str())
        else {
            return ReadResult::gone();
        };
        match read_zone(&client, domain, ctx.stopping()).await {
            Ok(Some(zone)) => match zone.alias(address) {
                Some(alias) => ReadResult::ok(state_from(domain, alias).encode()),
                None => {
                    hclog::info(
                        LOG,
                        "alias no longer exists; removing it from the state",
                        &[("email_address", json!(address))],
                    );
                    ReadResult::gone()
                }
            },
            Ok(None) => {
                hclog::info(
                    LOG,
                    "mail zone no longer exists; removing the alias from the state",
                    &[("domain_name", json!(domain))],
                );
                ReadResult::gone()
            }
            Err(err) => read_with(state.clone(), api_error(summary, &err).into()),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        let summary = format!("Unable to update {TYPE_NAME}");
        let client = or_return!(client(ctx));
        let failed = |diags: Diagnostics| apply_with(prior.clone(), diags);
        let (current, planned) = match (Alias::decode(prior), Alias::decode(planned)) {
            (Ok(current), Ok(planned)) => (current, planned),
            (Err(d), _) | (_, Err(d)) => return failed(d),
        };
        let (Some(domain), Some(address)) =
            (current.domain_name.as_str(), current.email_address.as_str())
        else {
            return failed(Diagnostic::error(summary, "The state has no alias address.").into());
        };
        let destinations = destinations_of(&planned);
        if let Err(err) = client
            .update_mail_alias(domain, address, &destinations, ctx.stopping())
            .await
        {
            return failed(api_error(summary, &err).into());
        }
        hclog::info(
            LOG,
            "alias destinations changed",
            &[("email_address", json!(address))],
        );
        finish(&client, &planned, ctx.stopping(), &summary).await
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Alias, prior);
        let (Some(domain), Some(address)) =
            (prior.domain_name.as_str(), prior.email_address.as_str())
        else {
            return Diagnostics::default();
        };
        match client(ctx) {
            Ok(client) => match client
                .delete_mail_alias(domain, address, ctx.stopping())
                .await
            {
                Ok(()) => Diagnostics::default(),
                Err(err) if err.is_not_found() => Diagnostics::default(),
                Err(err) => api_error(format!("Unable to delete {TYPE_NAME}"), &err).into(),
            },
            Err(d) => d.into(),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        match parse_import_id(id) {
            Ok((domain, address)) => {
                let state = Alias {
                    id: format!("{domain}/{address}").into(),
                    domain_name: domain.into(),
                    email_address: address.into(),
                    ..Default::default()
                };
                ImportResult {
                    state: Some(state.encode()),
                    ..Default::default()
                }
            }
            Err(detail) => ImportResult {
                diagnostics: Diagnostic::error(
                    format!("Invalid import ID for {TYPE_NAME}"),
                    detail,
                )
                .into(),
                ..Default::default()
            },
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// Reads the zone until it shows the alias as planned, then maps it; records the plan with a
/// warning if it does not in time.
async fn finish(
    client: &Client,
    planned: &Alias,
    cancel: &CancellationToken,
    summary: &str,
) -> ApplyResult {
    let domain = planned.domain_name.as_str().unwrap_or_default();
    let address = planned.email_address.as_str().unwrap_or_default();
    let wanted = destinations_of(planned);
    let matches = |zone: &MailZone| zone.alias(address).is_some_and(|a| same(a, &wanted));
    let fallback = Alias {
        id: format!("{domain}/{address}").into(),
        ..planned.known_part()
    }
    .encode();
    match settle(client, domain, cancel, matches).await {
        Ok((Some(zone), true)) => match zone.alias(address) {
            Some(alias) => ApplyResult::ok(state_from(domain, alias).encode()),
            None => ApplyResult::ok(fallback),
        },
        Ok(_) => apply_with(
            fallback,
            not_settled(TYPE_NAME, &format!("alias \"{address}\"")).into(),
        ),
        Err(err) => apply_with(fallback, api_error(summary, &err).into()),
    }
}

fn same(alias: &MailAlias, wanted: &[String]) -> bool {
    lower_set(&alias.destinations) == StringSet::new(wanted.iter().cloned())
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
    /// The state of `combell_mail_alias`.
    struct Alias {
        id: String,
        domain_name: String,
        email_address: String,
        destinations: StringSet,
    }
}

/// The one mapping API → state, used by create, read, update and import.
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
    use tfplugin::Field;

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
