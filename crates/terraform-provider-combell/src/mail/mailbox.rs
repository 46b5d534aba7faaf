//! `combell_mailbox`: a mailbox of a domain's mail zone. Import ID: the e-mail address, e.g.
//! `info@example.com` (`data.combell_mailboxes` lists them).
//!
//! Combell creates a mailbox synchronously (`POST /v2/mailboxes` answers 201), so there is no
//! job to wait for and no `timeouts` block. Auto-reply and auto-forward are **nested
//! attributes**, not companion resources: every mailbox always has both (disabled by default),
//! the API has no create or delete for them, only a PUT that replaces the whole setting, and
//! `GET /v2/mailboxes/{address}` reads them back with the mailbox. A companion resource would
//! need an invented lifecycle (a "delete" that is really a PUT of `enabled = false`), and two of
//! them could fight over one mailbox. Both are optional and computed, and so is each of their
//! fields: left out, a setting is not managed and the state shows what Combell has. (Terraform
//! keeps the prior value of a left-out nested attribute only when all its fields are computed,
//! which is why `enabled` is not required.)
//!
//! Quirks: the API never returns the password (so it is write-only, with `password_version` to
//! trigger a change), nor the mail zone account a mailbox belongs to (so `account_id` is kept
//! from the configuration or, left out, from the create, which takes the domain's only mail zone
//! account; it is null after an import). Neither the address nor the account can change: both
//! replace the mailbox.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::reconcile::{create_once, CreateSpec, Created};
use crate::core::rules::{self, password_problems};
use crate::core::{api_error, client};
use combell_api::{
    AutoForward, AutoReply, CancellationToken, CreateMailbox, MailboxDetail, Secret,
};
use tfplugin::{
    default_plan, identity_strings, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic,
    Diagnostics, IdentityAttribute, IdentitySchema, ImportResult, Nesting, PlanRequest,
    PlanResponse, ReadResult, Resource, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_mailbox";
const LOG: &str = "mailbox";

/// Limits on auto-reply and auto-forward. Combell does not publish them; these are the ones its
/// control panel and the simulator apply, checked at plan time so an apply does not fail halfway.
const MAX_SUBJECT_CHARS: usize = 255;
const MAX_MESSAGE_CHARS: usize = 10_000;
const MAX_FORWARDS: usize = 25;

pub struct MailboxResource;

// ---- Schema ---------------------------------------------------------------------------------

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("The mailbox's e-mail address, which is how Combell names it."),
        Attribute::string("email_address").required().description(
            "The mailbox's e-mail address, such as `info@example.com`, in lower case. Its domain \
             needs a mail zone at Combell (an account with mail for that domain). Changing it \
             replaces the mailbox (its mail is lost).",
        ),
        Attribute::number("account_id")
            .optional()
            .computed()
            .description(
                "Id of the mail zone account the mailbox is created in: one of the \
                 `available_accounts` of the domain's mail zone (usually the Combell account \
                 id, such as `1001`). Left out, the domain's only mail zone account is used \
                 (with several, set it). Combell's API does not report it for an existing \
                 mailbox, so it is null after an import and a change outside Terraform is not \
                 detected; setting it on an imported mailbox only records it. Changing a \
                 recorded value replaces the mailbox.",
            ),
        Attribute::string("password")
            .optional()
            .sensitive()
            .write_only()
            .description(
                "**Write-only** (Terraform 1.11 or newer): never stored in the plan or state. \
                 The mailbox's password, required to create it. Sent again (changing it) when \
                 `password_version` changes. 8 to 20 characters, letters and digits with at \
                 least one of each; no spaces and none of `* € $ & + } { ' \" \\`.",
            ),
        Attribute::number("password_version")
            .optional()
            .description(
                "Any number you change when you change `password`, so that Terraform notices the \
             change (write-only values are not compared) and sets the new password. Needs \
             `password`.",
            ),
        auto_reply_attribute(),
        auto_forward_attribute(),
        Attribute::string("login")
            .computed()
            .description("The login for the mailbox's mail servers (IMAP, POP3, SMTP)."),
        Attribute::number("max_size")
            .computed()
            .description("The mailbox's quota, in MB."),
        Attribute::number("actual_size")
            .computed()
            .description("Space the mailbox uses now, in MB."),
    ])
    .description(
        "A mailbox of a domain whose mail Combell hosts, with its auto-reply and auto-forward \
         settings. The password is write-only: set `password_version` to change it. Destroying \
         the resource deletes the mailbox and its mail.",
    )
}

pub(crate) fn auto_reply_attribute() -> Attribute {
    Attribute::nested(
        "auto_reply",
        Nesting::Single,
        vec![
            Attribute::bool("enabled")
                .optional()
                .computed()
                .description(
                    "Whether the mailbox answers incoming mail automatically. Left out, \
                     Combell's current setting is kept (off for a new mailbox).",
                ),
            Attribute::string("subject")
                .optional()
                .computed()
                .description(
                    "Subject of the automatic answer, at most 255 characters. Left out, Combell's \
                 current subject is kept.",
                ),
            Attribute::string("message")
                .optional()
                .computed()
                .description(
                    "Text of the automatic answer, at most 10000 characters; required when \
                 `enabled` is true. Left out, Combell's current message is kept.",
                ),
        ],
    )
    .optional()
    .computed()
    .description(
        "The automatic answer to incoming mail. Left out, it is not managed: the state shows \
         Combell's setting and removing the attribute later changes nothing at Combell (set \
         `enabled = false` to turn it off).",
    )
}

pub(crate) fn auto_forward_attribute() -> Attribute {
    Attribute::nested(
        "auto_forward",
        Nesting::Single,
        vec![
            Attribute::bool("enabled")
                .optional()
                .computed()
                .description(
                    "Whether incoming mail is forwarded. Left out, Combell's current setting is \
                     kept (off for a new mailbox).",
                ),
            Attribute::new("email_addresses", Type::list(Type::String))
                .optional()
                .computed()
                .description(
                    "Where mail is forwarded to: 1 to 25 distinct lower-case e-mail addresses \
                     when `enabled` is true, not the mailbox's own. Left out, Combell's current \
                     list is kept.",
                ),
            Attribute::bool("copy_to_myself")
                .optional()
                .computed()
                .description(
                    "Whether the mailbox also keeps a copy of forwarded mail. Left out, Combell's \
                 current setting is kept.",
                ),
        ],
    )
    .optional()
    .computed()
    .description(
        "Forwarding of incoming mail. Left out, it is not managed: the state shows Combell's \
         setting and removing the attribute later changes nothing at Combell (set \
         `enabled = false` to turn it off).",
    )
}

// ---- Lifecycle ------------------------------------------------------------------------------

const REPLACE_ON_CHANGE: [&str; 2] = ["email_address", "account_id"];

#[async_trait]
impl Resource for MailboxResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &[
            "POST /mailboxes",
            "GET /mailboxes/{mailboxName}",
            "DELETE /mailboxes/{mailboxName}",
            "PUT /mailboxes/{mailboxName}/password",
            "PUT /mailboxes/{mailboxName}/autoreply",
            "PUT /mailboxes/{mailboxName}/autoforward",
            "GET /mailzones/{domainName}",
        ]
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::new(vec![IdentityAttribute::string(
            "email_address",
            "The mailbox's e-mail address, in lower case, such as `info@example.com`.",
        )]))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let [address] = identity_strings(state, ["email_address"])?;
        Some(Value::object([(
            "email_address",
            address.trim().to_ascii_lowercase().into(),
        )]))
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
        diags
    }

    async fn plan(&self, _ctx: &Ctx, mut req: PlanRequest) -> PlanResponse {
        let creating = req.prior.is_null();
        let config = req.config.clone();
        // An imported mailbox has no account_id (the API does not report one): recording it
        // later is not a change of account, so it must not replace the mailbox.
        if !creating && req.prior.get("account_id").is_none_or(Value::is_null) {
            let proposed = req.proposed.get("account_id").cloned().unwrap_or_default();
            req.prior.set("account_id", proposed);
        }
        let mut resp = default_plan(&schema(), &REPLACE_ON_CHANGE, &[], req);
        let new_object = creating || !resp.requires_replace.is_empty();
        if resp.planned.is_null() || !new_object {
            return resp;
        }
        if config.get("password").is_some_and(Value::is_null) {
            resp.diagnostics.push(
                Diagnostic::error(
                    "A new mailbox needs a password",
                    "Combell creates a mailbox only together with its password: set password \
                     (and password_version, to change it later).",
                )
                .at(AttributePath::new("password")),
            );
        }
        resp
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ApplyResult::error(d),
        };
        let (Some(address), Some(password)) =
            (planned.get_str("email_address"), config.get_str("password"))
        else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "email_address and password must both be known to create a mailbox.",
            ));
        };
        let account_id = match planned.get_i64("account_id") {
            Some(id) => id,
            None => match zone_account(&client, address, ctx.stopping()).await {
                Ok(id) => id,
                Err(diag) => return ApplyResult::error(diag),
            },
        };
        let mut planned = planned.clone();
        planned.set("account_id", account_id);
        let planned = &planned;
        // A mailbox that exists before the POST is not ours: taking it over silently would
        // hand its mail to this configuration (and to its destroy).
        match client.get_mailbox(address, ctx.stopping()).await {
            Ok(_) => {
                return ApplyResult::error(Diagnostic::error(
                    summary,
                    format!(
                        "Mailbox \"{address}\" already exists at Combell. To manage it with \
                         Terraform, import it: terraform import <resource address> {address} \
                         (or an import block with id = \"{address}\")."
                    ),
                ))
            }
            Err(err) if err.is_not_found() => {}
            Err(err) => return ApplyResult::error(api_error(summary, &err)),
        }
        let request = CreateMailbox {
            account_id,
            email_address: address.to_string(),
            password: Secret::new(password),
        };
        // From the POST on, Ctrl-C no longer cuts calls short: a mailbox that exists must reach
        // the state.
        let no_cancel = CancellationToken::new();
        let mut diags = Diagnostics::default();
        let what = format!("mailbox \"{address}\"");
        // The address did not exist a moment ago: a mailbox found under it after a lost answer
        // (a 5xx after the change, a broken connection) was made by this create.
        let created = create_once(
            CreateSpec {
                module: LOG,
                what: &what,
                settle: Duration::ZERO,
                cancel: ctx.stopping(),
                order: None,
            },
            || client.create_mailbox(&request, ctx.stopping()),
            || async {
                match client.get_mailbox(address, &no_cancel).await {
                    Ok(_) => Ok(Some(())),
                    Err(err) if err.is_not_found() => Ok(None),
                    Err(err) => Err(err),
                }
            },
        )
        .await;
        let id = match created {
            Ok(Created::Posted(id)) => id.to_ascii_lowercase(),
            Ok(Created::Found(())) => address.to_string(),
            Err(failure) => return ApplyResult::error(failure.diagnostic(summary)),
        };
        hclog::info(LOG, "mailbox created", &[("email_address", json!(id))]);

        // Whatever fails next, the mailbox is recorded (tainted).
        if let Err(err) = apply_settings(&client, &id, &Value::Null, planned, &no_cancel).await {
            diags.push(api_error(summary.clone(), &err));
        }
        let mut fallback = known(planned);
        fallback.set("id", id.clone());
        match client.get_mailbox(&id, &no_cancel).await {
            Ok(detail) => ApplyResult {
                state: Some(state_from(&detail, planned)),
                diagnostics: diags,
                ..Default::default()
            },
            Err(err) => {
                diags.push(api_error(summary, &err));
                ApplyResult {
                    state: Some(fallback),
                    diagnostics: diags,
                    ..Default::default()
                }
            }
        }
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ReadResult::error(d),
        };
        let Some(id) = state.get_str("id") else {
            return ReadResult::gone();
        };
        match client.get_mailbox(id, ctx.stopping()).await {
            Ok(detail) => ReadResult::ok(state_from(&detail, state)),
            Err(err) if err.is_not_found() => {
                hclog::info(
                    LOG,
                    "mailbox no longer exists; removing it from the state",
                    &[("email_address", json!(id))],
                );
                ReadResult::gone()
            }
            Err(err) => ReadResult {
                state: Some(state.clone()),
                diagnostics: api_error(summary, &err).into(),
                ..Default::default()
            },
        }
    }

    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> ApplyResult {
        let summary = format!("Unable to update {TYPE_NAME}");
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return ApplyResult::error(d),
        };
        let Some(id) = prior.get_str("id") else {
            return ApplyResult::error(Diagnostic::error(summary, "The state has no mailbox id."));
        };
        let failed = |diags: Diagnostics| ApplyResult {
            state: Some(prior.clone()),
            diagnostics: diags,
            ..Default::default()
        };
        if planned.get("password_version") != prior.get("password_version") {
            let Some(password) = config.get_str("password") else {
                return failed(
                    Diagnostic::error(
                        summary,
                        "password_version changed but password is not set: set the new \
                         password together with its version.",
                    )
                    .at(AttributePath::new("password"))
                    .into(),
                );
            };
            if let Err(err) = client
                .set_mailbox_password(id, &Secret::new(password), ctx.stopping())
                .await
            {
                return failed(api_error(summary, &err).into());
            }
            hclog::info(
                LOG,
                "mailbox password changed",
                &[("email_address", json!(id))],
            );
        }
        if let Err(err) = apply_settings(&client, id, prior, planned, ctx.stopping()).await {
            return failed(api_error(summary, &err).into());
        }
        match client.get_mailbox(id, &CancellationToken::new()).await {
            Ok(detail) => ApplyResult::ok(state_from(&detail, planned)),
            Err(err) => failed(api_error(summary, &err).into()),
        }
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let Some(id) = prior.get_str("id") else {
            return Diagnostics::default();
        };
        match client(ctx) {
            Ok(client) => match client.delete_mailbox(id, ctx.stopping()).await {
                Ok(()) => Diagnostics::default(),
                Err(err) if err.is_not_found() => Diagnostics::default(),
                Err(err) => api_error(format!("Unable to delete {TYPE_NAME}"), &err).into(),
            },
            Err(d) => d.into(),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let address = id.trim().to_ascii_lowercase();
        match rules::email_address(&address) {
            Ok(()) => {
                let mut state = empty_state();
                state.set("id", address.clone());
                state.set("email_address", address);
                ImportResult {
                    state: Some(state),
                    ..Default::default()
                }
            }
            Err(detail) => ImportResult {
                diagnostics: Diagnostic::error(
                    format!("Invalid import ID for {TYPE_NAME}"),
                    format!(
                        "Expected the mailbox's e-mail address, such as \"info@example.com\". \
                         {detail}"
                    ),
                )
                .into(),
                ..Default::default()
            },
        }
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// The mail zone account a mailbox goes into when the configuration names none: the domain's
/// only one. With several, guessing could put the mailbox under the wrong quota.
async fn zone_account(
    client: &combell_api::Client,
    address: &str,
    cancel: &CancellationToken,
) -> Result<i64, Diagnostic> {
    let summary = format!("Unable to create {TYPE_NAME}");
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    match client.mail_zone_account_ids(domain, cancel).await {
        Ok(ids) => match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(Diagnostic::error(
                summary,
                format!(
                    "The mail zone of \"{domain}\" has no mail zone account to create \
                     \"{address}\" in. Check the account's mail settings in the Combell control \
                     panel."
                ),
            )),
            many => Err(Diagnostic::error(
                summary,
                format!(
                    "The mail zone of \"{domain}\" has several mail zone accounts ({}); set \
                     account_id to the one \"{address}\" belongs in.",
                    many.iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        },
        Err(err) if err.is_not_found() => Err(Diagnostic::error(
            summary,
            format!(
                "\"{domain}\" has no mail zone at Combell, so it cannot have mailboxes: create \
                 an account with mail for it first."
            ),
        )),
        Err(err) => Err(api_error(summary, &err)),
    }
}

/// PUTs auto-reply and auto-forward where the plan sets them and they differ from `prior`.
async fn apply_settings(
    client: &combell_api::Client,
    id: &str,
    prior: &Value,
    planned: &Value,
    cancel: &CancellationToken,
) -> Result<(), combell_api::Error> {
    let planned_reply = planned.get_known("auto_reply").filter(|v| !v.is_null());
    if let Some(reply) = planned_reply.filter(|r| Some(*r) != prior.get("auto_reply")) {
        client
            .set_mailbox_autoreply(id, &auto_reply_from(reply), cancel)
            .await?;
        hclog::info(
            LOG,
            "mailbox auto-reply set",
            &[("email_address", json!(id))],
        );
    }
    let planned_forward = planned.get_known("auto_forward").filter(|v| !v.is_null());
    if let Some(forward) = planned_forward.filter(|f| Some(*f) != prior.get("auto_forward")) {
        client
            .set_mailbox_autoforward(id, &auto_forward_from(forward), cancel)
            .await?;
        hclog::info(
            LOG,
            "mailbox auto-forward set",
            &[("email_address", json!(id))],
        );
    }
    Ok(())
}

/// Unknown parts (left out on create) are sent as Combell's defaults, which read back the same.
fn auto_reply_from(value: &Value) -> AutoReply {
    AutoReply {
        enabled: value.get_bool("enabled").unwrap_or(false),
        subject: value.get_str("subject").unwrap_or_default().to_string(),
        message: value.get_str("message").unwrap_or_default().to_string(),
    }
}

fn auto_forward_from(value: &Value) -> AutoForward {
    AutoForward {
        enabled: value.get_bool("enabled").unwrap_or(false),
        email_addresses: value
            .get_list("email_addresses")
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        copy_to_myself: value.get_bool("copy_to_myself").unwrap_or(false),
    }
}

pub(crate) fn auto_reply_value(reply: &AutoReply) -> Value {
    Value::object([
        ("enabled", reply.enabled.into()),
        ("subject", reply.subject.clone().into()),
        ("message", reply.message.clone().into()),
    ])
}

pub(crate) fn auto_forward_value(forward: &AutoForward) -> Value {
    Value::object([
        ("enabled", forward.enabled.into()),
        (
            "email_addresses",
            Value::List(
                forward
                    .email_addresses
                    .iter()
                    .map(|a| Value::from(a.clone()))
                    .collect(),
            ),
        ),
        ("copy_to_myself", forward.copy_to_myself.into()),
    ])
}

/// The one mapping API → state, used by create, read, update and import. What the API does not
/// report (account, password version) comes from `prior`.
fn state_from(detail: &MailboxDetail, prior: &Value) -> Value {
    let mut state = known(prior);
    let address = detail.name.to_ascii_lowercase();
    state.set("id", address.clone());
    state.set("email_address", address);
    state.set("login", detail.login.clone());
    state.set("max_size", detail.max_size);
    state.set("actual_size", detail.actual_size);
    state.set("auto_reply", auto_reply_value(&detail.auto_reply));
    state.set("auto_forward", auto_forward_value(&detail.auto_forward));
    state.set("password", Value::Null);
    state
}

/// A copy of `value` over every schema attribute, with unknowns as null: the shape of a state.
fn known(value: &Value) -> Value {
    let mut state = empty_state();
    for (name, v) in value.as_map().into_iter().flatten() {
        if state.get(name).is_some() && v.is_wholly_known() {
            state.set(name, v.clone());
        }
    }
    state.set("password", Value::Null);
    state
}

fn empty_state() -> Value {
    Value::object(
        schema()
            .block
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null)),
    )
}

/// Every plan-time problem as (attribute, summary, detail); unknown values are not judged.
fn validate_config(config: &Value) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    let address = config.get_str("email_address");
    if let Some(address) = address {
        if let Err(detail) = rules::email_address(address) {
            problems.push(("email_address", "Invalid e-mail address".into(), detail));
        }
    }
    if let Some(n) = config.get_known("account_id").filter(|v| !v.is_null()) {
        if let Err(detail) =
            rules::positive_id(n, "account_id", ": a mail zone account id such as 1001")
        {
            problems.push(("account_id", "Invalid account id".into(), detail));
        }
    }
    if let Some(password) = config.get_str("password") {
        for detail in password_problems(password) {
            problems.push(("password", "Invalid mailbox password".into(), detail));
        }
    }
    let version_set = config
        .get_known("password_version")
        .is_some_and(|v| !v.is_null());
    if version_set && config.get("password").is_some_and(Value::is_null) {
        problems.push((
            "password_version",
            "password_version without password".into(),
            "password_version tells Terraform to send password again; set password too (or \
             remove password_version)."
                .into(),
        ));
    }
    if let Some(reply) = config.get_known("auto_reply").filter(|v| !v.is_null()) {
        let enabled = reply.get_bool("enabled") == Some(true);
        let message = reply.get("message");
        if enabled
            && message
                .is_some_and(|m| m.is_null() || m.as_str().is_some_and(|s| s.trim().is_empty()))
        {
            problems.push((
                "auto_reply",
                "An enabled auto-reply needs a message".into(),
                "Set auto_reply.message to the text of the automatic answer.".into(),
            ));
        }
        if reply
            .get_str("subject")
            .is_some_and(|s| s.chars().count() > MAX_SUBJECT_CHARS)
        {
            problems.push((
                "auto_reply",
                "Auto-reply subject too long".into(),
                format!("auto_reply.subject may be at most {MAX_SUBJECT_CHARS} characters."),
            ));
        }
        if reply
            .get_str("message")
            .is_some_and(|s| s.chars().count() > MAX_MESSAGE_CHARS)
        {
            problems.push((
                "auto_reply",
                "Auto-reply message too long".into(),
                format!("auto_reply.message may be at most {MAX_MESSAGE_CHARS} characters."),
            ));
        }
    }
    if let Some(forward) = config.get_known("auto_forward").filter(|v| !v.is_null()) {
        forward_problems(forward, address, &mut problems);
    }
    problems
}

fn forward_problems(
    forward: &Value,
    own: Option<&str>,
    problems: &mut Vec<(&'static str, String, String)>,
) {
    let enabled = forward.get_bool("enabled") == Some(true);
    let Some(list) = forward.get("email_addresses").filter(|l| !l.is_unknown()) else {
        return;
    };
    let addresses = list.as_list();
    if enabled && addresses.is_empty() {
        problems.push((
            "auto_forward",
            "An enabled auto-forward needs an address".into(),
            "Set auto_forward.email_addresses to at least one e-mail address.".into(),
        ));
    }
    if addresses.len() > MAX_FORWARDS {
        problems.push((
            "auto_forward",
            "Too many forward addresses".into(),
            format!(
                "auto_forward.email_addresses may hold at most {MAX_FORWARDS} addresses; it has {}.",
                addresses.len()
            ),
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for address in addresses.iter().filter_map(Value::as_str) {
        if let Err(detail) = rules::email_address(address) {
            problems.push(("auto_forward", "Invalid forward address".into(), detail));
        } else if Some(address) == own {
            problems.push((
                "auto_forward",
                "A mailbox cannot forward to itself".into(),
                "Remove the mailbox's own address from auto_forward.email_addresses; set \
                 copy_to_myself = true to keep a copy."
                    .into(),
            ));
        } else if seen.contains(&address) {
            problems.push((
                "auto_forward",
                "Duplicate forward address".into(),
                format!("\"{address}\" is listed twice in auto_forward.email_addresses."),
            ));
        }
        seen.push(address);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> MailboxDetail {
        MailboxDetail {
            name: "info@example.com".into(),
            max_size: 5120,
            actual_size: 12,
            login: "info@example.com".into(),
            auto_forward: AutoForward {
                enabled: true,
                email_addresses: vec!["a@example.org".into()],
                copy_to_myself: true,
            },
            auto_reply: AutoReply {
                enabled: true,
                subject: "Away".into(),
                message: "Back soon".into(),
            },
        }
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = empty_state();
        v.set("email_address", "info@example.com");
        v.set("account_id", 1001i64);
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    fn problems(cfg: &Value) -> Vec<(&'static str, String)> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, s, _)| (a, s))
            .collect()
    }

    fn attributes_with_problems(cfg: &Value) -> Vec<&'static str> {
        problems(cfg).into_iter().map(|(a, _)| a).collect()
    }

    fn reply(enabled: bool, subject: Value, message: Value) -> Value {
        Value::object([
            ("enabled", enabled.into()),
            ("subject", subject),
            ("message", message),
        ])
    }

    fn forward(enabled: bool, addresses: &[&str]) -> Value {
        Value::object([
            ("enabled", enabled.into()),
            (
                "email_addresses",
                Value::List(addresses.iter().map(|a| Value::from(*a)).collect()),
            ),
            ("copy_to_myself", Value::Null),
        ])
    }

    #[test]
    fn mapping_fills_every_api_attribute_and_keeps_what_only_config_knows() {
        let mut planned = config(&[("password_version", 3i64.into())]);
        planned.set("id", Value::Unknown);
        planned.set("login", Value::Unknown);
        let state = state_from(&detail(), &planned);
        assert_eq!(state.get_str("id"), Some("info@example.com"));
        assert_eq!(state.get_str("login"), Some("info@example.com"));
        assert_eq!(state.get_i64("max_size"), Some(5120));
        assert_eq!(state.get_i64("actual_size"), Some(12));
        assert_eq!(state.get_i64("account_id"), Some(1001));
        assert_eq!(state.get_i64("password_version"), Some(3));
        assert!(state.get("password").is_some_and(Value::is_null));
        let reply = state.get("auto_reply").unwrap();
        assert_eq!(reply.get_str("message"), Some("Back soon"));
        let fwd = state.get("auto_forward").unwrap();
        assert_eq!(fwd.get_list("email_addresses").len(), 1);
        assert_eq!(fwd.get_bool("copy_to_myself"), Some(true));
        assert!(state.is_wholly_known());
        // Import: the API does not say which account; it stays null.
        let imported = state_from(&detail(), &empty_state());
        assert!(imported.get("account_id").is_some_and(Value::is_null));
        // What is sent is what is read back.
        assert_eq!(auto_reply_from(reply), detail().auto_reply);
        assert_eq!(auto_forward_from(fwd), detail().auto_forward);
    }

    #[test]
    fn a_valid_configuration_has_no_problems() {
        let cfg = config(&[
            ("password", "Secret123".into()),
            ("password_version", 1i64.into()),
            ("auto_reply", reply(true, "Away".into(), "Back soon".into())),
            (
                "auto_forward",
                forward(true, &["a@example.org", "b@example.org"]),
            ),
        ]);
        assert!(problems(&cfg).is_empty(), "{:?}", problems(&cfg));
        let off = config(&[
            ("auto_reply", reply(false, Value::Null, Value::Null)),
            ("auto_forward", forward(false, &[])),
        ]);
        assert!(problems(&off).is_empty());
    }

    #[test]
    fn email_address_rules() {
        for bad in [
            "Info@example.com",
            "info",
            "@example.com",
            "info@example",
            ".info@example.com",
            "in..fo@example.com",
            "in fo@example.com",
            "info@-x.com",
            "",
        ] {
            assert_eq!(
                attributes_with_problems(&config(&[("email_address", bad.into())])),
                ["email_address"],
                "{bad}"
            );
        }
        assert!(attributes_with_problems(&config(&[(
            "email_address",
            "first.last+tag@mail.example-1.be".into()
        )]))
        .is_empty());
    }

    #[test]
    fn account_id_rules() {
        for bad in [Value::from(0i64), (-1i64).into(), 1.5f64.into()] {
            assert_eq!(
                attributes_with_problems(&config(&[("account_id", bad)])),
                ["account_id"]
            );
        }
    }

    #[test]
    fn password_rules_are_the_shared_ones() {
        for (password, count) in [("abc12", 1), ("abcdefgh", 1), ("abc def1$", 2)] {
            let found = problems(&config(&[("password", password.into())]));
            assert_eq!(found.len(), count, "{password}: {found:?}");
            assert!(found.iter().all(|(a, _)| *a == "password"));
        }
    }

    #[test]
    fn a_password_version_needs_a_password() {
        assert_eq!(
            attributes_with_problems(&config(&[("password_version", 1i64.into())])),
            ["password_version"]
        );
        // An unknown password (from a variable not yet known) is not judged.
        assert!(attributes_with_problems(&config(&[
            ("password_version", 1i64.into()),
            ("password", Value::Unknown),
        ]))
        .is_empty());
    }

    #[test]
    fn auto_reply_rules() {
        for bad in [
            reply(true, Value::Null, Value::Null),
            reply(true, Value::Null, "  ".into()),
            reply(false, "x".repeat(256).into(), Value::Null),
            reply(false, Value::Null, "x".repeat(10_001).into()),
        ] {
            assert_eq!(
                attributes_with_problems(&config(&[("auto_reply", bad.clone())])),
                ["auto_reply"],
                "{bad:?}"
            );
        }
        assert!(attributes_with_problems(&config(&[(
            "auto_reply",
            reply(true, "x".repeat(255).into(), "ok".into())
        )]))
        .is_empty());
    }

    #[test]
    fn auto_forward_rules() {
        let many: Vec<String> = (0..26).map(|i| format!("u{i}@example.org")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let cases = [
            ("empty while enabled", forward(true, &[])),
            ("too many", forward(false, &many)),
            ("invalid", forward(false, &["not-an-address"])),
            ("upper case", forward(false, &["A@example.org"])),
            ("itself", forward(true, &["info@example.com"])),
            (
                "duplicate",
                forward(true, &["a@example.org", "a@example.org"]),
            ),
        ];
        for (what, value) in cases {
            assert_eq!(
                attributes_with_problems(&config(&[("auto_forward", value)])),
                ["auto_forward"],
                "{what}"
            );
        }
        let mut unknown = forward(true, &[]);
        unknown.set("email_addresses", Value::Unknown);
        assert!(attributes_with_problems(&config(&[("auto_forward", unknown)])).is_empty());
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let cfg = config(&[
            ("email_address", Value::Unknown),
            ("account_id", Value::Unknown),
            ("password", Value::Unknown),
            ("auto_reply", Value::Unknown),
            ("auto_forward", Value::Unknown),
        ]);
        assert!(problems(&cfg).is_empty());
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    fn plan(prior: Value, cfg: Value) -> PlanResponse {
        let mut proposed = cfg.clone();
        proposed.set("password", Value::Null);
        for name in [
            "id",
            "login",
            "max_size",
            "actual_size",
            "auto_reply",
            "auto_forward",
        ] {
            if cfg.get(name).is_none_or(Value::is_null) {
                proposed.set(name, prior.get(name).cloned().unwrap_or_default());
            }
        }
        block_on(MailboxResource.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior,
                proposed,
                config: cfg,
                prior_private: Vec::new(),
            },
        ))
    }

    fn stored() -> Value {
        state_from(&detail(), &config(&[("password_version", 1i64.into())]))
    }

    #[test]
    fn a_create_needs_a_password_but_not_an_account() {
        let p = plan(Value::Null, config(&[("password", "Secret123".into())]));
        assert!(!p.diagnostics.has_errors());
        assert!(p.planned.get("password").is_some_and(Value::is_null));
        let p = plan(Value::Null, config(&[]));
        assert!(p.diagnostics.has_errors());
        // Left out, the account is found at create: unknown until then.
        let p = plan(
            Value::Null,
            config(&[
                ("password", "Secret123".into()),
                ("account_id", Value::Null),
            ]),
        );
        assert!(!p.diagnostics.has_errors());
        assert!(p.planned.is_unknown_at("account_id"));
    }

    #[test]
    fn address_and_account_changes_replace_but_recording_an_account_does_not() {
        let p = plan(stored(), config(&[("password_version", 1i64.into())]));
        assert!(p.requires_replace.is_empty());
        assert!(!p.diagnostics.has_errors());
        let p = plan(
            stored(),
            config(&[
                ("password_version", 1i64.into()),
                ("account_id", 1002i64.into()),
                ("password", "Secret123".into()),
            ]),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("account_id")]);
        assert!(!p.diagnostics.has_errors());
        let p = plan(
            stored(),
            config(&[
                ("password_version", 1i64.into()),
                ("email_address", "other@example.com".into()),
            ]),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("email_address")]);
        assert!(
            p.diagnostics.has_errors(),
            "the replacement is a create, which needs a password"
        );
        // Imported (no account_id in the state): setting it is an in-place update.
        let imported = state_from(&detail(), &empty_state());
        let p = plan(imported, config(&[]));
        assert!(p.requires_replace.is_empty());
        assert!(!p.diagnostics.has_errors());
        assert_eq!(p.planned.get_i64("account_id"), Some(1001));
    }

    #[test]
    fn import_takes_the_address_in_any_case() {
        let result = block_on(MailboxResource.import(&Ctx::for_tests(None), " Info@Example.com"));
        let state = result.state.unwrap();
        assert_eq!(state.get_str("id"), Some("info@example.com"));
        let result = block_on(MailboxResource.import(&Ctx::for_tests(None), "1001"));
        assert!(result.state.is_none());
        assert!(result.diagnostics.has_errors());
    }

    #[test]
    fn schema_keeps_the_password_write_only_and_describes_everything() {
        let s = schema();
        let password = s.attribute("password").unwrap();
        assert!(password.write_only && password.sensitive);
        fn all_described(attrs: &[Attribute]) -> bool {
            attrs.iter().all(|a| {
                !a.description.is_empty()
                    && match &a.ty {
                        tfplugin::AttributeType::Nested(_, sub) => all_described(sub),
                        _ => true,
                    }
            })
        }
        assert!(all_described(&s.block.attributes));
    }
}
