//! `combell_domain_registration`: registers a new domain, or transfers one from another
//! registrar when `auth_code` is given. **A paid purchase**: nothing is bought unless the
//! configuration sets `confirm_purchase = true`, checked at plan time. Import ID: the domain
//! name.
//!
//! Combell registers asynchronously (202 + provisioning job; a transfer's job may still run after
//! the domain has arrived); create waits within `timeouts.create`, and an interrupted create is
//! kept (tainted) with its job so that the next run finishes it. The registrant is read back and
//! compared, but Combell's API cannot change it, so a change fails at plan time. `name_servers`,
//! `extra_fields`, `auth_code` and `confirm_purchase` are write-only: they only matter for the
//! purchase (name servers are managed afterwards with `combell_domain`). The API has no delete:
//! destroy removes the registration from the state, with a warning. The `.ca` rule and the
//! registrant extra fields Combell requires per extension are checked at plan time.
//!
//! Bought once (see `reconcile`). Natural key: the domain name, in the reseller account
//! (`GET /domains/{domainName}`). A domain already there is adopted, with a warning, instead of
//! being bought again: before the order is sent and after its answer was lost (then waited for
//! a while, since a registration shows only once its job has run). When that lookup cannot
//! decide, the create fails saying an order may have been placed, and the state keeps a pending
//! entry (a null `id`, no job); its refresh looks the domain up again, adopting it or, when the
//! account does not have it, dropping the entry so that the next apply orders.
//!
//! Requests: a create is the order (one POST), the wait for its job, and one read of the
//! domain, which stays because Combell decides the `expiration_date` and the registrant as it
//! records it. An update (the timeouts only) sends and reads nothing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::ids::{IdPart, DOMAIN};
use crate::core::jobs::{wait_logged, WaitError};
use crate::core::managed::{Managed, Typed};
use crate::core::purchase::purchase_guard;
use crate::core::rules::{self, HostRules};
use crate::core::timeouts::{Op, Timeouts};
use crate::domains::domain::name_server_problems;
use crate::domains::domain_data::{registrant_fields, registrant_from, RegistrantState};
use combell_api::{
    self as client, CancellationToken, Client, DomainDetail, RegisterDomain, Registrant, Secret,
};
use tfplugin::{
    model, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Model, Nesting,
    PlanRequest, PlanResponse, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_domain_registration";
const LOG: &str = "domain_registration";

const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The registrant fields Combell needs, by name; the others are optional.
fn required_registrant(r: &RegistrantState) -> [(&'static str, &Field<String>); 8] {
    [
        ("first_name", &r.first_name),
        ("last_name", &r.last_name),
        ("address", &r.address),
        ("postal_code", &r.postal_code),
        ("city", &r.city),
        ("country_code", &r.country_code),
        ("email", &r.email),
        ("phone", &r.phone),
    ]
}

/// Second-level registrations under these are one registrable name (`shop.co.uk`).
const TWO_LABEL_SUFFIXES: [&str; 6] = ["co.uk", "org.uk", "com.au", "co.nz", "co.za", "com.br"];

fn timeouts() -> Timeouts {
    Timeouts::new(&[(Op::Create, DEFAULT_CREATE_TIMEOUT)])
}

pub struct DomainRegistrationResource;

/// The resource, for the provider's registry and the list of registrations.
pub(crate) static RESOURCE: Typed<DomainRegistrationResource> =
    Typed::new(DomainRegistrationResource);

model! {
    /// The state, plan and configuration of `combell_domain_registration`. `extra_fields` stays
    /// a value: a map known in part is checked key by key at plan time; `timeouts` stays a value
    /// for [`Timeouts`].
    pub struct Registration {
        id: String,
        domain_name: String,
        confirm_purchase: bool,
        registrant: RegistrantState,
        extra_fields: Value,
        name_servers: Vec<String>,
        auth_code: String,
        expiration_date: String,
        provisioning_job_id: String,
        timeouts: Value,
    }
}

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    let none = RegistrantState::default();
    let required = required_registrant(&none).map(|(name, _)| name);
    let registrant = registrant_fields()
        .iter()
        .map(|(name, text)| {
            let a = Attribute::string(name).description(text);
            if required.contains(name) {
                a.required()
            } else {
                a.optional()
            }
        })
        .collect();
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The domain name: the import ID. Null while the provisioning job runs."),
        Attribute::string("domain_name").required().description(
            "The domain to register or transfer: the name and its extension only, in lower case, \
             such as `example.be` (not `www.example.be`). Changing it registers another domain.",
        ),
        Attribute::bool("confirm_purchase")
            .optional()
            .write_only()
            .description(
                "**Must be `true` to register or transfer: a registration is a paid purchase** \
                 billed to the reseller account at Combell's current price (promotional prices do \
                 not apply through the API), and the API cannot cancel it. Checked at plan time; \
                 only needed for the purchase itself. Write-only.",
            ),
        Attribute::nested("registrant", Nesting::Single, registrant)
            .optional()
            .computed()
            .description(
                "The owner of the domain. Left out, Combell registers the domain to the \
                 reseller account's default contact, which is then read back into this \
                 attribute. The registrant is a company when `company_name` is \
                 set, otherwise an individual. Phone and fax are written `+32.123456789`, \
                 `country_code` in upper case (`BE`), `language_code` in lower case (`nl`). \
                 Only registrants with country code `CA` can register `.ca` domains. Combell's \
                 API cannot change a registrant after registration: a change fails at plan time \
                 (make it in the Combell control panel, then update the configuration).",
            ),
        Attribute::new("extra_fields", Type::map(Type::String))
            .optional()
            .write_only()
            .description(
                "Registrant fields some extensions need, by name: `CompanyNumber` for a company \
                 registering `.dk`, `.es`, `.fr`, `.nu` or `.se`; `PassportNumber` for an \
                 individual registering `.es`, `.nu`, `.se`, or `.it` from outside Italy; \
                 `CodiceFiscal` for an Italian individual registering `.it`. Checked at plan \
                 time. Write-only: sent with the registration only.",
            ),
        Attribute::new("name_servers", Type::list(Type::String))
            .optional()
            .write_only()
            .description(
                "Name servers to register the domain with (2 to 13 host names); unset, Combell's \
                 own. Write-only: used for the registration only; manage them afterwards with a \
                 `combell_domain` resource.",
            ),
        Attribute::string("auth_code")
            .optional()
            .write_only()
            .description(
                "The authorisation (EPP) code from the current registrar: setting it makes this a \
                 transfer of a domain registered elsewhere, which Combell refuses without one. \
                 Write-only: never stored in the plan or state.",
            ),
        Attribute::string("expiration_date")
            .computed()
            .description("When the registration expires (ISO 8601), as Combell reports it."),
        Attribute::string("provisioning_job_id")
            .computed()
            .description(
                "Id of Combell's provisioning job for the registration (null for imported \
                 domains). Kept so that an interrupted create is finished by the next run.",
            ),
    ])
    .block(timeouts().block())
    .description(
        "Registers a domain, or transfers one from another registrar (with `auth_code`), in the \
         Combell reseller account.\n\n\
         ~> **This is a paid purchase.** Combell bills the registration or transfer to the \
         reseller account at its current price, and its API cannot undo it. Nothing happens \
         unless `confirm_purchase = true` is set.\n\n\
         Combell's API has no operation to delete or cancel a domain: destroying this resource \
         only removes it from the Terraform state, with a warning, and the domain stays \
         registered (and renews unless `will_renew` is turned off with `combell_domain`). Manage \
         the name servers and renewal of a registered domain with `combell_domain`.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const PURCHASE: &str = "registering or transferring a domain";

#[async_trait]
impl Managed for DomainRegistrationResource {
    type Model = Registration;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[DOMAIN];
    const ID_EXAMPLE: &'static str = "example.com";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /domains/registrations",
        "GET /domains/{domainName}",
        "GET /provisioningjobs/{jobId}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(timeouts())
    }

    fn validate(&self, config: &Registration, diags: &mut Diagnostics) {
        for (path, summary, detail) in validate_config(config) {
            diags.error_at(path, summary, detail);
        }
    }

    /// The purchase guard on a create or replacement; on an update, the registrant (which
    /// Combell's API cannot change) stays as it is.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        if resp.planned.is_null() {
            return;
        }
        if req.prior.is_null() || !resp.requires_replace.is_empty() {
            let confirm = Registration::decode(&req.config)
                .map(|c| c.confirm_purchase)
                .unwrap_or_default();
            if let Some(d) = purchase_guard(&confirm, PURCHASE) {
                resp.diagnostics.push(d);
            }
            return;
        }
        let decoded = Registration::decode(&req.prior).and_then(|prior| {
            Ok((
                prior,
                Registration::decode(&req.config)?,
                Registration::decode(&resp.planned)?,
            ))
        });
        let (prior, config, mut planned) = match decoded {
            Ok(decoded) => decoded,
            Err(diags) => {
                resp.diagnostics.extend(diags);
                return;
            }
        };
        if config.registrant.is_null() {
            // Left out, the registrant is whatever Combell holds, which only the control panel
            // changes: the prior one, not an unknown value.
            planned.registrant = prior.registrant.clone();
            resp.planned = planned.encode();
        }
        if planned.registrant.encode().is_wholly_known() && planned.registrant != prior.registrant {
            resp.diagnostics.push(
                Diagnostic::error(
                    "The registrant cannot be changed through Combell's API",
                    format!(
                        "The registrant of {} differs from the configuration, and Combell's API \
                         has no operation to change it. Change the registrant in the Combell \
                         control panel (an owner change may need the registry's procedure), then \
                         make the configuration match what Combell shows.",
                        prior.domain_name.as_str().unwrap_or("the domain")
                    ),
                )
                .at(AttributePath::new("registrant")),
            );
        }
    }

    fn what(&self, planned: &Registration) -> String {
        format!(
            "the {} of {}",
            kind(planned),
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    /// A transfer is marked in the plan by an empty `auth_code` (the code itself stays in the
    /// configuration), for the words of the create; write-only, it never reaches the state.
    fn planned_with(&self, planned: Registration, config: &Registration) -> Registration {
        let transfer = config
            .auth_code
            .as_str()
            .is_some_and(|c| !c.trim().is_empty());
        Registration {
            auth_code: match transfer {
                true => Field::Known(String::new()),
                false => Field::Null,
            },
            ..planned
        }
    }

    fn guard_create(&self, config: &Registration) -> Option<Diagnostic> {
        purchase_guard(&config.confirm_purchase, PURCHASE)
    }

    fn order(&self) -> Option<(&'static str, Duration)> {
        Some((ORDER_CHECK, ORDER_SETTLE))
    }

    /// The order; the answer is its job, if any.
    async fn send_create(
        &self,
        client: &Client,
        planned: &Registration,
        config: &Registration,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let Some(name) = planned.domain_name.as_str() else {
            return Err(client::Error::Invalid("domain_name is not known.".into()));
        };
        let registration = RegisterDomain {
            domain_name: name.to_string(),
            name_servers: config.name_servers.known().cloned().unwrap_or_default(),
            registrant: registrant_order(&planned.registrant),
            extra_fields: extra_fields(&config.extra_fields),
            auth_code: config
                .auth_code
                .as_str()
                .filter(|c| !c.trim().is_empty())
                .map(Secret::new),
        };
        let job = client.register_domain(&registration, cancel).await?;
        let job_id = job.map(|j| j.job_id).unwrap_or_default();
        hclog::info(
            LOG,
            &format!("domain {} ordered", kind(planned)),
            &[("domain", json!(name)), ("job_id", json!(job_id))],
        );
        Ok(job_id)
    }

    /// Pending until its job has run (the plan's mark of a transfer kept for the words).
    fn created(&self, planned: &Registration, job_id: &str) -> Registration {
        Registration {
            provisioning_job_id: Some(job_id.to_string())
                .filter(|j| !j.is_empty())
                .map_or(Field::Null, Field::Known),
            auth_code: planned.auth_code.clone(),
            ..known(planned)
        }
    }

    fn refused(&self, planned: &Registration, err: &client::Error) -> Option<String> {
        let name = planned.domain_name.as_str()?;
        err.codes()
            .contains(&"domain_transfer_authorization_code_empty")
            .then(|| {
                format!(
                    "{}\n\n{name} is registered at another registrar: set auth_code to the \
                     authorisation code from that registrar to transfer it.",
                    api_error("", err).detail
                )
            })
    }

    async fn find_created(
        &self,
        client: &Client,
        planned: &Registration,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Registration>, client::Error> {
        let base = Registration {
            provisioning_job_id: Field::Null,
            ..known(planned)
        };
        self.fetch(client, &base, cancel).await
    }

    fn adopted(&self, state: &Registration) -> Diagnostics {
        let name = state.domain_name.as_str().unwrap_or_default();
        Diagnostic::warning(
            format!("Adopted {name}, already in the reseller account"),
            format!(
                "{name} was already in the reseller account, bought by an earlier run whose \
                 answer was lost or left by a destroy (which cannot cancel a registration). It \
                 is now managed by this resource; nothing was ordered. name_servers, \
                 extra_fields and auth_code were not sent."
            ),
        )
        .into()
    }

    fn undecided(&self, planned: &Registration) -> Option<Registration> {
        Some(Registration {
            id: Field::Null,
            provisioning_job_id: Field::Null,
            ..known(planned)
        })
    }

    /// A state with a null `id` waits: for its job, or without one for the domain to appear.
    fn pending_job(&self, state: &Registration) -> Option<String> {
        if !state.id.is_null() || state.domain_name.as_str().is_none() {
            return None;
        }
        Some(
            state
                .provisioning_job_id
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }

    async fn settle(
        &self,
        client: &Client,
        state: &Registration,
        job_id: &str,
        creating: bool,
        limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<(Registration, Diagnostics), WaitError> {
        let name = state.domain_name.as_str().unwrap_or_default();
        // Once the job has run, the domain is read.
        let settled = Registration {
            id: Field::Unknown,
            ..state.clone()
        };
        if job_id.is_empty() && !creating {
            return Ok((settled, Diagnostics::default()));
        }
        let message = "waiting for the domain's provisioning job";
        let outcome = match job_id.is_empty() {
            true => appear(client, name, limit, cancel).await,
            false => match wait_logged(
                client,
                job_id,
                limit,
                cancel,
                LOG,
                message,
                ("domain", name),
            )
            .await
            {
                Ok(_) => Ok(()),
                Err(WaitError::Failed(err) | WaitError::Unfinished(err)) => Err(err),
                Err(WaitError::Vanished(detail)) => Err(client::Error::Invalid(detail)),
            },
        };
        let err = match outcome {
            Ok(()) => return Ok((settled, Diagnostics::default())),
            Err(err @ client::Error::JobFailed { .. }) => return Err(WaitError::Failed(err)),
            Err(err) => err,
        };
        if !creating {
            return match client.get_domain(name, cancel).await {
                Ok(_) => Ok((settled, Diagnostics::default())),
                Err(_) => Err(WaitError::Unfinished(err)),
            };
        }
        // A transfer's job may go on after the domain has arrived.
        match client.get_domain(name, &CancellationToken::new()).await {
            Ok(detail) => {
                let what = kind(state);
                let warning = Diagnostic::warning(
                    format!("The {what} of {name} is still being finalised"),
                    format!(
                        "The domain is in the reseller account, but Combell's job had not \
                         finished: {err}"
                    ),
                );
                Ok((state_from(&detail, state), warning.into()))
            }
            Err(_) => Err(WaitError::Unfinished(err)),
        }
    }

    fn unfinished(&self, state: &Registration, err: &client::Error, reading: bool) -> String {
        let name = state.domain_name.as_str().unwrap_or_default();
        if reading {
            return format!(
                "The registration of {name} has not finished: {err}. Run plan or apply again \
                 later."
            );
        }
        format!(
            "The {} of {name}: {err}\n\nThe domain is kept in the state (tainted) with its \
             provisioning job, so the purchase is not lost: the next plan or apply waits for \
             that job (up to timeouts.create).",
            kind(state)
        )
    }

    /// The domain in the reseller account, if it is there: the natural key of a registration.
    async fn fetch(
        &self,
        client: &Client,
        key: &Registration,
        cancel: &CancellationToken,
    ) -> Result<Option<Registration>, client::Error> {
        let Some(name) = key.domain_name.as_str() else {
            return Ok(None);
        };
        match client.get_domain(name, cancel).await {
            Ok(detail) => Ok(Some(state_from(&detail, key))),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn forgotten(&self, prior: &Registration) -> Option<Diagnostics> {
        let name = prior.domain_name.as_str().unwrap_or("the domain");
        hclog::warn(
            LOG,
            "domain registration removed from the state only",
            &[("domain", json!(name))],
        );
        Some(
            Diagnostic::warning(
                format!("Domain {name} is still registered"),
                format!(
                    "Combell's API cannot delete or cancel a domain registration, so {name} was \
                     only removed from the Terraform state. It stays in the reseller account and \
                     is renewed (and billed) when it expires unless renewal is turned off \
                     (will_renew = false on a combell_domain, or in the Combell control panel)."
                ),
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        _client: &Client,
        _prior: &Registration,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        Ok(Diagnostics::default())
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        let name = id.trim();
        rules::domain_name(name)
            .map(|()| name.to_string())
            .map_err(|detail| {
                format!("The import ID is the domain name, such as \"example.com\". {detail}")
            })
    }

    fn imported(&self, parts: &[String]) -> Registration {
        let name = parts.first().cloned().unwrap_or_default();
        Registration {
            id: name.clone().into(),
            domain_name: name.into(),
            ..Default::default()
        }
    }
}

/// The order's kind, in words (see [`Managed::planned_with`]).
fn kind(value: &Registration) -> &'static str {
    if value.auth_code.is_known() {
        "transfer"
    } else {
        "registration"
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// How long a registration whose answer was lost may take to show in the reseller account
/// before the create gives up on knowing (and keeps a pending entry instead of ordering again).
const ORDER_SETTLE: Duration = Duration::from_secs(120);
/// Where a user sees whether a registration was ordered.
const ORDER_CHECK: &str = "the domains and orders in the Combell control panel, or \
    data.combell_domains; a domain that is there can also be imported";

/// Without a job to follow: polls the domain until it is in the account, within `limit`.
async fn appear(
    client: &Client,
    name: &str,
    limit: Duration,
    cancel: &CancellationToken,
) -> Result<(), client::Error> {
    let started = Instant::now();
    let mut delay = Duration::from_secs(1);
    loop {
        match client.get_domain(name, cancel).await {
            Ok(_) => return Ok(()),
            Err(err) if !err.is_not_found() => return Err(err),
            Err(_) => {}
        }
        if started.elapsed() + delay > limit {
            return Err(client::Error::Invalid(format!(
                "{name} did not appear in the reseller account within {limit:?}"
            )));
        }
        tokio::select! {
            _ = cancel.cancelled() => {
                return Err(client::Error::Invalid(format!(
                    "stopped while waiting for {name} to appear"
                )))
            }
            _ = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}

/// The one mapping API → state; the job id comes from `prior`.
fn state_from(detail: &DomainDetail, prior: &Registration) -> Registration {
    Registration {
        id: detail.domain_name.clone().into(),
        domain_name: detail.domain_name.clone().into(),
        registrant: registrant_from(&detail.registrant).into(),
        expiration_date: detail.expiration_date.clone().into(),
        ..known(prior)
    }
}

/// The registrant to order with: the known, non-blank fields.
fn registrant_order(registrant: &Field<RegistrantState>) -> Registrant {
    let none = RegistrantState::default();
    let r = registrant.known().unwrap_or(&none);
    let get = |field: &Field<String>| {
        field
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Registrant {
        first_name: get(&r.first_name),
        last_name: get(&r.last_name),
        company_name: get(&r.company_name),
        enterprise_number: get(&r.enterprise_number),
        address: get(&r.address),
        postal_code: get(&r.postal_code),
        city: get(&r.city),
        country_code: get(&r.country_code),
        language_code: get(&r.language_code),
        email: get(&r.email),
        phone: get(&r.phone),
        fax: get(&r.fax),
    }
}

/// The entries of `extra_fields` whose values are known.
fn extra_fields(fields: &Field<Value>) -> BTreeMap<String, String> {
    fields
        .known()
        .and_then(Value::as_map)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        .collect()
}

/// The known values of `value`, write-only attributes left null.
fn known(value: &Registration) -> Registration {
    Registration {
        confirm_purchase: Field::Null,
        extra_fields: Field::Null,
        name_servers: Field::Null,
        auth_code: Field::Null,
        ..value.known_part()
    }
}

/// A name one registers: `abc.be` or `abc.co.uk`, not `shop.abc.be`.
fn is_registrable(name: &str) -> bool {
    let labels = name.split('.').count();
    labels == 2 || (labels == 3 && TWO_LABEL_SUFFIXES.iter().any(|s| name.ends_with(s)))
}

/// `+32.123456789`: the syntax Combell documents for phone and fax.
fn is_phone(text: &str) -> bool {
    let Some((country, number)) = text.strip_prefix('+').and_then(|r| r.split_once('.')) else {
        return false;
    };
    (1..=3).contains(&country.len())
        && country.bytes().all(|b| b.is_ascii_digit())
        && (4..=14).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn is_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, host)| {
        !local.is_empty()
            && !local.contains(char::is_whitespace)
            && rules::host_name(host, HostRules::FULL_NAME).is_ok()
    })
}

/// Every plan-time problem, with its path. Unknown values are skipped.
fn validate_config(config: &Registration) -> Vec<(AttributePath, String, String)> {
    let mut problems = Vec::new();
    let domain = config.domain_name.as_str();
    if let Some(name) = domain {
        if let Err(detail) = rules::domain_name(name) {
            problems.push((
                AttributePath::new("domain_name"),
                "Invalid domain name".into(),
                detail,
            ));
        } else if !is_registrable(name) {
            problems.push((
                AttributePath::new("domain_name"),
                "Not a registrable domain name".into(),
                format!(
                    "\"{name}\" is not registrable: give the name and its extension only, such \
                     as \"example.be\" (a sub-domain such as www.example.be is not registered)."
                ),
            ));
        }
    }
    if let Some(servers) = config.name_servers.known() {
        for detail in name_server_problems(servers) {
            problems.push((
                AttributePath::new("name_servers"),
                "Invalid name servers".into(),
                detail,
            ));
        }
    }
    if config
        .auth_code
        .as_str()
        .is_some_and(|c| c.trim().is_empty())
    {
        problems.push((
            AttributePath::new("auth_code"),
            "Empty authorisation code".into(),
            "auth_code is empty: leave it unset for a registration, or give the code from the \
             current registrar for a transfer."
                .into(),
        ));
    }
    let Some(registrant) = config.registrant.known() else {
        return problems;
    };
    let at = |field: &str| AttributePath::new("registrant").attr(field);
    for (name, field) in required_registrant(registrant) {
        if field.as_str().is_some_and(|v| v.trim().is_empty()) {
            problems.push((
                at(name),
                "Missing registrant field".into(),
                format!("The registrant's {} is required.", name.replace('_', " ")),
            ));
        }
    }
    let country = registrant.country_code.as_str();
    if let Some(country) = country {
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            problems.push((
                at("country_code"),
                "Invalid country code".into(),
                format!("\"{country}\" is not a two-letter upper-case country code such as BE."),
            ));
        }
    }
    if let Some(language) = registrant.language_code.as_str() {
        if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
            problems.push((
                at("language_code"),
                "Invalid language code".into(),
                format!("\"{language}\" is not a lower-case language code such as nl or en."),
            ));
        }
    }
    if let Some(email) = registrant.email.as_str() {
        if !is_email(email) {
            problems.push((
                at("email"),
                "Invalid e-mail address".into(),
                format!("\"{email}\" is not an e-mail address."),
            ));
        }
    }
    for (name, field) in [("phone", &registrant.phone), ("fax", &registrant.fax)] {
        if let Some(number) = field.as_str() {
            if !is_phone(number) {
                problems.push((
                    at(name),
                    format!("Invalid {name} number"),
                    format!("\"{number}\" is not written as Combell wants: +32.123456789 (country code, a dot, the number)."),
                ));
            }
        }
    }
    // The extension rules need the domain, the country and the registrant kind to be known.
    let (Some(name), Some(country)) = (domain, country) else {
        return problems;
    };
    if registrant.company_name.is_unknown() {
        return problems;
    }
    let tld = name.rsplit('.').next().unwrap_or("");
    if tld == "ca" && country != "CA" {
        problems.push((
            at("country_code"),
            "A .ca domain needs a Canadian registrant".into(),
            format!(
                "Combell registers .ca domains only for registrants with country code CA; the \
                 registrant of {name} has {country}."
            ),
        ));
    }
    let company = registrant
        .company_name
        .as_str()
        .is_some_and(|c| !c.trim().is_empty());
    let needed = match (tld, company) {
        ("dk" | "es" | "fr" | "nu" | "se", true) => Some("CompanyNumber"),
        ("es" | "nu" | "se", false) => Some("PassportNumber"),
        ("it", false) if country == "IT" => Some("CodiceFiscal"),
        ("it", false) => Some("PassportNumber"),
        _ => None,
    };
    if let Some(wanted) = needed {
        if config.extra_fields.is_unknown() {
            return problems;
        }
        let given = config
            .extra_fields
            .known()
            .and_then(Value::as_map)
            .is_some_and(|m| {
                m.iter().any(|(k, v)| {
                    k.eq_ignore_ascii_case(wanted)
                        && (v.is_unknown() || v.as_str().is_some_and(|s| !s.trim().is_empty()))
                })
            });
        if !given {
            let who = if company {
                "a company"
            } else {
                "an individual"
            };
            problems.push((
                AttributePath::new("extra_fields"),
                "Missing registrant extra field".into(),
                format!(
                    "Combell needs the extra field {wanted} when {who} registers a .{tld} domain: \
                     set extra_fields = {{ {wanted} = \"...\" }}."
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Field<String> {
        Field::Known(s.to_string())
    }

    fn registrant(country: &str) -> RegistrantState {
        RegistrantState {
            first_name: text("Ann"),
            last_name: text("Smith"),
            address: text("Main Street 1"),
            postal_code: text("9000"),
            city: text("Gent"),
            country_code: text(country),
            email: text("ann@example.be"),
            phone: text("+32.93300000"),
            ..Default::default()
        }
    }

    fn config(domain: &str, registrant: RegistrantState) -> Registration {
        Registration {
            domain_name: domain.to_string().into(),
            registrant: registrant.into(),
            confirm_purchase: true.into(),
            ..Default::default()
        }
    }

    fn paths(cfg: &Registration) -> Vec<String> {
        validate_config(cfg)
            .into_iter()
            .map(|(p, _, _)| format!("{p:?}"))
            .collect()
    }

    #[test]
    fn a_valid_registration_passes() {
        assert!(paths(&config("example.be", registrant("BE"))).is_empty());
        assert!(paths(&config("shop.co.uk", registrant("GB"))).is_empty());
    }

    #[test]
    fn the_ca_rule_and_extra_fields_are_checked() {
        assert_eq!(paths(&config("maple.ca", registrant("BE"))).len(), 1);
        assert!(paths(&config("maple.ca", registrant("CA"))).is_empty());
        let mut company = registrant("DK");
        company.company_name = text("Hygge ApS");
        assert_eq!(paths(&config("hygge.dk", company.clone())).len(), 1);
        let mut with_number = config("hygge.dk", company);
        with_number.extra_fields.set(Value::Map(
            [("CompanyNumber".to_string(), Value::from("12345678"))]
                .into_iter()
                .collect(),
        ));
        assert!(paths(&with_number).is_empty());
        assert_eq!(paths(&config("pizza.it", registrant("IT"))).len(), 1);
        assert_eq!(paths(&config("swede.se", registrant("BE"))).len(), 1);
    }

    #[test]
    fn names_and_registrant_syntax_are_checked() {
        assert_eq!(paths(&config("www.example.be", registrant("BE"))).len(), 1);
        assert_eq!(paths(&config("Example.be", registrant("BE"))).len(), 1);
        let mut bad = registrant("be");
        bad.phone = text("0032 9 330 00 00");
        bad.email = text("nobody");
        assert_eq!(paths(&config("example.be", bad)).len(), 3);
        let mut unknown = registrant("BE");
        unknown.country_code = Field::Unknown;
        assert!(paths(&config("maple.ca", unknown)).is_empty());
    }

    #[test]
    fn the_purchase_must_be_confirmed() {
        let mut c = config("example.be", registrant("BE"));
        assert!(purchase_guard(&c.confirm_purchase, "x").is_none());
        c.confirm_purchase = Field::Null;
        assert!(purchase_guard(&c.confirm_purchase, "x").is_some());
        c.confirm_purchase.set(false);
        let d = purchase_guard(&c.confirm_purchase, "registering a domain").unwrap();
        assert_eq!(d.path, Some(AttributePath::new("confirm_purchase")));
        assert!(d
            .detail
            .starts_with("Registering a domain is a paid purchase"));
    }

    #[test]
    fn phones() {
        assert!(is_phone("+32.123456789"));
        assert!(!is_phone("+32123456789"));
        assert!(!is_phone("+32.12"));
    }
}
