//! MySQL databases and their users. Creating either is asynchronous (202 + provisioning job);
//! the database's real name (`ID<account>_<name>`) comes from the finished job.
//!
//! Every call on one database also sends the `database_name` (and `user_name`) query
//! parameters that the spec marks required beside the path segment.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::cache::InvalidateOnDrop;
use super::transport::Request;
use super::{api_path, api_path_below, null_as_default, Client, Error, JobRef, Secret};

/// The API's `MySqlDatabase`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlDatabase {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub hostname: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub account_id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub actual_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_count: i64,
}

/// The API's `MySqlUser`. `rights` is `read_and_write` or `read_only`; kept as text so that a
/// value Combell adds later reads instead of failing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MysqlUser {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub rights: String,
}

/// `POST /mysqldatabases`. `password` is the one of the database's own user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateMysqlDatabase {
    pub account_id: i64,
    pub database_name: String,
    pub password: Secret,
}

/// `POST /mysqldatabases/{databaseName}/users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateMysqlUser {
    pub name: String,
    pub password: Secret,
}

#[derive(Serialize)]
struct PasswordBody<'a> {
    password: &'a Secret,
}

#[derive(Serialize)]
struct StatusBody {
    enabled: bool,
}

fn database_request(method: Method, database: &str, rest: &[&str]) -> Result<Request, Error> {
    let path = api_path_below("mysqldatabases", database, rest)?;
    Ok(Request::new(method, path).query("database_name", database))
}

fn user_request(
    method: Method,
    database: &str,
    user: &str,
    rest: &[&str],
) -> Result<Request, Error> {
    let mut segments = vec!["users", user];
    segments.extend_from_slice(rest);
    Ok(database_request(method, database, &segments)?.query("user_name", user))
}

impl Client {
    /// `GET /mysqldatabases`, every page.
    pub async fn list_mysql_databases(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<MysqlDatabase>, Error> {
        self.get_every_page("mysqldatabases", cancel).await
    }

    /// `GET /mysqldatabases/{name}`, by the real (prefixed) name.
    pub async fn get_mysql_database(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<MysqlDatabase, Error> {
        self.get_json(database_request(Method::GET, name, &[])?, cancel)
            .await
    }

    /// One database by its real name, read from the reseller's list (one paged call shared by
    /// every read in this process, see [`super::cache`]); `None` when it does not exist. A name
    /// missing from the list is checked with the single GET before it is declared gone.
    pub async fn read_mysql_database(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<MysqlDatabase>, Error> {
        let listed = self
            .caches()
            .mysql_databases
            .get("", || self.list_mysql_databases(cancel))
            .await?;
        if let Some(db) = listed.iter().find(|db| db.name.eq_ignore_ascii_case(name)) {
            return Ok(Some(db.clone()));
        }
        match self.get_mysql_database(name, cancel).await {
            Ok(db) => Ok(Some(db)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// `POST /mysqldatabases`: starts provisioning and returns the job to wait for; the
    /// database's real name is the last segment of the finished job's resource link.
    pub async fn create_mysql_database(
        &self,
        database: &CreateMysqlDatabase,
        cancel: &CancellationToken,
    ) -> Result<JobRef, Error> {
        let _invalidate = InvalidateOnDrop::new(&self.caches().mysql_databases, "");
        let request = Request::new(Method::POST, api_path(&["mysqldatabases"])?).json(database)?;
        self.start_job(request, cancel).await
    }

    /// `DELETE /mysqldatabases/{name}` (204). A database that is already gone gives an error
    /// with `is_not_found()`, which callers deleting treat as success.
    pub async fn delete_mysql_database(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let _invalidate = InvalidateOnDrop::new(&self.caches().mysql_databases, "");
        // The database's users go with it.
        let _users = InvalidateOnDrop::new(&self.caches().mysql_users, name);
        self.send_only(database_request(Method::DELETE, name, &[])?, cancel)
            .await
    }

    /// `GET /mysqldatabases/{name}/users` (not paged).
    pub async fn list_mysql_users(
        &self,
        database: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<MysqlUser>, Error> {
        self.get_list(database_request(Method::GET, database, &["users"])?, cancel)
            .await
    }

    /// The users of a database through the cache (see [`super::cache`]): concurrent reads of
    /// the users of one database share one call.
    pub async fn read_mysql_users(
        &self,
        database: &str,
        cancel: &CancellationToken,
    ) -> Result<std::sync::Arc<Vec<MysqlUser>>, Error> {
        self.caches()
            .mysql_users
            .get(database, || self.list_mysql_users(database, cancel))
            .await
    }

    /// `POST /mysqldatabases/{name}/users`: new users are `read_only`. Returns the job to wait
    /// for, or `None` when Combell answered without one (the spec does not promise a job).
    pub async fn create_mysql_user(
        &self,
        database: &str,
        user: &CreateMysqlUser,
        cancel: &CancellationToken,
    ) -> Result<Option<JobRef>, Error> {
        // user_count changes.
        let _count = InvalidateOnDrop::new(&self.caches().mysql_databases, "");
        let _invalidate = InvalidateOnDrop::new(&self.caches().mysql_users, database);
        let request = database_request(Method::POST, database, &["users"])?.json(user)?;
        self.start_optional_job(request, cancel).await
    }

    /// `DELETE /mysqldatabases/{name}/users/{user}` (204); Combell only deletes `read_only`
    /// users.
    pub async fn delete_mysql_user(
        &self,
        database: &str,
        user: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let _count = InvalidateOnDrop::new(&self.caches().mysql_databases, "");
        let _invalidate = InvalidateOnDrop::new(&self.caches().mysql_users, database);
        self.send_only(user_request(Method::DELETE, database, user, &[])?, cancel)
            .await
    }

    /// `PUT /mysqldatabases/{name}/users/{user}/password` (204).
    pub async fn set_mysql_user_password(
        &self,
        database: &str,
        user: &str,
        password: &Secret,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = user_request(Method::PUT, database, user, &["password"])?
            .json(&PasswordBody { password })?;
        self.send_only(request, cancel).await
    }

    /// `PUT /mysqldatabases/{name}/users/{user}/status` (204).
    pub async fn set_mysql_user_status(
        &self,
        database: &str,
        user: &str,
        enabled: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let _invalidate = InvalidateOnDrop::new(&self.caches().mysql_users, database);
        let request = user_request(Method::PUT, database, user, &["status"])?
            .json(&StatusBody { enabled })?;
        self.send_only(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_has_the_wire_names_and_hides_the_password_in_debug() {
        let create = CreateMysqlDatabase {
            account_id: 1001,
            database_name: "shop".into(),
            password: Secret::new("Passw0rd99"),
        };
        assert_eq!(
            serde_json::to_value(&create).unwrap(),
            serde_json::json!({"account_id":1001,"database_name":"shop","password":"Passw0rd99"})
        );
        assert!(!format!("{create:?}").contains("Passw0rd99"));
    }

    #[test]
    fn reads_tolerantly() {
        let db: MysqlDatabase = serde_json::from_str(
            r#"{"name":"ID1_a","hostname":null,"account_id":1,"max_size":1024,"new":true}"#,
        )
        .unwrap();
        assert_eq!(db.name, "ID1_a");
        assert_eq!(db.hostname, "");
        assert_eq!(db.user_count, 0);
        let user: MysqlUser =
            serde_json::from_str(r#"{"name":"u1","enabled":true,"rights":"read_only"}"#).unwrap();
        assert!(user.enabled);
        assert_eq!(user.rights, "read_only");
    }

    #[test]
    fn requests_carry_the_names_as_path_and_query() {
        let r = user_request(Method::PUT, "ID1_a", "bob", &["password"]).unwrap();
        assert_eq!(r.path, "/mysqldatabases/ID1_a/users/bob/password");
        assert_eq!(
            r.query,
            vec![
                ("database_name".to_string(), "ID1_a".to_string()),
                ("user_name".to_string(), "bob".to_string())
            ]
        );
        assert!(database_request(Method::GET, "..", &[]).is_err());
    }
}
