//! Linux hostings and the account-wide SSH key list. A hosting exists as an asset of an account
//! (there is no create or delete here); what can be changed lives below
//! `/linuxhostings/{domain}`: settings PUTs that answer 204 with no body, and synchronous
//! creates (scheduled tasks, SSH keys, subsites, host headers) that answer 201 + `Location`.
//!
//! Only `GET /linuxhostings/{domain}` reads most settings back (`php_version`, `ftp_enabled`,
//! per site `ssl_enabled`, `https_redirect_enabled`, `http2_enabled`, host headers); SSH on/off,
//! GZIP, APCu and the PHP memory limit appear in no answer at all.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::Request;
use super::{api_path_below, null_as_default, require, Client, Error};

/// An entry of `GET /linuxhostings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxHosting {
    #[serde(default, deserialize_with = "null_as_default")]
    pub domain_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub servicepack_id: i64,
}

/// `GET /linuxhostings/{domain}`. Sizes are in MB. The deprecated `max_webspace_size` and
/// `webspace_usage` are not read: `max_size` and `actual_size` replace them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxHostingDetail {
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
    pub ftp_enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ftp_username: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ssh_host: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ssh_username: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub php_version: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub mysql_database_names: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sites: Vec<LinuxSite>,
}

impl LinuxHostingDetail {
    /// The site named `name` (host names compare without case).
    pub fn site(&self, name: &str) -> Option<&LinuxSite> {
        self.sites
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The site that answers to `hostname`: by its name or one of its host headers.
    pub fn site_of_hostname(&self, hostname: &str) -> Option<&LinuxSite> {
        self.site(hostname).or_else(|| {
            self.sites.iter().find(|s| {
                s.host_headers
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case(hostname))
            })
        })
    }
}

/// The API's `LinuxSite`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxSite {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub path: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ssl_enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub https_redirect_enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub http2_enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub host_headers: Vec<HostHeader>,
}

/// The API's `HostHeader`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostHeader {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
}

/// The API's `ScheduledTask`. `id` is left out of request bodies (the API ignores it on create,
/// and the path names the task on a PUT).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledTask {
    #[serde(default, deserialize_with = "null_as_default", skip_serializing)]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cron_expression: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub script_location: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
}

/// The API's `SshKey` (on one hosting).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKey {
    #[serde(default, deserialize_with = "null_as_default")]
    pub fingerprint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub public_key: String,
}

/// The API's `SshKeyDetail` (`GET /ssh`): a key and the hostings it is on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKeyDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub fingerprint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub public_key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub linux_hostings: Vec<String>,
}

/// `UpdatePhpAPcuRequest`. A size left out is not sent: switching the cache off needs none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Apcu {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apcu_size: Option<i64>,
}

#[derive(Deserialize)]
struct PhpVersionWire {
    #[serde(default, deserialize_with = "null_as_default")]
    version: String,
}

#[derive(Serialize)]
struct Toggle {
    enabled: bool,
}

/// A request below `/linuxhostings/{domain}`; a blank domain is refused.
fn hosting_request(method: Method, domain: &str, rest: &[&str]) -> Result<Request, Error> {
    require("hosting domain name", domain)?;
    Ok(Request::new(
        method,
        api_path_below("linuxhostings", domain, rest)?,
    ))
}

impl Client {
    /// `GET /linuxhostings`, every page.
    pub async fn list_linux_hostings(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<LinuxHosting>, Error> {
        self.get_every_page("linuxhostings", cancel).await
    }

    /// `GET /linuxhostings/{domain}`. A missing hosting gives `is_not_found()`.
    pub async fn get_linux_hosting(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<LinuxHostingDetail, Error> {
        self.get_json(hosting_request(Method::GET, domain, &[])?, cancel)
            .await
    }

    /// `GET .../phpsettings/availableversions`, as the API orders them.
    pub async fn php_versions(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>, Error> {
        let path = ["phpsettings", "availableversions"];
        let list: Vec<PhpVersionWire> = self
            .get_list(hosting_request(Method::GET, domain, &path)?, cancel)
            .await?;
        Ok(list.into_iter().map(|v| v.version).collect())
    }

    /// A PUT of `body` below the hosting that answers 204.
    async fn put_setting<T: Serialize>(
        &self,
        domain: &str,
        rest: &[&str],
        body: &T,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = hosting_request(Method::PUT, domain, rest)?.json(body)?;
        self.send_only(request, cancel).await
    }

    /// `PUT .../phpsettings/version` (204).
    pub async fn set_php_version(
        &self,
        domain: &str,
        version: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("PHP version", version)?;
        let body = serde_json::json!({ "version": version });
        self.put_setting(domain, &["phpsettings", "version"], &body, cancel)
            .await
    }

    /// `PUT .../phpsettings/memorylimit` (204), in MB.
    pub async fn set_php_memory_limit(
        &self,
        domain: &str,
        megabytes: i64,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let body = serde_json::json!({ "memory_limit": megabytes });
        self.put_setting(domain, &["phpsettings", "memorylimit"], &body, cancel)
            .await
    }

    /// `PUT .../phpsettings/apcu` (204).
    pub async fn set_php_apcu(
        &self,
        domain: &str,
        apcu: Apcu,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.put_setting(domain, &["phpsettings", "apcu"], &apcu, cancel)
            .await
    }

    /// `PUT .../ftp/configuration` (204).
    pub async fn set_linux_ftp(
        &self,
        domain: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let path = ["ftp", "configuration"];
        self.put_setting(domain, &path, &Toggle { enabled }, cancel)
            .await
    }

    /// `PUT .../ssh/configuration` (204).
    pub async fn set_linux_ssh(
        &self,
        domain: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let path = ["ssh", "configuration"];
        self.put_setting(domain, &path, &Toggle { enabled }, cancel)
            .await
    }

    /// `PUT .../settings/gzipcompression` (204).
    pub async fn set_linux_gzip(
        &self,
        domain: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let path = ["settings", "gzipcompression"];
        self.put_setting(domain, &path, &Toggle { enabled }, cancel)
            .await
    }

    /// `PUT .../sites/{site}/http2/configuration` (204). The site needs SSL to enable it.
    pub async fn set_linux_http2(
        &self,
        domain: &str,
        site: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("site name", site)?;
        let path = ["sites", site, "http2", "configuration"];
        self.put_setting(domain, &path, &Toggle { enabled }, cancel)
            .await
    }

    /// `PUT .../sslsettings/{hostname}/letsencrypt` (204).
    pub async fn set_linux_lets_encrypt(
        &self,
        domain: &str,
        hostname: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.put_ssl_setting(domain, hostname, "letsencrypt", enabled, cancel)
            .await
    }

    /// `PUT .../sslsettings/{hostname}/autoredirect` (204).
    pub async fn set_linux_auto_redirect(
        &self,
        domain: &str,
        hostname: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.put_ssl_setting(domain, hostname, "autoredirect", enabled, cancel)
            .await
    }

    /// `PUT .../sslsettings/{hostname}/{setting}` (204).
    async fn put_ssl_setting(
        &self,
        domain: &str,
        hostname: &str,
        setting: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("host name", hostname)?;
        let path = ["sslsettings", hostname, setting];
        self.put_setting(domain, &path, &Toggle { enabled }, cancel)
            .await
    }

    /// `GET .../scheduledtasks` (not paged).
    pub async fn list_scheduled_tasks(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<ScheduledTask>, Error> {
        let request = hosting_request(Method::GET, domain, &["scheduledtasks"])?;
        self.get_list(request, cancel).await
    }

    /// A request on one scheduled task; a blank id is refused.
    fn task_request(method: Method, domain: &str, id: &str) -> Result<Request, Error> {
        require("scheduled task id", id)?;
        hosting_request(method, domain, &["scheduledtasks", id])
    }

    /// `GET .../scheduledtasks/{id}`. A missing task gives `is_not_found()`.
    pub async fn get_scheduled_task(
        &self,
        domain: &str,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<ScheduledTask, Error> {
        let request = Self::task_request(Method::GET, domain, id)?;
        self.get_json(request, cancel).await
    }

    /// `POST .../scheduledtasks`; returns the new task's id from `Location`.
    pub async fn create_scheduled_task(
        &self,
        domain: &str,
        task: &ScheduledTask,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        let request = hosting_request(Method::POST, domain, &["scheduledtasks"])?.json(task)?;
        self.create_located(request, cancel).await
    }

    /// `PUT .../scheduledtasks/{id}` (204): full replacement.
    pub async fn update_scheduled_task(
        &self,
        domain: &str,
        id: &str,
        task: &ScheduledTask,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = Self::task_request(Method::PUT, domain, id)?.json(task)?;
        self.send_only(request, cancel).await
    }

    /// `DELETE .../scheduledtasks/{id}` (204).
    pub async fn delete_scheduled_task(
        &self,
        domain: &str,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = Self::task_request(Method::DELETE, domain, id)?;
        self.send_only(request, cancel).await
    }

    /// `GET .../ssh/keys` (not paged).
    pub async fn list_linux_ssh_keys(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<SshKey>, Error> {
        let request = hosting_request(Method::GET, domain, &["ssh", "keys"])?;
        self.get_list(request, cancel).await
    }

    /// `POST .../ssh/keys`; returns the key's fingerprint from `Location`.
    pub async fn add_linux_ssh_key(
        &self,
        domain: &str,
        public_key: &str,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        require("public key", public_key)?;
        let body = serde_json::json!({ "public_key": public_key });
        let request = hosting_request(Method::POST, domain, &["ssh", "keys"])?.json(&body)?;
        self.create_located(request, cancel).await
    }

    /// `DELETE .../ssh/keys/{fingerprint}` (204).
    pub async fn delete_linux_ssh_key(
        &self,
        domain: &str,
        fingerprint: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("key fingerprint", fingerprint)?;
        let path = ["ssh", "keys", fingerprint];
        self.send_only(hosting_request(Method::DELETE, domain, &path)?, cancel)
            .await
    }

    /// `POST .../subsites`; returns the subsite's name from `Location`. An empty `path` lets
    /// Combell use `/subsites/{name}`; the folder must already exist.
    pub async fn create_linux_subsite(
        &self,
        domain: &str,
        name: &str,
        path: &str,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        require("subsite name", name)?;
        let body = serde_json::json!({ "domain_name": name, "path": path });
        let request = hosting_request(Method::POST, domain, &["subsites"])?.json(&body)?;
        self.create_located(request, cancel).await
    }

    /// `DELETE .../subsites/{site}` (204).
    pub async fn delete_linux_subsite(
        &self,
        domain: &str,
        site: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("subsite name", site)?;
        let path = ["subsites", site];
        self.send_only(hosting_request(Method::DELETE, domain, &path)?, cancel)
            .await
    }

    /// `POST .../sites/{site}/hostheaders` (201). The API has no read or delete for a host
    /// header; it shows in the hosting's `sites[].host_headers`.
    pub async fn add_linux_host_header(
        &self,
        domain: &str,
        site: &str,
        hostname: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        require("site name", site)?;
        require("host name", hostname)?;
        let body = serde_json::json!({ "domain_name": hostname });
        let path = ["sites", site, "hostheaders"];
        let request = hosting_request(Method::POST, domain, &path)?.json(&body)?;
        self.send_only(request, cancel).await
    }

    /// `GET /ssh`, every page: every SSH key of the account and the hostings it is on.
    pub async fn list_all_ssh_keys(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<SshKeyDetail>, Error> {
        self.get_every_page("ssh", cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_detail_with_nulls_and_finds_sites_by_host_name() {
        let detail: LinuxHostingDetail = serde_json::from_str(
            r#"{"domain_name":"example.com","servicepack_id":12,"max_size":25600,
                "actual_size":null,"ftp_enabled":true,"php_version":"8.2","ip_type":"shared",
                "mysql_database_names":null,"webspace_usage":3,"future":1,
                "sites":[{"name":"example.com","path":"/www","ssl_enabled":true,
                          "host_headers":[{"name":"www.example.com","enabled":true}]},
                         {"name":"blog.example.com","path":null}]}"#,
        )
        .unwrap();
        assert_eq!(detail.actual_size, 0);
        assert!(detail.mysql_database_names.is_empty());
        assert_eq!(
            detail
                .site_of_hostname("WWW.example.com")
                .map(|s| &s.name[..]),
            Some("example.com")
        );
        assert_eq!(
            detail.site("blog.example.com").map(|s| &s.path[..]),
            Some("")
        );
        assert!(detail.site_of_hostname("nope.example.com").is_none());
    }

    #[test]
    fn writes_wire_bodies_without_the_task_id() {
        let task = ScheduledTask {
            id: "5001".into(),
            cron_expression: "0 3 * * *".into(),
            script_location: "/www/cron.php".into(),
            enabled: true,
        };
        assert_eq!(
            serde_json::to_string(&task).unwrap(),
            r#"{"cron_expression":"0 3 * * *","script_location":"/www/cron.php","enabled":true}"#
        );
        let apcu = Apcu {
            enabled: true,
            apcu_size: Some(64),
        };
        assert_eq!(
            serde_json::to_string(&apcu).unwrap(),
            r#"{"enabled":true,"apcu_size":64}"#
        );
        let off = Apcu {
            enabled: false,
            apcu_size: None,
        };
        assert_eq!(serde_json::to_string(&off).unwrap(), r#"{"enabled":false}"#);
    }
}
