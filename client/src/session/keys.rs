//! What the worker and the MLS group report to the session: the worker's readiness and
//! frame counters, each epoch's key (to the worker at once), and roster changes (to the
//! transport, then the page).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use conclave_group::EpochKeys;
use conclave_protocol::ParticipantId;

use super::teardown::{end, Ending};
use super::{fail, media, messages, server, SessionInner};
use crate::media_source::MediaKind;
use crate::notices::EncryptionFailure;
use crate::roster::{EncryptionStatus, GroupView};
use crate::services::now_ms;
use crate::state::Action;
use crate::worker_protocol::WorkerToPage;

pub(super) fn on_worker_event(weak: &Weak<RefCell<SessionInner>>, event: WorkerToPage) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let dispatcher = inner.borrow().dispatcher.clone();
    match event {
        WorkerToPage::Ready { .. } => {
            {
                let mut inner = inner.borrow_mut();
                inner.start_timeout = None;
                inner.worker_ready = true;
            }
            dispatcher.dispatch(Action::E2eeReady);
            server::connect(&inner);
        }
        WorkerToPage::ReceiveStats {
            source,
            kind,
            totals,
            newer_epoch,
            ..
        } => {
            let Some(participant) = media::participant_of(&inner, source) else {
                return;
            };
            report_newer_epoch_media(&inner, participant, kind, newer_epoch);
            dispatcher.dispatch(Action::ReceiveStats {
                participant,
                kind,
                totals,
                now_ms: now_ms(),
            })
        }
        WorkerToPage::FeedBound {
            stream,
            sender_index,
            ..
        } => media::feed_bound(&inner, &stream, sender_index),
        WorkerToPage::Fatal { message } => fail(weak, EncryptionFailure::WorkerStopped(message)),
    }
}

/// Tells the group when frames keep coming under an epoch newer than ours: a hint only
/// (the key id is read before any authentication), which the group checks with the
/// server before it re-syncs.
fn report_newer_epoch_media(
    inner: &Rc<RefCell<SessionInner>>,
    participant: ParticipantId,
    kind: MediaKind,
    total: u64,
) {
    let key_agreement = {
        let mut inner = inner.borrow_mut();
        let seen = inner
            .newer_epoch_frames
            .insert((participant, kind), total)
            .unwrap_or(0);
        if total <= seen {
            return;
        }
        inner.key_agreement.clone()
    };
    if let Some(key_agreement) = key_agreement {
        key_agreement.report_newer_epoch_media();
    }
}

/// A new epoch: the worker switches to its key at once.
pub(super) fn use_epoch_key(weak: &Weak<RefCell<SessionInner>>, keys: &EpochKeys) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let e2ee = inner.borrow().e2ee.clone();
    if let Some(e2ee) = e2ee {
        if let Err(error) = e2ee.use_epoch_key(keys) {
            fail(weak, EncryptionFailure::KeyNotHandedOver(error.to_string()));
            return;
        }
    }
    // Someone may have joined: they learn our microphone, camera and hand this way.
    messages::send_media_state(&inner);
}

/// The group changed: show it, remember the keys met, connect to new members. A terminal
/// status (removed, denied, locked out, ended) ends the session: keys wiped, page left.
pub(super) fn on_group_changed(weak: &Weak<RefCell<SessionInner>>, view: GroupView) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if let EncryptionStatus::Closed(closed) = view.status {
        end(&inner, Ending::Closed(closed));
        return;
    }
    let (dispatcher, transport) = {
        let mut inner = inner.borrow_mut();
        if let Some(seen_keys) = inner.seen_keys.as_mut() {
            seen_keys.record_members(&view);
        }
        inner.group = Some(view.clone());
        (inner.dispatcher.clone(), inner.transport.clone())
    };
    media::bind_to_roster(&inner, &view);
    // Connections first: their WebRTC work then runs beside the page's re-render.
    if let Some(transport) = transport {
        transport.on_group_changed(&view);
    }
    dispatcher.dispatch(Action::GroupChanged {
        view,
        now_ms: now_ms(),
    });
}
