//! Faults on demand: rules that make chosen `/v2` requests fail the ways production can, so
//! clients can be tested against them. A rule names a method and a path pattern, what goes wrong,
//! how often (`rate`, a share of matching requests) and how many times at most (`count`).
//!
//! Kinds: `500`/`502`/`503` (an error answer), `429` (rate limited, with `Retry-After` and the
//! `X-RateLimit-*` headers), `latency` (answer late by `delay`), `drop` (close the connection
//! without answering), `hang_job` (the provisioning job the request creates never finishes) and
//! `commit_then_fail` (the request takes effect, then the client gets a 5xx: the case that makes
//! naive clients create duplicates) and `commit_then_drop` (the request takes effect, then the
//! connection closes without an answer, as when a network path breaks on the way back).
//!
//! The same rule is written `kind=503,method=POST,path=/v2/dns/*/records,rate=0.5,count=3` on
//! the command line (`--fault`) and as a JSON object with those keys at `POST /_sim/faults`.
//! In a path pattern `*` stands for one segment and a final `**` for any rest; the route
//! template (`/v2/dns/{domainName}/records`) matches too.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::parse::parse_duration;

/// What goes wrong when a rule fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this 5xx instead of running the operation.
    Status(u16),
    /// Answer 429 with `Retry-After` of this many seconds.
    RateLimited { retry_after_secs: u64 },
    /// Run the operation, answering this much later.
    Latency(Duration),
    /// Close the connection without an answer.
    Drop,
    /// Run the operation; the job it creates never finishes.
    HangJob,
    /// Run the operation, then answer this 5xx instead of its success.
    CommitThenFail(u16),
    /// Run the operation, then close the connection without answering.
    CommitThenDrop,
}

impl FaultKind {
    pub fn name(&self) -> String {
        match self {
            FaultKind::Status(status) => status.to_string(),
            FaultKind::RateLimited { .. } => "429".to_string(),
            FaultKind::Latency(_) => "latency".to_string(),
            FaultKind::Drop => "drop".to_string(),
            FaultKind::HangJob => "hang_job".to_string(),
            FaultKind::CommitThenFail(_) => "commit_then_fail".to_string(),
            FaultKind::CommitThenDrop => "commit_then_drop".to_string(),
        }
    }
}

/// One rule; see the module documentation for the syntax.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// Upper-case method, or `None` for any.
    pub method: Option<String>,
    pub path: String,
    pub kind: FaultKind,
    /// Share of matching requests that fail, 0 to 1.
    pub rate: f64,
    /// How many more times the rule may fire; `None` is without end.
    pub count: Option<u64>,
}

const SERVER_ERRORS: [u16; 5] = [500, 501, 502, 503, 504];

impl FaultRule {
    /// Reads the command-line form `key=value,key=value`.
    pub fn parse(spec: &str) -> Result<FaultRule, String> {
        let mut pairs = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' in fault '{spec}' is not key=value"))?;
            pairs.push((key.trim().to_string(), value.trim().to_string()));
        }
        FaultRule::from_pairs(&pairs)
    }

    /// Reads the JSON form, an object with the same keys as the command-line form.
    pub fn from_json(value: &Value) -> Result<FaultRule, String> {
        let object = value
            .as_object()
            .ok_or_else(|| "a fault must be a JSON object".to_string())?;
        let mut pairs = Vec::new();
        for (key, value) in object {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Null => continue,
                other => return Err(format!("'{key}' must be a string or a number, not {other}")),
            };
            pairs.push((key.clone(), text));
        }
        FaultRule::from_pairs(&pairs)
    }

    fn from_pairs(pairs: &[(String, String)]) -> Result<FaultRule, String> {
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        for (key, _) in pairs {
            if ![
                "kind",
                "method",
                "path",
                "rate",
                "count",
                "delay",
                "status",
                "retry_after",
            ]
            .contains(&key.as_str())
            {
                return Err(format!(
                    "unknown fault key '{key}'; use kind, method, path, rate, count, delay, status, retry_after"
                ));
            }
        }
        let server_error = |text: &str| -> Result<u16, String> {
            text.parse::<u16>()
                .ok()
                .filter(|s| SERVER_ERRORS.contains(s))
                .ok_or_else(|| format!("status '{text}' must be one of 500, 501, 502, 503, 504"))
        };
        let kind_text = get("kind").ok_or(
            "a fault needs a kind: 500, 502, 503, 429, latency, drop, hang_job, commit_then_fail or commit_then_drop",
        )?;
        let kind = match kind_text {
            "429" => FaultKind::RateLimited {
                retry_after_secs: match get("retry_after") {
                    None => 60,
                    Some(text) => text
                        .parse::<u64>()
                        .ok()
                        .filter(|s| *s <= 86_400)
                        .ok_or_else(|| {
                            format!("retry_after '{text}' must be whole seconds up to 86400")
                        })?,
                },
            },
            "latency" => {
                let delay = parse_duration(get("delay").ok_or("a latency fault needs a delay")?)?;
                if delay > Duration::from_secs(600) {
                    return Err("a delay may be at most 10m".to_string());
                }
                FaultKind::Latency(delay)
            }
            "drop" => FaultKind::Drop,
            "hang_job" => FaultKind::HangJob,
            "commit_then_fail" => FaultKind::CommitThenFail(server_error(
                get("status").unwrap_or("500"),
            )?),
            "commit_then_drop" => FaultKind::CommitThenDrop,
            "error" => FaultKind::Status(server_error(get("status").unwrap_or("500"))?),
            other => FaultKind::Status(server_error(other).map_err(|_| {
                format!("unknown fault kind '{other}'; use 500, 502, 503, 429, latency, drop, hang_job, commit_then_fail or commit_then_drop")
            })?),
        };
        let method = match get("method") {
            None | Some("*") | Some("") => None,
            Some(m) if m.chars().all(|c| c.is_ascii_alphabetic()) => Some(m.to_ascii_uppercase()),
            Some(m) => return Err(format!("method '{m}' is not an HTTP method")),
        };
        let path = get("path").unwrap_or("/v2/**").to_string();
        if !path.starts_with('/') {
            return Err(format!("path '{path}' must start with /"));
        }
        let rate = match get("rate") {
            None => 1.0,
            Some(text) => text
                .parse::<f64>()
                .ok()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or_else(|| format!("rate '{text}' must be a number from 0 to 1"))?,
        };
        let count = match get("count") {
            None => None,
            Some(text) => Some(
                text.parse::<u64>()
                    .map_err(|_| format!("count '{text}' must be a whole number"))?,
            ),
        };
        Ok(FaultRule {
            method,
            path,
            kind,
            rate,
            count,
        })
    }

    fn matches(&self, method: &str, path: &str, template: &str) -> bool {
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        self.path == template || path_matches(&self.path, path)
    }

    fn to_json(&self, id: u64) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("id".into(), id.into());
        object.insert("kind".into(), self.kind.name().into());
        object.insert(
            "method".into(),
            self.method.clone().unwrap_or_else(|| "*".into()).into(),
        );
        object.insert("path".into(), self.path.clone().into());
        object.insert("rate".into(), self.rate.into());
        object.insert(
            "count".into(),
            self.count.map(Value::from).unwrap_or(Value::Null),
        );
        match self.kind {
            FaultKind::Status(s) | FaultKind::CommitThenFail(s) => {
                object.insert("status".into(), s.into());
            }
            FaultKind::RateLimited { retry_after_secs } => {
                object.insert("retry_after".into(), retry_after_secs.into());
            }
            FaultKind::Latency(d) => {
                object.insert("delay".into(), format!("{}ms", d.as_millis()).into());
            }
            FaultKind::Drop | FaultKind::HangJob | FaultKind::CommitThenDrop => {}
        }
        Value::Object(object)
    }
}

/// `*` is one segment, a final `**` any number of segments (none included).
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    for (i, want) in pattern.iter().enumerate() {
        if *want == "**" && i == pattern.len() - 1 {
            return path.len() >= i;
        }
        match path.get(i) {
            Some(got) if *want == "*" || want.eq_ignore_ascii_case(got) => {}
            _ => return false,
        }
    }
    pattern.len() == path.len()
}

/// What to do to one request: wait, then maybe one outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    pub delay: Duration,
    pub outcome: Option<FaultKind>,
}

/// The rules in force and the dice that decide them.
#[derive(Debug)]
pub struct FaultSet {
    rules: Vec<(u64, FaultRule)>,
    next_id: u64,
    rng: StdRng,
    /// How many times each kind fired, for `/_sim/stats`.
    fired: std::collections::BTreeMap<String, u64>,
}

impl FaultSet {
    /// `seed` makes which requests fail repeatable; without it the dice are random.
    pub fn new(rules: Vec<FaultRule>, seed: Option<u64>) -> FaultSet {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let mut set = FaultSet {
            rules: Vec::new(),
            next_id: 1,
            rng,
            fired: Default::default(),
        };
        for rule in rules {
            set.add(rule);
        }
        set
    }

    pub fn add(&mut self, rule: FaultRule) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push((id, rule));
        id
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(i, _)| *i != id);
        self.rules.len() != before
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.rules.iter().map(|(id, r)| r.to_json(*id)).collect())
    }

    pub fn fired_json(&self) -> Value {
        serde_json::to_value(&self.fired).unwrap_or(Value::Null)
    }

    /// Rolls every matching rule in order: latencies add up, the first other kind that fires
    /// decides the outcome. A rule that runs out of `count` is removed.
    pub fn plan(&mut self, method: &str, path: &str, template: &str) -> FaultPlan {
        let mut plan = FaultPlan::default();
        for (_, rule) in self.rules.iter_mut() {
            if rule.count == Some(0) || !rule.matches(method, path, template) {
                continue;
            }
            if plan.outcome.is_some() && !matches!(rule.kind, FaultKind::Latency(_)) {
                continue;
            }
            if rule.rate < 1.0 && self.rng.random::<f64>() >= rule.rate {
                continue;
            }
            if let Some(count) = rule.count.as_mut() {
                *count -= 1;
            }
            *self.fired.entry(rule.kind.name()).or_default() += 1;
            match rule.kind {
                FaultKind::Latency(d) => plan.delay = plan.delay.saturating_add(d),
                other => plan.outcome = Some(other),
            }
        }
        self.rules.retain(|(_, r)| r.count != Some(0));
        plan
    }
}

/// Lets a handler close its own connection without answering (the `drop` fault).
#[derive(Clone, Debug, Default)]
pub struct KillSwitch(Arc<AtomicBool>);

impl KillSwitch {
    pub fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn tripped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A TCP listener whose connections carry a [`KillSwitch`], reachable from requests as
/// `ConnectInfo<KillSwitch>`.
pub struct FaultListener(pub TcpListener);

/// A connection that fails every write once its switch is tripped, so the server closes it
/// before any byte of the answer leaves.
pub struct KillableStream {
    inner: TcpStream,
    switch: KillSwitch,
}

impl Listener for FaultListener {
    type Io = KillableStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (inner, addr) = Listener::accept(&mut self.0).await;
        // Small answers go out at once rather than waiting for Nagle's timer.
        let _ = inner.set_nodelay(true);
        (
            KillableStream {
                inner,
                switch: KillSwitch::default(),
            },
            addr,
        )
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for KillSwitch {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.io().switch.clone()
    }
}

fn killed() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "dropped by a fault rule",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.switch.tripped() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.switch.tripped() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The body of a fault's error answer, in Combell's single-error shape.
#[derive(Serialize)]
pub struct FaultBody {
    pub error_code: String,
    pub error_text: String,
}

impl FaultBody {
    pub fn for_status(status: u16) -> FaultBody {
        let (code, text) = match status {
            502 => ("bad_gateway", "Bad gateway."),
            503 => (
                "service_unavailable",
                "The service is temporarily unavailable.",
            ),
            504 => ("gateway_timeout", "Gateway timeout."),
            _ => (
                "internal_server_error",
                "An unexpected error occurred. Please try again later.",
            ),
        };
        FaultBody {
            error_code: code.to_string(),
            error_text: text.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_and_json_forms_agree() {
        let cli = FaultRule::parse("kind=503, method=post,path=/v2/dns/*/records,rate=0.5,count=3")
            .unwrap();
        let json = FaultRule::from_json(&serde_json::json!({
            "kind": "503", "method": "POST", "path": "/v2/dns/*/records", "rate": 0.5, "count": 3
        }))
        .unwrap();
        assert_eq!(cli, json);
        assert_eq!(cli.kind, FaultKind::Status(503));
        assert_eq!(cli.method.as_deref(), Some("POST"));
        assert_eq!(
            FaultRule::parse("kind=latency,delay=250ms").unwrap().kind,
            FaultKind::Latency(Duration::from_millis(250))
        );
        assert_eq!(
            FaultRule::parse("kind=429,retry_after=7").unwrap().kind,
            FaultKind::RateLimited {
                retry_after_secs: 7
            }
        );
        assert_eq!(
            FaultRule::parse("kind=commit_then_fail").unwrap().kind,
            FaultKind::CommitThenFail(500)
        );
        assert_eq!(
            FaultRule::parse("kind=commit_then_drop,method=POST")
                .unwrap()
                .kind,
            FaultKind::CommitThenDrop
        );
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        for bad in [
            "",
            "kind=404",
            "kind=latency",
            "kind=latency,delay=1h",
            "kind=500,rate=2",
            "kind=500,count=-1",
            "kind=500,path=v2",
            "kind=500,colour=red",
            "kind=500,method=G T",
            "kind",
            "kind=429,retry_after=x",
        ] {
            assert!(FaultRule::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FaultRule::from_json(&serde_json::json!([1])).is_err());
        assert!(FaultRule::from_json(&serde_json::json!({"kind": true})).is_err());
    }

    #[test]
    fn patterns_match_segments_and_templates() {
        assert!(path_matches("/v2/**", "/v2/accounts/1"));
        assert!(path_matches("/v2/**", "/v2"));
        assert!(path_matches(
            "/v2/dns/*/records",
            "/v2/dns/example.com/records"
        ));
        assert!(!path_matches(
            "/v2/dns/*/records",
            "/v2/dns/example.com/records/1-2"
        ));
        assert!(!path_matches("/v2/accounts", "/v2/accounts/1"));
        assert!(path_matches("/V2/Accounts", "/v2/accounts"));
        let rule = FaultRule::parse("kind=500,path=/v2/dns/{domainName}/records").unwrap();
        assert!(rule.matches(
            "GET",
            "/v2/dns/x.be/records",
            "/v2/dns/{domainName}/records"
        ));
    }

    #[test]
    fn counts_run_out_and_latency_adds_to_an_outcome() {
        let mut set = FaultSet::new(
            vec![
                FaultRule::parse("kind=latency,delay=10ms").unwrap(),
                FaultRule::parse("kind=429,count=2,method=GET").unwrap(),
                FaultRule::parse("kind=latency,delay=5ms,path=/v2/accounts").unwrap(),
            ],
            Some(1),
        );
        let plan = set.plan("GET", "/v2/accounts", "/v2/accounts");
        assert_eq!(plan.delay, Duration::from_millis(15));
        assert!(matches!(plan.outcome, Some(FaultKind::RateLimited { .. })));
        assert!(set.plan("GET", "/v2/x", "/v2/x").outcome.is_some());
        assert_eq!(set.plan("GET", "/v2/x", "/v2/x").outcome, None);
        assert_eq!(
            set.plan("POST", "/v2/x", "/v2/x").delay,
            Duration::from_millis(10)
        );
        assert_eq!(set.to_json().as_array().unwrap().len(), 2);
        assert_eq!(set.fired_json()["429"], 2);
    }

    #[test]
    fn a_seed_makes_the_dice_repeatable() {
        let outcomes = |seed| {
            let mut set = FaultSet::new(
                vec![FaultRule::parse("kind=503,rate=0.3").unwrap()],
                Some(seed),
            );
            (0..200)
                .map(|_| set.plan("GET", "/v2/a", "/v2/a").outcome.is_some())
                .collect::<Vec<_>>()
        };
        let first = outcomes(42);
        assert_eq!(first, outcomes(42));
        let failed = first.iter().filter(|f| **f).count();
        assert!((30..=90).contains(&failed), "{failed} of 200 at rate 0.3");
    }
}
