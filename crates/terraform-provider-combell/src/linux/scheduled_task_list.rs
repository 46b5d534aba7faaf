//! List resource `combell_scheduled_task`: the scheduled tasks of each Linux hosting
//! (`GET /linuxhostings/{domain}/scheduledtasks`), of one hosting or of all.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{
    linux_hosting_domains, unless_missing, Filter, Filters, FindResult, Found, Lister,
};
use crate::linux::scheduled_task;

pub struct ScheduledTaskList;

#[async_trait]
impl Lister for ScheduledTaskList {
    fn resource(&self) -> &'static dyn Resource {
        &scheduled_task::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the scheduled tasks (cron jobs) of the Linux hostings, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /linuxhostings",
        "GET /linuxhostings/{domainName}/scheduledtasks",
        "GET /linuxhostings/{domainName}/scheduledtasks/{scheduledTaskId}",
    ];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        for domain in linux_hosting_domains(client, filters, found.stopping()).await? {
            let Some(mut tasks) =
                unless_missing(client.list_scheduled_tasks(&domain, found.stopping()).await)?
            else {
                continue;
            };
            tasks.sort_by(|a, b| a.id.cmp(&b.id));
            for task in tasks {
                let shown = format!(
                    "{} {} on {domain}",
                    task.cron_expression, task.script_location
                );
                if !found.send(format!("{domain}/{}", task.id), shown).await? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
