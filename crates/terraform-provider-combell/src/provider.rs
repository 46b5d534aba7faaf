//! The `combell` provider: its configuration block, which becomes one shared [`Client`], and
//! the list of resources, data sources, list resources, ephemeral resources and functions. Every API error reaches the user through
//! [`crate::core::api_error`], so diagnostics read the same everywhere.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::accounts::account::AccountResource;
use crate::accounts::account_data::AccountDataSource;
use crate::accounts::account_list::AccountList;
use crate::accounts::accounts_data::AccountsDataSource;
use crate::accounts::servicepacks_data::ServicepacksDataSource;
use crate::core::data::Data;
use crate::core::list::Listed;
use crate::core::managed::Typed;
use crate::core::settings::SettingsOf;
use crate::dns::record::DnsRecordResource;
use crate::dns::record_list::DnsRecordList;
use crate::dns::records_data::DnsRecordsDataSource;
use crate::dns::zone_file::ZoneFileFunction;
use crate::domains::domain::DomainResource;
use crate::domains::domain_data::DomainDataSource;
use crate::domains::domain_list::{DomainList, DomainRegistrationList};
use crate::domains::domains_data::DomainsDataSource;
use crate::domains::registration::DomainRegistrationResource;
use crate::linux::host_header::LinuxHostHeaderResource;
use crate::linux::host_header_list::LinuxHostHeaderList;
use crate::linux::hosting_data::LinuxHostingDataSource;
use crate::linux::hosting_settings::LinuxHostingSettingsResource;
use crate::linux::hosting_settings_list::LinuxHostingSettingsList;
use crate::linux::hostings_data::LinuxHostingsDataSource;
use crate::linux::php_versions_data::PhpVersionsDataSource;
use crate::linux::scheduled_task::ScheduledTaskResource;
use crate::linux::scheduled_task_list::ScheduledTaskList;
use crate::linux::site_settings::LinuxSiteSettingsResource;
use crate::linux::site_settings_list::LinuxSiteSettingsList;
use crate::linux::ssh_key::SshKeyResource;
use crate::linux::ssh_key_list::SshKeyList;
use crate::linux::ssh_keys_data::SshKeysDataSource;
use crate::linux::subsite::LinuxSubsiteResource;
use crate::linux::subsite_list::LinuxSubsiteList;
use crate::mail::alias::MailAliasPart;
use crate::mail::alias_list::MailAliasList;
use crate::mail::antispam::MailAntispam;
use crate::mail::antispam_list::MailAntispamList;
use crate::mail::catch_all::MailCatchAll;
use crate::mail::catch_all_list::MailCatchAllList;
use crate::mail::mailbox::MailboxPart;
use crate::mail::mailbox_list::MailboxList;
use crate::mail::mailboxes_data::MailboxesDataSource;
use crate::mail::smtp_domain::MailSmtpDomain;
use crate::mail::smtp_domain_list::MailSmtpDomainList;
use crate::mail::zone_data::MailZoneDataSource;
use crate::mysql::database::MysqlDatabaseResource;
use crate::mysql::database_list::MysqlDatabaseList;
use crate::mysql::databases_data::MysqlDatabasesDataSource;
use crate::mysql::user::MysqlUserResource;
use crate::mysql::user_list::MysqlUserList;
use crate::ssl::certificate_data::SslCertificateDataSource;
use crate::ssl::certificate_download_ephemeral::SslCertificateDownload;
use crate::ssl::certificate_request::SslCertificateRequestResource;
use crate::ssl::certificate_request_list::SslCertificateRequestList;
use crate::ssl::certificate_requests_data::SslCertificateRequestsDataSource;
use crate::ssl::certificate_validation::SslCertificateValidationResource;
use crate::ssl::certificates_data::SslCertificatesDataSource;
use crate::windows::hosting_data::WindowsHostingDataSource;
use crate::windows::hostings_data::WindowsHostingsDataSource;
use combell_api::{self as client, Client, ClientConfig, Secret};
use tfplugin::{
    model, Attribute, AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, EphemeralResource,
    Field, Function, ListResource, Model, ProviderData, ProviderDef, Resource, Schema, Value,
};

pub const ENV_ENDPOINT: &str = "COMBELL_ENDPOINT";
pub const ENV_API_KEY: &str = "COMBELL_API_KEY";
pub const ENV_API_SECRET: &str = "COMBELL_API_SECRET";

/// The provider as `main` serves it.
pub fn provider() -> CombellProvider {
    CombellProvider
}

pub struct CombellProvider;

model! {
    /// The provider block.
    pub struct ProviderConfig {
        endpoint: String,
        api_key: String,
        api_secret: String,
    }
}

#[async_trait]
impl ProviderDef for CombellProvider {
    fn type_name(&self) -> &str {
        "combell"
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("endpoint")
                .optional()
                .default(client::DEFAULT_ENDPOINT)
                .description(
                    "Base URL of the Combell API, including the version path. Defaults to \
                 `https://api.combell.com/v2`; accounts of Combell's Dutch brand use \
                 `https://api.combell.nl/v2`, and the local simulator prints its own \
                 (`http://127.0.0.1:PORT/v2`). Can also be set with `COMBELL_ENDPOINT`.",
                ),
            Attribute::string("api_key").optional().description(
                "API key from the Combell control panel (*Settings → API users*). Can also be \
                 set with `COMBELL_API_KEY`.",
            ),
            Attribute::string("api_secret")
                .optional()
                .sensitive()
                .description(
                    "API secret belonging to `api_key`. Prefer the `COMBELL_API_SECRET` \
                     environment variable, which keeps it out of configuration files. The \
                     calling machine's IP address must also be on the API allow-list in the \
                     control panel.",
                ),
        ])
        .description(
            "Manages a Combell reseller estate (accounts, DNS, databases, mail, hosting) \
             through the Combell API v2.",
        )
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        let config = match ProviderConfig::decode(config) {
            Ok(config) => config,
            Err(diags) => return diags,
        };
        let mut diags = Diagnostics::default();
        if let Some(endpoint) = config.endpoint.as_str() {
            if let Err(detail) = check_endpoint(endpoint) {
                diags.error_at(AttributePath::new("endpoint"), "Invalid endpoint", detail);
            }
        }
        diags
    }

    async fn configure(&self, ctx: &Ctx, config: &Value) -> (Option<ProviderData>, Diagnostics) {
        let config = match ProviderConfig::decode(config) {
            Ok(config) => config,
            Err(diags) => return (None, diags),
        };
        let mut diags = Diagnostics::default();
        // A configuration that depends on values known only after apply: resources get no
        // client and say so if they need one; planning itself needs none.
        if [&config.endpoint, &config.api_key, &config.api_secret]
            .iter()
            .any(|field| field.is_unknown())
        {
            return (None, diags);
        }
        let endpoint = setting(&config.endpoint, ENV_ENDPOINT)
            .unwrap_or_else(|| client::DEFAULT_ENDPOINT.to_string());
        let api_key = setting(&config.api_key, ENV_API_KEY);
        let api_secret = setting(&config.api_secret, ENV_API_SECRET);
        if api_key.is_none() {
            diags.error_at(
                AttributePath::new("api_key"),
                "Missing Combell API key",
                format!(
                    "Set `api_key` in the provider block or the {ENV_API_KEY} environment \
                     variable. API keys are made in the Combell control panel."
                ),
            );
        }
        if api_secret.is_none() {
            diags.error_at(
                AttributePath::new("api_secret"),
                "Missing Combell API secret",
                format!(
                    "Set the {ENV_API_SECRET} environment variable (or `api_secret` in the \
                     provider block) to the secret shown with the API key in the Combell \
                     control panel."
                ),
            );
        }
        if let Err(detail) = check_endpoint(&endpoint) {
            diags.error_at(AttributePath::new("endpoint"), "Invalid endpoint", detail);
        }
        let (Some(api_key), Some(api_secret)) = (api_key, api_secret) else {
            return (None, diags);
        };
        if diags.has_errors() {
            return (None, diags);
        }
        let version = ctx.terraform_version();
        let user_agent = if version.is_empty() {
            format!("terraform-provider-combell/{}", env!("CARGO_PKG_VERSION"))
        } else {
            format!(
                "terraform-provider-combell/{} terraform/{version}",
                env!("CARGO_PKG_VERSION")
            )
        };
        let config = ClientConfig {
            endpoint,
            api_key,
            api_secret: Secret::new(api_secret),
            user_agent,
            request_timeout: Duration::from_secs(60),
            ..ClientConfig::default()
        };
        match Client::new(config) {
            Ok(client) => (Some(Arc::new(client) as ProviderData), diags),
            Err(err) => {
                diags.push(
                    Diagnostic::error("Invalid Combell provider configuration", err.to_string())
                        .at(AttributePath::new("endpoint")),
                );
                (None, diags)
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(Typed::new(DnsRecordResource)),
            Arc::new(Typed::new(AccountResource)),
            Arc::new(Typed::new(MysqlDatabaseResource)),
            Arc::new(Typed::new(MysqlUserResource)),
            Arc::new(Typed::new(MailboxPart)),
            Arc::new(SettingsOf::new(DomainResource)),
            Arc::new(Typed::new(DomainRegistrationResource)),
            Arc::new(Typed::new(SslCertificateRequestResource)),
            Arc::new(Typed::new(SslCertificateValidationResource)),
            Arc::new(SettingsOf::new(LinuxHostingSettingsResource)),
            Arc::new(SettingsOf::new(LinuxSiteSettingsResource)),
            Arc::new(Typed::new(SshKeyResource)),
            Arc::new(Typed::new(ScheduledTaskResource)),
            Arc::new(Typed::new(LinuxSubsiteResource)),
            Arc::new(Typed::new(LinuxHostHeaderResource)),
            Arc::new(Typed::new(MailAliasPart)),
            Arc::new(Typed::new(MailCatchAll)),
            Arc::new(Typed::new(MailSmtpDomain)),
            Arc::new(Typed::new(MailAntispam)),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(Data::new(ServicepacksDataSource)),
            Arc::new(Data::new(AccountDataSource)),
            Arc::new(Data::new(AccountsDataSource)),
            Arc::new(Data::new(MysqlDatabasesDataSource)),
            Arc::new(Data::new(MailboxesDataSource)),
            Arc::new(Data::new(DomainDataSource)),
            Arc::new(Data::new(DomainsDataSource)),
            Arc::new(Data::new(SslCertificateDataSource)),
            Arc::new(Data::new(SslCertificatesDataSource)),
            Arc::new(Data::new(SslCertificateRequestsDataSource)),
            Arc::new(Data::new(LinuxHostingDataSource)),
            Arc::new(Data::new(LinuxHostingsDataSource)),
            Arc::new(Data::new(PhpVersionsDataSource)),
            Arc::new(Data::new(SshKeysDataSource)),
            Arc::new(Data::new(MailZoneDataSource)),
            Arc::new(Data::new(WindowsHostingDataSource)),
            Arc::new(Data::new(WindowsHostingsDataSource)),
            Arc::new(Data::new(DnsRecordsDataSource)),
        ]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![
            Arc::new(Listed(DnsRecordList)),
            Arc::new(Listed(MailboxList)),
            Arc::new(Listed(MysqlDatabaseList)),
            Arc::new(Listed(AccountList)),
            Arc::new(Listed(MysqlUserList)),
            Arc::new(Listed(MailAliasList)),
            Arc::new(Listed(MailCatchAllList)),
            Arc::new(Listed(MailSmtpDomainList)),
            Arc::new(Listed(MailAntispamList)),
            Arc::new(Listed(LinuxHostingSettingsList)),
            Arc::new(Listed(LinuxSiteSettingsList)),
            Arc::new(Listed(SshKeyList)),
            Arc::new(Listed(ScheduledTaskList)),
            Arc::new(Listed(LinuxSubsiteList)),
            Arc::new(Listed(LinuxHostHeaderList)),
            Arc::new(Listed(DomainList)),
            Arc::new(Listed(DomainRegistrationList)),
            Arc::new(Listed(SslCertificateRequestList)),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(SslCertificateDownload)]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(ZoneFileFunction)]
    }
}

/// The provider block's value if set and non-empty, else the environment variable's.
fn setting(configured: &Field<String>, env: &str) -> Option<String> {
    configured
        .as_str()
        .map(str::to_string)
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
}

fn check_endpoint(endpoint: &str) -> Result<(), String> {
    let rest = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"));
    match rest {
        Some(rest) if rest.contains("/v2") && !rest.starts_with('/') => Ok(()),
        _ => Err(format!(
            "The endpoint is a URL ending in the API version, such as \
             https://api.combell.com/v2; got \"{endpoint}\"."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{AttributeType, Block};

    /// Whether a description promises what a left-out value means.
    fn names_a_default(description: &str) -> bool {
        let d = description.to_ascii_lowercase();
        d.contains("defaults to") || d.contains("(the default)")
    }

    fn rendered(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.as_i64().map(|i| i.to_string()).unwrap_or_default(),
            other => format!("{other:?}"),
        }
    }

    /// Every attribute of a block, however deep, with its path and whether it lives in state
    /// (`stored`: a resource's attribute outside `timeouts`).
    fn walk<'a>(
        path: &str,
        block: &'a Block,
        stored: bool,
        out: &mut Vec<(String, &'a Attribute, bool)>,
    ) {
        fn attrs<'a>(
            path: &str,
            list: &'a [Attribute],
            stored: bool,
            out: &mut Vec<(String, &'a Attribute, bool)>,
        ) {
            for a in list {
                let here = format!("{path}.{}", a.name);
                if let AttributeType::Nested(_, sub) = &a.ty {
                    attrs(&here, sub, stored, out);
                }
                out.push((here, a, stored));
            }
        }
        attrs(path, &block.attributes, stored, out);
        for b in &block.blocks {
            let stored = stored && b.type_name != "timeouts";
            walk(&format!("{path}.{}", b.type_name), &b.block, stored, out);
        }
    }

    #[test]
    fn every_documented_default_is_declared_and_every_declared_one_documented() {
        let p = provider();
        let mut all = Vec::new();
        let schemas: Vec<(String, Schema, bool)> =
            std::iter::once(("provider".to_string(), p.schema(), false))
                .chain(
                    p.resources()
                        .iter()
                        .map(|r| (r.type_name().to_string(), r.schema(), true)),
                )
                .chain(
                    p.data_sources()
                        .iter()
                        .map(|d| (d.type_name().to_string(), d.schema(), false)),
                )
                .chain(
                    p.ephemeral_resources()
                        .iter()
                        .map(|e| (e.type_name().to_string(), e.schema(), false)),
                )
                .chain(
                    p.list_resources()
                        .iter()
                        .map(|l| (format!("list {}", l.type_name()), l.schema(), false)),
                )
                .collect();
        for (name, schema, stored) in &schemas {
            walk(name, &schema.block, *stored, &mut all);
        }
        let mut problems = Vec::new();
        for (path, a, stored) in &all {
            match (&a.default, names_a_default(&a.description)) {
                (None, true) => problems.push(format!(
                    "{path}: the description names a default that is not declared"
                )),
                (Some(_), false) => problems.push(format!(
                    "{path}: a declared default the description does not name"
                )),
                (Some(d), true) => {
                    if !a.description.contains(&rendered(&d.value)) {
                        problems.push(format!(
                            "{path}: the description does not say the declared default {:?}",
                            d.value
                        ));
                    }
                    // A stored value is only planned back when Terraform lets the provider
                    // choose it: optional and computed.
                    if *stored && !(a.optional && a.computed) {
                        problems.push(format!(
                            "{path}: a default on a stored attribute needs optional and computed"
                        ));
                    }
                    // The default plan applies declared defaults to top-level attributes.
                    if *stored && path.matches('.').count() > 1 {
                        problems.push(format!(
                            "{path}: a nested attribute's default is not planned"
                        ));
                    }
                }
                (None, false) => {}
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let declared = all.iter().filter(|(_, a, _)| a.default.is_some()).count();
        assert!(declared >= 9, "the walk found the defaults ({declared})");
    }

    /// Every resource and data source has a typed model with exactly the schema's top-level
    /// attributes, in schema order: a misspelt or forgotten attribute fails here instead of
    /// reading null at run time, and a new type cannot go without one.
    #[test]
    fn every_model_matches_its_schema() {
        let p = provider();
        let mut types: Vec<(String, Vec<&'static str>, Schema)> = Vec::new();
        for r in p.resources() {
            types.push((r.type_name().to_string(), r.model_attributes(), r.schema()));
        }
        for d in p.data_sources() {
            let name = format!("data.{}", d.type_name());
            types.push((name, d.model_attributes(), d.schema()));
        }
        let provider_model = ProviderConfig::attribute_names();
        types.push(("provider".to_string(), provider_model, p.schema()));
        let mut untyped = Vec::new();
        for (name, model, schema) in types {
            let attributes: Vec<&str> = schema
                .block
                .attributes
                .iter()
                .map(|a| a.name.as_str())
                .chain(schema.block.blocks.iter().map(|b| b.type_name.as_str()))
                .collect();
            if model.is_empty() {
                untyped.push(name);
            } else {
                assert_eq!(model, attributes, "{name}: model and schema differ");
            }
        }
        assert!(
            untyped.is_empty(),
            "types without a typed model: {untyped:?}"
        );
    }

    #[test]
    fn endpoints_need_scheme_and_version() {
        assert!(check_endpoint("https://api.combell.com/v2").is_ok());
        assert!(check_endpoint("http://127.0.0.1:4000/v2").is_ok());
        assert!(check_endpoint("api.combell.com/v2").is_err());
        assert!(check_endpoint("https://api.combell.com").is_err());
    }

    #[tokio::test]
    async fn missing_credentials_point_at_their_attributes() {
        // Only meaningful when the environment does not provide them.
        if std::env::var(ENV_API_KEY).is_ok() || std::env::var(ENV_API_SECRET).is_ok() {
            return;
        }
        let config = Value::object([
            ("endpoint", Value::Null),
            ("api_key", Value::Null),
            ("api_secret", Value::Null),
        ]);
        let (data, diags) = provider().configure(&Ctx::for_tests(None), &config).await;
        assert!(data.is_none());
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert!(paths.contains(&AttributePath::new("api_key")));
        assert!(paths.contains(&AttributePath::new("api_secret")));
    }

    #[tokio::test]
    async fn unknown_configuration_defers_without_errors() {
        let config = Value::object([
            ("endpoint", Value::Unknown),
            ("api_key", Value::Null),
            ("api_secret", Value::Null),
        ]);
        let (data, diags) = provider().configure(&Ctx::for_tests(None), &config).await;
        assert!(data.is_none());
        assert!(!diags.has_errors());
    }

    #[test]
    fn every_list_resource_lists_a_resource_with_an_identity() {
        let p = provider();
        let resources = p.resources();
        for list in p.list_resources() {
            let resource = resources
                .iter()
                .find(|r| r.type_name() == list.type_name())
                .unwrap_or_else(|| panic!("{} lists no resource type", list.type_name()));
            assert!(
                resource.identity_schema().is_some(),
                "{} has no identity schema",
                list.type_name()
            );
        }
    }
}
