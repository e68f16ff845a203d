use yew::prelude::*;

use crate::hooks::start_local_media;
use crate::hooks::use_app;

/// After "Leave": a way back in.
#[function_component(LeftPage)]
pub fn left_page() -> Html {
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
                <h1>{ "You left the meeting" }</h1>
                <p>{ "Your camera and microphone are off. The meeting goes on for the others." }</p>
                <div class="row">
                    <button type="button" class="primary" onclick={rejoin} disabled={starting}>
                        { "Rejoin" }
                    </button>
                    <a class="button-link" href="/">{ "Home" }</a>
                </div>
            </div>
        </main>
    }
}
