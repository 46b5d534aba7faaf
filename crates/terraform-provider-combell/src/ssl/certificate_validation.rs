//! `combell_ssl_certificate_validation`: asks Combell to verify an SSL certificate request's
//! validations (`PUT /sslcertificaterequests/{id}`, once) and waits until the request turns into
//! a certificate (303) within `timeouts.create`. It orders nothing and creates nothing at
//! Combell; it exists so that the verify happens after the validation records are published
//! (make it depend on them). Import ID: the request id, once the certificate is issued.
//!
//! Read follows the certificate: when it is no longer listed, this leaves the state. Destroy only
//! forgets, with a warning: the certificate stays.
//!
//! Requests: a create is the verify (one PUT), the polls of the request until it is issued, and
//! one read of the certificate, which stays because Combell decides its fingerprint, common
//! name and expiry. An update (the timeouts only) sends and reads nothing.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::or_return;
use crate::core::timeouts::{Op, Timeouts};
use crate::core::{api_error, client};
use crate::ssl::parse_request_id as parse_id;
use combell_api::{CancellationToken, Client, Error, SslCertificateDetail, SslRequestState};
use tfplugin::{
    decode, model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field,
    ImportResult, Model, ReadResult, Resource, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_ssl_certificate_validation";

model! {
    /// The state, plan and configuration of `combell_ssl_certificate_validation`; the
    /// `timeouts` block stays a value for the shared timeouts helper.
    pub struct Validation {
        id: String,
        request_id: String,
        validation_record_ids: Vec<String>,
        sha1_fingerprint: String,
        common_name: String,
        expires_after: String,
        timeouts: Value,
    }
}
const LOG: &str = "ssl_certificate_validation";

const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(45 * 60);

fn timeouts() -> Timeouts {
    Timeouts::new(&[(Op::Create, DEFAULT_CREATE_TIMEOUT)])
}

pub struct SslCertificateValidationResource;

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The request id: the import ID."),
        Attribute::string("request_id").required().description(
            "The `id` of the `combell_ssl_certificate_request` to verify. Changing it verifies \
             another request.",
        ),
        Attribute::new("validation_record_ids", Type::list(Type::String))
            .optional()
            .description(
                "Ids of the `combell_dns_record`s that publish the validations. Not sent to \
                 Combell: referencing them makes Terraform create the records before asking for \
                 verification (`depends_on` does the same). Changing it verifies again.",
            ),
        Attribute::string("sha1_fingerprint")
            .computed()
            .description("The issued certificate's SHA-1 fingerprint."),
        Attribute::string("common_name")
            .computed()
            .description("The issued certificate's common name."),
        Attribute::string("expires_after")
            .computed()
            .description("When the issued certificate expires (ISO 8601)."),
    ])
    .block(timeouts().block())
    .description(
        "Asks Combell to verify the domain validations of a `combell_ssl_certificate_request` \
         and waits until the certificate is issued (up to `timeouts.create`). Make it depend on \
         the `combell_dns_record`s that publish the validation CNAMEs. It orders nothing; \
         destroying it only removes it from the Terraform state (the certificate stays).",
    )
}

const REPLACE_ON_CHANGE: [&str; 2] = ["request_id", "validation_record_ids"];

#[async_trait]
impl Resource for SslCertificateValidationResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "PUT /sslcertificaterequests/{id}",
            "GET /sslcertificaterequests/{id}",
            "GET /sslcertificates/{sha1Fingerprint}",
        ]
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        Validation::attribute_names()
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if let Some(id) = decode!(Validation, config).request_id.as_str() {
            if parse_id(id).is_none() {
                diags.error_at(
                    AttributePath::new("request_id"),
                    "Invalid request id",
                    format!("\"{id}\" is not an SSL certificate request id (a positive number)."),
                );
            }
        }
        timeouts().validate(config, &mut diags);
        diags
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let limit = timeouts().get(planned, Op::Create);
        let mut state = decode!(Validation, planned);
        let client = or_return!(client(ctx));
        let Some(id) = state.request_id.as_str().and_then(parse_id) else {
            return ApplyResult::error(Diagnostic::error(summary, "request_id is not known."));
        };
        let fingerprint = match issue(&client, id, limit, ctx.stopping()).await {
            Ok(fingerprint) => fingerprint,
            Err(detail) => return ApplyResult::error(Diagnostic::error(summary, detail)),
        };
        state.id.set(id.to_string());
        match client
            .get_ssl_certificate(&fingerprint, &CancellationToken::new())
            .await
        {
            Ok(certificate) => ApplyResult::ok(state_from(&certificate, state).encode()),
            Err(err) => {
                let state = Validation {
                    sha1_fingerprint: fingerprint.into(),
                    common_name: Field::Null,
                    expires_after: Field::Null,
                    ..state
                };
                ApplyResult {
                    state: Some(state.encode()),
                    diagnostics: api_error(format!("Unable to read {TYPE_NAME} back"), &err).into(),
                    ..Default::default()
                }
            }
        }
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(Validation, state);
        let client = or_return!(client(ctx));
        let fingerprint = match current.sha1_fingerprint.as_str() {
            Some(f) => f.to_string(),
            // Just imported: the request names its certificate.
            None => {
                let Some(id) = current.request_id.as_str().and_then(parse_id) else {
                    return ReadResult::gone();
                };
                match client.get_ssl_certificate_request(id, ctx.stopping()).await {
                    Ok(SslRequestState::Issued(f)) => f,
                    Ok(SslRequestState::Pending(_)) => {
                        return ReadResult::error(Diagnostic::error(
                            summary,
                            format!(
                                "SSL certificate request {id} has no certificate yet: only an \
                                 issued request can be imported as {TYPE_NAME}."
                            ),
                        ))
                    }
                    Ok(SslRequestState::Gone) => return ReadResult::gone(),
                    Err(err) if err.is_not_found() => return ReadResult::gone(),
                    Err(err) => return ReadResult::error(api_error(summary, &err)),
                }
            }
        };
        match client
            .get_ssl_certificate(&fingerprint, ctx.stopping())
            .await
        {
            Ok(certificate) => ReadResult::ok(state_from(&certificate, current).encode()),
            Err(err) if err.is_not_found() => {
                hclog::info(
                    LOG,
                    "certificate no longer listed; removing the validation from the state",
                    &[("sha1_fingerprint", json!(fingerprint))],
                );
                ReadResult::gone()
            }
            Err(err) => ReadResult {
                state: Some(state.clone()),
                diagnostics: api_error(summary, &err).into(),
                ..Default::default()
            },
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        // Only the timeouts change in place.
        ApplyResult::ok(planned.clone())
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Validation, prior);
        let name = prior.common_name.as_str().unwrap_or("the certificate");
        Diagnostic::warning(
            format!("The certificate for {name} stays at Combell"),
            "Destroying combell_ssl_certificate_validation only removes it from the Terraform \
             state: Combell's API cannot revoke or delete a certificate, which stays in the \
             reseller account until it expires.",
        )
        .into()
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        crate::ssl::import_by_request_id(TYPE_NAME, id, |n| Validation {
            id: n.to_string().into(),
            request_id: n.to_string().into(),
            ..Default::default()
        })
    }
}

/// Verify once, then poll the request until it names its certificate; the error says why not.
async fn issue(
    client: &Client,
    id: i64,
    limit: Duration,
    cancel: &CancellationToken,
) -> Result<String, String> {
    let started = Instant::now();
    let explain = |err: Error| format!("SSL certificate request {id}: {err}");
    let gone = format!(
        "SSL certificate request {id} no longer exists at Combell and no certificate came of it \
         (it lapsed or was cancelled). A new request is needed."
    );
    match client
        .verify_ssl_certificate_request(id, cancel)
        .await
        .map_err(explain)?
    {
        SslRequestState::Issued(fingerprint) => return Ok(fingerprint),
        SslRequestState::Gone => return Err(gone),
        SslRequestState::Pending(_) => {}
    }
    hclog::info(
        LOG,
        "verification requested; waiting for the certificate",
        &[("request_id", json!(id))],
    );
    let mut delay = Duration::from_millis(500);
    loop {
        if started.elapsed() + delay > limit {
            return Err(format!(
                "SSL certificate request {id} was not issued within {limit:?} after asking \
                 Combell to verify it. Check that every validation CNAME is published \
                 (validations of the combell_ssl_certificate_request) and apply again; raise \
                 timeouts.create if Combell is slow."
            ));
        }
        tokio::select! {
            _ = cancel.cancelled() => {
                return Err(format!("Stopped while waiting for SSL certificate request {id} to be issued; apply again to go on waiting."));
            }
            _ = tokio::time::sleep(delay) => {}
        }
        match client
            .get_ssl_certificate_request(id, cancel)
            .await
            .map_err(explain)?
        {
            SslRequestState::Issued(fingerprint) => return Ok(fingerprint),
            SslRequestState::Gone => return Err(gone),
            SslRequestState::Pending(_) => {}
        }
        hclog::info(
            LOG,
            "waiting for the certificate",
            &[
                ("request_id", json!(id)),
                ("waited_s", json!(started.elapsed().as_secs())),
            ],
        );
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}

/// The one mapping API → state.
fn state_from(certificate: &SslCertificateDetail, prior: Validation) -> Validation {
    Validation {
        sha1_fingerprint: certificate.sha1_fingerprint.clone().into(),
        common_name: certificate.common_name.clone().into(),
        expires_after: certificate.expires_after.clone().into(),
        ..prior
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_positive_numbers() {
        assert_eq!(parse_id(" 3001 "), Some(3001));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("abc"), None);
    }

    #[test]
    fn mapping() {
        let certificate = SslCertificateDetail {
            sha1_fingerprint: "AB".into(),
            common_name: "example.com".into(),
            expires_after: "2031-11-27T15:12:45Z".into(),
            ..SslCertificateDetail::default()
        };
        let prior = Validation {
            request_id: "3001".to_string().into(),
            id: "3001".to_string().into(),
            ..Default::default()
        };
        let state = state_from(&certificate, prior);
        assert_eq!(state.sha1_fingerprint.as_str(), Some("AB"));
        assert_eq!(state.request_id.as_str(), Some("3001"));
    }
}
