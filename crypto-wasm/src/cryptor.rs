//! The per-worker state behind the JavaScript `FrameCryptor`, in plain Rust.
//!
//! One [`Cryptor`] serves every transform of a page: one sender key (so one counter for all
//! outgoing tracks) and the receive keys. Two key sources: the meeting secret (first step,
//! [`crate::meeting_secret`]) and MLS epochs ([`crate::mls_keys`]), which replace it for
//! good: once an epoch key was set, the meeting secret is refused. Until a key source is
//! set, both directions fail closed with [`Error::NoKeySource`].

use crate::codec::{structured, Codec, Layout};
use crate::header::KeyId;
use crate::meeting_secret::{KeySource, MeetingSecret};
use crate::mls_keys::EpochKeys;
use crate::receiver::{KeyRing, DEFAULT_CAPACITY};
use crate::sender::SenderContext;
use crate::suite::CipherSuite;
use crate::Error;

pub mod split_aead;

enum Keys {
    MeetingSecret {
        sender: SenderContext,
        receiver: KeyRing,
    },
    Epochs(EpochKeys),
}

/// A successfully unprotected frame.
pub struct Unprotected {
    /// `clear prefix || plaintext`.
    pub frame: Vec<u8>,
    /// The MLS epoch the frame was sent in (`None` under the meeting secret).
    pub epoch: Option<u64>,
    /// The sender's MLS leaf index (`None` under the meeting secret).
    pub sender_index: Option<u64>,
}

/// Protects outgoing and unprotects incoming frames for one page.
pub struct Cryptor {
    suite: CipherSuite,
    keys: Option<Keys>,
    /// Every KID this cryptor has sent under: reusing one would restart its counter at 0.
    used_send_kids: Vec<KeyId>,
    /// Names the current key set for the split AEAD path's WebCrypto key cache.
    key_generation: split_aead::KeyGeneration,
    #[cfg(feature = "test-hooks")]
    recordings: crate::recording::Recordings,
}

impl Default for Cryptor {
    fn default() -> Self {
        Self::new(CipherSuite::default())
    }
}

impl Cryptor {
    /// A cryptor for `suite` with no key source yet.
    pub fn new(suite: CipherSuite) -> Self {
        Self {
            suite,
            keys: None,
            used_send_kids: Vec::new(),
            key_generation: split_aead::KeyGeneration::default(),
            #[cfg(feature = "test-hooks")]
            recordings: crate::recording::Recordings::default(),
        }
    }

    /// The cipher suite frames are protected with.
    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// Sets the cipher suite (a meeting policy: every participant must use the same one).
    /// Only before the first key source: keys are derived for one suite.
    ///
    /// # Errors
    /// [`Error::SuiteAfterKey`] once a key source was set (even with the same suite).
    pub fn use_suite(&mut self, suite: CipherSuite) -> Result<(), Error> {
        if self.keys.is_some() {
            return Err(Error::SuiteAfterKey);
        }
        self.suite = suite;
        Ok(())
    }

    /// Sets the key source to the meeting secret, sending under `sender_kid`.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] unless `secret` is 32 bytes;
    /// [`Error::SenderKeyIdReused`] if this cryptor already sent under `sender_kid`;
    /// [`Error::EpochKeysInUse`] once MLS epoch keys were set.
    pub fn use_meeting_secret(&mut self, secret: &[u8], sender_kid: KeyId) -> Result<(), Error> {
        let source = KeySource::MeetingSecret(MeetingSecret::from_slice(secret)?);
        self.use_key_source(source, sender_kid)
    }

    /// Sets the key source, sending under `sender_kid` (counter from 0). Replaces any
    /// previous meeting secret and forgets its receive keys.
    ///
    /// # Errors
    /// [`Error::SenderKeyIdReused`] if this cryptor already sent under `sender_kid`;
    /// [`Error::EpochKeysInUse`] once MLS epoch keys were set.
    pub fn use_key_source(&mut self, source: KeySource, sender_kid: KeyId) -> Result<(), Error> {
        if matches!(self.keys, Some(Keys::Epochs(_))) {
            return Err(Error::EpochKeysInUse);
        }
        if self.used_send_kids.contains(&sender_kid) {
            return Err(Error::SenderKeyIdReused);
        }
        self.used_send_kids.push(sender_kid);
        let sender = SenderContext::from_source(&source, self.suite, sender_kid);
        let mut receiver = KeyRing::new(source, self.suite, DEFAULT_CAPACITY);
        receiver.exclude_own_kid(sender_kid);
        self.keys = Some(Keys::MeetingSecret { sender, receiver });
        self.key_generation.bump();
        Ok(())
    }

    /// Adds the MLS `epoch` with its exported `base_key` and sends in it at once as leaf
    /// `sender_index` (see [`EpochKeys::add_epoch`]). The first call replaces the meeting
    /// secret, if any.
    ///
    /// # Errors
    /// As [`EpochKeys::add_epoch`]; on error the cryptor is unchanged.
    pub fn use_epoch_key(
        &mut self,
        now_ms: u64,
        epoch: u64,
        base_key: &[u8],
        sender_index: u32,
    ) -> Result<(), Error> {
        if let Some(Keys::Epochs(epochs)) = &mut self.keys {
            epochs.add_epoch(now_ms, epoch, base_key, sender_index)?;
        } else {
            let mut epochs = EpochKeys::new(self.suite);
            epochs.add_epoch(now_ms, epoch, base_key, sender_index)?;
            self.keys = Some(Keys::Epochs(epochs));
        }
        self.key_generation.bump();
        Ok(())
    }

    /// Whether a key source is set.
    pub fn has_key_source(&self) -> bool {
        self.keys.is_some()
    }

    /// The MLS epoch frames are sent in, once epoch keys are in use.
    pub fn send_epoch(&self) -> Option<u64> {
        match &self.keys {
            Some(Keys::Epochs(epochs)) => epochs.send_epoch(),
            _ => None,
        }
    }

    /// Protects an outgoing frame (see [`SenderContext::protect_frame`]).
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before a key source is set, else as
    /// [`SenderContext::protect_frame`].
    pub fn protect(
        &mut self,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
    ) -> Result<Vec<u8>, Error> {
        let keys = self.keys.as_mut().ok_or(Error::NoKeySource)?;
        let mut seal = |frame: &[u8], prefix_len: usize| match keys {
            Keys::MeetingSecret { sender, .. } => sender.protect_frame(frame, prefix_len),
            Keys::Epochs(epochs) => epochs.protect_frame(frame, prefix_len),
        };
        let layout = codec.layout(key_frame);
        let protected = match layout {
            Layout::ClearPrefix(prefix_len) => seal(frame, prefix_len)?,
            Layout::Structured(format) => structured::protect(format, frame, seal)?,
        };
        #[cfg(feature = "test-hooks")]
        {
            let clear = Self::recorded_clear_len(layout, protected.len(), self.suite);
            self.recordings.record_sent(codec, clear, frame);
        }
        Ok(protected)
    }

    /// Unprotects an incoming frame at `now_ms` (the time only matters to epoch keys).
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before a key source is set; [`Error::NoKeyForEpoch`] if the
    /// frame's epoch is not held; else [`Error::DecryptionFailed`].
    pub fn unprotect(
        &mut self,
        now_ms: u64,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
    ) -> Result<Unprotected, Error> {
        let layout = codec.layout(key_frame);
        #[cfg(feature = "test-hooks")]
        {
            let clear = Self::recorded_clear_len(layout, frame.len(), self.suite);
            self.recordings.record_received(codec, clear, frame);
        }
        let keys = self.keys.as_mut().ok_or(Error::NoKeySource)?;
        let mut open = |frame: &[u8], prefix_len: usize| match keys {
            Keys::MeetingSecret { receiver, .. } => receiver
                .unprotect_frame(frame, prefix_len)
                .map(|frame| (frame, None)),
            Keys::Epochs(epochs) => {
                epochs
                    .unprotect_frame(now_ms, frame, prefix_len)
                    .map(|unprotected| {
                        let source = (unprotected.epoch, unprotected.sender_index);
                        (unprotected.frame, Some(source))
                    })
            }
        };
        let (frame, source) = match layout {
            Layout::ClearPrefix(prefix_len) => open(frame, prefix_len)?,
            Layout::Structured(format) => structured::unprotect(format, frame, open)?,
        };
        Ok(Unprotected {
            frame,
            epoch: source.map(|(epoch, _)| epoch),
            sender_index: source.map(|(_, sender)| sender),
        })
    }

    /// The leading clear bytes a recording reports: the prefix, or 0 for structured codecs,
    /// whose clear bytes are spread over the frame.
    #[cfg(feature = "test-hooks")]
    fn recorded_clear_len(layout: Layout, protected_len: usize, suite: CipherSuite) -> usize {
        match layout {
            Layout::ClearPrefix(prefix_len) => {
                crate::codec::clear_len(prefix_len, protected_len, suite)
            }
            Layout::Structured(_) => 0,
        }
    }

    /// Takes the frames recorded so far (test builds only).
    #[cfg(feature = "test-hooks")]
    pub fn take_recordings(&mut self) -> crate::recording::Recordings {
        std::mem::take(&mut self.recordings)
    }
}
