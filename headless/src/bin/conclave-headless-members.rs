//! `conclave-headless-members`: N headless members of one meeting in one process.
//!
//! Each joins from the invite link as a page does and becomes an MLS member (no media);
//! one after another (each once the previous is a member) or, with `--all-at-once`,
//! together. Every event is one JSON line on stdout, `{"member":K,"event":...,"unix_ms":...}`
//! (see `conclave_headless::member::MemberReport`), and `{"event":"all_joined",...}` once
//! all N are members. Standard input takes `leave K` (member K leaves); its end, SIGTERM
//! or Ctrl-C make every member leave, and the process exits once all have: with status 0,
//! 1 if a member failed (its `failed` line says why), 2 for a link it cannot follow.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use conclave_headless::member::{run_member, InviteLink, MemberReport};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

/// Fills a meeting with headless members (the page's MLS group and signaling, no media).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The meeting's invite link: `http://HOST:PORT/m/ROOM#SECRET[.SUITE][~open]`.
    #[arg(long)]
    link: String,
    /// How many members to run.
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Start every member at once rather than each after the previous became a member.
    #[arg(long)]
    all_at_once: bool,
    /// Display names are this prefix and the member's number.
    #[arg(long, default_value = "Headless")]
    name_prefix: String,
    /// Longest wait for one member to become a member before the next starts anyway
    /// (one after another only).
    #[arg(long, default_value_t = 60)]
    join_wait_secs: u64,
}

/// One member's number (from 1) and what it reported.
type Numbered = (usize, MemberReport);

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let link = match InviteLink::parse(&args.link) {
        Ok(link) => std::sync::Arc::new(link),
        Err(error) => {
            eprintln!("conclave-headless-members: {error}");
            return ExitCode::from(2);
        }
    };
    let (reports, mut printed) = mpsc::unbounded_channel::<Numbered>();
    let (leave_all, leave_signal) = watch::channel(false);
    let mut leave_one: BTreeMap<usize, oneshot::Sender<()>> = BTreeMap::new();
    let mut members = JoinSet::new();
    let mut joined = 0;
    let mut any_failed = false;
    let count = args.count;

    let mut commands = BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    let mut terminate =
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                eprintln!("conclave-headless-members: no SIGTERM handler: {error}");
                return ExitCode::FAILURE;
            }
        };

    // Members start in this loop too, so that commands and signals are heard meanwhile.
    let mut next = 1;
    let mut waiting_since: Option<tokio::time::Instant> = None;
    let join_wait = Duration::from_secs(args.join_wait_secs);
    loop {
        let leaving = *leave_all.borrow();
        let may_start = !leaving
            && next <= count
            && (args.all_at_once || waiting_since.is_none_or(|since| since.elapsed() >= join_wait));
        if may_start {
            let (leave_tx, leave_rx) = oneshot::channel();
            leave_one.insert(next, leave_tx);
            let mut all = leave_signal.clone();
            let leave = async move {
                tokio::select! {
                    _ = leave_rx => {}
                    _ = all.wait_for(|leave| *leave) => {}
                }
            };
            let reports = reports.clone();
            let link = std::sync::Arc::clone(&link);
            let name = format!("{} {next}", args.name_prefix);
            let number = next;
            members.spawn(async move {
                let sent = reports.clone();
                let result = run_member(&link, &name, leave, move |report| {
                    let _ = sent.send((number, report));
                })
                .await;
                if let Err(error) = result {
                    let _ = reports.send((
                        number,
                        MemberReport::Failed {
                            error: error.to_string(),
                        },
                    ));
                }
            });
            next += 1;
            waiting_since = Some(tokio::time::Instant::now());
            continue;
        }
        if members.is_empty() && (leaving || next > count) {
            break;
        }
        let wait_a_moment = tokio::time::sleep(Duration::from_millis(200));
        tokio::select! {
            Some((number, report)) = printed.recv() => {
                if matches!(report, MemberReport::Joined { .. }) {
                    joined += 1;
                    if number + 1 == next {
                        waiting_since = None;
                    }
                }
                if matches!(report, MemberReport::Failed { .. }) {
                    any_failed = true;
                    if number + 1 == next {
                        waiting_since = None;
                    }
                }
                print_line(Some(number), &report);
                if joined == count && matches!(report, MemberReport::Joined { .. }) {
                    print_event(json!({"event": "all_joined", "members": count}));
                }
            }
            _ = members.join_next(), if !members.is_empty() => {}
            line = commands.next_line(), if stdin_open => match line {
                Ok(Some(line)) => leave_on_command(&line, &mut leave_one),
                // End of input: everyone leaves.
                Ok(None) | Err(_) => {
                    stdin_open = false;
                    let _ = leave_all.send(true);
                }
            },
            _ = terminate.recv() => { let _ = leave_all.send(true); }
            _ = tokio::signal::ctrl_c() => { let _ = leave_all.send(true); }
            () = wait_a_moment => {}
        }
    }
    // Reports still queued from members that just finished.
    drop(reports);
    while let Some((number, report)) = printed.recv().await {
        any_failed |= matches!(report, MemberReport::Failed { .. });
        print_line(Some(number), &report);
    }
    print_event(json!({"event": "exited"}));
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `leave K`: member K leaves. Anything else is said on stderr and ignored.
fn leave_on_command(line: &str, leave_one: &mut BTreeMap<usize, oneshot::Sender<()>>) {
    let number = line
        .trim()
        .strip_prefix("leave ")
        .and_then(|number| number.trim().parse::<usize>().ok());
    match number.and_then(|number| leave_one.remove(&number)) {
        Some(leave) => {
            let _ = leave.send(());
        }
        None => eprintln!(
            "conclave-headless-members: ignored command {:?}",
            line.trim()
        ),
    }
}

fn print_line(number: Option<usize>, report: &MemberReport) {
    let Ok(mut line) = serde_json::to_value(report) else {
        return;
    };
    if let (Some(number), Value::Object(fields)) = (number, &mut line) {
        fields.insert("member".to_owned(), json!(number));
    }
    print_event(line);
}

/// Prints one JSON line with the wall-clock time, so that a test can line events up with
/// what the browsers showed.
fn print_event(mut line: Value) {
    let unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis());
    if let Value::Object(fields) = &mut line {
        fields.insert("unix_ms".to_owned(), json!(unix_ms));
    }
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (the test went away) leaves nothing to tell.
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}
