//! The level of each remote member's decrypted audio, measured in this browser with Web
//! Audio (an analyser on the stream the tile plays; nothing is played twice), turned into
//! "speaking" or not by [`crate::speech_activity`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_protocol::ParticipantId;
use gloo::timers::callback::Interval;
use web_sys::{AudioContext, MediaStream};
use yew::Callback;

use super::audio_meter::AudioMeter;
use super::now_ms;
use crate::speech_activity::SpeechActivity;

/// How often the levels are read, in milliseconds.
const MEASURE_INTERVAL_MS: u32 = 100;

struct Watched {
    stream_id: String,
    meter: AudioMeter,
    activity: SpeechActivity,
}

struct Inner {
    context: AudioContext,
    watched: RefCell<HashMap<ParticipantId, Watched>>,
    on_change: Callback<(ParticipantId, bool)>,
}

/// The audio levels of the streams it watches; `on_change` hears who starts or stops
/// speaking. Dropping it stops measuring and closes its audio context.
pub struct AudioLevels {
    inner: Rc<Inner>,
    _timer: Interval,
}

impl AudioLevels {
    /// Starts measuring (nothing is watched yet). `None` if the browser has no Web Audio.
    pub fn start(on_change: Callback<(ParticipantId, bool)>) -> Option<Self> {
        let context = AudioContext::new().ok()?;
        let inner = Rc::new(Inner {
            context,
            watched: RefCell::new(HashMap::new()),
            on_change,
        });
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        let timer = Interval::new(MEASURE_INTERVAL_MS, move || {
            if let Some(inner) = weak.upgrade() {
                inner.measure();
            }
        });
        Some(Self {
            inner,
            _timer: timer,
        })
    }

    /// Watches `participant`'s audio in `stream` (instead of a stream watched before).
    /// A stream without audio is not watched.
    pub fn watch(&self, participant: ParticipantId, stream: &MediaStream) {
        let stream_id = stream.id();
        let same = self
            .inner
            .watched
            .borrow()
            .get(&participant)
            .is_some_and(|watched| watched.stream_id == stream_id);
        if same {
            return;
        }
        self.forget(participant);
        let Some(meter) = AudioMeter::attach(&self.inner.context, stream) else {
            return;
        };
        self.inner.watched.borrow_mut().insert(
            participant,
            Watched {
                stream_id,
                meter,
                activity: SpeechActivity::default(),
            },
        );
    }

    /// Stops watching `participant` (they left, or their stream changed); if they were
    /// speaking, they no longer are.
    pub fn forget(&self, participant: ParticipantId) {
        let removed = self.inner.watched.borrow_mut().remove(&participant);
        if let Some(mut watched) = removed {
            if watched.activity.observe(0.0, f64::INFINITY) == Some(false) {
                self.inner.on_change.emit((participant, false));
            }
        }
    }
}

impl Inner {
    fn measure(&self) {
        let now = now_ms();
        let mut changes = Vec::new();
        for (participant, watched) in self.watched.borrow_mut().iter_mut() {
            let level = watched.meter.level();
            if let Some(speaking) = watched.activity.observe(level, now) {
                changes.push((*participant, speaking));
            }
        }
        for change in changes {
            self.on_change.emit(change);
        }
    }
}

impl Drop for AudioLevels {
    fn drop(&mut self) {
        // Each meter disconnects as it drops.
        self.inner.watched.borrow_mut().clear();
        let _ = self.inner.context.close();
    }
}
