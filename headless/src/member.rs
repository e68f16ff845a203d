//! Headless meeting members: they join a meeting from its invite link as a page does (the
//! same `join`, the same `conclave-group` state machine, the same invite proof, KeyPackage
//! and Welcome), become MLS members, follow and make commits, answer join challenges, and
//! leave on command, all without media. Many run in one process, so a test or benchmark
//! can fill a meeting with members that Chromium instances would not fit on one machine.
//!
//! - [`invite_link`]: the link's server, room and fragment (invite secret, suite, admission).
//! - [`state`]: the member without IO: the group, fed messages and ticks, and its reports.
//! - [`run_member`] (here): the edge, one WebSocket ([`crate::signaling`]) and a timer.

pub mod invite_link;
pub mod state;

use std::future::Future;
use std::time::Duration;

use conclave_group::{GroupError, Identity, MeetingConfig};
use tokio::time::{interval, interval_at, timeout, Instant, MissedTickBehavior};

pub use invite_link::{InviteLink, InviteLinkError};
pub use state::{MemberReport, MemberState, MemberStep};

use crate::signaling::{SignalingConnection, SignalingError};

/// How often the group gets its timeout (the page's `TIMEOUT_INTERVAL_MS`; the group asks
/// for at most 500 ms).
pub const TICK_MS: u64 = 250;
/// How often a member pings the server, well within its idle timeout (as the page does).
const PING_INTERVAL: Duration = Duration::from_secs(20);
/// How long a leaving member waits for the server to close its connection.
const LEAVE_GRACE: Duration = Duration::from_secs(2);

/// Why a headless member stopped before it was told to leave.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MemberError {
    /// The signaling connection failed or the server closed it.
    #[error(transparent)]
    Signaling(#[from] SignalingError),
    /// No signature key pair could be made.
    #[error("cannot make an identity: {0}")]
    Identity(#[from] GroupError),
}

/// Runs one member of the meeting behind `link`, named `display_name`, until `leave`
/// completes (it then sends `leave` and waits briefly for the server's close) or the
/// meeting ends for it (removed, ended). Everything it sees goes to `report`, in order.
pub async fn run_member(
    link: &InviteLink,
    display_name: &str,
    leave: impl Future<Output = ()>,
    mut report: impl FnMut(MemberReport),
) -> Result<(), MemberError> {
    let started = Instant::now();
    let now_ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let config = MeetingConfig {
        room_id: link.room_id.clone(),
        invite_secret: link.invite_secret.clone(),
        display_name: display_name.to_owned(),
        frame_suite: link.frame_suite,
        admission: link.admission,
        // Headless members carry no certificate.
        verification: Default::default(),
    };
    let mut state = MemberState::new(Identity::generate()?, config, now_ms());
    let mut connection = SignalingConnection::open(&link.server, &link.room_id).await?;
    connection.send(&MemberState::join_message()).await?;

    let mut tick = interval(Duration::from_millis(TICK_MS));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut ping = interval_at(started + PING_INTERVAL, PING_INTERVAL);
    let leave = std::pin::pin!(leave);
    let mut leave = leave;
    loop {
        let step = tokio::select! {
            message = connection.receive() => state.handle_server_message(now_ms(), &message?),
            _ = tick.tick() => state.handle_tick(now_ms()),
            _ = ping.tick() => MemberStep {
                send: vec![conclave_protocol::ClientMessage::Ping],
                ..MemberStep::default()
            },
            () = &mut leave => state.leave(now_ms()),
        };
        for message in &step.send {
            connection.send(message).await?;
        }
        let left = step
            .reports
            .iter()
            .any(|report| matches!(report, MemberReport::Left { .. }));
        for each in step.reports {
            report(each);
        }
        if left {
            // The server answers `leave` by closing; anything before that is moot.
            let _ = timeout(LEAVE_GRACE, async {
                while connection.receive().await.is_ok() {}
            })
            .await;
            return Ok(());
        }
        if step.finished {
            return Ok(());
        }
    }
}
