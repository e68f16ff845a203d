//! What a remote tile says about decryption, derived from the worker's running totals.
//!
//! Pure and clock-free: every call takes `now_ms` (milliseconds on any monotonic clock
//! that the caller uses consistently).

use crate::worker_protocol::MediaKind;

/// How far back "recently" reaches, in milliseconds.
pub const RECENT_MS: f64 = 2_000.0;

/// The decryption state of one remote participant, as shown on its tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecryptionStatus {
    /// No frame has been decrypted recently, and none failed either.
    WaitingForKey,
    /// Frames (audio or video) decrypted within the last [`RECENT_MS`].
    Decrypting,
    /// Frames fail to decrypt and none succeeded within the last [`RECENT_MS`].
    CannotDecrypt,
}

impl DecryptionStatus {
    /// The exact text on the tile (tests look for these strings).
    pub fn label(self) -> &'static str {
        match self {
            DecryptionStatus::WaitingForKey => "Waiting for key",
            DecryptionStatus::Decrypting => "Decrypting",
            DecryptionStatus::CannotDecrypt => "Cannot decrypt",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct KindHistory {
    decrypted: u64,
    failed: u64,
    last_decrypted_at: Option<f64>,
    last_failed_at: Option<f64>,
}

impl KindHistory {
    fn record(&mut self, decrypted: u64, failed: u64, now_ms: f64) {
        // Running totals only grow; a smaller total means a new transform started
        // counting from zero, and anything above zero in it is news.
        if decrypted > self.decrypted || (decrypted < self.decrypted && decrypted > 0) {
            self.last_decrypted_at = Some(now_ms);
        }
        if failed > self.failed || (failed < self.failed && failed > 0) {
            self.last_failed_at = Some(now_ms);
        }
        self.decrypted = decrypted;
        self.failed = failed;
    }
}

/// The receive history of one remote participant, across its audio and video.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReceiveHistory {
    audio: KindHistory,
    video: KindHistory,
}

impl ReceiveHistory {
    /// Takes in one `receiveStats` message received at `now_ms`.
    pub fn record(&mut self, kind: MediaKind, decrypted: u64, failed: u64, now_ms: f64) {
        match kind {
            MediaKind::Audio => self.audio.record(decrypted, failed, now_ms),
            MediaKind::Video => self.video.record(decrypted, failed, now_ms),
        }
    }

    /// The status to show at `now_ms`.
    pub fn status(&self, now_ms: f64) -> DecryptionStatus {
        let latest = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let success = latest(self.audio.last_decrypted_at, self.video.last_decrypted_at);
        let failure = latest(self.audio.last_failed_at, self.video.last_failed_at);
        let recent = |at: Option<f64>| at.is_some_and(|at| now_ms - at <= RECENT_MS);
        if recent(success) {
            DecryptionStatus::Decrypting
        } else if recent(failure) {
            DecryptionStatus::CannotDecrypt
        } else {
            match (success, failure) {
                // Failures were the last thing we saw: that does not heal by silence.
                (None, Some(_)) => DecryptionStatus::CannotDecrypt,
                (Some(s), Some(f)) if f >= s => DecryptionStatus::CannotDecrypt,
                _ => DecryptionStatus::WaitingForKey,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_received_means_waiting_for_key() {
        assert_eq!(
            ReceiveHistory::default().status(10_000.0),
            DecryptionStatus::WaitingForKey
        );
    }

    #[test]
    fn recent_successes_in_either_kind_mean_decrypting() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Audio, 5, 0, 1_000.0);
        assert_eq!(history.status(1_500.0), DecryptionStatus::Decrypting);
        history.record(MediaKind::Video, 0, 3, 1_600.0);
        assert_eq!(history.status(1_700.0), DecryptionStatus::Decrypting);
    }

    #[test]
    fn failures_without_successes_mean_cannot_decrypt() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, 0, 4, 1_000.0);
        assert_eq!(history.status(1_100.0), DecryptionStatus::CannotDecrypt);
        assert_eq!(history.status(9_000.0), DecryptionStatus::CannotDecrypt);
    }

    #[test]
    fn old_successes_do_not_hide_new_failures() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, 10, 0, 1_000.0);
        history.record(MediaKind::Video, 10, 5, 4_000.0);
        assert_eq!(history.status(4_100.0), DecryptionStatus::CannotDecrypt);
        // Unchanged totals are not news.
        history.record(MediaKind::Video, 10, 5, 7_000.0);
        assert_eq!(history.status(7_000.0), DecryptionStatus::CannotDecrypt);
        history.record(MediaKind::Video, 11, 5, 7_500.0);
        assert_eq!(history.status(7_600.0), DecryptionStatus::Decrypting);
    }

    #[test]
    fn silence_after_success_goes_back_to_waiting() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Audio, 10, 0, 1_000.0);
        assert_eq!(history.status(3_500.0), DecryptionStatus::WaitingForKey);
    }

    #[test]
    fn labels_are_the_documented_strings() {
        assert_eq!(DecryptionStatus::WaitingForKey.label(), "Waiting for key");
        assert_eq!(DecryptionStatus::Decrypting.label(), "Decrypting");
        assert_eq!(DecryptionStatus::CannotDecrypt.label(), "Cannot decrypt");
    }
}
