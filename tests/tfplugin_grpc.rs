//! Layer 3: the built provider binary, started the way Terraform starts it (magic cookie,
//! protocol negotiation, automatic mutual TLS), driven RPC by RPC over gRPC.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use combell::tfplugin::proto::{health, plugin, tfplugin6 as pb};
use combell::tfplugin::{from_msgpack, to_msgpack, ProviderDef, Type, Value};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tonic::transport::{Channel, Endpoint};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A client certificate shaped like go-plugin's: self-signed, CA:true.
struct ClientCert {
    pem: String,
    der: CertificateDer<'static>,
    key: Vec<u8>,
}

fn client_cert() -> ClientCert {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientCert {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: key.serialize_der(),
    }
}

/// The plugin process; killed if a test ends without shutting it down.
struct Plugin {
    child: Child,
    addr: String,
    server_cert: Vec<u8>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Plugin {
    fn start(client_pem: &str) -> Plugin {
        let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-combell"))
            .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", client_pem)
            .env("TF_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let parts: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(parts.len(), 6, "handshake line {line:?}");
        assert_eq!(&parts[..3], &["1", "6", "tcp"]);
        assert!(parts[3].starts_with("127.0.0.1:"));
        assert_eq!(parts[4], "grpc");
        let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .unwrap();
        Plugin {
            child,
            addr: parts[3].to_string(),
            server_cert,
        }
    }

    fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Trusts exactly the certificate the plugin announced, as go-plugin's client does.
#[derive(Debug)]
struct Pinned(Vec<u8>);

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &rustls::crypto::ring::default_provider().signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

async fn connect(plugin: &Plugin, client: &ClientCert) -> Result<Channel, tonic::transport::Error> {
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(Pinned(plugin.server_cert.clone())))
    .with_client_auth_cert(
        vec![client.der.clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(client.key.clone())),
    )
    .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let addr = plugin.addr.clone();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (connector, addr) = (connector.clone(), addr.clone());
            async move {
                let tcp = tokio::net::TcpStream::connect(addr).await?;
                tcp.set_nodelay(true)?;
                let name = ServerName::try_from("localhost").unwrap();
                let tls = connector.connect(name, tcp).await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(tls))
            }
        }))
        .await
}

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
    let mut plugin = Plugin::start(&client.pem);
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

    plugin::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(plugin::Empty {})
        .await
        .unwrap();
    assert_eq!(plugin.wait_exit(Duration::from_secs(5)), Some(0));
}

#[tokio::test]
async fn stop_provider_answers_while_an_apply_is_in_flight() {
    let client = client_cert();
    let plugin = Plugin::start(&client.pem);
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
    let plugin = Plugin::start(&expected.pem);
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-combell"))
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
