//! The simulator over real HTTP: an in-process instance on port 0 per test, requests signed by
//! a small signer written here from the spec (not the simulator's own code), so the two check
//! each other.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use combell_sim::{self as sim, RateLimit, RunningSim, SimConfig};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::sim_support::{client, Answer};

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn sign(
    key: &str,
    secret: &str,
    method: &str,
    pq: &str,
    body: &[u8],
    ts: i64,
    nonce: &str,
) -> String {
    let content = if body.is_empty() {
        String::new()
    } else {
        BASE64.encode(Md5::digest(body))
    };
    let message = format!(
        "{key}{}{}{ts}{nonce}{content}",
        method.to_lowercase(),
        urlencode(pq)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    let signature = BASE64.encode(mac.finalize().into_bytes());
    format!("hmac {key}:{signature}:{nonce}:{ts}")
}

struct Api {
    sim: RunningSim,
    http: reqwest::Client,
    key: String,
    secret: String,
}

impl Api {
    async fn start(config: SimConfig) -> Api {
        let key = config.api_key.clone();
        let secret = config.api_secret.clone();
        let sim = sim::start(config).await.unwrap();
        Api {
            sim,
            http: client(),
            key,
            secret,
        }
    }

    async fn default() -> Api {
        Api::start(SimConfig::default()).await
    }

    /// The Authorization header for a request, signed over `pq` as given.
    fn authorization(&self, method: &str, pq: &str, body: &[u8]) -> String {
        let ts = chrono::Utc::now().timestamp();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        sign(&self.key, &self.secret, method, pq, body, ts, &nonce)
    }

    async fn raw(&self, method: &str, pq: &str, body: &[u8], auth: Option<String>) -> Answer {
        let url = format!("{}{pq}", self.sim.root_url());
        let mut request = self
            .http
            .request(Method::from_bytes(method.as_bytes()).unwrap(), url)
            .body(body.to_vec());
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        Answer::read(request.send().await.unwrap()).await.unwrap()
    }

    /// A correctly signed request (signed over the lowercased path, as the spec says).
    async fn call(&self, method: &str, pq: &str, body: Option<Value>) -> Answer {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let auth = self.authorization(method, &pq.to_lowercase(), &bytes);
        self.raw(method, pq, &bytes, Some(auth)).await
    }

    async fn get(&self, pq: &str) -> Answer {
        self.call("GET", pq, None).await
    }

    async fn admin(&self, method: &str, path: &str) -> Answer {
        self.raw(method, path, b"", None).await
    }
}

#[tokio::test]
async fn servicepacks_and_accounts() {
    let api = Api::default().await;
    let packs = api.get("/v2/servicepacks").await;
    assert_eq!(packs.status, 200);
    let packs = packs.json();
    assert!(packs.as_array().unwrap().len() >= 3);
    assert!(packs[0]["id"].is_i64() && packs[0]["name"].is_string());

    let all = api.get("/v2/accounts").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.number("x-paging-skipped"), 0);
    assert_eq!(all.number("x-paging-take"), 2);
    assert_eq!(all.number("x-paging-totalresults"), 2);
    assert_eq!(
        all.json()[0],
        json!({"id": 1001, "identifier": "example.com", "servicepack_id": 12})
    );

    let page = api.get("/v2/accounts?skip=1&take=5").await;
    assert_eq!(page.number("x-paging-skipped"), 1);
    assert_eq!(page.number("x-paging-take"), 1);
    assert_eq!(page.json()[0]["identifier"], "example.net");

    let one = api.get("/v2/accounts?identifier=example.net").await;
    assert_eq!(one.json().as_array().unwrap().len(), 1);
    let hosting = api.get("/v2/accounts?asset_type=linux_hosting").await;
    assert_eq!(hosting.json()[0]["id"], 1001);
    assert_eq!(hosting.json().as_array().unwrap().len(), 1);
    let bad = api.get("/v2/accounts?asset_type=castle").await;
    bad.refused(400, &["asset_type_invalid"]);

    let detail = api.get("/v2/accounts/1001").await;
    assert_eq!(detail.status, 200);
    assert_eq!(
        detail.json(),
        json!({"addons": [], "id": 1001, "identifier": "example.com",
               "servicepack": {"id": 12, "name": "Linux Hosting Basic"}})
    );
    let missing = api.get("/v2/accounts/424242").await;
    missing.refused(404, &["account_not_found"]);
    assert!(missing.json()["error_text"].is_string());
}

async fn poll_job(api: &Api, location: &str) -> Answer {
    let started = Instant::now();
    loop {
        let answer = api.get(location).await;
        let ongoing = answer.status == 200 && answer.json()["status"] == "ongoing";
        if !ongoing || started.elapsed() > Duration::from_secs(20) {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn account_creation_goes_through_a_provisioning_job() {
    let api = Api::start(SimConfig {
        job_duration: Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await;
    let created = api
        .call(
            "POST",
            "/v2/accounts",
            Some(
                json!({"identifier": "shop.example.org", "servicepack_id": 12,
                        "ftp_password": "secret123", "unknown_field": true}),
            ),
        )
        .await;
    created.empty(202);
    let location = created.header("location").unwrap().to_string();
    let job_id = location.strip_prefix("/v2/provisioningjobs/").unwrap();
    assert!(uuid::Uuid::parse_str(job_id).is_ok());

    let running = api.get(&location).await;
    assert_eq!(running.status, 200);
    let info = running.json();
    assert_eq!(info["id"], job_id);
    assert_eq!(info["status"], "ongoing");
    assert!(info["completion"]["estimate"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let listed = api.get("/v2/accounts?identifier=shop.example.org").await;
    assert_eq!(listed.json(), json!([]));
    let again = api
        .call(
            "POST",
            "/v2/accounts",
            Some(json!({"identifier": "shop.example.org", "servicepack_id": 12})),
        )
        .await;
    assert_eq!(again.codes(), ["account_identifier_already_exists"]);

    let done = poll_job(&api, &location).await;
    assert_eq!(done.status, 201);
    let links = done.json()["resource_links"].clone();
    let link = links[0].as_str().unwrap().to_string();
    assert_eq!(done.header("location"), Some(link.as_str()));
    assert_eq!(done.json()["id"], job_id);
    let detail = api.get(&link).await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.json()["identifier"], "shop.example.org");
    let zone = api.get("/v2/dns/shop.example.org/records").await;
    assert_eq!(zone.status, 200);
    let types: Vec<String> = zone
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["NS", "NS", "SOA"]);

    // An armed failure: the job ends failed and creates nothing.
    assert_eq!(api.admin("POST", "/_sim/jobs/fail-next").await.status, 200);
    let doomed = api
        .call(
            "POST",
            "/v2/accounts",
            Some(json!({"identifier": "doomed.example.org", "servicepack_id": 11})),
        )
        .await;
    assert_eq!(doomed.status, 202);
    let failed = poll_job(&api, doomed.header("location").unwrap()).await;
    assert_eq!(failed.status, 200);
    assert_eq!(failed.json()["status"], "failed");
    let none = api.get("/v2/accounts?identifier=doomed.example.org").await;
    assert_eq!(none.json(), json!([]));

    let bad = api
        .call("POST", "/v2/accounts", Some(json!({"servicepack_id": 999})))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.codes(),
        [
            "account_identifier_required",
            "account_servicepack_id_invalid"
        ]
    );
    let unknown = api
        .get("/v2/provisioningjobs/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn dns_records_crud() {
    let api = Api::default().await;
    let seeded = api.get("/v2/dns/example.com/records").await;
    assert_eq!(seeded.status, 200);
    assert_eq!(seeded.number("x-paging-totalresults"), 8);
    let records = seeded.json();
    let records = records.as_array().unwrap();
    assert!(records
        .iter()
        .any(|r| r["type"] == "NS" && r["content"] == "ns3.european-server.com"));
    assert!(records.iter().any(|r| r["type"] == "SOA"));
    assert!(records.iter().any(|r| r["record_name"] == "*"));
    for record in records {
        assert_eq!(record.as_object().unwrap().len(), 11, "{record}");
    }

    let created = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "A", "record_name": "API", "ttl": 600, "content": "192.0.2.50"})),
        )
        .await;
    created.empty(201);
    let location = created.header("location").unwrap().to_string();
    let id = location
        .strip_prefix("/v2/dns/example.com/records/")
        .unwrap()
        .to_string();
    assert!(id.starts_with("1-") && id.len() == 12);
    let read = api.get(&location).await;
    assert_eq!(
        read.json(),
        json!({"id": id, "type": "A", "record_name": "api", "ttl": 600, "content": "192.0.2.50",
               "service": null, "target": null, "protocol": null, "priority": null,
               "port": null, "weight": null})
    );

    let replaced = api
        .call(
            "PUT",
            &location,
            Some(json!({"type": "A", "record_name": "api", "content": "192.0.2.51"})),
        )
        .await;
    replaced.empty(200);
    let read = api.get(&location).await.json();
    assert_eq!(
        (read["id"].as_str(), read["content"].as_str()),
        (Some(id.as_str()), Some("192.0.2.51"))
    );
    assert_eq!(read["ttl"], 3600);

    let filtered = api
        .get("/v2/dns/example.com/records?type=A&record_name=api")
        .await;
    assert_eq!(filtered.json().as_array().unwrap().len(), 1);
    let apex = api
        .get("/v2/dns/example.com/records?type=A&record_name=%40")
        .await;
    assert_eq!(apex.json()[0]["content"], "192.0.2.10");

    // A misspelt field is ignored, as Combell does: `name` makes an apex record.
    let apex_txt = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "TXT", "name": "oops", "content": "hello world"})),
        )
        .await;
    assert_eq!(apex_txt.status, 201);
    let txt = api.get(apex_txt.header("location").unwrap()).await.json();
    assert_eq!(txt["record_name"], "");

    let srv = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "SRV", "service": "sip", "protocol": "TCP", "target": "sip.example.com",
                        "port": 5060, "priority": 5, "weight": 20})),
        )
        .await;
    assert_eq!(srv.status, 201);
    let srv_location = srv.header("location").unwrap().to_string();
    let read = api.get(&srv_location).await.json();
    assert_eq!(read["record_name"], "_sip._tcp");
    assert_eq!(read["service"], "_sip");
    assert_eq!(read["protocol"], "_tcp");
    assert_eq!(read["content"], "20 5060 sip.example.com");
    assert_eq!(
        (
            read["priority"].as_i64(),
            read["weight"].as_i64(),
            read["port"].as_i64()
        ),
        (Some(5), Some(20), Some(5060))
    );
    let by_service = api
        .get("/v2/dns/example.com/records?type=SRV&service=_sip")
        .await;
    assert_eq!(by_service.json().as_array().unwrap().len(), 1);
    let moved = api
        .call(
            "PUT",
            &srv_location,
            Some(json!({"type": "SRV", "service": "_sip", "target": "other.example.com", "port": 5060})),
        )
        .await;
    moved.refused(400, &["dns_srv_field_not_editable"]);

    let wildcard = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "A", "record_name": "*.dev", "content": "192.0.2.1"})),
        )
        .await;
    wildcard.refused(400, &["dns_invalid_record_name"]);
    let malformed = api
        .raw(
            "POST",
            "/v2/dns/example.com/records",
            b"{\"type\": ",
            Some(api.authorization("POST", "/v2/dns/example.com/records", b"{\"type\": ")),
        )
        .await;
    malformed.refused(400, &["request_body_invalid"]);
    let ns = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "NS", "content": "ns.example"})),
        )
        .await;
    assert_eq!(ns.codes(), ["dns_record_type_invalid"]);

    let deleted = api.call("DELETE", &location, None).await;
    deleted.empty(204);
    let gone = api.get(&location).await;
    gone.refused(404, &["dns_record_not_found"]);
    assert_eq!(api.call("DELETE", &location, None).await.status, 404);
    let no_zone = api.get("/v2/dns/nowhere.example/records").await;
    no_zone.refused(404, &["dns_zone_not_found"]);
    let no_zone_post = api
        .call(
            "POST",
            "/v2/dns/nowhere.example/records",
            Some(json!({"type": "A", "content": "192.0.2.1"})),
        )
        .await;
    assert_eq!(no_zone_post.status, 404);
    let collection_delete = api
        .call("DELETE", "/v2/dns/example.com/records", None)
        .await;
    collection_delete.refused(405, &["method_not_allowed"]);
}

#[tokio::test]
async fn dns_paging_headers() {
    let api = Api::default().await;
    let page = api.get("/v2/dns/example.com/records?skip=3&take=3").await;
    assert_eq!(page.number("x-paging-skipped"), 3);
    assert_eq!(page.number("x-paging-take"), 3);
    assert_eq!(page.number("x-paging-totalresults"), 8);
    assert_eq!(page.json()[0]["id"], "1-1000000004");
    let last = api.get("/v2/dns/example.com/records?skip=6&take=3").await;
    assert_eq!(last.number("x-paging-take"), 2);
    let past = api.get("/v2/dns/example.com/records?skip=50").await;
    assert_eq!(past.number("x-paging-take"), 0);
    assert_eq!(past.json(), json!([]));
    let bad = api.get("/v2/dns/example.com/records?take=0").await;
    bad.refused(400, &["paging_take_invalid"]);
}

#[tokio::test]
async fn authentication_failures_are_401_with_combell_bodies() {
    let api = Api::default().await;
    let missing = api.raw("GET", "/v2/servicepacks", b"", None).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.codes(),
        ["auth_authorization_header_invalid_format"]
    );
    let garbage = api
        .raw("GET", "/v2/servicepacks", b"", Some("hmac nonsense".into()))
        .await;
    assert_eq!(
        garbage.codes(),
        ["auth_authorization_header_invalid_format"]
    );

    let ts = chrono::Utc::now().timestamp();
    let wrong_secret = sign(
        "sim-key",
        "not-the-secret",
        "GET",
        "/v2/servicepacks",
        b"",
        ts,
        "n1",
    );
    let refused = api
        .raw("GET", "/v2/servicepacks", b"", Some(wrong_secret))
        .await;
    refused.refused(401, &["authorization_hmac_invalid"]);
    let wrong_key = sign(
        "who",
        "sim-secret",
        "GET",
        "/v2/servicepacks",
        b"",
        ts,
        "n2",
    );
    assert_eq!(
        api.raw("GET", "/v2/servicepacks", b"", Some(wrong_key))
            .await
            .status,
        401
    );
    let stale = sign(
        "sim-key",
        "sim-secret",
        "GET",
        "/v2/servicepacks",
        b"",
        ts - 3600,
        "n3",
    );
    assert_eq!(
        api.raw("GET", "/v2/servicepacks", b"", Some(stale))
            .await
            .codes(),
        ["authorization_hmac_invalid"]
    );

    // The same signed header twice: the second is a replay.
    let once = sign(
        "sim-key",
        "sim-secret",
        "GET",
        "/v2/servicepacks",
        b"",
        ts,
        "n4",
    );
    assert_eq!(
        api.raw("GET", "/v2/servicepacks", b"", Some(once.clone()))
            .await
            .status,
        200
    );
    let replay = api.raw("GET", "/v2/servicepacks", b"", Some(once)).await;
    assert_eq!(replay.status, 401);
    assert!(replay.json()["error_text"]
        .as_str()
        .unwrap()
        .contains("nonce"));

    // Combell's PHP client signs the path as sent; the spec says lowercased. Both pass.
    let pq = "/v2/accounts?identifier=Example.COM";
    let as_sent = sign("sim-key", "sim-secret", "GET", pq, b"", ts, "n5");
    let as_sent = api.raw("GET", pq, b"", Some(as_sent)).await;
    assert_eq!(as_sent.status, 200);
    assert_eq!(as_sent.json()[0]["id"], 1001);
    let lowered = sign(
        "sim-key",
        "sim-secret",
        "GET",
        &pq.to_lowercase(),
        b"",
        ts,
        "n6",
    );
    assert_eq!(api.raw("GET", pq, b"", Some(lowered)).await.status, 200);

    // The body is part of the signature.
    let body = br#"{"type":"A","content":"192.0.2.1"}"#;
    let for_other_body = sign(
        "sim-key",
        "sim-secret",
        "POST",
        "/v2/dns/example.com/records",
        b"{}",
        ts,
        "n7",
    );
    assert_eq!(
        api.raw(
            "POST",
            "/v2/dns/example.com/records",
            body,
            Some(for_other_body)
        )
        .await
        .status,
        401
    );
}

async fn raw_http(api: &Api, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(api.sim.addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn rate_limit_headers_and_429() {
    let api = Api::start(SimConfig {
        rate_limit: Some(RateLimit {
            limit: 3,
            window: Duration::from_secs(60),
        }),
        ..SimConfig::default()
    })
    .await;
    for usage in 1..=3 {
        let ok = api.get("/v2/servicepacks").await;
        assert_eq!(ok.status, 200);
        assert_eq!(ok.number("x-ratelimit-limit"), 3);
        assert_eq!(ok.number("x-ratelimit-usage"), usage);
        assert_eq!(ok.number("x-ratelimit-remaining"), 3 - usage);
        let reset = ok.number("x-ratelimit-reset");
        assert!((1..=60).contains(&reset), "{reset}");
        assert!(ok.header("retry-after").is_none());
    }
    let refused = api.get("/v2/servicepacks").await;
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.json()["error_text"],
        "Too many requests, retry later."
    );
    assert_eq!(refused.number("x-ratelimit-remaining"), 0);
    assert_eq!(
        refused.header("retry-after"),
        refused.header("x-ratelimit-reset")
    );
    // The status line carries Combell's reason phrase too.
    let auth = api.authorization("GET", "/v2/servicepacks", b"");
    let raw = raw_http(&api, &format!("GET /v2/servicepacks HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n")).await;
    assert!(
        raw.starts_with("HTTP/1.1 429 Too many requests, retry later.\r\n"),
        "{raw}"
    );
    // Admin endpoints are outside the limit.
    assert_eq!(api.admin("GET", "/_sim/stats").await.status, 200);

    let unlimited = Api::start(SimConfig {
        rate_limit: None,
        ..SimConfig::default()
    })
    .await;
    let ok = unlimited.get("/v2/servicepacks").await;
    assert_eq!(ok.status, 200);
    assert!(ok.header("x-ratelimit-limit").is_none());
}

#[tokio::test]
async fn stats_count_route_templates_and_reset_restores_the_seed() {
    let api = Api::default().await;
    api.get("/v2/dns/example.com/records").await;
    api.get("/v2/dns/example.net/records").await;
    api.get("/v2/dns/example.com/records/1-1000000004").await;
    let created = api
        .call(
            "POST",
            "/v2/dns/example.net/records",
            Some(json!({"type": "TXT", "record_name": "x", "content": "y"})),
        )
        .await;
    assert_eq!(created.status, 201);
    api.raw("GET", "/v2/servicepacks", b"", None).await;
    api.get("/v2/no/such/thing").await;
    let stats = api.admin("GET", "/_sim/stats").await.json();
    assert_eq!(stats["total"], 6);
    assert_eq!(stats["by_method"]["GET"], 5);
    assert_eq!(stats["by_method"]["POST"], 1);
    assert_eq!(stats["by_route"]["GET /v2/dns/{domainName}/records"], 2);
    assert_eq!(
        stats["by_route"]["GET /v2/dns/{domainName}/records/{recordId}"],
        1
    );
    assert_eq!(stats["by_route"]["POST /v2/dns/{domainName}/records"], 1);
    assert_eq!(stats["by_route"]["GET /v2/servicepacks"], 1);

    assert_eq!(api.admin("POST", "/_sim/reset").await.status, 204);
    let after = api.admin("GET", "/_sim/stats").await.json();
    assert_eq!(after["total"], 0);
    let zone = api.get("/v2/dns/example.net/records").await;
    assert_eq!(zone.number("x-paging-totalresults"), 5);
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim-state.json");
    let config = SimConfig {
        state_file: Some(path.clone()),
        ..SimConfig::default()
    };
    let api = Api::start(config.clone()).await;
    let created = api
        .call(
            "POST",
            "/v2/dns/example.com/records",
            Some(json!({"type": "CNAME", "record_name": "blog", "content": "example.com"})),
        )
        .await;
    let location = created.header("location").unwrap().to_string();
    api.sim.shutdown().await;
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(on_disk.to_string().contains("\"blog\""));

    let again = Api::start(config).await;
    let read = again.get(&location).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["record_name"], "blog");
    assert_eq!(read.json()["priority"], 0);
}

#[tokio::test]
async fn in_process_controls_match_the_admin_endpoints() {
    let api = Api::start(SimConfig::for_tests()).await;
    api.sim.fail_next_job();
    let first = api
        .call(
            "POST",
            "/v2/accounts",
            Some(json!({"identifier": "one.example.org", "servicepack_id": 11})),
        )
        .await;
    let second = api
        .call(
            "POST",
            "/v2/accounts",
            Some(json!({"identifier": "two.example.org", "servicepack_id": 11})),
        )
        .await;
    let first = poll_job(&api, first.header("location").unwrap()).await;
    assert_eq!(first.json()["status"], "failed");
    let second = poll_job(&api, second.header("location").unwrap()).await;
    assert_eq!(second.status, 201);
    assert_eq!(api.sim.stats()["by_route"]["POST /v2/accounts"], 2);
    assert_eq!(api.sim.snapshot().accounts.len(), 3);
    api.sim.reset();
    assert_eq!(api.sim.stats()["total"], 0);
    assert_eq!(api.sim.snapshot().accounts.len(), 2);
}

#[tokio::test]
async fn odd_input_gets_a_client_error_never_a_crash() {
    let api = Api::start(SimConfig::for_tests()).await;
    let records = "/v2/dns/example.com/records";
    let bodies: [&[u8]; 10] = [
        b"",
        b"null",
        b"[]",
        b"\"text\"",
        b"{\"type\": 5}",
        b"{\"type\": \"A\", \"ttl\": 1e99, \"content\": \"192.0.2.1\"}",
        b"{\"type\": \"A\", \"ttl\": 99999999999999999999, \"content\": \"192.0.2.1\"}",
        b"{\"type\": \"SRV\", \"service\": \"_\", \"target\": \".\", \"port\": -1}",
        b"\xff\xfe\x00garbage",
        b"{\"type\": \"MX\", \"content\": \"\xc3\xa9.example\"}",
    ];
    for body in bodies {
        let auth = api.authorization("POST", records, body);
        let answer = api.raw("POST", records, body, Some(auth)).await;
        assert_eq!(
            answer.status,
            400,
            "{:?}: {}",
            String::from_utf8_lossy(body),
            answer.body
        );
        assert!(answer.json()["validation_errors"].is_array());
        let auth = api.authorization("POST", "/v2/accounts", body);
        let answer = api.raw("POST", "/v2/accounts", body, Some(auth)).await;
        assert_eq!(
            answer.status,
            400,
            "{:?}: {}",
            String::from_utf8_lossy(body),
            answer.body
        );
    }
    for path in [
        "/v2/dns/%FF%FE/records",
        "/v2/dns/example.com/records/%00",
        "/v2/accounts/99999999999999999999",
        "/v2/accounts/-1",
        "/v2/provisioningjobs/not-a-uuid",
        "/v2/dns/example.com/records?skip=99999999999",
        "/v2/dns/example.com/records?take=-5",
        "/v2/accounts?skip=%ZZ",
    ] {
        let answer = api.get(path).await;
        assert!(
            answer.status.is_client_error(),
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        assert!(
            answer.body.is_empty() || answer.json().is_object(),
            "{path}: {}",
            answer.body
        );
    }
    // Still serving normally afterwards.
    assert_eq!(api.get("/v2/servicepacks").await.status, 200);
}

#[tokio::test]
async fn concurrent_creates_get_distinct_ids() {
    let api = std::sync::Arc::new(Api::start(SimConfig::for_tests()).await);
    let mut tasks = Vec::new();
    for n in 0..20 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let created = api
                .call(
                    "POST",
                    "/v2/dns/example.net/records",
                    Some(json!({"type": "TXT", "record_name": format!("t{n}"), "content": "x"})),
                )
                .await;
            assert_eq!(created.status, 201);
            created.header("location").unwrap().to_string()
        }));
    }
    let mut locations = Vec::new();
    for task in tasks {
        locations.push(task.await.unwrap());
    }
    locations.sort();
    locations.dedup();
    assert_eq!(locations.len(), 20);
    let listed = api.get("/v2/dns/example.net/records?take=100").await;
    assert_eq!(listed.number("x-paging-totalresults"), 25);
    assert_eq!(listed.number("x-paging-take"), 25);
}
