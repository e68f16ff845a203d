//! The meeting security code: five words from the MLS epoch authenticator
//! (RFC 9420 section 8.7). Everyone in one epoch sees the same words; a member in the
//! middle would hold a different epoch authenticator and see different ones.

use std::fmt;
use std::sync::OnceLock;

/// How many words a security code has (one per authenticator byte).
pub const WORDS_PER_CODE: usize = 5;

/// The fixed word list, one per line, 256 entries.
const WORD_LIST: &str = include_str!("words.txt");

/// The 256 words, indexed by byte value.
pub fn word_list() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        WORD_LIST
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    })
}

/// A meeting security code: the epoch it belongs to and its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityCode {
    /// The MLS epoch the code was derived in.
    pub epoch: u64,
    /// The words, in order.
    pub words: Vec<&'static str>,
}

impl SecurityCode {
    /// The code for `epoch` from that epoch's authenticator (its first five bytes).
    pub fn from_epoch_authenticator(epoch: u64, authenticator: &[u8]) -> SecurityCode {
        let list = word_list();
        let words = authenticator
            .iter()
            .take(WORDS_PER_CODE)
            // The list has 256 entries (a test checks it), so every byte indexes it.
            .map(|&b| list.get(usize::from(b)).copied().unwrap_or("?"))
            .collect();
        SecurityCode { epoch, words }
    }
}

/// The words joined by single spaces.
impl fmt::Display for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn word_list_has_256_distinct_lowercase_words() {
        let words = word_list();
        assert_eq!(words.len(), 256);
        let distinct: HashSet<_> = words.iter().collect();
        assert_eq!(distinct.len(), 256);
        for word in words {
            assert!(word.chars().all(|c| c.is_ascii_lowercase()), "{word}");
            assert!((2..=8).contains(&word.len()), "{word}");
        }
    }

    #[test]
    fn code_uses_the_first_five_bytes() {
        let code = SecurityCode::from_epoch_authenticator(3, &[0, 1, 255, 2, 3, 9, 9]);
        let list = word_list();
        assert_eq!(
            code.words,
            vec![list[0], list[1], list[255], list[2], list[3]]
        );
        assert_eq!(code.to_string(), code.words.join(" "));
    }
}
