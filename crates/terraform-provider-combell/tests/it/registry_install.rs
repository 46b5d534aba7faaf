//! A signed release installs through the provider registry protocol, as it would from the
//! Terraform Registry: `scripts/release --gpg-key` packages the debug provider and signs its
//! SHA256SUMS with a throw-away GPG key; a registry on loopback (HTTPS, with a CA made here and
//! trusted by the Terraform process alone through `SSL_CERT_FILE`) answers service discovery,
//! `versions` and `download`; a real `terraform init` installs the provider, Terraform itself
//! checking the checksum and the signature, and `plan` runs it against the simulator. A zip
//! altered after signing, and a signature checked against another key, must each fail `init`.
//!
//! The test needs `gpg`; a machine without it gets it from apt (as root) rather than a skip.

use crate::common;

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use crate::common::{Sim, Tf};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const VERSION: &str = "0.1.0";
const NAME: &str = "terraform-provider-combell";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// gpg: a private keyring per test binary
// ---------------------------------------------------------------------------------------------

fn gpg_works() -> bool {
    Command::new("gpg")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A fresh CI machine has Rust and Python only: install gnupg there instead of skipping.
fn ensure_gpg() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        if gpg_works() {
            return;
        }
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let prefix: &[&str] = if root { &[] } else { &["sudo", "-n"] };
        for args in [
            &["apt-get", "update"][..],
            &[
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "gnupg",
            ][..],
        ] {
            let argv: Vec<&str> = prefix.iter().chain(args).copied().collect();
            let status = Command::new(argv[0])
                .args(&argv[1..])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdin(Stdio::null())
                .status();
            assert!(
                status.as_ref().is_ok_and(|s| s.success()),
                "gpg is missing and `{}` failed ({status:?}); install gnupg to run this test",
                argv.join(" ")
            );
        }
        assert!(gpg_works(), "gpg still does not run after installing gnupg");
    });
}

/// A throw-away keyring in a temporary GNUPGHOME; its agent is stopped on drop.
struct Keyring {
    home: TempDir,
}

struct Key {
    fingerprint: String,
    armored_public: String,
}

impl Keyring {
    fn new() -> Keyring {
        ensure_gpg();
        // Short: gpg-agent's socket path must fit in a sockaddr_un.
        let home = tempfile::Builder::new().prefix("gpg").tempdir().unwrap();
        let mut perms = fs::metadata(home.path()).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o700);
        fs::set_permissions(home.path(), perms).unwrap();
        Keyring { home }
    }

    fn gpg(&self) -> Command {
        let mut cmd = Command::new("gpg");
        cmd.env("GNUPGHOME", self.home.path())
            .args(["--batch", "--no-tty"]);
        cmd
    }

    fn generate(&self, email: &str) -> Key {
        common::run_ok(self.gpg().args([
            "--passphrase",
            "",
            "--quick-generate-key",
            &format!("Release test <{email}>"),
            "rsa2048",
            "sign",
            "1d",
        ]));
        let listing =
            common::run_ok(
                self.gpg()
                    .args(["--with-colons", "--list-secret-keys", email]),
            );
        let fingerprint = String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|rest| rest.split(':').find(|f| f.len() == 40))
            .unwrap_or_else(|| panic!("no fingerprint in {listing:?}"))
            .to_string();
        let export = common::run_ok(self.gpg().args(["--armor", "--export", &fingerprint]));
        Key {
            fingerprint,
            armored_public: String::from_utf8(export.stdout).unwrap(),
        }
    }
}

impl Key {
    /// The long key id Terraform prints after "key ID".
    fn key_id(&self) -> &str {
        &self.fingerprint[24..]
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "all"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A signed release of the debug provider, with the key that signed it and a second key that
/// did not.
struct Release {
    _keyring: Keyring,
    dir: PathBuf,
    _tmp: TempDir,
    signer: Key,
    stranger: Key,
}

fn release() -> Release {
    {
        let keyring = Keyring::new();
        let signer = keyring.generate("signer@release.test");
        let stranger = keyring.generate("stranger@release.test");
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("dist");
        let script = crate::common::repo_path("scripts/release");
        // Two platforms in one release, as the release workflow packages them: the debug
        // provider for this machine and a stand-in for a platform that cannot be built here.
        let stand_in = tmp.path().join("darwin-provider");
        fs::write(&stand_in, b"stand-in for a darwin_arm64 build").unwrap();
        let provider = common::provider_dir().join(NAME);
        common::run_ok(
            Command::new(&script)
                .env("GNUPGHOME", keyring.home.path())
                .args(["--version", VERSION, "--out", &dir.to_string_lossy()])
                .args(["--binary", &format!("linux_amd64={}", provider.display())])
                .args(["--binary", &format!("darwin_arm64={}", stand_in.display())])
                .args(["--gpg-key", &signer.fingerprint]),
        );
        let sums = fs::read_to_string(dir.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
        assert_eq!(
            sums.lines().count(),
            3,
            "two zips and the manifest:\n{sums}"
        );
        Release {
            _keyring: keyring,
            dir,
            _tmp: tmp,
            signer,
            stranger,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A provider registry on loopback
// ---------------------------------------------------------------------------------------------

/// A CA made for this test and a certificate it issued for `localhost`.
struct Tls {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn make_tls() -> Tls {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(
        DnType::CommonName,
        "terraform-provider-combell test registry CA",
    );
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();

    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf
        .signed_by(&leaf_key, &Issuer::new(ca, &ca_key))
        .unwrap();
    Tls {
        ca_pem: ca_cert.pem(),
        chain: vec![leaf_cert.der().clone(), ca_cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

/// Serves the release in `files` under the registry protocol at `https://localhost:<port>`.
/// Connections are answered one request each (`Connection: close`); the thread lives as long
/// as the test binary.
struct Registry {
    addr: SocketAddr,
    ca_file: PathBuf,
    _dir: TempDir,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Registry {
    fn start(files: &Path, signing_key: &Key) -> Registry {
        let tls = make_tls();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        fs::write(&ca_file, &tls.ca_pem).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(tls.chain, tls.key)
        .unwrap();
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = Arc::new(routes(files, addr, signing_key));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let config = Arc::clone(&config);
                let routes = Arc::clone(&routes);
                let seen = Arc::clone(&seen);
                thread::spawn(move || {
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    let mut request_line = String::new();
                    if tls.read_line(&mut request_line).is_err() {
                        return;
                    }
                    loop {
                        let mut header = String::new();
                        match tls.read_line(&mut header) {
                            Ok(0) | Err(_) => return,
                            Ok(_) if header == "\r\n" || header == "\n" => break,
                            Ok(_) => {}
                        }
                    }
                    let mut parts = request_line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or_default().to_string();
                    seen.lock().unwrap().push(path.clone());
                    let (status, body) = match routes.get(&path) {
                        Some(body) if method == "GET" => ("200 OK", body.clone()),
                        _ => ("404 Not Found", b"{\"errors\":[\"Not Found\"]}".to_vec()),
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: {}\r\n\
                         Connection: close\r\n\r\n",
                        body.len(),
                        if path.ends_with(".zip") {
                            "application/zip"
                        } else {
                            "application/json"
                        }
                    );
                    let _ = tls.write_all(head.as_bytes());
                    let _ = tls.write_all(&body);
                    let _ = tls.flush();
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                });
            }
        });
        Registry {
            addr,
            ca_file,
            _dir: dir,
            requests,
        }
    }

    /// The provider source address of this registry.
    fn source(&self) -> String {
        format!("localhost:{}/combell/combell", self.addr.port())
    }

    fn requested(&self, path: &str) -> bool {
        self.requests.lock().unwrap().iter().any(|p| p == path)
    }
}

/// Every answer of the registry: the protocol's JSON documents and the release's files.
fn routes(files: &Path, addr: SocketAddr, signing_key: &Key) -> HashMap<String, Vec<u8>> {
    let base = format!("https://localhost:{}", addr.port());
    let zip = format!("{NAME}_{VERSION}_linux_amd64.zip");
    let sums = format!("{NAME}_{VERSION}_SHA256SUMS");
    let zip_bytes = fs::read(files.join(&zip)).unwrap();
    let shasum = fs::read_to_string(files.join(&sums))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_suffix(&format!("  {zip}")).map(str::to_string))
        .unwrap_or_else(|| panic!("{sums} does not list {zip}"));
    let json = |v: serde_json::Value| serde_json::to_vec(&v).unwrap();
    let mut routes = HashMap::new();
    routes.insert(
        "/.well-known/terraform.json".to_string(),
        json(serde_json::json!({"providers.v1": "/v1/providers/"})),
    );
    routes.insert(
        "/v1/providers/combell/combell/versions".to_string(),
        json(serde_json::json!({"versions": [{
            "version": VERSION,
            "protocols": ["6.0"],
            "platforms": [{"os": "linux", "arch": "amd64"}],
        }]})),
    );
    routes.insert(
        format!("/v1/providers/combell/combell/{VERSION}/download/linux/amd64"),
        json(serde_json::json!({
            "protocols": ["6.0"],
            "os": "linux",
            "arch": "amd64",
            "filename": zip,
            "download_url": format!("{base}/files/{zip}"),
            "shasums_url": format!("{base}/files/{sums}"),
            "shasums_signature_url": format!("{base}/files/{sums}.sig"),
            "shasum": shasum,
            "signing_keys": {"gpg_public_keys": [{
                "key_id": signing_key.key_id(),
                "ascii_armor": signing_key.armored_public,
            }]},
        })),
    );
    routes.insert(format!("/files/{zip}"), zip_bytes);
    for name in [sums.clone(), format!("{sums}.sig")] {
        routes.insert(
            format!("/files/{name}"),
            fs::read(files.join(&name)).unwrap(),
        );
    }
    routes
}

// ---------------------------------------------------------------------------------------------
// Terraform
// ---------------------------------------------------------------------------------------------

/// A working directory whose Terraform knows only this registry: an empty CLI configuration
/// (no dev_overrides), an empty HOME (no ~/.terraform.d/plugins) and the test CA as its only
/// trusted root.
fn terraform_for(sim: &Sim, registry: &Registry) -> Tf {
    let mut tf = Tf::new(sim);
    let root = tf.work_dir().parent().unwrap().to_path_buf();
    let cli_config = root.join("registry.tfrc");
    fs::write(&cli_config, "").unwrap();
    let home = root.join("home");
    fs::create_dir_all(&home).unwrap();
    tf.set_env("TF_CLI_CONFIG_FILE", &cli_config.to_string_lossy())
        .set_env("HOME", &home.to_string_lossy())
        .set_env("SSL_CERT_FILE", &registry.ca_file.to_string_lossy())
        .set_env("SSL_CERT_DIR", &root.join("no-certs").to_string_lossy());
    tf.write_config(&common::pinned_config(
        &registry.source(),
        VERSION,
        "from_registry",
        "from-registry",
        "192.0.2.77",
    ));
    tf
}

/// The first `Error:` line of Terraform's output with its next line, for the test log.
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim_start_matches(['│', ' ']))
        .collect();
    lines
        .iter()
        .position(|l| l.starts_with("Error:"))
        .map(|i| lines[i..lines.len().min(i + 4)].join(" "))
        .unwrap_or_default()
}

fn installed(tf: &Tf, registry: &Registry) -> bool {
    tf.work_dir()
        .join(".terraform/providers")
        .join(format!("localhost:{}", registry.addr.port()))
        .join(format!("combell/combell/{VERSION}/linux_amd64"))
        .exists()
}

/// One release for the three cases (packaging a debug binary takes seconds), in one test so
/// that its keyring and files are removed at the end.
#[test]
fn a_signed_release_installs_from_a_registry_and_a_tampered_or_foreign_one_does_not() {
    let release = release();
    installs_and_plans(&release);
    refuses_a_zip_altered_after_signing(&release);
    refuses_a_signature_by_another_key(&release);
}

fn installs_and_plans(release: &Release) {
    let sig = release.dir.join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"));
    let sig_bytes = fs::read(&sig).unwrap();
    // Binary, as the registries require: an OpenPGP packet, not ASCII armour.
    assert!(
        !sig_bytes.starts_with(b"-----BEGIN"),
        "the signature is armoured"
    );
    assert_eq!(sig_bytes[0] & 0x80, 0x80, "not an OpenPGP packet");

    let registry = Registry::start(&release.dir, &release.signer);
    let sim = Sim::start();
    let tf = terraform_for(&sim, &registry);
    let init = tf.ok(&["init", "-no-color", "-input=false"]);
    let text = init.stdout.to_lowercase();
    assert!(
        text.contains(&format!(
            "installed {} v{VERSION} (self-signed, key id {})",
            registry.source(),
            release.signer.key_id().to_lowercase()
        )),
        "init did not report a signed install:\n{init}"
    );
    eprintln!(
        "{}",
        init.stdout
            .lines()
            .find(|l| l.contains("Installed "))
            .unwrap_or_default()
    );
    assert!(registry.requested("/.well-known/terraform.json"));
    assert!(registry.requested(&format!("/files/{NAME}_{VERSION}_SHA256SUMS.sig")));
    assert!(installed(&tf, &registry));
    let lock = fs::read_to_string(tf.work_dir().join(".terraform.lock.hcl")).unwrap();
    let zip = fs::read(
        release
            .dir
            .join(format!("{NAME}_{VERSION}_linux_amd64.zip")),
    )
    .unwrap();
    assert!(
        lock.contains(&format!("\"zh:{}\"", sha256_hex(&zip))),
        "the lock file does not pin the zip's checksum:\n{lock}"
    );

    let plan = tf.plan_ok();
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    assert!(
        sim.request_count() > 0,
        "the installed provider never called the simulator"
    );
}

fn refuses_a_zip_altered_after_signing(release: &Release) {
    let tmp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(&release.dir).unwrap().flatten() {
        fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    let zip = tmp.path().join(format!("{NAME}_{VERSION}_linux_amd64.zip"));
    let mut bytes = fs::read(&zip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&zip, bytes).unwrap();

    let registry = Registry::start(tmp.path(), &release.signer);
    let sim = Sim::start();
    let tf = terraform_for(&sim, &registry);
    let init = tf.fails(&["init", "-no-color", "-input=false"]);
    assert!(
        init.stderr.to_lowercase().contains("checksum"),
        "init failed, but not on the checksum:\n{init}"
    );
    eprintln!("tampered zip: {}", first_error(&init.stderr));
    assert!(!installed(&tf, &registry));
}

fn refuses_a_signature_by_another_key(release: &Release) {
    let registry = Registry::start(&release.dir, &release.stranger);
    let sim = Sim::start();
    let tf = terraform_for(&sim, &registry);
    let init = tf.fails(&["init", "-no-color", "-input=false"]);
    assert!(
        init.stderr.to_lowercase().contains("signature"),
        "init failed, but not on the signature:\n{init}"
    );
    eprintln!("foreign key: {}", first_error(&init.stderr));
    assert!(!installed(&tf, &registry));
}
