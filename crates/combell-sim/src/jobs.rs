//! Provisioning jobs: what a 202 create leaves to poll at `GET /v2/provisioningjobs/{jobId}`.
//! 200 with `ongoing` (and an estimate) until due, then 201 with `resource_links` and a
//! `Location`; a job armed to fail answers 200 with `failed` for ever after.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::ApiError;
use crate::handler::{answer, with_location};
use crate::shared::Shared;
use crate::state::{Job, JobStatus, JobWork, SimState};

/// What a poll shows of a job at a given moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobAnswer {
    pub id: String,
    pub status: JobStatus,
    /// ISO-8601, like Combell's .NET-style `2019-10-20T18:43:54.0070000Z`.
    pub estimate: String,
    /// Set once the job has finished.
    pub resource_links: Option<Vec<String>>,
}

/// Seven fractional digits and `Z`, one of the forms Combell sends.
pub fn iso8601(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(t) => format!(
            "{}.{:07}Z",
            t.format("%Y-%m-%dT%H:%M:%S"),
            t.timestamp_subsec_nanos() / 100
        ),
        None => "1970-01-01T00:00:00.0000000Z".to_string(),
    }
}

impl SimState {
    /// Queues `work` to happen `duration_ms` from `now_ms`; returns the new job's UUID.
    pub fn create_job(&mut self, work: JobWork, now_ms: i64, duration_ms: i64) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let will_fail = self.fail_next_jobs > 0;
        self.fail_next_jobs = self.fail_next_jobs.saturating_sub(1);
        self.jobs.push(Job {
            id: id.clone(),
            work,
            created_ms: now_ms,
            due_ms: now_ms.saturating_add(duration_ms.max(0)),
            status: JobStatus::Ongoing,
            will_fail,
            resource_links: Vec::new(),
        });
        id
    }

    /// The job as a poll sees it; the caller has already let due jobs finish.
    pub fn job_answer(&self, id: &str, _now_ms: i64) -> Result<JobAnswer, ApiError> {
        let job = self
            .jobs
            .iter()
            .find(|j| j.id.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| {
                ApiError::not_found(
                    "provisioning_job_not_found",
                    format!("Provisioning job '{id}' does not exist."),
                )
            })?;
        Ok(JobAnswer {
            id: job.id.clone(),
            status: job.status,
            estimate: iso8601(job.due_ms),
            resource_links: (job.status == JobStatus::Finished).then(|| job.resource_links.clone()),
        })
    }
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(job_id): Path<String>,
) -> Response {
    let job = shared.read(|s| s.job_answer(&job_id, crate::shared::now_ms()));
    answer(job, |job| match job.resource_links {
        Some(links) => {
            let location = links.first().cloned().unwrap_or_else(|| "/v2".to_string());
            let body = Json(json!({"id": job.id, "resource_links": links}));
            with_location((StatusCode::CREATED, body).into_response(), &location)
        }
        None => Json(json!({
            "id": job.id,
            "status": job.status,
            "completion": {"estimate": job.estimate},
        }))
        .into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work() -> JobWork {
        JobWork::CreateAccount {
            account_id: 5000,
            identifier: "jobs.example".into(),
            servicepack_id: 11,
        }
    }

    #[test]
    fn estimates_have_seven_fraction_digits() {
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.1230000Z");
    }

    #[test]
    fn ongoing_then_finished() {
        let mut state = SimState::seed();
        let id = state.create_job(work(), 0, 100);
        let answer = state.job_answer(&id, 0).unwrap();
        assert_eq!(answer.status, JobStatus::Ongoing);
        assert_eq!(answer.resource_links, None);
        state.advance(100);
        let answer = state.job_answer(&id.to_uppercase(), 100).unwrap();
        assert_eq!(answer.status, JobStatus::Finished);
        assert_eq!(
            answer.resource_links,
            Some(vec!["/v2/accounts/5000".into()])
        );
    }

    #[test]
    fn an_armed_job_fails_and_creates_nothing() {
        let mut state = SimState::seed();
        state.fail_next_jobs = 1;
        let failing = state.create_job(work(), 0, 0);
        let next = state.create_job(work(), 0, 10);
        state.advance(0);
        assert_eq!(
            state.job_answer(&failing, 0).unwrap().status,
            JobStatus::Failed
        );
        assert!(!state.accounts.iter().any(|a| a.id == 5000));
        state.advance(10);
        assert_eq!(
            state.job_answer(&next, 10).unwrap().status,
            JobStatus::Finished
        );
        assert!(state.job_answer("nope", 0).is_err());
    }
}
