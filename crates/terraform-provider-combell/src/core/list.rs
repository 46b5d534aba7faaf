//! What the list resources for `terraform query` (Terraform 1.14+) share. Each list resource
//! (`<area>/<name>_list.rs`, e.g. `dns/record_list.rs` lists `combell_dns_record`) sends, per object
//! found, a display name and a state: the full state when the listing call already returns
//! everything the resource's read would (DNS records, MySQL databases), else what import
//! produces, which the framework completes through the resource's read when Terraform asks
//! for the objects (`include_resource = true`, and always for `-generate-config-out`).

use tfplugin::{Ctx, Diagnostic, ListItem, ListSink, Resource};

/// Sends the partial (import) state of each object, named by its import ID, with its display
/// name; stops when Terraform has enough.
pub(crate) async fn send_imported(
    resource: &dyn Resource,
    ctx: &Ctx,
    out: &ListSink,
    objects: impl IntoIterator<Item = (String, String)>,
) -> Result<(), Diagnostic> {
    for (import_id, display_name) in objects {
        let imported = resource.import(ctx, &import_id).await;
        let Some(state) = imported.state else {
            let detail = imported
                .diagnostics
                .iter()
                .map(|d| d.detail.clone())
                .collect::<Vec<_>>()
                .join(" ");
            return Err(Diagnostic::error(
                format!("Unable to list {}", resource.type_name()),
                format!(
                    "Combell listed {display_name:?}, which this provider cannot name: {detail} \
                     This is a bug in the provider, please report it."
                ),
            ));
        };
        let item = ListItem {
            display_name,
            state,
            complete: false,
        };
        if !out.send(item).await {
            break;
        }
    }
    Ok(())
}
