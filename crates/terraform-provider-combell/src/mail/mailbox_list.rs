//! List resource `combell_mailbox`: the mailboxes of one domain (`GET /mailboxes`, by domain
//! only). The listing gives addresses and sizes; each full object is read with
//! `GET /mailboxes/{mailboxName}` when Terraform asks for it.

use crate::core::flow::or_return;
use crate::core::rules::{self, HostRules};
use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::mail::mailbox::MailboxResource;
use tfplugin::{
    decode, Attribute, AttributePath, Ctx, Diagnostics, ListRequest, ListResource, ListSink,
    Schema, Value,
};

use crate::core::list::send_imported;

const TYPE_NAME: &str = "combell_mailbox";

pub struct MailboxList;

tfplugin::model! {
    /// The configuration of the `combell_mailbox` list.
    struct ListConfig {
        domain_name: String,
    }
}

fn schema() -> Schema {
    Schema::new(vec![Attribute::string("domain_name")
        .required()
        .description(
            "The domain whose mailboxes are listed, such as `example.com`. Combell's API lists \
         mailboxes by domain only.",
        )])
    .description("Lists the mailboxes of a domain whose mail Combell hosts, for `terraform query`.")
}

#[async_trait]
impl ListResource for MailboxList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /mailboxes", "GET /mailboxes/{mailboxName}"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(ListConfig, config);
        let mut diags = Diagnostics::default();
        if config
            .domain_name
            .as_str()
            .is_some_and(|d| d.trim().is_empty())
        {
            diags.error_at(
                AttributePath::new("domain_name"),
                "Empty domain name",
                "Set domain_name to the domain whose mailboxes to list, such as \"example.com\".",
            );
        }
        if let Some(domain) = config.domain_name.as_str().filter(|d| !d.trim().is_empty()) {
            if let Err(detail) = rules::host_name(domain.trim(), HostRules::FULL_NAME) {
                diags.error_at(
                    AttributePath::new("domain_name"),
                    "Invalid domain name",
                    detail,
                );
            }
        }
        diags
    }

    async fn list(&self, ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics {
        let summary = format!("Unable to list {TYPE_NAME}");
        let config = decode!(ListConfig, &req.config);
        let client = or_return!(client(ctx));
        let domain = config
            .domain_name
            .as_str()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let mut mailboxes = match client.list_mailboxes(&domain, ctx.stopping()).await {
            Ok(m) => m,
            Err(err) => return api_error(summary, &err).into(),
        };
        // Only the domain's own, in a stable order.
        let suffix = format!("@{domain}");
        mailboxes.retain(|m| m.name.to_ascii_lowercase().ends_with(&suffix));
        mailboxes.sort_by(|a, b| a.name.cmp(&b.name));
        let objects = mailboxes.into_iter().map(|m| {
            let address = m.name.to_ascii_lowercase();
            (address.clone(), address)
        });
        match send_imported(&MailboxResource, ctx, out, objects).await {
            Ok(()) => Diagnostics::default(),
            Err(d) => d.into(),
        }
    }
}
