//! End to end under faults and interrupts: a real Terraform applies configurations of many
//! resources of every type against a simulator that fails the ways production does, and the
//! simulator's inventory must then equal the state: nothing duplicated, nothing orphaned, the
//! next plan empty.
//!
//! - `faults_converge_without_duplicates_or_orphans`: 108 resources (accounts, DNS records in
//!   four zones, mailboxes, MySQL databases and users) under latency, 5xx answers, 429 bursts,
//!   dropped connections and POSTs that create their object and then answer 500 or drop the
//!   connection. Applies are
//!   repeated until one succeeds (as a user would re-run apply), at most `MAX_APPLIES` times.
//! - `interrupts_failed_jobs_and_timeouts_converge`: Ctrl-C (SIGINT to Terraform) while slow
//!   creates are in flight, a provisioning job that fails, and one that outlives its
//!   `timeouts.create`; each time the next apply converges to the same clean inventory.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{api, block_on, config, http_request, Sim, Tf};
use combell_api::{AccountFilter, CancellationToken, DnsRecordFilter};
use serde_json::Value;

/// A user would give up re-running apply long before this.
const MAX_APPLIES: usize = 5;

const SEED_ZONES: [&str; 2] = ["example.com", "example.net"];
const ACCOUNTS: [&str; 2] = ["faults-0.be", "faults-1.be"];

/// What the simulator holds, per resource type, as the ids the provider puts in `id`; DNS
/// records as `zone/id`, with their natural key beside them to find duplicates.
#[derive(Debug, Default, Clone, PartialEq)]
struct Inventory {
    by_type: BTreeMap<&'static str, Vec<String>>,
    /// `zone/id` → `zone type name content priority` of every DNS record.
    dns_keys: BTreeMap<String, String>,
}

impl Inventory {
    /// Reads it through the API (with faults cleared first).
    fn read(sim: &Sim) -> Inventory {
        let client = api(sim);
        let cancel = CancellationToken::new();
        let mut inv = Inventory::default();
        block_on(async {
            let mut zones: Vec<String> = SEED_ZONES.iter().map(|z| z.to_string()).collect();
            let accounts = client
                .list_accounts(&AccountFilter::default(), &cancel)
                .await
                .expect("list accounts");
            for account in &accounts {
                inv.push("combell_account", account.id.to_string());
                if ACCOUNTS.contains(&account.identifier.as_str()) {
                    zones.push(account.identifier.clone());
                }
            }
            for zone in &zones {
                let records = client
                    .list_dns_records(zone, &DnsRecordFilter::default(), &cancel)
                    .await
                    .expect("list records");
                // NS and SOA come with every zone and stay under Combell's control.
                for r in records
                    .into_iter()
                    .filter(|r| !matches!(r.record_type.as_deref(), Some("NS" | "SOA")))
                {
                    let id = format!("{zone}/{}", r.id.unwrap_or_default());
                    let key = format!(
                        "{zone} {} {} {} {}",
                        r.record_type.unwrap_or_default(),
                        r.record_name.unwrap_or_default(),
                        r.content.unwrap_or_default(),
                        r.priority.unwrap_or_default()
                    );
                    inv.push("combell_dns_record", id.clone());
                    inv.dns_keys.insert(id, key);
                }
            }
            for mailbox in client
                .list_mailboxes("example.com", &cancel)
                .await
                .expect("list mailboxes")
            {
                inv.push("combell_mailbox", mailbox.name.to_ascii_lowercase());
            }
            for db in client
                .list_mysql_databases(&cancel)
                .await
                .expect("list databases")
            {
                for user in client
                    .list_mysql_users(&db.name, &cancel)
                    .await
                    .expect("list users")
                {
                    // The database's own user comes and goes with it.
                    if !user.name.eq_ignore_ascii_case(&db.name) {
                        inv.push("combell_mysql_user", format!("{}/{}", db.name, user.name));
                    }
                }
                inv.push("combell_mysql_database", db.name);
            }
        });
        for ids in inv.by_type.values_mut() {
            ids.sort();
        }
        inv
    }

    fn push(&mut self, kind: &'static str, id: String) {
        self.by_type.entry(kind).or_default().push(id);
    }

    /// What is here and not in `seed`, per type (a multiset difference).
    fn minus(&self, seed: &Inventory) -> BTreeMap<&'static str, Vec<String>> {
        let mut out = BTreeMap::new();
        for (kind, ids) in &self.by_type {
            let mut left = seed.by_type.get(kind).cloned().unwrap_or_default();
            let mut new = Vec::new();
            for id in ids {
                match left.iter().position(|s| s == id) {
                    Some(i) => {
                        left.remove(i);
                    }
                    None => new.push(id.clone()),
                }
            }
            if !new.is_empty() {
                out.insert(*kind, new);
            }
        }
        out
    }
}

/// The ids in the state, per type, in the inventory's form.
fn state_ids(tf: &Tf) -> BTreeMap<&'static str, Vec<String>> {
    let state = tf.state_json();
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for r in resources {
        let values = &r["values"];
        let id = values["id"].as_str().unwrap_or("(no id)").to_string();
        let (kind, id) = match r["type"].as_str().unwrap_or_default() {
            "combell_account" => ("combell_account", id),
            "combell_dns_record" => (
                "combell_dns_record",
                format!(
                    "{}/{id}",
                    values["domain_name"].as_str().unwrap_or_default()
                ),
            ),
            "combell_mailbox" => ("combell_mailbox", id.to_ascii_lowercase()),
            "combell_mysql_database" => ("combell_mysql_database", id),
            "combell_mysql_user" => ("combell_mysql_user", id),
            other => panic!("unexpected resource type {other} in the state"),
        };
        out.entry(kind).or_default().push(id);
    }
    for ids in out.values_mut() {
        ids.sort();
    }
    out
}

/// The simulator holds exactly what the state records beyond the seed, once each, and no two
/// DNS records share a natural key. Returns the number of objects checked.
fn assert_inventory_equals_state(sim: &Sim, seed: &Inventory, tf: &Tf) -> usize {
    let now = Inventory::read(sim);
    let created = now.minus(seed);
    let state = state_ids(tf);
    let mut keys: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (id, key) in &now.dns_keys {
        keys.entry(key).or_default().push(id);
    }
    let duplicates: Vec<_> = keys.iter().filter(|(_, ids)| ids.len() > 1).collect();
    assert!(
        duplicates.is_empty(),
        "DNS records created twice: {duplicates:?}"
    );
    for (kind, ids) in &state {
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(&unique, ids, "{kind}: an id is in the state twice");
    }
    assert_eq!(
        created, state,
        "the simulator's new objects (left) differ from the state (right): orphans or lost objects"
    );
    state.values().map(Vec::len).sum()
}

/// An apply with ten operations at a time.
const APPLY_IN_PARALLEL: &[&str] = &[
    "apply",
    "-auto-approve",
    "-no-color",
    "-input=false",
    "-parallelism=10",
];

/// Applies until one succeeds; returns how many it took.
fn apply_until_converged(tf: &Tf) -> usize {
    let mut failures = Vec::new();
    for attempt in 1..=MAX_APPLIES {
        let out = tf.run(APPLY_IN_PARALLEL);
        if out.success() {
            eprintln!("converged after {attempt} apply run(s)");
            return attempt;
        }
        eprintln!("apply {attempt} failed:\n{}", out.stderr.trim());
        failures.push(out);
    }
    panic!(
        "no apply converged in {MAX_APPLIES} runs; the last:\n{}",
        failures.last().map(|o| o.to_string()).unwrap_or_default()
    );
}

fn big_config() -> String {
    config(
        r#"
locals {
  zones = ["example.com", "example.net"]
}

resource "combell_account" "acct" {
  count          = 2
  identifier     = "faults-${count.index}.be"
  servicepack_id = 11
}

resource "combell_dns_record" "a" {
  count       = 40
  domain_name = local.zones[count.index % 2]
  type        = "A"
  record_name = "fa${count.index}"
  content     = "192.0.2.${count.index + 1}"
}

resource "combell_dns_record" "txt" {
  count       = 12
  domain_name = local.zones[count.index % 2]
  type        = "TXT"
  record_name = "ft${count.index}"
  content     = "faults test ${count.index}"
  ttl         = 600
}

resource "combell_dns_record" "mx" {
  count       = 4
  domain_name = "example.net"
  type        = "MX"
  record_name = "mail${count.index}"
  content     = "mx${count.index}.example.org"
  priority    = 10 + count.index
}

resource "combell_dns_record" "acct" {
  count       = 16
  domain_name = combell_account.acct[count.index % 2].identifier
  type        = "A"
  record_name = "w${count.index}"
  content     = "198.51.100.${count.index + 1}"
}

resource "combell_mailbox" "box" {
  count         = 16
  email_address = "fbox${count.index}@example.com"
  password      = "Faultbox${count.index}pw"
}

resource "combell_mysql_database" "db" {
  count      = 6
  account_id = 1001
  name       = "fdb${count.index}"
  password   = "Faultdb${count.index}pw"
}

resource "combell_mysql_user" "user" {
  count         = 12
  database_name = combell_mysql_database.db[count.index % 6].id
  name          = "fu${count.index}"
  password      = "Faultuser${count.index}pw"
}
"#,
    )
}

/// Every fault kind the issue names, on a fixed seed: what fires depends on the order in which
/// parallel requests arrive, so runs differ a little, but never in kind.
const FAULTS: [&str; 9] = [
    "kind=latency,delay=30ms",
    "kind=503,method=GET,rate=0.05",
    "kind=502,method=DELETE,rate=0.1",
    "kind=429,retry_after=1,rate=0.04,count=12",
    "kind=drop,rate=0.03,count=10",
    "kind=commit_then_fail,method=POST,rate=0.2,count=20",
    "kind=commit_then_drop,method=POST,rate=0.05,count=6",
    "kind=503,method=POST,rate=0.05,count=6",
    "kind=500,method=GET,path=/v2/mysqldatabases/*/users,rate=0.05,count=3",
];

fn fired(sim: &Sim) -> Value {
    sim.stats()["faults"].clone()
}

fn clear_faults(sim: &Sim) {
    let (status, body) =
        http_request(sim.addr(), "DELETE", "/_sim/faults").expect("DELETE /_sim/faults");
    assert!((200..300).contains(&status), "{status} {body}");
}

#[test]
fn faults_converge_without_duplicates_or_orphans() {
    let started = Instant::now();
    let mut args = vec!["--rate-limit", "off", "--fault-seed", "7"];
    for fault in FAULTS {
        args.push("--fault");
        args.push(fault);
    }
    // The seed, read from a simulator without faults in the way.
    let seed = Inventory::read(&Sim::start_with(&["--rate-limit", "off"]));
    let sim = Sim::start_with(&args);
    let tf = Tf::new(&sim);
    tf.write_config(&big_config());

    let applies = apply_until_converged(&tf);
    let faults = fired(&sim);
    eprintln!("faults fired: {faults}");
    assert!(
        faults["commit_then_fail"].as_u64().unwrap_or(0) >= 5,
        "too few commit-then-fail faults fired to prove anything: {faults}"
    );
    for kind in ["429", "drop", "503", "latency", "commit_then_drop"] {
        assert!(
            faults[kind].as_u64().unwrap_or(0) > 0,
            "no {kind}: {faults}"
        );
    }

    clear_faults(&sim);
    let checked = assert_inventory_equals_state(&sim, &seed, &tf);
    assert!(checked >= 100, "only {checked} objects");
    tf.assert_plan_empty();
    eprintln!(
        "{checked} objects, 0 duplicates, 0 orphans; {applies} apply run(s); {} API requests; \
         {:.1}s",
        sim.request_count(),
        started.elapsed().as_secs_f64()
    );
}

// ---- Interrupts ---------------------------------------------------------------------------

fn slow_config(db_timeout: &str) -> String {
    config(&format!(
        r#"
resource "combell_dns_record" "r" {{
  count       = 20
  domain_name = "example.com"
  type        = "A"
  record_name = "int${{count.index}}"
  content     = "203.0.113.${{count.index + 1}}"
}}

resource "combell_mailbox" "box" {{
  count         = 8
  email_address = "ibox${{count.index}}@example.com"
  password      = "Interbox${{count.index}}pw"
}}

resource "combell_mysql_database" "db" {{
  count      = 6
  account_id = 1001
  name       = "idb${{count.index}}"
  password   = "Interdb${{count.index}}pw"
  timeouts {{
    create = "{db_timeout}"
  }}
}}

resource "combell_mysql_user" "user" {{
  count         = 6
  database_name = combell_mysql_database.db[count.index].id
  name          = "iu${{count.index}}"
  password      = "Interuser${{count.index}}pw"
}}
"#
    ))
}

/// Starts `terraform apply`, sends it SIGINT once `ready` says enough is in flight, and waits
/// for it to exit. Returns its exit code and output.
fn interrupted_apply(tf: &Tf, ready: impl Fn() -> bool) -> (i32, String) {
    let mut child = tf
        .command(APPLY_IN_PARALLEL)
        .spawn()
        .expect("start terraform apply");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "the apply never got going");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("terraform exited ({status}) before it could be interrupted");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success(), "kill -INT failed");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for terraform") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("terraform did not stop within 120s of SIGINT");
        }
        thread::sleep(Duration::from_millis(50));
    };
    let text = format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        out_reader.join().unwrap_or_default(),
        err_reader.join().unwrap_or_default()
    );
    (status.code().unwrap_or(-1), text)
}

#[test]
fn interrupts_failed_jobs_and_timeouts_converge() {
    let started = Instant::now();
    // Slow answers and jobs of 2s: many creates are in flight when Ctrl-C arrives.
    let sim = Sim::start_with(&[
        "--rate-limit",
        "off",
        "--job-duration",
        "2s",
        "--fault",
        "kind=latency,delay=150ms",
    ]);
    let seed = Inventory::read(&sim);
    let tf = Tf::new(&sim);
    tf.write_config(&slow_config("5m"));

    // 1. Ctrl-C once a dozen creates have been sent.
    let (code, output) = interrupted_apply(&tf, || sim.method_count("POST") >= 12);
    assert_ne!(code, 0, "an interrupted apply must fail:\n{output}");
    assert!(output.contains("Interrupt received"), "{output}");
    // Already now nothing is orphaned: every object the simulator holds is in the state, by
    // its id or, while its job runs, as a pending entry that names it.
    let created = Inventory::read(&sim).minus(&seed);
    let recorded = state_ids(&tf);
    let state = tf.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let pending: Vec<String> = resources
        .iter()
        .filter(|r| r["values"]["id"].is_null())
        .map(|r| {
            let v = &r["values"];
            match r["type"].as_str() {
                Some("combell_mysql_database") => {
                    format!("ID{}_{}", v["account_id"], v["name"].as_str().unwrap_or(""))
                }
                _ => format!(
                    "{}/{}",
                    v["database_name"].as_str().unwrap_or(""),
                    v["name"].as_str().unwrap_or("")
                ),
            }
        })
        .collect();
    for (kind, ids) in &created {
        for id in ids {
            assert!(
                recorded.get(kind).is_some_and(|r| r.contains(id)) || pending.contains(id),
                "after SIGINT the simulator holds {kind} {id}, which the state does not record"
            );
        }
    }
    eprintln!(
        "after SIGINT: the simulator holds {} new objects; the state records {} ({} of them \
         waiting for their provisioning job)",
        created.values().map(Vec::len).sum::<usize>(),
        resources.len(),
        pending.len()
    );
    let applies = apply_until_converged(&tf);
    assert_inventory_equals_state(&sim, &seed, &tf);
    tf.assert_plan_empty();
    eprintln!(
        "interrupt: converged in {applies} apply run(s) after the interrupted one ({:.1}s)",
        started.elapsed().as_secs_f64()
    );

    // 2. A provisioning job that fails: the next database job of a replacement.
    tf.destroy();
    assert_inventory_equals_state(&sim, &seed, &tf);
    let (status, body) =
        http_request(sim.addr(), "POST", "/_sim/jobs/fail-next").expect("fail-next");
    assert_eq!(status, 200, "{body}");
    let out = tf.run(APPLY_IN_PARALLEL);
    assert!(!out.success(), "a failed job must fail the apply:\n{out}");
    assert!(out.stderr.contains("failed"), "{out}");
    let applies = apply_until_converged(&tf);
    assert_inventory_equals_state(&sim, &seed, &tf);
    tf.assert_plan_empty();
    eprintln!("failed job: converged in {applies} more apply run(s)");

    // 3. Jobs that outlive timeouts.create (1s for 2s jobs): the user raises the timeout, as
    // the error says, and applies again.
    tf.destroy();
    tf.write_config(&slow_config("1s"));
    let out = tf.run(APPLY_IN_PARALLEL);
    assert!(
        !out.success(),
        "a timed-out job must fail the apply:\n{out}"
    );
    assert!(out.stderr.contains("timeouts.create"), "{out}");
    tf.write_config(&slow_config("5m"));
    let applies = apply_until_converged(&tf);
    assert_inventory_equals_state(&sim, &seed, &tf);
    tf.assert_plan_empty();
    eprintln!(
        "timed-out jobs: converged in {applies} more apply run(s); {:.1}s in all",
        started.elapsed().as_secs_f64()
    );
}
