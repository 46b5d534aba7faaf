//! `combell_ssl_certificate_download`: a certificate of the account with its private key and
//! chain, as the password-protected file Combell produces
//! (`GET /sslcertificates/{sha1Fingerprint}/download`, PKCS #12 / PFX).
//!
//! An ephemeral resource and not a data source, so that the private key never enters the plan
//! or the state: Terraform opens it anew in every run that uses it, and its result can only
//! flow into other ephemeral places (provider configurations, write-only arguments, ephemeral
//! outputs and variables). Nothing is kept between runs, so there is nothing to renew or
//! close.

use async_trait::async_trait;
use base64::Engine as _;

use crate::core::{api_error, client};
use combell_api::{Secret, CERTIFICATE_FILE_FORMATS};
use tfplugin::{
    decode, model, Attribute, AttributePath, Ctx, Diagnostics, EphemeralResource, Field, Model,
    OpenResult, Schema, Value,
};

const TYPE_NAME: &str = "combell_ssl_certificate_download";

model! {
    /// The configuration and result of `combell_ssl_certificate_download`.
    pub struct Download {
        sha1_fingerprint: String,
        file_format: String,
        password: String,
        content_base64: String,
        content_type: String,
        file_name: String,
    }
}
const DEFAULT_FORMAT: &str = "pfx";

pub struct SslCertificateDownload;

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("sha1_fingerprint")
            .required()
            .description(
                "The SHA-1 fingerprint of the certificate, 40 hexadecimal digits such as \
             `823639776FEED06A181077D3C3382C9D8202AFB4` (`GET /v2/sslcertificates` lists them).",
            ),
        Attribute::string("file_format")
            .optional()
            .computed()
            .default("pfx")
            .description(
                "The file format: `pfx` (PKCS #12: the certificate, its chain and its private key \
             in one password-protected archive), the only format Combell offers. Defaults to \
             `pfx`.",
            ),
        Attribute::string("password")
            .required()
            .sensitive()
            .description(
                "The password that protects the file. Combell requires one. Use an ephemeral or \
             sensitive value (a variable marked `ephemeral = true`, or another ephemeral \
             resource) so that it stays out of the plan and state as well.",
            ),
        Attribute::string("content_base64")
            .computed()
            .sensitive()
            .description(
                "The file, base64-encoded, as Combell produced it. Use it where ephemeral values \
             are accepted: a write-only argument, a provider configuration, an ephemeral \
             output; `base64decode` does not apply to binary files, so pass it on encoded.",
            ),
        Attribute::string("content_type")
            .computed()
            .description("The media type Combell gave the file, such as `application/x-pkcs12`."),
        Attribute::string("file_name")
            .computed()
            .description("The file name Combell suggests, such as `example.com.pfx`."),
    ])
    .description(
        "Downloads an SSL certificate with its private key and chain as a password-protected \
         PFX (PKCS #12) file. **Ephemeral** (Terraform 1.10 or newer): the file is fetched \
         anew in each run and never stored in the plan or the state.",
    )
}

#[async_trait]
impl EphemeralResource for SslCertificateDownload {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /sslcertificates/{sha1Fingerprint}/download"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Download, config);
        let mut diags = Diagnostics::default();
        if let Some(fp) = config.sha1_fingerprint.as_str() {
            if let Err(detail) = check_fingerprint(fp) {
                diags.error_at(
                    AttributePath::new("sha1_fingerprint"),
                    "Invalid certificate fingerprint",
                    detail,
                );
            }
        }
        if let Some(format) = config.file_format.as_str() {
            if !CERTIFICATE_FILE_FORMATS.contains(&format.to_ascii_lowercase().as_str()) {
                diags.error_at(
                    AttributePath::new("file_format"),
                    "Unsupported file format",
                    format!(
                        "Combell offers certificates as {} only; got \"{format}\".",
                        CERTIFICATE_FILE_FORMATS.join(", ")
                    ),
                );
            }
        }
        if config.password.as_str().is_some_and(str::is_empty) {
            diags.error_at(
                AttributePath::new("password"),
                "Empty password",
                "Combell protects the file with a password and requires one.",
            );
        }
        diags
    }

    async fn open(&self, ctx: &Ctx, config: &Value) -> OpenResult {
        let summary = format!("Unable to download {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return error(d.into()),
        };
        let diags = self.validate(ctx, config).await;
        if diags.has_errors() {
            return error(diags);
        }
        let config = match Download::decode(config) {
            Ok(config) => config,
            Err(diags) => return error(diags),
        };
        let fingerprint = config.sha1_fingerprint.as_str().unwrap_or_default();
        let format = config
            .file_format
            .as_str()
            .unwrap_or(DEFAULT_FORMAT)
            .to_ascii_lowercase();
        let password = Secret::new(config.password.as_str().unwrap_or_default());
        let file = match client
            .download_certificate(fingerprint, &format, &password, ctx.stopping())
            .await
        {
            Ok(file) => file,
            Err(err) => {
                let mut d = api_error(summary, &err);
                if err.is_not_found() {
                    d.detail.push_str(&format!(
                        "\n\nNo certificate has the fingerprint {fingerprint}: \
                         GET /v2/sslcertificates lists them."
                    ));
                }
                return error(d.into());
            }
        };
        let result = Download {
            file_format: format.into(),
            content_base64: base64::engine::general_purpose::STANDARD
                .encode(&file.content)
                .into(),
            content_type: Field::from_option(file.content_type),
            file_name: Field::from_option(file.file_name),
            ..config.clone()
        };
        OpenResult {
            result: Some(result.encode()),
            diagnostics: Diagnostics::default(),
        }
    }
}

fn error(diagnostics: Diagnostics) -> OpenResult {
    OpenResult {
        result: None,
        diagnostics,
    }
}

fn check_fingerprint(fp: &str) -> Result<(), String> {
    let hex = fp.trim().replace(':', "");
    if hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!(
            "Expected the certificate's SHA-1 fingerprint: 40 hexadecimal digits, such as \
             \"823639776FEED06A181077D3C3382C9D8202AFB4\"; got \"{fp}\"."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints() {
        assert!(check_fingerprint("823639776FEED06A181077D3C3382C9D8202AFB4").is_ok());
        assert!(check_fingerprint("823639776feed06a181077d3c3382c9d8202afb4").is_ok());
        assert!(
            check_fingerprint("82:36:39:77:6F:EE:D0:6A:18:10:77:D3:C3:38:2C:9D:82:02:AF:B4")
                .is_ok()
        );
        assert!(check_fingerprint("823639776FEED06A").is_err());
        assert!(check_fingerprint("Z23639776FEED06A181077D3C3382C9D8202AFB4").is_err());
    }

    #[tokio::test]
    async fn validation_names_each_bad_attribute() {
        let config = Value::object([
            ("sha1_fingerprint", "nope".into()),
            ("file_format", "pem".into()),
            ("password", "".into()),
            ("content_base64", Value::Null),
            ("content_type", Value::Null),
            ("file_name", Value::Null),
        ]);
        let diags = SslCertificateDownload
            .validate(&Ctx::for_tests(None), &config)
            .await;
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                AttributePath::new("sha1_fingerprint"),
                AttributePath::new("file_format"),
                AttributePath::new("password")
            ]
        );
    }
}
