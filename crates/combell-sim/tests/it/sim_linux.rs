//! Linux hostings, `GET /v2/ssh` and Windows hostings over real HTTP against an in-process
//! simulator: every operation's success answer (status, headers, exact body shape), each
//! validation rule, the 404s, and coherence with account creation.

use std::time::{Duration, Instant};

use crate::sim_support::{keys as keys_of, Api};
use combell_sim::{self as sim, SimConfig};
use serde_json::{json, Value};

const H: &str = "/v2/linuxhostings/example.com";
const SEED_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com";
const SEED_FP: &str = "31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f";
const OTHER_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPU2NVmPIi4Mdmlf8dLmZthfqYnOSNgnwkK3tnO41WDP ci@example.com";
const OTHER_FP: &str = "4d:4d:8a:5c:23:fe:ff:ac:d0:bb:fc:65:83:16:43:40";

impl Api {
    async fn detail(&self) -> Value {
        let answer = self.get(H).await;
        answer.expect(200);
        answer.json()
    }
}

#[tokio::test]
async fn lists_are_paged_and_details_have_every_field() {
    let api = Api::start().await;
    let list = api.get("/v2/linuxhostings").await;
    list.expect(200);
    assert_eq!(
        list.json(),
        json!([{"domain_name": "example.com", "servicepack_id": 12}])
    );
    assert_eq!(list.header("x-paging-skipped"), Some("0"));
    assert_eq!(list.header("x-paging-take"), Some("1"));
    assert_eq!(list.header("x-paging-totalresults"), Some("1"));
    let page = api.get("/v2/linuxhostings?skip=1&take=10").await;
    assert_eq!(page.json(), json!([]));
    assert_eq!(page.header("x-paging-totalresults"), Some("1"));
    api.get("/v2/linuxhostings?take=0")
        .await
        .refused(400, &["paging_take_invalid"]);

    let detail = api.detail().await;
    assert_eq!(
        keys_of(&detail),
        [
            "actual_size",
            "domain_name",
            "ftp_enabled",
            "ftp_username",
            "ip",
            "ip_type",
            "max_size",
            "max_webspace_size",
            "mysql_database_names",
            "php_version",
            "servicepack_id",
            "sites",
            "ssh_host",
            "ssh_username",
            "webspace_usage"
        ]
    );
    assert_eq!(detail["domain_name"], "example.com");
    assert_eq!(detail["ip_type"], "shared");
    assert_eq!(detail["php_version"], "8.2");
    assert_eq!(detail["ftp_enabled"], true);
    assert!(detail["actual_size"].is_i64() && detail["max_size"].is_i64());
    assert_eq!(
        detail["sites"][0],
        json!({
            "host_headers": [
                {"enabled": true, "name": "example.com"},
                {"enabled": true, "name": "www.example.com"}
            ],
            "http2_enabled": true,
            "https_redirect_enabled": true,
            "name": "example.com",
            "path": "/www",
            "ssl_enabled": true
        })
    );
    assert_eq!(detail["sites"][1]["name"], "blog.example.com");
    // Names in paths are case-insensitive, as domain names are.
    assert_eq!(
        api.get("/v2/linuxhostings/EXAMPLE.com").await.json(),
        detail
    );
    api.get("/v2/linuxhostings/nope.example")
        .await
        .refused(404, &["linux_hosting_not_found"]);
    api.get("/v2/linuxhostings/%E2%9C%93.example")
        .await
        .refused(404, &["linux_hosting_not_found"]);

    let versions = api.get(&format!("{H}/phpsettings/availableversions")).await;
    versions.expect(200);
    let versions = versions.json();
    assert!(versions
        .as_array()
        .unwrap()
        .contains(&json!({"version": "8.3"})));
    assert_eq!(keys_of(&versions[0]), ["version"]);

    let windows = api.get("/v2/windowshostings").await;
    windows.expect(200);
    assert_eq!(windows.json(), json!([]));
    assert_eq!(windows.header("x-paging-totalresults"), Some("0"));
    api.get("/v2/windowshostings/example.com")
        .await
        .refused(404, &["windows_hosting_not_found"]);
}

#[tokio::test]
async fn settings_are_stored_and_read_back_where_the_spec_shows_them() {
    let api = Api::start().await;
    api.put(&format!("{H}/ftp/configuration"), json!({"enabled": false}))
        .await
        .empty(204);
    assert_eq!(api.detail().await["ftp_enabled"], false);
    api.put(
        &format!("{H}/phpsettings/version"),
        json!({"version": "8.4", "extra": 1}),
    )
    .await
    .empty(204);
    assert_eq!(api.detail().await["php_version"], "8.4");

    // Write-only settings: accepted, stored, never shown.
    api.put(&format!("{H}/ssh/configuration"), json!({"enabled": false}))
        .await
        .empty(204);
    api.put(
        &format!("{H}/settings/gzipcompression"),
        json!({"enabled": false}),
    )
    .await
    .empty(204);
    api.put(
        &format!("{H}/phpsettings/apcu"),
        json!({"enabled": true, "apcu_size": 128}),
    )
    .await
    .empty(204);
    api.put(
        &format!("{H}/phpsettings/memorylimit"),
        json!({"memory_limit": 512}),
    )
    .await
    .empty(204);
    let hosting = api.sim.snapshot().linux.linux_hostings["example.com"].clone();
    assert!(!hosting.ssh_enabled && !hosting.gzip_enabled && hosting.apcu_enabled);
    assert_eq!((hosting.apcu_size, hosting.php_memory_limit), (128, 512));

    api.put(&format!("{H}/ftp/configuration"), json!({}))
        .await
        .refused(400, &["linux_ftp_enabled_required"]);
    api.put(&format!("{H}/ssh/configuration"), json!({"enabled": "yes"}))
        .await
        .refused(400, &["request_body_invalid"]);
    api.send(
        "PUT",
        &format!("{H}/settings/gzipcompression"),
        b"{not json",
    )
    .await
    .refused(400, &["request_body_invalid"]);
    api.send("PUT", &format!("{H}/settings/gzipcompression"), &[])
        .await
        .refused(400, &["request_body_required"]);
    api.put(&format!("{H}/phpsettings/apcu"), json!({"enabled": true}))
        .await
        .refused(400, &["linux_apcu_size_invalid"]);
    api.put(
        &format!("{H}/phpsettings/memorylimit"),
        json!({"memory_limit": 1}),
    )
    .await
    .refused(400, &["linux_memory_limit_invalid"]);
    api.put(
        &format!("{H}/phpsettings/memorylimit"),
        json!({"memory_limit": 99999999999i64}),
    )
    .await
    .refused(400, &["linux_memory_limit_invalid"]);
    api.put(
        &format!("{H}/phpsettings/version"),
        json!({"version": "4.4"}),
    )
    .await
    .refused(400, &["linux_php_version_invalid"]);
    api.put(&format!("{H}/phpsettings/version"), json!({}))
        .await
        .refused(400, &["linux_php_version_required"]);
    // A missing hosting is a 404 whatever the body holds.
    api.put(
        "/v2/linuxhostings/nope.example/ftp/configuration",
        json!({"enabled": true}),
    )
    .await
    .refused(404, &["linux_hosting_not_found"]);
    api.send(
        "PUT",
        "/v2/linuxhostings/nope.example/phpsettings/version",
        b"garbage",
    )
    .await
    .refused(404, &["linux_hosting_not_found"]);
    api.get("/v2/linuxhostings/nope.example/phpsettings/availableversions")
        .await
        .refused(404, &["linux_hosting_not_found"]);
}

#[tokio::test]
async fn scheduled_tasks_have_full_crud() {
    let api = Api::start().await;
    let tasks = api.get(&format!("{H}/scheduledtasks")).await;
    tasks.expect(200);
    assert_eq!(
        tasks.json(),
        json!([{"cron_expression": "0 3 * * *", "enabled": true, "id": "5001",
                "script_location": "/www/cron/cleanup.php"}])
    );
    let created = api
        .post(&format!("{H}/scheduledtasks"), json!({"id": "ignored", "cron_expression": "*/10 2 * * 1", "enabled": true, "script_location": "/www/job.php"}))
        .await;
    created.empty(201);
    let location = created.header("location").unwrap().to_string();
    assert_eq!(location, format!("{H}/scheduledtasks/5002"));
    let task = api.get(&location).await;
    task.expect(200);
    assert_eq!(
        task.json(),
        json!({"cron_expression": "*/10 2 * * 1", "enabled": true, "id": "5002", "script_location": "/www/job.php"})
    );
    api.put(&location, json!({"cron_expression": "0 4 * * *", "enabled": false, "script_location": "/www/other.php"})).await.empty(204);
    assert_eq!(api.get(&location).await.json()["enabled"], false);
    assert_eq!(
        api.get(&format!("{H}/scheduledtasks"))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    api.post(
        &format!("{H}/scheduledtasks"),
        json!({"cron_expression": "* * * * *", "script_location": "job.php"}),
    )
    .await
    .refused(
        400,
        &[
            "linux_cron_expression_invalid",
            "linux_script_location_invalid",
        ],
    );
    api.post(&format!("{H}/scheduledtasks"), json!({}))
        .await
        .refused(
            400,
            &[
                "linux_cron_expression_required",
                "linux_script_location_required",
            ],
        );
    api.put(
        &location,
        json!({"cron_expression": "0 99 * * *", "script_location": "/x"}),
    )
    .await
    .refused(400, &["linux_cron_expression_invalid"]);

    api.delete(&location).await.empty(204);
    api.get(&location)
        .await
        .refused(404, &["linux_scheduled_task_not_found"]);
    api.delete(&location)
        .await
        .refused(404, &["linux_scheduled_task_not_found"]);
    api.put(
        &location,
        json!({"cron_expression": "0 4 * * *", "script_location": "/x"}),
    )
    .await
    .refused(404, &["linux_scheduled_task_not_found"]);
}

#[tokio::test]
async fn ssh_keys_by_fingerprint_and_account_wide() {
    let api = Api::start().await;
    let keys = api.get(&format!("{H}/ssh/keys")).await;
    keys.expect(200);
    assert_eq!(
        keys.json(),
        json!([{"fingerprint": SEED_FP, "public_key": SEED_KEY}])
    );

    let added = api
        .post(
            &format!("{H}/ssh/keys"),
            json!({"public_key": format!("  {OTHER_KEY}\n"), "fingerprint": "ignored"}),
        )
        .await;
    added.empty(201);
    assert_eq!(
        added.header("location"),
        Some(format!("{H}/ssh/keys/{OTHER_FP}").as_str())
    );
    let keys = api.get(&format!("{H}/ssh/keys")).await.json();
    assert_eq!(
        keys[1],
        json!({"fingerprint": OTHER_FP, "public_key": OTHER_KEY})
    );

    api.post(&format!("{H}/ssh/keys"), json!({"public_key": OTHER_KEY}))
        .await
        .refused(400, &["ssh_key_already_exists"]);
    api.post(
        &format!("{H}/ssh/keys"),
        json!({"public_key": "ssh-ed25519 AAAA"}),
    )
    .await
    .refused(400, &["ssh_key_invalid"]);
    api.post(&format!("{H}/ssh/keys"), json!({}))
        .await
        .refused(400, &["ssh_key_public_key_required"]);

    let all = api.get("/v2/ssh").await;
    all.expect(200);
    assert_eq!(all.header("x-paging-totalresults"), Some("2"));
    assert_eq!(
        all.json()[0],
        json!({"fingerprint": SEED_FP, "linux_hostings": ["example.com"], "public_key": SEED_KEY})
    );
    let page = api.get("/v2/ssh?skip=1&take=1").await;
    assert_eq!(page.json()[0]["fingerprint"], OTHER_FP);

    api.delete(&format!("{H}/ssh/keys/{OTHER_FP}"))
        .await
        .empty(204);
    api.delete(&format!("{H}/ssh/keys/{OTHER_FP}"))
        .await
        .refused(404, &["linux_ssh_key_not_found"]);
    // The fingerprint may come without colons, or upper-case with ssh-keygen's prefix.
    api.delete(&format!("{H}/ssh/keys/MD5:{}", SEED_FP.to_uppercase()))
        .await
        .empty(204);
    assert_eq!(api.get("/v2/ssh").await.json(), json!([]));
    api.delete(&format!("{H}/ssh/keys/not-a-fingerprint"))
        .await
        .refused(400, &["linux_ssh_key_fingerprint_invalid"]);
}

#[tokio::test]
async fn subsites_host_headers_and_ssl_settings() {
    let api = Api::start().await;
    let created = api
        .post(
            &format!("{H}/subsites"),
            json!({"domain_name": "shop.example.com"}),
        )
        .await;
    created.empty(201);
    assert_eq!(
        created.header("location"),
        Some(format!("{H}/subsites/shop.example.com").as_str())
    );
    let detail = api.detail().await;
    assert_eq!(
        detail["sites"][2],
        json!({"host_headers": [{"enabled": true, "name": "shop.example.com"}],
               "http2_enabled": false, "https_redirect_enabled": false,
               "name": "shop.example.com", "path": "/subsites/shop.example.com", "ssl_enabled": false})
    );
    api.post(
        &format!("{H}/subsites"),
        json!({"domain_name": "new.example.com"}),
    )
    .await
    .refused(400, &["linux_subsite_path_not_found"]);
    api.post(
        &format!("{H}/subsites"),
        json!({"domain_name": "new.example.com", "path": "/data"}),
    )
    .await
    .empty(201);
    api.post(
        &format!("{H}/subsites"),
        json!({"domain_name": "new.example.com", "path": "/data"}),
    )
    .await
    .refused(400, &["linux_subsite_already_exists"]);
    api.post(&format!("{H}/subsites"), json!({"path": "/data"}))
        .await
        .refused(400, &["linux_subsite_domain_name_required"]);

    let header = api
        .post(
            &format!("{H}/sites/shop.example.com/hostheaders"),
            json!({"domain_name": "shop.example.net"}),
        )
        .await;
    header.empty(201);
    assert!(header
        .header("location")
        .unwrap()
        .ends_with("/hostheaders/shop.example.net"));
    assert_eq!(
        api.detail().await["sites"][2]["host_headers"][1],
        json!({"enabled": true, "name": "shop.example.net"})
    );
    api.post(
        &format!("{H}/sites/shop.example.com/hostheaders"),
        json!({"domain_name": "www.example.com"}),
    )
    .await
    .refused(400, &["linux_host_header_already_exists"]);
    api.post(
        &format!("{H}/sites/nope.example.com/hostheaders"),
        json!({"domain_name": "x.example.net"}),
    )
    .await
    .refused(404, &["linux_site_not_found"]);

    // HTTP/2 needs SSL, which Let's Encrypt on one of the site's names provides.
    let http2 = format!("{H}/sites/shop.example.com/http2/configuration");
    api.put(&http2, json!({"enabled": true}))
        .await
        .refused(400, &["linux_http2_requires_ssl"]);
    api.put(
        &format!("{H}/sslsettings/shop.example.net/letsencrypt"),
        json!({"enabled": true}),
    )
    .await
    .empty(204);
    api.put(&http2, json!({"enabled": true})).await.empty(204);
    api.put(
        &format!("{H}/sslsettings/shop.example.com/autoredirect"),
        json!({"enabled": true}),
    )
    .await
    .empty(204);
    let site = api.detail().await["sites"][2].clone();
    assert_eq!(
        (
            site["ssl_enabled"].clone(),
            site["http2_enabled"].clone(),
            site["https_redirect_enabled"].clone()
        ),
        (json!(true), json!(true), json!(true))
    );
    api.put(
        &format!("{H}/sslsettings/elsewhere.be/letsencrypt"),
        json!({"enabled": true}),
    )
    .await
    .refused(404, &["linux_hostname_not_found"]);
    api.put(
        &format!("{H}/sslsettings/shop.example.com/autoredirect"),
        json!({}),
    )
    .await
    .refused(400, &["linux_auto_redirect_enabled_required"]);

    api.delete(&format!("{H}/subsites/shop.example.com"))
        .await
        .empty(204);
    api.delete(&format!("{H}/subsites/shop.example.com"))
        .await
        .refused(404, &["linux_site_not_found"]);
    api.delete(&format!("{H}/subsites/example.com"))
        .await
        .refused(400, &["linux_main_site_not_deletable"]);
    assert!(!api.detail().await["sites"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "shop.example.com"));
}

async fn create_account(api: &Api, identifier: &str, servicepack_id: i32) {
    let created = api
        .post(
            "/v2/accounts",
            json!({"identifier": identifier, "servicepack_id": servicepack_id}),
        )
        .await;
    created.empty(202);
    let job = created.header("location").unwrap().to_string();
    let started = Instant::now();
    loop {
        let answer = api.get(&job).await;
        if answer.status == 201 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{}",
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn account_creation_provisions_the_servicepacks_hosting() {
    let api = Api::start().await;
    api.get("/v2/linuxhostings/fresh.example")
        .await
        .refused(404, &["linux_hosting_not_found"]);
    create_account(&api, "fresh.example", 13).await;
    create_account(&api, "win.example", 14).await;
    create_account(&api, "domainonly.example", 11).await;

    let list = api.get("/v2/linuxhostings").await.json();
    assert_eq!(
        list,
        json!([{"domain_name": "example.com", "servicepack_id": 12},
               {"domain_name": "fresh.example", "servicepack_id": 13}])
    );
    let fresh = api.get("/v2/linuxhostings/fresh.example").await.json();
    assert_eq!(fresh["sites"][0]["name"], "fresh.example");
    assert_eq!(fresh["sites"][0]["ssl_enabled"], false);
    assert_eq!(fresh["ftp_username"], "freshexample");
    assert_eq!(
        api.get("/v2/linuxhostings/fresh.example/scheduledtasks")
            .await
            .json(),
        json!([])
    );
    api.post(
        "/v2/linuxhostings/fresh.example/subsites",
        json!({"domain_name": "blog.fresh.example", "path": "/data"}),
    )
    .await
    .empty(201);

    let windows = api.get("/v2/windowshostings").await;
    assert_eq!(
        windows.json(),
        json!([{"domain_name": "win.example", "servicepack_id": 14}])
    );
    let detail = api.get("/v2/windowshostings/win.example").await;
    detail.expect(200);
    let detail = detail.json();
    assert_eq!(
        keys_of(&detail),
        [
            "actual_size",
            "application_pool",
            "domain_name",
            "ftp_username",
            "ip",
            "ip_type",
            "max_size",
            "mssql_database_names",
            "servicepack_id",
            "sites"
        ]
    );
    assert_eq!(
        keys_of(&detail["application_pool"]),
        ["installed_net_core_runtimes", "pipeline_mode", "runtime"]
    );
    assert_eq!(keys_of(&detail["sites"][0]), ["bindings", "name", "path"]);
    assert_eq!(
        keys_of(&detail["sites"][0]["bindings"][0]),
        [
            "cert_thumbprint",
            "host_name",
            "ip_address",
            "port",
            "protocol",
            "ssl_enabled"
        ]
    );
    api.get("/v2/linuxhostings/win.example")
        .await
        .refused(404, &["linux_hosting_not_found"]);

    // Reset brings back the seed, and only the seed.
    api.sim.reset();
    assert_eq!(
        api.get("/v2/linuxhostings")
            .await
            .header("x-paging-totalresults"),
        Some("1")
    );
    assert_eq!(api.get("/v2/windowshostings").await.json(), json!([]));
}

#[tokio::test]
async fn odd_requests_get_clear_answers() {
    let api = Api::start().await;
    // Paths exist without these methods.
    api.delete(H).await.refused(405, &["method_not_allowed"]);
    api.post("/v2/linuxhostings", json!({}))
        .await
        .refused(405, &["method_not_allowed"]);
    api.get(&format!("{H}/subsites"))
        .await
        .refused(405, &["method_not_allowed"]);
    // The spec's duplicated query copies of path parameters are neither needed nor harmful.
    api.get(&format!("{H}?domain_name=other.example"))
        .await
        .expect(200);
    // Unicode and percent-encoded names are names like any other: not found, never a crash.
    api.put(
        &format!("{H}/sites/%C3%A9t%C3%A9.be/http2/configuration"),
        json!({"enabled": true}),
    )
    .await
    .refused(404, &["linux_site_not_found"]);
    api.post(
        &format!("{H}/subsites"),
        json!({"domain_name": "ÉTÉ.example.com", "path": "/data"}),
    )
    .await
    .refused(400, &["linux_subsite_domain_name_invalid"]);
    api.post(
        &format!("{H}/subsites"),
        json!({"domain_name": "x.example.com", "path": "/data/../etc"}),
    )
    .await
    .refused(400, &["linux_subsite_path_invalid"]);
    api.get(&format!("{H}/scheduledtasks/%20"))
        .await
        .refused(404, &["linux_scheduled_task_not_found"]);
    api.get("/v2/ssh?take=99999999999")
        .await
        .refused(400, &["paging_take_invalid"]);
    api.get("/v2/windowshostings?take=2147483647")
        .await
        .expect(200);
    api.put(
        &format!("{H}/phpsettings/apcu"),
        json!({"enabled": true, "apcu_size": 1e300}),
    )
    .await
    .refused(400, &["request_body_invalid"]);
    api.post(
        &format!("{H}/ssh/keys"),
        json!({"public_key": format!("ssh-ed25519 {}", "A".repeat(100_000))}),
    )
    .await
    .refused(400, &["ssh_key_invalid"]);
    // None of that changed anything.
    assert_eq!(api.sim.snapshot(), {
        let fresh = Api::start().await;
        fresh.sim.snapshot()
    });
}

#[tokio::test]
async fn concurrent_creates_get_distinct_ids_and_the_state_file_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = SimConfig {
        state_file: Some(path.clone()),
        ..SimConfig::for_tests()
    };
    let api = std::sync::Arc::new(Api {
        sim: sim::start(config.clone()).await.unwrap(),
        http: reqwest::Client::new(),
    });
    let mut writers = tokio::task::JoinSet::new();
    for n in 0..16 {
        let api = api.clone();
        writers.spawn(async move {
            let answer = api
                .post(
                    &format!("{H}/scheduledtasks"),
                    json!({"cron_expression": format!("{n} 1 * * *"), "script_location": "/www/a.php"}),
                )
                .await;
            answer.empty(201);
            answer.header("location").unwrap().to_string()
        });
    }
    let mut locations = writers.join_all().await;
    locations.sort();
    locations.dedup();
    assert_eq!(locations.len(), 16);
    api.put(
        &format!("{H}/phpsettings/memorylimit"),
        json!({"memory_limit": 1024}),
    )
    .await
    .empty(204);
    let before = api.sim.snapshot();

    // The file is rewritten before each answer, so a second simulator reads it all back.
    let again = sim::start(config).await.unwrap();
    let after = again.snapshot();
    assert_eq!(after.linux, before.linux);
    let hosting = &after.linux.linux_hostings["example.com"];
    assert_eq!(hosting.scheduled_tasks.len(), 17);
    assert_eq!(hosting.php_memory_limit, 1024);
}
