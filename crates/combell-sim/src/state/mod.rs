//! The simulator's whole world as one serialisable value: the seed, the `--state` file, and the
//! clock-driven part (provisioning jobs that finish when their time comes).
//!
//! What each area stores, how a new object of it starts and its seed are in this folder
//! ([`dns`], [`linux`], [`mail`], [`domains`], [`ssl`]), which imports nothing of the areas;
//! each API area adds its operations to [`SimState`] in its own file. Nothing here knows HTTP.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod dns;
pub mod domains;
pub mod linux;
pub mod mail;
pub mod ssl;

use self::dns::DnsRecord;
use crate::error::ApiError;

/// Bumped when the file layout changes incompatibly.
pub const STATE_FORMAT: u32 = 1;

/// The asset kinds of the spec's `AssetType` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetType {
    Domain,
    LinuxHosting,
    Mysql,
    Dns,
    Mailbox,
    WindowsHosting,
}

impl AssetType {
    pub fn parse(text: &str) -> Option<AssetType> {
        Some(match text {
            "domain" => AssetType::Domain,
            "linux_hosting" => AssetType::LinuxHosting,
            "mysql" => AssetType::Mysql,
            "dns" => AssetType::Dns,
            "mailbox" => AssetType::Mailbox,
            "windows_hosting" => AssetType::WindowsHosting,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Servicepack {
    pub id: i32,
    pub name: String,
    /// What an account made from this pack contains; not part of the API's view.
    pub assets: Vec<AssetType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i32,
    pub identifier: String,
    pub servicepack_id: i32,
    pub assets: Vec<AssetType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    pub domain_name: String,
    pub records: Vec<DnsRecord>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Ongoing,
    /// Set only by `POST /_sim/jobs/{id}/cancel`; like `failed`, creates nothing.
    Cancelled,
    Failed,
    Finished,
}

/// What a job does when its time comes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobWork {
    CreateAccount {
        account_id: i32,
        identifier: String,
        servicepack_id: i32,
    },
    CreateMysqlDatabase {
        account_id: i32,
        database_name: String,
    },
    CreateMysqlUser {
        database_name: String,
        user_name: String,
    },
    /// A domain registration or transfer: the domain and its DNS zone.
    ProvisionDomain { domain: Box<domains::DomainRecord> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub work: JobWork,
    /// Unix milliseconds.
    pub created_ms: i64,
    pub due_ms: i64,
    pub status: JobStatus,
    /// Set by `POST /_sim/jobs/fail-next`: the job ends `failed` and creates nothing.
    pub will_fail: bool,
    /// Paths of what the job made, once finished.
    pub resource_links: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimState {
    pub format: u32,
    pub servicepacks: Vec<Servicepack>,
    pub accounts: Vec<Account>,
    /// Keyed by lower-case domain name.
    pub zones: BTreeMap<String, Zone>,
    pub jobs: Vec<Job>,
    pub next_account_id: i32,
    /// How many of the next created jobs will fail.
    pub fail_next_jobs: u32,
    #[serde(default)]
    pub linux: linux::LinuxState,
    #[serde(default)]
    pub mailmysql: mail::MailMysqlState,
    #[serde(default)]
    pub domainssl: domains::DomainSslState,
}

impl SimState {
    /// The seed: stable ids, so tests and docs can name them.
    pub fn seed() -> SimState {
        let servicepacks = vec![
            pack(11, "Domain Name Only", &[AssetType::Domain, AssetType::Dns]),
            pack(
                12,
                "Linux Hosting Basic",
                &[
                    AssetType::Domain,
                    AssetType::Dns,
                    AssetType::LinuxHosting,
                    AssetType::Mysql,
                    AssetType::Mailbox,
                ],
            ),
            pack(
                13,
                "Linux Hosting Pro",
                &[
                    AssetType::Domain,
                    AssetType::Dns,
                    AssetType::LinuxHosting,
                    AssetType::Mysql,
                    AssetType::Mailbox,
                ],
            ),
            pack(
                14,
                "Windows Hosting Basic",
                &[
                    AssetType::Domain,
                    AssetType::Dns,
                    AssetType::WindowsHosting,
                    AssetType::Mailbox,
                ],
            ),
            pack(
                15,
                "Mail Only",
                &[AssetType::Domain, AssetType::Dns, AssetType::Mailbox],
            ),
        ];
        let account = |id: i32, identifier: &str, pack_id: i32| Account {
            id,
            identifier: identifier.to_string(),
            servicepack_id: pack_id,
            assets: servicepacks
                .iter()
                .find(|p| p.id == pack_id)
                .map(|p| p.assets.clone())
                .unwrap_or_default(),
        };
        let accounts = vec![
            account(1001, "example.com", 12),
            account(1002, "example.net", 11),
        ];
        let mut zones = BTreeMap::new();
        zones.insert(
            "example.com".to_string(),
            Zone {
                domain_name: "example.com".to_string(),
                records: dns::seed_example_com(),
            },
        );
        zones.insert(
            "example.net".to_string(),
            Zone {
                domain_name: "example.net".to_string(),
                records: dns::seed_example_net(),
            },
        );
        SimState {
            format: STATE_FORMAT,
            servicepacks,
            accounts,
            zones,
            jobs: Vec::new(),
            next_account_id: 1003,
            fail_next_jobs: 0,
            linux: linux::seed(),
            mailmysql: mail::MailMysqlState::seed(),
            domainssl: domains::DomainSslState::seed(),
        }
    }

    /// Finishes every job whose time has come; true when anything changed.
    pub fn advance(&mut self, now_ms: i64) -> bool {
        let due: Vec<usize> = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.status == JobStatus::Ongoing && j.due_ms <= now_ms)
            .map(|(i, _)| i)
            .collect();
        for index in &due {
            let job = self.jobs[*index].clone();
            let (status, links) = if job.will_fail {
                (JobStatus::Failed, Vec::new())
            } else {
                (JobStatus::Finished, self.perform(&job.work))
            };
            let done = &mut self.jobs[*index];
            done.status = status;
            done.resource_links = links;
            hclog::debug(
                "sim",
                "provisioning job ended",
                &[
                    ("job_id", serde_json::json!(job.id)),
                    ("status", serde_json::json!(status)),
                ],
            );
        }
        !due.is_empty()
    }

    fn perform(&mut self, work: &JobWork) -> Vec<String> {
        match work {
            JobWork::CreateAccount {
                account_id,
                identifier,
                servicepack_id,
            } => self.materialise_account(*account_id, identifier, *servicepack_id),
            JobWork::CreateMysqlDatabase {
                account_id,
                database_name,
            } => self.finish_mysql_database(*account_id, database_name),
            JobWork::CreateMysqlUser {
                database_name,
                user_name,
            } => self.finish_mysql_user(database_name, user_name),
            JobWork::ProvisionDomain { domain } => self.materialise_domain(domain),
        }
    }

    /// Reads a `--state` file; a file that exists but does not parse is an error, not a reseed,
    /// so that a typo never wipes someone's simulated world.
    pub fn load(path: &Path) -> Result<Option<SimState>, String> {
        remove_stale_temporaries(path);
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read state file {}: {e}", path.display())),
        };
        let state: SimState = serde_json::from_slice(&text)
            .map_err(|e| format!("state file {} is not valid: {e}", path.display()))?;
        if state.format != STATE_FORMAT {
            return Err(format!(
                "state file {} has format {}, this simulator reads format {STATE_FORMAT}",
                path.display(),
                state.format
            ));
        }
        Ok(Some(state))
    }

    /// Writes the whole state beside `path`, flushes it to disk and renames it into place, so
    /// a crash (even `kill -9` or a power cut) leaves either the old file or the new one, never
    /// half of one. The temporary name is unique to this process and call, so two writers
    /// (threads or simulators sharing a file) never write into the same temporary file; within
    /// one simulator, writes are serialised by the state lock anyway.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state.json".to_string());
        let serial = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = path.with_file_name(format!(".{file_name}.tmp{}-{serial}", std::process::id()));
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(&bytes)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&temp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
            return written;
        }
        // The rename itself is durable only once the directory is flushed.
        #[cfg(unix)]
        if let Some(dir) = path.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(handle) = std::fs::File::open(dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }
}

/// Removes the temporary files of saves that a killed simulator left beside `path` (their
/// process is gone); a live writer's are left alone. Only where `/proc` tells which processes
/// live; elsewhere they stay, harmless.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{}.tmp", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or_default();
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn pack(id: i32, name: &str, assets: &[AssetType]) -> Servicepack {
    Servicepack {
        id,
        name: name.to_string(),
        assets: assets.to_vec(),
    }
}

/// Removes the items of `items` that `gone` picks; `missing`'s error when it picked none.
pub(crate) fn remove_where<T>(
    items: &mut Vec<T>,
    gone: impl Fn(&T) -> bool,
    missing: impl FnOnce() -> ApiError,
) -> Result<(), ApiError> {
    let before = items.len();
    items.retain(|item| !gone(item));
    if items.len() == before {
        return Err(missing());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_round_trips_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(SimState::load(&path).unwrap(), None);
        let seed = SimState::seed();
        seed.save(&path).unwrap();
        assert_eq!(SimState::load(&path).unwrap(), Some(seed));
        // Only the state file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_broken_state_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(SimState::load(&path).is_err());
    }

    #[test]
    fn loading_removes_what_dead_writers_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        SimState::seed().save(&path).unwrap();
        // No process has pid 4194304 or more on Linux (the kernel's maximum).
        let dead = dir.path().join(".state.json.tmp4194304-0");
        let live = dir
            .path()
            .join(format!(".state.json.tmp{}-99", std::process::id()));
        std::fs::write(&dead, "{half").unwrap();
        std::fs::write(&live, "{half").unwrap();
        assert!(SimState::load(&path).unwrap().is_some());
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists());
        }
        assert!(live.exists());
    }

    #[test]
    fn concurrent_saves_leave_one_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut state = SimState::seed();
                    state.next_account_id = 5000 + i;
                    for _ in 0..20 {
                        state.save(&path).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let loaded = SimState::load(&path).unwrap().unwrap();
        assert!((5000..5008).contains(&loaded.next_account_id));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
