//! List resource `combell_mail_catch_all`: the catch-all addresses of the mail zones
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::catch_all;
use crate::mail::zone_shared::per_mail_zone;

pub struct MailCatchAllList;

#[async_trait]
impl Lister for MailCatchAllList {
    const DESCRIPTION: &'static str =
        "Lists the catch-all addresses of the mail zones Combell hosts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("mail zone")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /accounts", "GET /mailzones/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &catch_all::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_mail_zone(client, filters, found, |domain, zone| {
            let objects = zone.catch_all.email_addresses.iter().map(|address| {
                let address = address.to_ascii_lowercase();
                let shown = format!("catch-all of {domain} → {address}");
                (format!("{domain}/{address}"), shown)
            });
            objects.collect()
        })
        .await
    }
}
