//! SSL certificate requests and certificates (API-SUMMARY.md §1.8).
//!
//! A request is created with `POST /sslcertificaterequests` (201 + `Location`; a paid
//! purchase). While it is pending, `GET /sslcertificaterequests/{id}` answers 200 with the
//! validations to publish; once complete it answers 303 with `Location` naming the certificate
//! (`/v2/sslcertificates/{sha1Fingerprint}`), and 410 when it lapsed without one. Verify
//! (`PUT`, no body) answers 202, 303 or 410 in the same way. Redirects are never followed by the
//! transport, so these answers arrive here as they are.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::{Request, Response};
use super::{api_path, null_as_default, Client, Error};

/// An entry of `GET /sslcertificaterequests`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslCertificateRequest {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub common_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificate_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub validation_level: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub order_code: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub vendor: String,
}

/// The API's `SslSubjectAltName`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectAltName {
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
}

/// The API's `SslCertificateRequestValidation`: how to prove control of one name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslValidation {
    #[serde(default, deserialize_with = "null_as_default")]
    pub dns_name: String,
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub auto_validated: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cname_validation_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cname_validation_content: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub file_validation_url_http: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub file_validation_url_https: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub file_validation_content: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<String>,
}

/// `GET /sslcertificaterequests/{id}` while the request is pending.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslCertificateRequestDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub common_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificate_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub validation_level: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub order_code: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub vendor: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub subject_alt_names: Vec<SubjectAltName>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub validations: Vec<SslValidation>,
}

/// What a request is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SslRequestState {
    /// Pending, with its detail (verify's 202 carries none).
    Pending(Option<Box<SslCertificateRequestDetail>>),
    /// Complete: the certificate's SHA-1 fingerprint.
    Issued(String),
    /// 410: it no longer exists and no certificate came of it.
    Gone,
}

/// `POST /sslcertificaterequests`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CreateSslCertificateRequest {
    pub certificate_type: String,
    pub validation_level: String,
    pub csr: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_validation_attributes: Vec<AdditionalValidationAttribute>,
}

/// The API's `AdditionalValidationAttribute` (`Firstname`, `VatCountryCode`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AdditionalValidationAttribute {
    pub name: String,
    pub value: String,
}

/// An entry of `GET /sslcertificates`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslCertificate {
    #[serde(default, deserialize_with = "null_as_default")]
    pub sha1_fingerprint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub common_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub expires_after: String,
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub validation_level: String,
}

/// `GET /sslcertificates/{sha1Fingerprint}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslCertificateDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub sha1_fingerprint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub common_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub expires_after: String,
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub validation_level: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub subject_alt_names: Vec<SubjectAltName>,
}

fn request_path(id: i64) -> Result<String, Error> {
    if id <= 0 {
        return Err(Error::Invalid(format!(
            "{id} is not an SSL certificate request id (a positive number)"
        )));
    }
    api_path(&["sslcertificaterequests", &id.to_string()])
}

fn fingerprint_request(fingerprint: &str) -> Result<Request, Error> {
    let fingerprint = fingerprint.trim();
    if fingerprint.is_empty() {
        return Err(Error::Invalid("the SHA-1 fingerprint is empty".into()));
    }
    Ok(
        Request::new(Method::GET, api_path(&["sslcertificates", fingerprint])?)
            .query("sha1_fingerprint", fingerprint),
    )
}

/// 303 → the fingerprint, the last segment of `Location`.
fn issued(response: &Response) -> Result<SslRequestState, Error> {
    let location = response.location()?;
    if location.id.is_empty() {
        return Err(response.unexpected("the 303 names no certificate"));
    }
    Ok(SslRequestState::Issued(location.id))
}

impl Client {
    /// Sends a call on a certificate request and reads what the request is now: issued (303),
    /// gone (410), or pending, with the detail `pending` takes from any other answer.
    async fn request_state(
        &self,
        request: Request,
        cancel: &CancellationToken,
        pending: impl FnOnce(&Response) -> Result<Option<Box<SslCertificateRequestDetail>>, Error>,
    ) -> Result<SslRequestState, Error> {
        match self.send(&request, cancel).await {
            Ok(response) if response.status == 303 => issued(&response),
            Ok(response) => Ok(SslRequestState::Pending(pending(&response)?)),
            Err(err) if err.status() == Some(410) => Ok(SslRequestState::Gone),
            Err(err) => Err(err),
        }
    }

    /// `GET /sslcertificaterequests`, every page: the pending requests.
    pub async fn list_ssl_certificate_requests(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<SslCertificateRequest>, Error> {
        self.get_every_page("sslcertificaterequests", cancel).await
    }

    /// `POST /sslcertificaterequests`: a paid purchase. Returns the new request's id.
    pub async fn create_ssl_certificate_request(
        &self,
        request: &CreateSslCertificateRequest,
        cancel: &CancellationToken,
    ) -> Result<i64, Error> {
        let http =
            Request::new(Method::POST, api_path(&["sslcertificaterequests"])?).json(request)?;
        let response = self.send(&http, cancel).await?;
        let location = response.location()?;
        location.id.parse::<i64>().map_err(|_| {
            response.unexpected(&format!(
                "the Location {} does not end in a request id",
                location.path
            ))
        })
    }

    /// `GET /sslcertificaterequests/{id}`: pending (200), issued (303) or gone (410). An id
    /// Combell never knew gives `is_not_found()`.
    pub async fn get_ssl_certificate_request(
        &self,
        id: i64,
        cancel: &CancellationToken,
    ) -> Result<SslRequestState, Error> {
        let request = Request::new(Method::GET, request_path(id)?);
        self.request_state(request, cancel, |response| {
            Ok(Some(Box::new(response.json()?)))
        })
        .await
    }

    /// `PUT /sslcertificaterequests/{id}` (no body): asks Combell to check the validations.
    /// Once is enough; verification may take a while.
    pub async fn verify_ssl_certificate_request(
        &self,
        id: i64,
        cancel: &CancellationToken,
    ) -> Result<SslRequestState, Error> {
        let request = Request::new(Method::PUT, request_path(id)?);
        self.request_state(request, cancel, |_| Ok(None)).await
    }

    /// `GET /sslcertificates`, every page.
    pub async fn list_ssl_certificates(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<SslCertificate>, Error> {
        self.get_every_page("sslcertificates", cancel).await
    }

    /// `GET /sslcertificates/{sha1Fingerprint}`. An unknown fingerprint gives `is_not_found()`.
    pub async fn get_ssl_certificate(
        &self,
        fingerprint: &str,
        cancel: &CancellationToken,
    ) -> Result<SslCertificateDetail, Error> {
        self.get_json(fingerprint_request(fingerprint)?, cancel)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pending_request() {
        let detail: SslCertificateRequestDetail = serde_json::from_str(
            r#"{"id":3001,"common_name":"shop.example.com","certificate_type":"standard",
                "validation_level":"domain_validated","order_code":"SSL0003001","vendor":"sectigo",
                "subject_alt_names":[{"type":"dns","value":"shop.example.com"}],
                "validations":[{"dns_name":"shop.example.com","type":"dns","auto_validated":false,
                  "cname_validation_name":"_ab.shop.example.com","cname_validation_content":"x.sectigo.com",
                  "email_addresses":null,"file_validation_content":["a","b","c"]}]}"#,
        )
        .unwrap();
        assert_eq!(detail.id, 3001);
        assert_eq!(detail.validations[0].kind, "dns");
        assert!(detail.validations[0].email_addresses.is_empty());
        assert_eq!(detail.subject_alt_names[0].value, "shop.example.com");
    }

    #[test]
    fn request_ids_must_be_positive() {
        assert!(request_path(0).is_err());
        assert_eq!(request_path(3001).unwrap(), "/sslcertificaterequests/3001");
    }
}
