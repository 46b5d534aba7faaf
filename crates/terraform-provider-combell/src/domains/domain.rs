//! `combell_domain`: the name servers and the renew flag of a domain already in the Combell
//! reseller account. Import ID: the domain name, such as `example.com`.
//!
//! Nothing is bought here: create adopts an existing domain (registration is
//! `combell_domain_registration`), and the API has no delete, so destroy only removes the domain
//! from the state, with a warning. Name servers compare without case or trailing dot, and keep
//! the spelling of the configuration. Combell lets the renew flag change only while
//! `can_toggle_renew` is true (no unpaid invoice, renewal not within a month); a change it would
//! refuse is reported at plan time.
//!
//! Requests: a create reads the domain once (it must be in the reseller account, and Combell
//! decides `expiration_date` and `can_toggle_renew`), an update reads nothing; then each
//! changed setting is one PUT, and the state is the plan. The domain is read back only after a
//! PUT failed, so that the state is what Combell then says.

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::apply_with;
use crate::core::ids::{IdPart, DOMAIN};
use crate::core::managed::invalid_import_id;
use crate::core::rules::{self, HostRules};
use crate::core::settings::{not_known, PlanModels, Settings, SettingsOf};
use crate::core::{api_error, client};
use combell_api::{CancellationToken, Client, DomainDetail};
use tfplugin::{
    model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field,
    ImportResult, Model, PlanResponse, Schema, Type,
};

const TYPE_NAME: &str = "combell_domain";
const LOG: &str = "domain";

pub struct DomainResource;

model! {
    /// The state, plan and configuration of `combell_domain`.
    pub struct Domain {
        id: String,
        domain_name: String,
        name_servers: Vec<String>,
        will_renew: bool,
        can_toggle_renew: bool,
        expiration_date: String,
    }
}

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The domain name: the import ID."),
        Attribute::string("domain_name").required().description(
            "The domain, in lower case, such as `example.com`. It must already be in the \
             reseller account (`data.combell_domains` lists them). Changing it manages another \
             domain.",
        ),
        Attribute::new("name_servers", Type::list(Type::String))
            .optional()
            .computed()
            .description(
                "The domain's name servers, 2 to 13 host names in order, such as \
                 `[\"ns1.example.net\", \"ns2.example.net\"]`. Compared without case or trailing \
                 dot. Unset, they are left as they are and read from Combell (its own are \
                 `ns3.european-server.com` and `ns4.european-server.com`).",
            ),
        Attribute::bool("will_renew")
            .optional()
            .computed()
            .description(
                "Whether Combell renews the domain when it expires. Unset, it is left as it is. \
             Combell allows a change only while `can_toggle_renew` is true and only for API \
             users with the finance role; a change it would refuse fails at plan time.",
            ),
        Attribute::bool("can_toggle_renew").computed().description(
            "Whether `will_renew` can be changed now: false while an invoice for the domain is \
             unpaid or its renewal starts within a month.",
        ),
        Attribute::string("expiration_date")
            .computed()
            .description("When the registration expires, as Combell gives it (ISO 8601)."),
    ])
    .description(
        "Name servers and automatic renewal of a domain already in the Combell reseller \
         account. Creating this resource buys nothing: it takes over the settings of an \
         existing domain (use `combell_domain_registration` to register one). Combell's API \
         cannot delete a domain, so destroying this resource only removes it from the Terraform \
         state, with a warning: the domain stays registered with the name servers and renew \
         setting it had.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

pub(crate) static RESOURCE: SettingsOf<DomainResource> = SettingsOf::new(DomainResource);

#[async_trait]
impl Settings for DomainResource {
    type Model = Domain;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const ID_PARTS: &'static [IdPart] = &[DOMAIN];
    const ID_EXAMPLE: &'static str = "example.com";
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /domains/{domainName}",
        "PUT /domains/{domainName}/nameservers",
        "PUT /domains/{domainName}/renew",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Domain, diags: &mut Diagnostics) {
        domain_name_in(&config.domain_name, diags);
        if let Some(servers) = config.name_servers.known() {
            for detail in name_server_problems(servers) {
                diags.error_at(
                    AttributePath::new("name_servers"),
                    "Invalid name servers",
                    detail,
                );
            }
        }
    }

    /// A renew flag Combell would refuse to change now fails the plan. Name servers written
    /// with another spelling than the state's plan an update that sends nothing (apply
    /// compares without case) and stores the configuration's spelling: Terraform requires a
    /// configured value to be planned as written.
    async fn modify_plan(&self, ctx: &Ctx, models: PlanModels<Domain>, resp: &mut PlanResponse) {
        let PlanModels {
            prior,
            config,
            creating,
            ..
        } = models;
        let Some(wanted) = config.will_renew.get() else {
            return;
        };
        let (can_toggle, current) = if creating {
            // Only ask Combell when a configured value will be sent.
            let (Some(name), Ok(client)) = (config.domain_name.as_str(), client(ctx)) else {
                return;
            };
            match client.get_domain(name, ctx.stopping()).await {
                Ok(detail) => (detail.can_toggle_renew, detail.will_renew),
                Err(err) if err.is_not_found() => {
                    resp.diagnostics.push(
                        Diagnostic::error("Domain not in the reseller account", not_here(name))
                            .at(AttributePath::new("domain_name")),
                    );
                    return;
                }
                // The apply reports it properly.
                Err(_) => return,
            }
        } else {
            (
                prior.can_toggle_renew.get().unwrap_or(true),
                prior.will_renew.get(),
            )
        };
        if current != Some(wanted) && !can_toggle {
            resp.diagnostics.push(
                Diagnostic::error(
                    "The renew setting cannot be changed now",
                    format!(
                        "Combell allows changing will_renew of {} only while can_toggle_renew is \
                         true; it is false now (an invoice for the domain is unpaid, or its \
                         renewal starts within a month). Leave will_renew unset or set it to \
                         {}, and try again later.",
                        config.domain_name.as_str().unwrap_or("the domain"),
                        current.map_or("its current value".to_string(), |v| v.to_string())
                    ),
                )
                .at(AttributePath::new("will_renew")),
            );
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        current: &Domain,
        cancel: &CancellationToken,
    ) -> Result<Option<Domain>, combell_api::Error> {
        let Some(name) = current.domain_name.as_str() else {
            return Ok(None);
        };
        match client.get_domain(name, cancel).await {
            Ok(detail) => Ok(Some(state_from(&detail, current))),
            Err(err) if err.is_not_found() => {
                hclog::info(
                    LOG,
                    "domain no longer in the reseller account; removing it from the state",
                    &[("domain", json!(name))],
                );
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// A create reads the domain first (it must be in the reseller account, and Combell's
    /// expiration date and renew rules fill the state); an update compares with the state.
    /// Then only what the plan changes is sent, and the state is the plan: the domain is read
    /// back only after a failed request (the state is then what Combell says).
    async fn apply(
        &self,
        client: &Client,
        prior: Option<&Domain>,
        planned: &Domain,
        summary: &str,
        cancel: &CancellationToken,
    ) -> ApplyResult {
        let (name, current) = match prior {
            None => {
                let Some(name) = planned.domain_name.as_str() else {
                    return not_known(summary, "domain_name is not known.");
                };
                match client.get_domain(name, cancel).await {
                    Ok(detail) => (detail.domain_name.clone(), domain_values(&detail)),
                    Err(err) if err.is_not_found() => {
                        return ApplyResult::error(Diagnostic::error(summary, not_here(name)))
                    }
                    Err(err) => return ApplyResult::error(api_error(summary, &err)),
                }
            }
            Some(prior) => {
                let Some(name) = prior.domain_name.as_str() else {
                    return not_known(summary, "The state has no domain_name.");
                };
                (name.to_string(), prior.clone())
            }
        };
        let diags = send_changes(client, &name, &current, planned, summary, cancel).await;
        if !diags.has_errors() {
            let state = Domain {
                name_servers: planned
                    .name_servers
                    .known()
                    .cloned()
                    .map_or(current.name_servers.clone(), Field::Known),
                will_renew: planned
                    .will_renew
                    .get()
                    .map_or(current.will_renew.clone(), Field::Known),
                ..current
            };
            return apply_with(state.encode(), diags);
        }
        read_back(client, &name, &current, planned, diags).await
    }

    fn forgotten(&self, prior: &Domain) -> Diagnostics {
        let name = prior.domain_name.as_str().unwrap_or("the domain");
        hclog::warn(
            LOG,
            "domain removed from the state only",
            &[("domain", json!(name))],
        );
        Diagnostic::warning(
            format!("Domain {name} is still registered"),
            format!(
                "Combell's API cannot delete or cancel a domain, so {name} was only removed from \
                 the Terraform state. It stays in the reseller account with its current name \
                 servers and renew setting; cancel it in the Combell control panel if it should \
                 go."
            ),
        )
        .into()
    }

    fn imported(&self, parts: &[String]) -> Domain {
        Domain {
            id: parts[0].clone().into(),
            domain_name: parts[0].clone().into(),
            ..Default::default()
        }
    }

    /// The domain name, checked as a domain name.
    fn import(&self, id: &str) -> ImportResult {
        let name = id.trim();
        match rules::domain_name(name) {
            Ok(()) => ImportResult {
                state: Some(self.imported(&[name.to_string()]).encode()),
                ..Default::default()
            },
            Err(detail) => invalid_import_id(
                TYPE_NAME,
                format!("The import ID is the domain name, such as \"example.com\". {detail}"),
            ),
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// Sends what the plan changes against `current` (name servers, then the renew flag); the
/// errors carry their attribute's path.
async fn send_changes(
    client: &Client,
    name: &str,
    current: &Domain,
    planned: &Domain,
    summary: &str,
    cancel: &CancellationToken,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    if let Some(wanted) = planned.name_servers.known() {
        if !current
            .name_servers
            .known()
            .is_some_and(|had| same_servers(wanted, had))
        {
            if let Err(err) = client.set_domain_name_servers(name, wanted, cancel).await {
                diags.push(api_error(summary, &err).at(AttributePath::new("name_servers")));
            }
        }
    }
    if let Some(wanted) = planned.will_renew.get() {
        if current.will_renew.get() != Some(wanted) && !diags.has_errors() {
            if let Err(err) = client.set_domain_will_renew(name, wanted, cancel).await {
                let mut d = api_error(summary, &err).at(AttributePath::new("will_renew"));
                d.detail.push_str(
                    "\n\nCombell changes the renew flag only while can_toggle_renew is true, and \
                     only for API users with the finance role.",
                );
                diags.push(d);
            }
        }
    }
    diags
}

/// After a failed request the state is what Combell now says; when that read fails too,
/// what was there before.
async fn read_back(
    client: &Client,
    name: &str,
    current: &Domain,
    planned: &Domain,
    mut diags: Diagnostics,
) -> ApplyResult {
    match client.get_domain(name, &CancellationToken::new()).await {
        Ok(after) => apply_with(state_from(&after, planned).encode(), diags),
        Err(err) => {
            diags.push(api_error(format!("Unable to read {TYPE_NAME} back"), &err));
            apply_with(current.encode(), diags)
        }
    }
}

/// The one mapping API → state. Name servers keep the spelling of `prior` when they match.
fn state_from(detail: &DomainDetail, prior: &Domain) -> Domain {
    let servers: Vec<String> = detail.name_servers.iter().map(|n| n.name.clone()).collect();
    let name_servers = match prior.name_servers.known() {
        Some(written) if same_servers(written, &servers) => written.clone(),
        _ => servers,
    };
    Domain {
        id: detail.domain_name.clone().into(),
        domain_name: detail.domain_name.clone().into(),
        name_servers: name_servers.into(),
        // No value means Combell cannot tell right now: keep what was there.
        will_renew: Field::from_option(detail.will_renew.or_else(|| prior.will_renew.get())),
        can_toggle_renew: detail.can_toggle_renew.into(),
        expiration_date: detail.expiration_date.clone().into(),
    }
}

/// The same mapping with nothing configured, for the data source.
pub(crate) fn domain_values(detail: &DomainDetail) -> Domain {
    state_from(detail, &Domain::default())
}

/// Adds an error at `domain_name` when the field is a known string that is not a domain name;
/// shared with the data source and `combell_domain_registration`.
pub(crate) fn domain_name_in(field: &Field<String>, diags: &mut Diagnostics) {
    if let Some(name) = field.as_str() {
        if let Err(detail) = rules::domain_name(name) {
            diags.error_at(
                AttributePath::new("domain_name"),
                "Invalid domain name",
                detail,
            );
        }
    }
}

fn not_here(name: &str) -> String {
    format!(
        "{name} is not a domain of this Combell reseller account (data.combell_domains lists \
         them). combell_domain manages an existing domain; combell_domain_registration registers \
         or transfers one."
    )
}

/// How Combell compares host names: no case, no trailing dot, no surrounding space.
pub(crate) fn host_key(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn same_servers(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| host_key(x) == host_key(y))
}

/// Combell's rules for a name server list: 2 to 13 distinct host names.
pub(crate) fn name_server_problems(servers: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if !(2..=13).contains(&servers.len()) {
        problems.push(format!(
            "A domain has 2 to 13 name servers; {} given.",
            servers.len()
        ));
    }
    for (i, server) in servers.iter().enumerate() {
        if rules::host_name(server.trim(), HostRules::FULL_NAME).is_err() {
            problems.push(format!(
                "\"{server}\" is not a host name such as ns1.example.net."
            ));
        } else if servers[..i].iter().any(|s| host_key(s) == host_key(server)) {
            problems.push(format!("\"{server}\" is listed more than once."));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::NameServer;
    use tfplugin::{PlanRequest, Resource};

    fn detail() -> DomainDetail {
        DomainDetail {
            domain_name: "example.com".into(),
            expiration_date: "2027-09-14T00:00:00Z".into(),
            will_renew: Some(true),
            can_toggle_renew: false,
            name_servers: vec![
                NameServer {
                    name: "ns1.example.net".into(),
                    ip: None,
                },
                NameServer {
                    name: "ns2.example.net".into(),
                    ip: None,
                },
            ],
            registrant: Default::default(),
        }
    }

    #[test]
    fn mapping_keeps_the_configured_spelling_of_name_servers() {
        let prior = Domain {
            name_servers: vec![
                "NS1.example.net.".to_string(),
                "ns2.example.net".to_string(),
            ]
            .into(),
            ..Default::default()
        };
        let state = state_from(&detail(), &prior);
        assert_eq!(state.name_servers.items()[0].as_str(), "NS1.example.net.");
        assert_eq!(state.id.as_str(), Some("example.com"));
        assert_eq!(state.can_toggle_renew.get(), Some(false));
        assert!(state.encode().is_wholly_known());
        let fresh = domain_values(&detail());
        assert_eq!(fresh.name_servers.items()[0].as_str(), "ns1.example.net");
    }

    #[test]
    fn name_server_rules() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(name_server_problems(&list(&["ns1.a.be", "ns2.a.be"])).is_empty());
        assert_eq!(name_server_problems(&list(&["ns1.a.be"])).len(), 1);
        assert_eq!(
            name_server_problems(&list(&["ns1.a.be", "NS1.a.be."])).len(),
            1
        );
        assert_eq!(
            name_server_problems(&list(&["ns1.a.be", "not a host"])).len(),
            1
        );
        let many: Vec<String> = (0..14).map(|i| format!("ns{i}.a.be")).collect();
        assert_eq!(name_server_problems(&many).len(), 1);
    }

    #[test]
    fn domain_names_are_lower_case_without_trailing_dot() {
        assert!(rules::domain_name("example.com").is_ok());
        assert!(rules::domain_name("Example.com").is_err());
        assert!(rules::domain_name("example.com.").is_err());
        assert!(rules::domain_name("example").is_err());
        assert!(rules::domain_name("").is_err());
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    #[test]
    fn a_renew_change_combell_would_refuse_fails_at_plan() {
        let prior = domain_values(&detail());
        let config = Domain {
            domain_name: "example.com".to_string().into(),
            will_renew: false.into(),
            ..Default::default()
        };
        let proposed = Domain {
            will_renew: false.into(),
            ..prior.clone()
        };
        let (prior, proposed, config) = (prior.encode(), proposed.encode(), config.encode());
        let plan = block_on(RESOURCE.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior,
                proposed,
                config,
                prior_private: Vec::new(),
            },
        ));
        assert!(plan.diagnostics.has_errors());
        let d = plan.diagnostics.iter().next().unwrap();
        assert_eq!(d.path, Some(AttributePath::new("will_renew")));
    }

    #[test]
    fn destroy_only_forgets_and_warns() {
        let diags =
            block_on(RESOURCE.delete(&Ctx::for_tests(None), &domain_values(&detail()).encode()));
        assert!(!diags.has_errors());
        assert!(diags
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("cannot delete"));
    }
}
