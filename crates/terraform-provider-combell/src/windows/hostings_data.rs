//! `combell_windows_hostings`: every Windows hosting the API key can see
//! (`GET /v2/windowshostings`, all pages). Windows hostings are read-only in Combell's API;
//! `combell_windows_hosting` reads one in detail.

use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::linux::common::HostingList;
use combell_api::WindowsHosting;
use tfplugin::{Attribute, Ctx, DataSource, Model, Nesting, ReadResult, Schema, Value};

pub struct WindowsHostingsDataSource;

const TYPE_NAME: &str = "combell_windows_hostings";

#[async_trait]
impl DataSource for WindowsHostingsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /windowshostings"]
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        HostingList::attribute_names()
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `windows_hostings`; present because Terraform expects an id."),
            Attribute::nested(
                "hostings",
                Nesting::List,
                vec![
                    Attribute::string("domain_name")
                        .computed()
                        .description("The hosting's domain name, such as `example.com`."),
                    Attribute::number("servicepack_id")
                        .computed()
                        .description("Id of the hosting's servicepack."),
                ],
            )
            .computed()
            .description("The Windows hostings, sorted by domain name."),
        ])
        .description(
            "Lists the Windows hostings the API key can see. Combell's API can only read \
             Windows hostings; they come with an account whose servicepack includes one.",
        )
    }

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_windows_hostings(ctx.stopping()).await {
            Ok(list) => ReadResult::ok(state_from(list).encode()),
            Err(err) => ReadResult::error(api_error(format!("Unable to read {TYPE_NAME}"), &err)),
        }
    }
}

fn state_from(list: Vec<WindowsHosting>) -> HostingList {
    HostingList::new(
        "windows_hostings",
        list.into_iter().map(|h| (h.domain_name, h.servicepack_id)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_domain() {
        let state = state_from(vec![
            WindowsHosting {
                domain_name: "b.be".into(),
                servicepack_id: 14,
            },
            WindowsHosting {
                domain_name: "A.be".into(),
                servicepack_id: 14,
            },
        ]);
        let list = state.hostings.items();
        assert_eq!(list[0].domain_name.as_str(), Some("a.be"));
        assert_eq!(list[1].servicepack_id.get(), Some(14));
        assert!(state.encode().is_wholly_known());
    }
}
