//! The simulator's integration tests, as one test binary: its HTTP API (signed requests against
//! an in-process instance, through the `sim_support` harness), its command line and its
//! robustness against hostile requests.

mod sim_support;

mod sim_api;
mod sim_cli;
mod sim_domainssl;
mod sim_linux;
mod sim_mailmysql;
mod sim_robust;
mod sim_schemathesis;
