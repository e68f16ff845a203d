//! Scenario: a participant asks to be added by publishing a KeyPackage; the server relays
//! it to the group's members only, and bounds how often one participant may ask.

mod common;

use common::{bytes, key_package, start_group, TestServer};
use conclave_protocol::{ErrorCode, ServerMessage};
use conclave_signaling_server::delivery_service::KEY_PACKAGES_PER_WINDOW;

#[tokio::test]
async fn a_key_package_reaches_the_members_only() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, bob_id, _) = server.join_seeing_group(&room, "Bob").await;

    // No group yet: nobody to ask.
    bob.send(&key_package("Bob")).await;
    bob.expect_error(ErrorCode::NoGroup).await;

    let (mut cy, _, _) = server.join_seeing_group(&room, "Cy").await;
    start_group(&mut ada, ada_id).await;
    for other in [&mut bob, &mut cy] {
        assert!(matches!(
            other.recv_skipping_presence().await,
            ServerMessage::GroupStarted { .. }
        ));
    }

    bob.send(&key_package("Bob")).await;
    assert_eq!(
        ada.recv_skipping_presence().await,
        ServerMessage::KeyPackage {
            from: bob_id,
            key_package: bytes("key package of Bob"),
            invite_proof: bytes("proof of Bob"),
        }
    );
    // Neither the sender nor Cy, who is no member either, gets it.
    bob.expect_no_handshake_pending().await;
    cy.expect_no_handshake_pending().await;
}

#[tokio::test]
async fn key_packages_beyond_the_rate_limit_are_refused_and_not_relayed() {
    let server = TestServer::start().await;
    let room = server.create_room().await;
    let (mut ada, ada_id, _) = server.join_seeing_group(&room, "Ada").await;
    let (mut bob, _, _) = server.join_seeing_group(&room, "Bob").await;
    start_group(&mut ada, ada_id).await;

    for _ in 0..KEY_PACKAGES_PER_WINDOW {
        bob.send(&key_package("Bob")).await;
    }
    bob.send(&key_package("Bob")).await;
    assert!(matches!(
        bob.recv_skipping_presence().await,
        ServerMessage::GroupStarted { .. }
    ));
    bob.expect_error(ErrorCode::RateLimited).await;

    for _ in 0..KEY_PACKAGES_PER_WINDOW {
        assert!(matches!(
            ada.recv_skipping_presence().await,
            ServerMessage::KeyPackage { .. }
        ));
    }
    ada.expect_no_handshake_pending().await;

    // Another participant has its own budget.
    let (mut cy, cy_id, _) = server.join_seeing_group(&room, "Cy").await;
    cy.send(&key_package("Cy")).await;
    assert!(matches!(
        ada.recv_skipping_presence().await,
        ServerMessage::KeyPackage { from, .. } if from == cy_id
    ));
}
