//! `combell_accounts`: the accounts the API key can see, with the filters `GET /v2/accounts`
//! offers (`identifier`, `asset_type`).

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use combell_api::{Account, AccountFilter, AssetType};
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Nesting, Schema};

pub struct AccountsDataSource;

model! {
    /// One account of `combell_accounts`.
    pub struct AccountItem {
        id: String,
        identifier: String,
        servicepack_id: i64,
    }
}

model! {
    /// The configuration and state of `combell_accounts`.
    pub struct Accounts {
        id: String,
        identifier: String,
        asset_type: String,
        accounts: Vec<AccountItem>,
    }
}

const TYPE_NAME: &str = "combell_accounts";

const ASSET_TYPES: &str =
    "`domain`, `linux_hosting`, `mysql`, `dns`, `mailbox` or `windows_hosting`";

#[async_trait]
impl Reader for AccountsDataSource {
    type Model = Accounts;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /accounts"];

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

    fn validate(&self, config: &Accounts, diags: &mut Diagnostics) {
        if let Some(text) = config.asset_type.as_str() {
            if text.parse::<AssetType>().is_err() {
                diags.error_at(
                    AttributePath::new("asset_type"),
                    "Invalid asset type",
                    format!("\"{text}\" is not an asset type; use {ASSET_TYPES}."),
                );
            }
        }
    }

    async fn read(
        &self,
        client: &Client,
        config: Accounts,
        cancel: &CancellationToken,
    ) -> Result<Accounts, Failure> {
        let filter = AccountFilter {
            identifier: config.identifier.known().cloned(),
            asset_type: config
                .asset_type
                .as_str()
                .and_then(|t| t.parse::<AssetType>().ok()),
        };
        let accounts = client.list_accounts(&filter, cancel).await?;
        Ok(state_from(config, &accounts, &filter))
    }
}

fn state_from(config: Accounts, accounts: &[Account], filter: &AccountFilter) -> Accounts {
    let list: Vec<AccountItem> = accounts
        .iter()
        // "Matching" in the API's words: keep only exact matches, compared without case.
        .filter(|a| {
            filter
                .identifier
                .as_ref()
                .is_none_or(|want| a.identifier.eq_ignore_ascii_case(want))
        })
        .map(|a| AccountItem {
            id: a.id.to_string().into(),
            identifier: a.identifier.clone().into(),
            servicepack_id: a.servicepack_id.into(),
        })
        .collect();
    Accounts {
        id: "accounts".to_string().into(),
        accounts: list.into(),
        ..config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Model;

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
        let config = Accounts {
            asset_type: "dns".to_string().into(),
            ..Default::default()
        };
        let state = state_from(config, &accounts(), &AccountFilter::default());
        let list = state.accounts.items();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id.as_str(), Some("1001"));
        assert_eq!(list[1].servicepack_id.get(), Some(11));
        assert_eq!(state.asset_type.as_str(), Some("dns"));
        assert!(state.identifier.is_null());
    }

    #[test]
    fn identifier_filter_keeps_exact_matches_only() {
        let filter = AccountFilter {
            identifier: Some("Example.com".into()),
            ..AccountFilter::default()
        };
        let config = Accounts {
            identifier: "Example.com".to_string().into(),
            ..Default::default()
        };
        let state = state_from(config, &accounts(), &filter);
        let list = state.accounts.items();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].identifier.as_str(), Some("example.com"));
    }

    #[test]
    fn asset_type_is_validated() {
        use crate::core::data::Data;
        use tfplugin::{Ctx, DataSource};
        let ds = Data::new(AccountsDataSource);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ctx = Ctx::for_tests(None);
        let with = |t: &str| {
            Accounts {
                asset_type: t.to_string().into(),
                ..Default::default()
            }
            .encode()
        };
        let bad = with("ftp");
        assert!(rt.block_on(ds.validate(&ctx, &bad)).has_errors());
        let good = with("linux_hosting");
        assert!(!rt.block_on(ds.validate(&ctx, &good)).has_errors());
    }
}
