//! The per-worker state behind the JavaScript `FrameCryptor`, in plain Rust.
//!
//! One [`Cryptor`] serves every transform of a page: one sender key (so one counter for all
//! outgoing tracks) and the receive keys, all from the MLS epochs ([`crate::mls_keys`]) the
//! page hands over. Until the first epoch key, both directions fail closed with
//! [`Error::NoKeySource`].

use crate::binding::SenderBinding;
use crate::codec::{structured, Codec, Layout};
use crate::mls_keys::EpochKeys;
use crate::suite::CipherSuite;
use crate::Error;

pub mod split_aead;

/// A successfully unprotected frame.
pub struct Unprotected {
    /// `clear prefix || plaintext`.
    pub frame: Vec<u8>,
    /// The MLS epoch the frame was sent in.
    pub epoch: u64,
    /// The sender's MLS leaf index, from the KID whose key authenticated the frame.
    pub sender_index: u64,
    /// Whether this frame bound its receiver to `sender_index` (an SFU feed's first
    /// authenticated frame, or its first since a release): the page is to be told.
    pub bound_now: bool,
}

/// Protects outgoing and unprotects incoming frames for one page.
pub struct Cryptor {
    suite: CipherSuite,
    /// The MLS epochs, from the first epoch key on.
    keys: Option<EpochKeys>,
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
    /// A cryptor for `suite` with no key yet.
    pub fn new(suite: CipherSuite) -> Self {
        Self {
            suite,
            keys: None,
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
    /// Only before the first epoch key: keys are derived for one suite.
    ///
    /// # Errors
    /// [`Error::SuiteAfterKey`] once an epoch key was set (even with the same suite).
    pub fn use_suite(&mut self, suite: CipherSuite) -> Result<(), Error> {
        if self.keys.is_some() {
            return Err(Error::SuiteAfterKey);
        }
        self.suite = suite;
        Ok(())
    }

    /// Adds the MLS `epoch` with its exported `base_key` and sends in it at once as leaf
    /// `sender_index` (see [`EpochKeys::add_epoch`]).
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
        if let Some(epochs) = &mut self.keys {
            epochs.add_epoch(now_ms, epoch, base_key, sender_index)?;
        } else {
            let mut epochs = EpochKeys::new(self.suite);
            epochs.add_epoch(now_ms, epoch, base_key, sender_index)?;
            self.keys = Some(epochs);
        }
        self.key_generation.bump();
        Ok(())
    }

    /// Whether an epoch key is set.
    pub fn has_key_source(&self) -> bool {
        self.keys.is_some()
    }

    /// Mesh: the page names the leaf a peer receiver accepts (`None`: none), bound from the
    /// current send epoch on if it changed ([`SenderBinding::expect`]).
    pub fn expect_sender(&self, binding: &mut SenderBinding, sender: Option<u32>) {
        binding.expect(sender, self.send_epoch());
    }

    /// The MLS epoch frames are sent in, once epoch keys are in use.
    pub fn send_epoch(&self) -> Option<u64> {
        self.keys.as_ref().and_then(EpochKeys::send_epoch)
    }

    /// Protects an outgoing frame (see [`EpochKeys::protect_frame`]).
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before the first epoch key, else as
    /// [`EpochKeys::protect_frame`].
    pub fn protect(
        &mut self,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
    ) -> Result<Vec<u8>, Error> {
        let keys = self.keys.as_mut().ok_or(Error::NoKeySource)?;
        let mut seal = |frame: &[u8], prefix_len: usize| keys.protect_frame(frame, prefix_len);
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

    /// Unprotects an incoming frame at `now_ms` (it decides the grace of old epochs) for the
    /// receiver bound by `binding` ([`crate::binding`]): frames of any other sender are
    /// refused before authentication, and an authenticated frame may bind it.
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before the first epoch key; else as
    /// [`EpochKeys::unprotect_frame_from`].
    pub fn unprotect(
        &mut self,
        now_ms: u64,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
        binding: &mut SenderBinding,
    ) -> Result<Unprotected, Error> {
        let layout = codec.layout(key_frame);
        #[cfg(feature = "test-hooks")]
        {
            let clear = Self::recorded_clear_len(layout, frame.len(), self.suite);
            self.recordings.record_received(codec, clear, frame);
        }
        let keys = self.keys.as_mut().ok_or(Error::NoKeySource)?;
        let mut open = |frame: &[u8], prefix_len: usize| {
            keys.unprotect_frame_from(now_ms, frame, prefix_len, binding)
                .map(|unprotected| {
                    let source = (
                        unprotected.epoch,
                        unprotected.sender_index,
                        unprotected.bound_now,
                    );
                    (unprotected.frame, source)
                })
        };
        let (frame, (epoch, sender_index, bound_now)) = match layout {
            Layout::ClearPrefix(prefix_len) => open(frame, prefix_len)?,
            Layout::Structured(format) => structured::unprotect(format, frame, open)?,
        };
        Ok(Unprotected {
            frame,
            epoch,
            sender_index,
            bound_now,
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
