//! Chat, media state and reactions travel as MLS application messages: every other member
//! reads them with the sender the group authenticates; the server, a knocker and a removed
//! member read nothing; a message the server alters or replays opens as nobody's, and one
//! it attributes to someone else as its signer's; one that crosses a commit on its way
//! still opens.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Meeting;
use conclave_group::{MediaState, MeetingMessage, MembershipStatus, Reaction};
use conclave_protocol::{Bytes, ClientMessage, ParticipantId, ServerMessage};

fn chat(text: &str) -> MeetingMessage {
    MeetingMessage::Chat {
        text: text.to_owned(),
    }
}

fn sealed_bytes(message: &ClientMessage) -> Vec<u8> {
    match message {
        ClientMessage::ApplicationMessage { message } => message.0.clone(),
        other => panic!("not an application message: {other:?}"),
    }
}

/// The chat texts `id` received, with the sender's name.
fn chats_of(meeting: &Meeting, id: ParticipantId) -> Vec<(String, String)> {
    meeting
        .client(id)
        .received
        .iter()
        .filter_map(|received| match &received.message {
            MeetingMessage::Chat { text } => Some((received.sender_name.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn every_other_member_reads_a_message_and_the_server_sees_only_ciphertext() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = [ids[0], ids[1], ids[2]];
    let secret_plan = "The vote is on Thursday at nine";
    let sealed = meeting.say(alice, &chat(secret_plan));
    meeting.settle();

    let bytes = sealed_bytes(&sealed);
    assert!(
        !bytes
            .windows(b"Thursday".len())
            .any(|window| window == b"Thursday"),
        "the server's copy holds no plaintext"
    );
    let short = sealed_bytes(&meeting.say(alice, &chat("ok")));
    assert_eq!(
        short.len(),
        bytes.len(),
        "a short and a longer chat message are padded to the same length"
    );
    meeting.settle();

    for reader in [bob, carol] {
        assert_eq!(
            chats_of(&meeting, reader),
            vec![
                ("Alice".to_owned(), secret_plan.to_owned()),
                ("Alice".to_owned(), "ok".to_owned())
            ]
        );
        let sender = meeting.client(reader).received[0].sender.clone().unwrap();
        assert_eq!(sender.participant_id, Some(alice));
        assert_eq!(sender.fingerprint, meeting.key_of(reader, alice));
        assert!(meeting.client(reader).undecryptable.is_empty());
    }
    assert!(
        meeting.client(alice).received.is_empty(),
        "not echoed to its sender"
    );

    let state = MeetingMessage::MediaState(MediaState {
        microphone_on: false,
        camera_on: true,
        screen_shared: false,
        hand_raised: true,
    });
    meeting.say(bob, &state);
    meeting.say(
        carol,
        &MeetingMessage::Reaction {
            reaction: Reaction::Applause,
        },
    );
    meeting.settle();
    let at_alice: Vec<_> = meeting
        .client(alice)
        .received
        .iter()
        .map(|received| (received.sender_name.clone(), received.message.clone()))
        .collect();
    assert_eq!(
        at_alice,
        vec![
            ("Bob".to_owned(), state),
            (
                "Carol".to_owned(),
                MeetingMessage::Reaction {
                    reaction: Reaction::Applause
                }
            )
        ]
    );
}

#[test]
fn a_knocker_gets_nothing_and_cannot_send() {
    let (mut meeting, chair) = Meeting::chaired("Alice");
    let bob = meeting.admitted(chair, "Bob");
    let knocker = meeting.join("Mallory");
    meeting.settle();
    assert_eq!(
        meeting.client(knocker).group.roster().status,
        MembershipStatus::WaitingToBeAdded
    );
    let sealed = meeting.say(chair, &chat("members only"));
    meeting.settle();
    assert_eq!(chats_of(&meeting, bob).len(), 1);
    assert!(meeting.client(knocker).received.is_empty());

    // Even handed the message by the server, a knocker holds no key to open it.
    let message = Bytes(sealed_bytes(&sealed));
    meeting.deliver(
        knocker,
        ServerMessage::ApplicationMessage {
            from: chair,
            message,
        },
    );
    meeting.settle();
    assert!(meeting.client(knocker).received.is_empty());

    // A knocker has nothing to seal with.
    assert!(meeting
        .clients
        .get_mut(&knocker)
        .unwrap()
        .group
        .seal_meeting_message(&chat("let me in"))
        .is_err());
}

#[test]
fn a_removed_member_reads_nothing_said_after() {
    let (mut meeting, chair) = Meeting::chaired("Alice");
    let bob = meeting.admitted(chair, "Bob");
    let carol = meeting.admitted(chair, "Carol");
    let carol_key = meeting.key_of(chair, carol);
    meeting.act(chair, |group, now| group.remove_member(now, &carol_key));
    meeting.settle();
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::Removed
    );
    let sealed = meeting.say(chair, &chat("now that Carol is gone"));
    meeting.settle();
    assert_eq!(chats_of(&meeting, bob).len(), 1);
    // A server that still hands it to Carol gives her nothing she can open.
    meeting.deliver(
        carol,
        ServerMessage::ApplicationMessage {
            from: chair,
            message: Bytes(sealed_bytes(&sealed)),
        },
    );
    meeting.settle();
    assert!(meeting.client(carol).received.is_empty());
}

#[test]
fn an_altered_or_replayed_message_opens_as_nobodys_and_a_misattributed_one_as_its_signers() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = [ids[0], ids[1], ids[2]];
    let sealed = sealed_bytes(&meeting.say(alice, &chat("the real one")));
    meeting.settle();
    assert_eq!(chats_of(&meeting, bob).len(), 1);

    // Altered: one bit of the ciphertext flipped.
    let mut altered = sealed.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    // Replayed: the same message a second time (its key was used and deleted).
    for message in [altered, sealed, b"not MLS".to_vec()] {
        meeting.deliver(
            bob,
            ServerMessage::ApplicationMessage {
                from: alice,
                message: Bytes(message),
            },
        );
    }
    meeting.settle();
    assert_eq!(
        chats_of(&meeting, bob),
        vec![("Alice".to_owned(), "the real one".to_owned())],
        "nothing more was shown as anyone's"
    );
    assert_eq!(meeting.client(bob).undecryptable, vec![alice, alice, alice]);

    // Misattributed: the server says Carol sent Alice's message. The group names the
    // member whose leaf signed it.
    let second = seal_only(&mut meeting, alice, &chat("mine, not Carol's"));
    meeting.deliver(
        bob,
        ServerMessage::ApplicationMessage {
            from: carol,
            message: second,
        },
    );
    meeting.settle();
    let received = meeting.client(bob).received.last().unwrap().clone();
    assert_eq!(received.sender_name, "Alice");
    assert_eq!(received.sender.unwrap().participant_id, Some(alice));
}

/// What the server sent `away` while `during` ran, held back instead of delivered: `away`
/// is away from its inbox meanwhile.
fn held_while_away(
    meeting: &mut Meeting,
    away: ParticipantId,
    during: impl FnOnce(&mut Meeting),
) -> Vec<ServerMessage> {
    let client = meeting.clients.remove(&away).unwrap();
    meeting.raw_inboxes.insert(away, Vec::new());
    during(meeting);
    let held = meeting.take_raw_inbox(away);
    meeting.raw_inboxes.remove(&away);
    meeting.clients.insert(away, client);
    held
}

/// `id` seals `message` without sending it (the server delivers it later).
fn seal_only(meeting: &mut Meeting, id: ParticipantId, message: &MeetingMessage) -> Bytes {
    let sealed = meeting
        .clients
        .get_mut(&id)
        .unwrap()
        .group
        .seal_meeting_message(message)
        .unwrap();
    Bytes(sealed_bytes(&sealed))
}

#[test]
fn a_message_that_crosses_commits_opens_for_three_epochs_and_a_joiner_ignores_older_ones() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = [ids[0], ids[1]];
    // Sealed in this epoch, delivered after Carol's join moved everyone on.
    let late = seal_only(&mut meeting, bob, &chat("sent before Carol came"));
    let three_late = seal_only(&mut meeting, bob, &chat("sent three epochs ago"));
    let too_late = seal_only(&mut meeting, bob, &chat("sent long ago"));
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    meeting.deliver(
        alice,
        ServerMessage::ApplicationMessage {
            from: bob,
            message: late,
        },
    );
    meeting.settle();
    assert_eq!(
        chats_of(&meeting, alice),
        vec![("Bob".to_owned(), "sent before Carol came".to_owned())]
    );

    // Three epochs late still opens; four, and its keys are gone.
    for name in ["Dave", "Erin"] {
        meeting.join(name);
        meeting.settle();
    }
    meeting.deliver(
        alice,
        ServerMessage::ApplicationMessage {
            from: bob,
            message: three_late,
        },
    );
    meeting.settle();
    assert_eq!(chats_of(&meeting, alice).len(), 2, "three epochs late");
    meeting.join("Frank");
    meeting.settle();
    meeting.deliver(
        alice,
        ServerMessage::ApplicationMessage {
            from: bob,
            message: too_late,
        },
    );
    meeting.settle();
    assert_eq!(chats_of(&meeting, alice).len(), 2);
    assert_eq!(meeting.client(alice).undecryptable, vec![bob]);

    // A joiner is not shown a message of an epoch before its own as undecryptable: it was
    // never for it.
    let before_grace = seal_only(&mut meeting, bob, &chat("before Grace came"));
    let grace = meeting.join("Grace");
    meeting.settle();
    meeting.deliver(
        grace,
        ServerMessage::ApplicationMessage {
            from: bob,
            message: before_grace,
        },
    );
    meeting.settle();
    assert!(meeting.client(grace).received.is_empty());
    assert!(meeting.client(grace).undecryptable.is_empty());
}

#[test]
fn a_message_that_comes_before_its_epochs_commit_waits_for_it() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = [ids[0], ids[1]];
    // Bob is away from his inbox while Alice adds Carol and speaks in the new epoch.
    let mut carol = bob;
    let held = held_while_away(&mut meeting, bob, |meeting| {
        carol = meeting.join("Carol");
        meeting.settle();
        meeting.say(alice, &chat("welcome, Carol"));
        meeting.settle();
    });
    let (messages, rest): (Vec<_>, Vec<_>) = held
        .into_iter()
        .partition(|m| matches!(m, ServerMessage::ApplicationMessage { .. }));
    assert_eq!(messages.len(), 1);
    assert!(rest
        .iter()
        .any(|m| matches!(m, ServerMessage::Commit { .. })));

    // The message overtakes the commit: it waits.
    for message in messages {
        meeting.deliver(bob, message);
    }
    meeting.settle();
    assert!(meeting.client(bob).received.is_empty());
    assert!(meeting.client(bob).undecryptable.is_empty());
    for message in rest {
        meeting.deliver(bob, message);
    }
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    assert_eq!(
        chats_of(&meeting, bob),
        vec![("Alice".to_owned(), "welcome, Carol".to_owned())]
    );
    assert!(meeting.client(bob).undecryptable.is_empty());
}

#[test]
fn a_members_message_passed_off_as_its_commit_blames_nobody() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let [alice, bob, carol] = [ids[0], ids[1], ids[2]];
    let epoch = meeting.code(alice).unwrap().epoch;
    // The server relays Carol's signed chat message to the others as Carol's commit.
    let sealed = seal_only(&mut meeting, carol, &chat("just a chat message"));
    for to in [alice, bob] {
        meeting.deliver(
            to,
            ServerMessage::Commit {
                from: carol,
                epoch,
                commit: sealed.clone(),
                added: vec![],
                removed: vec![],
                expelled: vec![],
            },
        );
    }
    meeting.settle();
    meeting.advance(3_000);
    assert!(
        meeting.closed.is_empty(),
        "nobody expelled: {:?}",
        meeting.closed
    );
    for viewer in [alice, bob, carol] {
        assert_eq!(
            meeting.members_seen_by(viewer),
            vec![alice, bob, carol],
            "Carol is still a member for {viewer:?}"
        );
    }
    meeting.assert_converged(&[alice, bob, carol]);
}

#[test]
fn a_commit_passed_off_as_a_message_is_not_spent_and_blames_nobody() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let [alice, bob] = [ids[0], ids[1]];
    // Bob is away from his inbox while Alice adds Carol.
    let mut carol = bob;
    let held = held_while_away(&mut meeting, bob, |meeting| {
        carol = meeting.join("Carol");
        meeting.settle();
    });
    let commit = held
        .iter()
        .find_map(|message| match message {
            ServerMessage::Commit { commit, .. } => Some(commit.clone()),
            _ => None,
        })
        .expect("Alice's commit adding Carol");
    // The server hands Bob that commit as an application message first, then as itself.
    meeting.deliver(
        bob,
        ServerMessage::ApplicationMessage {
            from: alice,
            message: commit,
        },
    );
    for message in held {
        meeting.deliver(bob, message);
    }
    meeting.settle();
    meeting.advance(3_000);
    assert!(
        meeting.closed.is_empty(),
        "nobody expelled: {:?}",
        meeting.closed
    );
    assert_eq!(meeting.client(bob).undecryptable, vec![alice]);
    assert_eq!(
        meeting.client(bob).resyncs,
        0,
        "Bob followed the real commit"
    );
    meeting.assert_converged(&[alice, bob, carol]);
}
