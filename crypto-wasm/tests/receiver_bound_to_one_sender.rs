//! Every receiver accepts frames from exactly one MLS sender leaf (`crypto_wasm::binding`):
//! a relay that swaps streams (an SFU feeding A's frames into B's feed, a server splicing
//! mesh connections) gets them dropped before authentication, without moving any state.
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{epoch_base_key, pattern};
use crypto_wasm::{Codec, Cryptor, Error, SenderBinding};

const N: u64 = 4;

fn member(leaf: u32, epoch: u64) -> Cryptor {
    let mut cryptor = Cryptor::default();
    cryptor
        .use_epoch_key(0, epoch, &epoch_base_key(1, epoch), leaf)
        .expect("epoch key");
    cryptor
}

fn frame_of(sender: &mut Cryptor, seed: u8) -> Vec<u8> {
    sender
        .protect(&pattern(200, seed), Codec::Vp8, false)
        .expect("protects")
}

#[test]
fn a_mesh_peer_accepts_only_the_leaf_the_page_named() {
    let (mut alice, mut carol, mut bob) = (member(1, N), member(3, N), member(2, N));
    let mut alices_connection = SenderBinding::peer();
    let mut carols_connection = SenderBinding::peer();

    let early = frame_of(&mut alice, 1);
    assert_eq!(
        bob.unprotect(1, &early, Codec::Vp8, false, &mut alices_connection)
            .map(|u| u.frame),
        Err(Error::WrongSender),
        "nothing accepted before the page names the leaf"
    );
    bob.expect_sender(&mut alices_connection, Some(1));
    bob.expect_sender(&mut carols_connection, Some(3));

    // The server splices: Carol's frame arrives on Alice's connection. Dropped untried.
    let carols = frame_of(&mut carol, 2);
    assert_eq!(
        bob.unprotect(2, &carols, Codec::Vp8, false, &mut alices_connection)
            .map(|u| u.frame),
        Err(Error::WrongSender)
    );
    // It moved nothing: the same frame still decrypts where it belongs, once.
    let got = bob
        .unprotect(3, &carols, Codec::Vp8, false, &mut carols_connection)
        .expect("on Carol's connection");
    assert_eq!(got.sender_index, 3);
    assert!(
        !got.bound_now,
        "a peer is bound by the page, not by a frame"
    );
    let got = bob
        .unprotect(4, &early, Codec::Vp8, false, &mut alices_connection)
        .expect("Alice's own frame");
    assert_eq!(got.sender_index, 1);
}

#[test]
fn an_sfu_feed_is_bound_by_its_first_frame_and_never_rebound_silently() {
    let (mut alice, mut carol, mut bob) = (member(1, N), member(3, N), member(2, N));
    let mut feed = SenderBinding::feed();

    let first = bob
        .unprotect(1, &frame_of(&mut alice, 1), Codec::Vp8, false, &mut feed)
        .expect("binds");
    assert!(first.bound_now, "the page is told");
    assert_eq!(feed.bound_sender(), Some(1));
    let next = bob
        .unprotect(2, &frame_of(&mut alice, 2), Codec::Vp8, false, &mut feed)
        .expect("decrypts");
    assert!(!next.bound_now);

    // The SFU swaps Carol's frames into Alice's feed: refused, the binding kept.
    for seed in 3..6 {
        assert_eq!(
            bob.unprotect(3, &frame_of(&mut carol, seed), Codec::Vp8, false, &mut feed)
                .map(|u| u.frame),
            Err(Error::WrongSender)
        );
    }
    assert_eq!(feed.bound_sender(), Some(1));

    // Only when the page says Alice's leaf left may Carol's frames bind it, and that is told.
    assert!(!feed.release(3));
    assert!(feed.release(1));
    let rebound = bob
        .unprotect(4, &frame_of(&mut carol, 6), Codec::Vp8, false, &mut feed)
        .expect("binds again");
    assert!(rebound.bound_now);
    assert_eq!(rebound.sender_index, 3);
}

#[test]
fn old_epoch_frames_never_bind_a_feed() {
    // Mallory, removed at N + 1, keeps N's key: she cannot bind a fresh feed to anyone.
    let mut mallory_as_alice = member(1, N);
    let mut alice = member(1, N);
    let mut bob = member(2, N);
    bob.use_epoch_key(10, N + 1, &epoch_base_key(1, N + 1), 2)
        .expect("N + 1");
    let mut fresh = SenderBinding::feed();
    assert_eq!(
        bob.unprotect(
            11,
            &frame_of(&mut mallory_as_alice, 1),
            Codec::Vp8,
            false,
            &mut fresh
        )
        .map(|u| u.frame),
        Err(Error::WrongSender)
    );
    assert_eq!(fresh.bound_sender(), None);
    alice
        .use_epoch_key(12, N + 1, &epoch_base_key(1, N + 1), 1)
        .expect("N + 1");
    let bound = bob
        .unprotect(13, &frame_of(&mut alice, 2), Codec::Vp8, false, &mut fresh)
        .expect("binds");
    assert_eq!(
        (bound.epoch, bound.sender_index, bound.bound_now),
        (N + 1, 1, true)
    );
}

#[test]
fn a_peer_whose_leaf_changed_refuses_that_leafs_older_epochs() {
    // Mallory held leaf 3 in epoch N and was removed; Carol was added at leaf 3 in N + 1.
    let mut mallory = member(3, N);
    let mut bob = member(2, N);
    bob.use_epoch_key(10, N + 1, &epoch_base_key(1, N + 1), 2)
        .expect("N + 1");
    let mut carols_connection = SenderBinding::peer();
    bob.expect_sender(&mut carols_connection, Some(3));
    // Mallory's epoch N frames under leaf 3, spliced into Carol's connection during the grace.
    assert_eq!(
        bob.unprotect(
            11,
            &frame_of(&mut mallory, 1),
            Codec::Vp8,
            false,
            &mut carols_connection
        )
        .map(|u| u.frame),
        Err(Error::WrongSender)
    );
    let mut carol = member(3, N + 1);
    assert!(bob
        .unprotect(
            12,
            &frame_of(&mut carol, 2),
            Codec::Vp8,
            false,
            &mut carols_connection
        )
        .is_ok());
}
