//! Waiting for a Combell provisioning job from a resource: the one place that logs the wait's
//! progress and tells a failed job (nothing was created) from a wait that ended early (the job
//! may still complete, so the object must stay in the state).

use std::time::Duration;

use serde_json::json;

use combell_api::{self as client, CancellationToken, Client, JobOutcome, JobProgress};

/// Why a wait for a provisioning job ended without the object it creates.
pub(crate) enum WaitError {
    /// The job failed or was cancelled at Combell: nothing was created.
    Failed(client::Error),
    /// Timeout, Ctrl-C or a network failure: the job may still complete.
    Unfinished(client::Error),
    /// The job finished but the object it names cannot be found.
    Vanished(String),
}

/// Waits for `job_id` within `limit`, logging every poll at info level as `message`, with the
/// object's `subject` (field name and value) beside the job's status, estimate and time waited.
pub(crate) async fn wait_logged(
    client: &Client,
    job_id: &str,
    limit: Duration,
    cancel: &CancellationToken,
    module: &str,
    message: &str,
    subject: (&str, &str),
) -> Result<JobOutcome, WaitError> {
    let on_progress = |p: &JobProgress| {
        hclog::info(
            module,
            message,
            &[
                (subject.0, json!(subject.1)),
                ("job_id", json!(p.job_id)),
                ("status", json!(p.status)),
                ("estimate", json!(p.estimate.map(|e| e.to_rfc3339()))),
                ("waited_s", json!(p.waited.as_secs())),
            ],
        );
    };
    match client
        .wait_for_job(job_id, limit, cancel, on_progress)
        .await
    {
        Ok(outcome) => Ok(outcome),
        Err(err @ client::Error::JobFailed { .. }) => Err(WaitError::Failed(err)),
        Err(err) => Err(WaitError::Unfinished(err)),
    }
}
