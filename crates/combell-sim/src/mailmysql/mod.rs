//! Mail and MySQL: mailboxes ([`mailboxes`]), mail zones with their aliases, catch-all, anti-spam
//! and SMTP domains ([`mailzones`]), and MySQL databases with their users ([`mysql`]).
//!
//! Where the spec is silent, the simulator decides as follows (each choice is observable):
//! - An account whose servicepack holds the `mailbox` asset gets a mail zone for its identifier,
//!   with one mail zone account whose id is the Combell account id (what `POST /v2/mailboxes`
//!   takes as `account_id`).
//! - Every name in a path (e-mail address, domain, database, user) is matched without regard to
//!   case, and may arrive percent-encoded (`info%40example.com`): clients are advised to send
//!   lower-case URLs, so `/v2/mysqldatabases/id1001_shop` must find `ID1001_shop`.
//! - A database is created with one `read_and_write` user of the database's own name, the one
//!   that `CreateMySqlDatabase.password` is for; `POST .../users` adds `read_only` users named
//!   as submitted. Both creates answer 202 with a provisioning job; a user job's
//!   `resource_links` hold `/v2/mysqldatabases/{database}/users/{user}`. Deleting a database
//!   makes its users' pending jobs end `failed`.
//! - Missing booleans in a body read as `false`, as Combell's .NET model binding does.
//! - Passwords are checked and then forgotten: no read returns them, so they are kept out of the
//!   state (and its file) altogether.
//! - Database names as submitted: 1–14 lower-case letters, digits and underscores; user names
//!   as the spec says (2–14 lower-case letters or digits).
//! - Anti-spam: `basic` by default; `advanced` is allowed only with servicepacks 13 (Linux
//!   Hosting Pro) and 15 (Mail Only). Mailboxes get the zone account's size (5120 MB); a
//!   database 1024 MB. A mailbox's `login` is its address.
//! - `GET /v2/mailboxes` without `domain_name` lists every mailbox (the spec declares no 400).
//! - Refusals of operations whose spec declares no 400 (`POST /mailboxes`, `PUT` mailbox
//!   `password`/`autoforward`/`autoreply`, `PUT .../antispam`, `POST .../catchall`, `PUT` MySQL
//!   user `password`/`status`) are still 400 with `validation_errors`, there being no other way to
//!   refuse bad input; so are the DELETEs whose 400 declares no body. Unknown names are 404
//!   `{"error_code","error_text"}` everywhere, as in the rest of the simulator.

pub mod mailboxes;
pub mod mailzones;
pub mod mysql;

use std::sync::Arc;

use axum::routing::{get, put};
use axum::Router;

use crate::handler::{delete_named, delete_part, get_named};
use crate::shared::Shared;
use crate::state::{AssetType, SimState};

pub use crate::names::is_email_address;
pub use crate::state::mail::{
    Alias, AntiSpam, AntiSpamType, AutoForward, AutoReply, CatchAll, MailMysqlState, MailZone,
    MailZoneAccount, Mailbox, MysqlDatabase, MysqlUser, SmtpDomain, UserRights, MAILBOX_SIZE_MB,
};

impl SimState {
    /// What a finished account job adds for this area: a mail zone when the servicepack has
    /// mailboxes. Databases are never made with the account; they are asked for afterwards.
    pub(crate) fn provision_mailmysql(
        &mut self,
        account_id: i32,
        identifier: &str,
        servicepack_id: i32,
    ) {
        let has_mail = self
            .servicepacks
            .iter()
            .find(|p| p.id == servicepack_id)
            .is_some_and(|p| p.assets.contains(&AssetType::Mailbox));
        let key = identifier.trim().to_ascii_lowercase();
        if has_mail && !self.mailmysql.mail_zones.contains_key(&key) {
            let zone = MailZone::new(&key, account_id, AntiSpam::for_pack(servicepack_id));
            self.mailmysql.mail_zones.insert(key, zone);
        }
    }
}

/// The routes of this area, merged into the `/v2` router.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/v2/mailboxes",
            get(mailboxes::list).post(mailboxes::create),
        )
        .route(
            "/v2/mailboxes/{mailboxName}",
            get_named(SimState::mailbox_detail).merge(delete_named(SimState::delete_mailbox)),
        )
        .route(
            "/v2/mailboxes/{mailboxName}/autoforward",
            mailboxes::autoforward(),
        )
        .route(
            "/v2/mailboxes/{mailboxName}/autoreply",
            mailboxes::autoreply(),
        )
        .route(
            "/v2/mailboxes/{mailboxName}/password",
            mailboxes::password(),
        )
        .route(
            "/v2/mailzones/{domainName}",
            get_named(|s, domain| s.mail_zone(domain).cloned()),
        )
        .route(
            "/v2/mailzones/{domainName}/aliases",
            mailzones::zone_create("aliases", SimState::create_alias),
        )
        .route(
            "/v2/mailzones/{domainName}/aliases/{emailAddress}",
            mailzones::zone_update(mailzones::has_alias, SimState::update_alias)
                .merge(delete_part(SimState::delete_alias)),
        )
        .route(
            "/v2/mailzones/{domainName}/antispam",
            put(mailzones::antispam),
        )
        .route(
            "/v2/mailzones/{domainName}/catchall",
            mailzones::zone_create("catchall", SimState::create_catch_all),
        )
        .route(
            "/v2/mailzones/{domainName}/catchall/{emailAddress}",
            delete_part(SimState::delete_catch_all),
        )
        .route(
            "/v2/mailzones/{domainName}/smtpdomains",
            mailzones::zone_create("smtpdomains", SimState::create_smtp_domain),
        )
        .route(
            "/v2/mailzones/{domainName}/smtpdomains/{hostname}",
            mailzones::zone_update(mailzones::has_smtp_domain, SimState::update_smtp_domain)
                .merge(delete_part(SimState::delete_smtp_domain)),
        )
        .route("/v2/mysqldatabases", get(mysql::list).post(mysql::create))
        .route(
            "/v2/mysqldatabases/{databaseName}",
            get_named(SimState::database_view).merge(delete_named(SimState::delete_database)),
        )
        .route(
            "/v2/mysqldatabases/{databaseName}/users",
            get_named(SimState::list_users).post(mysql::create_user),
        )
        .route(
            "/v2/mysqldatabases/{databaseName}/users/{userName}",
            delete_part(SimState::delete_user),
        )
        .route(
            "/v2/mysqldatabases/{databaseName}/users/{userName}/password",
            mysql::put_user(SimState::set_user_password),
        )
        .route(
            "/v2/mysqldatabases/{databaseName}/users/{userName}/status",
            mysql::put_user(SimState::set_user_status),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::domain_of;

    #[test]
    fn email_addresses() {
        for good in ["info@example.com", "a.b+c_d-e@mail.example.co.uk", "x@a.be"] {
            assert!(is_email_address(good), "{good}");
        }
        for bad in [
            "",
            "info",
            "@example.com",
            "info@",
            "info@localhost",
            ".info@example.com",
            "in..fo@example.com",
            "in fo@example.com",
            "Info@example.com",
            "info@exa_mple.com",
            "info@@example.com",
            "é@example.com",
        ] {
            assert!(!is_email_address(bad), "{bad}");
        }
        assert_eq!(domain_of("info@example.com"), "example.com");
    }

    #[test]
    fn the_seed_is_consistent() {
        let seed = MailMysqlState::seed();
        let zone = &seed.mail_zones["example.com"];
        assert_eq!(zone.available_accounts[0].account_id, 1001);
        assert!(seed.mailboxes.contains_key("info@example.com"));
        let shop = &seed.databases["id1001_shop"];
        assert_eq!(shop.name, "ID1001_shop");
        assert_eq!(shop.users.len(), 2);
        assert_eq!(
            seed.describe(),
            "1 mail zone (example.com), 1 mailbox (info@example.com), 1 MySQL database (ID1001_shop)"
        );
        assert_eq!(
            MailMysqlState::default().describe(),
            "0 mail zones, 0 mailboxes, 0 MySQL databases"
        );
    }

    #[test]
    fn accounts_with_mail_get_a_mail_zone() {
        let mut state = SimState::seed();
        state.provision_mailmysql(2001, "Mail.Example", 15);
        state.provision_mailmysql(2002, "nomail.example", 11);
        let zone = &state.mailmysql.mail_zones["mail.example"];
        assert_eq!(zone.name, "mail.example");
        assert_eq!(zone.available_accounts[0].account_id, 2001);
        assert!(zone
            .anti_spam
            .allowed_types
            .contains(&AntiSpamType::Advanced));
        assert!(!state.mailmysql.mail_zones.contains_key("nomail.example"));
    }
}
