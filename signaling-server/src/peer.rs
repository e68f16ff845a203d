//! A participant's outbound queue, as the rooms hold it.
//!
//! Everything bound for one client (replies to its own requests, messages from the
//! other participants, the final close frame) goes through one bounded queue of
//! [`Outbound`]s that only its connection's writer drains. The rooms hold a
//! [`PeerHandle`] to that queue; [`deliver_all`] carries out what the rooms decided.
//! Messages from others never wait: a full queue marks the peer too slow (its writer
//! then closes it with 4408). A `signal`, addressed by one participant to another, may
//! only take the first half of the queue ([`PeerHandle::deliver_unless_busy`]): beyond
//! it the signal is dropped and its sender told, so that signals alone never get a peer
//! closed and the rest of the queue stays for what every member must see. The queue
//! policy as a whole is stated in `connection`.

use std::sync::Arc;

use conclave_protocol::ServerMessage;
use tokio::sync::mpsc::error::{SendError, TrySendError};
use tokio::sync::{mpsc, Notify};

use crate::rooms::{Delivery, Effects};
use crate::sfu::SfuCommand;

/// A close frame to send: code and fixed reason.
pub(crate) type Close = (u16, &'static str);

/// What goes on a connection's send queue.
#[derive(Debug)]
pub(crate) enum Outbound {
    /// A protocol message, boxed: tokio allocates a queue's slots 32 at a time, up front,
    /// and a slot of 16 bytes instead of a `ServerMessage`'s 160 saves each connection
    /// 4.6 KiB (BENCHMARKS.md, issue 16).
    Message(Box<ServerMessage>),
    /// Send this close frame, then stop.
    Close(Close),
}

/// A participant's send queue, as the rooms hold it.
#[derive(Clone, Debug)]
pub struct PeerHandle {
    queue: mpsc::Sender<Outbound>,
    too_slow: Arc<Notify>,
}

impl PeerHandle {
    /// A queue of `capacity` (at least 1) and the receiving end its writer drains.
    pub(crate) fn channel(capacity: usize) -> (PeerHandle, mpsc::Receiver<Outbound>) {
        let (queue, receiver) = mpsc::channel(capacity.max(1));
        let handle = PeerHandle {
            queue,
            too_slow: Arc::new(Notify::new()),
        };
        (handle, receiver)
    }

    /// Queues `message` without waiting; a full queue marks the peer too slow (it is then
    /// closed with 4408), a closed one means the peer is already leaving.
    pub(crate) fn deliver(&self, message: ServerMessage) {
        match self.queue.try_send(Outbound::Message(Box::new(message))) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(_)) => self.too_slow.notify_one(),
        }
    }

    /// Queues `message` without waiting if the queue is less than half full, and says
    /// whether it did; otherwise the message is dropped (the caller tells its sender).
    #[must_use]
    pub(crate) fn deliver_unless_busy(&self, message: ServerMessage) -> bool {
        if self.queue.capacity() * 2 <= self.queue.max_capacity() {
            return false;
        }
        self.deliver(message);
        true
    }

    /// Queues the close frame `close` after everything queued before, without waiting
    /// (another participant's request ends this connection). A full queue marks the peer
    /// too slow, which closes it too (with 4408); a closed one means it is already leaving.
    pub(crate) fn close(&self, close: Close) {
        match self.queue.try_send(Outbound::Close(close)) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(_)) => self.too_slow.notify_one(),
        }
    }

    /// Queues `outbound`, waiting for room: for replies to the client's own requests and
    /// the final close frame. An error means the writer is gone.
    pub(crate) async fn send_waiting(&self, outbound: Outbound) -> Result<(), SendError<Outbound>> {
        self.queue.send(outbound).await
    }

    /// Notified when a delivery found the queue full; the writer then closes the peer.
    pub(crate) fn too_slow_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.too_slow)
    }
}

/// Queues each delivery on its recipient's queue (see [`PeerHandle::deliver`]).
pub(crate) fn deliver_all(deliveries: Vec<Delivery<PeerHandle>>) {
    for delivery in deliveries {
        delivery.to.deliver(delivery.message);
    }
}

/// Queues the deliveries, then the closes (each after what its peer was sent); the SFU
/// command, if any, is returned for the caller to hand on under the same lock.
pub(crate) fn carry_out(effects: Effects<PeerHandle>) -> Option<SfuCommand> {
    deliver_all(effects.deliveries);
    for (peer, close) in effects.closes {
        peer.close(close);
    }
    effects.sfu_command
}

#[cfg(test)]
mod tests {
    use conclave_protocol::ServerMessage;
    use futures_util::FutureExt;

    use super::*;

    #[test]
    fn signals_fill_half_the_queue_and_never_mark_the_peer_too_slow() {
        let (peer, mut queue) = PeerHandle::channel(8);
        let too_slow = peer.too_slow_signal();
        for _ in 0..4 {
            assert!(peer.deliver_unless_busy(ServerMessage::Pong));
        }
        for _ in 0..100 {
            assert!(!peer.deliver_unless_busy(ServerMessage::Pong));
        }
        assert!(too_slow.notified().now_or_never().is_none());
        // The other half is still there for what every member must see...
        for _ in 0..4 {
            peer.deliver(ServerMessage::GroupEnded);
        }
        assert!(too_slow.notified().now_or_never().is_none());
        // ...and only overflowing it marks the peer too slow.
        peer.deliver(ServerMessage::GroupEnded);
        assert!(too_slow.notified().now_or_never().is_some());
        let mut queued = 0;
        while let Ok(Outbound::Message(_)) = queue.try_recv() {
            queued += 1;
        }
        assert_eq!(queued, 8);
        // A drained queue takes signals again.
        assert!(peer.deliver_unless_busy(ServerMessage::Pong));
    }
}
