//! Someone without the invite secret (or a server inserting a member) publishes a
//! KeyPackage: it is never added and shows as an outsider, while honest joiners are.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;

#[test]
fn wrong_invite_proof_is_never_added() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    let mallory = meeting.join_with("Mallory", [7; 32], None);
    meeting.settle();
    let bob = meeting.join("Bob");
    meeting.settle();
    // Mallory keeps asking (a fresh KeyPackage every 5 s); nobody adds her.
    meeting.advance(12_000);
    meeting.assert_converged(&[alice, bob]);
    for id in [alice, bob] {
        let roster = meeting.client(id).group.roster();
        assert_eq!(roster.members.len(), 2);
        let outsiders: Vec<_> = roster.outsiders.iter().map(|p| p.id).collect();
        assert_eq!(outsiders, vec![mallory]);
    }
    assert_eq!(meeting.client(mallory).group.epoch(), None);
    assert!(meeting.client(mallory).keys.is_empty());
    assert_eq!(meeting.client(alice).group.epoch(), Some(1));
}
