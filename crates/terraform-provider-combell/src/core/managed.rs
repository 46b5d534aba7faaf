//! The one create, read, update, delete and import path of a managed resource. A type that
//! implements [`Managed`] gives its parts (how to send each write, how to find its object by
//! natural key, how an import ID names it); the control flow, and every guarantee in it, lives
//! here once:
//!
//! - a create goes through [`create_once`]: a lost answer is reconciled with [`Managed::fetch`]
//!   by natural key, never sent twice; a paid order ([`Managed::order`]) is also looked up
//!   before it is sent, and when no lookup can decide, the state keeps a pending entry
//!   ([`Managed::undecided`]) so that the next run looks again before anything is bought;
//! - the state after a create is the plan plus what the answer gave ([`Managed::created`]),
//!   after an update the plan: one request per write. The object is read back only when that
//!   still leaves a value unknown (one that Combell decides), and when the read back fails the
//!   object still reaches the state (tainted, so the next apply replaces it);
//! - a failed update keeps the prior state, a failed read keeps the state it was given, a read
//!   that finds nothing drops the object, and a delete of an object already gone succeeds;
//! - a type created through a Combell provisioning job ([`Managed::pending_job`],
//!   [`Managed::settle`]) is waited for within its `timeouts` block: a failed job is an error
//!   with nothing in the state, an unfinished wait keeps the pending state (tainted) with an
//!   error that names the job, a vanished object is an error, and a read of a pending state
//!   continues the wait; a destroy that only forgets an object says so
//!   ([`Managed::forgotten`]);
//! - summaries read "Unable to <verb> <type>", and API errors become diagnostics through
//!   [`api_error`];
//! - the import ID (`<part>/<part>`, [`Managed::ID_PARTS`]) and the resource identity are
//!   derived from one declaration.
//!
//! A type does not implement Terraform's `Resource` itself: [`Typed`] does, for every
//! `Managed` type, from the same declaration (its schema, built once; its typed
//! [`Managed::validate`]; the default plan and [`Managed::modify_plan`]; the six lifecycle
//! calls above; identity and import).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;

use crate::core::flow::{apply_with, read_with};
use crate::core::ids::IdPart;
use crate::core::jobs::WaitError;
use crate::core::reconcile::{create_once, CreateSpec, Created};
use crate::core::timeouts::{Op, Timeouts};
use crate::core::{api_error, client};
use combell_api::{self as api, CancellationToken, Client};
use tfplugin::{
    default_plan, ApplyResult, Ctx, Diagnostic, Diagnostics, IdentityAttribute, IdentitySchema,
    ImportResult, Model, PlanRequest, PlanResponse, ReadResult, Resource, Schema, Value,
};

/// The parts of a managed resource type. See the module documentation for what the core does
/// with them.
#[async_trait]
pub(crate) trait Managed: Send + Sync + 'static {
    /// The typed state, plan and configuration.
    type Model: Model + Clone + Default + Send + Sync;
    /// The Terraform type name, such as `combell_ssh_key`.
    const TYPE_NAME: &'static str;
    /// The log module of the type.
    const LOG: &'static str;
    /// The attributes that name one object, in import-ID order, with their identity
    /// descriptions: the import ID is their values joined with `/`, and they are the identity.
    const ID_PARTS: &'static [IdPart];
    /// An import ID, for the message that explains a wrong one.
    const ID_EXAMPLE: &'static str;
    /// Whether the identity is the [`Managed::ID_PARTS`] in lower case, whatever the state's
    /// spelling (host names: the identity must not change with it).
    const LOWER_CASE_IDENTITY: bool = false;
    /// Whether the type has a resource identity (Terraform 1.12+), made of its
    /// [`Managed::ID_PARTS`]; `false` for a type that names no object of its own.
    const HAS_IDENTITY: bool = true;
    /// The Combell API operations the type calls, as `Resource::api_operations` lists them.
    const API_OPERATIONS: &'static [&'static str];
    /// The attributes whose change replaces the object.
    const REQUIRES_REPLACE: &'static [&'static str] = &[];

    /// The schema ([`Typed`] builds it once).
    fn schema(&self) -> Schema;
    /// Plan-time checks of the configuration: collect every error with its path, skip
    /// unknown values. The default checks nothing.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}
    /// Runs after the default plan (declared defaults, [`Managed::REQUIRES_REPLACE`], unknown
    /// computed values), for what a declaration cannot say; `ctx` gives the client for a
    /// check that needs the API.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _schema: &Schema,
        _req: &PlanRequest,
        _resp: &mut PlanResponse,
    ) {
    }
    /// Type-specific cuts of a generated configuration (`Resource::trim_generated_config`),
    /// on the typed state and configuration.
    fn trim_generated_config(&self, _state: &Self::Model, _config: &mut Self::Model) {}

    /// The object in words, such as `SSH key on the Linux hosting "example.com"`.
    fn what(&self, planned: &Self::Model) -> String;
    /// Sends the create; returns what the answer names the object by (its id in `Location`).
    /// `config` holds what the plan cannot (write-only values such as a password).
    async fn send_create(
        &self,
        client: &Client,
        planned: &Self::Model,
        config: &Self::Model,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error>;
    /// The state after a create: the plan and what the answer gave.
    fn created(&self, planned: &Self::Model, answer: &str) -> Self::Model;
    /// The object `key` names (by natural key: the plan before a create, the state after),
    /// mapped to a state that keeps `key`'s spelling where it means the same; `None` when it is
    /// not there.
    async fn fetch(
        &self,
        client: &Client,
        key: &Self::Model,
        cancel: &CancellationToken,
    ) -> Result<Option<Self::Model>, api::Error>;
    /// A refusal of the create decided by the configuration alone, before anything is sent
    /// (a paid purchase that is not confirmed). The default refuses nothing.
    fn guard_create(&self, _config: &Self::Model) -> Option<Diagnostic> {
        None
    }
    /// The plan a create works with, given the configuration: for a type whose lookups by
    /// natural key need a write-only value (the CSR that names an order). Write-only values
    /// never reach the state whatever a type returns. The default is the plan as it is.
    fn planned_with(&self, planned: Self::Model, _config: &Self::Model) -> Self::Model {
        planned
    }
    /// For a paid order ([`CreateSpec::order`]): where the user can see whether it was placed,
    /// and how long an order whose answer was lost may take to show before the create gives up
    /// on knowing. The default: `None`, not an order.
    fn order(&self) -> Option<(&'static str, Duration)> {
        None
    }
    /// For a paid order: the pending entry kept in the state when an order may have been
    /// placed but no lookup has shown it, so that the next plan or apply looks before it
    /// orders. The default keeps nothing.
    fn undecided(&self, _planned: &Self::Model) -> Option<Self::Model> {
        None
    }
    /// Checks made before the create is sent, with the summary for a refusal: `Ok(Some(state))`
    /// takes over an object that is there already (a host header, which Combell cannot delete,
    /// left by an earlier destroy), `Err` refuses the create with a diagnostic. The default
    /// checks nothing.
    async fn before_create(
        &self,
        _client: &Client,
        _planned: &Self::Model,
        _summary: &str,
        _cancel: &CancellationToken,
    ) -> Result<Option<Self::Model>, Diagnostic> {
        Ok(None)
    }
    /// For a type whose natural key need not be unique (two scheduled tasks may be alike): the
    /// ids of the objects there before the create, listed before it is sent, which the lookup
    /// after a lost answer leaves out ([`Managed::find_created`]). The default lists nothing.
    async fn existing(
        &self,
        _client: &Client,
        _planned: &Self::Model,
        _cancel: &CancellationToken,
    ) -> Result<Vec<String>, api::Error> {
        Ok(Vec::new())
    }
    /// The object a create whose answer was lost made, if it exists: by default
    /// [`Managed::fetch`] of the plan (a natural key that is unique).
    async fn find_created(
        &self,
        client: &Client,
        planned: &Self::Model,
        _existing: &[String],
        cancel: &CancellationToken,
    ) -> Result<Option<Self::Model>, api::Error> {
        self.fetch(client, planned, cancel).await
    }
    /// Sends an in-place update (`config` as for [`Managed::send_create`]). The default has
    /// nothing to send: every configurable attribute replaces the object.
    async fn send_update(
        &self,
        _client: &Client,
        _prior: &Self::Model,
        _planned: &Self::Model,
        _config: &Self::Model,
        _cancel: &CancellationToken,
    ) -> Result<(), api::Error> {
        Ok(())
    }
    /// Sends the delete; returns the warnings for the user (such as "removed from the state
    /// only", for an object Combell cannot delete). A 404 answer is success (the object is
    /// gone).
    async fn send_delete(
        &self,
        client: &Client,
        prior: &Self::Model,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error>;
    /// What to tell the user when Combell refuses a create for a reason the type knows (such
    /// as "exists already: import it"); `None` for the API's own words.
    fn refused(&self, _planned: &Self::Model, _err: &api::Error) -> Option<String> {
        None
    }
    /// What to tell the user when a read fails for a reason the type knows (the summary is
    /// "Unable to read <type>"); `None` for the API's own words.
    fn unreadable(&self, _state: &Self::Model, _err: &api::Error) -> Option<String> {
        None
    }
    /// A check of the import ID's parts beyond their count (such as the form of a generated
    /// name): the detail of the "Invalid import ID" error, or `Ok`. The default accepts them.
    fn check_import(&self, _parts: &[String]) -> Result<(), String> {
        Ok(())
    }
    /// The import ID in the core's `<part>/<part>` form, before it is split: for a type that
    /// also takes another form (a mail alias by its address alone), or the detail of why the ID
    /// is not valid (the summary is "Invalid import ID for <type>"). The default takes the ID
    /// as it is.
    fn import_id(&self, id: &str) -> Result<String, String> {
        Ok(id.to_string())
    }
    /// Runs after the core's create with its result, for a second write the create needs (an
    /// SMTP domain that Combell creates enabled, configured disabled). The default returns the
    /// result as it is.
    async fn after_create(
        &self,
        _ctx: &Ctx,
        _planned: &Value,
        created: ApplyResult,
    ) -> ApplyResult {
        created
    }
    /// The state an import starts from, given the import ID's parts (in [`Managed::ID_PARTS`]
    /// order, trimmed, none empty). The default: each part in the string attribute it is named
    /// after, the rest null.
    fn imported(&self, parts: &[String]) -> Self::Model {
        let attributes = Self::ID_PARTS
            .iter()
            .zip(parts)
            .map(|((name, _), part)| (*name, Value::from(part.as_str())));
        Self::Model::decode(&Value::object(attributes)).unwrap_or_default()
    }
    /// Whether `state` holds what [`Managed::fetch`] needs (a state without it names no
    /// object: a read drops it, a delete has nothing to do). The default: every part of the
    /// import ID ([`Managed::ID_PARTS`]) is a known string.
    fn names_object(&self, state: &Self::Model) -> bool {
        let state = state.encode();
        Self::ID_PARTS
            .iter()
            .all(|(name, _)| state.get_str(name).is_some())
    }

    /// The `timeouts` block the schema declares, for a type that waits for Combell's
    /// provisioning jobs: [`Typed`] validates it, and its create limit bounds both the wait of
    /// [`Managed::settle`] and the lookups after a lost answer. The default has none.
    fn timeouts(&self) -> Option<Timeouts> {
        None
    }
    /// What to tell the user about an object a create took over instead of making (from
    /// [`Managed::before_create`], or found by natural key after a lost answer), such as a
    /// warning that it was adopted. The default says nothing.
    fn adopted(&self, _state: &Self::Model) -> Diagnostics {
        Diagnostics::default()
    }
    /// For a type whose create starts a provisioning job: the job a state records while its
    /// object is not known yet (the state after the POST, or one kept because a wait ended
    /// early). A read of such a state continues the wait instead of fetching. The default:
    /// none, there is nothing to wait for.
    fn pending_job(&self, _state: &Self::Model) -> Option<String> {
        None
    }
    /// Waits within `limit` for `job_id`, the job of the pending `state`, and gives the state
    /// of the object it made, with diagnostics to return beside it (an error taints it). A
    /// state that leaves values unknown is then read back through [`Managed::fetch`].
    /// `creating` tells the wait right after the POST from a read that continues an earlier
    /// one. The core turns a [`WaitError`] into the outcome: a failed job is an error with
    /// nothing in the state, an unfinished wait keeps the pending state
    /// ([`Managed::unfinished`]), a vanished object is an error.
    async fn settle(
        &self,
        _client: &Client,
        state: &Self::Model,
        _job_id: &str,
        _creating: bool,
        _limit: Duration,
        _cancel: &CancellationToken,
    ) -> Result<(Self::Model, Diagnostics), WaitError> {
        Ok((state.clone(), Diagnostics::default()))
    }
    /// Why a wait for the job of `state` ended early and what happens next; `reading` when a
    /// read continued an earlier wait. The default is the error alone.
    fn unfinished(&self, _state: &Self::Model, err: &api::Error, _reading: bool) -> String {
        err.to_string()
    }
    /// For an object that a destroy only removes from the state (Combell cannot delete it, or
    /// its create never finished): the warnings that say so, given before any request. The
    /// default: `None`, the delete is sent.
    fn forgotten(&self, _prior: &Self::Model) -> Option<Diagnostics> {
        None
    }
    /// Checks of the state an apply returned against its plan (`Resource::check_applied`),
    /// for what Terraform's own check cannot say well. The default checks nothing.
    fn check_applied(&self, _planned: &Self::Model, _state: &Self::Model) -> Diagnostics {
        Diagnostics::default()
    }
    /// What to tell the user after an update was sent (the update itself cannot carry a
    /// warning). The default says nothing.
    fn updated(&self, _prior: &Self::Model, _planned: &Self::Model) -> Diagnostics {
        Diagnostics::default()
    }
    /// Completes the plan before anything is checked or sent, for a value the plan leaves to
    /// the create but the create must send (a mailbox's mail zone account, left out, is the
    /// domain's only one); `Err` refuses the create with a diagnostic (`summary` is its
    /// summary). `config` as for [`Managed::send_create`]. The default changes nothing.
    async fn prepare_create(
        &self,
        _client: &Client,
        _planned: &mut Self::Model,
        _config: &Self::Model,
        _summary: &str,
        _cancel: &CancellationToken,
    ) -> Result<(), Diagnostic> {
        Ok(())
    }
    /// Checks made before an update is sent, on what only the apply sees (a write-only value
    /// the change needs): `Err` refuses it with a diagnostic (`summary` is its summary), the
    /// prior state staying. The default checks nothing.
    fn check_update(
        &self,
        _prior: &Self::Model,
        _planned: &Self::Model,
        _config: &Self::Model,
        _summary: &str,
    ) -> Result<(), Diagnostic> {
        Ok(())
    }
    /// The identity's spelling of the import-ID part `name` of a state. The default: as
    /// written, or trimmed and in lower case with [`Managed::LOWER_CASE_IDENTITY`].
    fn identity_value(&self, _name: &str, value: &str) -> String {
        if Self::LOWER_CASE_IDENTITY {
            value.trim().trim_end_matches('.').to_ascii_lowercase()
        } else {
            value.to_string()
        }
    }
    /// [`Managed::fetch`] for a read, given the private state Terraform keeps with `state`;
    /// returns the private state to keep from now on as well (`None`: as it is). The default
    /// fetches and keeps it.
    async fn fetch_marked(
        &self,
        client: &Client,
        state: &Self::Model,
        _private: &[u8],
        cancel: &CancellationToken,
    ) -> Result<(Option<Self::Model>, Option<Vec<u8>>), api::Error> {
        Ok((self.fetch(client, state, cancel).await?, None))
    }
    /// The read back of an object just written that leaves values unknown (`creating`: after
    /// its create, else after an update). The default is [`Managed::fetch`].
    async fn read_written(
        &self,
        client: &Client,
        state: &Self::Model,
        _creating: bool,
        cancel: &CancellationToken,
    ) -> Result<Option<Self::Model>, api::Error> {
        self.fetch(client, state, cancel).await
    }
    /// The private state to keep with the state of an update that was not read back (for a
    /// type that checks something about it at the next read). The default: none.
    fn updated_private(&self, _state: &Self::Model) -> Vec<u8> {
        Vec::new()
    }
}

/// Terraform's `Resource` for a [`Managed`] type: everything comes from the type's declaration.
/// `Typed::new` is `const`, so a list resource can name the type as a `static`.
pub(crate) struct Typed<M> {
    inner: M,
    schema: OnceLock<Schema>,
}

impl<M> Typed<M> {
    pub(crate) const fn new(inner: M) -> Self {
        Typed {
            inner,
            schema: OnceLock::new(),
        }
    }
}

impl<M: Managed> Typed<M> {
    fn cached_schema(&self) -> &Schema {
        self.schema.get_or_init(|| self.inner.schema())
    }
}

#[async_trait]
impl<M: Managed> Resource for Typed<M> {
    fn type_name(&self) -> &str {
        M::TYPE_NAME
    }
    fn schema(&self) -> Schema {
        self.cached_schema().clone()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        M::API_OPERATIONS
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        M::Model::attribute_names()
    }
    fn requires_replace(&self) -> &[&str] {
        M::REQUIRES_REPLACE
    }
    async fn validate(&self, _ctx: &Ctx, raw: &Value) -> Diagnostics {
        let config = match decoded::<M::Model>(raw) {
            Ok(config) => config,
            Err(diags) => return diags,
        };
        let mut diags = Diagnostics::default();
        self.inner.validate(&config, &mut diags);
        if let Some(timeouts) = self.inner.timeouts() {
            timeouts.validate(raw, &mut diags);
        }
        diags
    }
    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let schema = self.cached_schema();
        let mut resp = default_plan(schema, M::REQUIRES_REPLACE, &[], req.clone());
        self.inner.modify_plan(ctx, schema, &req, &mut resp).await;
        resp
    }
    async fn create(&self, ctx: &Ctx, planned: &Value, config: &Value) -> ApplyResult {
        let created = create(&self.inner, ctx, planned, config).await;
        self.inner.after_create(ctx, planned, created).await
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        read(&self.inner, ctx, state, &[]).await
    }
    async fn read_with_private(&self, ctx: &Ctx, state: &Value, private: &[u8]) -> ReadResult {
        read(&self.inner, ctx, state, private).await
    }
    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> ApplyResult {
        update(&self.inner, ctx, prior, planned, config).await
    }
    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics {
        delete(&self.inner, ctx, prior).await
    }
    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        match self.inner.import_id(id) {
            Ok(id) => import(&self.inner, &id),
            Err(detail) => invalid_import_id(M::TYPE_NAME, detail),
        }
    }
    fn check_applied(&self, planned: &Value, state: &Value) -> Diagnostics {
        match (decoded::<M::Model>(planned), decoded::<M::Model>(state)) {
            (Ok(planned), Ok(state)) => self.inner.check_applied(&planned, &state),
            _ => Diagnostics::default(),
        }
    }
    fn trim_generated_config(&self, state: &Value, config: &mut Value) {
        if let (Ok(state), Ok(mut typed)) =
            (decoded::<M::Model>(state), decoded::<M::Model>(config))
        {
            self.inner.trim_generated_config(&state, &mut typed);
            *config = typed.encode();
        }
    }
    fn identity_schema(&self) -> Option<IdentitySchema> {
        identity_schema::<M>().filter(|_| M::HAS_IDENTITY)
    }
    fn identity(&self, state: &Value) -> Option<Value> {
        if !M::HAS_IDENTITY {
            return None;
        }
        let mut fields = Vec::with_capacity(M::ID_PARTS.len());
        for (name, _) in M::ID_PARTS {
            let value = self.inner.identity_value(name, state.get_str(name)?);
            if value.is_empty() {
                return None;
            }
            fields.push((name.to_string(), Value::from(value)));
        }
        Some(Value::object(fields))
    }
}

/// The identity schema of a managed type: its import ID's parts.
pub(crate) fn identity_schema<M: Managed>() -> Option<IdentitySchema> {
    Some(IdentitySchema::new(
        M::ID_PARTS
            .iter()
            .map(|(name, description)| IdentityAttribute::string(name, description))
            .collect(),
    ))
}

fn decoded<T: Model>(value: &Value) -> Result<T, Diagnostics> {
    T::decode(value)
}

pub(crate) async fn create<M: Managed>(
    this: &M,
    ctx: &Ctx,
    planned_value: &Value,
    config: &Value,
) -> ApplyResult {
    let summary = format!("Unable to create {}", M::TYPE_NAME);
    let started = Instant::now();
    let limit = this
        .timeouts()
        .map(|timeouts| timeouts.get(planned_value, Op::Create));
    let (planned, config) = match (
        decoded::<M::Model>(planned_value),
        decoded::<M::Model>(config),
    ) {
        (Ok(planned), Ok(config)) => (planned, config),
        (Err(diags), _) | (_, Err(diags)) => return ApplyResult::error(diags),
    };
    if let Some(diag) = this.guard_create(&config) {
        return ApplyResult::error(diag);
    }
    let mut planned = this.planned_with(planned, &config);
    let client = match client(ctx) {
        Ok(client) => client,
        Err(diag) => return ApplyResult::error(diag),
    };
    if let Err(diag) = this
        .prepare_create(&client, &mut planned, &config, &summary, ctx.stopping())
        .await
    {
        return ApplyResult::error(diag);
    }
    let what = this.what(&planned);
    match this
        .before_create(&client, &planned, &summary, ctx.stopping())
        .await
    {
        Ok(Some(found)) => {
            hclog::info(
                M::LOG,
                "there already; taking it over",
                &[("object", json!(what))],
            );
            return apply_with(found.encode(), this.adopted(&found));
        }
        Ok(None) => {}
        Err(diag) => return ApplyResult::error(diag),
    }
    let existing = match this.existing(&client, &planned, ctx.stopping()).await {
        Ok(existing) => existing,
        Err(err) => return ApplyResult::error(api_error(summary, &err)),
    };
    // Lookups and the read back are not cut short by Ctrl-C: an object that may exist must be
    // found, and one that exists must reach the state.
    let no_cancel = CancellationToken::new();
    let left = |limit: Option<Duration>| {
        limit.map_or(Duration::ZERO, |l| l.saturating_sub(started.elapsed()))
    };
    let order = this.order();
    let created = create_once(
        CreateSpec {
            module: M::LOG,
            what: &what,
            // An object still being provisioned by a lost request appears when its job ends,
            // within the create's time limit.
            settle: match (order, limit) {
                (Some((_, settle)), Some(_)) => settle.min(left(limit)),
                (Some((_, settle)), None) => settle,
                (None, _) => left(limit),
            },
            cancel: ctx.stopping(),
            order: order.map(|(check, _)| check),
        },
        || this.send_create(&client, &planned, &config, ctx.stopping()),
        || this.find_created(&client, &planned, &existing, &no_cancel),
    )
    .await;
    let mut state = match created {
        Ok(Created::Posted(answer)) => this.created(&planned, &answer),
        Ok(Created::Found(found)) => return apply_with(found.encode(), this.adopted(&found)),
        Err(failure) => {
            let mut diag = failure.diagnostic(&summary);
            if let Some(entry) = this.undecided(&planned).filter(|_| failure.pending) {
                return apply_with(entry.encode(), diag.into());
            }
            if let Some(detail) = this.refused(&planned, &failure.error) {
                diag.detail = detail;
            }
            return ApplyResult::error(diag);
        }
    };
    let mut diagnostics = Diagnostics::default();
    if let Some(job_id) = this.pending_job(&state) {
        let left = left(limit);
        hclog::info(
            M::LOG,
            "provisioning started; waiting for its job",
            &[
                ("object", json!(what)),
                ("job_id", json!(job_id)),
                ("timeout_s", json!(left.as_secs())),
            ],
        );
        match this
            .settle(&client, &state, &job_id, true, left, ctx.stopping())
            .await
        {
            Ok((settled, diags)) => {
                state = settled;
                diagnostics = diags;
            }
            Err(WaitError::Failed(err)) => {
                return ApplyResult::error(Diagnostic::error(
                    summary,
                    format!(
                        "Combell's provisioning job {job_id} for {what} failed: {err}\n\n\
                         Nothing was created, so nothing is kept in the state."
                    ),
                ))
            }
            Err(WaitError::Unfinished(err)) => {
                let detail = this.unfinished(&state, &err, false);
                return apply_with(state.encode(), Diagnostic::error(summary, detail).into());
            }
            Err(WaitError::Vanished(detail)) => {
                return ApplyResult::error(Diagnostic::error(summary, detail))
            }
        }
    }
    hclog::info(M::LOG, "created", &[("object", json!(what))]);
    let encoded = state.encode();
    if encoded.is_wholly_known() {
        return apply_with(encoded, diagnostics);
    }
    // Combell decides a value the plan left unknown: read the object back once.
    match this.read_written(&client, &state, true, &no_cancel).await {
        Ok(Some(read)) => apply_with(read.encode(), diagnostics),
        Ok(None) => {
            diagnostics.push(Diagnostic::error(
                summary,
                format!(
                    "Combell created {what}, but it was not found when read back. It is kept \
                     in the state, marked tainted: the next apply replaces it."
                ),
            ));
            apply_with(state.known_part().encode(), diagnostics)
        }
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                summary,
                format!(
                    "Combell created {what}, but reading it back failed: {err}\n\nIt is kept in \
                     the state, marked tainted: the next apply replaces it."
                ),
            ));
            apply_with(state.known_part().encode(), diagnostics)
        }
    }
}

pub(crate) async fn read<M: Managed>(
    this: &M,
    ctx: &Ctx,
    state: &Value,
    private: &[u8],
) -> ReadResult {
    let current = match decoded::<M::Model>(state) {
        Ok(current) => current,
        Err(diags) => return ReadResult::error(diags),
    };
    let mut current = current;
    let mut diagnostics = Diagnostics::default();
    if let Some(job_id) = this.pending_job(&current) {
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match read_pending(this, &client, ctx, state, &current, &job_id).await {
            // A settled state that leaves values unknown is read like any other.
            Ok((settled, diags)) if !settled.encode().is_wholly_known() => {
                current = settled;
                diagnostics = diags;
            }
            Ok((settled, diags)) => return read_with(settled.encode(), diags),
            Err(result) => return result,
        }
    }
    if !this.names_object(&current) {
        return ReadResult::gone();
    }
    let client = match client(ctx) {
        Ok(client) => client,
        Err(diag) => return ReadResult::error(diag),
    };
    match this
        .fetch_marked(&client, &current, private, ctx.stopping())
        .await
    {
        Ok((Some(read), private)) => ReadResult {
            private,
            ..read_with(read.encode(), diagnostics)
        },
        Ok((None, _)) => {
            hclog::info(
                M::LOG,
                "no longer exists; removing it from the state",
                &[("object", json!(this.what(&current)))],
            );
            ReadResult::gone()
        }
        Err(err) if err.is_not_found() => ReadResult::gone(),
        Err(err) => {
            let mut diag = api_error(format!("Unable to read {}", M::TYPE_NAME), &err);
            if let Some(detail) = this.unreadable(&current, &err) {
                diag.detail = detail;
            }
            read_with(state.clone(), diag.into())
        }
    }
}

/// Read of a state whose create did not see its job finish: the wait goes on, within the
/// create limit stored with it. `Ok` holds the settled state; `Err` the read's result.
async fn read_pending<M: Managed>(
    this: &M,
    client: &Client,
    ctx: &Ctx,
    state: &Value,
    current: &M::Model,
    job_id: &str,
) -> Result<(M::Model, Diagnostics), ReadResult> {
    let summary = format!("Unable to read {}", M::TYPE_NAME);
    let limit = this
        .timeouts()
        .map_or(Duration::ZERO, |timeouts| timeouts.get(state, Op::Create));
    let what = this.what(current);
    hclog::info(
        M::LOG,
        "an earlier create did not see its job finish; waiting for it",
        &[("object", json!(what)), ("job_id", json!(job_id))],
    );
    match this
        .settle(client, current, job_id, false, limit, ctx.stopping())
        .await
    {
        Ok(settled) => Ok(settled),
        Err(WaitError::Failed(err)) => {
            hclog::warn(
                M::LOG,
                "the pending object's provisioning job failed; nothing was created",
                &[
                    ("object", json!(what)),
                    ("job_id", json!(job_id)),
                    ("error", json!(err.to_string())),
                ],
            );
            Err(ReadResult::gone())
        }
        Err(WaitError::Unfinished(err)) => Err(read_with(
            state.clone(),
            Diagnostic::error(summary, this.unfinished(current, &err, true)).into(),
        )),
        Err(WaitError::Vanished(detail)) => Err(read_with(
            state.clone(),
            Diagnostic::error(summary, detail).into(),
        )),
    }
}

pub(crate) async fn update<M: Managed>(
    this: &M,
    ctx: &Ctx,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> ApplyResult {
    let summary = format!("Unable to update {}", M::TYPE_NAME);
    let (prior_model, planned_model, config_model) = match (
        decoded::<M::Model>(prior),
        decoded::<M::Model>(planned),
        decoded::<M::Model>(config),
    ) {
        (Ok(prior), Ok(planned), Ok(config)) => (prior, planned, config),
        (Err(diags), _, _) | (_, Err(diags), _) | (_, _, Err(diags)) => {
            return apply_with(prior.clone(), diags)
        }
    };
    let client = match client(ctx) {
        Ok(client) => client,
        Err(diag) => return apply_with(prior.clone(), diag.into()),
    };
    if let Err(diag) = this.check_update(&prior_model, &planned_model, &config_model, &summary) {
        return apply_with(prior.clone(), diag.into());
    }
    if let Err(err) = this
        .send_update(
            &client,
            &prior_model,
            &planned_model,
            &config_model,
            ctx.stopping(),
        )
        .await
    {
        // Nothing changed: the prior state stays.
        return apply_with(prior.clone(), api_error(summary, &err).into());
    }
    let mut diagnostics = this.updated(&prior_model, &planned_model);
    if planned.is_wholly_known() {
        return ApplyResult {
            private: this.updated_private(&planned_model),
            ..apply_with(planned.clone(), diagnostics)
        };
    }
    match this
        .read_written(&client, &planned_model, false, &CancellationToken::new())
        .await
    {
        Ok(Some(read)) => apply_with(read.encode(), diagnostics),
        Ok(None) => {
            diagnostics.push(Diagnostic::error(
                summary,
                format!(
                    "Combell accepted the change of {}, but it was not found when read back.",
                    this.what(&planned_model)
                ),
            ));
            ApplyResult {
                diagnostics,
                ..Default::default()
            }
        }
        Err(err) => {
            diagnostics.push(api_error(summary, &err));
            apply_with(planned_model.known_part().encode(), diagnostics)
        }
    }
}

pub(crate) async fn delete<M: Managed>(this: &M, ctx: &Ctx, prior: &Value) -> Diagnostics {
    let prior = match decoded::<M::Model>(prior) {
        Ok(prior) => prior,
        Err(diags) => return diags,
    };
    if let Some(warnings) = this.forgotten(&prior) {
        return warnings;
    }
    if !this.names_object(&prior) {
        return Diagnostics::default();
    }
    let client = match client(ctx) {
        Ok(client) => client,
        Err(diag) => return diag.into(),
    };
    match this.send_delete(&client, &prior, ctx.stopping()).await {
        Ok(warnings) => warnings,
        // Already gone (also after a retried DELETE whose first attempt worked).
        Err(err) if err.is_not_found() => Diagnostics::default(),
        Err(err) => api_error(format!("Unable to delete {}", M::TYPE_NAME), &err).into(),
    }
}

pub(crate) fn import<M: Managed>(this: &M, id: &str) -> ImportResult {
    let names: Vec<&str> = M::ID_PARTS.iter().map(|(name, _)| *name).collect();
    match split_import_id(M::TYPE_NAME, id, &names, M::ID_EXAMPLE) {
        Ok(parts) => match this.check_import(&parts) {
            Ok(()) => ImportResult {
                state: Some(this.imported(&parts).encode()),
                ..Default::default()
            },
            Err(detail) => invalid_import_id(M::TYPE_NAME, detail),
        },
        Err(result) => result,
    }
}

/// An import ID's `/`-separated parts, one per name in `names`, trimmed; an error naming the
/// expected form (with `example`) when the count is wrong or a part is empty or unsafe in a
/// URL path.
pub(crate) fn split_import_id(
    type_name: &str,
    id: &str,
    names: &[&str],
    example: &str,
) -> Result<Vec<String>, ImportResult> {
    let parts: Vec<String> = id.trim().split('/').map(|p| p.trim().to_string()).collect();
    let unsafe_part = parts
        .iter()
        .find_map(|p| crate::core::rules::path_segment(p).err());
    if let (true, Some(why)) = (parts.len() == names.len(), unsafe_part) {
        let got = crate::core::rules::quoted(id);
        return Err(invalid_import_id(type_name, format!("{why} Got {got}.")));
    }
    if parts.len() != names.len() || parts.iter().any(String::is_empty) {
        let form: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
        let form = form.join("/");
        let detail = format!("Expected \"{form}\", such as \"{example}\"; got \"{id}\".");
        return Err(invalid_import_id(type_name, detail));
    }
    Ok(parts)
}

/// The import's error for an ID that names no object of `type_name`, with `detail` saying why.
pub(crate) fn invalid_import_id(type_name: &str, detail: impl Into<String>) -> ImportResult {
    ImportResult {
        diagnostics: Diagnostic::error(format!("Invalid import ID for {type_name}"), detail).into(),
        ..Default::default()
    }
}

/// The plan check of a type whose write-only `password` a create sends, and an update sends
/// again when `password_version` changes (for [`Managed::modify_plan`]): an error at
/// `password` when the configuration has none then; `detail(creating)` says what to set.
pub(crate) fn require_password(
    req: &PlanRequest,
    resp: &mut PlanResponse,
    detail: impl FnOnce(bool) -> String,
) {
    if resp.planned.is_null() {
        return;
    }
    let creating = req.prior.is_null() || !resp.requires_replace.is_empty();
    let version = |state: &Value| state.get("password_version").cloned().unwrap_or_default();
    let new_version = !creating && version(&resp.planned) != version(&req.prior);
    let absent = req.config.get("password").is_none_or(Value::is_null);
    if absent && (creating || new_version) {
        resp.diagnostics.push(
            Diagnostic::error("A password is required", detail(creating))
                .at(tfplugin::AttributePath::new("password")),
        );
    }
}
