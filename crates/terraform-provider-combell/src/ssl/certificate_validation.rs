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

use crate::core::managed::Managed;
use crate::core::timeouts::{Op, Timeouts};
use crate::ssl::parse_request_id as parse_id;
use combell_api::{CancellationToken, Client, Error, SslCertificateDetail, SslRequestState};
use tfplugin::{
    model, Attribute, AttributePath, Diagnostic, Diagnostics, Field, Model, Schema, Type, Value,
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

#[async_trait]
impl Managed for SslCertificateValidationResource {
    type Model = Validation;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [crate::core::ids::IdPart] =
        &[("request_id", "The SSL certificate request's id.")];
    const ID_EXAMPLE: &'static str = "3001";
    // A validation names no object of its own: the certificate is the request's.
    const HAS_IDENTITY: bool = false;
    const API_OPERATIONS: &'static [&'static str] = &[
        "PUT /sslcertificaterequests/{id}",
        "GET /sslcertificaterequests/{id}",
        "GET /sslcertificates/{sha1Fingerprint}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["request_id", "validation_record_ids"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(timeouts())
    }

    fn validate(&self, config: &Validation, diags: &mut Diagnostics) {
        if let Some(id) = config.request_id.as_str() {
            if parse_id(id).is_none() {
                diags.error_at(
                    AttributePath::new("request_id"),
                    "Invalid request id",
                    format!("\"{id}\" is not an SSL certificate request id (a positive number)."),
                );
            }
        }
    }

    fn what(&self, planned: &Validation) -> String {
        format!(
            "the certificate of SSL certificate request {}",
            planned.request_id.as_str().unwrap_or_default()
        )
    }

    /// The verify and the wait for the certificate: nothing is created, so there is nothing
    /// to look up after a lost answer; every failure is final and says why
    /// ([`Managed::refused`]).
    async fn send_create(
        &self,
        client: &Client,
        planned: &Validation,
        _config: &Validation,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        let Some(id) = planned.request_id.as_str().and_then(parse_id) else {
            return Err(Error::Invalid("request_id is not known.".into()));
        };
        let limit = timeouts().get(&planned.encode(), Op::Create);
        issue(client, id, limit, cancel)
            .await
            .map_err(Error::Invalid)
    }

    fn refused(&self, _planned: &Validation, err: &Error) -> Option<String> {
        own_words(err)
    }

    /// The issued certificate's fingerprint; the rest is read back.
    fn created(&self, planned: &Validation, fingerprint: &str) -> Validation {
        let id = planned.request_id.as_str().and_then(parse_id);
        Validation {
            id: id.map_or(Field::Null, |id| id.to_string().into()),
            sha1_fingerprint: fingerprint.to_string().into(),
            ..planned.clone()
        }
    }

    /// The certificate, found by its fingerprint; just imported, the request names it.
    async fn fetch(
        &self,
        client: &Client,
        key: &Validation,
        cancel: &CancellationToken,
    ) -> Result<Option<Validation>, Error> {
        let fingerprint = match key.sha1_fingerprint.as_str() {
            Some(f) => f.to_string(),
            None => {
                let Some(id) = key.request_id.as_str().and_then(parse_id) else {
                    return Ok(None);
                };
                match client.get_ssl_certificate_request(id, cancel).await? {
                    SslRequestState::Issued(f) => f,
                    SslRequestState::Pending(_) => {
                        return Err(Error::Invalid(format!(
                            "SSL certificate request {id} has no certificate yet: only an \
                             issued request can be imported as {TYPE_NAME}."
                        )))
                    }
                    SslRequestState::Gone => return Ok(None),
                }
            }
        };
        match client.get_ssl_certificate(&fingerprint, cancel).await {
            Ok(certificate) => Ok(Some(state_from(&certificate, key.clone()))),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn unreadable(&self, _state: &Validation, err: &Error) -> Option<String> {
        own_words(err)
    }

    fn forgotten(&self, prior: &Validation) -> Option<Diagnostics> {
        let name = prior.common_name.as_str().unwrap_or("the certificate");
        Some(
            Diagnostic::warning(
                format!("The certificate for {name} stays at Combell"),
                "Destroying combell_ssl_certificate_validation only removes it from the \
                 Terraform state: Combell's API cannot revoke or delete a certificate, which \
                 stays in the reseller account until it expires.",
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        _client: &Client,
        _prior: &Validation,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, Error> {
        Ok(Diagnostics::default())
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        crate::ssl::request_import_id(id)
    }

    fn imported(&self, parts: &[String]) -> Validation {
        let id = parts.first().cloned().unwrap_or_default();
        Validation {
            id: id.clone().into(),
            request_id: id.into(),
            ..Default::default()
        }
    }

    fn names_object(&self, state: &Validation) -> bool {
        state.sha1_fingerprint.as_str().is_some()
            || state.request_id.as_str().and_then(parse_id).is_some()
    }
}

/// The words of a failure this type explains itself (kept in [`Error::Invalid`]).
fn own_words(err: &Error) -> Option<String> {
    match err {
        Error::Invalid(detail) => Some(detail.clone()),
        _ => None,
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
