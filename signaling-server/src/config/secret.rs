//! [`Secret`]: a configured secret (Janus `api_secret`, the TURN shared secret) that is
//! wiped from memory when dropped and never printed.

use std::fmt;

use zeroize::Zeroizing;

/// A secret string from the configuration. Its `Debug` prints `<redacted>`, it has no
/// `Display`, and its bytes are zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(Zeroizing::new(text.into()))
    }

    /// The secret itself, for the one place that must use it (a request, an HMAC key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
