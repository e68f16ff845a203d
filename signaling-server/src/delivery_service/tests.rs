//! The Delivery Service's rules, each with what a refusal leaves unchanged.

use super::*;

const ADA: ParticipantId = ParticipantId(1);
const BOB: ParticipantId = ParticipantId(2);
const CY: ParticipantId = ParticipantId(3);
const DEE: ParticipantId = ParticipantId(4);
const CAPACITY: usize = 6;

fn bytes(text: &str) -> Bytes {
    Bytes(text.as_bytes().to_vec())
}

fn request(epoch: u64, added: &[ParticipantId], removed: &[ParticipantId]) -> CommitRequest {
    CommitRequest {
        epoch,
        commit: bytes("commit"),
        welcome: (!added.is_empty()).then(|| bytes("welcome")),
        added: added.to_vec(),
        removed: removed.to_vec(),
        expelled: Vec::new(),
    }
}

fn recipients(routed: &[Routed]) -> Vec<ParticipantId> {
    routed.iter().map(|r| r.to).collect()
}

/// A group of Ada (started) and Bob (added at epoch 0), with Cy present outside it.
fn ada_and_bob() -> DeliveryService {
    let mut ds = DeliveryService::new(CAPACITY);
    ds.start_group(ADA, &[ADA, BOB, CY]).unwrap();
    ds.commit(ADA, &[ADA, BOB, CY], request(0, &[BOB], &[]))
        .unwrap();
    ds
}

#[test]
fn the_first_start_group_wins_and_everyone_hears_of_it() {
    let mut ds = DeliveryService::new(CAPACITY);
    assert_eq!(ds.status(), GroupStatus::default());
    let routed = ds.start_group(BOB, &[ADA, BOB]).unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB]);
    assert!(routed
        .iter()
        .all(|r| r.message == ServerMessage::GroupStarted { by: BOB }));
    assert!(matches!(
        ds.start_group(ADA, &[ADA, BOB]),
        Err(Error::GroupExists)
    ));
    assert_eq!(
        ds.status(),
        GroupStatus {
            epoch: Some(0),
            members: vec![BOB],
            join_challenge: None,
        }
    );
}

#[test]
fn key_packages_go_to_present_members_but_not_back() {
    let ds = DeliveryService::new(CAPACITY);
    assert!(matches!(
        ds.relay_key_package(BOB, &[ADA, BOB], bytes("kp"), bytes("proof")),
        Err(Error::NoGroup)
    ));
    let ds = ada_and_bob();
    let routed = ds
        .relay_key_package(DEE, &[ADA, BOB, CY, DEE], bytes("kp"), bytes("proof"))
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB]);
    assert_eq!(
        routed[0].message,
        ServerMessage::KeyPackage {
            from: DEE,
            key_package: bytes("kp"),
            invite_proof: bytes("proof")
        }
    );
    // A member re-syncing publishes too; it does not get its own back.
    let routed = ds
        .relay_key_package(BOB, &[ADA, BOB, CY], bytes("kp"), bytes("proof"))
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA]);
}

#[test]
fn an_accepted_commit_goes_to_the_old_members_and_the_welcome_to_the_added() {
    let mut ds = DeliveryService::new(CAPACITY);
    ds.start_group(ADA, &[ADA, BOB]).unwrap();
    let routed = ds
        .commit(ADA, &[ADA, BOB], request(0, &[BOB], &[]))
        .unwrap();
    assert_eq!(
        routed,
        vec![
            Routed {
                to: ADA,
                message: ServerMessage::Commit {
                    from: ADA,
                    epoch: 0,
                    commit: bytes("commit"),
                    added: vec![BOB],
                    removed: vec![],
                    expelled: vec![],
                }
            },
            Routed {
                to: BOB,
                message: ServerMessage::Welcome {
                    from: ADA,
                    epoch: 1,
                    welcome: bytes("welcome"),
                }
            },
        ]
    );
    assert_eq!(
        ds.status(),
        GroupStatus {
            epoch: Some(1),
            members: vec![ADA, BOB],
            join_challenge: None,
        }
    );
}

#[test]
fn the_first_commit_of_an_epoch_wins() {
    let mut ds = ada_and_bob();
    let present = [ADA, BOB, CY];
    ds.commit(BOB, &present, request(1, &[CY], &[])).unwrap();
    assert_eq!(
        ds.commit(ADA, &present, request(1, &[CY], &[])),
        Err(CommitRejection::StaleEpoch { current: 2 })
    );
    assert_eq!(
        ds.commit(ADA, &present, request(5, &[], &[])),
        Err(CommitRejection::FutureEpoch { current: 2 })
    );
    assert_eq!(ds.group().map(GroupState::epoch), Some(2));
}

#[test]
fn removed_members_still_get_the_commit_that_removes_them() {
    let mut ds = ada_and_bob();
    let routed = ds
        .commit(ADA, &[ADA, BOB], request(1, &[], &[BOB]))
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB]);
    assert_eq!(ds.status().members, vec![ADA]);
    // Absent members are removed too (they left; the server never removes anyone).
    let mut ds = ada_and_bob();
    let routed = ds.commit(ADA, &[ADA, CY], request(1, &[], &[BOB])).unwrap();
    assert_eq!(recipients(&routed), vec![ADA]);
}

#[test]
fn a_re_syncing_member_is_removed_and_added_in_one_commit() {
    let mut ds = ada_and_bob();
    let routed = ds
        .commit(ADA, &[ADA, BOB], request(1, &[BOB], &[BOB]))
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB, BOB]);
    assert!(matches!(
        routed[2].message,
        ServerMessage::Welcome { epoch: 2, .. }
    ));
    assert_eq!(ds.status().members, vec![ADA, BOB]);
}

#[test]
fn inconsistent_commits_are_rejected_and_change_nothing() {
    let present = [ADA, BOB, CY];
    let cases = [
        (CY, request(1, &[], &[]), CommitRejection::NotAMember),
        (
            ADA,
            request(1, &[DEE], &[]),
            CommitRejection::AddedNotPresent(DEE),
        ),
        (
            ADA,
            request(1, &[BOB], &[]),
            CommitRejection::AddedAlreadyMember(BOB),
        ),
        (
            ADA,
            request(1, &[], &[CY]),
            CommitRejection::RemovedNotMember(CY),
        ),
        (ADA, request(1, &[], &[ADA]), CommitRejection::RemovesSender),
        (
            ADA,
            request(1, &[CY, CY], &[]),
            CommitRejection::Duplicate(CY),
        ),
        (
            ADA,
            request(1, &[], &[BOB, BOB]),
            CommitRejection::Duplicate(BOB),
        ),
        (
            ADA,
            CommitRequest {
                welcome: None,
                ..request(1, &[CY], &[])
            },
            CommitRejection::MissingWelcome,
        ),
        (
            ADA,
            CommitRequest {
                welcome: Some(bytes("welcome")),
                ..request(1, &[], &[])
            },
            CommitRejection::WelcomeWithoutAdded,
        ),
    ];
    for (from, request, expected) in cases {
        let mut ds = ada_and_bob();
        let before = ds.status();
        assert_eq!(ds.commit(from, &present, request), Err(expected));
        assert_eq!(ds.status(), before);
    }
    let mut ds = DeliveryService::new(CAPACITY);
    assert_eq!(
        ds.commit(ADA, &present, request(0, &[], &[])),
        Err(CommitRejection::NoGroup)
    );
}

#[test]
fn the_group_never_outgrows_the_room() {
    let mut ds = DeliveryService::new(2);
    ds.start_group(ADA, &[ADA, BOB]).unwrap();
    ds.commit(ADA, &[ADA, BOB], request(0, &[BOB], &[]))
        .unwrap();
    // Bob left (still a member); Cy took his place in the full room.
    assert_eq!(
        ds.commit(ADA, &[ADA, CY], request(1, &[CY], &[])),
        Err(CommitRejection::TooManyMembers {
            members: 3,
            capacity: 2
        })
    );
    // Removing Bob in the same commit fits.
    ds.commit(ADA, &[ADA, CY], request(1, &[CY], &[BOB]))
        .unwrap();
    assert_eq!(ds.status().members, vec![ADA, CY]);
}

#[test]
fn the_group_ends_when_no_member_is_present() {
    let mut ds = ada_and_bob();
    // Bob left: Ada is still a member, so the group stays (Ada commits Bob's removal).
    assert!(ds.participant_left(&[ADA, CY]).is_empty());
    assert_eq!(ds.status().members, vec![ADA, BOB]);
    // Ada left too: only Cy, who is no member, remains.
    let routed = ds.participant_left(&[CY]);
    assert_eq!(
        routed,
        vec![Routed {
            to: CY,
            message: ServerMessage::GroupEnded
        }]
    );
    assert_eq!(ds.group(), None);
    // And nothing more is said when the room empties.
    assert!(ds.participant_left(&[]).is_empty());
}

/// A commit in `epoch` removing and expelling `expelled`.
fn expelling(epoch: u64, expelled: &[ParticipantId]) -> CommitRequest {
    CommitRequest {
        expelled: expelled.to_vec(),
        ..request(epoch, &[], expelled)
    }
}

/// Ada, Bob and Cy are members at epoch 2; Dee is present outside the group.
fn ada_bob_and_cy() -> DeliveryService {
    let mut ds = ada_and_bob();
    ds.commit(ADA, &[ADA, BOB, CY, DEE], request(1, &[CY], &[]))
        .unwrap();
    ds
}

#[test]
fn an_expelled_member_gets_the_commit_and_can_commit_no_more() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY, DEE];
    let routed = ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB, CY]);
    assert!(matches!(
        &routed[2].message,
        ServerMessage::Commit { expelled, .. } if expelled == &[CY]
    ));
    assert_eq!(ds.status().members, vec![ADA, BOB]);
    assert_eq!(
        ds.commit(CY, &present, request(3, &[], &[])),
        Err(CommitRejection::Expelled)
    );
    // Not even a counter-commit of the commit that expelled it.
    assert_eq!(
        ds.commit(CY, &present, expelling(2, &[ADA])),
        Err(CommitRejection::Expelled)
    );
    // Only a member the commit removes can be expelled.
    let before = ds.status();
    assert_eq!(
        ds.commit(
            ADA,
            &present,
            CommitRequest {
                expelled: vec![BOB],
                ..request(3, &[], &[])
            }
        ),
        Err(CommitRejection::ExpelledNotRemoved(BOB))
    );
    assert_eq!(ds.status(), before);
}

#[test]
fn a_member_may_still_remove_a_participant_expelled_before() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY, DEE];
    ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    // Bob's view still holds Cy's leaf (say the expulsion came in a counter-commit):
    // his Remove of it goes through and changes nothing in the bookkeeping.
    ds.commit(BOB, &present, expelling(3, &[CY])).unwrap();
    assert_eq!(ds.status().members, vec![ADA, BOB]);
    // A participant that never was a member still cannot be removed.
    assert_eq!(
        ds.commit(ADA, &present, request(4, &[], &[DEE])),
        Err(CommitRejection::RemovedNotMember(DEE))
    );
}

#[test]
fn one_counter_commit_routes_around_an_ignored_commit() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY, DEE];
    ds.set_join_challenge(ADA, &present, challenge(2, 2))
        .unwrap();
    // Cy (no chair, the clients say) adds Dee and removes Bob: every honest client
    // ignores it, but the server cannot tell.
    let rogue = ds.commit(CY, &present, request(2, &[DEE], &[BOB])).unwrap();
    assert_eq!(recipients(&rogue), vec![ADA, BOB, CY, DEE]);
    ds.set_join_challenge(DEE, &present, challenge(3, 6))
        .unwrap();
    assert_eq!(ds.status().members, vec![ADA, CY, DEE]);
    // Bob disputed it, as every honest client does with a commit it ignored.
    ds.dispute_commit(BOB, 2).unwrap();
    // Ada counters for epoch 2, expelling Cy: relayed to the members of before the
    // rogue commit; the epoch stays 3, and the members are Ada and Bob. Dee, whom the
    // rogue commit added, is told the group's status (no longer listing her).
    let counter = ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    assert_eq!(recipients(&counter), vec![ADA, BOB, CY, DEE]);
    assert!(counter.iter().any(|routed| routed.to == DEE
        && matches!(&routed.message, ServerMessage::GroupStatus { group } if group.members == [ADA, BOB])));
    assert_eq!(
        ds.status(),
        GroupStatus {
            epoch: Some(3),
            members: vec![ADA, BOB],
            join_challenge: Some(challenge(2, 2)),
        }
    );
    // The honest members go on from epoch 3.
    ds.set_join_challenge(BOB, &present, challenge(3, 3))
        .unwrap();
    assert_eq!(ds.status().join_challenge, Some(challenge(3, 3)));
    ds.commit(BOB, &present, request(3, &[], &[])).unwrap();
    assert_eq!(ds.group().map(GroupState::epoch), Some(4));
}

#[test]
fn a_counter_commit_undoes_a_rule_breakers_run_of_commits() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY, DEE];
    // Cy commits twice on its own line (the second on top of the first, which every
    // honest client ignored) before the chair answers.
    ds.commit(CY, &present, request(2, &[DEE], &[BOB])).unwrap();
    ds.commit(CY, &present, request(3, &[], &[])).unwrap();
    assert_eq!(ds.group().map(GroupState::epoch), Some(4));
    // Ada counters for epoch 2 (Bob disputed Cy's first commit), expelling Cy: the room
    // goes back to epoch 3, with the members of before Cy's commits less Cy.
    ds.dispute_commit(BOB, 2).unwrap();
    let counter = ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    assert_eq!(recipients(&counter), vec![ADA, BOB, CY, DEE]);
    assert_eq!(ds.group().map(GroupState::epoch), Some(3));
    assert_eq!(ds.status().members, vec![ADA, BOB]);
    // One counter-commit per epoch, and the honest members go on from epoch 3.
    assert_eq!(
        ds.commit(BOB, &present, expelling(2, &[ADA])),
        Err(CommitRejection::CounterCommitTaken { current: 3 })
    );
    ds.commit(BOB, &present, request(3, &[], &[])).unwrap();
    assert_eq!(ds.group().map(GroupState::epoch), Some(4));
}

#[test]
fn a_run_of_commits_from_two_senders_cannot_be_countered() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY];
    // Cy's commit, then Bob's on top: Bob followed it, so it is no rule-breaker's run.
    ds.commit(CY, &present, request(2, &[], &[])).unwrap();
    ds.commit(BOB, &present, request(3, &[], &[])).unwrap();
    let before = ds.status();
    assert_eq!(
        ds.commit(ADA, &present, expelling(2, &[CY])),
        Err(CommitRejection::StaleEpoch { current: 4 })
    );
    assert_eq!(ds.status(), before);
}

#[test]
fn a_counter_commit_is_refused_unless_it_follows_every_rule() {
    let present = [ADA, BOB, CY, DEE];
    let with_welcome = CommitRequest {
        welcome: Some(bytes("welcome")),
        ..expelling(2, &[CY])
    };
    let cases = [
        // From the sender of the commit it counters (another late commit of its own).
        (
            CY,
            expelling(2, &[ADA]),
            CommitRejection::StaleEpoch { current: 3 },
        ),
        (
            CY,
            expelling(2, &[CY]),
            CommitRejection::CounterCommitSameSender { current: 3 },
        ),
        // With a Welcome.
        (
            ADA,
            with_welcome,
            CommitRejection::CounterCommitWithWelcome { current: 3 },
        ),
        // Without expelling the countered sender (a plain late commit).
        (
            ADA,
            request(2, &[], &[]),
            CommitRejection::StaleEpoch { current: 3 },
        ),
        // Two epochs behind.
        (
            ADA,
            expelling(1, &[CY]),
            CommitRejection::StaleEpoch { current: 3 },
        ),
        // From someone the countered commit added (no member before it).
        (DEE, expelling(2, &[CY]), CommitRejection::NotAMember),
    ];
    for (from, request, expected) in cases {
        let mut ds = ada_bob_and_cy();
        ds.commit(CY, &present, super::tests::request(2, &[DEE], &[]))
            .unwrap();
        ds.dispute_commit(ADA, 2).unwrap();
        ds.dispute_commit(BOB, 2).unwrap();
        let before = ds.status();
        assert_eq!(ds.commit(from, &present, request), Err(expected));
        assert_eq!(ds.status(), before, "nothing changed");
    }
    // Only one counter-commit per epoch.
    let mut ds = ada_bob_and_cy();
    ds.commit(CY, &present, request(2, &[DEE], &[])).unwrap();
    ds.dispute_commit(BOB, 2).unwrap();
    ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    let before = ds.status();
    // The commit of epoch 2 is now Ada's counter-commit: expelling Cy again counters
    // nothing, and Ada's cannot be countered in turn.
    assert_eq!(
        ds.commit(BOB, &present, expelling(2, &[CY])),
        Err(CommitRejection::StaleEpoch { current: 3 })
    );
    assert_eq!(
        ds.commit(BOB, &present, expelling(2, &[ADA])),
        Err(CommitRejection::CounterCommitTaken { current: 3 })
    );
    assert_eq!(
        ds.commit(BOB, &present, expelling(2, &[DEE])),
        Err(CommitRejection::StaleEpoch { current: 3 })
    );
    assert_eq!(ds.status(), before);
    // No commit to counter at epoch 0.
    let mut ds = DeliveryService::new(CAPACITY);
    ds.start_group(ADA, &[ADA]).unwrap();
    assert_eq!(
        ds.commit(ADA, &[ADA], request(u64::MAX, &[], &[])),
        Err(CommitRejection::FutureEpoch { current: 0 })
    );
}

#[test]
fn a_knock_answer_goes_from_a_member_to_the_knocker_and_the_members() {
    let ds = ada_and_bob();
    let present = [ADA, BOB, CY];
    let routed = ds
        .answer_knock(BOB, CY, KnockAnswer::Denied, &present)
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA, BOB, CY]);
    assert!(routed.iter().all(|r| r.message
        == ServerMessage::KnockAnswered {
            from: BOB,
            to: CY,
            answer: KnockAnswer::Denied
        }));
    assert!(matches!(
        ds.answer_knock(CY, ADA, KnockAnswer::Locked, &present),
        Err(Error::NotAMember(_))
    ));
    assert!(matches!(
        ds.answer_knock(ADA, BOB, KnockAnswer::Locked, &present),
        Err(Error::NotKnocking(BOB))
    ));
    assert!(matches!(
        ds.answer_knock(ADA, DEE, KnockAnswer::Locked, &present),
        Err(Error::UnknownParticipant)
    ));
    assert!(matches!(
        DeliveryService::new(CAPACITY).answer_knock(ADA, BOB, KnockAnswer::Denied, &present),
        Err(Error::NotAMember(_))
    ));
    assert!(ds.may_end_meeting(BOB).is_ok());
    assert!(matches!(ds.may_end_meeting(CY), Err(Error::NotAMember(_))));
}

#[test]
fn an_application_message_goes_from_a_member_to_the_other_members_only() {
    let ds = ada_and_bob();
    // Cy is present but knocking: it hears nothing of the members' messages.
    let present = [ADA, BOB, CY];
    let routed = ds
        .relay_application_message(BOB, bytes("sealed"), &present)
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA]);
    assert_eq!(
        routed[0].message,
        ServerMessage::ApplicationMessage {
            from: BOB,
            message: bytes("sealed")
        }
    );
    assert!(matches!(
        ds.relay_application_message(CY, bytes("sealed"), &present),
        Err(Error::NotAMember(_))
    ));
    assert!(matches!(
        DeliveryService::new(CAPACITY).relay_application_message(ADA, bytes("x"), &present),
        Err(Error::NotAMember(_))
    ));
}

fn challenge(epoch: u64, fill: u8) -> JoinChallenge {
    JoinChallenge {
        epoch,
        challenge: Bytes(vec![fill; JOIN_CHALLENGE_BYTES]),
    }
}

#[test]
fn a_join_challenge_is_kept_only_for_the_current_epoch_and_relayed_once() {
    let mut ds = ada_and_bob();
    let present = [ADA, BOB, CY];
    // Epoch 1: Ada sets its challenge; Bob and Cy (joining) hear it, Ada does not.
    let routed = ds
        .set_join_challenge(ADA, &present, challenge(1, 1))
        .unwrap();
    assert_eq!(recipients(&routed), vec![BOB, CY]);
    assert_eq!(
        routed[1].message,
        ServerMessage::JoinChallenge(challenge(1, 1))
    );
    assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
    // The first for an epoch stays: a repeat (or another member's) is ignored.
    assert_eq!(
        ds.set_join_challenge(BOB, &present, challenge(1, 9)),
        Ok(vec![])
    );
    assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
    // A commit moves the room on; the old challenge is still what joiners get until
    // the new epoch's is set, and a late one for the old epoch is ignored.
    ds.commit(ADA, &present, request(1, &[CY], &[])).unwrap();
    assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
    assert_eq!(
        ds.set_join_challenge(BOB, &present, challenge(1, 7)),
        Ok(vec![])
    );
    assert_eq!(ds.status().join_challenge, Some(challenge(1, 1)));
    let routed = ds
        .set_join_challenge(BOB, &present, challenge(2, 2))
        .unwrap();
    assert_eq!(recipients(&routed), vec![ADA, CY]);
    assert_eq!(ds.status().join_challenge, Some(challenge(2, 2)));
}

#[test]
fn a_malformed_or_misplaced_join_challenge_is_refused_and_changes_nothing() {
    let present = [ADA, BOB, CY];
    let oversized = JoinChallenge {
        epoch: 1,
        challenge: Bytes(vec![1; 4096]),
    };
    let short = JoinChallenge {
        epoch: 1,
        challenge: Bytes(vec![1; JOIN_CHALLENGE_BYTES - 1]),
    };
    let cases = [
        (ADA, oversized, JoinChallengeRejection::WrongLength(4096)),
        (
            ADA,
            short,
            JoinChallengeRejection::WrongLength(JOIN_CHALLENGE_BYTES - 1),
        ),
        (
            ADA,
            challenge(2, 1),
            JoinChallengeRejection::FutureEpoch {
                epoch: 2,
                current: 1,
            },
        ),
        (CY, challenge(1, 1), JoinChallengeRejection::NotAMember),
    ];
    for (from, challenge, expected) in cases {
        let mut ds = ada_and_bob();
        ds.set_join_challenge(ADA, &present, self::challenge(1, 5))
            .unwrap();
        let before = ds.status();
        assert_eq!(
            ds.set_join_challenge(from, &present, challenge),
            Err(expected)
        );
        assert_eq!(ds.status(), before);
    }
    let mut ds = DeliveryService::new(CAPACITY);
    assert_eq!(
        ds.set_join_challenge(ADA, &present, challenge(0, 1)),
        Err(JoinChallengeRejection::NoGroup)
    );
    assert_eq!(ds.status(), GroupStatus::default());
}

#[test]
fn a_new_group_starts_without_the_old_ones_challenge() {
    let mut ds = ada_and_bob();
    ds.set_join_challenge(ADA, &[ADA, BOB], challenge(1, 1))
        .unwrap();
    assert!(ds.participant_left(&[CY]).len() == 1);
    ds.start_group(CY, &[CY]).unwrap();
    assert_eq!(ds.status().join_challenge, None);
}

#[test]
fn a_counter_commit_needs_most_other_members_disputes() {
    let mut ds = ada_bob_and_cy();
    let present = [ADA, BOB, CY, DEE];
    // Cy's commit (adding Dee) was valid: only Ada says otherwise.
    ds.commit(CY, &present, request(2, &[DEE], &[])).unwrap();
    ds.dispute_commit(ADA, 2).unwrap();
    // Disputes from its sender, or of an epoch not remembered, change nothing; one from
    // someone who was no member before the commit is refused.
    ds.dispute_commit(CY, 2).unwrap();
    ds.dispute_commit(ADA, 99).unwrap();
    assert!(matches!(
        ds.dispute_commit(DEE, 2),
        Err(Error::NotAMember("dispute_commit"))
    ));
    let before = ds.status();
    // Ada's counter: her word alone, of the two members besides Cy, is no majority.
    assert_eq!(
        ds.commit(ADA, &present, expelling(2, &[CY])),
        Err(CommitRejection::CounterCommitUndisputed { current: 3 })
    );
    assert_eq!(ds.status(), before, "nothing changed");
    // With Bob's dispute too, it goes through.
    ds.dispute_commit(BOB, 2).unwrap();
    ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    assert_eq!(ds.status().members, vec![ADA, BOB]);
}

#[test]
fn members_who_left_do_not_count_against_a_counter_commit() {
    let mut ds = ada_bob_and_cy();
    // Bob is gone: Ada is the only member present besides Cy, and her word is enough.
    let present = [ADA, CY];
    ds.commit(CY, &present, request(2, &[], &[])).unwrap();
    ds.commit(ADA, &present, expelling(2, &[CY])).unwrap();
    assert_eq!(ds.group().map(GroupState::epoch), Some(3));
}
