//! Time to add the 100th member to a group of 99: commit creation at the committer,
//! commit processing at one other member, Welcome processing at the joiner.
//!
//! `cargo run --release -p conclave-group --example add_100th_member`

// It drives the real signaling server, which is not built for the browser.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Meeting;
use conclave_protocol::ServerMessage;

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut commit_times = Vec::new();
    let mut process_times = Vec::new();
    let mut welcome_times = Vec::new();
    let mut sizes = (0, 0);
    for run in 0..RUNS {
        let started = Instant::now();
        let mut meeting = Meeting::new();
        let first = meeting.join("member 1");
        meeting.settle();
        // 98 more join at once; the committer batches them.
        for i in 2..=99 {
            meeting.join(&format!("member {i}"));
        }
        meeting.settle();
        // At most 64 requests wait at once; the rest ask again after 5 s.
        while meeting.client(first).group.roster().members.len() < 99 {
            meeting.advance(1_000);
        }
        meeting.settle();
        let ids: Vec<_> = meeting.clients.keys().copied().collect();
        assert_eq!(meeting.client(first).group.roster().members.len(), 99);
        let other = ids[50];
        let built = started.elapsed();

        let joiner = meeting.join("member 100");
        // The joiner publishes its KeyPackage; the server relays it to the members.
        meeting.pump_one(joiner);
        meeting.serve_uplink();
        // Drain everything but the committer's KeyPackage delivery first.
        let committer = first;
        while !matches!(
            meeting.client(committer).inbox.front(),
            Some(ServerMessage::KeyPackage { .. }) | None
        ) {
            meeting.pump_one(committer); // presence updates, not measured
        }
        let start = Instant::now();
        meeting.pump_one(committer); // verify the KeyPackage + create the commit
        commit_times.push(start.elapsed());
        meeting.serve_uplink();
        // One other member processes the commit.
        while !matches!(
            meeting.client(other).inbox.front(),
            Some(ServerMessage::Commit { .. }) | None
        ) {
            meeting.pump_one(other);
        }
        if let Some(ServerMessage::Commit { commit, .. }) = meeting.client(other).inbox.front() {
            sizes.0 = commit.0.len();
        }
        let start = Instant::now();
        meeting.pump_one(other);
        process_times.push(start.elapsed());
        // The joiner processes its Welcome.
        while !matches!(
            meeting.client(joiner).inbox.front(),
            Some(ServerMessage::Welcome { .. }) | None
        ) {
            meeting.pump_one(joiner);
        }
        if let Some(ServerMessage::Welcome { welcome, .. }) = meeting.client(joiner).inbox.front() {
            sizes.1 = welcome.0.len();
        }
        let start = Instant::now();
        meeting.pump_one(joiner);
        welcome_times.push(start.elapsed());
        meeting.settle();
        let mut all = ids.clone();
        all.push(joiner);
        meeting.assert_converged(&all);
        println!(
            "run {}: group of 99 built in {:.1} s; commit {:.2} ms, process {:.2} ms, welcome {:.2} ms",
            run + 1,
            built.as_secs_f64(),
            commit_times[run].as_secs_f64() * 1e3,
            process_times[run].as_secs_f64() * 1e3,
            welcome_times[run].as_secs_f64() * 1e3,
        );
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (c, p, w) = (
        median(commit_times),
        median(process_times),
        median(welcome_times),
    );
    println!("add the 100th member to a group of 99 (median of {RUNS} runs):");
    println!(
        "  committer: verify KeyPackage + create commit and Welcome: {:.2} ms",
        ms(c)
    );
    println!(
        "  another member: process + merge the commit:             {:.2} ms",
        ms(p)
    );
    println!(
        "  joiner: process the Welcome (ratchet tree inside):       {:.2} ms",
        ms(w)
    );
    println!(
        "  total on the critical path:                              {:.2} ms",
        ms(c + p.max(w))
    );
    println!(
        "  sizes: commit {} bytes, Welcome {} bytes",
        sizes.0, sizes.1
    );
}
