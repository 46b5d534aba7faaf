//! MySQL databases: `GET /v2/mysqldatabases` (paged), `POST /v2/mysqldatabases` (202 + a
//! provisioning job whose `resource_links` name the real database, `ID<accountId>_<name>`),
//! `GET` and `DELETE /v2/mysqldatabases/{databaseName}`; their users: list, create (202 + a
//! job; new users are `read_only`), delete (only `read_only` users), password and status (204).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{put, MethodRouter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::mailboxes::{password_problem, PasswordInput};
use crate::error::{ApiError, ErrorMessage};
use crate::handler::{job_started, no_content, parse_json, path_or_404, PathArg, QueryArg};
use crate::names::key;
use crate::paging::paged;
use crate::shared::{now_ms, Shared};
use crate::state::mail::{MysqlDatabase, MysqlUser, UserRights};
use crate::state::{AssetType, JobStatus, JobWork, SimState};

/// Longest database name as submitted, before the `ID<accountId>_` prefix.
pub const MAX_DATABASE_NAME: usize = 14;
/// Where Combell's MySQL servers live: `ID1001_shop.db.webhosting.be`.
pub const DATABASE_HOST_SUFFIX: &str = ".db.webhosting.be";

impl MysqlDatabase {
    fn view(&self) -> MysqlDatabaseView {
        MysqlDatabaseView {
            name: self.name.clone(),
            hostname: format!("{}{DATABASE_HOST_SUFFIX}", self.name),
            account_id: self.account_id,
            max_size: self.max_size,
            actual_size: self.actual_size,
            user_count: i32::try_from(self.users.len()).unwrap_or(i32::MAX),
        }
    }
}

/// The API's `MySqlDatabase`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MysqlDatabaseView {
    pub name: String,
    pub hostname: String,
    pub account_id: i32,
    pub max_size: i32,
    pub actual_size: i32,
    pub user_count: i32,
}

/// `CreateMySqlDatabase`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateDatabase {
    pub account_id: Option<i64>,
    pub database_name: Option<String>,
    pub password: Option<String>,
}

/// `CreateMySqlUser`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateUser {
    pub name: Option<String>,
    pub password: Option<String>,
}

/// `UpdateUserStatusRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserStatusInput {
    pub enabled: Option<bool>,
}

/// What a submitted database name may be: 1–14 lower-case letters, digits and underscores.
pub fn check_database_name(name: &str) -> Result<(), ErrorMessage> {
    if name.is_empty() {
        return Err(ErrorMessage::new(
            "mysql_database_name_required",
            "A database name is required.",
        ));
    }
    if name.chars().count() > MAX_DATABASE_NAME {
        return Err(ErrorMessage::new(
            "mysql_database_name_too_long",
            format!("The database name may be at most {MAX_DATABASE_NAME} characters (before the ID<account>_ prefix)."),
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ErrorMessage::new(
            "mysql_database_name_invalid",
            format!("'{name}' may only hold lower-case letters, digits and underscores."),
        ));
    }
    Ok(())
}

/// The user name rules of the spec: 2–14 lower-case letters and/or digits, no spaces.
pub fn check_user_name(name: &str) -> Result<(), ErrorMessage> {
    if name.is_empty() {
        return Err(ErrorMessage::new(
            "mysql_user_name_required",
            "A user name is required.",
        ));
    }
    let length = name.chars().count();
    if !(2..=14).contains(&length)
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(ErrorMessage::new(
            "mysql_user_name_invalid",
            format!("'{name}' must be 2 to 14 lower-case letters or digits, without spaces."),
        ));
    }
    Ok(())
}

fn database_not_found(name: &str) -> ApiError {
    ApiError::not_found(
        "mysql_database_not_found",
        format!("Database '{name}' does not exist."),
    )
}

fn user_not_found(database: &str, user: &str) -> ApiError {
    ApiError::not_found(
        "mysql_user_not_found",
        format!("Database '{database}' has no user '{user}'."),
    )
}

impl SimState {
    pub fn list_databases(&self) -> Vec<MysqlDatabaseView> {
        self.mailmysql
            .databases
            .values()
            .map(MysqlDatabase::view)
            .collect()
    }

    pub fn database(&self, name: &str) -> Result<&MysqlDatabase, ApiError> {
        self.mailmysql
            .databases
            .get(&key(name))
            .ok_or_else(|| database_not_found(name.trim()))
    }

    fn database_mut(&mut self, name: &str) -> Result<&mut MysqlDatabase, ApiError> {
        self.mailmysql
            .databases
            .get_mut(&key(name))
            .ok_or_else(|| database_not_found(name.trim()))
    }

    pub fn database_view(&self, name: &str) -> Result<MysqlDatabaseView, ApiError> {
        self.database(name).map(MysqlDatabase::view)
    }

    fn ongoing_jobs(&self) -> impl Iterator<Item = &JobWork> {
        self.jobs
            .iter()
            .filter(|j| j.status == JobStatus::Ongoing)
            .map(|j| &j.work)
    }

    /// Validates, then queues the job; returns its id.
    pub fn create_database(
        &mut self,
        request: &CreateDatabase,
        now_ms: i64,
        job_duration_ms: i64,
    ) -> Result<String, ApiError> {
        let mut errors = Vec::new();
        let account_id = match request.account_id {
            None => {
                errors.push(ErrorMessage::new(
                    "mysql_account_id_required",
                    "The account_id is required.",
                ));
                None
            }
            Some(id) => match i32::try_from(id)
                .ok()
                .and_then(|id| self.accounts.iter().find(|a| a.id == id))
            {
                None => {
                    errors.push(ErrorMessage::new(
                        "mysql_account_id_invalid",
                        format!("Account {id} does not exist."),
                    ));
                    None
                }
                Some(account) if !account.assets.contains(&AssetType::Mysql) => {
                    errors.push(ErrorMessage::new(
                        "mysql_account_has_no_mysql",
                        format!(
                            "Account {id} ({}) has no MySQL in its servicepack.",
                            account.identifier
                        ),
                    ));
                    None
                }
                Some(account) => Some(account.id),
            },
        };
        let submitted = request
            .database_name
            .as_deref()
            .map(str::trim)
            .unwrap_or("");
        if let Err(problem) = check_database_name(submitted) {
            errors.push(problem);
        }
        let full_name = account_id.map(|id| format!("ID{id}_{submitted}"));
        if let Some(name) = full_name.as_deref().filter(|_| errors.is_empty()) {
            let pending = self.ongoing_jobs().any(|w| {
                matches!(w, JobWork::CreateMysqlDatabase { database_name, .. }
                    if database_name.eq_ignore_ascii_case(name))
            });
            if pending || self.mailmysql.databases.contains_key(&key(name)) {
                errors.push(ErrorMessage::new(
                    "mysql_database_already_exists",
                    format!("Database '{name}' already exists or is being created."),
                ));
            }
        }
        if let Some(problem) = password_problem(request.password.as_deref(), "mysql") {
            errors.push(problem);
        }
        let (Some(account_id), Some(database_name)) =
            (account_id, full_name.filter(|_| errors.is_empty()))
        else {
            return Err(ApiError::Validation(errors));
        };
        Ok(self.create_job(
            JobWork::CreateMysqlDatabase {
                account_id,
                database_name,
            },
            now_ms,
            job_duration_ms,
        ))
    }

    /// What a finished database job leaves behind.
    pub(crate) fn finish_mysql_database(
        &mut self,
        account_id: i32,
        database_name: &str,
    ) -> Vec<String> {
        self.mailmysql
            .databases
            .entry(key(database_name))
            .or_insert_with(|| MysqlDatabase::new(database_name, account_id));
        vec![format!("/v2/mysqldatabases/{database_name}")]
    }

    /// Users still being created for the database have nowhere to go: their jobs end `failed`.
    pub fn delete_database(&mut self, name: &str) -> Result<(), ApiError> {
        let real_name = self.database(name)?.name.clone();
        self.mailmysql.databases.remove(&key(name));
        for job in &mut self.jobs {
            let orphan = matches!(&job.work, JobWork::CreateMysqlUser { database_name, .. }
                if *database_name == real_name);
            if orphan && job.status == JobStatus::Ongoing {
                job.will_fail = true;
            }
        }
        Ok(())
    }

    pub fn list_users(&self, database: &str) -> Result<Vec<MysqlUser>, ApiError> {
        Ok(self.database(database)?.users.clone())
    }

    fn user(&self, database: &str, user: &str) -> Result<&MysqlUser, ApiError> {
        let db = self.database(database)?;
        db.users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(user.trim()))
            .ok_or_else(|| user_not_found(&db.name, user.trim()))
    }

    fn user_mut(&mut self, database: &str, user: &str) -> Result<&mut MysqlUser, ApiError> {
        let db = self.database_mut(database)?;
        let db_name = db.name.clone();
        db.users
            .iter_mut()
            .find(|u| u.name.eq_ignore_ascii_case(user.trim()))
            .ok_or_else(|| user_not_found(&db_name, user.trim()))
    }

    /// Validates, then queues the job; returns its id.
    pub fn create_user(
        &mut self,
        database: &str,
        request: &CreateUser,
        now_ms: i64,
        job_duration_ms: i64,
    ) -> Result<String, ApiError> {
        let db = self.database(database)?;
        let database_name = db.name.clone();
        let mut errors = Vec::new();
        let name = request.name.as_deref().map(str::trim).unwrap_or("");
        if let Err(problem) = check_user_name(name) {
            errors.push(problem);
        } else {
            let exists = db.users.iter().any(|u| u.name.eq_ignore_ascii_case(name));
            let pending = self.ongoing_jobs().any(|w| {
                matches!(w, JobWork::CreateMysqlUser { database_name: d, user_name }
                    if d.eq_ignore_ascii_case(&database_name) && user_name == name)
            });
            if exists || pending {
                errors.push(ErrorMessage::new(
                    "mysql_user_already_exists",
                    format!("User '{name}' already exists or is being created."),
                ));
            }
        }
        if let Some(problem) = password_problem(request.password.as_deref(), "mysql") {
            errors.push(problem);
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(self.create_job(
            JobWork::CreateMysqlUser {
                database_name,
                user_name: name.to_string(),
            },
            now_ms,
            job_duration_ms,
        ))
    }

    /// What a finished user job leaves behind; nothing if the database went in the meantime.
    pub(crate) fn finish_mysql_user(
        &mut self,
        database_name: &str,
        user_name: &str,
    ) -> Vec<String> {
        let Some(db) = self.mailmysql.databases.get_mut(&key(database_name)) else {
            return Vec::new();
        };
        if !db.users.iter().any(|u| u.name == user_name) {
            db.users.push(MysqlUser {
                name: user_name.to_string(),
                enabled: true,
                rights: UserRights::ReadOnly,
            });
        }
        vec![format!("/v2/mysqldatabases/{}/users/{user_name}", db.name)]
    }

    pub fn delete_user(&mut self, database: &str, user: &str) -> Result<(), ApiError> {
        let found = self.user(database, user)?;
        if found.rights != UserRights::ReadOnly {
            return Err(ApiError::invalid(
                "mysql_user_not_deletable",
                format!(
                    "User '{}' has read_and_write rights; only read_only users can be deleted.",
                    found.name
                ),
            ));
        }
        let name = found.name.clone();
        self.database_mut(database)?
            .users
            .retain(|u| u.name != name);
        Ok(())
    }

    /// Checks the new password; nothing is stored (see the module docs of `mailmysql`).
    pub fn set_user_password(
        &mut self,
        database: &str,
        user: &str,
        input: &PasswordInput,
    ) -> Result<(), ApiError> {
        self.user(database, user)?;
        match password_problem(input.password.as_deref(), "mysql") {
            Some(problem) => Err(ApiError::Validation(vec![problem])),
            None => Ok(()),
        }
    }

    pub fn set_user_status(
        &mut self,
        database: &str,
        user: &str,
        input: &UserStatusInput,
    ) -> Result<(), ApiError> {
        self.user_mut(database, user)?.enabled = input.enabled.unwrap_or(false);
        Ok(())
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| shared.read(|s| Ok(s.list_databases())))
}

pub(crate) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let duration = shared.job_duration_ms();
    job_started(
        parse_json::<CreateDatabase>(&body)
            .and_then(|request| shared.write(|s| s.create_database(&request, now_ms(), duration))),
    )
}

pub(crate) async fn create_user(
    State(shared): State<Arc<Shared>>,
    path: PathArg<String>,
    body: Bytes,
) -> Response {
    let duration = shared.job_duration_ms();
    job_started(path_or_404(path).and_then(|database| {
        shared.write_body(
            &body,
            |s| s.database(&database).map(|_| ()),
            |s, request: &CreateUser| s.create_user(&database, request, now_ms(), duration),
        )
    }))
}

/// The route of a 204 PUT on an existing user: 404 before the body is even looked at.
pub(crate) fn put_user<I: DeserializeOwned + 'static>(
    apply: fn(&mut SimState, &str, &str, &I) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    put(
        move |State(shared): State<Arc<Shared>>, path: PathArg<(String, String)>, body: Bytes| async move {
            no_content(path_or_404(path).and_then(|(database, user)| {
                shared.write_body(
                    &body,
                    |s| s.user(&database, &user).map(|_| ()),
                    |s, input| apply(s, &database, &user, input),
                )
            }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    fn request(account: i64, name: &str, password: &str) -> CreateDatabase {
        CreateDatabase {
            account_id: Some(account),
            database_name: Some(name.to_string()),
            password: Some(password.to_string()),
        }
    }

    #[test]
    fn names() {
        assert!(check_database_name("shop_2").is_ok());
        assert!(check_database_name("abcdefghijklmn").is_ok());
        for bad in ["", "abcdefghijklmno", "Shop", "my-db", "é"] {
            assert!(check_database_name(bad).is_err(), "{bad}");
        }
        assert!(check_user_name("ab").is_ok());
        assert!(check_user_name("reader2025abcd").is_ok());
        for bad in ["", "a", "reader2025abcde", "Reader", "re ader", "re_ader"] {
            assert!(check_user_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_database_is_prefixed_and_appears_when_its_job_ends() {
        let mut state = SimState::seed();
        let job = state
            .create_database(&request(1001, "blog", "abcdef12"), 0, 100)
            .unwrap();
        assert!(state.database("ID1001_blog").is_err());
        assert_eq!(
            codes(
                state
                    .create_database(&request(1001, "blog", "abcdef12"), 0, 100)
                    .unwrap_err()
            ),
            ["mysql_database_already_exists"]
        );
        state.advance(100);
        let answer = state.job_answer(&job, 100).unwrap();
        assert_eq!(
            answer.resource_links,
            Some(vec!["/v2/mysqldatabases/ID1001_blog".to_string()])
        );
        let view = state.database_view("id1001_BLOG").unwrap();
        assert_eq!(view.hostname, "ID1001_blog.db.webhosting.be");
        assert_eq!(view.user_count, 1);
        assert_eq!(
            state.list_users("ID1001_blog").unwrap()[0].rights,
            UserRights::ReadAndWrite
        );
    }

    #[test]
    fn database_validation_reports_every_problem() {
        let mut state = SimState::seed();
        let cases: [(CreateDatabase, &[&str]); 5] = [
            (
                CreateDatabase::default(),
                &[
                    "mysql_account_id_required",
                    "mysql_database_name_required",
                    "mysql_password_required",
                ],
            ),
            (
                request(9999, "x", "abcdef12"),
                &["mysql_account_id_invalid"],
            ),
            (
                request(1002, "x", "abcdef12"),
                &["mysql_account_has_no_mysql"],
            ),
            (
                request(1001, "shop", "abcdef12"),
                &["mysql_database_already_exists"],
            ),
            (
                request(1001, "waytoolongname1", "12345678"),
                &["mysql_database_name_too_long", "mysql_password_invalid"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                codes(state.create_database(&input, 0, 0).unwrap_err()),
                expected
            );
        }
        assert!(state.jobs.is_empty());
    }

    #[test]
    fn users_are_read_only_and_only_those_can_go() {
        let mut state = SimState::seed();
        let user = |n: &str| CreateUser {
            name: Some(n.to_string()),
            password: Some("abcdef12".to_string()),
        };
        state
            .create_user("ID1001_shop", &user("backup"), 0, 10)
            .unwrap();
        assert_eq!(
            codes(
                state
                    .create_user("ID1001_shop", &user("backup"), 0, 10)
                    .unwrap_err()
            ),
            ["mysql_user_already_exists"]
        );
        assert_eq!(
            codes(
                state
                    .create_user("ID1001_shop", &user("Backup!"), 0, 10)
                    .unwrap_err()
            ),
            ["mysql_user_name_invalid"]
        );
        assert_eq!(
            codes(
                state
                    .create_user("ID1001_nope", &user("backup"), 0, 10)
                    .unwrap_err()
            ),
            ["mysql_database_not_found"]
        );
        state.advance(10);
        let users = state.list_users("id1001_shop").unwrap();
        let backup = users.iter().find(|u| u.name == "backup").unwrap();
        assert_eq!(
            (backup.rights, backup.enabled),
            (UserRights::ReadOnly, true)
        );

        state
            .set_user_status(
                "ID1001_shop",
                "BACKUP",
                &UserStatusInput {
                    enabled: Some(false),
                },
            )
            .unwrap();
        assert!(!state.user("ID1001_shop", "backup").unwrap().enabled);
        assert_eq!(
            codes(state.delete_user("ID1001_shop", "ID1001_shop").unwrap_err()),
            ["mysql_user_not_deletable"]
        );
        state.delete_user("ID1001_shop", "backup").unwrap();
        assert_eq!(
            codes(state.delete_user("ID1001_shop", "backup").unwrap_err()),
            ["mysql_user_not_found"]
        );
        assert_eq!(state.database_view("ID1001_shop").unwrap().user_count, 2);
    }

    #[test]
    fn deleting_a_database_fails_its_pending_user_jobs() {
        let mut state = SimState::seed();
        let user = CreateUser {
            name: Some("late".to_string()),
            password: Some("abcdef12".to_string()),
        };
        let job = state.create_user("ID1001_shop", &user, 0, 10).unwrap();
        state.delete_database("id1001_shop").unwrap();
        state.advance(10);
        assert_eq!(
            state.job_answer(&job, 10).unwrap().status,
            JobStatus::Failed
        );
        assert!(state.database("ID1001_shop").is_err());
    }
}
