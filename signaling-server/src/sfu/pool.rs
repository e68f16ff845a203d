//! The configured Janus servers behind one Conclave: one [`super::janus`] actor per Janus,
//! and one task between them and the room state that places each new room by
//! [`Placement`]'s rule, moves the rooms of a Janus that went down to one that is up, and
//! tells the rooms where their SFU room is ([`SfuEvent::ReadyAt`], whose URL the
//! participants' `sfu_room_ready` carries). One Janus is the same, with nowhere to move.

use std::sync::Arc;

use tokio::sync::mpsc;

use super::janus::{self, JanusReport};
use super::placement::{Placement, Routed};
use super::{SfuCommand, SfuEvent, COMMAND_QUEUE, EVENT_QUEUE};
use crate::config::JanusConfig;
use crate::metrics::SfuProbe;

/// Starts one actor per Janus (`probe` reports each one's connection under its index)
/// and returns the pool's task, which runs until `commands` closes.
pub(crate) fn start(
    servers: Vec<JanusConfig>,
    publishers: usize,
    commands: mpsc::Receiver<SfuCommand>,
    events: mpsc::Sender<SfuEvent>,
    probe: &SfuProbe,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (reports, tagged) = mpsc::channel(EVENT_QUEUE);
    let mut actors = Vec::with_capacity(servers.len());
    let mut configs = Vec::with_capacity(servers.len());
    for (index, config) in servers.into_iter().enumerate() {
        let (actor_commands, actor_receiver) = mpsc::channel(COMMAND_QUEUE);
        let (actor_reports, mut actor_events) = mpsc::channel(EVENT_QUEUE);
        tokio::spawn(janus::run(
            config.clone(),
            publishers,
            actor_receiver,
            actor_reports,
            probe.for_janus(index),
        ));
        // Tags each report with its Janus; ends with the actor or the pool.
        let reports = reports.clone();
        tokio::spawn(async move {
            while let Some(report) = actor_events.recv().await {
                if reports.send((index, report)).await.is_err() {
                    return;
                }
            }
        });
        actors.push(actor_commands);
        configs.push(Arc::new(config));
    }
    let pool = Pool {
        placement: Placement::new(configs.len()),
        actors,
        configs,
        events,
    };
    pool.run(commands, tagged)
}

/// The pool's state: where each room is, and the way to each actor.
struct Pool {
    placement: Placement,
    actors: Vec<mpsc::Sender<SfuCommand>>,
    configs: Vec<Arc<JanusConfig>>,
    events: mpsc::Sender<SfuEvent>,
}

impl Pool {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<SfuCommand>,
        mut reports: mpsc::Receiver<(usize, JanusReport)>,
    ) {
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    // Shutting down: dropping the actors' queues ends them once they have
                    // carried out what they hold (the last rooms' destruction).
                    None => return,
                    Some(command) => {
                        let routed = self.placement.route(command);
                        self.dispatch(routed).await;
                    }
                },
                Some((janus, report)) = reports.recv() => self.take_report(janus, report).await,
            }
        }
    }

    async fn take_report(&mut self, janus: usize, report: JanusReport) {
        match report {
            JanusReport::Up => {
                let moves = self.placement.janus_up(janus);
                self.dispatch_moves(moves, "a Janus came up").await;
            }
            JanusReport::Down => {
                let moves = self.placement.janus_down(janus);
                self.dispatch_moves(moves, "a Janus went down").await;
            }
            JanusReport::Room(event) => {
                if let Some(event) = self.located(janus, event) {
                    // A send error means the server is shutting down.
                    let _ = self.events.send(event).await;
                }
            }
        }
    }

    /// `event` from the actor of `janus`, as the rooms must hear it; `None` when the room
    /// is no longer there (it moved, or ended).
    fn located(&self, janus: usize, event: SfuEvent) -> Option<SfuEvent> {
        let room = match &event {
            SfuEvent::Ready { room, .. }
            | SfuEvent::ReadyAt { room, .. }
            | SfuEvent::Unavailable { room, .. } => room,
        };
        if self.placement.janus_of(room) != Some(janus) {
            return None;
        }
        match event {
            SfuEvent::Ready { room, number } => Some(SfuEvent::ReadyAt {
                room,
                number,
                janus: Arc::clone(self.configs.get(janus)?),
            }),
            other => Some(other),
        }
    }

    async fn dispatch_moves(&self, moves: Vec<Routed>, why: &'static str) {
        if !moves.is_empty() {
            // Each move is a destroy on the old Janus and a create on the new one.
            tracing::warn!(
                rooms = moves.len() / 2,
                why,
                "moving SFU rooms to another Janus"
            );
        }
        for routed in moves {
            self.dispatch(Some(routed)).await;
        }
    }

    async fn dispatch(&self, routed: Option<Routed>) {
        let Some((janus, command)) = routed else {
            return;
        };
        let Some(actor) = self.actors.get(janus) else {
            return;
        };
        if actor.send(command).await.is_err() {
            tracing::error!(janus, "a Janus actor is gone; dropping a command");
        }
    }
}
