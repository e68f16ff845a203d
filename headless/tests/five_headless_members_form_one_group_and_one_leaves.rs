//! Five headless members join a real server's meeting from its invite link, one after
//! another, and agree on one epoch, one roster and one security code; one leaves and the
//! other four move to a new epoch together without it.

// A test: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use conclave_headless::member::{run_member, InviteLink, MemberReport};
use conclave_headless::signaling::{create_room, ServerAddress};
use conclave_signaling_server::{run, Config};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

/// Longest wait for the meeting to reach a state.
const WAIT: Duration = Duration::from_secs(60);
/// The invite secret in the link's fragment: 32 bytes of 0xfb in unpadded base64url.
const SECRET: &str = "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s";

/// What one member showed last: its participant id, epoch, roster and security code.
#[derive(Clone, Debug, Default, PartialEq)]
struct Seen {
    participant: u64,
    epoch: u64,
    roster: Vec<u64>,
    code: String,
}

/// The members' reports, gathered as they come.
struct Watcher {
    reports: mpsc::UnboundedReceiver<(usize, MemberReport)>,
    seen: BTreeMap<usize, Seen>,
}

impl Watcher {
    /// Reads reports until `done` holds of what the members show; fails on a member's error.
    async fn until(&mut self, what: &str, done: impl Fn(&BTreeMap<usize, Seen>) -> bool) {
        let wait = async {
            while !done(&self.seen) {
                let (number, report) = self.reports.recv().await.expect("members report");
                let seen = self.seen.entry(number).or_default();
                match report {
                    MemberReport::Joined {
                        participant,
                        epoch,
                        roster,
                        security_code,
                        ..
                    } => {
                        *seen = Seen {
                            participant,
                            epoch,
                            roster,
                            code: security_code,
                        }
                    }
                    MemberReport::Epoch {
                        epoch,
                        roster,
                        security_code,
                        ..
                    } => {
                        seen.epoch = epoch;
                        seen.roster = roster;
                        seen.code = security_code;
                    }
                    MemberReport::Failed { error } => panic!("member {number} failed: {error}"),
                    MemberReport::Resynced { reason } => {
                        panic!("member {number} re-synced: {reason}")
                    }
                    _ => {}
                }
            }
        };
        timeout(WAIT, wait)
            .await
            .unwrap_or_else(|_| panic!("{what}; members showed {:#?}", self.seen));
    }
}

/// Every member in `numbers` shows the same epoch, code and roster, and the roster names
/// exactly them.
fn agree(seen: &BTreeMap<usize, Seen>, numbers: &[usize]) -> bool {
    let Some(first) = seen.get(&numbers[0]) else {
        return false;
    };
    let mut expected: Vec<u64> = numbers
        .iter()
        .filter_map(|number| seen.get(number).map(|s| s.participant))
        .collect();
    expected.sort_unstable();
    let mut roster = first.roster.clone();
    roster.sort_unstable();
    expected.len() == numbers.len()
        && roster == expected
        && numbers.iter().all(|number| {
            seen.get(number).is_some_and(|s| {
                s.epoch == first.epoch && s.code == first.code && s.roster == first.roster
            })
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_headless_members_form_one_group_and_one_leaves() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(
        www.path().join("index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop_server, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(run(listener, Config::new(www.path()), async {
        let _ = stopped.await;
    }));

    let server_address = ServerAddress::parse(&format!("http://{address}")).unwrap();
    let room = create_room(&server_address).await.unwrap();
    // A meeting anyone with the link joins, as its creator's page would write the link.
    let link = format!("http://{address}/m/{room}#{SECRET}~open");

    let (reports, received) = mpsc::unbounded_channel();
    let mut watcher = Watcher {
        reports: received,
        seen: BTreeMap::new(),
    };
    let mut leave = BTreeMap::new();
    let mut members = Vec::new();
    for number in 1..=5 {
        let (leave_now, told) = oneshot::channel::<()>();
        leave.insert(number, leave_now);
        let link = InviteLink::parse(&link).unwrap();
        let reports = reports.clone();
        members.push(tokio::spawn(async move {
            run_member(
                &link,
                &format!("Member {number}"),
                async {
                    let _ = told.await;
                },
                move |report| {
                    let _ = reports.send((number, report));
                },
            )
            .await
        }));
        let joined: Vec<usize> = (1..=number).collect();
        watcher
            .until(&format!("member {number} joined"), |seen| {
                agree(seen, &joined)
            })
            .await;
    }
    let before = watcher.seen[&1].clone();
    assert_eq!(before.roster.len(), 5);

    // Member 3 leaves: the other four commit its removal and agree on a newer epoch.
    leave.remove(&3).unwrap().send(()).unwrap();
    let rest = [1, 2, 4, 5];
    watcher
        .until("the four moved on", |seen| {
            agree(seen, &rest) && seen[&1].epoch > before.epoch
        })
        .await;
    let after = &watcher.seen[&1];
    assert_eq!(after.roster.len(), 4);
    assert!(!after.roster.contains(&watcher.seen[&3].participant));
    assert_ne!(after.code, before.code);

    for (_, leave_now) in leave {
        let _ = leave_now.send(());
    }
    for member in members {
        timeout(WAIT, member).await.unwrap().unwrap().unwrap();
    }
    stop_server.send(()).unwrap();
    timeout(WAIT, server).await.unwrap().unwrap().unwrap();
}
