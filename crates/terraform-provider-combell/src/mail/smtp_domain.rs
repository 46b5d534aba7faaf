//! `combell_mail_smtp_domain`: an extra SMTP domain of a mail zone. Mail sent to
//! `someone@<hostname>` is delivered to `someone@<zone domain>`. Import ID:
//! `<domain>/<hostname>`, e.g. `example.com/example.be`; identity: the two, in lower case.
//!
//! There is no GET of one SMTP domain: it is read from `GET /mailzones/{domain}`. Combell
//! creates it enabled; `enabled` is changed in place with a PUT that answers 202 (accepted, no
//! job). `enabled` defaults to true, so a domain disabled outside Terraform shows as drift. The
//! host name and the zone replace the resource.
//!
//! Through the core's one path (`core::managed`). Natural key: the host name among the zone's
//! SMTP domains; after a lost answer the zone is read again (fresh). Before the create the zone
//! is read: a domain without one, or a host name it has already, is refused. No read back after
//! a write (one request per write): `enabled` is planned (its default), so the plan is the
//! state. A create with `enabled = false` takes a second write, the PUT that disables it (the
//! core's `after_create` hook), and when it fails the SMTP domain reaches the state as Combell
//! has it (enabled) with the error.

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::flow::apply_with;
use crate::core::ids::{IdPart, MAIL_ZONE};
use crate::core::managed::{Managed, Typed};
use crate::core::rules;
use crate::mail::zone_shared::{read_zone, read_zone_fresh, refuse_taken, split_import_id};
use combell_api::{self as api, CancellationToken, Client, MailZone, SmtpDomain};
use tfplugin::{
    ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Model, Schema, Value,
};

const TYPE_NAME: &str = "combell_mail_smtp_domain";
const LOG: &str = "mail_smtp_domain";

/// The parts of `combell_mail_smtp_domain` the core calls.
#[derive(Clone, Copy)]
pub struct MailSmtpDomain;

/// The Terraform resource, as the core runs it.
pub(crate) static RESOURCE: Typed<MailSmtpDomain> = Typed::new(MailSmtpDomain);

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

// ---- The parts the core calls -------------------------------------------------------------

#[async_trait]
impl Managed for MailSmtpDomain {
    type Model = Smtp;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[
        MAIL_ZONE,
        (
            "hostname",
            "The extra SMTP domain, in lower case, such as `example.be`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/example.be";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /mailzones/{domainName}",
        "POST /mailzones/{domainName}/smtpdomains",
        "PUT /mailzones/{domainName}/smtpdomains/{hostname}",
        "DELETE /mailzones/{domainName}/smtpdomains/{hostname}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name", "hostname"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Smtp, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    fn what(&self, planned: &Smtp) -> String {
        format!(
            "SMTP domain \"{}\" of \"{}\"",
            planned.hostname.as_str().unwrap_or_default(),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    /// The zone must exist, and a host name it has already is not taken over (its destroy
    /// would belong to this configuration): the error says how to import it.
    async fn before_create(
        &self,
        client: &Client,
        planned: &Smtp,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Smtp>, Diagnostic> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let hostname = planned.hostname.as_str().unwrap_or_default();
        refuse_taken(client, (domain, hostname), summary, cancel, |zone| {
            zone.smtp_domain(hostname).is_some().then(|| {
                format!("\"{hostname}\" is already an SMTP domain of the mail zone \"{domain}\".")
            })
        })
        .await
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Smtp,
        _config: &Smtp,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let hostname = planned.hostname.as_str().unwrap_or_default();
        client.create_smtp_domain(domain, hostname, cancel).await?;
        Ok(String::new())
    }

    fn created(&self, planned: &Smtp, _answer: &str) -> Smtp {
        Smtp {
            id: format!(
                "{}/{}",
                planned.domain_name.as_str().unwrap_or_default(),
                planned.hostname.as_str().unwrap_or_default()
            )
            .into(),
            ..planned.clone()
        }
    }

    /// By host name among the zone's SMTP domains (the zone as read in the last few seconds).
    async fn fetch(
        &self,
        client: &Client,
        key: &Smtp,
        cancel: &CancellationToken,
    ) -> Result<Option<Smtp>, api::Error> {
        let (Some(domain), Some(hostname)) = (key.domain_name.as_str(), key.hostname.as_str())
        else {
            return Ok(None);
        };
        let zone = read_zone(client, domain, cancel).await?;
        Ok(found(zone.as_ref(), domain, hostname))
    }

    /// After a lost answer the zone is read fresh: the shared answer may predate the create.
    async fn find_created(
        &self,
        client: &Client,
        planned: &Smtp,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Smtp>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let hostname = planned.hostname.as_str().unwrap_or_default();
        let zone = read_zone_fresh(client, domain, cancel).await?;
        Ok(found(zone.as_ref(), domain, hostname))
    }

    /// `enabled`, in place (the host name and the zone replace the resource).
    async fn send_update(
        &self,
        client: &Client,
        prior: &Smtp,
        planned: &Smtp,
        _config: &Smtp,
        cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let hostname = prior.hostname.as_str().unwrap_or_default();
        let enabled = planned.enabled.get().unwrap_or(true);
        client
            .update_smtp_domain(domain, hostname, enabled, cancel)
            .await?;
        hclog::info(
            LOG,
            "SMTP domain switched",
            &[("hostname", json!(hostname)), ("enabled", json!(enabled))],
        );
        Ok(())
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Smtp,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let hostname = prior.hostname.as_str().unwrap_or_default();
        client.delete_smtp_domain(domain, hostname, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn imported(&self, parts: &[String]) -> Smtp {
        let (domain, hostname) = (parts[0].to_ascii_lowercase(), parts[1].to_ascii_lowercase());
        Smtp {
            id: format!("{domain}/{hostname}").into(),
            domain_name: domain.into(),
            hostname: hostname.into(),
            ..Default::default()
        }
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        let usage = "Expected <domain>/<hostname>, such as \"example.com/example.be\".";
        let (domain, hostname) = split_import_id(id).ok_or_else(|| usage.to_string())?;
        rules::domain_name(&domain).map_err(|e| format!("{usage} {e}"))?;
        rules::domain_name(&hostname).map_err(|e| format!("{usage} {e}"))?;
        Ok(format!("{domain}/{hostname}"))
    }

    /// Combell creates an SMTP domain enabled: one configured disabled takes a PUT after the
    /// create. From here on it exists and must reach the state, as Combell has it if the PUT
    /// fails.
    async fn after_create(&self, ctx: &Ctx, planned: &Value, created: ApplyResult) -> ApplyResult {
        let disabled = Smtp::decode(planned).is_ok_and(|p| p.enabled.get() == Some(false));
        let state = match &created.state {
            Some(state) if disabled && !created.diagnostics.has_errors() => state,
            _ => return created,
        };
        let Ok(mut state) = Smtp::decode(state) else {
            return created;
        };
        let client = match crate::core::client(ctx) {
            Ok(client) => client,
            Err(diag) => return apply_with(state.encode(), diag.into()),
        };
        let domain = state.domain_name.as_str().unwrap_or_default().to_string();
        let hostname = state.hostname.as_str().unwrap_or_default().to_string();
        if let Err(err) = client
            .update_smtp_domain(&domain, &hostname, false, &CancellationToken::new())
            .await
        {
            state.enabled = true.into();
            return apply_with(
                state.encode(),
                api_error(format!("Unable to create {TYPE_NAME}"), &err).into(),
            );
        }
        state.enabled = false.into();
        ApplyResult {
            state: Some(state.encode()),
            ..created
        }
    }
}

fn found(zone: Option<&MailZone>, domain: &str, hostname: &str) -> Option<Smtp> {
    zone?
        .smtp_domain(hostname)
        .map(|smtp| state_from(domain, smtp))
}

tfplugin::model! {
    /// The state, plan and configuration of `combell_mail_smtp_domain`.
    pub struct Smtp {
        id: String,
        domain_name: String,
        hostname: String,
        enabled: bool,
    }
}

/// The one mapping API → state, used by read and the lookup after a lost answer.
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
    use tfplugin::{Field, PlanRequest, Resource};

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
            let resp = block_on(RESOURCE.plan(
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
        let ok = block_on(RESOURCE.import(&Ctx::for_tests(None), "Example.com/Example.BE"));
        let state = Smtp::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.hostname.as_str(), Some("example.be"));
        for bad in ["example.be", "example.com/not a host", "a/b/c"] {
            let r = block_on(RESOURCE.import(&Ctx::for_tests(None), bad));
            assert!(r.state.is_none() && r.diagnostics.has_errors(), "{bad}");
        }
    }
}
