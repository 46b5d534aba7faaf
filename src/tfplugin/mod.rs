//! The Terraform plugin protocol layer (protocol 6.10 over go-plugin). Knows nothing about
//! Combell.
//!
//! A provider implements [`ProviderDef`], returning its [`Resource`]s and [`DataSource`]s, and
//! `main` calls [`serve`]:
//!
//! ```no_run
//! # fn provider() -> impl combell::tfplugin::ProviderDef { combell::provider::provider() }
//! combell::logging::init_from_env();
//! std::process::exit(combell::tfplugin::serve(provider()));
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

mod diag;
mod framework;
pub mod proto;
mod schema;
mod server;
mod service;
mod value;

pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use framework::{
    default_plan, ApplyResult, Ctx, DataSource, ImportResult, PlanRequest, PlanResponse,
    ProviderData, ProviderDef, ReadResult, Resource,
};
pub use schema::{Attribute, AttributeType, Block, NestedBlock, Nesting, Schema};
pub use server::{serve, StartError, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
pub use value::{from_json, from_msgpack, to_json, to_msgpack, Number, Type, Value, ValueError};
