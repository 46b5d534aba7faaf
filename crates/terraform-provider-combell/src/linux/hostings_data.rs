//! `combell_linux_hostings`: every Linux hosting of the account (`GET /v2/linuxhostings`, all
//! pages), sorted by domain name. `combell_linux_hosting` reads one in detail.

use async_trait::async_trait;

use crate::core::{api_error, client};
use crate::linux::common::HostingList;
use combell_api::LinuxHosting;
use tfplugin::{Attribute, Ctx, DataSource, Model, Nesting, ReadResult, Schema, Value};

pub struct LinuxHostingsDataSource;

const TYPE_NAME: &str = "combell_linux_hostings";

#[async_trait]
impl DataSource for LinuxHostingsDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /linuxhostings"]
    }

    fn model_attributes(&self) -> Vec<&'static str> {
        HostingList::attribute_names()
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `linuxhostings`; present because Terraform expects an id."),
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
            .description("The Linux hostings, sorted by domain name."),
        ])
        .description("Lists the Linux hostings of the Combell account.")
    }

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_linux_hostings(ctx.stopping()).await {
            Ok(list) => ReadResult::ok(state_from(list).encode()),
            Err(err) => ReadResult::error(api_error(format!("Unable to read {TYPE_NAME}"), &err)),
        }
    }
}

fn state_from(list: Vec<LinuxHosting>) -> HostingList {
    HostingList::new(
        "linuxhostings",
        list.into_iter().map(|h| (h.domain_name, h.servicepack_id)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_domain() {
        let state = state_from(vec![
            LinuxHosting {
                domain_name: "Zeta.be".into(),
                servicepack_id: 12,
            },
            LinuxHosting {
                domain_name: "alpha.be".into(),
                servicepack_id: 13,
            },
        ]);
        let list = state.hostings.items();
        assert_eq!(list[0].domain_name.as_str(), Some("alpha.be"));
        assert_eq!(list[1].domain_name.as_str(), Some("zeta.be"));
        assert!(state.encode().is_wholly_known());
    }
}
