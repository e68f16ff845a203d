//! A mesh offer or answer is accepted only as its sender signed it, for its recipient: the
//! signaling server relays them, and a changed DTLS fingerprint, a description re-addressed
//! to another member, one passed off as the other kind, or one signed by another member
//! than the one it claims to come from is refused (`group/src/meeting_group/signal_auth.rs`).

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Meeting;
use conclave_group::{SessionDescriptionKind, SignalAuthError};
use conclave_protocol::ParticipantId;

use SessionDescriptionKind::{Answer, Offer};

/// An offer as Chromium writes it (shortened), with the DTLS fingerprint of its certificate.
const OFFER: &str = "v=0\r\n\
    o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
    s=-\r\n\
    t=0 0\r\n\
    a=group:BUNDLE 0 1\r\n\
    m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
    a=ice-ufrag:Wk3c\r\n\
    a=ice-pwd:1s3FQZk0bGpAvKQbS0c8Hnd2\r\n\
    a=fingerprint:sha-256 5B:0F:2C:7A:19:8E:42:D1:AA:07:3C:9E:61:F4:20:8B:11:C5:6D:E2:94:3A:7F:08:B6:CE:52:19:D0:4E:87:A3\r\n\
    a=setup:actpass\r\n\
    a=mid:0\r\n\
    a=rtpmap:111 opus/48000/2\r\n\
    a=fmtp:111 minptime=10;useinbandfec=1;cbr=1\r\n";

/// The same offer with the fingerprint of a certificate the server holds.
fn with_servers_fingerprint(sdp: &str) -> String {
    sdp.replace("5B:0F:2C:7A:19:8E:42:D1", "DE:AD:BE:EF:19:8E:42:D1")
}

#[test]
fn the_recipient_accepts_what_the_sender_signed_for_it() {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob) = (ids[0], ids[1]);
    let signature = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(alice, Offer, OFFER, &signature),
        Ok(())
    );
    let answer = meeting
        .client(bob)
        .group
        .sign_session_description(alice, Answer, OFFER)
        .unwrap();
    assert_eq!(
        meeting
            .client(alice)
            .group
            .verify_session_description(bob, Answer, OFFER, &answer),
        Ok(())
    );
}

#[test]
fn a_changed_dtls_fingerprint_is_refused() {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let signature = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    let spliced = with_servers_fingerprint(OFFER);
    assert_ne!(spliced, OFFER);
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(alice, Offer, &spliced, &signature),
        Err(SignalAuthError::BadSignature)
    );
    // Any other byte too, and a signature that was cut or flipped.
    let one_byte_more = format!("{OFFER}a=x\r\n");
    assert_eq!(
        meeting.client(bob).group.verify_session_description(
            alice,
            Offer,
            &one_byte_more,
            &signature
        ),
        Err(SignalAuthError::BadSignature)
    );
    let mut flipped = signature.clone();
    flipped[10] ^= 0x20;
    for bad in [&flipped[..], &signature[..32], &[][..]] {
        assert_eq!(
            meeting
                .client(bob)
                .group
                .verify_session_description(alice, Offer, OFFER, bad),
            Err(SignalAuthError::BadSignature)
        );
    }
}

#[test]
fn a_description_re_addressed_to_another_member_is_refused() {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob, carol) = (ids[0], ids[1], ids[2]);
    // Alice's offer to Bob, relayed to Carol instead as if it were for her.
    let for_bob = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    assert_eq!(
        meeting
            .client(carol)
            .group
            .verify_session_description(alice, Offer, OFFER, &for_bob),
        Err(SignalAuthError::BadSignature)
    );
}

#[test]
fn a_description_signed_by_another_member_is_refused() {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob", "Carol"]);
    let (alice, bob, carol) = (ids[0], ids[1], ids[2]);
    // Carol (or a server passing Carol's offer along) claims Alice sent it.
    let by_carol = meeting
        .client(carol)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(alice, Offer, OFFER, &by_carol),
        Err(SignalAuthError::BadSignature)
    );
    // Carol's is good as Carol's.
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(carol, Offer, OFFER, &by_carol),
        Ok(())
    );
}

#[test]
fn an_offer_is_not_taken_for_an_answer() {
    let (meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let offer = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(alice, Answer, OFFER, &offer),
        Err(SignalAuthError::BadSignature)
    );
}

#[test]
fn someone_not_in_the_roster_is_told_apart_from_a_bad_signature() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let signature = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    assert_eq!(
        meeting.client(bob).group.verify_session_description(
            ParticipantId(999),
            Offer,
            OFFER,
            &signature
        ),
        Err(SignalAuthError::SenderNotInRoster)
    );
    // A joiner that is not a member yet has neither a key to sign with nor a roster.
    let carol = meeting.join("Carol");
    assert_eq!(
        meeting
            .client(carol)
            .group
            .sign_session_description(alice, Answer, OFFER),
        Err(SignalAuthError::NotAMember)
    );
    assert_eq!(
        meeting
            .client(carol)
            .group
            .verify_session_description(alice, Offer, OFFER, &signature),
        Err(SignalAuthError::NotAMember)
    );
}

#[test]
fn a_signature_made_before_a_commit_still_verifies_after_it() {
    let (mut meeting, ids) = Meeting::of(&["Alice", "Bob"]);
    let (alice, bob) = (ids[0], ids[1]);
    let signature = meeting
        .client(alice)
        .group
        .sign_session_description(bob, Offer, OFFER)
        .unwrap();
    let epoch = meeting.client(bob).group.epoch();
    let carol = meeting.join("Carol");
    meeting.settle();
    meeting.assert_converged(&[alice, bob, carol]);
    assert_ne!(meeting.client(bob).group.epoch(), epoch);
    assert_eq!(
        meeting
            .client(bob)
            .group
            .verify_session_description(alice, Offer, OFFER, &signature),
        Ok(())
    );
}
