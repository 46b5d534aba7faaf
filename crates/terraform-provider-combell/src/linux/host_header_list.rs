//! List resource `combell_linux_host_header`: the extra host names of the sites of each Linux
//! hosting (`sites[].host_headers` of `GET /linuxhostings/{domain}`). A site's own name, which
//! it answers to without a host header of its own, is left out.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{
    linux_hosting_domains, unless_missing, Filter, Filters, FindResult, Found, Lister,
};
use crate::linux::host_header;

pub struct LinuxHostHeaderList;

#[async_trait]
impl Lister for LinuxHostHeaderList {
    fn resource(&self) -> &'static dyn Resource {
        &host_header::RESOURCE
    }
    fn description(&self) -> &'static str {
        "Lists the host headers (extra host names) of the sites of the Linux hostings, for \
         `terraform query`. A site's own name is not listed."
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
                let site_name = site.name.to_ascii_lowercase();
                for header in &site.host_headers {
                    let name = header.name.to_ascii_lowercase();
                    if name == site_name {
                        continue;
                    }
                    let shown = format!("{name} → site {site_name} of {domain}");
                    let id = format!("{domain}/{site_name}/{name}");
                    if !found.send(id, shown).await? {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}
