//! What a remote tile says about decryption, derived from the worker's running totals.
//!
//! Pure and clock-free: every call takes `now_ms` (milliseconds on any monotonic clock
//! that the caller uses consistently).

use crate::media_source::MediaKind;

/// How far back "recently" reaches, in milliseconds.
pub const RECENT_MS: f64 = 2_000.0;

/// The decryption state of one remote participant, as shown on its tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecryptionStatus {
    /// No frame has been decrypted recently, and none failed either (frames of an
    /// epoch whose key has not arrived yet count here, not as failures).
    WaitingForKey,
    /// Frames (audio or video) decrypted within the last [`RECENT_MS`].
    Decrypting,
    /// Frames fail to decrypt and none succeeded within the last [`RECENT_MS`].
    CannotDecrypt,
}

impl DecryptionStatus {
    /// The catalogue id of the text on the tile (tests look for its English words).
    pub fn message_id(self) -> &'static str {
        match self {
            DecryptionStatus::WaitingForKey => "tile-status-waiting-for-key",
            DecryptionStatus::Decrypting => "tile-status-decrypting",
            DecryptionStatus::CannotDecrypt => "tile-status-cannot-decrypt",
        }
    }
}

/// One `receiveStats` message's running totals (docs/ARCHITECTURE.md, "The transform
/// worker"; `without_key` is 0 from a worker that does not count it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameTotals {
    /// Frames decrypted so far.
    pub decrypted: u64,
    /// Frames that failed to decrypt so far (all dropped).
    pub failed: u64,
    /// Frames dropped because their epoch's key has not arrived (or is gone).
    pub without_key: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct KindHistory {
    totals: FrameTotals,
    last_decrypted_at: Option<f64>,
    last_failed_at: Option<f64>,
    last_without_key_at: Option<f64>,
}

/// Whether a running total moved: totals only grow, so a smaller one means a new
/// transform started counting from zero, and anything above zero in it is news.
fn is_news(before: u64, now: u64) -> bool {
    now > before || (now < before && now > 0)
}

impl KindHistory {
    fn record(&mut self, totals: FrameTotals, now_ms: f64) {
        if is_news(self.totals.decrypted, totals.decrypted) {
            self.last_decrypted_at = Some(now_ms);
        }
        if is_news(self.totals.failed, totals.failed) {
            self.last_failed_at = Some(now_ms);
        }
        if is_news(self.totals.without_key, totals.without_key) {
            self.last_without_key_at = Some(now_ms);
        }
        self.totals = totals;
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
    pub fn record(&mut self, kind: MediaKind, totals: FrameTotals, now_ms: f64) {
        match kind {
            MediaKind::Audio => self.audio.record(totals, now_ms),
            MediaKind::Video => self.video.record(totals, now_ms),
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
        let waiting = latest(
            self.audio.last_without_key_at,
            self.video.last_without_key_at,
        );
        let recent = |at: Option<f64>| at.is_some_and(|at| now_ms - at <= RECENT_MS);
        // A failure is the verdict only if nothing newer (a success, or frames of an
        // epoch whose key is still on its way) came after it.
        let failure_is_latest = failure
            .is_some_and(|f| success.is_none_or(|s| f >= s) && waiting.is_none_or(|w| f >= w));
        if recent(success) {
            DecryptionStatus::Decrypting
        } else if failure_is_latest {
            // Failures were the last thing we saw: that does not heal by silence.
            DecryptionStatus::CannotDecrypt
        } else {
            DecryptionStatus::WaitingForKey
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, Translator};

    fn totals(decrypted: u64, failed: u64, without_key: u64) -> FrameTotals {
        FrameTotals {
            decrypted,
            failed,
            without_key,
        }
    }

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
        history.record(MediaKind::Audio, totals(5, 0, 0), 1_000.0);
        assert_eq!(history.status(1_500.0), DecryptionStatus::Decrypting);
        history.record(MediaKind::Video, totals(0, 3, 0), 1_600.0);
        assert_eq!(history.status(1_700.0), DecryptionStatus::Decrypting);
    }

    #[test]
    fn failures_without_successes_mean_cannot_decrypt() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, totals(0, 4, 0), 1_000.0);
        assert_eq!(history.status(1_100.0), DecryptionStatus::CannotDecrypt);
        assert_eq!(history.status(9_000.0), DecryptionStatus::CannotDecrypt);
    }

    #[test]
    fn old_successes_do_not_hide_new_failures() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, totals(10, 0, 0), 1_000.0);
        history.record(MediaKind::Video, totals(10, 5, 0), 4_000.0);
        assert_eq!(history.status(4_100.0), DecryptionStatus::CannotDecrypt);
        // Unchanged totals are not news.
        history.record(MediaKind::Video, totals(10, 5, 0), 7_000.0);
        assert_eq!(history.status(7_000.0), DecryptionStatus::CannotDecrypt);
        history.record(MediaKind::Video, totals(11, 5, 0), 7_500.0);
        assert_eq!(history.status(7_600.0), DecryptionStatus::Decrypting);
    }

    #[test]
    fn silence_after_success_goes_back_to_waiting() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Audio, totals(10, 0, 0), 1_000.0);
        assert_eq!(history.status(3_500.0), DecryptionStatus::WaitingForKey);
    }

    #[test]
    fn frames_without_a_key_mean_waiting_not_failure() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, totals(0, 0, 40), 1_000.0);
        assert_eq!(history.status(1_100.0), DecryptionStatus::WaitingForKey);
        assert_eq!(history.status(9_000.0), DecryptionStatus::WaitingForKey);
    }

    #[test]
    fn an_epoch_switch_after_failures_goes_back_to_waiting() {
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, totals(0, 3, 0), 1_000.0);
        assert_eq!(history.status(1_100.0), DecryptionStatus::CannotDecrypt);
        history.record(MediaKind::Video, totals(0, 3, 8), 1_500.0);
        assert_eq!(history.status(1_600.0), DecryptionStatus::WaitingForKey);
        history.record(MediaKind::Video, totals(0, 9, 8), 2_000.0);
        assert_eq!(history.status(2_100.0), DecryptionStatus::CannotDecrypt);
        history.record(MediaKind::Audio, totals(4, 0, 0), 2_500.0);
        assert_eq!(history.status(2_600.0), DecryptionStatus::Decrypting);
    }

    #[test]
    fn a_removed_member_sees_its_decrypting_stop() {
        // Decrypting, then everything arrives under an epoch it has no key for.
        let mut history = ReceiveHistory::default();
        history.record(MediaKind::Video, totals(100, 0, 0), 1_000.0);
        history.record(MediaKind::Video, totals(100, 0, 50), 4_000.0);
        assert_eq!(history.status(4_100.0), DecryptionStatus::WaitingForKey);
    }

    #[test]
    fn labels_are_the_documented_strings() {
        let english = Translator::new(Language::English);
        let label = |status: DecryptionStatus| english.get(status.message_id());
        assert_eq!(label(DecryptionStatus::WaitingForKey), "Waiting for key");
        assert_eq!(label(DecryptionStatus::Decrypting), "Decrypting");
        assert_eq!(label(DecryptionStatus::CannotDecrypt), "Cannot decrypt");
    }

    #[test]
    fn every_status_has_its_words_in_the_catalogue() {
        let ids = crate::i18n::message_ids(Language::English);
        for status in [
            DecryptionStatus::WaitingForKey,
            DecryptionStatus::Decrypting,
            DecryptionStatus::CannotDecrypt,
        ] {
            assert!(ids.iter().any(|id| id == status.message_id()), "{status:?}");
        }
    }
}
