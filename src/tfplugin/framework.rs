//! What a provider implements: [`ProviderDef`], [`Resource`], [`DataSource`], and the
//! request/result types they exchange with the gRPC layer.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::schema::Schema;
use super::value::{self, Value};

/// Data produced by [`ProviderDef::configure`] and handed to every operation (e.g. `Arc<Client>`).
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// What every operation gets besides its values.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) data: Option<ProviderData>,
    pub(crate) stop: CancellationToken,
    pub(crate) terraform_version: String,
}

impl Ctx {
    /// A context for unit tests of resources.
    pub fn for_tests(data: Option<ProviderData>) -> Self {
        Ctx {
            data,
            stop: CancellationToken::new(),
            terraform_version: String::new(),
        }
    }
    /// The configured provider data, if configure produced one of type `T`.
    pub fn data<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.data.clone().and_then(|d| d.downcast::<T>().ok())
    }
    /// Like [`Ctx::data`], with the diagnostic to return when the provider is not configured
    /// (e.g. its configuration was unknown at plan time).
    pub fn require<T: Any + Send + Sync>(&self) -> Result<Arc<T>, Diagnostic> {
        self.data::<T>().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "This operation needs the provider's configuration, which is not available \
                 (it may depend on values known only after apply).",
            )
        })
    }
    /// Cancelled when Terraform asks the provider to stop (Ctrl-C). Long waits should end
    /// early and return what they have, but an object already created must still be returned.
    pub fn stopping(&self) -> &CancellationToken {
        &self.stop
    }
    /// The calling Terraform's version, as given to ConfigureProvider.
    pub fn terraform_version(&self) -> &str {
        &self.terraform_version
    }
}

#[async_trait]
pub trait ProviderDef: Send + Sync + 'static {
    /// The provider's type name, the prefix of every resource type (`combell`).
    fn type_name(&self) -> &str;
    /// The provider block's schema.
    fn schema(&self) -> Schema;
    async fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Builds what every resource gets. `config` may hold unknown values at plan time.
    async fn configure(&self, ctx: &Ctx, config: &Value) -> (Option<ProviderData>, Diagnostics);
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;
}

/// PlanResourceChange's inputs. `prior` is null on create, `proposed` null on destroy.
#[derive(Clone, Debug, Default)]
pub struct PlanRequest {
    pub prior: Value,
    pub proposed: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct PlanResponse {
    pub planned: Value,
    pub requires_replace: Vec<AttributePath>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// The outcome of create or update. With error diagnostics, a `state` still reaches Terraform
/// (tainted): an object that exists must never be lost from state.
#[derive(Clone, Debug, Default)]
pub struct ApplyResult {
    pub state: Option<Value>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

impl ApplyResult {
    pub fn ok(state: Value) -> Self {
        ApplyResult {
            state: Some(state),
            ..Default::default()
        }
    }
    pub fn error(diagnostics: impl Into<Diagnostics>) -> Self {
        ApplyResult {
            diagnostics: diagnostics.into(),
            ..Default::default()
        }
    }
}

/// The outcome of read. `state: None` means the object is gone: it leaves the state.
/// `private: None` keeps the private data Terraform sent.
#[derive(Clone, Debug, Default)]
pub struct ReadResult {
    pub state: Option<Value>,
    pub private: Option<Vec<u8>>,
    pub diagnostics: Diagnostics,
}

impl ReadResult {
    pub fn ok(state: Value) -> Self {
        ReadResult {
            state: Some(state),
            ..Default::default()
        }
    }
    pub fn gone() -> Self {
        ReadResult::default()
    }
    pub fn error(diagnostics: impl Into<Diagnostics>) -> Self {
        ReadResult {
            diagnostics: diagnostics.into(),
            ..Default::default()
        }
    }
}

/// The outcome of import: a state (at least the attributes read needs) that Terraform then
/// passes to [`Resource::read`].
#[derive(Clone, Debug, Default)]
pub struct ImportResult {
    pub state: Option<Value>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `combell_dns_record`.
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    /// Top-level attributes whose change the API cannot apply in place.
    fn requires_replace(&self) -> &[&str] {
        &[]
    }
    /// Computed attributes the API may change on every update (e.g. `updated_at`): the
    /// default plan makes them unknown when the resource changes.
    fn recomputed_on_update(&self) -> &[&str] {
        &[]
    }
    /// Plan-time checks. Collect every error with its path; skip unknown values.
    async fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        default_plan(
            &self.schema(),
            self.requires_replace(),
            self.recomputed_on_update(),
            req,
        )
    }
    async fn create(&self, ctx: &Ctx, planned: &Value, config: &Value) -> ApplyResult;
    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult;
    async fn update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> ApplyResult;
    /// Deleting an object that is already gone must succeed.
    async fn delete(&self, ctx: &Ctx, prior: &Value) -> Diagnostics;
    async fn import(&self, _ctx: &Ctx, _id: &str) -> ImportResult {
        ImportResult {
            diagnostics: Diagnostic::error(
                format!("{} does not support import", self.type_name()),
                "This resource type cannot be imported.",
            )
            .into(),
            ..Default::default()
        }
    }
    /// Turns stored state of schema `version` into a value of the current schema. The default
    /// reads it with the current schema, dropping attributes the schema no longer has.
    async fn upgrade_state(
        &self,
        _ctx: &Ctx,
        _version: i64,
        raw: serde_json::Value,
    ) -> (Option<Value>, Diagnostics) {
        match value::from_json(&raw, &self.schema().value_type()) {
            Ok(v) => (Some(v), Diagnostics::default()),
            Err(e) => (
                None,
                Diagnostic::error(
                    format!("Unable to read the stored state of {}", self.type_name()),
                    format!("The state does not match the resource schema: {e}."),
                )
                .into(),
            ),
        }
    }
}

#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    async fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Returns the full state: the config with computed attributes filled in.
    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult;
}

/// The plan a mature framework makes; see the rules in the body. Resources that override
/// `plan` can start from this and adjust (e.g. normalise values).
pub fn default_plan(
    schema: &Schema,
    requires_replace: &[&str],
    recomputed: &[&str],
    req: PlanRequest,
) -> PlanResponse {
    let mut resp = PlanResponse {
        private: req.prior_private.clone(),
        ..Default::default()
    };
    // Destroy: nothing to plan.
    if req.proposed.is_null() {
        return resp;
    }
    let mut planned = req.proposed.clone();
    let attrs = &schema.block.attributes;
    let config_null = |name: &str| req.config.get(name).is_none_or(Value::is_null);

    for a in attrs.iter().filter(|a| a.write_only) {
        planned.set(&a.name, Value::Null);
    }

    if req.prior.is_null() {
        for a in attrs.iter().filter(|a| a.computed && !a.write_only) {
            if config_null(&a.name) {
                planned.set(&a.name, Value::Unknown);
            }
        }
        resp.planned = planned;
        return resp;
    }

    let changed = attrs
        .iter()
        .filter(|a| !a.write_only)
        .any(|a| planned.get(&a.name) != req.prior.get(&a.name))
        || schema
            .block
            .blocks
            .iter()
            .any(|b| planned.get(&b.type_name) != req.prior.get(&b.type_name));
    for name in requires_replace {
        if planned.get(name) != req.prior.get(name) {
            resp.requires_replace.push(AttributePath::new(name));
        }
    }
    let replacing = !resp.requires_replace.is_empty();
    for a in attrs.iter().filter(|a| a.computed && !a.write_only) {
        if !config_null(&a.name) {
            continue;
        }
        if replacing || (changed && recomputed.contains(&a.name.as_str())) {
            planned.set(&a.name, Value::Unknown);
        }
    }
    resp.planned = planned;
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::Attribute;

    fn schema() -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed(),
            Attribute::string("name").required(),
            Attribute::string("zone").required(),
            Attribute::number("ttl").optional().computed(),
            Attribute::string("updated_at").computed(),
            Attribute::string("password").optional().write_only(),
        ])
    }

    fn plan(prior: Value, config: Value, proposed: Value) -> PlanResponse {
        default_plan(
            &schema(),
            &["zone"],
            &["updated_at"],
            PlanRequest {
                prior,
                proposed,
                config,
                prior_private: Vec::new(),
            },
        )
    }

    fn state() -> Value {
        Value::object([
            ("id", "1".into()),
            ("name", "a".into()),
            ("zone", "z".into()),
            ("ttl", 60i64.into()),
            ("updated_at", "t".into()),
            ("password", Value::Null),
        ])
    }

    #[test]
    fn create_makes_unset_computed_attributes_unknown_and_drops_write_only() {
        let config = Value::object([
            ("name", "a".into()),
            ("zone", "z".into()),
            ("ttl", 60i64.into()),
            ("password", "secret".into()),
        ]);
        let p = plan(Value::Null, config.clone(), config);
        assert!(p.planned.is_unknown_at("id"));
        assert!(p.planned.is_unknown_at("updated_at"));
        assert_eq!(p.planned.get_i64("ttl"), Some(60));
        assert!(p.planned.get("password").unwrap().is_null());
    }

    #[test]
    fn unchanged_resource_plans_no_unknowns() {
        let config = Value::object([("name", "a".into()), ("zone", "z".into())]);
        let p = plan(state(), config, state());
        assert_eq!(p.planned, state());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn update_keeps_computed_values_except_recomputed_ones() {
        let mut proposed = state();
        proposed.set("name", "b");
        let config = Value::object([("name", "b".into()), ("zone", "z".into())]);
        let p = plan(state(), config, proposed);
        assert_eq!(p.planned.get_str("id"), Some("1"));
        assert_eq!(p.planned.get_i64("ttl"), Some(60));
        assert!(p.planned.is_unknown_at("updated_at"));
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn replacement_makes_computed_values_unknown() {
        let mut proposed = state();
        proposed.set("zone", "y");
        let config = Value::object([("name", "a".into()), ("zone", "y".into())]);
        let p = plan(state(), config, proposed);
        assert_eq!(p.requires_replace, vec![AttributePath::new("zone")]);
        assert!(p.planned.is_unknown_at("id"));
        assert!(p.planned.is_unknown_at("ttl"));
    }

    #[test]
    fn destroy_passes_through() {
        let p = plan(state(), Value::Null, Value::Null);
        assert!(p.planned.is_null());
    }
}
