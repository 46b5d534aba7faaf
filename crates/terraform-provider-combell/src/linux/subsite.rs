//! `combell_linux_subsite`: an extra website on a Linux hosting, answering to its own host
//! name and served from its own folder. Import ID: `<hosting domain>/<subsite name>`, e.g.
//! `example.com/blog.example.com`.
//!
//! The API creates a subsite (201) and deletes it, but has no read of one: it is read from the
//! `sites` of `GET /linuxhostings/{domain}`. Nothing can change in place. The folder must
//! already exist on the hosting (Combell does not create it); left out, it is
//! `/subsites/<name>`.
//!
//! Created, read and deleted through the core's one path (`core::managed`): created once, a
//! lost answer looked up by natural key, the subsite's name among the hosting's sites. Read
//! back once after the create: Combell decides `ssl_enabled`, and the folder when none is set.

use async_trait::async_trait;

use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::managed::{Managed, Typed};
use crate::core::rules::host_name_in;
use combell_api::{self as api, CancellationToken, Client, LinuxHostingDetail};
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Field, Schema};

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

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<LinuxSubsiteResource> = Typed::new(LinuxSubsiteResource);

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
impl Managed for LinuxSubsiteResource {
    type Model = Subsite;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "linux_subsite";
    const ID_PARTS: &'static [IdPart] = &[
        LINUX_HOSTING,
        (
            "name",
            "The subsite's host name, in lower case, such as `blog.example.com`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/blog.example.com";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /linuxhostings/{domainName}/subsites",
        "GET /linuxhostings/{domainName}",
        "DELETE /linuxhostings/{domainName}/subsites/{siteName}",
    ];

    fn schema(&self) -> Schema {
        schema()
    }

    /// `/subsites/<name>` is the folder a configuration without `path` gets: left out.
    fn trim_generated_config(&self, _state: &Subsite, config: &mut Subsite) {
        let usual = config.name.as_str().map(|name| format!("/subsites/{name}"));
        if usual.is_some() && config.path.as_str() == usual.as_deref() {
            config.path = Field::Null;
        }
    }

    fn validate(&self, config: &Subsite, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
        host_name_in(&config.name, "name", "subsite name", diags);
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
    }

    fn what(&self, planned: &Subsite) -> String {
        format!(
            "subsite \"{}\" of the Linux hosting \"{}\"",
            planned.name.as_str().unwrap_or_default(),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Subsite,
        _config: &Subsite,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let name = planned.name.as_str().unwrap_or_default();
        let path = planned.path.as_str().unwrap_or_default();
        client
            .create_linux_subsite(domain, name, path, cancel)
            .await
    }

    /// Combell decides `ssl_enabled` (and the folder when none is configured): the subsite
    /// is read back once after its create.
    fn created(&self, planned: &Subsite, answer: &str) -> Subsite {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        Subsite {
            id: format!("{}/{answer}", domain.to_ascii_lowercase()).into(),
            ..planned.clone()
        }
    }

    /// By name among the sites of `GET /linuxhostings/{domain}`.
    async fn fetch(
        &self,
        client: &Client,
        key: &Subsite,
        cancel: &CancellationToken,
    ) -> Result<Option<Subsite>, api::Error> {
        let (Some(domain), Some(name)) = (key.domain_name.as_str(), key.name.as_str()) else {
            return Ok(None);
        };
        let detail = client.get_linux_hosting(domain, cancel).await?;
        Ok(state_from(&detail, name, key))
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Subsite,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let name = prior.name.as_str().unwrap_or_default();
        client.delete_linux_subsite(domain, name, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn imported(&self, parts: &[String]) -> Subsite {
        Subsite {
            domain_name: parts[0].to_ascii_lowercase().into(),
            name: parts[1].to_ascii_lowercase().into(),
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
    use tfplugin::{Model, Resource, Value};

    #[test]
    fn generated_configuration_leaves_out_the_usual_folder() {
        for (path, kept) in [
            ("/subsites/shop.example.com", None),
            ("/www/shop", Some("/www/shop")),
        ] {
            let state = Value::object([
                ("id", "example.com/shop.example.com".into()),
                ("domain_name", "example.com".into()),
                ("name", "shop.example.com".into()),
                ("path", path.into()),
                ("ssl_enabled", false.into()),
            ]);
            let mut generated = tfplugin::generated_config(&schema(), &state);
            RESOURCE.trim_generated_config(&state, &mut generated);
            assert_eq!(generated.get_str("path"), kept);
            assert!(generated.get("id").is_some_and(Value::is_null));
        }
    }

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
