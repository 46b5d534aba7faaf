//! `combell_mail_catch_all`: one address that receives the mail a zone gets for addresses that
//! are neither a mailbox nor an alias. Import ID: `<domain>/<catch-all address>`, e.g.
//! `example.com/info@example.com`; identity: the two, in lower case.
//!
//! A zone's catch-all is a list (`MailZone.catch_all.email_addresses`), so each address is its
//! own resource and several can coexist: a create adds the address to the list, a destroy
//! removes it. There is no GET of one: it is read from `GET /mailzones/{domain}`. Nothing can
//! change in place (the API has only create and delete), so any change replaces it.
//!
//! Through the core's one path (`core::managed`). Natural key: the address among the zone's
//! catch-all addresses; after a lost answer the zone is read again (fresh). Before the create
//! the zone is read: a domain without one, or an address it has already, is refused. No read
//! back after the create (one request per write): the zone lists the address and nothing else
//! about it, so the plan is the state.

use async_trait::async_trait;

use crate::core::ids::{IdPart, MAIL_ZONE};
use crate::core::managed::{Managed, Typed};
use crate::core::rules;
use crate::mail::zone_shared::{
    domain_in, read_zone, read_zone_fresh, refuse_taken, split_import_id,
};
use combell_api::{self as api, CancellationToken, Client, MailZone};
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Schema};

const TYPE_NAME: &str = "combell_mail_catch_all";

/// The parts of `combell_mail_catch_all` the core calls.
#[derive(Clone, Copy)]
pub struct MailCatchAll;

/// The Terraform resource, as the core runs it.
pub(crate) static RESOURCE: Typed<MailCatchAll> = Typed::new(MailCatchAll);

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(
            "`<domain_name>/<email_address>`, such as `example.com/info@example.com`.",
        ),
        Attribute::string("domain_name").required().description(
            "The mail zone whose unclaimed mail is caught: a domain whose mail Combell hosts, \
             such as `example.com`, in lower case. Changing it replaces the resource.",
        ),
        Attribute::string("email_address").required().description(
            "The address that receives mail sent to addresses of the zone that are neither a \
             mailbox nor an alias, such as `info@example.com`, in lower case (any domain). \
             Changing it replaces the resource.",
        ),
    ])
    .description(
        "A catch-all address of a mail zone: it receives the mail sent to addresses of the \
         domain that have no mailbox or alias. A zone may have several; each is one resource. \
         Destroying the resource removes the address from the zone's catch-all.",
    )
}

// ---- The parts the core calls -------------------------------------------------------------

#[async_trait]
impl Managed for MailCatchAll {
    type Model = CatchAll;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "mail_catch_all";
    const ID_PARTS: &'static [IdPart] = &[
        MAIL_ZONE,
        (
            "email_address",
            "The catch-all address, in lower case, such as `info@example.com`.",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/info@example.com";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /mailzones/{domainName}",
        "POST /mailzones/{domainName}/catchall",
        "DELETE /mailzones/{domainName}/catchall/{emailAddress}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name", "email_address"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &CatchAll, diags: &mut Diagnostics) {
        domain_in(&config.domain_name, "domain_name", diags);
        if let Some(address) = config.email_address.as_str() {
            if let Err(detail) = rules::email_address(address) {
                diags.error_at(
                    AttributePath::new("email_address"),
                    "Invalid catch-all address",
                    detail,
                );
            }
        }
    }

    fn what(&self, planned: &CatchAll) -> String {
        format!(
            "catch-all address \"{}\" of \"{}\"",
            planned.email_address.as_str().unwrap_or_default(),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    /// The zone must exist, and an address it has already is not taken over (its destroy
    /// would belong to this configuration): the error says how to import it.
    async fn before_create(
        &self,
        client: &Client,
        planned: &CatchAll,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<CatchAll>, Diagnostic> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        refuse_taken(client, (domain, address), summary, cancel, |zone| {
            zone.has_catch_all(address).then(|| {
                format!("\"{address}\" already receives the catch-all mail of \"{domain}\".")
            })
        })
        .await
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &CatchAll,
        _config: &CatchAll,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        client
            .create_mail_catch_all(domain, address, cancel)
            .await?;
        Ok(String::new())
    }

    fn created(&self, planned: &CatchAll, _answer: &str) -> CatchAll {
        state_from(
            planned.domain_name.as_str().unwrap_or_default(),
            planned.email_address.as_str().unwrap_or_default(),
        )
    }

    /// Among the zone's catch-all addresses (the zone as read in the last few seconds).
    async fn fetch(
        &self,
        client: &Client,
        key: &CatchAll,
        cancel: &CancellationToken,
    ) -> Result<Option<CatchAll>, api::Error> {
        let (Some(domain), Some(address)) = (key.domain_name.as_str(), key.email_address.as_str())
        else {
            return Ok(None);
        };
        let zone = read_zone(client, domain, cancel).await?;
        Ok(found(zone, domain, address))
    }

    /// After a lost answer the zone is read fresh: the shared answer may predate the create.
    async fn find_created(
        &self,
        client: &Client,
        planned: &CatchAll,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<CatchAll>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let address = planned.email_address.as_str().unwrap_or_default();
        let zone = read_zone_fresh(client, domain, cancel).await?;
        Ok(found(zone, domain, address))
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &CatchAll,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let address = prior.email_address.as_str().unwrap_or_default();
        client
            .delete_mail_catch_all(domain, address, cancel)
            .await?;
        Ok(Diagnostics::default())
    }

    fn imported(&self, parts: &[String]) -> CatchAll {
        state_from(&parts[0], &parts[1])
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).map(|(domain, address)| format!("{domain}/{address}"))
    }
}

fn found(zone: Option<MailZone>, domain: &str, address: &str) -> Option<CatchAll> {
    zone.filter(|zone| zone.has_catch_all(address))
        .map(|_| state_from(domain, address))
}

tfplugin::model! {
    /// The state, plan and configuration of `combell_mail_catch_all`.
    pub struct CatchAll {
        id: String,
        domain_name: String,
        email_address: String,
    }
}

/// The one mapping to state: the zone lists the address and nothing else about it.
fn state_from(domain: &str, address: &str) -> CatchAll {
    let domain = domain.to_ascii_lowercase();
    let address = address.to_ascii_lowercase();
    CatchAll {
        id: format!("{domain}/{address}").into(),
        domain_name: domain.into(),
        email_address: address.into(),
    }
}

fn parse_import_id(id: &str) -> Result<(String, String), String> {
    let usage = "Expected <domain>/<catch-all address>, such as \"example.com/info@example.com\".";
    let (domain, address) = split_import_id(id).ok_or_else(|| usage.to_string())?;
    rules::domain_name(&domain).map_err(|e| format!("{usage} {e}"))?;
    rules::email_address(&address).map_err(|e| format!("{usage} {e}"))?;
    Ok((domain, address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Ctx, Model, Resource};

    #[test]
    fn mapping_and_import_ids() {
        let state = state_from("Example.com", "Info@Example.com");
        assert_eq!(state.id.as_str(), Some("example.com/info@example.com"));
        assert_eq!(state.email_address.as_str(), Some("info@example.com"));
        assert_eq!(
            parse_import_id("example.com/catch@example.org").unwrap(),
            ("example.com".to_string(), "catch@example.org".to_string())
        );
        for bad in [
            "catch@example.org",
            "example.com/",
            "bad domain/a@b.be",
            "x.be/nope",
        ] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validation_names_the_attributes() {
        let cfg = CatchAll {
            domain_name: "Not A Domain".to_string().into(),
            email_address: "nobody".to_string().into(),
            ..Default::default()
        }
        .encode();
        let diags = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(RESOURCE.validate(&Ctx::for_tests(None), &cfg));
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                AttributePath::new("domain_name"),
                AttributePath::new("email_address")
            ]
        );
    }
}
