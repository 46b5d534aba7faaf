//! `combell_windows_hostings`: every Windows hosting the API key can see
//! (`GET /v2/windowshostings`, all pages). Windows hostings are read-only in Combell's API;
//! `combell_windows_hosting` reads one in detail.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use crate::core::hostings::{hostings_schema, HostingList};
use combell_api::{CancellationToken, Client, WindowsHosting};
use tfplugin::Schema;

pub struct WindowsHostingsDataSource;

#[async_trait]
impl Reader for WindowsHostingsDataSource {
    type Model = HostingList;
    const TYPE_NAME: &'static str = "combell_windows_hostings";
    const API_OPERATIONS: &'static [&'static str] = &["GET /windowshostings"];

    fn schema(&self) -> Schema {
        hostings_schema(
            "windows_hostings",
            "Windows",
            "Lists the Windows hostings the API key can see. Combell's API can only read \
             Windows hostings; they come with an account whose servicepack includes one.",
        )
    }

    async fn read(
        &self,
        client: &Client,
        _config: HostingList,
        cancel: &CancellationToken,
    ) -> Result<HostingList, Failure> {
        Ok(state_from(client.list_windows_hostings(cancel).await?))
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
    use tfplugin::Model;

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
