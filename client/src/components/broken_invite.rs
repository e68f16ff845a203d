use yew::prelude::*;

use crate::hooks::{use_app, use_translator};
use crate::invite::InviteError;
use crate::services::navigation;
use crate::state::{Action, Page};

/// Properties of [`BrokenInvitePage`].
#[derive(Properties, PartialEq)]
pub struct BrokenInviteProps {
    /// What is wrong with the link.
    pub error: InviteError,
}

#[function_component(GoHomeButton)]
fn go_home_button() -> Html {
    let t = use_translator();
    let Some(app) = use_app() else {
        return Html::default();
    };
    let go_home = Callback::from(move |_: MouseEvent| {
        navigation::push("/");
        app.dispatch(Action::Navigate(Page::Home));
    });
    html! {
        <button type="button" class="primary" onclick={go_home}>{ t.get("broken-invite-go-home") }</button>
    }
}

/// A meeting link without a usable key: explained, never joined.
#[function_component(BrokenInvitePage)]
pub fn broken_invite_page(props: &BrokenInviteProps) -> Html {
    let t = use_translator();
    let message = match props.error {
        InviteError::MissingKey => t.get("broken-invite-missing-key"),
        InviteError::MalformedKey => t.get("broken-invite-malformed-key"),
        _ => t.get("broken-invite-damaged"),
    };
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ t.get("broken-invite-title") }</h1>
                <p class="error" role="alert">{ message }</p>
                <p class="muted">{ t.get("broken-invite-never-without-key") }</p>
                <GoHomeButton />
            </div>
        </main>
    }
}

/// Any path that is not a page.
#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    let t = use_translator();
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ t.get("not-found-title") }</h1>
                <p>{ t.get("not-found-detail") }</p>
                <GoHomeButton />
            </div>
        </main>
    }
}
