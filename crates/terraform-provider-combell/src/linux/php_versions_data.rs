//! `combell_php_versions`: the PHP versions a Linux hosting can switch to
//! (`GET /v2/linuxhostings/{domain}/phpsettings/availableversions`), in Combell's order.

use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::linux::common::host_name_in;
use tfplugin::{
    decode, model, Attribute, Ctx, DataSource, Diagnostic, Diagnostics, Model, ReadResult, Schema,
    Type, Value,
};

model! {
    /// The configuration and state of `combell_php_versions`.
    pub struct PhpVersions {
        id: String,
        domain_name: String,
        versions: Vec<String>,
    }
}

pub struct PhpVersionsDataSource;

const TYPE_NAME: &str = "combell_php_versions";

#[async_trait]
impl DataSource for PhpVersionsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /linuxhostings/{domainName}/phpsettings/availableversions"]
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        PhpVersions::attribute_names()
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The hosting's domain name."),
            Attribute::string("domain_name")
                .required()
                .description("Domain name of the Linux hosting, such as `example.com`."),
            Attribute::new("versions", Type::list(Type::String))
                .computed()
                .description(
                    "The PHP versions available on the hosting, such as `8.3`, as Combell \
                     orders them (`combell_linux_hosting_settings.php_version` takes one).",
                ),
        ])
        .description("Lists the PHP versions a Linux hosting can use.")
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(PhpVersions, config);
        let mut diags = Diagnostics::default();
        host_name_in(
            &config.domain_name,
            "domain_name",
            "domain name",
            &mut diags,
        );
        diags
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let config = decode!(PhpVersions, config);
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        let Some(domain) = config.domain_name.as_str() else {
            return ReadResult::error(Diagnostic::error(summary, "domain_name is not known."));
        };
        match client.php_versions(domain, ctx.stopping()).await {
            Ok(versions) => ReadResult::ok(
                PhpVersions {
                    id: domain.to_string().into(),
                    domain_name: domain.to_string().into(),
                    versions: versions.into(),
                }
                .encode(),
            ),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}
