//! Layer 3 for `combell_account`: Ctrl-C (StopProvider) while create waits for a provisioning
//! job. The provider answers at once, and the create returns the job with an error and a state,
//! so the account cannot be orphaned; a read of that state later finds the finished account.

use std::time::Duration;

use crate::tfplugin_support::{client_cert, connect, Plugin};
use combell_sim::{self as sim, SimConfig};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::{from_msgpack, to_msgpack, ProviderDef, Type, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-combell");
const ACCOUNT: &str = "combell_account";

fn account_type() -> Type {
    terraform_provider_combell::provider::provider()
        .resources()
        .iter()
        .find(|r| r.type_name() == ACCOUNT)
        .expect("combell_account is registered")
        .schema()
        .value_type()
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: to_msgpack(v, ty).unwrap(),
        json: Vec::new(),
    })
}

fn account_config(identifier: &str) -> Value {
    let mut v = Value::object(
        [
            "id",
            "identifier",
            "servicepack_id",
            "ftp_password",
            "ftp_password_version",
            "servicepack_name",
            "addons",
            "provisioning_job_id",
            "timeouts",
        ]
        .map(|name| (name, Value::Null)),
    );
    v.set("identifier", identifier);
    v.set("servicepack_id", 11i64);
    v
}

/// A provider process started as Terraform starts it, configured for `endpoint`.
async fn configured_provider(
    endpoint: &str,
) -> (
    Plugin,
    pb::provider_client::ProviderClient<tonic::transport::Channel>,
) {
    let client = client_cert();
    let plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel);
    let provider_ty = terraform_provider_combell::provider::provider()
        .schema()
        .value_type();
    let config = Value::object([
        ("endpoint", endpoint.into()),
        ("api_key", sim::DEFAULT_API_KEY.into()),
        ("api_secret", sim::DEFAULT_API_SECRET.into()),
    ]);
    let diags = provider
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(&config, &provider_ty),
            // As Terraform 1.11 and later send them.
            client_capabilities: Some(pb::ClientCapabilities {
                write_only_attributes_allowed: true,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .diagnostics;
    assert!(diags.is_empty(), "{diags:?}");
    (plugin, provider)
}

#[tokio::test]
async fn ctrl_c_during_the_job_wait_keeps_the_job_in_state_and_read_finishes_it() {
    let api = sim::start(SimConfig {
        job_duration: Duration::from_secs(3),
        rate_limit: None,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (_plugin, mut provider) = configured_provider(&api.base_url()).await;
    let ty = account_type();

    let config = account_config("grpc-stop.be");
    let planned = provider
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: ACCOUNT.into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&config, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);

    let mut applier = provider.clone();
    let apply_ty = ty.clone();
    let apply_config = config.clone();
    let apply = tokio::spawn(async move {
        applier
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: ACCOUNT.into(),
                prior_state: dv(&Value::Null, &apply_ty),
                planned_state: planned.planned_state,
                config: dv(&apply_config, &apply_ty),
                ..Default::default()
            })
            .await
    });
    // Wait until the POST has happened, so the stop lands during the job wait.
    let mut waited = Duration::ZERO;
    while api.snapshot().jobs.is_empty() {
        assert!(waited < Duration::from_secs(20), "the create never POSTed");
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert!(!apply.is_finished(), "the create should wait for the job");
    tokio::time::timeout(
        Duration::from_secs(2),
        provider.stop_provider(pb::stop_provider::Request {}),
    )
    .await
    .expect("StopProvider answers at once")
    .unwrap();

    let applied = tokio::time::timeout(Duration::from_secs(30), apply)
        .await
        .unwrap()
        .unwrap()
        .unwrap()
        .into_inner();
    let job_id = api.snapshot().jobs[0].id.clone();
    let text: String = applied
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect();
    assert!(text.contains(&job_id), "the error names the job: {text}");
    assert!(text.contains("Ctrl-C"), "{text}");
    let state = from_msgpack(&applied.new_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.get_str("provisioning_job_id"), Some(job_id.as_str()));
    assert!(state.get("id").is_some_and(Value::is_null));

    // The next run (a new provider process, as Terraform starts one per command) refreshes
    // the pending state: it waits for that job and finds the account it created.
    let (_plugin2, mut provider2) = configured_provider(&api.base_url()).await;
    let read = provider2
        .read_resource(pb::read_resource::Request {
            type_name: ACCOUNT.into(),
            current_state: dv(&state, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let read_state = from_msgpack(&read.new_state.unwrap().msgpack, &ty).unwrap();
    let accounts = api.snapshot().accounts;
    let created = accounts
        .iter()
        .find(|a| a.identifier == "grpc-stop.be")
        .expect("the job created the account");
    assert_eq!(
        read_state.get_str("id"),
        Some(created.id.to_string().as_str())
    );
    assert_eq!(
        accounts
            .iter()
            .filter(|a| a.identifier == "grpc-stop.be")
            .count(),
        1
    );
}
