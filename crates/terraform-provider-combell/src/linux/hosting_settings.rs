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

use async_trait::async_trait;
use serde_json::json;

use crate::core::{api_error, client};
use crate::linux::common::{forgotten, hosting, known_part, null_state, split_import_id};
use combell_api::{Apcu, CancellationToken, Client, Error, LinuxHostingDetail};
use tfplugin::{
    default_plan, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics,
    ImportResult, PlanRequest, PlanResponse, ReadResult, Resource, Schema, Value,
};

const TYPE_NAME: &str = "combell_linux_hosting_settings";
const LOG: &str = "linux_hosting_settings";

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

#[async_trait]
impl Resource for LinuxHostingSettingsResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "GET /linuxhostings/{domainName}",
            "GET /linuxhostings/{domainName}/phpsettings/availableversions",
            "PUT /linuxhostings/{domainName}/phpsettings/version",
            "PUT /linuxhostings/{domainName}/phpsettings/memorylimit",
            "PUT /linuxhostings/{domainName}/phpsettings/apcu",
            "PUT /linuxhostings/{domainName}/settings/gzipcompression",
            "PUT /linuxhostings/{domainName}/ftp/configuration",
            "PUT /linuxhostings/{domainName}/ssh/configuration",
        ]
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn requires_replace(&self) -> &[&str] {
        &["domain_name"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
        diags
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let prior = req.prior.clone();
        let mut resp = default_plan(&schema(), &["domain_name"], &[], req);
        // A PHP version that changes is checked against the hosting's list (a read only).
        let (Some(domain), Some(version)) = (
            resp.planned.get_str("domain_name"),
            resp.planned.get_str("php_version"),
        ) else {
            return resp;
        };
        if prior.get_str("php_version") == Some(version) {
            return resp;
        }
        let Ok(client) = client(ctx) else {
            return resp;
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
        resp
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ApplyResult::error(d),
        };
        let Some(domain) = planned.get_str("domain_name") else {
            return ApplyResult::error(Diagnostic::error(summary, "domain_name is not known."));
        };
        if let Err(diag) = hosting(&client, domain, &summary, ctx.stopping()).await {
            return ApplyResult::error(diag);
        }
        apply(&client, domain, &Value::Null, planned, &summary, ctx).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ReadResult::error(d),
        };
        let Some(domain) = state.get_str("domain_name") else {
            return ReadResult::gone();
        };
        match client.get_linux_hosting(domain, ctx.stopping()).await {
            Ok(detail) => ReadResult::ok(state_from(&detail, state)),
            Err(err) if err.is_not_found() => ReadResult::gone(),
            Err(err) => ReadResult {
                state: Some(state.clone()),
                diagnostics: api_error(format!("Unable to read {TYPE_NAME}"), &err).into(),
                ..Default::default()
            },
        }
    }

    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        let summary = format!("Unable to update {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ApplyResult::error(d),
        };
        let Some(domain) = planned.get_str("domain_name") else {
            return ApplyResult::error(Diagnostic::error(summary, "domain_name is not known."));
        };
        apply(&client, domain, prior, planned, &summary, ctx).await
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        let domain = prior.get_str("domain_name").unwrap_or_default();
        forgotten(
            TYPE_NAME,
            &format!(
                "Combell has no way to reset hosting settings, so the Linux hosting \"{domain}\" \
                 keeps its current PHP, GZIP, FTP and SSH settings."
            ),
        )
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let parts = match split_import_id(TYPE_NAME, id, &["domain_name"], "example.com") {
            Ok(parts) => parts,
            Err(result) => return result,
        };
        let domain = parts[0].to_ascii_lowercase();
        let mut state = null_state(&schema());
        state.set("id", domain.clone());
        state.set("domain_name", domain);
        ImportResult {
            state: Some(state),
            ..Default::default()
        }
    }
}

/// PUTs every setting the plan sets that differs from `prior`, then reads the hosting back.
/// A failure keeps what was already applied: the prior state with the settings that went
/// through.
async fn apply(
    client: &Client,
    domain: &str,
    prior: &Value,
    planned: &Value,
    summary: &str,
    ctx: &Ctx,
) -> ApplyResult {
    let cancel = ctx.stopping();
    let mut done = if prior.is_null() {
        let mut s = known_part(&schema(), planned);
        for name in ["php_version", "ftp_enabled"] {
            if planned.is_unknown_at(name) {
                s.set(name, Value::Null);
            }
        }
        for name in [
            "php_memory_limit",
            "apcu_enabled",
            "apcu_size",
            "gzip_enabled",
            "ssh_enabled",
        ] {
            s.set(name, Value::Null);
        }
        s.set("id", domain);
        s
    } else {
        prior.clone()
    };
    let result = put_changes(client, domain, prior, planned, &mut done, cancel).await;
    let no_cancel = CancellationToken::new();
    let mut diags = Diagnostics::default();
    if let Err(err) = result {
        diags.push(api_error(summary, &err));
    }
    match client.get_linux_hosting(domain, &no_cancel).await {
        Ok(detail) => {
            let base = if diags.has_errors() { &done } else { planned };
            ApplyResult {
                state: Some(state_from(&detail, base)),
                diagnostics: diags,
                ..Default::default()
            }
        }
        Err(err) => {
            diags.push(api_error(summary, &err));
            ApplyResult {
                state: (!prior.is_null()).then_some(done),
                diagnostics: diags,
                ..Default::default()
            }
        }
    }
}

async fn put_changes(
    client: &Client,
    domain: &str,
    prior: &Value,
    planned: &Value,
    done: &mut Value,
    cancel: &CancellationToken,
) -> Result<(), Error> {
    let changed = |name: &str| {
        planned
            .get_known(name)
            .filter(|v| Some(*v) != prior.get(name))
            .cloned()
    };
    if let Some(version) = changed("php_version") {
        let version = version.as_str().unwrap_or_default();
        client.set_php_version(domain, version, cancel).await?;
        done.set("php_version", version);
        hclog::info(
            LOG,
            "PHP version set",
            &[("domain_name", json!(domain)), ("version", json!(version))],
        );
    }
    if let Some(limit) = changed("php_memory_limit") {
        client
            .set_php_memory_limit(domain, limit.as_i64().unwrap_or_default(), cancel)
            .await?;
        done.set("php_memory_limit", limit);
    }
    if changed("apcu_enabled").is_some() || changed("apcu_size").is_some() {
        if let Some(enabled) = planned.get_bool("apcu_enabled") {
            let apcu = Apcu {
                enabled,
                apcu_size: planned.get_i64("apcu_size"),
            };
            client.set_php_apcu(domain, apcu, cancel).await?;
            done.set("apcu_enabled", enabled);
            done.set(
                "apcu_size",
                planned.get("apcu_size").cloned().unwrap_or_default(),
            );
        }
    }
    if let Some(on) = changed("gzip_enabled") {
        client
            .set_linux_gzip(domain, on.as_bool().unwrap_or_default(), cancel)
            .await?;
        done.set("gzip_enabled", on);
    }
    if let Some(on) = changed("ftp_enabled") {
        client
            .set_linux_ftp(domain, on.as_bool().unwrap_or_default(), cancel)
            .await?;
        done.set("ftp_enabled", on);
    }
    if let Some(on) = changed("ssh_enabled") {
        client
            .set_linux_ssh(domain, on.as_bool().unwrap_or_default(), cancel)
            .await?;
        done.set("ssh_enabled", on);
    }
    Ok(())
}

/// The one mapping from the API: what Combell reports replaces `base`'s values; the settings
/// it does not report stay as `base` has them.
fn state_from(detail: &LinuxHostingDetail, base: &Value) -> Value {
    let mut state = known_part(&schema(), base);
    let domain = detail.domain_name.to_ascii_lowercase();
    state.set("id", domain.clone());
    state.set("domain_name", domain);
    state.set("php_version", detail.php_version.clone());
    state.set("ftp_enabled", detail.ftp_enabled);
    state.set("ftp_username", detail.ftp_username.clone());
    state.set("ssh_host", detail.ssh_host.clone());
    state.set("ssh_username", detail.ssh_username.clone());
    state
}

fn validate_config(config: &Value) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    if let Some(domain) = config.get_str("domain_name") {
        if let Err(detail) = crate::core::rules::domain_name(domain) {
            problems.push(("domain_name", "Invalid domain name".into(), detail));
        }
    }
    if let Some(version) = config.get_str("php_version") {
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
    for (name, what) in [
        ("php_memory_limit", "memory limit"),
        ("apcu_size", "APCu size"),
    ] {
        if let Some(v) = config.get_known(name) {
            let whole = v
                .as_i64()
                .filter(|n| *n > 0 && v.as_f64() == Some(*n as f64));
            if whole.is_none() {
                problems.push((
                    name,
                    format!("Invalid {what}"),
                    format!("{name} is a whole number of MB, greater than 0."),
                ));
            }
        }
    }
    let apcu_on = config.get_bool("apcu_enabled");
    let size_set = config.get("apcu_size").is_some_and(|v| !v.is_null());
    let size_unknown = config.is_unknown_at("apcu_size");
    if apcu_on == Some(true) && !size_set && !size_unknown {
        problems.push((
            "apcu_size",
            "APCu needs a size".into(),
            "Set apcu_size (in MB, such as 64) when apcu_enabled is true.".into(),
        ));
    }
    if size_set && config.get("apcu_enabled").is_some_and(Value::is_null) {
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

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = null_state(&schema());
        v.set("domain_name", "example.com");
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    fn bad(cfg: &Value) -> Vec<&'static str> {
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
        assert_eq!(state.get_str("id"), Some("example.com"));
        assert_eq!(state.get_str("php_version"), Some("8.2"));
        assert_eq!(state.get_bool("ftp_enabled"), Some(false));
        assert_eq!(state.get_bool("gzip_enabled"), Some(true));
        assert!(state.get("ssh_enabled").is_some_and(Value::is_null));
        assert!(state.is_wholly_known());
    }
}
