//! The simulator under stress and on demand failure: fault rules (flags and `/_sim/faults`),
//! job fail/cancel, stats by status, oversized and malformed input, huge `take`, odd names,
//! concurrent writers, and a state file that survives `kill -9`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use combell_api::signing::sign;
use combell_sim::{self as sim, FaultRule, RunningSim, SimConfig};
use reqwest::Method;
use serde_json::{json, Value};

use crate::sim_support::{client, spawn_binary, Answer};

struct Api {
    sim: RunningSim,
    http: reqwest::Client,
}

impl Api {
    async fn start(config: SimConfig) -> Api {
        Api {
            sim: sim::start(config).await.unwrap(),
            http: client(),
        }
    }

    async fn with_faults(specs: &[&str]) -> Api {
        Api::start(SimConfig {
            faults: specs.iter().map(|s| FaultRule::parse(s).unwrap()).collect(),
            fault_seed: Some(7),
            ..SimConfig::for_tests()
        })
        .await
    }

    async fn send(&self, method: &str, pq: &str, body: &[u8]) -> reqwest::Result<Answer> {
        let config = self.sim.config();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let auth = sign(
            &config.api_key,
            &config.api_secret,
            method,
            &pq.to_lowercase(),
            body,
            chrono::Utc::now().timestamp(),
            &nonce,
        );
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{pq}", self.sim.root_url()),
            )
            .header("authorization", auth)
            .body(body.to_vec());
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        Answer::read(request.send().await?).await
    }

    async fn call(&self, method: &str, pq: &str, body: Option<Value>) -> Answer {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send(method, pq, &bytes).await.unwrap()
    }

    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.http.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.sim.root_url()),
        );
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::read(request.send().await.unwrap()).await.unwrap()
    }

    fn record_count(&self, domain: &str) -> usize {
        self.sim.snapshot().zones[domain].records.len()
    }
}

fn txt(name: &str) -> Value {
    json!({"type": "TXT", "record_name": name, "content": "v=test"})
}

#[tokio::test]
async fn server_errors_from_a_flag_hit_only_their_route_and_method() {
    let api = Api::with_faults(&["kind=503,method=GET,path=/v2/servicepacks,count=2"]).await;
    for _ in 0..2 {
        let answer = api.call("GET", "/v2/servicepacks", None).await;
        assert_eq!(answer.status, 503);
        assert_eq!(answer.json()["error_code"], "service_unavailable");
    }
    assert_eq!(api.call("GET", "/v2/servicepacks", None).await.status, 200);
    assert_eq!(api.call("GET", "/v2/accounts", None).await.status, 200);
    let stats = api.sim.stats();
    assert_eq!(stats["total"], 4);
    assert_eq!(stats["by_status"]["503"], 2);
    assert_eq!(stats["by_status"]["200"], 2);
    assert_eq!(stats["faults"]["503"], 2);
    // The rule ran out and is gone.
    let rules = api.admin("GET", "/_sim/faults", None).await;
    assert_eq!(rules.json(), json!([]));
}

#[tokio::test]
async fn a_rate_of_faults_is_repeatable_with_a_seed() {
    async fn run() -> Vec<u16> {
        let api = Api::with_faults(&["kind=500,rate=0.5"]).await;
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(
                api.call("GET", "/v2/servicepacks", None)
                    .await
                    .status
                    .as_u16(),
            );
        }
        statuses
    }
    let first = run().await;
    assert_eq!(first, run().await);
    let failed = first.iter().filter(|s| **s == 500).count();
    assert!((5..=25).contains(&failed), "{first:?}");
}

#[tokio::test]
async fn admin_endpoint_adds_lists_and_removes_rules() {
    let api = Api::start(SimConfig::for_tests()).await;
    let added = api
        .admin(
            "POST",
            "/_sim/faults",
            Some(json!({"kind": "429", "count": 3, "retry_after": 9, "path": "/v2/accounts"})),
        )
        .await;
    assert_eq!(added.status, 201);
    let id = added.json()["id"].as_u64().unwrap();
    let listed = api.admin("GET", "/_sim/faults", None).await.json();
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["kind"], "429");
    assert_eq!(listed[0]["count"], 3);

    let limited = api.call("GET", "/v2/accounts", None).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.present("retry-after"), "9");
    assert_eq!(limited.present("x-ratelimit-reset"), "9");
    assert_eq!(limited.present("x-ratelimit-remaining"), "0");
    assert_eq!(limited.json()["error_code"], "too_many_requests");

    let bad = api
        .admin("POST", "/_sim/faults", Some(json!({"kind": "418"})))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error_code"], "fault_invalid");
    let not_json = api
        .http
        .post(format!("{}/_sim/faults", api.sim.root_url()))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);

    let path = format!("/_sim/faults/{id}");
    assert_eq!(api.admin("DELETE", &path, None).await.status, 204);
    assert_eq!(api.admin("DELETE", &path, None).await.status, 404);
    assert_eq!(api.call("GET", "/v2/accounts", None).await.status, 200);

    api.admin("POST", "/_sim/faults", Some(json!({"kind": "500"})))
        .await;
    assert_eq!(api.call("GET", "/v2/accounts", None).await.status, 500);
    assert_eq!(api.admin("DELETE", "/_sim/faults", None).await.status, 204);
    assert_eq!(api.call("GET", "/v2/accounts", None).await.status, 200);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let api = Api::with_faults(&["kind=latency,delay=800ms,path=/v2/servicepacks"]).await;
    let started = Instant::now();
    assert_eq!(api.call("GET", "/v2/servicepacks", None).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(800));
    let started = Instant::now();
    assert_eq!(api.call("GET", "/v2/accounts", None).await.status, 200);
    assert!(started.elapsed() < Duration::from_millis(800));
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_is_counted() {
    let api = Api::with_faults(&["kind=drop,count=1"]).await;
    let dropped = api.send("GET", "/v2/servicepacks", b"").await;
    assert!(
        dropped.is_err(),
        "an answer came: {}",
        dropped.unwrap().status
    );
    assert_eq!(api.call("GET", "/v2/servicepacks", None).await.status, 200);
    assert_eq!(api.sim.stats()["by_status"]["dropped"], 1);
}

#[tokio::test]
async fn commit_then_fail_creates_the_record_but_answers_an_error() {
    let api = Api::with_faults(&["kind=commit_then_fail,status=502,method=POST,count=1"]).await;
    let before = api.record_count("example.com");
    let answer = api
        .call("POST", "/v2/dns/example.com/records", Some(txt("dup")))
        .await;
    assert_eq!(answer.status, 502);
    assert!(answer.headers.get("location").is_none());
    assert_eq!(api.record_count("example.com"), before + 1);
    // A naive retry makes a duplicate, which is the point of the fault.
    let retry = api
        .call("POST", "/v2/dns/example.com/records", Some(txt("dup")))
        .await;
    assert_eq!(retry.status, 201);
    assert_eq!(api.record_count("example.com"), before + 2);
}

#[tokio::test]
async fn commit_then_drop_creates_the_record_but_never_answers() {
    let api = Api::with_faults(&["kind=commit_then_drop,method=POST,count=1"]).await;
    let before = api.record_count("example.com");
    let body = serde_json::to_vec(&txt("lost")).unwrap();
    let dropped = api.send("POST", "/v2/dns/example.com/records", &body).await;
    assert!(
        dropped.is_err(),
        "an answer came: {}",
        dropped.unwrap().status
    );
    assert_eq!(api.record_count("example.com"), before + 1);
    assert_eq!(api.sim.stats()["by_status"]["dropped"], 1);
}

async fn create_account(api: &Api, identifier: &str) -> String {
    let created = api
        .call(
            "POST",
            "/v2/accounts",
            Some(json!({"identifier": identifier, "servicepack_id": 11})),
        )
        .await;
    assert_eq!(created.status, 202, "{}", created.body);
    created.present("location").to_string()
}

#[tokio::test]
async fn jobs_can_hang_fail_or_be_cancelled() {
    let api = Api::with_faults(&["kind=hang_job,method=POST,path=/v2/accounts,count=1"]).await;
    let hung = create_account(&api, "hung.example.org").await;
    let to_fail = create_account(&api, "failing.example.org").await;
    let to_cancel = create_account(&api, "cancelled.example.org").await;
    let id = |location: &str| location.rsplit('/').next().unwrap().to_string();
    let failed = api
        .admin("POST", &format!("/_sim/jobs/{}/fail", id(&to_fail)), None)
        .await;
    assert_eq!(failed.status, 200);
    assert_eq!(failed.json()["status"], "failed");
    let cancelled = api
        .admin(
            "POST",
            &format!("/_sim/jobs/{}/cancel", id(&to_cancel)),
            None,
        )
        .await;
    assert_eq!(cancelled.json()["status"], "cancelled");
    let again = api
        .admin("POST", &format!("/_sim/jobs/{}/fail", id(&to_cancel)), None)
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        api.admin("POST", "/_sim/jobs/nope/cancel", None)
            .await
            .status,
        404
    );

    tokio::time::sleep(Duration::from_millis(300)).await;
    for (location, status) in [
        (&hung, "ongoing"),
        (&to_fail, "failed"),
        (&to_cancel, "cancelled"),
    ] {
        let answer = api.call("GET", location, None).await;
        assert_eq!(answer.status, 200, "{location}");
        assert_eq!(answer.json()["status"], status);
    }
    let identifiers: Vec<String> = api
        .sim
        .snapshot()
        .accounts
        .iter()
        .map(|a| a.identifier.clone())
        .collect();
    assert!(!identifiers
        .iter()
        .any(|i| i != "example.com" && i != "example.net"));
}

#[tokio::test]
async fn oversized_bodies_get_413_in_combell_shape() {
    let api = Api::start(SimConfig::for_tests()).await;
    let big = vec![b' '; 2 * 1024 * 1024];
    let answer = api
        .send("POST", "/v2/dns/example.com/records", &big)
        .await
        .unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error_code"], "request_body_too_large");
    assert_eq!(api.sim.stats()["by_status"]["413"], 1);
    assert_eq!(api.call("GET", "/v2/servicepacks", None).await.status, 200);
}

#[tokio::test]
async fn malformed_json_is_a_400_and_changes_nothing() {
    let api = Api::start(SimConfig::for_tests()).await;
    let before = api.sim.snapshot();
    for body in [&b"{"[..], b"{\"type\":\"A\",}", b"\x00\x01", b"[1,2"] {
        let answer = api
            .send("POST", "/v2/dns/example.com/records", body)
            .await
            .unwrap();
        assert_eq!(answer.status, 400);
        assert!(answer.json()["validation_errors"].is_array());
    }
    assert_eq!(api.sim.snapshot(), before);
}

#[tokio::test]
async fn a_huge_take_is_capped_and_the_headers_tell_the_truth() {
    let api = Api::start(SimConfig::for_tests()).await;
    for n in 0..1_010 {
        let answer = api
            .call(
                "POST",
                "/v2/dns/example.net/records",
                Some(txt(&format!("bulk{n}"))),
            )
            .await;
        assert_eq!(answer.status, 201);
    }
    let total = api.record_count("example.net");
    let page = api
        .call("GET", "/v2/dns/example.net/records?take=2147483647", None)
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.json().as_array().unwrap().len(), 1000);
    assert_eq!(page.present("x-paging-take"), "1000");
    assert_eq!(page.present("x-paging-totalresults"), total.to_string());
    let rest = api
        .call(
            "GET",
            "/v2/dns/example.net/records?skip=1000&take=1000",
            None,
        )
        .await;
    assert_eq!(rest.json().as_array().unwrap().len(), total - 1000);
    assert_eq!(rest.present("x-paging-take"), (total - 1000).to_string());
}

#[tokio::test]
async fn unicode_and_percent_encoded_names_never_crash() {
    let api = Api::start(SimConfig::for_tests()).await;
    for path in [
        "/v2/dns/%C3%A9xample.com/records",
        "/v2/dns/xn--xample-9ua.com/records",
        "/v2/dns/example.com%2F..%2Fetc/records",
        "/v2/dns/%E2%80%AE/records",
        "/v2/accounts/%F0%9F%98%80",
        "/v2/dns/example.com/records/%2e%2e",
        "/v2/provisioningjobs/%00%01",
        "/v2/dns/example.com/records?record_name=%E2%9C%93&type=TXT",
    ] {
        let answer = api.call("GET", path, None).await;
        assert!(
            answer.status == 200 || answer.status.is_client_error(),
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        assert!(answer.body.is_empty() || serde_json::from_str::<Value>(&answer.body).is_ok());
    }
    let created = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "TXT", "record_name": "ünï", "content": "ça va ✓"})),
        )
        .await;
    assert!(
        created.status == 201 || created.status == 400,
        "{}",
        created.body
    );
    assert_eq!(api.call("GET", "/v2/servicepacks", None).await.status, 200);
}

#[tokio::test]
async fn concurrent_writers_keep_the_state_and_file_coherent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let api = Arc::new(
        Api::start(SimConfig {
            state_file: Some(path.clone()),
            ..SimConfig::for_tests()
        })
        .await,
    );
    let before = api.record_count("example.com");
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..10 {
                let name = format!("w{worker}n{n}");
                let created = api
                    .call("POST", "/v2/dns/example.com/records", Some(txt(&name)))
                    .await;
                assert_eq!(created.status, 201);
                let location = created.present("location").to_string();
                if n % 2 == 0 {
                    assert_eq!(api.call("DELETE", &location, None).await.status, 204);
                } else {
                    ids.push(location);
                }
            }
            ids
        }));
    }
    let mut kept = Vec::new();
    for task in tasks {
        kept.extend(task.await.unwrap());
    }
    assert_eq!(api.record_count("example.com"), before + 40);
    let on_disk = combell_sim::state::SimState::load(&path).unwrap().unwrap();
    assert_eq!(on_disk, api.sim.snapshot());
    // Only the state file is left: no temporary file survives a save.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn reset_restores_the_seed_and_keeps_the_faults() {
    let api = Api::with_faults(&["kind=latency,delay=1ms"]).await;
    api.call("POST", "/v2/dns/example.com/records", Some(txt("gone")))
        .await;
    assert_eq!(api.admin("POST", "/_sim/reset", None).await.status, 204);
    assert_eq!(api.sim.snapshot(), combell_sim::state::SimState::seed());
    assert_eq!(api.sim.stats()["total"], 0);
    assert_eq!(
        api.admin("GET", "/_sim/faults", None).await.json()[0]["kind"],
        "latency"
    );
}

fn spawn_sim(state: &std::path::Path) -> (std::process::Child, String) {
    spawn_sim_with(&["--state", &state.display().to_string()])
}

fn spawn_sim_with(args: &[&str]) -> (std::process::Child, String) {
    let (child, addr, lines) =
        spawn_binary(&[&["--rate-limit", "off", "--job-duration", "50ms"], args].concat());
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Sends a signed POST over a raw socket and returns the status line; errors are expected
/// once the simulator is killed.
fn raw_post(addr: &str, path: &str, body: &str) -> std::io::Result<String> {
    raw_request(addr, "POST", path, body).map(|a| a.lines().next().unwrap_or_default().to_string())
}

fn raw_request(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let auth = sign(
        sim::DEFAULT_API_KEY,
        sim::DEFAULT_API_SECRET,
        method,
        path,
        body.as_bytes(),
        chrono::Utc::now().timestamp(),
        &nonce,
    );
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

#[test]
fn fault_flags_reach_the_binary() {
    let (mut child, addr) = spawn_sim_with(&[
        "--fault",
        "kind=503,path=/v2/servicepacks,count=1",
        "--fault",
        "kind=drop,path=/v2/accounts,count=1",
        "--fault-seed",
        "5",
    ]);
    let first = raw_request(&addr, "GET", "/v2/servicepacks", "").unwrap();
    assert!(first.starts_with("HTTP/1.1 503"), "{first}");
    let second = raw_request(&addr, "GET", "/v2/servicepacks", "").unwrap();
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    let dropped = raw_request(&addr, "GET", "/v2/accounts", "");
    assert!(
        dropped.as_ref().map_or(true, |a| a.is_empty()),
        "{dropped:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `--state` promises that an answered change is on disk (the file is rewritten, flushed and
/// renamed into place before the answer goes out). Rounds of: start from the file, four
/// threads creating records as fast as they can, SIGKILL at a random moment; then the file
/// must parse, hold every record whose creation was answered 201 in any round, and a new
/// simulator must start from it and serve those records.
#[test]
fn kill_9_never_leaves_a_half_written_state_file() {
    use std::sync::Mutex;

    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let seeded = combell_sim::state::SimState::seed().zones["example.com"]
        .records
        .len();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let names_in = |loaded: &combell_sim::state::SimState| -> std::collections::HashSet<String> {
        serde_json::to_value(&loaded.zones["example.com"].records)
            .unwrap()
            .as_array()
            .map(|records| {
                records
                    .iter()
                    .filter_map(|r| r["record_name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for round in 0..6u64 {
        let (mut child, addr) = spawn_sim(&state);
        // Whatever the previous kill left half-written was cleared away on start.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["state.json"], "round {round}");
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let addr = addr.clone();
                let acknowledged = acknowledged.clone();
                std::thread::spawn(move || {
                    for n in 0.. {
                        let name = format!("r{round}w{w}n{n}");
                        let body = format!(
                            r#"{{"type":"TXT","record_name":"{name}","content":"{}"}}"#,
                            "x".repeat(200)
                        );
                        match raw_post(&addr, "/v2/dns/example.com/records", &body) {
                            Ok(status) if status.starts_with("HTTP/1.1 201") => {
                                acknowledged.lock().unwrap().push(name)
                            }
                            Ok(status) if status.is_empty() => break,
                            Ok(status) => panic!("{name}: {status}"),
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rand::random_range(150..900)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for w in writers {
            w.join().unwrap();
        }
        let loaded = combell_sim::state::SimState::load(&state)
            .unwrap_or_else(|e| panic!("round {round}: {e}"))
            .expect("the state file exists");
        let on_disk = names_in(&loaded);
        let acknowledged = acknowledged.lock().unwrap();
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|n| !on_disk.contains(*n))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} of {} answered creations are not in the file: {:?}",
            lost.len(),
            acknowledged.len(),
            &lost[..lost.len().min(10)]
        );
    }
    let acknowledged = acknowledged.lock().unwrap().len();
    assert!(acknowledged > 0, "no write was answered");
    eprintln!("{acknowledged} answered creations survived 6 kills");

    // A last simulator starts from the file and serves what it holds.
    let (mut child, addr) = spawn_sim(&state);
    let answer = raw_request(&addr, "GET", "/v2/dns/example.com/records?take=10", "").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:.300}");
    let total: usize = answer
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("x-paging-totalresults")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no X-Paging-TotalResults: {answer:.300}"));
    assert!(
        total >= seeded + acknowledged,
        "{total} records served, {seeded} seeded + {acknowledged} acknowledged"
    );
}
