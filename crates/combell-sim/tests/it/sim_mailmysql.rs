//! Mailboxes, mail zones and MySQL databases of the simulator over real HTTP: an in-process
//! instance per test, requests signed with the client's signer.

use crate::sim_support::{Answer, Api};
use combell_sim::{self as sim, SimConfig};
use serde_json::{json, Value};

impl Api {
    async fn call(&self, method: &str, pq: &str, body: Option<Value>) -> Answer {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send(method, pq, &bytes).await
    }

    /// A 202 with an empty body and a job in `Location`; returns the job's final answer.
    async fn through_job(&self, accepted: &Answer) -> Answer {
        accepted.empty(202);
        let location = accepted.header("location").unwrap();
        let job_id = location.strip_prefix("/v2/provisioningjobs/").unwrap();
        assert!(uuid::Uuid::parse_str(job_id).is_ok(), "{location}");
        self.finish_job(location).await
    }
}

#[tokio::test]
async fn seeded_mail_and_mysql_read_back_in_the_spec_shapes() {
    let api = Api::start().await;
    let list = api.get("/v2/mailboxes?domain_name=example.com").await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.json(),
        json!([{"name": "info@example.com", "max_size": 5120, "actual_size": 12}])
    );
    assert_eq!(
        api.get("/v2/mailboxes")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.get("/v2/mailboxes?domain_name=example.net")
            .await
            .json(),
        json!([])
    );

    let expected = json!({
        "name": "info@example.com", "max_size": 5120, "actual_size": 12,
        "login": "info@example.com",
        "auto_forward": {"enabled": false, "email_addresses": [], "copy_to_myself": false},
        "auto_reply": {"enabled": false, "subject": "", "message": ""}
    });
    for path in [
        "/v2/mailboxes/info@example.com",
        "/v2/mailboxes/info%40example.com",
        "/v2/mailboxes/INFO@Example.com",
        // The spec's duplicated query copies are neither needed nor in the way.
        "/v2/mailboxes/info@example.com?mailbox_name=info@example.com",
    ] {
        let detail = api.get(path).await;
        assert_eq!(detail.status, 200, "{path}");
        assert_eq!(detail.json(), expected, "{path}");
    }

    let zone = api.get("/v2/mailzones/example.com").await;
    assert_eq!(zone.status, 200);
    assert_eq!(
        zone.json(),
        json!({
            "name": "example.com", "enabled": true,
            "available_accounts": [{"account_id": 1001, "size": 5120}],
            "aliases": [{"email_address": "sales@example.com", "destinations": ["info@example.com"]}],
            "catch_all": {"email_addresses": []},
            "anti_spam": {"type": "basic", "allowed_types": ["none", "basic"]},
            "smtp_domains": []
        })
    );

    let databases = api.get("/v2/mysqldatabases").await;
    assert_eq!(databases.status, 200);
    assert_eq!(databases.number("x-paging-skipped"), 0);
    assert_eq!(databases.number("x-paging-take"), 1);
    assert_eq!(databases.number("x-paging-totalresults"), 1);
    let shop = json!({
        "name": "ID1001_shop", "hostname": "ID1001_shop.db.webhosting.be", "account_id": 1001,
        "max_size": 1024, "actual_size": 3, "user_count": 2
    });
    assert_eq!(databases.json(), json!([shop]));
    let empty_page = api.get("/v2/mysqldatabases?skip=1&take=10").await;
    assert_eq!(empty_page.json(), json!([]));
    assert_eq!(empty_page.number("x-paging-totalresults"), 1);
    assert_eq!(api.get("/v2/mysqldatabases/id1001_shop").await.json(), shop);
    let users = api.get("/v2/mysqldatabases/ID1001_shop/users").await;
    assert_eq!(users.status, 200);
    assert_eq!(
        users.json(),
        json!([
            {"name": "ID1001_shop", "enabled": true, "rights": "read_and_write"},
            {"name": "reporting", "enabled": true, "rights": "read_only"}
        ])
    );

    for (path, code) in [
        ("/v2/mailboxes/nobody@example.com", "mailbox_not_found"),
        ("/v2/mailzones/example.net", "mailzone_not_found"),
        ("/v2/mysqldatabases/ID1001_nope", "mysql_database_not_found"),
        (
            "/v2/mysqldatabases/ID1001_nope/users",
            "mysql_database_not_found",
        ),
    ] {
        let missing = api.get(path).await;
        assert_eq!(missing.status, 404, "{path}");
        assert_eq!(missing.codes(), [code]);
        assert!(missing.json()["error_text"].is_string());
    }
}

#[tokio::test]
async fn mailbox_lifecycle() {
    let api = Api::start().await;
    let created = api
        .post(
            "/v2/mailboxes",
            json!({"account_id": 1001, "email_address": "Jan@Example.com",
                   "password": "s3cretpass", "unknown": [1, 2]}),
        )
        .await;
    created.empty(201);
    let location = created.header("location").unwrap().to_string();
    assert_eq!(location, "/v2/mailboxes/jan@example.com");
    let names: Vec<Value> = api
        .get("/v2/mailboxes?domain_name=example.com")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].clone())
        .collect();
    assert_eq!(names, [json!("info@example.com"), json!("jan@example.com")]);

    api.put(
        "/v2/mailboxes/jan%40example.com/autoforward",
        json!({"enabled": true, "email_addresses": ["Boss@Example.org"], "copy_to_myself": true}),
    )
    .await
    .empty(204);
    api.put(
        &format!("{location}/autoreply"),
        json!({"enabled": true, "subject": "Away", "message": "Back on Monday."}),
    )
    .await
    .empty(204);
    api.put(
        &format!("{location}/password"),
        json!({"password": "an0therpass"}),
    )
    .await
    .empty(204);
    let detail = api.get(&location).await.json();
    assert_eq!(
        detail["auto_forward"],
        json!({"enabled": true, "email_addresses": ["boss@example.org"], "copy_to_myself": true})
    );
    assert_eq!(
        detail["auto_reply"],
        json!({"enabled": true, "subject": "Away", "message": "Back on Monday."})
    );
    assert!(detail.get("password").is_none());

    let refusals = [
        (
            "POST",
            "/v2/mailboxes".to_string(),
            json!({"account_id": 1001, "email_address": "jan@example.com", "password": "abc"}),
            vec!["mailbox_already_exists", "mailbox_password_invalid"],
        ),
        (
            "POST",
            "/v2/mailboxes".to_string(),
            json!({"account_id": 1002, "email_address": "a@example.net", "password": "abcdef12"}),
            vec!["mailbox_mail_zone_not_found"],
        ),
        (
            "POST",
            "/v2/mailboxes".to_string(),
            json!({"account_id": 7, "email_address": "b@example.com", "password": "abcd{ef12"}),
            vec!["mailbox_account_id_invalid", "mailbox_password_invalid"],
        ),
        (
            "POST",
            "/v2/mailboxes".to_string(),
            json!({}),
            vec![
                "mailbox_email_address_required",
                "mailbox_account_id_required",
                "mailbox_password_required",
            ],
        ),
        (
            "PUT",
            format!("{location}/password"),
            json!({"password": "no digits here"}),
            vec!["mailbox_password_invalid"],
        ),
        (
            "PUT",
            format!("{location}/autoforward"),
            json!({"enabled": true, "email_addresses": []}),
            vec!["mailbox_autoforward_addresses_required"],
        ),
        (
            "PUT",
            format!("{location}/autoforward"),
            json!({"enabled": true, "email_addresses": ["jan@example.com", "not-an-address"]}),
            vec![
                "mailbox_autoforward_to_itself",
                "mailbox_autoforward_address_invalid",
            ],
        ),
        (
            "PUT",
            format!("{location}/autoreply"),
            json!({"enabled": true, "subject": "x"}),
            vec!["mailbox_autoreply_message_required"],
        ),
    ];
    for (method, path, body, codes) in refusals {
        let refused = api.call(method, &path, Some(body)).await;
        assert_eq!(refused.status, 400, "{method} {path}: {}", refused.body);
        assert_eq!(refused.codes(), codes, "{method} {path}");
    }
    let malformed = api
        .send("POST", "/v2/mailboxes", b"{\"account_id\": ")
        .await;
    malformed.refused(400, &["request_body_invalid"]);
    let wrong_type = api
        .put(
            &format!("{location}/autoforward"),
            json!({"enabled": "yes"}),
        )
        .await;
    assert_eq!(wrong_type.codes(), ["request_body_invalid"]);
    let no_body = api.call("PUT", &format!("{location}/password"), None).await;
    assert_eq!(no_body.codes(), ["request_body_required"]);
    let elsewhere = api
        .put(
            "/v2/mailboxes/ghost@example.com/password",
            json!({"password": "abcdef12"}),
        )
        .await;
    elsewhere.refused(404, &["mailbox_not_found"]);

    api.delete("/v2/mailboxes/JAN%40example.com")
        .await
        .empty(204);
    assert_eq!(api.get(&location).await.status, 404);
    let again = api.delete(&location).await;
    again.refused(404, &["mailbox_not_found"]);
}

#[tokio::test]
async fn mail_zone_aliases_antispam_catch_all_and_smtp_domains() {
    let api = Api::start().await;
    let zone = "/v2/mailzones/example.com";

    let alias = api
        .post(
            &format!("{zone}/aliases"),
            json!({"email_address": "Team@example.com", "destinations": ["info@example.com", "x@partner.be"]}),
        )
        .await;
    alias.empty(201);
    let alias_path = alias.header("location").unwrap().to_string();
    assert_eq!(
        alias_path,
        "/v2/mailzones/example.com/aliases/team@example.com"
    );
    api.put(&alias_path, json!({"destinations": ["info@example.com"]}))
        .await
        .empty(202);
    api.put(&format!("{zone}/antispam"), json!({"type": "none"}))
        .await
        .empty(204);
    let catch_all = api
        .post(
            &format!("{zone}/catchall"),
            json!({"email_address": "info@example.com"}),
        )
        .await;
    catch_all.empty(201);
    assert_eq!(
        catch_all.header("location"),
        Some("/v2/mailzones/example.com/catchall/info@example.com")
    );
    let smtp = api
        .post(
            &format!("{zone}/smtpdomains"),
            json!({"hostname": "example.be"}),
        )
        .await;
    smtp.empty(201);
    let smtp_path = smtp.header("location").unwrap().to_string();
    assert_eq!(
        smtp_path,
        "/v2/mailzones/example.com/smtpdomains/example.be"
    );
    api.put(&smtp_path, json!({"enabled": false}))
        .await
        .empty(202);

    let read = api.get(zone).await.json();
    assert_eq!(
        read["aliases"][1],
        json!({"email_address": "team@example.com", "destinations": ["info@example.com"]})
    );
    assert_eq!(read["anti_spam"]["type"], "none");
    assert_eq!(
        read["catch_all"],
        json!({"email_addresses": ["info@example.com"]})
    );
    assert_eq!(
        read["smtp_domains"],
        json!([{"hostname": "example.be", "enabled": false}])
    );

    let refusals = [
        (
            "POST",
            format!("{zone}/aliases"),
            json!({"email_address": "team@example.com", "destinations": ["a@b.be"]}),
            vec!["mailzone_alias_already_exists"],
        ),
        (
            "POST",
            format!("{zone}/aliases"),
            json!({"email_address": "info@example.com", "destinations": ["a@b.be"]}),
            vec!["mailzone_alias_is_a_mailbox"],
        ),
        (
            "POST",
            format!("{zone}/aliases"),
            json!({"email_address": "x@example.org", "destinations": []}),
            vec![
                "mailzone_alias_wrong_domain",
                "mailzone_alias_destinations_required",
            ],
        ),
        (
            "PUT",
            alias_path.clone(),
            json!({"destinations": ["team@example.com"]}),
            vec!["mailzone_alias_destination_is_alias"],
        ),
        (
            "PUT",
            format!("{zone}/antispam"),
            json!({"type": "advanced"}),
            vec!["mailzone_antispam_type_not_allowed"],
        ),
        (
            "PUT",
            format!("{zone}/antispam"),
            json!({"type": "paranoid"}),
            vec!["mailzone_antispam_type_invalid"],
        ),
        (
            "POST",
            format!("{zone}/catchall"),
            json!({"email_address": "info@example.com"}),
            vec!["mailzone_catchall_already_exists"],
        ),
        (
            "POST",
            format!("{zone}/catchall"),
            json!({"email_address": "nope"}),
            vec!["mailzone_catchall_email_address_invalid"],
        ),
        (
            "POST",
            format!("{zone}/smtpdomains"),
            json!({"hostname": "example.be"}),
            vec!["mailzone_smtp_domain_already_exists"],
        ),
        (
            "POST",
            format!("{zone}/smtpdomains"),
            json!({}),
            vec!["mailzone_smtp_domain_hostname_required"],
        ),
    ];
    for (method, path, body, codes) in refusals {
        let refused = api.call(method, &path, Some(body)).await;
        assert_eq!(refused.status, 400, "{method} {path}: {}", refused.body);
        assert_eq!(refused.codes(), codes, "{method} {path}");
    }

    api.delete(&alias_path).await.empty(204);
    api.delete("/v2/mailzones/example.com/catchall/info%40example.com")
        .await
        .empty(204);
    api.delete(&smtp_path).await.empty(204);
    let read = api.get(zone).await.json();
    assert_eq!(read["aliases"].as_array().unwrap().len(), 1);
    assert_eq!(read["catch_all"]["email_addresses"], json!([]));
    assert_eq!(read["smtp_domains"], json!([]));

    for (method, path, code) in [
        ("DELETE", alias_path.clone(), "mailzone_alias_not_found"),
        ("PUT", alias_path.clone(), "mailzone_alias_not_found"),
        (
            "DELETE",
            smtp_path.clone(),
            "mailzone_smtp_domain_not_found",
        ),
        ("PUT", smtp_path.clone(), "mailzone_smtp_domain_not_found"),
        (
            "DELETE",
            format!("{zone}/catchall/info@example.com"),
            "mailzone_catchall_not_found",
        ),
        (
            "POST",
            "/v2/mailzones/nowhere.be/aliases".to_string(),
            "mailzone_not_found",
        ),
        (
            "PUT",
            "/v2/mailzones/nowhere.be/antispam".to_string(),
            "mailzone_not_found",
        ),
    ] {
        let body = (method != "DELETE").then(|| json!({"destinations": ["a@b.be"]}));
        let missing = api.call(method, &path, body).await;
        assert_eq!(missing.status, 404, "{method} {path}");
        assert_eq!(missing.codes(), [code], "{method} {path}");
    }
}

#[tokio::test]
async fn mysql_databases_and_users_go_through_jobs() {
    let api = Api::start().await;
    let accepted = api
        .post(
            "/v2/mysqldatabases",
            json!({"account_id": 1001, "database_name": "blog", "password": "dbpass123"}),
        )
        .await;
    let done = api.through_job(&accepted).await;
    assert_eq!(done.status, 201);
    assert_eq!(
        done.json()["resource_links"],
        json!(["/v2/mysqldatabases/ID1001_blog"])
    );
    assert_eq!(
        done.header("location"),
        Some("/v2/mysqldatabases/ID1001_blog")
    );
    let blog = api.get("/v2/mysqldatabases/ID1001_blog").await;
    assert_eq!(
        blog.json(),
        json!({"name": "ID1001_blog", "hostname": "ID1001_blog.db.webhosting.be",
               "account_id": 1001, "max_size": 1024, "actual_size": 0, "user_count": 1})
    );
    assert_eq!(
        api.get("/v2/mysqldatabases")
            .await
            .number("x-paging-totalresults"),
        2
    );

    let user = api
        .post(
            "/v2/mysqldatabases/id1001_blog/users",
            json!({"name": "reader", "password": "readpass1"}),
        )
        .await;
    let done = api.through_job(&user).await;
    assert_eq!(done.status, 201);
    assert_eq!(
        done.json()["resource_links"],
        json!(["/v2/mysqldatabases/ID1001_blog/users/reader"])
    );
    let users = api.get("/v2/mysqldatabases/ID1001_blog/users").await.json();
    assert_eq!(
        users[1],
        json!({"name": "reader", "enabled": true, "rights": "read_only"})
    );
    let reader = "/v2/mysqldatabases/ID1001_blog/users/reader";
    api.put(&format!("{reader}/status"), json!({"enabled": false}))
        .await
        .empty(204);
    api.put(
        &format!("{reader}/password"),
        json!({"password": "newpass12"}),
    )
    .await
    .empty(204);
    assert_eq!(
        api.get("/v2/mysqldatabases/ID1001_blog/users").await.json()[1]["enabled"],
        false
    );

    let refusals = [
        (
            "POST",
            "/v2/mysqldatabases".to_string(),
            json!({"account_id": 1001, "database_name": "blog", "password": "dbpass123"}),
            vec!["mysql_database_already_exists"],
        ),
        (
            "POST",
            "/v2/mysqldatabases".to_string(),
            json!({"account_id": 1002, "database_name": "Bad-Name", "password": "x"}),
            vec![
                "mysql_account_has_no_mysql",
                "mysql_database_name_invalid",
                "mysql_password_invalid",
            ],
        ),
        (
            "POST",
            "/v2/mysqldatabases".to_string(),
            json!({"account_id": 4242, "database_name": "fifteenchars123", "password": "abcdef12"}),
            vec!["mysql_account_id_invalid", "mysql_database_name_too_long"],
        ),
        (
            "POST",
            "/v2/mysqldatabases/ID1001_blog/users".to_string(),
            json!({"name": "reader", "password": "readpass1"}),
            vec!["mysql_user_already_exists"],
        ),
        (
            "POST",
            "/v2/mysqldatabases/ID1001_blog/users".to_string(),
            json!({"name": "x", "password": "readpass1"}),
            vec!["mysql_user_name_invalid"],
        ),
        (
            "POST",
            "/v2/mysqldatabases/ID1001_blog/users".to_string(),
            json!({"name": "Has Spaces", "password": "has space1"}),
            vec!["mysql_user_name_invalid", "mysql_password_invalid"],
        ),
        (
            "PUT",
            format!("{reader}/password"),
            json!({"password": "abc$def12"}),
            vec!["mysql_password_invalid"],
        ),
    ];
    for (method, path, body, codes) in refusals {
        let refused = api.call(method, &path, Some(body)).await;
        assert_eq!(refused.status, 400, "{method} {path}: {}", refused.body);
        assert_eq!(refused.codes(), codes, "{method} {path}");
    }

    let owner = api
        .delete("/v2/mysqldatabases/ID1001_blog/users/ID1001_blog")
        .await;
    owner.refused(400, &["mysql_user_not_deletable"]);
    api.delete(reader).await.empty(204);
    let gone = api.delete(reader).await;
    gone.refused(404, &["mysql_user_not_found"]);
    let status_of_ghost = api
        .put(&format!("{reader}/status"), json!({"enabled": true}))
        .await;
    assert_eq!(status_of_ghost.codes(), ["mysql_user_not_found"]);

    api.delete("/v2/mysqldatabases/id1001_blog")
        .await
        .empty(204);
    assert_eq!(api.get("/v2/mysqldatabases/ID1001_blog").await.status, 404);
    assert_eq!(
        api.delete("/v2/mysqldatabases/ID1001_blog").await.status,
        404
    );

    // An armed failure: the job ends failed and no database appears.
    api.sim.fail_next_job();
    let doomed = api
        .post(
            "/v2/mysqldatabases",
            json!({"account_id": 1001, "database_name": "doomed", "password": "abcdef12"}),
        )
        .await;
    let failed = api.through_job(&doomed).await;
    assert_eq!(failed.status, 200);
    assert_eq!(failed.json()["status"], "failed");
    assert_eq!(
        api.get("/v2/mysqldatabases/ID1001_doomed").await.status,
        404
    );
}

#[tokio::test]
async fn accounts_with_mail_get_a_mail_zone_and_reset_restores_the_seed() {
    let api = Api::start().await;
    let accepted = api
        .post(
            "/v2/accounts",
            json!({"identifier": "post.example.org", "servicepack_id": 15}),
        )
        .await;
    let done = api.through_job(&accepted).await;
    assert_eq!(done.status, 201);
    let account_id: i64 = done.json()["resource_links"][0]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let zone = api.get("/v2/mailzones/post.example.org").await;
    assert_eq!(zone.status, 200);
    let zone = zone.json();
    assert_eq!(
        zone["available_accounts"],
        json!([{"account_id": account_id, "size": 5120}])
    );
    assert_eq!(
        zone["anti_spam"]["allowed_types"],
        json!(["none", "basic", "advanced"])
    );
    api.post(
        "/v2/mailboxes",
        json!({"account_id": account_id, "email_address": "hello@post.example.org",
               "password": "hell0world"}),
    )
    .await
    .empty(201);
    api.put(
        "/v2/mailzones/post.example.org/antispam",
        json!({"type": "advanced"}),
    )
    .await
    .empty(204);
    // A Mail Only account has no MySQL.
    let no_mysql = api
        .post(
            "/v2/mysqldatabases",
            json!({"account_id": account_id, "database_name": "x", "password": "abcdef12"}),
        )
        .await;
    assert_eq!(no_mysql.codes(), ["mysql_account_has_no_mysql"]);

    let domain_only = api
        .post(
            "/v2/accounts",
            json!({"identifier": "bare.example.org", "servicepack_id": 11}),
        )
        .await;
    assert_eq!(api.through_job(&domain_only).await.status, 201);
    assert_eq!(api.get("/v2/mailzones/bare.example.org").await.status, 404);

    api.sim.reset();
    assert_eq!(api.get("/v2/mailzones/post.example.org").await.status, 404);
    assert_eq!(
        api.get("/v2/mailboxes")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(api.get("/v2/mysqldatabases/ID1001_shop").await.status, 200);
}

#[tokio::test]
async fn the_state_file_keeps_mail_and_mysql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = SimConfig {
        state_file: Some(path.clone()),
        ..SimConfig::for_tests()
    };
    let sim = sim::start(config.clone()).await.unwrap();
    let api = Api {
        sim,
        http: reqwest::Client::new(),
    };
    api.post(
        "/v2/mailboxes",
        json!({"account_id": 1001, "email_address": "kept@example.com", "password": "abcdef12"}),
    )
    .await
    .empty(201);
    drop(api);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("kept@example.com"));
    assert!(
        !text.contains("abcdef12"),
        "passwords never reach the state file"
    );
    let sim = sim::start(config).await.unwrap();
    let api = Api {
        sim,
        http: reqwest::Client::new(),
    };
    assert_eq!(api.get("/v2/mailboxes/kept@example.com").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn odd_names_and_concurrent_writers() {
    let api = std::sync::Arc::new(Api::start().await);
    for path in [
        "/v2/mailboxes/%C3%A9t%C3%A9@example.com",
        "/v2/mailboxes/info%2540example.com",
        "/v2/mailboxes/%FF%FE",
        "/v2/mysqldatabases/%F0%9F%92%A9",
        "/v2/mailzones/%00",
    ] {
        let answer = api.get(path).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    for (method, path) in [
        ("DELETE", "/v2/mailzones/example.com"),
        ("POST", "/v2/mysqldatabases/ID1001_shop"),
        ("GET", "/v2/mailboxes/info@example.com/password"),
    ] {
        let answer = api.call(method, path, None).await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.codes(), ["method_not_allowed"]);
    }
    let huge = api.get("/v2/mysqldatabases?take=2147483647").await;
    assert_eq!(huge.status, 200);
    assert_eq!(huge.number("x-paging-take"), 1);
    let unicode = api
        .post(
            "/v2/mailboxes",
            json!({"account_id": 1001, "email_address": "jürgen@example.com", "password": "€uro12345"}),
        )
        .await;
    assert_eq!(
        unicode.codes(),
        ["mailbox_email_address_invalid", "mailbox_password_invalid"]
    );

    // Ten clients race to create the same mailbox: exactly one wins, the rest are told why.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                api.post(
                    "/v2/mailboxes",
                    json!({"account_id": 1001, "email_address": "race@example.com", "password": "abcdef12"}),
                )
                .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let won = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(won, 1);
    for lost in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(lost.codes(), ["mailbox_already_exists"]);
    }
}
