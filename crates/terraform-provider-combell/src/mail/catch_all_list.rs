//! List resource `combell_mail_catch_all`: the catch-all addresses of the mail zones
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::catch_all::MailCatchAllResource;
use crate::mail::zone_shared::mail_zones;

pub struct MailCatchAllList;

#[async_trait]
impl Lister for MailCatchAllList {
    fn resource(&self) -> &'static dyn Resource {
        &MailCatchAllResource
    }
    fn description(&self) -> &'static str {
        "Lists the catch-all addresses of the mail zones Combell hosts, for `terraform query`."
    }
    fn filters(&self) -> Vec<Filter> {
        vec![Filter::DomainName("mail zone")]
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /accounts", "GET /mailzones/{domainName}"]
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        for zone in mail_zones(client, filters, found.stopping()).await? {
            let domain = zone.name.to_ascii_lowercase();
            for address in &zone.catch_all.email_addresses {
                let address = address.to_ascii_lowercase();
                let shown = format!("catch-all of {domain} → {address}");
                if !found.send(format!("{domain}/{address}"), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
