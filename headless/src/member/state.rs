//! A headless member's state without IO: the meeting's [`MeetingGroup`] (the very state
//! machine the page runs), fed every server message and a tick, and what a member without
//! media makes of its events: the messages to send and the [`MemberReport`]s to print.
//!
//! The page carries out the group's events in `client/src/services/key_agreement.rs`;
//! here the same events are carried out without a transport: `Send` goes to the server,
//! an epoch's base key is only noted (no frames to protect), meeting messages are counted.

use conclave_group::{GroupEvent, Identity, MeetingConfig, MeetingGroup, MembershipStatus};
use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage};
use serde::Serialize;

/// Something a headless member saw or did, printed as one JSON line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MemberReport {
    /// The server let us into the room (not a member of the group yet).
    Connected {
        /// Our participant id.
        participant: u64,
        /// Milliseconds from the start of the join to `joined`.
        elapsed_ms: u64,
    },
    /// We became a member of the group (a Welcome, or we started it).
    Joined {
        /// Our participant id.
        participant: u64,
        /// The epoch we entered.
        epoch: u64,
        /// Members in our roster.
        members: usize,
        /// The members' participant ids, in leaf order.
        roster: Vec<u64>,
        /// The epoch's security code, as people compare it.
        security_code: String,
        /// Milliseconds from the start of the join.
        elapsed_ms: u64,
    },
    /// We moved to a new epoch as a member.
    Epoch {
        /// The new epoch.
        epoch: u64,
        /// Members in our roster.
        members: usize,
        /// The members' participant ids, in leaf order.
        roster: Vec<u64>,
        /// The epoch's security code, as people compare it.
        security_code: String,
        /// Milliseconds from the start of the join.
        elapsed_ms: u64,
    },
    /// The server relayed a commit to us.
    CommitSeen {
        /// Who committed.
        from: u64,
        /// The epoch it was made in.
        epoch: u64,
        /// Size of the MLS message carrying it.
        bytes: usize,
        /// How many participants it adds.
        added: usize,
        /// How many members it removes.
        removed: usize,
    },
    /// We sent a commit (and the Welcome for the members it adds, if any).
    CommitSent {
        /// The epoch it was made in.
        epoch: u64,
        /// Size of the MLS message carrying it.
        bytes: usize,
        /// Size of its Welcome, if it adds members.
        welcome_bytes: Option<usize>,
        /// How many members it adds.
        added: usize,
    },
    /// The server relayed a Welcome to us.
    WelcomeSeen {
        /// The epoch it brings us into.
        epoch: u64,
        /// Size of the MLS Welcome.
        bytes: usize,
    },
    /// We asked to be added: a fresh KeyPackage with its invite proof.
    KeyPackagePublished {
        /// Milliseconds from the start of the join.
        elapsed_ms: u64,
    },
    /// The server refused something we sent (its `error` message).
    ServerRefused {
        /// The error's code, as the protocol names it.
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// We lost track of the group and asked to be added again.
    Resynced {
        /// Why, as the group tells it.
        reason: String,
    },
    /// The meeting ended for us (removed, denied, ended...): we stop.
    Ended {
        /// The membership status that ended it.
        status: String,
    },
    /// We left on command.
    Left {
        /// Our last epoch, if we were a member.
        epoch: Option<u64>,
        /// Milliseconds from the start of the join.
        elapsed_ms: u64,
    },
    /// The connection failed or the server closed it.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// What the edge must do after one step of a member.
#[derive(Default)]
pub struct MemberStep {
    /// Messages for the server, in order.
    pub send: Vec<ClientMessage>,
    /// What to report, in order.
    pub reports: Vec<MemberReport>,
    /// The meeting is over for this member: stop.
    pub finished: bool,
}

/// One headless member's group and what it reported so far. No `Debug` (keys).
pub struct MemberState {
    group: MeetingGroup,
    /// When the join started, on the caller's clock.
    started_at_ms: u64,
    you: Option<ParticipantId>,
    /// The last epoch we reported as a member.
    reported_epoch: Option<u64>,
    finished: bool,
}

impl MemberState {
    /// A member about to join, with a fresh identity, at `now_ms` on the caller's clock.
    pub fn new(identity: Identity, config: MeetingConfig, now_ms: u64) -> Self {
        Self {
            group: MeetingGroup::new(identity, config),
            started_at_ms: now_ms,
            you: None,
            reported_epoch: None,
            finished: false,
        }
    }

    /// The first message to send: `join` of this protocol version, as the page sends it.
    pub fn join_message() -> ClientMessage {
        ClientMessage::join()
    }

    /// Our participant id, once joined.
    pub fn you(&self) -> Option<ParticipantId> {
        self.you
    }

    /// Our epoch, if a member.
    pub fn epoch(&self) -> Option<u64> {
        self.group.epoch()
    }

    /// The group (for its roster and security code).
    pub fn group(&self) -> &MeetingGroup {
        &self.group
    }

    /// Feeds one server message (every one, in order).
    pub fn handle_server_message(&mut self, now_ms: u64, message: &ServerMessage) -> MemberStep {
        let mut step = MemberStep::default();
        match message {
            ServerMessage::Joined { you, .. } => {
                self.you = Some(*you);
                step.reports.push(MemberReport::Connected {
                    participant: you.0,
                    elapsed_ms: self.elapsed(now_ms),
                });
            }
            ServerMessage::Commit {
                from,
                epoch,
                commit,
                added,
                removed,
                ..
            } => step.reports.push(MemberReport::CommitSeen {
                from: from.0,
                epoch: *epoch,
                bytes: commit.0.len(),
                added: added.len(),
                removed: removed.len(),
            }),
            ServerMessage::Welcome { epoch, welcome, .. } => {
                step.reports.push(MemberReport::WelcomeSeen {
                    epoch: *epoch,
                    bytes: welcome.0.len(),
                })
            }
            ServerMessage::Error { code, message } => {
                step.reports.push(MemberReport::ServerRefused {
                    code: format!("{code:?}"),
                    message: message.clone(),
                })
            }
            _ => {}
        }
        let events = self.group.handle_server_message(now_ms, message);
        self.carry_out(now_ms, events, &mut step);
        step
    }

    /// Call every [`TICK_MS`](super::TICK_MS) or so: the group's timeouts (re-publish,
    /// commit retries, the commits that add joiners and remove leavers).
    pub fn handle_tick(&mut self, now_ms: u64) -> MemberStep {
        let mut step = MemberStep::default();
        let events = self.group.handle_timeout(now_ms);
        self.carry_out(now_ms, events, &mut step);
        step
    }

    /// We leave on command: `leave`, as the page sends when its session ends.
    pub fn leave(&mut self, now_ms: u64) -> MemberStep {
        self.finished = true;
        MemberStep {
            send: vec![ClientMessage::Leave],
            reports: vec![MemberReport::Left {
                epoch: self.group.epoch(),
                elapsed_ms: self.elapsed(now_ms),
            }],
            finished: true,
        }
    }

    fn elapsed(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.started_at_ms)
    }

    fn carry_out(&mut self, now_ms: u64, events: Vec<GroupEvent>, step: &mut MemberStep) {
        for event in events {
            match event {
                GroupEvent::Send(message) => {
                    if let ClientMessage::Commit {
                        epoch,
                        commit,
                        welcome,
                        added,
                        ..
                    } = &message
                    {
                        step.reports.push(MemberReport::CommitSent {
                            epoch: *epoch,
                            bytes: commit.0.len(),
                            welcome_bytes: welcome.as_ref().map(|welcome| welcome.0.len()),
                            added: added.len(),
                        });
                    }
                    if matches!(message, ClientMessage::PublishKeyPackage { .. }) {
                        step.reports.push(MemberReport::KeyPackagePublished {
                            elapsed_ms: self.elapsed(now_ms),
                        });
                    }
                    step.send.push(message);
                }
                GroupEvent::Resynced { reason } => step.reports.push(MemberReport::Resynced {
                    reason: format!("{reason:?}"),
                }),
                // No media: an epoch's key protects no frame here (the epoch is reported
                // below, from the group); the rest is what a page would render.
                GroupEvent::EpochKeys(_)
                | GroupEvent::Changed
                | GroupEvent::ChairActionFailed(_)
                | GroupEvent::InviteSecret(_)
                | GroupEvent::Message(_)
                | GroupEvent::MessageUndecryptable { .. } => {}
            }
        }
        self.report_epoch(now_ms, step);
        self.report_end(step);
    }

    /// Reports joining the group and every later epoch, once each.
    fn report_epoch(&mut self, now_ms: u64, step: &mut MemberStep) {
        let roster = self.group.roster();
        if roster.status != MembershipStatus::Member {
            return;
        }
        let Some(epoch) = self.group.epoch() else {
            return;
        };
        if self.reported_epoch == Some(epoch) {
            return;
        }
        let members = roster.members.len();
        let roster: Vec<u64> = roster
            .members
            .iter()
            .filter_map(|member| member.participant_id.map(|id| id.0))
            .collect();
        let security_code = self
            .group
            .security_code()
            .map(|code| code.to_string())
            .unwrap_or_default();
        let elapsed_ms = self.elapsed(now_ms);
        step.reports.push(match (self.reported_epoch, self.you) {
            (None, Some(you)) => MemberReport::Joined {
                participant: you.0,
                epoch,
                members,
                roster,
                security_code,
                elapsed_ms,
            },
            _ => MemberReport::Epoch {
                epoch,
                members,
                roster,
                security_code,
                elapsed_ms,
            },
        });
        self.reported_epoch = Some(epoch);
    }

    fn report_end(&mut self, step: &mut MemberStep) {
        let status = self.group.roster().status;
        if status.is_terminal() && !self.finished {
            self.finished = true;
            step.finished = true;
            step.reports.push(MemberReport::Ended {
                status: format!("{status:?}"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use conclave_group::{Admission, FrameSuite};
    use conclave_protocol::{ErrorCode, GroupStatus, MediaMode, RoomId};
    use zeroize::Zeroizing;

    use super::*;

    fn member() -> MemberState {
        let config = MeetingConfig {
            room_id: RoomId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
            invite_secret: Zeroizing::new([7; 32]),
            display_name: "Delegate 1".to_owned(),
            frame_suite: FrameSuite::default(),
            admission: Admission::AnyoneWithLink,
            // Headless members carry no certificate.
            verification: Default::default(),
        };
        MemberState::new(Identity::generate().unwrap(), config, 1_000)
    }

    fn joined(you: u64) -> ServerMessage {
        ServerMessage::Joined {
            you: ParticipantId(you),
            participants: Vec::new(),
            media_mode: MediaMode::Janus,
            group: GroupStatus::default(),
            ice_servers: Vec::new(),
            ice_transport_policy: Default::default(),
            hold_token: None,
        }
    }

    #[test]
    fn the_first_in_the_room_starts_the_group_and_reports_joining_it() {
        let mut member = member();
        let step = member.handle_server_message(1_200, &joined(5));
        assert_eq!(
            step.reports,
            vec![MemberReport::Connected {
                participant: 5,
                elapsed_ms: 200
            }]
        );
        assert!(matches!(step.send.as_slice(), [ClientMessage::StartGroup]));

        let step = member.handle_server_message(
            1_300,
            &ServerMessage::GroupStarted {
                by: ParticipantId(5),
            },
        );
        let joined_report = step
            .reports
            .iter()
            .find(|report| matches!(report, MemberReport::Joined { .. }));
        let Some(MemberReport::Joined {
            participant,
            epoch,
            members,
            roster,
            security_code,
            elapsed_ms,
        }) = joined_report
        else {
            panic!("no joined report in {:?}", step.reports);
        };
        assert_eq!((*participant, *epoch, *members), (5, 0, 1));
        assert_eq!(roster, &vec![5]);
        assert_eq!(security_code.len(), 29, "five groups of five digits");
        assert_eq!(*elapsed_ms, 300);
        // Once only: the same epoch is not reported again.
        let again = member.handle_tick(1_600);
        assert!(!again.reports.iter().any(|report| matches!(
            report,
            MemberReport::Joined { .. } | MemberReport::Epoch { .. }
        )));
    }

    #[test]
    fn a_server_refusal_is_reported_and_changes_nothing() {
        let mut member = member();
        let step = member.handle_server_message(
            1_100,
            &ServerMessage::Error {
                code: ErrorCode::MalformedMessage,
                message: "no".to_owned(),
            },
        );
        assert_eq!(
            step.reports,
            vec![MemberReport::ServerRefused {
                code: "MalformedMessage".to_owned(),
                message: "no".to_owned()
            }]
        );
        assert!(step.send.is_empty() && !step.finished);
        assert_eq!(member.you(), None);
    }

    #[test]
    fn leaving_sends_leave_and_the_meeting_ending_stops_the_member() {
        let mut member = member();
        member.handle_server_message(1_100, &joined(2));
        let step = member.leave(1_500);
        assert!(matches!(step.send.as_slice(), [ClientMessage::Leave]));
        assert!(step.finished);
        assert_eq!(
            step.reports,
            vec![MemberReport::Left {
                epoch: None,
                elapsed_ms: 500
            }]
        );

        let mut member = self::member();
        member.handle_server_message(1_100, &joined(2));
        let step = member.handle_server_message(1_200, &ServerMessage::MeetingEnded);
        assert!(step.finished);
        assert!(step
            .reports
            .iter()
            .any(|report| matches!(report, MemberReport::Ended { .. })));
    }
}
