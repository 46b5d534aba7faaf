//! The admin endpoints under `/_sim` (no Combell path starts so, and they need no signature),
//! and what the fault rules do to a request once the dice have chosen it:
//!
//! - `GET /_sim/stats`: `{"total","by_method","by_route","by_status","signing","faults"}`; every
//!   `/v2` request counts, faulted and dropped ones too (`by_status."dropped"`). `signing` has
//!   the `--signing` mode, the accepted signatures by the reading they matched
//!   (`accepted_by_reading`: `both`, `official`, `spec`) and how many were `refused` for not
//!   matching.
//! - `POST /_sim/reset`: back to the seed; clears stats and rate-limit windows, keeps faults.
//! - `GET /_sim/faults`, `POST /_sim/faults` (one rule as JSON, answers 201 with its `id`),
//!   `DELETE /_sim/faults` (all), `DELETE /_sim/faults/{id}`.
//! - `POST /_sim/jobs/fail-next`, `POST /_sim/jobs/{id}/fail`, `POST /_sim/jobs/{id}/cancel`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::{FaultBody, FaultKind, FaultRule, KillSwitch};
use crate::handler::{set_number, set_rate_limit};
use crate::shared::{lock, Shared};
use crate::state::{JobStatus, SimState};

/// A job that must never finish is due at the end of year 9999: far enough, and still a
/// date every client can parse.
const NEVER_MS: i64 = 253_402_300_799_000;

impl SimState {
    /// Ends an ongoing job as `failed` or `cancelled`; it creates nothing.
    pub fn end_job(&mut self, id: &str, status: JobStatus) -> Result<(), AdminError> {
        let job = self
            .jobs
            .iter_mut()
            .find(|j| j.id.eq_ignore_ascii_case(id.trim()))
            .ok_or(AdminError::NotFound)?;
        if job.status != JobStatus::Ongoing {
            return Err(AdminError::Conflict(job.status));
        }
        job.status = status;
        job.resource_links.clear();
        Ok(())
    }

    /// Makes an ongoing job never finish on its own.
    pub fn hang_job(&mut self, id: &str) -> bool {
        match self
            .jobs
            .iter_mut()
            .find(|j| j.id == id && j.status == JobStatus::Ongoing)
        {
            Some(job) => {
                job.due_ms = NEVER_MS;
                true
            }
            None => false,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AdminError {
    NotFound,
    Conflict(JobStatus),
}

fn admin_error(status: StatusCode, code: &str, text: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error_code": code, "error_text": text.into()})),
    )
        .into_response()
}

/// What `GET /_sim/stats` answers.
pub(crate) fn stats_json(shared: &Shared) -> Value {
    let mut stats = lock(&shared.stats).to_json(shared.config().signing);
    stats["faults"] = lock(&shared.faults).fired_json();
    stats
}

pub(crate) async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(stats_json(&shared)).into_response()
}

pub(crate) async fn reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.reset();
    hclog::debug("sim", "state reset to the seed", &[]);
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) async fn fail_next_job(State(shared): State<Arc<Shared>>) -> Response {
    let armed = shared.arm_job_failure();
    hclog::debug(
        "sim",
        "the next provisioning job will fail",
        &[("armed", json!(armed))],
    );
    Json(json!({ "armed": armed })).into_response()
}

async fn end_job(shared: &Shared, id: &str, status: JobStatus) -> Response {
    match shared.write(|s| Ok(s.end_job(id, status))) {
        Ok(Ok(())) => {
            hclog::debug(
                "sim",
                "provisioning job ended by the admin endpoint",
                &[("job_id", json!(id)), ("status", json!(status))],
            );
            Json(json!({"id": id, "status": status})).into_response()
        }
        Ok(Err(AdminError::NotFound)) => admin_error(
            StatusCode::NOT_FOUND,
            "provisioning_job_not_found",
            format!("Provisioning job '{id}' does not exist."),
        ),
        Ok(Err(AdminError::Conflict(now))) => admin_error(
            StatusCode::CONFLICT,
            "provisioning_job_not_ongoing",
            format!("Provisioning job '{id}' has already ended ({now:?})."),
        ),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn fail_job(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    end_job(&shared, &id, JobStatus::Failed).await
}

pub(crate) async fn cancel_job(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    end_job(&shared, &id, JobStatus::Cancelled).await
}

pub(crate) async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.faults).to_json()).into_response()
}

pub(crate) async fn add_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let rule = serde_json::from_slice::<Value>(&body)
        .map_err(|e| format!("the body is not JSON: {e}"))
        .and_then(|v| FaultRule::from_json(&v));
    match rule {
        Ok(rule) => {
            let id = lock(&shared.faults).add(rule);
            hclog::debug("sim", "fault rule added", &[("id", json!(id))]);
            (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
        }
        Err(text) => admin_error(StatusCode::BAD_REQUEST, "fault_invalid", text),
    }
}

pub(crate) async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    lock(&shared.faults).clear();
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) async fn remove_fault(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    let removed = id
        .parse::<u64>()
        .map(|id| lock(&shared.faults).remove(id))
        .unwrap_or(false);
    if removed {
        StatusCode::NO_CONTENT.into_response()
    } else {
        admin_error(
            StatusCode::NOT_FOUND,
            "fault_not_found",
            format!("There is no fault rule '{id}'."),
        )
    }
}

fn server_error(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(FaultBody::for_status(status))).into_response()
}

/// Carries out a fault the dice chose; `None` means drop the connection unanswered.
pub(crate) async fn apply_fault(
    shared: &Arc<Shared>,
    kind: FaultKind,
    request: Request,
    next: Next,
    switch: Option<KillSwitch>,
) -> Option<Response> {
    match kind {
        FaultKind::Status(status) => Some(server_error(status)),
        FaultKind::RateLimited { retry_after_secs } => {
            let mut response = ApiError::TooManyRequests.into_response();
            let limit = shared
                .config()
                .rate_limit
                .map(|l| u64::from(l.limit))
                .unwrap_or(100);
            let headers = response.headers_mut();
            set_number(headers, header::RETRY_AFTER, retry_after_secs);
            set_rate_limit(headers, [limit, limit, 0, retry_after_secs]);
            Some(response)
        }
        FaultKind::Drop => match switch {
            Some(switch) => {
                switch.trip();
                None
            }
            // Served without the fault listener (never by `start`): the nearest thing.
            None => Some(server_error(502)),
        },
        FaultKind::HangJob => {
            let response = next.run(request).await;
            let job = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| l.rsplit_once("/provisioningjobs/"))
                .map(|(_, id)| id.to_string());
            if let (StatusCode::ACCEPTED, Some(id)) = (response.status(), job) {
                let _ = shared.write(|s| Ok(s.hang_job(&id)));
            }
            Some(response)
        }
        FaultKind::CommitThenFail(status) => {
            let response = next.run(request).await;
            if response.status().is_success() {
                Some(server_error(status))
            } else {
                Some(response)
            }
        }
        FaultKind::CommitThenDrop => {
            let response = next.run(request).await;
            match switch {
                Some(switch) if response.status().is_success() => {
                    switch.trip();
                    None
                }
                // Served without the fault listener (never by `start`): the nearest thing.
                None if response.status().is_success() => Some(server_error(502)),
                _ => Some(response),
            }
        }
        // Latency is folded into the plan's delay and never is an outcome.
        FaultKind::Latency(_) => Some(next.run(request).await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::JobWork;

    #[test]
    fn jobs_end_once_and_hung_jobs_stay_ongoing() {
        let mut state = SimState::seed();
        let work = JobWork::CreateAccount {
            account_id: 7000,
            identifier: "admin.example".into(),
            servicepack_id: 11,
        };
        let cancelled = state.create_job(work.clone(), 0, 10);
        let hung = state.create_job(work, 0, 10);
        assert_eq!(state.end_job(&cancelled, JobStatus::Cancelled), Ok(()));
        assert_eq!(
            state.end_job(&cancelled, JobStatus::Failed),
            Err(AdminError::Conflict(JobStatus::Cancelled))
        );
        assert_eq!(
            state.end_job("nope", JobStatus::Failed),
            Err(AdminError::NotFound)
        );
        assert!(state.hang_job(&hung));
        state.advance(1_000_000_000_000);
        assert_eq!(
            state.job_answer(&hung, 0).unwrap().status,
            JobStatus::Ongoing
        );
        assert_eq!(
            state.job_answer(&cancelled, 0).unwrap().status,
            JobStatus::Cancelled
        );
        assert!(!state.accounts.iter().any(|a| a.id == 7000));
    }
}
