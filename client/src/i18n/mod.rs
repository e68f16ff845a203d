//! The languages the app speaks, and its words in each: every visible string comes from a
//! Fluent catalogue (`client/locales/<language>/*.ftl`), looked up by message id through a
//! [`Translator`]. A component gets its translator from `hooks::use_translator`, so it
//! renders again when the person picks another language.
//!
//! The security code is digits, and names are the people's own: nothing there to translate.

mod catalogue;
mod frame_suite;

pub use catalogue::message_ids;
pub use frame_suite::frame_suite_message_id;

use std::fmt;

use fluent_bundle::{FluentArgs, FluentValue};

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    #[allow(missing_docs)]
    English,
    #[allow(missing_docs)]
    German,
    #[allow(missing_docs)]
    French,
}

impl Language {
    /// Every language, in the switcher's order.
    pub const ALL: [Language; 3] = [Language::English, Language::German, Language::French];

    /// The BCP 47 code (`<html lang>`, the stored choice, the catalogue's folder).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
            Language::French => "fr",
        }
    }

    /// The language's name in itself, as a switcher lists it (whatever language is on).
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::German => "Deutsch",
            Language::French => "Français",
        }
    }

    /// The language a BCP 47 tag asks for (`de-CH` is German), if the app speaks it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|language| language.code() == primary)
    }

    /// The first of the browser's languages (most preferred first) the app speaks, else
    /// English.
    pub fn preferred<'a>(browser_languages: impl IntoIterator<Item = &'a str>) -> Self {
        browser_languages
            .into_iter()
            .find_map(Self::from_tag)
            .unwrap_or(Language::English)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.native_name())
    }
}

/// Looks up the interface's words in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translator {
    language: Language,
}

impl Translator {
    /// Looks up words in `language`.
    pub fn new(language: Language) -> Self {
        Self { language }
    }

    /// The language it speaks.
    pub fn language(self) -> Language {
        self.language
    }

    /// The message `id` (falling back to English, then to the id itself, which a test
    /// of the catalogues keeps from happening).
    pub fn get(self, id: &str) -> String {
        catalogue::format(self.language, id, None)
    }

    /// The message `id` with its variables (`&[("count", 3_usize.into())]`).
    pub fn with(self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.to_fluent());
        }
        catalogue::format(self.language, id, Some(&fluent_args))
    }
}

/// Unicode FIRST STRONG ISOLATE: opens a run laid out on its own, in its own direction.
const ISOLATE_START: char = '\u{2068}';
/// POP DIRECTIONAL ISOLATE: closes it.
const ISOLATE_END: char = '\u{2069}';

/// `name` between isolation marks (FSI ... PDI, as Fluent would put them). A name cannot
/// close the isolate early: display names refuse every bidi control
/// (`conclave_protocol::DisplayName`), and any left are dropped here anyway.
pub fn isolate(name: &str) -> String {
    let inner = name
        .chars()
        .filter(|c| !matches!(*c, ISOLATE_START | ISOLATE_END));
    std::iter::once(ISOLATE_START)
        .chain(inner)
        .chain(std::iter::once(ISOLATE_END))
        .collect()
}

/// A piece of a formatted sentence: plain words, or an isolated name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Words of the sentence.
    Words(&'a str),
    /// A name that was [`isolate`]d (without its marks).
    Name(&'a str),
}

/// Splits `text` at its isolation marks, so that a component can render each name in a
/// `<bdi>` element (the same isolation, without invisible characters in the page's text).
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(ISOLATE_START) {
        if start > 0 {
            pieces.push(Piece::Words(&rest[..start]));
        }
        let after = &rest[start + ISOLATE_START.len_utf8()..];
        let end = after.find(ISOLATE_END).unwrap_or(after.len());
        pieces.push(Piece::Name(&after[..end]));
        rest = after
            .get(end + ISOLATE_END.len_utf8()..)
            .unwrap_or_default();
    }
    if !rest.is_empty() {
        pieces.push(Piece::Words(rest));
    }
    pieces
}

/// `text` as the page shows it: its names' isolation marks become `<bdi>` elements, so
/// that the words read the same without them.
#[cfg(test)]
pub(crate) fn as_read(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Words(words) | Piece::Name(words) => words,
        })
        .collect()
}

/// A message variable: text (a name, a device) or a whole number (Fluent picks the
/// plural by it). Only whole numbers: Fluent would panic on a NaN.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg(ArgValue);

#[derive(Clone, Debug, PartialEq)]
enum ArgValue {
    Text(String),
    Number(u64),
}

impl Arg {
    /// A person's name inside a sentence, isolated ([`isolate`]) so that a right-to-left
    /// name cannot reorder the words around it. For visible text (rendered through
    /// `components::sentence`); labels for assistive technology take the plain name.
    pub fn name(name: &str) -> Self {
        Arg(ArgValue::Text(isolate(name)))
    }

    fn to_fluent(&self) -> FluentValue<'static> {
        match &self.0 {
            ArgValue::Text(text) => FluentValue::from(text.clone()),
            ArgValue::Number(number) => FluentValue::from(*number),
        }
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg(ArgValue::Text(text.to_owned()))
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg(ArgValue::Text(text))
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Arg(ArgValue::Text(text.clone()))
    }
}

impl From<usize> for Arg {
    fn from(number: usize) -> Self {
        Arg(ArgValue::Number(number as u64))
    }
}

impl From<u32> for Arg {
    fn from(number: u32) -> Self {
        Arg(ArgValue::Number(u64::from(number)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_picks_the_first_one_spoken() {
        assert_eq!(Language::preferred(["de-CH", "en"]), Language::German);
        assert_eq!(Language::preferred(["it", "fr-BE", "de"]), Language::French);
        assert_eq!(Language::preferred(["it", "es"]), Language::English);
        assert_eq!(Language::preferred([]), Language::English);
        assert_eq!(Language::from_tag("FR"), Some(Language::French));
        assert_eq!(Language::from_tag(""), None);
    }

    #[test]
    fn messages_take_their_variables_and_plurals() {
        let english = Translator::new(Language::English);
        assert_eq!(english.get("language-label"), "Language");
        let german = Translator::new(Language::German);
        assert_eq!(german.get("language-label"), "Sprache");
        let joined = |t: Translator, names: &str, count: usize| {
            t.with(
                "announcement-joined",
                &[("names", names.into()), ("count", count.into())],
            )
        };
        assert_eq!(
            joined(english, "Ada", 1),
            "Ada joined the encrypted meeting"
        );
        assert_eq!(
            joined(german, "Ada", 1),
            "Ada ist der verschlüsselten Besprechung beigetreten"
        );
        assert_eq!(
            joined(german, "Ada, Bo", 2),
            "Ada, Bo sind der verschlüsselten Besprechung beigetreten"
        );
        let french = Translator::new(Language::French);
        assert_ne!(
            joined(french, "Ada", 1),
            joined(french, "Ada, Bo", 2).replace(", Bo", "")
        );
    }

    #[test]
    fn a_name_is_isolated_from_the_words_around_it() {
        let english = Translator::new(Language::English);
        // Hebrew "Dana": written right to left, it would otherwise take the neighbouring
        // punctuation into its run.
        let name = "\u{05D3}\u{05E0}\u{05D4}";
        let text = english.with("roster-you", &[("name", Arg::name(name))]);
        assert_eq!(text, format!("\u{2068}{name}\u{2069} (you)"));
        assert_eq!(pieces(&text), [Piece::Name(name), Piece::Words(" (you)")]);
        // A stray mark inside a name cannot end the isolation early.
        assert_eq!(isolate("a\u{2069}b"), "\u{2068}ab\u{2069}");
        assert_eq!(
            pieces("Ada and \u{2068}Bo\u{2069}, \u{2068}Cy\u{2069}!"),
            [
                Piece::Words("Ada and "),
                Piece::Name("Bo"),
                Piece::Words(", "),
                Piece::Name("Cy"),
                Piece::Words("!"),
            ]
        );
        assert_eq!(pieces("no names"), [Piece::Words("no names")]);
        assert_eq!(pieces("\u{2068}open"), [Piece::Name("open")]);
    }

    #[test]
    fn an_unknown_id_shows_itself() {
        assert_eq!(
            Translator::new(Language::French).get("no-such-message"),
            "no-such-message"
        );
    }
}
