//! `combell_account`: a Combell account, the instance of a servicepack (product) for one
//! identifier (a domain name). Import ID: the account's numeric id, e.g. `1001`
//! (`GET /v2/accounts` lists them).
//!
//! Combell creates an account asynchronously: `POST /v2/accounts` answers with a provisioning
//! job, and create blocks until that job has finished (bounded by `timeouts.create`, logging
//! progress at info level), then reads the account named by the job's `resource_links`.
//!
//! Never orphaned, never duplicated. Combell asks not to re-submit a provisioning while its job
//! runs, and identifiers are unique per account, so:
//! - when the wait ends early (timeout, Ctrl-C, a network failure), the create returns an error
//!   naming the job *and* a state holding the identifier and `provisioning_job_id` with a null
//!   `id`; Terraform stores it tainted;
//! - read of such a pending state looks the account up by its identifier (the natural key) and
//!   otherwise waits for the recorded job (again bounded by `timeouts.create`); a job that failed
//!   created nothing, so the object leaves the state;
//! - create always looks the identifier up before it POSTs: an account that already exists with
//!   the same servicepack is adopted (with a warning) instead of being requested a second time.
//!   The replacement Terraform plans for the tainted object therefore ends with the same
//!   account, and so does an apply after `terraform destroy` (which only forgets the account).
//!
//! Quirks: Combell's API cannot delete an account, so destroy only removes it from the state and
//! warns that it still exists (and may be billed). It cannot change an account's identifier
//! (a new one replaces the account) nor its servicepack: for the same identifier a replacement
//! could only fail, so the plan refuses it. Nor can it change the FTP password, which is sent
//! only at create.
//!
//! Created, read, "updated", forgotten and imported through the core's one path
//! (`core::managed`), which also owns the outcome of the provisioning job and the pending
//! state. One read back stays: after the job, the account it names is read, because Combell
//! decides its id, servicepack name and addons. An update sends nothing (it only records a new
//! `ftp_password_version`, with a warning) and its state is the plan.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::ids::IdPart;
use crate::core::jobs::{recorded_job, Provisioning, Unfinished, WaitError};
use crate::core::managed::{Managed, Typed};
use crate::core::rules::{self, password_problems};
use crate::core::timeouts::{Op, Timeouts};
use combell_api::{
    self as client, Account, AccountDetail, AccountFilter, CancellationToken, Client,
    CreateAccount, Secret,
};
use tfplugin::{
    model, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field, Model, Nesting, Number,
    PlanRequest, PlanResponse, Schema, Value,
};

const TYPE_NAME: &str = "combell_account";
const LOG: &str = "account";

/// Provisioning an account takes minutes at Combell; half an hour leaves room for a busy day.
const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn timeouts() -> Timeouts {
    Timeouts::new(&[(Op::Create, DEFAULT_CREATE_TIMEOUT)])
}

pub struct AccountResource;

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<AccountResource> = Typed::new(AccountResource);

model! {
    /// One addon of an account.
    pub struct AddonState {
        id: i64,
        name: String,
    }
}

model! {
    /// The state, plan and configuration of `combell_account`. The numbers are [`Number`]s so
    /// that validation names a fractional servicepack id in its own words; `timeouts` stays a
    /// value for [`Timeouts`].
    pub struct AccountState {
        id: String,
        identifier: String,
        servicepack_id: Number,
        ftp_password: String,
        ftp_password_version: Number,
        servicepack_name: String,
        addons: Vec<AddonState>,
        provisioning_job_id: String,
        timeouts: Value,
    }
}

model! {
    /// What an account is in the API: the state of the `combell_account` data source, and the
    /// part of the resource's state that Combell decides.
    pub struct AccountData {
        id: String,
        identifier: String,
        servicepack_id: Number,
        servicepack_name: String,
        addons: Vec<AddonState>,
    }
}

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("Combell's numeric id of the account, such as `1001`. Null while the account's provisioning job has not finished."),
        Attribute::string("identifier").required().description(
            "The account's identifier: the domain name it is for, such as `example.com` or \
             `shop.example.com`, in lower case. Unique among Combell accounts. Changing it \
             replaces the account (the old one is not deleted; see above).",
        ),
        Attribute::number("servicepack_id").required().description(
            "Id of the servicepack (product) the account is an instance of; \
             `data.combell_servicepacks` lists them. Combell's API cannot change it: together \
             with a new `identifier` it makes a new account; for the same identifier the plan \
             fails (change the servicepack in the Combell control panel instead).",
        ),
        Attribute::string("ftp_password")
            .optional()
            .sensitive()
            .write_only()
            .description(
                "**Write-only** (Terraform 1.11 or newer): never stored in the plan or state. The \
                 FTP password of the account's hosting; only used by servicepacks with hosting, \
                 and only sent when the account is created, because Combell's API cannot change \
                 it later. 8 to 20 characters, letters and digits with at least one of each; no \
                 spaces and none of `* € $ & + } { ' \" \\`.",
            ),
        Attribute::number("ftp_password_version").optional().description(
            "Any number you change when you change `ftp_password`, so that Terraform notices the \
             change (write-only values are not compared). Combell's API cannot change an \
             account's FTP password: a new version is recorded with a warning and the password \
             must be changed in the Combell control panel.",
        ),
        Attribute::string("servicepack_name")
            .computed()
            .description("Name of the servicepack, as Combell reports it."),
        addons_attribute(),
        Attribute::string("provisioning_job_id").computed().description(
            "Id of the Combell provisioning job that created the account (null for imported \
             accounts). Kept so that a create interrupted by a timeout or Ctrl-C is finished by \
             the next run instead of being requested twice.",
        ),
    ])
    .block(timeouts().block())
    .description(
        "A Combell account: one instance of a servicepack (product) for a domain name. \
         Creating one waits for Combell's provisioning job to finish.\n\n\
         **Combell's API cannot delete an account.** `terraform destroy` (or removing the \
         resource) only removes it from the Terraform state, with a warning: the account still \
         exists at Combell and may still be billed. Cancel it in the Combell control panel or \
         through Combell support. A later create with the same identifier and servicepack adopts \
         the existing account instead of requesting a second one.",
    )
}

/// `addons`, shared with the data source so both describe them the same way.
pub(crate) fn addons_attribute() -> Attribute {
    Attribute::nested(
        "addons",
        Nesting::List,
        vec![
            Attribute::number("id")
                .computed()
                .description("The addon's id."),
            Attribute::string("name")
                .computed()
                .description("The addon's name."),
        ],
    )
    .computed()
    .description("Addons (extra products) of the account, as Combell lists them.")
}

// ---- Lifecycle ------------------------------------------------------------------------------

#[async_trait]
impl Managed for AccountResource {
    type Model = AccountState;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] =
        &[("id", "Combell's numeric id of the account, such as `1001`.")];
    const ID_EXAMPLE: &'static str = "1001";
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /accounts",
        "GET /accounts",
        "GET /accounts/{accountId}",
        "GET /provisioningjobs/{jobId}",
    ];
    /// Attributes whose change Combell cannot apply to an existing account.
    const REQUIRES_REPLACE: &'static [&'static str] = &["identifier", "servicepack_id"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(timeouts())
    }

    fn validate(&self, config: &AccountState, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// The servicepack of an existing account cannot change, and neither can its FTP password.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        let updating = !req.prior.is_null() && !resp.planned.is_null();
        let (prior, planned) = match AccountState::decode(&req.prior)
            .and_then(|p| Ok((p, AccountState::decode(&resp.planned)?)))
        {
            Ok(decoded) => decoded,
            Err(diags) => {
                resp.diagnostics.extend(diags);
                return;
            }
        };
        let same_identifier =
            updating && planned.identifier.is_known() && planned.identifier == prior.identifier;
        let new_pack = planned.servicepack_id.get();
        if same_identifier && new_pack.is_some_and(|n| Field::Known(n) != prior.servicepack_id) {
            // The replacement could only fail: the old account cannot be deleted, and a second
            // account for the same identifier cannot exist beside it.
            resp.diagnostics.push(
                Diagnostic::error(
                    "The servicepack of an existing account cannot be changed",
                    format!(
                        "Combell's API cannot change the servicepack of account \"{}\", and \
                         replacing the account is impossible: accounts cannot be deleted \
                         through the API and identifiers are unique. Change the servicepack in \
                         the Combell control panel (the next refresh then shows it), or keep \
                         servicepack_id = {}.",
                        prior.identifier.as_str().unwrap_or("(unknown)"),
                        prior
                            .servicepack_id
                            .get()
                            .and_then(Number::as_i64)
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    ),
                )
                .at(AttributePath::new("servicepack_id")),
            );
        }
        if updating
            && resp.requires_replace.is_empty()
            && planned.ftp_password_version != prior.ftp_password_version
        {
            resp.diagnostics.push(
                Diagnostic::warning(
                    "The FTP password cannot be changed through Combell's API",
                    password_not_changed_detail(&prior),
                )
                .at(AttributePath::new("ftp_password_version")),
            );
        }
    }

    fn what(&self, planned: &AccountState) -> String {
        format!(
            "account \"{}\"",
            planned.identifier.as_str().unwrap_or_default()
        )
    }

    /// The natural key first: an account for this identifier (left by an interrupted create,
    /// or forgotten by a destroy) is adopted, never requested twice.
    async fn before_create(
        &self,
        client: &Client,
        planned: &AccountState,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<AccountState>, Diagnostic> {
        let (Some(identifier), Some(servicepack_id)) = (
            planned.identifier.as_str(),
            planned.servicepack_id.get().and_then(Number::as_i64),
        ) else {
            return Err(Diagnostic::error(
                summary,
                "identifier or servicepack_id is not known.",
            ));
        };
        match find_by_identifier(client, identifier, cancel).await {
            Ok(Some(existing)) => adopt(client, existing, planned, servicepack_id)
                .await
                .map(Some),
            Ok(None) => Ok(None),
            Err(err) => Err(api_error(summary, &err)),
        }
    }

    /// The POST; the answer names the provisioning job.
    async fn send_create(
        &self,
        client: &Client,
        planned: &AccountState,
        config: &AccountState,
        cancel: &CancellationToken,
    ) -> Result<String, client::Error> {
        let (Some(identifier), Some(servicepack_id)) = (
            planned.identifier.as_str(),
            planned.servicepack_id.get().and_then(Number::as_i64),
        ) else {
            return Err(client::Error::Invalid(
                "identifier or servicepack_id is not known.".into(),
            ));
        };
        let request = CreateAccount {
            identifier: identifier.to_string(),
            servicepack_id,
            ftp_password: config.ftp_password.as_str().map(Secret::new),
        };
        Ok(client.create_account(&request, cancel).await?.job_id)
    }

    /// Pending until its job has finished: the job names the account.
    fn created(&self, planned: &AccountState, job_id: &str) -> AccountState {
        pending_state(planned, job_id)
    }

    /// The account a lost answer's request made, by its identifier.
    async fn find_created(
        &self,
        client: &Client,
        planned: &AccountState,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<AccountState>, client::Error> {
        let Some(identifier) = planned.identifier.as_str() else {
            return Ok(None);
        };
        let Some(account) = find_by_identifier(client, identifier, cancel).await? else {
            return Ok(None);
        };
        let detail = client.get_account(account.id, cancel).await?;
        Ok(Some(state_from(&detail, planned)))
    }

    fn adopted(&self, state: &AccountState) -> Diagnostics {
        let identifier = state.identifier.as_str().unwrap_or_default();
        let id = state.id.as_str().unwrap_or_default();
        hclog::info(
            LOG,
            "adopted an existing account instead of creating one",
            &[("identifier", json!(identifier)), ("id", json!(id))],
        );
        Diagnostic::warning(
            format!("Adopted the existing Combell account \"{identifier}\""),
            format!(
                "An account for \"{identifier}\" already existed (id {id}), left by an earlier \
                 create that did not finish or by a destroy (which cannot delete accounts). It \
                 is now managed by this resource; no new account was requested. ftp_password \
                 is not sent to an existing account."
            ),
        )
        .into()
    }

    fn pending_job(&self, state: &AccountState) -> Option<String> {
        recorded_job(&state.id, &state.provisioning_job_id)
    }

    /// A read first looks the account up by its identifier (the natural key), then waits.
    async fn settle(
        &self,
        client: &Client,
        state: &AccountState,
        job_id: &str,
        creating: bool,
        limit: Duration,
        cancel: &CancellationToken,
    ) -> Result<(AccountState, Diagnostics), WaitError> {
        let identifier = state.identifier.as_str().unwrap_or_default();
        if !creating {
            let found = find_by_identifier(client, identifier, cancel)
                .await
                .map_err(WaitError::Unfinished)?;
            if let Some(account) = found {
                let detail = client
                    .get_account(account.id, cancel)
                    .await
                    .map_err(WaitError::Unfinished)?;
                return Ok((state_from(&detail, state), Diagnostics::default()));
            }
        }
        let detail = wait_for_account(client, job_id, identifier, limit, cancel).await?;
        Ok((state_from(&detail, state), Diagnostics::default()))
    }

    fn unfinished(&self, state: &AccountState, err: &client::Error, reading: bool) -> String {
        UNFINISHED.detail(state.identifier.as_str().unwrap_or_default(), err, reading)
    }

    /// By id; a state whose id is not an account id names nothing.
    async fn fetch(
        &self,
        client: &Client,
        key: &AccountState,
        cancel: &CancellationToken,
    ) -> Result<Option<AccountState>, client::Error> {
        let Some(account_id) = key.id.as_str().and_then(|id| parse_import_id(id).ok()) else {
            return Ok(None);
        };
        match client.get_account(account_id, cancel).await {
            Ok(detail) => Ok(Some(state_from(&detail, key))),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Only `ftp_password_version` and timeouts change in place, and neither reaches Combell.
    fn updated(&self, prior: &AccountState, planned: &AccountState) -> Diagnostics {
        let mut diags = Diagnostics::default();
        if planned.ftp_password_version != prior.ftp_password_version {
            diags.push(Diagnostic::warning(
                "The FTP password was not changed",
                password_not_changed_detail(prior),
            ));
        }
        diags
    }

    /// Combell's API cannot delete an account: a destroy only forgets it, and says so.
    fn forgotten(&self, prior: &AccountState) -> Option<Diagnostics> {
        let identifier = prior.identifier.as_str().unwrap_or("(unknown)");
        let detail = match (prior.id.as_str(), prior.provisioning_job_id.as_str()) {
            (Some(id), _) => format!(
                "Account \"{identifier}\" (id {id}) was removed from the Terraform state, but it \
                 still exists at Combell and may still be billed: Combell's API cannot delete \
                 accounts. To cancel it, use the Combell control panel or contact \
                 Combell support.\n\nIf Terraform is replacing it, or you apply this \
                 configuration again, a create with the same identifier and servicepack adopts \
                 this account instead of requesting a new one."
            ),
            (None, job) => format!(
                "The creation of account \"{identifier}\" had not finished (provisioning job {}). \
                 It was removed from the Terraform state; if the job completes, the account \
                 exists at Combell and may be billed, and a later create with the same \
                 identifier and servicepack adopts it. Combell's API cannot delete accounts: \
                 cancel it in the Combell control panel or through Combell support.",
                job.unwrap_or("unknown")
            ),
        };
        hclog::warn(
            LOG,
            "account removed from the state only; it still exists at Combell",
            &[
                ("identifier", json!(identifier)),
                ("id", json!(prior.id.as_str())),
            ],
        );
        Some(
            Diagnostic::warning(
                format!("Combell account \"{identifier}\" still exists"),
                detail,
            )
            .into(),
        )
    }

    async fn send_delete(
        &self,
        _client: &Client,
        _prior: &AccountState,
        _cancel: &CancellationToken,
    ) -> Result<Diagnostics, client::Error> {
        Ok(Diagnostics::default())
    }

    fn check_import(&self, parts: &[String]) -> Result<(), String> {
        parse_import_id(&parts[0]).map(|_| ())
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// Waits for the job, logging progress at info level, then reads the account it created.
async fn wait_for_account(
    client: &Client,
    job_id: &str,
    identifier: &str,
    limit: Duration,
    cancel: &CancellationToken,
) -> Result<AccountDetail, WaitError> {
    let job = Provisioning {
        module: LOG,
        what: "account",
        subject: ("identifier", identifier),
        job_id,
    };
    let outcome = job.wait(client, limit, cancel).await?;
    // The account exists from here on: the reads are not cut short by Ctrl-C, so its id
    // reaches the state (the client's own timeouts still bound them).
    let no_cancel = CancellationToken::new();
    let account_id = match outcome.resource_id().and_then(|id| id.parse::<i64>().ok()) {
        Some(id) => id,
        None => match find_by_identifier(client, identifier, &no_cancel).await {
            Ok(Some(account)) => account.id,
            Ok(None) => {
                return Err(WaitError::Vanished(format!(
                    "Provisioning job {job_id} finished but named no account, and no account \
                     \"{identifier}\" can be found. Check the Combell control panel and import \
                     the account if it exists."
                )))
            }
            Err(err) => return Err(WaitError::Unfinished(err)),
        },
    };
    job.provisioned(json!(account_id));
    client
        .get_account(account_id, &no_cancel)
        .await
        .map_err(WaitError::Unfinished)
}

/// An account that already exists for the planned identifier, to use instead of creating one
/// (the core says it was adopted): refused when its servicepack is another.
async fn adopt(
    client: &Client,
    existing: Account,
    planned: &AccountState,
    servicepack_id: i64,
) -> Result<AccountState, Diagnostic> {
    let summary = format!("Unable to create {TYPE_NAME}");
    if existing.servicepack_id != servicepack_id {
        return Err(Diagnostic::error(
            summary,
            format!(
                "An account for \"{}\" already exists (id {}) with servicepack {}, not {}. \
                 Identifiers are unique at Combell and its API cannot change an account's \
                 servicepack. Change the servicepack in the Combell control panel, or set \
                 servicepack_id = {} to manage the existing account.",
                existing.identifier,
                existing.id,
                existing.servicepack_id,
                servicepack_id,
                existing.servicepack_id
            ),
        ));
    }
    match client
        .get_account(existing.id, &CancellationToken::new())
        .await
    {
        Ok(detail) => Ok(state_from(&detail, planned)),
        Err(err) => Err(api_error(summary, &err)),
    }
}

/// The account with this identifier, compared without case: the API's filter is documented
/// as "matching", which a tolerant client does not take to mean "equal".
pub(crate) async fn find_by_identifier(
    client: &Client,
    identifier: &str,
    cancel: &CancellationToken,
) -> Result<Option<Account>, client::Error> {
    let filter = AccountFilter {
        identifier: Some(identifier.to_string()),
        ..AccountFilter::default()
    };
    let accounts = client.list_accounts(&filter, cancel).await?;
    Ok(accounts
        .into_iter()
        .find(|a| a.identifier.eq_ignore_ascii_case(identifier)))
}

/// What an account is in the API, shared with the data source: the one mapping API →
/// Terraform.
pub(crate) fn account_values(detail: &AccountDetail) -> AccountData {
    let addons: Vec<AddonState> = detail
        .addons
        .iter()
        .map(|a| AddonState {
            id: a.id.into(),
            name: a.name.clone().into(),
        })
        .collect();
    AccountData {
        id: detail.id.to_string().into(),
        identifier: detail.identifier.clone().into(),
        servicepack_id: Field::from_option(detail.servicepack.as_ref().map(|p| Number::Int(p.id))),
        servicepack_name: Field::from_option(detail.servicepack.as_ref().map(|p| p.name.clone())),
        addons: addons.into(),
    }
}

/// The one mapping API → state, used by create, read, update and import. What only the
/// configuration knows (password version, job id, timeouts) comes from `prior`, without its
/// unknowns; without a servicepack from Combell, `prior`'s is kept.
fn state_from(detail: &AccountDetail, prior: &AccountState) -> AccountState {
    let prior = prior.known_part();
    let api = account_values(detail);
    AccountState {
        id: api.id,
        identifier: api.identifier,
        servicepack_id: api.servicepack_id.or(prior.servicepack_id),
        ftp_password: Field::Null,
        servicepack_name: api.servicepack_name,
        addons: api.addons,
        ..prior
    }
}

/// What is stored when the job was started but not seen to finish (Terraform taints it).
fn pending_state(planned: &AccountState, job_id: &str) -> AccountState {
    AccountState {
        provisioning_job_id: job_id.to_string().into(),
        ftp_password: Field::Null,
        ..planned.known_part()
    }
}

/// Why a wait ended early, and what happens next.
const UNFINISHED: Unfinished = Unfinished {
    object: "Account",
    after_create: "The account is kept in the state (tainted) together with its provisioning \
                   job, so it is not orphaned: the next plan or apply waits for that job (up to \
                   timeouts.create) and uses the account it creates; no second account is \
                   requested. Raise timeouts.create if provisioning regularly takes longer.",
    after_read: "The state still records the job, so nothing is lost: run plan or apply again \
                 once the job has finished (the Combell control panel shows it); the account it \
                 creates is then used, and no second account is requested.",
    says_stop: true,
};

fn password_not_changed_detail(prior: &AccountState) -> String {
    format!(
        "Combell's API sets an account's FTP password only when the account is created. The new \
         ftp_password_version is recorded, but the password of account \"{}\" is unchanged: \
         change it in the Combell control panel (hosting settings, FTP).",
        prior.identifier.as_str().unwrap_or("(unknown)")
    )
}

fn parse_import_id(id: &str) -> Result<i64, String> {
    match id.trim().parse::<i64>() {
        Ok(n) if n > 0 && !id.trim().starts_with('+') => Ok(n),
        _ => Err(format!(
            "Expected a Combell account id, a positive whole number such as \"1001\"; got \
             \"{id}\". `data.combell_accounts` or GET /v2/accounts lists the ids."
        )),
    }
}

/// Every plan-time problem as (attribute, summary, detail); unknown values are not judged.
fn validate_config(config: &AccountState) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    if let Some(identifier) = config.identifier.as_str() {
        if let Err(detail) = check_identifier(identifier) {
            problems.push(("identifier", "Invalid account identifier".into(), detail));
        }
    }
    if let Some(n) = config.servicepack_id.get() {
        if let Err(detail) = rules::positive_id(
            &Value::Number(n),
            "servicepack_id",
            " (data.combell_servicepacks lists the ids)",
        ) {
            problems.push(("servicepack_id", "Invalid servicepack id".into(), detail));
        }
    }
    if let Some(password) = config.ftp_password.as_str() {
        for detail in password_problems(password) {
            problems.push(("ftp_password", "Invalid FTP password".into(), detail));
        }
    }
    problems
}

/// A domain name as Combell takes it for an account: lower case, at least two labels.
fn check_identifier(identifier: &str) -> Result<(), String> {
    rules::domain_name(identifier)
}

#[cfg(test)]
mod tests {
    use super::*;
    use combell_api::{Addon, Servicepack};
    use tfplugin::{Ctx, Resource};

    fn detail() -> AccountDetail {
        AccountDetail {
            id: 1003,
            identifier: "new-site.be".into(),
            servicepack: Some(Servicepack {
                id: 12,
                name: "Linux Hosting Basic".into(),
            }),
            addons: vec![Addon {
                id: 7,
                name: "Extra storage".into(),
            }],
        }
    }

    /// A configuration of `new-site.be` with servicepack 12, changed by `edit`.
    fn config(edit: impl FnOnce(&mut AccountState)) -> AccountState {
        let mut v = AccountState {
            identifier: "new-site.be".to_string().into(),
            servicepack_id: Number::Int(12).into(),
            ..Default::default()
        };
        edit(&mut v);
        v
    }

    fn n(i: i64) -> Field<Number> {
        Number::Int(i).into()
    }

    fn text(s: &str) -> Field<String> {
        s.to_string().into()
    }

    #[test]
    fn mapping_fills_every_api_attribute_and_keeps_what_only_config_knows() {
        let mut planned = config(|c| {
            c.ftp_password_version = n(2);
            c.timeouts = Value::object([("create", "45m".into())]).into();
        });
        planned.id = Field::Unknown;
        planned.servicepack_name = Field::Unknown;
        planned.addons = Field::Unknown;
        let pending = pending_state(&planned, "job-1");
        let state = state_from(&detail(), &pending);
        assert_eq!(state.id.as_str(), Some("1003"));
        assert_eq!(state.servicepack_id, n(12));
        assert_eq!(state.servicepack_name.as_str(), Some("Linux Hosting Basic"));
        let addons = state.addons.items();
        assert_eq!(addons.len(), 1);
        assert_eq!(addons[0].name.as_str(), Some("Extra storage"));
        assert_eq!(state.ftp_password_version, n(2));
        assert_eq!(state.provisioning_job_id.as_str(), Some("job-1"));
        assert!(state.ftp_password.is_null());
        assert_eq!(
            state.timeouts,
            Field::Known(Value::object([("create", "45m".into())]))
        );
        assert!(state.encode().is_wholly_known());
        // Import: the same mapping from an empty state leaves configuration-only values null.
        let imported = state_from(&detail(), &AccountState::default());
        assert_eq!(imported.id.as_str(), Some("1003"));
        assert!(imported.provisioning_job_id.is_null());
        assert!(imported.timeouts.is_null());
    }

    #[test]
    fn a_pending_state_is_wholly_known_with_a_null_id() {
        let mut planned = config(|c| c.ftp_password = text("Secret123"));
        planned.id = Field::Unknown;
        let state = pending_state(&planned, "job-9");
        assert!(state.encode().is_wholly_known());
        assert!(state.id.is_null());
        assert!(state.ftp_password.is_null());
        assert_eq!(state.provisioning_job_id.as_str(), Some("job-9"));
    }

    fn attributes_with_problems(cfg: &AccountState) -> Vec<&'static str> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, _, _)| a)
            .collect()
    }

    #[test]
    fn a_valid_configuration_has_no_problems() {
        assert!(
            attributes_with_problems(&config(|c| c.ftp_password = text("abcdef12"))).is_empty()
        );
        assert!(
            attributes_with_problems(&config(|c| c.ftp_password = text("Abc-123_x!yz.987")))
                .is_empty()
        );
    }

    #[test]
    fn every_password_rule_is_checked_on_its_own() {
        let cases = [
            ("abc12", 1),                 // too short
            ("a1234567890123456789x", 1), // too long
            ("abcdefgh", 1),              // no digit
            ("12345678", 1),              // no letter
            ("abc def12", 1),             // space
            ("abcdef12*", 1),
            ("abcdef12€", 1),
            ("abcdef12$", 1),
            ("abcdef12&", 1),
            ("abcdef12+", 1),
            ("abcdef12}", 1),
            ("abcdef12{", 1),
            ("abcdef12'", 1),
            ("abcdef12\"", 1),
            ("abcdef12\\", 1),
            ("$ x", 4), // short, no letter... has x: short, no digit, space, forbidden
        ];
        for (password, count) in cases {
            let problems = password_problems(password);
            assert_eq!(problems.len(), count, "{password}: {problems:?}");
            assert!(
                problems.iter().all(|p| !p.contains(password)),
                "a message quotes the password: {problems:?}"
            );
            assert_eq!(
                attributes_with_problems(&config(|c| c.ftp_password = text(password))),
                vec!["ftp_password"; count]
            );
        }
    }

    #[test]
    fn identifier_and_servicepack_rules() {
        for bad in [
            "Example.com",
            "example",
            "example.com.",
            "-a.com",
            "a_b.com",
            "",
        ] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.identifier = text(bad))),
                ["identifier"],
                "{bad}"
            );
        }
        assert!(
            attributes_with_problems(&config(|c| c.identifier = text("shop.example-1.co.uk")))
                .is_empty()
        );
        for bad in [0i64, -3] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.servicepack_id = n(bad))),
                ["servicepack_id"]
            );
        }
        assert_eq!(
            attributes_with_problems(&config(|c| c.servicepack_id.set(Number::Float(1.5)))),
            ["servicepack_id"]
        );
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let cfg = config(|c| {
            c.identifier = Field::Unknown;
            c.servicepack_id = Field::Unknown;
            c.ftp_password = Field::Unknown;
        });
        assert!(attributes_with_problems(&cfg).is_empty());
    }

    #[test]
    fn import_ids() {
        assert_eq!(parse_import_id("1001"), Ok(1001));
        assert_eq!(parse_import_id(" 42 "), Ok(42));
        for bad in ["", "0", "-1", "abc", "10.5", "+7", "1001/x"] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    fn stored() -> AccountState {
        let mut s = state_from(&detail(), &config(|c| c.ftp_password_version = n(1)));
        s.provisioning_job_id = text("job-1");
        s
    }

    fn plan(prior: AccountState, cfg: AccountState) -> PlanResponse {
        let proposed = AccountState {
            id: prior.id.clone(),
            servicepack_name: prior.servicepack_name.clone(),
            addons: prior.addons.clone(),
            provisioning_job_id: prior.provisioning_job_id.clone(),
            ..cfg.clone()
        };
        block_on(RESOURCE.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior: prior.encode(),
                proposed: proposed.encode(),
                config: cfg.encode(),
                prior_private: Vec::new(),
            },
        ))
    }

    fn planned(p: &PlanResponse) -> AccountState {
        AccountState::decode_complete(&p.planned).unwrap()
    }

    #[test]
    fn identifier_and_servicepack_changes_replace() {
        let p = plan(stored(), config(|c| c.ftp_password_version = n(1)));
        assert!(p.requires_replace.is_empty());
        assert!(p.diagnostics.is_empty());
        let p = plan(
            stored(),
            config(|c| {
                c.servicepack_id = n(13);
                c.ftp_password_version = n(1);
            }),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("servicepack_id")]);
        // ...which cannot succeed for the same identifier: said at plan time.
        assert!(p.diagnostics.has_errors());
        assert!(planned(&p).id.is_unknown());
        let p = plan(
            stored(),
            config(|c| {
                c.identifier = text("other.be");
                c.ftp_password_version = n(1);
            }),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("identifier")]);
        assert!(!p.diagnostics.has_errors());
        let p = plan(
            stored(),
            config(|c| {
                c.identifier = text("other.be");
                c.servicepack_id = n(13);
                c.ftp_password_version = n(1);
            }),
        );
        assert_eq!(p.requires_replace.len(), 2);
        assert!(
            !p.diagnostics.has_errors(),
            "a new identifier is a new account"
        );
    }

    #[test]
    fn a_new_password_version_updates_in_place_with_a_warning() {
        let p = plan(
            stored(),
            config(|c| {
                c.ftp_password_version = n(2);
                c.ftp_password = text("Newpass123");
            }),
        );
        assert!(p.requires_replace.is_empty());
        assert!(!p.diagnostics.has_errors());
        assert_eq!(p.diagnostics.iter().count(), 1);
        assert_eq!(planned(&p).id.as_str(), Some("1003"));
        assert!(planned(&p).ftp_password.is_null());
    }

    #[test]
    fn destroy_warns_that_the_account_still_exists() {
        let diags = block_on(RESOURCE.delete(&Ctx::for_tests(None), &stored().encode()));
        assert!(!diags.has_errors());
        let warning = diags.iter().next().unwrap();
        assert!(warning.summary.contains("new-site.be"));
        assert!(warning.detail.contains("1003"));
        assert!(warning.detail.contains("billed"));
        assert!(warning.detail.contains("control panel"));
        let pending = pending_state(&config(|_| {}), "job-7").encode();
        let diags = block_on(RESOURCE.delete(&Ctx::for_tests(None), &pending));
        assert!(diags.iter().next().unwrap().detail.contains("job-7"));
    }

    #[test]
    fn import_gives_the_id_for_read_to_fill_in() {
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), "1001"));
        let state = AccountState::decode_complete(&result.state.unwrap()).unwrap();
        assert_eq!(state.id.as_str(), Some("1001"));
        assert!(state.identifier.is_null());
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), "example.com"));
        assert!(result.state.is_none());
        assert!(result.diagnostics.has_errors());
    }

    #[test]
    fn schema_says_up_front_that_destroy_does_not_delete() {
        let s = schema();
        assert!(s.block.description.contains("cannot delete an account"));
        let password = s.attribute("ftp_password").unwrap();
        assert!(password.write_only && password.sensitive);
        assert!(s.block.blocks.iter().any(|b| b.type_name == "timeouts"));
    }
}
