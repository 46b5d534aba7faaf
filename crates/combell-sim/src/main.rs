//! combell-sim: an in-memory simulator of the Combell API v2, so the provider and its tests run
//! offline. The first stdout line is a contract other tools parse:
//! `combell-sim listening on http://127.0.0.1:PORT/v2`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use combell_sim::{self as sim, RateLimit, SimConfig};

#[derive(Parser, Debug)]
#[command(
    name = "combell-sim",
    version,
    about = "A local simulator of the Combell reseller API (api.combell.com/v2)",
    after_help = "Admin endpoints (outside /v2, unsigned): GET /_sim/stats, POST /_sim/reset, \
GET/POST/DELETE /_sim/faults, DELETE /_sim/faults/{id}, POST /_sim/jobs/fail-next, \
POST /_sim/jobs/{id}/fail, POST /_sim/jobs/{id}/cancel."
)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The API key clients must sign with.
    #[arg(long, default_value = sim::DEFAULT_API_KEY)]
    api_key: String,
    /// The API secret clients must sign with.
    #[arg(long, default_value = sim::DEFAULT_API_SECRET)]
    api_secret: String,
    /// How long provisioning jobs (account creation) take: 500ms, 2s, 1m.
    #[arg(long, default_value = "2s", value_parser = sim::parse_duration)]
    job_duration: Duration,
    /// Requests per window per API key, like 100/60s, or off.
    #[arg(long, default_value = "100/60s", value_parser = parse_rate_limit)]
    rate_limit: RateLimitArg,
    /// Load the state from this JSON file if it exists, and rewrite it after every change.
    #[arg(long)]
    state: Option<PathBuf>,
    /// A fault rule, repeatable: kind=503,method=POST,path=/v2/dns/*/records,rate=0.5,count=3.
    /// Kinds: 500 502 503 429 latency (delay=) drop hang_job commit_then_fail commit_then_drop.
    #[arg(long = "fault", value_name = "SPEC", value_parser = sim::FaultRule::parse)]
    faults: Vec<sim::FaultRule>,
    /// Seed for the fault rules' dice, so a run's failures repeat.
    #[arg(long)]
    fault_seed: Option<u64>,
    /// Which reading of the signed path to verify: spec (lowercased, as received), official
    /// (as Combell's PHP client signs: case kept, decoded once when it holds escapes) or either.
    #[arg(long, default_value = "either", value_parser = sim::SigningMode::parse)]
    signing: sim::SigningMode,
    /// Seed N more accounts (client01.example, ...), each with DNS records, mailboxes, an
    /// alias, a catch-all, an SMTP domain, anti-spam, a database with two users and a hosting
    /// with an SSH key, a scheduled task, a subsite and a host header.
    #[arg(long, default_value_t = 0, value_name = "N")]
    seed_estate: u32,
    /// Give a DNS record a new id on every PUT (Combell keeping or changing it is unobserved).
    #[arg(long)]
    dns_put_renumbers: bool,
}

/// clap needs one concrete type per value parser; `Option` would read as "flag may be absent".
#[derive(Clone, Debug)]
struct RateLimitArg(Option<RateLimit>);

fn parse_rate_limit(text: &str) -> Result<RateLimitArg, String> {
    sim::parse_rate_limit(text).map(RateLimitArg)
}

fn describe_rate_limit(limit: Option<RateLimit>) -> String {
    match limit {
        Some(l) => format!("{} requests per {:?}", l.limit, l.window),
        None => "off".to_string(),
    }
}

/// SIGTERM and SIGINT (Ctrl-C) as one future. The handlers are registered when this is called,
/// not when the future is first polled: it is called before the address line is printed, so a
/// signal sent by whoever read that line always stops the simulator cleanly (exit 0) instead of
/// killing it with the default action.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate()).ok();
    let int = signal(SignalKind::interrupt()).ok();
    async move {
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let int = async move {
            match int {
                Some(mut s) => {
                    s.recv().await;
                }
                None => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        };
        tokio::select! {
            _ = term => {}
            _ = int => {}
        }
    }
}

#[cfg(not(unix))]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Counts of what each API area added to the seed (one `SimState` field per area), named from
/// the state's own JSON so that an area lands here without touching this file.
fn other_areas(snapshot: &combell_sim::state::SimState) -> Option<String> {
    const SHOWN: [&str; 3] = ["servicepacks", "accounts", "zones"];
    let value = serde_json::to_value(snapshot).ok()?;
    let mut parts = Vec::new();
    for (area, content) in value.as_object()? {
        if SHOWN.contains(&area.as_str()) {
            continue;
        }
        let counts: Vec<String> = match content {
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter_map(|(name, v)| match v {
                    serde_json::Value::Array(a) => Some(format!("{} {name}", a.len())),
                    serde_json::Value::Object(o) => Some(format!("{} {name}", o.len())),
                    _ => None,
                })
                .collect(),
            serde_json::Value::Array(a) if !a.is_empty() => vec![format!("{} {area}", a.len())],
            _ => Vec::new(),
        };
        if !counts.is_empty() {
            parts.push(format!("{area} ({})", counts.join(", ")));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[tokio::main]
async fn main() -> ExitCode {
    hclog::init_from_env();
    let args = Args::parse();
    let config = SimConfig {
        listen: args.listen,
        api_key: args.api_key,
        api_secret: args.api_secret,
        job_duration: args.job_duration,
        rate_limit: args.rate_limit.0,
        state_file: args.state,
        faults: args.faults,
        fault_seed: args.fault_seed,
        signing: args.signing,
        seed_estate: args.seed_estate,
        dns_put_renumbers: args.dns_put_renumbers,
    };
    let mut running = match sim::start(config).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("combell-sim: {e}");
            return ExitCode::FAILURE;
        }
    };

    let stop = stop_signal();
    let config = running.config().clone();
    let snapshot = running.snapshot();
    let mut out = String::new();
    out.push_str(&format!(
        "combell-sim listening on {}\n",
        running.base_url()
    ));
    out.push_str("Point the provider at it with:\n");
    out.push_str(&format!(
        "  export COMBELL_ENDPOINT={}\n",
        running.base_url()
    ));
    out.push_str(&format!("  export COMBELL_API_KEY={}\n", config.api_key));
    if config.api_secret == sim::DEFAULT_API_SECRET {
        out.push_str(&format!(
            "  export COMBELL_API_SECRET={}\n",
            sim::DEFAULT_API_SECRET
        ));
    } else {
        out.push_str("  export COMBELL_API_SECRET=<the secret given with --api-secret>\n");
    }
    out.push_str(&format!(
        "Job duration {:?}, rate limit {}, signing {}, state {}\n",
        config.job_duration,
        describe_rate_limit(config.rate_limit),
        config.signing.name(),
        config
            .state_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "in memory only".to_string())
    ));
    out.push_str(&format!(
        "Seed: {} servicepacks, {} accounts ({}), {} DNS zones ({} records)\n",
        snapshot.servicepacks.len(),
        snapshot.accounts.len(),
        snapshot
            .accounts
            .iter()
            .map(|a| format!("{} {}", a.id, a.identifier))
            .collect::<Vec<_>>()
            .join(", "),
        snapshot.zones.len(),
        snapshot
            .zones
            .values()
            .map(|z| z.records.len())
            .sum::<usize>()
    ));
    if let Some(more) = other_areas(&snapshot) {
        out.push_str(&format!("Seed also: {more}\n"));
    }
    if !config.faults.is_empty() {
        out.push_str(&format!(
            "Faults: {} rule(s) from --fault{}\n",
            config.faults.len(),
            config
                .fault_seed
                .map(|s| format!(", seed {s}"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "Admin: GET {0}/_sim/stats, POST {0}/_sim/reset, GET/POST/DELETE {0}/_sim/faults, \
POST {0}/_sim/jobs/fail-next, POST {0}/_sim/jobs/{{id}}/fail|cancel\n",
        running.root_url()
    ));
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // Whoever started us stopped reading; serving on is still useful.
    }
    drop(stdout);

    let signalled = tokio::select! {
        _ = stop => true,
        _ = running.wait() => false,
    };
    if signalled {
        running.shutdown().await;
        ExitCode::SUCCESS
    } else {
        eprintln!("combell-sim: the server stopped unexpectedly");
        ExitCode::FAILURE
    }
}
