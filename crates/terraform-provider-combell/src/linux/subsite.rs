//! `combell_linux_subsite`: an extra website on a Linux hosting, answering to its own host
//! name and served from its own folder. Import ID: `<hosting domain>/<subsite name>`, e.g.
//! `example.com/blog.example.com`.
//!
//! The API creates a subsite (201) and deletes it, but has no read of one: it is read from the
//! `sites` of `GET /linuxhostings/{domain}`. Nothing can change in place. The folder must
//! already exist on the hosting (Combell does not create it); left out, it is
//! `/subsites/<name>`.
//!
//! Created once (see `reconcile`). Natural key: the subsite's name among the hosting's sites;
//! after a lost answer a site of that name is the one the create made.

use std::time::Duration;

use async_trait::async_trait;

use crate::core::flow::or_return;
use crate::core::reconcile::{create_once, CreateSpec, Created};
use crate::core::{api_error, client};
use crate::linux::common::{host_name_in, split_import_id};
use combell_api::{CancellationToken, LinuxHostingDetail};
use tfplugin::{
    decode, model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field,
    ImportResult, Model, ReadResult, Resource, Schema, Value,
};

const TYPE_NAME: &str = "combell_linux_subsite";

model! {
    /// The state, plan and configuration of `combell_linux_subsite`.
    pub struct Subsite {
        id: String,
        domain_name: String,
        name: String,
        path: String,
        ssl_enabled: bool,
    }
}

pub struct LinuxSubsiteResource;

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<name>`."),
        Attribute::string("domain_name").required().requires_replace().description(
            "Domain name of the Linux hosting, such as `example.com`. Changing it replaces the \
             subsite.",
        ),
        Attribute::string("name").required().requires_replace().description(
            "Host name the subsite answers to, such as `shop.example.com` (also its site name, \
             for `combell_linux_site_settings` and `combell_linux_host_header`). Changing it \
             replaces the subsite.",
        ),
        Attribute::string("path")
            .optional()
            .computed()
            .requires_replace()
            .description(
            "Folder of the subsite on the hosting, such as `/subsites/shop.example.com`. It must \
             already exist: Combell does not create it. Left out, `/subsites/<name>` is used. \
             Changing it replaces the subsite.",
        ),
        Attribute::bool("ssl_enabled")
            .computed()
            .description("Whether the subsite has SSL."),
    ])
    .description(
        "A subsite of a Linux hosting: another host name served from its own folder. \
         Destroying the resource deletes the subsite (its folder and files stay on the hosting).",
    )
}

#[async_trait]
impl Resource for LinuxSubsiteResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "POST /linuxhostings/{domainName}/subsites",
            "GET /linuxhostings/{domainName}",
            "DELETE /linuxhostings/{domainName}/subsites/{siteName}",
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
                "name",
                "The subsite's name, in lower case, such as `blog.example.com`.",
            ),
        ]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        Subsite::attribute_names()
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Subsite, config);
        let mut diags = Diagnostics::default();
        host_name_in(
            &config.domain_name,
            "domain_name",
            "domain name",
            &mut diags,
        );
        host_name_in(&config.name, "name", "subsite name", &mut diags);
        if let Some(path) = config.path.as_str() {
            if !path.starts_with('/')
                || path.split('/').any(|s| s == "..")
                || path.chars().any(crate::core::rules::is_invisible)
            {
                diags.error_at(
                    AttributePath::new("path"),
                    "Invalid subsite path",
                    format!(
                        "\"{path}\" is not an absolute folder on the hosting (such as \
                         /subsites/shop.example.com), without \"..\" or control characters."
                    ),
                );
            }
        }
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let planned = decode!(Subsite, planned);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(name)) = (planned.domain_name.as_str(), planned.name.as_str())
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name and name must be known.",
            ));
        };
        let path = planned.path.as_str().unwrap_or_default();
        let what = format!("subsite \"{name}\" of the Linux hosting \"{domain}\"");
        let no_cancel = CancellationToken::new();
        let created = create_once(
            CreateSpec {
                module: "linux_subsite",
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.create_linux_subsite(domain, name, path, ctx.stopping()),
            || async {
                let detail = client.get_linux_hosting(domain, &no_cancel).await?;
                Ok(state_from(&detail, name, &planned).map(|s| s.encode()))
            },
        )
        .await;
        let created = match created {
            Ok(Created::Posted(created)) => created,
            Ok(Created::Found(state)) => return ApplyResult::ok(state),
            Err(failure) => return ApplyResult::error(failure.diagnostic(summary)),
        };
        let mut fallback = planned.known_part();
        fallback.id.set(format!("{domain}/{created}"));
        match client
            .get_linux_hosting(domain, &CancellationToken::new())
            .await
        {
            Ok(detail) => match state_from(&detail, name, &planned) {
                Some(state) => ApplyResult::ok(state.encode()),
                None => ApplyResult {
                    state: Some(fallback.encode()),
                    diagnostics: Diagnostic::error(
                        summary,
                        format!(
                            "Combell accepted the subsite \"{name}\" but does not list it among \
                             the sites of \"{domain}\"."
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
        let current = decode!(Subsite, state);
        let client = or_return!(client(ctx));
        let (Some(domain), Some(name)) = (current.domain_name.as_str(), current.name.as_str())
        else {
            return ReadResult::gone();
        };
        match client.get_linux_hosting(domain, ctx.stopping()).await {
            Ok(detail) => match state_from(&detail, name, &current) {
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
        // Every configurable attribute replaces the subsite.
        ApplyResult::ok(planned.clone())
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Subsite, prior);
        let (Some(domain), Some(name)) = (prior.domain_name.as_str(), prior.name.as_str()) else {
            return Diagnostics::default();
        };
        let client = or_return!(client(ctx));
        match client
            .delete_linux_subsite(domain, name, ctx.stopping())
            .await
        {
            Ok(()) => Diagnostics::default(),
            Err(err) if err.is_not_found() => Diagnostics::default(),
            Err(err) => api_error(format!("Unable to delete {TYPE_NAME}"), &err).into(),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let parts = match split_import_id(
            TYPE_NAME,
            id,
            &["domain_name", "name"],
            "example.com/blog.example.com",
        ) {
            Ok(parts) => parts,
            Err(result) => return result,
        };
        let state = Subsite {
            domain_name: parts[0].to_ascii_lowercase().into(),
            name: parts[1].to_ascii_lowercase().into(),
            ..Default::default()
        };
        ImportResult {
            state: Some(state.encode()),
            ..Default::default()
        }
    }
}

/// The one mapping from the API; `None` when the hosting has no such site, or when it is the
/// hosting's main site (not a subsite). A configured path that differs only by a trailing `/`
/// is kept as written.
fn state_from(detail: &LinuxHostingDetail, name: &str, base: &Subsite) -> Option<Subsite> {
    let site = detail.site(name)?;
    let domain = detail.domain_name.to_ascii_lowercase();
    if site.name.eq_ignore_ascii_case(&domain) {
        return None;
    }
    let name = site.name.to_ascii_lowercase();
    let same_path = base
        .path
        .as_str()
        .is_some_and(|p| p.trim_end_matches('/') == site.path.trim_end_matches('/'));
    let path = if same_path {
        base.path.clone()
    } else {
        Field::Known(site.path.clone())
    };
    Some(Subsite {
        id: format!("{domain}/{name}").into(),
        domain_name: domain.into(),
        name: name.into(),
        path,
        ssl_enabled: site.ssl_enabled.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::LinuxSite;

    #[test]
    fn mapping_reads_subsites_only() {
        let site = |name: &str, path: &str| LinuxSite {
            name: name.into(),
            path: path.into(),
            ..Default::default()
        };
        let detail = LinuxHostingDetail {
            domain_name: "example.com".into(),
            sites: vec![
                site("example.com", "/www"),
                site("shop.example.com", "/subsites/shop.example.com"),
            ],
            ..Default::default()
        };
        let base = Subsite {
            path: "/subsites/shop.example.com/".to_string().into(),
            ..Default::default()
        };
        let state = state_from(&detail, "Shop.example.com", &base).unwrap();
        assert_eq!(state.id.as_str(), Some("example.com/shop.example.com"));
        assert_eq!(state.path.as_str(), Some("/subsites/shop.example.com/"));
        assert!(state.encode().is_wholly_known());
        assert!(state_from(&detail, "example.com", &base).is_none());
        assert!(state_from(&detail, "nope.example.com", &base).is_none());
    }
}
