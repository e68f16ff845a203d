//! The level of one stream's audio, read with a Web Audio analyser (nothing is played: the
//! analyser is connected to no output).

use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamAudioSourceNode};

use crate::speech_activity::loudest_stretch;

/// Samples per reading: about 170 ms at 48 kHz, longer than the 100 ms between readings,
/// so that no sound falls between two of them (a short window read now and then can miss
/// a short sound every time, when the two keep the same rhythm).
const WINDOW_SAMPLES: u32 = 8192;
/// The level is the loudest stretch of this many samples in the reading (about 11 ms), so
/// that a short sound counts as loud as it is, not thinned out over the whole reading.
const STRETCH_SAMPLES: usize = 512;

/// An analyser on one stream's audio, in a context its owner keeps.
pub struct AudioMeter {
    source: MediaStreamAudioSourceNode,
    analyser: AnalyserNode,
    samples: Vec<f32>,
}

impl AudioMeter {
    /// Measures `stream`'s audio in `context`; `None` without audio (or Web Audio).
    pub fn attach(context: &AudioContext, stream: &MediaStream) -> Option<Self> {
        if stream.get_audio_tracks().length() == 0 {
            return None;
        }
        // A context made before the person's first click starts suspended.
        let _ = context.resume();
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(WINDOW_SAMPLES);
        source.connect_with_audio_node(&analyser).ok()?;
        Some(Self {
            source,
            analyser,
            samples: vec![0.0; WINDOW_SAMPLES as usize],
        })
    }

    /// The root mean square of the loudest stretch of the latest reading (samples in
    /// -1..1).
    pub fn level(&mut self) -> f32 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        loudest_stretch(&self.samples, STRETCH_SAMPLES)
    }
}

impl Drop for AudioMeter {
    fn drop(&mut self) {
        let _ = self.source.disconnect();
    }
}
