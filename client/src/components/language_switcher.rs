use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::{use_translator, LanguageContext};
use crate::i18n::Language;
use crate::services::storage;

/// Picks the interface's language; the choice is remembered for the next visit. Each
/// language is listed by its own name, so that someone lost in a foreign one finds theirs.
#[function_component(LanguageSwitcher)]
pub fn language_switcher() -> Html {
    let t = use_translator();
    let chosen = use_context::<LanguageContext>();
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            if let (Some(language), Some(chosen)) = (Language::from_tag(&select.value()), &chosen) {
                storage::remember_language(language);
                chosen.set(language);
            }
        })
    };
    html! {
        <label class="language-switcher">
            <span>{ t.get("language-label") }</span>
            <select {onchange}>
                { for Language::ALL.into_iter().map(|language| html! {
                    <option value={language.code()}
                            lang={language.code()}
                            selected={language == t.language()}>
                        { language.native_name() }
                    </option>
                }) }
            </select>
        </label>
    }
}
