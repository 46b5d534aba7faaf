//! Windows hostings: read-only in Combell's API (a list and one detail, no writes). A hosting
//! is created with an account whose servicepack includes Windows hosting.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::Request;
use super::{api_path, null_as_default, require, Client, Error};

/// An entry of `GET /windowshostings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsHosting {
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub servicepack_id: i64,
}

/// `GET /windowshostings/{domain}`. Sizes are in MB.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsHostingDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub servicepack_id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub actual_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ftp_username: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub application_pool: ApplicationPool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub mssql_database_names: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sites: Vec<WindowsSite>,
}

/// The API's `ApplicationPool`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationPool {
    #[serde(default, deserialize_with = "null_as_default")]
    pub runtime: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub pipeline_mode: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub installed_net_core_runtimes: Vec<String>,
}

/// The API's `WindowsSite`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsSite {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub path: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub bindings: Vec<SiteBinding>,
}

/// The API's `SiteBinding`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteBinding {
    #[serde(default, deserialize_with = "null_as_default")]
    pub host_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_address: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub port: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub protocol: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ssl_enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cert_thumbprint: String,
}

impl Client {
    /// `GET /windowshostings`, every page.
    pub async fn list_windows_hostings(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<WindowsHosting>, Error> {
        self.get_every_page("windowshostings", cancel).await
    }

    /// `GET /windowshostings/{domain}`. A missing hosting gives `is_not_found()`.
    pub async fn get_windows_hosting(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<WindowsHostingDetail, Error> {
        require("domain name", domain)?;
        let request = Request::new(Method::GET, api_path(&["windowshostings", domain])?);
        self.get_json(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_detail_with_nulls_and_unknown_fields() {
        let detail: WindowsHostingDetail = serde_json::from_str(
            r#"{"domain_name":"win.example","servicepack_id":14,"max_size":10240,
                "actual_size":null,"ip":"203.0.113.20","ip_type":"shared",
                "ftp_username":"winexample","application_pool":{"runtime":"v4.0",
                "pipeline_mode":"Integrated","installed_net_core_runtimes":null},
                "mssql_database_names":[],"future":true,
                "sites":[{"name":"win.example","path":"/wwwroot","bindings":[
                  {"host_name":"win.example","ip_address":"203.0.113.20","port":80,
                   "protocol":"http","ssl_enabled":false,"cert_thumbprint":null}]}]}"#,
        )
        .unwrap();
        assert_eq!(detail.actual_size, 0);
        assert_eq!(detail.application_pool.runtime, "v4.0");
        assert!(detail
            .application_pool
            .installed_net_core_runtimes
            .is_empty());
        assert_eq!(detail.sites[0].bindings[0].port, 80);
        assert_eq!(detail.sites[0].bindings[0].cert_thumbprint, "");
        let list: Vec<WindowsHosting> =
            serde_json::from_str(r#"[{"domain_name":"a.be","servicepack_id":null}]"#).unwrap();
        assert_eq!(list[0].servicepack_id, 0);
    }
}
