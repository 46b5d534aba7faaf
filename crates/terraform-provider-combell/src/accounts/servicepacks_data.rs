//! `combell_servicepacks`: the servicepacks (products) the reseller can create accounts from.
//! Their ids are what `combell_account` takes as `servicepack_id`.

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::Servicepack;
use tfplugin::{Attribute, Ctx, DataSource, Nesting, ReadResult, Schema, Value};

pub struct ServicepacksDataSource;

const TYPE_NAME: &str = "combell_servicepacks";

#[async_trait]
impl DataSource for ServicepacksDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /servicepacks"]
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `servicepacks`; present because Terraform expects an id."),
            Attribute::nested(
                "servicepacks",
                Nesting::List,
                vec![
                    Attribute::number("id")
                        .computed()
                        .description("The servicepack's id, as `servicepack_id` of an account."),
                    Attribute::string("name")
                        .computed()
                        .description("The servicepack's name, as the control panel shows it."),
                ],
            )
            .computed()
            .description("Every servicepack the API key can use, in the order Combell lists them."),
        ])
        .description(
            "Lists the servicepacks (products) available to the reseller. An account is an \
             instance of a servicepack.",
        )
    }

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_servicepacks(ctx.stopping()).await {
            Ok(packs) => ReadResult::ok(state_from(&packs)),
            Err(err) => ReadResult::error(api_error(format!("Unable to read {TYPE_NAME}"), &err)),
        }
    }
}

fn state_from(packs: &[Servicepack]) -> Value {
    Value::object([
        ("id", "servicepacks".into()),
        (
            "servicepacks",
            Value::List(
                packs
                    .iter()
                    .map(|p| Value::object([("id", p.id.into()), ("name", p.name.clone().into())]))
                    .collect(),
            ),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_servicepack_in_order() {
        let packs = vec![
            Servicepack {
                id: 2,
                name: "Pro".into(),
            },
            Servicepack {
                id: 1,
                name: "Basic".into(),
            },
        ];
        let state = state_from(&packs);
        let list = state.get_list("servicepacks");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].get_i64("id"), Some(2));
        assert_eq!(list[1].get_str("name"), Some("Basic"));
    }
}
