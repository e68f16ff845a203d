use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::MediaToggles;
use crate::hooks::use_app;
use crate::services::{clipboard, media, navigation};
use crate::state::{Action, Page};

/// How long "Link copied" stays, in milliseconds.
const COPIED_NOTICE_MS: u32 = 4_000;

/// The meeting's control bar: switches, "Copy invite link", "Leave".
#[function_component(Controls)]
pub fn controls() -> Html {
    let app = use_app();
    let copy_notice = use_state(|| None::<String>);
    let notice_timer = use_mut_ref(|| None::<Timeout>);
    let Some(app) = app else {
        return Html::default();
    };

    let copy_link = {
        let link = match &app.page {
            Page::Meeting(invite) => Some(invite.link(&navigation::origin())),
            _ => None,
        };
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
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(stream) = app.local_media.stream() {
                media::stop_all(stream);
            }
            if let Some(screen) = &app.screen {
                screen.stop();
            }
            app.dispatch(Action::Leave);
        })
    };

    let sharing = app.screen.is_some();
    let toggle_screen = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(screen) = app.screen.clone() {
                screen.stop();
                app.dispatch(Action::ShareScreen(None));
                return;
            }
            let app = app.clone();
            spawn_local(async move {
                match media::start_screen_capture().await {
                    Ok(screen) => {
                        // The browser's own "Stop sharing" ends the track: back to the camera.
                        let dispatcher = app.dispatcher();
                        let ended = Closure::once_into_js(move || {
                            dispatcher.dispatch(Action::ShareScreen(None))
                        });
                        screen.set_onended(Some(ended.unchecked_ref()));
                        app.dispatch(Action::ShareScreen(Some(screen)));
                    }
                    Err(error) => app.dispatch(Action::MeetingError(format!(
                        "Screen sharing did not start: {error}"
                    ))),
                }
            });
        })
    };

    html! {
        <nav class="controls" aria-label="Meeting controls">
            <MediaToggles />
            <button type="button" aria-pressed={sharing.to_string()} onclick={toggle_screen}>
                { if sharing { "Stop sharing" } else { "Share screen" } }
            </button>
            <button type="button" onclick={copy_link}>{ "Copy invite link" }</button>
            <button type="button" class="danger" onclick={leave}>{ "Leave" }</button>
            <span class="copy-notice" aria-live="polite">
                { (*copy_notice).clone().unwrap_or_default() }
            </span>
        </nav>
    }
}
