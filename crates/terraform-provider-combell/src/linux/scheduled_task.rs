//! `combell_scheduled_task`: a cron job of a Linux hosting. Import ID:
//! `<hosting domain>/<task id>`, e.g. `example.com/5001`.
//!
//! Combell creates a task synchronously (201, the id in `Location`), reads and replaces it
//! whole, and deletes it. Its cron syntax is narrower than cron's: five fields, the minute
//! `0-59` or `*/5`, `*/10`, `*/15`, `*/30`, the hour `0-23`, the day `1-31`, the month `1-12` and
//! the weekday `1-7` (Monday to Sunday), each but the minute also `*`. The expression is checked
//! at plan time. Extra spaces are sent as single ones, and a configured spelling that means
//! what Combell reads back (`0  3 * * *` for `0 3 * * *`) is kept in the state.
//!
//! Through the core's one path (`core::managed`). Tasks have no name and two may be alike, so
//! the natural key is the script location and the cron expression (spaces aside) of a task that
//! was not on the hosting before the create: the hosting's task ids are listed before the POST,
//! and after a lost answer a new task with that key is the one it made. A create is that list
//! and the POST (the id from `Location`), an update one PUT: nothing is read back, Combell
//! decides nothing the plan does not hold.

use async_trait::async_trait;

use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::managed::{Managed, Typed};
use crate::core::rules::host_name_in;
use combell_api::{self as api, CancellationToken, Client, ScheduledTask};
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Schema};

const TYPE_NAME: &str = "combell_scheduled_task";

model! {
    /// The state, plan and configuration of `combell_scheduled_task`.
    pub struct Task {
        id: String,
        domain_name: String,
        cron_expression: String,
        script_location: String,
        enabled: bool,
        task_id: String,
    }
}

pub struct ScheduledTaskResource;

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<ScheduledTaskResource> = Typed::new(ScheduledTaskResource);

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<task_id>`."),
        Attribute::string("domain_name").required().description(
            "Domain name of the Linux hosting that runs the task, such as `example.com`. \
             Changing it replaces the task.",
        ),
        Attribute::string("cron_expression").required().description(
            "When the task runs: five fields, `minute hour day-of-month month day-of-week`. \
             Combell accepts a minute `0`-`59` or `*/5`, `*/10`, `*/15`, `*/30`; an hour `0`-`23`; \
             a day `1`-`31`; a month `1`-`12`; a weekday `1`-`7` (Monday to Sunday); all but \
             the minute may be `*`. Example: `0 3 * * *` (every night at 3:00).",
        ),
        Attribute::string("script_location").required().description(
            "Absolute path on the hosting of the script to run, such as `/www/cron/cleanup.php`.",
        ),
        Attribute::bool("enabled")
            .optional()
            .computed()
            .default(true)
            .description(
                "Whether the task runs. Defaults to `true`: left out, a task switched off \
                 outside Terraform is planned back on.",
            ),
        Attribute::string("task_id")
            .computed()
            .description("Combell's id of the task."),
    ])
    .description(
        "A scheduled task (cron job) on a Linux hosting. Destroying the resource deletes the \
         task.",
    )
}

#[async_trait]
impl Managed for ScheduledTaskResource {
    type Model = Task;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "scheduled_task";
    const ID_PARTS: &'static [IdPart] = &[
        LINUX_HOSTING,
        ("task_id", "Combell's id of the task, such as `5001`."),
    ];
    const ID_EXAMPLE: &'static str = "example.com/5001";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /linuxhostings/{domainName}/scheduledtasks",
        "GET /linuxhostings/{domainName}/scheduledtasks",
        "GET /linuxhostings/{domainName}/scheduledtasks/{scheduledTaskId}",
        "PUT /linuxhostings/{domainName}/scheduledtasks/{scheduledTaskId}",
        "DELETE /linuxhostings/{domainName}/scheduledtasks/{scheduledTaskId}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Task, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
        if let Some(cron) = config.cron_expression.as_str() {
            if let Err(detail) = check_cron(cron) {
                diags.error_at(
                    AttributePath::new("cron_expression"),
                    "Invalid cron expression",
                    detail,
                );
            }
        }
        if let Some(path) = config.script_location.as_str() {
            let ok = path.starts_with('/')
                && !path.split('/').any(|s| s == "..")
                && !path.chars().any(char::is_control);
            if !ok {
                diags.error_at(
                    AttributePath::new("script_location"),
                    "Invalid script location",
                    format!(
                        "\"{path}\" is not an absolute path on the hosting (such as \
                         /www/cron/cleanup.php), without \"..\"."
                    ),
                );
            }
        }
    }

    fn what(&self, planned: &Task) -> String {
        format!(
            "scheduled task \"{}\" of the Linux hosting \"{}\"",
            planned.script_location.as_str().unwrap_or_default(),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    async fn existing(
        &self,
        client: &Client,
        planned: &Task,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let tasks = client.list_scheduled_tasks(domain, cancel).await?;
        Ok(tasks.into_iter().map(|t| t.id).collect())
    }

    /// A task that was not there before the create, with the script location and the cron
    /// expression (spaces aside) that were sent.
    async fn find_created(
        &self,
        client: &Client,
        planned: &Task,
        existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Task>, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let sent = task_from(planned);
        let tasks = client.list_scheduled_tasks(domain, cancel).await?;
        Ok(tasks
            .into_iter()
            .find(|t| {
                !existing.contains(&t.id)
                    && t.script_location == sent.script_location
                    && normalise_cron(&t.cron_expression) == sent.cron_expression
            })
            .map(|t| state_from(domain, &t, planned)))
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Task,
        _config: &Task,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        client
            .create_scheduled_task(domain, &task_from(planned), cancel)
            .await
    }

    /// The id comes from `Location`; the rest is what was sent.
    fn created(&self, planned: &Task, id: &str) -> Task {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        Task {
            id: format!("{}/{id}", domain.to_ascii_lowercase()).into(),
            task_id: id.to_string().into(),
            ..planned.clone()
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        key: &Task,
        cancel: &CancellationToken,
    ) -> Result<Option<Task>, api::Error> {
        let (Some(domain), Some(id)) = (key.domain_name.as_str(), key.task_id.as_str()) else {
            return Ok(None);
        };
        match client.get_scheduled_task(domain, id, cancel).await {
            Ok(task) => Ok(Some(state_from(domain, &task, key))),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    async fn send_update(
        &self,
        client: &Client,
        prior: &Task,
        planned: &Task,
        _config: &Task,
        cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let id = prior.task_id.as_str().unwrap_or_default();
        client
            .update_scheduled_task(domain, id, &task_from(planned), cancel)
            .await
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Task,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let id = prior.task_id.as_str().unwrap_or_default();
        client.delete_scheduled_task(domain, id, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn imported(&self, parts: &[String]) -> Task {
        Task {
            domain_name: parts[0].to_ascii_lowercase().into(),
            task_id: parts[1].clone().into(),
            ..Default::default()
        }
    }
}

/// The request body; a left-out `enabled` is sent as `true`, the API's default.
fn task_from(planned: &Task) -> ScheduledTask {
    ScheduledTask {
        id: String::new(),
        cron_expression: normalise_cron(planned.cron_expression.as_str().unwrap_or_default()),
        script_location: planned
            .script_location
            .as_str()
            .unwrap_or_default()
            .to_string(),
        enabled: planned.enabled.get().unwrap_or(true),
    }
}

fn normalise_cron(cron: &str) -> String {
    cron.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The one mapping from the API. The configured spelling of an expression that means the same
/// (other spacing) is kept, so that it never shows as a change.
fn state_from(domain: &str, task: &ScheduledTask, base: &Task) -> Task {
    let domain = domain.to_ascii_lowercase();
    let same_cron = base
        .cron_expression
        .as_str()
        .is_some_and(|c| normalise_cron(c) == normalise_cron(&task.cron_expression));
    Task {
        id: format!("{domain}/{}", task.id).into(),
        domain_name: domain.into(),
        cron_expression: if same_cron {
            base.cron_expression.clone()
        } else {
            task.cron_expression.clone().into()
        },
        script_location: task.script_location.clone().into(),
        enabled: task.enabled.into(),
        task_id: task.id.clone().into(),
    }
}

/// Combell's cron rules; every problem of the expression is listed.
fn check_cron(cron: &str) -> Result<(), String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "\"{cron}\" has {} fields; Combell needs five: minute hour day-of-month month \
             day-of-week, such as \"0 3 * * *\".",
            fields.len()
        ));
    }
    let in_range = |text: &str, low: u8, high: u8| {
        text.len() <= 2
            && text.bytes().all(|b| b.is_ascii_digit())
            && text.parse::<u8>().is_ok_and(|n| (low..=high).contains(&n))
    };
    let star_or = |text: &str, low, high| text == "*" || in_range(text, low, high);
    let mut problems = Vec::new();
    if !(in_range(fields[0], 0, 59) || ["*/5", "*/10", "*/15", "*/30"].contains(&fields[0])) {
        problems.push("the minute must be 0-59, */5, */10, */15 or */30");
    }
    if !star_or(fields[1], 0, 23) {
        problems.push("the hour must be 0-23 or *");
    }
    if !star_or(fields[2], 1, 31) {
        problems.push("the day of the month must be 1-31 or *");
    }
    if !star_or(fields[3], 1, 12) {
        problems.push("the month must be 1-12 or *");
    }
    if !star_or(fields[4], 1, 7) {
        problems.push("the day of the week must be 1-7 (Monday to Sunday) or *");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("In \"{cron}\", {}.", problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_rules() {
        for good in ["0 3 * * *", "*/15 * * * 7", "59 23 31 12 1", "0  3 * * *"] {
            assert!(check_cron(good).is_ok(), "{good}");
        }
        for bad in [
            "* * * * *",
            "*/7 * * * *",
            "0 24 * * *",
            "0 3 0 * *",
            "0 3 * 13 *",
            "0 3 * * 0",
            "0 3 * *",
            "0 3 * * * *",
        ] {
            assert!(check_cron(bad).is_err(), "{bad}");
        }
        let err = check_cron("60 24 * * *").unwrap_err();
        assert!(err.contains("minute") && err.contains("hour"), "{err}");
    }

    #[test]
    fn mapping_keeps_the_configured_spacing() {
        let task = ScheduledTask {
            id: "5002".into(),
            cron_expression: "0 3 * * *".into(),
            script_location: "/www/x.php".into(),
            enabled: true,
        };
        let mut base = Task {
            cron_expression: "0  3 * * *".to_string().into(),
            ..Default::default()
        };
        let state = state_from("example.com", &task, &base);
        assert_eq!(state.cron_expression.as_str(), Some("0  3 * * *"));
        assert_eq!(state.id.as_str(), Some("example.com/5002"));
        assert_eq!(state.enabled.get(), Some(true));
        base.cron_expression = "0 4 * * *".to_string().into();
        let drifted = state_from("example.com", &task, &base);
        assert_eq!(drifted.cron_expression.as_str(), Some("0 3 * * *"));
        assert_eq!(task_from(&base).cron_expression, "0 4 * * *");
    }
}
