//! `combell_account`: one existing account, found by its id or by its identifier (exactly one of
//! the two). Its attributes are mapped by the same function as the `combell_account` resource's.

use async_trait::async_trait;

use crate::core::data::{found, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::accounts::account::{account_values, addons_attribute, find_by_identifier, AccountData};
use tfplugin::{Attribute, AttributePath, Diagnostics, Schema};

pub struct AccountDataSource;

const TYPE_NAME: &str = "combell_account";

#[async_trait]
impl Reader for AccountDataSource {
    type Model = AccountData;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /accounts/{accountId}"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id").optional().computed().description(
                "Combell's numeric id of the account, such as `1001`. Give this or `identifier`.",
            ),
            Attribute::string("identifier")
                .optional()
                .computed()
                .description(
                    "The account's identifier (its domain name), such as `example.com`; compared \
                     without case. Give this or `id`.",
                ),
            Attribute::number("servicepack_id")
                .computed()
                .description("Id of the account's servicepack."),
            Attribute::string("servicepack_name")
                .computed()
                .description("Name of the account's servicepack."),
            addons_attribute(),
        ])
        .description(
            "Reads one existing Combell account, by `id` or by `identifier` (exactly one of them).",
        )
    }

    fn validate(&self, config: &AccountData, diags: &mut Diagnostics) {
        if let Err((attribute, detail)) = check_selector(config) {
            diags.error_at(
                AttributePath::new(attribute),
                "Give exactly one of id and identifier",
                detail,
            );
        }
    }

    async fn read(
        &self,
        client: &Client,
        config: AccountData,
        cancel: &CancellationToken,
    ) -> Result<AccountData, Failure> {
        let account_id = match (config.id.as_str(), config.identifier.as_str()) {
            (Some(id), _) => match id.trim().parse::<i64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(Failure::said_at(
                        "id",
                        format!("\"{id}\" is not a Combell account id (a positive whole number)."),
                    ))
                }
            },
            (None, Some(identifier)) => match find_by_identifier(client, identifier, cancel).await?
            {
                Some(account) => account.id,
                None => {
                    return Err(Failure::said(format!(
                        "No Combell account has the identifier \"{identifier}\". \
                         data.combell_accounts lists the accounts the API key can see."
                    )))
                }
            },
            (None, None) => return Err(Failure::said("Give exactly one of id and identifier.")),
        };
        let detail = found(client.get_account(account_id, cancel).await, || {
            Failure::said(format!("Combell has no account with id {account_id}."))
        })?;
        Ok(account_values(&detail))
    }
}

/// Exactly one of `id` and `identifier`; an unknown value counts as given.
fn check_selector(config: &AccountData) -> Result<(), (&'static str, String)> {
    match (!config.id.is_null(), !config.identifier.is_null()) {
        (true, false) | (false, true) => Ok(()),
        (true, true) => Err((
            "identifier",
            "Both id and identifier are set; an account is found by one of them.".into(),
        )),
        (false, false) => Err((
            "id",
            "Set id (such as \"1001\") or identifier (such as \"example.com\") to say which \
             account to read."
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Field;

    fn cfg(id: Field<&str>, identifier: Field<&str>) -> AccountData {
        AccountData {
            id: id.to_owned_field(),
            identifier: identifier.to_owned_field(),
            ..Default::default()
        }
    }

    #[test]
    fn exactly_one_selector() {
        assert!(check_selector(&cfg(Field::Known("1001"), Field::Null)).is_ok());
        assert!(check_selector(&cfg(Field::Null, Field::Known("example.com"))).is_ok());
        assert!(check_selector(&cfg(Field::Unknown, Field::Null)).is_ok());
        assert_eq!(
            check_selector(&cfg(Field::Null, Field::Null))
                .unwrap_err()
                .0,
            "id"
        );
        assert_eq!(
            check_selector(&cfg(Field::Known("1"), Field::Known("example.com")))
                .unwrap_err()
                .0,
            "identifier"
        );
    }
}
