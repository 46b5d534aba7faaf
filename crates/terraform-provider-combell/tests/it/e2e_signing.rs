//! The two readings of the signed path: Combell's spec lowercases the path and query before
//! url-encoding them, Combell's own PHP client keeps the case and decodes escapes once. The
//! provider must work against a server of either reading, with at most one refused request per
//! provider process; and the simulator must accept requests signed the way the PHP client signs.
//!
//! Terraform starts several provider processes per command (one to validate, one to plan, one to
//! apply, ...); each learns the reading afresh. They are counted from Terraform's own log
//! (`TF_LOG_CORE=debug`: one `plugin started` line per provider process), command by command,
//! and compared with the refusals the simulator counted in `/_sim/stats` meanwhile.

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::common::{Sim, Tf};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use combell_sim::state::{SimState, Zone};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An internationalised zone, which the seed does not have: the tests add it to a state file.
const IDN_ZONE: &str = "bücher.be";
const DB_PASSWORD: &str = "Db4Secret9";
const USER_PASSWORD: &str = "User4Secret9";
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz e2e@linux";

/// A simulator with the IDN zone, verifying signatures the `reading` way.
fn sim_with_idn_zone(reading: &str) -> (Sim, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("state.json");
    let mut state = SimState::seed();
    state.zones.insert(
        IDN_ZONE.to_string(),
        Zone {
            domain_name: IDN_ZONE.to_string(),
            records: Vec::new(),
        },
    );
    state.save(&path).expect("write the state file");
    let path = path.display().to_string();
    let sim = Sim::start_with(&["--signing", reading, "--state", &path]);
    (sim, dir)
}

fn config(user_password_version: u32) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    combell = {{ source = "{source}" }}
  }}
}}

provider "combell" {{}}

resource "combell_mysql_database" "db" {{
  account_id       = 1001
  name             = "signing"
  password         = "{DB_PASSWORD}"
  password_version = 1
}}

resource "combell_mysql_user" "reader" {{
  database_name    = combell_mysql_database.db.id
  name             = "reader"
  password         = "{USER_PASSWORD}"
  password_version = {user_password_version}
}}

resource "combell_ssh_key" "deploy" {{
  domain_name = "example.com"
  public_key  = "{KEY}"
}}

resource "combell_dns_record" "idn" {{
  domain_name = "{IDN_ZONE}"
  type        = "A"
  record_name = "www"
  content     = "192.0.2.10"
  ttl         = 3600
}}
"#,
        source = common::PROVIDER_SOURCE
    )
}

fn refused(sim: &Sim) -> u64 {
    let stats = sim.stats();
    stats["signing"]["refused"]
        .as_u64()
        .unwrap_or_else(|| panic!("/_sim/stats has no signing.refused: {stats}"))
}

fn accepted(sim: &Sim, reading: &str) -> u64 {
    sim.stats()["signing"]["accepted_by_reading"][reading]
        .as_u64()
        .unwrap_or(0)
}

/// What one Terraform command cost in refusals, and how many provider processes it started.
struct Counted {
    refused: u64,
    processes: usize,
    /// Provider processes that logged the reading they learned (each logs it once).
    learned: usize,
    log: String,
}

/// Runs `args` (which must succeed) with Terraform's core and provider logs in a file of
/// their own.
fn counted(tf: &mut Tf, sim: &Sim, name: &str, args: &[&str]) -> Counted {
    let log_path = tf.work_dir().join(format!("{name}.log"));
    tf.set_env("TF_LOG_CORE", "debug")
        .set_env("TF_LOG_PROVIDER", "debug")
        .set_env("TF_LOG_PATH", &log_path.display().to_string());
    let before = refused(sim);
    tf.ok(args);
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    let processes = log
        .lines()
        .filter(|l| l.contains("plugin started") && l.contains("combell"))
        .count();
    let learned = log
        .lines()
        .filter(|l| l.contains("learned how the API reads signed paths"))
        .count();
    Counted {
        refused: refused(sim) - before,
        processes,
        learned,
        log,
    }
}

/// Every kind of path whose readings differ travels through a server of one reading: MySQL
/// names with capitals, a fingerprint, an IDN zone; create, read, update and delete.
fn full_life_against(reading: &str) -> Vec<(String, Counted)> {
    let (sim, _dir) = sim_with_idn_zone(reading);
    let mut tf = Tf::new(&sim);
    let mut runs = Vec::new();
    tf.write_config(&config(1));
    runs.push((
        "apply".to_string(),
        counted(
            &mut tf,
            &sim,
            "apply",
            &["apply", "-auto-approve", "-no-color", "-input=false"],
        ),
    ));
    assert_eq!(
        tf.expect_resource("combell_mysql_database.db")["id"],
        "ID1001_signing"
    );
    assert!(tf.expect_resource("combell_ssh_key.deploy")["fingerprint"]
        .as_str()
        .is_some_and(|f| f.contains(':')));
    runs.push((
        "plan".to_string(),
        counted(
            &mut tf,
            &sim,
            "plan",
            &["plan", "-detailed-exitcode", "-no-color", "-input=false"],
        ),
    ));
    tf.write_config(&config(2));
    runs.push((
        "update".to_string(),
        counted(
            &mut tf,
            &sim,
            "update",
            &["apply", "-auto-approve", "-no-color", "-input=false"],
        ),
    ));
    runs.push((
        "destroy".to_string(),
        counted(
            &mut tf,
            &sim,
            "destroy",
            &["destroy", "-auto-approve", "-no-color", "-input=false"],
        ),
    ));
    assert!(
        tf.state_addresses().is_empty(),
        "{:?}",
        tf.state_addresses()
    );
    // Database, user, key and record: each deleted through its own path.
    let deletes = sim.method_count("DELETE");
    assert!(deletes >= 4, "{deletes} DELETE requests");
    for (name, run) in &runs {
        assert!(
            run.processes > 0,
            "{reading} {name}: no provider process seen"
        );
        assert!(
            run.refused <= run.processes as u64,
            "{reading} {name}: {} refused requests for {} provider processes",
            run.refused,
            run.processes
        );
        assert!(
            !run.log.contains(common::SIM_API_SECRET),
            "{reading} {name}: the secret is in the log"
        );
    }
    eprintln!(
        "--signing {reading}: {}; accepted by reading: both {}, official {}, spec {}",
        runs.iter()
            .map(|(name, r)| format!(
                "{name} {} refused / {} provider processes ({} learned a reading)",
                r.refused, r.processes, r.learned
            ))
            .collect::<Vec<_>>()
            .join(", "),
        accepted(&sim, "both"),
        accepted(&sim, "official"),
        accepted(&sim, "spec"),
    );
    runs
}

#[test]
fn mysql_ssh_keys_and_an_idn_zone_work_against_a_spec_server() {
    let runs = full_life_against("spec");
    // The provider signs as Combell's own client first, so a spec server refuses it, and the
    // provider learns.
    let (_, apply) = &runs[0];
    assert!(apply.refused >= 1, "no request was ever refused");
    // Exactly one refusal for each process that had to find the reading out.
    for (name, run) in &runs {
        assert_eq!(run.refused, run.learned as u64, "spec {name}");
    }
    assert!(
        apply.log.contains("learned how the API reads signed paths"),
        "the reading learned is not in the debug log"
    );
    assert!(apply.log.contains(r#""reading":"spec""#) || apply.log.contains("reading=spec"));
}

#[test]
fn mysql_ssh_keys_and_an_idn_zone_work_against_an_official_server() {
    let runs = full_life_against("official");
    for (name, run) in &runs {
        assert_eq!(
            run.refused, 0,
            "official {name}: Combell's own reading comes first"
        );
    }
}

// ---- Signed the way Combell's PHP client signs ----------------------------------------------

/// PHP's `urlencode`, written out again here so that the simulator is checked against the
/// description of the PHP client rather than against the provider's own signer.
fn urlencode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// PHP's `urldecode`: `+` is a space, `%XX` a byte.
fn urldecode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if hex(i + 1).is_some() && hex(i + 2).is_some() => {
                out.push((hex(i + 1).unwrap_or(0) * 16 + hex(i + 2).unwrap_or(0)) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The `Authorization` header as the PHP client builds it for a request without body: case
/// kept; a path and query holding escapes decoded once before encoding.
fn php_client_authorization(method: &str, path_and_query: &str, nonce: &str) -> String {
    let path = if path_and_query.contains('%') {
        urlencode(&urldecode(path_and_query))
    } else {
        urlencode(path_and_query.as_bytes())
    };
    let ts = chrono::Utc::now().timestamp();
    let message = format!(
        "{}{}{path}{ts}{nonce}",
        common::SIM_API_KEY,
        method.to_lowercase()
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(common::SIM_API_SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    let signature = BASE64.encode(mac.finalize().into_bytes());
    format!("hmac {}:{signature}:{nonce}:{ts}", common::SIM_API_KEY)
}

/// Sends the request target exactly as given (no URL library in between) and returns the
/// status.
fn send_raw(addr: SocketAddr, method: &str, target: &str, authorization: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
         Accept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

/// Requests whose paths and queries hold escapes, as a client that escapes more than it must
/// sends them.
const PHP_CLIENT_REQUESTS: [(&str, &str, &[u16]); 6] = [
    ("GET", "/v2/accounts?identifier=no%20such%20account", &[200]),
    ("GET", "/v2/accounts?identifier=a%2Bb", &[200]),
    ("GET", "/v2/dns/b%C3%BCcher.be/records", &[200, 404]),
    (
        "DELETE",
        "/v2/linuxhostings/example.com/ssh/keys/00%3A11%3A22%3A33%3A44%3A55%3A66%3A77%3A88%3A99%3Aaa%3Abb%3Acc%3Add%3Aee%3Aff",
        &[404],
    ),
    ("GET", "/v2/mysqldatabases/ID1001_shop", &[200]),
    ("GET", "/v2/accounts?skip=0&take=10", &[200]),
];

#[test]
fn requests_signed_like_the_php_client_are_accepted() {
    for reading in ["official", "either"] {
        let sim = Sim::start_with(&["--signing", reading]);
        for (i, (method, target, wanted)) in PHP_CLIENT_REQUESTS.iter().enumerate() {
            let auth = php_client_authorization(method, target, &format!("php{i}"));
            let status = send_raw(sim.addr(), method, target, &auth);
            assert!(
                wanted.contains(&status),
                "--signing {reading}: {method} {target} answered {status}, wanted {wanted:?}"
            );
        }
        assert_eq!(refused(&sim), 0, "--signing {reading}");
    }
    // A server of the spec's reading refuses them where the readings differ, and only there.
    let sim = Sim::start_with(&["--signing", "spec"]);
    for (i, (method, target, wanted)) in PHP_CLIENT_REQUESTS.iter().enumerate() {
        let auth = php_client_authorization(method, target, &format!("spec{i}"));
        let status = send_raw(sim.addr(), method, target, &auth);
        let plain = target.to_ascii_lowercase() == *target && !target.contains('%');
        if plain {
            assert!(wanted.contains(&status), "{method} {target}: {status}");
        } else {
            assert_eq!(status, 401, "--signing spec: {method} {target}");
        }
    }
}
