//! `combell_mysql_user`: a user of a Combell MySQL database. Import ID:
//! `<database real name>/<user name>`, such as `ID1001_shop/reporting`.
//!
//! Combell creates users asynchronously (`POST .../users` answers 202, with a provisioning job
//! in practice); create waits for it within `timeouts.create`, and an interrupted create is kept
//! (tainted) with its job, as for databases. New users always get `read_only` rights and no
//! operation changes rights, so `rights` is read-only here. `status` (enabled/disabled) and the
//! password change in place.
//!
//! Create refuses a user that exists already (import it instead) and reconciles a POST whose
//! answer is lost by the user's name before sending it again (see `core::reconcile`).
//!
//! Created, read, changed, deleted and imported through the core's one path
//! (`core::managed`), which also owns the outcome of the provisioning job and the pending
//! state. One read back stays after a create: Combell decides `rights` (and the status of a
//! new user). An update is one PUT per changed value and its state is the plan.
//!
//! Combell deletes only `read_only` users. The database's own `read_and_write` user (named like
//! the database) can be imported to manage its status and password; destroying it only removes
//! it from the state, with a warning: it goes with its database.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::fields::unknown_as_null;
use crate::core::ids::IdPart;
use crate::core::jobs::{Provisioning, Unfinished, WaitError};
use crate::core::managed::{require_password, Managed, Typed};
use crate::core::rules::password_problems;
use crate::core::timeouts::{Op, Timeouts};
use crate::mysql::database::is_real_name;
use combell_api::{self as client, CancellationToken, Client, CreateMysqlUser, MysqlUser, Secret};
use tfplugin::{
    Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Number, PlanRequest,
    PlanResponse, Schema,
};

const TYPE_NAME: &str = "combell_mysql_user";
const LOG: &str = "mysql_user";

const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

const ENABLED: &str = "enabled";
const DISABLED: &str = "disabled";
const READ_ONLY: &str = "read_only";

fn timeouts() -> Timeouts {
    Timeouts::new(&[(Op::Create, DEFAULT_CREATE_TIMEOUT)])
}

pub struct MysqlUserResource;

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<MysqlUserResource> = Typed::new(MysqlUserResource);

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(
            "`<database_name>/<name>`, such as `ID1001_shop/reporting`: the import ID. Null \
             while the provisioning job has not finished.",
        ),
        Attribute::string("database_name").required().description(
            "The database's real name with its account prefix, such as `ID1001_shop` (the `id` \
             of a `combell_mysql_database`). Changing it replaces the user.",
        ),
        Attribute::string("name").required().description(
            "The user name: 2 to 14 lower-case letters or digits, such as `reporting`. \
             Changing it replaces the user.",
        ),
        Attribute::string("password")
            .optional()
            .sensitive()
            .write_only()
            .description(
                "**Write-only** (Terraform 1.11 or newer): never stored in the plan or state. \
                 Required to create the user; sent again when `password_version` changes. 8 to \
                 20 characters, letters and digits with at least one of each; no spaces and \
                 none of `* € $ & + } { ' \" \\`.",
            ),
        Attribute::number("password_version")
            .optional()
            .description(
                "Any number you change when you change `password`, so that Terraform notices the \
             change (write-only values are not compared): a new version sets the password in \
             place.",
            ),
        Attribute::string("status")
            .optional()
            .computed()
            .description(
            "`enabled` or `disabled`: whether the user can log in. Changes in place. Unset, it \
             follows Combell (new users are enabled).",
        ),
        Attribute::string("rights").computed().description(
            "`read_only` or `read_and_write`. Combell creates every new user `read_only` and \
             its API cannot change rights; only the database's own user is `read_and_write`.",
        ),
        Attribute::string("provisioning_job_id")
            .computed()
            .description(
                "Id of the Combell provisioning job that created the user (null for imported \
             users). Kept so that an interrupted create is finished by the next run.",
            ),
    ])
    .block(timeouts().block())
    .description(
        "A user of a Combell MySQL database. New users have read-only rights (Combell's API \
         cannot grant more). Destroying a read-only user deletes it; the database's own \
         read-and-write user cannot be deleted through the API, so destroying it only removes \
         it from the Terraform state, with a warning.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

#[async_trait]
impl Managed for MysqlUserResource {
    type Model = User;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[
        (
            "database_name",
            "The database's real name with its account prefix, such as `ID1001_shop`.",
        ),
        ("name", "The user name, such as `reporting`."),
    ];
    const ID_EXAMPLE: &'static str = "ID1001_shop/reporting";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /mysqldatabases/{databaseName}/users",
        "GET /mysqldatabases/{databaseName}/users",
        "DELETE /mysqldatabases/{databaseName}/users/{userName}",
        "PUT /mysqldatabases/{databaseName}/users/{userName}/password",
        "PUT /mysqldatabases/{databaseName}/users/{userName}/status",
        "GET /provisioningjobs/{jobId}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["database_name", "name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(timeouts())
    }

    /// `enabled` is what a user is unless someone disabled it: a configuration leaves it out.
    fn trim_generated_config(&self, _state: &User, config: &mut User) {
        if config.status.as_str() == Some("enabled") {
            config.status = Field::Null;
        }
    }

    fn validate(&self, config: &User, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// A password is needed to create the user, and with a new `password_version`.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        require_password(req, resp, |creating| {
            if creating {
                "Combell needs a password to create a MySQL user: set password (and \
                 password_version, so that later changes are noticed)."
            } else {
                "password_version changed, but no password is set: set password to the new \
                 password."
            }
            .into()
        });
    }

    fn what(&self, planned: &User) -> String {
        format!(
            "MySQL user \"{}\" of database {}",
            planned.name.as_str().unwrap_or_default(),
            planned.database_name.as_str().unwrap_or_default()
        )
    }

    /// A user of this name that exists before the POST is not this create's: it is never
    /// adopted (that would hand it to this configuration's destroy).
    async fn before_create(
        &self,
        client: &Client,
        planned: &User,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<User>, Diagnostic> {
        let (Some(database), Some(name)) = (planned.database_name.as_str(), planned.name.as_str())
        else {
            return Err(Diagnostic::error(
                summary,
                "database_name, name or password is not known.",
            ));
        };
        match find_user(client, database, name, cancel).await {
            Ok(None) => Ok(None),
            Ok(Some(_)) => Err(Diagnostic::error(
                summary,
                format!(
                    "MySQL user \"{name}\" of database {database} already exists at Combell. To \
                     manage it with Terraform, import it: terraform import <resource address> \
                     {database}/{name}."
                ),
            )),
            Err(err) => Err(api_error(summary, &err)),
        }
    }

    /// The POST; the answer names the provisioning job, if any (empty when none).
    async fn send_create(
        &self,
        client: &Client,
        planned: &User,
        config: &User,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let (Some(database), Some(name), Some(password)) = (
            planned.database_name.as_str(),
            planned.name.as_str(),
            config.password.as_str(),
        ) else {
            return Err(client::Error::Invalid(
                "database_name, name or password is not known.".into(),
            ));
        };
        let request = CreateMysqlUser {
            name: name.to_string(),
            password: Secret::new(password),
        };
        let job = client.create_mysql_user(database, &request, cancel).await?;
        Ok(job.map(|job| job.job_id).unwrap_or_default())
    }

    /// Pending until its job (if any) has finished.
    fn created(&self, planned: &User, job_id: &str) -> User {
        let mut pending = known(planned);
        if !job_id.is_empty() {
            pending.provisioning_job_id = job_id.to_string().into();
        }
        pending
    }

    /// A state without an id waits for its job, if it records one, and is then read.
    fn pending_job(&self, state: &User) -> Option<String> {
        state.id.is_null().then(|| {
            state
                .provisioning_job_id
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
    }

    /// Waits for the job; right after the create, a `disabled` user is then disabled (new
    /// users are enabled). The user is read back by the core (`id` and `rights` are left
    /// unknown for it).
    async fn settle(
        &self,
        client: &Client,
        state: &User,
        job_id: &str,
        creating: bool,
        limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<(User, Diagnostics), WaitError> {
        let database = state.database_name.as_str().unwrap_or_default();
        let name = state.name.as_str().unwrap_or_default();
        if !job_id.is_empty() {
            if creating {
                hclog::info(
                    LOG,
                    "user creation started; waiting for its job",
                    &[
                        ("database", json!(database)),
                        ("name", json!(name)),
                        ("job_id", json!(job_id)),
                    ],
                );
            }
            let job = Provisioning {
                module: LOG,
                what: "MySQL user",
                subject: ("name", name),
                job_id,
            };
            job.wait(client, limit, cancel).await?;
        }
        let mut diags = Diagnostics::default();
        // The user exists from here on: what follows is not cut short by Ctrl-C.
        if creating && state.status.as_str() == Some(DISABLED) {
            if let Err(err) = client
                .set_mysql_user_status(database, name, false, &CancellationToken::new())
                .await
            {
                diags.push(api_error(format!("Unable to create {TYPE_NAME}"), &err));
            }
        }
        let settled = User {
            id: Field::Unknown,
            rights: Field::Unknown,
            ..state.clone()
        };
        Ok((settled, diags))
    }

    /// The user a lost answer's request made, found by its name; like a create that saw its
    /// answer, a `disabled` user is then disabled.
    async fn find_created(
        &self,
        client: &Client,
        planned: &User,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<User>, client::Error> {
        let found = self.fetch(client, planned, cancel).await?;
        let (Some(mut user), Some(database), Some(name)) =
            (found, planned.database_name.as_str(), planned.name.as_str())
        else {
            return Ok(None);
        };
        if planned.status.as_str() == Some(DISABLED) && user.status.as_str() != Some(DISABLED) {
            client
                .set_mysql_user_status(database, name, false, cancel)
                .await?;
            user.status = DISABLED.to_string().into();
        }
        Ok(Some(user))
    }

    fn unfinished(&self, state: &User, err: &client::Error, reading: bool) -> String {
        UNFINISHED.detail(state.name.as_str().unwrap_or_default(), err, reading)
    }

    async fn fetch(
        &self,
        client: &Client,
        key: &User,
        cancel: &CancellationToken,
    ) -> Result<Option<User>, client::Error> {
        let (Some(database), Some(name)) = (key.database_name.as_str(), key.name.as_str()) else {
            return Ok(None);
        };
        Ok(find_user(client, database, name, cancel)
            .await?
            .map(|user| state_from(database, &user, key)))
    }

    /// The password (with a new `password_version`) and the status change in place.
    async fn send_update(
        &self,
        client: &Client,
        prior: &User,
        planned: &User,
        config: &User,
        cancel: &CancellationToken,
    ) -> Result<(), client::Error> {
        let (Some(database), Some(name)) = (prior.database_name.as_str(), prior.name.as_str())
        else {
            return Ok(());
        };
        if planned.password_version != prior.password_version {
            let Some(password) = config.password.as_str() else {
                return Err(client::Error::Invalid(
                    "password_version changed, but no password is set.".into(),
                ));
            };
            client
                .set_mysql_user_password(database, name, &Secret::new(password), cancel)
                .await?;
        }
        if let Some(status) = planned.status.as_str() {
            if prior.status.as_str() != Some(status) {
                client
                    .set_mysql_user_status(database, name, status == ENABLED, cancel)
                    .await?;
            }
        }
        Ok(())
    }

    /// A pending user was never made; the database's own user goes with its database.
    fn forgotten(&self, prior: &User) -> Option<Diagnostics> {
        let (Some(database), Some(name)) = (prior.database_name.as_str(), prior.name.as_str())
        else {
            return None;
        };
        if prior.id.is_null() {
            return Some(
                Diagnostic::warning(
                    format!("The creation of MySQL user \"{name}\" had not finished"),
                    format!(
                        "Provisioning job {} had not finished, so there was no user to delete \
                         and it was removed from the Terraform state. If the job still \
                         completes, the user exists in database {database}: import it or \
                         delete it in the Combell control panel.",
                        prior.provisioning_job_id.as_str().unwrap_or("unknown")
                    ),
                )
                .into(),
            );
        }
        let rights = prior.rights.as_str().filter(|r| *r != READ_ONLY)?;
        hclog::warn(
            LOG,
            "read_and_write MySQL user removed from the state only",
            &[("database", json!(database)), ("name", json!(name))],
        );
        Some(
            Diagnostic::warning(
                format!("MySQL user \"{name}\" still exists"),
                format!(
                    "Combell deletes only read_only users, and \"{name}\" has {rights} rights \
                     (it is the own user of database {database}). It was removed from the \
                     Terraform state but still exists; it is deleted together with its database."
                ),
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &User,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        let database = prior.database_name.as_str().unwrap_or_default();
        let name = prior.name.as_str().unwrap_or_default();
        client.delete_mysql_user(database, name, cancel).await?;
        Ok(Diagnostics::default())
    }

    fn check_import(&self, parts: &[String]) -> Result<(), String> {
        parse_import_id(&parts.join("/")).map(|_| ())
    }

    fn imported(&self, parts: &[String]) -> User {
        User {
            id: parts.join("/").into(),
            database_name: parts[0].clone().into(),
            name: parts[1].clone().into(),
            ..Default::default()
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// The user of that name, compared without case; `None` when it or its database is gone.
async fn find_user(
    client: &Client,
    database: &str,
    name: &str,
    cancel: &CancellationToken,
) -> Result<Option<MysqlUser>, client::Error> {
    // Through the cache: the users of one database read in parallel share one call.
    match client.read_mysql_users(database, cancel).await {
        Ok(users) => Ok(users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(name))
            .cloned()),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(err),
    }
}

tfplugin::model! {
    /// The `timeouts` block of `combell_mysql_user`.
    pub(crate) struct UserTimeouts {
        create: String,
    }
}

tfplugin::model! {
    /// The state (and configuration) of `combell_mysql_user`.
    pub(crate) struct User {
        id: String,
        database_name: String,
        name: String,
        password: String,
        password_version: Number,
        status: String,
        rights: String,
        provisioning_job_id: String,
        timeouts: UserTimeouts,
    }
}

/// The one mapping API → state. What only the configuration knows comes from `prior`.
fn state_from(database: &str, user: &MysqlUser, prior: &User) -> User {
    User {
        id: format!("{database}/{}", user.name).into(),
        database_name: database.to_string().into(),
        name: user.name.clone().into(),
        status: if user.enabled { ENABLED } else { DISABLED }
            .to_string()
            .into(),
        rights: user.rights.clone().into(),
        ..known(prior)
    }
}

/// `value` with unknowns as null and without the (write-only) password: a state's shape.
fn known(value: &User) -> User {
    User {
        id: unknown_as_null(&value.id),
        database_name: unknown_as_null(&value.database_name),
        name: unknown_as_null(&value.name),
        password: Field::Null,
        password_version: unknown_as_null(&value.password_version),
        status: unknown_as_null(&value.status),
        rights: unknown_as_null(&value.rights),
        provisioning_job_id: unknown_as_null(&value.provisioning_job_id),
        timeouts: unknown_as_null(&value.timeouts),
    }
}

/// Why a wait ended early, and what happens next.
const UNFINISHED: Unfinished = Unfinished {
    object: "MySQL user",
    after_create: "The user is kept in the state (tainted) together with its provisioning job, \
                   so it is not orphaned: the next plan or apply waits for that job (up to \
                   timeouts.create).",
    after_read: "The state still records the job, so nothing is lost: run plan or apply again \
                 once the job has finished (the wait is bounded by the timeouts.create stored \
                 with the user).",
    says_stop: false,
};

fn parse_import_id(id: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = id.trim().split('/').collect();
    match parts.as_slice() {
        [database, name] if is_real_name(database) && check_name(name, database).is_ok() => {
            Ok((database.to_string(), name.to_string()))
        }
        _ => Err(format!(
            "Expected <database real name>/<user name>, such as \"ID1001_shop/reporting\"; got \
             \"{id}\"."
        )),
    }
}

fn validate_config(config: &User) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    if let Some(name) = config.name.as_str() {
        let database = config.database_name.as_str().unwrap_or_default();
        if let Err(detail) = check_name(name, database) {
            problems.push(("name", "Invalid MySQL user name".into(), detail));
        }
    }
    if let Some(database) = config.database_name.as_str() {
        // Anything but a real name (dots, slashes, escapes) would only reach another path.
        if !is_real_name(database) {
            problems.push((
                "database_name",
                "Invalid database name".into(),
                format!(
                    "\"{database}\" is not a database's real name such as \"ID1001_shop\" (the \
                     id of a combell_mysql_database)."
                ),
            ));
        }
    }
    if let Some(status) = config.status.as_str() {
        if status != ENABLED && status != DISABLED {
            problems.push((
                "status",
                "Invalid status".into(),
                format!("\"{status}\" is not a status; use \"enabled\" or \"disabled\"."),
            ));
        }
    }
    if let Some(password) = config.password.as_str() {
        for detail in password_problems(password) {
            problems.push(("password", "Invalid MySQL user password".into(), detail));
        }
    }
    problems
}

/// The spec's rule: 2–14 lower-case letters or digits; the database's own user, named like
/// the database, is the one exception (it can be imported, not created).
fn check_name(name: &str, database: &str) -> Result<(), String> {
    if name.eq_ignore_ascii_case(database) {
        return Ok(());
    }
    let length = name.chars().count();
    if !(2..=14).contains(&length) {
        return Err(format!(
            "A MySQL user name has 2 to 14 characters; \"{name}\" has {length}."
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(format!(
            "\"{name}\" may only hold lower-case letters and digits (no spaces)."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Model, Resource, Value};

    fn config(change: impl FnOnce(&mut User)) -> User {
        let mut v = User {
            database_name: text("ID1001_shop"),
            name: text("reporting"),
            ..Default::default()
        };
        change(&mut v);
        v
    }

    fn text(s: &str) -> Field<String> {
        s.to_string().into()
    }

    #[test]
    fn generated_configuration_leaves_out_the_usual_status() {
        for (status, kept) in [("enabled", None), ("disabled", Some("disabled"))] {
            let state = config(|c| {
                c.id = text("ID1001_shop/reporting");
                c.status = text(status);
                c.rights = text("read_only");
            })
            .encode();
            let mut generated = tfplugin::generated_config(&schema(), &state);
            RESOURCE.trim_generated_config(&state, &mut generated);
            let generated = User::decode(&generated).unwrap();
            assert_eq!(generated.status.as_str(), kept);
            assert!(generated.id.is_null() && generated.rights.is_null());
            assert_eq!(generated.name.as_str(), Some("reporting"));
        }
    }

    fn problems(cfg: &User) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn mapping() {
        let user = MysqlUser {
            name: "reporting".into(),
            enabled: false,
            rights: "read_only".into(),
        };
        let state = state_from(
            "ID1001_shop",
            &user,
            &config(|c| {
                c.password_version = Number::Int(3).into();
                c.status = Field::Unknown;
            }),
        );
        assert_eq!(state.id.as_str(), Some("ID1001_shop/reporting"));
        assert_eq!(state.status.as_str(), Some("disabled"));
        assert_eq!(state.rights.as_str(), Some("read_only"));
        assert_eq!(
            state.password_version.get().and_then(Number::as_i64),
            Some(3)
        );
        assert!(state.encode().is_wholly_known());
    }

    #[test]
    fn name_rules() {
        assert!(problems(&config(|_| {})).is_empty());
        for good in ["ab", "user2", "abcdefghijklmn"] {
            assert!(
                problems(&config(|c| c.name = text(good))).is_empty(),
                "{good}"
            );
        }
        for bad in [
            "a",
            "abcdefghijklmno",
            "Report",
            "my user",
            "my_user",
            "rép",
        ] {
            assert_eq!(problems(&config(|c| c.name = text(bad))), ["name"], "{bad}");
        }
    }

    #[test]
    fn status_database_and_password_rules() {
        assert_eq!(problems(&config(|c| c.status = text("off"))), ["status"]);
        assert!(problems(&config(|c| c.status = text("disabled"))).is_empty());
        for bad in ["", "ID1001 shop", "a/b"] {
            assert_eq!(
                problems(&config(|c| c.database_name = text(bad))),
                ["database_name"],
                "{bad}"
            );
        }
        assert_eq!(
            problems(&config(|c| c.password = text("short"))),
            ["password", "password"]
        );
        assert!(problems(&config(|c| c.password = text("Secret123"))).is_empty());
        let unknown = config(|c| {
            c.name = Field::Unknown;
            c.status = Field::Unknown;
            c.password = Field::Unknown;
        });
        assert!(problems(&unknown).is_empty());
    }

    #[test]
    fn import_ids() {
        assert_eq!(
            parse_import_id("ID1001_shop/reporting"),
            Ok(("ID1001_shop".into(), "reporting".into()))
        );
        assert!(parse_import_id("ID1001_shop/ID1001_shop").is_ok());
        for bad in ["ID1001_shop", "/reporting", "ID1001_shop/Rep", "a/b/c", ""] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    #[test]
    fn a_password_is_required_to_create() {
        let plan = |cfg: User| {
            block_on(RESOURCE.plan(
                &Ctx::for_tests(None),
                PlanRequest {
                    prior: Value::Null,
                    proposed: cfg.encode(),
                    config: cfg.encode(),
                    prior_private: Vec::new(),
                },
            ))
        };
        assert!(plan(config(|_| {})).diagnostics.has_errors());
        assert!(!plan(config(|c| c.password = text("Secret123")))
            .diagnostics
            .has_errors());
    }

    #[test]
    fn destroying_the_databases_own_user_only_forgets_it() {
        let prior = config(|c| {
            c.id = text("ID1001_shop/ID1001_shop");
            c.rights = text("read_and_write");
        });
        let diags = block_on(RESOURCE.delete(&Ctx::for_tests(None), &prior.encode()));
        assert!(!diags.has_errors());
        assert!(diags.iter().next().unwrap().detail.contains("read_only"));
    }
}
