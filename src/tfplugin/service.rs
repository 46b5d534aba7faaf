//! The `tfplugin6.Provider` gRPC service: decodes requests, calls the provider's code,
//! encodes answers. Everything a user or provider did wrong becomes a diagnostic; gRPC error
//! statuses are never used.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::diag::{Diagnostic, Diagnostics};
use super::framework::{Ctx, DataSource, PlanRequest, ProviderData, ProviderDef, Resource};
use super::proto::tfplugin6 as pb;
use super::schema::Schema;
use super::value::{self, Type, Value};
use crate::logging;

const MODULE: &str = "tfplugin";

struct Typed<T: ?Sized> {
    imp: Arc<T>,
    schema: Schema,
    ty: Type,
}

pub(crate) struct ProviderService {
    provider: Arc<dyn ProviderDef>,
    provider_ty: Type,
    resources: HashMap<String, Typed<dyn Resource>>,
    data_sources: HashMap<String, Typed<dyn DataSource>>,
    schema_response: pb::get_provider_schema::Response,
    data: RwLock<Option<ProviderData>>,
    terraform_version: RwLock<String>,
    /// Whether the client stores write-only attributes as such (Terraform 1.11 and later say
    /// so in ConfigureProvider). When it does not, their values are kept in plan and state as
    /// sensitive values instead: see [`keep_write_only`].
    write_only_allowed: AtomicBool,
    stop: CancellationToken,
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

impl ProviderService {
    /// Builds every schema once: Terraform asks for them on each of its 3-5 starts per command.
    pub(crate) fn new(provider: Arc<dyn ProviderDef>) -> Self {
        let provider_schema = provider.schema();
        let mut resources = HashMap::new();
        let mut data_sources = HashMap::new();
        let mut resp = pb::get_provider_schema::Response {
            provider: Some(provider_schema.to_proto()),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        for r in provider.resources() {
            let schema = r.schema();
            resp.resource_schemas
                .insert(r.type_name().to_string(), schema.to_proto());
            let ty = schema.value_type();
            resources.insert(r.type_name().to_string(), Typed { imp: r, schema, ty });
        }
        for d in provider.data_sources() {
            let schema = d.schema();
            resp.data_source_schemas
                .insert(d.type_name().to_string(), schema.to_proto());
            let ty = schema.value_type();
            data_sources.insert(d.type_name().to_string(), Typed { imp: d, schema, ty });
        }
        ProviderService {
            provider_ty: provider_schema.value_type(),
            provider,
            resources,
            data_sources,
            schema_response: resp,
            data: RwLock::new(None),
            terraform_version: RwLock::new(String::new()),
            write_only_allowed: AtomicBool::new(true),
            stop: CancellationToken::new(),
        }
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            data: self.data.read().ok().and_then(|d| d.clone()),
            stop: self.stop.clone(),
            terraform_version: self
                .terraform_version
                .read()
                .map(|v| v.clone())
                .unwrap_or_default(),
        }
    }

    fn resource(&self, name: &str) -> Result<&Typed<dyn Resource>, Diagnostics> {
        self.resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {name:?}. This is a bug in the provider or in Terraform, please report it."),
            )
            .into()
        })
    }

    fn data_source(&self, name: &str) -> Result<&Typed<dyn DataSource>, Diagnostics> {
        self.data_sources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source",
                format!("This provider has no data source {name:?}. This is a bug in the provider or in Terraform, please report it."),
            )
            .into()
        })
    }
}

/// Logs an RPC's name, type and duration when it ends (debug level, so `TF_LOG=debug` shows
/// where the time of a slow plan went).
struct RpcLog {
    rpc: &'static str,
    type_name: String,
    start: std::time::Instant,
}

impl RpcLog {
    fn new(rpc: &'static str, type_name: &str) -> Self {
        RpcLog {
            rpc,
            type_name: type_name.to_string(),
            start: std::time::Instant::now(),
        }
    }
}

impl Drop for RpcLog {
    fn drop(&mut self) {
        if logging::enabled(logging::Level::Debug) {
            logging::debug(
                MODULE,
                "rpc done",
                &[
                    ("rpc", self.rpc.into()),
                    ("type", self.type_name.clone().into()),
                    (
                        "duration_ms",
                        (self.start.elapsed().as_secs_f64() * 1000.0).into(),
                    ),
                ],
            );
        }
    }
}

/// Runs provider code on its own task so that a panic becomes a diagnostic instead of a
/// dropped connection (which Terraform reports as the plugin crashing mid-apply).
async fn guarded<T, F>(what: &str, fut: F) -> Result<T, Diagnostics>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    match tokio::spawn(fut).await {
        Ok(v) => Ok(v),
        Err(e) => {
            logging::error(
                MODULE,
                "provider code panicked",
                &[("operation", what.into()), ("error", e.to_string().into())],
            );
            Err(Diagnostic::error(
                "The provider crashed",
                format!("The provider panicked during {what}. This is a bug in the provider, please report it."),
            )
            .into())
        }
    }
}

fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let result = match dv {
        None => Ok(Value::Null),
        Some(dv) if !dv.msgpack.is_empty() => value::from_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => serde_json::from_slice::<serde_json::Value>(&dv.json)
            .map_err(|e| value::ValueError {
                message: e.to_string(),
            })
            .and_then(|j| value::from_json(&j, ty)),
        Some(_) => Ok(Value::Null),
    };
    result.map_err(|e| {
        Diagnostic::error(
            format!("Unable to decode the {what}"),
            format!("Terraform sent a value this provider cannot read: {e}. This is a bug in the provider, please report it."),
        )
        .into()
    })
}

fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    value::to_msgpack(v, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                format!("Unable to encode the {what}"),
                format!("The provider produced a value that does not fit its schema: {e}. This is a bug in the provider, please report it."),
            )
            .into()
        })
}

/// Terraform rejects any state in which a write-only attribute is not null.
fn strip_write_only(v: &mut Value, schema: &Schema) {
    super::framework::null_write_only(schema, v);
}

/// The fallback for clients without write-only support (Terraform before 1.11, other tools):
/// they would see a planned null where the configuration has a value and refuse the plan. For
/// them the top-level write-only attributes of `target` take their values from `source` (the
/// configuration when planning, the plan when applying, the prior state when reading), so the
/// value is kept in plan and state, where the schema marks it sensitive. Terraform 1.11 and
/// later never get here.
fn keep_write_only(target: &mut Value, source: &Value, schema: &Schema) {
    if target.is_null() {
        return;
    }
    for a in schema.block.attributes.iter().filter(|a| a.write_only) {
        target.set(&a.name, source.get(&a.name).cloned().unwrap_or_default());
    }
}

/// Whether a request's client capabilities allow write-only attributes; without any, what
/// ConfigureProvider said.
fn allows_write_only(caps: Option<&pb::ClientCapabilities>, configured: bool) -> bool {
    caps.map_or(configured, |c| c.write_only_attributes_allowed)
}

fn not_supported(what: &str) -> Vec<pb::Diagnostic> {
    Diagnostics::from(Diagnostic::error(
        format!("{what} is not supported by this provider"),
        format!("This provider does not implement {what}."),
    ))
    .to_proto()
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

fn one<T: Send + 'static>(item: T) -> BoxStream<T> {
    Box::pin(tokio_stream::once(Ok(item)))
}

macro_rules! unsupported {
    ($name:ident, $module:ident, $what:expr) => {
        // Written in async_trait's expanded form: the attribute runs before this macro does.
        fn $name<'life0, 'async_trait>(
            &'life0 self,
            _req: Request<pb::$module::Request>,
        ) -> Pin<
            Box<
                dyn Future<Output = Result<Response<pb::$module::Response>, Status>>
                    + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            // Some responses hold only diagnostics, so the update is sometimes redundant.
            #[allow(clippy::needless_update)]
            Box::pin(async move {
                Ok(Response::new(pb::$module::Response {
                    diagnostics: not_supported($what),
                    ..Default::default()
                }))
            })
        }
    };
}

#[tonic::async_trait]
impl pb::provider_server::Provider for Arc<ProviderService> {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        use pb::get_metadata as m;
        Ok(Response::new(m::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|k| m::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|k| m::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
        ) {
            Err(d) => d,
            Ok(config) => {
                let p = self.provider.clone();
                guarded(
                    "provider validation",
                    async move { p.validate(&config).await },
                )
                .await
                .unwrap_or_else(|d| d)
            }
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateResourceConfig", &req.type_name);
        let diags = async {
            let r = self.resource(&req.type_name)?;
            let config = decode(req.config.as_ref(), &r.ty, "resource configuration")?;
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            guarded(
                "validation",
                async move { imp.validate(&ctx, &config).await },
            )
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateDataResourceConfig", &req.type_name);
        let diags = async {
            let d = self.data_source(&req.type_name)?;
            let config = decode(req.config.as_ref(), &d.ty, "data source configuration")?;
            let (imp, ctx) = (d.imp.clone(), self.ctx());
            guarded(
                "validation",
                async move { imp.validate(&ctx, &config).await },
            )
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("UpgradeResourceState", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                if raw.flatmap.is_empty() {
                    return Ok((None, Diagnostics::default()));
                }
                return Err(Diagnostic::error(
                    "Legacy state format is not supported",
                    "This state was written by a Terraform older than 0.12; refresh it with a newer provider version first.",
                )
                .into());
            }
            let json: serde_json::Value = serde_json::from_slice(&raw.json).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Unable to read the stored state",
                    format!("The stored state is not valid JSON: {e}."),
                ))
            })?;
            let (imp, ctx, version) = (r.imp.clone(), self.ctx(), req.version);
            let (state, diags) = guarded("state upgrade", async move {
                imp.upgrade_state(&ctx, version, json).await
            })
            .await?;
            let state = match state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    Some(encode(&s, &r.ty, "upgraded state")?)
                }
                None => None,
            };
            Ok((state, diags))
        }
        .await;
        let (upgraded_state, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    unsupported!(
        upgrade_resource_identity,
        upgrade_resource_identity,
        "Resource identity"
    );

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ConfigureProvider", "");
        if let Ok(mut v) = self.terraform_version.write() {
            v.clone_from(&req.terraform_version);
        }
        let write_only = req
            .client_capabilities
            .as_ref()
            .is_some_and(|c| c.write_only_attributes_allowed);
        self.write_only_allowed.store(write_only, Ordering::Relaxed);
        logging::debug(
            MODULE,
            "client capabilities",
            &[("write_only_attributes_allowed", write_only.into())],
        );
        let diags = async {
            let config = decode(
                req.config.as_ref(),
                &self.provider_ty,
                "provider configuration",
            )?;
            let (p, ctx) = (self.provider.clone(), self.ctx());
            let (data, diags) =
                guarded("configure", async move { p.configure(&ctx, &config).await }).await?;
            if let Ok(mut slot) = self.data.write() {
                *slot = data;
            }
            Ok(diags)
        }
        .await
        .unwrap_or_else(|d: Diagnostics| d);
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ReadResource", &req.type_name);
        let current = req.current_state.clone();
        let result = async {
            let r = self.resource(&req.type_name)?;
            let state = decode(req.current_state.as_ref(), &r.ty, "current state")?;
            if state.is_null() {
                return Ok((current.clone(), req.private.clone(), Diagnostics::default()));
            }
            let write_only = allows_write_only(
                req.client_capabilities.as_ref(),
                self.write_only_allowed.load(Ordering::Relaxed),
            );
            let prior = state.clone();
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let res = guarded("read", async move { imp.read(&ctx, &state).await }).await?;
            let new_state = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    if !write_only {
                        keep_write_only(&mut s, &prior, &r.schema);
                    }
                    encode(&s, &r.ty, "new state")?
                }
                None => encode(&Value::Null, &r.ty, "new state")?,
            };
            Ok((
                Some(new_state),
                res.private.unwrap_or_else(|| req.private.clone()),
                res.diagnostics,
            ))
        }
        .await;
        // On failure the state Terraform sent is echoed back: a failed read must not lose it.
        let (new_state, private, diags) =
            result.unwrap_or_else(|d: Diagnostics| (current, req.private.clone(), d));
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("PlanResourceChange", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let plan = PlanRequest {
                prior: decode(req.prior_state.as_ref(), &r.ty, "prior state")?,
                proposed: decode(req.proposed_new_state.as_ref(), &r.ty, "proposed state")?,
                config: decode(req.config.as_ref(), &r.ty, "configuration")?,
                prior_private: req.prior_private.clone(),
            };
            let write_only = allows_write_only(
                req.client_capabilities.as_ref(),
                self.write_only_allowed.load(Ordering::Relaxed),
            );
            let config = plan.config.clone();
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let mut resp = guarded("plan", async move { imp.plan(&ctx, plan).await }).await?;
            strip_write_only(&mut resp.planned, &r.schema);
            if !write_only {
                keep_write_only(&mut resp.planned, &config, &r.schema);
            }
            Ok(pb::plan_resource_change::Response {
                planned_state: Some(encode(&resp.planned, &r.ty, "planned state")?),
                requires_replace: resp.requires_replace.iter().map(|p| p.to_proto()).collect(),
                planned_private: resp.private,
                diagnostics: resp.diagnostics.to_proto(),
                ..Default::default()
            })
        }
        .await;
        Ok(Response::new(result.unwrap_or_else(|d: Diagnostics| {
            pb::plan_resource_change::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ApplyResourceChange", &req.type_name);
        let prior_raw = req.prior_state.clone();
        let result = async {
            let r = self.resource(&req.type_name)?;
            let prior = decode(req.prior_state.as_ref(), &r.ty, "prior state")?;
            let planned = decode(req.planned_state.as_ref(), &r.ty, "planned state")?;
            let config = decode(req.config.as_ref(), &r.ty, "configuration")?;
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let name = req.type_name.clone();
            logging::debug(
                MODULE,
                "apply",
                &[
                    ("type", name.clone().into()),
                    (
                        "action",
                        if prior.is_null() {
                            "create"
                        } else if planned.is_null() {
                            "delete"
                        } else {
                            "update"
                        }
                        .into(),
                    ),
                ],
            );
            if planned.is_null() {
                let diags =
                    guarded("delete", async move { imp.delete(&ctx, &prior).await }).await?;
                // A failed delete keeps the object in state.
                let state = if diags.has_errors() {
                    req.prior_state.clone()
                } else {
                    Some(encode(&Value::Null, &r.ty, "new state")?)
                };
                return Ok((state, Vec::new(), diags));
            }
            let creating = prior.is_null();
            let write_only = self.write_only_allowed.load(Ordering::Relaxed);
            let planned_values = planned.clone();
            let res = guarded(if creating { "create" } else { "update" }, async move {
                if creating {
                    imp.create(&ctx, &planned, &config).await
                } else {
                    imp.update(&ctx, &prior, &planned, &config).await
                }
            })
            .await?;
            let state = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    if !write_only {
                        keep_write_only(&mut s, &planned_values, &r.schema);
                    }
                    Some(encode(&s, &r.ty, "new state")?)
                }
                // An update that fails without a state keeps the prior object in state.
                None if !creating => req.prior_state.clone(),
                None => Some(encode(&Value::Null, &r.ty, "new state")?),
            };
            Ok((state, res.private, res.diagnostics))
        }
        .await;
        let (new_state, private, diags) =
            result.unwrap_or_else(|d: Diagnostics| (prior_raw, Vec::new(), d));
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private,
            diagnostics: diags.to_proto(),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ImportResourceState", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            if req.id.is_empty() {
                return Err(Diagnostic::error(
                    "Import needs an ID",
                    "Import by resource identity is not supported by this provider; give an import ID.",
                )
                .into());
            }
            let (imp, ctx, id) = (r.imp.clone(), self.ctx(), req.id.clone());
            let res = guarded("import", async move { imp.import(&ctx, &id).await }).await?;
            let mut imported = Vec::new();
            if let Some(mut s) = res.state {
                strip_write_only(&mut s, &r.schema);
                imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(encode(&s, &r.ty, "imported state")?),
                    private: res.private,
                    identity: None,
                });
            }
            Ok((imported, res.diagnostics))
        }
        .await;
        let (imported_resources, diags) = result.unwrap_or_else(|d: Diagnostics| (Vec::new(), d));
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }

    unsupported!(
        move_resource_state,
        move_resource_state,
        "Moving resource state"
    );

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ReadDataSource", &req.type_name);
        let result = async {
            let d = self.data_source(&req.type_name)?;
            let config = decode(req.config.as_ref(), &d.ty, "configuration")?;
            let (imp, ctx) = (d.imp.clone(), self.ctx());
            let res = guarded(
                "data source read",
                async move { imp.read(&ctx, &config).await },
            )
            .await?;
            let state = match res.state {
                Some(s) => Some(encode(&s, &d.ty, "data source state")?),
                None => None,
            };
            Ok((state, res.diagnostics))
        }
        .await;
        let (state, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }

    unsupported!(
        generate_resource_config,
        generate_resource_config,
        "Generating resource configuration"
    );
    unsupported!(
        validate_ephemeral_resource_config,
        validate_ephemeral_resource_config,
        "Ephemeral resources"
    );
    unsupported!(
        open_ephemeral_resource,
        open_ephemeral_resource,
        "Ephemeral resources"
    );
    unsupported!(
        renew_ephemeral_resource,
        renew_ephemeral_resource,
        "Ephemeral resources"
    );
    unsupported!(
        close_ephemeral_resource,
        close_ephemeral_resource,
        "Ephemeral resources"
    );

    type ListResourceStream = BoxStream<pb::list_resource::Event>;
    async fn list_resource(
        &self,
        _req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        Ok(Response::new(one(pb::list_resource::Event {
            diagnostic: not_supported("Listing resources"),
            ..Default::default()
        })))
    }

    unsupported!(
        validate_list_resource_config,
        validate_list_resource_config,
        "Listing resources"
    );

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!(
                    "Function {:?} is not supported by this provider.",
                    req.into_inner().name
                ),
                function_argument: None,
            }),
        }))
    }

    unsupported!(
        validate_state_store_config,
        validate_state_store,
        "State storage"
    );
    unsupported!(
        configure_state_store,
        configure_state_store,
        "State storage"
    );

    type ReadStateBytesStream = BoxStream<pb::read_state_bytes::Response>;
    async fn read_state_bytes(
        &self,
        _req: Request<pb::read_state_bytes::Request>,
    ) -> Result<Response<Self::ReadStateBytesStream>, Status> {
        Ok(Response::new(one(pb::read_state_bytes::Response {
            diagnostics: not_supported("State storage"),
            ..Default::default()
        })))
    }

    async fn write_state_bytes(
        &self,
        _req: Request<tonic::Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<pb::write_state_bytes::Response>, Status> {
        Ok(Response::new(pb::write_state_bytes::Response {
            diagnostics: not_supported("State storage"),
        }))
    }

    unsupported!(get_states, get_states, "State storage");
    unsupported!(delete_state, delete_state, "State storage");
    unsupported!(plan_action, plan_action, "Actions");

    type InvokeActionStream = BoxStream<pb::invoke_action::Event>;
    async fn invoke_action(
        &self,
        _req: Request<pb::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        use pb::invoke_action::event::{Completed, Type};
        Ok(Response::new(one(pb::invoke_action::Event {
            r#type: Some(Type::Completed(Completed {
                diagnostics: not_supported("Actions"),
            })),
        })))
    }

    unsupported!(validate_action_config, validate_action_config, "Actions");

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        // Only signals: in-flight applies keep running and answer Terraform, which waits
        // for them. Stopping the server here is what orphaned objects in tf-provider.
        logging::info(
            MODULE,
            "StopProvider received; asking operations to wind down",
            &[],
        );
        self.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::framework::{ApplyResult, ReadResult};
    use crate::tfplugin::schema::Attribute;
    use async_trait::async_trait;
    use pb::provider_server::Provider as _;

    struct TestProvider;

    #[async_trait]
    impl ProviderDef for TestProvider {
        fn type_name(&self) -> &str {
            "t"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![Attribute::string("endpoint").optional()])
        }
        async fn configure(
            &self,
            _ctx: &Ctx,
            config: &Value,
        ) -> (Option<ProviderData>, Diagnostics) {
            let endpoint = config.get_str("endpoint").unwrap_or("none").to_string();
            (Some(Arc::new(endpoint)), Diagnostics::default())
        }
        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Thing)]
        }
        fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
            vec![Arc::new(Lookup)]
        }
    }

    struct Lookup;

    #[async_trait]
    impl DataSource for Lookup {
        fn type_name(&self) -> &str {
            "t_lookup"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![
                Attribute::string("name").required(),
                Attribute::string("id").computed(),
            ])
        }
        async fn read(&self, _ctx: &Ctx, config: &Value) -> ReadResult {
            let mut state = config.clone();
            state.set(
                "id",
                format!("id-{}", config.get_str("name").unwrap_or_default()),
            );
            ReadResult::ok(state)
        }
    }

    /// `name` drives the behaviour: "half" fails after creating, "panic" panics, "gone" reads
    /// as deleted.
    struct Thing;

    #[async_trait]
    impl Resource for Thing {
        fn type_name(&self) -> &str {
            "t_thing"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![
                Attribute::string("id").computed(),
                Attribute::string("name").required(),
                Attribute::string("endpoint").computed(),
                Attribute::string("password").optional().write_only(),
            ])
        }
        async fn create(&self, ctx: &Ctx, planned: &Value, _config: &Value) -> ApplyResult {
            let mut state = planned.clone();
            state.set("id", "1");
            state.set("endpoint", ctx.data::<String>().map(|e| e.to_string()));
            match planned.get_str("name") {
                Some("panic") => panic!("boom"),
                Some("half") => ApplyResult {
                    state: Some(state),
                    diagnostics: Diagnostic::error("Unable to finish", "").into(),
                    ..Default::default()
                },
                _ => ApplyResult::ok(state),
            }
        }
        async fn read(&self, _ctx: &Ctx, state: &Value) -> ReadResult {
            if state.get_str("name") == Some("gone") {
                return ReadResult::gone();
            }
            ReadResult::ok(state.clone())
        }
        async fn update(&self, _c: &Ctx, _p: &Value, planned: &Value, _cf: &Value) -> ApplyResult {
            ApplyResult::ok(planned.clone())
        }
        async fn delete(&self, _ctx: &Ctx, _prior: &Value) -> Diagnostics {
            Diagnostics::default()
        }
    }

    fn service() -> Arc<ProviderService> {
        Arc::new(ProviderService::new(Arc::new(TestProvider)))
    }

    fn ty() -> Type {
        Thing.schema().value_type()
    }

    fn dv(v: &Value) -> Option<pb::DynamicValue> {
        Some(pb::DynamicValue {
            msgpack: value::to_msgpack(v, &ty()).unwrap(),
            json: Vec::new(),
        })
    }

    async fn create(svc: &Arc<ProviderService>, name: &str) -> pb::apply_resource_change::Response {
        let planned = Value::object([
            ("id", Value::Unknown),
            ("name", name.into()),
            ("endpoint", Value::Unknown),
            ("password", "pw".into()),
        ]);
        svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "t_thing".into(),
            prior_state: dv(&Value::Null),
            planned_state: dv(&planned),
            config: dv(&planned),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
    }

    fn state_of(resp: &pb::apply_resource_change::Response) -> Value {
        value::from_msgpack(&resp.new_state.as_ref().unwrap().msgpack, &ty()).unwrap()
    }

    async fn configure(svc: &Arc<ProviderService>, caps: Option<pb::ClientCapabilities>) {
        let config = Value::object([("endpoint", "https://sim".into())]);
        let ptype = TestProvider.schema().value_type();
        svc.configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.14.0".into(),
            config: Some(pb::DynamicValue {
                msgpack: value::to_msgpack(&config, &ptype).unwrap(),
                json: Vec::new(),
            }),
            client_capabilities: caps,
        }))
        .await
        .unwrap();
    }

    /// What Terraform 1.11 and later send (checked with 1.11.4 and 1.15.5).
    fn modern() -> Option<pb::ClientCapabilities> {
        Some(pb::ClientCapabilities {
            write_only_attributes_allowed: true,
            ..Default::default()
        })
    }

    #[tokio::test]
    async fn create_reaches_state_with_provider_data_and_without_write_only_values() {
        let svc = service();
        configure(&svc, modern()).await;
        let resp = create(&svc, "ok").await;
        assert!(resp.diagnostics.is_empty());
        let state = state_of(&resp);
        assert_eq!(state.get_str("endpoint"), Some("https://sim"));
        assert!(state.get("password").unwrap().is_null());
    }

    #[tokio::test]
    async fn without_write_only_support_the_value_is_kept_as_a_sensitive_one() {
        let svc = service();
        configure(&svc, None).await;
        let config = Value::object([
            ("id", Value::Null),
            ("name", "ok".into()),
            ("endpoint", Value::Null),
            ("password", "pw".into()),
        ]);
        let planned = svc
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "t_thing".into(),
                prior_state: dv(&Value::Null),
                proposed_new_state: dv(&config),
                config: dv(&config),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let ty = TestProvider.resources()[0].schema().value_type();
        let planned = value::from_msgpack(&planned.planned_state.unwrap().msgpack, &ty).unwrap();
        assert_eq!(planned.get_str("password"), Some("pw"));
        let state = state_of(&create(&svc, "ok").await);
        assert_eq!(state.get_str("password"), Some("pw"));
        let read = svc
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "t_thing".into(),
                current_state: dv(&state),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let read = value::from_msgpack(&read.new_state.unwrap().msgpack, &ty).unwrap();
        assert_eq!(read.get_str("password"), Some("pw"));
        assert!(TestProvider.resources()[0]
            .schema()
            .attribute("password")
            .is_some_and(|a| a.sensitive));
    }

    #[tokio::test]
    async fn a_failed_create_that_made_an_object_still_returns_it() {
        let resp = create(&service(), "half").await;
        assert_eq!(resp.diagnostics.len(), 1);
        assert_eq!(state_of(&resp).get_str("id"), Some("1"));
    }

    #[tokio::test]
    async fn a_panic_becomes_a_diagnostic() {
        let resp = create(&service(), "panic").await;
        assert!(resp.diagnostics[0].detail.contains("bug in the provider"));
    }

    #[tokio::test]
    async fn a_read_of_a_gone_object_removes_it() {
        let state = Value::object([("id", "1".into()), ("name", "gone".into())]);
        let resp = service()
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "t_thing".into(),
                current_state: dv(&state),
                private: b"keep".to_vec(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let new = value::from_msgpack(&resp.new_state.unwrap().msgpack, &ty()).unwrap();
        assert!(new.is_null());
    }

    #[tokio::test]
    async fn data_sources_read_from_their_configuration() {
        let ty = Lookup.schema().value_type();
        let config = Value::object([("name", "x".into())]);
        let resp = service()
            .read_data_source(Request::new(pb::read_data_source::Request {
                type_name: "t_lookup".into(),
                config: Some(pb::DynamicValue {
                    msgpack: value::to_msgpack(&config, &ty).unwrap(),
                    json: Vec::new(),
                }),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let state = value::from_msgpack(&resp.state.unwrap().msgpack, &ty).unwrap();
        assert_eq!(state.get_str("id"), Some("id-x"));
    }

    #[tokio::test]
    async fn malformed_values_become_diagnostics() {
        let resp = service()
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "t_thing".into(),
                config: Some(pb::DynamicValue {
                    msgpack: vec![0xc1, 0xff],
                    json: Vec::new(),
                }),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(resp.diagnostics[0].summary.contains("Unable to decode"));
    }

    #[tokio::test]
    async fn stop_provider_cancels_the_token_and_keeps_serving() {
        let svc = service();
        svc.stop_provider(Request::new(pb::stop_provider::Request {}))
            .await
            .unwrap();
        assert!(svc.ctx().stopping().is_cancelled());
        let resp = create(&svc, "ok").await;
        assert!(resp.diagnostics.is_empty());
    }
}
