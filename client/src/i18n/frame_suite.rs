//! The words for a frame suite (`conclave_group::FrameSuite`, which cannot carry a
//! catalogue id of its own): the home page offers the suites by these names, the lobby
//! and the security code panel name the meeting's.

use conclave_group::FrameSuite;

/// The catalogue id of `suite`'s short description (in English, [`FrameSuite::label`]).
pub fn frame_suite_message_id(suite: FrameSuite) -> &'static str {
    match suite {
        FrameSuite::Aes128CtrHmacSha256_80 => "security-code-suite-aes-128-ctr-hmac-80",
        FrameSuite::Aes128CtrHmacSha256_64 => "security-code-suite-aes-128-ctr-hmac-64",
        FrameSuite::Aes128CtrHmacSha256_32 => "security-code-suite-aes-128-ctr-hmac-32",
        FrameSuite::Aes128GcmSha256_128 => "security-code-suite-aes-128-gcm",
        FrameSuite::Aes256GcmSha512_128 => "security-code-suite-aes-256-gcm",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, Translator};

    #[test]
    fn every_frame_suite_is_named_as_before_in_english() {
        let english = Translator::new(Language::English);
        for suite in FrameSuite::ALL {
            assert_eq!(english.get(frame_suite_message_id(suite)), suite.label());
        }
    }
}
