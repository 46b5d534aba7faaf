//! The client's transport, paging, error and job behaviour against a tiny scripted server.
//!
//! The server answers requests from a queue of scripted answers, records what it received and
//! checks every request's HMAC signature with the same algorithm the simulator uses.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use combell_api::{
    signing, AccountFilter, AssetType, CancellationToken, Client, ClientConfig, CreateAccount,
    DnsRecord, DnsRecordFilter, Error, JobPollConfig, RetryPolicy, Secret,
};

const KEY: &str = "test-key";
const SECRET: &str = "test-secret";

#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        headers: Vec::new(),
        body: body.to_string(),
        delay: Duration::ZERO,
    }
}

impl Answer {
    fn header(mut self, name: &'static str, value: &str) -> Answer {
        self.headers.push((name, value.to_string()));
        self
    }

    fn delayed(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path_and_query: String,
    body: String,
    nonce: String,
    signature_ok: bool,
    authorization: String,
}

#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    seen: Mutex<Vec<Seen>>,
}

async fn handle(State(script): State<Arc<Script>>, request: Request) -> Response {
    let method = request.method().as_str().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_default();
    let auth = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let parts = signing::parse_authorization(&auth);
    let signature_ok = parts.as_ref().is_some_and(|p| {
        p.key == KEY
            && p.signature
                == signing::signature(
                    KEY,
                    SECRET,
                    &method,
                    &path_and_query,
                    &body,
                    p.unix_ts,
                    &p.nonce,
                )
    });
    script.seen.lock().unwrap().push(Seen {
        method,
        path_and_query,
        body: String::from_utf8_lossy(&body).into_owned(),
        nonce: parts.map(|p| p.nonce).unwrap_or_default(),
        signature_ok,
        authorization: auth.clone(),
    });
    let next = script.answers.lock().unwrap().pop_front();
    let next = next.unwrap_or_else(|| answer(500, r#"{"error_code":"script_exhausted"}"#));
    if !next.delay.is_zero() {
        tokio::time::sleep(next.delay).await;
    }
    let mut response = Response::new(Body::from(next.body));
    *response.status_mut() = StatusCode::from_u16(next.status).unwrap();
    for (name, value) in next.headers {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

struct Server {
    script: Arc<Script>,
    endpoint: String,
}

impl Server {
    async fn start(answers: Vec<Answer>) -> Server {
        let script = Arc::new(Script {
            answers: Mutex::new(answers.into()),
            seen: Mutex::default(),
        });
        let app = Router::new().fallback(handle).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            script,
            endpoint: format!("http://{addr}/v2"),
        }
    }

    fn client(&self) -> Client {
        Client::new(self.config()).unwrap()
    }

    fn config(&self) -> ClientConfig {
        ClientConfig {
            endpoint: self.endpoint.clone(),
            api_key: KEY.into(),
            api_secret: Secret::new(SECRET),
            request_timeout: Duration::from_secs(5),
            retry: RetryPolicy {
                max_attempts: 4,
                base_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(50),
                max_retry_after: Duration::from_secs(5),
            },
            page_size: 2,
            job_poll: JobPollConfig {
                min_interval: Duration::from_millis(10),
                max_interval: Duration::from_millis(50),
            },
            ..ClientConfig::default()
        }
    }

    /// Reads record `1-1` of `example.com` with a fresh client.
    async fn get_record(&self) -> Result<DnsRecord, Error> {
        self.client()
            .get_dns_record("example.com", "1-1", &CancellationToken::new())
            .await
    }

    /// Creates [`a_record`] in `example.com` with a fresh client.
    async fn create_record(&self) -> Result<String, Error> {
        self.client()
            .create_dns_record("example.com", &a_record(), &CancellationToken::new())
            .await
    }

    fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }
}

const RECORD: &str = r#"{"id":"1-1","type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1","service":null,"target":null,"protocol":null,"priority":null,"port":null,"weight":null}"#;

#[tokio::test]
async fn get_retries_after_429_with_a_fresh_signature() {
    let server = Server::start(vec![
        answer(429, "").header("retry-after", "1"),
        answer(200, RECORD),
    ])
    .await;
    let cancel = CancellationToken::new();
    let record = server
        .client()
        .get_dns_record("example.com", "1-1", &cancel)
        .await
        .unwrap();
    assert_eq!(record.content.as_deref(), Some("192.0.2.1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.signature_ok), "{seen:?}");
    assert_eq!(seen[0].path_and_query, "/v2/dns/example.com/records/1-1");
    assert_ne!(seen[0].nonce, seen[1].nonce);
}

#[tokio::test]
async fn post_is_retried_after_429() {
    let server = Server::start(vec![
        answer(429, "").header("retry-after", "1"),
        answer(201, "").header("location", "/v2/dns/example.com/records/1-42"),
    ])
    .await;
    let id = server.create_record().await.unwrap();
    assert_eq!(id, "1-42");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn get_retries_503_then_succeeds() {
    let server = Server::start(vec![answer(503, "busy"), answer(200, RECORD)]).await;
    let record = server.get_record().await.unwrap();
    assert_eq!(record.id.as_deref(), Some("1-1"));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn get_gives_up_after_bounded_attempts() {
    let server = Server::start(vec![answer(503, ""); 10]).await;
    let err = server.get_record().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.seen().len(), 4);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = Server::start(vec![
        answer(503, ""),
        answer(201, "").header("location", "/v2/dns/example.com/records/1-2"),
    ])
    .await;
    let err = server.create_record().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_on_timeout_but_get_is() {
    let server = Server::start(vec![
        answer(201, "")
            .header("location", "/v2/dns/example.com/records/1-2")
            .delayed(Duration::from_millis(800)),
        answer(200, RECORD).delayed(Duration::from_millis(800)),
        answer(200, RECORD),
    ])
    .await;
    let mut config = server.config();
    config.request_timeout = Duration::from_millis(200);
    let client = Client::new(config).unwrap();
    let cancel = CancellationToken::new();
    let err = client
        .create_dns_record("example.com", &a_record(), &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err}");
    let record = client
        .get_dns_record("example.com", "1-1", &cancel)
        .await
        .unwrap();
    assert_eq!(record.id.as_deref(), Some("1-1"));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn post_is_retried_when_the_connection_was_refused() {
    // A port that was just free: connecting is refused, so nothing was ever sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let server = Server {
        script: Arc::default(),
        endpoint: format!("http://{addr}/v2"),
    };
    let err = server.create_record().await.unwrap_err();
    assert!(matches!(err, Error::Network { attempts: 4, .. }), "{err}");
    assert!(!err.to_string().contains(SECRET));
}

#[tokio::test]
async fn a_post_in_flight_is_answered_even_when_cancelled_but_a_get_is_dropped() {
    let server = Server::start(vec![
        answer(201, "")
            .header("location", "/v2/dns/example.com/records/1-7")
            .delayed(Duration::from_millis(400)),
        answer(200, RECORD).delayed(Duration::from_millis(400)),
    ])
    .await;
    let client = server.client();
    let cancel = cancelled_in_100ms();
    // The POST may have created the record: its id must come back, not a cancellation.
    let id = client
        .create_dns_record("example.com", &a_record(), &cancel)
        .await
        .unwrap();
    assert_eq!(id, "1-7");
    let err = client
        .get_dns_record("example.com", "1-7", &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
}

#[tokio::test]
async fn cancellation_interrupts_a_rate_limit_wait() {
    let server = Server::start(vec![answer(429, "").header("retry-after", "5")]).await;
    let client = server.client();
    let cancel = cancelled_in_100ms();
    let err = client.list_servicepacks(&cancel).await.unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
}

#[tokio::test]
async fn paging_over_three_pages() {
    let page = |items: &str, take: &str| {
        answer(200, items)
            .header("x-paging-take", take)
            .header("x-paging-totalresults", "5")
    };
    let server = Server::start(vec![
        page(r#"[{"id":1,"identifier":"a.be","servicepack_id":1},{"id":2,"identifier":"b.be","servicepack_id":1}]"#, "2"),
        page(r#"[{"id":3,"identifier":"c.be","servicepack_id":1},{"id":4,"identifier":"d.be","servicepack_id":1}]"#, "2"),
        page(r#"[{"id":5,"identifier":"e.be","servicepack_id":2}]"#, "1"),
    ])
    .await;
    let filter = AccountFilter {
        identifier: None,
        asset_type: Some(AssetType::LinuxHosting),
    };
    let accounts = server
        .client()
        .list_accounts(&filter, &CancellationToken::new())
        .await
        .unwrap();
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    let paths: Vec<String> = server
        .seen()
        .into_iter()
        .map(|s| s.path_and_query)
        .collect();
    assert_eq!(
        paths,
        vec![
            "/v2/accounts?asset_type=linux_hosting&skip=0&take=2",
            "/v2/accounts?asset_type=linux_hosting&skip=2&take=2",
            "/v2/accounts?asset_type=linux_hosting&skip=4&take=2",
        ]
    );
    assert!(server.seen().iter().all(|s| s.signature_ok));
}

#[tokio::test]
async fn paging_stops_on_an_empty_page_and_sends_filters() {
    let server = Server::start(vec![
        answer(200, &format!("[{RECORD},{RECORD}]")),
        answer(200, "[]"),
    ])
    .await;
    let filter = DnsRecordFilter {
        record_type: Some("TXT".into()),
        record_name: Some("_acme-challenge".into()),
        service: None,
    };
    let records = server
        .client()
        .list_dns_records("example.com", &filter, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].path_and_query,
        "/v2/dns/example.com/records?type=TXT&record_name=_acme-challenge&skip=0&take=2"
    );
}

#[tokio::test]
async fn the_three_error_shapes_and_a_non_json_body() {
    let server = Server::start(vec![
        answer(
            400,
            r#"{"error_code":"dns_invalid_record_name","error_text":"Invalid name"}"#,
        ),
        answer(
            400,
            r#"{"validation_errors":[{"error_code":"a","error_text":"A"},{"error_code":"b","error_text":"B"}]}"#,
        ),
        answer(400, r#"[{"error_code":"c","error_text":"C"}]"#),
        answer(404, ""),
        answer(401, "<html>denied</html>"),
    ])
    .await;
    let client = server.client();
    let cancel = CancellationToken::new();
    let mut errors = Vec::new();
    for _ in 0..5 {
        errors.push(
            client
                .create_dns_record("example.com", &a_record(), &cancel)
                .await
                .unwrap_err(),
        );
    }
    assert_eq!(errors[0].codes(), vec!["dns_invalid_record_name"]);
    assert_eq!(errors[1].codes(), vec!["a", "b"]);
    assert_eq!(errors[2].codes(), vec!["c"]);
    assert!(errors[3].is_not_found());
    let text = errors[4].to_string();
    assert_eq!(errors[4].status(), Some(401));
    assert!(text.contains("<html>denied</html>"), "{text}");
    assert!(text.contains("allow-list"), "{text}");
    assert!(text.contains("POST /v2/dns/example.com/records"), "{text}");
    assert!(!text.contains(SECRET));
}

#[tokio::test]
async fn relative_and_absolute_locations() {
    let server = Server::start(vec![
        answer(201, "").header("location", "/v2/dns/example.com/records/1-9988776610"),
        answer(201, "").header(
            "location",
            "https://api.combell.com/v2/dns/example.com/records/1-9988776611",
        ),
        answer(201, ""),
    ])
    .await;
    let client = server.client();
    let cancel = CancellationToken::new();
    let first = client
        .create_dns_record("example.com", &a_record(), &cancel)
        .await
        .unwrap();
    let second = client
        .create_dns_record("example.com", &a_record(), &cancel)
        .await
        .unwrap();
    assert_eq!(first, "1-9988776610");
    assert_eq!(second, "1-9988776611");
    let err = client
        .create_dns_record("example.com", &a_record(), &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err}");
    let body: serde_json::Value = serde_json::from_str(&server.seen()[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1"})
    );
}

#[tokio::test]
async fn update_and_delete() {
    let server = Server::start(vec![answer(200, ""), answer(204, "")]).await;
    let client = server.client();
    let cancel = CancellationToken::new();
    client
        .update_dns_record("example.com", "1-7", &a_record(), &cancel)
        .await
        .unwrap();
    client
        .delete_dns_record("example.com", "1-7", &cancel)
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(seen[1].method, "DELETE");
    assert_eq!(seen[1].path_and_query, "/v2/dns/example.com/records/1-7");
    assert!(seen.iter().all(|s| s.signature_ok));
}

#[tokio::test]
async fn decode_errors_name_the_element() {
    let server = Server::start(vec![answer(200, r#"[{"id":1,"name":"a"},{"id":"x"}]"#)]).await;
    let err = server
        .client()
        .list_servicepacks(&CancellationToken::new())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Decode { .. }), "{text}");
    assert!(text.contains("[1]"), "{text}");
    assert!(text.contains("Servicepack"), "{text}");
}

#[tokio::test]
async fn account_creation_and_job_wait() {
    let job = "5b4b3a2f-0000-4000-8000-000000000001";
    let server = Server::start(vec![
        answer(202, "").header("location", &format!("/v2/provisioningjobs/{job}")),
        answer(
            200,
            &format!(r#"{{"id":"{job}","status":"ongoing","completion":{{"estimate":"2019-10-20T18:43:54.007"}}}}"#),
        ),
        answer(200, &format!(r#"{{"id":"{job}","status":"ongoing"}}"#)),
        answer(
            201,
            &format!(r#"{{"id":"{job}","resource_links":["/v2/accounts/4242"]}}"#),
        )
        .header("location", "/v2/accounts/4242"),
    ])
    .await;
    let client = server.client();
    let cancel = CancellationToken::new();
    let job_ref = client
        .create_account(
            &CreateAccount {
                identifier: "example.com".into(),
                servicepack_id: 3,
                ftp_password: Some(Secret::new("Passw0rd99")),
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(job_ref.job_id, job);
    let mut progress = Vec::new();
    let outcome = client
        .wait_for_job(&job_ref.location, Duration::from_secs(10), &cancel, |p| {
            progress.push(p.status.clone())
        })
        .await
        .unwrap();
    assert_eq!(outcome.resource_links, vec!["/v2/accounts/4242"]);
    assert_eq!(outcome.location.as_deref(), Some("/v2/accounts/4242"));
    assert_eq!(progress, vec!["ongoing", "ongoing"]);
    let seen = server.seen();
    assert_eq!(
        seen[1].path_and_query,
        format!("/v2/provisioningjobs/{job}")
    );
    assert!(seen[0].body.contains("Passw0rd99"));
}

/// A token that fires 100 ms from now, while the call under test waits.
fn cancelled_in_100ms() -> CancellationToken {
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        canceller.cancel();
    });
    cancel
}

/// How waiting for `job` ends, when it ends in an error.
async fn job_error(
    client: &Client,
    job: &str,
    deadline: Duration,
    cancel: &CancellationToken,
) -> Error {
    client
        .wait_for_job(job, deadline, cancel, |_| {})
        .await
        .unwrap_err()
}

#[tokio::test]
async fn failed_job_is_an_error_naming_the_job() {
    let server = Server::start(vec![answer(200, r#"{"id":"j1","status":"failed"}"#)]).await;
    let err = job_error(
        &server.client(),
        "j1",
        Duration::from_secs(5),
        &CancellationToken::new(),
    )
    .await;
    assert!(
        matches!(err, Error::JobFailed { ref job_id, .. } if job_id == "j1"),
        "{err}"
    );
    assert!(err.to_string().contains("j1"));
}

#[tokio::test]
async fn job_deadline_and_cancellation_are_distinct() {
    let ongoing = answer(200, r#"{"id":"j2","status":"ongoing"}"#);
    let server = Server::start(vec![ongoing; 200]).await;
    let client = server.client();
    let err = job_error(
        &client,
        "j2",
        Duration::from_millis(150),
        &CancellationToken::new(),
    )
    .await;
    assert!(
        matches!(err, Error::JobDeadline { ref job_id, .. } if job_id == "j2"),
        "{err}"
    );

    let cancel = cancelled_in_100ms();
    let err = job_error(&client, "j2", Duration::from_secs(30), &cancel).await;
    assert!(
        matches!(err, Error::JobCancelled { ref job_id, .. } if job_id == "j2"),
        "{err}"
    );
}

fn a_record() -> DnsRecord {
    DnsRecord {
        record_type: Some("A".into()),
        record_name: Some("www".into()),
        ttl: Some(3600),
        content: Some("192.0.2.1".into()),
        ..DnsRecord::default()
    }
}

/// The provider calls the client from gRPC handlers, which need `Send` futures.
#[allow(dead_code)]
fn futures_are_send(client: &Client, cancel: &CancellationToken) {
    fn is_send<T: Send>(_: T) {}
    let record = a_record();
    is_send(client.get_dns_record("d", "i", cancel));
    is_send(client.create_dns_record("d", &record, cancel));
    is_send(client.list_dns_records("d", &DnsRecordFilter::default(), cancel));
    is_send(client.list_accounts(&AccountFilter::default(), cancel));
    is_send(client.wait_for_job("j", Duration::from_secs(1), cancel, |_| {}));
    is_send(client.list_servicepacks(cancel));
}

#[test]
fn errors_are_send_and_sync() {
    fn is_send_sync<T: Send + Sync + 'static>() {}
    is_send_sync::<Error>();
    is_send_sync::<Client>();
}

/// Whether `seen` carries a valid signature in `reading`.
fn signed_as(seen: &Seen, reading: signing::Reading) -> bool {
    let Some(parts) = signing::parse_authorization(&seen.authorization) else {
        return false;
    };
    parts.signature
        == signing::signature_as(
            reading,
            KEY,
            SECRET,
            &seen.method,
            &seen.path_and_query,
            seen.body.as_bytes(),
            parts.unix_ts,
            &parts.nonce,
        )
}

#[tokio::test]
async fn a_refused_reading_is_signed_the_other_way_once_and_remembered() {
    let server = Server::start(vec![
        answer(401, r#"{"error_code":"authorization_hmac_invalid"}"#),
        answer(200, RECORD),
        answer(200, RECORD),
    ])
    .await;
    let cancel = CancellationToken::new();
    let client = server.client();
    for _ in 0..2 {
        client
            .get_dns_record("bücher.be", "1-1", &cancel)
            .await
            .unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].path_and_query, "/v2/dns/b%C3%BCcher.be/records/1-1");
    use signing::Reading::{Official, Spec};
    assert!(signed_as(&seen[0], Official), "{seen:?}");
    assert!(signed_as(&seen[1], Spec), "{seen:?}");
    // Learned: the next request goes the spec's way at once.
    assert!(signed_as(&seen[2], Spec), "{seen:?}");
    assert_ne!(seen[0].nonce, seen[1].nonce);
}

#[tokio::test]
async fn a_401_in_both_readings_keeps_todays_explanation() {
    let server = Server::start(vec![
        answer(401, "<html>denied</html>"),
        answer(401, "<html>denied</html>"),
    ])
    .await;
    let err = server
        .client()
        .get_dns_record("bücher.be", "1-1", &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    let text = err.to_string();
    assert!(text.contains("allow-list"), "{text}");
    assert!(!text.contains(SECRET));
    assert_eq!(server.seen().len(), 2, "signed the other way once, no more");
}
