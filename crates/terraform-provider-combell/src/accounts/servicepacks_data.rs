//! `combell_servicepacks`: the servicepacks (products) the reseller can create accounts from.
//! Their ids are what `combell_account` takes as `servicepack_id`.

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::Servicepack;
use tfplugin::{model, Attribute, Ctx, DataSource, Model, Nesting, ReadResult, Schema, Value};

pub struct ServicepacksDataSource;

model! {
    /// One servicepack of `combell_servicepacks`.
    pub struct ServicepackItem {
        id: i64,
        name: String,
    }
}

model! {
    /// The state of `combell_servicepacks`.
    pub struct Servicepacks {
        id: String,
        servicepacks: Vec<ServicepackItem>,
    }
}

const TYPE_NAME: &str = "combell_servicepacks";

#[async_trait]
impl DataSource for ServicepacksDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /servicepacks"]
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        Servicepacks::attribute_names()
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
            Ok(packs) => ReadResult::ok(state_from(&packs).encode()),
            Err(err) => ReadResult::error(api_error(format!("Unable to read {TYPE_NAME}"), &err)),
        }
    }
}

fn state_from(packs: &[Servicepack]) -> Servicepacks {
    Servicepacks {
        id: "servicepacks".to_string().into(),
        servicepacks: packs
            .iter()
            .map(|p| ServicepackItem {
                id: p.id.into(),
                name: p.name.clone().into(),
            })
            .collect::<Vec<_>>()
            .into(),
    }
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
        let list = state.servicepacks.items();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id.get(), Some(2));
        assert_eq!(list[1].name.as_str(), Some("Basic"));
    }
}
