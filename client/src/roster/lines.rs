//! The lines the roster is shown as: the roster panel's rows, the chair's knock prompt,
//! the line for someone in the server's room who is not in the encrypted meeting, and the
//! encryption status line. Each is built from the [`GroupView`] and rendered in the
//! page's language.

use std::collections::{HashMap, HashSet};

use conclave_group::{Admission, Fingerprint, Verification};
use conclave_protocol::ParticipantId;

use super::{EncryptionStatus, GroupView, KnockView};
use crate::i18n::{isolate, Arg, Translator};

/// One line of the roster panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRow {
    /// A stable key for rendering (the leaf index).
    pub key: u32,
    /// The credential's name (the roster item's `data-display-name`).
    pub display_name: String,
    /// The short fingerprint.
    pub fingerprint: String,
    /// The full fingerprint, which a chair's action on this member names.
    pub signature_key: Fingerprint,
    /// This key was met in an earlier meeting on this browser.
    pub seen_before: bool,
    /// A chair of the meeting.
    pub is_chair: bool,
    /// This browser.
    pub is_self: bool,
    /// Whether an organisation the meeting accepts vouches for this member.
    pub verification: Verification,
    /// The organisation that verified this key before (earlier, or earlier in this
    /// meeting) while it is not verified now: shown as a warning.
    pub was_verified_by: Option<String>,
}

impl RosterRow {
    /// The name as the roster shows it, [`isolate`]d: with " (you)" for this browser.
    pub fn name(&self, t: Translator) -> String {
        if self.is_self {
            t.with("roster-you", &[("name", Arg::name(&self.display_name))])
        } else {
            isolate(&self.display_name)
        }
    }
}

/// The roster panel's rows. `seen_before` holds the fingerprints (hex) this browser
/// had stored when it joined: keys first met in this meeting are not marked.
/// `verified_before` maps a fingerprint (hex) to the organisation that last verified it.
pub fn roster_rows(
    view: &GroupView,
    seen_before: &HashSet<String>,
    verified_before: &HashMap<String, String>,
) -> Vec<RosterRow> {
    view.members
        .iter()
        .map(|member| RosterRow {
            key: member.leaf_index,
            display_name: member.display_name.clone(),
            fingerprint: member.fingerprint.clone(),
            signature_key: member.signature_key.clone(),
            seen_before: !member.is_self && seen_before.contains(&member.fingerprint_hex),
            is_chair: member.is_chair,
            is_self: member.is_self,
            verification: member.verification.clone(),
            was_verified_by: was_verified_by(
                &member.verification,
                &member.fingerprint_hex,
                verified_before,
            ),
        })
        .collect()
}

/// One knock as the chair's prompt shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnockRow {
    /// Who knocks.
    pub participant_id: ParticipantId,
    /// The name their credential carries.
    pub display_name: String,
    /// The short fingerprint of their key.
    pub fingerprint: String,
    /// This browser met their key before (in an earlier meeting).
    pub seen_before: bool,
    /// Whether an organisation the meeting accepts vouches for the knocker.
    pub verification: Verification,
    /// The organisation that verified this key before while it is not verified now.
    pub was_verified_by: Option<String>,
}

/// The knock prompt's rows, in the order people knocked (`verified_before` as for
/// [`roster_rows`]).
pub fn knock_rows(
    view: &GroupView,
    seen_before: &HashSet<String>,
    verified_before: &HashMap<String, String>,
) -> Vec<KnockRow> {
    view.knocks
        .iter()
        .map(|knock| KnockRow {
            participant_id: knock.participant_id,
            display_name: knock.display_name.clone(),
            fingerprint: knock.fingerprint.clone(),
            seen_before: seen_before.contains(&knock.fingerprint_hex),
            verification: knock.verification.clone(),
            was_verified_by: was_verified_by(
                &knock.verification,
                &knock.fingerprint_hex,
                verified_before,
            ),
        })
        .collect()
}

/// The organisation that verified this key before, if it is not verified now: a key
/// that lost its verification (revoked, expired, another certificate, none) is a
/// warning, not a plain "not verified".
pub fn was_verified_by(
    verification: &Verification,
    fingerprint_hex: &str,
    verified_before: &HashMap<String, String>,
) -> Option<String> {
    if verification.verified().is_some() {
        return None;
    }
    verified_before.get(fingerprint_hex).cloned()
}

/// Adds every member and knocker `view` shows verified to `verified_before`
/// (fingerprint hex → organisation), so a verification lost later in this meeting warns.
pub fn note_verified(view: &GroupView, verified_before: &mut HashMap<String, String>) {
    let members = view
        .members
        .iter()
        .map(|member| (&member.fingerprint_hex, &member.verification));
    let knocks = view
        .knocks
        .iter()
        .map(|knock| (&knock.fingerprint_hex, &knock.verification));
    for (fingerprint, verification) in members.chain(knocks) {
        if let Some(person) = verification.verified() {
            verified_before.insert(fingerprint.clone(), person.organisation.clone());
        }
    }
}

/// The line shown for someone in the server's room who is not in the encrypted meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsiderLine {
    /// The name their knock's credential carries, if they knock (the server knows no
    /// names: anyone else is an unidentified connection).
    pub knocking: Option<String>,
    /// How long they have been there.
    pub here: HowLong,
}

impl OutsiderLine {
    /// The line, in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        let here = self.here.text(t);
        match &self.knocking {
            Some(name) => t.with(
                "roster-outsider-knocking",
                &[("name", Arg::name(name)), ("detail", here.into())],
            ),
            None => t.with("roster-outsider", &[("detail", here.into())]),
        }
    }
}

/// The line for an outsider (`knock`: theirs, if they knock), there since `since_ms` (as
/// this page saw them arrive), at `now_ms`.
pub fn outsider_line(knock: Option<&KnockView>, since_ms: f64, now_ms: f64) -> OutsiderLine {
    OutsiderLine {
        knocking: knock.map(|knock| knock.display_name.clone()),
        here: how_long(now_ms - since_ms),
    }
}

/// How long someone has been there, in the largest whole unit ("for 5 s", "for 3 min",
/// "for 2 h").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HowLong {
    /// Under a minute.
    Seconds(u64),
    /// Under an hour.
    Minutes(u64),
    /// An hour or more.
    Hours(u64),
}

impl HowLong {
    /// The words, in `t`'s language.
    pub fn text(self, t: Translator) -> String {
        let (id, count) = match self {
            HowLong::Seconds(count) => ("roster-for-seconds", count),
            HowLong::Minutes(count) => ("roster-for-minutes", count),
            HowLong::Hours(count) => ("roster-for-hours", count),
        };
        // Counts of hours fit a u32 for millions of years.
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        t.with(id, &[("count", count.into())])
    }
}

/// How long `elapsed_ms` is, as the roster says it.
pub fn how_long(elapsed_ms: f64) -> HowLong {
    let seconds = (elapsed_ms.max(0.0) / 1_000.0).floor() as u64;
    match seconds {
        0..=59 => HowLong::Seconds(seconds),
        60..=3_599 => HowLong::Minutes(seconds / 60),
        _ => HowLong::Hours(seconds / 3_600),
    }
}

/// After how long waiting to be added suggests the invite link may be wrong, in ms.
pub const WAITING_HINT_AFTER_MS: f64 = 10_000.0;

/// The encryption status line: a sentence, and sometimes a hint after it, as catalogue
/// ids (render them with [`StatusLine::text`] and [`StatusLine::hint`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusLine {
    /// The catalogue id of what is happening.
    pub text: &'static str,
    /// The catalogue id of what it may mean, if it lasts.
    pub hint: Option<&'static str>,
}

impl StatusLine {
    /// What is happening, in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        t.get(self.text)
    }

    /// What it may mean, in `t`'s language.
    pub fn hint(&self, t: Translator) -> Option<String> {
        self.hint.map(|hint| t.get(hint))
    }
}

/// The status line for `status` (`None`: the group is not running yet), which began at
/// `since_ms`, seen at `now_ms`, in a meeting whose link says `admission` (a joiner cannot
/// read the policy before it is in).
pub fn status_line(
    status: Option<EncryptionStatus>,
    admission: Admission,
    since_ms: f64,
    now_ms: f64,
) -> StatusLine {
    match status {
        None | Some(EncryptionStatus::Connecting) => StatusLine {
            text: "encryption-status-joining",
            hint: None,
        },
        // A chair may take a while: no hint that the link is wrong.
        Some(EncryptionStatus::WaitingToBeAdded) if admission == Admission::ChairAdmits => {
            StatusLine {
                text: "encryption-status-waiting-for-chair",
                hint: None,
            }
        }
        Some(EncryptionStatus::Closed(closed)) => StatusLine {
            text: closed.message_id(),
            hint: None,
        },
        Some(EncryptionStatus::WaitingToBeAdded) => StatusLine {
            text: "encryption-status-waiting-to-be-added",
            hint: (now_ms - since_ms >= WAITING_HINT_AFTER_MS)
                .then_some("encryption-status-link-may-be-wrong"),
        },
        Some(EncryptionStatus::Resyncing) => StatusLine {
            text: "encryption-status-resyncing",
            hint: None,
        },
        // The banner above already says "End-to-end encrypted"; this says who holds the keys.
        Some(EncryptionStatus::Member) => StatusLine {
            text: "encryption-status-member",
            hint: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{as_read, message_ids, Language};
    use crate::roster::tests::{knock, member, view};
    use crate::roster::MeetingClosed;
    use conclave_group::{MembershipStatus, Roster};

    /// The English words, which the end-to-end tests find the page by.
    fn english() -> Translator {
        Translator::new(Language::English)
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
        let rows = roster_rows(&view, &seen, &HashMap::new());
        let summary: Vec<_> = rows
            .iter()
            .map(|row| (as_read(&row.name(english())), row.seen_before))
            .collect();
        assert_eq!(
            summary,
            [
                ("Ada (you)".to_owned(), false),
                ("Grace".to_owned(), true),
                ("Alan".to_owned(), false)
            ]
        );
        let names: Vec<_> = rows.iter().map(|row| row.display_name.as_str()).collect();
        assert_eq!(names, ["Ada", "Grace", "Alan"], "without the (you) mark");
        assert_eq!(rows[2].fingerprint, view.members[2].fingerprint);
    }

    fn verified_by(organisation: &str, name: &str) -> Verification {
        Verification::Verified(conclave_group::verified_identity::VerifiedPerson {
            organisation: organisation.to_owned(),
            name: name.to_owned(),
            role: None,
            email: None,
            anchor: conclave_group::verified_identity::AnchorPin::from_bytes([1; 32]),
            serial_hex: "01".to_owned(),
            not_after_unix_secs: 1_900_000_000,
        })
    }

    #[test]
    fn a_key_verified_before_and_not_now_warns_with_its_organisation() {
        use conclave_group::verified_identity::ChainRefusal;
        let mut members = vec![
            member(0, 1, "Ada", true),
            member(1, 2, "Grace", false),
            member(2, 3, "Alan", false),
            member(3, 4, "Barbara", false),
            member(4, 5, "Edsger", false),
        ];
        // Grace: revoked now. Alan: no certificate now. Barbara: still verified.
        // Edsger: never verified here.
        members[1].verification = Verification::Refused(ChainRefusal::Revoked);
        members[3].verification = verified_by("Example Ministry", "Barbara");
        let view = view(MembershipStatus::Member, members);
        let before: HashMap<String, String> = ["Grace", "Alan", "Barbara"]
            .iter()
            .map(|name| {
                (
                    Fingerprint::of_public_key(name.as_bytes()).to_hex(),
                    "Example Ministry".to_owned(),
                )
            })
            .collect();
        let rows = roster_rows(&view, &HashSet::new(), &before);
        let warned: Vec<_> = rows
            .iter()
            .map(|row| (row.display_name.as_str(), row.was_verified_by.as_deref()))
            .collect();
        assert_eq!(
            warned,
            [
                ("Ada", None),
                ("Grace", Some("Example Ministry")),
                ("Alan", Some("Example Ministry")),
                ("Barbara", None),
                ("Edsger", None),
            ]
        );
        assert!(
            roster_rows(&view, &HashSet::new(), &HashMap::new())
                .iter()
                .all(|row| row.was_verified_by.is_none()),
            "nothing verified before: no warning"
        );
        assert_eq!(
            as_read(&english().with(
                "roster-was-verified",
                &[("organisation", Arg::name("Example Ministry"))]
            )),
            "Warning: this key was verified by Example Ministry before (in this meeting or an earlier one), and is not verified now."
        );
    }

    #[test]
    fn a_verification_lost_during_the_meeting_warns_on_members_and_knocks() {
        let mut verified = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 2, "Grace", false)],
        );
        verified.members[1].verification = verified_by("Example Ministry", "Grace");
        let mut knocker = knock(7, "Alan");
        knocker.verification = verified_by("Other Office", "Alan");
        verified.knocks = GroupView::new(
            Roster {
                status: MembershipStatus::Member,
                members: vec![],
                outsiders: vec![],
                refused_welcome: None,
                policy: None,
                knocks: vec![knocker, knock(8, "Mallory")],
                trust: None,
                accepted_organisations: vec![],
            },
            None,
        )
        .knocks;
        let mut seen_verified = HashMap::new();
        note_verified(&verified, &mut seen_verified);
        assert_eq!(
            seen_verified.len(),
            2,
            "Grace and Alan, not Ada nor Mallory"
        );
        assert!(roster_rows(&verified, &HashSet::new(), &seen_verified)
            .iter()
            .all(|row| row.was_verified_by.is_none()));

        // The same keys a moment later, revoked: both warn.
        let mut revoked = verified.clone();
        revoked.members[1].verification = Verification::NotVerified;
        for knock in &mut revoked.knocks {
            knock.verification = Verification::NotVerified;
        }
        note_verified(&revoked, &mut seen_verified);
        let rows = roster_rows(&revoked, &HashSet::new(), &seen_verified);
        assert_eq!(rows[1].was_verified_by.as_deref(), Some("Example Ministry"));
        let knocks = knock_rows(&revoked, &HashSet::new(), &seen_verified);
        let warned: Vec<_> = knocks
            .iter()
            .map(|row| row.was_verified_by.as_deref())
            .collect();
        assert_eq!(warned, [Some("Other Office"), None]);
    }

    #[test]
    fn outsiders_are_unidentified_unless_they_knock() {
        assert_eq!(
            outsider_line(None, 1_000.0, 66_000.0).text(english()),
            "Unidentified connection (for 1 min) - not in the encrypted meeting - cannot see or hear you"
        );
        let view = view(MembershipStatus::Member, vec![member(0, 1, "Ada", true)]);
        let mut view = view;
        view.knocks = GroupView::new(
            Roster {
                status: MembershipStatus::Member,
                members: vec![],
                outsiders: vec![],
                refused_welcome: None,
                policy: None,
                knocks: vec![knock(9, "Mallory")],
                trust: None,
                accepted_organisations: vec![],
            },
            None,
        )
        .knocks;
        assert_eq!(
            as_read(&outsider_line(view.knock_of(ParticipantId(9)), 0.0, 4_500.0).text(english())),
            "Mallory (asking to join, for 4 s) - not in the encrypted meeting - cannot see or hear you"
        );
        assert!(view.knock_of(ParticipantId(1)).is_none());
    }

    #[test]
    fn how_long_counts_seconds_minutes_then_hours() {
        let said = |elapsed_ms: f64| how_long(elapsed_ms).text(english());
        assert_eq!(said(-5.0), "for 0 s");
        assert_eq!(said(59_999.0), "for 59 s");
        assert_eq!(said(60_000.0), "for 1 min");
        assert_eq!(said(3_599_999.0), "for 59 min");
        assert_eq!(said(7_200_000.0), "for 2 h");
    }

    #[test]
    fn knocks_show_their_credential_and_whether_their_key_was_met() {
        let roster = Roster {
            status: MembershipStatus::Member,
            members: vec![member(0, 1, "Ada", true)],
            outsiders: vec![],
            refused_welcome: None,
            policy: None,
            knocks: vec![knock(7, "Grace"), knock(8, "Mallory")],
            trust: None,
            accepted_organisations: vec![],
        };
        let view = GroupView::new(roster, None);
        assert!(view.we_are_chair(), "leaf 0 is the chair in these tests");
        let seen: HashSet<String> = [Fingerprint::of_public_key(b"Grace").to_hex()]
            .into_iter()
            .collect();
        let rows = knock_rows(&view, &seen, &HashMap::new());
        let summary: Vec<_> = rows
            .iter()
            .map(|row| {
                (
                    row.participant_id,
                    row.display_name.as_str(),
                    row.seen_before,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (ParticipantId(7), "Grace", true),
                (ParticipantId(8), "Mallory", false)
            ]
        );
        assert_eq!(
            rows[1].fingerprint,
            Fingerprint::of_public_key(b"Mallory").to_string()
        );
    }

    #[test]
    fn terminal_statuses_close_the_meeting_with_their_words() {
        for (status, text) in [
            (
                MembershipStatus::Removed,
                "A chair removed you from the meeting",
            ),
            (MembershipStatus::Denied, "The chair did not let you in"),
            (MembershipStatus::LockedOut, "This meeting is locked"),
            (
                MembershipStatus::LinkReplaced,
                "This invite link was replaced",
            ),
            (MembershipStatus::Ended, "The chair ended the meeting"),
        ] {
            let status = EncryptionStatus::from(status);
            assert!(matches!(status, EncryptionStatus::Closed(_)));
            assert_eq!(
                status_line(Some(status), Admission::ChairAdmits, 0.0, 0.0).text(english()),
                text
            );
        }
    }

    #[test]
    fn the_status_line_follows_the_membership() {
        let open = Admission::AnyoneWithLink;
        assert_eq!(
            status_line(None, open, 0.0, 0.0).text(english()),
            "Joining the encrypted meeting…"
        );
        let waiting = Some(EncryptionStatus::WaitingToBeAdded);
        assert_eq!(status_line(waiting, open, 1_000.0, 10_999.0).hint, None);
        assert_eq!(
            status_line(waiting, open, 1_000.0, 11_000.0)
                .hint(english())
                .as_deref(),
            Some("If this lasts, your invite link may be wrong.")
        );
        let knocking = status_line(waiting, Admission::ChairAdmits, 1_000.0, 60_000.0);
        assert_eq!(
            knocking.text(english()),
            "Waiting for the chair to let you in"
        );
        assert_eq!(knocking.hint, None, "a chair may take a while");
        assert_eq!(
            status_line(Some(EncryptionStatus::Resyncing), open, 0.0, 0.0).text(english()),
            "Re-syncing keys…"
        );
        assert_eq!(
            status_line(Some(EncryptionStatus::Member), open, 0.0, 0.0).text(english()),
            "Keys agreed: only the people listed under Participants can see and hear this meeting."
        );
    }

    #[test]
    fn every_status_and_reason_names_a_message_of_the_catalogue() {
        let known = message_ids(Language::English);
        let statuses = [
            None,
            Some(EncryptionStatus::Connecting),
            Some(EncryptionStatus::WaitingToBeAdded),
            Some(EncryptionStatus::Member),
            Some(EncryptionStatus::Resyncing),
        ]
        .into_iter()
        .chain(MeetingClosed::ALL.map(|closed| Some(EncryptionStatus::Closed(closed))));
        let mut ids = vec![];
        for status in statuses {
            for admission in [Admission::ChairAdmits, Admission::AnyoneWithLink] {
                let line = status_line(status, admission, 0.0, WAITING_HINT_AFTER_MS);
                ids.extend([Some(line.text), line.hint].into_iter().flatten());
            }
        }
        ids.extend(MeetingClosed::ALL.map(MeetingClosed::message_id));
        for id in ids {
            assert!(known.iter().any(|known| known == id), "{id}");
        }
    }
}
