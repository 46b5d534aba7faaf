//! List resource `combell_linux_subsite`: the sites of each Linux hosting besides its main
//! site, the one named after the hosting (the `sites` of `GET /linuxhostings/{domain}`).

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{per_linux_hosting, Filter, Filters, FindResult, Found, Lister};
use crate::linux::subsite;

pub struct LinuxSubsiteList;

#[async_trait]
impl Lister for LinuxSubsiteList {
    const DESCRIPTION: &'static str =
        "Lists the subsites of the Linux hostings (every site but the main one, which is named \
         after the hosting), for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /linuxhostings", "GET /linuxhostings/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &subsite::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_linux_hosting(client, filters, found, |domain, hosting| {
            let subsites = hosting.sites.iter().filter_map(|site| {
                let name = site.name.to_ascii_lowercase();
                let shown = format!("{name} in {} on {domain}", site.path);
                (name != domain).then(|| (format!("{domain}/{name}"), shown))
            });
            subsites.collect()
        })
        .await
    }
}
