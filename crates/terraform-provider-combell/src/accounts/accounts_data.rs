//! `combell_accounts`: the accounts the API key can see, with the filters `GET /v2/accounts`
//! offers (`identifier`, `asset_type`).

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::{Account, AccountFilter, AssetType};
use tfplugin::{
    Attribute, AttributePath, Ctx, DataSource, Diagnostics, Nesting, ReadResult, Schema, Value,
};

pub struct AccountsDataSource;

const TYPE_NAME: &str = "combell_accounts";

const ASSET_TYPES: &str =
    "`domain`, `linux_hosting`, `mysql`, `dns`, `mailbox` or `windows_hosting`";

#[async_trait]
impl DataSource for AccountsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /accounts"]
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `accounts`; present because Terraform expects an id."),
            Attribute::string("identifier").optional().description(
                "Only the account with this identifier (domain name), such as `example.com`.",
            ),
            Attribute::string("asset_type")
                .optional()
                .description(&format!(
                    "Only accounts that have an asset of this type: {ASSET_TYPES}."
                )),
            Attribute::nested(
                "accounts",
                Nesting::List,
                vec![
                    Attribute::string("id")
                        .computed()
                        .description("Combell's numeric id of the account, such as `1001`."),
                    Attribute::string("identifier")
                        .computed()
                        .description("The account's identifier (its domain name)."),
                    Attribute::number("servicepack_id")
                        .computed()
                        .description("Id of the account's servicepack."),
                ],
            )
            .computed()
            .description("The matching accounts, in the order Combell lists them."),
        ])
        .description(
            "Lists the Combell accounts the API key can see, optionally filtered by identifier \
             or by asset type.",
        )
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if let Some(text) = config.get_str("asset_type") {
            if text.parse::<AssetType>().is_err() {
                diags.error_at(
                    AttributePath::new("asset_type"),
                    "Invalid asset type",
                    format!("\"{text}\" is not an asset type; use {ASSET_TYPES}."),
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
        let filter = AccountFilter {
            identifier: config.get_str("identifier").map(str::to_string),
            asset_type: config
                .get_str("asset_type")
                .and_then(|t| t.parse::<AssetType>().ok()),
        };
        match client.list_accounts(&filter, ctx.stopping()).await {
            Ok(accounts) => ReadResult::ok(state_from(config, &accounts, &filter)),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}

fn state_from(config: &Value, accounts: &[Account], filter: &AccountFilter) -> Value {
    let list = accounts
        .iter()
        // "Matching" in the API's words: keep only exact matches, compared without case.
        .filter(|a| {
            filter
                .identifier
                .as_ref()
                .is_none_or(|want| a.identifier.eq_ignore_ascii_case(want))
        })
        .map(|a| {
            Value::object([
                ("id", a.id.to_string().into()),
                ("identifier", a.identifier.clone().into()),
                ("servicepack_id", a.servicepack_id.into()),
            ])
        })
        .collect();
    Value::object([
        ("id", "accounts".into()),
        (
            "identifier",
            config.get("identifier").cloned().unwrap_or_default(),
        ),
        (
            "asset_type",
            config.get("asset_type").cloned().unwrap_or_default(),
        ),
        ("accounts", Value::List(list)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<Account> {
        vec![
            Account {
                id: 1001,
                identifier: "example.com".into(),
                servicepack_id: 12,
            },
            Account {
                id: 1002,
                identifier: "shop.example.com".into(),
                servicepack_id: 11,
            },
        ]
    }

    #[test]
    fn maps_accounts_in_order_keeping_the_filters() {
        let config = Value::object([("identifier", Value::Null), ("asset_type", "dns".into())]);
        let state = state_from(&config, &accounts(), &AccountFilter::default());
        let list = state.get_list("accounts");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].get_str("id"), Some("1001"));
        assert_eq!(list[1].get_i64("servicepack_id"), Some(11));
        assert_eq!(state.get_str("asset_type"), Some("dns"));
    }

    #[test]
    fn identifier_filter_keeps_exact_matches_only() {
        let filter = AccountFilter {
            identifier: Some("Example.com".into()),
            ..AccountFilter::default()
        };
        let config = Value::object([("identifier", "Example.com".into())]);
        let state = state_from(&config, &accounts(), &filter);
        let list = state.get_list("accounts");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].get_str("identifier"), Some("example.com"));
    }

    #[test]
    fn asset_type_is_validated() {
        let ds = AccountsDataSource;
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ctx = Ctx::for_tests(None);
        let bad = Value::object([("asset_type", "ftp".into())]);
        assert!(rt.block_on(ds.validate(&ctx, &bad)).has_errors());
        let good = Value::object([("asset_type", "linux_hosting".into())]);
        assert!(!rt.block_on(ds.validate(&ctx, &good)).has_errors());
    }
}
