//! `combell-sim`: an in-memory simulator of the Combell API v2, faithful in everything a client
//! can observe (HMAC auth, rate-limit and paging headers, error bodies, provisioning jobs, DNS
//! record normalisation), so the provider and its tests run offline.
//!
//! Layout: [`state`] holds the world and its persistence; one file per API area ([`accounts`],
//! [`servicepacks`], [`jobs`], [`dns`]) adds that area's operations to the state and its thin HTTP
//! handlers; `http` assembles the router with the cross-cutting gate (auth, rate limit, stats)
//! and the admin endpoints under `/_sim` (`admin`), which no Combell path can reach: stats,
//! reset, fault rules ([`faults`]) and job fail/cancel.
//!
//! Adding an operation: put its state change in the area's file as a method on [`SimState`]
//! (validate everything first, then change, so a refusal leaves nothing half done), add a thin
//! handler beside it, and one `.route(...)` line in `http`. Auth, rate limit, stats and the
//! state file then apply without further work.

pub mod accounts;
mod admin;
pub mod auth;
pub mod dns;
pub mod domainssl;
pub mod error;
pub mod estate;
pub mod faults;
mod handler;
mod http;
pub mod jobs;
pub mod linux;
pub mod mailmysql;
pub mod paging;
pub mod ratelimit;
pub mod servicepacks;
pub mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use self::auth::NonceStore;
pub use self::auth::SigningMode;
use self::error::ApiError;
pub use self::faults::FaultRule;
use self::faults::FaultSet;
pub use self::ratelimit::RateLimit;
use self::ratelimit::RateLimiter;
use self::state::SimState;

/// How to run a simulator; `Default` gives the command line's defaults.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub api_key: String,
    pub api_secret: String,
    pub job_duration: Duration,
    /// `None` switches rate limiting off.
    pub rate_limit: Option<RateLimit>,
    pub state_file: Option<PathBuf>,
    /// Fault rules in force from the start (`--fault`); more come and go at `/_sim/faults`.
    pub faults: Vec<FaultRule>,
    /// Makes which requests a rule with a `rate` hits repeatable (`--fault-seed`).
    pub fault_seed: Option<u64>,
    /// Which readings of the signed path are accepted (`--signing`).
    pub signing: SigningMode,
    /// How many more accounts, each with one of everything, the seed holds (`--seed-estate`).
    pub seed_estate: u32,
    /// A DNS record PUT gives the record a new id (`--dns-put-renumbers`). Whether Combell keeps
    /// a record's id across a PUT has not been observed: the provider must work either way.
    pub dns_put_renumbers: bool,
}

pub const DEFAULT_API_KEY: &str = "sim-key";
pub const DEFAULT_API_SECRET: &str = "sim-secret";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.to_string(),
            api_secret: DEFAULT_API_SECRET.to_string(),
            job_duration: Duration::from_secs(2),
            rate_limit: Some(RateLimit {
                limit: 100,
                window: Duration::from_secs(60),
            }),
            state_file: None,
            faults: Vec::new(),
            fault_seed: None,
            signing: SigningMode::Either,
            seed_estate: 0,
            dns_put_renumbers: false,
        }
    }
}

impl SimConfig {
    /// For tests: quick jobs (100 ms) and no rate limit, otherwise the defaults.
    pub fn for_tests() -> Self {
        SimConfig {
            job_duration: Duration::from_millis(100),
            rate_limit: None,
            ..SimConfig::default()
        }
    }
}

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The `--state` file exists but cannot be read or parsed, or cannot be written.
    #[error("{0}")]
    StateFile(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Reads `250ms`, `2s`, `1m`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration like 500ms, 2s or 1m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "s" => Ok(Duration::from_secs(value)),
        "m" => value
            .checked_mul(60)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("'{text}' is too long")),
        _ => Err(format!(
            "'{text}' has an unknown unit; use ms, s or m (500ms, 2s, 1m)"
        )),
    }
}

/// Reads `100/60s` or `off`.
pub fn parse_rate_limit(text: &str) -> Result<Option<RateLimit>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (limit, window) = text
        .split_once('/')
        .ok_or_else(|| format!("'{text}' is not a rate limit like 100/60s or off"))?;
    let limit: u32 = limit
        .trim()
        .parse()
        .map_err(|_| format!("'{limit}' is not a whole number of requests"))?;
    let window = parse_duration(window)?;
    if limit == 0 || window.is_zero() {
        return Err(format!(
            "'{text}': the limit and the window must be above zero (or use off)"
        ));
    }
    Ok(Some(RateLimit { limit, window }))
}

/// Counts of `/v2` requests, by method, by route template and by answer (`dropped` for
/// connections a fault closed unanswered); and of signatures, by the reading they matched
/// (`both` when the readings agree) or refused as not matching any accepted reading.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    total: u64,
    by_method: BTreeMap<String, u64>,
    by_route: BTreeMap<String, u64>,
    by_status: BTreeMap<String, u64>,
    signed_by_reading: BTreeMap<String, u64>,
    signatures_refused: u64,
}

impl Stats {
    fn record(&mut self, method: &str, route: &str) {
        self.total += 1;
        *self.by_method.entry(method.to_string()).or_default() += 1;
        *self
            .by_route
            .entry(format!("{method} {route}"))
            .or_default() += 1;
    }

    fn record_status(&mut self, status: &str) {
        *self.by_status.entry(status.to_string()).or_default() += 1;
    }

    fn record_signature(&mut self, matched: Option<auth::Matched>) {
        match matched {
            Some(reading) => {
                *self
                    .signed_by_reading
                    .entry(reading.name().to_string())
                    .or_default() += 1
            }
            None => self.signatures_refused += 1,
        }
    }

    fn to_json(&self, mode: SigningMode) -> serde_json::Value {
        let mut by_reading = json!({"both": 0, "official": 0, "spec": 0});
        for (reading, count) in &self.signed_by_reading {
            by_reading[reading] = json!(count);
        }
        json!({
            "total": self.total,
            "by_method": self.by_method,
            "by_route": self.by_route,
            "by_status": self.by_status,
            "signing": {
                "mode": mode.name(),
                "accepted_by_reading": by_reading,
                "refused": self.signatures_refused,
            },
        })
    }
}

/// What every handler shares. One lock per concern; none is held across an await.
pub(crate) struct Shared {
    config: SimConfig,
    state: Mutex<SimState>,
    nonces: Mutex<NonceStore>,
    limiter: Mutex<RateLimiter>,
    stats: Mutex<Stats>,
    faults: Mutex<FaultSet>,
}

/// A poisoned lock only means another request panicked mid-way; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Shared {
    fn persist(&self, state: &SimState) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = state.save(path) {
                hclog::error(
                    "sim",
                    "cannot write the state file",
                    &[
                        ("path", json!(path.display().to_string())),
                        ("error", json!(e.to_string())),
                    ],
                );
            }
        }
    }

    fn locked_state(&self) -> MutexGuard<'_, SimState> {
        let mut state = lock(&self.state);
        if state.advance(now_ms()) {
            self.persist(&state);
        }
        state
    }

    /// Runs a read-only operation on the current state (jobs brought up to date first).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let state = self.locked_state();
        f(&state)
    }

    /// Runs a changing operation; the state file is rewritten only when it succeeded, and a
    /// failed operation leaves no partial change because operations validate before they write.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut SimState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut state = self.locked_state();
        let result = f(&mut state);
        if result.is_ok() {
            self.persist(&state);
        }
        result
    }

    pub(crate) fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Makes one more of the next created jobs fail; returns how many are armed.
    fn arm_job_failure(&self) -> u32 {
        let mut state = self.locked_state();
        state.fail_next_jobs = state.fail_next_jobs.saturating_add(1);
        self.persist(&state);
        state.fail_next_jobs
    }

    fn reset(&self) {
        let mut state = lock(&self.state);
        *state = SimState::seed_for(&self.config);
        self.persist(&state);
        drop(state);
        *lock(&self.stats) = Stats::default();
        lock(&self.limiter).clear();
    }
}

/// A simulator serving in the background. Dropping it stops the server.
pub struct RunningSim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v2`, what `COMBELL_ENDPOINT` should be.
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// `http://127.0.0.1:PORT`, where `/_sim/...` lives.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// A copy of the current state, for assertions in tests.
    pub fn snapshot(&self) -> SimState {
        self.shared.locked_state().clone()
    }

    /// What `GET /_sim/stats` answers.
    pub fn stats(&self) -> serde_json::Value {
        admin::stats_json(&self.shared)
    }

    /// What `POST /_sim/faults` does; returns the rule's id.
    pub fn add_fault(&self, rule: FaultRule) -> u64 {
        lock(&self.shared.faults).add(rule)
    }

    /// What `DELETE /_sim/faults` does.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// What `POST /_sim/reset` does.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// What `POST /_sim/jobs/fail-next` does: the next job created ends `failed`.
    pub fn fail_next_job(&self) {
        self.shared.arm_job_failure();
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Resolves when the server has stopped (for the binary: never, unless it failed).
    pub async fn wait(&mut self) {
        if let Some(task) = self.task.as_mut() {
            let _ = task.await;
            self.task = None;
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Loads or seeds the state, binds the listener and serves in a background task.
pub async fn start(config: SimConfig) -> Result<RunningSim, String> {
    let state = match &config.state_file {
        Some(path) => match SimState::load(path)? {
            Some(state) => state,
            None => {
                let seed = SimState::seed_for(&config);
                seed.save(path)
                    .map_err(|e| format!("cannot write state file {}: {e}", path.display()))?;
                seed
            }
        },
        None => SimState::seed_for(&config),
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let shared = Arc::new(Shared {
        limiter: Mutex::new(RateLimiter::new(config.rate_limit)),
        faults: Mutex::new(FaultSet::new(config.faults.clone(), config.fault_seed)),
        config,
        state: Mutex::new(state),
        nonces: Mutex::new(NonceStore::default()),
        stats: Mutex::new(Stats::default()),
    });
    let router = http::router(shared.clone());
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let task = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<faults::KillSwitch>();
        let served = axum::serve(faults::FaultListener(listener), service)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
        if let Err(e) = served {
            hclog::error("sim", "server stopped", &[("error", json!(e.to_string()))]);
        }
    });
    hclog::debug("sim", "listening", &[("addr", json!(addr.to_string()))]);
    Ok(RunningSim {
        addr,
        shared,
        cancel,
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_documented_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("3m"), Ok(Duration::from_secs(180)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        for bad in ["", "s", "2h", "-1s", "1.5s", "99999999999999999999m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rate_limits_parse_or_switch_off() {
        assert_eq!(
            parse_rate_limit("100/60s"),
            Ok(Some(RateLimit {
                limit: 100,
                window: Duration::from_secs(60)
            }))
        );
        assert_eq!(parse_rate_limit("OFF"), Ok(None));
        for bad in ["100", "0/60s", "10/0s", "x/1s", "10/1h"] {
            assert!(parse_rate_limit(bad).is_err(), "{bad:?}");
        }
    }
}
