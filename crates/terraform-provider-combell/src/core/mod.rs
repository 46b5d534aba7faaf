//! What every Terraform type of the provider shares, so that no type re-writes it: creating
//! once ([`reconcile`]: a create whose answer is lost is looked up by its natural key, never
//! sent twice), waiting for provisioning jobs ([`jobs`], within the `timeouts` block of
//! [`timeouts`]), the validation rules of values Combell accepts ([`rules`]), listing for
//! `terraform query` ([`list`]), the one create/read/update/delete/import path of a managed type
//! ([`managed`]), the one read path of a data source ([`data`]), and the one way an API error
//! becomes a diagnostic.

pub mod data;
pub mod fields;
pub mod flow;
pub mod hostings;
pub mod ids;
pub mod jobs;
pub mod list;
pub mod managed;
pub mod purchase;
pub mod reconcile;
pub mod rules;
pub mod settings;
pub mod timeouts;

use std::sync::Arc;

use combell_api::{self as client, Client};
use tfplugin::{Ctx, Diagnostic};

/// The one way an API error becomes a diagnostic: `summary` says what failed ("Unable to
/// create combell_dns_record"), the detail says what Combell answered and what to do.
pub fn api_error(summary: impl Into<String>, err: &client::Error) -> Diagnostic {
    let mut detail = err.to_string();
    if err.is_cancelled() {
        detail.push_str(
            "\n\nTerraform asked the provider to stop (for example after Ctrl-C) before the \
             operation finished.",
        );
    }
    Diagnostic::error(summary, detail)
}

/// The configured client, or the diagnostic explaining why there is none.
pub fn client(ctx: &Ctx) -> Result<Arc<Client>, Diagnostic> {
    ctx.require::<Client>()
}
