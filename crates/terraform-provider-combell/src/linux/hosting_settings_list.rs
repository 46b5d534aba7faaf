//! List resource `combell_linux_hosting_settings`: one per Linux hosting
//! (`GET /linuxhostings`, every page), or the one of a domain.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{
    linux_hosting_domains, unless_missing, Filter, Filters, FindResult, Found, Lister,
};
use crate::linux::hosting_settings;

pub struct LinuxHostingSettingsList;

#[async_trait]
impl Lister for LinuxHostingSettingsList {
    fn resource(&self) -> &'static dyn Resource {
        &hosting_settings::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the settings of the Linux hostings (one per hosting), for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /linuxhostings", "GET /linuxhostings/{domainName}"];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        for domain in linux_hosting_domains(client, filters, found.stopping()).await? {
            // A domain named by the filter may have no hosting: then there is nothing.
            if filters.domain_name.is_some()
                && unless_missing(client.get_linux_hosting(&domain, found.stopping()).await)?
                    .is_none()
            {
                continue;
            }
            let shown = format!("{domain} (Linux hosting)");
            if !found.send(domain, shown).await? {
                break;
            }
        }
        Ok(())
    }
}
