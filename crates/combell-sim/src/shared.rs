//! What every handler shares: the state, the nonces, the rate limiter, the counters and the
//! fault rules, each behind its own lock, and the clock.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::json;

use crate::auth::{self, NonceStore, SigningMode};
use crate::config::SimConfig;
use crate::error::ApiError;
use crate::faults::FaultSet;
use crate::ratelimit::RateLimiter;
use crate::state::SimState;

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
    pub(crate) fn record(&mut self, method: &str, route: &str) {
        self.total += 1;
        *self.by_method.entry(method.to_string()).or_default() += 1;
        *self
            .by_route
            .entry(format!("{method} {route}"))
            .or_default() += 1;
    }

    pub(crate) fn record_status(&mut self, status: &str) {
        *self.by_status.entry(status.to_string()).or_default() += 1;
    }

    pub(crate) fn record_signature(&mut self, matched: Option<auth::Matched>) {
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

    pub(crate) fn to_json(&self, mode: SigningMode) -> serde_json::Value {
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
    pub(crate) config: SimConfig,
    pub(crate) state: Mutex<SimState>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) faults: Mutex<FaultSet>,
}

/// A poisoned lock only means another request panicked mid-way; the data is still usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Shared {
    pub(crate) fn persist(&self, state: &SimState) {
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

    pub(crate) fn locked_state(&self) -> MutexGuard<'_, SimState> {
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
    pub(crate) fn arm_job_failure(&self) -> u32 {
        let mut state = self.locked_state();
        state.fail_next_jobs = state.fail_next_jobs.saturating_add(1);
        self.persist(&state);
        state.fail_next_jobs
    }

    pub(crate) fn reset(&self) {
        let mut state = lock(&self.state);
        *state = SimState::seed_for(&self.config);
        self.persist(&state);
        drop(state);
        *lock(&self.stats) = Stats::default();
        lock(&self.limiter).clear();
    }
}
