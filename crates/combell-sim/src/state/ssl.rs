//! The SSL part of the state: certificate requests and certificates as stored, and the seeded
//! certificate of `example.com`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) const FIRST_REQUEST_ID: i32 = 3001;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Issued { sha1_fingerprint: String },
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertRequest {
    pub id: i32,
    pub certificate_type: String,
    pub validation_level: String,
    pub common_name: String,
    pub order_code: String,
    /// Every DNS name the certificate will carry, the common name first.
    pub names: Vec<String>,
    pub csr_md5: String,
    pub csr_sha256: String,
    pub unique_value: String,
    pub created_ms: i64,
    /// Set by verify: from then on the request completes as soon as its CNAMEs are in place.
    pub verify_due_ms: Option<i64>,
    pub status: RequestStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub sha1_fingerprint: String,
    pub common_name: String,
    pub expires_after: String,
    pub certificate_type: String,
    pub validation_level: String,
    pub names: Vec<String>,
    pub certificate_pem: String,
    pub private_key_pem: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslState {
    pub requests: BTreeMap<i32, CertRequest>,
    /// Keyed by upper-case hex SHA-1 fingerprint.
    pub certificates: BTreeMap<String, Certificate>,
    pub next_request_id: i32,
}

impl SslState {
    /// One certificate for `example.com` and `www.example.com`, with a fixed key so its
    /// fingerprint, the id clients name it by, never changes.
    pub fn seed() -> SslState {
        let certificate = Certificate {
            sha1_fingerprint: SEED_FINGERPRINT.to_string(),
            common_name: "example.com".to_string(),
            expires_after: "2031-11-27T15:12:45Z".to_string(),
            certificate_type: "standard".to_string(),
            validation_level: "domain_validated".to_string(),
            names: vec!["example.com".to_string(), "www.example.com".to_string()],
            certificate_pem: SEED_CERTIFICATE_PEM.to_string(),
            private_key_pem: SEED_PRIVATE_KEY_PEM.to_string(),
        };
        SslState {
            requests: BTreeMap::new(),
            certificates: [(SEED_FINGERPRINT.to_string(), certificate)]
                .into_iter()
                .collect(),
            next_request_id: FIRST_REQUEST_ID,
        }
    }
}

pub(crate) const SEED_FINGERPRINT: &str = "823639776FEED06A181077D3C3382C9D8202AFB4";

pub(crate) const SEED_CERTIFICATE_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBqjCCAVCgAwIBAgIUTY0pWNa7O8L3gbYcRGs8B5V4GTgwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wHhcNMjYxMTI3MTUxMjQ1WhcNMzExMTI3
MTUxMjQ1WjAWMRQwEgYDVQQDDAtleGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABBGYaORTZeUHHd0qUmWidRxavp2+96b/fymGIvKkJKOuK32xJum/
lMrmllOS5q8NIh20zOpHncTkDfmOZk2ExwSjfDB6MB0GA1UdDgQWBBTM0+hoJeac
pRu7D+xGq6UlYrEUJTAfBgNVHSMEGDAWgBTM0+hoJeacpRu7D+xGq6UlYrEUJTAP
BgNVHRMBAf8EBTADAQH/MCcGA1UdEQQgMB6CC2V4YW1wbGUuY29tgg93d3cuZXhh
bXBsZS5jb20wCgYIKoZIzj0EAwIDSAAwRQIgKAThQgkaNYTPfdHAiOxZjBgno5nB
s/bIEDoFEx/VLdACIQCTQHVkn4kkdp+Lx9t+AAyyOTSgsDmmpb64xIblOE2giw==
-----END CERTIFICATE-----
";

/// A key that exists only to make the seeded certificate downloadable; it protects nothing.
pub(crate) const SEED_PRIVATE_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5Skw0noR66IDzObQ
6zpznL00hjoIkP60XMiYgscmf56hRANCAAQRmGjkU2XlBx3dKlJlonUcWr6dvvem
/38phiLypCSjrit9sSbpv5TK5pZTkuavDSIdtMzqR53E5A35jmZNhMcE
-----END PRIVATE KEY-----
";
