//! Per-participant rate limits: KeyPackages (a knocker re-publishes while it waits) and
//! application messages (chat, media state, hands, reactions).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A sliding-window rate limit: at most `limit` events in any `window`. Holds at most
/// `limit` instants.
#[derive(Clone, Debug)]
pub struct RateBudget {
    limit: usize,
    window: Duration,
    /// When the recent events were accepted, oldest first.
    recent: VecDeque<Instant>,
}

impl RateBudget {
    /// At most `limit` events in any `window`.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            recent: VecDeque::with_capacity(limit),
        }
    }

    /// Counts one event at `now`, or returns false (counting nothing) if the window is
    /// full.
    pub fn spend(&mut self, now: Instant) -> bool {
        while let Some(&oldest) = self.recent.front() {
            if now.saturating_duration_since(oldest) >= self.window {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        if self.recent.len() >= self.limit {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_refills_over_its_window() {
        let window = Duration::from_secs(60);
        let mut budget = RateBudget::new(10, window);
        let start = Instant::now();
        for i in 0..10 {
            assert!(budget.spend(start + Duration::from_secs(i)));
        }
        assert!(!budget.spend(start + Duration::from_secs(30)));
        // The first event leaves the window after a minute.
        assert!(budget.spend(start + window));
        assert!(!budget.spend(start + window));
        assert_eq!(budget.recent.len(), 10);
    }
}
