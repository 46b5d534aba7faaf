//! List resource `combell_mail_smtp_domain`: the extra SMTP domains of the mail zones
//! (`GET /mailzones/{domain}`), of one domain or of every account's.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mail::smtp_domain::MailSmtpDomainResource;
use crate::mail::zone_shared::mail_zones;

pub struct MailSmtpDomainList;

#[async_trait]
impl Lister for MailSmtpDomainList {
    fn resource(&self) -> &'static dyn Resource {
        &MailSmtpDomainResource
    }
    fn description(&self) -> &'static str {
        "Lists the extra SMTP domains of the mail zones Combell hosts, for `terraform query`."
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
            for smtp in &zone.smtp_domains {
                let hostname = smtp.hostname.to_ascii_lowercase();
                let shown = format!("{hostname} (SMTP domain of {domain})");
                if !found.send(format!("{domain}/{hostname}"), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
