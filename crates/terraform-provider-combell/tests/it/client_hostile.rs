//! Hostile API answers: a tiny raw HTTP server (not the simulator) answers every request with
//! one canned misbehaviour: truncated or mistyped JSON, huge bodies, odd status codes, redirect
//! loops, HTML error pages, bodies that drip in, garbage that is not HTTP. Through the client,
//! and a few through the provider with a real Terraform, each must become a clear error: no
//! panic, no hang, no unbounded memory.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::common::Tf;
use combell_api::transport::MAX_BODY_BYTES;
use combell_api::{
    CancellationToken, Client, ClientConfig, DnsRecord, Error, JobPollConfig, RetryPolicy, Secret,
};

/// One misbehaviour, repeated for every request.
#[derive(Clone)]
enum Reply {
    /// Status line, headers and body exactly as given, then the connection is closed.
    Raw(String),
    /// `200` with a JSON-looking body of this many bytes, announced or chunked.
    Huge { bytes: usize, chunked: bool },
    /// `200` announcing 1000 bytes of JSON that come one every 100 ms.
    Drip,
}

fn raw(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    if !headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("content-length"))
    {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("Connection: close\r\n\r\n");
    text.push_str(body);
    Reply::Raw(text)
}

struct Server {
    endpoint: String,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Server {
    fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (requests.clone(), stop.clone());
        thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let reply = reply.clone();
                        let count = count.clone();
                        thread::spawn(move || answer(stream, &reply, &count));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            endpoint: format!("http://{addr}/v2"),
            requests,
            stop,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn client(&self, request_timeout: Duration, attempts: u32) -> Client {
        Client::new(ClientConfig {
            endpoint: self.endpoint.clone(),
            api_key: "key".into(),
            api_secret: Secret::new("secret"),
            request_timeout,
            retry: RetryPolicy {
                max_attempts: attempts,
                base_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
                max_retry_after: Duration::from_millis(20),
            },
            job_poll: JobPollConfig::default(),
            ..ClientConfig::default()
        })
        .unwrap()
    }
}

/// Reads one request (head and announced body), then misbehaves; write errors end it quietly
/// (the client is allowed to hang up on us).
fn answer(stream: TcpStream, reply: &Reply, count: &AtomicUsize) {
    stream.set_nonblocking(false).ok();
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    count.fetch_add(1, Ordering::SeqCst);
    let mut out = stream;
    let _ = match reply {
        Reply::Raw(text) => out.write_all(text.as_bytes()),
        Reply::Huge { bytes, chunked } => huge(&mut out, *bytes, *chunked),
        Reply::Drip => drip(&mut out),
    };
}

fn huge(out: &mut TcpStream, bytes: usize, chunked: bool) -> std::io::Result<()> {
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {bytes}")
    };
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    )?;
    let block = vec![b' '; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len());
        if chunked {
            write!(out, "{n:x}\r\n")?;
        }
        out.write_all(&block[..n])?;
        if chunked {
            out.write_all(b"\r\n")?;
        }
        left -= n;
    }
    if chunked {
        out.write_all(b"0\r\n\r\n")?;
    }
    Ok(())
}

fn drip(out: &mut TcpStream) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[",
    )?;
    for _ in 0..999 {
        thread::sleep(Duration::from_millis(100));
        out.write_all(b" ")?;
    }
    Ok(())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Which client call meets the misbehaviour.
#[derive(Clone, Copy, Debug)]
enum Call {
    /// `GET /servicepacks`: a bare JSON list.
    List,
    /// `GET /dns/example.com/records`: paged.
    Paged,
    /// `GET /accounts/1`: one object.
    Get,
    /// `POST /dns/example.com/records`: the new id comes from `Location`.
    Create,
}

fn call(client: &Client, call: Call) -> Result<String, Error> {
    let cancel = CancellationToken::new();
    block_on(async {
        match call {
            Call::List => client
                .list_servicepacks(&cancel)
                .await
                .map(|v| format!("{v:?}")),
            Call::Paged => client
                .list_dns_records("example.com", &Default::default(), &cancel)
                .await
                .map(|v| format!("{v:?}")),
            Call::Get => client
                .get_account(1, &cancel)
                .await
                .map(|v| format!("{v:?}")),
            Call::Create => {
                let record = DnsRecord {
                    record_type: Some("A".into()),
                    record_name: Some("www".into()),
                    content: Some("192.0.2.1".into()),
                    ..Default::default()
                };
                client
                    .create_dns_record("example.com", &record, &cancel)
                    .await
            }
        }
    })
}

const HTML_500: &str = "<!DOCTYPE html><html><head><title>500 Internal Server Error</title>\
    </head><body><h1>Internal Server Error</h1><p>The server encountered an internal error and \
    was unable to complete your request.</p></body></html>";

/// `(what, reply, call, text every error must contain)`. One row per misbehaviour.
#[rustfmt::skip]
fn table() -> Vec<(&'static str, Reply, Call, &'static str)> {
    let json = "Content-Type: application/json";
    vec![
        ("truncated JSON list", raw("200 OK", &[json], r#"[{"id": 12, "na"#), Call::List, "could not decode the answer as a list of Servicepack"),
        ("truncated JSON object", raw("200 OK", &[json], r#"{"id": 1, "identifier": "exa"#), Call::Get, "could not decode"),
        ("body shorter than announced", raw("200 OK", &[json, "Content-Length: 500"], r#"[{"id":1}"#), Call::List, "network error"),
        ("wrong type in a list", raw("200 OK", &[json], r#"[{"id": "twelve", "name": 5}]"#), Call::List, "[0]"),
        ("object where a list belongs", raw("200 OK", &[json], r#"{"id": 1}"#), Call::List, "could not decode"),
        ("list where an object belongs", raw("200 OK", &[json], "[1,2,3]"), Call::Get, "could not decode"),
        ("null body", raw("200 OK", &[json], "null"), Call::Get, "could not decode"),
        ("binary garbage", raw("200 OK", &[json], "\u{0}\u{1}\u{fffd}\u{7f}"), Call::List, "could not decode"),
        ("deeply nested JSON", raw("200 OK", &[json], &"[".repeat(100_000)), Call::List, "could not decode"),
        ("paged list with lying headers", raw("200 OK", &[json, "X-Paging-TotalResults: -1", "X-Paging-Take: lots"], r#"[{"id":"x","type":7}]"#), Call::Paged, "could not decode"),
        ("418", raw("418 I'm a teapot", &["Content-Type: text/plain"], "short and stout"), Call::List, "HTTP 418"),
        ("HTML 500 page", raw("500 Internal Server Error", &["Content-Type: text/html"], HTML_500), Call::Get, "HTTP 500"),
        ("HTML 502 page, retried", raw("502 Bad Gateway", &["Content-Type: text/html"], "<html><body>bad gateway</body></html>"), Call::List, "HTTP 502"),
        ("302 to itself", raw("302 Found", &["Location: /v2/servicepacks"], ""), Call::List, "redirect to /v2/servicepacks"),
        ("301 elsewhere", raw("301 Moved Permanently", &["Location: https://example.net/"], "moved"), Call::Get, "redirect to https://example.net/"),
        ("204 where JSON belongs", raw("204 No Content", &[], ""), Call::Get, "empty body"),
        ("200 without a body", raw("200 OK", &[json], ""), Call::List, "empty body"),
        ("201 without Location", raw("201 Created", &[], ""), Call::Create, "no Location header"),
        ("201 with a garbage Location", raw("201 Created", &["Location: ::::"], ""), Call::Create, "unexpected answer"),
        ("status 999", raw("999 Whatever", &[json], "{}"), Call::List, ""),
        ("not HTTP at all", Reply::Raw("SSH-2.0-OpenSSH_9.6\r\n\r\n".into()), Call::List, "network error"),
        ("empty answer", Reply::Raw(String::new()), Call::Get, "network error"),
        ("50 MB announced", Reply::Huge { bytes: 50 << 20, chunked: false }, Call::List, "larger than 32 MiB"),
        ("50 MB chunked", Reply::Huge { bytes: 50 << 20, chunked: true }, Call::List, "larger than 32 MiB"),
        ("slow drip", Reply::Drip, Call::List, "no answer within"),
    ]
}

/// The process's peak resident memory, from /proc.
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

#[test]
fn hostile_answers_become_clear_errors_through_the_client() {
    let mut failures = Vec::new();
    for (what, reply, which, expected) in table() {
        let server = Server::start(reply);
        let client = server.client(Duration::from_secs(2), 2);
        let started = Instant::now();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&client, which)));
        let took = started.elapsed();
        let problem = match outcome {
            Err(_) => Some("the client panicked".to_string()),
            Ok(Ok(value)) => Some(format!("succeeded with {value}")),
            Ok(Err(err)) => {
                let text = err.to_string();
                (!text.contains(expected))
                    .then(|| format!("error {text:?} lacks {expected:?}"))
                    .or_else(|| {
                        (text.len() > 2000).then(|| format!("error of {} bytes", text.len()))
                    })
            }
        };
        if let Some(problem) = problem {
            failures.push(format!(
                "{what} ({which:?}, {} request(s)): {problem}",
                server.requests()
            ));
        }
        assert!(took < Duration::from_secs(15), "{what} took {took:?}");
    }
    assert!(failures.is_empty(), "\n  {}", failures.join("\n  "));
    // Two 50 MB answers were refused without being held: the cap plus the test's own buffers.
    let peak = peak_rss_bytes();
    assert!(
        peak < 3 * MAX_BODY_BYTES as u64 + (64 << 20),
        "peak memory {} MiB",
        peak >> 20
    );
}

#[test]
fn a_post_is_never_resent_after_a_broken_answer() {
    let server = Server::start(raw("200 OK", &["Content-Length: 100"], "{"));
    let client = server.client(Duration::from_secs(2), 5);
    let err = call(&client, Call::Create).unwrap_err();
    assert!(err.to_string().contains("network error"), "{err}");
    assert_eq!(server.requests(), 1, "the create was sent again");
}

#[test]
fn a_too_large_answer_does_not_show_a_secret_query_value() {
    let server = Server::start(Reply::Huge {
        bytes: 50 << 20,
        chunked: false,
    });
    let client = server.client(Duration::from_secs(5), 1);
    let cancel = CancellationToken::new();
    let err = block_on(client.download_certificate(
        "0123456789abcdef0123456789abcdef01234567",
        "pfx",
        &Secret::new("hunter22-secret"),
        &cancel,
    ))
    .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { .. }),
        "the too-large branch: {err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("larger than 32 MiB"), "{shown}");
    assert!(
        shown.contains("password="),
        "names the masked query: {shown}"
    );
    assert!(!shown.contains("hunter22"), "the password leaked: {shown}");
}

fn provider_config(endpoint: &str) -> String {
    let settings = format!("  endpoint = \"{endpoint}\"\n  api_key  = \"key\"");
    format!(
        "{}\ndata \"combell_servicepacks\" \"all\" {{}}\n",
        common::with_provider(&settings)
    )
}

#[test]
fn hostile_answers_become_diagnostics_in_terraform() {
    let rows = [
        (
            raw(
                "200 OK",
                &["Content-Type: application/json"],
                r#"[{"id": 12, "na"#,
            ),
            "could not decode",
        ),
        (
            raw(
                "500 Internal Server Error",
                &["Content-Type: text/html"],
                HTML_500,
            ),
            "HTTP 500",
        ),
        (
            raw("302 Found", &["Location: /v2/servicepacks"], ""),
            "redirect to /v2/servicepacks",
        ),
        (
            Reply::Huge {
                bytes: 50 << 20,
                chunked: true,
            },
            "larger than 32 MiB",
        ),
    ];
    for (reply, expected) in rows {
        let server = Server::start(reply);
        let mut tf = Tf::standalone();
        tf.set_env("COMBELL_API_SECRET", "secret");
        tf.write_config(&provider_config(&server.endpoint));
        let out = tf.plan_fails();
        let text = out.text();
        // Terraform wraps long details; compare with single spaces.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(expected), "expected {expected:?}:\n{out}");
        assert!(
            text.contains("combell_servicepacks"),
            "names the data source:\n{out}"
        );
        for crash in ["panicked", "plugin crashed", "Plugin did not respond"] {
            assert!(!text.contains(crash), "{crash}:\n{out}");
        }
    }
}
