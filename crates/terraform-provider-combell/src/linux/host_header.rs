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
//! Through the core's one path (`core::managed`): created once, a lost answer looked up by
//! natural key, the host name among the site's host headers. Read back once after the
//! create: Combell decides `enabled`.

use async_trait::async_trait;

use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::managed::{Managed, Typed};
use crate::core::rules::host_name_in;
use crate::linux::common::{forgotten, hosting};
use combell_api::{self as api, CancellationToken, Client, LinuxHostingDetail};
use tfplugin::{model, Attribute, AttributePath, Diagnostic, Diagnostics, Schema};

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

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<LinuxHostHeaderResource> = Typed::new(LinuxHostHeaderResource);

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
impl Managed for LinuxHostHeaderResource {
    type Model = HostHeader;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "linux_host_header";
    const ID_PARTS: &'static [IdPart] = &[
        LINUX_HOSTING,
        (
            "site_name",
            "The site's name, in lower case: the hosting's domain name for its main site.",
        ),
        (
            "name",
            "The extra host name, in lower case, such as `www.example.com`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/example.com/www.example.com";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /linuxhostings/{domainName}/sites/{siteName}/hostheaders",
        "GET /linuxhostings/{domainName}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name", "site_name", "name"];
    const LOWER_CASE_IDENTITY: bool = true;

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &HostHeader, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
        host_name_in(&config.site_name, "site_name", "site name", diags);
        host_name_in(&config.name, "name", "host name", diags);
    }

    fn what(&self, planned: &HostHeader) -> String {
        format!(
            "host header \"{}\" of the site \"{}\"",
            planned.name.as_str().unwrap_or_default(),
            planned.site_name.as_str().unwrap_or_default()
        )
    }

    /// The site must exist; a host header it has already (one a destroy left behind, since
    /// Combell cannot delete them) is taken over.
    async fn before_create(
        &self,
        client: &Client,
        planned: &HostHeader,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<HostHeader>, Diagnostic> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let site = planned.site_name.as_str().unwrap_or_default();
        let name = planned.name.as_str().unwrap_or_default();
        let before = hosting(client, domain, summary, cancel).await?;
        if before.site(site).is_none() {
            return Err(Diagnostic::error(
                summary,
                format!("The Linux hosting \"{domain}\" has no site \"{site}\"."),
            )
            .at(AttributePath::new("site_name")));
        }
        Ok(state_from(&before, site, name))
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &HostHeader,
        _config: &HostHeader,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let site = planned.site_name.as_str().unwrap_or_default();
        let name = planned.name.as_str().unwrap_or_default();
        client
            .add_linux_host_header(domain, site, name, cancel)
            .await?;
        Ok(String::new())
    }

    /// Combell decides `enabled`: the host header is read back once after its create.
    fn created(&self, planned: &HostHeader, _answer: &str) -> HostHeader {
        let part =
            |f: &tfplugin::Field<String>| f.as_str().unwrap_or_default().to_ascii_lowercase();
        HostHeader {
            id: format!(
                "{}/{}/{}",
                part(&planned.domain_name),
                part(&planned.site_name),
                part(&planned.name)
            )
            .into(),
            ..planned.clone()
        }
    }

    /// By name among the site's host headers (`GET /linuxhostings/{domain}`).
    async fn fetch(
        &self,
        client: &Client,
        key: &HostHeader,
        cancel: &CancellationToken,
    ) -> Result<Option<HostHeader>, api::Error> {
        let (Some(domain), Some(site), Some(name)) = (
            key.domain_name.as_str(),
            key.site_name.as_str(),
            key.name.as_str(),
        ) else {
            return Ok(None);
        };
        let detail = client.get_linux_hosting(domain, cancel).await?;
        Ok(state_from(&detail, site, name))
    }

    /// Combell's API cannot delete a host header: the resource leaves the state with a warning.
    async fn send_delete(
        &self,
        _client: &Client,
        prior: &HostHeader,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        Ok(forgotten(
            TYPE_NAME,
            &format!(
                "Combell's API cannot delete host headers: \"{}\" still points at the site \
                 \"{}\". Remove it in the Combell control panel if it should go.",
                prior.name.as_str().unwrap_or_default(),
                prior.site_name.as_str().unwrap_or_default()
            ),
        ))
    }

    fn imported(&self, parts: &[String]) -> HostHeader {
        HostHeader {
            domain_name: parts[0].to_ascii_lowercase().into(),
            site_name: parts[1].to_ascii_lowercase().into(),
            name: parts[2].to_ascii_lowercase().into(),
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
