//! A larger seeded estate (`--seed-estate N`): N more accounts beside the usual seed, each
//! with one of everything a client site has, so that discovery (`terraform query`) and bulk
//! imports have something to find.
//!
//! Account `n` (from 1) is `clientNN.example` (two digits at least), id `2000 + n`, on
//! servicepack 12 (odd `n`) or 13 (even `n`). Its account job's result (hosting, domain, mail
//! zone, DNS zone) is completed with: the DNS records of `dns::estate_zone`; the mailboxes
//! `info@` and `office@`; the alias `contact@` (to `info@`); the catch-all `info@`; the SMTP
//! domain `mail-clientNN.example`; anti-spam `advanced` on the Pro pack, `basic` otherwise; the
//! database `ID<id>_site` with its own user and the read-only `reporting`; on the hosting one
//! SSH key, the task `0 4 * * *` running `/www/cron/backup.php`, the subsite `blog.<domain>`
//! (in `/subsites/blog.<domain>`) and the host header `shop.<domain>` on the main site. Names,
//! ids, keys and dates are the same on every run.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::config::SimConfig;
use crate::linux::sshkey;
use crate::state::linux::{HostHeader, LinuxSite, ScheduledTask, SshKey};
use crate::state::mail::{
    Alias, AntiSpamType, Mailbox, MysqlDatabase, MysqlUser, SmtpDomain, UserRights,
};
use crate::state::SimState;

/// Where the estate's account ids start (account `n` has id `ESTATE_ACCOUNT_BASE + n`).
pub const ESTATE_ACCOUNT_BASE: i32 = 2000;

/// The identifier of the estate's `n`th account.
pub fn estate_identifier(n: u32) -> String {
    format!("client{n:02}.example")
}

/// A valid ed25519 public key (nobody holds its private half) named after `domain`.
fn estate_ssh_key(n: u32, domain: &str) -> SshKey {
    let material = Sha256::digest(format!("combell-sim estate key {n}").as_bytes());
    let mut blob = Vec::new();
    for field in [b"ssh-ed25519".as_slice(), material.as_slice()] {
        blob.extend_from_slice(&u32::try_from(field.len()).unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(field);
    }
    SshKey {
        fingerprint: sshkey::md5_fingerprint(&blob),
        public_key: format!("ssh-ed25519 {} deploy@{domain}", BASE64.encode(&blob)),
    }
}

impl SimState {
    /// The seed a simulator with `config` starts from (and `/_sim/reset` returns to): the
    /// seed, plus the estate of `--seed-estate`.
    pub fn seed_for(config: &SimConfig) -> SimState {
        let mut state = SimState::seed();
        state.seed_estate(config.seed_estate);
        state
    }

    /// Adds `count` accounts as the module docs describe. Accounts that exist already (a
    /// `--state` file seeded before) are left as they are.
    pub fn seed_estate(&mut self, count: u32) {
        for n in 1..=count {
            let Ok(offset) = i32::try_from(n) else {
                return;
            };
            let id = ESTATE_ACCOUNT_BASE.saturating_add(offset);
            let domain = estate_identifier(n);
            if self
                .accounts
                .iter()
                .any(|a| a.id == id || a.identifier == domain)
            {
                continue;
            }
            let pack = if n % 2 == 0 { 13 } else { 12 };
            self.materialise_account(id, &domain, pack);
            self.next_account_id = self.next_account_id.max(id + 1);
            self.furnish_estate_account(n, id, &domain);
        }
    }

    fn furnish_estate_account(&mut self, n: u32, id: i32, domain: &str) {
        if let Some(zone) = self.zones.get_mut(domain) {
            zone.records = crate::state::dns::estate_zone(n, domain);
        }
        if let Some(record) = self.domainssl.domains.get_mut(domain) {
            record.expiration_date = "2027-06-30T00:00:00Z".to_string();
        }
        let info = format!("info@{domain}");
        for local in ["info", "office"] {
            let mailbox = Mailbox::new(&format!("{local}@{domain}"), id);
            self.mailmysql
                .mailboxes
                .insert(mailbox.name.clone(), mailbox);
        }
        if let Some(zone) = self.mailmysql.mail_zones.get_mut(domain) {
            zone.aliases.push(Alias {
                email_address: format!("contact@{domain}"),
                destinations: vec![info.clone()],
            });
            zone.catch_all.email_addresses = vec![info.clone()];
            zone.smtp_domains.push(SmtpDomain {
                hostname: format!("mail-{domain}"),
                enabled: true,
            });
            if zone
                .anti_spam
                .allowed_types
                .contains(&AntiSpamType::Advanced)
            {
                zone.anti_spam.spam_type = AntiSpamType::Advanced;
            }
        }
        let mut database = MysqlDatabase::new(&format!("ID{id}_site"), id);
        database.users.push(MysqlUser {
            name: "reporting".to_string(),
            enabled: true,
            rights: UserRights::ReadOnly,
        });
        self.mailmysql
            .databases
            .insert(database.name.to_ascii_lowercase(), database);
        let task_id = self.linux.next_task_id;
        let Some(hosting) = self.linux.linux_hostings.get_mut(domain) else {
            return;
        };
        self.linux.next_task_id += 1;
        hosting.ssh_enabled = true;
        hosting.ssh_keys.push(estate_ssh_key(n, domain));
        hosting.scheduled_tasks.push(ScheduledTask {
            cron_expression: "0 4 * * *".to_string(),
            enabled: true,
            id: task_id.to_string(),
            script_location: "/www/cron/backup.php".to_string(),
        });
        let blog = format!("blog.{domain}");
        let blog_path = format!("/subsites/{blog}");
        hosting.directories.push(blog_path.clone());
        if let Some(main) = hosting.sites.first_mut() {
            main.host_headers.push(HostHeader {
                enabled: true,
                name: format!("shop.{domain}"),
            });
        }
        hosting.sites.push(LinuxSite {
            host_headers: vec![HostHeader {
                enabled: true,
                name: blog.clone(),
            }],
            http2_enabled: false,
            https_redirect_enabled: false,
            name: blog,
            path: blog_path,
            ssl_enabled: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estate_gives_each_account_one_of_everything_the_same_way_every_time() {
        let mut state = SimState::seed();
        let before = state.accounts.len();
        state.seed_estate(3);
        let mut again = SimState::seed();
        again.seed_estate(3);
        assert_eq!(state, again, "the estate is deterministic");
        assert_eq!(state.accounts.len(), before + 3);
        for n in 1..=3 {
            let domain = estate_identifier(n);
            let id = ESTATE_ACCOUNT_BASE + i32::try_from(n).unwrap();
            assert!(state
                .accounts
                .iter()
                .any(|a| a.id == id && a.identifier == domain));
            assert!(state.domainssl.domains.contains_key(&domain));
            let zone = &state.zones[&domain];
            assert_eq!(zone.records.len(), 8);
            assert!(zone.records.iter().any(|r| r.record_type == "MX"));
            let mail = &state.mailmysql.mail_zones[&domain];
            assert_eq!(mail.aliases.len(), 1);
            assert_eq!(mail.catch_all.email_addresses, [format!("info@{domain}")]);
            assert_eq!(mail.smtp_domains.len(), 1);
            let wanted = if n % 2 == 0 {
                AntiSpamType::Advanced
            } else {
                AntiSpamType::Basic
            };
            assert_eq!(mail.anti_spam.spam_type, wanted);
            assert!(state
                .mailmysql
                .mailboxes
                .contains_key(&format!("office@{domain}")));
            let database = &state.mailmysql.databases[&format!("id{id}_site")];
            assert_eq!(database.users.len(), 2);
            let hosting = &state.linux.linux_hostings[&domain];
            assert_eq!(hosting.ssh_keys.len(), 1);
            let key = &hosting.ssh_keys[0];
            let parsed = sshkey::parse_public_key(&key.public_key).unwrap();
            assert_eq!(parsed.fingerprint, key.fingerprint);
            assert_eq!(hosting.scheduled_tasks.len(), 1);
            assert_eq!(hosting.sites.len(), 2);
            assert_eq!(hosting.sites[0].host_headers.len(), 3);
            assert!(hosting
                .directories
                .contains(&format!("/subsites/blog.{domain}")));
        }
        // Task ids stay unique and new accounts get fresh ids.
        let mut tasks: Vec<&str> = state
            .linux
            .linux_hostings
            .values()
            .flat_map(|h| h.scheduled_tasks.iter().map(|t| t.id.as_str()))
            .collect();
        let total = tasks.len();
        tasks.sort_unstable();
        tasks.dedup();
        assert_eq!(tasks.len(), total);
        assert!(state.next_account_id > ESTATE_ACCOUNT_BASE + 3);
        // Seeding again adds nothing.
        state.seed_estate(3);
        assert_eq!(state, again);
        // What a simulator starts from (and resets to) with --seed-estate.
        let config = crate::config::SimConfig {
            seed_estate: 3,
            ..crate::config::SimConfig::default()
        };
        assert_eq!(SimState::seed_for(&config), again);
        assert_eq!(
            SimState::seed_for(&crate::config::SimConfig::default()),
            SimState::seed()
        );
    }
}
