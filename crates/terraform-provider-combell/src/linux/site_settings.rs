//! `combell_linux_site_settings`: SSL settings of one site of a Linux hosting — Let's Encrypt
//! certificates for its host names, the automatic HTTP → HTTPS redirect, and HTTP/2. Import ID:
//! `<hosting domain>/<site name>`, e.g. `example.com/example.com`.
//!
//! The API sets Let's Encrypt and the redirect per host name (`.../sslsettings/{hostname}/...`)
//! and HTTP/2 per site, but reads all of it back per site only (`sites[]` of
//! `GET /linuxhostings/{domain}`): `https_redirect_enabled` and `http2_enabled` are exact, while
//! for Let's Encrypt only the site's `ssl_enabled` exists. So `lets_encrypt_hostnames` is kept
//! from the configuration, and drift is detected only when the site has lost SSL altogether (the
//! list then reads as empty). The redirect is set through the site's own name.
//!
//! HTTP/2 needs SSL: switching it on for a site that has none, with no certificate planned, is
//! refused at plan time (after a read of the hosting). Apply order follows the same rule: HTTP/2 off, certificates on,
//! certificates off, redirect, HTTP/2 on. Nothing can be deleted: destroy only forgets the
//! resource (with a warning) and leaves the site's settings as they are.

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::linux::common::{
    forgotten, host_name_at, hosting, known_part, null_state, split_import_id,
};
use combell_api::{CancellationToken, Client, Error, LinuxHostingDetail};
use tfplugin::{
    default_plan, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics,
    ImportResult, PlanRequest, PlanResponse, ReadResult, Resource, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_linux_site_settings";

pub struct LinuxSiteSettingsResource;

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<site_name>`."),
        Attribute::string("domain_name")
            .required()
            .description("Domain name of the Linux hosting, such as `example.com`."),
        Attribute::string("site_name").required().description(
            "Name of the site: the hosting's main site is named after the hosting \
             (`example.com`), a subsite after its host name (`combell_linux_subsite`).",
        ),
        Attribute::new("lets_encrypt_hostnames", Type::set(Type::String))
            .optional()
            .description(
                "Host names of the site (its name or host headers) that get a free Let's \
                 Encrypt certificate; removing one switches its certificate off. Left out, \
                 certificates are not managed. Combell does not report certificates per host \
                 name: drift is detected only when the site has no SSL at all.",
            ),
        Attribute::bool("https_redirect_enabled")
            .optional()
            .computed()
            .description(
                "Whether plain HTTP requests are redirected to HTTPS. Needs SSL on the site. \
                 Left out, Combell's setting is kept and shown.",
            ),
        Attribute::bool("http2_enabled")
            .optional()
            .computed()
            .description(
                "Whether the site speaks HTTP/2. Combell allows it only on a site with SSL. \
                 Left out, Combell's setting is kept and shown.",
            ),
        Attribute::bool("ssl_enabled")
            .computed()
            .description("Whether the site has SSL (a certificate on at least one host name)."),
        Attribute::string("path")
            .computed()
            .description("The site's folder on the hosting, such as `/www`."),
    ])
    .description(
        "Let's Encrypt certificates, the HTTPS redirect and HTTP/2 of one site of a Linux \
         hosting. Destroying this resource changes nothing at Combell: the site keeps its \
         certificates and settings.",
    )
}

#[async_trait]
impl Resource for LinuxSiteSettingsResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /linuxhostings/{domainName}",
            "PUT /linuxhostings/{domainName}/sslsettings/{hostname}/letsencrypt",
            "PUT /linuxhostings/{domainName}/sslsettings/{hostname}/autoredirect",
            "PUT /linuxhostings/{domainName}/sites/{siteName}/http2/configuration",
        ]
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn requires_replace(&self) -> &[&str] {
        &["domain_name", "site_name"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        host_name_at(config, "domain_name", "domain name", &mut diags);
        host_name_at(config, "site_name", "site name", &mut diags);
        if let Some(list) = config.get_known("lets_encrypt_hostnames") {
            for name in list.as_list().iter().filter_map(Value::as_str) {
                if let Err(detail) = crate::core::rules::domain_name(name) {
                    diags.error_at(
                        AttributePath::new("lets_encrypt_hostnames"),
                        "Invalid host name",
                        detail,
                    );
                }
            }
        }
        diags
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let prior = req.prior.clone();
        let mut resp = default_plan(&schema(), &["domain_name", "site_name"], &[], req);
        let planned = &resp.planned;
        let turning_on = planned.get_bool("http2_enabled") == Some(true)
            && prior.get_bool("http2_enabled") != Some(true);
        // Certificates planned here give the site SSL before HTTP/2 is switched on.
        let certificates_coming = planned.is_unknown_at("lets_encrypt_hostnames")
            || hostnames(planned).is_some_and(|h| !h.is_empty());
        let (Some(domain), Some(site)) =
            (planned.get_str("domain_name"), planned.get_str("site_name"))
        else {
            return resp;
        };
        if !turning_on || certificates_coming {
            return resp;
        }
        let Ok(client) = client(ctx) else {
            return resp;
        };
        // A read only; a site that does not exist yet (a subsite made in the same apply) is
        // left to apply.
        if let Ok(detail) = client.get_linux_hosting(domain, ctx.stopping()).await {
            if detail.site(site).is_some_and(|s| !s.ssl_enabled) {
                resp.diagnostics.push(
                    Diagnostic::error(
                        "HTTP/2 needs SSL",
                        format!(
                            "Combell enables HTTP/2 only on a site with SSL, and the site                              \"{site}\" has none. Add its host names to lets_encrypt_hostnames \
                             (or give it a certificate) first."
                        ),
                    )
                    .at(AttributePath::new("http2_enabled")),
                );
            }
        }
        resp
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        self.apply(
            ctx,
            &Value::Null,
            planned,
            format!("Unable to create {TYPE_NAME}"),
        )
        .await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ReadResult::error(d),
        };
        let (Some(domain), Some(site)) = (state.get_str("domain_name"), state.get_str("site_name"))
        else {
            return ReadResult::gone();
        };
        match client.get_linux_hosting(domain, ctx.stopping()).await {
            Ok(detail) => match state_from(&detail, site, state) {
                Some(s) => ReadResult::ok(s),
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
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        self.apply(ctx, prior, planned, format!("Unable to update {TYPE_NAME}"))
            .await
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        forgotten(
            TYPE_NAME,
            &format!(
                "The site \"{}\" keeps its Let's Encrypt certificates, HTTPS redirect and HTTP/2 \
                 setting: nothing at Combell was changed.",
                prior.get_str("site_name").unwrap_or_default()
            ),
        )
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let parts = match split_import_id(
            TYPE_NAME,
            id,
            &["domain_name", "site_name"],
            "example.com/example.com",
        ) {
            Ok(parts) => parts,
            Err(result) => return result,
        };
        let mut state = null_state(&schema());
        state.set("domain_name", parts[0].to_ascii_lowercase());
        state.set("site_name", parts[1].to_ascii_lowercase());
        state.set(
            "id",
            format!("{}/{}", parts[0], parts[1]).to_ascii_lowercase(),
        );
        ImportResult {
            state: Some(state),
            ..Default::default()
        }
    }
}

impl LinuxSiteSettingsResource {
    async fn apply(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        summary: String,
    ) -> ApplyResult {
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ApplyResult::error(d),
        };
        let (Some(domain), Some(site)) =
            (planned.get_str("domain_name"), planned.get_str("site_name"))
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "domain_name and site_name must be known.",
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
                    format!(
                        "The Linux hosting \"{domain}\" has no site \"{site}\" (its sites: {}).",
                        site_names(&before)
                    ),
                )
                .at(AttributePath::new("site_name")),
            );
        }
        let mut diags = Diagnostics::default();
        if let Err(err) = put_changes(&client, domain, site, prior, planned, ctx.stopping()).await {
            diags.push(api_error(summary.clone(), &err));
        }
        let no_cancel = CancellationToken::new();
        // After a failure, the certificates recorded are those of the prior state: some of the
        // planned ones may not exist.
        let base = if diags.has_errors() && !prior.is_null() {
            prior
        } else {
            planned
        };
        match client.get_linux_hosting(domain, &no_cancel).await {
            Ok(detail) => ApplyResult {
                state: state_from(&detail, site, base),
                diagnostics: diags,
                ..Default::default()
            },
            Err(err) => {
                diags.push(api_error(summary, &err));
                ApplyResult {
                    state: (!prior.is_null()).then(|| prior.clone()),
                    diagnostics: diags,
                    ..Default::default()
                }
            }
        }
    }
}

fn site_names(detail: &LinuxHostingDetail) -> String {
    detail
        .sites
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn hostnames(value: &Value) -> Option<BTreeSet<String>> {
    value.get_known("lets_encrypt_hostnames").map(|list| {
        list.as_list()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

async fn put_changes(
    client: &Client,
    domain: &str,
    site: &str,
    prior: &Value,
    planned: &Value,
    cancel: &CancellationToken,
) -> Result<(), Error> {
    let changed = |name: &str| {
        planned
            .get_bool(name)
            .filter(|v| prior.get_bool(name) != Some(*v))
    };
    let http2 = changed("http2_enabled");
    if http2 == Some(false) {
        client.set_linux_http2(domain, site, false, cancel).await?;
    }
    if let Some(wanted) = hostnames(planned) {
        let had = hostnames(prior).unwrap_or_default();
        for name in wanted.difference(&had) {
            client
                .set_linux_lets_encrypt(domain, name, true, cancel)
                .await?;
        }
        for name in had.difference(&wanted) {
            client
                .set_linux_lets_encrypt(domain, name, false, cancel)
                .await?;
        }
    }
    if let Some(on) = changed("https_redirect_enabled") {
        client
            .set_linux_auto_redirect(domain, site, on, cancel)
            .await?;
    }
    if http2 == Some(true) {
        client.set_linux_http2(domain, site, true, cancel).await?;
    }
    Ok(())
}

/// The one mapping from the API; `None` when the hosting has no such site.
fn state_from(detail: &LinuxHostingDetail, site_name: &str, base: &Value) -> Option<Value> {
    let site = detail.site(site_name)?;
    let mut state = known_part(&schema(), base);
    let domain = detail.domain_name.to_ascii_lowercase();
    let name = site.name.to_ascii_lowercase();
    state.set("id", format!("{domain}/{name}"));
    state.set("domain_name", domain);
    state.set("site_name", name);
    state.set("https_redirect_enabled", site.https_redirect_enabled);
    state.set("http2_enabled", site.http2_enabled);
    state.set("ssl_enabled", site.ssl_enabled);
    state.set("path", site.path.clone());
    // Certificates are not reported per host name; a site without SSL has none.
    if !site.ssl_enabled && hostnames(&state).is_some_and(|h| !h.is_empty()) {
        state.set("lets_encrypt_hostnames", Value::Set(Vec::new()));
    }
    Some(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::LinuxSite;

    fn detail(ssl: bool) -> LinuxHostingDetail {
        LinuxHostingDetail {
            domain_name: "example.com".into(),
            sites: vec![LinuxSite {
                name: "example.com".into(),
                path: "/www".into(),
                ssl_enabled: ssl,
                https_redirect_enabled: ssl,
                http2_enabled: false,
                host_headers: Vec::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn mapping_keeps_certificates_unless_the_site_lost_ssl() {
        let mut base = null_state(&schema());
        base.set(
            "lets_encrypt_hostnames",
            Value::Set(vec!["example.com".into()]),
        );
        base.set("http2_enabled", Value::Unknown);
        let state = state_from(&detail(true), "Example.com", &base).unwrap();
        assert_eq!(state.get_str("id"), Some("example.com/example.com"));
        assert_eq!(state.get_list("lets_encrypt_hostnames").len(), 1);
        assert_eq!(state.get_bool("http2_enabled"), Some(false));
        assert!(state.is_wholly_known());
        let lost = state_from(&detail(false), "example.com", &base).unwrap();
        assert!(lost.get_list("lets_encrypt_hostnames").is_empty());
        assert!(state_from(&detail(true), "other.example.com", &base).is_none());
    }

    #[test]
    fn import_ids_name_hosting_and_site() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ok = rt.block_on(
            LinuxSiteSettingsResource.import(&Ctx::for_tests(None), "Example.com/blog.example.com"),
        );
        let state = ok.state.unwrap();
        assert_eq!(state.get_str("site_name"), Some("blog.example.com"));
        assert_eq!(state.get_str("domain_name"), Some("example.com"));
        let bad =
            rt.block_on(LinuxSiteSettingsResource.import(&Ctx::for_tests(None), "example.com"));
        assert!(bad.diagnostics.has_errors());
    }
}
