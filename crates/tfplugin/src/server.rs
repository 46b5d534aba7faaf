//! The go-plugin side of the process: magic cookie, protocol negotiation, listening socket,
//! automatic mutual TLS, the handshake line, and the helper services go-plugin expects.

use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::framework::ProviderDef;
use super::proto::{health as hpb, plugin as ppb, tfplugin6 as pb};
use super::routes::Routes;
use super::service::ProviderService;

const MODULE: &str = "tfplugin";
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const PROTOCOL_VERSION: u32 = 6;
/// Matches terraform-plugin-go: large plans and states must not hit gRPC's 4 MiB default.
const MAX_MESSAGE: usize = 256 << 20;

/// Why the plugin could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    NotUnderTerraform(String),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// Everything taken from the environment Terraform (go-plugin) sets.
#[derive(Debug)]
struct Env {
    client_cert: Option<Vec<u8>>,
    min_port: u16,
    max_port: u16,
}

fn read_env(get: &impl Fn(&str) -> Option<String>) -> Result<Env, StartError> {
    if get(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(StartError::NotUnderTerraform(
            "This binary is a plugin for Terraform (or OpenTofu) and is not meant to be run \
             directly.\nInstall it as a provider and run `terraform init` / `terraform plan`; \
             Terraform starts it and talks to it over gRPC.\nFor local development, point a \
             `dev_overrides` block in a Terraform CLI configuration file (TF_CLI_CONFIG_FILE) \
             at the directory holding this binary."
                .into(),
        ));
    }
    if let Some(versions) = get("PLUGIN_PROTOCOL_VERSIONS").filter(|v| !v.trim().is_empty()) {
        let offered: Vec<&str> = versions.split(',').map(str::trim).collect();
        if !offered.contains(&PROTOCOL_VERSION.to_string().as_str()) {
            return Err(StartError::Config(format!(
                "This provider speaks plugin protocol {PROTOCOL_VERSION} (Terraform 1.0 and later), \
                 but the client offered only {versions:?}. Upgrade Terraform."
            )));
        }
    }
    let port = |key: &str, default: u16| -> Result<u16, StartError> {
        match get(key).filter(|v| !v.trim().is_empty()) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| StartError::Config(format!("{key}={v:?} is not a port number"))),
        }
    };
    let (min_port, max_port) = (port("PLUGIN_MIN_PORT", 0)?, port("PLUGIN_MAX_PORT", 0)?);
    if max_port != 0 && min_port > max_port {
        return Err(StartError::Config(format!(
            "PLUGIN_MIN_PORT {min_port} is above PLUGIN_MAX_PORT {max_port}"
        )));
    }
    Ok(Env {
        client_cert: get("PLUGIN_CLIENT_CERT")
            .filter(|v| !v.trim().is_empty())
            .map(String::into_bytes),
        min_port,
        max_port,
    })
}

async fn listen(env: &Env) -> Result<TcpListener, StartError> {
    if env.min_port == 0 && env.max_port == 0 {
        return Ok(TcpListener::bind("127.0.0.1:0").await?);
    }
    let max = if env.max_port == 0 {
        u16::MAX
    } else {
        env.max_port
    };
    for port in env.min_port.max(1)..=max {
        if let Ok(l) = TcpListener::bind(("127.0.0.1", port)).await {
            return Ok(l);
        }
    }
    Err(StartError::Config(format!(
        "no free port between {} and {max}",
        env.min_port
    )))
}

/// Accepts exactly the certificate Terraform announced and nothing else. go-plugin's client
/// certificate is a self-signed CA, which webpki refuses as an end-entity certificate, so
/// the usual verifier cannot be used; the handshake signature is still checked in full.
#[derive(Debug)]
struct PinnedClientCert {
    cert: CertificateDer<'static>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// ECDSA P-521 with SHA-512, the key go-plugin gives its client certificate. ring (our
/// rustls crypto) has no P-521, so this one algorithm comes from RustCrypto's `p521`.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl rustls::pki_types::SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), rustls::pki_types::InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
            .map_err(|_| rustls::pki_types::InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature)
            .map_err(|_| rustls::pki_types::InvalidSignature)?;
        key.verify(message, &sig)
            .map_err(|_| rustls::pki_types::InvalidSignature)
    }
    fn public_key_alg_id(&self) -> rustls::pki_types::AlgorithmIdentifier {
        rustls::pki_types::alg_id::ECDSA_P521
    }
    fn signature_alg_id(&self) -> rustls::pki_types::AlgorithmIdentifier {
        rustls::pki_types::alg_id::ECDSA_SHA512
    }
    fn fips(&self) -> bool {
        false
    }
}

static ECDSA_P521_SHA512: EcdsaP521Sha512 = EcdsaP521Sha512;
static P521_ONLY: [&dyn rustls::pki_types::SignatureVerificationAlgorithm; 1] =
    [&ECDSA_P521_SHA512];

/// ring's algorithms plus P-521, for checking the client's handshake signature.
fn client_signature_algorithms() -> rustls::crypto::WebPkiSupportedAlgorithms {
    use rustls::crypto::ring::default_provider;
    use rustls::pki_types::SignatureVerificationAlgorithm as Alg;
    static ALL: std::sync::OnceLock<Vec<&'static dyn Alg>> = std::sync::OnceLock::new();
    static MAPPING: std::sync::OnceLock<Vec<(SignatureScheme, &'static [&'static dyn Alg])>> =
        std::sync::OnceLock::new();
    let base = default_provider().signature_verification_algorithms;
    let all = ALL.get_or_init(|| {
        let mut v = base.all.to_vec();
        v.push(&ECDSA_P521_SHA512);
        v
    });
    let mapping = MAPPING.get_or_init(|| {
        let mut v = base.mapping.to_vec();
        v.push((SignatureScheme::ECDSA_NISTP521_SHA512, &P521_ONLY[..]));
        v
    });
    rustls::crypto::WebPkiSupportedAlgorithms {
        all: all.as_slice(),
        mapping: mapping.as_slice(),
    }
}

/// An ephemeral server certificate shaped as go-plugin's client checks it: self-signed,
/// usable as its own root, for the name `localhost`, ECDSA P-256.
fn server_certificate() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), StartError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let tls = |e: rcgen::Error| StartError::Tls(e.to_string());
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(tls)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(tls)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params.self_signed(&key).map_err(tls)?;
    Ok((
        cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    ))
}

fn tls_config(
    client_pem: &[u8],
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ServerConfig, StartError> {
    let client = CertificateDer::from_pem_slice(client_pem).map_err(|e| {
        StartError::Config(format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedClientCert {
        cert: client,
        algorithms: client_signature_algorithms(),
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StartError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert], key)
        .map_err(|e| StartError::Tls(e.to_string()))?;
    // grpc-go (since 1.67) refuses servers that do not negotiate h2 by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// A connection tonic can serve: the TLS stream Terraform speaks to, or a plaintext TCP
/// stream (with TCP_NODELAY set) when mutual TLS is off.
struct Conn<S>(S);

type TlsConn = Conn<tokio_rustls::server::TlsStream<TcpStream>>;
type PlainConn = Conn<TcpStream>;

impl<S> tonic::transport::server::Connected for Conn<S> {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}
impl<S: AsyncRead + Unpin> AsyncRead for Conn<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}
impl<S: AsyncWrite + Unpin> AsyncWrite for Conn<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

struct Controller {
    shutdown: CancellationToken,
}

#[tonic::async_trait]
impl ppb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _req: Request<ppb::Empty>) -> Result<Response<ppb::Empty>, Status> {
        hclog::debug(MODULE, "shutdown requested by the client", &[]);
        self.shutdown.cancel();
        Ok(Response::new(ppb::Empty {}))
    }
}

type Pending<T> = Pin<Box<dyn tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

struct Stdio;

#[tonic::async_trait]
impl ppb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = Pending<ppb::StdioData>;
    /// The provider logs to its real stderr, which go-plugin reads anyway; the stream stays
    /// open and silent.
    async fn stream_stdio(
        &self,
        _req: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::pending())))
    }
}

struct Broker;

#[tonic::async_trait]
impl ppb::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = Pending<ppb::ConnInfo>;
    /// Terraform providers never open brokered connections; go-plugin still opens the stream.
    async fn start_stream(
        &self,
        _req: Request<tonic::Streaming<ppb::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::pending())))
    }
}

struct Health;

#[tonic::async_trait]
impl hpb::health_server::Health for Health {
    async fn check(
        &self,
        req: Request<hpb::HealthCheckRequest>,
    ) -> Result<Response<hpb::HealthCheckResponse>, Status> {
        use hpb::health_check_response::ServingStatus;
        let service = req.into_inner().service;
        let status = if service.is_empty() || service == "plugin" {
            ServingStatus::Serving
        } else {
            ServingStatus::ServiceUnknown
        };
        Ok(Response::new(hpb::HealthCheckResponse {
            status: status as i32,
        }))
    }
    type WatchStream = Pending<hpb::HealthCheckResponse>;
    async fn watch(
        &self,
        req: Request<hpb::HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let first = self.check(req).await?.into_inner();
        Ok(Response::new(Box::pin(tokio_stream::StreamExt::chain(
            tokio_stream::once(Ok(first)),
            tokio_stream::pending(),
        ))))
    }
}

/// Terraform interrupts through StopProvider; a Ctrl-C in the terminal also reaches this
/// process group and must not kill an apply in flight, so both signals are only logged.
fn ignore_interrupts() {
    use tokio::signal::unix::{signal, SignalKind};
    for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
        if let Ok(mut sig) = signal(kind) {
            tokio::spawn(async move {
                while sig.recv().await.is_some() {
                    hclog::debug(MODULE, "signal ignored; waiting for Terraform", &[]);
                }
            });
        }
    }
}

/// Runs the provider as Terraform expects and returns the process exit code.
pub fn serve(provider: impl ProviderDef) -> i32 {
    // One thread: every RPC is a short burst of work between waits on Terraform or the API,
    // and a second worker only added cross-thread wake-ups (see `service::guarded`).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Unable to start the async runtime: {e}");
            return 1;
        }
    };
    // `--debug` runs the provider on its own for a debugger: Terraform attaches to it through
    // TF_REATTACH_PROVIDERS instead of starting it.
    let debug = std::env::args()
        .skip(1)
        .any(|a| a == "--debug" || a == "-debug");
    match runtime.block_on(run(Arc::new(provider), |k| std::env::var(k).ok(), debug)) {
        Ok(()) => 0,
        Err(StartError::NotUnderTerraform(msg)) => {
            eprintln!("{msg}");
            1
        }
        Err(e) => {
            hclog::error(
                MODULE,
                "provider failed",
                &[("error", e.to_string().into())],
            );
            eprintln!("Error: {e}");
            1
        }
    }
}

async fn run(
    provider: Arc<dyn ProviderDef>,
    get: impl Fn(&str) -> Option<String>,
    debug: bool,
) -> Result<(), StartError> {
    let shutdown = CancellationToken::new();
    let env = if debug {
        let stop = shutdown.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.cancel();
            }
        });
        Env {
            client_cert: None,
            min_port: 0,
            max_port: 0,
        }
    } else {
        let env = read_env(&get)?;
        ignore_interrupts();
        env
    };
    let listener = listen(&env).await?;
    let addr: SocketAddr = listener.local_addr()?;
    let address = get("TF_PROVIDER_ADDRESS")
        .unwrap_or_else(|| format!("registry.terraform.io/{0}/{0}", provider.type_name()));

    let tls = match &env.client_cert {
        Some(pem) => {
            let (cert, key) = server_certificate()?;
            let announced = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert.as_ref());
            Some((Arc::new(tls_config(pem, cert, key)?), announced))
        }
        None => None,
    };

    let mut line = format!("1|{PROTOCOL_VERSION}|tcp|{addr}|grpc");
    if let Some((_, cert)) = &tls {
        line.push('|');
        line.push_str(cert);
    }
    if debug {
        let reattach = serde_json::json!({
            address: {
                "Protocol": "grpc",
                "ProtocolVersion": PROTOCOL_VERSION,
                "Pid": std::process::id(),
                "Test": true,
                "Addr": {"Network": "tcp", "String": addr.to_string()},
            }
        });
        line = format!(
            "Provider started in debug mode; Ctrl-C stops it. To attach Terraform, run:\n\n\
             \texport TF_REATTACH_PROVIDERS='{reattach}'\n"
        );
    }
    hclog::debug(
        MODULE,
        "plugin address",
        &[("address", addr.to_string().into())],
    );

    let stop = shutdown.clone();
    // Graceful shutdown finishes the streams in flight (the Shutdown answer among them) and
    // then waits for the client to hang up, which go-plugin does right after that answer: no
    // fixed delay is needed, and Terraform waits for this process to exit on every start.
    let signal = async move { stop.cancelled().await };
    // The accept loop owns the listener before the handshake line goes out; the schemas and
    // the gRPC router are built only after it, so Terraform's wait for the line does not
    // include them (connections wait in the channel meanwhile).
    enum Incoming {
        Tls(tokio::sync::mpsc::Receiver<std::io::Result<TlsConn>>),
        Plain(tokio::sync::mpsc::Receiver<std::io::Result<PlainConn>>),
    }
    let incoming = match tls {
        Some((config, _)) => {
            let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<TlsConn>>(16);
            let acceptor = tokio_rustls::TlsAcceptor::from(config);
            tokio::spawn(accept_tls(listener, acceptor, tx, shutdown.clone()));
            Incoming::Tls(rx)
        }
        None => {
            let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<PlainConn>>(16);
            tokio::spawn(accept_plain(listener, tx, shutdown.clone()));
            Incoming::Plain(rx)
        }
    };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")?;
        out.flush()?;
    }

    let service = Arc::new(ProviderService::new(provider));
    let routes = Routes {
        provider: pb::provider_server::ProviderServer::new(service)
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE),
        controller: ppb::grpc_controller_server::GrpcControllerServer::new(Controller {
            shutdown: shutdown.clone(),
        }),
        stdio: ppb::grpc_stdio_server::GrpcStdioServer::new(Stdio),
        broker: ppb::grpc_broker_server::GrpcBrokerServer::new(Broker),
        health: hpb::health_server::HealthServer::new(Health),
    };
    let server = tonic::transport::Server::builder().tcp_nodelay(true);
    let serve = match incoming {
        Incoming::Tls(rx) => tokio::spawn(server.serve_with_incoming_shutdown(
            routes,
            ReceiverStream::new(rx),
            signal,
        )),
        Incoming::Plain(rx) => tokio::spawn(server.serve_with_incoming_shutdown(
            routes,
            ReceiverStream::new(rx),
            signal,
        )),
    };

    shutdown.cancelled().await;
    // Graceful shutdown waits for the client to hang up, which go-plugin does right after
    // Shutdown; it kills plugins still running 2 s later, so give up well before that.
    let _ = tokio::time::timeout(Duration::from_secs(1), serve).await;
    Ok(())
}

async fn accept_plain(
    listener: TcpListener,
    tx: tokio::sync::mpsc::Sender<std::io::Result<PlainConn>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                // Without this every small response waits ~40 ms for Nagle + delayed ACK.
                let _ = stream.set_nodelay(true);
                if tx.send(Ok(Conn(stream))).await.is_err() {
                    return;
                }
            }
            Err(e) => hclog::warn(MODULE, "accept failed", &[("error", e.to_string().into())]),
        }
    }
}

async fn accept_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    tx: tokio::sync::mpsc::Sender<std::io::Result<TlsConn>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls) => {
                            let _ = tx.send(Ok(Conn(tls))).await;
                        }
                        Err(e) => hclog::warn(
                            MODULE,
                            "TLS handshake refused",
                            &[
                                ("peer", peer.to_string().into()),
                                ("error", e.to_string().into()),
                            ],
                        ),
                    }
                });
            }
            Err(e) => hclog::warn(MODULE, "accept failed", &[("error", e.to_string().into())]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn refuses_to_run_without_the_cookie() {
        let err = read_env(&env(&[])).unwrap_err();
        assert!(matches!(err, StartError::NotUnderTerraform(_)));
        assert!(err.to_string().contains("plugin for Terraform"));
    }

    #[test]
    fn negotiates_protocol_six_only() {
        let ok = read_env(&env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "5,6"),
            ("PLUGIN_MIN_PORT", "10000"),
            ("PLUGIN_MAX_PORT", "25000"),
        ]))
        .unwrap();
        assert_eq!((ok.min_port, ok.max_port), (10000, 25000));
        let err = read_env(&env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("protocol 6"));
    }

    #[test]
    fn verifies_p521_signatures_like_go_plugin_makes() {
        use p521::ecdsa::signature::hazmat::RandomizedPrehashSigner;
        use p521::elliptic_curve::rand_core::{CryptoRng, RngCore};
        use rustls::pki_types::SignatureVerificationAlgorithm;
        use sha2::Digest;

        /// Deterministic nonces are fine for a test signature.
        struct Counter(u8);
        impl RngCore for Counter {
            fn next_u32(&mut self) -> u32 {
                self.0 = self.0.wrapping_add(1);
                u32::from(self.0)
            }
            fn next_u64(&mut self) -> u64 {
                u64::from(self.next_u32())
            }
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                for b in dest {
                    self.0 = self.0.wrapping_add(7);
                    *b = self.0 & 0x01;
                }
            }
            fn try_fill_bytes(
                &mut self,
                dest: &mut [u8],
            ) -> Result<(), p521::elliptic_curve::rand_core::Error> {
                self.fill_bytes(dest);
                Ok(())
            }
        }
        impl CryptoRng for Counter {}
        let signing = p521::ecdsa::SigningKey::from_slice(&[1u8; 66]).unwrap();
        let public = p521::ecdsa::VerifyingKey::from(&signing).to_encoded_point(false);
        let digest = sha2::Sha512::digest(b"handshake transcript");
        let sig: p521::ecdsa::Signature = signing
            .sign_prehash_with_rng(&mut Counter(3), &digest)
            .unwrap();
        let der = sig.to_der();
        let alg = &ECDSA_P521_SHA512;
        assert!(alg
            .verify_signature(public.as_bytes(), b"handshake transcript", der.as_bytes())
            .is_ok());
        assert!(alg
            .verify_signature(public.as_bytes(), b"another transcript", der.as_bytes())
            .is_err());
        assert!(alg.verify_signature(b"junk", b"x", b"junk").is_err());
        let schemes = client_signature_algorithms().supported_schemes();
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP256_SHA256));
    }

    #[test]
    fn server_certificate_is_usable_for_tls() {
        let (cert, key) = server_certificate().unwrap();
        let client = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let pem = client.cert.pem();
        assert!(tls_config(pem.as_bytes(), cert, key).is_ok());
        let (cert, key) = server_certificate().unwrap();
        assert!(tls_config(b"not pem", cert, key).is_err());
    }
}
