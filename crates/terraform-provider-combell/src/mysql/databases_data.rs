//! `combell_mysql_databases`: the MySQL databases the API key can see, optionally only those of
//! one account. `GET /v2/mysqldatabases` has no filter, so the account filter is applied here.

use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::mysql::database::{database_values, submitted_name};
use combell_api::MysqlDatabase;
use tfplugin::{
    Attribute, AttributePath, Ctx, DataSource, Diagnostics, Nesting, ReadResult, Schema, Value,
};

pub struct MysqlDatabasesDataSource;

const TYPE_NAME: &str = "combell_mysql_databases";

#[async_trait]
impl DataSource for MysqlDatabasesDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /mysqldatabases"]
    }

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

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if let Some(n) = config.get_known("account_id") {
            if let Err(detail) = crate::core::rules::positive_id(
                n,
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
        diags
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_mysql_databases(ctx.stopping()).await {
            Ok(databases) => ReadResult::ok(state_from(config, &databases)),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}

fn state_from(config: &Value, databases: &[MysqlDatabase]) -> Value {
    let account = config.get_i64("account_id");
    let list = databases
        .iter()
        .filter(|db| account.is_none_or(|id| db.account_id == id))
        .map(|db| {
            let name = submitted_name(&db.name, db.account_id).unwrap_or(&db.name);
            Value::object(
                [
                    ("id", db.name.clone().into()),
                    ("name", name.to_string().into()),
                ]
                .into_iter()
                .chain(database_values(db)),
            )
        })
        .collect();
    Value::object([
        ("id", "mysql_databases".into()),
        (
            "account_id",
            config.get("account_id").cloned().unwrap_or_default(),
        ),
        ("databases", Value::List(list)),
    ])
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
        let all = state_from(&Value::object([("account_id", Value::Null)]), &dbs);
        assert_eq!(all.get_list("databases").len(), 2);
        let one = state_from(&Value::object([("account_id", 1002i64.into())]), &dbs);
        let list = one.get_list("databases");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].get_str("id"), Some("ID1002_blog"));
        assert_eq!(list[0].get_str("name"), Some("blog"));
        assert_eq!(list[0].get_i64("account_id"), Some(1002));
    }
}
