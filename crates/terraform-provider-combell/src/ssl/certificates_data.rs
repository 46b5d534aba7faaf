//! `combell_ssl_certificates`: every SSL certificate of the reseller account (all pages).

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use tfplugin::{model, Attribute, Nesting, Schema};

model! {
    /// The state of `combell_ssl_certificates`.
    pub struct SslCertificates {
        id: String,
        certificates: Vec<Certificate>,
    }
}

model! {
    /// One certificate of [`SslCertificates`].
    pub struct Certificate {
        sha1_fingerprint: String,
        common_name: String,
        expires_after: String,
        r#type: String,
        validation_level: String,
    }
}

pub struct SslCertificatesDataSource;

const TYPE_NAME: &str = "combell_ssl_certificates";

#[async_trait]
impl Reader for SslCertificatesDataSource {
    type Model = SslCertificates;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /sslcertificates"];

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

    async fn read(
        &self,
        client: &Client,
        _config: SslCertificates,
        cancel: &CancellationToken,
    ) -> Result<SslCertificates, Failure> {
        let list = client.list_ssl_certificates(cancel).await?;
        Ok(SslCertificates {
            id: "sslcertificates".to_string().into(),
            certificates: list
                .into_iter()
                .map(|c| Certificate {
                    sha1_fingerprint: c.sha1_fingerprint.into(),
                    common_name: c.common_name.into(),
                    expires_after: c.expires_after.into(),
                    r#type: c.kind.into(),
                    validation_level: c.validation_level.into(),
                })
                .collect::<Vec<_>>()
                .into(),
        })
    }
}
