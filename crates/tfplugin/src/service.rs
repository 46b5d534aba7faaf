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
use super::framework::{
    Ctx, DataSource, EphemeralResource, ListItem, ListRequest, ListResource, ListSink, PlanRequest,
    ProviderData, ProviderDef, Resource,
};
use super::proto::tfplugin6 as pb;
use super::schema::Schema;
use super::value::{self, Type, Value};

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
    /// The identity value type of each resource type that has an identity schema.
    identity_types: HashMap<String, Type>,
    data_sources: HashMap<String, Typed<dyn DataSource>>,
    list_resources: HashMap<String, Typed<dyn ListResource>>,
    ephemeral_resources: HashMap<String, Typed<dyn EphemeralResource>>,
    schema_response: pb::get_provider_schema::Response,
    identity_response: pb::get_resource_identity_schemas::Response,
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
        let mut identity_types = HashMap::new();
        let mut identity_response = pb::get_resource_identity_schemas::Response::default();
        let mut data_sources = HashMap::new();
        let mut list_resources = HashMap::new();
        let mut ephemeral_resources = HashMap::new();
        let mut resp = pb::get_provider_schema::Response {
            provider: Some(provider_schema.to_proto()),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        for r in provider.resources() {
            let schema = r.schema();
            resp.resource_schemas
                .insert(r.type_name().to_string(), schema.to_proto());
            if let Some(identity) = r.identity_schema() {
                identity_response
                    .identity_schemas
                    .insert(r.type_name().to_string(), identity.to_proto());
                identity_types.insert(r.type_name().to_string(), identity.value_type());
            }
            let ty = schema.value_type();
            resources.insert(r.type_name().to_string(), Typed { imp: r, schema, ty });
        }
        for l in provider.list_resources() {
            let schema = l.schema();
            resp.list_resource_schemas
                .insert(l.type_name().to_string(), schema.to_proto());
            let ty = schema.value_type();
            list_resources.insert(l.type_name().to_string(), Typed { imp: l, schema, ty });
        }
        for e in provider.ephemeral_resources() {
            let schema = e.schema();
            resp.ephemeral_resource_schemas
                .insert(e.type_name().to_string(), schema.to_proto());
            let ty = schema.value_type();
            ephemeral_resources.insert(e.type_name().to_string(), Typed { imp: e, schema, ty });
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
            identity_types,
            data_sources,
            list_resources,
            ephemeral_resources,
            schema_response: resp,
            identity_response,
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

    fn list_type(&self, name: &str) -> Result<&Typed<dyn ListResource>, Diagnostics> {
        self.list_resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown list resource",
                format!("This provider has no list resource {name:?}. This is a bug in the provider or in Terraform, please report it."),
            )
            .into()
        })
    }

    fn ephemeral_resource(&self, name: &str) -> Result<&Typed<dyn EphemeralResource>, Diagnostics> {
        self.ephemeral_resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown ephemeral resource",
                format!("This provider has no ephemeral resource {name:?}. This is a bug in the provider or in Terraform, please report it."),
            )
            .into()
        })
    }

    /// The identity of the object `state` describes, encoded; `None` when the type has no
    /// identity or the state names no object yet.
    fn identity_of(&self, type_name: &str, state: &Value) -> Option<pb::ResourceIdentityData> {
        identity_data(
            self.resources.get(type_name)?,
            self.identity_types.get(type_name)?,
            state,
        )
    }

    /// The import ID `import { identity = {...} }` stands for.
    fn import_id_from_identity(
        &self,
        r: &Typed<dyn Resource>,
        type_name: &str,
        identity: Option<&pb::ResourceIdentityData>,
    ) -> Result<String, Diagnostics> {
        let summary = format!("Unable to import {type_name}");
        let (Some(ty), Some(data)) = (
            self.identity_types.get(type_name),
            identity.and_then(|i| i.identity_data.as_ref()),
        ) else {
            return Err(Diagnostic::error(
                summary,
                format!("Terraform sent neither an import ID nor a resource identity. Give an import ID ({type_name} has no resource identity)."),
            )
            .into());
        };
        let identity = decode(Some(data), ty, "resource identity")?;
        r.imp
            .import_id_from_identity(&identity)
            .map_err(|detail| Diagnostic::error(summary, detail).into())
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

impl ProviderService {
    /// Starts a listing: the list resource produces [`ListItem`]s on one task; a second turns
    /// each into an event (identity, and the full object when asked for, read through the
    /// resource when the item is partial), honouring the limit. Terraform reads the events as
    /// they come and may hang up early, which ends both tasks.
    fn start_list(
        &self,
        req: pb::list_resource::Request,
    ) -> Result<BoxStream<pb::list_resource::Event>, Diagnostics> {
        let l = self.list_type(&req.type_name)?;
        let (Some(r), Some(identity_ty)) = (
            self.resources.get(&req.type_name),
            self.identity_types.get(&req.type_name),
        ) else {
            return Err(Diagnostic::error(
                "List resource without an identity",
                format!(
                    "{} is listed but has no resource with an identity schema. This is a bug in the provider, please report it.",
                    req.type_name
                ),
            )
            .into());
        };
        let config = decode(req.config.as_ref(), &l.ty, "list configuration")?;
        let list_req = ListRequest {
            config,
            include_resource: req.include_resource_object,
            limit: req.limit,
        };
        let (item_tx, mut item_rx) = tokio::sync::mpsc::channel::<ListItem>(1);
        let (event_tx, event_rx) =
            tokio::sync::mpsc::channel::<Result<pb::list_resource::Event, Status>>(1);
        let (imp, ctx) = (l.imp.clone(), self.ctx());
        let producer = tokio::spawn(guarded("list", async move {
            let sink = ListSink { tx: item_tx };
            imp.list(&ctx, list_req, &sink).await
        }));
        let resource = Typed {
            imp: r.imp.clone(),
            schema: r.schema.clone(),
            ty: r.ty.clone(),
        };
        let identity_ty = identity_ty.clone();
        let (include, limit) = (req.include_resource_object, req.limit);
        let ctx = self.ctx();
        tokio::spawn(async move {
            let mut sent: i64 = 0;
            while limit <= 0 || sent < limit {
                let Some(item) = item_rx.recv().await else {
                    break;
                };
                let event = match list_event(&resource, &identity_ty, &ctx, item, include).await {
                    Ok(Some(event)) => event,
                    Ok(None) => continue,
                    Err(d) => pb::list_resource::Event {
                        diagnostic: d.to_proto(),
                        ..Default::default()
                    },
                };
                let failed = !event.diagnostic.is_empty();
                if event_tx.send(Ok(event)).await.is_err() || failed {
                    return;
                }
                sent += 1;
            }
            // Stops the producer at its next send once the limit is reached.
            drop(item_rx);
            let diags = match producer.await {
                Ok(Ok(d)) | Ok(Err(d)) => d,
                Err(_) => Diagnostics::default(),
            };
            if !diags.is_empty() {
                let _ = event_tx
                    .send(Ok(pb::list_resource::Event {
                        diagnostic: diags.to_proto(),
                        ..Default::default()
                    }))
                    .await;
            }
        });
        Ok(Box::pin(tokio_stream::wrappers::ReceiverStream::new(
            event_rx,
        )))
    }
}

/// One listed object as a ListResource event; `None` when it vanished before it was read.
async fn list_event(
    r: &Typed<dyn Resource>,
    identity_ty: &Type,
    ctx: &Ctx,
    item: ListItem,
    include: bool,
) -> Result<Option<pb::list_resource::Event>, Diagnostics> {
    let mut state = item.state;
    if include && !item.complete {
        let (imp, ctx, partial) = (r.imp.clone(), ctx.clone(), state.clone());
        let res = guarded("read", async move { imp.read(&ctx, &partial).await }).await?;
        if res.diagnostics.has_errors() {
            return Err(res.diagnostics);
        }
        match res.state {
            Some(s) => state = s,
            None => return Ok(None),
        }
    }
    strip_write_only(&mut state, &r.schema);
    let Some(identity) = identity_data(r, identity_ty, &state) else {
        return Err(Diagnostic::error(
            format!("Unable to list {}", r.imp.type_name()),
            format!(
                "The provider found {:?} but could not name it with a resource identity. This is a bug in the provider, please report it.",
                item.display_name
            ),
        )
        .into());
    };
    let resource_object = if include {
        Some(encode(&state, &r.ty, "listed resource")?)
    } else {
        None
    };
    Ok(Some(pb::list_resource::Event {
        identity: Some(identity),
        display_name: item.display_name,
        resource_object,
        diagnostic: Vec::new(),
    }))
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
        if hclog::enabled(hclog::Level::Debug) {
            hclog::debug(
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
            hclog::error(
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

fn identity_data(
    r: &Typed<dyn Resource>,
    ty: &Type,
    state: &Value,
) -> Option<pb::ResourceIdentityData> {
    if state.is_null() {
        return None;
    }
    let identity = r.imp.identity(state)?;
    match value::to_msgpack(&identity, ty) {
        Ok(msgpack) => Some(pb::ResourceIdentityData {
            identity_data: Some(pb::DynamicValue {
                msgpack,
                json: Vec::new(),
            }),
        }),
        Err(e) => {
            // A provider bug; the object still works without an identity.
            hclog::error(
                MODULE,
                "identity does not fit the identity schema",
                &[
                    ("type", r.imp.type_name().to_string().into()),
                    ("error", e.to_string().into()),
                ],
            );
            None
        }
    }
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
            list_resources: self
                .list_resources
                .keys()
                .map(|k| m::ListResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .keys()
                .map(|k| m::EphemeralMetadata {
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
        Ok(Response::new(self.identity_response.clone()))
    }

    /// Every identity schema is at version 0 so far: the stored identity is read as it is.
    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("UpgradeResourceIdentity", &req.type_name);
        let result = (|| {
            let ty = self.identity_types.get(&req.type_name).ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Unknown resource identity",
                    format!(
                        "This provider has no identity for {:?}. This is a bug in the provider or in Terraform, please report it.",
                        req.type_name
                    ),
                ))
            })?;
            let raw = req.raw_identity.unwrap_or_default();
            let json: serde_json::Value = serde_json::from_slice(&raw.json).map_err(|e| {
                Diagnostic::error(
                    "Unable to read the stored resource identity",
                    format!("The stored identity is not JSON: {e}."),
                )
            })?;
            let identity = value::from_json(&json, ty).map_err(|e| {
                Diagnostic::error(
                    "Unable to read the stored resource identity",
                    format!("The stored identity does not match the identity schema: {e}."),
                )
            })?;
            Ok(pb::ResourceIdentityData {
                identity_data: Some(encode(&identity, ty, "upgraded identity")?),
            })
        })();
        let (upgraded_identity, diags) = match result {
            Ok(id) => (Some(id), Diagnostics::default()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diags.to_proto(),
        }))
    }

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
        hclog::debug(
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
                return Ok((
                    current.clone(),
                    req.private.clone(),
                    Diagnostics::default(),
                    None,
                ));
            }
            let write_only = allows_write_only(
                req.client_capabilities.as_ref(),
                self.write_only_allowed.load(Ordering::Relaxed),
            );
            let prior = state.clone();
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let res = guarded("read", async move { imp.read(&ctx, &state).await }).await?;
            let (new_state, identity) = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    let identity = self.identity_of(&req.type_name, &s);
                    if !write_only {
                        keep_write_only(&mut s, &prior, &r.schema);
                    }
                    (encode(&s, &r.ty, "new state")?, identity)
                }
                None => (encode(&Value::Null, &r.ty, "new state")?, None),
            };
            Ok((
                Some(new_state),
                res.private.unwrap_or_else(|| req.private.clone()),
                res.diagnostics,
                identity,
            ))
        }
        .await;
        // On failure the state (and identity) Terraform sent is echoed back: a failed read
        // must not lose it.
        let (new_state, private, diags, new_identity) = result.unwrap_or_else(|d: Diagnostics| {
            (
                current,
                req.private.clone(),
                d,
                req.current_identity.clone(),
            )
        });
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private,
            new_identity,
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
            // Known only when the plan keeps the object (an update): a new one gets its
            // identity at apply.
            let planned_identity = if resp.requires_replace.is_empty() {
                self.identity_of(&req.type_name, &resp.planned)
            } else {
                None
            };
            Ok(pb::plan_resource_change::Response {
                planned_state: Some(encode(&resp.planned, &r.ty, "planned state")?),
                requires_replace: resp.requires_replace.iter().map(|p| p.to_proto()).collect(),
                planned_private: resp.private,
                diagnostics: resp.diagnostics.to_proto(),
                planned_identity,
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
            hclog::debug(
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
            let prior_identity = self.identity_of(&req.type_name, &prior);
            if planned.is_null() {
                let diags =
                    guarded("delete", async move { imp.delete(&ctx, &prior).await }).await?;
                // A failed delete keeps the object in state.
                let state = if diags.has_errors() {
                    req.prior_state.clone()
                } else {
                    Some(encode(&Value::Null, &r.ty, "new state")?)
                };
                let identity = if diags.has_errors() {
                    prior_identity
                } else {
                    None
                };
                return Ok((state, Vec::new(), diags, identity));
            }
            let creating = prior.is_null();
            let write_only = self.write_only_allowed.load(Ordering::Relaxed);
            let planned_values = planned.clone();
            let mut res = guarded(if creating { "create" } else { "update" }, async move {
                if creating {
                    imp.create(&ctx, &planned, &config).await
                } else {
                    imp.update(&ctx, &prior, &planned, &config).await
                }
            })
            .await?;
            if let (false, Some(state)) = (res.diagnostics.has_errors(), &res.state) {
                let problems = r.imp.check_applied(&planned_values, state);
                res.diagnostics.extend(problems);
            }
            let (state, identity) = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    let identity = self.identity_of(&req.type_name, &s);
                    if !write_only {
                        keep_write_only(&mut s, &planned_values, &r.schema);
                    }
                    (Some(encode(&s, &r.ty, "new state")?), identity)
                }
                // An update that fails without a state keeps the prior object in state.
                None if !creating => (req.prior_state.clone(), prior_identity),
                None => (Some(encode(&Value::Null, &r.ty, "new state")?), None),
            };
            Ok((state, res.private, res.diagnostics, identity))
        }
        .await;
        let (new_state, private, diags, new_identity) = result.unwrap_or_else(|d: Diagnostics| {
            (prior_raw, Vec::new(), d, req.planned_identity.clone())
        });
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private,
            diagnostics: diags.to_proto(),
            new_identity,
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
            let id = if req.id.is_empty() {
                self.import_id_from_identity(r, &req.type_name, req.identity.as_ref())?
            } else {
                req.id.clone()
            };
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let res = guarded("import", async move { imp.import(&ctx, &id).await }).await?;
            let mut imported = Vec::new();
            if let Some(mut s) = res.state {
                strip_write_only(&mut s, &r.schema);
                imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    identity: self.identity_of(&req.type_name, &s),
                    state: Some(encode(&s, &r.ty, "imported state")?),
                    private: res.private,
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
    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateEphemeralResourceConfig", &req.type_name);
        let diags = async {
            let e = self.ephemeral_resource(&req.type_name)?;
            let config = decode(
                req.config.as_ref(),
                &e.ty,
                "ephemeral resource configuration",
            )?;
            let (imp, ctx) = (e.imp.clone(), self.ctx());
            guarded(
                "validation",
                async move { imp.validate(&ctx, &config).await },
            )
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("OpenEphemeralResource", &req.type_name);
        let result = async {
            let e = self.ephemeral_resource(&req.type_name)?;
            let config = decode(
                req.config.as_ref(),
                &e.ty,
                "ephemeral resource configuration",
            )?;
            if !config.is_wholly_known() {
                // Terraform opens it again once the configuration is known.
                return Ok((
                    Some(encode(&Value::Unknown, &e.ty, "ephemeral result")?),
                    Diagnostics::default(),
                ));
            }
            let (imp, ctx) = (e.imp.clone(), self.ctx());
            let res = guarded("ephemeral resource open", async move {
                imp.open(&ctx, &config).await
            })
            .await?;
            let result = match res.result {
                Some(v) => Some(encode(&v, &e.ty, "ephemeral result")?),
                None => None,
            };
            Ok((result, res.diagnostics))
        }
        .await;
        let (result, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: diags.to_proto(),
            renew_at: None,
            result,
            private: None,
            deferred: None,
        }))
    }

    /// Nothing to renew: results are fetched whole and hold no lease.
    async fn renew_ephemeral_resource(
        &self,
        _req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    /// Nothing to close: no ephemeral resource holds a remote lease or session.
    async fn close_ephemeral_resource(
        &self,
        _req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ListResourceStream = BoxStream<pb::list_resource::Event>;
    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ListResource", &req.type_name);
        let stream = match self.start_list(req) {
            Ok(stream) => stream,
            Err(d) => one(pb::list_resource::Event {
                diagnostic: d.to_proto(),
                ..Default::default()
            }),
        };
        Ok(Response::new(stream))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateListResourceConfig", &req.type_name);
        let diags = async {
            let l = self.list_type(&req.type_name)?;
            let config = decode(req.config.as_ref(), &l.ty, "list configuration")?;
            let (imp, ctx) = (l.imp.clone(), self.ctx());
            guarded(
                "validation",
                async move { imp.validate(&ctx, &config).await },
            )
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

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
        hclog::info(
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
    use crate::framework::{
        identity_strings, ApplyResult, IdentityAttribute, IdentitySchema, ImportResult, OpenResult,
        ReadResult,
    };
    use crate::schema::Attribute;
    use async_trait::async_trait;
    use pb::provider_server::Provider as _;
    use tokio_stream::StreamExt;

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
        fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
            vec![Arc::new(ThingList)]
        }
        fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
            vec![Arc::new(Token)]
        }
    }

    /// Lists `count` things named `thing-N` (N from 1) as import states: just the id.
    struct ThingList;

    #[async_trait]
    impl ListResource for ThingList {
        fn type_name(&self) -> &str {
            "t_thing"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![Attribute::number("count").required()])
        }
        async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
            let mut d = Diagnostics::default();
            if config.get_i64("count").is_some_and(|c| c < 0) {
                d.error("negative count", "");
            }
            d
        }
        async fn list(&self, _ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics {
            for n in 1..=req.config.get_i64("count").unwrap_or(0) {
                let item = ListItem {
                    display_name: format!("thing {n}"),
                    state: Value::object([
                        ("id", n.to_string().into()),
                        ("name", format!("thing-{n}").into()),
                        ("endpoint", Value::Null),
                        ("password", Value::Null),
                    ]),
                    complete: false,
                };
                if !out.send(item).await {
                    return Diagnostics::default();
                }
            }
            let mut d = Diagnostics::default();
            d.warning("listed them all", "");
            d
        }
    }

    /// An ephemeral token derived from its configuration.
    struct Token;

    #[async_trait]
    impl EphemeralResource for Token {
        fn type_name(&self) -> &str {
            "t_token"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![
                Attribute::string("seed").required(),
                Attribute::string("token").computed().sensitive(),
            ])
        }
        async fn open(&self, _ctx: &Ctx, config: &Value) -> OpenResult {
            let mut result = config.clone();
            result.set(
                "token",
                format!("tok-{}", config.get_str("seed").unwrap_or("")),
            );
            OpenResult {
                result: Some(result),
                diagnostics: Diagnostics::default(),
            }
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
            let mut state = state.clone();
            if state.get_str("endpoint").is_none() {
                state.set("endpoint", "read");
            }
            ReadResult::ok(state)
        }
        fn identity_schema(&self) -> Option<IdentitySchema> {
            Some(IdentitySchema::new(vec![IdentityAttribute::string(
                "id", "The id.",
            )]))
        }
        fn identity(&self, state: &Value) -> Option<Value> {
            let [id] = identity_strings(state, ["id"])?;
            Some(Value::object([("id", id.into())]))
        }
        fn import_id_from_identity(&self, identity: &Value) -> Result<String, String> {
            identity_strings(identity, ["id"])
                .map(|[id]| id.to_string())
                .ok_or_else(|| "no id".to_string())
        }
        async fn import(&self, _ctx: &Ctx, id: &str) -> ImportResult {
            ImportResult {
                state: Some(Value::object([
                    ("id", id.into()),
                    ("name", "imported".into()),
                ])),
                ..Default::default()
            }
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

    fn identity_ty() -> Type {
        Type::Object([("id".to_string(), Type::String)].into_iter().collect())
    }

    fn identity_of(data: Option<&pb::ResourceIdentityData>) -> Value {
        let dv = data
            .and_then(|d| d.identity_data.as_ref())
            .expect("an identity");
        value::from_msgpack(&dv.msgpack, &identity_ty()).unwrap()
    }

    fn list_config(count: i64) -> Option<pb::DynamicValue> {
        let ty = ThingList.schema().value_type();
        Some(pb::DynamicValue {
            msgpack: value::to_msgpack(&Value::object([("count", count.into())]), &ty).unwrap(),
            json: Vec::new(),
        })
    }

    async fn list(
        svc: &Arc<ProviderService>,
        count: i64,
        include: bool,
        limit: i64,
    ) -> Vec<pb::list_resource::Event> {
        let stream = svc
            .list_resource(Request::new(pb::list_resource::Request {
                type_name: "t_thing".into(),
                config: list_config(count),
                include_resource_object: include,
                limit,
            }))
            .await
            .unwrap()
            .into_inner();
        stream.map(|e| e.unwrap()).collect().await
    }

    #[tokio::test]
    async fn metadata_and_schemas_name_list_ephemeral_and_identity_types() {
        let svc = service();
        let meta = svc
            .get_metadata(Request::new(pb::get_metadata::Request {}))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(meta.list_resources[0].type_name, "t_thing");
        assert_eq!(meta.ephemeral_resources[0].type_name, "t_token");
        let schema = svc
            .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
            .await
            .unwrap()
            .into_inner();
        assert!(schema.list_resource_schemas.contains_key("t_thing"));
        assert!(schema.ephemeral_resource_schemas.contains_key("t_token"));
        let ids = svc
            .get_resource_identity_schemas(Request::new(
                pb::get_resource_identity_schemas::Request {},
            ))
            .await
            .unwrap()
            .into_inner();
        let thing = &ids.identity_schemas["t_thing"];
        assert_eq!(thing.identity_attributes[0].name, "id");
        assert!(thing.identity_attributes[0].required_for_import);
        assert_eq!(thing.identity_attributes[0].r#type, b"\"string\"".to_vec());
    }

    #[tokio::test]
    async fn apply_read_and_import_answer_with_the_identity() {
        let svc = service();
        let created = create(&svc, "ok").await;
        assert_eq!(
            identity_of(created.new_identity.as_ref()).get_str("id"),
            Some("1")
        );
        let read = svc
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "t_thing".into(),
                current_state: created.new_state.clone(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            identity_of(read.new_identity.as_ref()).get_str("id"),
            Some("1")
        );

        // Import by identity, as `import { identity = { id = "7" } }` does.
        let identity = Value::object([("id", "7".into())]);
        let imported = svc
            .import_resource_state(Request::new(pb::import_resource_state::Request {
                type_name: "t_thing".into(),
                identity: Some(pb::ResourceIdentityData {
                    identity_data: Some(pb::DynamicValue {
                        msgpack: value::to_msgpack(&identity, &identity_ty()).unwrap(),
                        json: Vec::new(),
                    }),
                }),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(
            imported.diagnostics.is_empty(),
            "{:?}",
            imported.diagnostics
        );
        let object = &imported.imported_resources[0];
        assert_eq!(
            identity_of(object.identity.as_ref()).get_str("id"),
            Some("7")
        );
        let state = value::from_msgpack(&object.state.as_ref().unwrap().msgpack, &ty()).unwrap();
        assert_eq!(state.get_str("id"), Some("7"));

        // Neither an ID nor an identity: a diagnostic, not a crash.
        let neither = svc
            .import_resource_state(Request::new(pb::import_resource_state::Request {
                type_name: "t_thing".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(neither.imported_resources.is_empty());
        assert_eq!(neither.diagnostics.len(), 1);
    }

    #[tokio::test]
    async fn stored_identities_are_upgraded_as_they_are() {
        let resp = service()
            .upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
                type_name: "t_thing".into(),
                version: 0,
                raw_identity: Some(pb::RawState {
                    json: br#"{"id":"9"}"#.to_vec(),
                    ..Default::default()
                }),
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(resp.diagnostics.is_empty());
        assert_eq!(
            identity_of(resp.upgraded_identity.as_ref()).get_str("id"),
            Some("9")
        );
    }

    #[tokio::test]
    async fn listing_streams_identities_and_reads_objects_when_asked() {
        let svc = service();
        let events = list(&svc, 3, false, 100).await;
        // Three objects, then the listing's own warning.
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].display_name, "thing 1");
        assert_eq!(
            identity_of(events[2].identity.as_ref()).get_str("id"),
            Some("3")
        );
        assert!(events[0].resource_object.is_none());
        assert_eq!(events[3].diagnostic[0].summary, "listed them all");

        let events = list(&svc, 2, true, 100).await;
        let object =
            value::from_msgpack(&events[1].resource_object.as_ref().unwrap().msgpack, &ty())
                .unwrap();
        // Partial states were completed by the resource's read.
        assert_eq!(object.get_str("endpoint"), Some("read"));
        assert_eq!(object.get_str("name"), Some("thing-2"));
    }

    #[tokio::test]
    async fn listing_stops_at_the_limit() {
        let events = list(&service(), 1000, false, 2).await;
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.diagnostic.is_empty()));
    }

    #[tokio::test]
    async fn list_configuration_is_validated() {
        let resp = service()
            .validate_list_resource_config(Request::new(
                pb::validate_list_resource_config::Request {
                    type_name: "t_thing".into(),
                    config: list_config(-1),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(resp.diagnostics[0].summary, "negative count");
    }

    #[tokio::test]
    async fn ephemeral_resources_open_with_their_result() {
        let ty = Token.schema().value_type();
        let config = Value::object([("seed", "s".into()), ("token", Value::Null)]);
        let resp = service()
            .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
                type_name: "t_token".into(),
                config: Some(pb::DynamicValue {
                    msgpack: value::to_msgpack(&config, &ty).unwrap(),
                    json: Vec::new(),
                }),
                client_capabilities: None,
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(resp.diagnostics.is_empty());
        let result = value::from_msgpack(&resp.result.unwrap().msgpack, &ty).unwrap();
        assert_eq!(result.get_str("token"), Some("tok-s"));
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
