//! Three participants join one after the other and end in the same epoch, with the same
//! security code and the same three-member roster.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::MembershipStatus;

#[test]
fn three_members_join_in_turn() {
    let mut meeting = Meeting::new();
    let alice = meeting.join("Alice");
    meeting.settle();
    assert_eq!(meeting.client(alice).group.epoch(), Some(0));
    assert_eq!(meeting.client(alice).group.roster().members.len(), 1);

    let bob = meeting.join("Bob");
    meeting.settle();
    meeting.assert_converged(&[alice, bob]);
    let code_two = meeting.code(alice).unwrap();

    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    let code_three = meeting.code(carol).unwrap();
    assert_ne!(code_two.groups, code_three.groups);
    assert_eq!(
        code_three.to_string().len(),
        29,
        "five groups of five digits"
    );
    assert_eq!(meeting.client(carol).group.epoch(), Some(2));

    let roster = meeting.client(bob).group.roster();
    assert_eq!(roster.status, MembershipStatus::Member);
    let names: Vec<_> = roster
        .members
        .iter()
        .map(|m| m.display_name.as_str())
        .collect();
    assert_eq!(names, ["Alice", "Bob", "Carol"]);
    assert!(roster.outsiders.is_empty());
    assert!(roster.members[1].is_self);
    for client in meeting.clients.values() {
        assert_eq!(client.resyncs, 0);
    }
}
