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
//!
//! Requests: a create reads the hosting once (the site must exist, and Combell decides `path`,
//! `ssl_enabled` and any setting the configuration leaves out), an update reads nothing; each
//! change is then one PUT, and the state is the plan. The hosting is read back only when
//! certificates were switched (Combell decides `ssl_enabled` from them) or a PUT failed.

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::core::flow::apply_with;
use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::rules::host_name_in;
use crate::core::settings::{not_known, PlanModels, Settings, SettingsOf};
use crate::core::{api_error, client};
use crate::linux::common::{changed, forgotten, hosting};
use combell_api::{CancellationToken, Client, Error, LinuxHostingDetail};
use tfplugin::{
    model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Model,
    PlanResponse, Schema, Type,
};

const TYPE_NAME: &str = "combell_linux_site_settings";

model! {
    /// The state, plan and configuration of `combell_linux_site_settings`.
    pub struct SiteSettings {
        id: String,
        domain_name: String,
        site_name: String,
        lets_encrypt_hostnames: Vec<String>,
        https_redirect_enabled: bool,
        http2_enabled: bool,
        ssl_enabled: bool,
        path: String,
    }
}

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

pub(crate) static RESOURCE: SettingsOf<LinuxSiteSettingsResource> =
    SettingsOf::new(LinuxSiteSettingsResource);

#[async_trait]
impl Settings for LinuxSiteSettingsResource {
    type Model = SiteSettings;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const ID_PARTS: &'static [IdPart] = &[
        LINUX_HOSTING,
        (
            "site_name",
            "The site's name, in lower case, such as `example.com`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/example.com";
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /linuxhostings/{domainName}",
        "PUT /linuxhostings/{domainName}/sslsettings/{hostname}/letsencrypt",
        "PUT /linuxhostings/{domainName}/sslsettings/{hostname}/autoredirect",
        "PUT /linuxhostings/{domainName}/sites/{siteName}/http2/configuration",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name", "site_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &SiteSettings, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
        host_name_in(&config.site_name, "site_name", "site name", diags);
        for name in config.lets_encrypt_hostnames.items() {
            if let Err(detail) = crate::core::rules::domain_name(name) {
                diags.error_at(
                    AttributePath::new("lets_encrypt_hostnames"),
                    "Invalid host name",
                    detail,
                );
            }
        }
    }

    /// HTTP/2 switched on for a site without SSL, with no certificate planned, fails the plan.
    async fn modify_plan(
        &self,
        ctx: &Ctx,
        models: PlanModels<SiteSettings>,
        resp: &mut PlanResponse,
    ) {
        let PlanModels { prior, planned, .. } = models;
        let turning_on =
            planned.http2_enabled.get() == Some(true) && prior.http2_enabled.get() != Some(true);
        // Certificates planned here give the site SSL before HTTP/2 is switched on.
        let certificates_coming = planned.lets_encrypt_hostnames.is_unknown()
            || hostnames(&planned).is_some_and(|h| !h.is_empty());
        let (Some(domain), Some(site)) = (planned.domain_name.as_str(), planned.site_name.as_str())
        else {
            return;
        };
        if !turning_on || certificates_coming {
            return;
        }
        let Ok(client) = client(ctx) else {
            return;
        };
        // A read only; a site that does not exist yet (a subsite made in the same apply) is
        // left to apply.
        if let Ok(detail) = client.get_linux_hosting(domain, ctx.stopping()).await {
            if detail.site(site).is_some_and(|s| !s.ssl_enabled) {
                resp.diagnostics.push(
                    Diagnostic::error(
                        "HTTP/2 needs SSL",
                        format!(
                            "Combell enables HTTP/2 only on a site with SSL, and the site \"{site}\" \
                             has none. Add its host names to lets_encrypt_hostnames (or give it \
                             a certificate) first."
                        ),
                    )
                    .at(AttributePath::new("http2_enabled")),
                );
            }
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        current: &SiteSettings,
        cancel: &CancellationToken,
    ) -> Result<Option<SiteSettings>, Error> {
        let (Some(domain), Some(site)) = (current.domain_name.as_str(), current.site_name.as_str())
        else {
            return Ok(None);
        };
        let detail = client.get_linux_hosting(domain, cancel).await?;
        Ok(state_from(&detail, site, current))
    }

    async fn apply(
        &self,
        client: &Client,
        prior: Option<&SiteSettings>,
        planned: &SiteSettings,
        summary: &str,
        cancel: &CancellationToken,
    ) -> ApplyResult {
        let (Some(domain), Some(site)) = (planned.domain_name.as_str(), planned.site_name.as_str())
        else {
            return not_known(summary, "domain_name and site_name must be known.");
        };
        let mut diags = Diagnostics::default();
        if let Some(prior) = prior {
            // The state is the plan unless the certificates changed (Combell decides
            // ssl_enabled from them).
            match put_changes(client, domain, site, prior, planned, cancel).await {
                Ok(false) if planned.encode().is_wholly_known() => {
                    return apply_with(planned.encode(), diags)
                }
                Ok(_) => {}
                Err(err) => diags.push(api_error(summary, &err)),
            }
            return read_back(client, domain, site, Some(prior), planned, summary, diags).await;
        }
        let before = match hosting(client, domain, summary, cancel).await {
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
        // A create: the site as it was fills what the plan leaves to Combell, unless
        // certificates were asked for (they give the site SSL).
        match put_changes(
            client,
            domain,
            site,
            &SiteSettings::default(),
            planned,
            cancel,
        )
        .await
        {
            Ok(false) => {
                if let Some(state) = state_from(&before, site, planned) {
                    let state = SiteSettings {
                        https_redirect_enabled: known_or(
                            &planned.https_redirect_enabled,
                            &state.https_redirect_enabled,
                        ),
                        http2_enabled: known_or(&planned.http2_enabled, &state.http2_enabled),
                        ..state
                    };
                    return apply_with(state.encode(), diags);
                }
            }
            Ok(true) => {}
            Err(err) => diags.push(api_error(summary, &err)),
        }
        read_back(client, domain, site, None, planned, summary, diags).await
    }

    fn forgotten(&self, prior: &SiteSettings) -> Diagnostics {
        forgotten(
            TYPE_NAME,
            &format!(
                "The site \"{}\" keeps its Let's Encrypt certificates, HTTPS redirect and HTTP/2 \
                 setting: nothing at Combell was changed.",
                prior.site_name.as_str().unwrap_or_default()
            ),
        )
    }

    fn imported(&self, parts: &[String]) -> SiteSettings {
        SiteSettings {
            id: format!("{}/{}", parts[0], parts[1])
                .to_ascii_lowercase()
                .into(),
            domain_name: parts[0].to_ascii_lowercase().into(),
            site_name: parts[1].to_ascii_lowercase().into(),
            ..Default::default()
        }
    }
}

/// The planned value where it is known, else `current`.
fn known_or(planned: &Field<bool>, current: &Field<bool>) -> Field<bool> {
    if planned.known().is_some() {
        planned.clone()
    } else {
        current.clone()
    }
}

/// The state after the writes, as Combell reports the site. After a failure the certificates
/// recorded are those of the prior state: some of the planned ones may not exist; when the
/// read fails too, the prior state is kept.
async fn read_back(
    client: &Client,
    domain: &str,
    site: &str,
    prior: Option<&SiteSettings>,
    planned: &SiteSettings,
    summary: &str,
    mut diags: Diagnostics,
) -> ApplyResult {
    let base = match prior {
        Some(prior) if diags.has_errors() => prior,
        _ => planned,
    };
    match client
        .get_linux_hosting(domain, &CancellationToken::new())
        .await
    {
        Ok(detail) => ApplyResult {
            state: state_from(&detail, site, base).map(|s| s.encode()),
            diagnostics: diags,
            ..Default::default()
        },
        Err(err) => {
            diags.push(api_error(summary, &err));
            ApplyResult {
                state: prior.map(SiteSettings::encode),
                diagnostics: diags,
                ..Default::default()
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

fn hostnames(settings: &SiteSettings) -> Option<BTreeSet<String>> {
    settings
        .lets_encrypt_hostnames
        .known()
        .map(|list| list.iter().cloned().collect())
}

async fn put_changes(
    client: &Client,
    domain: &str,
    site: &str,
    prior: &SiteSettings,
    planned: &SiteSettings,
    cancel: &CancellationToken,
) -> Result<bool, Error> {
    let mut certificates = false;
    let http2 = changed(&planned.http2_enabled, &prior.http2_enabled).copied();
    if http2 == Some(false) {
        client.set_linux_http2(domain, site, false, cancel).await?;
    }
    if let Some(wanted) = hostnames(planned) {
        let had = hostnames(prior).unwrap_or_default();
        for name in wanted.difference(&had) {
            certificates = true;
            client
                .set_linux_lets_encrypt(domain, name, true, cancel)
                .await?;
        }
        for name in had.difference(&wanted) {
            certificates = true;
            client
                .set_linux_lets_encrypt(domain, name, false, cancel)
                .await?;
        }
    }
    if let Some(&on) = changed(
        &planned.https_redirect_enabled,
        &prior.https_redirect_enabled,
    ) {
        client
            .set_linux_auto_redirect(domain, site, on, cancel)
            .await?;
    }
    if http2 == Some(true) {
        client.set_linux_http2(domain, site, true, cancel).await?;
    }
    Ok(certificates)
}

/// The one mapping from the API; `None` when the hosting has no such site.
fn state_from(
    detail: &LinuxHostingDetail,
    site_name: &str,
    base: &SiteSettings,
) -> Option<SiteSettings> {
    let site = detail.site(site_name)?;
    let domain = detail.domain_name.to_ascii_lowercase();
    let name = site.name.to_ascii_lowercase();
    let mut state = SiteSettings {
        id: format!("{domain}/{name}").into(),
        domain_name: domain.into(),
        site_name: name.into(),
        https_redirect_enabled: site.https_redirect_enabled.into(),
        http2_enabled: site.http2_enabled.into(),
        ssl_enabled: site.ssl_enabled.into(),
        path: site.path.clone().into(),
        ..base.known_part()
    };
    // Certificates are not reported per host name; a site without SSL has none.
    if !site.ssl_enabled && hostnames(&state).is_some_and(|h| !h.is_empty()) {
        state.lets_encrypt_hostnames = Field::Known(Vec::new());
    }
    Some(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::LinuxSite;
    use tfplugin::Resource;

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
        let base = SiteSettings {
            lets_encrypt_hostnames: vec!["example.com".to_string()].into(),
            http2_enabled: Field::Unknown,
            ..Default::default()
        };
        let state = state_from(&detail(true), "Example.com", &base).unwrap();
        assert_eq!(state.id.as_str(), Some("example.com/example.com"));
        assert_eq!(state.lets_encrypt_hostnames.items().len(), 1);
        assert_eq!(state.http2_enabled.get(), Some(false));
        assert!(state.encode().is_wholly_known());
        let lost = state_from(&detail(false), "example.com", &base).unwrap();
        assert!(lost.lets_encrypt_hostnames.items().is_empty());
        assert!(state_from(&detail(true), "other.example.com", &base).is_none());
    }

    #[test]
    fn import_ids_name_hosting_and_site() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ok =
            rt.block_on(RESOURCE.import(&Ctx::for_tests(None), "Example.com/blog.example.com"));
        let state = SiteSettings::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.site_name.as_str(), Some("blog.example.com"));
        assert_eq!(state.domain_name.as_str(), Some("example.com"));
        let bad = rt.block_on(RESOURCE.import(&Ctx::for_tests(None), "example.com"));
        assert!(bad.diagnostics.has_errors());
    }
}
