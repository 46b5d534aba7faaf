//! Domains, SSL certificate requests and SSL certificates of the simulator, over real HTTP
//! against an in-process instance, signed as the provider signs.

use std::time::Duration;

use crate::sim_support::{keys, Answer, Api};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Api {
    /// Polls a job until it answers 201; returns its body.
    async fn finished(&self, location: &str) -> Value {
        let answer = self.finish_job(location).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "job {location}: {}",
            answer.body
        );
        answer.json()
    }
}

fn registrant(country: &str) -> Value {
    json!({
        "first_name": "Ann", "last_name": "Smith", "address": "Main Street 1",
        "postal_code": "9000", "city": "Gent", "country_code": country,
        "email": "ann@example.be", "phone": "+32.93300000", "language_code": "nl"
    })
}

fn job_location(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.codes());
    assert!(answer.bytes.is_empty());
    let location = answer.header("location").unwrap().to_string();
    let id = location.strip_prefix("/v2/provisioningjobs/").unwrap();
    uuid::Uuid::parse_str(id).unwrap();
    location
}

#[tokio::test]
async fn the_seed_lists_two_domains_with_their_details() {
    let api = Api::start().await;
    let list = api.get("/v2/domains?skip=0&take=1").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("x-paging-totalresults"), Some("2"));
    assert_eq!(list.header("x-paging-take"), Some("1"));
    let all = api.get("/v2/domains").await.json();
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["example.com", "example.net"]);
    assert_eq!(
        keys(&all[0]),
        ["domain_name", "expiration_date", "will_renew"]
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(all[0]["expiration_date"].as_str().unwrap()).is_ok()
    );

    let detail = api.get("/v2/domains/Example.COM").await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(
        keys(&detail),
        [
            "can_toggle_renew",
            "domain_name",
            "expiration_date",
            "name_servers",
            "registrant",
            "will_renew"
        ]
    );
    assert_eq!(detail["can_toggle_renew"], true);
    assert_eq!(
        detail["name_servers"],
        json!([{"name": "ns3.european-server.com"}, {"name": "ns4.european-server.com"}])
    );
    assert_eq!(detail["registrant"]["country_code"], "BE");
    assert_eq!(
        api.get("/v2/domains/example.net").await.json()["can_toggle_renew"],
        false
    );

    let missing = api.get("/v2/domains/nowhere.be").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.codes(), ["domain_not_found"]);
}

#[tokio::test]
async fn a_registration_is_a_job_that_leaves_the_domain_and_its_zone() {
    let api = Api::start().await;
    let request =
        json!({"domain_name": "New-Shop.be", "registrant": registrant("BE"), "unknown": 1});
    let location = job_location(&api.post("/v2/domains/registrations", request.clone()).await);
    assert_eq!(
        api.get("/v2/domains/new-shop.be").await.status,
        StatusCode::NOT_FOUND
    );
    // A second order while the first is under way is refused.
    let again = api.post("/v2/domains/registrations", request.clone()).await;
    assert_eq!(again.codes(), ["domain_already_registered"]);

    let done = api.finished(&location).await;
    assert_eq!(done["resource_links"], json!(["/v2/domains/new-shop.be"]));
    let detail = api.get("/v2/domains/new-shop.be").await.json();
    assert_eq!(detail["will_renew"], true);
    assert_eq!(detail["registrant"]["first_name"], "Ann");
    assert_eq!(detail["name_servers"].as_array().unwrap().len(), 2);
    let records = api.get("/v2/dns/new-shop.be/records").await.json();
    let types: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["NS", "NS", "SOA"]);
    assert_eq!(
        api.get("/v2/domains").await.header("x-paging-totalresults"),
        Some("3")
    );
    let again = api.post("/v2/domains/registrations", request).await;
    assert_eq!(again.codes(), ["domain_already_registered"]);

    // Own name servers are kept as given.
    let custom = json!({
        "domain_name": "own-ns.eu", "registrant": registrant("NL"),
        "name_servers": ["ns1.own.example", "NS2.own.example."]
    });
    let location = job_location(&api.post("/v2/domains/registrations", custom).await);
    api.finished(&location).await;
    assert_eq!(
        api.get("/v2/domains/own-ns.eu").await.json()["name_servers"],
        json!([{"name": "ns1.own.example"}, {"name": "ns2.own.example"}])
    );
}

#[tokio::test]
async fn a_registration_without_registrant_uses_the_resellers_default_contact() {
    let api = Api::start().await;
    let location = job_location(
        &api.post(
            "/v2/domains/registrations",
            json!({"domain_name": "no-contact.be"}),
        )
        .await,
    );
    api.finished(&location).await;
    let detail = api.get("/v2/domains/no-contact.be").await.json();
    assert_eq!(detail["registrant"]["company_name"], "Example Reseller BV");
    assert_eq!(detail["registrant"]["country_code"], "BE");
    // The extension rules still apply, to that contact.
    let canadian = api
        .post(
            "/v2/domains/registrations",
            json!({"domain_name": "no-contact.ca"}),
        )
        .await;
    assert_eq!(canadian.codes(), ["domain_ca_registrant_country_invalid"]);
}

#[tokio::test]
async fn registrations_are_validated_like_combell() {
    let api = Api::start().await;
    let post = |body: Value| api.post("/v2/domains/registrations", body);
    let empty = post(json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.codes(), ["domain_name_required"]);
    let bad = post(json!({
        "domain_name": "not a domain",
        "registrant": {"country_code": "Belgium", "email": "nope", "phone": "0032 9"}
    }))
    .await;
    assert_eq!(
        bad.codes(),
        [
            "domain_name_invalid",
            "domain_registrant_first_name_required",
            "domain_registrant_last_name_required",
            "domain_registrant_address_required",
            "domain_registrant_postal_code_required",
            "domain_registrant_city_required",
            "domain_registrant_country_code_invalid",
            "domain_registrant_email_invalid",
            "domain_registrant_phone_invalid",
        ]
    );
    let canadian = post(json!({"domain_name": "maple.ca", "registrant": registrant("BE")})).await;
    assert_eq!(canadian.codes(), ["domain_ca_registrant_country_invalid"]);
    job_location(&post(json!({"domain_name": "maple.ca", "registrant": registrant("CA")})).await);

    let spanish = post(json!({"domain_name": "sol.es", "registrant": registrant("ES")})).await;
    assert_eq!(spanish.codes(), ["domain_registrant_extra_field_required"]);
    let mut with_passport = registrant("ES");
    with_passport["extra_fields"] = json!([{"name": "PassportNumber", "value": "X1234567"}]);
    job_location(&post(json!({"domain_name": "sol.es", "registrant": with_passport})).await);

    let one_ns = post(json!({
        "domain_name": "one-ns.be", "registrant": registrant("BE"), "name_servers": ["ns1.x.be"]
    }))
    .await;
    assert_eq!(one_ns.codes(), ["domain_name_servers_count_invalid"]);
    let taken = post(json!({"domain_name": "example.com", "registrant": registrant("BE")})).await;
    assert_eq!(taken.codes(), ["domain_already_registered"]);

    let malformed = api
        .send("POST", "/v2/domains/registrations", b"{\"domain_name\":")
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.codes(), ["request_body_invalid"]);
}

#[tokio::test]
async fn a_transfer_needs_its_code_and_its_job_outlives_the_arrival() {
    let api = Api::start().await;
    let without = api
        .post(
            "/v2/domains/registrations",
            json!({"domain_name": "example.org", "registrant": registrant("BE")}),
        )
        .await;
    assert_eq!(without.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        without.codes(),
        ["domain_transfer_authorization_code_empty"]
    );

    let location = job_location(
        &api.post(
            "/v2/domains/registrations",
            json!({"domain_name": "example.org", "registrant": registrant("BE"), "auth_code": "x9!Tq2"}),
        )
        .await,
    );
    // The domain arrives after one job duration (100 ms); the job says ongoing for longer.
    let mut seen_ongoing_with_domain = false;
    for _ in 0..100 {
        let job = api.get(&location).await;
        let domain = api.get("/v2/domains/example.org").await;
        if job.status == StatusCode::CREATED {
            assert_eq!(domain.status, StatusCode::OK);
            assert_eq!(
                job.json()["resource_links"],
                json!(["/v2/domains/example.org"])
            );
            break;
        }
        assert_eq!(job.json()["status"], "ongoing");
        if domain.status == StatusCode::OK {
            seen_ongoing_with_domain = true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen_ongoing_with_domain);
    assert_eq!(
        api.get("/v2/dns/example.org/records").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn name_servers_and_renew_can_be_changed_within_the_rules() {
    let api = Api::start().await;
    let put = api
        .put(
            "/v2/domains/example.com/nameservers",
            json!({"domain_name": "example.com", "name_servers": ["ns1.other.example", "ns2.other.example"]}),
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    assert!(put.bytes.is_empty());
    assert_eq!(
        api.get("/v2/domains/example.com").await.json()["name_servers"],
        json!([{"name": "ns1.other.example"}, {"name": "ns2.other.example"}])
    );
    let bad = api
        .put(
            "/v2/domains/example.com/nameservers",
            json!({"domain_name": "example.net", "name_servers": ["ns1.x.example", "bad name", "ns1.x.example"]}),
        )
        .await;
    assert_eq!(
        bad.codes(),
        [
            "domain_name_mismatch",
            "domain_name_server_invalid",
            "domain_name_server_duplicate"
        ]
    );
    assert_eq!(
        api.put(
            "/v2/domains/nowhere.be/nameservers",
            json!({"name_servers": []})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let renew = api
        .put(
            "/v2/domains/example.com/renew",
            json!({"will_renew": false}),
        )
        .await;
    assert_eq!(renew.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get("/v2/domains").await.json()[0]["will_renew"], false);
    assert_eq!(
        api.put("/v2/domains/example.com/renew", json!({}))
            .await
            .codes(),
        ["domain_will_renew_required"]
    );
    let refused = api
        .put(
            "/v2/domains/example.net/renew",
            json!({"will_renew": false}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.codes(), ["domain_renew_toggle_not_allowed"]);
    assert_eq!(
        api.get("/v2/domains/example.net").await.json()["will_renew"],
        true
    );

    api.sim.reset();
    assert_eq!(
        api.get("/v2/domains/example.com").await.json()["will_renew"],
        true
    );
}

#[tokio::test]
async fn an_account_with_a_domain_asset_registers_its_identifier() {
    let api = Api::start().await;
    let location = job_location(
        &api.post(
            "/v2/accounts",
            json!({"identifier": "fresh-site.be", "servicepack_id": 11}),
        )
        .await,
    );
    api.finished(&location).await;
    let detail = api.get("/v2/domains/fresh-site.be").await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["can_toggle_renew"], true);

    // A sub-domain identifier is hosted, not registered.
    let location = job_location(
        &api.post(
            "/v2/accounts",
            json!({"identifier": "shop.fresh-site.be", "servicepack_id": 12}),
        )
        .await,
    );
    api.finished(&location).await;
    assert_eq!(
        api.get("/v2/domains/shop.fresh-site.be").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/v2/domains").await.header("x-paging-totalresults"),
        Some("3")
    );
}

fn csr(common_name: &str, alt_names: &[&str]) -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(alt_names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "BE");
    params.serialize_request(&key).unwrap().pem().unwrap()
}

#[tokio::test]
async fn a_certificate_request_completes_once_its_cname_is_published_and_verified() {
    let api = Api::start().await;
    let created = api
        .post(
            "/v2/sslcertificaterequests",
            json!({
                "certificate_type": "multi_domain", "validation_level": "domain_validated",
                "csr": csr("shop.example.com", &["shop.example.com", "blog.example.net"])
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.codes());
    assert!(created.bytes.is_empty());
    let location = created.header("location").unwrap().to_string();
    assert_eq!(location, "/v2/sslcertificaterequests/3001");

    let list = api.get("/v2/sslcertificaterequests").await;
    assert_eq!(list.header("x-paging-totalresults"), Some("1"));
    assert_eq!(
        list.json()[0],
        json!({
            "certificate_type": "multi_domain", "common_name": "shop.example.com", "id": 3001,
            "order_code": "SSL0003001", "validation_level": "domain_validated", "vendor": "sectigo"
        })
    );

    let pending = api.get(&location).await;
    assert_eq!(pending.status, StatusCode::OK);
    let detail = pending.json();
    assert_eq!(
        keys(&detail),
        [
            "certificate_type",
            "common_name",
            "id",
            "order_code",
            "subject_alt_names",
            "validation_level",
            "validations",
            "vendor"
        ]
    );
    assert_eq!(
        detail["subject_alt_names"],
        json!([{"type": "dns", "value": "shop.example.com"}, {"type": "dns", "value": "blog.example.net"}])
    );
    let validations = detail["validations"].as_array().unwrap().clone();
    assert_eq!(validations.len(), 2);
    let first = &validations[0];
    assert_eq!(
        keys(first),
        [
            "auto_validated",
            "cname_validation_content",
            "cname_validation_name",
            "dns_name",
            "email_addresses",
            "file_validation_content",
            "file_validation_url_http",
            "file_validation_url_https",
            "type"
        ]
    );
    assert_eq!(first["type"], "dns");
    assert_eq!(first["auto_validated"], false);
    assert_eq!(first["dns_name"], "shop.example.com");
    assert_eq!(first["email_addresses"][0], "admin@example.com");
    assert_eq!(
        first["file_validation_content"].as_array().unwrap().len(),
        3
    );
    assert!(first["file_validation_url_https"]
        .as_str()
        .unwrap()
        .starts_with("https://shop.example.com/.well-known/pki-validation/"));

    // Verify before the records exist: accepted, but nothing completes.
    let verify = api.send("PUT", &location, &[]).await;
    assert_eq!(verify.status, StatusCode::ACCEPTED);
    assert!(verify.bytes.is_empty());
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(api.get(&location).await.status, StatusCode::OK);

    // Publish both CNAMEs in the simulator's zones; one is enough for nothing.
    for (validation, zone) in validations.iter().zip(["example.com", "example.net"]) {
        let name = validation["cname_validation_name"].as_str().unwrap();
        let relative = name.strip_suffix(&format!(".{zone}")).unwrap();
        let record = api
            .post(
                &format!("/v2/dns/{zone}/records"),
                json!({"type": "CNAME", "record_name": relative,
                       "content": validation["cname_validation_content"]}),
            )
            .await;
        assert_eq!(record.status, StatusCode::CREATED);
        if zone == "example.com" {
            assert_eq!(api.get(&location).await.status, StatusCode::OK);
        }
    }
    let done = api.get(&location).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(done.bytes.is_empty());
    let certificate = done.header("location").unwrap().to_string();
    let fingerprint = certificate.strip_prefix("/v2/sslcertificates/").unwrap();
    assert_eq!(fingerprint.len(), 40);
    assert_eq!(
        api.send("PUT", &location, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        api.get("/v2/sslcertificaterequests")
            .await
            .header("x-paging-totalresults"),
        Some("0")
    );

    let detail = api.get(&certificate).await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(
        keys(&detail),
        [
            "common_name",
            "expires_after",
            "sha1_fingerprint",
            "subject_alt_names",
            "type",
            "validation_level"
        ]
    );
    assert_eq!(detail["sha1_fingerprint"], fingerprint);
    assert_eq!(detail["type"], "multi_domain");
    let list = api.get("/v2/sslcertificates").await;
    assert_eq!(list.header("x-paging-totalresults"), Some("2"));
    assert_eq!(
        keys(&list.json()[0]),
        [
            "common_name",
            "expires_after",
            "sha1_fingerprint",
            "type",
            "validation_level"
        ]
    );

    let download = api
        .get(&format!(
            "{certificate}/download?file_format=pfx&password=Secret123"
        ))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("content-type"),
        Some("application/x-pkcs12")
    );
    assert_eq!(
        download.header("content-disposition"),
        Some("attachment; filename=\"shop.example.com.pfx\"")
    );
    assert_eq!(download.bytes[0], 0x30);
}

#[tokio::test]
async fn the_seeded_certificate_downloads_and_bad_parameters_are_refused() {
    let api = Api::start().await;
    let list = api.get("/v2/sslcertificates").await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let fingerprint = list[0]["sha1_fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fingerprint, "823639776FEED06A181077D3C3382C9D8202AFB4");
    let detail = api
        .get(&format!(
            "/v2/sslcertificates/{}",
            fingerprint.to_lowercase()
        ))
        .await
        .json();
    assert_eq!(
        detail["subject_alt_names"],
        json!([{"type": "dns", "value": "example.com"}, {"type": "dns", "value": "www.example.com"}])
    );
    let base = format!("/v2/sslcertificates/{fingerprint}/download");
    let ok = api
        .get(&format!("{base}?file_format=pfx&password=abcdef12"))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.bytes.len() > 300);
    for (query, code) in [
        ("password=abcdef12", "ssl_file_format_required"),
        (
            "file_format=pem&password=abcdef12",
            "ssl_file_format_invalid",
        ),
        ("file_format=pfx", "ssl_password_required"),
        ("file_format=pfx&password=short", "ssl_password_invalid"),
    ] {
        let answer = api.get(&format!("{base}?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.codes(), [code], "{query}");
    }
    let missing = api
        .get("/v2/sslcertificates/0000000000000000000000000000000000000000/download?file_format=pfx&password=abcdef12")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.codes(), ["ssl_certificate_not_found"]);
    assert_eq!(
        api.get("/v2/sslcertificates/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn certificate_requests_are_validated_and_can_be_gone() {
    let api = Api::start().await;
    let post = |body: Value| api.post("/v2/sslcertificaterequests", body);
    assert_eq!(
        post(json!({})).await.codes(),
        [
            "ssl_certificate_type_required",
            "ssl_validation_level_required",
            "ssl_csr_required"
        ]
    );
    assert_eq!(
        post(json!({"certificate_type": "cheap", "validation_level": "domain_validated", "csr": "nonsense"}))
            .await
            .codes(),
        ["ssl_certificate_type_invalid", "ssl_csr_invalid"]
    );
    let standard_with_two = post(json!({
        "certificate_type": "standard", "validation_level": "domain_validated",
        "csr": csr("a.example.com", &["a.example.com", "b.example.com"])
    }))
    .await;
    assert_eq!(
        standard_with_two.codes(),
        ["ssl_standard_certificate_single_domain"]
    );
    let wildcard_without_star = post(json!({
        "certificate_type": "wildcard", "validation_level": "domain_validated",
        "csr": csr("example.com", &["example.com"])
    }))
    .await;
    assert_eq!(
        wildcard_without_star.codes(),
        ["ssl_wildcard_common_name_invalid"]
    );
    let ev_wildcard = post(json!({
        "certificate_type": "wildcard", "validation_level": "extended_validated",
        "csr": csr("*.example.com", &["*.example.com", "example.com"])
    }))
    .await;
    let codes = ev_wildcard.codes();
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "ssl_additional_validation_attribute_required")
            .count(),
        8
    );
    assert_eq!(
        codes.last().unwrap(),
        "ssl_wildcard_extended_validation_not_allowed"
    );

    // A wildcard is validated once, on its base name; a standard certificate gains www.
    let wildcard = post(json!({
        "certificate_type": "wildcard", "validation_level": "domain_validated",
        "csr": csr("*.example.net", &["*.example.net", "example.net"])
    }))
    .await;
    let location = wildcard.header("location").unwrap().to_string();
    let detail = api.get(&location).await.json();
    assert_eq!(detail["validations"].as_array().unwrap().len(), 1);
    assert!(detail["validations"][0]["cname_validation_name"]
        .as_str()
        .unwrap()
        .ends_with(".example.net"));
    let standard = post(json!({
        "certificate_type": "standard", "validation_level": "domain_validated",
        "csr": csr("example.com", &[])
    }))
    .await;
    let standard_location = standard.header("location").unwrap().to_string();
    assert_eq!(
        api.get(&standard_location).await.json()["subject_alt_names"],
        json!([{"type": "dns", "value": "example.com"}, {"type": "dns", "value": "www.example.com"}])
    );

    // A cancelled request is gone, for reads and verifies alike, and leaves the list.
    let id = location.rsplit('/').next().unwrap();
    let cancel = api
        .http
        .post(format!(
            "{}/_sim/sslcertificaterequests/{id}/cancel",
            api.sim.root_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), StatusCode::NO_CONTENT);
    let gone = api.get(&location).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.bytes.is_empty());
    assert_eq!(
        api.send("PUT", &location, &[]).await.status,
        StatusCode::GONE
    );
    assert_eq!(
        api.get("/v2/sslcertificaterequests")
            .await
            .header("x-paging-totalresults"),
        Some("1")
    );

    for missing in [
        "/v2/sslcertificaterequests/9999",
        "/v2/sslcertificaterequests/abc",
    ] {
        let answer = api.get(missing).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(answer.codes(), ["ssl_certificate_request_not_found"]);
    }
}
