//! An attacker who knows the room id but not the invite secret runs the headless member
//! with a link whose fragment holds another secret: the members never add it (its invite
//! proof does not verify), and the group stays as it was, without it.
//!
//! The group enforces this (`conclave-group`, `wrong_invite_proof_is_never_added`); this
//! test plays the attack through the real server and the headless member's own code path,
//! so that a headless member can never be the way around it.

// A test: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use conclave_headless::member::{run_member, InviteLink, MemberReport};
use conclave_headless::signaling::{create_room, ServerAddress};
use conclave_signaling_server::{run, Config};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep, timeout};

/// 32 bytes of 0xfb, and 32 bytes of 0x5a, in unpadded base64url.
const SECRET: &str = "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s";
const OTHER_SECRET: &str = "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo";
/// Long enough for the group's re-publish (5 s) and several tries.
const ATTACK_WINDOW: Duration = Duration::from_secs(12);

type Reports = mpsc::UnboundedReceiver<(usize, MemberReport)>;

fn start(
    link: &str,
    number: usize,
    reports: &mpsc::UnboundedSender<(usize, MemberReport)>,
) -> oneshot::Sender<()> {
    let (leave, told) = oneshot::channel::<()>();
    let link = InviteLink::parse(link).unwrap();
    let reports = reports.clone();
    tokio::spawn(async move {
        let name = format!("Member {number}");
        let result = run_member(
            &link,
            &name,
            async {
                let _ = told.await;
            },
            |report| {
                let _ = reports.send((number, report));
            },
        )
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
    leave
}

/// Waits until member `number` reports that it joined the group.
async fn joined(reports: &mut Reports, number: usize) {
    timeout(Duration::from_secs(30), async {
        loop {
            if let Some((n, MemberReport::Joined { .. })) = reports.recv().await {
                if n == number {
                    return;
                }
            }
        }
    })
    .await
    .expect("joined in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_member_with_another_secret_is_never_added() {
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
    let room = create_room(&ServerAddress::parse(&format!("http://{address}")).unwrap())
        .await
        .unwrap();
    let link = format!("http://{address}/m/{room}#{SECRET}~open");
    let forged = format!("http://{address}/m/{room}#{OTHER_SECRET}~open");

    let (sender, mut reports) = mpsc::unbounded_channel();
    let _first = start(&link, 1, &sender);
    joined(&mut reports, 1).await;
    let _second = start(&link, 2, &sender);
    joined(&mut reports, 2).await;

    let _attacker = start(&forged, 3, &sender);
    sleep(ATTACK_WINDOW).await;
    let mut attacker_published = 0;
    while let Ok((number, report)) = reports.try_recv() {
        match (number, report) {
            (3, MemberReport::KeyPackagePublished { .. }) => attacker_published += 1,
            (3, MemberReport::Joined { .. } | MemberReport::WelcomeSeen { .. }) => {
                panic!("the member with another secret got in")
            }
            (_, MemberReport::Epoch { epoch, members, .. }) if members > 2 => {
                panic!("the group moved to epoch {epoch} with {members} members")
            }
            (number, MemberReport::Failed { error }) => panic!("member {number}: {error}"),
            _ => {}
        }
    }
    assert!(
        attacker_published >= 2,
        "the attacker kept asking: {attacker_published}"
    );

    stop_server.send(()).unwrap();
    timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
