//! A provider with one type shaped like HashiCorp's `null_resource` (`id` computed, `triggers`
//! a map of strings that replaces the object when it changes), served by this framework. The
//! benchmark plans it beside `null_resource` so that the framework's cost per resource (server,
//! codec, transport) is compared with the SDK's on the same schema, apart from what Terraform
//! does with a larger schema such as `combell_dns_record`'s. A second type,
//! `benchnull_record`, has the attributes of `combell_dns_record` (names, types, which are
//! required, optional or computed, the TTL's default) and no rule of its own: planned beside
//! the real type it shows what the DNS record's own rules cost, and planned beside
//! `benchnull_resource` what Terraform's handling of twelve attributes instead of two costs.
//!
//! Build: `cargo build --release -p tfplugin --example terraform-provider-benchnull`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::{
    ApplyResult, Attribute, Ctx, DataSource, Diagnostics, ProviderData, ProviderDef, ReadResult,
    Resource, Schema, Type, Value,
};

struct BenchNull;

struct NullAlike {
    type_name: &'static str,
    schema: fn() -> Schema,
    requires_replace: &'static [&'static str],
    next_id: AtomicU64,
}

fn record_schema() -> Schema {
    let optional = |a: Attribute| a.optional();
    let optional_computed = |a: Attribute| a.optional().computed();
    Schema::new(vec![
        Attribute::string("id").computed(),
        Attribute::string("domain_name").required(),
        Attribute::string("type").required(),
        optional_computed(Attribute::string("record_name")),
        optional_computed(Attribute::string("content")),
        optional_computed(Attribute::number("ttl")).default(3600),
        optional_computed(Attribute::number("priority")),
        optional(Attribute::string("service")),
        optional_computed(Attribute::string("protocol")),
        optional(Attribute::string("target")),
        optional(Attribute::number("port")),
        optional_computed(Attribute::number("weight")),
    ])
    .description("Does nothing; for benchmarks.")
}

fn resource_schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("A number of this process."),
        Attribute::new("triggers", Type::map(Type::String))
            .optional()
            .description("Values whose change replaces the object."),
    ])
    .description("Does nothing; for benchmarks.")
}

#[async_trait]
impl Resource for NullAlike {
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn schema(&self) -> Schema {
        (self.schema)()
    }
    fn requires_replace(&self) -> &[&str] {
        self.requires_replace
    }
    async fn create(&self, _ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let mut state = planned.clone();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        state.set("id", id.to_string());
        ApplyResult::ok(state)
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> ReadResult {
        ReadResult::ok(state.clone())
    }
    async fn update(
        &self,
        _ctx: &Ctx,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> ApplyResult {
        ApplyResult::ok(planned.clone())
    }
    async fn delete(&self, _ctx: &Ctx, _prior: &Value) -> Diagnostics {
        Diagnostics::default()
    }
}

#[async_trait]
impl ProviderDef for BenchNull {
    fn type_name(&self) -> &str {
        "benchnull"
    }
    fn schema(&self) -> Schema {
        Schema::new(Vec::new())
    }
    async fn configure(&self, _ctx: &Ctx, _config: &Value) -> (Option<ProviderData>, Diagnostics) {
        (None, Diagnostics::default())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(NullAlike {
                type_name: "benchnull_resource",
                schema: resource_schema,
                requires_replace: &["triggers"],
                next_id: AtomicU64::new(1),
            }),
            Arc::new(NullAlike {
                type_name: "benchnull_record",
                schema: record_schema,
                requires_replace: &["domain_name", "type"],
                next_id: AtomicU64::new(1),
            }),
        ]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

fn main() {
    hclog::init_from_env();
    std::process::exit(tfplugin::serve(BenchNull));
}
