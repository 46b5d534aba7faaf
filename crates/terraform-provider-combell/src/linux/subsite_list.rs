//! List resource `combell_linux_subsite`: the sites of each Linux hosting besides its main
//! site, the one named after the hosting (the `sites` of `GET /linuxhostings/{domain}`).

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{
    linux_hosting_domains, unless_missing, Filter, Filters, FindResult, Found, Lister,
};
use crate::linux::subsite;

pub struct LinuxSubsiteList;

#[async_trait]
impl Lister for LinuxSubsiteList {
    fn resource(&self) -> &'static dyn Resource {
        &subsite::RESOURCE
    }
    fn description(&self) -> &'static str {
        "Lists the subsites of the Linux hostings (every site but the main one, which is named \
         after the hosting), for `terraform query`."
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
                let name = site.name.to_ascii_lowercase();
                if name == domain {
                    continue;
                }
                let shown = format!("{name} in {} on {domain}", site.path);
                if !found.send(format!("{domain}/{name}"), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
