//! The one path of a settings resource: a type that manages settings of an object Combell
//! already has (a domain in the reseller account, a Linux hosting, one of its sites) and that
//! Combell can neither create nor delete. A type that implements [`Settings`] gives its parts
//! (how to read the object's settings, how to apply a plan, what a destroy leaves behind);
//! [`SettingsOf`] makes Terraform's `Resource` of it, with these rules in one place:
//!
//! - create and update apply the plan to the object that is there ([`Settings::apply`]: which
//!   requests, and what the state is when one of them fails, are the type's);
//! - a read keeps the configuration's spelling where it means the same
//!   ([`Settings::fetch`]), drops the object when it is gone, and keeps the state it was given
//!   when the API fails;
//! - a destroy sends nothing and says so ([`Settings::forgotten`]);
//! - the import ID (`<part>/<part>`, [`Settings::ID_PARTS`]) and the identity (in lower case,
//!   so that it does not change with the configuration's spelling) come from one declaration;
//! - summaries read "Unable to <verb> <type>".

use std::sync::OnceLock;

use async_trait::async_trait;

use crate::core::flow::{or_return, read_with};
use crate::core::ids::IdPart;
use crate::core::managed::split_import_id;
use crate::core::{api_error, client};
use combell_api::{self as api, CancellationToken, Client};
use tfplugin::{
    default_plan, ApplyResult, Ctx, Diagnostic, Diagnostics, IdentitySchema, ImportResult, Model,
    PlanRequest, PlanResponse, ReadResult, Resource, Schema, Value,
};

/// What the plan hook of a settings type is given, each decoded into the model.
pub(crate) struct PlanModels<T> {
    pub prior: T,
    pub config: T,
    pub planned: T,
    /// No prior state, or one that the plan replaces.
    pub creating: bool,
}

/// The parts of a settings resource type. See the module documentation for what the core does
/// with them.
#[async_trait]
pub(crate) trait Settings: Send + Sync + 'static {
    /// The typed state, plan and configuration.
    type Model: Model + Clone + Default + Send + Sync;
    /// The Terraform type name, such as `combell_domain`.
    const TYPE_NAME: &'static str;
    /// The attributes that name the object, in import-ID order, with their identity
    /// descriptions; a change of one replaces the resource.
    const ID_PARTS: &'static [IdPart];
    /// An import ID, for the message that explains a wrong one.
    const ID_EXAMPLE: &'static str;
    /// The Combell API operations the type calls.
    const API_OPERATIONS: &'static [&'static str];
    /// The attributes whose change replaces the resource (the [`Settings::ID_PARTS`]).
    const REQUIRES_REPLACE: &'static [&'static str];

    /// The schema ([`SettingsOf`] builds it once).
    fn schema(&self) -> Schema;
    /// Plan-time checks of the configuration: collect every error with its path, skip
    /// unknown values. The default checks nothing.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}
    /// Runs after the default plan, for checks that need the prior state or the API.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        _models: PlanModels<Self::Model>,
        _resp: &mut PlanResponse,
    ) {
    }
    /// The object's settings, mapped onto `current` (which keeps what Combell does not
    /// report); `None` when `current` names no object or the object is gone.
    async fn fetch(
        &self,
        client: &Client,
        current: &Self::Model,
        cancel: &CancellationToken,
    ) -> Result<Option<Self::Model>, api::Error>;
    /// Applies `planned` (`prior` is `None` for a create) and gives the result: the state is
    /// what the type's rules say it is after a request failed.
    async fn apply(
        &self,
        client: &Client,
        prior: Option<&Self::Model>,
        planned: &Self::Model,
        summary: &str,
        cancel: &CancellationToken,
    ) -> ApplyResult;
    /// The warning of a destroy: what stays at Combell.
    fn forgotten(&self, prior: &Self::Model) -> Diagnostics;
    /// The state an import starts from, given the import ID's parts (in
    /// [`Settings::ID_PARTS`] order, trimmed, none empty).
    fn imported(&self, parts: &[String]) -> Self::Model;
    /// The import: by default the ID's parts through [`Settings::imported`].
    fn import(&self, id: &str) -> ImportResult {
        let names: Vec<&str> = Self::ID_PARTS.iter().map(|(name, _)| *name).collect();
        match split_import_id(Self::TYPE_NAME, id, &names, Self::ID_EXAMPLE) {
            Ok(parts) => ImportResult {
                state: Some(self.imported(&parts).encode()),
                ..Default::default()
            },
            Err(result) => result,
        }
    }
}

/// Terraform's `Resource` for a [`Settings`] type.
pub(crate) struct SettingsOf<S> {
    inner: S,
    schema: OnceLock<Schema>,
}

impl<S> SettingsOf<S> {
    pub(crate) const fn new(inner: S) -> Self {
        SettingsOf {
            inner,
            schema: OnceLock::new(),
        }
    }
}

impl<S: Settings> SettingsOf<S> {
    fn cached_schema(&self) -> &Schema {
        self.schema.get_or_init(|| self.inner.schema())
    }
}

#[async_trait]
impl<S: Settings> Resource for SettingsOf<S> {
    fn type_name(&self) -> &str {
        S::TYPE_NAME
    }
    fn schema(&self) -> Schema {
        self.cached_schema().clone()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        S::API_OPERATIONS
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        S::Model::attribute_names()
    }
    fn requires_replace(&self) -> &[&str] {
        S::REQUIRES_REPLACE
    }
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(crate::core::list::identity_schema(S::ID_PARTS))
    }
    fn identity(&self, state: &Value) -> Option<Value> {
        crate::core::list::lower_case_identity(self, state)
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = match S::Model::decode(config) {
            Ok(config) => config,
            Err(diags) => return diags,
        };
        let mut diags = Diagnostics::default();
        self.inner.validate(&config, &mut diags);
        diags
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let was_created = req.prior.is_null();
        let decoded = S::Model::decode(&req.prior)
            .and_then(|prior| Ok((prior, S::Model::decode(&req.config)?)));
        let mut resp = default_plan(self.cached_schema(), S::REQUIRES_REPLACE, &[], req);
        if resp.planned.is_null() {
            return resp;
        }
        let models = decoded.and_then(|(prior, config)| {
            Ok(PlanModels {
                prior,
                config,
                planned: S::Model::decode(&resp.planned)?,
                creating: was_created || !resp.requires_replace.is_empty(),
            })
        });
        match models {
            Ok(models) => self.inner.modify_plan(ctx, models, &mut resp).await,
            Err(diags) => resp.diagnostics.extend(diags),
        }
        resp
    }

    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let summary = format!("Unable to create {}", S::TYPE_NAME);
        let planned = or_return!(S::Model::decode(planned));
        let client = or_return!(client(ctx));
        self.inner
            .apply(&client, None, &planned, &summary, ctx.stopping())
            .await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult {
        let current = or_return!(S::Model::decode(state));
        let client = or_return!(client(ctx));
        match self.inner.fetch(&client, &current, ctx.stopping()).await {
            Ok(Some(found)) => ReadResult::ok(found.encode()),
            Ok(None) => ReadResult::gone(),
            Err(err) if err.is_not_found() => ReadResult::gone(),
            Err(err) => read_with(
                state.clone(),
                api_error(format!("Unable to read {}", S::TYPE_NAME), &err).into(),
            ),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        let summary = format!("Unable to update {}", S::TYPE_NAME);
        let planned = or_return!(S::Model::decode(planned));
        let prior = or_return!(S::Model::decode(prior));
        let client = or_return!(client(ctx));
        self.inner
            .apply(&client, Some(&prior), &planned, &summary, ctx.stopping())
            .await
    }

    async fn delete(&self, _ctx: &Ctx, prior: &Value) -> Diagnostics {
        let prior = or_return!(S::Model::decode(prior));
        self.inner.forgotten(&prior)
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        self.inner.import(id)
    }
}

/// The error of an apply whose plan lacks an attribute that names the object.
pub(crate) fn not_known(summary: &str, detail: &str) -> ApplyResult {
    ApplyResult::error(Diagnostic::error(summary, detail))
}
