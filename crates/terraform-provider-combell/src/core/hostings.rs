//! The lists of hostings that the Linux and the Windows areas read alike
//! (`combell_linux_hostings`, `combell_windows_hostings`): one model and one schema.

use tfplugin::{model, Attribute, Nesting, Schema};

model! {
    /// The state of `combell_linux_hostings` and `combell_windows_hostings`.
    pub struct HostingList {
        id: String,
        hostings: Vec<HostingItem>,
    }
}

model! {
    /// One hosting of a [`HostingList`].
    pub struct HostingItem {
        domain_name: String,
        servicepack_id: i64,
    }
}

impl HostingList {
    /// The list with the id `id`, of `(domain name, servicepack id)` pairs: domain names in
    /// lower case, sorted.
    pub(crate) fn new(id: &str, hostings: impl IntoIterator<Item = (String, i64)>) -> Self {
        let mut items: Vec<HostingItem> = hostings
            .into_iter()
            .map(|(domain, servicepack)| HostingItem {
                domain_name: domain.to_ascii_lowercase().into(),
                servicepack_id: servicepack.into(),
            })
            .collect();
        items.sort_by(|a, b| a.domain_name.as_str().cmp(&b.domain_name.as_str()));
        HostingList {
            id: id.to_string().into(),
            hostings: items.into(),
        }
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
