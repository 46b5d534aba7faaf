//! List resource `combell_account`: the Combell accounts (`GET /accounts`), optionally for
//! one identifier or servicepack. Each full object (with its addons) is read with
//! `GET /accounts/{accountId}` when Terraform asks for it.

use async_trait::async_trait;

use crate::accounts::account;
use crate::core::flow::or_return;
use crate::core::{api_error, client};
use combell_api::AccountFilter;
use tfplugin::{
    decode, model, Attribute, AttributePath, Ctx, Diagnostics, ListRequest, ListResource, ListSink,
    Number, Schema, Value,
};

use crate::core::list::send_imported;

const TYPE_NAME: &str = "combell_account";

pub struct AccountList;

model! {
    /// The configuration of the `combell_account` list. `servicepack_id` is a [`Number`] so
    /// that validation names a fractional one in its own words.
    pub struct AccountListConfig {
        identifier: String,
        servicepack_id: Number,
    }
}

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("identifier").optional().description(
            "Only the account with this identifier (domain name), such as `example.com`. Left \
             out, every account.",
        ),
        Attribute::number("servicepack_id").optional().description(
            "Only accounts of this servicepack; `data.combell_servicepacks` lists them. Left \
             out, every servicepack.",
        ),
    ])
    .description("Lists the Combell accounts, for `terraform query`.")
}

#[async_trait]
impl ListResource for AccountList {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn schema(&self) -> Schema {
        schema()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /accounts", "GET /accounts/{accountId}"]
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(AccountListConfig, config);
        let mut diags = Diagnostics::default();
        if let Some(n) = config.servicepack_id.get() {
            if let Err(detail) = crate::core::rules::positive_id(
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

    async fn list(&self, ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics {
        let summary = format!("Unable to list {TYPE_NAME}");
        let config = decode!(AccountListConfig, &req.config);
        let client = or_return!(client(ctx));
        let identifier = config
            .identifier
            .as_str()
            .map(|i| i.trim().to_ascii_lowercase());
        let servicepack = config.servicepack_id.get().and_then(Number::as_i64);
        let filter = AccountFilter {
            identifier: identifier.clone(),
            ..AccountFilter::default()
        };
        let mut accounts = match client.list_accounts(&filter, ctx.stopping()).await {
            Ok(a) => a,
            Err(err) => return api_error(summary, &err).into(),
        };
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
        match send_imported(&account::RESOURCE, ctx, out, objects).await {
            Ok(()) => Diagnostics::default(),
            Err(d) => d.into(),
        }
    }
}
