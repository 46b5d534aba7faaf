//! The one error type of the client. Every variant names what was being done (method and path,
//! or job id) so that a diagnostic built from it is actionable on its own. No variant ever holds
//! a secret: not the API secret, not a signature, not an `Authorization` header, not a password.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// How much of a non-JSON (or undecodable) body is kept for the error message.
const SNIPPET_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client configuration or a call's arguments are unusable (bad endpoint, empty key...).
    #[error("invalid client configuration or input: {0}")]
    Invalid(String),

    /// The API answered with an HTTP error status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request could not be sent or its answer could not be received.
    #[error("{method} {path}: network error after {attempts} attempt(s): {message}")]
    Network {
        method: String,
        path: String,
        attempts: u32,
        message: String,
    },

    /// No answer within the configured request timeout.
    #[error("{method} {path}: no answer within {timeout:?} (after {attempts} attempt(s))")]
    Timeout {
        method: String,
        path: String,
        timeout: Duration,
        attempts: u32,
    },

    /// The caller cancelled while the request was in flight or waiting to be retried.
    #[error("{method} {path}: cancelled")]
    Cancelled { method: String, path: String },

    /// A success answer whose body is not what the API documents.
    #[error("{method} {path}: could not decode the answer as {type_name}: {message}; body starts with: {snippet}")]
    Decode {
        method: String,
        path: String,
        type_name: String,
        message: String,
        snippet: String,
    },

    /// A success status with something essential missing (e.g. no `Location` after a create).
    #[error("{method} {path}: unexpected answer (HTTP {status}): {message}")]
    UnexpectedResponse {
        method: String,
        path: String,
        status: u16,
        message: String,
    },

    /// The provisioning job ended in `failed` or `cancelled`.
    #[error("provisioning job {job_id} ended with status \"{status}\" after {waited:?}. Combell asks not to retry the provisioning: contact Combell support or wait for the problem to be resolved, then check whether the resource was created anyway")]
    JobFailed {
        job_id: String,
        status: String,
        waited: Duration,
    },

    /// The provisioning job did not finish before the caller's deadline.
    #[error("provisioning job {job_id} still \"{last_status}\" after waiting {waited:?} (deadline reached). The job may still complete; do not re-create the resource before it has")]
    JobDeadline {
        job_id: String,
        last_status: String,
        waited: Duration,
    },

    /// The caller cancelled while a provisioning job was being waited for.
    #[error("waiting for provisioning job {job_id} was cancelled after {waited:?}. The job may still complete")]
    JobCancelled { job_id: String, waited: Duration },
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the API said the object does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Combell's machine-readable error codes, if the body carried any.
    pub fn codes(&self) -> Vec<&str> {
        match self {
            Error::Api(api) => api.details.iter().map(|d| d.code.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the error came from cancellation by the caller.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::Cancelled { .. } | Error::JobCancelled { .. })
    }

    /// The API error details, when this is an HTTP error answer.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// What this error, returned by a request that creates something (a POST), says about
    /// whether the object was created. The one place that decides it; see [`WriteFate`].
    pub fn write_fate(&self) -> WriteFate {
        match self {
            // Refused before or while being read: nothing was done. 429 is a refusal too.
            Error::Api(api) if api.status < 500 => WriteFate::NotDone,
            // A 5xx can come after the change was made (a proxy's 502/504, a crash while
            // answering): the object may exist.
            Error::Api(_) => WriteFate::Unknown,
            // The connection broke or the answer did not come in time: the request may have
            // been carried out. (A refused connection is retried by the transport and, when
            // retries run out, lands here too: looking is harmless.)
            Error::Network { .. } | Error::Timeout { .. } => WriteFate::Unknown,
            // A success status whose answer could not be used (no Location, bad body): the
            // change was made, only its id was lost.
            Error::Decode { .. } | Error::UnexpectedResponse { .. } => WriteFate::Done,
            // Nothing was sent: bad input, or the caller stopped before the request left (the
            // transport never cuts a POST short once it is on its way).
            Error::Invalid(_) | Error::Cancelled { .. } => WriteFate::NotDone,
            // Job errors come after the create's answer arrived; they are not about the POST.
            Error::JobFailed { .. } | Error::JobDeadline { .. } | Error::JobCancelled { .. } => {
                WriteFate::NotDone
            }
        }
    }

    /// Whether the API refused a create because the object exists already or is being
    /// provisioned (409, or an `..._already_exists` code as Combell uses them).
    pub fn is_already_exists(&self) -> bool {
        match self {
            Error::Api(api) => {
                api.status == 409
                    || (api.status == 400
                        && api.details.iter().any(|d| {
                            d.code.ends_with("already_exists")
                                || d.text.to_ascii_lowercase().contains("already exists")
                        }))
            }
            _ => false,
        }
    }
}

/// Whether a failed create request made its object. Decides what a resource does next: a
/// create whose fate is not [`WriteFate::NotDone`] must look for the object by its natural key
/// before it sends the request again or gives up, or it could make a second one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteFate {
    /// The API refused the request, or it was never sent: nothing was created.
    NotDone,
    /// The request may or may not have been carried out (5xx, broken connection, timeout).
    Unknown,
    /// The request was carried out, but its answer (the new object's id or job) was lost.
    Done,
}

/// One `{error_code, error_text}` pair.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorDetail {
    pub code: String,
    pub text: String,
}

/// An HTTP error answer, whatever its body looked like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub method: String,
    /// Path and query as sent, starting with the API version (`/v2/...`).
    pub path: String,
    /// Every error code and text found in the body (may be empty).
    pub details: Vec<ErrorDetail>,
    /// The start of the body when it could not be read as one of the error shapes.
    pub snippet: Option<String>,
}

impl ApiError {
    /// Builds the error from a status and raw body, trying every error shape Combell uses.
    pub fn from_body(status: u16, method: &str, path: &str, body: &[u8]) -> ApiError {
        let (details, snippet) = parse_error_body(body);
        ApiError {
            status,
            method: method.to_string(),
            path: path.to_string(),
            details,
            snippet,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: HTTP {} {}",
            self.method,
            self.path,
            self.status,
            reason(self.status)
        )?;
        for detail in &self.details {
            match (detail.code.is_empty(), detail.text.is_empty()) {
                (false, false) => write!(f, "; {}: {}", detail.code, detail.text)?,
                (false, true) => write!(f, "; {}", detail.code)?,
                (true, false) => write!(f, "; {}", detail.text)?,
                (true, true) => {}
            }
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "; body: {snippet}")?;
        }
        match self.status {
            401 => write!(
                f,
                ". Combell refused the request's authentication. Check that the API key and \
                 secret are correct and belong together, that the public IP address of this \
                 machine is on the API allow-list in the Combell control panel, and that this \
                 machine's clock is correct (every request signature carries a timestamp)"
            ),
            403 => write!(
                f,
                ". The API user is not allowed to do this; check its permissions in the \
                 Combell control panel"
            ),
            429 => write!(
                f,
                ". The API rate limit was reached and retries did not get through; wait a \
                 minute and try again, or run fewer operations in parallel"
            ),
            500..=599 => write!(f, ". This is an error on Combell's side; try again later"),
            _ => Ok(()),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[derive(Deserialize)]
struct WireDetail {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_text: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireErrorBody {
    Validation { validation_errors: Vec<WireDetail> },
    List(Vec<WireDetail>),
    Single(WireDetail),
}

/// Reads any of the three error shapes; anything else (HTML from a proxy, plain text) is kept
/// as a short snippet so that the user still sees what came back.
fn parse_error_body(body: &[u8]) -> (Vec<ErrorDetail>, Option<String>) {
    if body.iter().all(u8::is_ascii_whitespace) {
        return (Vec::new(), None);
    }
    let wire = match serde_json::from_slice::<WireErrorBody>(body) {
        Ok(wire) => wire,
        Err(_) => return (Vec::new(), Some(snippet(body))),
    };
    let list = match wire {
        WireErrorBody::Validation { validation_errors } => validation_errors,
        WireErrorBody::List(list) => list,
        WireErrorBody::Single(one) => vec![one],
    };
    let details: Vec<ErrorDetail> = list
        .into_iter()
        .map(|d| ErrorDetail {
            code: d.error_code.unwrap_or_default(),
            text: d.error_text.unwrap_or_default(),
        })
        .filter(|d| !d.code.is_empty() || !d.text.is_empty())
        .collect();
    if details.is_empty() {
        // JSON, but not an error shape we know (e.g. `{"message":"..."}`): show it.
        return (details, Some(snippet(body)));
    }
    (details, None)
}

/// The start of a body, on one line, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(SNIPPET_CHARS)
        .collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        Error::Api(Box::new(ApiError::from_body(
            status,
            "POST",
            "/v2/dns/example.com/records",
            body.as_bytes(),
        )))
    }

    #[test]
    fn single_shape() {
        let err = api(
            400,
            r#"{"error_code":"dns_invalid_record_name","error_text":"Invalid name"}"#,
        );
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.codes(), vec!["dns_invalid_record_name"]);
        let text = err.to_string();
        assert!(text.contains("POST /v2/dns/example.com/records"), "{text}");
        assert!(
            text.contains("dns_invalid_record_name: Invalid name"),
            "{text}"
        );
    }

    #[test]
    fn validation_shape() {
        let err = api(
            400,
            r#"{"validation_errors":[{"error_code":"a","error_text":"A"},{"error_code":"b","error_text":"B"}]}"#,
        );
        assert_eq!(err.codes(), vec!["a", "b"]);
    }

    #[test]
    fn bare_array_shape() {
        let err = api(
            400,
            r#"[{"error_code":"ssh_key_already_exists","error_text":"x"}]"#,
        );
        assert_eq!(err.codes(), vec!["ssh_key_already_exists"]);
    }

    #[test]
    fn empty_and_non_json_bodies_keep_the_status() {
        let err = api(404, "");
        assert!(err.is_not_found());
        assert!(err.codes().is_empty());
        let err = api(502, "<html><body>Bad gateway</body></html>");
        assert_eq!(err.status(), Some(502));
        assert!(err.to_string().contains("<html>"));
        let err = api(500, &"x".repeat(1000));
        assert!(err.to_string().len() < 600);
    }

    #[test]
    fn unknown_json_is_shown_as_snippet() {
        let err = api(400, r#"{"message":"nope"}"#);
        assert!(err.codes().is_empty());
        assert!(err.to_string().contains("nope"));
    }

    #[test]
    fn unauthorized_explains_what_to_check() {
        let text = api(
            401,
            r#"{"error_code":"authorization_hmac_invalid","error_text":"x"}"#,
        )
        .to_string();
        assert!(text.contains("API key and secret"), "{text}");
        assert!(text.contains("allow-list"), "{text}");
        assert!(text.contains("clock"), "{text}");
    }

    #[test]
    fn write_fate_table() {
        let network = Error::Network {
            method: "POST".into(),
            path: "/v2/accounts".into(),
            attempts: 1,
            message: "connection reset".into(),
        };
        let timeout = Error::Timeout {
            method: "POST".into(),
            path: "/v2/accounts".into(),
            timeout: Duration::from_secs(30),
            attempts: 1,
        };
        let no_location = Error::UnexpectedResponse {
            method: "POST".into(),
            path: "/v2/accounts".into(),
            status: 202,
            message: "no Location header in the answer".into(),
        };
        let cancelled = Error::Cancelled {
            method: "POST".into(),
            path: "/v2/accounts".into(),
        };
        let table = [
            (
                api(400, r#"{"error_code":"x","error_text":"y"}"#),
                WriteFate::NotDone,
            ),
            (api(404, ""), WriteFate::NotDone),
            (api(429, ""), WriteFate::NotDone),
            (api(500, ""), WriteFate::Unknown),
            (api(502, "<html>"), WriteFate::Unknown),
            (api(503, ""), WriteFate::Unknown),
            (network, WriteFate::Unknown),
            (timeout, WriteFate::Unknown),
            (no_location, WriteFate::Done),
            (cancelled, WriteFate::NotDone),
            (Error::Invalid("x".into()), WriteFate::NotDone),
        ];
        for (err, fate) in table {
            assert_eq!(err.write_fate(), fate, "{err}");
        }
    }

    #[test]
    fn already_exists_is_recognised_by_status_or_code() {
        assert!(api(409, "").is_already_exists());
        assert!(api(
            400,
            r#"{"validation_errors":[{"error_code":"mysql_user_already_exists","error_text":"x"}]}"#
        )
        .is_already_exists());
        assert!(api(
            400,
            r#"{"error_code":"x","error_text":"An account for 'a.be' already exists."}"#
        )
        .is_already_exists());
        assert!(!api(
            400,
            r#"{"error_code":"mysql_name_invalid","error_text":"x"}"#
        )
        .is_already_exists());
        assert!(!api(500, "already exists").is_already_exists());
    }

    #[test]
    fn job_errors_name_the_job() {
        let err = Error::JobDeadline {
            job_id: "abc".into(),
            last_status: "ongoing".into(),
            waited: Duration::from_secs(5),
        };
        assert!(err.to_string().contains("abc"));
        assert!(err.to_string().contains("5s"));
    }
}
