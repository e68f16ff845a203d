//! Delivery latency: how each relayed message carries its send time, and the summary of
//! many measurements. No IO; times are durations since the run's origin.

use std::time::Duration;

/// The word before the send time in a load message's ICE candidate line.
const SENT_AT_MARK: &str = "sent-at-ns";

/// The `candidate` line a load message carries: shaped like a real server-reflexive ICE
/// candidate (so the relayed messages have a realistic size, about 170 bytes on the
/// wire), ending with the send time in nanoseconds since the run's origin.
pub fn candidate_line(sequence: u64, sent_at: Duration) -> String {
    format!(
        "candidate:842163049 1 udp 1677729535 198.51.100.7 {port} typ srflx raddr 0.0.0.0 \
         rport 0 generation 0 ufrag b3nc network-cost 999 seq {sequence} {SENT_AT_MARK} {nanos}",
        port = 49152 + sequence % 16384,
        nanos = sent_at.as_nanos()
    )
}

/// The send time a [`candidate_line`] carries, or `None` for any other line.
pub fn sent_at(candidate: &str) -> Option<Duration> {
    let (rest, nanos) = candidate.rsplit_once(' ')?;
    if !rest.ends_with(SENT_AT_MARK) {
        return None;
    }
    nanos.parse().ok().map(Duration::from_nanos)
}

/// Percentiles of delivery latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatencySummary {
    /// How many deliveries were measured.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl LatencySummary {
    /// Summarizes latencies in microseconds (sorting them); `None` for no samples.
    pub fn from_micros(samples: &mut [u32]) -> Option<Self> {
        samples.sort_unstable();
        let max = *samples.last()?;
        let at = |fraction: f64| {
            // Nearest rank: the smallest sample with at least `fraction` of them at or below.
            let rank = (fraction * samples.len() as f64).ceil() as usize;
            let micros = samples[rank.clamp(1, samples.len()) - 1];
            Duration::from_micros(u64::from(micros))
        };
        Some(Self {
            count: samples.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: Duration::from_micros(u64::from(max)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_line_carries_its_send_time_and_nothing_else_does() {
        let sent = Duration::from_nanos(12_345_678_901);
        let line = candidate_line(7, sent);
        assert!(line.starts_with("candidate:"));
        assert_eq!(sent_at(&line), Some(sent));
        assert_eq!(
            sent_at("candidate:1 1 udp 2122260223 10.0.0.1 9 typ host"),
            None
        );
        assert_eq!(sent_at("sent-at-ns x"), None);
        assert_eq!(sent_at(""), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples: Vec<u32> = (1..=100).rev().collect();
        let summary = LatencySummary::from_micros(&mut samples).unwrap();
        assert_eq!(summary.count, 100);
        assert_eq!(summary.p50, Duration::from_micros(50));
        assert_eq!(summary.p99, Duration::from_micros(99));
        assert_eq!(summary.max, Duration::from_micros(100));
        let one = LatencySummary::from_micros(&mut [5]).unwrap();
        assert_eq!(
            (one.p50, one.p99, one.max),
            (
                Duration::from_micros(5),
                Duration::from_micros(5),
                Duration::from_micros(5)
            )
        );
        assert_eq!(LatencySummary::from_micros(&mut []), None);
    }
}
