//! `combell_mail_zone`: everything `GET /v2/mailzones/{domain}` says about a domain's mail
//! zone: its mail zone accounts (where mailboxes go), aliases, catch-all addresses, extra SMTP
//! domains and anti-spam scanning. The resources `combell_mail_alias`,
//! `combell_mail_catch_all`, `combell_mail_smtp_domain` and `combell_mail_antispam` manage
//! those parts one by one.

use async_trait::async_trait;

use crate::core::data::{known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::mail::zone_shared::{domain_in, lower_all, no_zone, read_zone};
use combell_api::MailZone;
use tfplugin::{Attribute, Diagnostics, Nesting, Schema, Type};

pub struct MailZoneDataSource;

const TYPE_NAME: &str = "combell_mail_zone";

#[async_trait]
impl Reader for MailZoneDataSource {
    type Model = MailZoneState;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /mailzones/{domainName}"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The domain name; present because Terraform expects an id."),
            Attribute::string("domain_name").required().description(
                "The domain whose mail zone is read, such as `example.com`, in lower case.",
            ),
            Attribute::bool("enabled")
                .computed()
                .description("Whether the mail zone is enabled."),
            Attribute::nested(
                "available_accounts",
                Nesting::List,
                vec![
                    Attribute::number("account_id").computed().description(
                        "Id of the mail zone account: the `account_id` of a `combell_mailbox`.",
                    ),
                    Attribute::number("size")
                        .computed()
                        .description("Mailbox size of the account, in MB."),
                ],
            )
            .computed()
            .description("The mail zone accounts mailboxes can be created in."),
            Attribute::nested(
                "aliases",
                Nesting::List,
                vec![
                    Attribute::string("email_address")
                        .computed()
                        .description("The alias address, such as `sales@example.com`."),
                    Attribute::new("destinations", Type::list(Type::String))
                        .computed()
                        .description("Where the alias forwards its mail, sorted."),
                ],
            )
            .computed()
            .description("The zone's aliases, sorted by address."),
            Attribute::new("catch_all_addresses", Type::list(Type::String))
                .computed()
                .description(
                    "The addresses that receive mail sent to addresses of the zone without a \
                     mailbox or alias, sorted; empty when there is no catch-all.",
                ),
            Attribute::nested(
                "smtp_domains",
                Nesting::List,
                vec![
                    Attribute::string("hostname")
                        .computed()
                        .description("The extra domain, such as `example.be`."),
                    Attribute::bool("enabled")
                        .computed()
                        .description("Whether mail for it is accepted."),
                ],
            )
            .computed()
            .description("The zone's extra SMTP domains, sorted by host name."),
            Attribute::string("anti_spam_type")
                .computed()
                .description("The anti-spam scanning: `none`, `basic` or `advanced`."),
            Attribute::new("anti_spam_allowed_types", Type::list(Type::String))
                .computed()
                .description("The anti-spam types the zone's servicepack allows."),
        ])
        .description(
            "Reads the mail zone of a domain whose mail Combell hosts: its mail zone accounts, \
             aliases, catch-all addresses, extra SMTP domains and anti-spam scanning.",
        )
    }

    fn validate(&self, config: &MailZoneState, diags: &mut Diagnostics) {
        domain_in(&config.domain_name, "domain_name", diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: MailZoneState,
        cancel: &CancellationToken,
    ) -> Result<MailZoneState, Failure> {
        let domain = known(&config.domain_name, "domain_name")?;
        // Shared with the refresh of the zone's parts in the same run (one GET for all).
        match read_zone(client, domain, cancel).await? {
            Some(zone) => Ok(state_from(domain, &zone)),
            None => Err(Failure::said_at("domain_name", no_zone(domain))),
        }
    }
}

tfplugin::model! {
    struct Account {
        account_id: i64,
        size: i64,
    }
}

tfplugin::model! {
    struct Alias {
        email_address: String,
        destinations: Vec<String>,
    }
}

tfplugin::model! {
    struct Smtp {
        hostname: String,
        enabled: bool,
    }
}

tfplugin::model! {
    /// The state of `data.combell_mail_zone`.
    pub(crate) struct MailZoneState {
        id: String,
        domain_name: String,
        enabled: bool,
        available_accounts: Vec<Account>,
        aliases: Vec<Alias>,
        catch_all_addresses: Vec<String>,
        smtp_domains: Vec<Smtp>,
        anti_spam_type: String,
        anti_spam_allowed_types: Vec<String>,
    }
}

fn sorted_lower(items: &[String]) -> Vec<String> {
    let mut items = lower_all(items);
    items.sort();
    items
}

/// Sorted throughout, so that `[0]` keeps meaning the same thing between reads.
fn state_from(domain: &str, zone: &MailZone) -> MailZoneState {
    let accounts = zone
        .available_accounts
        .iter()
        .map(|a| Account {
            account_id: a.account_id.into(),
            size: a.size.into(),
        })
        .collect::<Vec<_>>();
    let mut aliases: Vec<_> = zone.aliases.iter().collect();
    aliases.sort_by_key(|a| a.email_address.to_ascii_lowercase());
    let aliases = aliases
        .into_iter()
        .map(|a| Alias {
            email_address: a.email_address.to_ascii_lowercase().into(),
            destinations: sorted_lower(&a.destinations).into(),
        })
        .collect::<Vec<_>>();
    let mut smtp: Vec<_> = zone.smtp_domains.iter().collect();
    smtp.sort_by_key(|d| d.hostname.to_ascii_lowercase());
    let smtp = smtp
        .into_iter()
        .map(|d| Smtp {
            hostname: d.hostname.trim_end_matches('.').to_ascii_lowercase().into(),
            enabled: d.enabled.into(),
        })
        .collect::<Vec<_>>();
    MailZoneState {
        id: domain.to_string().into(),
        domain_name: domain.to_string().into(),
        enabled: zone.enabled.into(),
        available_accounts: accounts.into(),
        aliases: aliases.into(),
        catch_all_addresses: sorted_lower(&zone.catch_all.email_addresses).into(),
        smtp_domains: smtp.into(),
        anti_spam_type: zone.anti_spam.spam_type.to_ascii_lowercase().into(),
        anti_spam_allowed_types: lower_all(&zone.anti_spam.allowed_types).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::{AntiSpam, CatchAll, MailAlias, MailZoneAccount, SmtpDomain};
    use tfplugin::Model;

    #[test]
    fn maps_every_part_sorted() {
        let zone = MailZone {
            name: "example.com".into(),
            enabled: true,
            available_accounts: vec![MailZoneAccount {
                account_id: 1001,
                size: 5120,
            }],
            aliases: vec![
                MailAlias {
                    email_address: "sales@example.com".into(),
                    destinations: vec!["b@x.be".into(), "A@x.be".into()],
                },
                MailAlias {
                    email_address: "Info2@example.com".into(),
                    destinations: vec![],
                },
            ],
            catch_all: CatchAll {
                email_addresses: vec!["z@example.com".into(), "a@example.com".into()],
            },
            anti_spam: AntiSpam {
                spam_type: "basic".into(),
                allowed_types: vec!["none".into(), "basic".into()],
            },
            smtp_domains: vec![SmtpDomain {
                hostname: "Example.BE.".into(),
                enabled: false,
            }],
        };
        let state = state_from("example.com", &zone);
        assert!(state.encode().is_wholly_known());
        let aliases = state.aliases.items();
        assert_eq!(aliases[0].email_address.as_str(), Some("info2@example.com"));
        assert_eq!(aliases[1].destinations.items(), ["a@x.be", "b@x.be"]);
        assert_eq!(
            state.catch_all_addresses.items()[0].as_str(),
            "a@example.com"
        );
        assert_eq!(
            state.smtp_domains.items()[0].hostname.as_str(),
            Some("example.be")
        );
        assert_eq!(
            state.available_accounts.items()[0].account_id.get(),
            Some(1001)
        );
        assert_eq!(state.anti_spam_type.as_str(), Some("basic"));
    }
}
