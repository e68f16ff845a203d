//! The session's side of the server: the MLS group and the signaling connection are made
//! together once the worker and the identity are ready, and every server message goes to
//! the group first, then to the transport, then into the app state.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_group::{ChairAction, EpochKeys, MeetingConfig, VerificationConfig};
use conclave_protocol::{close_code, ClientMessage, KnockAnswer, ParticipantId, ServerMessage};
use yew::Callback;
use zeroize::Zeroizing;

use super::teardown::{end, Ending};
use super::{keys, media, messages, SessionInner};
use crate::invite::InviteSecret;
use crate::notices::{CloseReason, MeetingProblem};
use crate::roster::{GroupView, MeetingClosed};
use crate::services::key_agreement::{KeyAgreement, KeyAgreementEvents};
use crate::services::room_credentials;
use crate::services::signaling::{CloseInfo, SignalingConnection};
use crate::services::transport::webrtc::IceSettings;
use crate::state::Action;

/// The worker is ready and the identity loaded: start the group and join the room. Does
/// nothing until both are ready, or once connected or ended.
pub(super) fn connect(inner_rc: &Rc<RefCell<SessionInner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (
        dispatcher,
        room,
        display_name,
        loaded,
        organisations,
        invite_secret,
        frame_suite,
        admission,
        meeting_trust,
    ) = {
        let mut inner = inner_rc.borrow_mut();
        if inner.ended || inner.signaling.is_some() || !inner.worker_ready {
            return;
        }
        if inner.e2ee.is_none() || inner.identity.is_none() || inner.organisations.is_none() {
            return;
        }
        let (Some(loaded), Some(organisations)) =
            (inner.identity.take(), inner.organisations.take())
        else {
            return;
        };
        (
            inner.dispatcher.clone(),
            inner.invite.room_id().clone(),
            inner.display_name.clone(),
            loaded,
            organisations,
            {
                let mut secret = Zeroizing::new([0; 32]);
                secret.copy_from_slice(inner.invite.secret().as_bytes());
                secret
            },
            inner.invite.frame_suite(),
            inner.invite.admission(),
            inner.invite.trust().clone(),
        )
    };

    let key_agreement = KeyAgreement::start(
        loaded.identity,
        MeetingConfig {
            room_id: room.clone(),
            // Only for the invite proof: media keys come from the MLS exporter.
            invite_secret,
            display_name: display_name.clone(),
            frame_suite,
            admission,
            verification: VerificationConfig {
                certificate_chain: loaded.certificate_chain,
                organisations: organisations.organisations,
                meeting_trust,
            },
        },
        organisations.fetched,
        KeyAgreementEvents {
            send: {
                let weak = weak.clone();
                Callback::from(move |message: ClientMessage| send(&weak, &message))
            },
            epoch_keys: {
                let weak = weak.clone();
                Callback::from(move |keys: EpochKeys| keys::use_epoch_key(&weak, &keys))
            },
            changed: {
                let weak = weak.clone();
                Callback::from(move |view: GroupView| keys::on_group_changed(&weak, view))
            },
            invite_secret: {
                let weak = weak.clone();
                Callback::from(move |secret: Zeroizing<[u8; 32]>| {
                    invite_renewed(&weak, InviteSecret::copy_from(&secret));
                })
            },
            chair_action_failed: {
                let dispatcher = dispatcher.clone();
                Callback::from(move |_: ChairAction| dispatcher.dispatch(Action::ChairActionFailed))
            },
            message: {
                let weak = weak.clone();
                Callback::from(move |received| messages::on_message(&weak, received))
            },
            undecryptable: {
                let weak = weak.clone();
                Callback::from(move |from| messages::on_undecryptable(&weak, from))
            },
        },
    );

    let meeting_error =
        Callback::from(move |problem| dispatcher.dispatch(Action::MeetingError(problem)));
    let on_message = {
        let weak = weak.clone();
        Callback::from(move |message| on_server_message(&weak, message))
    };
    let on_close = Callback::from(move |close: CloseInfo| {
        if let Some(inner) = weak.upgrade() {
            end(&inner, ending_of_close(close));
        }
    });
    {
        let mut inner = inner_rc.borrow_mut();
        inner.seen_keys = Some(loaded.seen_keys);
        inner.key_agreement = Some(key_agreement);
    }
    match SignalingConnection::connect(&room, on_message, on_close, meeting_error) {
        Ok(signaling) => inner_rc.borrow_mut().signaling = Some(signaling),
        Err(error) => {
            // The socket could not even be made: to the person, a lost connection (it
            // is tried again); the cause goes to the console.
            gloo::console::warn!(format!("Conclave: {error}"));
            end(
                inner_rc,
                Ending::Lost(CloseInfo {
                    code: 1006,
                    reason: CloseReason::Lost,
                }),
            )
        }
    }
}

/// Why the server closed our connection, as the page tells it. A chair's removal or end of
/// the meeting reaches our group first (its commit comes before the close) and ends the
/// page with the chair named; a close that comes alone is only the server's word.
fn ending_of_close(close: CloseInfo) -> Ending {
    match close.code {
        close_code::REMOVED => Ending::Closed(MeetingClosed::ServerRemoved),
        close_code::MEETING_ENDED => Ending::Closed(MeetingClosed::ServerEnded),
        _ => Ending::Lost(close),
    }
}

/// A chair answered our knock: not let in. We are no member and cannot check who
/// answered, but the server could as well close our connection: believing it costs
/// nothing more (no key is at stake), and the page stops waiting.
fn knock_refused(
    inner: &Rc<RefCell<SessionInner>>,
    message: &ServerMessage,
) -> Option<MeetingClosed> {
    let inner = inner.borrow();
    let waiting = inner
        .group
        .as_ref()
        .is_none_or(|group| group.members.is_empty());
    refusal_of_our_knock(inner.you, waiting, message)
}

/// Pure core of [`knock_refused`]: `message` answers the knock of `you`, while `waiting`
/// (not a member yet), with a refusal.
fn refusal_of_our_knock(
    you: Option<ParticipantId>,
    waiting: bool,
    message: &ServerMessage,
) -> Option<MeetingClosed> {
    let ServerMessage::KnockAnswered { to, answer, .. } = message else {
        return None;
    };
    if you != Some(*to) || !waiting {
        return None;
    }
    Some(match answer {
        KnockAnswer::Denied => MeetingClosed::Denied,
        KnockAnswer::Locked => MeetingClosed::LockedOut,
        KnockAnswer::LinkReplaced => MeetingClosed::LinkReplaced,
        KnockAnswer::NotVerified => MeetingClosed::NotVerified,
    })
}

/// Whether `message` is an accepted commit after which the server drops us. A chair's
/// removal has ended the page already (our group processed the commit); otherwise this is
/// the committer's word to the server (a rogue member's, perhaps), and the page says the
/// server disconnected us. The server can close our connection anyway.
fn expelled_us(you: Option<ParticipantId>, message: &ServerMessage) -> bool {
    matches!(message, ServerMessage::Commit { expelled, .. } if you.is_some_and(|you| expelled.contains(&you)))
}

/// A chair made a new invite link: the session, the page and the address bar use it.
fn invite_renewed(weak: &Weak<RefCell<SessionInner>>, secret: InviteSecret) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let (dispatcher, invite) = {
        let mut inner = inner.borrow_mut();
        inner.invite = inner.invite.with_secret(secret);
        (inner.dispatcher.clone(), inner.invite.clone())
    };
    crate::services::navigation::replace(&invite.path_and_fragment());
    dispatcher.dispatch(Action::InviteRenewed(invite));
}

/// Sends one message to the server, if connected.
pub(super) fn send(weak: &Weak<RefCell<SessionInner>>, message: &ClientMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let inner = inner.borrow();
    if let Some(signaling) = inner.signaling.as_ref() {
        if let Err(error) = signaling.send(message) {
            inner
                .dispatcher
                .dispatch(Action::MeetingError(MeetingProblem::NotSent(
                    error.to_string(),
                )));
        }
    }
}

fn on_server_message(weak: &Weak<RefCell<SessionInner>>, message: ServerMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if matches!(message, ServerMessage::MeetingEnded) {
        // The server closes every connection next (MEETING_ENDED): end now, keys wiped. A
        // chair's end reached our group first (its commit comes before this).
        end(&inner, Ending::Closed(MeetingClosed::ServerEnded));
        return;
    }
    if let ServerMessage::Joined {
        you,
        media_mode,
        ice_servers,
        ice_transport_policy,
        ..
    } = &message
    {
        inner.borrow_mut().you = Some(*you);
        let ice = IceSettings {
            servers: ice_servers.clone(),
            transport_policy: *ice_transport_policy,
        };
        media::start_transport(&inner, *media_mode, ice);
    }
    if let ServerMessage::Joined {
        hold_token: Some(token),
        ..
    } = &message
    {
        room_credentials::remember_hold_token(inner.borrow().invite.room_id(), token);
    }
    let (dispatcher, key_agreement) = {
        let inner = inner.borrow();
        (inner.dispatcher.clone(), inner.key_agreement.clone())
    };
    // The group sees every message first (its callbacks borrow the session again).
    if let Some(key_agreement) = &key_agreement {
        key_agreement.handle_server_message(&message);
    }
    let you = inner.borrow().you;
    if expelled_us(you, &message) {
        // The server closes us next (REMOVED); its close frame may not make it.
        end(&inner, Ending::Closed(MeetingClosed::ServerRemoved));
        return;
    }
    if let Some(closed) = knock_refused(&inner, &message) {
        end(&inner, Ending::Closed(closed));
        return;
    }
    let (transport, group) = {
        let inner = inner.borrow();
        (inner.transport.clone(), inner.group.clone())
    };
    let Some(transport) = transport else {
        return;
    };
    transport.on_server_message(&message, group.as_ref());
    match message {
        ServerMessage::Joined {
            you, participants, ..
        } => dispatcher.dispatch(Action::Joined { you, participants }),
        ServerMessage::ParticipantJoined { participant } => {
            dispatcher.dispatch(Action::ParticipantJoined(participant));
        }
        ServerMessage::ParticipantLeft { id } => {
            media::participant_left(&inner, id);
            dispatcher.dispatch(Action::ParticipantLeft(id));
        }
        ServerMessage::Error { code, message } => {
            dispatcher.dispatch(Action::MeetingError(MeetingProblem::Server {
                code,
                message,
            }));
        }
        // Handled by the group or the transport.
        ServerMessage::Signal { .. }
        | ServerMessage::SfuRoomReady { .. }
        | ServerMessage::GroupStarted { .. }
        | ServerMessage::GroupEnded
        | ServerMessage::KeyPackage { .. }
        | ServerMessage::Commit { .. }
        | ServerMessage::Welcome { .. }
        | ServerMessage::CommitRejected { .. }
        | ServerMessage::JoinChallenge(_)
        | ServerMessage::GroupStatus { .. }
        | ServerMessage::KnockAnswered { .. }
        | ServerMessage::ApplicationMessage { .. }
        | ServerMessage::Pong
        | ServerMessage::MeetingEnded => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(code: u16) -> Option<MeetingClosed> {
        match ending_of_close(CloseInfo {
            code,
            reason: CloseReason::ServerSaid {
                code,
                words: "why".to_owned(),
            },
        }) {
            Ending::Closed(closed) => Some(closed),
            _ => None,
        }
    }

    #[test]
    fn the_servers_close_codes_for_removal_and_end_close_the_meeting() {
        assert_eq!(
            closed(close_code::REMOVED),
            Some(MeetingClosed::ServerRemoved)
        );
        assert_eq!(
            closed(close_code::MEETING_ENDED),
            Some(MeetingClosed::ServerEnded)
        );
        assert_eq!(closed(close_code::UNKNOWN_ROOM), None, "a lost connection");
        assert_eq!(closed(1006), None);
    }

    #[test]
    fn a_commit_that_expels_us_ends_the_page() {
        let commit = |expelled: Vec<u64>| ServerMessage::Commit {
            from: ParticipantId(1),
            epoch: 4,
            commit: conclave_protocol::Bytes(vec![0]),
            added: vec![],
            removed: vec![ParticipantId(5)],
            expelled: expelled.into_iter().map(ParticipantId).collect(),
        };
        let me = Some(ParticipantId(5));
        assert!(expelled_us(me, &commit(vec![5])));
        assert!(!expelled_us(me, &commit(vec![])), "removed, not expelled");
        assert!(!expelled_us(me, &commit(vec![6])));
        assert!(!expelled_us(None, &commit(vec![5])));
    }

    #[test]
    fn only_a_refusal_of_our_own_pending_knock_ends_the_page() {
        let answered = |to, answer| ServerMessage::KnockAnswered {
            from: ParticipantId(1),
            to: ParticipantId(to),
            answer,
        };
        let me = Some(ParticipantId(5));
        assert_eq!(
            refusal_of_our_knock(me, true, &answered(5, KnockAnswer::Denied)),
            Some(MeetingClosed::Denied)
        );
        assert_eq!(
            refusal_of_our_knock(me, true, &answered(5, KnockAnswer::Locked)),
            Some(MeetingClosed::LockedOut)
        );
        assert_eq!(
            refusal_of_our_knock(me, true, &answered(5, KnockAnswer::LinkReplaced)),
            Some(MeetingClosed::LinkReplaced)
        );
        assert_eq!(
            refusal_of_our_knock(me, true, &answered(6, KnockAnswer::Denied)),
            None,
            "someone else's knock"
        );
        assert_eq!(
            refusal_of_our_knock(me, false, &answered(5, KnockAnswer::Denied)),
            None,
            "a member is past knocking"
        );
        assert_eq!(
            refusal_of_our_knock(None, true, &answered(5, KnockAnswer::Denied)),
            None
        );
        assert_eq!(
            refusal_of_our_knock(me, true, &ServerMessage::MeetingEnded),
            None
        );
    }
}
