//! Scenario, over real sockets: a member sets the group's join challenge; everyone else
//! hears it and a later joiner finds it in `joined`. A challenge of the wrong length, from
//! a non-member or for an epoch the room has not reached gets a clear error and changes
//! nothing; the connection goes on. A status query is answered behind the commits already
//! relayed.

mod common;

use common::{commit, relayed_commit, start_group, TestServer};
use conclave_protocol::{
    Bytes, ClientMessage, ErrorCode, GroupStatus, JoinChallenge, ServerMessage,
    JOIN_CHALLENGE_BYTES,
};

fn challenge(epoch: u64, fill: u8, len: usize) -> JoinChallenge {
    JoinChallenge {
        epoch,
        challenge: Bytes(vec![fill; len]),
    }
}

#[tokio::test]
async fn a_join_challenge_reaches_joiners_and_a_bad_one_changes_nothing() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, _, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));

    let good = challenge(0, 1, JOIN_CHALLENGE_BYTES);
    ada.send(&ClientMessage::SetJoinChallenge(good.clone()))
        .await;
    assert_eq!(
        bob.recv_skipping_presence().await,
        ServerMessage::JoinChallenge(good.clone())
    );

    // Oversized, short, from the future, or from a non-member: refused, nothing relayed.
    for bad in [
        challenge(0, 2, 4 * 1024),
        challenge(0, 2, JOIN_CHALLENGE_BYTES - 1),
        challenge(5, 2, JOIN_CHALLENGE_BYTES),
    ] {
        ada.send(&ClientMessage::SetJoinChallenge(bad)).await;
        ada.expect_error(ErrorCode::InvalidJoinChallenge).await;
    }
    bob.send(&ClientMessage::SetJoinChallenge(challenge(
        0,
        3,
        JOIN_CHALLENGE_BYTES,
    )))
    .await;
    bob.expect_error(ErrorCode::InvalidJoinChallenge).await;
    ada.expect_no_handshake_pending().await;

    let (_cy, _, group) = server.join_seeing_group(&room, "Cy").await;
    assert_eq!(group.join_challenge, Some(good.clone()));

    // Bob asks for the status: epoch 0, Ada the member, Ada's challenge.
    bob.send(&ClientMessage::QueryGroupStatus).await;
    assert_eq!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStatus {
            group: GroupStatus {
                epoch: Some(0),
                members: vec![ada_id],
                join_challenge: Some(good),
            }
        }
    );
}

#[tokio::test]
async fn a_status_answer_comes_after_the_commits_accepted_before_it() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    start_group(&mut ada, ada_id).await;
    ada.send(&commit(0, &[], &[])).await;
    ada.send(&ClientMessage::QueryGroupStatus).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        relayed_commit(ada_id, 0, &[], &[])
    );
    let ServerMessage::GroupStatus { group } = ada.recv_skipping_presence().await else {
        panic!("expected group_status");
    };
    assert_eq!(group.epoch, Some(1));
}
