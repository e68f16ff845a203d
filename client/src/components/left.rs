use yew::prelude::*;

use crate::hooks::start_local_media;
use crate::hooks::{use_app, use_translator};

/// After "Leave": a way back in.
#[function_component(LeftPage)]
pub fn left_page() -> Html {
    let t = use_translator();
    let Some(app) = use_app() else {
        return Html::default();
    };
    let rejoin = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            start_local_media(app.clone(), true);
        })
    };
    let starting = matches!(app.local_media, crate::state::LocalMedia::Starting);
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ t.get("left-title") }</h1>
                <p>{ t.get("left-detail") }</p>
                <div class="row">
                    <button type="button" class="primary" onclick={rejoin} disabled={starting}>
                        { t.get("left-rejoin") }
                    </button>
                    <a class="button-link" href="/">{ t.get("left-home") }</a>
                </div>
            </div>
        </main>
    }
}
