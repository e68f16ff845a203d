//! Who is speaking, from the level of their decrypted audio as this browser plays it (the
//! RTP audio-level header extension is not negotiated, so nobody on the way learns it).
//!
//! Pure: the page measures (`services::audio_levels`), this decides.

/// The RMS level (samples in -1..1) above which a sample window counts as speech: about
/// -34 dBFS, above line noise and below normal speech.
pub const SPEAKING_LEVEL: f32 = 0.02;
/// How long someone still counts as speaking after their last loud window, in ms (the
/// pauses between words must not make the outline blink).
pub const SPEAKING_HOLD_MS: f64 = 800.0;

/// The root mean square of `samples`.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f32 = samples.iter().map(|sample| sample * sample).sum();
    (sum / samples.len() as f32).sqrt()
}

/// The root mean square of the loudest run of `stretch` samples in `samples` (runs side
/// by side; a shorter last one counts too).
pub fn loudest_stretch(samples: &[f32], stretch: usize) -> f32 {
    samples.chunks(stretch.max(1)).map(rms).fold(0.0, f32::max)
}

/// One person's speech, observed window by window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpeechActivity {
    speaking: bool,
    last_loud_ms: Option<f64>,
}

impl SpeechActivity {
    /// Takes the level of one window measured at `now_ms`; returns the new state when it
    /// changes.
    pub fn observe(&mut self, level: f32, now_ms: f64) -> Option<bool> {
        if level >= SPEAKING_LEVEL {
            self.last_loud_ms = Some(now_ms);
        }
        let speaking = self
            .last_loud_ms
            .is_some_and(|loud| now_ms - loud < SPEAKING_HOLD_MS);
        (speaking != self.speaking).then(|| {
            self.speaking = speaking;
            speaking
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_the_root_mean_square() {
        assert_eq!(rms(&[]), 0.0);
        assert!((rms(&[0.5, -0.5, 0.5, -0.5]) - 0.5).abs() < 1e-6);
        assert!(rms(&[0.001; 128]) < SPEAKING_LEVEL);
    }

    #[test]
    fn a_short_sound_in_a_long_reading_counts_as_loud_as_it_is() {
        let mut reading = vec![0.0_f32; 8192];
        // 20 ms of a beep at 48 kHz, somewhere in 170 ms of silence.
        for (i, sample) in reading[3000..3960].iter_mut().enumerate() {
            *sample = if i % 120 < 60 { 0.5 } else { -0.5 };
        }
        assert!(rms(&reading) < 0.2, "thinned out over the whole reading");
        assert!((loudest_stretch(&reading, 512) - 0.5).abs() < 1e-6);
        assert_eq!(loudest_stretch(&[], 512), 0.0);
        assert_eq!(loudest_stretch(&[0.3, -0.3, 0.3], 512), 0.3);
    }

    #[test]
    fn speech_starts_at_once_and_ends_after_the_hold() {
        let mut activity = SpeechActivity::default();
        assert_eq!(activity.observe(0.0, 0.0), None);
        assert_eq!(activity.observe(0.1, 100.0), Some(true));
        // A pause between words keeps it.
        assert_eq!(activity.observe(0.0, 500.0), None);
        assert_eq!(activity.observe(0.2, 600.0), None);
        assert_eq!(activity.observe(0.0, 600.0 + SPEAKING_HOLD_MS - 1.0), None);
        assert_eq!(activity.observe(0.0, 600.0 + SPEAKING_HOLD_MS), Some(false));
        assert_eq!(activity.observe(0.0, 5_000.0), None);
    }
}
