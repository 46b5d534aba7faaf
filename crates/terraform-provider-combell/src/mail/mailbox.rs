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
//! Writes: a create is the POST, the auto-reply and auto-forward PUTs it needs, and one read
//! back, because Combell decides `login`, `max_size` and `actual_size`. An update (password,
//! settings) stores the plan without reading back, unless the plan leaves a setting's field
//! unknown; `actual_size` then comes with the next read.
//!
//! Quirks: the API never returns the password (so it is write-only, with `password_version` to
//! trigger a change), nor the mail zone account a mailbox belongs to (so `account_id` is kept
//! from the configuration or, left out, from the create, which takes the domain's only mail zone
//! account; it is null after an import). Neither the address nor the account can change: both
//! replace the mailbox.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, or_return, read_with};
use crate::core::reconcile::{create_once, CreateSpec, Created};
use crate::core::rules::{self, password_problems};
use crate::core::{api_error, client};
use combell_api::{
    AutoForward, AutoReply, CancellationToken, CreateMailbox, MailboxDetail, Secret,
};
use tfplugin::{
    decode, default_plan, identity_strings, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic,
    Diagnostics, Field, IdentityAttribute, IdentitySchema, ImportResult, Model, Nesting, Number,
    PlanRequest, PlanResponse, ReadResult, Resource, Schema, Type, Value,
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

    fn model_attributes(&self) -> Vec<&'static str> {
        Mailbox::attribute_names()
    }

    /// An auto-reply or auto-forward that is off and holds nothing is what a mailbox has
    /// unless someone set one up: a configuration leaves it out (not managed).
    fn trim_generated_config(&self, _state: &Value, config: &mut Value) {
        let settings: [(&str, &[&str]); 2] = [
            ("auto_reply", &["subject", "message"]),
            ("auto_forward", &["email_addresses"]),
        ];
        for (name, contents) in settings {
            let Some(setting) = config.get(name) else {
                continue;
            };
            let off = setting.get_bool("enabled") != Some(true);
            let empty = contents.iter().all(|c| match setting.get(c) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(Value::List(items)) => items.is_empty(),
                Some(_) => false,
            });
            if off && empty {
                config.set(name, Value::Null);
            }
        }
    }

    fn requires_replace(&self) -> &[&str] {
        &REPLACE_ON_CHANGE
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = decode!(Mailbox, config);
        let mut diags = Diagnostics::default();
        for (attribute, summary, detail) in validate_config(&config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
        diags
    }

    async fn plan(&self, _ctx: &Ctx, mut req: PlanRequest) -> PlanResponse {
        let creating = req.prior.is_null();
        let config = Mailbox::decode(&req.config);
        // An imported mailbox has no account_id (the API does not report one): recording it
        // later is not a change of account, so it must not replace the mailbox.
        if !creating {
            if let (Ok(mut prior), Ok(proposed)) =
                (Mailbox::decode(&req.prior), Mailbox::decode(&req.proposed))
            {
                if prior.account_id.is_null() {
                    prior.account_id = proposed.account_id;
                    req.prior = prior.encode();
                }
            }
        }
        let mut resp = default_plan(&schema(), &REPLACE_ON_CHANGE, &[], req);
        let new_object = creating || !resp.requires_replace.is_empty();
        if resp.planned.is_null() || !new_object {
            return resp;
        }
        if config.is_ok_and(|c| c.password.is_null()) {
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
        let mut planned = decode!(Mailbox, planned);
        let config = decode!(Mailbox, config);
        let client = or_return!(client(ctx));
        let (Some(address), Some(password)) = (
            planned.email_address.as_str().map(str::to_string),
            config.password.as_str(),
        ) else {
            return ApplyResult::error(Diagnostic::error(
                summary,
                "email_address and password must both be known to create a mailbox.",
            ));
        };
        let address = address.as_str();
        let account_id = match planned.account_id.get().and_then(Number::as_i64) {
            Some(id) => id,
            None => match zone_account(&client, address, ctx.stopping()).await {
                Ok(id) => id,
                Err(diag) => return ApplyResult::error(diag),
            },
        };
        planned.account_id.set(Number::Int(account_id));
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
        let nothing = Mailbox::default();
        if let Err(err) = apply_settings(&client, &id, &nothing, planned, &no_cancel).await {
            diags.push(api_error(summary.clone(), &err));
        }
        let fallback = Mailbox {
            id: id.clone().into(),
            ..known(planned)
        };
        match client.get_mailbox(&id, &no_cancel).await {
            Ok(detail) => apply_with(state_from(&detail, planned).encode(), diags),
            Err(err) => {
                diags.push(api_error(summary, &err));
                apply_with(fallback.encode(), diags)
            }
        }
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let summary = format!("Unable to read {TYPE_NAME}");
        let current = decode!(Mailbox, state);
        let client = or_return!(client(ctx));
        let Some(id) = current.id.as_str() else {
            return ReadResult::gone();
        };
        match client.get_mailbox(id, ctx.stopping()).await {
            Ok(detail) => ReadResult::ok(state_from(&detail, &current).encode()),
            Err(err) if err.is_not_found() => {
                hclog::info(
                    LOG,
                    "mailbox no longer exists; removing it from the state",
                    &[("email_address", json!(id))],
                );
                ReadResult::gone()
            }
            Err(err) => read_with(state.clone(), api_error(summary, &err).into()),
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
        let client = or_return!(client(ctx));
        let current = decode!(Mailbox, prior);
        let planned = decode!(Mailbox, planned);
        let config = decode!(Mailbox, config);
        let Some(id) = current.id.as_str() else {
            return ApplyResult::error(Diagnostic::error(summary, "The state has no mailbox id."));
        };
        let failed = |diags: Diagnostics| apply_with(prior.clone(), diags);
        if planned.password_version != current.password_version {
            let Some(password) = config.password.as_str() else {
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
        if let Err(err) = apply_settings(&client, id, &current, &planned, ctx.stopping()).await {
            return failed(api_error(summary, &err).into());
        }
        // One request per write: the plan is the new state unless it leaves a value unknown
        // (an auto-reply or auto-forward field left out of a changed setting).
        let planned_state = planned.encode();
        if planned_state.is_wholly_known() {
            return ApplyResult::ok(planned_state);
        }
        match client.get_mailbox(id, &CancellationToken::new()).await {
            Ok(detail) => ApplyResult::ok(state_from(&detail, &planned).encode()),
            Err(err) => failed(api_error(summary, &err).into()),
        }
    }

    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = decode!(Mailbox, prior);
        let Some(id) = prior.id.as_str() else {
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
                let state = Mailbox {
                    id: address.clone().into(),
                    email_address: address.into(),
                    ..Default::default()
                };
                ImportResult {
                    state: Some(state.encode()),
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
    prior: &Mailbox,
    planned: &Mailbox,
    cancel: &CancellationToken,
) -> Result<(), combell_api::Error> {
    if let Some(reply) = planned
        .auto_reply
        .known()
        .filter(|_| planned.auto_reply != prior.auto_reply)
    {
        client
            .set_mailbox_autoreply(id, &auto_reply_from(reply), cancel)
            .await?;
        hclog::info(
            LOG,
            "mailbox auto-reply set",
            &[("email_address", json!(id))],
        );
    }
    if let Some(forward) = planned
        .auto_forward
        .known()
        .filter(|_| planned.auto_forward != prior.auto_forward)
    {
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
fn auto_reply_from(reply: &Reply) -> AutoReply {
    AutoReply {
        enabled: reply.enabled.get().unwrap_or(false),
        subject: reply.subject.as_str().unwrap_or_default().to_string(),
        message: reply.message.as_str().unwrap_or_default().to_string(),
    }
}

fn auto_forward_from(forward: &Forward) -> AutoForward {
    AutoForward {
        enabled: forward.enabled.get().unwrap_or(false),
        email_addresses: forward.email_addresses.items().to_vec(),
        copy_to_myself: forward.copy_to_myself.get().unwrap_or(false),
    }
}

fn reply_state(reply: &AutoReply) -> Reply {
    Reply {
        enabled: reply.enabled.into(),
        subject: reply.subject.clone().into(),
        message: reply.message.clone().into(),
    }
}

fn forward_state(forward: &AutoForward) -> Forward {
    Forward {
        enabled: forward.enabled.into(),
        email_addresses: forward.email_addresses.clone().into(),
        copy_to_myself: forward.copy_to_myself.into(),
    }
}

tfplugin::model! {
    /// `auto_reply` of `combell_mailbox`.
    struct Reply {
        enabled: bool,
        subject: String,
        message: String,
    }
}

tfplugin::model! {
    /// `auto_forward` of `combell_mailbox`.
    struct Forward {
        enabled: bool,
        email_addresses: Vec<String>,
        copy_to_myself: bool,
    }
}

tfplugin::model! {
    /// The state (and configuration) of `combell_mailbox`. Numbers the configuration sets are
    /// `Number`, so that validation reports a fraction in its own words.
    struct Mailbox {
        id: String,
        email_address: String,
        account_id: Number,
        password: String,
        password_version: Number,
        auto_reply: Reply,
        auto_forward: Forward,
        login: String,
        max_size: i64,
        actual_size: i64,
    }
}

/// The one mapping API → state, used by create, read, update and import. What the API does not
/// report (account, password version) comes from `prior`.
fn state_from(detail: &MailboxDetail, prior: &Mailbox) -> Mailbox {
    let address = detail.name.to_ascii_lowercase();
    Mailbox {
        id: address.clone().into(),
        email_address: address.into(),
        login: detail.login.clone().into(),
        max_size: detail.max_size.into(),
        actual_size: detail.actual_size.into(),
        auto_reply: reply_state(&detail.auto_reply).into(),
        auto_forward: forward_state(&detail.auto_forward).into(),
        ..known(prior)
    }
}

/// The wholly known part of `value`, without the (write-only) password: the shape of a state.
fn known(value: &Mailbox) -> Mailbox {
    Mailbox {
        password: Field::Null,
        ..value.known_part()
    }
}

/// Every plan-time problem as (attribute, summary, detail); unknown values are not judged.
fn validate_config(config: &Mailbox) -> Vec<(&'static str, String, String)> {
    let mut problems = Vec::new();
    let address = config.email_address.as_str();
    if let Some(address) = address {
        if let Err(detail) = rules::email_address(address) {
            problems.push(("email_address", "Invalid e-mail address".into(), detail));
        }
    }
    if let Some(n) = config.account_id.get() {
        if let Err(detail) = rules::positive_id(
            &Value::Number(n),
            "account_id",
            ": a mail zone account id such as 1001",
        ) {
            problems.push(("account_id", "Invalid account id".into(), detail));
        }
    }
    if let Some(password) = config.password.as_str() {
        for detail in password_problems(password) {
            problems.push(("password", "Invalid mailbox password".into(), detail));
        }
    }
    if config.password_version.is_known() && config.password.is_null() {
        problems.push((
            "password_version",
            "password_version without password".into(),
            "password_version tells Terraform to send password again; set password too (or \
             remove password_version)."
                .into(),
        ));
    }
    if let Some(reply) = config.auto_reply.known() {
        let enabled = reply.enabled.get() == Some(true);
        let message = &reply.message;
        if enabled && (message.is_null() || message.as_str().is_some_and(|s| s.trim().is_empty())) {
            problems.push((
                "auto_reply",
                "An enabled auto-reply needs a message".into(),
                "Set auto_reply.message to the text of the automatic answer.".into(),
            ));
        }
        if reply
            .subject
            .as_str()
            .is_some_and(|s| s.chars().count() > MAX_SUBJECT_CHARS)
        {
            problems.push((
                "auto_reply",
                "Auto-reply subject too long".into(),
                format!("auto_reply.subject may be at most {MAX_SUBJECT_CHARS} characters."),
            ));
        }
        if reply
            .message
            .as_str()
            .is_some_and(|s| s.chars().count() > MAX_MESSAGE_CHARS)
        {
            problems.push((
                "auto_reply",
                "Auto-reply message too long".into(),
                format!("auto_reply.message may be at most {MAX_MESSAGE_CHARS} characters."),
            ));
        }
    }
    if let Some(forward) = config.auto_forward.known() {
        forward_problems(forward, address, &mut problems);
    }
    problems
}

fn forward_problems(
    forward: &Forward,
    own: Option<&str>,
    problems: &mut Vec<(&'static str, String, String)>,
) {
    let enabled = forward.enabled.get() == Some(true);
    if forward.email_addresses.is_unknown() {
        return;
    }
    let addresses = forward.email_addresses.items();
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
    for address in addresses.iter().map(String::as_str) {
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

    fn generated(detail: &MailboxDetail) -> Mailbox {
        let state = state_from(detail, &Mailbox::default()).encode();
        let mut config = tfplugin::generated_config(&schema(), &state);
        MailboxResource.trim_generated_config(&state, &mut config);
        Mailbox::decode(&config).unwrap()
    }

    #[test]
    fn generated_configuration_leaves_out_settings_nobody_made() {
        let set_up = generated(&detail());
        assert!(set_up.auto_reply.is_known() && set_up.auto_forward.is_known());
        assert!(set_up.password.is_null() && set_up.id.is_null() && set_up.login.is_null());
        assert!(validate_config(&set_up).is_empty());
        let untouched = MailboxDetail {
            auto_forward: AutoForward {
                enabled: false,
                email_addresses: Vec::new(),
                copy_to_myself: false,
            },
            auto_reply: AutoReply {
                enabled: false,
                subject: String::new(),
                message: String::new(),
            },
            ..detail()
        };
        let generated_untouched = generated(&untouched);
        assert!(generated_untouched.auto_reply.is_null());
        assert!(generated_untouched.auto_forward.is_null());
        assert_eq!(
            generated_untouched.email_address.as_str(),
            Some("info@example.com")
        );
        // Switched off but still holding a message: kept, it is someone's text.
        let paused = MailboxDetail {
            auto_reply: AutoReply {
                enabled: false,
                ..detail().auto_reply
            },
            ..untouched
        };
        assert!(generated(&paused).auto_reply.is_known());
    }

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

    fn config(change: impl FnOnce(&mut Mailbox)) -> Mailbox {
        let mut v = Mailbox {
            email_address: "info@example.com".to_string().into(),
            account_id: Number::Int(1001).into(),
            ..Default::default()
        };
        change(&mut v);
        v
    }

    fn text(s: &str) -> Field<String> {
        s.to_string().into()
    }

    fn problems(cfg: &Mailbox) -> Vec<(&'static str, String)> {
        validate_config(cfg)
            .into_iter()
            .map(|(a, s, _)| (a, s))
            .collect()
    }

    fn attributes_with_problems(cfg: &Mailbox) -> Vec<&'static str> {
        problems(cfg).into_iter().map(|(a, _)| a).collect()
    }

    fn reply(enabled: bool, subject: Field<String>, message: Field<String>) -> Field<Reply> {
        Reply {
            enabled: enabled.into(),
            subject,
            message,
        }
        .into()
    }

    fn forward(enabled: bool, addresses: &[&str]) -> Field<Forward> {
        Forward {
            enabled: enabled.into(),
            email_addresses: addresses
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .into(),
            copy_to_myself: Field::Null,
        }
        .into()
    }

    #[test]
    fn mapping_fills_every_api_attribute_and_keeps_what_only_config_knows() {
        let mut planned = config(|c| c.password_version = Number::Int(3).into());
        planned.id = Field::Unknown;
        planned.login = Field::Unknown;
        let state = state_from(&detail(), &planned);
        assert_eq!(state.id.as_str(), Some("info@example.com"));
        assert_eq!(state.login.as_str(), Some("info@example.com"));
        assert_eq!(state.max_size.get(), Some(5120));
        assert_eq!(state.actual_size.get(), Some(12));
        assert_eq!(state.account_id.get().and_then(Number::as_i64), Some(1001));
        assert_eq!(
            state.password_version.get().and_then(Number::as_i64),
            Some(3)
        );
        assert!(state.password.is_null());
        let reply = state.auto_reply.known().unwrap();
        assert_eq!(reply.message.as_str(), Some("Back soon"));
        let fwd = state.auto_forward.known().unwrap();
        assert_eq!(fwd.email_addresses.items().len(), 1);
        assert_eq!(fwd.copy_to_myself.get(), Some(true));
        assert!(state.encode().is_wholly_known());
        // Import: the API does not say which account; it stays null.
        let imported = state_from(&detail(), &Mailbox::default());
        assert!(imported.account_id.is_null());
        // What is sent is what is read back.
        assert_eq!(auto_reply_from(reply), detail().auto_reply);
        assert_eq!(auto_forward_from(fwd), detail().auto_forward);
    }

    #[test]
    fn a_valid_configuration_has_no_problems() {
        let cfg = config(|c| {
            c.password = text("Secret123");
            c.password_version = Number::Int(1).into();
            c.auto_reply = reply(true, text("Away"), text("Back soon"));
            c.auto_forward = forward(true, &["a@example.org", "b@example.org"]);
        });
        assert!(problems(&cfg).is_empty(), "{:?}", problems(&cfg));
        let off = config(|c| {
            c.auto_reply = reply(false, Field::Null, Field::Null);
            c.auto_forward = forward(false, &[]);
        });
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
                attributes_with_problems(&config(|c| c.email_address = text(bad))),
                ["email_address"],
                "{bad}"
            );
        }
        assert!(attributes_with_problems(&config(|c| {
            c.email_address = text("first.last+tag@mail.example-1.be")
        }))
        .is_empty());
    }

    #[test]
    fn account_id_rules() {
        for bad in [Number::Int(0), Number::Int(-1), Number::Float(1.5)] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.account_id = bad.into())),
                ["account_id"]
            );
        }
    }

    #[test]
    fn password_rules_are_the_shared_ones() {
        for (password, count) in [("abc12", 1), ("abcdefgh", 1), ("abc def1$", 2)] {
            let found = problems(&config(|c| c.password = text(password)));
            assert_eq!(found.len(), count, "{password}: {found:?}");
            assert!(found.iter().all(|(a, _)| *a == "password"));
        }
    }

    #[test]
    fn a_password_version_needs_a_password() {
        assert_eq!(
            attributes_with_problems(&config(|c| c.password_version = Number::Int(1).into())),
            ["password_version"]
        );
        // An unknown password (from a variable not yet known) is not judged.
        assert!(attributes_with_problems(&config(|c| {
            c.password_version = Number::Int(1).into();
            c.password = Field::Unknown;
        }))
        .is_empty());
    }

    #[test]
    fn auto_reply_rules() {
        for bad in [
            reply(true, Field::Null, Field::Null),
            reply(true, Field::Null, text("  ")),
            reply(false, "x".repeat(256).into(), Field::Null),
            reply(false, Field::Null, "x".repeat(10_001).into()),
        ] {
            assert_eq!(
                attributes_with_problems(&config(|c| c.auto_reply = bad.clone())),
                ["auto_reply"],
                "{bad:?}"
            );
        }
        assert!(attributes_with_problems(&config(|c| {
            c.auto_reply = reply(true, "x".repeat(255).into(), text("ok"))
        }))
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
                attributes_with_problems(&config(|c| c.auto_forward = value)),
                ["auto_forward"],
                "{what}"
            );
        }
        let unknown = Forward {
            enabled: true.into(),
            email_addresses: Field::Unknown,
            copy_to_myself: Field::Null,
        };
        assert!(attributes_with_problems(&config(|c| c.auto_forward = unknown.into())).is_empty());
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let cfg = config(|c| {
            c.email_address = Field::Unknown;
            c.account_id = Field::Unknown;
            c.password = Field::Unknown;
            c.auto_reply = Field::Unknown;
            c.auto_forward = Field::Unknown;
        });
        assert!(problems(&cfg).is_empty());
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap()
    }

    /// `prior: None` plans a create.
    fn plan(prior: Option<Mailbox>, cfg: Mailbox) -> PlanResponse {
        let mut proposed = cfg.clone();
        proposed.password = Field::Null;
        let old = prior.clone().unwrap_or_default();
        fn keep<T: Clone>(proposed: &mut Field<T>, cfg: &Field<T>, prior: &Field<T>) {
            if cfg.is_null() {
                *proposed = prior.clone();
            }
        }
        keep(&mut proposed.id, &cfg.id, &old.id);
        keep(&mut proposed.login, &cfg.login, &old.login);
        keep(&mut proposed.max_size, &cfg.max_size, &old.max_size);
        keep(
            &mut proposed.actual_size,
            &cfg.actual_size,
            &old.actual_size,
        );
        keep(&mut proposed.auto_reply, &cfg.auto_reply, &old.auto_reply);
        keep(
            &mut proposed.auto_forward,
            &cfg.auto_forward,
            &old.auto_forward,
        );
        block_on(MailboxResource.plan(
            &Ctx::for_tests(None),
            PlanRequest {
                prior: prior.map_or(Value::Null, |p| p.encode()),
                proposed: proposed.encode(),
                config: cfg.encode(),
                prior_private: Vec::new(),
            },
        ))
    }

    fn planned(p: &PlanResponse) -> Mailbox {
        Mailbox::decode_complete(&p.planned).unwrap()
    }

    fn stored() -> Option<Mailbox> {
        Some(state_from(
            &detail(),
            &config(|c| c.password_version = Number::Int(1).into()),
        ))
    }

    fn version(n: i64) -> impl FnOnce(&mut Mailbox) {
        move |c| c.password_version = Number::Int(n).into()
    }

    #[test]
    fn a_create_needs_a_password_but_not_an_account() {
        let p = plan(None, config(|c| c.password = text("Secret123")));
        assert!(!p.diagnostics.has_errors());
        assert!(planned(&p).password.is_null());
        let p = plan(None, config(|_| {}));
        assert!(p.diagnostics.has_errors());
        // Left out, the account is found at create: unknown until then.
        let p = plan(
            None,
            config(|c| {
                c.password = text("Secret123");
                c.account_id = Field::Null;
            }),
        );
        assert!(!p.diagnostics.has_errors());
        assert!(planned(&p).account_id.is_unknown());
    }

    #[test]
    fn address_and_account_changes_replace_but_recording_an_account_does_not() {
        let p = plan(stored(), config(version(1)));
        assert!(p.requires_replace.is_empty());
        assert!(!p.diagnostics.has_errors());
        let p = plan(
            stored(),
            config(|c| {
                version(1)(c);
                c.account_id = Number::Int(1002).into();
                c.password = text("Secret123");
            }),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("account_id")]);
        assert!(!p.diagnostics.has_errors());
        let p = plan(
            stored(),
            config(|c| {
                version(1)(c);
                c.email_address = text("other@example.com");
            }),
        );
        assert_eq!(p.requires_replace, [AttributePath::new("email_address")]);
        assert!(
            p.diagnostics.has_errors(),
            "the replacement is a create, which needs a password"
        );
        // Imported (no account_id in the state): setting it is an in-place update.
        let imported = state_from(&detail(), &Mailbox::default());
        let p = plan(Some(imported), config(|_| {}));
        assert!(p.requires_replace.is_empty());
        assert!(!p.diagnostics.has_errors());
        assert_eq!(
            planned(&p).account_id.get().and_then(Number::as_i64),
            Some(1001)
        );
    }

    #[test]
    fn import_takes_the_address_in_any_case() {
        let result = block_on(MailboxResource.import(&Ctx::for_tests(None), " Info@Example.com"));
        let state = Mailbox::decode_complete(&result.state.unwrap()).unwrap();
        assert_eq!(state.id.as_str(), Some("info@example.com"));
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
