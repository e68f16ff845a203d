//! The signaling load generator: many connections in many rooms relay timestamped
//! `signal`s at a steady aggregate rate, and the run reports what it cost the server.
//!
//! A run, in order:
//! 1. sample the servers' memory (`/proc`, when their PIDs are given);
//! 2. create the rooms (`POST /api/rooms`), spread over the servers;
//! 3. open and join every connection (a bounded number at once) and time it; each keeps
//!    reading what the server sends meanwhile (`participant_joined`);
//! 4. after a short settle, sample memory again: the growth per connection is reported;
//! 5. the steady phase: each connection sends one `signal` (an ICE candidate carrying its
//!    send time) to the next connection of its room every `connections / rate` seconds,
//!    the connections' schedules staggered evenly, so the aggregate rate is steady; each
//!    receiver computes the delivery latency on arrival;
//! 6. after the phase, wait until every message has arrived (or a drain time has passed),
//!    then sample CPU time: the servers' CPU over steady phase and drain is reported per
//!    1,000 delivered messages.
//!
//! Which connection sits where is [`topology`]; times come from one clock of this
//! process, so the latency includes the generator's own scheduling on a shared machine.

pub mod latency;
pub mod process_stats;
pub mod report;
pub mod topology;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use conclave_protocol::{ClientMessage, ParticipantId, RoomId, ServerMessage, SignalPayload};
use futures_util::{StreamExt, TryStreamExt};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{interval_at, sleep, sleep_until, timeout, Instant};

use crate::signaling::{create_room, ServerAddress, SignalingConnection, SignalingError};
use latency::{candidate_line, sent_at, LatencySummary};
use report::LoadReport;
use topology::Topology;

/// Rooms created at once.
const ROOM_CREATION_CONCURRENCY: usize = 32;
/// Longest wait for one connection's upgrade and `joined`.
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause between the last join and the memory sample, so that what the joins left in
/// flight (announcements to the others) has been delivered.
const SETTLE: Duration = Duration::from_secs(1);
/// Time between announcing the steady phase and its first message, so that every
/// connection has its schedule before the clock starts.
const LEAD: Duration = Duration::from_millis(200);
/// How often the drain checks whether everything sent has arrived.
const DRAIN_POLL: Duration = Duration::from_millis(10);

/// Why a load run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The numbers cannot make a run: every room needs two connections.
    #[error(
        "cannot spread {connections} connections over {rooms} rooms and {servers} servers \
         (each room needs at least two connections, and there must be a server)"
    )]
    BadShape {
        /// Connections asked for.
        connections: usize,
        /// Rooms asked for.
        rooms: usize,
        /// Servers given.
        servers: usize,
    },
    /// The aggregate rate was zero.
    #[error("the message rate must be at least 1 per second")]
    ZeroRate,
    /// A room could not be created.
    #[error("creating room {room}: {source}")]
    CreateRoom {
        /// Which room (0-based).
        room: usize,
        /// What the server said.
        source: SignalingError,
    },
    /// A connection could not open or join its room.
    #[error("connection {connection} could not join its room on {server}: {source}")]
    Join {
        /// Which connection (0-based).
        connection: usize,
        /// Its server.
        server: String,
        /// What went wrong.
        source: SignalingError,
    },
    /// A connection did not get `joined` within the join timeout.
    #[error("connection {connection} got no `joined` from {server} in time")]
    JoinTimedOut {
        /// Which connection (0-based).
        connection: usize,
        /// Its server.
        server: String,
    },
    /// A server's `/proc` entry could not be read (it exited, or is no local process).
    #[error("cannot read /proc of process {pid}: {problem}")]
    ProcUnreadable {
        /// The process.
        pid: u32,
        /// Why.
        problem: String,
    },
    /// A connection's task ended without reporting (it panicked or was cancelled).
    #[error("a connection task ended without reporting")]
    TaskLost,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    /// Names the server in the report.
    pub label: String,
    /// The servers; connections are spread over them (see [`topology`]).
    pub servers: Vec<ServerAddress>,
    /// The servers' process ids, for memory and CPU (none: not measured).
    pub server_pids: Vec<u32>,
    /// Connections to open.
    pub connections: usize,
    /// Rooms to spread them over.
    pub rooms: usize,
    /// Aggregate `signal`s per second over all connections.
    pub messages_per_second: u32,
    /// Length of the steady phase.
    pub duration: Duration,
    /// Connections opening and joining at once.
    pub join_concurrency: usize,
    /// Longest wait after the steady phase for messages still in flight.
    pub drain: Duration,
}

impl LoadPlan {
    /// The defaults against `servers`: 10,000 connections in 2,000 rooms, 4,000
    /// messages a second for 20 seconds.
    pub fn new(label: impl Into<String>, servers: Vec<ServerAddress>) -> Self {
        Self {
            label: label.into(),
            servers,
            server_pids: Vec::new(),
            connections: 10_000,
            rooms: 2_000,
            messages_per_second: 4_000,
            duration: Duration::from_secs(20),
            join_concurrency: 256,
            drain: Duration::from_secs(5),
        }
    }
}

/// Runs `plan`; `progress` is told each phase as it ends.
pub async fn run(plan: &LoadPlan, progress: &dyn Fn(&str)) -> Result<LoadReport, LoadError> {
    let topology = Topology::new(plan.connections, plan.rooms, plan.servers.len())?;
    if plan.messages_per_second == 0 {
        return Err(LoadError::ZeroRate);
    }
    let before_rooms = process_stats::sample(&plan.server_pids)?;
    let rooms = create_rooms(plan, &topology).await?;
    progress(&format!("{}: created {} rooms", plan.label, rooms.len()));

    let origin = std::time::Instant::now();
    let counters = Arc::new(Counters::default());
    let (phase_tx, phase_rx) = watch::channel(Phase::Joining);
    let (joined_tx, mut joined_rx) = mpsc::unbounded_channel();
    let join_slots = Arc::new(Semaphore::new(plan.join_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for index in 0..topology.connections() {
        let task = ConnectionTask {
            index,
            connections: topology.connections(),
            server: plan.servers[topology.server_of(index)].clone(),
            room: rooms[topology.room_of(index)].clone(),
            join_slots: Arc::clone(&join_slots),
            joined: joined_tx.clone(),
            phase: phase_rx.clone(),
            counters: Arc::clone(&counters),
        };
        tasks.spawn(task.drive());
    }
    drop(joined_tx);

    let mut ids = vec![None; topology.connections()];
    for _ in 0..topology.connections() {
        let report = joined_rx.recv().await.ok_or(LoadError::TaskLost)?;
        match report {
            Ok((index, id)) => ids[index] = Some(id),
            Err(error) => {
                phase_tx.send_replace(Phase::Ended);
                tasks.abort_all();
                return Err(error);
            }
        }
    }
    let join_all = origin.elapsed();
    progress(&format!(
        "{}: joined {} connections in {:.2} s",
        plan.label,
        topology.connections(),
        join_all.as_secs_f64()
    ));
    sleep(SETTLE).await;
    let after_joins = process_stats::sample(&plan.server_pids)?;

    let recipients = (0..topology.connections())
        .map(|connection| ids[topology.recipient_of(connection)])
        .collect::<Option<Vec<ParticipantId>>>()
        .ok_or(LoadError::TaskLost)?;
    let begin = Instant::now() + LEAD;
    let stop = begin + plan.duration;
    let steady = Arc::new(SteadyPhase {
        recipients,
        origin,
        begin,
        stop,
        period: Duration::from_secs_f64(
            topology.connections() as f64 / f64::from(plan.messages_per_second),
        ),
    });
    phase_tx.send_replace(Phase::Steady(Arc::clone(&steady)));
    sleep_until(begin).await;
    let cpu_before = process_stats::sample(&plan.server_pids)?;
    progress(&format!(
        "{}: sending {}/s for {} s",
        plan.label,
        plan.messages_per_second,
        plan.duration.as_secs()
    ));
    sleep_until(stop).await;
    let drain_deadline = Instant::now() + plan.drain;
    loop {
        sleep(DRAIN_POLL).await;
        let sent = counters.sent.load(Ordering::Relaxed);
        let delivered = counters.delivered.load(Ordering::Relaxed);
        if delivered >= sent || Instant::now() >= drain_deadline {
            break;
        }
    }
    let cpu_after = process_stats::sample(&plan.server_pids)?;
    phase_tx.send_replace(Phase::Ended);

    let mut total = ConnectionTally::default();
    while let Some(finished) = tasks.join_next().await {
        total.absorb(finished.map_err(|_| LoadError::TaskLost)?);
    }
    let memory_per_connection = match (before_rooms, after_joins) {
        (Some(before), Some(after)) => {
            Some(after.rss_bytes.saturating_sub(before.rss_bytes) / topology.connections() as u64)
        }
        _ => None,
    };
    let cpu_per_thousand = match (cpu_before, cpu_after) {
        (Some(before), Some(after)) if total.delivered > 0 => Some(
            after
                .cpu
                .saturating_sub(before.cpu)
                .mul_f64(1000.0 / total.delivered as f64),
        ),
        _ => None,
    };
    Ok(LoadReport {
        label: plan.label.clone(),
        connections: topology.connections(),
        rooms: topology.rooms(),
        target_rate: plan.messages_per_second,
        sent_rate: total.sent as f64 / plan.duration.as_secs_f64(),
        join_all,
        memory_per_connection,
        cpu_per_thousand,
        latency: LatencySummary::from_micros(&mut total.latencies_micros),
        sent: total.sent,
        delivered: total.delivered,
        connections_lost: total.connections_lost,
    })
}

async fn create_rooms(plan: &LoadPlan, topology: &Topology) -> Result<Vec<RoomId>, LoadError> {
    futures_util::stream::iter(0..topology.rooms())
        .map(|room| async move {
            let server = &plan.servers[topology.server_creating(room)];
            create_room(server)
                .await
                .map_err(|source| LoadError::CreateRoom { room, source })
        })
        .buffered(ROOM_CREATION_CONCURRENCY)
        .try_collect()
        .await
}

/// Where the run is; every connection task watches it.
#[derive(Clone)]
enum Phase {
    Joining,
    Steady(Arc<SteadyPhase>),
    Ended,
}

/// The steady phase's schedule, shared by every connection.
struct SteadyPhase {
    /// Each connection's recipient, by connection index.
    recipients: Vec<ParticipantId>,
    /// The clock send times are measured from.
    origin: std::time::Instant,
    /// The first message's time.
    begin: Instant,
    /// No message is sent at or after this time.
    stop: Instant,
    /// Time between two messages of one connection.
    period: Duration,
}

/// Messages sent and delivered so far, over every connection (for the drain).
#[derive(Default)]
struct Counters {
    sent: AtomicU64,
    delivered: AtomicU64,
}

/// What one connection saw.
#[derive(Default)]
struct ConnectionTally {
    sent: u64,
    delivered: u64,
    latencies_micros: Vec<u32>,
    connections_lost: u64,
}

impl ConnectionTally {
    fn absorb(&mut self, other: ConnectionTally) {
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.latencies_micros.extend(other.latencies_micros);
        self.connections_lost += other.connections_lost;
    }
}

/// One connection's part in the run: its join report, or why it could not join.
type JoinReport = Result<(usize, ParticipantId), LoadError>;

struct ConnectionTask {
    index: usize,
    connections: usize,
    server: ServerAddress,
    room: RoomId,
    join_slots: Arc<Semaphore>,
    joined: mpsc::UnboundedSender<JoinReport>,
    phase: watch::Receiver<Phase>,
    counters: Arc<Counters>,
}

impl ConnectionTask {
    async fn drive(mut self) -> ConnectionTally {
        let mut tally = ConnectionTally::default();
        let Some(mut connection) = self.join().await else {
            return tally;
        };
        let Some(steady) = self.await_steady_phase(&mut connection).await else {
            tally.connections_lost = u64::from(!self.has_ended());
            return tally;
        };
        if let Err(_lost) = self.relay(&mut connection, &steady, &mut tally).await {
            tally.connections_lost = 1;
        }
        tally
    }

    /// Opens and joins (one of a bounded number at once) and reports the outcome.
    async fn join(&mut self) -> Option<SignalingConnection> {
        let joined = {
            // The semaphore is never closed; without a permit, join anyway.
            let _permit = self.join_slots.acquire().await.ok();
            timeout(JOIN_TIMEOUT, async {
                let mut connection = SignalingConnection::open(&self.server, &self.room).await?;
                let joined = connection.join().await?;
                Ok::<_, SignalingError>((connection, joined.you))
            })
            .await
        };
        let (report, connection) = match joined {
            Ok(Ok((connection, you))) => (Ok((self.index, you)), Some(connection)),
            Ok(Err(source)) => (
                Err(LoadError::Join {
                    connection: self.index,
                    server: self.server.to_string(),
                    source,
                }),
                None,
            ),
            Err(_elapsed) => (
                Err(LoadError::JoinTimedOut {
                    connection: self.index,
                    server: self.server.to_string(),
                }),
                None,
            ),
        };
        // The run has given up already if nobody listens.
        let _ = self.joined.send(report);
        connection
    }

    /// Reads (and drops) what arrives until the steady phase starts; `None` if the run
    /// ends first or the connection is lost.
    async fn await_steady_phase(
        &mut self,
        connection: &mut SignalingConnection,
    ) -> Option<Arc<SteadyPhase>> {
        loop {
            tokio::select! {
                changed = self.phase.changed() => {
                    changed.ok()?;
                    match &*self.phase.borrow_and_update() {
                        Phase::Joining => {}
                        Phase::Steady(steady) => return Some(Arc::clone(steady)),
                        Phase::Ended => return None,
                    }
                }
                received = connection.receive() => {
                    received.ok()?;
                }
            }
        }
    }

    fn has_ended(&self) -> bool {
        matches!(*self.phase.borrow(), Phase::Ended)
    }

    /// Sends on schedule and measures what arrives, until the run ends.
    async fn relay(
        &mut self,
        connection: &mut SignalingConnection,
        steady: &SteadyPhase,
        tally: &mut ConnectionTally,
    ) -> Result<(), SignalingError> {
        let to = steady.recipients[self.index];
        let offset = steady
            .period
            .mul_f64(self.index as f64 / self.connections as f64);
        let mut ticks = interval_at(steady.begin + offset, steady.period);
        let mut sending = true;
        loop {
            tokio::select! {
                changed = self.phase.changed() => {
                    if changed.is_err() || self.has_ended() {
                        return Ok(());
                    }
                }
                tick = ticks.tick(), if sending => {
                    if tick >= steady.stop {
                        sending = false;
                        continue;
                    }
                    let candidate = candidate_line(tally.sent, steady.origin.elapsed());
                    let message = ClientMessage::Signal {
                        to,
                        payload: SignalPayload::IceCandidate {
                            candidate,
                            sdp_mid: Some("0".to_owned()),
                            sdp_m_line_index: Some(0),
                        },
                    };
                    connection.send(&message).await?;
                    tally.sent += 1;
                    self.counters.sent.fetch_add(1, Ordering::Relaxed);
                }
                received = connection.receive() => {
                    let ServerMessage::Signal {
                        payload: SignalPayload::IceCandidate { candidate, .. },
                        ..
                    } = received?
                    else {
                        continue;
                    };
                    let Some(sent) = sent_at(&candidate) else {
                        continue;
                    };
                    let latency = steady.origin.elapsed().saturating_sub(sent);
                    let micros = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
                    tally.latencies_micros.push(micros);
                    tally.delivered += 1;
                    self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}
