//! End to end: validation records written the way other certificate services have them
//! written, `for_each` directly over `combell_ssl_certificate_request.<name>.validations`. A
//! standard, a multi-domain (names in two zones) and a wildcard certificate in one
//! configuration: the plan knows every key, one apply orders, publishes and verifies all three,
//! and the plan after is empty.

use crate::common::{config, csr, flat, Sim, Tf};

/// One certificate with its records and its verification, `for_each` over the request.
fn certificate(name: &str, kind: &str) -> String {
    format!(
        r#"
variable "{name}_csr" {{
  type = string
}}

resource "combell_ssl_certificate_request" "{name}" {{
  certificate_type = "{kind}"
  csr              = var.{name}_csr
  confirm_purchase = true
}}

resource "combell_dns_record" "{name}" {{
  for_each    = combell_ssl_certificate_request.{name}.validations
  domain_name = each.value.domain_name
  type        = "CNAME"
  record_name = each.value.cname_record_name
  content     = each.value.cname_validation_content
}}

resource "combell_ssl_certificate_validation" "{name}" {{
  request_id            = combell_ssl_certificate_request.{name}.id
  validation_record_ids = [for r in combell_dns_record.{name} : r.id]
}}
"#
    )
}

#[test]
fn validation_records_for_each_over_the_request_plan_and_apply_in_one_run() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env("TF_VAR_standard_csr", &csr("shop.example.com", &[], None));
    tf.set_env(
        "TF_VAR_multi_csr",
        &csr(
            "api.example.com",
            &["api.example.com", "example.net", "status.example.net"],
            None,
        ),
    );
    tf.set_env(
        "TF_VAR_wildcard_csr",
        &csr("*.example.net", &["*.example.net", "example.net"], None),
    );
    tf.write_config(&config(
        &[
            certificate("standard", "standard"),
            certificate("multi", "multi_domain"),
            certificate("wildcard", "wildcard"),
        ]
        .concat(),
    ));

    let plan = tf.plan_ok();
    let text = flat(&plan.stdout);
    for address in [
        r#"combell_dns_record.standard["shop.example.com"] will be created"#,
        r#"combell_dns_record.standard["www.shop.example.com"] will be created"#,
        r#"combell_dns_record.multi["api.example.com"] will be created"#,
        r#"combell_dns_record.multi["example.net"] will be created"#,
        r#"combell_dns_record.multi["status.example.net"] will be created"#,
        r#"combell_dns_record.wildcard["*.example.net"] will be created"#,
    ] {
        assert!(text.contains(address), "{address}:\n{plan}");
    }
    // A wildcard and its base name share one validation.
    assert_eq!(
        text.matches("combell_dns_record.wildcard[").count(),
        1,
        "{plan}"
    );
    // The zone each record goes to is known at plan too.
    assert!(text.contains("+ domain_name = \"example.net\""), "{plan}");
    assert!(
        text.contains("+ common_name = \"shop.example.com\""),
        "{plan}"
    );

    tf.apply();
    tf.assert_plan_empty();
    for name in ["standard", "multi", "wildcard"] {
        let validation = tf.expect_resource(&format!("combell_ssl_certificate_validation.{name}"));
        assert!(
            validation["sha1_fingerprint"].as_str().is_some(),
            "{name} issued: {validation}"
        );
        let request = tf.expect_resource(&format!("combell_ssl_certificate_request.{name}"));
        let records = tf.state_addresses();
        let published = records
            .iter()
            .filter(|a| a.starts_with(&format!("combell_dns_record.{name}[")))
            .count();
        assert_eq!(
            request["validations"].as_object().map(|m| m.len()),
            Some(published),
            "{name}: one record per validation"
        );
    }
    let multi = tf.expect_resource("combell_ssl_certificate_request.multi");
    assert_eq!(
        multi["subject_alt_names"],
        serde_json::json!(["api.example.com", "example.net", "status.example.net"])
    );
    // A refresh (the requests are issued now) changes nothing either.
    tf.apply_with(&["-refresh-only"]);
    tf.assert_plan_empty();
}
