//! `combell_php_versions`: the PHP versions a Linux hosting can switch to
//! (`GET /v2/linuxhostings/{domain}/phpsettings/availableversions`), in Combell's order.

use async_trait::async_trait;

use crate::core::data::{known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::core::rules::host_name_in;
use tfplugin::{model, Attribute, Diagnostics, Schema, Type};

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
impl Reader for PhpVersionsDataSource {
    type Model = PhpVersions;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /linuxhostings/{domainName}/phpsettings/availableversions"];

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

    fn validate(&self, config: &PhpVersions, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: PhpVersions,
        cancel: &CancellationToken,
    ) -> Result<PhpVersions, Failure> {
        let domain = known(&config.domain_name, "domain_name")?;
        let versions = client.php_versions(domain, cancel).await?;
        Ok(PhpVersions {
            id: domain.to_string().into(),
            domain_name: domain.to_string().into(),
            versions: versions.into(),
        })
    }
}
