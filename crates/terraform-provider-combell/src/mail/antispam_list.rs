//! List resource `combell_mail_antispam`: the anti-spam setting of each mail zone
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::antispam::MailAntispamResource;
use crate::mail::zone_shared::mail_zones;

pub struct MailAntispamList;

#[async_trait]
impl Lister for MailAntispamList {
    fn resource(&self) -> &'static dyn Resource {
        &MailAntispamResource
    }
    fn description(&self) -> &'static str {
        "Lists the anti-spam settings of the mail zones Combell hosts (one per zone), for \
         `terraform query`."
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
            let shown = format!("{domain} anti-spam {}", zone.anti_spam.spam_type);
            if !found.send(domain, shown).await? {
                return Ok(());
            }
        }
        Ok(())
    }
}
