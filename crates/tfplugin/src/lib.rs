//! The Terraform plugin protocol layer (protocol 6.10 over go-plugin). Knows nothing about
//! Combell.
//!
//! A provider implements [`ProviderDef`], returning its [`Resource`]s and [`DataSource`]s, and
//! `main` calls [`serve`]:
//!
//! ```no_run
//! # fn main_of(provider: impl tfplugin::ProviderDef) {
//! std::process::exit(tfplugin::serve(provider));
//! # }
//! ```
//!
//! - Values: [`Value`] (null, unknown, bool, number, string, collections, objects) with
//!   accessors (`get_str`, `get_i64`, `get_bool`, `get_list`, `is_unknown_at`) and builders
//!   (`Value::object([..])`, `From` impls, `set`). Encoding follows the schema's [`Type`] and
//!   emits every attribute.
//! - Schemas: [`Schema`] of [`Attribute`]s (`Attribute::string("name").required()`) and
//!   [`NestedBlock`]s; descriptions are Markdown.
//! - Diagnostics: [`Diagnostics`] (`push`, `error`, `error_at(path, ..)`, `has_errors`) with
//!   [`AttributePath`]s.
//! - Operations get a [`Ctx`]: the configured provider data (`ctx.require::<Client>()`), the
//!   StopProvider token (`ctx.stopping()`), the Terraform version.
//! - Planning: [`Resource::plan`] defaults to [`default_plan`]: unknown computed values on
//!   create, prior values kept on update except [`Resource::recomputed_on_update`], replacement
//!   for [`Resource::requires_replace`], write-only attributes always null.
//! - Apply: create when prior is null, delete when planned is null, update otherwise. A
//!   create that returns a state together with errors still stores that state (tainted).
//! - Panics in provider code become "this is a bug in the provider" diagnostics.
//! - Resource identity (Terraform 1.12+): [`Resource::identity_schema`] and
//!   [`Resource::identity`] (derived from state) make Read, Apply and Import answer with the
//!   object's identity; [`Resource::import_id_from_identity`] serves `import { identity }`.
//! - `terraform query` (1.14+): a [`ListResource`] of the same type name streams
//!   [`ListItem`]s (a state, possibly partial); the framework derives each identity and, when
//!   Terraform wants the objects, completes partial states through [`Resource::read`].
//! - [`EphemeralResource`]s (1.10+) are opened at plan and apply; their results never reach
//!   plan or state.
//! - [`Function`]s (1.8+, `provider::<name>::<function>(...)`) are pure: arguments in, a value
//!   or a [`FunctionError`] (naming the argument at fault) out, no provider configuration.
//!
//! A resource, in the order STYLE.md asks for:
//!
//! ```no_run
//! use async_trait::async_trait;
//! use tfplugin::{
//!     ApplyResult, Attribute, AttributePath, Ctx, Diagnostics, ImportResult, ReadResult,
//!     Resource, Schema, Value,
//! };
//!
//! struct Client; // what ProviderDef::configure returned, wrapped in an Arc
//!
//! pub struct Example;
//!
//! #[async_trait]
//! impl Resource for Example {
//!     fn type_name(&self) -> &str {
//!         "combell_example"
//!     }
//!     fn schema(&self) -> Schema {
//!         Schema::new(vec![
//!             Attribute::string("id").computed().description("Identifier."),
//!             Attribute::string("name").required().description("Name, e.g. `www`."),
//!             Attribute::number("ttl").optional().computed().description("TTL in seconds."),
//!         ])
//!     }
//!     fn requires_replace(&self) -> &[&str] {
//!         &["name"]
//!     }
//!     async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
//!         let mut diags = Diagnostics::new();
//!         if let Some(ttl) = config.get_i64("ttl") {
//!             if ttl < 60 {
//!                 diags.error_at(AttributePath::new("ttl"), "TTL too short", "Use 60 or more.");
//!             }
//!         }
//!         diags
//!     }
//!     async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
//!         let _client = match ctx.require::<Client>() {
//!             Ok(c) => c,
//!             Err(d) => return ApplyResult::error(d),
//!         };
//!         let mut state = planned.clone();
//!         state.set("id", "42");
//!         state.set("ttl", planned.get_i64("ttl").unwrap_or(3600));
//!         ApplyResult::ok(state)
//!     }
//!     async fn read(&self, _ctx: &Ctx, state: &Value) -> ReadResult {
//!         ReadResult::ok(state.clone()) // or ReadResult::gone() when the API says 404
//!     }
//!     async fn update(&self, _ctx: &Ctx, _prior: &Value, planned: &Value, _config: &Value) -> ApplyResult {
//!         ApplyResult::ok(planned.clone())
//!     }
//!     async fn delete(&self, _ctx: &Ctx, _prior: &Value) -> Diagnostics {
//!         Diagnostics::new()
//!     }
//!     async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
//!         ImportResult { state: Some(Value::object([("id", id.into())])), ..Default::default() }
//!     }
//! }
//! ```

mod diag;
mod framework;
mod function;
pub mod model;
pub mod proto;
mod routes;
mod schema;
mod server;
mod service;
mod value;

pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use framework::{
    default_plan, identity_strings, ApplyResult, Ctx, DataSource, EphemeralResource,
    IdentityAttribute, IdentitySchema, ImportResult, ListItem, ListRequest, ListResource, ListSink,
    OpenResult, PlanRequest, PlanResponse, ProviderData, ProviderDef, ReadResult, Resource,
};
pub use function::{Function, FunctionError, Parameter};
pub use model::{Field, FieldType, Model};
pub use schema::{
    Attribute, AttributeType, Block, NestedBlock, Nesting, PlanDefault, Schema, Validator,
};
pub use server::{serve, StartError, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
pub use value::{from_json, from_msgpack, to_json, to_msgpack, Number, Type, Value, ValueError};
