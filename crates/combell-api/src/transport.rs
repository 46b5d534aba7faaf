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
use super::{signing, ApiError, ClientConfig, Error, JobPollConfig, JobRef, Secret};

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

/// The rate-limit numbers of one answer, with when its request left and its answer came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateHeaders {
    /// `X-RateLimit-Limit`: requests per window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: whole seconds until the window ends, rounded up.
    pub reset_secs: Option<u64>,
}

impl RateHeaders {
    pub fn from_headers(headers: &HeaderMap) -> RateHeaders {
        RateHeaders {
            limit: header_u64(headers, "x-ratelimit-limit"),
            remaining: header_u64(headers, "x-ratelimit-remaining"),
            reset_secs: header_u64(headers, "x-ratelimit-reset"),
        }
    }
}

/// Requests sent at the learned rate are spaced this much wider than `window / limit`, so
/// that network jitter cannot squeeze one request too many into a window.
const SPACING_MARGIN: f64 = 1.02;
/// A burst of up to half the limit goes unspaced, so that a small plan or apply never waits;
/// only a long run is spread out.
const BURST_DIVISOR: u64 = 2;
/// Held back after the estimated end of a used-up window, for clock granularity.
const WINDOW_END_MARGIN: Duration = Duration::from_millis(50);
/// Upper bound on any pause the headers ask for, so that a bogus header cannot hang an apply.
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// The pacer's bookkeeping, as a pure state machine over explicit instants (so that tests can
/// drive it with a made-up clock).
///
/// - **Spreading**: once an answer told the limit `L` and the window `W` (the longest
///   `X-RateLimit-Reset` seen is the window rounded up), requests are spaced `W / L` apart
///   (plus [`SPACING_MARGIN`]), after a burst of `L / 2`: the generic cell rate algorithm,
///   with `tat` its theoretical arrival time.
/// - **Never over the limit**: when an answer says that no more than the requests already in
///   flight fit in the window, everything waits for the window's end. That end is known only
///   to a second (`X-RateLimit-Reset` is rounded up); every answer of the window narrows it
///   (`received + reset` is an upper bound), so with a small limit little time is lost.
/// - A 429 blocks everyone for its `Retry-After` (see [`Client::send`](super::Client)).
#[derive(Debug, Default)]
pub struct PaceState {
    interval: Duration,
    burst: Duration,
    tat: Option<Instant>,
    window: Option<Duration>,
    window_end: Option<Instant>,
    last_remaining: Option<u64>,
    blocked_until: Option<Instant>,
    in_flight: u32,
}

impl PaceState {
    /// When a request that wants to go at `now` may go; books its place in the spacing.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let mut at = now;
        if let Some(tat) = self.tat {
            if let Some(earliest) = tat.checked_sub(self.burst) {
                at = at.max(earliest);
            }
        }
        if let Some(until) = self.blocked_until {
            at = at.max(until);
        }
        if !self.interval.is_zero() {
            self.tat = Some(self.tat.map_or(at, |tat| tat.max(at)) + self.interval);
        }
        at
    }

    /// Until when every request must wait, if at all.
    pub fn blocked_until(&self, now: Instant) -> Option<Instant> {
        self.blocked_until.filter(|until| *until > now)
    }

    pub fn block_until(&mut self, until: Instant) {
        if self.blocked_until.is_none_or(|current| current < until) {
            self.blocked_until = Some(until);
        }
    }

    /// A request leaves.
    pub fn sent(&mut self) {
        self.in_flight = self.in_flight.saturating_add(1);
    }

    /// A request ended without an answer.
    pub fn failed(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A request's answer arrived at `now` with these headers.
    pub fn answered(&mut self, now: Instant, headers: RateHeaders) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let (Some(remaining), Some(reset_secs)) = (headers.remaining, headers.reset_secs) else {
            return;
        };
        let reset = Duration::from_secs(reset_secs).min(MAX_PAUSE);
        // The window ends at most `reset` after the server answered, so at most `reset` from now.
        let end_bound = now + reset;
        let new_window = self.last_remaining.is_none_or(|last| remaining > last);
        self.window_end = match self.window_end {
            Some(end) if !new_window && end > now => Some(end.min(end_bound)),
            _ => Some(end_bound),
        };
        self.last_remaining = Some(remaining);
        if !reset.is_zero() && self.window.is_none_or(|w| reset > w) {
            self.window = Some(reset);
        }
        if let (Some(limit), Some(window)) = (headers.limit.filter(|l| *l > 0), self.window) {
            let spacing = window.as_secs_f64() / limit as f64 * SPACING_MARGIN;
            self.interval = Duration::from_secs_f64(spacing);
            let burst = (limit / BURST_DIVISOR).max(1) - 1;
            self.burst = self.interval.saturating_mul(burst as u32);
        }
        // The requests still in flight may not be counted yet: they are assumed to take what
        // is left first.
        if remaining <= u64::from(self.in_flight) {
            if let Some(end) = self.window_end {
                self.block_until(end + WINDOW_END_MARGIN);
            }
        }
    }
}

/// The one rate pacer of the process for an endpoint and key: every request asks it when it
/// may go, and every answer feeds it the `X-RateLimit-*` headers. See [`PaceState`].
#[derive(Debug, Default)]
pub struct Pacer {
    state: Mutex<PaceState>,
}

/// Counts a request as in flight until dropped, unless its answer was recorded.
struct InFlight<'a> {
    pacer: &'a Pacer,
    open: bool,
}

impl InFlight<'_> {
    fn answered(mut self, headers: &HeaderMap) {
        self.open = false;
        self.pacer
            .state()
            .answered(Instant::now(), RateHeaders::from_headers(headers));
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.open {
            self.pacer.state().failed();
        }
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

    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn block_for(&self, wait: Duration) {
        self.state().block_until(Instant::now() + wait);
    }

    /// Waits for this request's turn; `None` if cancelled first. The guard counts the request
    /// as in flight until its answer is recorded.
    async fn wait(&self, cancel: &CancellationToken) -> Option<InFlight<'_>> {
        let slot = self.state().reserve(Instant::now());
        let mut until = Some(slot).filter(|at| *at > Instant::now());
        loop {
            if let Some(at) = until {
                let wait_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64;
                if wait_ms >= 1000 {
                    hclog::debug(
                        MODULE,
                        "rate limit: holding a request back",
                        &[("wait_ms", json!(wait_ms))],
                    );
                }
                tokio::select! {
                    _ = cancel.cancelled() => return None,
                    _ = tokio::time::sleep_until(at.into()) => {}
                }
            }
            // A window that ran out while this request waited for its slot holds it further.
            let mut state = self.state();
            until = state.blocked_until(Instant::now());
            if until.is_none() {
                if cancel.is_cancelled() {
                    return None;
                }
                state.sent();
                return Some(InFlight {
                    pacer: self,
                    open: true,
                });
            }
        }
    }
}

/// Which reading of the signed path (see [`signing::Reading`]) an endpoint verifies, once
/// learned; shared by every client of the same endpoint and key in the process, like the pacer.
#[derive(Debug, Default)]
pub struct ReadingMemory {
    learned: Mutex<Option<signing::Reading>>,
    /// Held by the one request that finds out while nothing is learned yet, so that a spec
    /// server refuses a process one request, not one per request in flight.
    probe: tokio::sync::Mutex<()>,
}

impl ReadingMemory {
    fn shared(endpoint: &str, api_key: &str) -> Arc<ReadingMemory> {
        static MEMORIES: OnceLock<Mutex<HashMap<String, Arc<ReadingMemory>>>> = OnceLock::new();
        let map = MEMORIES.get_or_init(|| Mutex::new(HashMap::new()));
        let mut map = match map.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(format!("{endpoint} {api_key}"))
            .or_insert_with(|| Arc::new(ReadingMemory::default()))
            .clone()
    }

    fn learned(&self) -> Option<signing::Reading> {
        match self.learned.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    fn learn(&self, reading: signing::Reading) {
        let mut learned = match self.learned.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if *learned != Some(reading) {
            *learned = Some(reading);
            hclog::debug(
                MODULE,
                "learned how the API reads signed paths",
                &[("reading", json!(reading.name()))],
            );
        }
    }
}

/// How one request is signed, attempt by attempt: in the learned reading, else as Combell's
/// own client signs; once the other way after a 401 when the two readings differ.
struct RequestSigner<'a> {
    memory: &'a ReadingMemory,
    reading: signing::Reading,
    readings_differ: bool,
    switched: bool,
    _probe: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl<'a> RequestSigner<'a> {
    /// `None` if cancelled while another request was finding the reading out.
    async fn begin(
        memory: &'a ReadingMemory,
        path_and_query: &str,
        cancel: &CancellationToken,
    ) -> Option<RequestSigner<'a>> {
        let readings_differ = !signing::readings_agree(path_and_query);
        let mut probe = None;
        if readings_differ && memory.learned().is_none() {
            tokio::select! {
                _ = cancel.cancelled() => return None,
                guard = memory.probe.lock() => probe = Some(guard),
            }
        }
        Some(RequestSigner {
            memory,
            reading: memory.learned().unwrap_or(signing::Reading::Official),
            readings_differ,
            switched: false,
            _probe: probe.filter(|_| memory.learned().is_none()),
        })
    }

    fn authorization(
        &self,
        inner: &Inner,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> String {
        // A fresh nonce and timestamp per attempt: a server that remembers nonces would
        // refuse a re-sent signature as a replay.
        signing::sign_as(
            self.reading,
            &inner.api_key,
            inner.api_secret.expose(),
            method,
            path_and_query,
            body,
            chrono::Utc::now().timestamp(),
            &signing::new_nonce(),
        )
    }

    /// Takes an answer's status; `true` when the request is to be sent again, signed the other
    /// way. A refused signature changes nothing on the server, so this is safe for a POST too.
    fn resend_other_way(&mut self, status: u16) -> bool {
        if !self.readings_differ {
            return false;
        }
        if status == 401 {
            if self.switched {
                return false;
            }
            self.switched = true;
            self.reading = self.reading.other();
            return true;
        }
        // Whatever else the answer says, it got past the signature check (a 429 or a gateway
        // error may come from in front of it).
        if !matches!(status, 429 | 502..=504) {
            self.memory.learn(self.reading);
            self._probe = None;
        }
        false
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
    /// Query keys whose values are secrets: sent and signed, shown as `***` in logs and errors.
    pub secret_keys: Vec<String>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            secret_keys: Vec::new(),
        }
    }

    /// A query parameter holding a secret (the certificate download's file password: the API
    /// takes it only in the query string).
    pub fn query_secret(mut self, key: &str, value: &super::Secret) -> Request {
        self.query
            .push((key.to_string(), value.expose().to_string()));
        self.secret_keys.push(key.to_string());
        self
    }

    /// Path and query as logs and errors show them: secret values replaced by `***`.
    fn shown_query(&self) -> String {
        self.query
            .iter()
            .map(|(k, v)| {
                if self.secret_keys.contains(k) {
                    format!(
                        "{}=***",
                        query_string(&[(k.clone(), String::new())]).trim_end_matches('=')
                    )
                } else {
                    query_string(&[(k.clone(), v.clone())])
                }
            })
            .collect::<Vec<_>>()
            .join("&")
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
    readings: Arc<ReadingMemory>,
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
        let readings = ReadingMemory::shared(&endpoint, &config.api_key);
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
            readings,
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

/// Where a request goes and how it is shown: the signed path, the URL, and the path with
/// secret query values masked (what logs and errors show).
struct Target {
    method: String,
    path_and_query: String,
    url: String,
    shown: String,
}

impl Target {
    fn of(inner: &Inner, request: &Request) -> Target {
        let mut path_and_query = format!("{}{}", inner.base_path, request.path);
        if !request.query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&query_string(&request.query));
        }
        let shown = if request.secret_keys.is_empty() {
            path_and_query.clone()
        } else {
            format!(
                "{}{}?{}",
                inner.base_path,
                request.path,
                request.shown_query()
            )
        };
        Target {
            method: request.method.as_str().to_string(),
            url: format!("{}{}", inner.origin, path_and_query),
            path_and_query,
            shown,
        }
    }

    fn cancelled(&self) -> Error {
        Error::Cancelled {
            method: self.method.clone(),
            path: self.shown.clone(),
        }
    }
}

/// What one attempt gave: its outcome for the retry policy, the answer if one arrived, and
/// the failure's message if none did.
struct Attempt {
    outcome: AttemptOutcome,
    answer: Option<Answer>,
    failure: Option<String>,
}

impl Attempt {
    fn status(&self) -> Option<u16> {
        self.answer.as_ref().map(|(status, _, _)| *status)
    }
}

impl super::Client {
    /// Sends `request` with retries and pacing. Answers with status 400 and above become
    /// [`Error::Api`]; everything below is returned for the caller to interpret.
    ///
    /// Each turn of the loop is one step per concern: wait for the pacer, sign, exchange
    /// ([`Client::attempt`]), log, re-sign once if the signature reading was refused, then
    /// let the retry policy decide between the answer, a wait, or the error.
    pub(crate) async fn send(
        &self,
        request: &Request,
        cancel: &CancellationToken,
    ) -> Result<Response, Error> {
        let inner = &self.inner;
        let target = Target::of(inner, request);
        let Some(mut signer) =
            RequestSigner::begin(&inner.readings, &target.path_and_query, cancel).await
        else {
            return Err(target.cancelled());
        };
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let Some(in_flight) = inner.pacer.wait(cancel).await else {
                return Err(target.cancelled());
            };
            let body: &[u8] = request.body.as_deref().unwrap_or_default();
            let authorization =
                signer.authorization(inner, &target.method, &target.path_and_query, body);
            let started = Instant::now();
            let attempt = self
                .attempt(request, &target, authorization, in_flight, cancel)
                .await?;
            log_attempt(&target, &attempt, attempts, started.elapsed());

            if let Some(status) = attempt.status() {
                if signer.resend_other_way(status) {
                    continue;
                }
            }
            if let Some((status @ ..=399, headers, body)) = attempt.answer {
                return Ok(Response {
                    status,
                    headers,
                    body,
                    method: target.method,
                    path: target.shown,
                });
            }
            match retry_decision(&inner.retry, &request.method, attempt.outcome, attempts) {
                Some(wait) => {
                    self.wait_to_retry(&target, &attempt, attempts, wait, cancel)
                        .await?
                }
                None => return Err(self.final_error(target, attempt, attempts)),
            }
        }
    }

    /// One exchange, paced and signed. Feeds the pacer from the answer's headers; a 429 with
    /// a wait makes every request of this key hold back, not only this one.
    async fn attempt(
        &self,
        request: &Request,
        target: &Target,
        authorization: String,
        in_flight: InFlight<'_>,
        cancel: &CancellationToken,
    ) -> Result<Attempt, Error> {
        let inner = &self.inner;
        let mut builder = inner
            .http
            .request(request.method.clone(), &target.url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json");
        if let Some(bytes) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone());
        }
        // A POST that is on its way may create an object: its answer (the new object's
        // Location) is awaited even when the caller cancels, so that nothing is created
        // behind the caller's back. The request timeout still bounds the wait.
        let result = if request.method == Method::POST {
            exchange(builder).await
        } else {
            tokio::select! {
                _ = cancel.cancelled() => return Err(target.cancelled()),
                result = exchange(builder) => result,
            }
        };
        Ok(match result {
            Ok((status, headers, bytes)) => {
                in_flight.answered(&headers);
                let retry_after = header_u64(&headers, "retry-after")
                    .or_else(|| header_u64(&headers, "x-ratelimit-reset"))
                    .map(Duration::from_secs);
                if let (429, Some(wait)) = (status, retry_after) {
                    // Even when this request gives up, the others should hold back.
                    inner.pacer.block_for(wait.min(inner.retry.max_retry_after));
                }
                Attempt {
                    outcome: AttemptOutcome::Status {
                        status,
                        retry_after: if status == 429 { retry_after } else { None },
                    },
                    answer: Some((status, headers, bytes)),
                    failure: None,
                }
            }
            Err((outcome, message)) => {
                // Not in flight any more, also while a retry waits.
                drop(in_flight);
                Attempt {
                    outcome,
                    answer: None,
                    failure: Some(message),
                }
            }
        })
    }

    /// Waits before the next attempt: a 429 makes everyone wait (the limit is per key),
    /// anything else only this request, with jitter, ending early on cancel.
    async fn wait_to_retry(
        &self,
        target: &Target,
        attempt: &Attempt,
        attempts: u32,
        wait: Duration,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        hclog::debug(
            MODULE,
            "retrying request",
            &[
                ("method", json!(target.method)),
                ("path", json!(target.shown)),
                ("attempt", json!(attempts)),
                ("wait_ms", json!(wait.as_millis() as u64)),
            ],
        );
        if matches!(attempt.outcome, AttemptOutcome::Status { status: 429, .. }) {
            self.inner.pacer.block_for(wait);
            return Ok(());
        }
        tokio::select! {
            _ = cancel.cancelled() => Err(target.cancelled()),
            _ = tokio::time::sleep(with_jitter(wait)) => Ok(()),
        }
    }

    /// The error of the last attempt, once the policy gives up.
    fn final_error(&self, target: Target, attempt: Attempt, attempts: u32) -> Error {
        let Target { method, shown, .. } = target;
        match (attempt.answer, attempt.outcome) {
            (Some((status, _, bytes)), _) => Error::Api(Box::new(ApiError::from_body(
                status, &method, &shown, &bytes,
            ))),
            // An answer that arrived but could not be taken (too large).
            (None, AttemptOutcome::Status { status, .. }) => Error::UnexpectedResponse {
                method,
                path: shown,
                status,
                message: attempt.failure.unwrap_or_default(),
            },
            (None, AttemptOutcome::Timeout) => Error::Timeout {
                method,
                path: shown,
                timeout: self.inner.request_timeout,
                attempts,
            },
            (None, _) => Error::Network {
                method,
                path: shown,
                attempts,
                message: attempt.failure.unwrap_or_default(),
            },
        }
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<T, Error> {
        self.send(&request, cancel).await?.json()
    }

    /// Sends `request` and decodes the answer as a bare JSON list (a list that is not paged).
    pub(crate) async fn get_list<T: DeserializeOwned>(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>, Error> {
        self.send(&request, cancel).await?.json_list()
    }

    /// Sends `request` for its effect alone (a 204, or an answer whose body says nothing).
    pub(crate) async fn send_only(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.send(&request, cancel).await.map(drop)
    }

    /// Sends a synchronous create; the new object's id is the last segment of `Location`.
    pub(crate) async fn create_located(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        Ok(self.send(&request, cancel).await?.location()?.id)
    }

    /// Sends a create that starts a provisioning job, named by the answer's `Location`.
    pub(crate) async fn start_job(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<JobRef, Error> {
        Ok(self.send(&request, cancel).await?.location()?.into())
    }

    /// As [`Client::start_job`], for a create whose answer may name no job: `None` when it
    /// has no `Location`.
    pub(crate) async fn start_optional_job(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<Option<JobRef>, Error> {
        let response = self.send(&request, cancel).await?;
        if response.header("location").is_none() {
            return Ok(None);
        }
        Ok(Some(response.location()?.into()))
    }
}

/// One debug line per attempt (never the signature or a secret query value).
fn log_attempt(target: &Target, attempt: &Attempt, attempts: u32, elapsed: Duration) {
    hclog::debug(
        MODULE,
        "request",
        &[
            ("method", json!(target.method)),
            ("path", json!(target.shown)),
            ("status", json!(attempt.status())),
            ("attempt", json!(attempts)),
            ("duration_ms", json!(elapsed.as_millis() as u64)),
            ("error", json!(attempt.failure)),
        ],
    );
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

    fn headers(limit: u64, remaining: u64, reset_secs: u64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset_secs: Some(reset_secs),
        }
    }

    #[test]
    fn pacer_spreads_after_a_short_burst() {
        let t0 = Instant::now();
        let mut pace = PaceState::default();
        // Nothing known yet: no spacing.
        assert_eq!(pace.reserve(t0), t0);
        pace.sent();
        pace.answered(t0, headers(20, 19, 5));
        // 20 per 5 s: 250 ms apart, plus the margin; a burst of 20 / 2 = 10 goes at once.
        let slots: Vec<u128> = (0..13)
            .map(|_| (pace.reserve(t0) - t0).as_millis())
            .collect();
        assert_eq!(slots, vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 510, 765]);
        // The burst comes back at the same rate: 1.02 s later, four more go at once.
        let later = t0 + Duration::from_millis(765 + 1020);
        let slots: Vec<u128> = (0..5)
            .map(|_| (pace.reserve(later) - later).as_millis())
            .collect();
        assert_eq!(slots, vec![0, 0, 0, 0, 255]);
        // Without rate-limit headers nothing changes.
        pace.answered(t0, RateHeaders::from_headers(&HeaderMap::new()));
        assert_eq!(pace.blocked_until(t0), None);
    }

    #[test]
    fn pacer_stops_at_an_empty_window_and_narrows_its_end() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut pace = PaceState::default();
        pace.sent();
        pace.answered(t0, headers(3, 2, 5));
        // The window really ends at t0 + 4.6 s: a second answer 0.5 s later says "5" too
        // (rounded up from 4.1), which narrows the end to t0 + 5 s at most...
        pace.sent();
        pace.answered(t0 + ms(500), headers(3, 1, 5));
        // ...and one at 1.5 s says 4 (from 3.1): at most t0 + 5.5 s, so 5 s stays.
        pace.sent();
        pace.sent();
        pace.answered(t0 + ms(1500), headers(3, 0, 4));
        assert_eq!(pace.blocked_until(t0 + ms(1500)), Some(t0 + ms(5050)));
        assert_eq!(pace.reserve(t0 + ms(1600)), t0 + ms(5050));
        // One request is still in flight: an answer with one left must stop the others too.
        let mut pace = PaceState::default();
        pace.sent();
        pace.sent();
        pace.answered(t0, headers(100, 1, 60));
        assert_eq!(pace.blocked_until(t0), Some(t0 + ms(60_050)));
    }

    /// Drives the pacer against the simulator's own fixed-window limiter with a made-up
    /// clock: a long run at parallelism 4 with 15 ms per request gets no 429 and at least
    /// 90 % of the allowed rate.
    #[test]
    fn pacer_against_a_fixed_window_limiter() {
        use combell_sim::ratelimit::{RateLimit, RateLimiter};
        for (limit, window_secs, requests) in [(20u32, 5u64, 200usize), (100, 60, 450)] {
            let mut limiter = RateLimiter::new(Some(RateLimit {
                limit,
                window: Duration::from_secs(window_secs),
            }));
            let t0 = Instant::now();
            let latency = Duration::from_millis(15);
            let mut pace = PaceState::default();
            // Each worker: when it is next ready to ask for a slot.
            let mut ready = [t0; 4];
            let (mut refused, mut last_answer) = (0, t0);
            for _ in 0..requests {
                let (worker, now) = ready
                    .iter()
                    .copied()
                    .enumerate()
                    .min_by_key(|(_, at)| *at)
                    .unwrap();
                let mut at = pace.reserve(now);
                while let Some(until) = pace.blocked_until(at) {
                    at = until;
                }
                pace.sent();
                let server_ms = (at + latency / 2 - t0).as_millis() as i64;
                let decision = limiter.check("k", server_ms).unwrap();
                if !decision.allowed {
                    refused += 1;
                }
                let answered_at = at + latency;
                pace.answered(
                    answered_at,
                    headers(
                        decision.limit.into(),
                        decision.remaining.into(),
                        decision.reset_secs,
                    ),
                );
                ready[worker] = answered_at;
                last_answer = last_answer.max(answered_at);
            }
            assert_eq!(refused, 0, "{limit}/{window_secs}s");
            let allowed_rate = f64::from(limit) / window_secs as f64;
            let achieved = requests as f64 / (last_answer - t0).as_secs_f64();
            assert!(
                achieved >= 0.9 * allowed_rate,
                "{limit}/{window_secs}s: {achieved:.3}/s of {allowed_rate:.3}/s"
            );
        }
    }

    #[tokio::test]
    async fn pacer_wait_honours_cancellation() {
        let pacer = Pacer::default();
        pacer.block_for(Duration::from_secs(3600));
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert!(pacer.wait(&cancel).await.is_none());
        let free = Pacer::default();
        let guard = free.wait(&CancellationToken::new()).await;
        assert!(guard.is_some());
        assert_eq!(free.state().in_flight, 1);
        drop(guard);
        assert_eq!(free.state().in_flight, 0);
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
