//! `combell_ssl_certificate_request`: orders an SSL certificate from a CSR. **A paid
//! purchase**: nothing is ordered unless `confirm_purchase = true`, checked at plan time. Import
//! ID: the request's numeric id.
//!
//! The request exposes, per DNS name, the CNAME Combell wants published (name relative to the
//! domain and target), so a `combell_dns_record` in the same configuration can publish it; a
//! `combell_ssl_certificate_validation` then asks Combell to verify and waits for the
//! certificate. Once issued, Combell answers 303 for the request: the state keeps the last
//! validations and records the certificate's fingerprint. A request that lapsed (410) leaves the
//! state. The CSR is write-only; its common name is compared with the request's at plan time, so
//! a CSR for another name replaces the request. The API has no delete: destroy only forgets.
//!
//! Ordered once (see `reconcile`). Natural key of an order: its common name (without case), its
//! certificate type and validation level, and the CSR's DNS names, all among the names of a
//! request that is still pending at Combell (an issued or lapsed request is not an open order).
//! Such a request is adopted, with a warning, instead of ordering again: before the order is
//! sent and after its answer was lost. When that lookup cannot decide, the create fails saying
//! an order may have been placed, and the state keeps a pending entry (a null `id` with the
//! common name, names, type and level); its refresh looks the order up again, adopting it or,
//! when Combell shows none, dropping the entry so that the next apply orders.
//!
//! Requests: a create is the order (one POST) and one read of the request it names, which
//! stays because Combell decides the validations (the CNAMEs to publish) and the status. An
//! update sends and reads nothing: every setting that reaches Combell replaces the request.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::json;

use std::time::Duration;

use crate::core::ids::IdPart;
use crate::core::jobs::WaitError;
use crate::core::managed::{Managed, Typed};
use crate::core::purchase::purchase_guard;
use combell_api::der::parse_csr;
use combell_api::{
    self as client, AdditionalValidationAttribute, CancellationToken, Client,
    CreateSslCertificateRequest, SslCertificateRequestDetail, SslRequestState, SslValidation,
};
use tfplugin::{
    default_plan, model, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Model,
    Nesting, PlanRequest, PlanResponse, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_ssl_certificate_request";
const LOG: &str = "ssl_certificate_request";

pub(crate) const CERTIFICATE_TYPES: [&str; 3] = ["standard", "multi_domain", "wildcard"];
pub(crate) const VALIDATION_LEVELS: [&str; 3] = [
    "domain_validated",
    "organization_validated",
    "extended_validated",
];
const DEFAULT_LEVEL: &str = "domain_validated";
/// What organisation and extended validation need, per Combell's table.
const REQUIRED_ATTRIBUTES: [&str; 8] = [
    "Firstname",
    "Lastname",
    "Phone",
    "EmailAddress",
    "Street",
    "Number",
    "PostalCode",
    "VatCountryCode",
];
const TWO_LABEL_SUFFIXES: [&str; 6] = ["co.uk", "org.uk", "com.au", "co.nz", "co.za", "com.br"];

pub struct SslCertificateRequestResource;

/// The resource, for the provider's registry and the list of requests.
pub(crate) static RESOURCE: Typed<SslCertificateRequestResource> =
    Typed::new(SslCertificateRequestResource);

model! {
    /// The state, plan and configuration of `combell_ssl_certificate_request`. The validation
    /// attributes stay a value: a map known in part is checked key by key at plan time.
    pub struct CertificateRequest {
        id: String,
        certificate_type: String,
        validation_level: String,
        csr: String,
        additional_validation_attributes: Value,
        confirm_purchase: bool,
        common_name: String,
        subject_alt_names: Vec<String>,
        order_code: String,
        vendor: String,
        validations: BTreeMap<String, ValidationEntry>,
        status: String,
        sha1_fingerprint: String,
    }
}

model! {
    /// One entry of `validations` (see [`validation_attributes`]).
    pub struct ValidationEntry {
        dns_name: String,
        r#type: String,
        auto_validated: bool,
        domain_name: String,
        cname_record_name: String,
        cname_validation_name: String,
        cname_validation_content: String,
        file_validation_url_http: String,
        file_validation_url_https: String,
        file_validation_content: Vec<String>,
        email_addresses: Vec<String>,
    }
}

// ---- Schema ---------------------------------------------------------------------------------

fn validation_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("dns_name")
            .computed()
            .description("The certificate name this entry proves control of."),
        Attribute::string("type")
            .computed()
            .description("How Combell expects the proof: `dns`, `file` or `email`."),
        Attribute::bool("auto_validated").computed().description(
            "True when Combell validates this name by itself and nothing needs publishing.",
        ),
        Attribute::string("domain_name").computed().description(
            "The registered domain the name belongs to, such as `example.com`: the \
             `domain_name` of the `combell_dns_record` that publishes the CNAME.",
        ),
        Attribute::string("cname_record_name")
            .computed()
            .description(
                "The CNAME's name relative to `domain_name` (such as `_3F2A...www`): the \
             `record_name` of that `combell_dns_record`.",
            ),
        Attribute::string("cname_validation_name")
            .computed()
            .description("The CNAME's full name, as Combell gives it."),
        Attribute::string("cname_validation_content")
            .computed()
            .description("What the CNAME points to: the `content` of that `combell_dns_record`."),
        Attribute::string("file_validation_url_http")
            .computed()
            .description("For file validation: the http URL the file must be served at."),
        Attribute::string("file_validation_url_https")
            .computed()
            .description("For file validation: the https URL the file must be served at."),
        Attribute::new("file_validation_content", Type::list(Type::String))
            .computed()
            .description("For file validation: the file's lines."),
        Attribute::new("email_addresses", Type::list(Type::String))
            .computed()
            .description("For e-mail validation: the addresses Combell may write to."),
    ]
}

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("Combell's numeric id of the request, such as `3001`: the import ID."),
        Attribute::string("certificate_type").required().description(
            "`standard` (one name, Combell adds `www.`), `multi_domain` (several names, no \
             wildcards) or `wildcard` (`*.example.com` and `example.com`). Changing it orders a \
             new certificate.",
        ),
        Attribute::string("validation_level")
            .optional()
            .computed()
            .default(DEFAULT_LEVEL)
            .description(
                "`domain_validated` (the default), `organization_validated` or \
                 `extended_validated` (not for wildcards). The last two need \
                 `additional_validation_attributes`. Changing it orders a new certificate.",
            ),
        Attribute::string("csr").required().write_only().description(
            "The certificate signing request, PEM-encoded (`-----BEGIN CERTIFICATE REQUEST-----`), \
             with the common name (CN) and every other name as subjectAltNames. Checked at plan \
             time. Write-only: not stored; a CSR with another common name than the request's \
             orders a new certificate.",
        ),
        Attribute::new("additional_validation_attributes", Type::map(Type::String))
            .optional()
            .write_only()
            .description(
                "For organisation and extended validation: `Firstname`, `Lastname`, `Phone`, \
                 `EmailAddress` (the technical contact), `Street`, `Number`, `PostalCode`, \
                 `VatCountryCode` (the organisation) are required, `OrganizationNumber` is \
                 optional. Write-only: sent with the order only.",
            ),
        Attribute::bool("confirm_purchase")
            .optional()
            .write_only()
            .description(
                "**Must be `true` to order: a certificate request is a paid purchase** billed to \
                 the reseller account at Combell's current price (promotional prices do not \
                 apply through the API), and the API cannot cancel it. Checked at plan time; \
                 only needed for the order itself. Write-only.",
            ),
        Attribute::string("common_name")
            .computed()
            .description("The certificate's common name, from the CSR: known at plan time."),
        Attribute::new("subject_alt_names", Type::list(Type::String))
            .computed()
            .description(
                "Every DNS name the certificate will carry: the CSR's common name and \
                 subjectAltNames, plus the `www.` name Combell adds to a `standard` certificate \
                 for a bare domain. Known at plan time.",
            ),
        Attribute::string("order_code")
            .computed()
            .description("Combell's order code for the request."),
        Attribute::string("vendor")
            .computed()
            .description("The certificate authority, such as `sectigo`."),
        Attribute::nested("validations", Nesting::Map, validation_attributes())
            .computed()
            .description(
                "What to publish to prove control of each name, keyed by the name (`dns_name`): \
                 one entry per name of `subject_alt_names`, a wildcard and its base name \
                 sharing one (keyed by the wildcard). The keys, `dns_name` and `domain_name` are \
                 known at plan time, so `for_each = combell_ssl_certificate_request.<name>.validations` \
                 plans; the other values are known after the order. That needs the CSR itself \
                 at plan time (a file, a variable): a CSR made by another resource in the same \
                 run is only known at apply, and so are the keys then. Publish the CNAME with a \
                 `combell_dns_record` (`domain_name`, `cname_record_name`, \
                 `cname_validation_content`), then verify with a \
                 `combell_ssl_certificate_validation`. Kept as last seen once the certificate is \
                 issued. Should Combell's answer hold other names than planned, the apply fails \
                 naming them.",
            ),
        Attribute::string("status").computed().description(
            "`pending` while Combell waits for the validations, `issued` once the certificate \
             exists.",
        ),
        Attribute::string("sha1_fingerprint").computed().description(
            "The issued certificate's SHA-1 fingerprint (null while pending), for \
             `data.combell_ssl_certificate`. Known after a refresh following the issue; \
             `combell_ssl_certificate_validation` has it at once.",
        ),
    ])
    .description(
        "Orders an SSL certificate from Combell (Sectigo) for a certificate signing request, and \
         exposes the DNS validation values to publish.\n\n\
         ~> **This is a paid purchase.** Combell bills every request to the reseller account at \
         its current price and its API cannot cancel one. Nothing is ordered unless \
         `confirm_purchase = true` is set.\n\n\
         Publish each entry of `validations` with a `combell_dns_record` (type `CNAME`) and add a \
         `combell_ssl_certificate_validation` that depends on those records: it asks Combell to \
         verify and waits for the certificate. Combell's API has no delete: destroying this \
         resource only removes it from the Terraform state, with a warning; a pending request \
         lapses at Combell if never validated, and an issued certificate stays.",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const PURCHASE: &str = "ordering an SSL certificate";

#[async_trait]
impl Managed for SslCertificateRequestResource {
    type Model = CertificateRequest;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] =
        &[("id", "Combell's numeric id of the request, such as `3001`.")];
    const ID_EXAMPLE: &'static str = "3001";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /sslcertificaterequests",
        "GET /sslcertificaterequests/{id}",
        "GET /sslcertificates/{sha1Fingerprint}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["certificate_type", "validation_level"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &CertificateRequest, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// A CSR for another common name replaces the request; a new order plans its names from
    /// the CSR and needs the purchase confirmed.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        if resp.planned.is_null() {
            return;
        }
        let decoded = (
            CertificateRequest::decode(&req.prior),
            CertificateRequest::decode(&req.config),
        );
        let (prior, config) = match decoded {
            (Ok(prior), Ok(config)) => (prior, config),
            (Err(diags), _) | (_, Err(diags)) => {
                resp.diagnostics.extend(diags);
                return;
            }
        };
        if !req.prior.is_null() && resp.requires_replace.is_empty() {
            let wanted = config
                .csr
                .as_str()
                .and_then(parse_csr)
                .and_then(|c| c.common_name)
                .map(|cn| cn.trim().to_ascii_lowercase());
            if let (Some(wanted), Some(had)) = (wanted, prior.common_name.as_str()) {
                if !wanted.eq_ignore_ascii_case(had) {
                    let mut fresh = req.clone();
                    fresh.prior = Value::Null;
                    resp.planned = default_plan(schema, &[], &[], fresh).planned;
                    resp.requires_replace = vec![AttributePath::new("common_name")];
                }
            }
        }
        if req.prior.is_null() || !resp.requires_replace.is_empty() {
            match CertificateRequest::decode(&resp.planned) {
                Ok(mut planned) => {
                    if plan_names(&mut planned, &config) {
                        resp.planned = planned.encode();
                    }
                }
                Err(diags) => resp.diagnostics.extend(diags),
            }
            if let Some(d) = purchase_guard(&config.confirm_purchase, PURCHASE) {
                resp.diagnostics.push(d);
            }
        }
    }

    fn check_applied(
        &self,
        planned: &CertificateRequest,
        state: &CertificateRequest,
    ) -> Diagnostics {
        match names_differ(planned, state) {
            Some(detail) => Diagnostic::error(
                format!("{TYPE_NAME} holds other names than planned"),
                detail,
            )
            .into(),
            None => Diagnostics::default(),
        }
    }

    fn what(&self, planned: &CertificateRequest) -> String {
        match order_key(planned) {
            Some(key) => format!(
                "the {} SSL certificate for \"{}\"",
                key.kind, key.common_name
            ),
            None => "an SSL certificate".to_string(),
        }
    }

    fn guard_create(&self, config: &CertificateRequest) -> Option<Diagnostic> {
        if let Some(d) = purchase_guard(&config.confirm_purchase, PURCHASE) {
            return Some(d);
        }
        let summary = format!("Unable to create {TYPE_NAME}");
        if config.certificate_type.as_str().is_none() || config.csr.as_str().is_none() {
            return Some(Diagnostic::error(
                summary,
                "certificate_type or csr is not known.",
            ));
        }
        match order_key(config) {
            Some(_) => None,
            None => Some(
                Diagnostic::error(summary, "The CSR has no common name that can be read.")
                    .at(AttributePath::new("csr")),
            ),
        }
    }

    /// The CSR names the order: its lookups need it.
    fn planned_with(
        &self,
        planned: CertificateRequest,
        config: &CertificateRequest,
    ) -> CertificateRequest {
        CertificateRequest {
            csr: config.csr.clone(),
            ..planned
        }
    }

    fn order(&self) -> Option<(&'static str, Duration)> {
        Some((ORDER_CHECK, ORDER_SETTLE))
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &CertificateRequest,
        config: &CertificateRequest,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let order = CreateSslCertificateRequest {
            certificate_type: planned
                .certificate_type
                .as_str()
                .unwrap_or_default()
                .to_string(),
            validation_level: level(planned).to_string(),
            csr: config.csr.as_str().unwrap_or_default().to_string(),
            additional_validation_attributes: config
                .additional_validation_attributes
                .known()
                .and_then(Value::as_map)
                .into_iter()
                .flatten()
                .filter_map(|(name, v)| {
                    v.as_str().map(|value| AdditionalValidationAttribute {
                        name: name.clone(),
                        value: value.to_string(),
                    })
                })
                .collect(),
        };
        let id = client
            .create_ssl_certificate_request(&order, cancel)
            .await?;
        hclog::info(
            LOG,
            "SSL certificate request ordered",
            &[("request_id", json!(id))],
        );
        Ok(id.to_string())
    }

    /// The request exists (and is paid for) from here on; Combell decides its validations and
    /// status, which are read back.
    fn created(&self, planned: &CertificateRequest, id: &str) -> CertificateRequest {
        CertificateRequest {
            id: id.to_string().into(),
            status: Field::Unknown,
            ..known(planned)
        }
    }

    async fn find_created(
        &self,
        client: &Client,
        planned: &CertificateRequest,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<CertificateRequest>, client::Error> {
        let Some(key) = order_key(planned) else {
            return Ok(None);
        };
        let Some(id) = find_order(client, &key, cancel).await? else {
            return Ok(None);
        };
        let mut base = known(planned);
        base.id.set(id.to_string());
        match refresh(client, id, &base, cancel).await? {
            Some(state) => Ok(Some(state)),
            // Not an order to place again: the create fails, keeping a pending entry.
            None => Err(client::Error::Invalid(format!(
                "SSL certificate request {id} was found, but it was gone at once"
            ))),
        }
    }

    fn adopted(&self, state: &CertificateRequest) -> Diagnostics {
        let id = state.id.as_str().unwrap_or_default();
        let what = format!(
            "the {} SSL certificate for \"{}\"",
            state.certificate_type.as_str().unwrap_or_default(),
            state
                .common_name
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase()
        );
        Diagnostic::warning(
            format!("Adopted the pending SSL certificate request {id}"),
            format!(
                "Combell already had a pending request for {what} with these names (request \
                 {id}), placed by an earlier run whose answer was lost or left by a destroy \
                 (which cannot cancel requests). It is now managed by this resource; no new \
                 certificate was ordered."
            ),
        )
        .into()
    }

    fn undecided(&self, planned: &CertificateRequest) -> Option<CertificateRequest> {
        order_key(planned).map(|key| pending_state(planned, &key))
    }

    /// A pending entry (a null `id`): its refresh looks the order up again.
    fn pending_job(&self, state: &CertificateRequest) -> Option<String> {
        state.id.is_null().then(String::new)
    }

    /// The order is adopted once Combell shows it (its request is then read), and the entry
    /// goes once Combell shows none (so the next apply orders, after looking once more).
    async fn settle(
        &self,
        client: &Client,
        state: &CertificateRequest,
        _job_id: &str,
        _creating: bool,
        _limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<(CertificateRequest, Diagnostics), WaitError> {
        // A state that names no request, which the read then drops.
        let gone = CertificateRequest {
            id: Field::Unknown,
            ..state.clone()
        };
        let Some(key) = OrderKey::of_state(state) else {
            return Ok((gone, Diagnostics::default()));
        };
        match find_order(client, &key, cancel).await {
            Ok(Some(id)) => {
                hclog::warn(
                    LOG,
                    "the order of a pending entry exists; recording it",
                    &[("request_id", json!(id))],
                );
                let found = CertificateRequest {
                    id: id.to_string().into(),
                    status: Field::Unknown,
                    ..state.clone()
                };
                Ok((found, Diagnostics::default()))
            }
            Ok(None) => {
                hclog::info(
                    LOG,
                    "no order of a pending entry at Combell; removing it from the state",
                    &[("common_name", json!(key.common_name))],
                );
                Ok((gone, Diagnostics::default()))
            }
            Err(err) => Err(WaitError::Unfinished(err)),
        }
    }

    fn unfinished(
        &self,
        state: &CertificateRequest,
        err: &client::Error,
        _reading: bool,
    ) -> String {
        format!(
            "An order for \"{}\" may have been placed and is kept as pending, but looking for \
             it failed: {err}. Nothing is ordered until a lookup answers; see {ORDER_CHECK}.",
            OrderKey::of_state(state)
                .map(|key| key.common_name)
                .unwrap_or_default()
        )
    }

    async fn fetch(
        &self,
        client: &Client,
        key: &CertificateRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<CertificateRequest>, client::Error> {
        match request_id(key) {
            Some(id) => refresh(client, id, key, cancel).await,
            None => Ok(None),
        }
    }

    fn forgotten(&self, prior: &CertificateRequest) -> Option<Diagnostics> {
        let Some(id) = prior.id.as_str() else {
            let name = prior.common_name.as_str().unwrap_or("(unknown)");
            return Some(
                Diagnostic::warning(
                    format!("An SSL certificate order for \"{name}\" may exist at Combell"),
                    format!(
                        "The order for \"{name}\" had not been confirmed (its answer was lost) \
                         when it was removed from the Terraform state. If it was placed, it is a \
                         pending request at Combell (see {ORDER_CHECK}); a later create with the \
                         same CSR, type and level adopts it instead of ordering again."
                    ),
                )
                .into(),
            );
        };
        hclog::warn(
            LOG,
            "SSL certificate request removed from the state only",
            &[("request_id", json!(id))],
        );
        let left = if prior.status.as_str() == Some("issued") {
            "Its certificate stays in the reseller account until it expires."
        } else {
            "A pending request lapses at Combell if it is never validated; it is not refunded."
        };
        Some(
            Diagnostic::warning(
                format!("SSL certificate request {id} still exists at Combell"),
                format!(
                    "Combell's API cannot delete or cancel a certificate request, so request \
                     {id} was only removed from the Terraform state. {left}"
                ),
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        _client: &Client,
        _prior: &CertificateRequest,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        Ok(Diagnostics::default())
    }

    fn import_id(&self, id: &str) -> Result<String, String> {
        crate::ssl::request_import_id(id)
    }

    fn imported(&self, parts: &[String]) -> CertificateRequest {
        CertificateRequest {
            id: parts.first().cloned().unwrap_or_default().into(),
            ..Default::default()
        }
    }

    fn names_object(&self, state: &CertificateRequest) -> bool {
        request_id(state).is_some()
    }
}

fn request_id(state: &CertificateRequest) -> Option<i64> {
    state.id.as_str().and_then(|s| s.parse::<i64>().ok())
}

fn level(value: &CertificateRequest) -> &str {
    value.validation_level.as_str().unwrap_or(DEFAULT_LEVEL)
}

/// The key of the order a plan (with its CSR) or configuration makes.
fn order_key(value: &CertificateRequest) -> Option<OrderKey> {
    let kind = value.certificate_type.as_str()?;
    OrderKey::of_csr(value.csr.as_str()?, kind, level(value))
}

// ---- Helpers --------------------------------------------------------------------------------

/// How long an order whose answer was lost may take to show at Combell before the create gives
/// up on knowing (and keeps a pending entry instead of ordering again).
const ORDER_SETTLE: Duration = Duration::from_secs(30);
/// Where a user sees whether an order was placed.
const ORDER_CHECK: &str = "the SSL certificate requests in the Combell control panel or \
    data.combell_ssl_certificate_requests; an open request for these names can also be imported";

/// The natural key of an order: see the module documentation.
#[derive(Debug, Clone, PartialEq)]
struct OrderKey {
    common_name: String,
    kind: String,
    level: String,
    /// Lower case; the common name when the CSR lists no other.
    names: Vec<String>,
}

impl OrderKey {
    fn of_csr(csr: &str, kind: &str, level: &str) -> Option<OrderKey> {
        let parsed = parse_csr(csr)?;
        let common_name = parsed.common_name?.trim().to_ascii_lowercase();
        if common_name.is_empty() {
            return None;
        }
        let mut names: Vec<String> = parsed
            .dns_names
            .iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        if names.is_empty() {
            names.push(common_name.clone());
        }
        Some(OrderKey {
            common_name,
            kind: kind.to_string(),
            level: level.to_string(),
            names,
        })
    }

    /// The key a pending entry was stored with.
    fn of_state(state: &CertificateRequest) -> Option<OrderKey> {
        let common_name = state.common_name.as_str()?.to_ascii_lowercase();
        let names = match state.subject_alt_names.known() {
            Some(list) => list.iter().map(|v| v.to_ascii_lowercase()).collect(),
            None => vec![common_name.clone()],
        };
        Some(OrderKey {
            common_name,
            kind: state.certificate_type.as_str()?.to_string(),
            level: state
                .validation_level
                .as_str()
                .unwrap_or(DEFAULT_LEVEL)
                .to_string(),
            names,
        })
    }

    fn matches(&self, detail: &SslCertificateRequestDetail) -> bool {
        detail.common_name.eq_ignore_ascii_case(&self.common_name)
            && detail.certificate_type == self.kind
            && detail.validation_level == self.level
            && self.names.iter().all(|name| {
                detail
                    .subject_alt_names
                    .iter()
                    .any(|san| san.value.eq_ignore_ascii_case(name))
            })
    }
}

/// The pending request Combell has for this key, if any.
async fn find_order(
    client: &Client,
    key: &OrderKey,
    cancel: &CancellationToken,
) -> Result<Option<i64>, client::Error> {
    let requests = client.list_ssl_certificate_requests(cancel).await?;
    for request in requests.iter().filter(|r| {
        r.common_name.eq_ignore_ascii_case(&key.common_name)
            && r.certificate_type == key.kind
            && r.validation_level == key.level
    }) {
        match client.get_ssl_certificate_request(request.id, cancel).await {
            Ok(SslRequestState::Pending(Some(detail))) if key.matches(&detail) => {
                return Ok(Some(request.id))
            }
            Ok(_) => {}
            Err(err) if err.is_not_found() => {}
            Err(err) => return Err(err),
        }
    }
    Ok(None)
}

/// What is stored when an order may have been placed but no lookup has shown it yet
/// (Terraform keeps it tainted): the key, so that the refresh can look again.
fn pending_state(planned: &CertificateRequest, key: &OrderKey) -> CertificateRequest {
    CertificateRequest {
        id: Field::Null,
        common_name: key.common_name.clone().into(),
        subject_alt_names: key.names.clone().into(),
        certificate_type: key.kind.clone().into(),
        validation_level: key.level.clone().into(),
        ..known(planned)
    }
}

/// The state after asking Combell: pending (the detail), issued (the certificate's
/// fingerprint, and what the certificate says when the state knows nothing yet) or `None` when
/// the request lapsed or never existed.
async fn refresh(
    client: &Client,
    id: i64,
    prior: &CertificateRequest,
    cancel: &CancellationToken,
) -> Result<Option<CertificateRequest>, combell_api::Error> {
    let outcome = match client.get_ssl_certificate_request(id, cancel).await {
        Ok(outcome) => outcome,
        Err(err) if err.is_not_found() => return Ok(None),
        Err(err) => return Err(err),
    };
    match outcome {
        SslRequestState::Pending(Some(detail)) => Ok(Some(state_from(&detail, prior))),
        SslRequestState::Pending(None) => Ok(Some(known(prior))),
        SslRequestState::Issued(fingerprint) => {
            let mut state = known(prior);
            state.status = "issued".to_string().into();
            if state.common_name.is_null() {
                let certificate = client.get_ssl_certificate(&fingerprint, cancel).await?;
                state.common_name.set(certificate.common_name.clone());
                state.certificate_type.set(certificate.kind.clone());
                state
                    .validation_level
                    .set(certificate.validation_level.clone());
                state.subject_alt_names.set(
                    certificate
                        .subject_alt_names
                        .iter()
                        .map(|s| s.value.clone())
                        .collect::<Vec<_>>(),
                );
            }
            if state.validations.is_null() {
                state.validations.set(BTreeMap::new());
            }
            state.sha1_fingerprint.set(fingerprint);
            Ok(Some(state))
        }
        SslRequestState::Gone => {
            hclog::info(
                LOG,
                "SSL certificate request lapsed without a certificate; removing it from the state",
                &[("request_id", json!(id))],
            );
            Ok(None)
        }
    }
}

/// The one mapping API → state for a pending request.
fn state_from(
    detail: &SslCertificateRequestDetail,
    prior: &CertificateRequest,
) -> CertificateRequest {
    let mut state = known(prior);
    state.id.set(detail.id.to_string());
    state.certificate_type.set(detail.certificate_type.clone());
    state.validation_level.set(detail.validation_level.clone());
    let same_cn = prior
        .common_name
        .as_str()
        .is_some_and(|had| had.eq_ignore_ascii_case(&detail.common_name));
    if !same_cn {
        state.common_name.set(detail.common_name.clone());
    }
    let names: Vec<String> = detail
        .subject_alt_names
        .iter()
        .map(|s| s.value.clone())
        .collect();
    // The order Combell lists the names in carries no meaning: the planned one stays.
    if prior_names(prior).map(|p| name_set(&p)) != Some(name_set(&names)) {
        state.subject_alt_names.set(names);
    }
    state.order_code.set(detail.order_code.clone());
    state.vendor.set(detail.vendor.clone());
    state
        .validations
        .set(validations_value(&detail.validations));
    state.status = "pending".to_string().into();
    state.sha1_fingerprint = Field::Null;
    state
}

pub(crate) fn validations_value(
    validations: &[SslValidation],
) -> BTreeMap<String, ValidationEntry> {
    validations
        .iter()
        .map(|v| {
            let name = v.cname_validation_name.trim_end_matches('.').to_string();
            let domain = registered_domain(&v.dns_name);
            let relative = name
                .strip_suffix(&format!(".{domain}"))
                .unwrap_or(&name)
                .to_string();
            let entry = ValidationEntry {
                dns_name: v.dns_name.clone().into(),
                r#type: v.kind.clone().into(),
                auto_validated: v.auto_validated.into(),
                domain_name: domain.into(),
                cname_record_name: relative.into(),
                cname_validation_name: v.cname_validation_name.clone().into(),
                cname_validation_content: v.cname_validation_content.clone().into(),
                file_validation_url_http: v.file_validation_url_http.clone().into(),
                file_validation_url_https: v.file_validation_url_https.clone().into(),
                file_validation_content: v.file_validation_content.clone().into(),
                email_addresses: v.email_addresses.clone().into(),
            };
            (v.dns_name.clone(), entry)
        })
        .collect()
}

/// The registered domain of a host name: its last two labels, three under `co.uk` and the like.
fn registered_domain(name: &str) -> String {
    let name = name
        .trim_start_matches("*.")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let keep = if labels.len() >= 3
        && TWO_LABEL_SUFFIXES.contains(&labels[labels.len() - 2..].join(".").as_str())
    {
        3
    } else {
        2
    };
    labels[labels.len().saturating_sub(keep)..].join(".")
}

/// The known part of a plan or state; the validations planned with their keys keep their
/// known parts, with null where the plan had unknowns. The write-only attributes are null.
fn known(value: &CertificateRequest) -> CertificateRequest {
    let validations = match &value.validations {
        Field::Known(entries) => Field::Known(
            entries
                .iter()
                .map(|(key, entry)| (key.clone(), entry.known_part()))
                .collect(),
        ),
        _ => Field::Null,
    };
    CertificateRequest {
        csr: Field::Null,
        additional_validation_attributes: Field::Null,
        confirm_purchase: Field::Null,
        validations,
        ..value.known_part()
    }
}

// ---- Names known at plan time ---------------------------------------------------------------

fn normalise_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The names Combell gives a request for a CSR, common name first, by Combell's rule: the
/// CSR's common name and DNS names, each once, and for a `standard` certificate whose common
/// name is a bare domain its `www.` name too (Sectigo adds it for free).
fn certificate_names(kind: &str, common_name: &str, dns_names: &[String]) -> Vec<String> {
    let common_name = normalise_name(common_name);
    let mut names = vec![common_name.clone()];
    for name in dns_names.iter().map(|n| normalise_name(n)) {
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    if kind == "standard" && !common_name.starts_with("www.") && !common_name.starts_with("*.") {
        let www = format!("www.{common_name}");
        if !names.contains(&www) {
            names.push(www);
        }
    }
    names
}

/// The keys of `validations` for those names: one per name to prove, a wildcard folded onto
/// its base name (the first of the two keys the entry).
fn validation_keys(names: &[String]) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut keys = Vec::new();
    for name in names {
        let base = name.strip_prefix("*.").unwrap_or(name);
        if !seen.contains(&base) {
            seen.push(base);
            keys.push(name.clone());
        }
    }
    keys
}

/// At create: the names from the CSR and the validations keyed by them, the values Combell
/// chooses left unknown. Without a known CSR and type, all three stay unknown (and `false` says
/// nothing was planned).
fn plan_names(planned: &mut CertificateRequest, config: &CertificateRequest) -> bool {
    let (Some(kind), Some(csr)) = (config.certificate_type.as_str(), config.csr.as_str()) else {
        return false;
    };
    let Some(parsed) = parse_csr(csr) else {
        return false;
    };
    let Some(cn) = parsed
        .common_name
        .as_deref()
        .filter(|cn| !cn.trim().is_empty())
    else {
        return false;
    };
    let names = certificate_names(kind, cn, &parsed.dns_names);
    let validations: BTreeMap<String, ValidationEntry> = validation_keys(&names)
        .into_iter()
        .map(|key| {
            let entry = ValidationEntry {
                dns_name: key.clone().into(),
                r#type: Field::Unknown,
                auto_validated: Field::Unknown,
                domain_name: registered_domain(&key).into(),
                cname_record_name: Field::Unknown,
                cname_validation_name: Field::Unknown,
                cname_validation_content: Field::Unknown,
                file_validation_url_http: Field::Unknown,
                file_validation_url_https: Field::Unknown,
                file_validation_content: Field::Unknown,
                email_addresses: Field::Unknown,
            };
            (key, entry)
        })
        .collect();
    planned.common_name.set(normalise_name(cn));
    planned.subject_alt_names.set(names);
    planned.validations.set(validations);
    true
}

fn prior_names(value: &CertificateRequest) -> Option<Vec<String>> {
    value.subject_alt_names.known().cloned()
}

fn name_set(names: &[String]) -> std::collections::BTreeSet<String> {
    names.iter().map(|n| normalise_name(n)).collect()
}

/// What differs between the names planned from the CSR and the request Combell made, in
/// words; `None` when they agree or nothing was planned.
fn names_differ(planned: &CertificateRequest, state: &CertificateRequest) -> Option<String> {
    let mut problems = Vec::new();
    let describe = |what: &str,
                    wanted: &std::collections::BTreeSet<String>,
                    got: &std::collections::BTreeSet<String>| {
        let missing: Vec<&str> = wanted.difference(got).map(String::as_str).collect();
        let extra: Vec<&str> = got.difference(wanted).map(String::as_str).collect();
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!(
                "planned but not in Combell's answer: {}",
                missing.join(", ")
            ));
        }
        if !extra.is_empty() {
            parts.push(format!(
                "in Combell's answer but not planned: {}",
                extra.join(", ")
            ));
        }
        format!("{what}: {}", parts.join("; "))
    };
    if let (Some(wanted), Some(got)) = (planned.common_name.as_str(), state.common_name.as_str()) {
        if !wanted.eq_ignore_ascii_case(got) {
            problems.push(format!(
                "common_name: planned \"{wanted}\" from the CSR, Combell's answer has \"{got}\""
            ));
        }
    }
    if let (Some(wanted), Some(got)) = (prior_names(planned), prior_names(state)) {
        let (wanted, got) = (name_set(&wanted), name_set(&got));
        if wanted != got {
            problems.push(describe("subject_alt_names", &wanted, &got));
        }
    }
    let keys = |v: &CertificateRequest| -> Option<std::collections::BTreeSet<String>> {
        v.validations
            .known()
            .map(|m| m.keys().map(|k| normalise_name(k)).collect())
    };
    // Once issued, Combell no longer lists validations: nothing to compare them with.
    let issued = state.status.as_str() == Some("issued");
    if let (Some(wanted), Some(got), false) = (keys(planned), keys(state), issued) {
        if wanted != got {
            problems.push(describe("validations", &wanted, &got));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let id = state.id.as_str().unwrap_or("?");
    Some(format!(
        "The names planned from the CSR are not those of the request Combell made. {}. The \
         request ({id}) exists and is kept in the state, marked tainted; Combell's API cannot \
         cancel it. Please report this difference as a provider bug: the plan-time rule for \
         Combell's names needs it. To keep the request as it is, run `terraform untaint` on it.",
        problems.join(". ")
    ))
}

/// Every plan-time problem with the attribute it concerns; unknown values are skipped.
fn validate_config(config: &CertificateRequest) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    let kind = config.certificate_type.as_str();
    if let Some(kind) = kind {
        if !CERTIFICATE_TYPES.contains(&kind) {
            problems.push((
                "certificate_type",
                "Invalid certificate type".into(),
                format!(
                    "\"{kind}\" is not a certificate type; use {}.",
                    CERTIFICATE_TYPES.join(", ")
                ),
            ));
        }
    }
    let level = config.validation_level.as_str();
    if let Some(level) = level {
        if !VALIDATION_LEVELS.contains(&level) {
            problems.push((
                "validation_level",
                "Invalid validation level".into(),
                format!(
                    "\"{level}\" is not a validation level; use {}.",
                    VALIDATION_LEVELS.join(", ")
                ),
            ));
        }
    }
    if let Some(csr) = config.csr.as_str() {
        match parse_csr(csr) {
            None => problems.push((
                "csr",
                "Invalid certificate signing request".into(),
                "csr is not a PEM-encoded PKCS#10 certificate signing request (-----BEGIN \
                 CERTIFICATE REQUEST-----)."
                    .into(),
            )),
            Some(parsed) => match parsed.common_name.as_deref().map(str::trim) {
                None | Some("") => problems.push((
                    "csr",
                    "The CSR has no common name".into(),
                    "Combell needs the CSR's subject to carry a common name (CN), such as \
                     example.com or *.example.com."
                        .into(),
                )),
                Some(cn) => {
                    let wildcard = cn.starts_with("*.");
                    if kind == Some("wildcard") && !wildcard {
                        problems.push((
                            "csr",
                            "A wildcard certificate needs a wildcard common name".into(),
                            format!("The CSR's common name is \"{cn}\"; a wildcard certificate needs one like *.example.com."),
                        ));
                    }
                    if wildcard && matches!(kind, Some("standard" | "multi_domain")) {
                        problems.push((
                            "certificate_type",
                            "A wildcard name needs a wildcard certificate".into(),
                            format!("The CSR's common name \"{cn}\" is a wildcard: use certificate_type = \"wildcard\"."),
                        ));
                    }
                }
            },
        }
    }
    if level == Some("extended_validated") && kind == Some("wildcard") {
        problems.push((
            "validation_level",
            "No extended validation for wildcards".into(),
            "Extended validation is not available for wildcard certificates.".into(),
        ));
    }
    let needs_attributes = matches!(level, Some("organization_validated" | "extended_validated"));
    let attributes = &config.additional_validation_attributes;
    if needs_attributes && !attributes.is_unknown() {
        let given = attributes.known().and_then(Value::as_map);
        let missing: Vec<&str> = REQUIRED_ATTRIBUTES
            .iter()
            .copied()
            .filter(|wanted| {
                !given.is_some_and(|m| {
                    m.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case(wanted)
                            && (v.is_unknown() || v.as_str().is_some_and(|s| !s.trim().is_empty()))
                    })
                })
            })
            .collect();
        if !missing.is_empty() {
            problems.push((
                "additional_validation_attributes",
                "Missing validation attributes".into(),
                format!(
                    "{} needs additional_validation_attributes {}.",
                    level.unwrap_or_default(),
                    missing.join(", ")
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Resource;

    const CSR: &str =
        "-----BEGIN CERTIFICATE REQUEST-----\nnot really\n-----END CERTIFICATE REQUEST-----";

    fn config(pairs: &[(&str, Value)]) -> CertificateRequest {
        let mut v = vec![("certificate_type", Value::from("standard"))];
        v.extend(pairs.iter().cloned());
        CertificateRequest::decode(&Value::object(v)).unwrap()
    }

    fn problems(cfg: &CertificateRequest) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn enums_csr_and_attributes_are_checked() {
        assert!(problems(&config(&[])).is_empty());
        assert_eq!(
            problems(&config(&[("certificate_type", "gold".into())])),
            ["certificate_type"]
        );
        assert_eq!(
            problems(&config(&[("validation_level", "dv".into())])),
            ["validation_level"]
        );
        assert_eq!(problems(&config(&[("csr", CSR.into())])), ["csr"]);
        assert_eq!(
            problems(&config(&[(
                "validation_level",
                "organization_validated".into()
            )])),
            ["additional_validation_attributes"]
        );
        assert_eq!(
            problems(&config(&[
                ("certificate_type", "wildcard".into()),
                ("validation_level", "extended_validated".into()),
                ("additional_validation_attributes", Value::Unknown),
            ])),
            ["validation_level"]
        );
        assert!(problems(&config(&[("csr", Value::Unknown)])).is_empty());
    }

    #[test]
    fn validations_name_the_record_to_publish() {
        let v = SslValidation {
            dns_name: "www.shop.example.co.uk".into(),
            kind: "dns".into(),
            cname_validation_name: "_AB12.www.shop.example.co.uk".into(),
            cname_validation_content: "x.y.sectigo.com".into(),
            ..SslValidation::default()
        };
        let value = validations_value(&[v]);
        let entry = &value["www.shop.example.co.uk"];
        assert_eq!(entry.domain_name.as_str(), Some("example.co.uk"));
        assert_eq!(entry.cname_record_name.as_str(), Some("_AB12.www.shop"));
        assert_eq!(registered_domain("*.example.com"), "example.com");
    }

    #[test]
    fn the_order_must_be_confirmed_at_plan() {
        let cfg = config(&[]);
        let plan = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(RESOURCE.plan(
                &Ctx::for_tests(None),
                PlanRequest {
                    prior: Value::Null,
                    proposed: cfg.encode(),
                    config: cfg.encode(),
                    prior_private: Vec::new(),
                },
            ));
        assert!(plan.diagnostics.has_errors());
        let planned = CertificateRequest::decode_complete(&plan.planned).unwrap();
        assert_eq!(planned.validation_level.as_str(), Some("domain_validated"));
        assert!(planned.csr.is_null());
    }

    fn names(kind: &str, cn: &str, alt: &[&str]) -> Vec<String> {
        let alt: Vec<String> = alt.iter().map(|s| s.to_string()).collect();
        certificate_names(kind, cn, &alt)
    }

    #[test]
    fn names_follow_combell_s_rule() {
        assert_eq!(
            names("standard", "Example.com.", &["example.com"]),
            ["example.com", "www.example.com"]
        );
        assert_eq!(
            names("standard", "www.example.com", &["example.com"]),
            ["www.example.com", "example.com"]
        );
        assert_eq!(
            names(
                "multi_domain",
                "a.example.com",
                &["b.example.net", "a.example.com"]
            ),
            ["a.example.com", "b.example.net"]
        );
        let wildcard = names("wildcard", "*.example.com", &["example.com"]);
        assert_eq!(wildcard, ["*.example.com", "example.com"]);
        assert_eq!(validation_keys(&wildcard), ["*.example.com"]);
        assert_eq!(
            validation_keys(&names("standard", "shop.example.com", &[])),
            ["shop.example.com", "www.shop.example.com"]
        );
    }

    fn real_csr() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec![
            "shop.example.com".to_string(),
            "api.example.net".to_string(),
        ])
        .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "shop.example.com");
        params.serialize_request(&key).unwrap().pem().unwrap()
    }

    #[test]
    fn create_plans_names_and_validation_keys_from_the_csr() {
        let mut cfg = config(&[
            ("certificate_type", "multi_domain".into()),
            ("csr", format!("\n{}\n\n", real_csr()).into()),
            ("confirm_purchase", true.into()),
        ]);
        let plan = |cfg: &CertificateRequest| {
            let p = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(RESOURCE.plan(
                    &Ctx::for_tests(None),
                    PlanRequest {
                        prior: Value::Null,
                        proposed: cfg.encode(),
                        config: cfg.encode(),
                        prior_private: Vec::new(),
                    },
                ));
            (
                CertificateRequest::decode_complete(&p.planned).unwrap(),
                p.diagnostics,
            )
        };
        let (planned, diagnostics) = plan(&cfg);
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        assert_eq!(planned.common_name.as_str(), Some("shop.example.com"));
        assert_eq!(planned.subject_alt_names.items().len(), 2);
        let validations = planned.validations.known().unwrap();
        let keys: Vec<&str> = validations.keys().map(String::as_str).collect();
        assert_eq!(keys, ["api.example.net", "shop.example.com"]);
        let entry = &validations["api.example.net"];
        assert_eq!(entry.domain_name.as_str(), Some("example.net"));
        assert!(entry.cname_validation_content.is_unknown());
        // What reaches the state of a failed read-back is wholly known.
        assert!(known(&planned).encode().is_wholly_known());
        // Without a known CSR the names wait for the apply.
        cfg.csr = Field::Unknown;
        let (planned, _) = plan(&cfg);
        assert!(planned.validations.is_unknown());
        assert!(planned.common_name.is_unknown());
    }

    #[test]
    fn an_answer_with_other_names_is_reported() {
        let entry = |name: &str| {
            (
                name.to_string(),
                ValidationEntry {
                    dns_name: name.to_string().into(),
                    ..Default::default()
                },
            )
        };
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let planned = CertificateRequest {
            common_name: "shop.example.com".to_string().into(),
            subject_alt_names: names(&["shop.example.com", "www.shop.example.com"]).into(),
            validations: BTreeMap::from([entry("shop.example.com"), entry("www.shop.example.com")])
                .into(),
            ..Default::default()
        };
        let same = CertificateRequest {
            id: "3001".to_string().into(),
            status: "pending".to_string().into(),
            subject_alt_names: names(&["www.shop.example.com", "shop.example.com"]).into(),
            ..planned.clone()
        };
        assert_eq!(names_differ(&planned, &same), None);
        let other = CertificateRequest {
            subject_alt_names: names(&["shop.example.com"]).into(),
            validations: BTreeMap::from([entry("shop.example.com")]).into(),
            ..same.clone()
        };
        let detail = names_differ(&planned, &other).unwrap();
        assert!(detail.contains("www.shop.example.com"), "{detail}");
        assert!(
            detail.contains("planned but not in Combell's answer"),
            "{detail}"
        );
        assert!(detail.contains("3001"), "{detail}");
        let diags = RESOURCE.check_applied(&planned.encode(), &other.encode());
        assert!(diags.has_errors());
    }

    #[test]
    fn validation_entries_follow_the_schema() {
        let names: Vec<String> = validation_attributes()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(ValidationEntry::attribute_names(), names);
    }

    #[test]
    fn import_ids() {
        let ok = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(RESOURCE.import(&Ctx::for_tests(None), "3001"));
        let state = CertificateRequest::decode_complete(&ok.state.unwrap()).unwrap();
        assert_eq!(state.id.as_str(), Some("3001"));
    }
}
