//! `combell_mail_antispam`: the anti-spam scanning of a mail zone (`none`, `basic` or
//! `advanced`). Import ID: the zone's domain, e.g. `example.com`; identity: the domain, in
//! lower case.
//!
//! This is a setting of a zone that always exists with its account, not an object: the API can
//! set it (`PUT /mailzones/{domain}/antispam`, 204) and read it from `GET /mailzones/{domain}`,
//! but has nothing to create or delete. Create sets the type; destroy only removes the
//! resource from the state, with a warning, and leaves the zone's scanning as it is: turning
//! spam filtering off (or back to some assumed default) as a side effect of a destroy would be
//! a surprise, and Combell does not say what its default is. Which types a zone may use
//! depends on its servicepack (`allowed_types`); the plan checks the configured type against
//! them when the provider is configured, so a type the zone cannot have fails before any write.
//!
//! Through the core's one path (`core::managed`). Natural key: the zone; a PUT whose answer was
//! lost is taken as applied when the zone shows the planned type. Read back once after the
//! create: Combell decides `allowed_types`; after an update the plan is the state (it keeps
//! them). The plan check reads the zone through the configured client (`modify_plan`).

use async_trait::async_trait;
use serde_json::json;

use crate::core::ids::{IdPart, MAIL_ZONE};
use crate::core::managed::{Managed, Typed};
use crate::core::rules;
use crate::mail::zone_shared::{domain_in, lower_all, no_zone, read_zone, read_zone_fresh};
use combell_api::{self as api, AntiSpam, CancellationToken, Client};
use tfplugin::{
    Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Model, PlanRequest, PlanResponse,
    Schema, Type,
};

const TYPE_NAME: &str = "combell_mail_antispam";
const LOG: &str = "mail_antispam";
const TYPES: [&str; 3] = ["none", "basic", "advanced"];

/// The parts of `combell_mail_antispam` the core calls.
#[derive(Clone, Copy)]
pub struct MailAntispam;

/// The Terraform resource, as the core runs it.
pub(crate) static RESOURCE: Typed<MailAntispam> = Typed::new(MailAntispam);

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

// ---- The parts the core calls -------------------------------------------------------------

#[async_trait]
impl Managed for MailAntispam {
    type Model = Antispam;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[MAIL_ZONE];
    const ID_EXAMPLE: &'static str = "example.com";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /mailzones/{domainName}",
        "PUT /mailzones/{domainName}/antispam",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Antispam, diags: &mut Diagnostics) {
        domain_in(&config.domain_name, "domain_name", diags);
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
    }

    fn what(&self, planned: &Antispam) -> String {
        format!(
            "anti-spam scanning of \"{}\"",
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    /// Sets the type (the zone always has one).
    async fn send_create(
        &self,
        client: &Client,
        planned: &Antispam,
        _config: &Antispam,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        put_type(client, planned, cancel).await?;
        Ok(String::new())
    }

    /// Combell decides `allowed_types`: the zone is read back once after the create.
    fn created(&self, planned: &Antispam, _answer: &str) -> Antispam {
        Antispam {
            id: planned
                .domain_name
                .as_str()
                .unwrap_or_default()
                .to_string()
                .into(),
            ..planned.clone()
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        key: &Antispam,
        cancel: &CancellationToken,
    ) -> Result<Option<Antispam>, api::Error> {
        let Some(domain) = key.domain_name.as_str() else {
            return Ok(None);
        };
        let zone = read_zone(client, domain, cancel).await?;
        Ok(zone.map(|zone| state_from(domain, &zone.anti_spam)))
    }

    /// The zone always has a type: a lost PUT was applied when the zone (read fresh) shows the
    /// planned one, and is sent again (it is idempotent) when it does not.
    async fn find_created(
        &self,
        client: &Client,
        planned: &Antispam,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Antispam>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let zone = read_zone_fresh(client, domain, cancel).await?;
        Ok(zone
            .map(|zone| state_from(domain, &zone.anti_spam))
            .filter(|state| state.r#type.as_str() == planned.r#type.as_str()))
    }

    async fn send_update(
        &self,
        client: &Client,
        _prior: &Antispam,
        planned: &Antispam,
        _config: &Antispam,
        cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        put_type(client, planned, cancel).await
    }

    /// Nothing is sent: the zone keeps its setting, and the user is told so.
    async fn send_delete(
        &self,
        _client: &Client,
        prior: &Antispam,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or("(unknown)");
        let spam_type = prior.r#type.as_str().unwrap_or("(unknown)");
        hclog::warn(
            LOG,
            "anti-spam setting removed from the state only; the zone keeps it",
            &[("domain_name", json!(domain)), ("type", json!(spam_type))],
        );
        Ok(Diagnostic::warning(
            format!("Anti-spam scanning of \"{domain}\" left as it is"),
            format!(
                "combell_mail_antispam was removed from the Terraform state, but the mail zone \
                 \"{domain}\" keeps anti-spam type \"{spam_type}\": a mail zone always has an \
                 anti-spam setting and Combell's API cannot remove it. Change it in the Combell \
                 control panel, or manage it again with this resource."
            ),
        )
        .into())
    }

    fn refused(&self, planned: &Antispam, err: &api::Error) -> Option<String> {
        err.is_not_found()
            .then(|| no_zone(planned.domain_name.as_str().unwrap_or_default()))
    }

    fn imported(&self, parts: &[String]) -> Antispam {
        let domain = parts[0].to_ascii_lowercase();
        Antispam {
            id: domain.clone().into(),
            domain_name: domain.into(),
            ..Default::default()
        }
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        let domain = id.trim().to_ascii_lowercase();
        rules::domain_name(&domain).map_err(|detail| {
            format!("Expected the mail zone's domain, such as \"example.com\". {detail}")
        })?;
        Ok(domain)
    }

    /// Checks a new or changed type against the zone's `allowed_types` (one GET, no write).
    async fn modify_plan(
        &self,
        ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        // A value that does not fit the model reads as null, as the attributes it lacks did.
        let prior = Antispam::decode(&req.prior).unwrap_or_default();
        let planned = Antispam::decode(&resp.planned).unwrap_or_default();
        let (Some(domain), Some(spam_type)) = (
            planned.domain_name.as_str().map(str::to_string),
            planned.r#type.as_str().map(str::to_string),
        ) else {
            return;
        };
        let unchanged = prior.r#type.as_str() == Some(&spam_type)
            && prior.domain_name.as_str() == Some(&domain);
        let Some(client) = ctx.data::<combell_api::Client>() else {
            return;
        };
        if unchanged || !TYPES.contains(&spam_type.as_str()) {
            return;
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
    }
}

async fn put_type(
    client: &Client,
    planned: &Antispam,
    cancel: &CancellationToken,
) -> Result<(), api::Error> {
    let domain = planned.domain_name.as_str().unwrap_or_default();
    let spam_type = planned.r#type.as_str().unwrap_or_default();
    client.set_mail_antispam(domain, spam_type, cancel).await?;
    hclog::info(
        LOG,
        "anti-spam type set",
        &[("domain_name", json!(domain)), ("type", json!(spam_type))],
    );
    Ok(())
}

tfplugin::model! {
    /// The state, plan and configuration of `combell_mail_antispam`.
    pub struct Antispam {
        id: String,
        domain_name: String,
        r#type: String,
        allowed_types: Vec<String>,
    }
}

/// The one mapping API → state, used by read and the read back after a create.
fn state_from(domain: &str, anti_spam: &AntiSpam) -> Antispam {
    let domain = domain.to_ascii_lowercase();
    Antispam {
        id: domain.clone().into(),
        domain_name: domain.into(),
        r#type: anti_spam.spam_type.to_ascii_lowercase().into(),
        allowed_types: lower_all(&anti_spam.allowed_types).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Ctx, Resource};

    /// A configured provider: destroy goes through the core's path, which takes the client
    /// before it asks the type (no request is sent).
    fn configured() -> Ctx {
        let client = combell_api::Client::new(combell_api::ClientConfig {
            endpoint: "http://127.0.0.1:9/v2".into(),
            api_key: "key".into(),
            api_secret: combell_api::Secret::new("secret".to_string()),
            ..Default::default()
        })
        .unwrap();
        let data: tfplugin::ProviderData = std::sync::Arc::new(client);
        Ctx::for_tests(Some(data))
    }

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
        let diags = block_on(RESOURCE.validate(&Ctx::for_tests(None), &cfg));
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
        let diags = block_on(RESOURCE.delete(&configured(), &prior));
        assert!(!diags.has_errors());
        assert_eq!(diags.iter().count(), 1);
        let ok = block_on(RESOURCE.import(&Ctx::for_tests(None), " Example.com "));
        let state = Antispam::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.domain_name.as_str(), Some("example.com"));
        let bad = block_on(RESOURCE.import(&Ctx::for_tests(None), "example.com/x"));
        assert!(bad.diagnostics.has_errors());
    }
}
