//! `combell_windows_hosting`: one Windows hosting in detail (`GET /v2/windowshostings/{domain}`):
//! sizes, IP, FTP user, application pool, MS SQL databases and sites with their bindings.
//! Read-only: Combell's API has no write for Windows hostings.

use async_trait::async_trait;

use crate::core::data::{found, known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::core::rules::host_name_in;
use combell_api::{SiteBinding, WindowsHostingDetail, WindowsSite};
use tfplugin::{model, Attribute, Diagnostics, Nesting, Schema, Type};

pub struct WindowsHostingDataSource;

const TYPE_NAME: &str = "combell_windows_hosting";

model! {
    /// The configuration and state of `combell_windows_hosting`.
    pub struct WindowsHosting {
        id: String,
        domain_name: String,
        servicepack_id: i64,
        max_size: i64,
        actual_size: i64,
        ip: String,
        ip_type: String,
        ftp_username: String,
        application_pool: Pool,
        mssql_database_names: Vec<String>,
        sites: Vec<Site>,
    }
}

model! {
    /// The hosting's IIS application pool.
    pub struct Pool {
        runtime: String,
        pipeline_mode: String,
        installed_net_core_runtimes: Vec<String>,
    }
}

model! {
    /// One site of the hosting.
    pub struct Site {
        name: String,
        path: String,
        bindings: Vec<Binding>,
    }
}

model! {
    /// One binding of a site.
    pub struct Binding {
        host_name: String,
        ip_address: String,
        port: i64,
        protocol: String,
        ssl_enabled: bool,
        cert_thumbprint: String,
    }
}

#[async_trait]
impl Reader for WindowsHostingDataSource {
    type Model = WindowsHosting;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /windowshostings/{domainName}"];

    fn schema(&self) -> Schema {
        let binding = vec![
            Attribute::string("host_name")
                .computed()
                .description("The host name the binding answers for."),
            Attribute::string("ip_address")
                .computed()
                .description("The IP address of the binding."),
            Attribute::number("port")
                .computed()
                .description("The port of the binding, such as `80` or `443`."),
            Attribute::string("protocol")
                .computed()
                .description("The protocol of the binding, such as `http`."),
            Attribute::bool("ssl_enabled")
                .computed()
                .description("Whether the binding uses SSL."),
            Attribute::string("cert_thumbprint")
                .computed()
                .description("Thumbprint of the binding's certificate; empty without SSL."),
        ];
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The domain name; present because Terraform expects an id."),
            Attribute::string("domain_name").required().description(
                "The Windows hosting's domain name, such as `example.com`, in lower case.",
            ),
            Attribute::number("servicepack_id")
                .computed()
                .description("Id of the hosting's servicepack."),
            Attribute::number("max_size")
                .computed()
                .description("The webspace quota, in MB."),
            Attribute::number("actual_size")
                .computed()
                .description("The webspace in use, in MB."),
            Attribute::string("ip")
                .computed()
                .description("The hosting's IP address."),
            Attribute::string("ip_type")
                .computed()
                .description("`shared` or `dedicated`."),
            Attribute::string("ftp_username")
                .computed()
                .description("The FTP user name of the hosting."),
            Attribute::nested(
                "application_pool",
                Nesting::Single,
                vec![
                    Attribute::string("runtime")
                        .computed()
                        .description("The active .NET runtime, such as `v4.0`."),
                    Attribute::string("pipeline_mode")
                        .computed()
                        .description("The IIS pipeline mode, such as `Integrated`."),
                    Attribute::new("installed_net_core_runtimes", Type::list(Type::String))
                        .computed()
                        .description("The .NET (Core) runtimes installed for the hosting."),
                ],
            )
            .computed()
            .description("The hosting's IIS application pool."),
            Attribute::new("mssql_database_names", Type::list(Type::String))
                .computed()
                .description("The MS SQL databases linked to the hosting."),
            Attribute::nested(
                "sites",
                Nesting::List,
                vec![
                    Attribute::string("name")
                        .computed()
                        .description("The site's name."),
                    Attribute::string("path")
                        .computed()
                        .description("The site's folder on the hosting."),
                    Attribute::nested("bindings", Nesting::List, binding)
                        .computed()
                        .description("The site's bindings (host name, IP, port, protocol)."),
                ],
            )
            .computed()
            .description("The websites of the hosting, in the order Combell lists them."),
        ])
        .description(
            "Reads one Windows hosting: sizes, IP, FTP user, application pool, MS SQL databases \
             and sites. Combell's API can only read Windows hostings.",
        )
    }

    fn validate(&self, config: &WindowsHosting, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: WindowsHosting,
        cancel: &CancellationToken,
    ) -> Result<WindowsHosting, Failure> {
        let domain = known(&config.domain_name, "domain_name")?;
        let detail = found(client.get_windows_hosting(domain, cancel).await, || {
            Failure::said_at(
                "domain_name",
                format!(
                    "\"{domain}\" has no Windows hosting at Combell \
                     (data.combell_windows_hostings lists them)."
                ),
            )
        })?;
        Ok(state_from(domain, &detail))
    }
}

fn binding(b: &SiteBinding) -> Binding {
    Binding {
        host_name: b.host_name.clone().into(),
        ip_address: b.ip_address.clone().into(),
        port: b.port.into(),
        protocol: b.protocol.clone().into(),
        ssl_enabled: b.ssl_enabled.into(),
        cert_thumbprint: b.cert_thumbprint.clone().into(),
    }
}

fn site(site: &WindowsSite) -> Site {
    Site {
        name: site.name.clone().into(),
        path: site.path.clone().into(),
        bindings: site.bindings.iter().map(binding).collect::<Vec<_>>().into(),
    }
}

fn state_from(domain: &str, h: &WindowsHostingDetail) -> WindowsHosting {
    let pool = &h.application_pool;
    WindowsHosting {
        id: domain.to_string().into(),
        domain_name: domain.to_string().into(),
        servicepack_id: h.servicepack_id.into(),
        max_size: h.max_size.into(),
        actual_size: h.actual_size.into(),
        ip: h.ip.clone().into(),
        ip_type: h.ip_type.clone().into(),
        ftp_username: h.ftp_username.clone().into(),
        application_pool: Pool {
            runtime: pool.runtime.clone().into(),
            pipeline_mode: pool.pipeline_mode.clone().into(),
            installed_net_core_runtimes: pool.installed_net_core_runtimes.clone().into(),
        }
        .into(),
        mssql_database_names: h.mssql_database_names.clone().into(),
        sites: h.sites.iter().map(site).collect::<Vec<_>>().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::ApplicationPool;
    use tfplugin::Model;

    #[test]
    fn maps_every_field() {
        let detail = WindowsHostingDetail {
            domain_name: "win.example".into(),
            servicepack_id: 14,
            max_size: 10240,
            actual_size: 7,
            ip: "203.0.113.20".into(),
            ip_type: "shared".into(),
            ftp_username: "winexample".into(),
            application_pool: ApplicationPool {
                runtime: "v4.0".into(),
                pipeline_mode: "Integrated".into(),
                installed_net_core_runtimes: vec!["8.0".into()],
            },
            mssql_database_names: vec![],
            sites: vec![WindowsSite {
                name: "win.example".into(),
                path: "/wwwroot".into(),
                bindings: vec![SiteBinding {
                    host_name: "win.example".into(),
                    ip_address: "203.0.113.20".into(),
                    port: 80,
                    protocol: "http".into(),
                    ssl_enabled: false,
                    cert_thumbprint: String::new(),
                }],
            }],
        };
        let state = state_from("win.example", &detail);
        assert!(state.encode().is_wholly_known());
        let pool = state.application_pool.known().unwrap();
        assert_eq!(pool.pipeline_mode.as_str(), Some("Integrated"));
        let site = &state.sites.items()[0];
        assert_eq!(site.bindings.items()[0].port.get(), Some(80));
        assert_eq!(state.max_size.get(), Some(10240));
    }
}
