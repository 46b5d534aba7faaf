//! `combell_domains`: every domain of the reseller account (`GET /domains`, all pages).

use async_trait::async_trait;

use crate::core::{api_error, client};
use tfplugin::{
    model, Attribute, Ctx, DataSource, Field, Model, Nesting, ReadResult, Schema, Value,
};

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
impl DataSource for DomainsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /domains"]
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        Domains::attribute_names()
    }

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

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_domains(ctx.stopping()).await {
            Ok(domains) => ReadResult::ok(
                Domains {
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
                }
                .encode(),
            ),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}
