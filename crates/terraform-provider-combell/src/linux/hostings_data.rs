//! `combell_linux_hostings`: every Linux hosting of the account (`GET /v2/linuxhostings`, all
//! pages), sorted by domain name. `combell_linux_hosting` reads one in detail.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use crate::core::hostings::{hostings_schema, HostingList};
use combell_api::{CancellationToken, Client, LinuxHosting};
use tfplugin::Schema;

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
