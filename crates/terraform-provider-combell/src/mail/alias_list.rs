//! List resource `combell_mail_alias`: the aliases of the mail zones (`GET /mailzones/{domain}`
//! lists them), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::alias;
use crate::mail::zone_shared::per_mail_zone;

pub struct MailAliasList;

#[async_trait]
impl Lister for MailAliasList {
    const DESCRIPTION: &'static str =
        "Lists the aliases of the mail zones Combell hosts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("mail zone")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /accounts", "GET /mailzones/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &alias::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_mail_zone(client, filters, found, |domain, zone| {
            let objects = zone.aliases.iter().map(|alias| {
                let address = alias.email_address.to_ascii_lowercase();
                let shown = format!("{address} → {}", alias.destinations.join(", "));
                (format!("{domain}/{address}"), shown)
            });
            objects.collect()
        })
        .await
    }
}
