//! What chain validation costs a member (issue 17, BENCHMARKS.md): `validate_chain` (each
//! member checks a knocker's chain once; a joiner checks every member's once) and
//! `TrustAnchor::from_organisation` (the pinned anchors are loaded once a minute), each
//! timed over many runs, with an empty revocation list and with one of 1,000 serials.
//! The certificates are rcgen-made as `conclave-admin` makes them (tests/common/pki.rs).
//!
//! `cargo xtask bench verification`, or
//! `cargo run --release -p conclave-group --example verification_cost`

// rcgen (the test certificates) is a native dev-dependency.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use conclave_group::verified_identity::{validate_chain, Organisation, TrustAnchor};
use conclave_group::Identity;

// The tests' certificate authority; a failure to build a test certificate ends the run.
#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/common/pki.rs"]
mod pki;

use pki::TestOrganisation;

/// Timed runs of each operation, after [`WARM_UP`] untimed ones.
const RUNS: usize = 2_000;
const WARM_UP: usize = 100;
/// Revoked serials in the larger revocation list.
const REVOKED: u64 = 1_000;

/// Median and 95th percentile of `samples`, in microseconds.
fn summary(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |fraction: f64| {
        let index = ((samples.len() as f64 * fraction) as usize).min(samples.len() - 1);
        samples[index].as_secs_f64() * 1e6
    };
    (at(0.5), at(0.95))
}

/// Runs `operation` [`WARM_UP`] + [`RUNS`] times and prints its median and p95.
fn measure<T>(what: &str, mut operation: impl FnMut() -> T) {
    for _ in 0..WARM_UP {
        black_box(operation());
    }
    let samples = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            black_box(operation());
            started.elapsed()
        })
        .collect();
    let (median, p95) = summary(samples);
    println!("{what:<62} median {median:>7.1} µs   p95 {p95:>7.1} µs   ({RUNS} runs)");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let identity = Identity::generate()?;
    let mut ministry = TestOrganisation::new("Ministry of Example");
    let chain = ministry.issue_for(identity.public_key(), "Ada Lovelace", 365);
    let listed = ministry.listed();
    for serial in 0..REVOKED {
        // Serials from 1,000,000: never the member's.
        ministry.revoke(1_000_000 + serial);
    }
    let listed_with_revocations = ministry.listed();

    println!(
        "chain validation (issue 17): member certificate {} B, CA certificate {} B, \
         revocation lists {} B (empty) and {} B ({REVOKED} serials)",
        chain[0].len(),
        chain[1].len(),
        revocation_list_len(&listed),
        revocation_list_len(&listed_with_revocations),
    );
    for (label, organisation) in [
        ("empty revocation list", &listed),
        ("1,000 revoked serials", &listed_with_revocations),
    ] {
        let anchor = TrustAnchor::from_organisation(organisation, now)?;
        let anchors = [anchor];
        // Checked once: the figures are for the path that admits a member.
        validate_chain(&chain, identity.public_key(), &anchors, now)?;
        measure(&format!("TrustAnchor::from_organisation ({label})"), || {
            TrustAnchor::from_organisation(organisation, now)
        });
        measure(&format!("validate_chain ({label})"), || {
            validate_chain(&chain, identity.public_key(), &anchors, now)
        });
    }
    Ok(())
}

fn revocation_list_len(organisation: &Organisation) -> usize {
    organisation.revocation_list.as_ref().map_or(0, Vec::len)
}
