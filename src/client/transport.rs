//! The one place that talks HTTP: sign, send, classify, retry, pace, parse.
//!
//! The retry policy is the pure function [`retry_decision`] (table-tested below); the rate-limit
//! pacer is the small [`Pacer`] shared by every client of the same endpoint and key in the
//! process, so that parallel Terraform operations slow down together instead of each running
//! into 429s on its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::error::snippet;
use super::location::{parse_location, query_string, LocationRef};
use super::{signing, ApiError, ClientConfig, Error, JobPollConfig, Secret};
use crate::logging;

const MODULE: &str = "client";

/// How failed attempts are retried. See [`retry_decision`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled for each further one.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Upper bound on a `Retry-After` wait, so that a bogus header cannot hang an apply.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What came of one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// An HTTP answer arrived.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be made: nothing was sent, so even a POST is safe to repeat.
    ConnectFailed,
    /// No (complete) answer within the request timeout; the request may have been processed.
    Timeout,
    /// The connection broke after the request may have been sent.
    Network,
}

/// The retry policy: `Some(wait)` to try again after `wait`, `None` to stop.
///
/// - 429 waits for `Retry-After` and retries any method: the request was refused, not processed.
/// - A failed connect retries any method: nothing was sent.
/// - Timeouts, broken connections and 502/503/504 retry only idempotent methods (GET, PUT,
///   DELETE): re-sending a POST whose fate is unknown could create a duplicate.
/// - Nothing is retried once `max_attempts` attempts have been made.
pub fn retry_decision(
    policy: &RetryPolicy,
    method: &Method,
    outcome: AttemptOutcome,
    attempts_made: u32,
) -> Option<Duration> {
    if attempts_made >= policy.max_attempts {
        return None;
    }
    let backoff = backoff(policy, attempts_made);
    let idempotent = matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    );
    match outcome {
        AttemptOutcome::Status {
            status: 429,
            retry_after,
        } => Some(retry_after.unwrap_or(backoff).min(policy.max_retry_after)),
        AttemptOutcome::Status { status, .. } => {
            (idempotent && matches!(status, 502..=504)).then_some(backoff)
        }
        AttemptOutcome::ConnectFailed => Some(backoff),
        AttemptOutcome::Timeout | AttemptOutcome::Network => idempotent.then_some(backoff),
    }
}

fn backoff(policy: &RetryPolicy, attempts_made: u32) -> Duration {
    let exponent = attempts_made.saturating_sub(1).min(16);
    policy
        .base_backoff
        .saturating_mul(1u32 << exponent)
        .min(policy.max_backoff)
}

/// Spreads retries of parallel requests apart: up to a quarter of the wait, added.
fn with_jitter(wait: Duration) -> Duration {
    let quarter = wait.as_millis() as u64 / 4;
    if quarter == 0 {
        return wait;
    }
    wait + Duration::from_millis(rand::random_range(0..=quarter))
}

/// Pauses every request of the process to one endpoint and key once the API said the rate
/// limit is used up, until the window resets. Deliberately simple; see [`pause_from_headers`].
#[derive(Debug, Default)]
pub struct Pacer {
    blocked_until: Mutex<Option<Instant>>,
}

/// How long to hold requests back after an answer with these rate-limit headers.
pub fn pause_from_headers(remaining: Option<u64>, reset_seconds: Option<u64>) -> Option<Duration> {
    match (remaining, reset_seconds) {
        (Some(0), Some(reset)) if reset > 0 => Some(Duration::from_secs(reset.min(300))),
        _ => None,
    }
}

impl Pacer {
    /// The pacer shared by all clients of `endpoint` with `api_key` in this process.
    fn shared(endpoint: &str, api_key: &str) -> Arc<Pacer> {
        static PACERS: OnceLock<Mutex<HashMap<String, Arc<Pacer>>>> = OnceLock::new();
        let map = PACERS.get_or_init(|| Mutex::new(HashMap::new()));
        let mut map = match map.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(format!("{endpoint} {api_key}"))
            .or_insert_with(|| Arc::new(Pacer::default()))
            .clone()
    }

    fn block_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut blocked = match self.blocked_until.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if blocked.is_none_or(|current| current < until) {
            *blocked = Some(until);
        }
    }

    fn observe(&self, headers: &HeaderMap) {
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        let reset = header_u64(headers, "x-ratelimit-reset");
        if let Some(wait) = pause_from_headers(remaining, reset) {
            logging::debug(
                MODULE,
                "rate limit used up, pausing requests",
                &[("wait_ms", json!(wait.as_millis() as u64))],
            );
            self.block_for(wait);
        }
    }

    fn blocked_until(&self) -> Option<Instant> {
        let blocked = match self.blocked_until.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        (*blocked).filter(|until| *until > Instant::now())
    }

    /// Waits until requests may be sent; `false` if cancelled first.
    async fn wait(&self, cancel: &CancellationToken) -> bool {
        while let Some(until) = self.blocked_until() {
            tokio::select! {
                _ = cancel.cancelled() => return false,
                _ = tokio::time::sleep_until(until.into()) => {}
            }
        }
        !cancel.is_cancelled()
    }
}

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// One request, relative to the endpoint (`path` does not include `/v2`).
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Request {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn json<T: Serialize>(mut self, body: &T) -> Result<Request, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Invalid(format!("could not encode the request body: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }
}

/// A non-error answer (status below 400). Redirects are not followed, so 3xx lands here too.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub method: String,
    /// Path and query as signed, with the API version (`/v2/...`).
    pub path: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The `Location` header, parsed; an error naming the request when it is missing.
    pub fn location(&self) -> Result<LocationRef, Error> {
        let value = self
            .header("location")
            .ok_or_else(|| self.unexpected("no Location header in the answer"))?;
        parse_location(value).map_err(|e| self.unexpected(&e.to_string()))
    }

    pub fn unexpected(&self, message: &str) -> Error {
        Error::UnexpectedResponse {
            method: self.method.clone(),
            path: self.path.clone(),
            status: self.status,
            message: message.to_string(),
        }
    }

    fn decode_error(&self, type_name: &str, message: String) -> Error {
        Error::Decode {
            method: self.method.clone(),
            path: self.path.clone(),
            type_name: type_name.to_string(),
            message,
            snippet: snippet(&self.body),
        }
    }

    /// A redirect or an empty answer where JSON was expected, as a clear error (the decoder
    /// would only say "EOF while parsing").
    fn expect_json_body(&self, type_name: &str) -> Result<(), Error> {
        if (300..400).contains(&self.status) {
            let target = self.header("location").unwrap_or("nowhere");
            return Err(self.unexpected(&format!(
                "a redirect to {target} instead of {type_name}; the provider follows no \
                 redirects: check that the endpoint is the API's base URL"
            )));
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.unexpected(&format!("an empty body where {type_name} was expected")));
        }
        Ok(())
    }

    /// Decodes the body as one `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        self.expect_json_body(short_type_name::<T>())?;
        serde_json::from_slice(&self.body)
            .map_err(|e| self.decode_error(short_type_name::<T>(), e.to_string()))
    }

    /// Decodes a bare JSON array of `T`; a bad element is named by its index (`[3]: ...`).
    pub fn json_list<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        let type_name = format!("a list of {}", short_type_name::<T>());
        self.expect_json_body(&type_name)?;
        let values: Vec<serde_json::Value> = serde_json::from_slice(&self.body)
            .map_err(|e| self.decode_error(&type_name, e.to_string()))?;
        values
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                serde_json::from_value(value)
                    .map_err(|e| self.decode_error(&type_name, format!("[{index}]: {e}")))
            })
            .collect()
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The shared state behind a [`super::Client`].
pub(crate) struct Inner {
    pub endpoint: String,
    pub api_key: String,
    pub page_size: u32,
    pub job_poll: JobPollConfig,
    /// `scheme://host[:port]`.
    origin: String,
    /// The endpoint's path part, e.g. `/v2` (empty if the endpoint has none).
    base_path: String,
    api_secret: Secret,
    retry: RetryPolicy,
    request_timeout: Duration,
    http: reqwest::Client,
    pacer: Arc<Pacer>,
}

impl Inner {
    pub fn new(config: ClientConfig) -> Result<Inner, Error> {
        let endpoint = config.endpoint.trim().trim_end_matches('/').to_string();
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| Error::Invalid(format!("endpoint \"{endpoint}\" is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Invalid(format!(
                "endpoint \"{endpoint}\" must start with https:// (or http:// for a local simulator)"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Invalid(format!(
                "endpoint \"{endpoint}\" must not have a query or fragment"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Invalid(
                "the endpoint must not contain credentials; use api_key and api_secret".into(),
            ));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Error::Invalid(format!("endpoint \"{endpoint}\" has no host")))?;
        let origin = match url.port() {
            Some(port) => format!("{}://{}:{}", url.scheme(), host, port),
            None => format!("{}://{}", url.scheme(), host),
        };
        let base_path = url.path().trim_end_matches('/').to_string();
        if base_path.is_empty() {
            // Signatures cover the path including the API version: without it every request
            // would fail with a 401 that says nothing about the real cause.
            return Err(Error::Invalid(format!(
                "endpoint \"{endpoint}\" has no API version path; use e.g. {}",
                super::DEFAULT_ENDPOINT
            )));
        }
        if config.api_key.trim().is_empty() {
            return Err(Error::Invalid("the API key is empty".into()));
        }
        if config.api_key.contains(':') || config.api_key.chars().any(char::is_whitespace) {
            return Err(Error::Invalid(
                "the API key must not contain ':' or white space".into(),
            ));
        }
        if config.api_secret.is_empty() {
            return Err(Error::Invalid("the API secret is empty".into()));
        }
        if config.request_timeout.is_zero() {
            return Err(Error::Invalid(
                "the request timeout must be positive".into(),
            ));
        }
        if config.page_size == 0 {
            return Err(Error::Invalid("the page size must be positive".into()));
        }
        let mut builder = reqwest::Client::builder();
        if is_loopback(host) {
            // A local simulator is never behind the proxy that HTTPS_PROXY may name for the
            // real API.
            builder = builder.no_proxy();
        }
        let http = builder
            .user_agent(config.user_agent.clone())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(15)))
            // Combell answers 303 for finished certificate requests: the caller must see it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Invalid(format!("could not build the HTTP client: {e}")))?;
        let pacer = Pacer::shared(&endpoint, &config.api_key);
        Ok(Inner {
            endpoint,
            api_key: config.api_key,
            page_size: config.page_size,
            job_poll: config.job_poll,
            origin,
            base_path,
            api_secret: config.api_secret,
            retry: config.retry,
            request_timeout: config.request_timeout,
            http,
            pacer,
        })
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl super::Client {
    /// Sends `request` with retries and pacing. Answers with status 400 and above become
    /// [`Error::Api`]; everything below is returned for the caller to interpret.
    pub(crate) async fn send(
        &self,
        request: &Request,
        cancel: &CancellationToken,
    ) -> Result<Response, Error> {
        let inner = &self.inner;
        let mut path_and_query = format!("{}{}", inner.base_path, request.path);
        if !request.query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&query_string(&request.query));
        }
        let url = format!("{}{}", inner.origin, path_and_query);
        let method_name = request.method.as_str().to_string();
        let body: &[u8] = request.body.as_deref().unwrap_or_default();
        let cancelled = || Error::Cancelled {
            method: method_name.clone(),
            path: path_and_query.clone(),
        };

        let mut attempts = 0u32;
        loop {
            attempts += 1;
            if !inner.pacer.wait(cancel).await {
                return Err(cancelled());
            }
            // A fresh nonce and timestamp per attempt: a server that remembers nonces would
            // refuse a re-sent signature as a replay.
            let unix_ts = chrono::Utc::now().timestamp();
            let authorization = signing::sign(
                &inner.api_key,
                inner.api_secret.expose(),
                &method_name,
                &path_and_query,
                body,
                unix_ts,
                &signing::new_nonce(),
            );
            let mut builder = inner
                .http
                .request(request.method.clone(), &url)
                .header(AUTHORIZATION, authorization)
                .header(ACCEPT, "application/json");
            if let Some(bytes) = &request.body {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone());
            }
            let started = Instant::now();
            // A POST that is on its way may create an object: its answer (the new object's
            // Location) is awaited even when the caller cancels, so that nothing is created
            // behind the caller's back. The request timeout still bounds the wait.
            let result = if request.method == Method::POST {
                exchange(builder).await
            } else {
                tokio::select! {
                    _ = cancel.cancelled() => return Err(cancelled()),
                    result = exchange(builder) => result,
                }
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;

            let (outcome, answer, failure) = match result {
                Ok((status, headers, bytes)) => {
                    inner.pacer.observe(&headers);
                    let retry_after = header_u64(&headers, "retry-after")
                        .or_else(|| header_u64(&headers, "x-ratelimit-reset"))
                        .map(Duration::from_secs);
                    if let (429, Some(wait)) = (status, retry_after) {
                        // Even when this request gives up, the others should hold back.
                        inner.pacer.block_for(wait.min(inner.retry.max_retry_after));
                    }
                    (
                        AttemptOutcome::Status {
                            status,
                            retry_after: if status == 429 { retry_after } else { None },
                        },
                        Some((status, headers, bytes)),
                        None,
                    )
                }
                Err((outcome, message)) => (outcome, None, Some(message)),
            };
            logging::debug(
                MODULE,
                "request",
                &[
                    ("method", json!(method_name)),
                    ("path", json!(path_and_query)),
                    (
                        "status",
                        json!(answer.as_ref().map(|(status, _, _)| *status)),
                    ),
                    ("attempt", json!(attempts)),
                    ("duration_ms", json!(elapsed_ms)),
                    ("error", json!(failure)),
                ],
            );

            if let Some((status, headers, bytes)) = &answer {
                if *status < 400 {
                    return Ok(Response {
                        status: *status,
                        headers: headers.clone(),
                        body: bytes.clone(),
                        method: method_name,
                        path: path_and_query,
                    });
                }
            }

            match retry_decision(&inner.retry, &request.method, outcome, attempts) {
                Some(wait) => {
                    logging::debug(
                        MODULE,
                        "retrying request",
                        &[
                            ("method", json!(method_name)),
                            ("path", json!(path_and_query)),
                            ("attempt", json!(attempts)),
                            ("wait_ms", json!(wait.as_millis() as u64)),
                        ],
                    );
                    if matches!(outcome, AttemptOutcome::Status { status: 429, .. }) {
                        // Everyone waits, not only this request: the limit is per key.
                        inner.pacer.block_for(wait);
                    } else {
                        tokio::select! {
                            _ = cancel.cancelled() => return Err(cancelled()),
                            _ = tokio::time::sleep(with_jitter(wait)) => {}
                        }
                    }
                }
                None => {
                    return Err(match (answer, outcome) {
                        (Some((status, _, bytes)), _) => Error::Api(Box::new(ApiError::from_body(
                            status,
                            &method_name,
                            &path_and_query,
                            &bytes,
                        ))),
                        // An answer that arrived but could not be taken (too large).
                        (None, AttemptOutcome::Status { status, .. }) => {
                            Error::UnexpectedResponse {
                                method: method_name,
                                path: path_and_query,
                                status,
                                message: failure.unwrap_or_default(),
                            }
                        }
                        (None, AttemptOutcome::Timeout) => Error::Timeout {
                            method: method_name,
                            path: path_and_query,
                            timeout: inner.request_timeout,
                            attempts,
                        },
                        (None, _) => Error::Network {
                            method: method_name,
                            path: path_and_query,
                            attempts,
                            message: failure.unwrap_or_default(),
                        },
                    });
                }
            }
        }
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<T, Error> {
        self.send(&request, cancel).await?.json()
    }
}

type Answer = (u16, HeaderMap, Vec<u8>);

/// One HTTP exchange; errors are classified for the retry policy, with a message free of
/// secrets (reqwest's messages carry the URL at most, which holds none).
///
/// The body is read up to [`MAX_BODY_BYTES`]: a larger answer (announced or actually sent) is
/// an error with the status as its outcome, so that a broken or hostile server cannot make the
/// provider hold an unbounded body in memory. A slow body is bounded by the request timeout.
async fn exchange(builder: reqwest::RequestBuilder) -> Result<Answer, (AttemptOutcome, String)> {
    let mut response = builder.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let too_large = || {
        (
            AttemptOutcome::Status {
                status,
                retry_after: None,
            },
            format!(
                "the answer's body is larger than {} MiB, more than any Combell answer; it was \
                 not read. Check that the endpoint is Combell's API",
                MAX_BODY_BYTES >> 20
            ),
        )
    };
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

/// The largest answer body the client reads. Combell pages its lists, so real answers stay far
/// below this.
pub const MAX_BODY_BYTES: usize = 32 << 20;

fn classify(err: reqwest::Error) -> (AttemptOutcome, String) {
    // A connect error (refused, DNS, TLS handshake) means nothing was sent; check it before
    // the timeout, since a connect timeout is both.
    let outcome = if err.is_connect() {
        AttemptOutcome::ConnectFailed
    } else if err.is_timeout() {
        AttemptOutcome::Timeout
    } else {
        AttemptOutcome::Network
    };
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    (outcome, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> AttemptOutcome {
        AttemptOutcome::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn retry_table() {
        let policy = RetryPolicy::default();
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        let rate_limited = AttemptOutcome::Status {
            status: 429,
            retry_after: Some(s(7)),
        };
        #[rustfmt::skip]
        let table: Vec<(Method, AttemptOutcome, u32, Option<Duration>)> = vec![
            // 429: wait what the server says, any method.
            (Method::GET, rate_limited, 1, Some(s(7))),
            (Method::POST, rate_limited, 1, Some(s(7))),
            (Method::DELETE, rate_limited, 4, Some(s(7))),
            (Method::POST, AttemptOutcome::Status { status: 429, retry_after: Some(s(9999)) }, 1, Some(s(120))),
            (Method::POST, status(429), 1, Some(ms(500))),
            // Gateway errors: idempotent methods only, with exponential backoff.
            (Method::GET, status(503), 1, Some(ms(500))),
            (Method::GET, status(502), 2, Some(s(1))),
            (Method::PUT, status(504), 3, Some(s(2))),
            (Method::DELETE, status(503), 4, Some(s(4))),
            (Method::POST, status(503), 1, None),
            (Method::POST, status(502), 1, None),
            // Other errors are answers, not accidents.
            (Method::GET, status(500), 1, None),
            (Method::GET, status(400), 1, None),
            (Method::GET, status(401), 1, None),
            (Method::GET, status(404), 1, None),
            (Method::GET, status(200), 1, None),
            // Timeouts and broken connections: the request may have been processed.
            (Method::GET, AttemptOutcome::Timeout, 1, Some(ms(500))),
            (Method::PUT, AttemptOutcome::Network, 1, Some(ms(500))),
            (Method::POST, AttemptOutcome::Timeout, 1, None),
            (Method::POST, AttemptOutcome::Network, 1, None),
            // Nothing was sent: safe for every method.
            (Method::POST, AttemptOutcome::ConnectFailed, 1, Some(ms(500))),
            // Bounded attempts.
            (Method::GET, status(503), 5, None),
            (Method::GET, rate_limited, 5, None),
            (Method::POST, AttemptOutcome::ConnectFailed, 5, None),
        ];
        for (method, outcome, attempts, expected) in table {
            assert_eq!(
                retry_decision(&policy, &method, outcome, attempts),
                expected,
                "{method} {outcome:?} after {attempts} attempt(s)"
            );
        }
    }

    #[test]
    fn backoff_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 100,
            ..RetryPolicy::default()
        };
        assert_eq!(
            retry_decision(&policy, &Method::GET, status(503), 60),
            Some(Duration::from_secs(8))
        );
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        for _ in 0..100 {
            let wait = with_jitter(Duration::from_secs(4));
            assert!(wait >= Duration::from_secs(4) && wait <= Duration::from_secs(5));
        }
        assert_eq!(with_jitter(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn pacer_pauses_only_when_remaining_is_zero() {
        assert_eq!(
            pause_from_headers(Some(0), Some(12)),
            Some(Duration::from_secs(12))
        );
        assert_eq!(pause_from_headers(Some(1), Some(12)), None);
        assert_eq!(pause_from_headers(Some(0), None), None);
        assert_eq!(pause_from_headers(None, Some(12)), None);
        assert_eq!(
            pause_from_headers(Some(0), Some(100_000)),
            Some(Duration::from_secs(300))
        );
    }

    #[tokio::test]
    async fn pacer_wait_honours_cancellation() {
        let pacer = Pacer::default();
        pacer.block_for(Duration::from_secs(3600));
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert!(!pacer.wait(&cancel).await);
        let free = Pacer::default();
        assert!(free.wait(&CancellationToken::new()).await);
    }

    fn config(endpoint: &str) -> ClientConfig {
        ClientConfig {
            endpoint: endpoint.into(),
            api_key: "key".into(),
            api_secret: "secret".into(),
            ..ClientConfig::default()
        }
    }

    #[test]
    fn endpoint_parts() {
        let inner = Inner::new(config("http://127.0.0.1:8080/v2/")).unwrap();
        assert_eq!(inner.origin, "http://127.0.0.1:8080");
        assert_eq!(inner.base_path, "/v2");
        assert_eq!(inner.endpoint, "http://127.0.0.1:8080/v2");
        let inner = Inner::new(config("https://api.combell.com/v2")).unwrap();
        assert_eq!(inner.origin, "https://api.combell.com");
        assert_eq!(inner.base_path, "/v2");
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("api.combell.com"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[test]
    fn bad_configs_are_errors() {
        assert!(Inner::new(config("api.combell.com")).is_err());
        let err = Inner::new(config("https://api.combell.com/"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("/v2"), "{err}");
        assert!(Inner::new(config("ftp://api.combell.com/v2")).is_err());
        assert!(Inner::new(config("https://u:p@api.combell.com/v2")).is_err());
        assert!(Inner::new(config("https://api.combell.com/v2?x=1")).is_err());
        let mut c = config("https://api.combell.com/v2");
        c.api_key = "a:b".into();
        assert!(Inner::new(c).is_err());
        let mut c = config("https://api.combell.com/v2");
        c.api_secret = Secret::default();
        let err = Inner::new(c).err().unwrap();
        assert!(err.to_string().contains("secret is empty"));
    }
}
