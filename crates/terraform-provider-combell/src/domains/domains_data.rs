//! `combell_domains`: every domain of the reseller account (`GET /domains`, all pages).

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use tfplugin::{model, Attribute, Field, Nesting, Schema};

pub struct DomainsDataSource;

model! {
    /// One domain of `combell_domains`.
    pub struct DomainItem {
        domain_name: String,
        expiration_date: String,
        will_renew: bool,
    }
}

model! {
    /// The state of `combell_domains`.
    pub struct Domains {
        id: String,
        domains: Vec<DomainItem>,
    }
}

const TYPE_NAME: &str = "combell_domains";

#[async_trait]
impl Reader for DomainsDataSource {
    type Model = Domains;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /domains"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `domains`; present because Terraform expects an id."),
            Attribute::nested(
                "domains",
                Nesting::List,
                vec![
                    Attribute::string("domain_name")
                        .computed()
                        .description("The domain name, such as `example.com`."),
                    Attribute::string("expiration_date")
                        .computed()
                        .description("When the registration expires (ISO 8601)."),
                    Attribute::bool("will_renew").computed().description(
                        "Whether Combell renews the domain; null when Combell cannot tell now.",
                    ),
                ],
            )
            .computed()
            .description("The domains, in the order Combell lists them."),
        ])
        .description("Lists the domains of the Combell reseller account.")
    }

    async fn read(
        &self,
        client: &Client,
        _config: Domains,
        cancel: &CancellationToken,
    ) -> Result<Domains, Failure> {
        let domains = client.list_domains(cancel).await?;
        Ok(Domains {
            id: "domains".to_string().into(),
            domains: domains
                .into_iter()
                .map(|d| DomainItem {
                    domain_name: d.domain_name.into(),
                    expiration_date: d.expiration_date.into(),
                    will_renew: Field::from_option(d.will_renew),
                })
                .collect::<Vec<_>>()
                .into(),
        })
    }
}
