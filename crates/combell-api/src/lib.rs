//! The Combell API client: signing, transport (retry, rate limit), paging, provisioning jobs,
//! errors, and one file per API area with its wire types.
//!
//! A [`Client`] is cheap to clone (an `Arc` inside) and points at any endpoint: production
//! (`https://api.combell.com/v2`), the Dutch brand, or the simulator (`http://127.0.0.1:PORT/v2`).
//! Every call that can wait (retries, rate-limit pauses, job polling) takes a
//! [`CancellationToken`] and returns [`Error::Cancelled`] promptly when it fires.

pub mod accounts;
pub mod cache;
pub mod certificate_download;
pub mod der;
pub mod dns;
pub mod domains;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod jobs;
pub mod linux;
pub mod location;
pub mod mailboxes;
pub mod mailzones;
pub mod mysql;
pub mod paging;
pub mod servicepacks;
pub mod signing;
pub mod ssl;
pub mod transport;
pub mod windows;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use accounts::{
    Account, AccountDetail, AccountFilter, Addon, AssetType, CreateAccount, JobRef,
};
pub use certificate_download::{CertificateFile, CERTIFICATE_FILE_FORMATS};
pub use dns::{DnsRecord, DnsRecordFilter};
pub use domains::{Domain, DomainDetail, NameServer, RegisterDomain, Registrant};
pub use error::{ApiError, Error, ErrorDetail, WriteFate};
pub use jobs::{JobOutcome, JobPollConfig, JobProgress};
pub use linux::{
    Apcu, HostHeader, LinuxHosting, LinuxHostingDetail, LinuxSite, ScheduledTask, SshKey,
    SshKeyDetail,
};
pub use location::{parse_location, LocationRef};
pub use mailboxes::{AutoForward, AutoReply, CreateMailbox, Mailbox, MailboxDetail};
pub use mailzones::{AntiSpam, CatchAll, MailAlias, MailZone, MailZoneAccount, SmtpDomain};
pub use mysql::{CreateMysqlDatabase, CreateMysqlUser, MysqlDatabase, MysqlUser};
pub use servicepacks::Servicepack;
pub use ssl::{
    AdditionalValidationAttribute, CreateSslCertificateRequest, SslCertificate,
    SslCertificateDetail, SslCertificateRequest, SslCertificateRequestDetail, SslRequestState,
    SslValidation, SubjectAltName,
};
pub use tokio_util::sync::CancellationToken;
pub use transport::RetryPolicy;
pub use windows::{
    ApplicationPool, SiteBinding, WindowsHosting, WindowsHostingDetail, WindowsSite,
};

/// The production endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.combell.com/v2";

/// A secret string (API secret, password). `Debug` and `Display` print `***`, so a secret
/// cannot leak through a log line or an error message by accident; [`Secret::expose`] is the
/// one, greppable, way to read it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Passwords travel in request bodies, so a `Secret` serializes to its value on the wire.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Everything a [`Client`] needs. `Default` gives the production endpoint and sane timings.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL including the API version path, e.g. `https://api.combell.com/v2`.
    pub endpoint: String,
    pub api_key: String,
    pub api_secret: Secret,
    pub user_agent: String,
    /// Timeout of one HTTP attempt (connect, send and read the whole answer).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// `take` used by list calls.
    pub page_size: u32,
    pub job_poll: JobPollConfig,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            api_key: String::new(),
            api_secret: Secret::default(),
            user_agent: format!("terraform-provider-combell/{}", env!("CARGO_PKG_VERSION")),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            page_size: paging::DEFAULT_PAGE_SIZE,
            job_poll: JobPollConfig::default(),
        }
    }
}

/// A handle on the Combell API. Clones share the HTTP connection pool and the rate-limit pacer.
#[derive(Clone)]
pub struct Client {
    inner: Arc<transport::Inner>,
    /// Bulk reads (see [`cache`]): per process, since clones share it.
    caches: Arc<cache::Caches>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("api_key", &self.inner.api_key)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Validates the configuration and builds the HTTP client. Does not contact the API.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        Ok(Client {
            inner: Arc::new(transport::Inner::new(config)?),
            caches: Arc::new(cache::Caches::new(cache::DEFAULT_TTL)),
        })
    }

    /// The endpoint this client talks to, normalised (no trailing `/`).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The list caches behind the bulk reads.
    pub fn caches(&self) -> &cache::Caches {
        &self.caches
    }

    /// The `take` used by list calls.
    pub fn page_size(&self) -> u32 {
        self.inner.page_size
    }
}

/// Builds a request path below the endpoint from raw segments, encoding each one, e.g.
/// `api_path(&["dns", domain, "records"])` gives `/dns/example.com/records`.
///
/// Empty, `.` and `..` segments are refused: URL normalisation would drop or resolve them (even
/// percent-encoded), so the request would address another resource than the one signed.
pub(crate) fn api_path(segments: &[&str]) -> Result<String, Error> {
    let mut out = String::new();
    for segment in segments {
        if segment.is_empty() || *segment == "." || *segment == ".." {
            return Err(Error::Invalid(format!(
                "\"{segment}\" cannot be used as a name or id in a request path"
            )));
        }
        out.push('/');
        out.push_str(&location::encode_segment(segment));
    }
    Ok(out)
}

/// The path of `[root, key, rest...]`: something below one object, e.g.
/// `api_path_below("mailzones", domain, &["aliases"])`. Encoded and checked as [`api_path`].
pub(crate) fn api_path_below(root: &str, key: &str, rest: &[&str]) -> Result<String, Error> {
    let mut segments = vec![root, key];
    segments.extend_from_slice(rest);
    api_path(&segments)
}

/// Refuses a blank name or id before a request is built, as "the {what} is empty".
pub(crate) fn require(what: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::Invalid(format!("the {what} is empty")));
    }
    Ok(())
}

/// For wire fields that are documented as always present but that a tolerant reader should
/// accept as `null` or missing: both read as the type's default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize as _;
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "***");
        let config = ClientConfig {
            api_secret: secret.clone(),
            ..ClientConfig::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
    }

    #[test]
    fn api_path_encodes_segments() {
        assert_eq!(
            api_path(&["dns", "example.com", "records", "1-2"]).unwrap(),
            "/dns/example.com/records/1-2"
        );
        assert_eq!(api_path(&["dns", "a/b"]).unwrap(), "/dns/a%2Fb");
        assert_eq!(api_path(&["dns", "a..b"]).unwrap(), "/dns/a..b");
        assert!(api_path(&["dns", ".."]).is_err());
        assert!(api_path(&["dns", "."]).is_err());
        assert!(api_path(&["dns", ""]).is_err());
        assert_eq!(
            api_path_below("mailzones", "example.com", &["aliases", "a@example.com"]).unwrap(),
            "/mailzones/example.com/aliases/a@example.com"
        );
        assert!(api_path_below("mailzones", "..", &[]).is_err());
    }

    #[test]
    fn require_names_what_is_empty() {
        assert!(require("domain name", "example.com").is_ok());
        let err = require("domain name", " ").unwrap_err();
        assert_eq!(
            err.to_string(),
            Error::Invalid("the domain name is empty".into()).to_string()
        );
    }
}
