//! `combell_mysql_databases`: the MySQL databases the API key can see, optionally only those of
//! one account. `GET /v2/mysqldatabases` has no filter, so the account filter is applied here.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::mysql::database::{state_from as database_state, Database};
use combell_api::MysqlDatabase;
use tfplugin::{Attribute, AttributePath, Diagnostics, Nesting, Number, Schema, Value};

pub struct MysqlDatabasesDataSource;

const TYPE_NAME: &str = "combell_mysql_databases";

#[async_trait]
impl Reader for MysqlDatabasesDataSource {
    type Model = DatabasesState;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /mysqldatabases"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `mysql_databases`; present because Terraform expects an id."),
            Attribute::number("account_id")
                .optional()
                .description("Only the databases of the account with this id, such as `1001`."),
            Attribute::nested(
                "databases",
                Nesting::List,
                vec![
                    Attribute::string("id").computed().description(
                        "The database's real name with its account prefix, such as \
                         `ID1001_shop`; the import ID of `combell_mysql_database`.",
                    ),
                    Attribute::string("name").computed().description(
                        "The name without the account prefix, as it was submitted, such as \
                         `shop`.",
                    ),
                    Attribute::number("account_id")
                        .computed()
                        .description("Id of the account that holds the database."),
                    Attribute::string("hostname")
                        .computed()
                        .description("The host to connect to."),
                    Attribute::number("max_size")
                        .computed()
                        .description("The most the database may hold, in MB."),
                    Attribute::number("actual_size")
                        .computed()
                        .description("How much the database holds, in MB."),
                    Attribute::number("user_count")
                        .computed()
                        .description("How many MySQL users the database has."),
                ],
            )
            .computed()
            .description("The matching databases, in the order Combell lists them."),
        ])
        .description(
            "Lists the Combell MySQL databases the API key can see, optionally only those of \
             one account.",
        )
    }

    fn validate(&self, config: &DatabasesState, diags: &mut Diagnostics) {
        if let Some(n) = config.account_id.get() {
            if let Err(detail) = crate::core::rules::positive_id(
                &Value::Number(n),
                "account_id",
                " (data.combell_accounts lists the ids)",
            ) {
                diags.error_at(
                    AttributePath::new("account_id"),
                    "Invalid account id",
                    detail,
                );
            }
        }
    }

    async fn read(
        &self,
        client: &Client,
        config: DatabasesState,
        cancel: &CancellationToken,
    ) -> Result<DatabasesState, Failure> {
        let databases = client.list_mysql_databases(cancel).await?;
        Ok(state_from(&config, &databases))
    }
}

tfplugin::model! {
    struct Entry {
        id: String,
        name: String,
        account_id: Number,
        hostname: String,
        max_size: i64,
        actual_size: i64,
        user_count: i64,
    }
}

tfplugin::model! {
    /// The state of `data.combell_mysql_databases`.
    pub(crate) struct DatabasesState {
        id: String,
        account_id: Number,
        databases: Vec<Entry>,
    }
}

/// Each database through the resource's own mapping (`combell_mysql_database`).
fn state_from(config: &DatabasesState, databases: &[MysqlDatabase]) -> DatabasesState {
    let account = config.account_id.get().and_then(Number::as_i64);
    let list = databases
        .iter()
        .filter(|db| account.is_none_or(|id| db.account_id == id))
        .map(|db| {
            let d = database_state(db, &Database::default());
            Entry {
                id: d.id,
                name: d.name,
                account_id: d.account_id,
                hostname: d.hostname,
                max_size: d.max_size,
                actual_size: d.actual_size,
                user_count: d.user_count,
            }
        })
        .collect::<Vec<_>>();
    DatabasesState {
        id: "mysql_databases".to_string().into(),
        account_id: config.account_id.clone(),
        databases: list.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_account_and_maps_like_the_resource() {
        let dbs = [
            MysqlDatabase {
                name: "ID1001_shop".into(),
                account_id: 1001,
                hostname: "h".into(),
                ..MysqlDatabase::default()
            },
            MysqlDatabase {
                name: "ID1002_blog".into(),
                account_id: 1002,
                ..MysqlDatabase::default()
            },
        ];
        let all = state_from(&DatabasesState::default(), &dbs);
        assert_eq!(all.databases.items().len(), 2);
        let only = DatabasesState {
            account_id: Number::Int(1002).into(),
            ..Default::default()
        };
        let one = state_from(&only, &dbs);
        let list = one.databases.items();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id.as_str(), Some("ID1002_blog"));
        assert_eq!(list[0].name.as_str(), Some("blog"));
        assert_eq!(
            list[0].account_id.get().and_then(Number::as_i64),
            Some(1002)
        );
    }
}
