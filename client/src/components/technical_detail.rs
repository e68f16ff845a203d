use yew::prelude::*;

use crate::hooks::use_translator;

/// Properties of [`TechnicalDetail`].
#[derive(Properties, PartialEq)]
pub struct TechnicalDetailProps {
    /// The words of the browser, a library or the server about a problem (`None`: the
    /// problem has none, and nothing is shown).
    #[prop_or_default]
    pub detail: Option<String>,
}

/// A problem's technical detail, after the sentence that tells the problem: folded away
/// under "Technical details", marked as English (browsers, libraries and the server write
/// it in English, and a screen reader then reads it so), and logged to the console when
/// it is first shown (again if another page shows it).
/// Details come from error messages, which hold no key material.
#[function_component(TechnicalDetail)]
pub fn technical_detail(props: &TechnicalDetailProps) -> Html {
    let t = use_translator();
    use_effect_with(props.detail.clone(), |detail| {
        if let Some(detail) = detail {
            gloo::console::warn!(format!("Conclave: {detail}"));
        }
    });
    let Some(detail) = &props.detail else {
        return Html::default();
    };
    html! {
        <details class="technical-detail">
            <summary>{ t.get("technical-details") }</summary>
            <code lang="en">{ detail.clone() }</code>
        </details>
    }
}
