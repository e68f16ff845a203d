//! The level of each remote member's decrypted audio, measured in this browser with Web
//! Audio (an analyser on the stream the tile plays; nothing is played twice), turned into
//! "speaking" or not by [`crate::speech_activity`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use conclave_protocol::ParticipantId;
use gloo::timers::callback::Interval;
use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamAudioSourceNode};
use yew::Callback;

use super::now_ms;
use crate::speech_activity::{rms, SpeechActivity};

/// How often the levels are read, in milliseconds.
const MEASURE_INTERVAL_MS: u32 = 100;
/// Samples per measurement (about 11 ms at 48 kHz).
const WINDOW_SAMPLES: u32 = 512;

struct Watched {
    stream_id: String,
    source: MediaStreamAudioSourceNode,
    analyser: AnalyserNode,
    activity: SpeechActivity,
}

struct Inner {
    context: AudioContext,
    watched: RefCell<HashMap<ParticipantId, Watched>>,
    on_change: Callback<(ParticipantId, bool)>,
    samples: RefCell<Vec<f32>>,
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
            samples: RefCell::new(vec![0.0; WINDOW_SAMPLES as usize]),
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
        if same || stream.get_audio_tracks().length() == 0 {
            return;
        }
        self.forget(participant);
        let context = &self.inner.context;
        // Playback needs no user gesture here (the person clicked Join), but a context made
        // before one starts suspended.
        let _ = context.resume();
        let (Ok(source), Ok(analyser)) = (
            context.create_media_stream_source(stream),
            context.create_analyser(),
        ) else {
            return;
        };
        analyser.set_fft_size(WINDOW_SAMPLES);
        if source.connect_with_audio_node(&analyser).is_err() {
            return;
        }
        self.inner.watched.borrow_mut().insert(
            participant,
            Watched {
                stream_id,
                source,
                analyser,
                activity: SpeechActivity::default(),
            },
        );
    }

    /// Stops watching `participant` (they left, or their stream changed); if they were
    /// speaking, they no longer are.
    pub fn forget(&self, participant: ParticipantId) {
        let removed = self.inner.watched.borrow_mut().remove(&participant);
        if let Some(mut watched) = removed {
            let _ = watched.source.disconnect();
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
        {
            let mut samples = self.samples.borrow_mut();
            let mut watched = self.watched.borrow_mut();
            for (participant, watched) in watched.iter_mut() {
                watched.analyser.get_float_time_domain_data(&mut samples);
                if let Some(speaking) = watched.activity.observe(rms(&samples), now) {
                    changes.push((*participant, speaking));
                }
            }
        }
        for change in changes {
            self.on_change.emit(change);
        }
    }
}

impl Drop for AudioLevels {
    fn drop(&mut self) {
        for (_, watched) in self.inner.watched.borrow_mut().drain() {
            let _ = watched.source.disconnect();
        }
        let _ = self.inner.context.close();
    }
}
