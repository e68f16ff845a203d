//! What a load run measured, as text for people and as a Markdown table row for
//! BENCHMARKS.md (and for `cargo xtask bench`, which prints one row per server).

use std::fmt;
use std::time::Duration;

use super::latency::LatencySummary;

/// The header of the Markdown table [`LoadReport::markdown_row`] fills.
pub const MARKDOWN_HEADER: &str = "| server | connections / rooms | rate (msg/s) | join all (s) | memory per connection (KiB) | CPU per 1,000 messages (ms) | p50 / p99 / max (ms) | lost |\n|---|---|---|---|---|---|---|---|";

/// The results of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadReport {
    /// Which server this was (`conclave`, `relay`...).
    pub label: String,
    /// Connections opened and joined.
    pub connections: usize,
    /// Rooms they joined.
    pub rooms: usize,
    /// The aggregate send rate asked for.
    pub target_rate: u32,
    /// The rate achieved: messages sent over the steady phase's length.
    pub sent_rate: f64,
    /// From the first connection attempt until the last `joined`.
    pub join_all: Duration,
    /// Growth of the servers' resident memory from before the rooms to after every join,
    /// per connection; `None` without server PIDs.
    pub memory_per_connection: Option<u64>,
    /// The servers' CPU time over the steady phase (and its drain) per 1,000 delivered
    /// messages; `None` without server PIDs.
    pub cpu_per_thousand: Option<Duration>,
    /// Delivery latency of the messages that arrived; `None` if none did.
    pub latency: Option<LatencySummary>,
    /// Messages sent.
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Connections the server closed or lost during the run.
    pub connections_lost: u64,
}

impl LoadReport {
    /// Messages sent and never delivered (delivered in the drain after the steady phase
    /// counts as delivered).
    pub fn lost(&self) -> u64 {
        self.sent.saturating_sub(self.delivered)
    }

    /// One row of the [`MARKDOWN_HEADER`] table.
    pub fn markdown_row(&self) -> String {
        let memory = self.memory_per_connection.map_or("-".to_owned(), |bytes| {
            format!("{:.1}", bytes as f64 / 1024.0)
        });
        let cpu = self
            .cpu_per_thousand
            .map_or("-".to_owned(), |cpu| format!("{:.1}", millis(cpu)));
        let latency = self.latency.map_or("-".to_owned(), |l| {
            format!(
                "{:.2} / {:.2} / {:.1}",
                millis(l.p50),
                millis(l.p99),
                millis(l.max)
            )
        });
        format!(
            "| {} | {} / {} | {:.0} | {:.1} | {} | {} | {} | {} |",
            self.label,
            self.connections,
            self.rooms,
            self.sent_rate,
            self.join_all.as_secs_f64(),
            memory,
            cpu,
            latency,
            self.lost()
        )
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "server:                  {}", self.label)?;
        writeln!(
            f,
            "connections:             {} in {} rooms",
            self.connections, self.rooms
        )?;
        writeln!(
            f,
            "joined all in:           {:.2} s",
            self.join_all.as_secs_f64()
        )?;
        match self.memory_per_connection {
            Some(bytes) => writeln!(
                f,
                "memory per connection:   {:.1} KiB",
                bytes as f64 / 1024.0
            )?,
            None => writeln!(f, "memory per connection:   (no server PID given)")?,
        }
        writeln!(
            f,
            "messages:                {} sent ({:.0}/s, asked {}/s), {} delivered, {} lost",
            self.sent,
            self.sent_rate,
            self.target_rate,
            self.delivered,
            self.lost()
        )?;
        match self.cpu_per_thousand {
            Some(cpu) => writeln!(f, "CPU per 1,000 messages:  {:.1} ms", millis(cpu))?,
            None => writeln!(f, "CPU per 1,000 messages:  (no server PID given)")?,
        }
        match self.latency {
            Some(l) => writeln!(
                f,
                "delivery latency:        p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} measured)",
                millis(l.p50),
                millis(l.p99),
                millis(l.max),
                l.count
            )?,
            None => writeln!(f, "delivery latency:        (nothing delivered)")?,
        }
        write!(f, "connections lost:        {}", self.connections_lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_has_one_cell_per_header_column() {
        let report = LoadReport {
            label: "conclave".to_owned(),
            connections: 100,
            rooms: 20,
            target_rate: 200,
            sent_rate: 199.6,
            join_all: Duration::from_millis(1234),
            memory_per_connection: Some(14 * 1024),
            cpu_per_thousand: Some(Duration::from_micros(31_250)),
            latency: Some(LatencySummary {
                count: 10,
                p50: Duration::from_micros(1500),
                p99: Duration::from_millis(9),
                max: Duration::from_millis(12),
            }),
            sent: 400,
            delivered: 399,
            connections_lost: 0,
        };
        let row = report.markdown_row();
        assert_eq!(
            row,
            "| conclave | 100 / 20 | 200 | 1.2 | 14.0 | 31.2 | 1.50 / 9.00 / 12.0 | 1 |"
        );
        let columns = |line: &str| line.matches('|').count();
        let header = MARKDOWN_HEADER.lines().next().unwrap();
        assert_eq!(columns(&row), columns(header));
        assert!(report.to_string().contains("399 delivered, 1 lost"));
    }
}
