use yew::prelude::*;

use crate::i18n::{Language, Translator};

/// The interface's language, chosen in the switcher; provided once by the root component.
pub type LanguageContext = UseStateHandle<Language>;

/// The translator for the interface's language: the component renders again when the
/// language changes. English outside the root component's provider.
#[hook]
pub fn use_translator() -> Translator {
    let language = use_context::<LanguageContext>().map_or(Language::English, |chosen| *chosen);
    Translator::new(language)
}
