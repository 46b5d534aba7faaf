//! Requests per second the simulator serves on loopback for the heaviest common read:
//! `GET /v2/dns/{domain}/records?take=1000` over a zone of 1,000 records, each request signed
//! afresh by the project's client signer (as the provider does), over kept-alive connections.
//! Run with `cargo bench --bench sim_throughput` (a release build); a measurement, not a test.
//! `SIM_BENCH_SECS` (default 5) and `SIM_BENCH_CONNECTIONS` (default 4) change the run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use combell_api::signing::sign;
use combell_sim::{self as sim, SimConfig};

const RECORDS: usize = 1_000;
const DOMAIN: &str = "example.net";

fn authorization(config: &SimConfig, method: &str, pq: &str, body: &[u8]) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    sign(
        &config.api_key,
        &config.api_secret,
        method,
        pq,
        body,
        chrono::Utc::now().timestamp(),
        &nonce,
    )
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let secs = env_number("SIM_BENCH_SECS", 5);
    let connections = env_number("SIM_BENCH_CONNECTIONS", 4);
    let running = sim::start(SimConfig {
        rate_limit: None,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts");
    let config = running.config().clone();
    let http = reqwest::Client::new();

    let path = format!("/v2/dns/{DOMAIN}/records");
    let existing = running.snapshot().zones[DOMAIN].records.len();
    for n in existing..RECORDS {
        let body = format!(r#"{{"type":"TXT","record_name":"bench{n}","content":"v=bench {n}"}}"#);
        let answer = http
            .post(format!("{}{path}", running.root_url()))
            .header(
                "authorization",
                authorization(&config, "POST", &path, body.as_bytes()),
            )
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("create a record");
        assert_eq!(answer.status(), 201, "creating record {n}");
    }
    let list = format!("{path}?take=1000");
    let check = http
        .get(format!("{}{list}", running.root_url()))
        .header("authorization", authorization(&config, "GET", &list, b""))
        .send()
        .await
        .expect("list");
    let page_bytes = check.bytes().await.expect("body").len();
    println!(
        "zone {DOMAIN}: {} records; one page of take=1000 is {page_bytes} bytes",
        running.snapshot().zones[DOMAIN].records.len()
    );

    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        let http = http.clone();
        let config = config.clone();
        let url = format!("{}{list}", running.root_url());
        let list = list.clone();
        let done = done.clone();
        let failed = failed.clone();
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let answer = http
                    .get(&url)
                    .header("authorization", authorization(&config, "GET", &list, b""))
                    .send()
                    .await;
                let ok = match answer {
                    Ok(a) if a.status() == 200 => a.bytes().await.is_ok(),
                    _ => false,
                };
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done = done.load(Ordering::Relaxed);
    println!(
        "GET {list} on loopback, {connections} connections, {elapsed:.1} s: {done} answers, {} failed, {:.0} req/s",
        failed.load(Ordering::Relaxed),
        done as f64 / elapsed
    );
    running.shutdown().await;
}
