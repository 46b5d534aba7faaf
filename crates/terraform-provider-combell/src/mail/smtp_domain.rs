//! `combell_mail_smtp_domain`: an extra SMTP domain of a mail zone. Mail sent to
//! `someone@<hostname>` is delivered to `someone@<zone domain>`. Import ID:
//! `<domain>/<hostname>`, e.g. `example.com/example.be`.
//!
//! There is no GET of one SMTP domain: it is read from `GET /mailzones/{domain}`. Combell
//! creates it enabled; `enabled` is changed in place with a PUT that answers 202 (accepted, no
//! job), read back until the zone shows it. `enabled` defaults to true, so a domain disabled
//! outside Terraform shows as drift. The host name and the zone replace the resource.
//!
//! Created once (see `reconcile`). Natural key: the host name among the zone's SMTP domains;
//! after a lost answer the zone is read again.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, or_return, read_with};
use crate::core::reconcile::{create_once, CreateSpec};
use crate::core::rules;
use crate::core::{api_error, client};
use crate::mail::zone_shared::{
    no_zone, not_settled, read_zone, read_zone_fresh, settle, split_import_id,
};
use combell_api::{CancellationToken, Client, MailZone, SmtpDomain};
use tfplugin::{
    decode, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, ImportResult,
    Model, ReadResult, Resource, Schema, Value,
};

const TYPE_NAME: &str = "combell_mail_smtp_domain";
const LOG: &str = "mail_smtp_domain";

pub struct MailSmtpDomainResource;

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<hostname>`, such as `example.com/example.be`."),
        Attribute::string("domain_name").required().description(
            "The mail zone that receives the mail: a domain whose mail Combell hosts, such as \
             `example.com`, in lower case. Changing it replaces the resource.",
        ),
        Attribute::string("hostname").required().description(
            "The extra domain, such as `example.be`, in lower case and without a final dot; \
             not the zone's own domain. Mail to `someone@<hostname>` reaches \
             `someone@<domain_name>`. Its MX records must point at Combell's mail servers. \
             Changing it replaces the resource.",
        ),
        Attribute::bool("enabled")
            .optional()
            .computed()
            .default(true)
            .description(
                "Whether mail for the extra domain is accepted. Defaults to `true`; a change \
                 made outside Terraform shows as drift.",
            ),
    ])
    .description(
        "An extra SMTP domain of a mail zone: mail sent to an address of the extra domain is \
         delivered to the same address of the zone's domain. Destroying the resource deletes \
         the SMTP domain.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const REPLACE_ON_CHANGE: [&str; 2] = ["domain_name", "hostname"];

#[async_trait]
impl Resource for MailSmtpDomainResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /mailzones/{domainName}",
            "POST /mailzones/{domainName}/smtpdomains",
            "PUT /mailzones/{domainName}/smtpdomains/{hostname}",
            "DELETE /mailzones/{domainName}/smtpdomains/{hostname}",
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
                "hostname",
                "The extra SMTP domain, in lower case, such as `example.be`.",
            ),
        ]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        Smtp::attribute_names()
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Smtp, config);
        let mut diags = Diagnostics::default();
        for (attribute, summary, detail) in validate_config(&config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let planned = decode!(Smtp, planned);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(hostname)) =
            (planned.domain_name.as_str(), planned.hostname.as_str())
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name and hostname must be known to create an SMTP domain.",
            ));
        };
        match read_zone_fresh(&client, domain, ctx.stopping()).await {
            Ok(None) => {
                return ApplyResult::error(
                    Diagnostic::error(summary, no_zone(domain))
                        .at(AttributePath::new("domain_name")),
                )
            }
            Ok(Some(zone)) if zone.smtp_domain(hostname).is_some() => {
                return ApplyResult::error(Diagnostic::error(
                    summary,
                    format!(
                        "\"{hostname}\" is already an SMTP domain of the mail zone \
                         \"{domain}\". To manage it with Terraform, import it: terraform \
                         import <resource address> {domain}/{hostname}"
                    ),
                ))
            }
            Ok(Some(_)) => {}
            Err(err) => return ApplyResult::error(api_error(summary, &err)),
        }
        let no_cancel = CancellationToken::new();
        let what = format!("SMTP domain \"{hostname}\" of \"{domain}\"");
        let created = create_once(
            CreateSpec {
                module: LOG,
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.create_smtp_domain(domain, hostname, ctx.stopping()),
            || async {
                let zone = read_zone_fresh(&client, domain, &no_cancel).await?;
                Ok(zone
                    .filter(|zone| zone.smtp_domain(hostname).is_some())
                    .map(drop))
            },
        )
        .await;
        if let Err(failure) = created {
            return ApplyResult::error(failure.diagnostic(summary));
        }
        hclog::info(
            LOG,
            "SMTP domain created",
            &[
                ("domain_name", json!(domain)),
                ("hostname", json!(hostname)),
            ],
        );
        // Combell creates it enabled; from here on it exists and must reach the state.
        if planned.enabled.get() == Some(false) {
            if let Err(err) = client
                .update_smtp_domain(domain, hostname, false, &no_cancel)
                .await
            {
                let state = Smtp {
                    id: format!("{domain}/{hostname}").into(),
                    enabled: true.into(),
                    ..planned.known_part()
                };
                return apply_with(state.encode(), api_error(summary, &err).into());
            }
        }
        finish(&client, &planned, ctx.stopping(), &summary).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(Smtp, state);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(hostname)) =
            (current.domain_name.as_str(), current.hostname.as_str())
        else {
            return ReadResult::gone();
        };
        match read_zone(&client, domain, ctx.stopping()).await {
            Ok(Some(zone)) => match zone.smtp_domain(hostname) {
                Some(smtp) => ReadResult::ok(state_from(domain, smtp).encode()),
                None => {
                    hclog::info(
                        LOG,
                        "SMTP domain no longer exists; removing it from the state",
                        &[("hostname", json!(hostname))],
                    );
                    ReadResult::gone()
                }
            },
            Ok(None) => ReadResult::gone(),
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
        let (current, planned) = match (Smtp::decode(prior), Smtp::decode(planned)) {
            (Ok(current), Ok(planned)) => (current, planned),
            (Err(d), _) | (_, Err(d)) => return failed(d),
        };
        let (Some(domain), Some(hostname), Some(enabled)) = (
            current.domain_name.as_str(),
            current.hostname.as_str(),
            planned.enabled.get(),
        ) else {
            return failed(
                Diagnostic::error(summary, "The state or the plan lacks the SMTP domain.").into(),
            );
        };
        if let Err(err) = client
            .update_smtp_domain(domain, hostname, enabled, ctx.stopping())
            .await
        {
            return failed(api_error(summary, &err).into());
        }
        hclog::info(
            LOG,
            "SMTP domain switched",
            &[("hostname", json!(hostname)), ("enabled", json!(enabled))],
        );
        finish(&client, &planned, ctx.stopping(), &summary).await
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Smtp, prior);
        let (Some(domain), Some(hostname)) = (prior.domain_name.as_str(), prior.hostname.as_str())
        else {
            return Diagnostics::default();
        };
        match client(ctx) {
            Ok(client) => match client
                .delete_smtp_domain(domain, hostname, ctx.stopping())
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
        let usage = "Expected <domain>/<hostname>, such as \"example.com/example.be\".";
        let parsed = split_import_id(id)
            .ok_or_else(|| usage.to_string())
            .and_then(|(domain, hostname)| {
                rules::domain_name(&domain).map_err(|e| format!("{usage} {e}"))?;
                rules::domain_name(&hostname).map_err(|e| format!("{usage} {e}"))?;
                Ok((domain, hostname))
            });
        match parsed {
            Ok((domain, hostname)) => {
                let state = Smtp {
                    id: format!("{domain}/{hostname}").into(),
                    domain_name: domain.into(),
                    hostname: hostname.into(),
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

async fn finish(
    client: &Client,
    planned: &Smtp,
    cancel: &CancellationToken,
    summary: &str,
) -> ApplyResult {
    let domain = planned.domain_name.as_str().unwrap_or_default();
    let hostname = planned.hostname.as_str().unwrap_or_default();
    let enabled = planned.enabled.get().unwrap_or(true);
    let matches = |zone: &MailZone| {
        zone.smtp_domain(hostname)
            .is_some_and(|d| d.enabled == enabled)
    };
    let fallback = Smtp {
        id: format!("{domain}/{hostname}").into(),
        enabled: enabled.into(),
        ..planned.known_part()
    }
    .encode();
    match settle(client, domain, cancel, matches).await {
        Ok((Some(zone), true)) => match zone.smtp_domain(hostname) {
            Some(smtp) => ApplyResult::ok(state_from(domain, smtp).encode()),
            None => ApplyResult::ok(fallback),
        },
        Ok(_) => apply_with(
            fallback,
            not_settled(TYPE_NAME, &format!("SMTP domain \"{hostname}\"")).into(),
        ),
        Err(err) => apply_with(fallback, api_error(summary, &err).into()),
    }
}

tfplugin::model! {
    /// The state of `combell_mail_smtp_domain`.
    struct Smtp {
        id: String,
        domain_name: String,
        hostname: String,
        enabled: bool,
    }
}

/// The one mapping API → state, used by create, read, update and import.
fn state_from(domain: &str, smtp: &SmtpDomain) -> Smtp {
    let domain = domain.to_ascii_lowercase();
    let hostname = smtp.hostname.trim_end_matches('.').to_ascii_lowercase();
    Smtp {
        id: format!("{domain}/{hostname}").into(),
        domain_name: domain.into(),
        hostname: hostname.into(),
        enabled: smtp.enabled.into(),
    }
}

fn validate_config(config: &Smtp) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    let domain = config.domain_name.as_str();
    if let Some(domain) = domain {
        if let Err(detail) = rules::domain_name(domain) {
            problems.push(("domain_name", "Invalid domain name".into(), detail));
        }
    }
    if let Some(hostname) = config.hostname.as_str() {
        if let Err(detail) = rules::domain_name(hostname) {
            problems.push(("hostname", "Invalid SMTP domain".into(), detail));
        } else if Some(hostname) == domain {
            problems.push((
                "hostname",
                "An SMTP domain cannot be its own mail zone".into(),
                format!(
                    "\"{hostname}\" is the mail zone itself; an extra SMTP domain is another \
                     domain whose mail the zone receives."
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Field, PlanRequest};

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    fn cfg(hostname: &str, enabled: Field<bool>) -> Smtp {
        Smtp {
            domain_name: "example.com".to_string().into(),
            hostname: hostname.to_string().into(),
            enabled,
            ..Default::default()
        }
    }

    #[test]
    fn mapping_strips_the_final_dot() {
        let state = state_from(
            "example.com",
            &SmtpDomain {
                hostname: "Example.BE.".into(),
                enabled: false,
            },
        );
        assert_eq!(state.id.as_str(), Some("example.com/example.be"));
        assert_eq!(state.enabled.get(), Some(false));
    }

    #[test]
    fn configuration_rules() {
        let attrs =
            |c: &Smtp| -> Vec<&str> { validate_config(c).into_iter().map(|(a, _, _)| a).collect() };
        assert!(attrs(&cfg("example.be", Field::Null)).is_empty());
        assert_eq!(attrs(&cfg("example.com", Field::Null)), ["hostname"]);
        assert_eq!(attrs(&cfg("Example.be", Field::Null)), ["hostname"]);
        assert_eq!(attrs(&cfg("example.be.", Field::Null)), ["hostname"]);
        assert!(attrs(&cfg("example.be", Field::Unknown)).is_empty());
    }

    #[test]
    fn enabled_defaults_to_true_and_drift_shows() {
        let plan = |prior: Value, config: Smtp| {
            let mut proposed = config.clone();
            if config.enabled.is_null() {
                proposed.enabled = Smtp::decode(&prior).unwrap().enabled;
            }
            let resp = block_on(MailSmtpDomainResource.plan(
                &Ctx::for_tests(None),
                PlanRequest {
                    prior,
                    proposed: proposed.encode(),
                    config: config.encode(),
                    prior_private: Vec::new(),
                },
            ));
            Smtp::decode_complete(&resp.planned).unwrap()
        };
        let created = plan(Value::Null, cfg("example.be", Field::Null));
        assert_eq!(created.enabled.get(), Some(true));
        assert!(created.id.is_unknown());
        let mut disabled = cfg("example.be", false.into());
        disabled.id = "example.com/example.be".to_string().into();
        let drift = plan(disabled.encode(), cfg("example.be", Field::Null));
        assert_eq!(drift.enabled.get(), Some(true));
        let off = plan(Value::Null, cfg("example.be", false.into()));
        assert_eq!(off.enabled.get(), Some(false));
    }

    #[test]
    fn import_ids() {
        let ok = block_on(
            MailSmtpDomainResource.import(&Ctx::for_tests(None), "Example.com/Example.BE"),
        );
        let state = Smtp::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.hostname.as_str(), Some("example.be"));
        for bad in ["example.be", "example.com/not a host", "a/b/c"] {
            let r = block_on(MailSmtpDomainResource.import(&Ctx::for_tests(None), bad));
            assert!(r.state.is_none() && r.diagnostics.has_errors(), "{bad}");
        }
    }
}
