//! What a provider implements: [`ProviderDef`], [`Resource`] (optionally with a resource
//! identity), [`DataSource`], [`ListResource`] (`terraform query`), [`EphemeralResource`],
//! [`Function`]s, and the request/result types they exchange with the gRPC layer.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::function::Function;
use super::proto::tfplugin6 as pb;
use super::schema::{Attribute, AttributeType, NestedBlock, Nesting, Schema};
use super::value::{self, Type, Value};

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
    /// List resources for `terraform query`. Each must share its type name with a resource
    /// that has an identity schema: Terraform refuses a list resource without one.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }
    /// Provider-defined functions (Terraform 1.8+).
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
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

impl From<Diagnostics> for ApplyResult {
    fn from(diagnostics: Diagnostics) -> Self {
        ApplyResult::error(diagnostics)
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

impl From<Diagnostics> for ReadResult {
    fn from(diagnostics: Diagnostics) -> Self {
        ReadResult::error(diagnostics)
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

impl From<Diagnostics> for ImportResult {
    fn from(diagnostics: Diagnostics) -> Self {
        ImportResult {
            diagnostics,
            ..Default::default()
        }
    }
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `combell_dns_record`.
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    /// The Combell API operations this type calls, each as `METHOD /path` exactly as the
    /// path is written in `spec/openapi.yaml` (e.g. `GET /dns/{domainName}/records`). The
    /// coverage table in `docs/coverage.md` is generated from these and checked by a test
    /// against the spec, so every operation is reachable from a configuration.
    fn api_operations(&self) -> &'static [&'static str] {
        &[]
    }
    /// The attributes of the typed model the type reads and writes its state with
    /// ([`crate::Model::attribute_names`]); a schema test holds them against [`Resource::schema`].
    fn model_attributes(&self) -> Vec<&'static str> {
        Vec::new()
    }
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
    /// The plan: [`default_plan`] (declared defaults, requires-replace, unknown computed
    /// values, write-only nulls), then [`Resource::modify_plan`]. Override `modify_plan`, not
    /// this, for a type-specific rule.
    async fn plan(&self, ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let mut resp = default_plan(
            &self.schema(),
            self.requires_replace(),
            self.recomputed_on_update(),
            req.clone(),
        );
        self.modify_plan(ctx, &req, &mut resp).await;
        resp
    }
    /// Runs after the default plan, for what a declaration cannot say (a value derived from
    /// others, a replacement that depends on the old value). Errors go in `resp.diagnostics`.
    async fn modify_plan(&self, _ctx: &Ctx, _req: &PlanRequest, _resp: &mut PlanResponse) {}
    async fn create(&self, ctx: &Ctx, planned: &Value, config: &Value) -> ApplyResult;
    /// Called after a create or update that succeeded, with the plan and the new state: errors
    /// returned here fail the apply (the state is still stored, tainted). For plans that
    /// promise what the API decides, so that a different answer is reported in the provider's
    /// words instead of as Terraform's "inconsistent result".
    fn check_applied(&self, _planned: &Value, _state: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> ReadResult;
    /// [`Resource::read`] with the private data the last apply or read stored for the object
    /// (empty when none). For a type whose apply leaves something for the next read to confirm;
    /// the default ignores it.
    async fn read_with_private(&self, ctx: &Ctx, state: &Value, _private: &[u8]) -> ReadResult {
        self.read(ctx, state).await
    }
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
    /// The resource identity schema (Terraform 1.12+): the few attributes that name one
    /// object for good. `None`: the type has no identity (and no list resource).
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }
    /// The identity of the object `state` describes, a value of the identity schema's type;
    /// `None` while the state does not name an object yet (e.g. a pending provisioning).
    /// It must not change for the life of the object: Terraform rejects a read whose identity
    /// differs from the stored one, so derive it from canonical (normalised) values.
    ///
    /// The default takes each identity attribute from the state attribute of the same name
    /// (`None` unless all are non-empty strings); override it to normalise.
    fn identity(&self, state: &Value) -> Option<Value> {
        let schema = self.identity_schema()?;
        let mut fields = Vec::with_capacity(schema.attributes.len());
        for attr in &schema.attributes {
            let value = state.get_str(&attr.name).filter(|s| !s.is_empty())?;
            fields.push((attr.name.clone(), Value::from(value)));
        }
        Some(Value::object(fields))
    }
    /// The import ID an identity stands for, so that `import { identity = {...} }` (which
    /// `terraform query -generate-config-out` writes) runs the same [`Resource::import`].
    /// The default joins the identity's attributes, in schema order, with `/`.
    fn import_id_from_identity(&self, identity: &Value) -> Result<String, String> {
        let Some(schema) = self.identity_schema() else {
            return Err(format!(
                "{} cannot be imported by identity; give an import ID.",
                self.type_name()
            ));
        };
        let names: Vec<&str> = schema.attributes.iter().map(|a| a.name.as_str()).collect();
        names
            .iter()
            .map(|name| identity.get_str(name).filter(|s| !s.is_empty()))
            .collect::<Option<Vec<&str>>>()
            .map(|parts| parts.join("/"))
            .ok_or_else(|| format!("The identity needs {}.", names.join(" and ")))
    }
}

#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    /// The Combell API operations this type calls, each as `METHOD /path` exactly as the
    /// path is written in `spec/openapi.yaml` (e.g. `GET /dns/{domainName}/records`). The
    /// coverage table in `docs/coverage.md` is generated from these and checked by a test
    /// against the spec, so every operation is reachable from a configuration.
    fn api_operations(&self) -> &'static [&'static str] {
        &[]
    }
    /// The attributes of the typed model the data source reads its configuration and writes
    /// its state with; a schema test holds them against [`DataSource::schema`].
    fn model_attributes(&self) -> Vec<&'static str> {
        Vec::new()
    }
    async fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Returns the full state: the config with computed attributes filled in.
    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult;
}

// ---- Resource identity ----------------------------------------------------------------------

/// A resource type's identity schema: flat attributes of primitive types.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IdentityAttribute {
    pub name: String,
    pub ty: Type,
    /// Every required attribute must be given in `import { identity = {...} }`.
    pub required_for_import: bool,
    pub description: String,
}

impl IdentityAttribute {
    /// A string attribute needed for import.
    pub fn string(name: &str, description: &str) -> Self {
        IdentityAttribute {
            name: name.to_string(),
            ty: Type::String,
            required_for_import: true,
            description: description.to_string(),
        }
    }
}

impl IdentitySchema {
    pub fn new(attributes: Vec<IdentityAttribute>) -> Self {
        IdentitySchema {
            version: 0,
            attributes,
        }
    }
    /// The object type of identity values.
    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone()))
                .collect(),
        )
    }
    pub(crate) fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.clone(),
                    r#type: a.ty.to_json_bytes(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}

/// The string attributes `names` of an identity value, all present and non-empty, or `None`.
pub fn identity_strings<'a, const N: usize>(
    identity: &'a Value,
    names: [&str; N],
) -> Option<[&'a str; N]> {
    let mut out = [""; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = identity.get_str(name).filter(|s| !s.is_empty())?;
    }
    Some(out)
}

// ---- List resources (terraform query) -------------------------------------------------------

/// ListResource's inputs.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The `config` block of the `list` block, a value of [`ListResource::schema`].
    pub config: Value,
    /// Whether Terraform wants each object's full state (`include_resource = true`, and always
    /// with `-generate-config-out`).
    pub include_resource: bool,
    /// At most this many results; 0 or less means no limit.
    pub limit: i64,
}

/// One object found by a list resource.
#[derive(Clone, Debug)]
pub struct ListItem {
    /// What `terraform query` shows for the object.
    pub display_name: String,
    /// A state of the resource type: at least what [`Resource::identity`] and
    /// [`Resource::read`] need (what import produces), or the full state.
    pub state: Value,
    /// Whether `state` is already what [`Resource::read`] would return. When it is not and
    /// the object is wanted, the framework reads it through the resource.
    pub complete: bool,
}

/// Where a list resource sends what it finds, one object at a time (they stream to Terraform
/// as they are found).
pub struct ListSink {
    pub(crate) tx: tokio::sync::mpsc::Sender<ListItem>,
}

impl ListSink {
    /// Sends one object. `false` means stop: the limit is reached or Terraform went away.
    pub async fn send(&self, item: ListItem) -> bool {
        self.tx.send(item).await.is_ok()
    }
}

#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The resource type listed, e.g. `combell_dns_record`.
    fn type_name(&self) -> &str;
    /// The schema of the `config` block inside a `list` block (filters).
    fn schema(&self) -> Schema;
    /// The Combell API operations this list calls, as for [`Resource::api_operations`].
    fn api_operations(&self) -> &'static [&'static str] {
        &[]
    }
    async fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Finds the objects and sends each to `out`, stopping when `send` says so. Returns the
    /// diagnostics of the whole listing (an error ends it).
    async fn list(&self, ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics;
}

// ---- Ephemeral resources --------------------------------------------------------------------

/// The outcome of opening an ephemeral resource: its result never reaches plan or state.
#[derive(Clone, Debug, Default)]
pub struct OpenResult {
    pub result: Option<Value>,
    pub diagnostics: Diagnostics,
}

#[async_trait]
pub trait EphemeralResource: Send + Sync + 'static {
    fn type_name(&self) -> &str;
    fn schema(&self) -> Schema;
    /// The Combell API operations it calls, as for [`Resource::api_operations`].
    fn api_operations(&self) -> &'static [&'static str] {
        &[]
    }
    async fn validate(&self, _ctx: &Ctx, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Returns the configuration with computed attributes filled in. Called at plan and at
    /// apply, each time anew; nothing to renew or close afterwards.
    async fn open(&self, ctx: &Ctx, config: &Value) -> OpenResult;
}

/// The plan a mature framework makes. Resources that override `plan` can start from this and
/// adjust (e.g. normalise values).
///
/// - destroy: passes through;
/// - create: computed attributes (also inside nested attributes and blocks) that are null in
///   the configuration become unknown;
/// - update: computed values keep the prior value (Terraform's proposal already holds it),
///   except `recomputed` ones, which become unknown when anything changes;
/// - `requires_replace` attributes that changed are reported, and the plan is then made as
///   for a create;
/// - write-only attributes are null everywhere, always;
/// - optional and computed attributes with a declared default ([`Attribute::default`]) that
///   the configuration leaves null are planned as the default, on create and update alike, so
///   a value changed outside Terraform is planned back.
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
    if req.proposed.is_null() {
        return resp;
    }
    let mut planned = req.proposed.clone();
    let block = &schema.block;

    if req.prior.is_null() {
        plan_fresh(
            &block.attributes,
            &block.blocks,
            &mut planned,
            &req.config,
            true,
        );
        plan_defaults(&block.attributes, &mut planned, &req.config);
        resp.planned = planned;
        return resp;
    }
    // Before the comparisons below: a default that differs from the prior value is a change
    // (drift planned back), and on a replace-only attribute a replacement.
    plan_defaults(&block.attributes, &mut planned, &req.config);

    let declared = schema.replacing_attributes();
    let requires_replace: Vec<&str> = requires_replace
        .iter()
        .copied()
        .chain(
            declared
                .iter()
                .copied()
                .filter(|d| !requires_replace.contains(d)),
        )
        .collect();
    for name in &requires_replace {
        if planned.get(name) != req.prior.get(name) {
            resp.requires_replace.push(AttributePath::new(name));
        }
    }
    if !resp.requires_replace.is_empty() {
        plan_fresh(
            &block.attributes,
            &block.blocks,
            &mut planned,
            &req.config,
            true,
        );
        plan_defaults(&block.attributes, &mut planned, &req.config);
        resp.planned = planned;
        return resp;
    }

    null_write_only_in(&block.attributes, &block.blocks, &mut planned);
    let changed = block
        .attributes
        .iter()
        .filter(|a| !a.write_only)
        .map(|a| &a.name)
        .chain(block.blocks.iter().map(|b| &b.type_name))
        .any(|name| planned.get(name) != req.prior.get(name));
    if changed {
        for a in block
            .attributes
            .iter()
            .filter(|a| a.computed && !a.write_only)
        {
            let unset = req.config.get(&a.name).is_none_or(Value::is_null);
            if unset && recomputed.contains(&a.name.as_str()) {
                planned.set(&a.name, Value::Unknown);
            }
        }
    }
    resp.planned = planned;
    resp
}

/// Sets every optional and computed attribute with a declared default that the configuration
/// leaves null to that default. Terraform only lets a provider choose the planned value of a
/// computed attribute, so on the others the default stays the provider's business.
fn plan_defaults(attrs: &[Attribute], planned: &mut Value, config: &Value) {
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    for a in attrs {
        let Some(default) = &a.default else { continue };
        if !(a.optional && a.computed) || a.write_only {
            continue;
        }
        if config.get(&a.name).is_none_or(Value::is_null) {
            planned.set(&a.name, default.resolve(config));
        }
    }
}

/// Nulls every write-only attribute of `value`, however deep: Terraform rejects plans and
/// states that hold one.
pub(crate) fn null_write_only(schema: &Schema, value: &mut Value) {
    null_write_only_in(&schema.block.attributes, &schema.block.blocks, value);
}

fn null_write_only_in(attrs: &[Attribute], blocks: &[NestedBlock], value: &mut Value) {
    plan_fresh(attrs, blocks, value, &Value::Null, false);
}

/// Walks an object of the given attributes and blocks. Write-only attributes become null;
/// when `fresh`, computed attributes unset in `config` become unknown.
fn plan_fresh(
    attrs: &[Attribute],
    blocks: &[NestedBlock],
    planned: &mut Value,
    config: &Value,
    fresh: bool,
) {
    if !matches!(planned, Value::Object(_) | Value::Map(_)) {
        return;
    }
    for a in attrs {
        let cfg = config.get(&a.name).unwrap_or(&Value::Null);
        if a.write_only {
            planned.set(&a.name, Value::Null);
        } else if fresh && a.computed && cfg.is_null() {
            planned.set(&a.name, Value::Unknown);
        } else if let (AttributeType::Nested(nesting, sub), Some(v)) =
            (&a.ty, planned.get_mut(&a.name))
        {
            each_element(*nesting, v, cfg, &mut |item, c| {
                plan_fresh(sub, &[], item, c, fresh)
            });
        }
    }
    for b in blocks {
        let cfg = config.get(&b.type_name).unwrap_or(&Value::Null);
        if let Some(v) = planned.get_mut(&b.type_name) {
            each_element(b.nesting, v, cfg, &mut |item, c| {
                plan_fresh(&b.block.attributes, &b.block.blocks, item, c, fresh)
            });
        }
    }
}

/// Calls `f` on each object of a nested value with its counterpart in the configuration
/// (by index for lists and sets, by key for maps).
fn each_element(
    nesting: Nesting,
    value: &mut Value,
    config: &Value,
    f: &mut dyn FnMut(&mut Value, &Value),
) {
    match (nesting, value) {
        (Nesting::Single | Nesting::Group, v) => f(v, config),
        (Nesting::List | Nesting::Set, Value::List(items) | Value::Set(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                f(item, config.as_list().get(i).unwrap_or(&Value::Null));
            }
        }
        (Nesting::Map, Value::Map(m) | Value::Object(m)) => {
            for (k, item) in m.iter_mut() {
                f(item, config.get(k).unwrap_or(&Value::Null));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;

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

    #[test]
    fn a_declared_replacing_attribute_replaces() {
        let schema = Schema::new(vec![
            Attribute::string("id").computed(),
            Attribute::string("name").required().requires_replace(),
        ]);
        let prior = Value::object([("id", "1".into()), ("name", "a".into())]);
        let next = Value::object([("id", "1".into()), ("name", "b".into())]);
        let config = Value::object([("id", Value::Null), ("name", "b".into())]);
        let resp = default_plan(
            &schema,
            &[],
            &[],
            PlanRequest {
                prior,
                proposed: next,
                config,
                prior_private: Vec::new(),
            },
        );
        assert_eq!(resp.requires_replace, vec![AttributePath::new("name")]);
        assert!(resp.planned.get("id").is_some_and(Value::is_unknown));
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
    fn create_reaches_computed_and_write_only_attributes_inside_nested_ones() {
        let schema = Schema::new(vec![Attribute::nested(
            "records",
            Nesting::List,
            vec![
                Attribute::string("id").computed(),
                Attribute::string("name").required(),
                Attribute::string("token").optional().write_only(),
            ],
        )]);
        let config = Value::object([(
            "records",
            Value::List(vec![Value::object([
                ("name", "a".into()),
                ("token", "t".into()),
            ])]),
        )]);
        let p = default_plan(
            &schema,
            &[],
            &[],
            PlanRequest {
                prior: Value::Null,
                proposed: config.clone(),
                config,
                prior_private: Vec::new(),
            },
        );
        let record = &p.planned.get_list("records")[0];
        assert!(record.is_unknown_at("id"));
        assert_eq!(record.get_str("name"), Some("a"));
        assert!(record.get("token").unwrap().is_null());
    }

    fn defaults_schema() -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed(),
            Attribute::string("type").required(),
            Attribute::bool("enabled")
                .optional()
                .computed()
                .default(true),
            Attribute::number("priority")
                .optional()
                .computed()
                .default_when(10i64, "type", &["MX", "SRV"]),
            Attribute::string("level")
                .optional()
                .computed()
                .default("basic"),
            Attribute::string("timeout").optional().default("10m"),
        ])
    }

    fn plan_defaults_of(prior: Value, config: Value) -> PlanResponse {
        let mut proposed = config.clone();
        for name in ["id", "enabled", "priority", "level"] {
            if config.get(name).is_none_or(Value::is_null) {
                proposed.set(name, prior.get(name).cloned().unwrap_or_default());
            }
        }
        default_plan(
            &defaults_schema(),
            &["level"],
            &[],
            PlanRequest {
                prior,
                proposed,
                config,
                prior_private: Vec::new(),
            },
        )
    }

    fn defaults_config(kind: Value) -> Value {
        Value::object([
            ("id", Value::Null),
            ("type", kind),
            ("enabled", Value::Null),
            ("priority", Value::Null),
            ("level", Value::Null),
            ("timeout", Value::Null),
        ])
    }

    #[test]
    fn declared_defaults_are_planned_on_create() {
        let p = plan_defaults_of(Value::Null, defaults_config("MX".into()));
        assert_eq!(p.planned.get_bool("enabled"), Some(true));
        assert_eq!(p.planned.get_i64("priority"), Some(10));
        assert_eq!(p.planned.get_str("level"), Some("basic"));
        assert!(p.planned.is_unknown_at("id"));
        // Not computed: Terraform wants the configured null back.
        assert!(p.planned.get("timeout").unwrap().is_null());
        let a = plan_defaults_of(Value::Null, defaults_config("A".into()));
        assert!(a.planned.get("priority").unwrap().is_null());
        let unknown = plan_defaults_of(Value::Null, defaults_config(Value::Unknown));
        assert!(unknown.planned.is_unknown_at("priority"));
        let mut given = defaults_config("MX".into());
        given.set("enabled", false);
        given.set("priority", 5i64);
        let p = plan_defaults_of(Value::Null, given);
        assert_eq!(p.planned.get_bool("enabled"), Some(false));
        assert_eq!(p.planned.get_i64("priority"), Some(5));
    }

    #[test]
    fn declared_defaults_plan_drift_back() {
        let prior = Value::object([
            ("id", "1".into()),
            ("type", "MX".into()),
            ("enabled", false.into()),
            ("priority", 20i64.into()),
            ("level", "basic".into()),
            ("timeout", Value::Null),
        ]);
        let p = plan_defaults_of(prior.clone(), defaults_config("MX".into()));
        assert_eq!(p.planned.get_bool("enabled"), Some(true));
        assert_eq!(p.planned.get_i64("priority"), Some(10));
        assert_eq!(p.planned.get_str("id"), Some("1"));
        assert!(p.requires_replace.is_empty());
        let mut other_level = prior;
        other_level.set("level", "premium");
        other_level.set("enabled", true);
        other_level.set("priority", 10i64);
        let p = plan_defaults_of(other_level, defaults_config("MX".into()));
        assert_eq!(p.requires_replace, vec![AttributePath::new("level")]);
        assert_eq!(p.planned.get_str("level"), Some("basic"));
    }

    #[test]
    fn destroy_passes_through() {
        let p = plan(state(), Value::Null, Value::Null);
        assert!(p.planned.is_null());
    }
}
