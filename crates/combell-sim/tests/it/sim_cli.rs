//! The `combell-sim` binary's contract with the scripts and harnesses that start it: the exact
//! first stdout line, the flags, and a clean exit on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use crate::sim_support::spawn_binary;

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn first_line_flags_and_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, url, mut lines) = spawn_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--api-key",
        "k1",
        "--api-secret",
        "s3cr3t-value",
        "--job-duration",
        "250ms",
        "--rate-limit",
        "off",
        "--state",
        &state.display().to_string(),
    ]);
    let url = url.as_str();
    let (host, port) = url.split_once(':').unwrap();
    assert_eq!(host, "127.0.0.1");
    assert!(port.parse::<u16>().unwrap() > 0);

    let mut rest = String::new();
    for _ in 0..4 {
        rest.push_str(&lines.next().unwrap().unwrap());
        rest.push('\n');
    }
    assert!(rest.contains(&format!("export COMBELL_ENDPOINT=http://{url}/v2")));
    assert!(rest.contains("export COMBELL_API_KEY=k1"));
    assert!(!rest.contains("s3cr3t-value"), "the secret was printed");
    assert!(state.exists(), "the seed was not written to the state file");

    let stats = http_get(url, "/_sim/stats");
    assert!(stats.starts_with("HTTP/1.1 200"), "{stats}");
    assert!(stats.contains("\"total\":0"));
    let unsigned = http_get(url, "/v2/servicepacks");
    assert!(unsigned.starts_with("HTTP/1.1 401"), "{unsigned}");
    assert!(!unsigned.to_ascii_lowercase().contains("x-ratelimit"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn seed_estate_adds_its_accounts_to_the_seed() {
    let (mut child, _, lines) = spawn_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--rate-limit",
        "off",
        "--seed-estate",
        "2",
    ]);
    let seed = lines
        .map_while(Result::ok)
        .find(|l| l.starts_with("Seed: "))
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seed.contains("4 accounts")
            && seed.contains("2001 client01.example")
            && seed.contains("2002 client02.example"),
        "{seed}"
    );
}

#[test]
fn bad_flags_fail_with_a_message() {
    for args in [
        ["--rate-limit", "lots"],
        ["--job-duration", "2h"],
        ["--listen", "nowhere"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_combell-sim"))
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
