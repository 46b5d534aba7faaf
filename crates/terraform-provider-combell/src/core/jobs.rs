//! Waiting for a Combell provisioning job from a resource: the one place that logs the wait's
//! progress and tells a failed job (nothing was created) from a wait that ended early (the job
//! may still complete, so the object must stay in the state).

use std::time::Duration;

use serde_json::json;

use combell_api::{self as client, CancellationToken, Client, JobOutcome, JobProgress};
use tfplugin::Field;

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

/// What a type tells the user when the wait for its provisioning job ended early
/// (`Managed::unfinished`): the object in words and what happens next, after a create and
/// after a read that continued an earlier wait.
pub(crate) struct Unfinished {
    /// The object's kind, as the detail starts: `Database` in `Database "shop": ...`.
    pub object: &'static str,
    /// What happens next when the wait right after the create ended early.
    pub after_create: &'static str,
    /// What happens next when a read of the pending state ended early.
    pub after_read: &'static str,
    /// Whether a cancelled wait adds that Terraform asked the provider to stop.
    pub says_stop: bool,
}

impl Unfinished {
    /// The detail for the object `name`, whose wait `err` ended.
    pub(crate) fn detail(&self, name: &str, err: &client::Error, reading: bool) -> String {
        let next = if reading {
            self.after_read
        } else {
            self.after_create
        };
        let mut detail = format!("{} \"{name}\": {err}\n\n{next}", self.object);
        if self.says_stop && err.is_cancelled() {
            detail.push_str(
                "\n\nTerraform asked the provider to stop (for example after Ctrl-C) before the \
                 job finished.",
            );
        }
        detail
    }
}

/// The provisioning job that makes one object, for the log lines of its wait: the log
/// `module`, the object's kind in words (`what`, such as `database`) and its `subject` (field
/// name and value).
pub(crate) struct Provisioning<'a> {
    pub module: &'a str,
    pub what: &'a str,
    pub subject: (&'a str, &'a str),
    pub job_id: &'a str,
}

impl Provisioning<'_> {
    /// Waits for the job, as [`wait_logged`] does, logging "waiting for the <what>'s
    /// provisioning job".
    pub(crate) async fn wait(
        &self,
        client: &Client,
        limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<JobOutcome, WaitError> {
        let message = format!("waiting for the {}'s provisioning job", self.what);
        wait_logged(
            client,
            self.job_id,
            limit,
            cancel,
            self.module,
            &message,
            self.subject,
        )
        .await
    }

    /// Logs "<what> provisioned" with the subject, the job and the object's `id`.
    pub(crate) fn provisioned(&self, id: serde_json::Value) {
        hclog::info(
            self.module,
            &format!("{} provisioned", self.what),
            &[
                (self.subject.0, json!(self.subject.1)),
                ("job_id", json!(self.job_id)),
                ("id", id),
            ],
        );
    }
}

/// The job a state records while the object it makes is not known, for `Managed::pending_job`
/// of a type whose `id` is set only once its job has finished: `job` while `id` is null.
pub(crate) fn recorded_job(id: &Field<String>, job: &Field<String>) -> Option<String> {
    if id.is_null() {
        job.as_str().map(str::to_string)
    } else {
        None
    }
}
