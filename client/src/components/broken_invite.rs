use yew::prelude::*;

use crate::hooks::use_app;
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
    let Some(app) = use_app() else {
        return Html::default();
    };
    let go_home = Callback::from(move |_: MouseEvent| {
        navigation::push("/");
        app.dispatch(Action::Navigate(Page::Home));
    });
    html! {
        <button type="button" class="primary" onclick={go_home}>{ "Go to the home page" }</button>
    }
}

/// A meeting link without a usable key: explained, never joined.
#[function_component(BrokenInvitePage)]
pub fn broken_invite_page(props: &BrokenInviteProps) -> Html {
    let message = match props.error {
        InviteError::MissingKey => "This link has no meeting key: the part after # is missing. Ask the person who invited you for the complete link.",
        InviteError::MalformedKey => "This link has no meeting key that works: the part after # is damaged or incomplete. Ask the person who invited you for the complete link.",
        _ => "This meeting link is damaged. Ask the person who invited you for the link again.",
    };
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ "Cannot open this meeting" }</h1>
                <p class="error" role="alert">{ message }</p>
                <p class="muted">{ "Conclave never joins a meeting without its key: the key is what keeps the meeting private." }</p>
                <GoHomeButton />
            </div>
        </main>
    }
}

/// Any path that is not a page.
#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ "Page not found" }</h1>
                <p>{ "There is nothing at this address." }</p>
                <GoHomeButton />
            </div>
        </main>
    }
}
