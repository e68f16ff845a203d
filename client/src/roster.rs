//! The meeting's roster as the page shows it: the MLS group's members (never the
//! server's word alone, docs/ARCHITECTURE.md "Keys by MLS"), the people in the server's
//! room who are not in the encrypted meeting, and the encryption status line.
//!
//! Pure: [`GroupView`] is a plain copy of what `conclave-group` reports, so the reducer
//! can hold it and tests can build it.

use std::collections::HashSet;

use conclave_group::{MembershipStatus, Roster, SecurityCode};
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
}

impl From<MembershipStatus> for EncryptionStatus {
    fn from(status: MembershipStatus) -> Self {
        match status {
            MembershipStatus::Connecting => EncryptionStatus::Connecting,
            MembershipStatus::WaitingToBeAdded => EncryptionStatus::WaitingToBeAdded,
            MembershipStatus::Member => EncryptionStatus::Member,
            MembershipStatus::Resyncing => EncryptionStatus::Resyncing,
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
    /// Whether this member is this browser.
    pub is_self: bool,
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
                    is_self: member.is_self,
                })
                .collect(),
            outsiders: roster.outsiders,
            security_code: security_code.as_ref().map(SecurityCodeView::from),
            unproven_meeting: roster.refused_welcome.is_some(),
        }
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

/// One line of the roster panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRow {
    /// A stable key for rendering (the leaf index).
    pub key: u32,
    /// The credential's name, with " (you)" for this browser.
    pub name: String,
    /// The credential's name alone (the roster item's `data-display-name`).
    pub display_name: String,
    /// The short fingerprint.
    pub fingerprint: String,
    /// This key was met in an earlier meeting on this browser.
    pub seen_before: bool,
}

/// The roster panel's rows. `seen_before` holds the fingerprints (hex) this browser
/// had stored when it joined: keys first met in this meeting are not marked.
pub fn roster_rows(view: &GroupView, seen_before: &HashSet<String>) -> Vec<RosterRow> {
    view.members
        .iter()
        .map(|member| RosterRow {
            key: member.leaf_index,
            name: if member.is_self {
                format!("{} (you)", member.display_name)
            } else {
                member.display_name.clone()
            },
            display_name: member.display_name.clone(),
            fingerprint: member.fingerprint.clone(),
            seen_before: !member.is_self && seen_before.contains(&member.fingerprint_hex),
        })
        .collect()
}

/// The line shown for someone in the server's room who is not in the encrypted meeting
/// (the server knows no names).
pub fn outsider_line(_outsider: &ParticipantInfo) -> String {
    "Unidentified connection - not in the encrypted meeting - cannot see or hear you".to_owned()
}

/// After how long waiting to be added suggests the invite link may be wrong, in ms.
pub const WAITING_HINT_AFTER_MS: f64 = 10_000.0;

/// The encryption status line: a sentence, and sometimes a hint after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusLine {
    /// What is happening.
    pub text: &'static str,
    /// What it may mean, if it lasts.
    pub hint: Option<&'static str>,
}

/// The status line for `status` (`None`: the group is not running yet), which began at
/// `since_ms`, seen at `now_ms`.
pub fn status_line(status: Option<EncryptionStatus>, since_ms: f64, now_ms: f64) -> StatusLine {
    match status {
        None | Some(EncryptionStatus::Connecting) => StatusLine {
            text: "Joining the encrypted meeting…",
            hint: None,
        },
        Some(EncryptionStatus::WaitingToBeAdded) => StatusLine {
            text: "Waiting to be added by a member…",
            hint: (now_ms - since_ms >= WAITING_HINT_AFTER_MS)
                .then_some("If this lasts, your invite link may be wrong."),
        },
        Some(EncryptionStatus::Resyncing) => StatusLine {
            text: "Re-syncing keys…",
            hint: None,
        },
        // The banner above already says "End-to-end encrypted"; this says who holds the keys.
        Some(EncryptionStatus::Member) => StatusLine {
            text: "Keys agreed: only the people listed under Participants can see and hear this meeting.",
            hint: None,
        },
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
    fn only_others_met_in_an_earlier_meeting_are_seen_before() {
        let view = view(
            MembershipStatus::Member,
            vec![
                member(0, 1, "Ada", true),
                member(1, 2, "Grace", false),
                member(2, 3, "Alan", false),
            ],
        );
        let seen: HashSet<String> = [&view.members[0], &view.members[1]]
            .iter()
            .map(|m| m.fingerprint_hex.clone())
            .collect();
        let rows = roster_rows(&view, &seen);
        let summary: Vec<_> = rows
            .iter()
            .map(|row| (row.name.as_str(), row.seen_before))
            .collect();
        assert_eq!(
            summary,
            [("Ada (you)", false), ("Grace", true), ("Alan", false)]
        );
        let names: Vec<_> = rows.iter().map(|row| row.display_name.as_str()).collect();
        assert_eq!(names, ["Ada", "Grace", "Alan"], "without the (you) mark");
        assert_eq!(rows[2].fingerprint, view.members[2].fingerprint);
    }

    #[test]
    fn outsiders_are_told_apart_in_words() {
        let mallory = ParticipantInfo {
            id: ParticipantId(9),
        };
        assert_eq!(
            outsider_line(&mallory),
            "Unidentified connection - not in the encrypted meeting - cannot see or hear you"
        );
    }

    #[test]
    fn the_status_line_follows_the_membership() {
        assert_eq!(
            status_line(None, 0.0, 0.0).text,
            "Joining the encrypted meeting…"
        );
        let waiting = Some(EncryptionStatus::WaitingToBeAdded);
        assert_eq!(status_line(waiting, 1_000.0, 10_999.0).hint, None);
        assert_eq!(
            status_line(waiting, 1_000.0, 11_000.0).hint,
            Some("If this lasts, your invite link may be wrong.")
        );
        assert_eq!(
            status_line(Some(EncryptionStatus::Resyncing), 0.0, 0.0).text,
            "Re-syncing keys…"
        );
        assert_eq!(
            status_line(Some(EncryptionStatus::Member), 0.0, 0.0).text,
            "Keys agreed: only the people listed under Participants can see and hear this meeting."
        );
    }
}
