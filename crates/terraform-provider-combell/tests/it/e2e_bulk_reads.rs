//! End to end: a refresh reads DNS records in bulk. A real Terraform plans 80 records in two
//! zones through the provider binary, and the simulator's request counters show one list call
//! per zone instead of one GET per record; import reads through the same list, and a record
//! deleted behind Terraform's back is still noticed (the list misses it, one GET confirms).
//! Counts calls, not time.

use crate::common;

use crate::common::{api, Sim, Tf};
use serde_json::Value;

const PER_ZONE: usize = 40;
const ZONES: [&str; 2] = ["example.com", "example.net"];

fn config() -> String {
    let mut hcl = common::config("");
    for (z, zone) in ZONES.iter().enumerate() {
        hcl.push_str(&format!(
            "resource \"combell_dns_record\" \"z{z}\" {{\n  count       = {PER_ZONE}\n  \
             domain_name = \"{zone}\"\n  type        = \"TXT\"\n  \
             record_name = \"bulk${{count.index}}\"\n  content     = \"v=${{count.index}}\"\n}}\n"
        ));
    }
    hcl
}

/// Requests to DNS record routes since `before`, split into (lists, single GETs, others).
fn dns_calls(before: &Value, after: &Value) -> (u64, u64, u64) {
    let count = |stats: &Value, route: &str| stats["by_route"][route].as_u64().unwrap_or(0);
    let routes = after["by_route"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let (mut lists, mut gets, mut others) = (0, 0, 0);
    for route in routes {
        let delta = count(after, &route) - count(before, &route);
        if route.starts_with("GET ") && route.ends_with("/records") {
            lists += delta;
        } else if route.starts_with("GET ") && route.contains("/records/") {
            gets += delta;
        } else {
            others += delta;
        }
    }
    (lists, gets, others)
}

#[test]
fn a_refresh_reads_each_zone_once() {
    let sim = Sim::start_with(&["--rate-limit", "off"]);
    let tf = Tf::new(&sim);
    tf.write_config(&config());
    tf.apply();

    // A plan (refresh included) of 80 records: one list per zone.
    let before = sim.stats();
    tf.assert_plan_empty();
    let after = sim.stats();
    let calls = dns_calls(&before, &after);
    assert_eq!(
        calls,
        (ZONES.len() as u64, 0, 0),
        "(lists, single GETs, others) for a plan of {} records; stats: {after}",
        PER_ZONE * ZONES.len()
    );

    // A record deleted behind Terraform's back: missing from the list, confirmed gone by one
    // GET, planned again.
    let gone = tf.expect_resource("combell_dns_record.z0[7]");
    let gone_id = gone["id"].as_str().expect("record id").to_string();
    runtime()
        .block_on(api(&sim).delete_dns_record(
            "example.com",
            &gone_id,
            &combell_api::CancellationToken::new(),
        ))
        .unwrap_or_else(|e| panic!("delete {gone_id} behind Terraform's back: {e}"));
    let before = sim.stats();
    let plan = tf.assert_plan_changes();
    let after = sim.stats();
    assert!(
        plan.stdout
            .contains("combell_dns_record.z0[7] will be created"),
        "{}",
        plan.stdout
    );
    assert_eq!(dns_calls(&before, &after), (ZONES.len() as u64, 1, 0));
    tf.apply();

    // Import into a fresh state: the read after each import goes through the zone's list.
    let fresh = tf.fresh_state();
    let record = tf.expect_resource("combell_dns_record.z1[3]");
    let id = record["id"].as_str().expect("record id");
    let before = sim.stats();
    fresh.import("combell_dns_record.z1[3]", &format!("example.net/{id}"));
    let after = sim.stats();
    assert_eq!(dns_calls(&before, &after), (1, 0, 0));
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The client on its own: concurrent reads of one zone share one list call, and the client's
/// own create and delete invalidate the zone, so a read right after sees the change.
#[test]
fn reads_share_a_list_and_see_the_clients_own_writes() {
    use combell_api::{CancellationToken, DnsRecord};

    let sim = Sim::start_with(&["--rate-limit", "off"]);
    let client = api(&sim);
    let cancel = CancellationToken::new();
    runtime().block_on(async {
        let ids: Vec<String> = client
            .list_dns_records("example.com", &Default::default(), &cancel)
            .await
            .expect("list")
            .into_iter()
            .filter_map(|r| r.id)
            .collect();
        assert!(ids.len() >= 3, "the seeded zone has records: {ids:?}");

        let before = sim.stats();
        let reads: Vec<_> = ids
            .iter()
            .map(|id| {
                let (client, id, cancel) = (client.clone(), id.clone(), cancel.clone());
                tokio::spawn(
                    async move { client.read_dns_record("example.com", &id, &cancel).await },
                )
            })
            .collect();
        for read in reads {
            assert!(read.await.expect("task").expect("read").is_some());
        }
        assert_eq!(dns_calls(&before, &sim.stats()), (1, 0, 0));

        // Create: the next read lists again and finds it.
        let new_id = client
            .create_dns_record(
                "example.com",
                &DnsRecord {
                    record_type: Some("TXT".into()),
                    record_name: Some("fresh".into()),
                    ttl: Some(3600),
                    content: Some("hello".into()),
                    ..DnsRecord::default()
                },
                &cancel,
            )
            .await
            .expect("create");
        let found = client
            .read_dns_record("example.com", &new_id, &cancel)
            .await
            .expect("read after create");
        assert_eq!(found.and_then(|r| r.content).as_deref(), Some("hello"));

        // Delete: the next read does not return it.
        client
            .delete_dns_record("example.com", &new_id, &cancel)
            .await
            .expect("delete");
        let before = sim.stats();
        let gone = client
            .read_dns_record("example.com", &new_id, &cancel)
            .await
            .expect("read after delete");
        assert_eq!(gone, None);
        // One fresh list, and one GET to confirm the record is really gone.
        assert_eq!(dns_calls(&before, &sim.stats()), (1, 1, 0));
    });
}
