//! `combell_domain`: one domain of the reseller account, with its name servers, renew state
//! and registrant. The attributes it shares with the `combell_domain` resource are mapped by the
//! resource's function.

use async_trait::async_trait;

use crate::core::rules;
use crate::core::{api_error, client};
use crate::domains::domain::domain_values;
use combell_api::Registrant;
use tfplugin::{
    Attribute, AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, Nesting, ReadResult,
    Schema, Type, Value,
};

pub struct DomainDataSource;

const TYPE_NAME: &str = "combell_domain";

const REGISTRANT_FIELDS: [(&str, &str); 12] = [
    ("first_name", "First name."),
    ("last_name", "Last name."),
    (
        "company_name",
        "Company name; empty when the registrant is an individual.",
    ),
    (
        "enterprise_number",
        "Enterprise number, such as `BE0123456789`.",
    ),
    ("address", "Street address."),
    ("postal_code", "Postal code."),
    ("city", "City."),
    ("country_code", "Country code, such as `BE`."),
    ("language_code", "Language code, such as `nl`."),
    ("email", "E-mail address."),
    ("phone", "Phone number, such as `+32.123456789`."),
    ("fax", "Fax number, such as `+32.123456789`."),
];

#[async_trait]
impl DataSource for DomainDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /domains/{domainName}"]
    }

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("The domain name."),
            Attribute::string("domain_name")
                .required()
                .description("The domain, in lower case, such as `example.com`."),
            Attribute::new("name_servers", Type::list(Type::String))
                .computed()
                .description("The domain's name servers, in order."),
            Attribute::bool("will_renew").computed().description(
                "Whether Combell renews the domain when it expires; null when Combell cannot \
                 tell right now.",
            ),
            Attribute::bool("can_toggle_renew").computed().description(
                "Whether the renew setting can be changed now (false while an invoice is unpaid \
                 or the renewal starts within a month).",
            ),
            Attribute::string("expiration_date")
                .computed()
                .description("When the registration expires (ISO 8601)."),
            Attribute::nested(
                "registrant",
                Nesting::Single,
                REGISTRANT_FIELDS
                    .iter()
                    .map(|(name, text)| Attribute::string(name).computed().description(text))
                    .collect(),
            )
            .computed()
            .description("The domain's registrant (owner) as Combell records it."),
        ])
        .description(
            "Reads one domain of the Combell reseller account: expiry, renew state, name servers \
             and registrant.",
        )
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if let Some(name) = config.get_str("domain_name") {
            if let Err(detail) = rules::domain_name(name) {
                diags.error_at(
                    AttributePath::new("domain_name"),
                    "Invalid domain name",
                    detail,
                );
            }
        }
        diags
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        let Some(name) = config.get_str("domain_name") else {
            return ReadResult::error(Diagnostic::error(summary, "domain_name is not known."));
        };
        match client.get_domain(name, ctx.stopping()).await {
            Ok(detail) => {
                let mut state = domain_values(&detail);
                state.set("registrant", registrant_value(&detail.registrant));
                ReadResult::ok(state)
            }
            Err(err) if err.is_not_found() => ReadResult::error(
                Diagnostic::error(
                    summary,
                    format!(
                        "{name} is not a domain of this Combell reseller account; \
                         data.combell_domains lists them."
                    ),
                )
                .at(AttributePath::new("domain_name")),
            ),
            Err(err) => ReadResult::error(api_error(summary, &err)),
        }
    }
}

/// The registrant as an object of the schema above; also used by `combell_domain_registration`.
pub(crate) fn registrant_value(r: &Registrant) -> Value {
    let fields: [(&str, &Option<String>); 12] = [
        ("first_name", &r.first_name),
        ("last_name", &r.last_name),
        ("company_name", &r.company_name),
        ("enterprise_number", &r.enterprise_number),
        ("address", &r.address),
        ("postal_code", &r.postal_code),
        ("city", &r.city),
        ("country_code", &r.country_code),
        ("language_code", &r.language_code),
        ("email", &r.email),
        ("phone", &r.phone),
        ("fax", &r.fax),
    ];
    Value::object(
        fields
            .into_iter()
            .map(|(name, v)| (name, Value::from(v.clone().filter(|s| !s.is_empty())))),
    )
}

/// The registrant schema's fields and descriptions, shared with `combell_domain_registration`.
pub(crate) fn registrant_fields() -> &'static [(&'static str, &'static str)] {
    &REGISTRANT_FIELDS
}
