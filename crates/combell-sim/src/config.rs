//! How a simulator runs: its configuration, as the command line and tests give it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::auth::SigningMode;
use crate::faults::FaultRule;
use crate::ratelimit::RateLimit;

/// How to run a simulator; `Default` gives the command line's defaults.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub api_key: String,
    pub api_secret: String,
    pub job_duration: Duration,
    /// `None` switches rate limiting off.
    pub rate_limit: Option<RateLimit>,
    pub state_file: Option<PathBuf>,
    /// Fault rules in force from the start (`--fault`); more come and go at `/_sim/faults`.
    pub faults: Vec<FaultRule>,
    /// Makes which requests a rule with a `rate` hits repeatable (`--fault-seed`).
    pub fault_seed: Option<u64>,
    /// Which readings of the signed path are accepted (`--signing`).
    pub signing: SigningMode,
    /// How many more accounts, each with one of everything, the seed holds (`--seed-estate`).
    pub seed_estate: u32,
    /// A DNS record PUT gives the record a new id (`--dns-put-renumbers`). Whether Combell keeps
    /// a record's id across a PUT has not been observed: the provider must work either way.
    pub dns_put_renumbers: bool,
}

pub const DEFAULT_API_KEY: &str = "sim-key";

pub const DEFAULT_API_SECRET: &str = "sim-secret";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.to_string(),
            api_secret: DEFAULT_API_SECRET.to_string(),
            job_duration: Duration::from_secs(2),
            rate_limit: Some(RateLimit {
                limit: 100,
                window: Duration::from_secs(60),
            }),
            state_file: None,
            faults: Vec::new(),
            fault_seed: None,
            signing: SigningMode::Either,
            seed_estate: 0,
            dns_put_renumbers: false,
        }
    }
}

impl SimConfig {
    /// For tests: quick jobs (100 ms) and no rate limit, otherwise the defaults.
    pub fn for_tests() -> Self {
        SimConfig {
            job_duration: Duration::from_millis(100),
            rate_limit: None,
            ..SimConfig::default()
        }
    }
}
