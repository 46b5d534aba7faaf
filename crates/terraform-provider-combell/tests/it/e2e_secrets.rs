//! End to end: no secret leaks. A real Terraform at `TF_LOG=TRACE` creates, updates and destroys
//! every resource that takes a password (account, MySQL database, MySQL user, mailbox) with
//! the API secret given first through `COMBELL_API_SECRET`, then through the provider block
//! (from an ephemeral variable). Every password and the secret must appear nowhere: not in the
//! full log file, the state and its backup, the saved plans (raw bytes and every file inside
//! the plan archive), `terraform show -json` of state and plans, nor any stdout or stderr.
//!
//! Terraform itself stores a non-ephemeral variable's value in a saved plan, so the secrets
//! reach Terraform as ephemeral variables (`TF_VAR_*`), as the examples recommend.

use crate::common;

use std::path::Path;
use std::process::Command;

use crate::common::{Sim, Tf, TfOutput};

const API_SECRET: &str = "ApiQz7Wk4xSecretVv81";
const FTP_PASSWORD: &str = "FtpQz7Wk4x11";
const DB_PASSWORD: &str = "DbQz7Wk4x22";
const USER_PASSWORD: &str = "UsrQz7Wk4x33";
const MAIL_PASSWORD: &str = "MbxQz7Wk4x44";

/// Each secret with the variable that carries it (`TF_VAR_<name>`).
const SECRETS: [(&str, &str); 5] = [
    ("api_secret", API_SECRET),
    ("ftp_password", FTP_PASSWORD),
    ("db_password", DB_PASSWORD),
    ("user_password", USER_PASSWORD),
    ("mail_password", MAIL_PASSWORD),
];

fn config(provider_block: &str, version: u32) -> String {
    let variables: String = SECRETS
        .iter()
        .map(|(name, _)| {
            format!(
                "variable \"{name}\" {{\n  type      = string\n  sensitive = true\n  \
                 ephemeral = true\n  default   = null\n}}\n"
            )
        })
        .collect();
    format!(
        r#"terraform {{
  required_providers {{
    combell = {{ source = "{source}" }}
  }}
}}

provider "combell" {{
{provider_block}
}}

{variables}
resource "combell_account" "site" {{
  identifier           = "secrets-e2e.be"
  servicepack_id       = 12
  ftp_password         = var.ftp_password
  ftp_password_version = {version}
}}

resource "combell_mysql_database" "db" {{
  account_id       = 1001
  name             = "secrets"
  password         = var.db_password
  password_version = {version}
}}

resource "combell_mysql_user" "user" {{
  database_name    = "ID1001_shop"
  name             = "secretsuser"
  password         = var.user_password
  password_version = {version}
}}

resource "combell_mailbox" "box" {{
  email_address    = "secrets@example.com"
  account_id       = 1001
  password         = var.mail_password
  password_version = {version}
}}

data "combell_mailboxes" "all" {{
  domain_name = "example.com"
  depends_on  = [combell_mailbox.box]
}}
"#,
        source = common::PROVIDER_SOURCE
    )
}

/// Everything a run produced that a user, a CI log or a state backend could keep.
#[derive(Default)]
struct Evidence {
    places: Vec<(String, Vec<u8>)>,
}

impl Evidence {
    fn output(&mut self, out: &TfOutput) {
        let what = format!("`terraform {}`", out.args.join(" "));
        self.places
            .push((format!("{what} stdout"), out.stdout.clone().into_bytes()));
        self.places
            .push((format!("{what} stderr"), out.stderr.clone().into_bytes()));
    }

    fn file(&mut self, path: &Path) {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        self.places.push((path.display().to_string(), bytes));
    }

    /// The plan file raw, and each file inside it (the archive compresses them).
    fn plan_file(&mut self, path: &Path) {
        self.file(path);
        // Python's zipfile (Python is on every machine this project supports; unzip is not).
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
            ])
            .arg(path)
            .arg(dir.path())
            .status()
            .unwrap_or_else(|e| panic!("python3 is needed to look inside plan files: {e}"));
        assert!(status.success(), "cannot unpack {}", path.display());
        let mut members = Vec::new();
        let mut pending = vec![dir.path().to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(&next).unwrap() {
                let entry = entry.unwrap().path();
                if entry.is_dir() {
                    pending.push(entry);
                } else {
                    members.push(entry);
                }
            }
        }
        assert!(
            members
                .iter()
                .any(|m| m.to_string_lossy().contains("tfplan")),
            "not a plan archive: {members:?}"
        );
        for member in members {
            let content = std::fs::read(&member).unwrap();
            let name = member.strip_prefix(dir.path()).unwrap_or(&member).display();
            self.places
                .push((format!("{} » {name}", path.display()), content));
        }
    }

    /// Every (secret, place) pair where the secret shows up, plain or base64-encoded.
    fn leaks(&self) -> Vec<String> {
        use base64::Engine;
        let mut found = Vec::new();
        for (name, secret) in SECRETS {
            let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
            let needles = [secret.as_bytes(), encoded.trim_end_matches('=').as_bytes()];
            for (place, bytes) in &self.places {
                for needle in needles {
                    if bytes.windows(needle.len()).any(|w| w == needle) {
                        found.push(format!("{name} in {place}"));
                    }
                }
            }
        }
        found
    }
}

fn collect(evidence: &mut Evidence, out: TfOutput) -> TfOutput {
    evidence.output(&out);
    out
}

#[test]
fn no_secret_reaches_log_state_plan_or_output() {
    let sim = Sim::start_with(&["--api-secret", API_SECRET]);
    let mut tf = Tf::new(&sim);
    let log = tf.root_dir().join("terraform-trace.log");
    tf.set_env("TF_LOG", "TRACE");
    tf.set_env("TF_LOG_PATH", &log.display().to_string());
    for (name, value) in SECRETS.iter().skip(1) {
        tf.set_env(&format!("TF_VAR_{name}"), value);
    }
    let mut seen = Evidence::default();
    let work = tf.work_dir().to_path_buf();

    // Phase 1: the secret from the environment; a saved plan, applied; then new passwords.
    tf.write_config(&config("", 1));
    collect(
        &mut seen,
        tf.ok(&["plan", "-out=first.tfplan", "-no-color", "-input=false"]),
    );
    collect(&mut seen, tf.ok(&["show", "-json", "first.tfplan"]));
    collect(
        &mut seen,
        tf.ok(&["apply", "-no-color", "-input=false", "first.tfplan"]),
    );
    let shown = collect(&mut seen, tf.ok(&["show", "-json"]));
    assert!(
        shown.stdout.contains("secrets@example.com") && shown.stdout.contains("ID1001_secrets"),
        "the apply created everything:\n{}",
        shown.stdout
    );
    collect(
        &mut seen,
        tf.ok(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]),
    );
    tf.write_config(&config("", 2));
    collect(&mut seen, tf.apply());

    // Phase 2: the secret from the provider block; a saved plan that changes passwords.
    tf.unset_env("COMBELL_API_SECRET");
    tf.set_env("TF_VAR_api_secret", API_SECRET);
    tf.write_config(&config("  api_secret = var.api_secret", 3));
    collect(
        &mut seen,
        tf.ok(&["plan", "-out=second.tfplan", "-no-color", "-input=false"]),
    );
    collect(&mut seen, tf.ok(&["show", "-json", "second.tfplan"]));
    collect(
        &mut seen,
        tf.ok(&["apply", "-no-color", "-input=false", "second.tfplan"]),
    );
    collect(&mut seen, tf.ok(&["show", "-json"]));
    // A refresh-only plan and a destroy read and delete with the secret in the block.
    collect(
        &mut seen,
        tf.ok(&["plan", "-refresh-only", "-no-color", "-input=false"]),
    );
    collect(&mut seen, tf.destroy());

    seen.file(&work.join("terraform.tfstate"));
    seen.file(&work.join("terraform.tfstate.backup"));
    seen.plan_file(&work.join("first.tfplan"));
    seen.plan_file(&work.join("second.tfplan"));
    seen.file(&log);

    // The log is the full trace, provider lines included, or looking into it proves nothing.
    let log_text = std::fs::read_to_string(&log).expect("read the trace log");
    assert!(
        log_text.contains("[TRACE]") && log_text.contains("combell.client"),
        "TF_LOG=TRACE wrote no trace with provider lines to {}",
        log.display()
    );
    assert!(log_text.len() > 100_000, "the trace is suspiciously short");

    let leaks = seen.leaks();
    assert!(
        leaks.is_empty(),
        "secrets leaked ({} places checked):\n  {}",
        seen.places.len(),
        leaks.join("\n  ")
    );
}
