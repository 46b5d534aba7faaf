//! Measures what Terraform pays for this plugin layer: process start to handshake line (with
//! automatic mutual TLS, as Terraform always runs it), and the round trip of single RPCs over
//! one mTLS connection. Run with `cargo bench --bench plugin_latency` (a release build).

#[path = "../tests/it/tfplugin_support/mod.rs"]
mod tfplugin_support;

use std::time::{Duration, Instant};

use tfplugin::proto::tfplugin6 as pb;
use tfplugin::{to_msgpack, ProviderDef, Value};
use tfplugin_support::{client_cert, connect, Plugin};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-combell");

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{name:<40} n={:<4} median={:>9.3?} p90={:>9.3?} min={:>9.3?} max={:>9.3?}",
        samples.len(),
        at(0.5),
        at(0.9),
        samples[0],
        samples[samples.len() - 1]
    );
}

fn main() {
    let client = client_cert();

    let mut starts = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let plugin = Plugin::start(BINARY, &client.pem);
        starts.push(t.elapsed());
        drop(plugin);
    }
    summary("start -> handshake line (mTLS)", starts);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let plugin = Plugin::start(BINARY, &client.pem);
        let channel = connect(&plugin, &client).await.expect("connect");
        let mut provider = pb::provider_client::ProviderClient::new(channel);
        let ty = terraform_provider_combell::provider::provider()
            .resources()
            .iter()
            .find(|r| r.type_name() == "combell_dns_record")
            .expect("combell_dns_record")
            .schema()
            .value_type();
        let config = Value::object([
            ("domain_name", "example.com".into()),
            ("type", "A".into()),
            ("record_name", "bench".into()),
            ("content", "192.0.2.1".into()),
        ]);
        let dv = |v: &Value| {
            Some(pb::DynamicValue {
                msgpack: to_msgpack(v, &ty).expect("encode"),
                json: Vec::new(),
            })
        };

        let mut schema = Vec::new();
        for _ in 0..300 {
            let t = Instant::now();
            provider
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await
                .expect("rpc");
            schema.push(t.elapsed());
        }
        summary("GetProviderSchema", schema);

        let mut plans = Vec::new();
        for _ in 0..300 {
            let t = Instant::now();
            provider
                .plan_resource_change(pb::plan_resource_change::Request {
                    type_name: "combell_dns_record".into(),
                    prior_state: dv(&Value::Null),
                    proposed_new_state: dv(&config),
                    config: dv(&config),
                    ..Default::default()
                })
                .await
                .expect("rpc");
            plans.push(t.elapsed());
        }
        summary("PlanResourceChange (create)", plans);
    });
}
