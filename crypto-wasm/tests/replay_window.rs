//! Anti-replay (RFC 9605 section 9.3): per sender key, a frame is accepted once; frames out of
//! order within the window are fine, older ones and repeats are `Replayed`; forgeries never move
//! the window. Run for every suite, and across epochs.
// Test code: panicking on setup failure is the point.
#![allow(clippy::expect_used)]

mod common;

use common::{member_kid, pattern, suite_base_key, EPOCH};
use crypto_wasm::frame::FrameKey;
use crypto_wasm::header::SframeHeader;
use crypto_wasm::key_schedule::BaseKey;
use crypto_wasm::replay::REPLAY_WINDOW;
use crypto_wasm::{CipherSuite, Counter, EpochKeys, Error, KeyId, SenderContext};

/// The group every key here belongs to.
const GROUP: u8 = 3;
/// A sender under `kid` (a member's KID in epoch [`EPOCH`]) whose next frame uses counter
/// `first`: the key [`EpochKeys`] derives, at a counter it would take long to reach.
fn sender_at(suite: CipherSuite, kid: KeyId, first: u64) -> SenderContext {
    let base_key =
        BaseKey::from_slice(&suite_base_key(suite, GROUP, EPOCH)).expect("an Nk-byte key");
    SenderContext::with_first_counter(kid, FrameKey::derive(suite, kid, &base_key), Counter(first))
}

/// Frames with counters `first..first + n`.
fn frames(suite: CipherSuite, first: u64, n: usize) -> Vec<Vec<u8>> {
    let mut sender = sender_at(suite, member_kid(1), first);
    (0..n)
        .map(|i| {
            sender
                .protect_frame(&pattern(50, i as u8), 0)
                .expect("protects")
        })
        .collect()
}

/// Another member of the group (leaf 2), receiving.
struct Receiver(EpochKeys);

fn ring(suite: CipherSuite) -> Receiver {
    let mut keys = EpochKeys::new(suite);
    keys.add_epoch(0, EPOCH, &suite_base_key(suite, GROUP, EPOCH), 2)
        .expect("first epoch");
    Receiver(keys)
}

impl Receiver {
    fn unprotect_frame(&mut self, frame: &[u8], prefix_len: usize) -> Result<Vec<u8>, Error> {
        self.0
            .unprotect_frame(0, frame, prefix_len)
            .map(|u| u.frame)
    }
}

#[test]
fn a_replayed_frame_is_refused_for_every_suite() {
    for suite in CipherSuite::ALL {
        let mut ring = ring(suite);
        let sent = frames(suite, 0, 2);
        assert_eq!(ring.unprotect_frame(&sent[0], 0), Ok(pattern(50, 0)));
        assert_eq!(ring.unprotect_frame(&sent[0], 0), Err(Error::Replayed));
        assert_eq!(ring.unprotect_frame(&sent[1], 0), Ok(pattern(50, 1)));
        assert_eq!(ring.unprotect_frame(&sent[1], 0), Err(Error::Replayed));
        assert_eq!(ring.unprotect_frame(&sent[0], 0), Err(Error::Replayed));
    }
}

#[test]
fn out_of_order_within_the_window_is_accepted_once() {
    let suite = CipherSuite::default();
    let mut ring = ring(suite);
    let sent = frames(suite, 0, 40);
    // Newest first, then the rest backwards and interleaved with repeats.
    assert!(ring.unprotect_frame(&sent[39], 0).is_ok());
    for i in (0..39).rev() {
        assert_eq!(
            ring.unprotect_frame(&sent[i], 0),
            Ok(pattern(50, i as u8)),
            "{i}"
        );
        assert_eq!(
            ring.unprotect_frame(&sent[i], 0),
            Err(Error::Replayed),
            "{i}"
        );
        assert_eq!(ring.unprotect_frame(&sent[i + 1], 0), Err(Error::Replayed));
    }
}

#[test]
fn frames_older_than_the_window_are_refused_and_the_window_slides() {
    let suite = CipherSuite::Aes128CtrHmacSha256_80;
    let mut ring = ring(suite);
    let w = REPLAY_WINDOW;
    let old = frames(suite, 0, 3);
    let edge = frames(suite, w, 2); // counters W and W + 1
    assert!(ring.unprotect_frame(&old[0], 0).is_ok());
    // Highest is W: counter 1 is W - 1 behind, still inside.
    assert!(ring.unprotect_frame(&edge[0], 0).is_ok());
    assert!(ring.unprotect_frame(&old[1], 0).is_ok());
    // Highest W + 1: counter 1 is now exactly W behind, out; 2 is the oldest tracked.
    assert!(ring.unprotect_frame(&edge[1], 0).is_ok());
    assert_eq!(ring.unprotect_frame(&old[1], 0), Err(Error::Replayed));
    assert!(ring.unprotect_frame(&old[2], 0).is_ok());
    // Far ahead: everything before is too old, though never seen.
    let far = frames(suite, 10 * w, 1);
    assert!(ring.unprotect_frame(&far[0], 0).is_ok());
    let missed = frames(suite, 8 * w, 1);
    assert_eq!(ring.unprotect_frame(&missed[0], 0), Err(Error::Replayed));
}

#[test]
fn a_forged_huge_counter_does_not_move_the_window() {
    for suite in CipherSuite::ALL {
        let mut ring = ring(suite);
        let sent = frames(suite, 0, 3);
        assert!(ring.unprotect_frame(&sent[0], 0).is_ok());
        assert!(ring.unprotect_frame(&sent[2], 0).is_ok());
        // Same KID, counter u64::MAX, the old body and tag: it cannot authenticate.
        let (_, header_len) = SframeHeader::parse(&sent[2]).expect("header");
        let forged_header = SframeHeader::new(member_kid(1), Counter(u64::MAX)).encode();
        let forged = [forged_header.as_bytes(), &sent[2][header_len..]].concat();
        assert_eq!(
            ring.unprotect_frame(&forged, 0),
            Err(Error::DecryptionFailed)
        );
        // Had the window moved to u64::MAX, counter 1 would now be too old.
        assert_eq!(ring.unprotect_frame(&sent[1], 0), Ok(pattern(50, 1)));
    }
}

#[test]
fn each_sender_key_has_its_own_window() {
    let suite = CipherSuite::default();
    let mut ring = ring(suite);
    let mut other = sender_at(suite, member_kid(7), 0);
    let mine = frames(suite, 0, 1);
    let theirs = other.protect_frame(&pattern(50, 0), 0).expect("protects");
    // Both use counter 0; neither is a replay of the other.
    assert!(ring.unprotect_frame(&mine[0], 0).is_ok());
    assert!(ring.unprotect_frame(&theirs, 0).is_ok());
    assert_eq!(ring.unprotect_frame(&theirs, 0), Err(Error::Replayed));
}

#[test]
fn mls_epoch_frames_are_replay_protected() {
    for suite in CipherSuite::ALL {
        let base_key = |epoch: u64| suite_base_key(suite, 4, epoch);
        let mut alice = EpochKeys::new(suite);
        let mut bob = EpochKeys::new(suite);
        alice.add_epoch(0, 1, &base_key(1), 5).expect("alice");
        bob.add_epoch(0, 1, &base_key(1), 6).expect("bob");
        let first = alice.protect_frame(&pattern(30, 1), 3).expect("protects");
        let second = alice.protect_frame(&pattern(30, 2), 3).expect("protects");
        assert!(bob.unprotect_frame(1, &second, 3).is_ok());
        assert!(bob.unprotect_frame(1, &first, 3).is_ok());
        assert_eq!(
            bob.unprotect_frame(1, &first, 3).map(|u| u.frame),
            Err(Error::Replayed)
        );
        // A new epoch is a new KID and a new window; the counter continues, so its frames
        // are fresh, and the old epoch's frames stay replays during the grace period.
        alice.add_epoch(10, 2, &base_key(2), 5).expect("alice");
        bob.add_epoch(10, 2, &base_key(2), 6).expect("bob");
        assert_eq!(
            bob.unprotect_frame(15, &second, 3).map(|u| u.frame),
            Err(Error::Replayed)
        );
        let third = alice.protect_frame(&pattern(30, 3), 3).expect("protects");
        assert!(bob.unprotect_frame(20, &third, 3).is_ok());
        assert_eq!(
            bob.unprotect_frame(20, &third, 3).map(|u| u.frame),
            Err(Error::Replayed)
        );
        // Once alice's new-epoch frames arrived, her old epoch is refused before any
        // replay check.
        assert_eq!(
            bob.unprotect_frame(20, &second, 3).map(|u| u.frame),
            Err(Error::SenderMovedOn)
        );
    }
}
