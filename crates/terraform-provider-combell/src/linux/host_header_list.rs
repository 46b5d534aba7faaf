//! List resource `combell_linux_host_header`: the extra host names of the sites of each Linux
//! hosting (`sites[].host_headers` of `GET /linuxhostings/{domain}`). A site's own name, which
//! it answers to without a host header of its own, is left out.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{per_linux_hosting, Filter, Filters, FindResult, Found, Lister};
use crate::linux::host_header;

pub struct LinuxHostHeaderList;

#[async_trait]
impl Lister for LinuxHostHeaderList {
    const DESCRIPTION: &'static str =
        "Lists the host headers (extra host names) of the sites of the Linux hostings, for \
         `terraform query`. A site's own name is not listed.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /linuxhostings", "GET /linuxhostings/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &host_header::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_linux_hosting(client, filters, found, |domain, hosting| {
            let mut objects = Vec::new();
            for site in &hosting.sites {
                let site_name = site.name.to_ascii_lowercase();
                for header in &site.host_headers {
                    let name = header.name.to_ascii_lowercase();
                    if name != site_name {
                        let shown = format!("{name} → site {site_name} of {domain}");
                        objects.push((format!("{domain}/{site_name}/{name}"), shown));
                    }
                }
            }
            objects
        })
        .await
    }
}
