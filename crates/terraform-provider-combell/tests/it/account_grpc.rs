//! Layer 3 for `combell_account`: Ctrl-C (StopProvider) while create waits for a provisioning
//! job. The provider answers at once, and the create returns the job with an error and a state,
//! so the account cannot be orphaned; a read of that state later finds the finished account.

use std::time::Duration;

use crate::common::grpc::{
    apply_answer, apply_create, configure, nulls, plan_create, read_request, resource_type,
    spawn_apply, value_of, ProviderClient,
};
use crate::tfplugin_support::{client_cert, connect, Plugin};
use combell_sim::{self as sim, SimConfig};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::{Type, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-combell");
const ACCOUNT: &str = "combell_account";

fn account_type() -> Type {
    resource_type(ACCOUNT)
}

fn account_config(identifier: &str) -> Value {
    let mut v = nulls(&[
        "id",
        "identifier",
        "servicepack_id",
        "ftp_password",
        "ftp_password_version",
        "servicepack_name",
        "addons",
        "provisioning_job_id",
        "timeouts",
    ]);
    v.set("identifier", identifier);
    v.set("servicepack_id", 11i64);
    v
}

/// A provider process started as Terraform starts it, configured for `endpoint`.
async fn configured_provider(endpoint: &str) -> (Plugin, ProviderClient) {
    let client = client_cert();
    let plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel);
    configure(&mut provider, endpoint).await;
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
        .plan_resource_change(plan_create(ACCOUNT, &ty, &config))
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);

    let apply = spawn_apply(
        &provider,
        apply_create(ACCOUNT, &ty, planned.planned_state, &config),
    );
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

    let applied = apply_answer(apply).await;
    let job_id = api.snapshot().jobs[0].id.clone();
    let text: String = applied
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect();
    assert!(text.contains(&job_id), "the error names the job: {text}");
    assert!(text.contains("Ctrl-C"), "{text}");
    let state = value_of(applied.new_state, &ty);
    assert_eq!(state.get_str("provisioning_job_id"), Some(job_id.as_str()));
    assert!(state.get("id").is_some_and(Value::is_null));

    // The next run (a new provider process, as Terraform starts one per command) refreshes
    // the pending state: it waits for that job and finds the account it created.
    let (_plugin2, mut provider2) = configured_provider(&api.base_url()).await;
    let read = provider2
        .read_resource(read_request(ACCOUNT, &ty, &state))
        .await
        .unwrap()
        .into_inner();
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let read_state = value_of(read.new_state, &ty);
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
