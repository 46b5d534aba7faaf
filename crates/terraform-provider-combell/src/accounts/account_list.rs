//! List resource `combell_account`: the Combell accounts (`GET /accounts`), optionally for
//! one identifier or servicepack. Each full object (with its addons) is read with
//! `GET /accounts/{accountId}` when Terraform asks for it.

use async_trait::async_trait;
use combell_api::{AccountFilter, Client};
use tfplugin::{model, Attribute, AttributePath, Diagnostics, Model, Number, Resource, Value};

use crate::accounts::account;
use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::core::rules;

pub struct AccountList;

model! {
    /// The configuration of the `combell_account` list. `servicepack_id` is a [`Number`] so
    /// that validation names a fractional one in its own words.
    pub struct AccountListConfig {
        identifier: String,
        servicepack_id: Number,
    }
}

#[async_trait]
impl Lister for AccountList {
    fn resource(&self) -> &'static dyn Resource {
        &account::RESOURCE
    }
    const DESCRIPTION: &'static str = "Lists the Combell accounts, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[];
    const API_OPERATIONS: &'static [&'static str] = &["GET /accounts", "GET /accounts/{accountId}"];
    fn own_filters(&self) -> Vec<Attribute> {
        vec![
            Attribute::string("identifier").optional().description(
                "Only the account with this identifier (domain name), such as `example.com`. \
                 Left out, every account.",
            ),
            Attribute::number("servicepack_id").optional().description(
                "Only accounts of this servicepack; `data.combell_servicepacks` lists them. Left \
                 out, every servicepack.",
            ),
        ]
    }
    fn check(&self, config: &Value) -> Diagnostics {
        let config = match AccountListConfig::decode(config) {
            Ok(config) => config,
            Err(d) => return d,
        };
        let mut diags = Diagnostics::default();
        if let Some(n) = config.servicepack_id.get() {
            if let Err(detail) = rules::positive_id(
                &Value::Number(n),
                "servicepack_id",
                " (data.combell_servicepacks lists the ids)",
            ) {
                diags.error_at(
                    AttributePath::new("servicepack_id"),
                    "Invalid servicepack id",
                    detail,
                );
            }
        }
        diags
    }
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let config: AccountListConfig = filters.own()?;
        let identifier = config
            .identifier
            .as_str()
            .map(|i| i.trim().to_ascii_lowercase());
        let servicepack = config.servicepack_id.get().and_then(Number::as_i64);
        let filter = AccountFilter {
            identifier: identifier.clone(),
            ..AccountFilter::default()
        };
        let mut accounts = client.list_accounts(&filter, found.stopping()).await?;
        accounts.retain(|a| {
            identifier
                .as_deref()
                .is_none_or(|i| a.identifier.eq_ignore_ascii_case(i))
                && servicepack.is_none_or(|s| a.servicepack_id == s)
        });
        accounts.sort_by_key(|a| a.id);
        let objects = accounts
            .into_iter()
            .map(|a| (a.id.to_string(), format!("{} ({})", a.identifier, a.id)));
        found.send_all(objects).await?;
        Ok(())
    }
}
