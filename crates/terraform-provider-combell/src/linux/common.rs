//! What the Linux hosting resources share: the diagnostics for a hosting that does not exist
//! and for a destroy the API cannot carry out, and a check of changed values.

use crate::core::api_error;
use combell_api::{CancellationToken, Client, LinuxHostingDetail};
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Field};

/// The planned value when it is known and differs from the prior one.
pub(crate) fn changed<'a, T: PartialEq>(planned: &'a Field<T>, prior: &Field<T>) -> Option<&'a T> {
    planned.known().filter(|v| prior.known() != Some(*v))
}

/// `GET /linuxhostings/{domain}` with a diagnostic that says what a 404 means here.
pub(crate) async fn hosting(
    client: &Client,
    domain: &str,
    summary: &str,
    cancel: &CancellationToken,
) -> Result<LinuxHostingDetail, Diagnostic> {
    match client.get_linux_hosting(domain, cancel).await {
        Ok(detail) => Ok(detail),
        Err(err) if err.is_not_found() => Err(Diagnostic::error(
            summary,
            format!(
                "There is no Linux hosting \"{domain}\" in this Combell account. A Linux \
                 hosting comes with an account whose servicepack includes one \
                 (combell_account); data.combell_linux_hostings lists the existing ones."
            ),
        )
        .at(AttributePath::new("domain_name"))),
        Err(err) => Err(api_error(summary, &err)),
    }
}

/// The warning of a destroy that cannot undo anything at Combell.
pub(crate) fn forgotten(type_name: &str, what_stays: &str) -> Diagnostics {
    Diagnostic::warning(
        format!("{type_name} removed from the Terraform state only"),
        what_stays.to_string(),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use crate::core::managed::split_import_id;

    #[test]
    fn host_names() {
        for good in ["example.com", "shop.example.com", "a-1.example.be"] {
            assert!(crate::core::rules::domain_name(good).is_ok(), "{good}");
        }
        for bad in [
            "Example.com",
            "example",
            "",
            "-a.example.com",
            "a..b",
            "a b.com",
        ] {
            assert!(crate::core::rules::domain_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn import_ids() {
        let parts = split_import_id("t", " example.com/5001 ", &["hosting", "id"], "x/1").unwrap();
        assert_eq!(parts, ["example.com", "5001"]);
        for bad in ["example.com", "example.com/", "/5001", "a/b/c"] {
            let err = split_import_id("t", bad, &["hosting", "id"], "x/1").unwrap_err();
            assert!(err.diagnostics.has_errors(), "{bad}");
        }
    }
}
