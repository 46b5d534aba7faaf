//! `combell_ssl_certificate_download` end to end with a real Terraform against the simulator:
//! the PFX reaches a provisioner (one of the places that accept ephemeral values) and is a
//! real PKCS #12 archive of the seeded certificate, while neither the file nor its password
//! appears in the plan, the state, Terraform's output or its debug log (which holds the
//! provider's own log lines). A bad password and an unknown fingerprint fail with diagnostics
//! that do not echo the password.

use std::fs;
use std::process::Command;

use crate::common::{Sim, Tf};
use base64::Engine as _;

const FINGERPRINT: &str = "823639776FEED06A181077D3C3382C9D8202AFB4";
const PASSWORD: &str = "Pfx4Secret9x";

fn config(fingerprint: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    combell = {{
      source = "combell/combell"
    }}
  }}
}}

variable "pfx_password" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

ephemeral "combell_ssl_certificate_download" "cert" {{
  sha1_fingerprint = "{fingerprint}"
  password         = var.pfx_password
}}

resource "terraform_data" "install" {{
  provisioner "local-exec" {{
    command = "printf '%s' \"$PFX_BASE64\" > cert.pfx.b64 && printf '%s' \"$PFX_NAME\" > cert.name"
    environment = {{
      PFX_BASE64 = ephemeral.combell_ssl_certificate_download.cert.content_base64
      PFX_NAME   = ephemeral.combell_ssl_certificate_download.cert.file_name
    }}
  }}
}}
"#
    )
}

#[test]
fn the_pfx_reaches_a_provisioner_and_never_the_plan_state_or_logs() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    tf.set_env("TF_VAR_pfx_password", PASSWORD);
    tf.set_env("TF_LOG", "debug");
    let log_path = tf.root_dir().join("terraform.log");
    tf.set_env("TF_LOG_PATH", &log_path.to_string_lossy());
    tf.write_config(&config(FINGERPRINT));

    let plan = tf.ok(&["plan", "-no-color", "-input=false", "-out=tfplan"]);
    let plan_json = tf.ok(&["show", "-json", "-no-color", "tfplan"]);
    let apply = tf.apply();
    assert!(
        apply
            .stdout
            .contains("output suppressed due to ephemeral value"),
        "{apply}"
    );

    let work = tf.work_dir();
    let b64 = fs::read_to_string(work.join("cert.pfx.b64")).expect("the provisioner's file");
    let pfx = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .expect("content_base64 is base64");
    // A DER SEQUENCE: the outer PFX structure of RFC 7292.
    assert_eq!(
        pfx.first(),
        Some(&0x30),
        "not DER: {:?}",
        &pfx[..8.min(pfx.len())]
    );
    assert!(pfx.len() > 500, "{} bytes", pfx.len());
    assert_eq!(
        fs::read_to_string(work.join("cert.name")).unwrap_or_default(),
        "example.com.pfx"
    );
    // Where openssl is installed, it opens the archive with the password and finds the
    // certificate and its key.
    let pfx_path = work.join("cert.pfx");
    fs::write(&pfx_path, &pfx).expect("write cert.pfx");
    if let Ok(out) = Command::new("openssl")
        .args(["pkcs12", "-nodes", "-passin"])
        .arg(format!("pass:{PASSWORD}"))
        .arg("-in")
        .arg(&pfx_path)
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "openssl: {text}");
        assert!(text.contains("BEGIN CERTIFICATE"), "{text}");
        assert!(text.contains("PRIVATE KEY"), "no key in the archive");
    }

    // Neither the file (any part of it) nor the password is stored or printed anywhere.
    let state = fs::read_to_string(work.join("terraform.tfstate")).expect("state");
    let log = fs::read_to_string(&log_path).expect("TF_LOG_PATH file");
    assert!(
        log.contains("GET /v2/sslcertificates/") || log.contains("sslcertificates"),
        "the debug log holds no provider request lines; is TF_LOG reaching the provider?"
    );
    let needles = [
        &b64[..48],
        &b64[b64.len() / 2..b64.len() / 2 + 48],
        PASSWORD,
    ];
    for (place, text) in [
        ("plan output", plan.text()),
        ("saved plan", plan_json.stdout.clone()),
        ("apply output", apply.text()),
        ("state", state),
        ("debug log", log),
    ] {
        for needle in needles {
            assert!(
                !text.contains(needle),
                "{place} contains {}",
                if needle == PASSWORD {
                    "the password"
                } else {
                    "PFX bytes"
                }
            );
        }
    }
    tf.assert_plan_empty();
}

#[test]
fn bad_inputs_fail_without_echoing_the_password() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    // Too short for Combell: the API answers 400, and the error shows the request with the
    // password masked.
    let weak = "abc12";
    tf.set_env("TF_VAR_pfx_password", weak);
    tf.write_config(&config(FINGERPRINT));
    let out = tf.plan_fails();
    assert!(
        out.stderr
            .contains("Unable to download combell_ssl_certificate_download"),
        "{out}"
    );
    assert!(out.stderr.contains("password=***"), "{out}");
    assert!(
        !out.stderr.contains(weak) && !out.stdout.contains(weak),
        "{out}"
    );

    // An unknown certificate: not found, with where to look.
    tf.set_env("TF_VAR_pfx_password", PASSWORD);
    tf.write_config(&config("0000000000000000000000000000000000000000"));
    let out = tf.plan_fails();
    assert!(
        out.stderr.contains("No certificate has the fingerprint"),
        "{out}"
    );
    assert!(!out.stderr.contains(PASSWORD), "{out}");

    // Not a fingerprint at all: caught by validation, at the attribute.
    tf.write_config(&config("not-a-fingerprint"));
    let out = tf.fails(&["validate", "-no-color"]);
    assert!(
        out.stderr.contains("Invalid certificate fingerprint"),
        "{out}"
    );
}
