//! Placeholder provider: one in-memory demo resource (`combell_demo`) so that the plugin layer
//! can be driven by a real Terraform. Replaced by the real provider.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use crate::tfplugin::{
    ApplyResult, Attribute, Ctx, DataSource, Diagnostic, Diagnostics, ImportResult, ProviderData,
    ProviderDef, ReadResult, Resource, Schema, Value,
};

pub fn provider() -> impl ProviderDef {
    Demo
}

struct Demo;

#[async_trait]
impl ProviderDef for Demo {
    fn type_name(&self) -> &str {
        "combell"
    }
    fn schema(&self) -> Schema {
        Schema::new(vec![Attribute::string("endpoint")
            .optional()
            .description("Demo only.")])
    }
    async fn configure(&self, _ctx: &Ctx, _config: &Value) -> (Option<ProviderData>, Diagnostics) {
        (None, Diagnostics::default())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(DemoResource::default())]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

/// Keeps objects in the process only; the state file is what survives between runs, so read
/// trusts the state it gets. `delay_ms` makes create slow for StopProvider tests.
#[derive(Default)]
struct DemoResource {
    created: Mutex<HashMap<String, Value>>,
}

#[async_trait]
impl Resource for DemoResource {
    fn type_name(&self) -> &str {
        "combell_demo"
    }
    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed(),
            Attribute::string("name").required(),
            Attribute::number("delay_ms").optional(),
            Attribute::string("secret").optional().write_only(),
        ])
    }
    fn requires_replace(&self) -> &[&str] {
        &["name"]
    }
    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::default();
        if config.get_str("name") == Some("") {
            d.error_at(
                crate::tfplugin::AttributePath::new("name"),
                "Invalid name",
                "name must not be empty",
            );
        }
        d
    }
    async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
        let delay = planned.get_i64("delay_ms").unwrap_or(0).max(0) as u64;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
            _ = ctx.stopping().cancelled() => {}
        }
        let mut state = planned.clone();
        let id = format!("demo-{}", planned.get_str("name").unwrap_or_default());
        state.set("id", id.clone());
        if let Ok(mut m) = self.created.lock() {
            m.insert(id, state.clone());
        }
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
    async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
        let Some(name) = id.strip_prefix("demo-") else {
            return ImportResult {
                diagnostics: Diagnostic::error("Invalid import ID", "expected demo-<name>").into(),
                ..Default::default()
            };
        };
        ImportResult {
            state: Some(Value::object([("id", id.into()), ("name", name.into())])),
            ..Default::default()
        }
    }
}
