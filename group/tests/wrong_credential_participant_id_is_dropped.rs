//! A joiner whose credential names another participant than the one the server relayed
//! its KeyPackage from is never added (it could impersonate someone in the roster).

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_protocol::ParticipantId;

#[test]
fn wrong_credential_participant_id_is_dropped() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    // The liar knows the secret but claims to be Bob in its credential.
    let liar = meeting.join_with("Bob", common::SECRET, Some(bob));
    meeting.settle();
    meeting.advance(6_000);
    meeting.assert_converged(&[alice, bob]);
    let roster = meeting.client(alice).group.roster();
    assert_eq!(roster.outsiders.len(), 1);
    assert_eq!(roster.outsiders[0].id, liar);
    assert_eq!(meeting.client(liar).group.epoch(), None);
    // Bob was not replaced by the liar's KeyPackage either.
    assert_eq!(meeting.client(bob).resyncs, 0);
    assert_ne!(liar, ParticipantId(bob.0));
}
