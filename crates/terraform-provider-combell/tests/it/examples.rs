//! Every example in `examples/` is valid for the provider as built: `terraform validate` with
//! the provider's real schema (through dev_overrides), so that an attribute renamed in code but
//! not in an example fails here rather than in a user's hands.

use std::fs;
use std::path::PathBuf;

use crate::common::{Sim, Tf};

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}
"#;

fn example_dirs() -> Vec<PathBuf> {
    let root = crate::common::repo_path("examples");
    let mut dirs = vec![root.join("provider"), root.join("quickstart")];
    for kind in [
        "resources",
        "data-sources",
        "ephemeral-resources",
        "functions",
        "compositions",
    ] {
        let entries = fs::read_dir(root.join(kind)).expect("examples folder");
        dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    dirs.sort();
    dirs
}

#[test]
fn every_example_validates_against_the_provider_schema() {
    let dirs = example_dirs();
    assert!(
        dirs.len() >= 12,
        "expected the registry layout of examples, found {dirs:?}"
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let tf = Tf::standalone();
        let mut declares_provider = false;
        for entry in fs::read_dir(dir).expect("example folder").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tf") {
                let text = fs::read_to_string(entry.path()).expect("example file");
                declares_provider |= text.contains("required_providers");
                tf.write_file(&name, &text);
            }
        }
        if !declares_provider {
            tf.write_file("versions.tf", REQUIRED_PROVIDERS);
        }
        let out = tf.run(&["validate", "-no-color"]);
        if !out.success() {
            failures.push(format!("{}:\n{out}", dir.display()));
        }
        // Compositions are explained, not only shown.
        if dir.parent().is_some_and(|p| p.ends_with("compositions"))
            && !dir.join("README.md").is_file()
        {
            failures.push(format!("{} has no README.md", dir.display()));
        }
        // Resource examples come with the import command users copy.
        if dir.parent().is_some_and(|p| p.ends_with("resources")) {
            let import = dir.join("import.sh");
            let text = fs::read_to_string(&import).unwrap_or_default();
            if !text.contains("terraform import") {
                failures.push(format!("{} has no terraform import line", import.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Copies the `.tf` files of the composition `name` into `tf`'s working directory.
fn write_composition(tf: &Tf, name: &str) {
    let dir = crate::common::repo_path("examples/compositions").join(name);
    for entry in fs::read_dir(&dir).expect("composition folder").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tf") {
            tf.write_file(
                &name,
                &fs::read_to_string(entry.path()).expect("composition file"),
            );
        }
    }
}

/// The zone migration composition does what its README promises against the simulator's seed:
/// one apply imports the five existing records unchanged and creates the new ones, and the next
/// plan is empty.
#[test]
fn zone_migration_imports_the_seed_zone_and_converges() {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    write_composition(&tf, "zone-migration");
    let out = tf.apply();
    assert!(
        out.stdout
            .contains("5 imported, 3 added, 0 changed, 0 destroyed"),
        "{out}"
    );
    let www = tf.expect_resource("combell_dns_record.existing[\"www\"]");
    assert_eq!(www["id"], "1-1000000005");
    tf.assert_plan_empty();
    assert_eq!(tf.state_addresses().len(), 8);
}

/// The client site composition builds a whole site on the simulator in one apply, converges,
/// and destroys everything Combell's API can delete.
#[test]
fn client_site_applies_converges_and_destroys() {
    let sim = Sim::start();
    let mut tf = Tf::new(&sim);
    write_composition(&tf, "client-site");
    for var in [
        "ftp_password",
        "database_password",
        "reporting_password",
        "mailbox_password",
    ] {
        tf.set_env(&format!("TF_VAR_{var}"), "Composition4Secret9");
    }
    tf.apply();
    let apex = tf.expect_resource("combell_dns_record.apex");
    assert_eq!(apex["domain_name"], "client-site.example");
    tf.expect_resource("combell_mailbox.box[\"info\"]");
    tf.expect_resource("combell_mysql_user.reporting");
    tf.assert_plan_empty();
    tf.destroy();
}
