//! Frame recordings for end-to-end tests (cargo feature `test-hooks`, never in production).
//!
//! The cryptor keeps a copy of each frame before protection (`sent`) and each frame as
//! received before unprotection (`received`), so a test can check what crossed the wire.
//! Each list is capped in frames per codec (so plentiful audio frames cannot crowd out
//! video ones) and in bytes; frames beyond the cap are not recorded.

use std::collections::HashMap;

use crate::codec::Codec;

/// Most frames kept per list and codec.
pub const MAX_FRAMES_PER_CODEC: usize = 300;
/// Most payload bytes kept per list.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// One recorded frame.
pub struct RecordedFrame {
    /// The codec the worker named.
    pub codec: Codec,
    /// Leading bytes that are (sent) or were (received) in clear.
    pub clear_bytes: usize,
    /// The frame bytes.
    pub data: Vec<u8>,
}

/// A capped list of frames.
#[derive(Default)]
pub struct FrameList {
    /// The frames, oldest first.
    pub frames: Vec<RecordedFrame>,
    frames_per_codec: HashMap<Codec, usize>,
    bytes: usize,
}

impl FrameList {
    fn push(&mut self, codec: Codec, clear_bytes: usize, data: &[u8]) {
        let frames_of_codec = self.frames_per_codec.entry(codec).or_default();
        if *frames_of_codec >= MAX_FRAMES_PER_CODEC || self.bytes + data.len() > MAX_BYTES {
            return;
        }
        *frames_of_codec += 1;
        self.bytes += data.len();
        self.frames.push(RecordedFrame {
            codec,
            clear_bytes,
            data: data.to_vec(),
        });
    }
}

/// The two recorded lists.
#[derive(Default)]
pub struct Recordings {
    /// Frames before protection.
    pub sent: FrameList,
    /// Frames as received, before unprotection.
    pub received: FrameList,
}

impl Recordings {
    pub(crate) fn record_sent(&mut self, codec: Codec, clear_bytes: usize, data: &[u8]) {
        self.sent.push(codec, clear_bytes, data);
    }

    pub(crate) fn record_received(&mut self, codec: Codec, clear_bytes: usize, data: &[u8]) {
        self.received.push(codec, clear_bytes, data);
    }
}
