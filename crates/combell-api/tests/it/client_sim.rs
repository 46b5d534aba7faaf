//! Layer 2: the API client against a private in-process simulator (port 0, fast jobs). Each
//! test goes through the real signing, transport, paging, error parsing and job waiting.

use std::time::Duration;

use combell_api::{
    AccountFilter, CancellationToken, Client, ClientConfig, CreateAccount, DnsRecord,
    DnsRecordFilter, Error, JobPollConfig, RetryPolicy, Secret,
};
use combell_sim::{self as sim, RateLimit, RunningSim, SimConfig};

async fn sim_with(config: SimConfig) -> RunningSim {
    sim::start(config).await.expect("simulator starts")
}

fn client_for(sim: &RunningSim, secret: &str, page_size: u32) -> Client {
    Client::new(ClientConfig {
        endpoint: sim.base_url(),
        api_key: sim.config().api_key.clone(),
        api_secret: Secret::new(secret),
        page_size,
        job_poll: JobPollConfig {
            min_interval: Duration::from_millis(20),
            max_interval: Duration::from_millis(200),
        },
        retry: RetryPolicy {
            base_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    })
    .expect("client")
}

fn client(sim: &RunningSim) -> Client {
    let secret = sim.config().api_secret.clone();
    client_for(sim, &secret, 100)
}

fn a_record(name: &str, ip: &str) -> DnsRecord {
    DnsRecord {
        record_type: Some("A".into()),
        record_name: Some(name.into()),
        content: Some(ip.into()),
        ttl: Some(3600),
        ..DnsRecord::default()
    }
}

fn route_count(stats: &serde_json::Value, route: &str) -> u64 {
    stats["by_route"][route].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn dns_record_create_read_update_delete() {
    let sim = sim_with(SimConfig::for_tests()).await;
    let api = client(&sim);
    let cancel = CancellationToken::new();

    let id = api
        .create_dns_record("example.com", &a_record("layer2", "192.0.2.1"), &cancel)
        .await
        .expect("create");
    assert!(id.starts_with("1-"), "Combell-style id: {id}");
    let read = api
        .get_dns_record("example.com", &id, &cancel)
        .await
        .expect("read");
    assert_eq!(read.record_name.as_deref(), Some("layer2"));
    assert_eq!(read.content.as_deref(), Some("192.0.2.1"));

    let changed = DnsRecord {
        ttl: Some(600),
        ..a_record("layer2", "192.0.2.2")
    };
    api.update_dns_record("example.com", &id, &changed, &cancel)
        .await
        .expect("update");
    let read = api
        .get_dns_record("example.com", &id, &cancel)
        .await
        .expect("read again");
    assert_eq!(
        (read.content.as_deref(), read.ttl),
        (Some("192.0.2.2"), Some(600))
    );

    let listed = api
        .list_dns_records(
            "example.com",
            &DnsRecordFilter {
                record_type: Some("A".into()),
                record_name: Some("layer2".into()),
                ..DnsRecordFilter::default()
            },
            &cancel,
        )
        .await
        .expect("filtered list");
    assert_eq!(listed.len(), 1);

    api.delete_dns_record("example.com", &id, &cancel)
        .await
        .expect("delete");
    let gone = api.get_dns_record("example.com", &id, &cancel).await;
    assert!(matches!(&gone, Err(e) if e.is_not_found()), "{gone:?}");
    let again = api.delete_dns_record("example.com", &id, &cancel).await;
    assert!(matches!(&again, Err(e) if e.is_not_found()), "{again:?}");
}

#[tokio::test]
async fn lists_are_read_page_by_page_to_the_end() {
    let sim = sim_with(SimConfig::for_tests()).await;
    let api = client_for(&sim, &sim.config().api_secret.clone(), 25);
    let cancel = CancellationToken::new();
    let before = api
        .list_dns_records("example.com", &DnsRecordFilter::default(), &cancel)
        .await
        .expect("list")
        .len();
    for i in 0..60 {
        api.create_dns_record(
            "example.com",
            &a_record(&format!("p{i}"), "192.0.2.9"),
            &cancel,
        )
        .await
        .expect("create");
    }
    let lists_before = route_count(&sim.stats(), "GET /v2/dns/{domainName}/records");
    let all = api
        .list_dns_records("example.com", &DnsRecordFilter::default(), &cancel)
        .await
        .expect("list");
    assert_eq!(all.len(), before + 60);
    let pages = route_count(&sim.stats(), "GET /v2/dns/{domainName}/records") - lists_before;
    assert_eq!(
        pages as usize,
        (before + 60).div_ceil(25),
        "one request per page"
    );
}

#[tokio::test]
async fn an_account_is_created_through_its_provisioning_job() {
    let sim = sim_with(SimConfig::for_tests()).await;
    let api = client(&sim);
    let cancel = CancellationToken::new();
    let packs = api.list_servicepacks(&cancel).await.expect("servicepacks");
    let pack = packs.first().expect("a seeded servicepack").id;

    let job = api
        .create_account(
            &CreateAccount {
                identifier: "layer2-client.be".into(),
                servicepack_id: pack,
                ftp_password: None,
            },
            &cancel,
        )
        .await
        .expect("create account");
    let mut polls = 0;
    let outcome = api
        .wait_for_job(&job.location, Duration::from_secs(20), &cancel, |_| {
            polls += 1
        })
        .await
        .expect("job finishes");
    let id: i64 = outcome
        .resource_id()
        .and_then(|s| s.parse().ok())
        .expect("the job links to the account");
    let account = api.get_account(id, &cancel).await.expect("account");
    assert_eq!(account.identifier, "layer2-client.be");
    let found = api
        .list_accounts(
            &AccountFilter {
                identifier: Some("layer2-client.be".into()),
                ..AccountFilter::default()
            },
            &cancel,
        )
        .await
        .expect("list accounts");
    assert_eq!(found.len(), 1);
    assert!(polls >= 1);
}

#[tokio::test]
async fn a_failed_job_is_an_error_naming_the_job() {
    let sim = sim_with(SimConfig::for_tests()).await;
    sim.fail_next_job();
    let api = client(&sim);
    let cancel = CancellationToken::new();
    let job = api
        .create_account(
            &CreateAccount {
                identifier: "doomed.be".into(),
                servicepack_id: 12,
                ftp_password: None,
            },
            &cancel,
        )
        .await
        .expect("the create itself is accepted");
    let err = api
        .wait_for_job(&job.job_id, Duration::from_secs(20), &cancel, |_| {})
        .await
        .expect_err("the job fails");
    assert!(matches!(err, Error::JobFailed { .. }), "{err:?}");
    assert!(err.to_string().contains(&job.job_id), "{err}");
}

#[tokio::test]
async fn a_wrong_secret_gives_an_explained_401() {
    let sim = sim_with(SimConfig::for_tests()).await;
    let api = client_for(&sim, "not-the-secret", 100);
    let err = api
        .list_servicepacks(&CancellationToken::new())
        .await
        .expect_err("refused");
    assert_eq!(err.status(), Some(401));
    assert!(
        err.codes().contains(&"authorization_hmac_invalid"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("allow-list") && text.contains("clock"),
        "{text}"
    );
    assert!(!text.contains("not-the-secret"));
}

#[tokio::test]
async fn validation_errors_keep_status_and_code() {
    let sim = sim_with(SimConfig::for_tests()).await;
    let api = client(&sim);
    let bad = DnsRecord {
        ttl: Some(10),
        ..a_record("bad", "192.0.2.1")
    };
    let err = api
        .create_dns_record("example.com", &bad, &CancellationToken::new())
        .await
        .expect_err("TTL 10 is refused");
    assert_eq!(err.status(), Some(400));
    assert!(!err.codes().is_empty(), "{err:?}");
    let wildcard = a_record("*", "192.0.2.1");
    let err = api
        .create_dns_record("example.com", &wildcard, &CancellationToken::new())
        .await
        .expect_err("wildcards are refused on create");
    assert!(err.codes().contains(&"dns_invalid_record_name"), "{err:?}");
}

#[tokio::test]
async fn rate_limited_requests_wait_and_all_succeed() {
    let sim = sim_with(SimConfig {
        rate_limit: Some(RateLimit {
            limit: 5,
            window: Duration::from_secs(1),
        }),
        ..SimConfig::for_tests()
    })
    .await;
    let api = client(&sim);
    let cancel = CancellationToken::new();
    for _ in 0..12 {
        api.list_servicepacks(&cancel)
            .await
            .expect("paced, then served");
    }
    let served = route_count(&sim.stats(), "GET /v2/servicepacks");
    assert!(served >= 12, "{}", sim.stats());
}
