//! The KeyPackage rate limit of one participant (a knocker re-publishes while it waits).

use std::collections::VecDeque;
use std::time::Instant;

use super::{KEY_PACKAGES_PER_WINDOW, KEY_PACKAGE_WINDOW};
use crate::error::Error;

/// One participant's KeyPackage rate limit: at most [`KEY_PACKAGES_PER_WINDOW`] in any
/// [`KEY_PACKAGE_WINDOW`]. Holds at most that many instants.
#[derive(Clone, Debug, Default)]
pub struct KeyPackageBudget {
    /// When the recent publications were accepted, oldest first.
    recent: VecDeque<Instant>,
}

impl KeyPackageBudget {
    /// Counts one publication at `now`, or refuses it if the window is full.
    pub fn spend(&mut self, now: Instant) -> Result<(), Error> {
        while let Some(&oldest) = self.recent.front() {
            if now.saturating_duration_since(oldest) >= KEY_PACKAGE_WINDOW {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        if self.recent.len() >= KEY_PACKAGES_PER_WINDOW {
            return Err(Error::KeyPackageRateLimited);
        }
        self.recent.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_key_package_budget_refills_over_the_window() {
        let mut budget = KeyPackageBudget::default();
        let start = Instant::now();
        for i in 0..KEY_PACKAGES_PER_WINDOW {
            budget.spend(start + Duration::from_secs(i as u64)).unwrap();
        }
        let late = start + Duration::from_secs(30);
        assert!(matches!(
            budget.spend(late),
            Err(Error::KeyPackageRateLimited)
        ));
        // The first publication leaves the window after a minute.
        budget.spend(start + KEY_PACKAGE_WINDOW).unwrap();
        assert!(budget.spend(start + KEY_PACKAGE_WINDOW).is_err());
        assert_eq!(budget.recent.len(), KEY_PACKAGES_PER_WINDOW);
    }
}
