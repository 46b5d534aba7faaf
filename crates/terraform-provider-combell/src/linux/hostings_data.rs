//! `combell_linux_hostings`: every Linux hosting of the account (`GET /v2/linuxhostings`, all
//! pages), sorted by domain name. `combell_linux_hosting` reads one in detail.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use crate::linux::common::HostingList;
use combell_api::{CancellationToken, Client, LinuxHosting};
use tfplugin::{Attribute, Nesting, Schema};

pub struct LinuxHostingsDataSource;

#[async_trait]
impl Reader for LinuxHostingsDataSource {
    type Model = HostingList;
    const TYPE_NAME: &'static str = "combell_linux_hostings";
    const API_OPERATIONS: &'static [&'static str] = &["GET /linuxhostings"];

    fn schema(&self) -> Schema {
        hostings_schema(
            "linuxhostings",
            "Linux",
            "Lists the Linux hostings of the Combell account.",
        )
    }

    async fn read(
        &self,
        client: &Client,
        _config: HostingList,
        cancel: &CancellationToken,
    ) -> Result<HostingList, Failure> {
        Ok(state_from(client.list_linux_hostings(cancel).await?))
    }
}

/// The schema of a list of hostings of one kind (`Linux`, `Windows`), whose constant id is
/// `id`.
pub(crate) fn hostings_schema(id: &str, kind: &str, description: &str) -> Schema {
    Schema::new(vec![
        Attribute::string("id").computed().description(&format!(
            "Always `{id}`; present because Terraform expects an id."
        )),
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
        .description(&format!("The {kind} hostings, sorted by domain name.")),
    ])
    .description(description)
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
    use tfplugin::Model;

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
