//! Layer 3: the built provider binary, started the way Terraform starts it (magic cookie,
//! protocol negotiation, automatic mutual TLS), driven RPC by RPC over gRPC.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::grpc::{
    apply_answer, apply_create, client_capabilities, configure, dv, nulls, plan_create,
    read_request, resource_type, spawn_apply, value_of,
};
use crate::tfplugin_support::{client_cert, connect, connect_as, Plugin};
use combell_sim::{self as sim, SimConfig};
use tfplugin::proto::{health, plugin, tfplugin6 as pb};
use tfplugin::{Type, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-combell");
const RECORD: &str = "combell_dns_record";

fn record_type() -> Type {
    resource_type(RECORD)
}

fn record(pairs: &[(&str, Value)]) -> Value {
    let mut v = nulls(&[
        "id",
        "domain_name",
        "type",
        "record_name",
        "content",
        "ttl",
        "priority",
        "service",
        "protocol",
        "target",
        "port",
        "weight",
    ]);
    for (k, val) in pairs {
        v.set(k, val.clone());
    }
    v
}

fn a_record(name: &str) -> Value {
    record(&[
        ("domain_name", "example.com".into()),
        ("type", "A".into()),
        ("record_name", name.into()),
        ("content", "192.0.2.1".into()),
    ])
}

fn plan_request(config: &Value) -> pb::plan_resource_change::Request {
    plan_create(RECORD, &record_type(), config)
}

#[tokio::test]
async fn a_session_as_terraform_drives_it() {
    let api = sim::start(SimConfig::for_tests()).await.unwrap();
    let client = client_cert();
    let mut plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
    let ty = record_type();

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
    assert!(schema.resource_schemas.contains_key(RECORD));
    assert!(schema
        .data_source_schemas
        .contains_key("combell_servicepacks"));
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional && !caps.plan_destroy);

    let mut invalid = a_record("www");
    invalid.set("ttl", 30i64);
    let diags = provider
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: RECORD.into(),
            config: dv(&invalid, &ty),
            client_capabilities: client_capabilities(),
        })
        .await
        .unwrap()
        .into_inner()
        .diagnostics;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].attribute.is_some());

    configure(&mut provider, &api.base_url()).await;

    let config = a_record("layer3");
    let planned = provider
        .plan_resource_change(plan_request(&config))
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    let planned_value = value_of(planned.planned_state.clone(), &ty);
    assert!(planned_value.is_unknown_at("id"));
    assert_eq!(planned_value.get_i64("ttl"), Some(3600));

    let applied = provider
        .apply_resource_change(apply_create(RECORD, &ty, planned.planned_state, &config))
        .await
        .unwrap()
        .into_inner();
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let state = value_of(applied.new_state, &ty);
    assert!(
        state.get_str("id").is_some_and(|id| id.starts_with("1-")),
        "{state:?}"
    );

    let read = provider
        .read_resource(read_request(RECORD, &ty, &state))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(value_of(read.new_state, &ty), state);

    // Unsupported RPCs and unknown types answer with diagnostics, never hang or fail at the
    // gRPC level; a stream ends after its diagnostic.
    let mut events = provider
        .list_resource(pb::list_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    let event = events.message().await.unwrap().unwrap();
    assert!(event.diagnostic[0]
        .summary
        .contains("Unknown list resource"));
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

/// A stand-in for the API whose create takes its time, as a busy Combell can.
async fn slow_api(create_delay: Duration) -> String {
    use axum::http::{header, StatusCode};
    use axum::routing::{get, post};
    const BODY: &str = r#"{"id":"1-5550001111","type":"A","record_name":"slow","ttl":3600,"content":"192.0.2.1","service":null,"target":null,"protocol":null,"priority":null,"port":null,"weight":null}"#;
    let app = axum::Router::new()
        .route(
            "/v2/dns/{domain}/records",
            post(move || async move {
                tokio::time::sleep(create_delay).await;
                (
                    StatusCode::CREATED,
                    [(header::LOCATION, "/v2/dns/example.com/records/1-5550001111")],
                )
            })
            // The zone's list, which a create reads once (what it must never adopt as its own
            // after a lost answer): empty here.
            .get(|| async { ([(header::CONTENT_TYPE, "application/json")], "[]") }),
        )
        .route(
            "/v2/dns/{domain}/records/{id}",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], BODY) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/v2")
}

#[tokio::test]
async fn stop_provider_answers_at_once_and_the_create_in_flight_still_reaches_the_state() {
    let endpoint = slow_api(Duration::from_millis(1500)).await;
    let client = client_cert();
    let plugin = Plugin::start(BINARY, &client.pem);
    let channel = connect(&plugin, &client).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
    let ty = record_type();
    configure(&mut provider, &endpoint).await;

    let config = a_record("slow");
    let planned = provider
        .plan_resource_change(plan_request(&config))
        .await
        .unwrap()
        .into_inner();
    let apply = spawn_apply(
        &provider,
        apply_create(RECORD, &ty, planned.planned_state, &config),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !apply.is_finished(),
        "the create should still be waiting for the API"
    );

    let stopped = tokio::time::timeout(
        Duration::from_millis(1000),
        provider.stop_provider(pb::stop_provider::Request {}),
    )
    .await
    .expect("StopProvider must answer at once, not after the apply")
    .unwrap()
    .into_inner();
    assert!(stopped.error.is_empty());

    // The API accepted the create: the object comes back to Terraform, complete.
    let applied = apply_answer(apply).await;
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let state = value_of(applied.new_state, &ty);
    assert_eq!(state.get_str("id"), Some("1-5550001111"));
}

/// True when no RPC gets through `channel` (or no channel could be made at all).
async fn refused(channel: Result<tonic::transport::Channel, tonic::transport::Error>) -> bool {
    let Ok(channel) = channel else {
        return true;
    };
    let mut provider = pb::provider_client::ProviderClient::new(channel);
    let call = provider.get_provider_schema(pb::get_provider_schema::Request {});
    match tokio::time::timeout(Duration::from_secs(10), call).await {
        Ok(answer) => answer.is_err(),
        Err(_) => panic!("the plugin neither answered nor refused within 10 s"),
    }
}

#[tokio::test]
async fn only_the_client_with_terraforms_certificate_gets_an_answer() {
    let expected = client_cert();
    let intruder = client_cert();
    let plugin = Plugin::start(BINARY, &expected.pem);

    assert!(
        refused(connect_as(&plugin, Some(&intruder)).await).await,
        "another self-signed certificate was accepted"
    );
    assert!(
        refused(connect_as(&plugin, None).await).await,
        "a client without a certificate was accepted"
    );
    let plaintext = tonic::transport::Endpoint::from_shared(format!("http://{}", plugin.addr))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await;
    assert!(refused(plaintext).await, "gRPC without TLS was accepted");

    // The refusals did not take the plugin down: Terraform's own client still gets through.
    assert!(!refused(connect(&plugin, &expected).await).await);
}

#[test]
fn without_the_cookie_it_explains_and_exits_non_zero() {
    for cookie in [None, Some("not-the-cookie")] {
        let mut command = Command::new(BINARY);
        match cookie {
            Some(value) => command.env("TF_PLUGIN_MAGIC_COOKIE", value),
            None => command.env_remove("TF_PLUGIN_MAGIC_COOKIE"),
        };
        let out = command
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "cookie {cookie:?}");
        assert!(stderr.contains("plugin for Terraform"), "{stderr}");
        // No handshake line: nothing was served.
        assert!(out.stdout.is_empty(), "cookie {cookie:?}: {:?}", out.stdout);
    }
}

/// `(protocol, local address as "a.b.c.d:port" or "[v6]:port", is listening)` of every socket
/// the process `pid` holds, from /proc.
fn sockets_of(pid: u32) -> Vec<(&'static str, String, bool)> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_string(),
            )
        })
        .collect();
    assert!(!inodes.is_empty(), "the plugin holds no socket at all");
    let mut found = Vec::new();
    for proto in ["tcp", "tcp6", "udp", "udp6", "raw", "raw6"] {
        let Ok(table) = std::fs::read_to_string(format!("/proc/{pid}/net/{proto}")) else {
            continue;
        };
        for line in table.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() > 9 && inodes.iter().any(|i| i == cols[9]) {
                found.push((proto, proc_address(cols[1]), cols[3] == "0A"));
            }
        }
    }
    found
}

/// /proc/net's `0100007F:2710` (little-endian words) as `127.0.0.1:10000`.
fn proc_address(text: &str) -> String {
    let (ip, port) = text.split_once(':').unwrap();
    let port = u16::from_str_radix(port, 16).unwrap();
    let words: Vec<[u8; 4]> = (0..ip.len() / 8)
        .map(|i| {
            u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16)
                .unwrap()
                .to_le_bytes()
        })
        .collect();
    if words.len() == 1 {
        let [a, b, c, d] = words[0];
        format!("{a}.{b}.{c}.{d}:{port}")
    } else {
        let bytes: Vec<u8> = words.concat();
        let mut octets = [0u8; 16];
        octets.copy_from_slice(&bytes);
        format!("[{}]:{port}", std::net::Ipv6Addr::from(octets))
    }
}

#[tokio::test]
async fn it_listens_on_loopback_only_and_nowhere_else() {
    let api = sim::start(SimConfig::for_tests()).await.unwrap();
    let client = client_cert();
    let plugin = Plugin::start(BINARY, &client.pem);
    let (host, _) = plugin.addr.rsplit_once(':').unwrap();
    assert_eq!(host, "127.0.0.1", "handshake address {}", plugin.addr);
    let pid = plugin.child.id();

    let check = |when: &str| {
        let sockets = sockets_of(pid);
        let listeners: Vec<_> = sockets.iter().filter(|s| s.2).collect();
        assert_eq!(
            listeners.len(),
            1,
            "{when}: exactly one listening socket expected: {sockets:?}"
        );
        assert_eq!(
            (listeners[0].0, listeners[0].1.as_str()),
            ("tcp", plugin.addr.as_str()),
            "{when}: {sockets:?}"
        );
        assert!(
            sockets.iter().all(|s| s.0.starts_with("tcp")),
            "{when}: a socket other than TCP: {sockets:?}"
        );
    };
    check("after the handshake");

    // Working sessions open outgoing connections (to Terraform's client, to the API) but no
    // further listener.
    let mut provider =
        pb::provider_client::ProviderClient::new(connect(&plugin, &client).await.unwrap());
    configure(&mut provider, &api.base_url()).await;
    let plan = provider
        .plan_resource_change(plan_request(&a_record("loopback")))
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    check("while serving");
}
