//! List resource `combell_mail_smtp_domain`: the extra SMTP domains of the mail zones
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::smtp_domain;
use crate::mail::zone_shared::per_mail_zone;

pub struct MailSmtpDomainList;

#[async_trait]
impl Lister for MailSmtpDomainList {
    const DESCRIPTION: &'static str =
        "Lists the extra SMTP domains of the mail zones Combell hosts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("mail zone")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /accounts", "GET /mailzones/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &smtp_domain::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_mail_zone(client, filters, found, |domain, zone| {
            let objects = zone.smtp_domains.iter().map(|smtp| {
                let hostname = smtp.hostname.to_ascii_lowercase();
                let shown = format!("{hostname} (SMTP domain of {domain})");
                (format!("{domain}/{hostname}"), shown)
            });
            objects.collect()
        })
        .await
    }
}
