//! The browser's side of languages: which it prefers, and the page's `lang` attribute.

use crate::i18n::Language;

/// The language the browser asks for (`navigator.languages`, most preferred first), if
/// the app speaks one of them; else English.
pub fn browser_language() -> Language {
    let Some(navigator) = web_sys::window().map(|window| window.navigator()) else {
        return Language::English;
    };
    let tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    Language::preferred(tags.iter().map(String::as_str))
}

/// Marks the page as written in `language` (screen readers pick their voice by it).
pub fn set_document_language(language: Language) {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("lang", language.code());
    }
}
