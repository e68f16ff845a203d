//! The session's side of the server: the MLS group and the signaling connection are made
//! together once the worker and the identity are ready, and every server message goes to
//! the group first, then to the transport, then into the app state.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_group::{EpochKeys, MeetingConfig};
use conclave_protocol::{ClientMessage, ServerMessage};
use yew::Callback;
use zeroize::Zeroizing;

use super::teardown::{end, Ending};
use super::{keys, media, SessionInner};
use crate::roster::GroupView;
use crate::services::key_agreement::{KeyAgreement, KeyAgreementEvents};
use crate::services::signaling::{CloseInfo, SignalingConnection};
use crate::state::Action;

/// The worker is ready and the identity loaded: start the group and join the room. Does
/// nothing until both are ready, or once connected or ended.
pub(super) fn connect(inner_rc: &Rc<RefCell<SessionInner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (dispatcher, room, display_name, loaded, invite_secret, frame_suite) = {
        let mut inner = inner_rc.borrow_mut();
        if inner.ended || inner.signaling.is_some() || !inner.worker_ready {
            return;
        }
        if inner.e2ee.is_none() {
            return;
        }
        let Some(loaded) = inner.identity.take() else {
            return;
        };
        (
            inner.dispatcher.clone(),
            inner.invite.room_id().clone(),
            inner.display_name.clone(),
            loaded,
            {
                let mut secret = Zeroizing::new([0; 32]);
                secret.copy_from_slice(inner.invite.secret().as_bytes());
                secret
            },
            inner.invite.frame_suite(),
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
        },
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
        },
    );

    let meeting_error =
        Callback::from(move |message| dispatcher.dispatch(Action::MeetingError(message)));
    let on_message = {
        let weak = weak.clone();
        Callback::from(move |message| on_server_message(&weak, message))
    };
    let on_close = Callback::from(move |close: CloseInfo| {
        if let Some(inner) = weak.upgrade() {
            end(&inner, Ending::Disconnected(close.reason));
        }
    });
    {
        let mut inner = inner_rc.borrow_mut();
        inner.seen_keys = Some(loaded.seen_keys);
        inner.key_agreement = Some(key_agreement);
    }
    match SignalingConnection::connect(&room, on_message, on_close, meeting_error) {
        Ok(signaling) => inner_rc.borrow_mut().signaling = Some(signaling),
        Err(error) => end(inner_rc, Ending::Disconnected(error.to_string())),
    }
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
                .dispatch(Action::MeetingError(error.to_string()));
        }
    }
}

fn on_server_message(weak: &Weak<RefCell<SessionInner>>, message: ServerMessage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let ServerMessage::Joined {
        media_mode,
        ice_servers,
        ..
    } = &message
    {
        media::start_transport(&inner, *media_mode, ice_servers.clone());
    }
    let (dispatcher, key_agreement) = {
        let inner = inner.borrow();
        (inner.dispatcher.clone(), inner.key_agreement.clone())
    };
    // The group sees every message first (its callbacks borrow the session again).
    if let Some(key_agreement) = &key_agreement {
        key_agreement.handle_server_message(&message);
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
            dispatcher.dispatch(Action::ParticipantLeft(id));
        }
        ServerMessage::Error { message, .. } => {
            dispatcher.dispatch(Action::MeetingError(format!("The server said: {message}")));
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
        | ServerMessage::MeetingEnded => {}
    }
}
