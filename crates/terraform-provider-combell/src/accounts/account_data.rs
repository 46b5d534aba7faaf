//! `combell_account`: one existing account, found by its id or by its identifier (exactly one of
//! the two). Its attributes are mapped by the same function as the `combell_account` resource's.

use async_trait::async_trait;

use crate::accounts::account::{account_values, addons_attribute, find_by_identifier, AccountData};
use crate::core::{api_error, client};
use tfplugin::{
    decode, Attribute, AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, Model, ReadResult,
    Schema, Value,
};

pub struct AccountDataSource;

const TYPE_NAME: &str = "combell_account";

#[async_trait]
impl DataSource for AccountDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /accounts/{accountId}"]
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        AccountData::attribute_names()
    }

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

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(AccountData, config);
        let mut diags = Diagnostics::default();
        if let Err((attribute, detail)) = check_selector(&config) {
            diags.error_at(
                AttributePath::new(attribute),
                "Give exactly one of id and identifier",
                detail,
            );
        }
        diags
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let config = decode!(AccountData, config);
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        let account_id = match (config.id.as_str(), config.identifier.as_str()) {
            (Some(id), _) => match id.trim().parse::<i64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return ReadResult::error(
                        Diagnostic::error(
                            summary,
                            format!(
                                "\"{id}\" is not a Combell account id (a positive whole number)."
                            ),
                        )
                        .at(AttributePath::new("id")),
                    )
                }
            },
            (None, Some(identifier)) => {
                match find_by_identifier(&client, identifier, ctx.stopping()).await {
                    Ok(Some(account)) => account.id,
                    Ok(None) => {
                        return ReadResult::error(Diagnostic::error(
                            summary,
                            format!(
                                "No Combell account has the identifier \"{identifier}\". \
                                 data.combell_accounts lists the accounts the API key can see."
                            ),
                        ))
                    }
                    Err(err) => return ReadResult::error(api_error(summary, &err)),
                }
            }
            (None, None) => {
                return ReadResult::error(Diagnostic::error(
                    summary,
                    "Give exactly one of id and identifier.",
                ))
            }
        };
        match client.get_account(account_id, ctx.stopping()).await {
            Ok(detail) => ReadResult::ok(account_values(&detail).encode()),
            Err(err) if err.is_not_found() => ReadResult::error(Diagnostic::error(
                summary,
                format!("Combell has no account with id {account_id}."),
            )),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
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
