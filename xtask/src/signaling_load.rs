//! `cargo xtask bench`'s signaling load step (BENCHMARKS.md, issue 16): the release
//! `conclave-server`, then two of them sharing rooms through a `redis-server` (on a Unix
//! socket), then the minimal Node `ws` relay, each started on `127.0.0.1` and loaded by
//! `conclave-signaling-load` (10,000 connections in 2,000 rooms, 4,000 messages a second),
//! one table row per setup. Each setup runs alone, so none's idle cost counts against
//! another; every server gets as many open files as the hard limit allows. Server logs go
//! to `target/bench/`.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::command::{self, Failure};

/// Generous per-address limits: every connection of the benchmark comes from 127.0.0.1.
const LIMIT_ENV: &[(&str, &str)] = &[
    ("CONCLAVE_ROOM_CREATIONS_PER_MINUTE", "10000000"),
    ("CONCLAVE_WEBSOCKET_OPENS_PER_MINUTE", "10000000"),
];

/// Runs the generator against each server in turn and prints the table.
pub fn run(root: &Path) -> Result<(), Failure> {
    command::step("signaling load: build the release server and the load generator");
    // Built one at a time: together, they would share one set of features of their
    // common dependencies, and the server would be rebuilt whenever either is built alone.
    command::cargo(
        root,
        &[
            "build",
            "--release",
            "-p",
            "conclave-signaling-server",
            "--bin",
            "conclave-server",
        ],
    )?;
    command::cargo(
        root,
        &[
            "build",
            "--release",
            "-p",
            "conclave-headless",
            "--bin",
            "conclave-signaling-load",
        ],
    )?;
    ensure_ws_package(root)?;
    let logs = root.join("target/bench");
    std::fs::create_dir_all(&logs)
        .map_err(|error| Failure::Io(format!("cannot create {}: {error}", logs.display())))?;

    let mut table: Vec<String> = Vec::new();
    for setup in [
        Setup::OneConclave,
        Setup::TwoConclaveWithRedis,
        Setup::Relay,
    ] {
        command::step(&format!("signaling load against {}", setup.label()));
        let report = run_setup(root, setup, &logs)?;
        print!("{report}");
        // The report ends with the Markdown table: header, separator, this server's row.
        let lines: Vec<&str> = report.lines().collect();
        if table.is_empty() {
            let start = lines.len().saturating_sub(3);
            table.extend(lines[start..].iter().map(|line| line.to_string()));
        } else if let Some(row) = lines.last() {
            table.push(row.to_string());
        }
    }
    command::step(
        "signaling load: Conclave (one instance, two with Redis) beside a minimal Node ws relay",
    );
    for line in table {
        println!("{line}");
    }
    Ok(())
}

/// What one table row measures.
#[derive(Clone, Copy)]
enum Setup {
    OneConclave,
    /// Two instances sharing rooms through Redis; each room's members are spread over both,
    /// so about half of them are carried to their room's home through Redis. Redis' own
    /// CPU and memory are not counted.
    TwoConclaveWithRedis,
    Relay,
}

impl Setup {
    fn label(self) -> &'static str {
        match self {
            Self::OneConclave => "conclave",
            Self::TwoConclaveWithRedis => "conclave-x2-redis",
            Self::Relay => "node-ws-relay",
        }
    }
}

/// Starts the setup's servers, loads them, stops them; returns the generator's report.
fn run_setup(root: &Path, setup: Setup, logs: &Path) -> Result<String, Failure> {
    let mut redis = None;
    let servers = match setup {
        Setup::OneConclave => vec![RunningServer::start(
            root,
            Server::Conclave,
            &[],
            logs,
            "conclave",
        )?],
        Setup::Relay => vec![RunningServer::start(
            root,
            Server::Relay,
            &[],
            logs,
            "node-ws-relay",
        )?],
        Setup::TwoConclaveWithRedis => {
            let (child, url) = start_redis(logs)?;
            redis = Some(child);
            let args = ["--redis-url".to_owned(), url];
            let mut servers = Vec::new();
            for name in ["conclave-a", "conclave-b"] {
                match RunningServer::start(root, Server::Conclave, &args, logs, name) {
                    Ok(server) => servers.push(server),
                    Err(error) => {
                        servers.into_iter().for_each(RunningServer::stop);
                        if let Some(mut redis) = redis {
                            let _ = redis.kill();
                            let _ = redis.wait();
                        }
                        return Err(error);
                    }
                }
            }
            servers
        }
    };
    let report = load(root, setup.label(), &servers);
    servers.into_iter().for_each(RunningServer::stop);
    if let Some(mut redis) = redis {
        let _ = redis.kill();
        let _ = redis.wait();
    }
    report
}

/// A `redis-server` on a Unix socket under `logs`, without persistence; returns it and its URL.
fn start_redis(logs: &Path) -> Result<(Child, String), Failure> {
    let dir = logs.join("redis");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|error| Failure::Io(format!("cannot create {}: {error}", dir.display())))?;
    let socket = dir.join("redis.sock");
    let mut child = Command::new("redis-server")
        .args([
            "--port",
            "0",
            "--save",
            "",
            "--appendonly",
            "no",
            "--unixsocketperm",
            "700",
        ])
        .arg("--unixsocket")
        .arg(&socket)
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| Failure::Command {
            what: "redis-server".to_owned(),
            detail: format!("could not start (Debian package redis-server): {error}"),
        })?;
    for _ in 0..200 {
        if socket.exists() {
            return Ok((child, format!("unix://{}", socket.display())));
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(Failure::Command {
        what: "redis-server".to_owned(),
        detail: "did not open its socket within 5 s".to_owned(),
    })
}

#[derive(Clone, Copy)]
enum Server {
    Conclave,
    Relay,
}

impl Server {
    fn label(self) -> &'static str {
        match self {
            Self::Conclave => "conclave",
            Self::Relay => "node-ws-relay",
        }
    }

    /// The program and its arguments.
    fn command_line(self, root: &Path) -> Vec<PathBuf> {
        match self {
            Self::Conclave => vec![
                root.join("target/release/conclave-server"),
                "--listen".into(),
                "127.0.0.1:0".into(),
                "--www-dir".into(),
                root.join("www"),
                "--max-connections".into(),
                "20000".into(),
            ],
            Self::Relay => vec![
                "node".into(),
                root.join("e2e-tests/benchmarks/signaling-relay/relay.mjs"),
                "--listen".into(),
                "127.0.0.1:0".into(),
            ],
        }
    }
}

/// A server started for one run; its first line of output names its address.
struct RunningServer {
    child: Child,
    url: String,
    // Kept open: the server may write more, and a closed pipe would fail its writes.
    _stdout: BufReader<ChildStdout>,
}

impl RunningServer {
    fn start(
        root: &Path,
        server: Server,
        extra_args: &[String],
        logs: &Path,
        name: &str,
    ) -> Result<Self, Failure> {
        let log_path = logs.join(format!("{name}.log"));
        let log = File::create(&log_path).map_err(|error| {
            Failure::Io(format!("cannot create {}: {error}", log_path.display()))
        })?;
        // Raise the soft limit on open files to the hard one, then run the server.
        let mut child = Command::new("sh");
        child
            .args([
                "-c",
                "ulimit -n \"$(ulimit -H -n)\" 2>/dev/null; exec \"$@\"",
                "sh",
            ])
            .args(server.command_line(root))
            .args(extra_args)
            .envs(LIMIT_ENV.iter().copied())
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        let what = format!("{} server", server.label());
        let mut child = child.spawn().map_err(|error| Failure::Command {
            what: what.clone(),
            detail: format!("could not start: {error}"),
        })?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err(Failure::Command {
                what,
                detail: "no standard output".to_owned(),
            });
        };
        let mut stdout = BufReader::new(stdout);
        let mut first_line = String::new();
        let _ = stdout.read_line(&mut first_line);
        let url = first_line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .map(|url| url.trim_end_matches('/').to_owned());
        match url {
            Some(url) => Ok(Self {
                child,
                url,
                _stdout: stdout,
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(Failure::Command {
                    what,
                    detail: format!(
                        "did not say where it serves (its log: {})",
                        log_path.display()
                    ),
                })
            }
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the generator against `servers`; returns its report (standard output).
fn load(root: &Path, label: &str, servers: &[RunningServer]) -> Result<String, Failure> {
    let generator = root.join("target/release/conclave-signaling-load");
    let mut args = vec!["--label".to_owned(), label.to_owned()];
    for server in servers {
        args.extend([
            "--server".to_owned(),
            server.url.clone(),
            "--server-pid".to_owned(),
            server.child.id().to_string(),
        ]);
    }
    let os_args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let what = command::describe(generator.as_os_str(), &os_args);
    let output = Command::new(&generator)
        .args(args)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| Failure::Command {
            what: what.clone(),
            detail: format!("could not start: {error}"),
        })?;
    if !output.status.success() {
        return Err(Failure::Command {
            what,
            detail: format!("exited with {}", output.status),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The relay needs the `ws` package of the Playwright suite's npm packages.
fn ensure_ws_package(root: &Path) -> Result<(), Failure> {
    let e2e_dir = root.join("e2e-tests");
    if e2e_dir.join("node_modules/ws/package.json").is_file() {
        return Ok(());
    }
    command::step("install the Playwright suite's npm packages (the relay uses `ws`)");
    command::run(
        &e2e_dir,
        OsStr::new("npm"),
        &["ci", "--no-audit", "--no-fund"].map(OsStr::new),
        &[("PUPPETEER_SKIP_DOWNLOAD", OsStr::new("true"))],
    )
}
