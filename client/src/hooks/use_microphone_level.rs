use gloo::timers::callback::Interval;
use web_sys::{AudioContext, MediaStream};
use yew::prelude::*;

use crate::services::audio_meter::AudioMeter;

/// How often the level is read, in milliseconds.
const LEVEL_INTERVAL_MS: u32 = 100;
/// The level shown at full scale (speech peaks near it; the meter is not a VU meter).
const FULL_SCALE: f32 = 0.3;
/// How much of a peak is left after each reading: peaks fade over about a second instead
/// of flickering past.
const PEAK_DECAY: f32 = 0.8;

/// The microphone's level in `stream` (0 to 1), read while mounted; `revision` changes
/// when the microphone is another device's track. Zero without a microphone.
#[hook]
pub fn use_microphone_level(stream: Option<MediaStream>, revision: u64) -> f32 {
    let level = use_state(|| 0.0_f32);
    {
        let level = level.clone();
        use_effect_with((stream, revision), move |(stream, _)| {
            let meter = stream.as_ref().and_then(|stream| {
                let context = AudioContext::new().ok()?;
                let mut meter = AudioMeter::attach(&context, stream)?;
                let mut shown = 0.0_f32;
                let interval = Interval::new(LEVEL_INTERVAL_MS, move || {
                    let now = (meter.level() / FULL_SCALE).min(1.0);
                    shown = now.max(shown * PEAK_DECAY);
                    level.set(shown);
                });
                Some((context, interval))
            });
            move || {
                if let Some((context, interval)) = meter {
                    drop(interval);
                    let _ = context.close();
                }
            }
        });
    }
    *level
}
