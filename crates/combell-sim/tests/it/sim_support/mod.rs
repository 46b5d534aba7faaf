//! What the simulator's area tests share: an in-process simulator per test and signed HTTP
//! calls to it (with the client's signer; `tests/sim_api.rs` keeps a signer of its own to check
//! the simulator's verification independently).

// Each test crate uses a different subset.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use combell_api::signing;
use combell_sim::{self as sim, RunningSim, SimConfig};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Api {
    pub sim: RunningSim,
    pub http: reqwest::Client,
}

/// One answer, its body both as bytes (downloads) and as text (everything else).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
    pub body: String,
}

impl Answer {
    /// Reads a whole answer off the wire.
    pub async fn read(response: reqwest::Response) -> reqwest::Result<Answer> {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?.to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Answer {
            status,
            headers,
            bytes,
            body,
        })
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// A header the answer must carry.
    #[track_caller]
    pub fn present(&self, name: &str) -> &str {
        self.header(name)
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    #[track_caller]
    pub fn number(&self, name: &str) -> u64 {
        self.present(name).parse().unwrap()
    }

    /// The Combell error codes of an error answer, whichever of its shapes it has.
    pub fn codes(&self) -> Vec<String> {
        let body = self.json();
        match body.get("validation_errors") {
            Some(list) => list
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["error_code"].as_str().unwrap().to_string())
                .collect(),
            None => vec![body["error_code"].as_str().unwrap().to_string()],
        }
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        self
    }

    /// A 201, 202 or 204 carries no body at all.
    #[track_caller]
    pub fn empty(&self, status: u16) -> &Self {
        self.expect(status);
        assert_eq!(self.body, "");
        self
    }

    #[track_caller]
    pub fn refused(&self, status: u16, codes: &[&str]) {
        self.expect(status);
        assert_eq!(self.codes(), codes, "{}", self.body);
    }
}

/// The HTTP client of the tests: Combell's 303s (SSL certificate requests) are answers to
/// check, not to follow.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Api {
    pub async fn start() -> Api {
        Api::start_with(SimConfig::for_tests()).await
    }

    pub async fn start_with(config: SimConfig) -> Api {
        Api {
            sim: sim::start(config).await.unwrap(),
            http: client(),
        }
    }

    /// A signed request with a fresh nonce; `body` as sent (empty for none).
    pub async fn send(&self, method: &str, pq: &str, body: &[u8]) -> Answer {
        let config = self.sim.config();
        let auth = signing::sign(
            &config.api_key,
            &config.api_secret,
            method,
            pq,
            body,
            chrono::Utc::now().timestamp(),
            &signing::new_nonce(),
        );
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{pq}", self.sim.root_url()),
            )
            .header("authorization", auth);
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        Answer::read(request.send().await.unwrap()).await.unwrap()
    }

    pub async fn get(&self, pq: &str) -> Answer {
        self.send("GET", pq, &[]).await
    }

    pub async fn delete(&self, pq: &str) -> Answer {
        self.send("DELETE", pq, &[]).await
    }

    pub async fn post(&self, pq: &str, body: Value) -> Answer {
        self.send("POST", pq, body.to_string().as_bytes()).await
    }

    pub async fn put(&self, pq: &str, body: Value) -> Answer {
        self.send("PUT", pq, body.to_string().as_bytes()).await
    }

    /// Polls a job until it is no longer `ongoing` (at most 20 s); returns its last answer.
    pub async fn finish_job(&self, location: &str) -> Answer {
        let started = Instant::now();
        loop {
            let answer = self.get(location).await;
            let ongoing = answer.status == 200 && answer.json()["status"] == "ongoing";
            if !ongoing || started.elapsed() > Duration::from_secs(20) {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// An object's keys, sorted: for checking a body has exactly the spec's fields.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// Starts the `combell-sim` binary with `args` and reads its first line, which must be
/// `combell-sim listening on http://ADDR/v2`; returns the child, `ADDR` and the lines after it.
pub fn spawn_binary(args: &[&str]) -> (Child, String, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_combell-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("combell-sim listening on http://")
        .and_then(|rest| rest.strip_suffix("/v2"))
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    (child, addr, lines)
}
