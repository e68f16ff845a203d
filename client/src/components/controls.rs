use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::MediaToggles;
use crate::hooks::{use_app, use_session};
use crate::services::{clipboard, navigation};

/// How long "Link copied" stays, in milliseconds.
const COPIED_NOTICE_MS: u32 = 4_000;
/// Shown once a chair made a new invite link.
const LINK_RENEWED_NOTICE: &str = "New invite link: the old one no longer lets anyone in";

/// The meeting's control bar: switches, "Share screen", "Copy invite link", "Leave".
/// Sharing and leaving are commands to the session ([`crate::session::SessionHandle`]).
#[function_component(Controls)]
pub fn controls() -> Html {
    let app = use_app();
    let session = use_session();
    let copy_notice = use_state(|| None::<String>);
    let notice_timer = use_mut_ref(|| None::<Timeout>);
    let (Some(app), Some(session)) = (app, session) else {
        return Html::default();
    };

    let copy_link = {
        // A chair's new link replaces the one the page was opened with.
        let link = app
            .current_invite()
            .map(|invite| invite.link(&navigation::origin()));
        let copy_notice = copy_notice.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(link) = link.clone() else {
                return;
            };
            let copy_notice = copy_notice.clone();
            let notice_timer = notice_timer.clone();
            spawn_local(async move {
                let notice = match clipboard::copy_text(&link).await {
                    Ok(()) => "Link copied".to_owned(),
                    Err(_) => {
                        "Could not copy. Copy the address from the address bar instead.".to_owned()
                    }
                };
                copy_notice.set(Some(notice));
                let clear = copy_notice.clone();
                *notice_timer.borrow_mut() =
                    Some(Timeout::new(COPIED_NOTICE_MS, move || clear.set(None)));
            });
        })
    };
    let leave = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.leave())
    };

    // Until something else is said there: the link this page was opened with stopped
    // working (a chair's new link, or a removal in an open meeting).
    let notice = (*copy_notice).clone().unwrap_or_else(|| {
        if app.meeting.renewed_invite.is_some() {
            LINK_RENEWED_NOTICE.to_owned()
        } else {
            String::new()
        }
    });
    let sharing = app.screen.is_some();
    let toggle_screen = Callback::from(move |_: MouseEvent| {
        if sharing {
            session.stop_sharing();
        } else {
            session.share_screen();
        }
    });

    html! {
        <nav class="controls" aria-label="Meeting controls">
            <MediaToggles />
            <button type="button" aria-pressed={sharing.to_string()} onclick={toggle_screen}>
                { if sharing { "Stop sharing" } else { "Share screen" } }
            </button>
            <button type="button" onclick={copy_link}>{ "Copy invite link" }</button>
            <button type="button" class="danger" onclick={leave}>{ "Leave" }</button>
            <span class="copy-notice" aria-live="polite" data-testid="copy-notice">
                { notice }
            </span>
        </nav>
    }
}
