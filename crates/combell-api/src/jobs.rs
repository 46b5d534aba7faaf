//! The one provisioning-job waiter (API-SUMMARY.md §1.7): poll `GET /provisioningjobs/{id}`
//! until 201 (done), a terminal failure, the caller's deadline, or cancellation.
//!
//! Combell asks never to re-submit a provisioning while its job is unfinished, so every error
//! here names the job and how long it was waited for: the caller can tell the user what to
//! look for instead of creating a duplicate.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::location::parse_location;
use super::transport::Request;
use super::{api_path, Client, Error};

/// How often a job is polled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobPollConfig {
    /// Shortest wait between polls, even when the estimate says "now".
    pub min_interval: Duration,
    /// Longest wait between polls, even when the estimate is far away.
    pub max_interval: Duration,
}

impl Default for JobPollConfig {
    fn default() -> Self {
        JobPollConfig {
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
        }
    }
}

/// A finished job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOutcome {
    pub job_id: String,
    /// Links to the created resources (`/v2/accounts/123`); the last segment is the id.
    pub resource_links: Vec<String>,
    /// The `Location` of the 201, if any.
    pub location: Option<String>,
}

impl JobOutcome {
    /// The id or name of the created resource: the last segment of the first resource link,
    /// or of the `Location` when the job listed no links.
    pub fn resource_id(&self) -> Option<String> {
        self.resource_links
            .iter()
            .chain(self.location.iter())
            .find_map(|link| parse_location(link).ok())
            .map(|loc| loc.id)
    }
}

/// What the waiter saw at each poll, for progress logs.
#[derive(Clone, Debug)]
pub struct JobProgress {
    pub job_id: String,
    pub status: String,
    pub estimate: Option<DateTime<Utc>>,
    pub waited: Duration,
    pub polls: u32,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireJob {
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) completion: Option<WireCompletion>,
    #[serde(default)]
    pub(crate) resource_links: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireCompletion {
    #[serde(default)]
    pub(crate) estimate: Option<String>,
}

/// Reads `completion.estimate`: RFC 3339 with any number of fractional digits, or without a
/// time zone, which is taken as UTC (the poll interval is clamped, so an offset of a few
/// hours only changes how soon the next poll happens).
pub fn parse_estimate(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

/// Polls land this long after the estimate, so that a job due exactly then is done.
pub const ESTIMATE_SLACK: Duration = Duration::from_millis(100);

/// The wait before poll number `polls + 1`.
///
/// - With an estimate in the future: wait until just after it, but no longer than
///   `max_interval` (the estimate may move), so a 5-minute job takes about 5 min / 30 s = 10
///   polls and is seen done within [`ESTIMATE_SLACK`] of its estimate.
/// - Once the estimate has passed: poll every `min_interval` at first, backing off as the job
///   gets more overdue (a tenth of the delay so far), so a job a little late is still seen
///   within `min_interval`, and one that is very late costs few polls.
/// - Without an estimate: exponential backoff from `min_interval`.
///
/// Always within `[min_interval, max_interval]`.
pub fn next_poll_delay(
    config: &JobPollConfig,
    polls: u32,
    now: DateTime<Utc>,
    estimate: Option<DateTime<Utc>>,
) -> Duration {
    let ceiling = config.max_interval.max(config.min_interval);
    let wanted = match estimate {
        Some(at) => match (at - now).to_std() {
            Ok(left) if !left.is_zero() => left + ESTIMATE_SLACK,
            _ => (now - at).to_std().unwrap_or_default() / 10,
        },
        None => config
            .min_interval
            .saturating_mul(1u32 << polls.saturating_sub(1).min(16)),
    };
    wanted.clamp(config.min_interval, ceiling)
}

impl Client {
    /// Waits for a provisioning job, given its id or the `Location` that points at it.
    ///
    /// `deadline` bounds the whole wait; `on_progress` is called after every poll that found
    /// the job still running.
    pub async fn wait_for_job(
        &self,
        job_id_or_location: &str,
        deadline: Duration,
        cancel: &CancellationToken,
        mut on_progress: impl FnMut(&JobProgress),
    ) -> Result<JobOutcome, Error> {
        let job_id = job_id_from(job_id_or_location)?;
        let started = Instant::now();
        let give_up_at = started + deadline;
        let request = Request::new(Method::GET, api_path(&["provisioningjobs", &job_id])?);
        let watch = Watch {
            started,
            give_up_at,
            cancel,
        };
        let mut polls = 0u32;
        let mut last_status = String::from("not polled yet");
        loop {
            polls += 1;
            let response = match watch.run(self.send(&request, cancel)).await {
                Watched::Done(Err(err)) if err.is_cancelled() => {
                    return Err(watch.stopped(job_id, Stop::Cancelled, last_status))
                }
                Watched::Done(response) => response?,
                Watched::Stopped(stop) => return Err(watch.stopped(job_id, stop, last_status)),
            };
            let job: WireJob = if response.body.iter().all(u8::is_ascii_whitespace) {
                WireJob::default()
            } else {
                response.json()?
            };
            let location = response.header("location").map(str::to_string);
            let status = job
                .status
                .as_deref()
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            if response.status == 201 || status == "finished" {
                // What the job created appears in some list only now.
                self.caches().invalidate_all();
                hclog::debug(
                    "client",
                    "provisioning job finished",
                    &[
                        ("job_id", json!(job_id)),
                        ("waited_ms", json!(started.elapsed().as_millis() as u64)),
                    ],
                );
                return Ok(JobOutcome {
                    job_id,
                    resource_links: job.resource_links.unwrap_or_default(),
                    location,
                });
            }
            if response.status != 200 {
                return Err(response.unexpected(&format!(
                    "provisioning job {job_id} answered HTTP {} (expected 200 or 201)",
                    response.status
                )));
            }
            if status == "failed" || status == "cancelled" {
                return Err(Error::JobFailed {
                    job_id,
                    status,
                    waited: started.elapsed(),
                });
            }
            // `ongoing`, or a status this client does not know yet: keep waiting.
            last_status = if status.is_empty() {
                "unknown".into()
            } else {
                status
            };
            let estimate = job
                .completion
                .and_then(|c| c.estimate)
                .and_then(|text| parse_estimate(&text));
            hclog::debug(
                "client",
                "provisioning job still running",
                &[
                    ("job_id", json!(job_id)),
                    ("status", json!(last_status)),
                    ("polls", json!(polls)),
                    ("waited_ms", json!(started.elapsed().as_millis() as u64)),
                ],
            );
            on_progress(&JobProgress {
                job_id: job_id.clone(),
                status: last_status.clone(),
                estimate,
                waited: started.elapsed(),
                polls,
            });
            let delay = next_poll_delay(&self.inner.job_poll, polls, Utc::now(), estimate);
            match watch.run(tokio::time::sleep(delay)).await {
                Watched::Done(()) => {}
                Watched::Stopped(stop) => return Err(watch.stopped(job_id, stop, last_status)),
            }
        }
    }
}

/// What a step of the wait came to: done, or stopped by the caller or the deadline.
enum Watched<T> {
    Done(T),
    Stopped(Stop),
}

enum Stop {
    Cancelled,
    Deadline,
}

/// The two ends of a wait for a job: the caller's cancellation and the deadline.
struct Watch<'a> {
    started: Instant,
    give_up_at: Instant,
    cancel: &'a CancellationToken,
}

impl Watch<'_> {
    /// Runs one step of the wait (a poll, or the pause between two) unless the wait ends first.
    async fn run<T>(&self, step: impl std::future::Future<Output = T>) -> Watched<T> {
        tokio::select! {
            _ = self.cancel.cancelled() => Watched::Stopped(Stop::Cancelled),
            _ = tokio::time::sleep_until(self.give_up_at.into()) => Watched::Stopped(Stop::Deadline),
            done = step => Watched::Done(done),
        }
    }

    /// The error of a wait that `stop` ended.
    fn stopped(&self, job_id: String, stop: Stop, last_status: String) -> Error {
        let waited = self.started.elapsed();
        match stop {
            Stop::Deadline => Error::JobDeadline {
                job_id,
                last_status,
                waited,
            },
            Stop::Cancelled => Error::JobCancelled { job_id, waited },
        }
    }
}

/// The job id from an id or a `Location` (`/v2/provisioningjobs/<id>`, relative or absolute).
fn job_id_from(job_id_or_location: &str) -> Result<String, Error> {
    let text = job_id_or_location.trim();
    if text.is_empty() {
        return Err(Error::Invalid("empty provisioning job id".into()));
    }
    if text.contains('/') {
        Ok(parse_location(text)?.id)
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2019, 10, 20, h, m, s).unwrap()
    }

    #[test]
    fn estimates_in_every_seen_form() {
        let expected = at(18, 43, 54) + chrono::Duration::milliseconds(7);
        assert_eq!(parse_estimate("2019-10-20T18:43:54.007"), Some(expected));
        assert_eq!(
            parse_estimate("2019-10-20T18:43:54.0070000Z"),
            Some(expected)
        );
        assert_eq!(
            parse_estimate("2019-10-20T20:43:54.007+02:00"),
            Some(expected)
        );
        assert_eq!(parse_estimate("2019-10-20T18:43:54"), Some(at(18, 43, 54)));
        assert_eq!(parse_estimate("2019-10-20T18:43:54Z"), Some(at(18, 43, 54)));
        assert_eq!(parse_estimate("soon"), None);
        assert_eq!(parse_estimate(""), None);
    }

    #[test]
    fn backoff_schedule_without_estimate() {
        let config = JobPollConfig::default();
        let now = at(12, 0, 0);
        let delays: Vec<u64> = (1..=8)
            .map(|polls| next_poll_delay(&config, polls, now, None).as_secs())
            .collect();
        assert_eq!(delays, vec![1, 2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn estimate_is_used_within_floor_and_ceiling() {
        let config = JobPollConfig::default();
        let now = at(12, 0, 0);
        let ms = Duration::from_millis;
        assert_eq!(
            next_poll_delay(&config, 1, now, Some(at(12, 0, 10))),
            ms(10_100)
        );
        assert_eq!(
            next_poll_delay(&config, 1, now, Some(at(13, 0, 0))),
            Duration::from_secs(30)
        );
        assert_eq!(
            next_poll_delay(
                &config,
                1,
                now,
                Some(now + chrono::Duration::milliseconds(10))
            ),
            Duration::from_secs(1)
        );
        // Overdue: every second at first, then a tenth of the delay, up to the ceiling.
        assert_eq!(
            next_poll_delay(&config, 9, now, Some(at(11, 59, 55))),
            ms(1000)
        );
        assert_eq!(
            next_poll_delay(&config, 9, now, Some(at(11, 59, 0))),
            ms(6000)
        );
        assert_eq!(
            next_poll_delay(&config, 9, now, Some(at(11, 0, 0))),
            Duration::from_secs(30)
        );
    }

    /// Replays the waiter's schedule with a made-up clock: (polls, seconds from the job's
    /// end to the poll that saw it) for a job that ends at `ends` and reports `estimate`.
    fn replay(ends: f64, estimate: Option<f64>) -> (u32, f64) {
        let config = JobPollConfig::default();
        let start = at(12, 0, 0);
        let to_time = |secs: f64| start + chrono::Duration::milliseconds((secs * 1000.0) as i64);
        let mut now = 0.0;
        let mut polls = 0;
        loop {
            polls += 1;
            if now >= ends {
                return (polls, now - ends);
            }
            let delay = next_poll_delay(&config, polls, to_time(now), estimate.map(to_time));
            now += delay.as_secs_f64();
        }
    }

    #[test]
    fn a_five_minute_job_is_seen_quickly_with_few_polls() {
        // The estimate is right.
        let (polls, late) = replay(300.0, Some(300.0));
        assert!(
            polls <= 15 && late <= 1.0,
            "{polls} polls, {late:.2} s late"
        );
        // The job overruns its estimate by 20 s: seen within a tenth of the overrun.
        let (polls, late) = replay(320.0, Some(300.0));
        assert!(
            polls <= 30 && late <= 2.0,
            "{polls} polls, {late:.2} s late"
        );
        // A short job.
        let (polls, late) = replay(2.0, Some(2.0));
        assert!(polls <= 3 && late <= 1.0, "{polls} polls, {late:.2} s late");
    }

    #[test]
    fn fast_config_for_simulators() {
        let config = JobPollConfig {
            min_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
        };
        let now = at(12, 0, 0);
        assert_eq!(
            next_poll_delay(&config, 10, now, None),
            Duration::from_millis(50)
        );
    }

    #[test]
    fn resource_id_prefers_links() {
        let outcome = JobOutcome {
            job_id: "j".into(),
            resource_links: vec!["/v2/mysqldatabases/ID909001_tests".into()],
            location: Some("/v2/other/1".into()),
        };
        assert_eq!(outcome.resource_id().as_deref(), Some("ID909001_tests"));
        let outcome = JobOutcome {
            resource_links: Vec::new(),
            ..outcome
        };
        assert_eq!(outcome.resource_id().as_deref(), Some("1"));
        let outcome = JobOutcome {
            location: None,
            ..outcome
        };
        assert_eq!(outcome.resource_id(), None);
    }

    #[test]
    fn job_ids_from_locations() {
        assert_eq!(job_id_from("abc").unwrap(), "abc");
        assert_eq!(
            job_id_from("/v2/provisioningjobs/5f1c-aa").unwrap(),
            "5f1c-aa"
        );
        assert_eq!(
            job_id_from("https://api.combell.com/v2/provisioningjobs/5f1c-aa").unwrap(),
            "5f1c-aa"
        );
        assert!(job_id_from("  ").is_err());
    }
}
