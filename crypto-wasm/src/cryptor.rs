//! The per-worker state behind the JavaScript `FrameCryptor`, in plain Rust.
//!
//! One [`Cryptor`] serves every transform of a page: one sender key (so one counter for all
//! outgoing tracks) and one receive [`KeyRing`]. Until a key source is set, both directions
//! fail closed with [`Error::NoKeySource`].

use crate::codec::Codec;
use crate::header::KeyId;
use crate::meeting_secret::{KeySource, MeetingSecret};
use crate::receiver::{KeyRing, DEFAULT_CAPACITY};
use crate::sender::SenderContext;
use crate::suite::CipherSuite;
use crate::Error;

struct Session {
    sender: SenderContext,
    receiver: KeyRing,
}

/// Protects outgoing and unprotects incoming frames for one page.
pub struct Cryptor {
    suite: CipherSuite,
    session: Option<Session>,
    /// Every KID this cryptor has sent under: reusing one would restart its counter at 0.
    used_send_kids: Vec<KeyId>,
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
            session: None,
            used_send_kids: Vec::new(),
            #[cfg(feature = "test-hooks")]
            recordings: crate::recording::Recordings::default(),
        }
    }

    /// Sets the key source to the meeting secret, sending under `sender_kid`.
    ///
    /// # Errors
    /// [`Error::InvalidKeyLength`] unless `secret` is 32 bytes;
    /// [`Error::SenderKeyIdReused`] if this cryptor already sent under `sender_kid`.
    pub fn use_meeting_secret(&mut self, secret: &[u8], sender_kid: KeyId) -> Result<(), Error> {
        let source = KeySource::MeetingSecret(MeetingSecret::from_slice(secret)?);
        self.use_key_source(source, sender_kid)
    }

    /// Sets the key source, sending under `sender_kid` (counter from 0). Replaces any
    /// previous source and forgets its receive keys.
    ///
    /// # Errors
    /// [`Error::SenderKeyIdReused`] if this cryptor already sent under `sender_kid`.
    pub fn use_key_source(&mut self, source: KeySource, sender_kid: KeyId) -> Result<(), Error> {
        if self.used_send_kids.contains(&sender_kid) {
            return Err(Error::SenderKeyIdReused);
        }
        self.used_send_kids.push(sender_kid);
        let sender = SenderContext::from_source(&source, self.suite, sender_kid);
        let mut receiver = KeyRing::new(source, self.suite, DEFAULT_CAPACITY);
        receiver.exclude_own_kid(sender_kid);
        self.session = Some(Session { sender, receiver });
        Ok(())
    }

    /// Whether a key source is set.
    pub fn has_key_source(&self) -> bool {
        self.session.is_some()
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
        let session = self.session.as_mut().ok_or(Error::NoKeySource)?;
        let prefix_len = codec.prefix_len(key_frame);
        let protected = session.sender.protect_frame(frame, prefix_len)?;
        #[cfg(feature = "test-hooks")]
        {
            let clear = crate::codec::clear_len(prefix_len, protected.len(), self.suite);
            self.recordings.record_sent(codec, clear, frame);
        }
        Ok(protected)
    }

    /// Unprotects an incoming frame (see [`KeyRing::unprotect_frame`]).
    ///
    /// # Errors
    /// [`Error::NoKeySource`] before a key source is set, else [`Error::DecryptionFailed`].
    pub fn unprotect(
        &mut self,
        frame: &[u8],
        codec: Codec,
        key_frame: bool,
    ) -> Result<Vec<u8>, Error> {
        let prefix_len = codec.prefix_len(key_frame);
        #[cfg(feature = "test-hooks")]
        {
            let clear = crate::codec::clear_len(prefix_len, frame.len(), self.suite);
            self.recordings.record_received(codec, clear, frame);
        }
        let session = self.session.as_mut().ok_or(Error::NoKeySource)?;
        session.receiver.unprotect_frame(frame, prefix_len)
    }

    /// Takes the frames recorded so far (test builds only).
    #[cfg(feature = "test-hooks")]
    pub fn take_recordings(&mut self) -> crate::recording::Recordings {
        std::mem::take(&mut self.recordings)
    }
}
