//! `combell_mysql_database`: a MySQL database on a Combell account. Import ID: the database's
//! real name, such as `ID1001_shop` (`data.combell_mysql_databases` lists them).
//!
//! Combell creates a database asynchronously: `POST /v2/mysqldatabases` answers with a
//! provisioning job, and create blocks until that job has finished (bounded by
//! `timeouts.create`, logging progress at info level). Combell prefixes the submitted name with
//! the account (`shop` becomes `ID1001_shop`); the real name is taken from the job's
//! `resource_links` and is the resource's `id`.
//!
//! Never duplicated: create refuses a name that exists already (import it instead), and a POST
//! whose answer is lost (a 5xx, a dropped connection) is reconciled by the name before it is
//! sent again (see `core::reconcile`).
//!
//! Never orphaned: when the wait ends early (timeout, Ctrl-C, a network failure), the create
//! returns an error naming the job *and* a state holding `provisioning_job_id` with a null `id`;
//! Terraform stores it tainted, and the next refresh waits for that job (again bounded by
//! `timeouts.create`). A job that failed created nothing, so the object leaves the state.
//!
//! The `password` is that of the database's own user, which Combell creates with the
//! database and names after it (`read_and_write` rights). A new `password_version` sets it again
//! with `PUT .../users/{database}/password`. Account and name cannot change in place.
//!
//! Created, read, changed, deleted and imported through the core's one path
//! (`core::managed`), which also owns the outcome of the provisioning job and the pending
//! state. One read back stays: after the job, the database it names is read, because Combell
//! decides its real name, host and sizes. An update (a new password) is one PUT and the state
//! is the plan; the sizes are refreshed by the next read.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::fields::unknown_as_null;
use crate::core::ids::IdPart;
use crate::core::jobs::{recorded_job, Provisioning, Unfinished, WaitError};
use crate::core::managed::{require_password, Managed, Typed};
use crate::core::rules::{self, password_problems};
use crate::core::timeouts::{Op, Timeouts};
use combell_api::{
    self as client, CancellationToken, Client, CreateMysqlDatabase, MysqlDatabase, Secret,
};
use tfplugin::{
    Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Number, PlanRequest,
    PlanResponse, Schema, Value,
};

const TYPE_NAME: &str = "combell_mysql_database";
const LOG: &str = "mysql_database";

/// Longest name Combell accepts as submitted, before its `ID<account>_` prefix.
pub(crate) const MAX_NAME: usize = 14;

/// A database is provisioned in a minute or two; a quarter of an hour leaves room.
const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

fn timeouts() -> Timeouts {
    Timeouts::new(&[(Op::Create, DEFAULT_CREATE_TIMEOUT)])
}

pub struct MysqlDatabaseResource;

/// The resource, for its list.
pub(crate) static RESOURCE: Typed<MysqlDatabaseResource> = Typed::new(MysqlDatabaseResource);

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(
            "The database's real name, as Combell provisioned it: the submitted `name` with the \
             account's prefix, such as `ID1001_shop`. Use it to connect and to address the \
             database's users. Null while the provisioning job has not finished.",
        ),
        Attribute::number("account_id").required().description(
            "Id of the Combell account that holds the database; its servicepack must include \
             MySQL. Changing it replaces the database (deleting the old one and its data).",
        ),
        Attribute::string("name").required().description(
            "The name as submitted: 1 to 14 lower-case letters, digits and underscores, such \
             as `shop`. Combell adds the account's prefix (see `id`). Changing it replaces the \
             database (deleting the old one and its data).",
        ),
        Attribute::string("password")
            .optional()
            .sensitive()
            .write_only()
            .description(
                "**Write-only** (Terraform 1.11 or newer): never stored in the plan or state. \
                 The password of the database's own user (named like the database, with \
                 read-and-write rights). Required to create the database; sent again when \
                 `password_version` changes. 8 to 20 characters, letters and digits with at \
                 least one of each; no spaces and none of `* € $ & + } { ' \" \\`.",
            ),
        Attribute::number("password_version")
            .optional()
            .description(
                "Any number you change when you change `password`, so that Terraform notices the \
             change (write-only values are not compared): a new version sets the password of \
             the database's own user in place.",
            ),
        Attribute::string("hostname")
            .computed()
            .description("The host to connect to, such as `ID1001_shop.db.webhosting.be`."),
        Attribute::number("max_size")
            .computed()
            .description("The most the database may hold, in MB, as the servicepack allows."),
        Attribute::number("actual_size")
            .computed()
            .description("How much the database holds, in MB, when Terraform last read it."),
        Attribute::number("user_count")
            .computed()
            .description("How many MySQL users the database has, its own user included."),
        Attribute::string("provisioning_job_id")
            .computed()
            .description(
                "Id of the Combell provisioning job that created the database (null for imported \
             databases). Kept so that a create interrupted by a timeout or Ctrl-C is finished \
             by the next run instead of being requested twice.",
            ),
    ])
    .block(timeouts().block())
    .description(
        "A MySQL database on a Combell account. Creating one waits for Combell's provisioning \
         job to finish. Destroying it deletes the database and everything in it.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

#[async_trait]
impl Managed for MysqlDatabaseResource {
    type Model = Database;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[(
        "id",
        "The database's real name with its account prefix, such as `ID1001_shop`.",
    )];
    const ID_EXAMPLE: &'static str = "ID1001_shop";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /mysqldatabases",
        "GET /mysqldatabases",
        "GET /mysqldatabases/{databaseName}",
        "DELETE /mysqldatabases/{databaseName}",
        "PUT /mysqldatabases/{databaseName}/users/{userName}/password",
        "GET /provisioningjobs/{jobId}",
    ];
    /// Attributes whose change Combell cannot apply to an existing database.
    const REQUIRES_REPLACE: &'static [&'static str] = &["account_id", "name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(timeouts())
    }

    fn validate(&self, config: &Database, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// A password is needed to create the database, and with a new `password_version`.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        require_password(req, resp, |creating| missing_password_detail(!creating));
    }

    fn what(&self, planned: &Database) -> String {
        format!(
            "database \"{}\" of account {}",
            planned.name.as_str().unwrap_or_default(),
            planned
                .account_id
                .get()
                .and_then(Number::as_i64)
                .unwrap_or_default()
        )
    }

    /// A database with this name that exists before the POST is not this create's: it is
    /// never adopted (that would hand it to this configuration's destroy).
    async fn before_create(
        &self,
        client: &Client,
        planned: &Database,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Database>, Diagnostic> {
        let (Some(account_id), Some(name)) = (
            planned.account_id.get().and_then(Number::as_i64),
            planned.name.as_str(),
        ) else {
            return Err(Diagnostic::error(
                summary,
                "account_id, name or password is not known.",
            ));
        };
        match find_by_name(client, account_id, name, cancel).await {
            Ok(None) => Ok(None),
            Ok(Some(existing)) => Err(Diagnostic::error(
                summary,
                format!(
                    "Database \"{}\" already exists at Combell. To manage it with Terraform, \
                     import it: terraform import <resource address> {} (or an import block \
                     with id = \"{}\").",
                    existing.name, existing.name, existing.name
                ),
            )),
            Err(err) => Err(api_error(summary, &err)),
        }
    }

    /// The POST; the answer names the provisioning job.
    async fn send_create(
        &self,
        client: &Client,
        planned: &Database,
        config: &Database,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let (Some(account_id), Some(name), Some(password)) = (
            planned.account_id.get().and_then(Number::as_i64),
            planned.name.as_str(),
            config.password.as_str(),
        ) else {
            return Err(client::Error::Invalid(
                "account_id, name or password is not known.".into(),
            ));
        };
        let request = CreateMysqlDatabase {
            account_id,
            database_name: name.to_string(),
            password: Secret::new(password),
        };
        Ok(client.create_mysql_database(&request, cancel).await?.job_id)
    }

    /// Pending until its job has finished: the job names the real name.
    fn created(&self, planned: &Database, job_id: &str) -> Database {
        pending_state(planned, job_id)
    }

    fn pending_job(&self, state: &Database) -> Option<String> {
        recorded_job(&state.id, &state.provisioning_job_id)
    }

    async fn settle(
        &self,
        client: &Client,
        state: &Database,
        job_id: &str,
        _creating: bool,
        limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<(Database, Diagnostics), WaitError> {
        let name = state.name.as_str().unwrap_or("(unknown)");
        let db = wait_for_database(client, job_id, name, limit, cancel).await?;
        Ok((state_from(&db, state), Diagnostics::default()))
    }

    fn unfinished(&self, state: &Database, err: &client::Error, reading: bool) -> String {
        UNFINISHED.detail(state.name.as_str().unwrap_or("(unknown)"), err, reading)
    }

    /// By real name once known (from the reseller's database list, shared by every database
    /// read of this process); before, by the submitted name (a lost answer's database).
    async fn fetch(
        &self,
        client: &Client,
        key: &Database,
        cancel: &CancellationToken,
    ) -> Result<Option<Database>, client::Error> {
        let db = match (
            key.id.as_str(),
            key.account_id.get().and_then(Number::as_i64),
            key.name.as_str(),
        ) {
            (Some(id), _, _) => client.read_mysql_database(id, cancel).await?,
            (None, Some(account_id), Some(name)) => {
                find_by_name(client, account_id, name, cancel).await?
            }
            _ => None,
        };
        Ok(db.map(|db| state_from(&db, key)))
    }

    /// Only `password_version` (with `password`) and timeouts change in place.
    async fn send_update(
        &self,
        client: &Client,
        prior: &Database,
        planned: &Database,
        config: &Database,
        cancel: &CancellationToken,
    ) -> Result<(), client::Error> {
        // A pending create: nothing to change until its job finishes.
        let Some(id) = prior.id.as_str() else {
            return Ok(());
        };
        if planned.password_version == prior.password_version {
            return Ok(());
        }
        let Some(password) = config.password.as_str() else {
            return Err(client::Error::Invalid(missing_password_detail(true)));
        };
        // The database's own user bears the database's name.
        client
            .set_mysql_user_password(id, id, &Secret::new(password), cancel)
            .await?;
        hclog::info(
            LOG,
            "password of the database's own user set",
            &[("id", json!(id))],
        );
        Ok(())
    }

    /// A pending database was never made: there is nothing to delete.
    fn forgotten(&self, prior: &Database) -> Option<Diagnostics> {
        if prior.id.as_str().is_some() {
            return None;
        }
        let name = prior.name.as_str().unwrap_or("(unknown)");
        Some(
            Diagnostic::warning(
                format!("The creation of database \"{name}\" had not finished"),
                format!(
                    "Provisioning job {} had not finished, so there was no database to delete \
                     and it was removed from the Terraform state. If the job still completes, \
                     the database exists at Combell: import it (terraform import) or delete it \
                     in the Combell control panel.",
                    prior.provisioning_job_id.as_str().unwrap_or("unknown")
                ),
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Database,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        let id = prior.id.as_str().unwrap_or_default();
        client.delete_mysql_database(id, cancel).await?;
        hclog::info(LOG, "database deleted", &[("id", json!(id))]);
        Ok(Diagnostics::default())
    }

    fn check_import(&self, parts: &[String]) -> Result<(), String> {
        parse_import_id(&parts[0]).map(|_| ())
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// Waits for the job, logging progress at info level, then reads the database it created.
async fn wait_for_database(
    client: &Client,
    job_id: &str,
    name: &str,
    limit: Duration,
    cancel: &CancellationToken,
) -> Result<MysqlDatabase, WaitError> {
    let job = Provisioning {
        module: LOG,
        what: "database",
        subject: ("name", name),
        job_id,
    };
    let outcome = job.wait(client, limit, cancel).await?;
    let Some(real_name) = outcome.resource_id() else {
        return Err(WaitError::Vanished(format!(
            "Provisioning job {job_id} finished but named no database. Check the Combell \
             control panel and import the database (its name starts with ID and the account \
             id) if it exists."
        )));
    };
    job.provisioned(json!(real_name));
    // The database exists from here on: the read is not cut short by Ctrl-C, so its name
    // reaches the state.
    client
        .get_mysql_database(&real_name, &CancellationToken::new())
        .await
        .map_err(WaitError::Unfinished)
}

/// The database of `account_id` that was submitted as `name` (the natural key: Combell adds
/// the account prefix), if it exists.
async fn find_by_name(
    client: &Client,
    account_id: i64,
    name: &str,
    cancel: &CancellationToken,
) -> Result<Option<MysqlDatabase>, client::Error> {
    let databases = client.list_mysql_databases(cancel).await?;
    Ok(databases.into_iter().find(|db| {
        db.account_id == account_id
            && submitted_name(&db.name, account_id).is_some_and(|n| n.eq_ignore_ascii_case(name))
    }))
}

/// The submitted name inside a real one: `ID1001_shop` on account 1001 gives `shop`.
pub(crate) fn submitted_name(real_name: &str, account_id: i64) -> Option<&str> {
    let prefix = format!("ID{account_id}_");
    let head = real_name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(&prefix)
        .then(|| &real_name[prefix.len()..])
        .filter(|rest| !rest.is_empty())
}

tfplugin::model! {
    /// The `timeouts` block of `combell_mysql_database`.
    pub(crate) struct DatabaseTimeouts {
        create: String,
    }
}

tfplugin::model! {
    /// The state (and configuration) of `combell_mysql_database`. Numbers the configuration
    /// sets are `Number`, so that validation reports a fraction in its own words.
    pub(crate) struct Database {
        id: String,
        account_id: Number,
        name: String,
        password: String,
        password_version: Number,
        hostname: String,
        max_size: i64,
        actual_size: i64,
        user_count: i64,
        provisioning_job_id: String,
        timeouts: DatabaseTimeouts,
    }
}

/// The one mapping API → state, used by create, read, update, import, the list and the data
/// source. What only the configuration knows (password version, job id, timeouts) comes from
/// `prior`.
pub(crate) fn state_from(db: &MysqlDatabase, prior: &Database) -> Database {
    let name = submitted_name(&db.name, db.account_id)
        .map(str::to_string)
        .or_else(|| prior.name.as_str().map(str::to_string))
        .unwrap_or_else(|| db.name.clone());
    Database {
        id: db.name.clone().into(),
        account_id: Number::Int(db.account_id).into(),
        name: name.into(),
        hostname: db.hostname.clone().into(),
        max_size: db.max_size.into(),
        actual_size: db.actual_size.into(),
        user_count: db.user_count.into(),
        ..known(prior)
    }
}

/// `value` with unknowns as null and without the (write-only) password: a state's shape.
fn known(value: &Database) -> Database {
    Database {
        id: unknown_as_null(&value.id),
        account_id: unknown_as_null(&value.account_id),
        name: unknown_as_null(&value.name),
        password: Field::Null,
        password_version: unknown_as_null(&value.password_version),
        hostname: unknown_as_null(&value.hostname),
        max_size: unknown_as_null(&value.max_size),
        actual_size: unknown_as_null(&value.actual_size),
        user_count: unknown_as_null(&value.user_count),
        provisioning_job_id: unknown_as_null(&value.provisioning_job_id),
        timeouts: unknown_as_null(&value.timeouts),
    }
}

/// What is stored when the job was started but not seen to finish (Terraform taints it).
fn pending_state(planned: &Database, job_id: &str) -> Database {
    Database {
        provisioning_job_id: job_id.to_string().into(),
        ..known(planned)
    }
}

/// Why a wait ended early, and what happens next.
const UNFINISHED: Unfinished = Unfinished {
    object: "Database",
    after_create: "The database is kept in the state (tainted) together with its provisioning \
                   job, so it is not orphaned: the next plan or apply waits for that job (up to \
                   timeouts.create) and then replaces the tainted database. Raise \
                   timeouts.create if provisioning regularly takes longer.",
    after_read: "The state still records the job, so nothing is lost: run plan or apply again \
                 once the job has finished; the database it creates is then used.",
    says_stop: true,
};

fn missing_password_detail(new_version: bool) -> String {
    if new_version {
        "password_version changed, but no password is set: set password to the new password \
         of the database's own user."
            .into()
    } else {
        "Combell needs the password of the database's own user to create the database: set \
         password (and password_version, so that later changes are noticed)."
            .into()
    }
}

/// A database's real name as Combell makes it: `ID<account>_<name>`, letters, digits and
/// underscores (the prefix, at most 14 characters of name; 64 is MySQL's limit).
pub(crate) fn is_real_name(name: &str) -> bool {
    (4..=64).contains(&name.len())
        && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("ID"))
        && name.contains('_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn parse_import_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    if is_real_name(id) {
        Ok(id.to_string())
    } else {
        Err(format!(
            "Expected the database's real name with its account prefix, such as \
             \"ID1001_shop\"; got \"{id}\". data.combell_mysql_databases or GET \
             /v2/mysqldatabases lists the names."
        ))
    }
}

/// Every plan-time problem as (attribute, summary, detail); unknown values are not judged.
fn validate_config(config: &Database) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    if let Some(name) = config.name.as_str() {
        if let Err(detail) = check_name(name) {
            problems.push(("name", "Invalid database name".into(), detail));
        }
    }
    if let Some(n) = config.account_id.get() {
        if let Err(detail) = rules::positive_id(
            &Value::Number(n),
            "account_id",
            " (data.combell_accounts lists the ids)",
        ) {
            problems.push(("account_id", "Invalid account id".into(), detail));
        }
    }
    if let Some(password) = config.password.as_str() {
        for detail in password_problems(password) {
            problems.push(("password", "Invalid database password".into(), detail));
        }
    }
    problems
}

/// A name as submitted: Combell prefixes it, so it is short and plain.
fn check_name(name: &str) -> Result<(), String> {
    let length = name.chars().count();
    if !(1..=MAX_NAME).contains(&length) {
        return Err(format!(
            "The name must be 1 to {MAX_NAME} characters long (Combell adds the \"ID<account>_\" \
             prefix itself); it has {length}."
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(format!(
            "\"{name}\" may only hold lower-case letters, digits and underscores."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Ctx, Model, Resource};

    fn db() -> MysqlDatabase {
        MysqlDatabase {
            name: "ID1001_shop".into(),
            hostname: "ID1001_shop.db.webhosting.be".into(),
            account_id: 1001,
            max_size: 1024,
            actual_size: 3,
            user_count: 1,
        }
    }

    fn config(change: impl FnOnce(&mut Database)) -> Database {
        let mut v = Database {
            account_id: Number::Int(1001).into(),
            name: text("shop"),
            ..Default::default()
        };
        change(&mut v);
        v
    }

    fn text(s: &str) -> Field<String> {
        s.to_string().into()
    }

    fn version(n: i64) -> Field<Number> {
        Number::Int(n).into()
    }

    fn attributes_with_problems(cfg: &Database) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn mapping_fills_every_api_attribute_and_keeps_what_only_config_knows() {
        let mut planned = config(|c| {
            c.password_version = version(2);
            c.timeouts = DatabaseTimeouts {
                create: text("20m"),
            }
            .into();
        });
        planned.id = Field::Unknown;
        planned.hostname = Field::Unknown;
        planned.max_size = Field::Unknown;
        planned.actual_size = Field::Unknown;
        planned.user_count = Field::Unknown;
        let state = state_from(&db(), &pending_state(&planned, "job-1"));
        assert_eq!(state.id.as_str(), Some("ID1001_shop"));
        assert_eq!(state.name.as_str(), Some("shop"));
        assert_eq!(
            state.hostname.as_str(),
            Some("ID1001_shop.db.webhosting.be")
        );
        assert_eq!(state.max_size.get(), Some(1024));
        assert_eq!(state.user_count.get(), Some(1));
        assert_eq!(state.password_version, version(2));
        assert_eq!(state.provisioning_job_id.as_str(), Some("job-1"));
        assert!(state.encode().is_wholly_known());
        // Import: the same mapping from an empty state derives the submitted name.
        let imported = state_from(&db(), &Database::default());
        assert_eq!(imported.name.as_str(), Some("shop"));
        assert_eq!(imported.account_id, version(1001));
        assert!(imported.provisioning_job_id.is_null());
    }

    #[test]
    fn submitted_names() {
        assert_eq!(submitted_name("ID1001_shop", 1001), Some("shop"));
        assert_eq!(submitted_name("id1001_a_b", 1001), Some("a_b"));
        assert_eq!(submitted_name("ID1002_shop", 1001), None);
        assert_eq!(submitted_name("ID1001_", 1001), None);
        assert_eq!(submitted_name("shop", 1001), None);
        assert_eq!(submitted_name("ID1001_ä", 1001), Some("ä"));
    }

    #[test]
    fn a_pending_state_is_wholly_known_with_a_null_id() {
        let mut planned = config(|c| c.password = text("Secret123"));
        planned.id = Field::Unknown;
        let state = pending_state(&planned, "job-9");
        assert!(state.encode().is_wholly_known());
        assert!(state.id.is_null());
        assert!(state.password.is_null());
    }

    #[test]
    fn name_rules() {
        for good in ["shop", "a", "shop_2024", "abcdefghijklmn"] {
            assert!(
                attributes_with_problems(&config(|c| c.name = text(good))).is_empty(),
                "{good}"
            );
        }
        for bad in [
            "",
            "abcdefghijklmno",
            "Shop",
            "my-shop",
            "my shop",
            "winkelé",
        ] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.name = text(bad))),
                ["name"],
                "{bad}"
            );
        }
    }

    #[test]
    fn account_id_rules() {
        for bad in [Number::Int(0), Number::Int(-1), Number::Float(1.5)] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.account_id = bad.into())),
                ["account_id"]
            );
        }
    }

    #[test]
    fn every_password_rule_is_reported_on_the_password() {
        assert!(attributes_with_problems(&config(|c| c.password = text("Secret123"))).is_empty());
        for (password, count) in [
            ("abc12", 1),
            ("a1234567890123456789x", 1),
            ("abcdefgh", 1),
            ("12345678", 1),
            ("abc def12", 1),
            ("abcdef12$", 1),
            ("abcdef12\\", 1),
        ] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.password = text(password))),
                vec!["password"; count],
                "{password}"
            );
        }
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let cfg = config(|c| {
            c.name = Field::Unknown;
            c.account_id = Field::Unknown;
            c.password = Field::Unknown;
        });
        assert!(attributes_with_problems(&cfg).is_empty());
    }

    #[test]
    fn import_ids() {
        assert_eq!(parse_import_id(" ID1001_shop "), Ok("ID1001_shop".into()));
        for bad in ["", "shop", "ID", "ID1001", "ID1001/shop", "../x"] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    /// `prior: None` plans a create.
    fn plan(prior: Option<Database>, cfg: Database) -> PlanResponse {
        let old = prior.clone().unwrap_or_default();
        let proposed = Database {
            id: old.id,
            hostname: old.hostname,
            max_size: old.max_size,
            actual_size: old.actual_size,
            user_count: old.user_count,
            provisioning_job_id: old.provisioning_job_id,
            ..cfg.clone()
        };
        block_on(RESOURCE.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior: prior.map_or(Value::Null, |p| p.encode()),
                proposed: proposed.encode(),
                config: cfg.encode(),
                prior_private: Vec::new(),
            },
        ))
    }

    #[test]
    fn plans_need_a_password_to_create_and_for_a_new_version() {
        let p = plan(None, config(|_| {}));
        assert!(p.diagnostics.has_errors());
        let p = plan(None, config(|c| c.password = text("Secret123")));
        assert!(!p.diagnostics.has_errors());
        assert!(Database::decode_complete(&p.planned)
            .unwrap()
            .password
            .is_null());
        let stored = Some(state_from(
            &db(),
            &config(|c| c.password_version = version(1)),
        ));
        let p = plan(stored.clone(), config(|c| c.password_version = version(1)));
        assert!(p.diagnostics.is_empty());
        assert!(p.requires_replace.is_empty());
        let p = plan(stored.clone(), config(|c| c.password_version = version(2)));
        assert!(p.diagnostics.has_errors());
        let p = plan(
            stored.clone(),
            config(|c| {
                c.password_version = version(2);
                c.password = text("Other1234");
            }),
        );
        assert!(!p.diagnostics.has_errors());
        assert!(p.requires_replace.is_empty());
        let p = plan(
            stored,
            config(|c| {
                c.name = text("other");
                c.password = text("Other1234");
            }),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("name")]);
    }

    #[test]
    fn import_gives_the_id_for_read_to_fill_in() {
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), "ID1001_shop"));
        let state = Database::decode_complete(&result.state.unwrap()).unwrap();
        assert_eq!(state.id.as_str(), Some("ID1001_shop"));
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), "shop"));
        assert!(result.diagnostics.has_errors());
    }

    #[test]
    fn schema_keeps_the_password_write_only() {
        let s = schema();
        let password = s.attribute("password").unwrap();
        assert!(password.write_only && password.sensitive);
        assert!(s.block.blocks.iter().any(|b| b.type_name == "timeouts"));
    }
}
