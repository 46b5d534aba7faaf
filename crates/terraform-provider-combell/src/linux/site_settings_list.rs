//! List resource `combell_linux_site_settings`: one per site of each Linux hosting (the
//! `sites` of `GET /linuxhostings/{domain}`), of one hosting or of all.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{
    linux_hosting_domains, unless_missing, Filter, Filters, FindResult, Found, Lister,
};
use crate::linux::site_settings::LinuxSiteSettingsResource;

pub struct LinuxSiteSettingsList;

#[async_trait]
impl Lister for LinuxSiteSettingsList {
    fn resource(&self) -> &'static dyn Resource {
        &LinuxSiteSettingsResource
    }
    fn description(&self) -> &'static str {
        "Lists the SSL settings of the sites of the Linux hostings (one per site, subsites \
         included), for `terraform query`."
    }
    fn filters(&self) -> Vec<Filter> {
        vec![Filter::DomainName("Linux hosting")]
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /linuxhostings", "GET /linuxhostings/{domainName}"]
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        for domain in linux_hosting_domains(client, filters, found.stopping()).await? {
            let Some(hosting) =
                unless_missing(client.get_linux_hosting(&domain, found.stopping()).await)?
            else {
                continue;
            };
            for site in &hosting.sites {
                let site = site.name.to_ascii_lowercase();
                let shown = format!("{site} (site of {domain})");
                if !found.send(format!("{domain}/{site}"), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
