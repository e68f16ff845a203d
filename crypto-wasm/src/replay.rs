//! Receiver anti-replay, RFC 9605 section 9.3: a sliding window over the CTR of one sender
//! key, adapted from SRTP's replay list (RFC 3711 section 3.3.2).
//!
//! The window remembers the highest counter that authenticated under the key and which of the
//! [`REPLAY_WINDOW`] counters at or below it were seen. A frame is refused as
//! [`Error::Replayed`] when its counter was already accepted, or is so far below the highest
//! one that the window no longer knows (too old). The receiver consults the window only after
//! the frame authenticated, and moves it only then ([`ReplayWindow::accept`]): a forged frame
//! with a huge counter cannot slide the window and so cannot make real frames look too old,
//! and [`Error::Replayed`] always means a genuine frame seen twice (or very late), never a
//! forgery, which stays [`Error::DecryptionFailed`]. (SRTP checks before authenticating to save
//! work; with AES-GCM a forgery costs the same AEAD pass as a replay, so nothing is lost.)
//!
//! Width: Conclave's sender uses one counter for every track under its key (audio, camera,
//! every simulcast layer), about 100-200 counters per second, and a receiver sees those
//! tracks through separate jitter buffers and retransmissions. 1024 counters is several seconds
//! of reordering across tracks, for 128 bytes per key. There is one window per KID (under MLS
//! a KID names a sender in one epoch), kept with its epoch in [`crate::mls_keys`] from the
//! KID's first authenticated frame until the epoch is dropped, apart from the bounded cache of
//! derived keys: a key evicted from the cache and derived again keeps its window. At most
//! [`crate::mls_keys::MAX_KIDS_PER_EPOCH`] KIDs per epoch get one, so memory is bounded.

use crate::header::Counter;
use crate::Error;

/// How many counters, ending at the highest one accepted, the window tracks.
pub const REPLAY_WINDOW: u64 = 1024;

/// Words of the bitmap.
const WORDS: usize = (REPLAY_WINDOW / 64) as usize;

/// The anti-replay state of one receive key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayWindow {
    /// The highest counter accepted, `None` before the first frame.
    highest: Option<u64>,
    /// Bit `c % REPLAY_WINDOW` set: counter `c` (within the window) was accepted.
    seen: [u64; WORDS],
}

impl Default for ReplayWindow {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplayWindow {
    /// A window that has accepted nothing yet.
    pub const fn new() -> Self {
        Self {
            highest: None,
            seen: [0; WORDS],
        }
    }

    /// The highest counter accepted so far.
    pub fn highest(&self) -> Option<Counter> {
        self.highest.map(Counter)
    }

    fn slot(ctr: u64) -> (usize, u64) {
        let bit = ctr % REPLAY_WINDOW;
        // `bit / 64 < WORDS`, so the index is in range and the cast is exact.
        ((bit / 64) as usize, 1 << (bit % 64))
    }

    fn is_set(&self, ctr: u64) -> bool {
        let (word, mask) = Self::slot(ctr);
        self.seen[word] & mask != 0
    }

    fn set(&mut self, ctr: u64) {
        let (word, mask) = Self::slot(ctr);
        self.seen[word] |= mask;
    }

    fn clear(&mut self, ctr: u64) {
        let (word, mask) = Self::slot(ctr);
        self.seen[word] &= !mask;
    }

    /// Checks `ctr` before authentication; changes nothing.
    ///
    /// # Errors
    /// [`Error::Replayed`] if `ctr` was already accepted or is older than the window.
    pub fn check(&self, ctr: Counter) -> Result<(), Error> {
        let Some(highest) = self.highest else {
            return Ok(());
        };
        if ctr.0 > highest {
            return Ok(());
        }
        if highest - ctr.0 >= REPLAY_WINDOW || self.is_set(ctr.0) {
            return Err(Error::Replayed);
        }
        Ok(())
    }

    /// Records `ctr` as accepted. Call only after the frame authenticated, and after
    /// [`ReplayWindow::check`] passed for it.
    pub fn accept(&mut self, ctr: Counter) {
        let ctr = ctr.0;
        match self.highest {
            Some(highest) if ctr <= highest => {
                if highest - ctr < REPLAY_WINDOW {
                    self.set(ctr);
                }
            }
            Some(highest) if ctr - highest < REPLAY_WINDOW => {
                // Counters highest+1..=ctr enter the window; their slots held the counters
                // that leave it.
                for entering in highest + 1..=ctr {
                    self.clear(entering);
                }
                self.set(ctr);
                self.highest = Some(ctr);
            }
            _ => {
                // First frame, or a jump past the whole window: nothing earlier is known.
                self.seen = [0; WORDS];
                self.set(ctr);
                self.highest = Some(ctr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(window: &mut ReplayWindow, ctr: u64) -> Result<(), Error> {
        window.check(Counter(ctr))?;
        window.accept(Counter(ctr));
        Ok(())
    }

    #[test]
    fn each_counter_once_in_any_order_within_the_window() {
        let mut window = ReplayWindow::new();
        for ctr in [5, 3, 4, 0, 1, 2, 9, 7] {
            assert_eq!(accept(&mut window, ctr), Ok(()), "{ctr}");
            assert_eq!(window.check(Counter(ctr)), Err(Error::Replayed), "{ctr}");
        }
        assert_eq!(accept(&mut window, 8), Ok(()));
        assert_eq!(accept(&mut window, 6), Ok(()));
        assert_eq!(window.highest(), Some(Counter(9)));
    }

    #[test]
    fn window_slides_and_forgets_what_falls_out() {
        let mut window = ReplayWindow::new();
        assert_eq!(accept(&mut window, 0), Ok(()));
        assert_eq!(accept(&mut window, REPLAY_WINDOW - 1), Ok(()));
        // 0 is still inside (highest - 0 < W) and was seen.
        assert_eq!(window.check(Counter(0)), Err(Error::Replayed));
        assert_eq!(accept(&mut window, 1), Ok(()));
        assert_eq!(accept(&mut window, REPLAY_WINDOW + 1), Ok(()));
        // 0 and 1 are now too old; 2 is the oldest still tracked and was never seen.
        assert_eq!(window.check(Counter(0)), Err(Error::Replayed));
        assert_eq!(window.check(Counter(1)), Err(Error::Replayed));
        assert_eq!(accept(&mut window, 2), Ok(()));
        // The slot of REPLAY_WINDOW (same as 0's) was cleared when it entered.
        assert_eq!(accept(&mut window, REPLAY_WINDOW), Ok(()));
    }

    #[test]
    fn a_big_jump_resets_the_bitmap() {
        let mut window = ReplayWindow::new();
        for ctr in 0..10 {
            assert_eq!(accept(&mut window, ctr), Ok(()));
        }
        assert_eq!(accept(&mut window, 10 * REPLAY_WINDOW + 3), Ok(()));
        assert_eq!(window.check(Counter(9)), Err(Error::Replayed));
        assert_eq!(accept(&mut window, 9 * REPLAY_WINDOW + 4), Ok(()));
        assert_eq!(accept(&mut window, u64::MAX), Ok(()));
        assert_eq!(window.check(Counter(u64::MAX)), Err(Error::Replayed));
        assert_eq!(accept(&mut window, u64::MAX - 1), Ok(()));
    }
}
