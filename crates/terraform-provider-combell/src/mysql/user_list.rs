//! List resource `combell_mysql_user`: the users of the MySQL databases
//! (`GET /mysqldatabases`, every page, then `GET /mysqldatabases/{name}/users` per database),
//! of one database or account, or of all. Each database's own `read_and_write` user is
//! listed too: it can be imported to manage its status and password.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{unless_missing, Filter, Filters, FindResult, Found, Lister};
use crate::mysql::user;

pub struct MysqlUserList;

#[async_trait]
impl Lister for MysqlUserList {
    fn resource(&self) -> &'static dyn Resource {
        &user::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the users of the MySQL databases of the Combell accounts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::AccountId, Filter::DatabaseName];
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /mysqldatabases",
        "GET /mysqldatabases/{databaseName}/users",
    ];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let mut databases: Vec<(String, i64)> = client
            .list_mysql_databases(found.stopping())
            .await?
            .into_iter()
            .filter(|db| filters.account_id.is_none_or(|a| db.account_id == a))
            .filter(|db| {
                filters
                    .database_name
                    .as_deref()
                    .is_none_or(|n| db.name.eq_ignore_ascii_case(n))
            })
            .map(|db| (db.name, db.account_id))
            .collect();
        databases.sort();
        for (database, account) in databases {
            let Some(mut users) =
                unless_missing(client.list_mysql_users(&database, found.stopping()).await)?
            else {
                continue;
            };
            users.sort_by(|a, b| a.name.cmp(&b.name));
            for user in users {
                let shown = format!(
                    "{} on {database} ({}, account {account})",
                    user.name, user.rights
                );
                if !found
                    .send(format!("{database}/{}", user.name), shown)
                    .await?
                {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
