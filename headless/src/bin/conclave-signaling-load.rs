//! `conclave-signaling-load`: many WebSocket connections in many rooms relay timestamped
//! `signal`s through one or several signaling servers (Conclave's, or anything speaking
//! the same messages, such as the Node relay in `e2e-tests/benchmarks/signaling-relay`).
//!
//! Progress goes to standard error; the report to standard output, ending with a
//! Markdown table (header and one row) that `cargo xtask bench` collects.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use conclave_headless::load::report::MARKDOWN_HEADER;
use conclave_headless::load::{run, LoadPlan};
use conclave_headless::signaling::ServerAddress;

/// Files the generator needs open besides its connections (standard streams, the
/// runtime's own, room creation's sockets).
const SPARE_FILES: u64 = 128;

/// Signaling load: N connections in M rooms relaying messages at a steady rate.
#[derive(Debug, Parser)]
#[command(name = "conclave-signaling-load", version, about)]
struct Args {
    /// Server base URL (`http://HOST:PORT`); repeat it to spread connections over several.
    #[arg(long = "server", required = true)]
    servers: Vec<ServerAddress>,
    /// A server's process id, to measure its memory and CPU from /proc; repeat it for
    /// several (summed).
    #[arg(long = "server-pid")]
    server_pids: Vec<u32>,
    /// Names the server in the report.
    #[arg(long, default_value = "server")]
    label: String,
    /// Connections to open.
    #[arg(long, default_value_t = 10_000)]
    connections: usize,
    /// Rooms to spread them over (at least two connections each).
    #[arg(long, default_value_t = 2_000)]
    rooms: usize,
    /// Aggregate messages per second over all connections.
    #[arg(long, default_value_t = 4_000)]
    rate: u32,
    /// Seconds of steady sending.
    #[arg(long, default_value_t = 20)]
    duration_secs: u64,
    /// Connections opening and joining at once.
    #[arg(long, default_value_t = 256)]
    join_concurrency: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let wanted_files = args.connections as u64 + SPARE_FILES;
    match rlimit::increase_nofile_limit(wanted_files) {
        Ok(limit) if limit >= wanted_files => {}
        Ok(limit) => {
            eprintln!(
                "conclave-signaling-load: {} connections need {wanted_files} open files, \
                 but this process may open only {limit} (raise the hard limit: ulimit -Hn)",
                args.connections
            );
            return ExitCode::from(2);
        }
        Err(error) => {
            eprintln!("conclave-signaling-load: cannot raise the open files limit: {error}");
            return ExitCode::FAILURE;
        }
    }
    let mut plan = LoadPlan::new(args.label, args.servers);
    plan.server_pids = args.server_pids;
    plan.connections = args.connections;
    plan.rooms = args.rooms;
    plan.messages_per_second = args.rate;
    plan.duration = Duration::from_secs(args.duration_secs);
    plan.join_concurrency = args.join_concurrency;

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("conclave-signaling-load: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let progress = |line: &str| eprintln!("  {line}");
    match runtime.block_on(run(&plan, &progress)) {
        Ok(report) => {
            println!("{report}\n\n{MARKDOWN_HEADER}\n{}", report.markdown_row());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("conclave-signaling-load: {error}");
            ExitCode::FAILURE
        }
    }
}
