//! The meeting's roster as the page holds it: the MLS group's members (never the
//! server's word alone, docs/ARCHITECTURE.md "Keys by MLS") with their roles, the
//! people knocking (for chairs to admit or deny), the people in the server's room who are
//! not in the encrypted meeting (the server knows no names: "unidentified connection"),
//! the meeting's policy, and where this browser stands in the group. The lines they are
//! shown as are in [`lines`].
//!
//! Pure: [`GroupView`] is a plain copy of what `conclave-group` reports, so the reducer
//! can hold it and tests can build it.

pub mod lines;

use conclave_group::{
    Admission, Fingerprint, MembershipStatus, Roster, SecurityCode, Verification,
};
use conclave_protocol::{ParticipantId, ParticipantInfo};

use crate::security_code::SecurityCodeView;

/// Where this browser stands in the meeting's MLS group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptionStatus {
    /// Not yet joined the room, or waiting for the group to start.
    Connecting,
    /// Asked to be added; no member has added us yet.
    WaitingToBeAdded,
    /// A member, holding the current epoch's keys.
    Member,
    /// Lost track of the group; waiting to be re-added.
    Resyncing,
    /// Out for good: the group dropped our keys and the meeting page ends.
    Closed(MeetingClosed),
}

/// Why the meeting is over for this browser (a terminal membership status, or the
/// server's word that it removed us or ended the meeting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingClosed {
    /// A chair removed us.
    Removed,
    /// A chair refused our knock.
    Denied,
    /// The meeting is locked: nobody new is let in.
    LockedOut,
    /// A chair replaced the invite link we hold: we need the new one.
    LinkReplaced,
    /// The meeting admits only members an organisation it accepts vouches for, and we are
    /// not one (every member refuses our knock).
    NotVerified,
    /// A chair ended the meeting for everyone.
    Ended,
    /// The server closed our connection saying we were removed (close code or a commit's
    /// `expelled`), but our group did not show a chair removing us: the server's word, or a
    /// rogue member's, so the page does not blame a chair.
    ServerRemoved,
    /// The server closed the meeting, but our group did not show a chair ending it (or we
    /// were not a member yet and could not see it).
    ServerEnded,
}

impl MeetingClosed {
    /// Every reason, for tests.
    #[cfg(test)]
    pub const ALL: [MeetingClosed; 8] = [
        MeetingClosed::Removed,
        MeetingClosed::Denied,
        MeetingClosed::LockedOut,
        MeetingClosed::LinkReplaced,
        MeetingClosed::NotVerified,
        MeetingClosed::Ended,
        MeetingClosed::ServerRemoved,
        MeetingClosed::ServerEnded,
    ];

    /// The catalogue id of what the page says.
    pub fn message_id(self) -> &'static str {
        match self {
            MeetingClosed::Removed => "closed-removed",
            MeetingClosed::Denied => "closed-denied",
            MeetingClosed::LockedOut => "closed-locked-out",
            MeetingClosed::LinkReplaced => "closed-link-replaced",
            MeetingClosed::NotVerified => "closed-not-verified",
            MeetingClosed::Ended => "closed-ended",
            MeetingClosed::ServerRemoved => "closed-server-removed",
            MeetingClosed::ServerEnded => "closed-server-ended",
        }
    }
}

impl From<MembershipStatus> for EncryptionStatus {
    fn from(status: MembershipStatus) -> Self {
        match status {
            MembershipStatus::Connecting => EncryptionStatus::Connecting,
            MembershipStatus::WaitingToBeAdded => EncryptionStatus::WaitingToBeAdded,
            MembershipStatus::Member => EncryptionStatus::Member,
            MembershipStatus::Resyncing => EncryptionStatus::Resyncing,
            MembershipStatus::Removed => EncryptionStatus::Closed(MeetingClosed::Removed),
            MembershipStatus::Denied => EncryptionStatus::Closed(MeetingClosed::Denied),
            MembershipStatus::LockedOut => EncryptionStatus::Closed(MeetingClosed::LockedOut),
            MembershipStatus::LinkReplaced => EncryptionStatus::Closed(MeetingClosed::LinkReplaced),
            MembershipStatus::NotVerified => EncryptionStatus::Closed(MeetingClosed::NotVerified),
            MembershipStatus::Ended => EncryptionStatus::Closed(MeetingClosed::Ended),
        }
    }
}

/// One member of the MLS group, as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterMember {
    /// Leaf index in the ratchet tree (stable while the member stays).
    pub leaf_index: u32,
    /// The server participant its credential names, if readable.
    pub participant_id: Option<ParticipantId>,
    /// The name its MLS credential carries.
    pub display_name: String,
    /// The short fingerprint people compare (`ab12 cd34 ef56 7890`).
    pub fingerprint: String,
    /// The full fingerprint in hex, the key of the `seen_keys` store.
    pub fingerprint_hex: String,
    /// The full fingerprint, which names the member to a chair's action (its leaf may be
    /// someone else's by the time the action is committed).
    pub signature_key: Fingerprint,
    /// Whether this member is this browser.
    pub is_self: bool,
    /// Whether the meeting's policy names this member a chair.
    pub is_chair: bool,
    /// Whether an organisation the meeting accepts vouches for this member.
    pub verification: Verification,
}

/// Someone with the link asking to be let in, as their KeyPackage's credential says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnockView {
    /// Their connection on the server.
    pub participant_id: ParticipantId,
    /// The name their credential carries (self-chosen).
    pub display_name: String,
    /// The short fingerprint of their key.
    pub fingerprint: String,
    /// The full fingerprint in hex, the key of the `seen_keys` store.
    pub fingerprint_hex: String,
    /// Whether an organisation the meeting accepts vouches for the knocker.
    pub verification: Verification,
}

/// Whose certificates the meeting accepts, as its group state says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustView {
    /// Only verified members may be added.
    pub verified_only: bool,
    /// The accepted organisations the server lists now, by name.
    pub organisations: Vec<String>,
}

/// The meeting's policy, as the group state says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyView {
    /// Who may join.
    pub admission: Admission,
    /// Nobody new is let in.
    pub locked: bool,
}

/// What the MLS group says right now: status, members, outsiders, security code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    /// Our membership status.
    pub status: EncryptionStatus,
    /// The group's members, in leaf order.
    pub members: Vec<RosterMember>,
    /// Participants in the server's room who are not in the group.
    pub outsiders: Vec<ParticipantInfo>,
    /// The current epoch's security code, while a member.
    pub security_code: Option<SecurityCodeView>,
    /// A Welcome addressed to us came from a group that could not prove it is the meeting
    /// of our invite link (`conclave_group::WelcomeRefusal`): we stay out of it and send
    /// nothing. Cleared once a proven group adds us.
    pub unproven_meeting: bool,
    /// The meeting's policy, while a member.
    pub policy: Option<PolicyView>,
    /// People knocking, in the order they came.
    pub knocks: Vec<KnockView>,
    /// Whose certificates the meeting accepts, while a member.
    pub trust: Option<TrustView>,
}

impl GroupView {
    /// A plain copy of the group's roster and security code.
    pub fn new(roster: Roster, security_code: Option<SecurityCode>) -> Self {
        Self {
            status: roster.status.into(),
            members: roster
                .members
                .into_iter()
                .map(|member| RosterMember {
                    leaf_index: member.leaf_index,
                    participant_id: member.participant_id,
                    display_name: member.display_name,
                    fingerprint: member.fingerprint.to_string(),
                    fingerprint_hex: member.fingerprint.to_hex(),
                    signature_key: member.fingerprint.clone(),
                    is_self: member.is_self,
                    is_chair: member.is_chair,
                    verification: member.verification,
                })
                .collect(),
            outsiders: roster.outsiders,
            security_code: security_code.as_ref().map(SecurityCodeView::from),
            unproven_meeting: roster.refused_welcome.is_some(),
            policy: roster.policy.map(|policy| PolicyView {
                admission: policy.admission,
                locked: policy.locked,
            }),
            knocks: roster
                .knocks
                .into_iter()
                .map(|knock| KnockView {
                    participant_id: knock.participant_id,
                    display_name: knock.display_name,
                    fingerprint: knock.fingerprint.to_string(),
                    fingerprint_hex: knock.fingerprint.to_hex(),
                    verification: knock.verification,
                })
                .collect(),
            trust: roster.trust.map(|trust| TrustView {
                verified_only: trust.verified_only,
                organisations: roster.accepted_organisations,
            }),
        }
    }

    /// Whether this browser is a member the policy names a chair.
    pub fn we_are_chair(&self) -> bool {
        self.status == EncryptionStatus::Member
            && self
                .members
                .iter()
                .any(|member| member.is_self && member.is_chair)
    }

    /// The knock from `participant`, if they knock.
    pub fn knock_of(&self, participant: ParticipantId) -> Option<&KnockView> {
        self.knocks
            .iter()
            .find(|knock| knock.participant_id == participant)
    }

    /// Whether `participant` is a member of the group (and not this browser).
    pub fn is_remote_member(&self, participant: ParticipantId) -> bool {
        self.remote_members()
            .any(|member| member.participant_id == Some(participant))
    }

    /// The members other than this browser.
    pub fn remote_members(&self) -> impl Iterator<Item = &RosterMember> {
        self.members.iter().filter(|member| !member.is_self)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use conclave_group::{Fingerprint, Member};

    /// A member whose fingerprint is derived from `name` (tests only).
    pub(crate) fn member(leaf: u32, participant: u64, name: &str, is_self: bool) -> Member {
        Member {
            leaf_index: leaf,
            participant_id: Some(ParticipantId(participant)),
            display_name: name.to_owned(),
            fingerprint: Fingerprint::of_public_key(name.as_bytes()),
            is_self,
            is_chair: leaf == 0,
            verification: conclave_group::Verification::NotVerified,
        }
    }

    /// A knock by `name` from `participant` (tests only).
    pub(crate) fn knock(participant: u64, name: &str) -> conclave_group::Knock {
        conclave_group::Knock {
            participant_id: ParticipantId(participant),
            display_name: name.to_owned(),
            fingerprint: Fingerprint::of_public_key(name.as_bytes()),
            verification: conclave_group::Verification::NotVerified,
        }
    }

    /// A member's group view (tests only).
    pub(crate) fn view(status: MembershipStatus, members: Vec<Member>) -> GroupView {
        GroupView::new(
            Roster {
                status,
                members,
                outsiders: vec![ParticipantInfo {
                    id: ParticipantId(9),
                }],
                refused_welcome: None,
                policy: None,
                knocks: vec![],
                trust: None,
                accepted_organisations: vec![],
            },
            None,
        )
    }

    #[test]
    fn a_refused_welcome_makes_the_meeting_unproven() {
        assert!(!view(MembershipStatus::WaitingToBeAdded, vec![]).unproven_meeting);
        let refused = GroupView::new(
            Roster {
                status: MembershipStatus::WaitingToBeAdded,
                members: vec![],
                outsiders: vec![],
                refused_welcome: Some(conclave_group::WelcomeRefusal::WithoutInviteSecret),
                policy: None,
                knocks: vec![],
                trust: None,
                accepted_organisations: vec![],
            },
            None,
        );
        assert!(refused.unproven_meeting);
        assert_eq!(refused.status, EncryptionStatus::WaitingToBeAdded);
    }

    #[test]
    fn the_view_copies_names_and_both_fingerprint_forms() {
        let view = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 2, "Grace", false)],
        );
        assert_eq!(view.status, EncryptionStatus::Member);
        let grace = &view.members[1];
        let fingerprint = Fingerprint::of_public_key(b"Grace");
        assert_eq!(grace.fingerprint, fingerprint.to_string());
        assert_eq!(grace.fingerprint_hex, fingerprint.to_hex());
        assert!(view.is_remote_member(ParticipantId(2)));
        assert!(!view.is_remote_member(ParticipantId(1)), "not ourselves");
        assert!(!view.is_remote_member(ParticipantId(9)), "not an outsider");
    }

    #[test]
    fn only_a_member_named_chair_is_one() {
        let mut view = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", false), member(1, 2, "Grace", true)],
        );
        assert!(!view.we_are_chair(), "Grace is not leaf 0");
        view.members[1].is_chair = true;
        assert!(view.we_are_chair());
        view.status = EncryptionStatus::Closed(MeetingClosed::Removed);
        assert!(!view.we_are_chair(), "a removed chair acts no more");
    }
}
