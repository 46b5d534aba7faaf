//! `combell_ssl_certificate_requests`: the pending SSL certificate requests of the reseller
//! account (all pages). Complete and lapsed requests are no longer listed by Combell.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use tfplugin::{model, Attribute, Nesting, Schema};

model! {
    /// The state of `combell_ssl_certificate_requests`.
    pub struct SslCertificateRequests {
        id: String,
        requests: Vec<Request>,
    }
}

model! {
    /// One request of [`SslCertificateRequests`].
    pub struct Request {
        id: String,
        common_name: String,
        certificate_type: String,
        validation_level: String,
        order_code: String,
        vendor: String,
    }
}

pub struct SslCertificateRequestsDataSource;

const TYPE_NAME: &str = "combell_ssl_certificate_requests";

#[async_trait]
impl Reader for SslCertificateRequestsDataSource {
    type Model = SslCertificateRequests;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /sslcertificaterequests"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed().description(
                "Always `sslcertificaterequests`; present because Terraform expects an id.",
            ),
            Attribute::nested(
                "requests",
                Nesting::List,
                vec![
                    Attribute::string("id").computed().description(
                        "The request's numeric id: the import ID of a \
                         `combell_ssl_certificate_request`.",
                    ),
                    Attribute::string("common_name")
                        .computed()
                        .description("The requested certificate's common name."),
                    Attribute::string("certificate_type")
                        .computed()
                        .description("`standard`, `multi_domain` or `wildcard`."),
                    Attribute::string("validation_level")
                        .computed()
                        .description(
                            "`domain_validated`, `organization_validated` or `extended_validated`.",
                        ),
                    Attribute::string("order_code")
                        .computed()
                        .description("Combell's order code."),
                    Attribute::string("vendor")
                        .computed()
                        .description("The certificate authority, such as `sectigo`."),
                ],
            )
            .computed()
            .description("The pending requests, in the order Combell lists them."),
        ])
        .description(
            "Lists the pending SSL certificate requests of the Combell reseller account (issued \
             and lapsed requests are no longer listed).",
        )
    }

    async fn read(
        &self,
        client: &Client,
        _config: SslCertificateRequests,
        cancel: &CancellationToken,
    ) -> Result<SslCertificateRequests, Failure> {
        let list = client.list_ssl_certificate_requests(cancel).await?;
        Ok(SslCertificateRequests {
            id: "sslcertificaterequests".to_string().into(),
            requests: list
                .into_iter()
                .map(|r| Request {
                    id: r.id.to_string().into(),
                    common_name: r.common_name.into(),
                    certificate_type: r.certificate_type.into(),
                    validation_level: r.validation_level.into(),
                    order_code: r.order_code.into(),
                    vendor: r.vendor.into(),
                })
                .collect::<Vec<_>>()
                .into(),
        })
    }
}
