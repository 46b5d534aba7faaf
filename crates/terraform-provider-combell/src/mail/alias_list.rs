//! List resource `combell_mail_alias`: the aliases of the mail zones (`GET /mailzones/{domain}`
//! lists them), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::alias::MailAliasResource;
use crate::mail::zone_shared::mail_zones;

pub struct MailAliasList;

#[async_trait]
impl Lister for MailAliasList {
    fn resource(&self) -> &'static dyn Resource {
        &MailAliasResource
    }
    fn description(&self) -> &'static str {
        "Lists the aliases of the mail zones Combell hosts, for `terraform query`."
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
            for alias in &zone.aliases {
                let address = alias.email_address.to_ascii_lowercase();
                let shown = format!("{address} → {}", alias.destinations.join(", "));
                if !found.send(format!("{domain}/{address}"), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
