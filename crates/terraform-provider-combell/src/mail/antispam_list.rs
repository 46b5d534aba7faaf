//! List resource `combell_mail_antispam`: the anti-spam setting of each mail zone
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::antispam;
use crate::mail::zone_shared::per_mail_zone;

pub struct MailAntispamList;

#[async_trait]
impl Lister for MailAntispamList {
    const DESCRIPTION: &'static str =
        "Lists the anti-spam settings of the mail zones Combell hosts (one per zone), for \
         `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("mail zone")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /accounts", "GET /mailzones/{domainName}"];
    fn resource(&self) -> &'static dyn Resource {
        &antispam::RESOURCE
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        per_mail_zone(client, filters, found, |domain, zone| {
            let shown = format!("{domain} anti-spam {}", zone.anti_spam.spam_type);
            vec![(domain.to_string(), shown)]
        })
        .await
    }
}
