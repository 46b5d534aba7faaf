//! `combell_mail_catch_all`: one address that receives the mail a zone gets for addresses that
//! are neither a mailbox nor an alias. Import ID: `<domain>/<catch-all address>`, e.g.
//! `example.com/info@example.com`.
//!
//! A zone's catch-all is a list (`MailZone.catch_all.email_addresses`), so each address is its
//! own resource and several can coexist. There is no GET of one: it is read from
//! `GET /mailzones/{domain}`. Nothing can change in place (the API has only create and
//! delete), so any change replaces it.
//!
//! Created once (see `reconcile`). Natural key: the address among the zone's catch-all
//! addresses; after a lost answer the zone is read again.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, or_return, read_with};
use crate::core::reconcile::{create_once, CreateSpec};
use crate::core::rules;
use crate::core::{api_error, client};
use crate::mail::zone_shared::{
    domain_in, no_zone, not_settled, read_zone, read_zone_fresh, settle, split_import_id,
};
use combell_api::{CancellationToken, Client, MailZone};
use tfplugin::{
    decode, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, ImportResult,
    Model, ReadResult, Resource, Schema, Value,
};

const TYPE_NAME: &str = "combell_mail_catch_all";
const LOG: &str = "mail_catch_all";

pub struct MailCatchAllResource;

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(
            "`<domain_name>/<email_address>`, such as `example.com/info@example.com`.",
        ),
        Attribute::string("domain_name").required().description(
            "The mail zone whose unclaimed mail is caught: a domain whose mail Combell hosts, \
             such as `example.com`, in lower case. Changing it replaces the resource.",
        ),
        Attribute::string("email_address").required().description(
            "The address that receives mail sent to addresses of the zone that are neither a \
             mailbox nor an alias, such as `info@example.com`, in lower case (any domain). \
             Changing it replaces the resource.",
        ),
    ])
    .description(
        "A catch-all address of a mail zone: it receives the mail sent to addresses of the \
         domain that have no mailbox or alias. A zone may have several; each is one resource. \
         Destroying the resource removes the address from the zone's catch-all.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const REPLACE_ON_CHANGE: [&str; 2] = ["domain_name", "email_address"];

#[async_trait]
impl Resource for MailCatchAllResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /mailzones/{domainName}",
            "POST /mailzones/{domainName}/catchall",
            "DELETE /mailzones/{domainName}/catchall/{emailAddress}",
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
                "The catch-all address, in lower case, such as `info@example.com`.",
            ),
        ]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        CatchAll::attribute_names()
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(CatchAll, config);
        let mut diags = Diagnostics::default();
        domain_in(&config.domain_name, "domain_name", &mut diags);
        if let Some(address) = config.email_address.as_str() {
            if let Err(detail) = rules::email_address(address) {
                diags.error_at(
                    AttributePath::new("email_address"),
                    "Invalid catch-all address",
                    detail,
                );
            }
        }
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let planned = decode!(CatchAll, planned);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(address)) =
            (planned.domain_name.as_str(), planned.email_address.as_str())
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name and email_address must be known to create a catch-all.",
            ));
        };
        match read_zone_fresh(&client, domain, ctx.stopping()).await {
            Ok(None) => {
                return ApplyResult::error(
                    Diagnostic::error(summary, no_zone(domain))
                        .at(AttributePath::new("domain_name")),
                )
            }
            Ok(Some(zone)) if zone.has_catch_all(address) => {
                return ApplyResult::error(Diagnostic::error(
                    summary,
                    format!(
                        "\"{address}\" already receives the catch-all mail of \"{domain}\". To \
                         manage it with Terraform, import it: terraform import <resource \
                         address> {domain}/{address}"
                    ),
                ))
            }
            Ok(Some(_)) => {}
            Err(err) => return ApplyResult::error(api_error(summary, &err)),
        }
        let no_cancel = CancellationToken::new();
        let what = format!("catch-all address \"{address}\" of \"{domain}\"");
        let created = create_once(
            CreateSpec {
                module: LOG,
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.create_mail_catch_all(domain, address, ctx.stopping()),
            || async {
                let zone = read_zone_fresh(&client, domain, &no_cancel).await?;
                Ok(zone.filter(|zone| zone.has_catch_all(address)).map(drop))
            },
        )
        .await;
        if let Err(failure) = created {
            return ApplyResult::error(failure.diagnostic(summary));
        }
        hclog::info(
            LOG,
            "catch-all address added",
            &[
                ("domain_name", json!(domain)),
                ("email_address", json!(address)),
            ],
        );
        finish(&client, &planned, ctx.stopping(), &summary).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(CatchAll, state);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(address)) =
            (current.domain_name.as_str(), current.email_address.as_str())
        else {
            return ReadResult::gone();
        };
        match read_zone(&client, domain, ctx.stopping()).await {
            Ok(Some(zone)) if zone.has_catch_all(address) => {
                ReadResult::ok(state_from(domain, address).encode())
            }
            Ok(_) => {
                hclog::info(
                    LOG,
                    "catch-all address no longer set; removing it from the state",
                    &[
                        ("domain_name", json!(domain)),
                        ("email_address", json!(address)),
                    ],
                );
                ReadResult::gone()
            }
            Err(err) => read_with(state.clone(), api_error(summary, &err).into()),
        }
    }

    /// Every attribute replaces the resource, so Terraform never asks for an update.
    async fn update(
        &self,
        _ctx: &Ctx,
        prior: &Value,
        _planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        ApplyResult {
            state: Some(prior.clone()),
            diagnostics: Diagnostic::error(
                format!("Unable to update {TYPE_NAME}"),
                "A catch-all address cannot change in place; this is a bug in the provider, \
                 please report it.",
            )
            .into(),
            ..Default::default()
        }
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(CatchAll, prior);
        let (Some(domain), Some(address)) =
            (prior.domain_name.as_str(), prior.email_address.as_str())
        else {
            return Diagnostics::default();
        };
        match client(ctx) {
            Ok(client) => match client
                .delete_mail_catch_all(domain, address, ctx.stopping())
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
            Ok((domain, address)) => ImportResult {
                state: Some(state_from(&domain, &address).encode()),
                ..Default::default()
            },
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

async fn finish(
    client: &Client,
    planned: &CatchAll,
    cancel: &CancellationToken,
    summary: &str,
) -> ApplyResult {
    let domain = planned.domain_name.as_str().unwrap_or_default();
    let address = planned.email_address.as_str().unwrap_or_default();
    let present = |zone: &MailZone| zone.has_catch_all(address);
    match settle(client, domain, cancel, present).await {
        Ok((_, true)) => ApplyResult::ok(state_from(domain, address).encode()),
        Ok(_) => {
            let fallback = CatchAll {
                id: format!("{domain}/{address}").into(),
                ..planned.known_part()
            };
            apply_with(
                fallback.encode(),
                not_settled(TYPE_NAME, &format!("catch-all \"{address}\"")).into(),
            )
        }
        Err(err) => apply_with(
            state_from(domain, address).encode(),
            api_error(summary, &err).into(),
        ),
    }
}

tfplugin::model! {
    /// The state of `combell_mail_catch_all`.
    struct CatchAll {
        id: String,
        domain_name: String,
        email_address: String,
    }
}

/// The one mapping to state: the zone lists the address and nothing else about it.
fn state_from(domain: &str, address: &str) -> CatchAll {
    let domain = domain.to_ascii_lowercase();
    let address = address.to_ascii_lowercase();
    CatchAll {
        id: format!("{domain}/{address}").into(),
        domain_name: domain.into(),
        email_address: address.into(),
    }
}

fn parse_import_id(id: &str) -> Result<(String, String), String> {
    let usage = "Expected <domain>/<catch-all address>, such as \"example.com/info@example.com\".";
    let (domain, address) = split_import_id(id).ok_or_else(|| usage.to_string())?;
    rules::domain_name(&domain).map_err(|e| format!("{usage} {e}"))?;
    rules::email_address(&address).map_err(|e| format!("{usage} {e}"))?;
    Ok((domain, address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_and_import_ids() {
        let state = state_from("Example.com", "Info@Example.com");
        assert_eq!(state.id.as_str(), Some("example.com/info@example.com"));
        assert_eq!(state.email_address.as_str(), Some("info@example.com"));
        assert_eq!(
            parse_import_id("example.com/catch@example.org").unwrap(),
            ("example.com".to_string(), "catch@example.org".to_string())
        );
        for bad in [
            "catch@example.org",
            "example.com/",
            "bad domain/a@b.be",
            "x.be/nope",
        ] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validation_names_the_attributes() {
        let cfg = CatchAll {
            domain_name: "Not A Domain".to_string().into(),
            email_address: "nobody".to_string().into(),
            ..Default::default()
        }
        .encode();
        let diags = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(MailCatchAllResource.validate(&Ctx::for_tests(None), &cfg));
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                AttributePath::new("domain_name"),
                AttributePath::new("email_address")
            ]
        );
    }
}
