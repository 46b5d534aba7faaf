//! `combell_mailboxes`: the mailboxes of one domain (`GET /v2/mailboxes?domain_name=`). The
//! list gives each mailbox's address and sizes; `combell_mailbox` manages one (import it by its
//! address to see its auto-reply and auto-forward).

use async_trait::async_trait;

use crate::core::data::{known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::mail::zone_shared::domain_in;
use combell_api::Mailbox;
use tfplugin::{Attribute, Diagnostics, Nesting, Schema};

pub struct MailboxesDataSource;

const TYPE_NAME: &str = "combell_mailboxes";

#[async_trait]
impl Reader for MailboxesDataSource {
    type Model = MailboxesState;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /mailboxes"];

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

    fn validate(&self, config: &MailboxesState, diags: &mut Diagnostics) {
        domain_in(&config.domain_name, "domain_name", diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: MailboxesState,
        cancel: &CancellationToken,
    ) -> Result<MailboxesState, Failure> {
        let domain = known(&config.domain_name, "domain_name")?;
        let mailboxes = client.list_mailboxes(domain, cancel).await?;
        Ok(state_from(domain, &mailboxes))
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
    pub(crate) struct MailboxesState {
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
    use tfplugin::Model;

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
