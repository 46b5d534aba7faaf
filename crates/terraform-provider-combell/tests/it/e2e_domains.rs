//! End to end: a real Terraform drives the domain and SSL resources through the provider binary
//! against a private simulator.
//!
//! - `combell_domain`: adopt example.com's name servers and renew flag → empty plan → import →
//!   update → drift behind Terraform's back → destroy only forgets; a renew change Combell would
//!   refuse fails at plan with no write.
//! - `combell_domain_registration`: the purchase guard and the `.ca` and extra-field rules fail at
//!   plan with no POST; a registration and a transfer (which needs `auth_code`) → empty plan →
//!   import → a registrant change refused at plan; the domain data sources read them.
//! - SSL: a request whose validation CNAMEs are published by `combell_dns_record`s in the same
//!   configuration, verified by `combell_ssl_certificate_validation`, the certificate read by
//!   `data.combell_ssl_certificate`; empty plans, import, the guard.

use crate::common;

use crate::common::{api, block_on, config, csr, started_with, Sim, Tf, REGISTRANT};
use combell_api::{CancellationToken, DomainDetail};

fn domain(sim: &Sim, name: &str) -> Option<DomainDetail> {
    block_on(api(sim).get_domain(name, &CancellationToken::new())).ok()
}

fn servers(detail: &DomainDetail) -> Vec<String> {
    detail.name_servers.iter().map(|n| n.name.clone()).collect()
}

fn domain_resource(servers: &str, extra: &str) -> String {
    config(&format!(
        r#"
resource "combell_domain" "main" {{
  domain_name  = "example.com"
  name_servers = [{servers}]
{extra}
}}
"#
    ))
}

#[test]
fn domain_settings_create_import_update_drift_destroy() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);

    // Written with another case and a trailing dot: no perpetual diff.
    tf.write_config(&domain_resource(
        r#""NS1.Example.org.", "ns2.example.org""#,
        "  will_renew = false",
    ));
    tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_domain.main");
    assert_eq!(state["id"], "example.com");
    assert_eq!(state["can_toggle_renew"], true);
    assert_eq!(state["will_renew"], false);
    let detail = domain(&sim, "example.com").expect("example.com");
    assert_eq!(servers(&detail), ["ns1.example.org", "ns2.example.org"]);
    assert_eq!(detail.will_renew, Some(false));

    // Import into a fresh state.
    let fresh = Tf::new(&sim);
    fresh.write_config(&domain_resource(
        r#""ns1.example.org", "ns2.example.org""#,
        "  will_renew = false",
    ));
    fresh.import("combell_domain.main", "example.com");
    fresh.assert_plan_empty();
    // Another spelling of the same servers: one update that sends nothing, then no diff.
    fresh.write_config(&domain_resource(
        r#""NS1.example.org", "ns2.example.org""#,
        "  will_renew = false",
    ));
    let puts = sim.method_count("PUT");
    fresh.apply();
    assert_eq!(sim.method_count("PUT"), puts, "nothing to send");
    fresh.assert_plan_empty();

    // Update in place.
    tf.write_config(&domain_resource(
        r#""ns1.example.org", "ns2.example.org", "ns3.example.org""#,
        "  will_renew = true",
    ));
    let plan = tf.assert_plan_changes();
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    let (gets, puts) = (sim.method_count("GET"), sim.method_count("PUT"));
    tf.apply();
    // The refresh reads the domain once; the update is its two PUTs, with no read back.
    assert_eq!(
        sim.method_count("PUT") - puts,
        2,
        "name servers and renew flag"
    );
    assert_eq!(sim.method_count("GET") - gets, 1, "the refresh only");
    tf.assert_plan_empty();
    assert_eq!(domain(&sim, "example.com").unwrap().name_servers.len(), 3);

    // Drift: name servers changed behind Terraform's back are put back.
    block_on(api(&sim).set_domain_name_servers(
        "example.com",
        &[
            "ns9.elsewhere.net".to_string(),
            "ns8.elsewhere.net".to_string(),
        ],
        &CancellationToken::new(),
    ))
    .expect("change behind Terraform's back");
    let plan = tf.assert_plan_changes();
    assert!(plan.stdout.contains("ns9.elsewhere.net"), "{plan}");
    tf.apply();
    tf.assert_plan_empty();
    assert_eq!(domain(&sim, "example.com").unwrap().name_servers.len(), 3);

    // example.net has an unpaid invoice: Combell would refuse, so the plan does.
    let refused = Tf::new(&sim);
    refused.write_config(&config(
        "resource \"combell_domain\" \"net\" {\n  domain_name = \"example.net\"\n  will_renew = false\n}\n",
    ));
    let puts = sim.method_count("PUT");
    let out = refused.plan_fails();
    assert!(out.text().contains("cannot be changed now"), "{out}");
    // A domain not in the account, and bad name servers, also fail at plan.
    refused.write_config(&config(
        "resource \"combell_domain\" \"x\" {\n  domain_name = \"not-mine.be\"\n  will_renew = true\n}\n",
    ));
    let out = refused.plan_fails();
    assert!(
        out.text()
            .contains("not a domain of this Combell reseller account"),
        "{out}"
    );
    refused.write_config(&config(
        "resource \"combell_domain\" \"x\" {\n  domain_name = \"example.com\"\n  name_servers = [\"ns1.a.be\"]\n}\n",
    ));
    let out = refused.plan_fails();
    assert!(out.text().contains("2 to 13 name servers"), "{out}");
    assert_eq!(sim.method_count("PUT"), puts, "no write for a refused plan");

    // Destroy only forgets.
    let out = tf.destroy();
    assert!(out.text().contains("is still registered"), "{out}");
    assert!(domain(&sim, "example.com").is_some());
}

fn registration(name: &str, domain: &str, extra: &str) -> String {
    format!(
        "\nresource \"combell_domain_registration\" \"{name}\" {{\n  domain_name = \"{domain}\"\n{REGISTRANT}{extra}\n}}\n"
    )
}

#[test]
fn registration_is_guarded_validated_and_imported() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);

    // No confirm_purchase, a .ca for a Belgian, a .se without PassportNumber: all refused at
    // plan, and nothing is bought.
    tf.write_config(&config(&registration("a", "fresh-e2e.be", "")));
    let out = tf.plan_fails();
    assert!(out.text().contains("Paid purchase not confirmed"), "{out}");
    assert!(out.text().contains("confirm_purchase = true"), "{out}");
    tf.write_config(&config(&format!(
        "{}{}",
        registration("b", "maple-e2e.ca", "  confirm_purchase = true"),
        registration("c", "svensk-e2e.se", "  confirm_purchase = true"),
    )));
    let out = tf.plan_fails();
    let all = out.text();
    assert!(
        all.contains("only for registrants with country code CA"),
        "{out}"
    );
    assert!(all.contains("PassportNumber"), "{out}");
    assert_eq!(sim.method_count("POST"), 0, "nothing was ordered");

    // A registration, and a transfer that first lacks its authorisation code.
    let body = format!(
        "{}{}\ndata \"combell_domains\" \"all\" {{\n  depends_on = [combell_domain_registration.a, combell_domain_registration.t]\n}}\n\ndata \"combell_domain\" \"a\" {{\n  domain_name = combell_domain_registration.a.domain_name\n}}\n\noutput \"domains\" {{\n  value = [for d in data.combell_domains.all.domains : d.domain_name]\n}}\n\noutput \"registrant\" {{\n  value = data.combell_domain.a.registrant.last_name\n}}\n",
        registration(
            "a",
            "fresh-e2e.be",
            "  confirm_purchase = true\n  name_servers = [\"ns1.example.org\", \"ns2.example.org\"]\n  timeouts {\n    create = \"2m\"\n  }"
        ),
        registration("t", "transfer-me.be", "  confirm_purchase = true"),
    );
    tf.write_config(&config(&body));
    let out = tf.apply_fails();
    assert!(out.text().contains("set auth_code"), "{out}");
    tf.write_config(&config(&body.replace(
        "\"transfer-me.be\"\n",
        "\"transfer-me.be\"\n  auth_code = \"EPP-e2e-secret\"\n",
    )));
    tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_domain_registration.a");
    assert_eq!(state["id"], "fresh-e2e.be");
    assert_eq!(state["registrant"]["country_code"], "BE");
    assert!(state["expiration_date"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    assert!(state["confirm_purchase"].is_null());
    let stored = std::fs::read_to_string(tf.work_dir().join("terraform.tfstate")).expect("state");
    assert!(
        !stored.contains("EPP-e2e-secret"),
        "the auth code reached the state"
    );
    assert_eq!(
        servers(&domain(&sim, "fresh-e2e.be").expect("registered")),
        ["ns1.example.org", "ns2.example.org"]
    );
    assert!(domain(&sim, "transfer-me.be").is_some(), "transferred");
    let outputs = tf.ok(&["output", "-json"]);
    assert!(outputs.stdout.contains("fresh-e2e.be"), "{outputs}");
    assert!(outputs.stdout.contains("\"Smith\""), "{outputs}");

    // Import into a fresh state: the registrant is read back, the plan is empty.
    let fresh = Tf::new(&sim);
    fresh.write_config(&config(&registration("a", "fresh-e2e.be", "")));
    fresh.import("combell_domain_registration.a", "fresh-e2e.be");
    fresh.assert_plan_empty();

    // The registrant cannot be changed through the API: refused at plan.
    fresh.write_config(&config(
        &registration("a", "fresh-e2e.be", "").replace("\"Smith\"", "\"Jones\""),
    ));
    let out = fresh.plan_fails();
    assert!(
        out.text()
            .contains("cannot be changed through Combell's API"),
        "{out}"
    );

    // Destroy only forgets; the domains stay registered.
    let out = tf.destroy();
    assert!(out.text().contains("is still registered"), "{out}");
    assert!(domain(&sim, "fresh-e2e.be").is_some());
}

/// Combell's own client documents `{"domain_name": "…"}` as a complete registration: the
/// reseller's default contact becomes the registrant, and is read back into the state.
#[test]
fn a_registration_without_registrant_takes_the_resellers_contact() {
    let (sim, tf) = started_with(
        "\nresource \"combell_domain_registration\" \"bare\" {\n  domain_name      = \"bare-e2e.be\"\n  confirm_purchase = true\n}\n",
    );
    tf.apply();
    tf.assert_plan_empty();
    let state = tf.expect_resource("combell_domain_registration.bare");
    assert_eq!(state["id"], "bare-e2e.be");
    assert_eq!(state["registrant"]["company_name"], "Example Reseller BV");
    let detail = domain(&sim, "bare-e2e.be").expect("registered");
    assert_eq!(
        detail.registrant.company_name.as_deref(),
        Some("Example Reseller BV")
    );
}

const SSL: &str = r#"
variable "csr" {
  type = string
}

locals {
  names = ["shop.example.com", "www.shop.example.com"]
}

resource "combell_ssl_certificate_request" "shop" {
  certificate_type = "standard"
  csr              = var.csr
  confirm_purchase = true
}

resource "combell_dns_record" "validation" {
  for_each    = toset(local.names)
  domain_name = combell_ssl_certificate_request.shop.validations[each.key].domain_name
  type        = "CNAME"
  record_name = combell_ssl_certificate_request.shop.validations[each.key].cname_record_name
  content     = combell_ssl_certificate_request.shop.validations[each.key].cname_validation_content
}

resource "combell_ssl_certificate_validation" "shop" {
  request_id            = combell_ssl_certificate_request.shop.id
  validation_record_ids = [for r in combell_dns_record.validation : r.id]
}

data "combell_ssl_certificate" "shop" {
  sha1_fingerprint = combell_ssl_certificate_validation.shop.sha1_fingerprint
}

data "combell_ssl_certificates" "all" {
  depends_on = [combell_ssl_certificate_validation.shop]
}

output "names" {
  value = data.combell_ssl_certificate.shop.subject_alt_names
}

output "listed" {
  value = [for c in data.combell_ssl_certificates.all.certificates : c.common_name]
}
"#;

#[test]
fn ssl_request_published_by_dns_records_verified_and_read() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env(
        "TF_VAR_csr",
        &csr("shop.example.com", &["shop.example.com"], Some("BE")),
    );

    // The guard first: nothing is ordered without confirm_purchase.
    tf.write_config(&config(&SSL.replace("  confirm_purchase = true\n", "")));
    let out = tf.plan_fails();
    assert!(
        out.text()
            .contains("Ordering an SSL certificate is a paid purchase"),
        "{out}"
    );
    // A CSR that is not one fails at plan too.
    let mut bad = Tf::new(&sim);
    bad.set_env(
        "TF_VAR_csr",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
    );
    bad.write_config(&config(SSL));
    let out = bad.plan_fails();
    assert!(
        out.text().contains("Invalid certificate signing request"),
        "{out}"
    );
    assert_eq!(sim.method_count("POST"), 0, "nothing was ordered");

    tf.write_config(&config(SSL));
    tf.apply();
    tf.assert_plan_empty();
    let request = tf.expect_resource("combell_ssl_certificate_request.shop");
    let id = request["id"].as_str().expect("request id").to_string();
    assert!(request["csr"].is_null());
    let validation = tf.expect_resource("combell_ssl_certificate_validation.shop");
    let fingerprint = validation["sha1_fingerprint"]
        .as_str()
        .expect("issued")
        .to_string();
    let certificate = tf.expect_resource("data.combell_ssl_certificate.shop");
    assert_eq!(certificate["common_name"], "shop.example.com");
    let outputs = tf.ok(&["output", "-json"]);
    assert!(outputs.stdout.contains("www.shop.example.com"), "{outputs}");
    // A refresh sees the request issued.
    tf.apply_with(&["-refresh-only"]);
    let request = tf.expect_resource("combell_ssl_certificate_request.shop");
    assert_eq!(request["status"], "issued");
    assert_eq!(request["sha1_fingerprint"], fingerprint.as_str());
    tf.assert_plan_empty();

    // Import the request and its validation into a fresh state: empty plan.
    let mut fresh = Tf::new(&sim);
    fresh.set_env(
        "TF_VAR_csr",
        &csr("shop.example.com", &["shop.example.com"], Some("BE")),
    );
    fresh.write_config(&config(
        r#"
variable "csr" {
  type = string
}

resource "combell_ssl_certificate_request" "shop" {
  certificate_type = "standard"
  csr              = var.csr
}

resource "combell_ssl_certificate_validation" "shop" {
  request_id = combell_ssl_certificate_request.shop.id
}
"#,
    ));
    fresh.import("combell_ssl_certificate_request.shop", &id);
    fresh.import("combell_ssl_certificate_validation.shop", &id);
    fresh.assert_plan_empty();
    // A CSR for another name is another certificate: replacement, which needs the guard.
    fresh.set_env(
        "TF_VAR_csr",
        &csr("blog.example.com", &["blog.example.com"], Some("BE")),
    );
    let out = fresh.plan_fails();
    assert!(out.text().contains("Paid purchase not confirmed"), "{out}");

    // Drift: a pending request that lapses at Combell (410) leaves the state, and the plan
    // orders a new one.
    let mut pending = Tf::new(&sim);
    pending.set_env(
        "TF_VAR_csr",
        &csr("blog.example.com", &["blog.example.com"], Some("BE")),
    );
    pending.write_config(&config(
        "variable \"csr\" {\n  type = string\n}\n\nresource \"combell_ssl_certificate_request\" \"blog\" {\n  certificate_type = \"standard\"\n  csr = var.csr\n  confirm_purchase = true\n}\n",
    ));
    pending.apply();
    pending.assert_plan_empty();
    let blog = pending.expect_resource("combell_ssl_certificate_request.blog");
    assert_eq!(blog["status"], "pending");
    assert_eq!(blog["validations"].as_object().map(|m| m.len()), Some(2));
    let blog_id = blog["id"].as_str().expect("id").to_string();
    let (status, body) = common::http_request(
        sim.addr(),
        "POST",
        &format!("/_sim/sslcertificaterequests/{blog_id}/cancel"),
    )
    .expect("cancel");
    assert!(status < 300, "{status} {body}");
    let plan = pending.assert_plan_changes();
    assert!(
        plan.stdout
            .contains("combell_ssl_certificate_request.blog will be created"),
        "{plan}"
    );

    // Destroy: the records go, the request and certificate stay (with warnings).
    let out = tf.destroy();
    assert!(out.text().contains("still exists at Combell"), "{out}");
    assert!(
        block_on(api(&sim).get_ssl_certificate(&fingerprint, &CancellationToken::new())).is_ok()
    );
}
