//! `combell_domain`: one domain of the reseller account, with its name servers, renew state
//! and registrant. The attributes it shares with the `combell_domain` resource are mapped by the
//! resource's function.

use async_trait::async_trait;

use crate::core::data::{found, known, Failure, Reader};
use combell_api::{CancellationToken, Client};

use crate::domains::domain::{domain_name_in, domain_values};
use combell_api::Registrant;
use tfplugin::{model, Attribute, Diagnostics, Field, Nesting, Schema, Type};

pub struct DomainDataSource;

model! {
    /// A domain's registrant, as `combell_domain` and `combell_domain_registration` show it.
    pub struct RegistrantState {
        first_name: String,
        last_name: String,
        company_name: String,
        enterprise_number: String,
        address: String,
        postal_code: String,
        city: String,
        country_code: String,
        language_code: String,
        email: String,
        phone: String,
        fax: String,
    }
}

model! {
    /// The configuration and state of the `combell_domain` data source.
    pub struct DomainData {
        id: String,
        domain_name: String,
        name_servers: Vec<String>,
        will_renew: bool,
        can_toggle_renew: bool,
        expiration_date: String,
        registrant: RegistrantState,
    }
}

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
impl Reader for DomainDataSource {
    type Model = DomainData;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /domains/{domainName}"];

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

    fn validate(&self, config: &DomainData, diags: &mut Diagnostics) {
        domain_name_in(&config.domain_name, diags);
    }

    async fn read(
        &self,
        client: &Client,
        config: DomainData,
        cancel: &CancellationToken,
    ) -> Result<DomainData, Failure> {
        let name = known(&config.domain_name, "domain_name")?;
        let detail = found(client.get_domain(name, cancel).await, || {
            Failure::said_at(
                "domain_name",
                format!(
                    "{name} is not a domain of this Combell reseller account; \
                     data.combell_domains lists them."
                ),
            )
        })?;
        let domain = domain_values(&detail);
        Ok(DomainData {
            id: domain.id,
            domain_name: domain.domain_name,
            name_servers: domain.name_servers,
            will_renew: domain.will_renew,
            can_toggle_renew: domain.can_toggle_renew,
            expiration_date: domain.expiration_date,
            registrant: registrant_from(&detail.registrant).into(),
        })
    }
}

/// The registrant as the schema above has it (empty values as null); also used by
/// `combell_domain_registration`.
pub(crate) fn registrant_from(r: &Registrant) -> RegistrantState {
    let field = |v: &Option<String>| Field::from_option(v.clone().filter(|s| !s.is_empty()));
    RegistrantState {
        first_name: field(&r.first_name),
        last_name: field(&r.last_name),
        company_name: field(&r.company_name),
        enterprise_number: field(&r.enterprise_number),
        address: field(&r.address),
        postal_code: field(&r.postal_code),
        city: field(&r.city),
        country_code: field(&r.country_code),
        language_code: field(&r.language_code),
        email: field(&r.email),
        phone: field(&r.phone),
        fax: field(&r.fax),
    }
}

/// The registrant schema's fields and descriptions, shared with `combell_domain_registration`.
pub(crate) fn registrant_fields() -> &'static [(&'static str, &'static str)] {
    &REGISTRANT_FIELDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Model;

    #[test]
    fn the_registrant_model_has_the_schema_fields_in_order() {
        let names: Vec<&str> = REGISTRANT_FIELDS.iter().map(|(n, _)| *n).collect();
        assert_eq!(RegistrantState::attribute_names(), names);
        let r = Registrant {
            first_name: Some("Jan".into()),
            fax: Some(String::new()),
            ..Default::default()
        };
        let state = registrant_from(&r);
        assert_eq!(state.first_name.as_str(), Some("Jan"));
        assert!(state.fax.is_null() && state.city.is_null());
    }
}
