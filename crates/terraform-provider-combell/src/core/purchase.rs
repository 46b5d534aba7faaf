//! The guard in front of every paid order (a domain registration, a certificate request):
//! nothing is bought unless the configuration says `confirm_purchase = true`.

use tfplugin::{AttributePath, Diagnostic, Field};

/// The refusal to buy without `confirm_purchase = true`; `None` when the purchase is confirmed
/// (or not yet known at plan time). `what` names the purchase: "ordering an SSL certificate".
pub fn purchase_guard(confirm: &Field<bool>, what: &str) -> Option<Diagnostic> {
    match confirm {
        Field::Unknown | Field::Known(true) => None,
        _ => Some(
            Diagnostic::error(
                "Paid purchase not confirmed",
                format!(
                    "{} is a paid purchase at Combell, billed to the reseller account at Combell's \
                     current price, and cannot be undone through the API. Set confirm_purchase = \
                     true to proceed.",
                    capitalise(what)
                ),
            )
            .at(AttributePath::new("confirm_purchase")),
        ),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
