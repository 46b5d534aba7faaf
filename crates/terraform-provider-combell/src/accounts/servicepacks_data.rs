//! `combell_servicepacks`: the servicepacks (products) the reseller can create accounts from.
//! Their ids are what `combell_account` takes as `servicepack_id`.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use combell_api::Servicepack;
use tfplugin::{model, Attribute, Nesting, Schema};

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
impl Reader for ServicepacksDataSource {
    type Model = Servicepacks;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /servicepacks"];

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

    async fn read(
        &self,
        client: &Client,
        _config: Servicepacks,
        cancel: &CancellationToken,
    ) -> Result<Servicepacks, Failure> {
        Ok(state_from(&client.list_servicepacks(cancel).await?))
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
