//! One rate limit: a [`Rate`] (a burst, then a steady pace) and the [`TokenBucket`] that
//! spends against it. The bucket is the generic cell rate algorithm (GCRA, the ATM
//! Forum's, as in RFC 2697's token bucket seen from its refill time): it stores only the
//! instant at which it will be full again, so a limit costs one `Option<Instant>` however
//! large its burst.

use std::time::{Duration, Instant};

/// A burst of `burst` units at once, refilled at `per_minute` units a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    burst: u32,
    per_minute: u32,
}

impl Rate {
    /// A burst of `burst` units, refilled at `per_minute` units a minute; `None` if either
    /// is 0 (a limit that lets nothing through is no limit an operator means).
    pub const fn new(burst: u32, per_minute: u32) -> Option<Self> {
        if burst == 0 || per_minute == 0 {
            None
        } else {
            Some(Self { burst, per_minute })
        }
    }

    /// [`Self::new`] for a constant: evaluated at compile time, where a zero fails the
    /// build.
    pub(crate) const fn constant(burst: u32, per_minute: u32) -> Self {
        match Self::new(burst, per_minute) {
            Some(rate) => rate,
            None => panic!("a constant rate is never zero"),
        }
    }

    /// Units that may be spent at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Units refilled per minute.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// The time one unit takes to refill.
    fn interval(&self) -> Duration {
        Duration::from_secs(60) / self.per_minute
    }
}

/// Spending against a [`Rate`] (passed on each call, so many buckets share one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenBucket {
    /// When the bucket is full again; `None` (or a past instant) means full now.
    full_at: Option<Instant>,
}

impl TokenBucket {
    /// Spends `cost` units at `now`, or returns how long until they would be there
    /// (spending nothing). A cost above the burst counts as the burst, so that no
    /// single event is refused for ever.
    pub fn spend(&mut self, rate: Rate, now: Instant, cost: u32) -> Result<(), Duration> {
        let interval = rate.interval();
        let cost = cost.clamp(1, rate.burst);
        let start = self.full_at.map_or(now, |full_at| full_at.max(now));
        let after = start.checked_add(interval.saturating_mul(cost));
        let latest = now.checked_add(interval.saturating_mul(rate.burst));
        match (after, latest) {
            (Some(after), Some(latest)) if after > latest => Err(after - latest),
            (Some(after), _) => {
                self.full_at = Some(after);
                Ok(())
            }
            // Beyond what an `Instant` holds: centuries away, never reached in practice.
            (None, _) => Err(Duration::MAX),
        }
    }

    /// Whether the bucket is full at `now` (it then holds nothing worth remembering).
    pub fn is_full(&self, now: Instant) -> bool {
        self.full_at.is_none_or(|full_at| full_at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(burst: u32, per_minute: u32) -> Rate {
        Rate::new(burst, per_minute).unwrap()
    }

    #[test]
    fn a_burst_passes_then_the_pace_holds() {
        let rate = rate(3, 60);
        let mut bucket = TokenBucket::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(bucket.spend(rate, start, 1), Ok(()));
        }
        assert_eq!(bucket.spend(rate, start, 1), Err(Duration::from_secs(1)));
        // One unit a second comes back.
        let later = start + Duration::from_millis(999);
        assert_eq!(bucket.spend(rate, later, 1), Err(Duration::from_millis(1)));
        let later = start + Duration::from_secs(1);
        assert_eq!(bucket.spend(rate, later, 1), Ok(()));
        assert!(bucket.spend(rate, later, 1).is_err());
        // After a quiet spell the whole burst is back, never more.
        let quiet = later + Duration::from_secs(3600);
        assert!(bucket.is_full(quiet));
        for _ in 0..3 {
            assert_eq!(bucket.spend(rate, quiet, 1), Ok(()));
        }
        assert!(bucket.spend(rate, quiet, 1).is_err());
    }

    #[test]
    fn a_refused_spend_costs_nothing() {
        let rate = rate(2, 60);
        let mut bucket = TokenBucket::default();
        let start = Instant::now();
        bucket.spend(rate, start, 2).unwrap();
        for _ in 0..100 {
            assert!(bucket.spend(rate, start, 1).is_err());
        }
        assert_eq!(
            bucket.spend(rate, start + Duration::from_secs(1), 1),
            Ok(())
        );
    }

    #[test]
    fn a_large_event_costs_more_but_never_more_than_the_burst() {
        let rate = rate(4, 60);
        let mut bucket = TokenBucket::default();
        let start = Instant::now();
        assert_eq!(bucket.spend(rate, start, 3), Ok(()));
        assert_eq!(bucket.spend(rate, start, 3), Err(Duration::from_secs(2)));
        // A cost far above the burst waits for a full bucket, then passes.
        let full = start + Duration::from_secs(3);
        assert_eq!(bucket.spend(rate, full, 1_000), Ok(()));
        assert!(bucket.spend(rate, full, 1).is_err());
    }

    #[test]
    fn zero_rates_are_refused_and_huge_ones_do_not_overflow() {
        assert_eq!(Rate::new(0, 10), None);
        assert_eq!(Rate::new(10, 0), None);
        // A burst of thousands of years: an answer either way, never a panic.
        let slow = rate(u32::MAX, 1);
        let mut bucket = TokenBucket::default();
        let start = Instant::now();
        let _ = bucket.spend(slow, start, u32::MAX);
        let _ = bucket.spend(slow, start, u32::MAX);
        let fast = self::rate(u32::MAX, u32::MAX);
        let mut bucket = TokenBucket::default();
        for _ in 0..1000 {
            assert_eq!(bucket.spend(fast, start, 1), Ok(()));
        }
    }
}
