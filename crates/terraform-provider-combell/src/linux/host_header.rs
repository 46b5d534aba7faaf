//! `combell_linux_host_header`: an extra host name (alias) a site of a Linux hosting answers
//! to. Import ID: `<hosting domain>/<site name>/<host name>`, e.g.
//! `example.com/example.com/www.example.com`.
//!
//! Combell's API can only add a host header (201): it has no read of one (it shows in
//! `sites[].host_headers` of `GET /linuxhostings/{domain}`), no update and **no delete**. So
//! destroy removes the resource from the state with a warning and the host name keeps pointing
//! at the site until it is removed in the control panel. For the same reason a create finds a
//! host header that is already on the site (for example one a previous destroy left behind)
//! and takes it over instead of failing.
//!
//! Created once (see `reconcile`). Natural key: the host name among the site's host headers;
//! after a lost answer it is looked up there again.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::or_return;
use crate::core::reconcile::{create_once, CreateSpec, Created};
use crate::core::{api_error, client};
use crate::linux::common::{forgotten, host_name_in, hosting, split_import_id};
use combell_api::{CancellationToken, LinuxHostingDetail};
use tfplugin::{
    decode, model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics,
    ImportResult, Model, ReadResult, Resource, Schema, Value,
};

const TYPE_NAME: &str = "combell_linux_host_header";

model! {
    /// The state, plan and configuration of `combell_linux_host_header`.
    pub struct HostHeader {
        id: String,
        domain_name: String,
        site_name: String,
        name: String,
        enabled: bool,
    }
}

pub struct LinuxHostHeaderResource;

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<site_name>/<name>`."),
        Attribute::string("domain_name").required().description(
            "Domain name of the Linux hosting, such as `example.com`. Changing it replaces the \
             host header.",
        ),
        Attribute::string("site_name").required().description(
            "The site that answers to the host name: the main site is named after the hosting \
             (`example.com`), a subsite after its host name. Changing it replaces the host \
             header.",
        ),
        Attribute::string("name").required().description(
            "The extra host name, such as `alias.be` or `shop.example.com`. Its DNS must point \
             at the hosting for visitors to reach the site. Changing it replaces the host \
             header (the old one stays at Combell, see below).",
        ),
        Attribute::bool("enabled")
            .computed()
            .description("Whether Combell has the host header active."),
    ])
    .description(
        "An extra host name (alias) for a site of a Linux hosting. **Combell's API cannot \
         delete host headers**: destroying this resource only removes it from the Terraform \
         state, with a warning, and the host name keeps pointing at the site until you remove \
         it in the Combell control panel. Creating a host header that the site already has \
         takes it over.",
    )
}

#[async_trait]
impl Resource for LinuxHostHeaderResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "POST /linuxhostings/{domainName}/sites/{siteName}/hostheaders",
            "GET /linuxhostings/{domainName}",
        ]
    }
    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<tfplugin::IdentitySchema> {
        Some(crate::core::list::identity_schema(&[
            (
                "domain_name",
                "The hosting's domain, in lower case, such as `example.com`.",
            ),
            (
                "site_name",
                "The site's name, in lower case, such as `example.com`.",
            ),
            (
                "name",
                "The host name, in lower case, such as `www.example.com`.",
            ),
        ]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        HostHeader::attribute_names()
    }
    fn requires_replace(&self) -> &[&str] {
        &["domain_name", "site_name", "name"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(HostHeader, config);
        let mut diags = Diagnostics::default();
        host_name_in(
            &config.domain_name,
            "domain_name",
            "domain name",
            &mut diags,
        );
        host_name_in(&config.site_name, "site_name", "site name", &mut diags);
        host_name_in(&config.name, "name", "host name", &mut diags);
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let planned = decode!(HostHeader, planned);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(site), Some(name)) = (
            planned.domain_name.as_str(),
            planned.site_name.as_str(),
            planned.name.as_str(),
        ) else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name, site_name and name must be known.",
            ));
        };
        let before = match hosting(&client, domain, &summary, ctx.stopping()).await {
            Ok(detail) => detail,
            Err(diag) => return ApplyResult::error(diag),
        };
        if before.site(site).is_none() {
            return ApplyResult::error(
                Diagnostic::error(
                    summary,
                    format!("The Linux hosting \"{domain}\" has no site \"{site}\"."),
                )
                .at(AttributePath::new("site_name")),
            );
        }
        if let Some(state) = state_from(&before, site, name) {
            hclog::info(
                "linux_host_header",
                "host header already on the site; taking it over",
                &[("site_name", json!(site)), ("name", json!(name))],
            );
            return ApplyResult::ok(state.encode());
        }
        let what = format!("host header \"{name}\" of the site \"{site}\"");
        let no_cancel = CancellationToken::new();
        let created = create_once(
            CreateSpec {
                module: "linux_host_header",
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.add_linux_host_header(domain, site, name, ctx.stopping()),
            || async {
                let detail = client.get_linux_hosting(domain, &no_cancel).await?;
                Ok(state_from(&detail, site, name).map(|s| s.encode()))
            },
        )
        .await;
        match created {
            Ok(Created::Posted(())) => {}
            Ok(Created::Found(state)) => return ApplyResult::ok(state),
            Err(failure) => return ApplyResult::error(failure.diagnostic(summary)),
        }
        let mut fallback = planned.known_part();
        fallback.id.set(format!("{domain}/{site}/{name}"));
        match client
            .get_linux_hosting(domain, &CancellationToken::new())
            .await
        {
            Ok(detail) => match state_from(&detail, site, name) {
                Some(state) => ApplyResult::ok(state.encode()),
                None => ApplyResult {
                    state: Some(fallback.encode()),
                    diagnostics: Diagnostic::error(
                        summary,
                        format!(
                            "Combell accepted the host header \"{name}\" but does not list it \
                             on the site \"{site}\"."
                        ),
                    )
                    .into(),
                    ..Default::default()
                },
            },
            Err(err) => ApplyResult {
                state: Some(fallback.encode()),
                diagnostics: api_error(summary, &err).into(),
                ..Default::default()
            },
        }
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let current = decode!(HostHeader, state);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(site), Some(name)) = (
            current.domain_name.as_str(),
            current.site_name.as_str(),
            current.name.as_str(),
        ) else {
            return ReadResult::gone();
        };
        match client.get_linux_hosting(domain, ctx.stopping()).await {
            Ok(detail) => match state_from(&detail, site, name) {
                Some(s) => ReadResult::ok(s.encode()),
                None => ReadResult::gone(),
            },
            Err(err) if err.is_not_found() => ReadResult::gone(),
            Err(err) => ReadResult {
                state: Some(state.clone()),
                diagnostics: api_error(format!("Unable to read {TYPE_NAME}"), &err).into(),
                ..Default::default()
            },
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        // Every configurable attribute replaces the host header.
        ApplyResult::ok(planned.clone())
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(HostHeader, prior);
        forgotten(
            TYPE_NAME,
            &format!(
                "Combell's API cannot delete host headers: \"{}\" still points at the site \
                 \"{}\". Remove it in the Combell control panel if it should go.",
                prior.name.as_str().unwrap_or_default(),
                prior.site_name.as_str().unwrap_or_default()
            ),
        )
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let parts = match split_import_id(
            TYPE_NAME,
            id,
            &["domain_name", "site_name", "name"],
            "example.com/example.com/www.example.com",
        ) {
            Ok(parts) => parts,
            Err(result) => return result,
        };
        let state = HostHeader {
            domain_name: parts[0].to_ascii_lowercase().into(),
            site_name: parts[1].to_ascii_lowercase().into(),
            name: parts[2].to_ascii_lowercase().into(),
            ..Default::default()
        };
        ImportResult {
            state: Some(state.encode()),
            ..Default::default()
        }
    }
}

/// The one mapping from the API; `None` when the site has no such host header.
fn state_from(detail: &LinuxHostingDetail, site_name: &str, name: &str) -> Option<HostHeader> {
    let site = detail.site(site_name)?;
    let header = site
        .host_headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))?;
    let domain = detail.domain_name.to_ascii_lowercase();
    let site = site.name.to_ascii_lowercase();
    let name = header.name.to_ascii_lowercase();
    Some(HostHeader {
        id: format!("{domain}/{site}/{name}").into(),
        domain_name: domain.into(),
        site_name: site.into(),
        name: name.into(),
        enabled: header.enabled.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::LinuxSite;

    #[test]
    fn mapping_finds_the_header_on_its_site_only() {
        let detail = LinuxHostingDetail {
            domain_name: "example.com".into(),
            sites: vec![
                LinuxSite {
                    name: "example.com".into(),
                    host_headers: vec![combell_api::HostHeader {
                        name: "www.example.com".into(),
                        enabled: true,
                    }],
                    ..Default::default()
                },
                LinuxSite {
                    name: "blog.example.com".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let state = state_from(&detail, "example.com", "WWW.example.com").unwrap();
        assert_eq!(
            state.id.as_str(),
            Some("example.com/example.com/www.example.com")
        );
        assert_eq!(state.enabled.get(), Some(true));
        assert!(state_from(&detail, "blog.example.com", "www.example.com").is_none());
    }
}
