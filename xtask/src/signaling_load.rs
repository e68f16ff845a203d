//! `cargo xtask bench`'s signaling load step (BENCHMARKS.md, issue 16): the release
//! `conclave-server`, then the minimal Node `ws` relay, each started on `127.0.0.1` and
//! loaded by `conclave-signaling-load` (10,000 connections in 2,000 rooms, 4,000
//! messages a second), one table row per server. Each server runs alone, so neither's
//! idle cost counts against the other; both get as many open files as the hard limit
//! allows. Server logs go to `target/bench/`.

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
    for server in [Server::Conclave, Server::Relay] {
        command::step(&format!("signaling load against {}", server.label()));
        let running = RunningServer::start(root, server, &logs)?;
        let report = load(root, server, &running);
        running.stop();
        let report = report?;
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
    command::step("signaling load: one Conclave instance beside a minimal Node ws relay");
    for line in table {
        println!("{line}");
    }
    Ok(())
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
    fn start(root: &Path, server: Server, logs: &Path) -> Result<Self, Failure> {
        let log_path = logs.join(format!("{}.log", server.label()));
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

/// Runs the generator against `running`; returns its report (standard output).
fn load(root: &Path, server: Server, running: &RunningServer) -> Result<String, Failure> {
    let generator = root.join("target/release/conclave-signaling-load");
    let pid = running.child.id().to_string();
    let args = [
        "--label",
        server.label(),
        "--server",
        &running.url,
        "--server-pid",
        &pid,
    ];
    let what = command::describe(generator.as_os_str(), &args.map(OsStr::new));
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
