//! List resource `combell_mysql_database`: the MySQL databases of all accounts
//! (`GET /mysqldatabases`), optionally of one account. The listing holds everything the
//! resource reads, so no further call is made per database.

use async_trait::async_trait;

use crate::core::flow::or_return;
use crate::core::{api_error, client};
use crate::mysql::database::{state_from, Database};
use tfplugin::{
    decode, Attribute, AttributePath, Ctx, Diagnostics, ListItem, ListRequest, ListResource,
    ListSink, Model, Number, Schema, Value,
};

const TYPE_NAME: &str = "combell_mysql_database";

pub struct MysqlDatabaseList;

tfplugin::model! {
    /// The configuration of the `combell_mysql_database` list.
    struct ListConfig {
        account_id: Number,
    }
}

fn schema() -> Schema {
    Schema::new(vec![Attribute::number("account_id")
        .optional()
        .description(
            "Only the databases of this Combell account, such as `1001`. Left out, those of every \
         account.",
        )])
    .description("Lists the MySQL databases of the Combell accounts, for `terraform query`.")
}

#[async_trait]
impl ListResource for MysqlDatabaseList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /mysqldatabases"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(ListConfig, config);
        let mut diags = Diagnostics::default();
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
        diags
    }

    async fn list(&self, ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics {
        let summary = format!("Unable to list {TYPE_NAME}");
        let config = decode!(ListConfig, &req.config);
        let client = or_return!(client(ctx));
        let account = config.account_id.get().and_then(Number::as_i64);
        let mut databases = match client.list_mysql_databases(ctx.stopping()).await {
            Ok(d) => d,
            Err(err) => return api_error(summary, &err).into(),
        };
        databases.retain(|db| account.is_none_or(|a| db.account_id == a));
        databases.sort_by(|a, b| a.name.cmp(&b.name));
        for db in databases {
            let item = ListItem {
                display_name: format!("{} (account {})", db.name, db.account_id),
                state: state_from(&db, &Database::default()).encode(),
                complete: true,
            };
            if !out.send(item).await {
                break;
            }
        }
        Diagnostics::default()
    }
}
