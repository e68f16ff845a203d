//! Verified identities in a meeting: members whose organisation enrolled them carry the
//! X.509 credential, and every client shows who an organisation the meeting pinned vouches
//! for. In a "verified members only" meeting every client refuses a knock without a valid
//! certificate from a pinned organisation (the chair cannot override it), ignores a rogue's
//! commit that adds one anyway, and ignores any commit that rewrites the meeting's trust.

// They drive the real signaling server, which is not built for the browser.
#![cfg(not(target_arch = "wasm32"))]
// A test: a failed unwrap is a failed test (helpers included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::pki::TestOrganisation;
use common::Meeting;
use conclave_group::verified_identity::{ChainRefusal, Organisation};
use conclave_group::{
    Admission, Identity, MeetingTrust, MembershipStatus, RogueCommit, Verification,
};
use conclave_protocol::{close_code, ParticipantId};

/// A meeting on a server that lists two organisations and pins only the ministry, which
/// has certified Ada (the creator) and Bob, both members.
struct Council {
    ministry: TestOrganisation,
    agency: TestOrganisation,
    meeting: Meeting,
    ada: ParticipantId,
    bob: ParticipantId,
}

fn council(verified_only: bool) -> Council {
    let (mut ministry, agency, mut meeting) = two_organisations_listed(verified_only);
    let ada = join_certified(&mut meeting, &mut ministry, "Ada Lovelace", 30);
    let bob = join_certified(&mut meeting, &mut ministry, "Bob Babbage", 30);
    assert_eq!(meeting.members_seen_by(ada), vec![ada, bob]);
    Council {
        ministry,
        agency,
        meeting,
        ada,
        bob,
    }
}

/// A server that lists a ministry and an agency, and a meeting whose creator will pin only
/// the ministry.
fn two_organisations_listed(verified_only: bool) -> (TestOrganisation, TestOrganisation, Meeting) {
    let ministry = TestOrganisation::new("Ministry of Example");
    let agency = TestOrganisation::new("Other Agency");
    let mut meeting = Meeting::new();
    meeting.organisations = vec![ministry.listed(), agency.listed()];
    meeting.creation_trust = MeetingTrust::new(verified_only, [ministry.pin()]);
    (ministry, agency, meeting)
}

/// `name` joins with a certificate `org` issues for a fresh key (valid for `days`), and the
/// meeting settles.
fn join_certified(
    meeting: &mut Meeting,
    org: &mut TestOrganisation,
    name: &str,
    days: i64,
) -> ParticipantId {
    let identity = Identity::generate().unwrap();
    let chain = org.issue_for(identity.public_key(), name, days);
    let id = meeting.join_enrolled(name, identity, Some(chain));
    meeting.settle();
    id
}

/// The server's list of organisations, as `id`'s page fetches it again.
fn give_organisations(meeting: &mut Meeting, id: ParticipantId, organisations: Vec<Organisation>) {
    let client = meeting.clients.get_mut(&id).expect("a client");
    client.group.set_organisations(organisations);
}

fn verification_of(
    meeting: &Meeting,
    viewer: ParticipantId,
    member: ParticipantId,
) -> Verification {
    meeting
        .client(viewer)
        .group
        .roster()
        .members
        .into_iter()
        .find(|m| m.participant_id == Some(member))
        .map(|m| m.verification)
        .expect("a member")
}

#[test]
fn the_roster_shows_who_a_pinned_organisation_vouches_for() {
    let Council {
        mut agency,
        mut meeting,
        ada,
        bob,
        ..
    } = council(false);
    let cy = meeting.join("Cy typed this");
    meeting.settle();
    // The server lists the agency too, but the meeting did not pin it.
    let dee = join_certified(&mut meeting, &mut agency, "Dee Agent", 30);

    for viewer in [ada, bob, cy, dee] {
        for (member, name) in [(ada, "Ada Lovelace"), (bob, "Bob Babbage")] {
            let Verification::Verified(person) = verification_of(&meeting, viewer, member) else {
                panic!("{name} verified for {viewer:?}");
            };
            assert_eq!(person.organisation, "Ministry of Example");
            assert_eq!(person.name, name);
            assert_eq!(person.role.as_deref(), Some("Delegate"));
        }
        assert_eq!(
            verification_of(&meeting, viewer, cy),
            Verification::NotVerified
        );
        // Dee's organisation is not one the link accepts: her browser keeps her
        // certificate (her name, role and e-mail) to itself.
        assert_eq!(
            verification_of(&meeting, viewer, dee),
            Verification::NotVerified
        );
        let roster = meeting.client(viewer).group.roster();
        assert_eq!(
            roster.accepted_organisations,
            vec!["Ministry of Example".to_owned()]
        );
        assert!(!roster.trust.unwrap().verified_only);
    }
}

#[test]
fn a_verified_only_meeting_refuses_every_knock_without_a_valid_certificate() {
    let Council {
        mut ministry,
        mut agency,
        mut meeting,
        ada,
        bob,
    } = council(true);

    // Eve's certificate (serial 3) is revoked before she knocks; Fay's (serial 4) expired.
    let mut refused = vec![meeting.join("Cy typed this")];
    refused.push(join_certified(&mut meeting, &mut agency, "Dee Agent", 30));
    ministry.revoke(3);
    meeting.organisations = vec![ministry.listed(), agency.listed()];
    for id in [ada, bob] {
        let organisations = meeting.organisations.clone();
        give_organisations(&mut meeting, id, organisations);
    }
    refused.push(join_certified(
        &mut meeting,
        &mut ministry,
        "Eve Revoked",
        30,
    ));
    refused.push(join_certified(
        &mut meeting,
        &mut ministry,
        "Fay Expired",
        -1,
    ));
    meeting.advance(1_000);

    // Told so, for good: no certificate, an organisation the meeting did not pin, revoked.
    for id in &refused[..3] {
        assert_eq!(
            meeting.client(*id).group.roster().status,
            MembershipStatus::NotVerified,
            "{}",
            meeting.client(*id).name
        );
    }
    // An expiry depends on the clock of whoever judges it: Fay is not told, only kept out.
    let fay = refused[3];
    assert_eq!(
        meeting.client(fay).group.roster().status,
        MembershipStatus::WaitingToBeAdded
    );
    for member in [ada, bob] {
        assert_eq!(meeting.members_seen_by(member), vec![ada, bob]);
        assert!(meeting.client(member).group.roster().knocks.is_empty());
    }
}

#[test]
fn the_chair_cannot_admit_an_unverified_knock() {
    let (mut ministry, _agency, mut meeting) = two_organisations_listed(true);
    meeting.admission = Admission::ChairAdmits;
    let ada = join_certified(&mut meeting, &mut ministry, "Ada Lovelace", 30);
    let bob = join_certified(&mut meeting, &mut ministry, "Bob Babbage", 30);
    // A verified knock waits for the chair, who admits it.
    assert_eq!(meeting.client(ada).group.roster().knocks.len(), 1);
    meeting.act(ada, |group, now| group.admit(now, bob));
    meeting.settle();
    assert_eq!(meeting.members_seen_by(ada), vec![ada, bob]);

    let cy = meeting.join("Cy typed this");
    meeting.settle();
    assert!(meeting.client(ada).group.roster().knocks.is_empty());
    meeting.act(ada, |group, now| group.admit(now, cy));
    meeting.advance(6_000);
    assert_eq!(meeting.members_seen_by(ada), vec![ada, bob]);
    assert_eq!(
        meeting.client(cy).group.roster().status,
        MembershipStatus::NotVerified
    );
}

#[test]
fn a_rogue_members_add_of_an_unverified_joiner_is_ignored_and_the_rogue_expelled() {
    let Council {
        mut ministry,
        mut meeting,
        ada,
        bob,
        ..
    } = council(true);
    let carol = join_certified(&mut meeting, &mut ministry, "Carol Clerk", 30);
    // Cy's knock is refused by everyone, but its KeyPackage reached every member.
    let cy = meeting.join("Cy typed this");
    meeting.settle();
    let (_, key_package, _) = meeting.last_key_package_of(cy);
    let epoch = meeting.client(ada).group.epoch();

    // Bob skips the check every honest member makes; the chair's counter-commit waits.
    meeting.hold_uplink_from.insert(ada);
    let sent = meeting.client(bob).commits_sent;
    meeting.act(bob, |group, now| group.rogue_add(now, &key_package.0));
    assert_eq!(
        meeting.client(bob).commits_sent,
        sent + 1,
        "the rogue's Add sent"
    );
    meeting.settle();
    for id in [ada, carol] {
        assert_eq!(
            meeting.client(id).group.epoch(),
            epoch,
            "{}",
            meeting.client(id).name
        );
        assert_eq!(meeting.client(id).group.ignored_commits(), 1);
    }
    meeting.release_uplink(&[ada]);
    meeting.settle();
    assert_eq!(
        meeting.closed.get(&bob),
        Some(&close_code::REMOVED),
        "Bob expelled"
    );
    meeting.clients.remove(&bob);
    meeting.clients.remove(&cy);
    meeting.assert_converged(&[ada, carol]);
    assert_eq!(meeting.members_seen_by(carol), vec![ada, carol]);
}

#[test]
fn nobody_can_rewrite_the_meetings_trust_not_even_its_chair() {
    let Council {
        mut meeting,
        ada,
        bob,
        ..
    } = council(true);
    let epoch = meeting.client(bob).group.epoch();
    let trust = meeting.client(bob).group.roster().trust;
    assert!(trust.as_ref().unwrap().verified_only);

    let sent = meeting.client(ada).commits_sent;
    meeting.act(ada, |group, now| {
        group.rogue_commit(now, RogueCommit::RewriteTrust)
    });
    assert_eq!(
        meeting.client(ada).commits_sent,
        sent + 1,
        "the chair's rewrite sent"
    );
    // Bob's succession (the chair broke a rule) waits until we have looked.
    meeting.hold_uplink_from.insert(bob);
    meeting.settle();
    assert_eq!(
        meeting.client(bob).group.epoch(),
        epoch,
        "Bob did not follow"
    );
    assert_eq!(meeting.client(bob).group.ignored_commits(), 1);
    assert_eq!(meeting.client(bob).group.roster().trust, trust);
    meeting.release_uplink(&[bob]);
    meeting.settle();
    assert_eq!(
        meeting.closed.get(&ada),
        Some(&close_code::REMOVED),
        "Ada expelled"
    );
    assert_eq!(meeting.client(bob).group.roster().trust, trust);
}

#[test]
fn an_enrolled_member_cannot_claim_another_participant_in_its_leaf() {
    let Council {
        mut ministry,
        mut meeting,
        ada,
        bob,
        ..
    } = council(false);
    let carol = join_certified(&mut meeting, &mut ministry, "Carol Clerk", 30);
    let epoch = meeting.client(carol).group.epoch();

    // Bob keeps his certificate and rewrites only the leaf extension naming his participant.
    meeting.hold_uplink_from.insert(ada);
    meeting.act(bob, |group, now| {
        group.rogue_commit(now, RogueCommit::ClaimParticipant(ada))
    });
    meeting.settle();
    assert_eq!(
        meeting.client(carol).group.epoch(),
        epoch,
        "Carol did not follow"
    );
    assert_eq!(meeting.client(carol).group.ignored_commits(), 1);
    assert_eq!(meeting.members_seen_by(carol), vec![ada, bob, carol]);
    meeting.release_uplink(&[ada]);
    meeting.settle();
    assert_eq!(
        meeting.closed.get(&bob),
        Some(&close_code::REMOVED),
        "Bob expelled"
    );
}

#[test]
fn members_holding_different_revocation_lists_do_not_split_and_the_chair_removes_the_revoked() {
    let Council {
        mut ministry,
        mut meeting,
        ada,
        bob,
        ..
    } = council(true);
    // The server gives Bob a newer list, on which Carol's certificate (serial 3) is revoked;
    // Ada, the lowest member, still holds the older one and adds Carol.
    let older = ministry.listed();
    ministry.revoke(3);
    let newer = ministry.listed();
    let agency = meeting.organisations[1].clone();
    give_organisations(&mut meeting, bob, vec![newer, agency.clone()]);
    meeting.organisations = vec![older, agency];
    let carol = join_certified(&mut meeting, &mut ministry, "Carol Clerk", 30);

    // Bob follows the Add rather than ignoring it (a revocation list is not the same for
    // everyone), and marks Carol revoked on his screen.
    assert_eq!(meeting.client(bob).group.ignored_commits(), 0);
    meeting.assert_converged(&[ada, bob, carol]);
    assert_eq!(
        verification_of(&meeting, bob, carol),
        Verification::Refused(ChainRefusal::Revoked)
    );
    assert!(verification_of(&meeting, ada, carol).verified().is_some());

    // Once the chair sees the revocation too, it removes Carol: a "verified members only"
    // meeting keeps nobody whose organisation revoked them (a rogue's Add of one included).
    let newer = ministry.listed();
    let agency = meeting.organisations[1].clone();
    give_organisations(&mut meeting, ada, vec![newer, agency]);
    meeting.advance(1_000);
    assert_eq!(meeting.members_seen_by(ada), vec![ada, bob]);
    assert_eq!(meeting.members_seen_by(bob), vec![ada, bob]);
    assert_eq!(
        meeting.client(carol).group.roster().status,
        MembershipStatus::Removed
    );
}

#[test]
fn a_knock_whose_certificate_is_revoked_while_it_waits_is_not_admitted() {
    let (mut ministry, agency, mut meeting) = two_organisations_listed(true);
    meeting.admission = Admission::ChairAdmits;
    let ada = join_certified(&mut meeting, &mut ministry, "Ada Lovelace", 30);
    let bob = join_certified(&mut meeting, &mut ministry, "Bob Babbage", 30);
    assert_eq!(meeting.client(ada).group.roster().knocks.len(), 1);

    // Bob's certificate (serial 2) is revoked while he waits; then the chair admits him.
    ministry.revoke(2);
    give_organisations(&mut meeting, ada, vec![ministry.listed(), agency.listed()]);
    meeting.act(ada, |group, now| group.admit(now, bob));
    meeting.advance(6_000);
    assert_eq!(meeting.members_seen_by(ada), vec![ada]);
    assert!(meeting.client(ada).group.roster().knocks.is_empty());
    assert_eq!(
        meeting.client(bob).group.roster().status,
        MembershipStatus::NotVerified
    );
}

#[test]
fn a_server_cannot_undo_a_revocation_by_serving_the_older_list() {
    let Council {
        mut ministry,
        mut meeting,
        ada,
        bob,
        ..
    } = council(false);
    let before = ministry.listed_issued_hours_ago(2);
    ministry.revoke(2);
    let agency = meeting.organisations[1].clone();
    give_organisations(&mut meeting, ada, vec![ministry.listed(), agency.clone()]);
    assert_eq!(
        verification_of(&meeting, ada, bob),
        Verification::Refused(ChainRefusal::Revoked)
    );
    // The list from before the revocation (signed, still current), and then no list at all.
    for older in [
        before.clone(),
        Organisation {
            revocation_list: None,
            ..before
        },
    ] {
        give_organisations(&mut meeting, ada, vec![older, agency.clone()]);
        assert_eq!(
            verification_of(&meeting, ada, bob),
            Verification::Refused(ChainRefusal::Revoked)
        );
    }
}
