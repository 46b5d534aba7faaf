//! Linux hostings, the account-wide SSH key list (`GET /v2/ssh`) and Windows hostings.
//!
//! A hosting exists once an account whose servicepack holds a `linux_hosting` (or
//! `windows_hosting`) asset has been provisioned; it is addressed by the account's identifier.
//! A Linux hosting starts with one site named after the domain, at `/www`, answering to the
//! domain and its `www.` name. What the API lets a client change lives on the hosting:
//! settings (FTP, SSH, PHP version, memory limit, APCu, GZIP), scheduled tasks, SSH keys,
//! subsites, host headers and the per-hostname SSL settings.
//!
//! Rules, from the spec's descriptions unless marked as the simulator's choice:
//! - a subsite's path must already exist on the server (the hosting keeps the list of its
//!   folders; new hostings have `/www` and `/data`); an empty path means `/subsites/{name}`;
//! - HTTP/2 can only be switched on for a site with SSL;
//! - Let's Encrypt on a hostname gives its site SSL; when the last certificate of a site goes,
//!   so do its HTTPS redirect and HTTP/2 (simulator's choice, so no site claims HTTP/2
//!   without SSL);
//! - cron expressions: five fields, minute `0-59` or `*/5|*/10|*/15|*/30`, hour `0-23|*`,
//!   day `1-31|*`, month `1-12|*`, weekday `1-7|*`;
//! - an SSH key already on the hosting is refused with `ssh_key_already_exists` (see
//!   [`sshkey`] for the fingerprint format);
//! - PHP versions come from [`PHP_VERSIONS`]; the memory limit is 64–2048 MB and the APCu size
//!   16–1024 MB (simulator's choice, the spec gives no range);
//! - a settings body that carries an `enabled` flag must send it: a missing flag is a 400,
//!   never a silent `false`; a scheduled task without `enabled` is created enabled;
//! - a delete by a fingerprint that is not one is a 400 (the spec's declared refusal), a
//!   well-formed fingerprint of no key on the hosting a 404.
//!
//! Synchronous creates answer 201 with a `Location` whose last segment names what was made:
//! `.../scheduledtasks/{id}`, `.../ssh/keys/{fingerprint}`, `.../subsites/{name}` and
//! `.../sites/{site}/hostheaders/{name}`; the last three have no GET in the API, so those paths
//! only name the object.
//!
//! Settings with no read-back field in the spec (SSH on/off, GZIP, APCu, memory limit) are
//! stored and kept in the state file, but appear in no answer.

pub(crate) mod http;
pub mod sshkey;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorMessage};
use crate::names::{is_domain_name, key};
use crate::state::linux::{
    login_name, new_linux_hosting, new_windows_hosting, FIRST_TASK_ID, LINUX_IP, WINDOWS_IP,
};
pub use crate::state::linux::{
    HostHeader, LinuxHosting, LinuxSite, LinuxState, ScheduledTask, SiteBinding, SshKey,
    WindowsHosting, WindowsSite, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_PHP_VERSION, PHP_VERSIONS,
    SEED_SSH_KEY, SEED_SSH_KEY_FINGERPRINT,
};
use crate::state::{remove_where, AssetType};

const MEMORY_LIMIT_MB: std::ops::RangeInclusive<i64> = 64..=2048;
const APCU_SIZE_MB: std::ops::RangeInclusive<i64> = 16..=1024;

/// The API's `LinuxHosting` (list entry) and `WindowsHosting`, which have the same shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostingView {
    pub domain_name: String,
    pub servicepack_id: i32,
}

/// The API's `LinuxHostingDetail`, every field present (the deprecated ones mirror their
/// successors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinuxHostingDetail {
    pub actual_size: i32,
    pub domain_name: String,
    pub ftp_enabled: bool,
    pub ftp_username: String,
    pub ip: String,
    pub ip_type: &'static str,
    pub max_size: i32,
    pub max_webspace_size: i32,
    pub mysql_database_names: Vec<String>,
    pub php_version: String,
    pub servicepack_id: i32,
    pub sites: Vec<LinuxSite>,
    pub ssh_host: String,
    pub ssh_username: String,
    pub webspace_usage: i32,
}

/// The API's `SshKeyDetail`: one key and every hosting it is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SshKeyDetail {
    pub fingerprint: String,
    pub linux_hostings: Vec<String>,
    pub public_key: String,
}

/// The API's `ApplicationPool`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApplicationPool {
    pub installed_net_core_runtimes: Vec<String>,
    pub pipeline_mode: String,
    pub runtime: String,
}

/// The API's `WindowsHostingDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WindowsHostingDetail {
    pub actual_size: i32,
    pub application_pool: ApplicationPool,
    pub domain_name: String,
    pub ftp_username: String,
    pub ip: String,
    pub ip_type: &'static str,
    pub max_size: i32,
    pub mssql_database_names: Vec<String>,
    pub servicepack_id: i32,
    pub sites: Vec<WindowsSite>,
}

/// Bodies of the settings PUTs that carry only a flag (`FtpConfiguration`, `SshConfiguration`,
/// `GzipConfig`, `Http2Configuration`, `AutoRedirectConfig`, `LetsEncryptConfig`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Toggle {
    pub enabled: Option<bool>,
}

/// `UpdatePhpAPcuRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApcuInput {
    pub apcu_size: Option<i64>,
    pub enabled: Option<bool>,
}

/// `UpdatePhpMemoryLimitRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MemoryLimitInput {
    pub memory_limit: Option<i64>,
}

/// `PhpVersion`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PhpVersionInput {
    pub version: Option<String>,
}

/// `ScheduledTask` as sent; `id` is ignored (the path names the task on a PUT).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScheduledTaskInput {
    pub cron_expression: Option<String>,
    pub enabled: Option<bool>,
    pub script_location: Option<String>,
}

/// `AddSshKeyRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SshKeyInput {
    pub public_key: Option<String>,
}

/// `AddHostHeaderRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct HostHeaderInput {
    pub domain_name: Option<String>,
}

/// `AddSubsiteRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SubsiteInput {
    pub domain_name: Option<String>,
    pub path: Option<String>,
}

fn hosting_not_found(domain: &str) -> ApiError {
    ApiError::not_found(
        "linux_hosting_not_found",
        format!("There is no Linux hosting for '{domain}'."),
    )
}

fn site_not_found(domain: &str, site: &str) -> ApiError {
    ApiError::not_found(
        "linux_site_not_found",
        format!("The Linux hosting '{domain}' has no site '{site}'."),
    )
}

fn task_not_found(domain: &str, id: &str) -> ApiError {
    ApiError::not_found(
        "linux_scheduled_task_not_found",
        format!("The Linux hosting '{domain}' has no scheduled task '{id}'."),
    )
}

fn flag(value: Option<bool>, code: &str, what: &str) -> Result<bool, ApiError> {
    value.ok_or_else(|| {
        ApiError::invalid(
            code,
            format!("'enabled' (true or false) is required to configure {what}."),
        )
    })
}

/// Checks a cron expression against the spec's rules; returns it with single spaces.
pub fn check_cron(expression: &str) -> Result<String, String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "'{expression}' must have five fields: minute hour day-of-month month day-of-week."
        ));
    }
    let number = |text: &str, range: std::ops::RangeInclusive<u8>| {
        text.len() <= 2
            && text.bytes().all(|b| b.is_ascii_digit())
            && text.parse::<u8>().is_ok_and(|n| range.contains(&n))
    };
    let rules: [(&str, bool); 5] = [
        (
            "the minute must be 0-59, */5, */10, */15 or */30",
            number(fields[0], 0..=59) || ["*/5", "*/10", "*/15", "*/30"].contains(&fields[0]),
        ),
        (
            "the hour must be 0-23 or *",
            fields[1] == "*" || number(fields[1], 0..=23),
        ),
        (
            "the day of the month must be 1-31 or *",
            fields[2] == "*" || number(fields[2], 1..=31),
        ),
        (
            "the month must be 1-12 or *",
            fields[3] == "*" || number(fields[3], 1..=12),
        ),
        (
            "the day of the week must be 1-7 (Monday to Sunday) or *",
            fields[4] == "*" || number(fields[4], 1..=7),
        ),
    ];
    let problems: Vec<&str> = rules
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(text, _)| *text)
        .collect();
    if problems.is_empty() {
        Ok(fields.join(" "))
    } else {
        Err(format!("In '{expression}', {}.", problems.join("; ")))
    }
}

/// An absolute path on the hosting, without `..`, empty segments or control characters;
/// returned without a trailing `/`.
fn check_path(path: &str) -> Option<String> {
    let trimmed = path.trim();
    if !trimmed.starts_with('/') || trimmed.len() > 255 || trimmed.chars().any(char::is_control) {
        return None;
    }
    let body = trimmed.trim_end_matches('/');
    if body.is_empty() {
        return Some("/".to_string());
    }
    let segments_ok = body[1..]
        .split('/')
        .all(|s| !s.is_empty() && s != "." && s != "..");
    segments_ok.then(|| body.to_string())
}

fn validate_task(input: &ScheduledTaskInput, id: String) -> Result<ScheduledTask, ApiError> {
    let mut errors = Vec::new();
    let cron_expression = match input.cron_expression.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(ErrorMessage::new(
                "linux_cron_expression_required",
                "A cron_expression is required (e.g. '0 3 * * *').",
            ));
            String::new()
        }
        Some(text) => check_cron(text).unwrap_or_else(|problem| {
            errors.push(ErrorMessage::new("linux_cron_expression_invalid", problem));
            String::new()
        }),
    };
    let script_location = match input.script_location.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(ErrorMessage::new(
                "linux_script_location_required",
                "A script_location (an absolute path on the hosting) is required.",
            ));
            String::new()
        }
        Some(text) => check_path(text).unwrap_or_else(|| {
            errors.push(ErrorMessage::new(
                "linux_script_location_invalid",
                format!("'{text}' is not an absolute path on the hosting (e.g. /www/cron.php)."),
            ));
            String::new()
        }),
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(ScheduledTask {
        cron_expression,
        // A task is created to run; only an explicit `false` keeps it off.
        enabled: input.enabled.unwrap_or(true),
        id,
        script_location,
    })
}

impl LinuxState {
    /// What an account's job leaves for this area: a hosting for the identifier when the
    /// servicepack holds one. An existing hosting of that name is left alone.
    pub fn provision(
        &mut self,
        account_id: i32,
        identifier: &str,
        servicepack_id: i32,
        assets: &[AssetType],
    ) {
        let name = key(identifier);
        if assets.contains(&AssetType::LinuxHosting) && !self.linux_hostings.contains_key(&name) {
            self.linux_hostings.insert(
                name.clone(),
                new_linux_hosting(&name, account_id, servicepack_id),
            );
        }
        if assets.contains(&AssetType::WindowsHosting) && !self.windows_hostings.contains_key(&name)
        {
            self.windows_hostings.insert(
                name.clone(),
                new_windows_hosting(&name, account_id, servicepack_id),
            );
        }
    }

    pub fn hosting(&self, domain: &str) -> Result<&LinuxHosting, ApiError> {
        self.linux_hostings
            .get(&key(domain))
            .ok_or_else(|| hosting_not_found(domain))
    }

    fn hosting_mut(&mut self, domain: &str) -> Result<&mut LinuxHosting, ApiError> {
        self.linux_hostings
            .get_mut(&key(domain))
            .ok_or_else(|| hosting_not_found(domain))
    }

    /// Makes a folder exist on a hosting, as an upload over FTP would (for admin use and tests).
    pub fn add_directory(&mut self, domain: &str, path: &str) -> Result<(), ApiError> {
        let path = check_path(path).ok_or_else(|| {
            ApiError::invalid(
                "linux_path_invalid",
                format!("'{path}' is not an absolute path."),
            )
        })?;
        let hosting = self.hosting_mut(domain)?;
        if !hosting.directories.contains(&path) {
            hosting.directories.push(path);
        }
        Ok(())
    }

    pub fn list_linux(&self) -> Vec<HostingView> {
        self.linux_hostings
            .values()
            .map(|h| HostingView {
                domain_name: h.domain_name.clone(),
                servicepack_id: h.servicepack_id,
            })
            .collect()
    }

    /// The detail view; `mysql_database_names` comes from the MySQL area, passed in.
    pub fn linux_detail(
        &self,
        domain: &str,
        mysql_database_names: Vec<String>,
    ) -> Result<LinuxHostingDetail, ApiError> {
        let h = self.hosting(domain)?;
        let login = login_name(&h.domain_name);
        Ok(LinuxHostingDetail {
            actual_size: h.actual_size,
            domain_name: h.domain_name.clone(),
            ftp_enabled: h.ftp_enabled,
            ftp_username: login.clone(),
            ip: LINUX_IP.to_string(),
            ip_type: "shared",
            max_size: h.max_size,
            max_webspace_size: h.max_size,
            mysql_database_names,
            php_version: h.php_version.clone(),
            servicepack_id: h.servicepack_id,
            sites: h.sites.clone(),
            ssh_host: format!("ssh.{}", h.domain_name),
            ssh_username: login,
            webspace_usage: h.actual_size,
        })
    }

    pub fn configure_ftp(&mut self, domain: &str, input: &Toggle) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let enabled = flag(input.enabled, "linux_ftp_enabled_required", "FTP")?;
        self.hosting_mut(domain)?.ftp_enabled = enabled;
        Ok(())
    }

    pub fn configure_ssh(&mut self, domain: &str, input: &Toggle) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let enabled = flag(input.enabled, "linux_ssh_enabled_required", "SSH")?;
        self.hosting_mut(domain)?.ssh_enabled = enabled;
        Ok(())
    }

    pub fn configure_gzip(&mut self, domain: &str, input: &Toggle) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let enabled = flag(
            input.enabled,
            "linux_gzip_enabled_required",
            "GZIP compression",
        )?;
        self.hosting_mut(domain)?.gzip_enabled = enabled;
        Ok(())
    }

    pub fn configure_apcu(&mut self, domain: &str, input: &ApcuInput) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let enabled = flag(input.enabled, "linux_apcu_enabled_required", "APCu")?;
        let size = match input.apcu_size {
            Some(size) if APCU_SIZE_MB.contains(&size) => size,
            None if !enabled => 0,
            other => {
                let given = other.map_or("nothing".to_string(), |s| s.to_string());
                return Err(ApiError::invalid(
                    "linux_apcu_size_invalid",
                    format!(
                        "apcu_size must be {} to {} MB when APCu is enabled, not {given}.",
                        APCU_SIZE_MB.start(),
                        APCU_SIZE_MB.end()
                    ),
                ));
            }
        };
        let hosting = self.hosting_mut(domain)?;
        hosting.apcu_enabled = enabled;
        // A disabled cache keeps the size it was given, if any, for when it is switched back on.
        hosting.apcu_size = i32::try_from(size).unwrap_or(hosting.apcu_size);
        Ok(())
    }

    pub fn configure_memory_limit(
        &mut self,
        domain: &str,
        input: &MemoryLimitInput,
    ) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let limit = match input.memory_limit {
            None => {
                return Err(ApiError::invalid(
                    "linux_memory_limit_required",
                    "memory_limit (in MB) is required.",
                ))
            }
            Some(limit) if MEMORY_LIMIT_MB.contains(&limit) => limit,
            Some(limit) => {
                return Err(ApiError::invalid(
                    "linux_memory_limit_invalid",
                    format!(
                        "memory_limit must be {} to {} MB, not {limit}.",
                        MEMORY_LIMIT_MB.start(),
                        MEMORY_LIMIT_MB.end()
                    ),
                ))
            }
        };
        let hosting = self.hosting_mut(domain)?;
        hosting.php_memory_limit = i32::try_from(limit).unwrap_or(hosting.php_memory_limit);
        Ok(())
    }

    pub fn php_versions(&self, domain: &str) -> Result<Vec<String>, ApiError> {
        self.hosting(domain)?;
        Ok(PHP_VERSIONS.iter().map(|v| v.to_string()).collect())
    }

    pub fn configure_php_version(
        &mut self,
        domain: &str,
        input: &PhpVersionInput,
    ) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let version = match input.version.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(ApiError::invalid(
                    "linux_php_version_required",
                    "version is required (e.g. '8.3').",
                ))
            }
            Some(v) => v,
        };
        if !PHP_VERSIONS.contains(&version) {
            return Err(ApiError::invalid(
                "linux_php_version_invalid",
                format!(
                    "PHP '{version}' is not available; use one of {}.",
                    PHP_VERSIONS.join(", ")
                ),
            ));
        }
        self.hosting_mut(domain)?.php_version = version.to_string();
        Ok(())
    }

    pub fn list_tasks(&self, domain: &str) -> Result<Vec<ScheduledTask>, ApiError> {
        Ok(self.hosting(domain)?.scheduled_tasks.clone())
    }

    pub fn get_task(&self, domain: &str, id: &str) -> Result<ScheduledTask, ApiError> {
        self.hosting(domain)?
            .scheduled_tasks
            .iter()
            .find(|t| t.id == id.trim())
            .cloned()
            .ok_or_else(|| task_not_found(domain, id))
    }

    /// Returns the new task's id.
    pub fn create_task(
        &mut self,
        domain: &str,
        input: &ScheduledTaskInput,
    ) -> Result<String, ApiError> {
        self.hosting(domain)?;
        let mut id = self.next_task_id.max(FIRST_TASK_ID);
        // A state file edited by hand may hold ids past the counter; never hand one out twice.
        while self
            .linux_hostings
            .values()
            .any(|h| h.scheduled_tasks.iter().any(|t| t.id == id.to_string()))
        {
            id += 1;
        }
        let task = validate_task(input, id.to_string())?;
        self.hosting_mut(domain)?.scheduled_tasks.push(task);
        self.next_task_id = id + 1;
        Ok(id.to_string())
    }

    /// Full replacement; the id stays whatever the body says.
    pub fn update_task(
        &mut self,
        domain: &str,
        id: &str,
        input: &ScheduledTaskInput,
    ) -> Result<(), ApiError> {
        let existing = self.get_task(domain, id)?;
        let task = validate_task(input, existing.id.clone())?;
        let hosting = self.hosting_mut(domain)?;
        match hosting
            .scheduled_tasks
            .iter_mut()
            .find(|t| t.id == existing.id)
        {
            Some(slot) => {
                *slot = task;
                Ok(())
            }
            None => Err(task_not_found(domain, id)),
        }
    }

    pub fn delete_task(&mut self, domain: &str, id: &str) -> Result<(), ApiError> {
        let existing = self.get_task(domain, id)?;
        self.hosting_mut(domain)?
            .scheduled_tasks
            .retain(|t| t.id != existing.id);
        Ok(())
    }

    pub fn list_ssh_keys(&self, domain: &str) -> Result<Vec<SshKey>, ApiError> {
        Ok(self.hosting(domain)?.ssh_keys.clone())
    }

    /// Returns the new key's fingerprint.
    pub fn add_ssh_key(&mut self, domain: &str, input: &SshKeyInput) -> Result<String, ApiError> {
        self.hosting(domain)?;
        let text = input.public_key.as_deref().unwrap_or("");
        if text.trim().is_empty() {
            return Err(ApiError::invalid(
                "ssh_key_public_key_required",
                "public_key is required (the text of an OpenSSH .pub file).",
            ));
        }
        let parsed = sshkey::parse_public_key(text)
            .map_err(|problem| ApiError::invalid("ssh_key_invalid", problem))?;
        let hosting = self.hosting_mut(domain)?;
        if hosting
            .ssh_keys
            .iter()
            .any(|k| k.fingerprint == parsed.fingerprint)
        {
            return Err(ApiError::invalid(
                "ssh_key_already_exists",
                format!("The key {} is already on this hosting.", parsed.fingerprint),
            ));
        }
        hosting.ssh_keys.push(SshKey {
            fingerprint: parsed.fingerprint.clone(),
            public_key: parsed.public_key,
        });
        Ok(parsed.fingerprint)
    }

    pub fn delete_ssh_key(&mut self, domain: &str, fingerprint: &str) -> Result<(), ApiError> {
        self.hosting(domain)?;
        let not_found = || {
            ApiError::not_found(
                "linux_ssh_key_not_found",
                format!("The Linux hosting '{domain}' has no SSH key '{fingerprint}'."),
            )
        };
        let wanted = sshkey::normalise_fingerprint(fingerprint).ok_or_else(|| {
            ApiError::invalid(
                "linux_ssh_key_fingerprint_invalid",
                format!(
                    "'{fingerprint}' is not a key fingerprint; use the MD5 form the key list shows (aa:bb:…)."
                ),
            )
        })?;
        let hosting = self.hosting_mut(domain)?;
        remove_where(
            &mut hosting.ssh_keys,
            |k| k.fingerprint.replace(':', "") == wanted,
            not_found,
        )
    }

    /// Every key on every hosting, once each, in the order first seen.
    pub fn all_ssh_keys(&self) -> Vec<SshKeyDetail> {
        let mut out: Vec<SshKeyDetail> = Vec::new();
        for hosting in self.linux_hostings.values() {
            for k in &hosting.ssh_keys {
                match out.iter_mut().find(|d| d.fingerprint == k.fingerprint) {
                    Some(detail) => detail.linux_hostings.push(hosting.domain_name.clone()),
                    None => out.push(SshKeyDetail {
                        fingerprint: k.fingerprint.clone(),
                        linux_hostings: vec![hosting.domain_name.clone()],
                        public_key: k.public_key.clone(),
                    }),
                }
            }
        }
        out
    }

    /// Whether any site of any Linux hosting already answers to `name`.
    fn name_in_use(&self, name: &str) -> bool {
        self.linux_hostings.values().any(|h| {
            h.sites
                .iter()
                .any(|s| s.name == name || s.host_headers.iter().any(|hh| hh.name == name))
        })
    }

    fn host_name(&self, raw: Option<&str>, prefix: &str, what: &str) -> Result<String, ApiError> {
        let name = key(raw.unwrap_or(""));
        let name = name.strip_suffix('.').unwrap_or(&name).to_string();
        if name.is_empty() {
            return Err(ApiError::invalid(
                &format!("{prefix}_domain_name_required"),
                format!("domain_name (the {what}'s host name) is required."),
            ));
        }
        if !is_domain_name(&name) {
            return Err(ApiError::invalid(
                &format!("{prefix}_domain_name_invalid"),
                format!("'{name}' is not a valid host name."),
            ));
        }
        if self.name_in_use(&name) {
            return Err(ApiError::invalid(
                &format!("{prefix}_already_exists"),
                format!("'{name}' is already a site or host header on a hosting."),
            ));
        }
        Ok(name)
    }

    /// Returns the host header's name as stored.
    pub fn add_host_header(
        &mut self,
        domain: &str,
        site: &str,
        input: &HostHeaderInput,
    ) -> Result<String, ApiError> {
        let site_name = key(site);
        if !self
            .hosting(domain)?
            .sites
            .iter()
            .any(|s| s.name == site_name)
        {
            return Err(site_not_found(domain, site));
        }
        let name = self.host_name(
            input.domain_name.as_deref(),
            "linux_host_header",
            "host header",
        )?;
        let hosting = self.hosting_mut(domain)?;
        match hosting.sites.iter_mut().find(|s| s.name == site_name) {
            Some(site) => {
                site.host_headers.push(HostHeader {
                    enabled: true,
                    name: name.clone(),
                });
                Ok(name)
            }
            None => Err(site_not_found(domain, &site_name)),
        }
    }

    pub fn configure_http2(
        &mut self,
        domain: &str,
        site: &str,
        input: &Toggle,
    ) -> Result<(), ApiError> {
        let site_name = key(site);
        let ssl = self
            .hosting(domain)?
            .sites
            .iter()
            .find(|s| s.name == site_name)
            .map(|s| s.ssl_enabled)
            .ok_or_else(|| site_not_found(domain, site))?;
        let enabled = flag(input.enabled, "linux_http2_enabled_required", "HTTP/2")?;
        if enabled && !ssl {
            return Err(ApiError::invalid(
                "linux_http2_requires_ssl",
                format!("HTTP/2 needs SSL on the site '{site_name}'; enable SSL (e.g. Let's Encrypt) first."),
            ));
        }
        let hosting = self.hosting_mut(domain)?;
        if let Some(site) = hosting.sites.iter_mut().find(|s| s.name == site_name) {
            site.http2_enabled = enabled;
        }
        Ok(())
    }

    /// The index of the site that answers to `hostname` on this hosting.
    fn site_of_hostname(&self, domain: &str, hostname: &str) -> Result<usize, ApiError> {
        let name = key(hostname);
        self.hosting(domain)?
            .sites
            .iter()
            .position(|s| s.name == name || s.host_headers.iter().any(|h| h.name == name))
            .ok_or_else(|| {
                ApiError::not_found(
                    "linux_hostname_not_found",
                    format!("No site of the Linux hosting '{domain}' answers to '{hostname}'."),
                )
            })
    }

    pub fn configure_auto_redirect(
        &mut self,
        domain: &str,
        hostname: &str,
        input: &Toggle,
    ) -> Result<(), ApiError> {
        let index = self.site_of_hostname(domain, hostname)?;
        let enabled = flag(
            input.enabled,
            "linux_auto_redirect_enabled_required",
            "the HTTPS redirect",
        )?;
        if let Some(site) = self.hosting_mut(domain)?.sites.get_mut(index) {
            site.https_redirect_enabled = enabled;
        }
        Ok(())
    }

    pub fn configure_lets_encrypt(
        &mut self,
        domain: &str,
        hostname: &str,
        input: &Toggle,
    ) -> Result<(), ApiError> {
        let index = self.site_of_hostname(domain, hostname)?;
        let enabled = flag(
            input.enabled,
            "linux_lets_encrypt_enabled_required",
            "Let's Encrypt",
        )?;
        let name = key(hostname);
        let hosting = self.hosting_mut(domain)?;
        hosting.lets_encrypt.retain(|h| *h != name);
        if enabled {
            hosting.lets_encrypt.push(name);
        }
        let certified = hosting.lets_encrypt.clone();
        if let Some(site) = hosting.sites.get_mut(index) {
            site.ssl_enabled = certified
                .iter()
                .any(|h| site.name == *h || site.host_headers.iter().any(|hh| hh.name == *h));
            if !site.ssl_enabled {
                site.http2_enabled = false;
                site.https_redirect_enabled = false;
            }
        }
        Ok(())
    }

    /// Returns the subsite's name.
    pub fn add_subsite(&mut self, domain: &str, input: &SubsiteInput) -> Result<String, ApiError> {
        self.hosting(domain)?;
        let name = self.host_name(input.domain_name.as_deref(), "linux_subsite", "subsite")?;
        let raw_path = input.path.as_deref().map(str::trim).unwrap_or("");
        let raw_path = if raw_path.is_empty() {
            format!("/subsites/{name}")
        } else {
            raw_path.to_string()
        };
        let path = check_path(&raw_path).ok_or_else(|| {
            ApiError::invalid(
                "linux_subsite_path_invalid",
                format!("'{raw_path}' is not an absolute path on the hosting."),
            )
        })?;
        let hosting = self.hosting_mut(domain)?;
        if !hosting.directories.contains(&path) {
            return Err(ApiError::invalid(
                "linux_subsite_path_not_found",
                format!("The folder '{path}' does not exist on the hosting; create it (e.g. over FTP) first."),
            ));
        }
        hosting.sites.push(LinuxSite {
            host_headers: vec![HostHeader {
                enabled: true,
                name: name.clone(),
            }],
            http2_enabled: false,
            https_redirect_enabled: false,
            name: name.clone(),
            path,
            ssl_enabled: false,
        });
        Ok(name)
    }

    pub fn delete_subsite(&mut self, domain: &str, site: &str) -> Result<(), ApiError> {
        let site_name = key(site);
        let hosting = self.hosting(domain)?;
        let found = hosting.sites.iter().find(|s| s.name == site_name);
        let Some(found) = found else {
            return Err(site_not_found(domain, site));
        };
        if found.name == hosting.domain_name {
            return Err(ApiError::invalid(
                "linux_main_site_not_deletable",
                "The main site of a hosting is not a subsite and cannot be deleted.",
            ));
        }
        let names: Vec<String> = std::iter::once(found.name.clone())
            .chain(found.host_headers.iter().map(|h| h.name.clone()))
            .collect();
        let hosting = self.hosting_mut(domain)?;
        hosting.sites.retain(|s| s.name != site_name);
        hosting.lets_encrypt.retain(|h| !names.contains(h));
        Ok(())
    }

    pub fn list_windows(&self) -> Vec<HostingView> {
        self.windows_hostings
            .values()
            .map(|h| HostingView {
                domain_name: h.domain_name.clone(),
                servicepack_id: h.servicepack_id,
            })
            .collect()
    }

    pub fn windows_detail(&self, domain: &str) -> Result<WindowsHostingDetail, ApiError> {
        let h = self.windows_hostings.get(&key(domain)).ok_or_else(|| {
            ApiError::not_found(
                "windows_hosting_not_found",
                format!("There is no Windows hosting for '{domain}'."),
            )
        })?;
        Ok(WindowsHostingDetail {
            actual_size: h.actual_size,
            application_pool: ApplicationPool {
                installed_net_core_runtimes: vec!["8.0".to_string(), "9.0".to_string()],
                pipeline_mode: "Integrated".to_string(),
                runtime: "v4.0".to_string(),
            },
            domain_name: h.domain_name.clone(),
            ftp_username: login_name(&h.domain_name),
            ip: WINDOWS_IP.to_string(),
            ip_type: "shared",
            max_size: h.max_size,
            mssql_database_names: Vec::new(),
            servicepack_id: h.servicepack_id,
            sites: h.sites.clone(),
        })
    }
}

#[cfg(test)]
mod tests;
