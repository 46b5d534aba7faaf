//! `combell_ssl_certificate`: one SSL certificate of the reseller account, by its SHA-1
//! fingerprint. The key material is not here: the PFX download is an ephemeral resource.

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::SslCertificateDetail;
use tfplugin::{
    decode, model, Attribute, AttributePath, Ctx, DataSource, Diagnostic, Model, ReadResult,
    Schema, Type, Value,
};

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
impl DataSource for SslCertificateDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /sslcertificates/{sha1Fingerprint}"]
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        SslCertificate::attribute_names()
    }

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

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let config = decode!(SslCertificate, config);
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        let Some(fingerprint) = config.sha1_fingerprint.as_str() else {
            return ReadResult::error(Diagnostic::error(summary, "sha1_fingerprint is not known."));
        };
        match client
            .get_ssl_certificate(fingerprint, ctx.stopping())
            .await
        {
            Ok(certificate) => ReadResult::ok(state_from(&certificate, fingerprint).encode()),
            Err(err) if err.is_not_found() => ReadResult::error(
                Diagnostic::error(
                    summary,
                    format!(
                        "Combell has no SSL certificate with SHA-1 fingerprint {fingerprint}; \
                         data.combell_ssl_certificates lists them."
                    ),
                )
                .at(AttributePath::new("sha1_fingerprint")),
            ),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
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
