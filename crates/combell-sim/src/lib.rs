//! `combell-sim`: an in-memory simulator of the Combell API v2, faithful in everything a client
//! can observe (HMAC auth, rate-limit and paging headers, error bodies, provisioning jobs, DNS
//! record normalisation), so the provider and its tests run offline.
//!
//! Layout, in layers, each importing only those below it:
//! - at the bottom, what knows no state: [`error`], the name rules (`names`), `parse`,
//!   [`auth`], [`ratelimit`], [`faults`], and `config` ([`SimConfig`]);
//! - [`state`]: the world as stored (every area's records, the seed) and its persistence;
//! - `shared`: what every handler shares (the state, nonces, limiter, stats and faults behind
//!   their locks), then `handler` and [`paging`], the readers and answer shapes of handlers;
//! - one file or folder per API area ([`accounts`], [`servicepacks`], [`jobs`], [`dns`],
//!   [`linux`], [`mailmysql`], [`domainssl`], [`estate`]): its operations on the state and its
//!   thin HTTP handlers; and `admin`, the endpoints under `/_sim`, which no Combell path can
//!   reach: stats, reset, fault rules and job fail/cancel;
//! - `http` at the top: the router, with the cross-cutting gate (auth, rate limit, stats).

pub mod accounts;
mod admin;
pub mod auth;
mod config;
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
mod names;
pub mod paging;
mod parse;
pub mod ratelimit;
pub mod servicepacks;
mod shared;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use self::auth::NonceStore;
pub use self::auth::SigningMode;
pub use self::config::{SimConfig, DEFAULT_API_KEY, DEFAULT_API_SECRET};
pub use self::faults::FaultRule;
use self::faults::FaultSet;
pub use self::parse::{parse_duration, parse_rate_limit};
pub use self::ratelimit::RateLimit;
use self::ratelimit::RateLimiter;
use self::shared::{lock, Shared, Stats};
use self::state::SimState;

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
