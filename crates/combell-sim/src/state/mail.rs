//! The mail and MySQL part of the state: mail zones, mailboxes and databases as stored, how a
//! new one starts, and the seed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::names::key;

/// The size Combell gives a mail zone account, and so each of its mailboxes, in MB.
pub const MAILBOX_SIZE_MB: i32 = 5120;

/// This area's part of the simulator's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMysqlState {
    /// Keyed by lower-case domain name.
    #[serde(default)]
    pub mail_zones: BTreeMap<String, MailZone>,
    /// Keyed by lower-case e-mail address.
    #[serde(default)]
    pub mailboxes: BTreeMap<String, Mailbox>,
    /// Keyed by lower-case database name.
    #[serde(default)]
    pub databases: BTreeMap<String, MysqlDatabase>,
}

impl MailMysqlState {
    /// `example.com` (account 1001): its mail zone with `info@example.com` and an alias, and the
    /// database `ID1001_shop` with its own user and a read-only one.
    pub fn seed() -> MailMysqlState {
        let mut state = MailMysqlState::default();
        let mut zone = MailZone::new("example.com", 1001, AntiSpam::for_pack(12));
        zone.aliases.push(Alias {
            email_address: "sales@example.com".to_string(),
            destinations: vec!["info@example.com".to_string()],
        });
        state.mail_zones.insert(zone.name.clone(), zone);
        let mut info = Mailbox::new("info@example.com", 1001);
        info.actual_size = 12;
        state.mailboxes.insert(info.name.clone(), info);
        let mut shop = MysqlDatabase::new("ID1001_shop", 1001);
        shop.actual_size = 3;
        shop.users.push(MysqlUser {
            name: "reporting".to_string(),
            enabled: true,
            rights: UserRights::ReadOnly,
        });
        state.databases.insert(shop.name.to_ascii_lowercase(), shop);
        state
    }

    /// One line for the simulator's start-up banner, e.g. `1 mail zone (example.com), 1 mailbox
    /// (info@example.com), 1 MySQL database (ID1001_shop)`.
    pub fn describe(&self) -> String {
        fn part<'a>(
            count: usize,
            one: &str,
            many: &str,
            names: impl Iterator<Item = &'a str>,
        ) -> String {
            let names: Vec<&str> = names.take(5).collect();
            let noun = if count == 1 { one } else { many };
            if names.is_empty() {
                format!("{count} {noun}")
            } else {
                let more = if count > names.len() { ", …" } else { "" };
                format!("{count} {noun} ({}{more})", names.join(", "))
            }
        }
        [
            part(
                self.mail_zones.len(),
                "mail zone",
                "mail zones",
                self.mail_zones.values().map(|z| z.name.as_str()),
            ),
            part(
                self.mailboxes.len(),
                "mailbox",
                "mailboxes",
                self.mailboxes.values().map(|m| m.name.as_str()),
            ),
            part(
                self.databases.len(),
                "MySQL database",
                "MySQL databases",
                self.databases.values().map(|d| d.name.as_str()),
            ),
        ]
        .join(", ")
    }
}

/// The API's `AutoForward`, as stored and read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoForward {
    pub enabled: bool,
    pub email_addresses: Vec<String>,
    pub copy_to_myself: bool,
}

/// The API's `AutoReply`, as stored and read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReply {
    pub enabled: bool,
    pub subject: String,
    pub message: String,
}

/// A mailbox as stored; its password is never kept (see the module docs of `mailmysql`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: String,
    pub account_id: i32,
    pub max_size: i32,
    pub actual_size: i32,
    pub auto_forward: AutoForward,
    pub auto_reply: AutoReply,
}

impl Mailbox {
    pub fn new(address: &str, account_id: i32) -> Mailbox {
        Mailbox {
            name: key(address),
            account_id,
            max_size: MAILBOX_SIZE_MB,
            actual_size: 0,
            auto_forward: AutoForward::default(),
            auto_reply: AutoReply::default(),
        }
    }
}

/// The API's `AntiSpamTypes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AntiSpamType {
    None,
    Basic,
    Advanced,
}

impl AntiSpamType {
    pub fn parse(text: &str) -> Option<AntiSpamType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Some(AntiSpamType::None),
            "basic" => Some(AntiSpamType::Basic),
            "advanced" => Some(AntiSpamType::Advanced),
            _ => None,
        }
    }
}

/// The API's `AntiSpam`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AntiSpam {
    #[serde(rename = "type")]
    pub spam_type: AntiSpamType,
    pub allowed_types: Vec<AntiSpamType>,
}

impl AntiSpam {
    /// Basic scanning by default; advanced only comes with the Pro and Mail Only packs.
    pub fn for_pack(servicepack_id: i32) -> AntiSpam {
        let mut allowed_types = vec![AntiSpamType::None, AntiSpamType::Basic];
        if matches!(servicepack_id, 13 | 15) {
            allowed_types.push(AntiSpamType::Advanced);
        }
        AntiSpam {
            spam_type: AntiSpamType::Basic,
            allowed_types,
        }
    }
}

/// The API's `Alias`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub email_address: String,
    pub destinations: Vec<String>,
}

/// The API's `CatchAll`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchAll {
    pub email_addresses: Vec<String>,
}

/// The API's `SmtpDomain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpDomain {
    pub hostname: String,
    pub enabled: bool,
}

/// The API's `MailZoneAccount`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailZoneAccount {
    pub account_id: i32,
    pub size: i32,
}

/// The API's `MailZone`, stored as every read returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailZone {
    pub name: String,
    pub enabled: bool,
    pub available_accounts: Vec<MailZoneAccount>,
    pub aliases: Vec<Alias>,
    pub catch_all: CatchAll,
    pub anti_spam: AntiSpam,
    pub smtp_domains: Vec<SmtpDomain>,
}

impl MailZone {
    pub fn new(domain: &str, account_id: i32, anti_spam: AntiSpam) -> MailZone {
        MailZone {
            name: key(domain),
            enabled: true,
            available_accounts: vec![MailZoneAccount {
                account_id,
                size: MAILBOX_SIZE_MB,
            }],
            aliases: Vec::new(),
            catch_all: CatchAll::default(),
            anti_spam,
            smtp_domains: Vec::new(),
        }
    }
}

/// The size of a new database, in MB.
pub const DATABASE_SIZE_MB: i32 = 1024;

/// The API's `UserRights`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRights {
    ReadAndWrite,
    ReadOnly,
}

/// The API's `MySqlUser`, as stored and read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlUser {
    pub name: String,
    pub enabled: bool,
    pub rights: UserRights,
}

/// A database as stored, with its users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlDatabase {
    pub name: String,
    pub account_id: i32,
    pub max_size: i32,
    pub actual_size: i32,
    pub users: Vec<MysqlUser>,
}

impl MysqlDatabase {
    /// A fresh database with its own `read_and_write` user of the same name.
    pub fn new(name: &str, account_id: i32) -> MysqlDatabase {
        MysqlDatabase {
            name: name.to_string(),
            account_id,
            max_size: DATABASE_SIZE_MB,
            actual_size: 0,
            users: vec![MysqlUser {
                name: name.to_string(),
                enabled: true,
                rights: UserRights::ReadAndWrite,
            }],
        }
    }
}
