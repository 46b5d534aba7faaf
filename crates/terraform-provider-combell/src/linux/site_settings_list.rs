//! List resource `combell_linux_site_settings`: one per site of each Linux hosting (the
//! `sites` of `GET /linuxhostings/{domain}`), of one hosting or of all.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{per_linux_hosting, Filter, Filters, FindResult, Found, Lister};
use crate::linux::site_settings;

pub struct LinuxSiteSettingsList;

#[async_trait]
impl Lister for LinuxSiteSettingsList {
    const DESCRIPTION: &'static str =
        "Lists the SSL settings of the sites of the Linux hostings (one per site, subsites \
         included), for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /linuxhostings", "GET /linuxhostings/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &site_settings::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_linux_hosting(client, filters, found, |domain, hosting| {
            let objects = hosting.sites.iter().map(|site| {
                let site = site.name.to_ascii_lowercase();
                let shown = format!("{site} (site of {domain})");
                (format!("{domain}/{site}"), shown)
            });
            objects.collect()
        })
        .await
    }
}
