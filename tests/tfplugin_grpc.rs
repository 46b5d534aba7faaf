//! Layer 3: the built provider binary, started the way Terraform starts it (magic cookie,
//! protocol negotiation, automatic mutual TLS), driven RPC by RPC over gRPC.

mod tfplugin_support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use combell::tfplugin::proto::{health, plugin, tfplugin6 as pb};
use combell::tfplugin::{from_msgpack, to_msgpack, ProviderDef, Type, Value};
use tfplugin_support::{client_cert, connect, Plugin};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-combell");

fn demo_type() -> Type {
    combell::provider::provider()
        .resources()
        .iter()
        .find(|r| r.type_name() == "combell_demo")
        .unwrap()
        .schema()
        .value_type()
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: to_msgpack(v, &demo_type()).unwrap(),
        json: Vec::new(),
    })
}

fn plan_request(config: Value) -> pb::plan_resource_change::Request {
    pb::plan_resource_change::Request {
        type_name: "combell_demo".into(),
        prior_state: dv(&Value::Null),
        proposed_new_state: dv(&config),
        config: dv(&config),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_session_as_terraform_drives_it() {
    let client = client_cert();
    let mut plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());

    let health = health::health_client::HealthClient::new(channel.clone())
        .check(health::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        health.status,
        health::health_check_response::ServingStatus::Serving as i32
    );

    let schema = provider
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key("combell_demo"));
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional && !caps.plan_destroy);

    let invalid = Value::object([("name", "".into())]);
    let diags = provider
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "combell_demo".into(),
            config: dv(&invalid),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner()
        .diagnostics;
    assert_eq!(diags.len(), 1);
    assert!(diags[0].attribute.is_some());

    provider
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.14.0".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap();

    let config = Value::object([("name", "a".into()), ("secret", "pw".into())]);
    let planned = provider
        .plan_resource_change(plan_request(config.clone()))
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    let planned_value = from_msgpack(
        &planned.planned_state.as_ref().unwrap().msgpack,
        &demo_type(),
    )
    .unwrap();
    assert!(planned_value.is_unknown_at("id"));
    assert!(planned_value.get("secret").unwrap().is_null());

    let applied = provider
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "combell_demo".into(),
            prior_state: dv(&Value::Null),
            planned_state: planned.planned_state,
            config: dv(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let state = from_msgpack(&applied.new_state.unwrap().msgpack, &demo_type()).unwrap();
    assert_eq!(state.get_str("id"), Some("demo-a"));

    // Unsupported RPCs answer with diagnostics, never hang or fail at the gRPC level.
    let mut events = provider
        .list_resource(pb::list_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    let event = events.message().await.unwrap().unwrap();
    assert!(event.diagnostic[0].summary.contains("not supported"));
    assert!(events.message().await.unwrap().is_none());
    let call = provider
        .call_function(pb::call_function::Request {
            name: "f".into(),
            arguments: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(call.error.unwrap().text.contains("not supported"));
    let unknown = provider
        .read_resource(pb::read_resource::Request {
            type_name: "nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(unknown.diagnostics[0]
        .summary
        .contains("Unknown resource type"));

    // As go-plugin's client does: Shutdown, then hang up.
    drop(provider);
    plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin::Empty {})
        .await
        .unwrap();
    assert_eq!(plugin.wait_exit(Duration::from_secs(5)), Some(0));
}

#[tokio::test]
async fn stop_provider_answers_while_an_apply_is_in_flight() {
    let client = client_cert();
    let plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());

    let config = Value::object([("name", "slow".into()), ("delay_ms", 30_000i64.into())]);
    let planned = provider
        .plan_resource_change(plan_request(config.clone()))
        .await
        .unwrap()
        .into_inner();
    let mut applier = provider.clone();
    let apply = tokio::spawn(async move {
        applier
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: "combell_demo".into(),
                prior_state: dv(&Value::Null),
                planned_state: planned.planned_state,
                config: dv(&config),
                ..Default::default()
            })
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!apply.is_finished());

    let stopped = tokio::time::timeout(
        Duration::from_secs(5),
        provider.stop_provider(pb::stop_provider::Request {}),
    )
    .await
    .expect("StopProvider must answer at once")
    .unwrap()
    .into_inner();
    assert!(stopped.error.is_empty());

    // The apply still completes over the same server and returns its object.
    let applied = tokio::time::timeout(Duration::from_secs(10), apply)
        .await
        .unwrap()
        .unwrap()
        .unwrap()
        .into_inner();
    let state = from_msgpack(&applied.new_state.unwrap().msgpack, &demo_type()).unwrap();
    assert_eq!(state.get_str("id"), Some("demo-slow"));
}

#[tokio::test]
async fn a_client_with_another_certificate_is_refused() {
    let expected = client_cert();
    let intruder = client_cert();
    let plugin = Plugin::start(BINARY, &expected.pem);
    let refused = match connect(&plugin, &intruder).await {
        Err(_) => true,
        Ok(channel) => pb::provider_client::ProviderClient::new(channel)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .is_err(),
    };
    assert!(refused);
}

#[test]
fn without_the_cookie_it_explains_and_exits_non_zero() {
    let mut child = Command::new(BINARY)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success());
    assert!(stderr.contains("plugin for Terraform"), "{stderr}");
}
