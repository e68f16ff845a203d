//! A new invite link: every member derives the same new invite secret from the epoch the
//! chair's commit starts (the server never sees it); a joiner holding the old link is not
//! added (and is told the link was replaced), one holding the new link is.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Meeting, SECRET};
use conclave_group::MembershipStatus;

#[test]
fn the_new_link_admits_and_the_old_one_does_not() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = ids[..] else {
        unreachable!()
    };
    meeting.act(alice, |group, now| group.new_invite_link(now));
    meeting.settle();
    let secrets = meeting.client(alice).invite_secrets.clone();
    assert_eq!(secrets.len(), 1);
    assert_eq!(meeting.client(bob).invite_secrets, secrets);
    let new_secret = secrets[0];
    assert_ne!(new_secret, SECRET);
    assert_eq!(
        meeting
            .client(bob)
            .group
            .roster()
            .policy
            .unwrap()
            .link_generation,
        1
    );

    // Anyone with the link is admitted in this meeting: only the link matters. A member
    // who knew the old link tells a joiner holding it that it was replaced (rather than
    // leave it waiting for ever).
    let old = meeting.join_with("Olga", SECRET, None);
    meeting.settle();
    assert_eq!(
        meeting.client(old).group.roster().status,
        MembershipStatus::LinkReplaced
    );
    let published = meeting.client(old).published.len();
    meeting.advance(40_000);
    assert_eq!(
        meeting.client(old).published.len(),
        published,
        "asks no more"
    );
    assert!(meeting.client(old).keys.is_empty());
    meeting.assert_converged(&[alice, bob]);

    let new = meeting.join_with("Nina", new_secret, None);
    meeting.settle();
    meeting.advance(1_000);
    meeting.assert_converged(&[alice, bob, new]);

    // A second new link: Nina, who joined by the first, follows it too.
    meeting.act(bob, |group, now| group.new_invite_link(now));
    meeting.settle();
    assert!(
        meeting.client(bob).failed_actions.len() == 1,
        "Bob is no chair"
    );
    meeting.act(alice, |group, now| group.new_invite_link(now));
    meeting.settle();
    let second = *meeting.client(alice).invite_secrets.last().unwrap();
    assert_ne!(second, new_secret);
    assert_eq!(meeting.client(new).invite_secrets, vec![second]);
    assert_eq!(meeting.client(bob).invite_secrets.last(), Some(&second));
}
