//! The Linux and Windows hosting part of the state: hostings as stored, how a new one starts,
//! and the seed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What `GET .../phpsettings/availableversions` lists, oldest first.
pub const PHP_VERSIONS: [&str; 11] = [
    "5.6", "7.0", "7.1", "7.2", "7.3", "7.4", "8.0", "8.1", "8.2", "8.3", "8.4",
];

pub const DEFAULT_PHP_VERSION: &str = "8.3";

pub const DEFAULT_MEMORY_LIMIT_MB: i32 = 256;

pub(crate) const LINUX_IP: &str = "203.0.113.10";

pub(crate) const WINDOWS_IP: &str = "203.0.113.20";

/// Where scheduled task ids start; the seed's task takes the first.
pub(crate) const FIRST_TASK_ID: u64 = 5001;

/// This area's part of the simulator's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxState {
    /// Keyed by lower-case domain name.
    pub linux_hostings: BTreeMap<String, LinuxHosting>,
    /// Keyed by lower-case domain name.
    pub windows_hostings: BTreeMap<String, WindowsHosting>,
    pub next_task_id: u64,
}

/// A Linux hosting as stored; the API's views are built from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxHosting {
    pub domain_name: String,
    pub account_id: i32,
    pub servicepack_id: i32,
    pub max_size: i32,
    pub actual_size: i32,
    pub ftp_enabled: bool,
    pub ssh_enabled: bool,
    pub gzip_enabled: bool,
    pub php_version: String,
    pub php_memory_limit: i32,
    pub apcu_enabled: bool,
    pub apcu_size: i32,
    pub sites: Vec<LinuxSite>,
    /// Folders that exist on the server; a subsite may only point at one of these.
    pub directories: Vec<String>,
    /// Host names with a Let's Encrypt certificate.
    pub lets_encrypt: Vec<String>,
    pub scheduled_tasks: Vec<ScheduledTask>,
    pub ssh_keys: Vec<SshKey>,
}

/// The API's `LinuxSite`, stored as it is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxSite {
    pub host_headers: Vec<HostHeader>,
    pub http2_enabled: bool,
    pub https_redirect_enabled: bool,
    pub name: String,
    pub path: String,
    pub ssl_enabled: bool,
}

/// The API's `HostHeader`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostHeader {
    pub enabled: bool,
    pub name: String,
}

/// The API's `ScheduledTask`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledTask {
    pub cron_expression: String,
    pub enabled: bool,
    pub id: String,
    pub script_location: String,
}

/// The API's `SshKey`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SshKey {
    pub fingerprint: String,
    pub public_key: String,
}

/// A Windows hosting as stored; read-only through the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsHosting {
    pub domain_name: String,
    pub account_id: i32,
    pub servicepack_id: i32,
    pub max_size: i32,
    pub actual_size: i32,
    pub sites: Vec<WindowsSite>,
}

/// The API's `WindowsSite`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsSite {
    pub bindings: Vec<SiteBinding>,
    pub name: String,
    pub path: String,
}

/// The API's `SiteBinding`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteBinding {
    pub cert_thumbprint: String,
    pub host_name: String,
    pub ip_address: String,
    pub port: i32,
    pub protocol: String,
    pub ssl_enabled: bool,
}

/// FTP and SSH user names as Combell derives them: the domain without its dots and dashes.
pub(crate) fn login_name(domain: &str) -> String {
    domain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

pub(crate) fn max_size_of(servicepack_id: i32) -> i32 {
    match servicepack_id {
        13 => 102_400,
        _ => 25_600,
    }
}

pub(crate) fn main_site(domain: &str, ssl: bool) -> LinuxSite {
    LinuxSite {
        host_headers: vec![
            HostHeader {
                enabled: true,
                name: domain.to_string(),
            },
            HostHeader {
                enabled: true,
                name: format!("www.{domain}"),
            },
        ],
        http2_enabled: ssl,
        https_redirect_enabled: ssl,
        name: domain.to_string(),
        path: "/www".to_string(),
        ssl_enabled: ssl,
    }
}

pub(crate) fn new_linux_hosting(
    domain: &str,
    account_id: i32,
    servicepack_id: i32,
) -> LinuxHosting {
    LinuxHosting {
        domain_name: domain.to_string(),
        account_id,
        servicepack_id,
        max_size: max_size_of(servicepack_id),
        actual_size: 0,
        ftp_enabled: true,
        ssh_enabled: false,
        gzip_enabled: true,
        php_version: DEFAULT_PHP_VERSION.to_string(),
        php_memory_limit: DEFAULT_MEMORY_LIMIT_MB,
        apcu_enabled: false,
        apcu_size: 0,
        sites: vec![main_site(domain, false)],
        directories: vec!["/www".to_string(), "/data".to_string()],
        lets_encrypt: Vec::new(),
        scheduled_tasks: Vec::new(),
        ssh_keys: Vec::new(),
    }
}

pub(crate) fn new_windows_hosting(
    domain: &str,
    account_id: i32,
    servicepack_id: i32,
) -> WindowsHosting {
    let binding = |host: String| SiteBinding {
        cert_thumbprint: String::new(),
        host_name: host,
        ip_address: WINDOWS_IP.to_string(),
        port: 80,
        protocol: "http".to_string(),
        ssl_enabled: false,
    };
    WindowsHosting {
        domain_name: domain.to_string(),
        account_id,
        servicepack_id,
        max_size: max_size_of(servicepack_id),
        actual_size: 0,
        sites: vec![WindowsSite {
            bindings: vec![
                binding(domain.to_string()),
                binding(format!("www.{domain}")),
            ],
            name: domain.to_string(),
            path: "/wwwroot".to_string(),
        }],
    }
}

/// The seed: `example.com` (account 1001, servicepack 12) with its main site on SSL, a blog
/// subsite, a nightly task and one SSH key. Ids and names are stable for tests and docs.
pub(crate) fn seed() -> LinuxState {
    let mut hosting = new_linux_hosting("example.com", 1001, 12);
    hosting.actual_size = 812;
    hosting.php_version = "8.2".to_string();
    hosting.ssh_enabled = true;
    hosting.sites = vec![
        main_site("example.com", true),
        LinuxSite {
            host_headers: vec![HostHeader {
                enabled: true,
                name: "blog.example.com".to_string(),
            }],
            http2_enabled: false,
            https_redirect_enabled: false,
            name: "blog.example.com".to_string(),
            path: "/subsites/blog.example.com".to_string(),
            ssl_enabled: false,
        },
    ];
    hosting.directories = [
        "/www",
        "/data",
        "/subsites/blog.example.com",
        "/subsites/shop.example.com",
    ]
    .map(String::from)
    .to_vec();
    hosting.lets_encrypt = vec!["example.com".to_string(), "www.example.com".to_string()];
    hosting.scheduled_tasks = vec![ScheduledTask {
        cron_expression: "0 3 * * *".to_string(),
        enabled: true,
        id: FIRST_TASK_ID.to_string(),
        script_location: "/www/cron/cleanup.php".to_string(),
    }];
    hosting.ssh_keys = vec![SshKey {
        fingerprint: SEED_SSH_KEY_FINGERPRINT.to_string(),
        public_key: SEED_SSH_KEY.to_string(),
    }];
    let mut linux_hostings = BTreeMap::new();
    linux_hostings.insert(hosting.domain_name.clone(), hosting);
    LinuxState {
        linux_hostings,
        windows_hostings: BTreeMap::new(),
        next_task_id: FIRST_TASK_ID + 1,
    }
}

/// The seeded key of `example.com` (a public key only; nobody holds its private half).
pub const SEED_SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com";

pub const SEED_SSH_KEY_FINGERPRINT: &str = "31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f";
