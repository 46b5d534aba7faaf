//! List resource `combell_mailbox`: the mailboxes of one domain (`GET /mailboxes`, by domain
//! only). The listing gives addresses and sizes; each full object is read with
//! `GET /mailboxes/{mailboxName}` when Terraform asks for it.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::{Attribute, Diagnostics, Resource, Value};

use crate::core::list::{check_named_domain, Filter, Filters, FindResult, Found, Lister};
use crate::mail::mailbox;

pub struct MailboxList;

#[async_trait]
impl Lister for MailboxList {
    fn resource(&self) -> &'static dyn Resource {
        &mailbox::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the mailboxes of a domain whose mail Combell hosts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /mailboxes", "GET /mailboxes/{mailboxName}"];
    fn own_filters(&self) -> Vec<Attribute> {
        vec![Attribute::string("domain_name").required().description(
            "The domain whose mailboxes are listed, such as `example.com`. Combell's API lists \
             mailboxes by domain only.",
        )]
    }
    fn check(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        check_named_domain(
            config,
            "Set domain_name to the domain whose mailboxes to list, such as \"example.com\".",
            &mut diags,
        );
        diags
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let domain = filters.domain_name.clone().unwrap_or_default();
        let mut mailboxes = client.list_mailboxes(&domain, found.stopping()).await?;
        // Only the domain's own, in a stable order.
        let suffix = format!("@{domain}");
        mailboxes.retain(|m| m.name.to_ascii_lowercase().ends_with(&suffix));
        mailboxes.sort_by(|a, b| a.name.cmp(&b.name));
        let objects = mailboxes.into_iter().map(|m| {
            let address = m.name.to_ascii_lowercase();
            (address.clone(), address)
        });
        found.send_all(objects).await?;
        Ok(())
    }
}
