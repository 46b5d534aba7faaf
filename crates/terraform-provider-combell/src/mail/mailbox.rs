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
//!
//! Through the core's one path (`core::managed`). Natural key: the address, which must not
//! exist before the POST (a mailbox there is refused, not taken over), so one found under it
//! after a lost answer is the one created. The account is settled before the create
//! (`prepare_create`); the settings' PUTs and the read back follow it (`after_create`).

use async_trait::async_trait;
use serde_json::json;

use crate::core::api_error;
use crate::core::client;
use crate::core::flow::apply_with;
use crate::core::ids::IdPart;
use crate::core::list::unless_missing;
use crate::core::managed::{Managed, Typed};
use crate::core::rules::{self, password_problems};
use combell_api::{
    self as api, AutoForward, AutoReply, CancellationToken, Client, CreateMailbox, MailboxDetail,
    Secret,
};
use tfplugin::{
    default_plan, ApplyResult, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Field,
    Model, Nesting, Number, PlanRequest, PlanResponse, Schema, Type, Value,
};

const TYPE_NAME: &str = "combell_mailbox";
const LOG: &str = "mailbox";

/// Limits on auto-reply and auto-forward. Combell does not publish them; these are the ones its
/// control panel and the simulator apply, checked at plan time so an apply does not fail halfway.
const MAX_SUBJECT_CHARS: usize = 255;
const MAX_MESSAGE_CHARS: usize = 10_000;
const MAX_FORWARDS: usize = 25;

/// The parts of `combell_mailbox` the core calls.
#[derive(Clone, Copy)]
pub struct MailboxPart;

/// The Terraform resource, as the core runs it and the list resource names it.
pub(crate) static RESOURCE: Typed<MailboxPart> = Typed::new(MailboxPart);

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
    setting(
        "auto_reply",
        "the mailbox answers incoming mail automatically",
        vec![
            kept(
                Attribute::string("subject"),
                "Subject of the automatic answer, at most 255 characters. Left out, Combell's \
                 current subject is kept.",
            ),
            kept(
                Attribute::string("message"),
                "Text of the automatic answer, at most 10000 characters; required when \
                 `enabled` is true. Left out, Combell's current message is kept.",
            ),
        ],
        "The automatic answer to incoming mail.",
    )
}

pub(crate) fn auto_forward_attribute() -> Attribute {
    setting(
        "auto_forward",
        "incoming mail is forwarded",
        vec![
            kept(
                Attribute::new("email_addresses", Type::list(Type::String)),
                "Where mail is forwarded to: 1 to 25 distinct lower-case e-mail addresses when \
                 `enabled` is true, not the mailbox's own. Left out, Combell's current list is \
                 kept.",
            ),
            kept(
                Attribute::bool("copy_to_myself"),
                "Whether the mailbox also keeps a copy of forwarded mail. Left out, Combell's \
                 current setting is kept.",
            ),
        ],
        "Forwarding of incoming mail.",
    )
}

/// A setting of the mailbox: `enabled` (whether `enabled_means`), then `fields`; like each of
/// them, not managed when left out.
fn setting(name: &str, enabled_means: &str, fields: Vec<Attribute>, what: &str) -> Attribute {
    let enabled = kept(
        Attribute::bool("enabled"),
        &format!(
            "Whether {enabled_means}. Left out, Combell's current setting is kept (off for a new \
             mailbox)."
        ),
    );
    kept(
        Attribute::nested(
            name,
            Nesting::Single,
            std::iter::once(enabled).chain(fields).collect(),
        ),
        &format!(
            "{what} Left out, it is not managed: the state shows Combell's setting and removing \
             the attribute later changes nothing at Combell (set `enabled = false` to turn it \
             off)."
        ),
    )
}

/// Optional and computed: left out, Combell's value is kept.
fn kept(attribute: Attribute, description: &str) -> Attribute {
    attribute.optional().computed().description(description)
}

// ---- The parts the core calls -------------------------------------------------------------

#[async_trait]
impl Managed for MailboxPart {
    type Model = Mailbox;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = LOG;
    const ID_PARTS: &'static [IdPart] = &[(
        "email_address",
        "The mailbox's e-mail address, in lower case, such as `info@example.com`.",
    )];
    const ID_EXAMPLE: &'static str = "info@example.com";
    const LOWER_CASE_IDENTITY: bool = true;
    const API_OPERATIONS: &'static [&'static str] = &[
        "POST /mailboxes",
        "GET /mailboxes/{mailboxName}",
        "DELETE /mailboxes/{mailboxName}",
        "PUT /mailboxes/{mailboxName}/password",
        "PUT /mailboxes/{mailboxName}/autoreply",
        "PUT /mailboxes/{mailboxName}/autoforward",
        "GET /mailzones/{domainName}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["email_address", "account_id"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Mailbox, diags: &mut Diagnostics) {
        for (attribute, summary, detail) in validate_config(config) {
            diags.error_at(AttributePath::new(attribute), summary, detail);
        }
    }

    /// An imported mailbox has no account_id (the API does not report one): recording it later
    /// is not a change of account, so it must not replace the mailbox. A new mailbox (also a
    /// replacement) needs a password.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        let creating = req.prior.is_null();
        let decoded = (Mailbox::decode(&req.prior), Mailbox::decode(&req.proposed));
        if let (false, (Ok(mut prior), Ok(proposed))) = (creating, decoded) {
            if prior.account_id.is_null() {
                prior.account_id = proposed.account_id;
                let prior = prior.encode();
                let req = PlanRequest {
                    prior,
                    ..req.clone()
                };
                *resp = default_plan(schema, Self::REQUIRES_REPLACE, &[], req);
            }
        }
        let new_object = creating || !resp.requires_replace.is_empty();
        if !resp.planned.is_null()
            && new_object
            && Mailbox::decode(&req.config).is_ok_and(|c| c.password.is_null())
        {
            resp.diagnostics.push(
                Diagnostic::error(
                    "A new mailbox needs a password",
                    "Combell creates a mailbox only together with its password: set password \
                     (and password_version, to change it later).",
                )
                .at(AttributePath::new("password")),
            );
        }
    }

    /// An auto-reply or auto-forward that is off and holds nothing is what a mailbox has
    /// unless someone set one up: a configuration leaves it out (not managed).
    fn trim_generated_config(&self, _state: &Mailbox, config: &mut Mailbox) {
        let off = |enabled: &Field<bool>| enabled.get() != Some(true);
        let blank = |text: &Field<String>| text.as_str().unwrap_or_default().is_empty();
        let reply = config.auto_reply.known();
        if reply.is_some_and(|r| off(&r.enabled) && blank(&r.subject) && blank(&r.message)) {
            config.auto_reply = Field::Null;
        }
        let forward = config.auto_forward.known();
        if forward.is_some_and(|f| off(&f.enabled) && f.email_addresses.items().is_empty()) {
            config.auto_forward = Field::Null;
        }
    }

    fn what(&self, planned: &Mailbox) -> String {
        let address = planned.email_address.as_str().unwrap_or_default();
        format!("mailbox \"{address}\"")
    }

    /// Both the address and the password must be known; left out, the account is the domain's
    /// only mail zone account.
    async fn prepare_create(
        &self,
        client: &Client,
        planned: &mut Mailbox,
        config: &Mailbox,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Diagnostic> {
        let (Some(address), Some(_)) = (planned.email_address.as_str(), config.password.as_str())
        else {
            return Err(Diagnostic::error(
                summary,
                "email_address and password must both be known to create a mailbox.",
            ));
        };
        if planned.account_id.get().and_then(Number::as_i64).is_none() {
            let account_id = zone_account(client, address, summary, cancel).await?;
            planned.account_id.set(Number::Int(account_id));
        }
        Ok(())
    }

    /// A mailbox that exists before the POST is not ours: taking it over silently would hand
    /// its mail to this configuration (and to its destroy).
    async fn before_create(
        &self,
        client: &Client,
        planned: &Mailbox,
        summary: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<Mailbox>, Diagnostic> {
        let address = planned.email_address.as_str().unwrap_or_default();
        match unless_missing(client.get_mailbox(address, cancel).await) {
            Ok(None) => Ok(None),
            Ok(Some(_)) => Err(Diagnostic::error(
                summary,
                format!(
                    "Mailbox \"{address}\" already exists at Combell. To manage it with \
                     Terraform, import it: terraform import <resource address> {address} \
                     (or an import block with id = \"{address}\")."
                ),
            )),
            Err(err) => Err(api_error(summary, &err)),
        }
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Mailbox,
        config: &Mailbox,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let request = CreateMailbox {
            account_id: planned
                .account_id
                .get()
                .and_then(Number::as_i64)
                .unwrap_or(0),
            email_address: planned.email_address.as_str().unwrap_or_default().into(),
            password: Secret::new(config.password.as_str().unwrap_or_default()),
        };
        client.create_mailbox(&request, cancel).await
    }

    /// The plan's known part under the new id: the settings and the read back follow in
    /// [`Managed::after_create`].
    fn created(&self, planned: &Mailbox, answer: &str) -> Mailbox {
        Mailbox {
            id: answer.to_ascii_lowercase().into(),
            ..known(planned)
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        key: &Mailbox,
        cancel: &CancellationToken,
    ) -> Result<Option<Mailbox>, api::Error> {
        let Some(id) = key.id.as_str() else {
            return Ok(None);
        };
        let found = unless_missing(client.get_mailbox(id, cancel).await)?;
        Ok(found.map(|detail| state_from(&detail, key)))
    }

    /// The address did not exist a moment ago: a mailbox found under it after a lost answer
    /// (a 5xx after the change, a broken connection) was made by this create. It is recorded
    /// like a posted one, its settings and read back still to come.
    async fn find_created(
        &self,
        client: &Client,
        planned: &Mailbox,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Mailbox>, api::Error> {
        let address = planned.email_address.as_str().unwrap_or_default();
        let found = unless_missing(client.get_mailbox(address, cancel).await)?;
        Ok(found.map(|_| self.created(planned, address)))
    }

    /// The auto-reply and auto-forward PUTs the plan needs, then one read back (Combell decides
    /// `login`, `max_size` and `actual_size`). Whatever fails, the mailbox is recorded
    /// (tainted). Ctrl-C no longer cuts these calls short.
    async fn after_create(&self, ctx: &Ctx, planned: &Value, created: ApplyResult) -> ApplyResult {
        let state = match &created.state {
            Some(state) if !created.diagnostics.has_errors() => state,
            _ => return created,
        };
        let (Ok(state), Ok(mut planned)) = (Mailbox::decode(state), Mailbox::decode(planned))
        else {
            return created;
        };
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return apply_with(state.encode(), diag.into()),
        };
        let (id, no_cancel) = (
            state.id.as_str().unwrap_or_default(),
            CancellationToken::new(),
        );
        planned.account_id = state.account_id.clone();
        let settings = apply_settings(&client, id, &Mailbox::default(), &planned, &no_cancel).await;
        let (state, read_back) = match client.get_mailbox(id, &no_cancel).await {
            Ok(detail) => (state_from(&detail, &planned), Ok(())),
            Err(err) => (state, Err(err)),
        };
        let mut diags = created.diagnostics;
        for err in [settings, read_back].into_iter().filter_map(Result::err) {
            diags.push(api_error(format!("Unable to create {TYPE_NAME}"), &err));
        }
        apply_with(state.encode(), diags)
    }

    /// A new password_version sends the password, which only the configuration holds.
    fn check_update(
        &self,
        prior: &Mailbox,
        planned: &Mailbox,
        config: &Mailbox,
        summary: &str,
    ) -> Result<(), Diagnostic> {
        if prior.id.as_str().is_none() {
            return Err(Diagnostic::error(summary, "The state has no mailbox id."));
        }
        if planned.password_version != prior.password_version && config.password.is_null() {
            return Err(Diagnostic::error(
                summary,
                "password_version changed but password is not set: set the new password \
                 together with its version.",
            )
            .at(AttributePath::new("password")));
        }
        Ok(())
    }

    /// The password (when password_version changed), then the settings that changed.
    async fn send_update(
        &self,
        client: &Client,
        prior: &Mailbox,
        planned: &Mailbox,
        config: &Mailbox,
        cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        let id = prior.id.as_str().unwrap_or_default();
        let password = config.password.as_str().map(Secret::new);
        if let Some(password) =
            password.filter(|_| planned.password_version != prior.password_version)
        {
            client.set_mailbox_password(id, &password, cancel).await?;
            hclog::info(
                LOG,
                "mailbox password changed",
                &[("email_address", json!(id))],
            );
        }
        apply_settings(client, id, prior, planned, cancel).await
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Mailbox,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let id = prior.id.as_str().unwrap_or_default();
        client.delete_mailbox(id, cancel).await?;
        Ok(Diagnostics::default())
    }

    /// The address in any case.
    fn import_id(&self, id: &str) -> Result<String, String> {
        let address = id.trim().to_ascii_lowercase();
        rules::email_address(&address).map_err(|detail| {
            format!("Expected the mailbox's e-mail address, such as \"info@example.com\". {detail}")
        })?;
        Ok(address)
    }

    fn imported(&self, parts: &[String]) -> Mailbox {
        Mailbox {
            id: parts[0].clone().into(),
            email_address: parts[0].clone().into(),
            ..Default::default()
        }
    }

    fn names_object(&self, state: &Mailbox) -> bool {
        state.id.as_str().is_some()
    }
}

// ---- Helpers --------------------------------------------------------------------------------

/// The mail zone account a mailbox goes into when the configuration names none: the domain's
/// only one. With several, guessing could put the mailbox under the wrong quota.
async fn zone_account(
    client: &Client,
    address: &str,
    summary: &str,
    cancel: &CancellationToken,
) -> Result<i64, Diagnostic> {
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
    client: &Client,
    id: &str,
    prior: &Mailbox,
    planned: &Mailbox,
    cancel: &CancellationToken,
) -> Result<(), api::Error> {
    let logged = [("email_address", json!(id))];
    let reply = planned.auto_reply.known();
    if let Some(reply) = reply.filter(|_| planned.auto_reply != prior.auto_reply) {
        let reply = auto_reply_from(reply);
        client.set_mailbox_autoreply(id, &reply, cancel).await?;
        hclog::info(LOG, "mailbox auto-reply set", &logged);
    }
    let forward = planned.auto_forward.known();
    if let Some(forward) = forward.filter(|_| planned.auto_forward != prior.auto_forward) {
        let forward = auto_forward_from(forward);
        client.set_mailbox_autoforward(id, &forward, cancel).await?;
        hclog::info(LOG, "mailbox auto-forward set", &logged);
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
    pub struct Reply {
        enabled: bool,
        subject: String,
        message: String,
    }
}

tfplugin::model! {
    /// `auto_forward` of `combell_mailbox`.
    pub struct Forward {
        enabled: bool,
        email_addresses: Vec<String>,
        copy_to_myself: bool,
    }
}

tfplugin::model! {
    /// The state (and configuration) of `combell_mailbox`. Numbers the configuration sets are
    /// `Number`, so that validation reports a fraction in its own words.
    pub struct Mailbox {
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
        let limits = [
            ("subject", &reply.subject, MAX_SUBJECT_CHARS),
            ("message", &reply.message, MAX_MESSAGE_CHARS),
        ];
        for (name, text, max) in limits {
            if text.as_str().is_some_and(|s| s.chars().count() > max) {
                problems.push((
                    "auto_reply",
                    format!("Auto-reply {name} too long"),
                    format!("auto_reply.{name} may be at most {max} characters."),
                ));
            }
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
    use tfplugin::Resource;

    fn generated(detail: &MailboxDetail) -> Mailbox {
        let state = state_from(detail, &Mailbox::default()).encode();
        let mut config = tfplugin::generated_config(&schema(), &state);
        RESOURCE.trim_generated_config(&state, &mut config);
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
        block_on(RESOURCE.plan(
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
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), " Info@Example.com"));
        let state = Mailbox::decode_complete(&result.state.unwrap()).unwrap();
        assert_eq!(state.id.as_str(), Some("info@example.com"));
        let result = block_on(RESOURCE.import(&Ctx::for_tests(None), "1001"));
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
