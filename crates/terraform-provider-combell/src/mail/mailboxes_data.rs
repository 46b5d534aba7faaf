//! `combell_mailboxes`: the mailboxes of one domain (`GET /v2/mailboxes?domain_name=`). The
//! list gives each mailbox's address and sizes; `combell_mailbox` manages one (import it by its
//! address to see its auto-reply and auto-forward).

use async_trait::async_trait;

use crate::core::flow::or_return;
use crate::core::{api_error, client};
use crate::mail::zone_shared::domain_in;
use combell_api::Mailbox;
use tfplugin::{
    decode, Attribute, Ctx, DataSource, Diagnostics, Model, Nesting, ReadResult, Schema, Value,
};

pub struct MailboxesDataSource;

const TYPE_NAME: &str = "combell_mailboxes";

#[async_trait]
impl DataSource for MailboxesDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /mailboxes"]
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The domain name; present because Terraform expects an id."),
            Attribute::string("domain_name").required().description(
                "The domain whose mailboxes are listed, such as `example.com`, in lower case. \
                 Combell's API lists mailboxes by domain only.",
            ),
            Attribute::nested(
                "mailboxes",
                Nesting::List,
                vec![
                    Attribute::string("email_address")
                        .computed()
                        .description("The mailbox's e-mail address, such as `info@example.com`."),
                    Attribute::number("max_size")
                        .computed()
                        .description("The mailbox's quota, in MB."),
                    Attribute::number("actual_size")
                        .computed()
                        .description("Space the mailbox uses, in MB."),
                ],
            )
            .computed()
            .description("The domain's mailboxes, sorted by address."),
        ])
        .description("Lists the mailboxes of a domain whose mail Combell hosts.")
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        MailboxesState::attribute_names()
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(MailboxesState, config);
        let mut diags = Diagnostics::default();
        domain_in(&config.domain_name, "domain_name", &mut diags);
        diags
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let config = decode!(MailboxesState, config);
        let client = or_return!(client(ctx));
        let Some(domain) = config.domain_name.as_str() else {
            return ReadResult::error(tfplugin::Diagnostic::error(
                summary,
                "domain_name is not known.",
            ));
        };
        match client.list_mailboxes(domain, ctx.stopping()).await {
            Ok(mailboxes) => ReadResult::ok(state_from(domain, &mailboxes).encode()),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}

tfplugin::model! {
    struct Entry {
        email_address: String,
        max_size: i64,
        actual_size: i64,
    }
}

tfplugin::model! {
    /// The state of `data.combell_mailboxes`.
    struct MailboxesState {
        id: String,
        domain_name: String,
        mailboxes: Vec<Entry>,
    }
}

/// Only the domain's own mailboxes, sorted: a tolerant reader does not trust the filter to be
/// exact, and a stable order keeps `[0]` meaning the same mailbox.
fn state_from(domain: &str, mailboxes: &[Mailbox]) -> MailboxesState {
    let suffix = format!("@{}", domain.to_ascii_lowercase());
    let mut list: Vec<&Mailbox> = mailboxes
        .iter()
        .filter(|m| m.name.to_ascii_lowercase().ends_with(&suffix))
        .collect();
    list.sort_by_key(|m| m.name.to_ascii_lowercase());
    let list = list
        .into_iter()
        .map(|m| Entry {
            email_address: m.name.to_ascii_lowercase().into(),
            max_size: m.max_size.into(),
            actual_size: m.actual_size.into(),
        })
        .collect::<Vec<_>>();
    MailboxesState {
        id: domain.to_string().into(),
        domain_name: domain.to_string().into(),
        mailboxes: list.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(name: &str) -> Mailbox {
        Mailbox {
            name: name.into(),
            max_size: 5120,
            actual_size: 3,
        }
    }

    #[test]
    fn keeps_the_domains_mailboxes_sorted() {
        let state = state_from(
            "example.com",
            &[
                mailbox("sales@example.com"),
                mailbox("info@other.com"),
                mailbox("Info@Example.com"),
                mailbox("x@sub.example.com"),
            ],
        );
        let list = state.mailboxes.items();
        let names: Vec<_> = list
            .iter()
            .filter_map(|m| m.email_address.as_str())
            .collect();
        assert_eq!(names, ["info@example.com", "sales@example.com"]);
        assert_eq!(list[0].max_size.get(), Some(5120));
        assert_eq!(state.id.as_str(), Some("example.com"));
        assert!(state.encode().is_wholly_known());
    }

    #[test]
    fn domain_rules() {
        assert!(crate::core::rules::domain_name("example.com").is_ok());
        for bad in ["Example.com", "example", "", "a b.com", "@example.com"] {
            assert!(crate::core::rules::domain_name(bad).is_err(), "{bad}");
        }
    }
}
