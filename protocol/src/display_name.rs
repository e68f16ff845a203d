//! The one rule for a participant's display name, as a type ("parse, don't validate").
//!
//! A [`DisplayName`] is 1 to [`MAX_DISPLAY_NAME_CHARS`] characters (Unicode scalar
//! values), with no whitespace at either end and no control characters (nor the
//! invisible marks that reorder text, see [`is_control`]). Two ways lead to one:
//! - [`DisplayName::parse`] refuses text that breaks the rule once trimmed, and
//!   deserializing refuses it.
//! - [`DisplayName::clean`] makes a name out of any text, for names a person typed (the
//!   lobby) and names read from another member's MLS credential: control characters are
//!   dropped and the text is trimmed and cut at the limit.
//!
//! Names travel only inside MLS credentials (since protocol 4 the server is told none);
//! the rule is the one the server held until then, so a name it accepted reads the same
//! through `clean`.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Longest display name, in characters (Unicode scalar values).
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// A control character (`Cc`); one of the invisible marks that set the direction of the
/// text around them (bidirectional embeddings, overrides, isolates and marks), which would
/// make the name, and the words after it on screen, read as other words; or an invisible
/// character that only hides in a name (zero-width space, word joiner, byte-order mark,
/// soft hyphen, Hangul fillers, tags, …), which would make "A\u{200B}da" pass for Ada or
/// a name show blank. The zero-width (non-)joiners stay: emoji and Persian need them.
fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// A participant's display name (see the module docs for the rule). On the wire it is a
/// JSON string; deserializing refuses one that breaks the rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// Trims `text` and accepts it if what remains is a display name.
    pub fn parse(text: &str) -> Result<Self, DisplayNameError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if trimmed.chars().any(is_control) {
            return Err(DisplayNameError::ControlCharacter);
        }
        if trimmed.chars().count() > MAX_DISPLAY_NAME_CHARS {
            return Err(DisplayNameError::TooLong);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The display name `text` makes, whatever it holds: control characters that are
    /// whitespace (a tab, a line break) become a space, so "Ada\nLovelace" keeps its two
    /// words, and the other control characters are dropped; surrounding whitespace
    /// trimmed, the first [`MAX_DISPLAY_NAME_CHARS`] characters kept. `None` when nothing
    /// is left. Equal to [`DisplayName::parse`] on every text that `parse` accepts.
    pub fn clean(text: &str) -> Option<Self> {
        let printable: String = text
            .chars()
            .filter_map(|c| match c {
                c if is_control(c) && c.is_whitespace() => Some(' '),
                c if is_control(c) => None,
                c => Some(c),
            })
            .collect();
        let capped: String = printable
            .trim()
            .chars()
            .take(MAX_DISPLAY_NAME_CHARS)
            .collect();
        let name = capped.trim_end();
        (!name.is_empty()).then(|| Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DisplayName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DisplayName {
    /// A JSON string that [`DisplayName::parse`] accepts; otherwise an error naming the
    /// rule it breaks.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

impl From<DisplayName> for String {
    fn from(name: DisplayName) -> Self {
        name.0
    }
}

/// Why a text is not a display name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisplayNameError {
    /// Nothing but whitespace.
    Empty,
    /// More than [`MAX_DISPLAY_NAME_CHARS`] characters once trimmed.
    TooLong,
    /// A control character (a line break, a tab, NUL...).
    ControlCharacter,
}

impl fmt::Display for DisplayNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a display name cannot be empty"),
            Self::TooLong => write!(
                f,
                "a display name is at most {MAX_DISPLAY_NAME_CHARS} characters"
            ),
            Self::ControlCharacter => f.write_str("a display name cannot hold control characters"),
        }
    }
}

impl std::error::Error for DisplayNameError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        let longest = "é".repeat(MAX_DISPLAY_NAME_CHARS);
        assert_eq!(DisplayName::parse(&longest).unwrap().as_str(), longest);
        assert_eq!(DisplayName::parse(""), Err(DisplayNameError::Empty));
        assert_eq!(DisplayName::parse(" \t "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(MAX_DISPLAY_NAME_CHARS + 1)),
            Err(DisplayNameError::TooLong)
        );
        for name in ["Ada\u{0}Lovelace", "Ada\nLovelace", "a\u{7}b", "a\u{85}b"] {
            assert_eq!(
                DisplayName::parse(name),
                Err(DisplayNameError::ControlCharacter)
            );
        }
    }

    #[test]
    fn the_wire_form_is_a_json_string_and_invalid_names_are_refused() {
        let name = DisplayName::parse("Ada Lovelace").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), r#""Ada Lovelace""#);
        let read: DisplayName = serde_json::from_str(r#"" Ada ""#).unwrap();
        assert_eq!(read.as_str(), "Ada");
        for (json, why) in [
            (r#""   ""#, "cannot be empty"),
            (r#""a\u0007b""#, "control characters"),
            (r#"7"#, "a string"),
        ] {
            let error = serde_json::from_str::<DisplayName>(json).unwrap_err();
            assert!(error.to_string().contains(why), "{json}: {error}");
        }
        let too_long = serde_json::to_string(&"x".repeat(65)).unwrap();
        let error = serde_json::from_str::<DisplayName>(&too_long).unwrap_err();
        assert!(
            error.to_string().contains("at most 64 characters"),
            "{error}"
        );
    }

    /// A rogue member names itself with a right-to-left override so that its name (and the
    /// words after it in a sentence such as "… joined") read as someone else's: "Mallory"
    /// spelled backwards after U+202E shows as "yrollaM". Every bidirectional control is
    /// refused or dropped; right-to-left letters themselves (Arabic, Hebrew names) stay.
    #[test]
    fn a_name_cannot_reorder_the_text_around_it() {
        for control in [
            '\u{202E}', '\u{202D}', '\u{202A}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            let spoof = format!("{control}yrollaM");
            assert_eq!(
                DisplayName::parse(&spoof),
                Err(DisplayNameError::ControlCharacter),
                "U+{:04X}",
                u32::from(control)
            );
            let cleaned = DisplayName::clean(&spoof);
            assert_eq!(cleaned.as_ref().map(DisplayName::as_str), Some("yrollaM"));
        }
        // Invisible characters pass no name off as another, and make no blank name.
        for hidden in [
            '\u{200B}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{3164}',
            '\u{E0041}',
        ] {
            assert_eq!(
                DisplayName::clean(&format!("A{hidden}da")).map(|name| name.0),
                Some("Ada".to_owned())
            );
            assert_eq!(DisplayName::clean(&format!("{hidden}{hidden}")), None);
        }
        assert_eq!(
            DisplayName::clean("Ada\u{2028}Lovelace").map(|name| name.0),
            Some("Ada Lovelace".to_owned())
        );
        // The joiners that emoji and Persian need stay.
        assert_eq!(
            DisplayName::parse("👩\u{200D}💻 Ada").map(|name| name.0),
            Ok("👩\u{200D}💻 Ada".to_owned())
        );
        assert_eq!(
            DisplayName::parse("سارة").map(|name| name.0),
            Ok("سارة".to_owned())
        );
        assert_eq!(
            DisplayName::parse("דנה").map(|name| name.0),
            Ok("דנה".to_owned())
        );
    }

    #[test]
    fn cleaning_makes_a_name_of_any_text() {
        let clean = |text: &str| DisplayName::clean(text).map(String::from);
        assert_eq!(clean("  Ada  ").as_deref(), Some("Ada"));
        assert_eq!(clean("A\u{7}da\n").as_deref(), Some("Ada"));
        assert_eq!(clean("\u{1} Ada").as_deref(), Some("Ada"));
        assert_eq!(clean("Ada\nLovelace").as_deref(), Some("Ada Lovelace"));
        assert_eq!(clean("Ada\tLovelace").as_deref(), Some("Ada Lovelace"));
        assert_eq!(clean(" \t\u{0} "), None);
        let capped = clean(&"é".repeat(100)).unwrap();
        assert_eq!(capped.chars().count(), MAX_DISPLAY_NAME_CHARS);
        // Cut before a space: no trailing whitespace.
        let cut = format!("{} tail", "x".repeat(MAX_DISPLAY_NAME_CHARS - 1));
        assert_eq!(clean(&cut).unwrap(), "x".repeat(MAX_DISPLAY_NAME_CHARS - 1));
    }

    #[test]
    fn cleaning_keeps_every_name_parse_accepts() {
        for text in [
            "Ada",
            "  Ada Lovelace ",
            "李小龍",
            "Zoë 🎉",
            &"é".repeat(MAX_DISPLAY_NAME_CHARS),
        ] {
            assert_eq!(
                DisplayName::clean(text).unwrap(),
                DisplayName::parse(text).unwrap()
            );
        }
    }
}
