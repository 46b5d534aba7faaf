//! `combell_linux_hosting_settings`: the settings of an existing Linux hosting (PHP version,
//! PHP memory limit, APCu, GZIP compression, FTP, SSH). Import ID: the hosting's domain name.
//!
//! The hosting itself comes with its account, so this resource neither creates nor deletes
//! anything: create and update PUT the settings the configuration sets, and destroy only
//! removes the resource from the state (with a warning), leaving the settings as they are.
//! Every setting is optional; a setting left out is not managed.
//!
//! Combell reads back only `php_version` and `ftp_enabled` (`GET /linuxhostings/{domain}`);
//! the memory limit, APCu, GZIP and SSH switches appear in no answer, so they are kept from the
//! configuration, a change made outside Terraform is not detected, and after an import they are
//! null until set. A PHP version is checked against the hosting's available versions at plan
//! time.
//!
//! Requests: a create reads the hosting once (it must exist, and Combell decides the FTP and
//! SSH login names and host), an update reads nothing; each changed setting is then one PUT,
//! and the state is the plan. The hosting is read back only when FTP or SSH was switched (the
//! names Combell reports may change with it) or a PUT failed.

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::apply_with;
use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::settings::{not_known, PlanModels, Settings, SettingsOf};
use crate::core::{api_error, client};
use crate::linux::common::{changed, forgotten, hosting};
use combell_api::{Apcu, CancellationToken, Client, Error, LinuxHostingDetail};
use tfplugin::{
    model, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Model,
    Number, PlanResponse, Schema,
};

const TYPE_NAME: &str = "combell_linux_hosting_settings";
const LOG: &str = "linux_hosting_settings";

model! {
    /// The state, plan and configuration of `combell_linux_hosting_settings`. The sizes are
    /// numbers so that validation explains a fraction in its own words.
    pub struct HostingSettings {
        id: String,
        domain_name: String,
        php_version: String,
        php_memory_limit: Number,
        apcu_enabled: bool,
        apcu_size: Number,
        gzip_enabled: bool,
        ftp_enabled: bool,
        ssh_enabled: bool,
        ftp_username: String,
        ssh_host: String,
        ssh_username: String,
    }
}

pub struct LinuxHostingSettingsResource;

fn schema() -> Schema {
    let not_read = "Combell's API does not report this setting, so a change made outside \
                    Terraform is not detected, and it is null after an import until set.";
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The hosting's domain name."),
        Attribute::string("domain_name").required().description(
            "Domain name of an existing Linux hosting, such as `example.com` \
             (`data.combell_linux_hostings` lists them). Changing it manages another hosting.",
        ),
        Attribute::string("php_version")
            .optional()
            .computed()
            .description(
                "The hosting's PHP version, such as `8.3`: one of the hosting's \
                 `data.combell_php_versions`, checked at plan time. Left out, Combell's current \
                 version is kept and shown.",
            ),
        Attribute::number("php_memory_limit")
            .optional()
            .description(&format!(
                "PHP's memory limit, in MB (such as `256`). Left out, it is not managed. \
                 {not_read}"
            )),
        Attribute::bool("apcu_enabled")
            .optional()
            .description(&format!(
                "Whether PHP's APCu cache is on; needs `apcu_size` when true. Left out (together \
             with `apcu_size`), it is not managed. {not_read}"
            )),
        Attribute::number("apcu_size")
            .optional()
            .description(&format!(
                "Size of the APCu cache, in MB (such as `64`); needs `apcu_enabled`. {not_read}"
            )),
        Attribute::bool("gzip_enabled")
            .optional()
            .description(&format!(
            "Whether the web server compresses answers with GZIP. Left out, it is not managed. \
             {not_read}"
        )),
        Attribute::bool("ftp_enabled")
            .optional()
            .computed()
            .description(
                "Whether FTP access to the hosting is on. Left out, Combell's current setting \
                 is kept and shown.",
            ),
        Attribute::bool("ssh_enabled")
            .optional()
            .description(&format!(
                "Whether SSH access to the hosting is on (keys: `combell_ssh_key`). Left out, it \
             is not managed. {not_read}"
            )),
        Attribute::string("ftp_username")
            .computed()
            .description("User name for FTP."),
        Attribute::string("ssh_host")
            .computed()
            .description("Host name for SSH."),
        Attribute::string("ssh_username")
            .computed()
            .description("User name for SSH."),
    ])
    .description(
        "Settings of an existing Linux hosting: PHP version, PHP memory limit, APCu, GZIP, FTP \
         and SSH. Only the settings you set are managed. Combell reads back the PHP version and \
         FTP only; for the others drift cannot be detected. Destroying this resource changes \
         nothing at Combell: the hosting keeps its current settings.",
    )
}

pub(crate) static RESOURCE: SettingsOf<LinuxHostingSettingsResource> =
    SettingsOf::new(LinuxHostingSettingsResource);

#[async_trait]
impl Settings for LinuxHostingSettingsResource {
    type Model = HostingSettings;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const ID_PARTS: &'static [IdPart] = &[LINUX_HOSTING];
    const ID_EXAMPLE: &'static str = "example.com";
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /linuxhostings/{domainName}",
        "GET /linuxhostings/{domainName}/phpsettings/availableversions",
        "PUT /linuxhostings/{domainName}/phpsettings/version",
        "PUT /linuxhostings/{domainName}/phpsettings/memorylimit",
        "PUT /linuxhostings/{domainName}/phpsettings/apcu",
        "PUT /linuxhostings/{domainName}/settings/gzipcompression",
        "PUT /linuxhostings/{domainName}/ftp/configuration",
        "PUT /linuxhostings/{domainName}/ssh/configuration",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &HostingSettings, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// A PHP version that changes is checked against the hosting's list (a read only).
    async fn modify_plan(
        &self,
        ctx: &Ctx,
        models: PlanModels<HostingSettings>,
        resp: &mut PlanResponse,
    ) {
        let PlanModels { prior, planned, .. } = models;
        let (Some(domain), Some(version)) =
            (planned.domain_name.as_str(), planned.php_version.as_str())
        else {
            return;
        };
        if prior.php_version.as_str() == Some(version) {
            return;
        }
        let Ok(client) = client(ctx) else {
            return;
        };
        match client.php_versions(domain, ctx.stopping()).await {
            Ok(versions) if !versions.iter().any(|v| v == version) => {
                resp.diagnostics.push(
                    Diagnostic::error(
                        "PHP version not available",
                        format!(
                            "PHP \"{version}\" is not available on the hosting \"{domain}\"; use \
                             one of: {}.",
                            versions.join(", ")
                        ),
                    )
                    .at(AttributePath::new("php_version")),
                );
            }
            // A hosting that does not exist (or an API error) is reported by apply.
            _ => {}
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        current: &HostingSettings,
        cancel: &CancellationToken,
    ) -> Result<Option<HostingSettings>, Error> {
        let Some(domain) = current.domain_name.as_str() else {
            return Ok(None);
        };
        let detail = client.get_linux_hosting(domain, cancel).await?;
        Ok(Some(state_from(&detail, current)))
    }

    /// A create needs the hosting to be there (and reads what Combell decides from it).
    async fn apply(
        &self,
        client: &Client,
        prior: Option<&HostingSettings>,
        planned: &HostingSettings,
        summary: &str,
        cancel: &CancellationToken,
    ) -> ApplyResult {
        let Some(domain) = planned.domain_name.as_str() else {
            return not_known(summary, "domain_name is not known.");
        };
        let before = match prior {
            None => match hosting(client, domain, summary, cancel).await {
                Ok(detail) => Some(detail),
                Err(diag) => return ApplyResult::error(diag),
            },
            Some(_) => None,
        };
        apply(
            client,
            domain,
            prior,
            before.as_ref(),
            planned,
            summary,
            cancel,
        )
        .await
    }

    fn forgotten(&self, prior: &HostingSettings) -> Diagnostics {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        forgotten(
            TYPE_NAME,
            &format!(
                "Combell has no way to reset hosting settings, so the Linux hosting \"{domain}\" \
                 keeps its current PHP, GZIP, FTP and SSH settings."
            ),
        )
    }

    fn imported(&self, parts: &[String]) -> HostingSettings {
        let domain = parts[0].to_ascii_lowercase();
        HostingSettings {
            id: domain.clone().into(),
            domain_name: domain.into(),
            ..Default::default()
        }
    }
}

/// PUTs every setting the plan sets that differs from `prior` (`None`: a create, with the
/// hosting as it was `before`). The state is then the plan, unless FTP or SSH was switched
/// (Combell may then change the login names and host it reports) or a value is still
/// unknown: the hosting is then read back. A failure keeps what was already applied: the
/// prior state with the settings that went through, read back.
async fn apply(
    client: &Client,
    domain: &str,
    prior: Option<&HostingSettings>,
    before: Option<&LinuxHostingDetail>,
    planned: &HostingSettings,
    summary: &str,
    cancel: &CancellationToken,
) -> ApplyResult {
    let mut done = match prior {
        Some(prior) => prior.clone(),
        None => HostingSettings {
            id: domain.to_string().into(),
            php_memory_limit: Field::Null,
            apcu_enabled: Field::Null,
            apcu_size: Field::Null,
            gzip_enabled: Field::Null,
            ssh_enabled: Field::Null,
            ..planned.known_part()
        },
    };
    let unchanged = HostingSettings::default();
    let result = put_changes(
        client,
        domain,
        prior.unwrap_or(&unchanged),
        planned,
        &mut done,
        cancel,
    )
    .await;
    if let Ok(false) = result {
        let state = match before {
            Some(detail) => {
                let mut state = state_from(detail, planned);
                if planned.php_version.known().is_some() {
                    state.php_version = planned.php_version.clone();
                }
                state
            }
            None => planned.clone(),
        };
        let state = state.encode();
        if state.is_wholly_known() {
            return apply_with(state, Diagnostics::default());
        }
    }
    let no_cancel = CancellationToken::new();
    let mut diags = Diagnostics::default();
    if let Err(err) = result {
        diags.push(api_error(summary, &err));
    }
    match client.get_linux_hosting(domain, &no_cancel).await {
        Ok(detail) => {
            let base = if diags.has_errors() { &done } else { planned };
            ApplyResult {
                state: Some(state_from(&detail, base).encode()),
                diagnostics: diags,
                ..Default::default()
            }
        }
        Err(err) => {
            diags.push(api_error(summary, &err));
            ApplyResult {
                state: prior.is_some().then(|| done.encode()),
                diagnostics: diags,
                ..Default::default()
            }
        }
    }
}

async fn put_changes(
    client: &Client,
    domain: &str,
    prior: &HostingSettings,
    planned: &HostingSettings,
    done: &mut HostingSettings,
    cancel: &CancellationToken,
) -> Result<bool, Error> {
    let mut switched = false;
    if let Some(version) = changed(&planned.php_version, &prior.php_version) {
        client.set_php_version(domain, version, cancel).await?;
        done.php_version.set(version.clone());
        hclog::info(
            LOG,
            "PHP version set",
            &[("domain_name", json!(domain)), ("version", json!(version))],
        );
    }
    if let Some(limit) = changed(&planned.php_memory_limit, &prior.php_memory_limit) {
        client
            .set_php_memory_limit(domain, limit.as_i64().unwrap_or_default(), cancel)
            .await?;
        done.php_memory_limit.set(*limit);
    }
    if changed(&planned.apcu_enabled, &prior.apcu_enabled).is_some()
        || changed(&planned.apcu_size, &prior.apcu_size).is_some()
    {
        if let Some(enabled) = planned.apcu_enabled.get() {
            let apcu = Apcu {
                enabled,
                apcu_size: planned.apcu_size.get().and_then(Number::as_i64),
            };
            client.set_php_apcu(domain, apcu, cancel).await?;
            done.apcu_enabled.set(enabled);
            done.apcu_size = planned.apcu_size.clone();
        }
    }
    if let Some(&on) = changed(&planned.gzip_enabled, &prior.gzip_enabled) {
        client.set_linux_gzip(domain, on, cancel).await?;
        done.gzip_enabled.set(on);
    }
    if let Some(&on) = changed(&planned.ftp_enabled, &prior.ftp_enabled) {
        client.set_linux_ftp(domain, on, cancel).await?;
        done.ftp_enabled.set(on);
        switched = true;
    }
    if let Some(&on) = changed(&planned.ssh_enabled, &prior.ssh_enabled) {
        client.set_linux_ssh(domain, on, cancel).await?;
        done.ssh_enabled.set(on);
        switched = true;
    }
    Ok(switched)
}

/// The one mapping from the API: what Combell reports replaces `base`'s values; the settings
/// it does not report stay as `base` has them.
fn state_from(detail: &LinuxHostingDetail, base: &HostingSettings) -> HostingSettings {
    let domain = detail.domain_name.to_ascii_lowercase();
    HostingSettings {
        id: domain.clone().into(),
        domain_name: domain.into(),
        php_version: detail.php_version.clone().into(),
        ftp_enabled: detail.ftp_enabled.into(),
        ftp_username: detail.ftp_username.clone().into(),
        ssh_host: detail.ssh_host.clone().into(),
        ssh_username: detail.ssh_username.clone().into(),
        ..base.known_part()
    }
}

fn validate_config(config: &HostingSettings) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    if let Some(domain) = config.domain_name.as_str() {
        if let Err(detail) = crate::core::rules::domain_name(domain) {
            problems.push(("domain_name", "Invalid domain name".into(), detail));
        }
    }
    if let Some(version) = config.php_version.as_str() {
        let parts: Vec<&str> = version.split('.').collect();
        let ok = parts.len() == 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            problems.push((
                "php_version",
                "Invalid PHP version".into(),
                format!("\"{version}\" is not a PHP version such as \"8.3\" (major.minor)."),
            ));
        }
    }
    for (name, what, field) in [
        ("php_memory_limit", "memory limit", &config.php_memory_limit),
        ("apcu_size", "APCu size", &config.apcu_size),
    ] {
        if let Some(v) = field.get() {
            let whole = v.as_i64().filter(|n| *n > 0 && v.as_f64() == *n as f64);
            if whole.is_none() {
                problems.push((
                    name,
                    format!("Invalid {what}"),
                    format!("{name} is a whole number of MB, greater than 0."),
                ));
            }
        }
    }
    let apcu_on = config.apcu_enabled.get();
    let size_set = !config.apcu_size.is_null();
    let size_unknown = config.apcu_size.is_unknown();
    if apcu_on == Some(true) && !size_set && !size_unknown {
        problems.push((
            "apcu_size",
            "APCu needs a size".into(),
            "Set apcu_size (in MB, such as 64) when apcu_enabled is true.".into(),
        ));
    }
    if size_set && config.apcu_enabled.is_null() {
        problems.push((
            "apcu_enabled",
            "apcu_size needs apcu_enabled".into(),
            "Combell sets the APCu size together with the on/off switch: set apcu_enabled too."
                .into(),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Value;

    fn config(pairs: &[(&str, Value)]) -> HostingSettings {
        let mut v = vec![("domain_name", Value::from("example.com"))];
        v.extend(pairs.iter().cloned());
        HostingSettings::decode(&Value::object(v)).unwrap()
    }

    fn bad(cfg: &HostingSettings) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn validation_rules_with_paths() {
        assert!(bad(&config(&[
            ("php_version", "8.3".into()),
            ("php_memory_limit", 256i64.into()),
            ("apcu_enabled", true.into()),
            ("apcu_size", 64i64.into()),
        ]))
        .is_empty());
        assert_eq!(
            bad(&config(&[("php_version", "8".into())])),
            ["php_version"]
        );
        assert_eq!(
            bad(&config(&[("php_version", "v8.3".into())])),
            ["php_version"]
        );
        assert_eq!(
            bad(&config(&[("php_memory_limit", 0i64.into())])),
            ["php_memory_limit"]
        );
        assert_eq!(
            bad(&config(&[("php_memory_limit", 1.5f64.into())])),
            ["php_memory_limit"]
        );
        assert_eq!(
            bad(&config(&[("apcu_enabled", true.into())])),
            ["apcu_size"]
        );
        assert_eq!(
            bad(&config(&[("apcu_size", 32i64.into())])),
            ["apcu_enabled"]
        );
        assert_eq!(
            bad(&config(&[("domain_name", "Example.com".into())])),
            ["domain_name"]
        );
        assert!(bad(&config(&[
            ("apcu_enabled", true.into()),
            ("apcu_size", Value::Unknown),
            ("php_version", Value::Unknown),
        ]))
        .is_empty());
    }

    #[test]
    fn mapping_reads_what_combell_reports_and_keeps_the_rest() {
        let detail = LinuxHostingDetail {
            domain_name: "Example.com".into(),
            php_version: "8.2".into(),
            ftp_enabled: false,
            ssh_host: "ssh.example.com".into(),
            ..Default::default()
        };
        let base = config(&[
            ("php_version", "8.3".into()),
            ("gzip_enabled", true.into()),
            ("ftp_enabled", true.into()),
        ]);
        let state = state_from(&detail, &base);
        assert_eq!(state.id.as_str(), Some("example.com"));
        assert_eq!(state.php_version.as_str(), Some("8.2"));
        assert_eq!(state.ftp_enabled.get(), Some(false));
        assert_eq!(state.gzip_enabled.get(), Some(true));
        assert!(state.ssh_enabled.is_null());
        assert!(state.encode().is_wholly_known());
    }
}
