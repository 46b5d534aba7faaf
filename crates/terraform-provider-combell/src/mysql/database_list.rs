//! List resource `combell_mysql_database`: the MySQL databases of all accounts
//! (`GET /mysqldatabases`), optionally of one account. The listing holds everything the
//! resource reads, so no further call is made per database.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::{Model, Resource};

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::mysql::database::{self, state_from, Database};

pub struct MysqlDatabaseList;

#[async_trait]
impl Lister for MysqlDatabaseList {
    fn resource(&self) -> &'static dyn Resource {
        &database::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the MySQL databases of the Combell accounts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::AccountIdOf("databases")];
    const API_OPERATIONS: &'static [&'static str] = &["GET /mysqldatabases"];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let mut databases = client.list_mysql_databases(found.stopping()).await?;
        databases.retain(|db| filters.account_id.is_none_or(|a| db.account_id == a));
        databases.sort_by(|a, b| a.name.cmp(&b.name));
        for db in databases {
            let shown = format!("{} (account {})", db.name, db.account_id);
            let state = state_from(&db, &Database::default()).encode();
            if !found.send_state(shown, state).await? {
                break;
            }
        }
        Ok(())
    }
}
