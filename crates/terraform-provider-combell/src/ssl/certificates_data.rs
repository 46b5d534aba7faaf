//! `combell_ssl_certificates`: every SSL certificate of the reseller account (all pages).

use async_trait::async_trait;

use crate::core::{api_error, client};
use tfplugin::{Attribute, Ctx, DataSource, Nesting, ReadResult, Schema, Value};

pub struct SslCertificatesDataSource;

const TYPE_NAME: &str = "combell_ssl_certificates";

#[async_trait]
impl DataSource for SslCertificatesDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /sslcertificates"]
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `sslcertificates`; present because Terraform expects an id."),
            Attribute::nested(
                "certificates",
                Nesting::List,
                vec![
                    Attribute::string("sha1_fingerprint")
                        .computed()
                        .description("The certificate's SHA-1 fingerprint, its id at Combell."),
                    Attribute::string("common_name")
                        .computed()
                        .description("The certificate's common name."),
                    Attribute::string("expires_after")
                        .computed()
                        .description("When the certificate expires (ISO 8601)."),
                    Attribute::string("type")
                        .computed()
                        .description("`standard`, `multi_domain` or `wildcard`."),
                    Attribute::string("validation_level")
                        .computed()
                        .description(
                            "`domain_validated`, `organization_validated` or `extended_validated`.",
                        ),
                ],
            )
            .computed()
            .description("The certificates, in the order Combell lists them."),
        ])
        .description("Lists the SSL certificates of the Combell reseller account.")
    }

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_ssl_certificates(ctx.stopping()).await {
            Ok(list) => ReadResult::ok(Value::object([
                ("id", "sslcertificates".into()),
                (
                    "certificates",
                    Value::List(
                        list.into_iter()
                            .map(|c| {
                                Value::object([
                                    ("sha1_fingerprint", c.sha1_fingerprint.into()),
                                    ("common_name", c.common_name.into()),
                                    ("expires_after", c.expires_after.into()),
                                    ("type", c.kind.into()),
                                    ("validation_level", c.validation_level.into()),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}
