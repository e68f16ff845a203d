//! Who is in the meeting, as the MLS group says: its members in leaf order, read from
//! their credentials, and the room's other participants (never from the server's word
//! alone).

use conclave_protocol::{ParticipantId, ParticipantInfo};
use openmls::prelude::{LeafNode, LeafNodeIndex, MlsGroup};

use super::policy::{policy_of, trust_of, MeetingTrust};
use super::{Knock, MeetingGroup, MeetingPolicy, Verification, WelcomeRefusal};
use crate::credential::{read_info, CredentialInfo};
use crate::Fingerprint;

/// Where we are in the meeting's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipStatus {
    /// Not yet joined the room, or waiting for the group to start.
    Connecting,
    /// Published a KeyPackage, waiting for a member to add us.
    WaitingToBeAdded,
    /// A member of the group, holding its keys.
    Member,
    /// Lost track of the group (missed or bad commit): waiting to be re-added.
    Resyncing,
    /// A chair removed us. Terminal: keys dropped, nothing re-published.
    Removed,
    /// A chair refused our knock. Terminal.
    Denied,
    /// The meeting is locked: nobody new gets in. Terminal.
    LockedOut,
    /// The invite link we hold was replaced by a chair: we need the new one. Terminal.
    LinkReplaced,
    /// The meeting admits only verified members of the organisations it accepts, and we
    /// are not one. Terminal.
    NotVerified,
    /// A chair ended the meeting. Terminal: keys dropped.
    Ended,
}

impl MembershipStatus {
    /// Whether this status is final: the group's keys are gone and we ask for nothing more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            MembershipStatus::Removed
                | MembershipStatus::Denied
                | MembershipStatus::LockedOut
                | MembershipStatus::LinkReplaced
                | MembershipStatus::NotVerified
                | MembershipStatus::Ended
        )
    }
}

/// One member of the MLS group.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Leaf index in the ratchet tree (the SFrame sender index).
    pub leaf_index: u32,
    /// The server participant its credential names, if readable.
    pub participant_id: Option<ParticipantId>,
    /// The name its credential carries ("unknown" if unreadable).
    pub display_name: String,
    /// SHA-256 of its signature key.
    pub fingerprint: Fingerprint,
    /// Whether this member is us.
    pub is_self: bool,
    /// Whether the group's policy names this member a chair.
    pub is_chair: bool,
    /// Whether an organisation the meeting accepts vouches for this member.
    pub verification: Verification,
}

/// Who is in the meeting, as the MLS group says (never from the server's word alone).
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    /// Our membership status.
    pub status: MembershipStatus,
    /// The MLS group's members, in leaf order (empty while we are not a member).
    pub members: Vec<Member>,
    /// Participants in the server's room that no member's credential names (never us).
    pub outsiders: Vec<ParticipantInfo>,
    /// While we are not a member: why we refused the last Welcome addressed to us (its
    /// group could not prove that it is the meeting of our invite link).
    pub refused_welcome: Option<WelcomeRefusal>,
    /// The group's policy (`None` while we are not a member, or if the group has none).
    pub policy: Option<MeetingPolicy>,
    /// Verified requests to be added that wait for a chair (empty unless we are a member).
    pub knocks: Vec<Knock>,
    /// Whose certificates the meeting accepts (`None` while we are not a member, or if the
    /// group's trust cannot be read).
    pub trust: Option<MeetingTrust>,
    /// The names of the organisations the meeting accepts that the server lists now.
    pub accepted_organisations: Vec<String>,
}

impl MeetingGroup {
    /// The current roster: the MLS members in leaf order, and the room's other
    /// participants that no member's credential names.
    pub fn roster(&self) -> Roster {
        let policy = self
            .member_group()
            .and_then(|group| policy_of(group.extensions()));
        let trust = self
            .member_group()
            .and_then(|group| trust_of(group.extensions()));
        let members: Vec<Member> = match self.member_group() {
            Some(group) => {
                let own = group.own_leaf_index();
                group
                    .members()
                    .map(|member| {
                        let info = member_info(group, member.index);
                        let fingerprint = Fingerprint::of_public_key(&member.signature_key);
                        let verification =
                            self.verify_member(group, &member.credential, &member.signature_key);
                        // A verified member is shown by the name its organisation gives.
                        let display_name = match verification.verified() {
                            Some(person) => person.name.clone(),
                            None => info.display_name,
                        };
                        Member {
                            leaf_index: member.index.u32(),
                            participant_id: info.participant_id,
                            display_name,
                            verification,
                            is_chair: policy.as_ref().is_some_and(|p| p.is_chair(&fingerprint)),
                            fingerprint,
                            is_self: member.index == own,
                        }
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let outsiders = self
            .presence
            .values()
            .filter(|p| !members.iter().any(|m| m.participant_id == Some(p.id)))
            .cloned()
            .collect();
        Roster {
            status: self.status,
            members,
            outsiders,
            refused_welcome: self.refused_welcome,
            knocks: if policy.is_some() {
                self.roster_knocks().collect()
            } else {
                Vec::new()
            },
            policy,
            accepted_organisations: trust
                .as_ref()
                .map(|trust| self.accepted_organisations(trust))
                .unwrap_or_default(),
            trust,
        }
    }

    /// The current epoch; `None` while not a member.
    pub fn epoch(&self) -> Option<u64> {
        self.member_group().map(|group| group.epoch().as_u64())
    }

    pub(super) fn member_group(&self) -> Option<&MlsGroup> {
        match self.status {
            MembershipStatus::Member => self.group.as_ref(),
            _ => None,
        }
    }
}

/// What a leaf says of its member (its credential, and for an X.509 credential its leaf
/// extension), read defensively.
pub(super) fn leaf_info(leaf: &LeafNode) -> CredentialInfo {
    read_info(leaf.credential(), leaf.extensions())
}

/// What the member at `index` of `group` says of itself; an unknown member if no leaf.
pub(super) fn member_info(group: &MlsGroup, index: LeafNodeIndex) -> CredentialInfo {
    group
        .public_group()
        .leaf(index)
        .map_or_else(|| CredentialInfo::parse(b""), leaf_info)
}
