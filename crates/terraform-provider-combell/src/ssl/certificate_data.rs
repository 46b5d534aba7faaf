//! `combell_ssl_certificate`: one SSL certificate of the reseller account, by its SHA-1
//! fingerprint. The key material is not here: the PFX download is an ephemeral resource.

use async_trait::async_trait;

use crate::core::data::{found, known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use combell_api::SslCertificateDetail;
use tfplugin::{model, Attribute, Schema, Type};

model! {
    /// The configuration and state of `combell_ssl_certificate`.
    pub struct SslCertificate {
        id: String,
        sha1_fingerprint: String,
        common_name: String,
        expires_after: String,
        r#type: String,
        validation_level: String,
        subject_alt_names: Vec<String>,
    }
}

pub struct SslCertificateDataSource;

const TYPE_NAME: &str = "combell_ssl_certificate";

#[async_trait]
impl Reader for SslCertificateDataSource {
    type Model = SslCertificate;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /sslcertificates/{sha1Fingerprint}"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The SHA-1 fingerprint, as Combell writes it."),
            Attribute::string("sha1_fingerprint")
                .required()
                .description(
                    "The certificate's SHA-1 fingerprint, such as the `sha1_fingerprint` of a \
                 `combell_ssl_certificate_validation`.",
                ),
            Attribute::string("common_name")
                .computed()
                .description("The certificate's common name, such as `example.com`."),
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
            Attribute::new("subject_alt_names", Type::list(Type::String))
                .computed()
                .description("Every DNS name the certificate is valid for."),
        ])
        .description(
            "Reads one SSL certificate of the Combell reseller account by its SHA-1 fingerprint.",
        )
    }

    async fn read(
        &self,
        client: &Client,
        config: SslCertificate,
        cancel: &CancellationToken,
    ) -> Result<SslCertificate, Failure> {
        let fingerprint = known(&config.sha1_fingerprint, "sha1_fingerprint")?;
        let certificate = found(
            client.get_ssl_certificate(fingerprint, cancel).await,
            || {
                Failure::said_at(
                    "sha1_fingerprint",
                    format!(
                        "Combell has no SSL certificate with SHA-1 fingerprint {fingerprint}; \
                     data.combell_ssl_certificates lists them."
                    ),
                )
            },
        )?;
        Ok(state_from(&certificate, fingerprint))
    }
}

/// Keeps the fingerprint as configured (Combell compares it without case or colons).
fn state_from(c: &SslCertificateDetail, configured: &str) -> SslCertificate {
    SslCertificate {
        id: c.sha1_fingerprint.clone().into(),
        sha1_fingerprint: configured.to_string().into(),
        common_name: c.common_name.clone().into(),
        expires_after: c.expires_after.clone().into(),
        r#type: c.kind.clone().into(),
        validation_level: c.validation_level.clone().into(),
        subject_alt_names: c
            .subject_alt_names
            .iter()
            .map(|s| s.value.clone())
            .collect::<Vec<_>>()
            .into(),
    }
}
