//! Shared by the tests that drive the provider over gRPC as Terraform does: the messages
//! Terraform sends for a create (plan, apply, read from nothing) and the provider's
//! configuration.

use std::time::Duration;

use tfplugin::proto::tfplugin6 as pb;
use tfplugin::{from_msgpack, to_msgpack, ProviderDef, Type, Value};
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// The provider's gRPC client.
pub type ProviderClient = pb::provider_client::ProviderClient<Channel>;

/// What an apply sent from a spawned task gives back.
pub type ApplyTask =
    JoinHandle<Result<tonic::Response<pb::apply_resource_change::Response>, tonic::Status>>;

/// The value type of the resource `type_name`.
pub fn resource_type(type_name: &str) -> Type {
    terraform_provider_combell::provider::provider()
        .resources()
        .iter()
        .find(|r| r.type_name() == type_name)
        .unwrap_or_else(|| panic!("{type_name} is registered"))
        .schema()
        .value_type()
}

/// `v` as Terraform sends it: msgpack of type `ty`.
pub fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: to_msgpack(v, ty).unwrap(),
        json: Vec::new(),
    })
}

/// A value the provider sent back, decoded as type `ty`.
pub fn value_of(sent: Option<pb::DynamicValue>, ty: &Type) -> Value {
    from_msgpack(&sent.unwrap().msgpack, ty).unwrap()
}

/// An object with every attribute in `names` null.
pub fn nulls(names: &[&str]) -> Value {
    Value::object(names.iter().map(|name| (*name, Value::Null)))
}

/// The client capabilities Terraform 1.11 and later send.
pub fn client_capabilities() -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities {
        write_only_attributes_allowed: true,
        ..Default::default()
    })
}

/// Configures the provider for the API at `endpoint` with the simulator's credentials; panics
/// on any diagnostic.
pub async fn configure(provider: &mut ProviderClient, endpoint: &str) {
    let config = Value::object([
        ("endpoint", endpoint.into()),
        ("api_key", combell_sim::DEFAULT_API_KEY.into()),
        ("api_secret", combell_sim::DEFAULT_API_SECRET.into()),
    ]);
    let ty = terraform_provider_combell::provider::provider()
        .schema()
        .value_type();
    let diags = provider
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(&config, &ty),
            client_capabilities: client_capabilities(),
        })
        .await
        .unwrap()
        .into_inner()
        .diagnostics;
    assert!(diags.is_empty(), "{diags:?}");
}

/// The plan of creating `config` as a `type_name`.
pub fn plan_create(
    type_name: &str,
    ty: &Type,
    config: &Value,
) -> pb::plan_resource_change::Request {
    pb::plan_resource_change::Request {
        type_name: type_name.into(),
        prior_state: dv(&Value::Null, ty),
        proposed_new_state: dv(config, ty),
        config: dv(config, ty),
        ..Default::default()
    }
}

/// The apply of a create that was planned as `planned_state`.
pub fn apply_create(
    type_name: &str,
    ty: &Type,
    planned_state: Option<pb::DynamicValue>,
    config: &Value,
) -> pb::apply_resource_change::Request {
    pb::apply_resource_change::Request {
        type_name: type_name.into(),
        prior_state: dv(&Value::Null, ty),
        planned_state,
        config: dv(config, ty),
        ..Default::default()
    }
}

/// The refresh of `state`.
pub fn read_request(type_name: &str, ty: &Type, state: &Value) -> pb::read_resource::Request {
    pb::read_resource::Request {
        type_name: type_name.into(),
        current_state: dv(state, ty),
        ..Default::default()
    }
}

/// Sends `request` from a task of its own, so that the test can act while it runs.
pub fn spawn_apply(
    provider: &ProviderClient,
    request: pb::apply_resource_change::Request,
) -> ApplyTask {
    let mut applier = provider.clone();
    tokio::spawn(async move { applier.apply_resource_change(request).await })
}

/// The answer of a spawned apply, which must come within 30 s.
pub async fn apply_answer(apply: ApplyTask) -> pb::apply_resource_change::Response {
    tokio::time::timeout(Duration::from_secs(30), apply)
        .await
        .unwrap()
        .unwrap()
        .unwrap()
        .into_inner()
}
