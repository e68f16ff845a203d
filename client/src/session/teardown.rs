//! The one way a session ends, whatever ended it: the person left (or the page stopped
//! showing the meeting), encryption failed, or the server connection closed. Each time
//! the signaling connection is dropped (sending `leave` if it is still open), the MLS
//! group and its timer stop, the transport closes every connection, the worker is
//! terminated with the keys it held, and what the session knew of the meeting is
//! cleared. Only what the page is told depends on why ([`Ending`]); a lost connection is
//! the session's owner's to handle (`SessionHandle` connects again).

use std::cell::RefCell;
use std::rc::Rc;

use super::SessionInner;
use crate::notices::EncryptionFailure;
use crate::roster::MeetingClosed;
use crate::services::signaling::CloseInfo;
use crate::state::Action;

/// Why a session ended.
pub(super) enum Ending {
    /// The person left, or the page stopped showing the meeting: nothing to tell it.
    Left,
    /// Encryption is unavailable or failed (the text says why): the page says the
    /// meeting was not joined.
    EncryptionFailed(EncryptionFailure),
    /// The signaling connection closed unexpectedly, or could not be opened: the session's
    /// `on_lost` decides whether to connect again.
    Lost(CloseInfo),
    /// The meeting is over for us: a chair removed us, denied our knock, the meeting is
    /// locked or was ended. The page says which; nothing rejoins by itself.
    Closed(MeetingClosed),
}

/// Ends the session for `ending`. Nothing happens if it has ended already: the first
/// reason is the one shown.
pub(super) fn end(inner_rc: &Rc<RefCell<SessionInner>>, ending: Ending) {
    let (dispatcher, on_lost, signaling, key_agreement, transport, e2ee) = {
        let mut inner = inner_rc.borrow_mut();
        if inner.ended {
            return;
        }
        inner.ended = true;
        inner.start_timeout = None;
        inner.identity = None;
        inner.seen_keys = None;
        inner.group = None;
        inner.streams = Default::default();
        inner.newer_epoch_frames.clear();
        inner.audio_levels = None;
        (
            inner.dispatcher.clone(),
            inner.on_lost.clone(),
            inner.signaling.take(),
            inner.key_agreement.take(),
            inner.transport.take(),
            inner.e2ee.take(),
        )
    };
    // Dropping these sends `leave`, closes the socket and stops the group's timer.
    drop(signaling);
    // A session that ended before it connected (no encoded-transform API, no worker) would
    // otherwise leave the lobby's socket open to the server while the page says it is not in.
    crate::services::signaling::discard_preconnection();
    drop(key_agreement);
    close_media(&ending, transport, e2ee);
    match ending {
        Ending::Left => {}
        Ending::EncryptionFailed(message) => dispatcher.dispatch(Action::E2eeFatal(message)),
        Ending::Lost(close) => on_lost.emit(close),
        Ending::Closed(closed) => dispatcher.dispatch(Action::MeetingClosed(closed)),
    }
}

/// Closes every connection and terminates the worker with the keys it held.
fn close_media(
    ending: &Ending,
    transport: Option<std::rc::Rc<dyn crate::services::transport::MediaTransport>>,
    e2ee: Option<std::rc::Rc<crate::services::e2ee::E2eeWorker>>,
) {
    #[cfg(feature = "test-hooks")]
    if matches!(ending, Ending::Left | Ending::Closed(_))
        && crate::services::test_hooks::keep_peer_connections()
    {
        // Test hook: the peer connections and the worker (with the keys it had) outlive
        // the meeting page, as a member who left or was removed could keep them.
        crate::services::test_hooks::keep_alive(Box::new((transport, e2ee)));
        return;
    }
    #[cfg(not(feature = "test-hooks"))]
    let _ = ending;
    if let Some(transport) = transport {
        transport.close();
    }
    // Terminates the worker.
    drop(e2ee);
}
