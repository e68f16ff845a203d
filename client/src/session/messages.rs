//! The session's side of meeting messages: what members tell each other through the
//! MLS group (chat, media state, hands, reactions). Received ones go into the app state;
//! ours are sealed by the group and sent. Our media state goes out on every change and
//! again in every new epoch, so that a joiner learns it.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_group::{MeetingMessage, MeetingMessageError, ReceivedMessage};
use conclave_protocol::ParticipantId;

use super::SessionInner;
use crate::meeting_messages::Arrival;
use crate::services::{local_time_label, now_ms};
use crate::state::Action;

/// A member's message opened: into the app state.
pub(super) fn on_message(weak: &Weak<RefCell<SessionInner>>, received: ReceivedMessage) {
    if let Some(inner) = weak.upgrade() {
        let arrival = Arrival::new(received, local_time_label(), now_ms());
        inner
            .borrow()
            .dispatcher
            .dispatch(Action::MeetingMessage(arrival));
    }
}

/// A message relayed as someone's did not open: the chat says so, naming nobody (the
/// server's word for who sent it is worth nothing).
pub(super) fn on_undecryptable(weak: &Weak<RefCell<SessionInner>>, _from: ParticipantId) {
    if let Some(inner) = weak.upgrade() {
        inner
            .borrow()
            .dispatcher
            .dispatch(Action::MessageUndecryptable {
                time: local_time_label(),
            });
    }
}

/// Seals and sends one message; `NotAMember` while we are not in the group.
pub(super) fn send(
    inner: &Rc<RefCell<SessionInner>>,
    message: &MeetingMessage,
) -> Result<(), MeetingMessageError> {
    let key_agreement = inner.borrow().key_agreement.clone();
    match key_agreement {
        Some(key_agreement) => key_agreement.send_meeting_message(message),
        None => Err(MeetingMessageError::NotAMember),
    }
}

/// Our media state changed: remember it, and tell the members if it differs from what
/// they heard last.
pub(super) fn set_media_state(inner: &Rc<RefCell<SessionInner>>, state: MeetingMessage) {
    let changed = {
        let mut inner = inner.borrow_mut();
        let changed = inner.media_state.as_ref() != Some(&state);
        inner.media_state = Some(state);
        changed
    };
    if changed {
        send_media_state(inner);
    }
}

/// Tells the members our media state (a new epoch: someone may have joined). Not yet a
/// member, it waits for the first epoch we enter.
pub(super) fn send_media_state(inner: &Rc<RefCell<SessionInner>>) {
    let state = inner.borrow().media_state.clone();
    if let Some(state) = state {
        // Before we are a member there is nobody to tell: the next epoch sends it.
        let _ = send(inner, &state);
    }
}
