//! `combell_linux_hosting`: one Linux hosting in detail — `GET /v2/linuxhostings/{domain}` with
//! its sites and host headers, plus its scheduled tasks (`.../scheduledtasks`) and SSH keys
//! (`.../ssh/keys`), so that one data source shows everything the hosting resources can import.
//! The SSH on/off switch, GZIP, APCu and the PHP memory limit are not reported by Combell.

use async_trait::async_trait;

use crate::core::data::{known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::core::rules::host_name_in;
use combell_api::{LinuxHostingDetail, ScheduledTask, SshKey};
use tfplugin::{model, Attribute, Diagnostics, Nesting, Schema, Type};

model! {
    /// The configuration and state of `combell_linux_hosting`.
    pub struct LinuxHosting {
        id: String,
        domain_name: String,
        servicepack_id: i64,
        max_size: i64,
        actual_size: i64,
        ip: String,
        ip_type: String,
        php_version: String,
        ftp_enabled: bool,
        ftp_username: String,
        ssh_host: String,
        ssh_username: String,
        mysql_database_names: Vec<String>,
        sites: Vec<Site>,
        scheduled_tasks: Vec<Task>,
        ssh_keys: Vec<Key>,
    }
}

model! {
    /// One site of the hosting.
    pub struct Site {
        name: String,
        path: String,
        ssl_enabled: bool,
        https_redirect_enabled: bool,
        http2_enabled: bool,
        host_headers: Vec<HostHeader>,
    }
}

model! {
    /// One host header of a site.
    pub struct HostHeader {
        name: String,
        enabled: bool,
    }
}

model! {
    /// One scheduled task of the hosting.
    pub struct Task {
        id: String,
        cron_expression: String,
        script_location: String,
        enabled: bool,
    }
}

model! {
    /// One SSH key of the hosting.
    pub struct Key {
        fingerprint: String,
        public_key: String,
    }
}

pub struct LinuxHostingDataSource;

const TYPE_NAME: &str = "combell_linux_hosting";

fn computed_string(name: &str, description: &str) -> Attribute {
    Attribute::string(name).computed().description(description)
}

#[async_trait]
impl Reader for LinuxHostingDataSource {
    type Model = LinuxHosting;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /linuxhostings/{domainName}",
        "GET /linuxhostings/{domainName}/scheduledtasks",
        "GET /linuxhostings/{domainName}/ssh/keys",
    ];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            computed_string("id", "The hosting's domain name."),
            Attribute::string("domain_name")
                .required()
                .description("Domain name of the Linux hosting, such as `example.com`."),
            Attribute::number("servicepack_id")
                .computed()
                .description("Id of the hosting's servicepack."),
            Attribute::number("max_size")
                .computed()
                .description("Web space of the hosting, in MB."),
            Attribute::number("actual_size")
                .computed()
                .description("Web space in use, in MB."),
            computed_string("ip", "The hosting's IP address."),
            computed_string("ip_type", "`shared` or `dedicated`."),
            computed_string("php_version", "The active PHP version, such as `8.3`."),
            Attribute::bool("ftp_enabled")
                .computed()
                .description("Whether FTP access is on."),
            computed_string("ftp_username", "User name for FTP."),
            computed_string("ssh_host", "Host name for SSH."),
            computed_string("ssh_username", "User name for SSH."),
            Attribute::new("mysql_database_names", Type::list(Type::String))
                .computed()
                .description("Names of the MySQL databases linked to the hosting."),
            Attribute::nested(
                "sites",
                Nesting::List,
                vec![
                    computed_string(
                        "name",
                        "The site's name: the hosting's domain for the main site, the host \
                         name for a subsite.",
                    ),
                    computed_string("path", "The site's folder, such as `/www`."),
                    Attribute::bool("ssl_enabled")
                        .computed()
                        .description("Whether the site has SSL."),
                    Attribute::bool("https_redirect_enabled")
                        .computed()
                        .description("Whether HTTP is redirected to HTTPS."),
                    Attribute::bool("http2_enabled")
                        .computed()
                        .description("Whether the site speaks HTTP/2."),
                    Attribute::nested(
                        "host_headers",
                        Nesting::List,
                        vec![
                            computed_string("name", "A host name the site answers to."),
                            Attribute::bool("enabled")
                                .computed()
                                .description("Whether the host header is active."),
                        ],
                    )
                    .computed()
                    .description("Host names the site answers to."),
                ],
            )
            .computed()
            .description("The hosting's websites, main site first, as Combell lists them."),
            Attribute::nested(
                "scheduled_tasks",
                Nesting::List,
                vec![
                    computed_string("id", "The task's id (import `<domain>/<id>`)."),
                    computed_string("cron_expression", "When the task runs."),
                    computed_string("script_location", "The script it runs."),
                    Attribute::bool("enabled")
                        .computed()
                        .description("Whether the task runs."),
                ],
            )
            .computed()
            .description("The hosting's scheduled tasks, sorted by id."),
            Attribute::nested(
                "ssh_keys",
                Nesting::List,
                vec![
                    computed_string("fingerprint", "The key's MD5 fingerprint."),
                    computed_string("public_key", "The public key."),
                ],
            )
            .computed()
            .description("SSH public keys on the hosting, sorted by fingerprint."),
        ])
        .description(
            "Reads one Linux hosting: sizes, addresses, PHP version, FTP, its sites with their \
             SSL settings and host headers, its scheduled tasks and SSH keys.",
        )
    }

    fn validate(&self, config: &LinuxHosting, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: LinuxHosting,
        cancel: &CancellationToken,
    ) -> Result<LinuxHosting, Failure> {
        let domain = known(&config.domain_name, "domain_name")?;
        let detail = client.get_linux_hosting(domain, cancel).await?;
        let tasks = client.list_scheduled_tasks(domain, cancel).await?;
        let keys = client.list_linux_ssh_keys(domain, cancel).await?;
        Ok(state_from(domain, &detail, tasks, keys))
    }
}

fn state_from(
    domain: &str,
    d: &LinuxHostingDetail,
    mut tasks: Vec<ScheduledTask>,
    mut keys: Vec<SshKey>,
) -> LinuxHosting {
    // Numeric ids sort as numbers; others after them, as text.
    tasks.sort_by_key(|t| (t.id.parse::<u64>().unwrap_or(u64::MAX), t.id.clone()));
    keys.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    let sites: Vec<Site> = d
        .sites
        .iter()
        .map(|s| Site {
            name: s.name.to_ascii_lowercase().into(),
            path: s.path.clone().into(),
            ssl_enabled: s.ssl_enabled.into(),
            https_redirect_enabled: s.https_redirect_enabled.into(),
            http2_enabled: s.http2_enabled.into(),
            host_headers: s
                .host_headers
                .iter()
                .map(|h| HostHeader {
                    name: h.name.to_ascii_lowercase().into(),
                    enabled: h.enabled.into(),
                })
                .collect::<Vec<_>>()
                .into(),
        })
        .collect();
    let tasks: Vec<Task> = tasks
        .into_iter()
        .map(|t| Task {
            id: t.id.into(),
            cron_expression: t.cron_expression.into(),
            script_location: t.script_location.into(),
            enabled: t.enabled.into(),
        })
        .collect();
    let keys: Vec<Key> = keys
        .into_iter()
        .map(|k| Key {
            fingerprint: k.fingerprint.into(),
            public_key: k.public_key.into(),
        })
        .collect();
    LinuxHosting {
        id: domain.to_string().into(),
        domain_name: domain.to_string().into(),
        servicepack_id: d.servicepack_id.into(),
        max_size: d.max_size.into(),
        actual_size: d.actual_size.into(),
        ip: d.ip.clone().into(),
        ip_type: d.ip_type.clone().into(),
        php_version: d.php_version.clone().into(),
        ftp_enabled: d.ftp_enabled.into(),
        ftp_username: d.ftp_username.clone().into(),
        ssh_host: d.ssh_host.clone().into(),
        ssh_username: d.ssh_username.clone().into(),
        mysql_database_names: d.mysql_database_names.clone().into(),
        sites: sites.into(),
        scheduled_tasks: tasks.into(),
        ssh_keys: keys.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::LinuxSite;
    use tfplugin::to_json;
    use tfplugin::Model;

    #[test]
    fn state_matches_the_schema_and_sorts_tasks_by_number() {
        let detail = LinuxHostingDetail {
            domain_name: "example.com".into(),
            sites: vec![LinuxSite {
                name: "example.com".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let task = |id: &str| ScheduledTask {
            id: id.into(),
            ..Default::default()
        };
        let state = state_from(
            "example.com",
            &detail,
            vec![task("10"), task("9")],
            Vec::new(),
        );
        let tasks = state.scheduled_tasks.items();
        assert_eq!(tasks[0].id.as_str(), Some("9"));
        let ty = LinuxHostingDataSource.schema().value_type();
        let json = to_json(&state.encode());
        assert!(tfplugin::from_json(&json, &ty).is_ok(), "{json}");
    }
}
