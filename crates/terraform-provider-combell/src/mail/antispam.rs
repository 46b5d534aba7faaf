//! `combell_mail_antispam`: the anti-spam scanning of a mail zone (`none`, `basic` or
//! `advanced`). Import ID: the zone's domain, e.g. `example.com`.
//!
//! This is a setting of a zone that always exists with its account, not an object: the API can
//! set it (`PUT /mailzones/{domain}/antispam`, 204) and read it from `GET /mailzones/{domain}`,
//! but has nothing to create or delete. Create sets the type; destroy only removes the
//! resource from the state, with a warning, and leaves the zone's scanning as it is: turning
//! spam filtering off (or back to some assumed default) as a side effect of a destroy would be
//! a surprise, and Combell does not say what its default is. Which types a zone may use
//! depends on its servicepack (`allowed_types`); the plan checks the configured type against
//! them when the provider is configured, so a type the zone cannot have fails before any write.

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, or_return, read_with};
use crate::core::rules;
use crate::core::{api_error, client};
use crate::mail::zone_shared::{domain_in, no_zone, read_zone, read_zone_fresh};
use combell_api::{AntiSpam, CancellationToken};
use tfplugin::{
    decode, default_plan, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics,
    ImportResult, Model, PlanRequest, PlanResponse, ReadResult, Resource, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_mail_antispam";
const LOG: &str = "mail_antispam";
const TYPES: [&str; 3] = ["none", "basic", "advanced"];

pub struct MailAntispamResource;

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The mail zone's domain name."),
        Attribute::string("domain_name").required().description(
            "The mail zone: a domain whose mail Combell hosts, such as `example.com`, in lower \
             case. Changing it moves the management to another zone (the old zone keeps its \
             setting).",
        ),
        Attribute::string("type").required().description(
            "The scanning: `none`, `basic` or `advanced`. It must be one of the zone's \
             `allowed_types` (`advanced` comes with some servicepacks only), which the plan \
             checks. A change made outside Terraform shows as drift.",
        ),
        Attribute::new("allowed_types", Type::list(Type::String))
            .computed()
            .description("The types this zone's servicepack allows, as Combell lists them."),
    ])
    .description(
        "The anti-spam scanning of a mail zone. The zone exists with its account, so this \
         resource manages a setting rather than an object: creating it sets the type, and \
         destroying it only removes it from the Terraform state (with a warning), leaving the \
         zone's scanning as it was last set.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const REPLACE_ON_CHANGE: [&str; 1] = ["domain_name"];

#[async_trait]
impl Resource for MailAntispamResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /mailzones/{domainName}",
            "PUT /mailzones/{domainName}/antispam",
        ]
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<tfplugin::IdentitySchema> {
        Some(crate::core::list::identity_schema(&[(
            "domain_name",
            "The mail zone, in lower case, such as `example.com`.",
        )]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        Antispam::attribute_names()
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Antispam, config);
        let mut diags = Diagnostics::default();
        domain_in(&config.domain_name, "domain_name", &mut diags);
        if let Some(spam_type) = config.r#type.as_str() {
            if !TYPES.contains(&spam_type) {
                diags.error_at(
                    AttributePath::new("type"),
                    "Invalid anti-spam type",
                    format!(
                        "\"{spam_type}\" is not an anti-spam type; use none, basic or advanced."
                    ),
                );
            }
        }
        diags
    }

    /// Checks a new or changed type against the zone's `allowed_types` (one GET, no write).
    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        // A value that does not fit the model reads as null, as the attributes it lacks did.
        let prior = Antispam::decode(&req.prior).unwrap_or_default();
        let mut resp = default_plan(&schema(), &REPLACE_ON_CHANGE, &[], req);
        let planned = Antispam::decode(&resp.planned).unwrap_or_default();
        let (Some(domain), Some(spam_type)) = (
            planned.domain_name.as_str().map(str::to_string),
            planned.r#type.as_str().map(str::to_string),
        ) else {
            return resp;
        };
        let unchanged = prior.r#type.as_str() == Some(&spam_type)
            && prior.domain_name.as_str() == Some(&domain);
        let Some(client) = ctx.data::<combell_api::Client>() else {
            return resp;
        };
        if unchanged || !TYPES.contains(&spam_type.as_str()) {
            return resp;
        }
        match read_zone(&client, &domain, ctx.stopping()).await {
            Ok(Some(zone)) => {
                let allowed = &zone.anti_spam.allowed_types;
                if !allowed.is_empty()
                    && !allowed.iter().any(|t| t.eq_ignore_ascii_case(&spam_type))
                {
                    resp.diagnostics.push(
                        Diagnostic::error(
                            "Anti-spam type not allowed for this mail zone",
                            format!(
                                "The mail zone \"{domain}\" allows {}; \"{spam_type}\" needs \
                                 another servicepack.",
                                allowed.join(", ")
                            ),
                        )
                        .at(AttributePath::new("type")),
                    );
                }
            }
            Ok(None) => resp.diagnostics.push(
                Diagnostic::error("No mail zone", no_zone(&domain))
                    .at(AttributePath::new("domain_name")),
            ),
            // The apply reports API trouble with more context; the plan does not fail on it.
            Err(err) => hclog::warn(
                LOG,
                "could not check the anti-spam type at plan time",
                &[
                    ("domain_name", json!(domain)),
                    ("error", json!(err.to_string())),
                ],
            ),
        }
        resp
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        apply(ctx, planned, None, &format!("Unable to create {TYPE_NAME}")).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(Antispam, state);
        let client = or_return!(client(ctx));
        let Some(domain) = current.domain_name.as_str() else {
            return ReadResult::gone();
        };
        match read_zone(&client, domain, ctx.stopping()).await {
            Ok(Some(zone)) => ReadResult::ok(state_from(domain, &zone.anti_spam).encode()),
            Ok(None) => {
                hclog::info(
                    LOG,
                    "mail zone no longer exists; removing its anti-spam setting from the state",
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
        apply(
            ctx,
            planned,
            Some(prior),
            &format!("Unable to update {TYPE_NAME}"),
        )
        .await
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Antispam, prior);
        let domain = prior.domain_name.as_str().unwrap_or("(unknown)");
        let spam_type = prior.r#type.as_str().unwrap_or("(unknown)");
        hclog::warn(
            LOG,
            "anti-spam setting removed from the state only; the zone keeps it",
            &[("domain_name", json!(domain)), ("type", json!(spam_type))],
        );
        Diagnostic::warning(
            format!("Anti-spam scanning of \"{domain}\" left as it is"),
            format!(
                "combell_mail_antispam was removed from the Terraform state, but the mail zone \
                 \"{domain}\" keeps anti-spam type \"{spam_type}\": a mail zone always has an \
                 anti-spam setting and Combell's API cannot remove it. Change it in the Combell \
                 control panel, or manage it again with this resource."
            ),
        )
        .into()
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let domain = id.trim().to_ascii_lowercase();
        match rules::domain_name(&domain) {
            Ok(()) => {
                let state = Antispam {
                    id: domain.clone().into(),
                    domain_name: domain.into(),
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
                    format!("Expected the mail zone's domain, such as \"example.com\". {detail}"),
                )
                .into(),
                ..Default::default()
            },
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// Create and update: PUT the type, then read the zone back. On failure an update keeps the
/// prior state; a create has nothing at Combell to record.
async fn apply(ctx: &Ctx, planned: &Value, prior: Option<&Value>, summary: &str) -> ApplyResult {
    let failed = |diags: Diagnostics| ApplyResult {
        state: prior.cloned(),
        diagnostics: diags,
        ..Default::default()
    };
    let planned = match Antispam::decode(planned) {
        Ok(planned) => planned,
        Err(d) => return failed(d),
    };
    let client = match client(ctx) {
        Ok(c) => c,
        Err(d) => return failed(d.into()),
    };
    let (Some(domain), Some(spam_type)) = (planned.domain_name.as_str(), planned.r#type.as_str())
    else {
        return failed(Diagnostic::error(summary, "domain_name and type must be known.").into());
    };
    if let Err(err) = client
        .set_mail_antispam(domain, spam_type, ctx.stopping())
        .await
    {
        let mut diag = api_error(summary, &err);
        if err.is_not_found() {
            diag =
                Diagnostic::error(summary, no_zone(domain)).at(AttributePath::new("domain_name"));
        }
        return failed(diag.into());
    }
    hclog::info(
        LOG,
        "anti-spam type set",
        &[("domain_name", json!(domain)), ("type", json!(spam_type))],
    );
    // From here the setting is applied: it reaches the state whatever the read-back does.
    let fallback = Antispam {
        id: domain.to_string().into(),
        ..planned.known_part()
    }
    .encode();
    match read_zone_fresh(&client, domain, &CancellationToken::new()).await {
        Ok(Some(zone)) => ApplyResult::ok(state_from(domain, &zone.anti_spam).encode()),
        Ok(None) => apply_with(fallback, Diagnostic::error(summary, no_zone(domain)).into()),
        Err(err) => apply_with(fallback, api_error(summary, &err).into()),
    }
}

tfplugin::model! {
    /// The state of `combell_mail_antispam`.
    struct Antispam {
        id: String,
        domain_name: String,
        r#type: String,
        allowed_types: Vec<String>,
    }
}

/// The one mapping API → state, used by create, read, update and import.
fn state_from(domain: &str, anti_spam: &AntiSpam) -> Antispam {
    let domain = domain.to_ascii_lowercase();
    Antispam {
        id: domain.clone().into(),
        domain_name: domain.into(),
        r#type: anti_spam.spam_type.to_ascii_lowercase().into(),
        allowed_types: anti_spam
            .allowed_types
            .iter()
            .map(|t| t.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    #[test]
    fn mapping_and_validation() {
        let state = state_from(
            "Example.com",
            &AntiSpam {
                spam_type: "Basic".into(),
                allowed_types: vec!["none".into(), "basic".into()],
            },
        );
        assert_eq!(state.id.as_str(), Some("example.com"));
        assert_eq!(state.r#type.as_str(), Some("basic"));
        assert_eq!(state.allowed_types.items().len(), 2);

        let cfg = Antispam {
            domain_name: "Example".to_string().into(),
            r#type: "ultra".to_string().into(),
            ..Default::default()
        }
        .encode();
        let diags = block_on(MailAntispamResource.validate(&Ctx::for_tests(None), &cfg));
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                AttributePath::new("domain_name"),
                AttributePath::new("type")
            ]
        );
    }

    #[test]
    fn destroy_warns_and_import_takes_a_domain() {
        let prior = state_from(
            "example.com",
            &AntiSpam {
                spam_type: "none".into(),
                allowed_types: Vec::new(),
            },
        )
        .encode();
        let diags = block_on(MailAntispamResource.delete(&Ctx::for_tests(None), &prior));
        assert!(!diags.has_errors());
        assert_eq!(diags.iter().count(), 1);
        let ok = block_on(MailAntispamResource.import(&Ctx::for_tests(None), " Example.com "));
        let state = Antispam::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.domain_name.as_str(), Some("example.com"));
        let bad = block_on(MailAntispamResource.import(&Ctx::for_tests(None), "example.com/x"));
        assert!(bad.diagnostics.has_errors());
    }
}
