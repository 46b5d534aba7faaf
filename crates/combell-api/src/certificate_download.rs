//! `GET /sslcertificates/{sha1Fingerprint}/download`: a certificate with its private key and
//! chain as a password-protected file. The only Combell operation that answers with binary
//! data, and the only one that takes a secret in its query string (masked in logs and errors
//! by [`Request::query_secret`]).

use reqwest::Method;

use super::api_path;
use super::transport::Request;
use super::{CancellationToken, Client, Error, Secret};

/// The file formats the API offers (`SslCertificateFileFormat`): only PKCS #12 so far.
pub const CERTIFICATE_FILE_FORMATS: [&str; 1] = ["pfx"];

/// A downloaded certificate file. `Debug` leaves the content out: it holds a private key.
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateFile {
    pub content: Vec<u8>,
    /// The `Content-Type` Combell sent, such as `application/x-pkcs12`.
    pub content_type: Option<String>,
    /// The file name of the `Content-Disposition`, such as `example.com.pfx`.
    pub file_name: Option<String>,
}

impl std::fmt::Debug for CertificateFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateFile")
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .finish()
    }
}

impl Client {
    /// Downloads the certificate with SHA-1 fingerprint `fingerprint` in `file_format`,
    /// protected by `password`. A GET: safe to retry.
    pub async fn download_certificate(
        &self,
        fingerprint: &str,
        file_format: &str,
        password: &Secret,
        cancel: &CancellationToken,
    ) -> Result<CertificateFile, Error> {
        let fingerprint = fingerprint.trim();
        if fingerprint.is_empty() {
            return Err(Error::Invalid(
                "the certificate fingerprint is empty".into(),
            ));
        }
        let request = Request::new(
            Method::GET,
            api_path(&["sslcertificates", fingerprint, "download"])?,
        )
        .query("sha1_fingerprint", fingerprint)
        .query("file_format", file_format)
        .query_secret("password", password);
        let response = self.send(&request, cancel).await?;
        if response.status != 200 {
            return Err(response.unexpected("expected the certificate file (status 200)"));
        }
        if response.body.is_empty() {
            return Err(response.unexpected("the certificate file is empty"));
        }
        Ok(CertificateFile {
            content_type: response.header("content-type").map(str::to_string),
            file_name: response
                .header("content-disposition")
                .and_then(file_name_of),
            content: response.body,
        })
    }
}

/// The `filename` of a `Content-Disposition` value (`attachment; filename="a.pfx"`).
fn file_name_of(disposition: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let (key, value) = part.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("filename")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|name| !name.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_from_content_disposition() {
        assert_eq!(
            file_name_of("attachment; filename=\"example.com.pfx\"").as_deref(),
            Some("example.com.pfx")
        );
        assert_eq!(
            file_name_of("attachment;FILENAME=a.pfx").as_deref(),
            Some("a.pfx")
        );
        assert_eq!(file_name_of("attachment"), None);
        assert_eq!(file_name_of("attachment; filename=\"\""), None);
    }

    #[test]
    fn debug_leaves_the_key_material_out() {
        let file = CertificateFile {
            content: b"PRIVATE".to_vec(),
            content_type: None,
            file_name: None,
        };
        let shown = format!("{file:?}");
        assert!(!shown.contains("PRIVATE"), "{shown}");
        assert!(shown.contains("7 bytes"), "{shown}");
    }

    #[test]
    fn secret_query_values_are_masked() {
        let request = Request::new(Method::GET, "/x")
            .query("a", "1")
            .query_secret("password", &Secret::new("hunter22"));
        assert_eq!(request.query[1].1, "hunter22");
        assert_eq!(request.secret_keys, ["password"]);
    }
}
