use conclave_protocol::{DisplayName, MAX_DISPLAY_NAME_CHARS};
use yew::prelude::*;

use super::{BuildFooter, DeviceSettings, MediaToggles, TechnicalDetail, VideoView};
use crate::hooks::{start_local_media, use_app, use_translator};
use crate::i18n::frame_suite_message_id;
use crate::services::storage;
use crate::state::{Action, LocalMedia, Page};

/// Name used when the name field is left empty.
const DEFAULT_DISPLAY_NAME: &str = "Guest";

/// The display name to send: the typed text made a [`DisplayName`] (the protocol's one
/// rule: tabs and line breaks made spaces, other control characters dropped, trimmed, at
/// most [`MAX_DISPLAY_NAME_CHARS`]), or
/// [`DEFAULT_DISPLAY_NAME`] when nothing is left.
pub fn display_name_to_send(typed: &str) -> String {
    DisplayName::clean(typed).map_or_else(|| DEFAULT_DISPLAY_NAME.to_owned(), String::from)
}

/// `/m/{room}#{key}` before joining: name, preview, switches.
#[function_component(LobbyPage)]
pub fn lobby_page() -> Html {
    let t = use_translator();
    let app = use_app();
    {
        let app = app.clone();
        use_effect_with((), move |_| {
            if let Some(app) = app {
                if matches!(app.local_media, LocalMedia::Off) {
                    start_local_media(app, false);
                }
            }
        });
    }
    let Some(app) = app else {
        return Html::default();
    };

    let on_name = {
        let app = app.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            app.dispatch(Action::SetDisplayName(input.value()));
        })
    };
    let join = {
        let app = app.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let name = display_name_to_send(&app.display_name);
            storage::remember_display_name(&name);
            app.dispatch(Action::SetDisplayName(name));
            app.dispatch(Action::EnterMeeting);
        })
    };

    let starting = matches!(app.local_media, LocalMedia::Starting | LocalMedia::Off);
    let preview_note = match &app.local_media {
        LocalMedia::Off | LocalMedia::Starting => Some(t.get("lobby-starting-media")),
        LocalMedia::Failed(_) => Some(t.get("lobby-no-media")),
        LocalMedia::Live(_) if !app.camera_on => Some(t.get("lobby-camera-off")),
        LocalMedia::Live(_) => None,
    };
    html! {
        <main class="page lobby">
            <h1>{ t.get("lobby-title") }</h1>
            <div class="lobby-grid">
                <section class="preview" aria-label={t.get("lobby-camera-preview")}>
                    <div class="tile tile-local">
                        <VideoView stream={app.local_media.stream().cloned()} muted=true mirrored=true
                                   revision={app.local_tracks_revision} />
                        if let Some(note) = preview_note {
                            <p class="tile-placeholder">{ note }</p>
                        }
                    </div>
                    <div class="toggles">
                        <MediaToggles />
                    </div>
                    <DeviceSettings />
                    if let Some(notice) = &app.device_notice {
                        <div class="device-notice small" role="status">
                            { notice.text(t) }
                            <TechnicalDetail detail={notice.detail().map(str::to_owned)} />
                        </div>
                    }
                </section>
                <form class="card lobby-form" onsubmit={join}>
                    <label for="display-name">{ t.get("lobby-your-name") }</label>
                    <input id="display-name" type="text" autocomplete="name"
                           maxlength={MAX_DISPLAY_NAME_CHARS.to_string()}
                           value={app.display_name.clone()} oninput={on_name} />
                    <button type="submit" class="primary large" disabled={starting}>
                        { t.get("lobby-join-meeting") }
                    </button>
                    if let Page::Lobby(invite) = &app.page {
                        <p class="small" data-testid="frame-suite">
                            { t.with(
                                "lobby-frame-suite",
                                &[("suite", t.get(frame_suite_message_id(invite.frame_suite())).into())],
                            ) }
                        </p>
                    }
                    <p class="muted small">
                        { t.get("lobby-e2ee-note") }
                    </p>
                </form>
            </div>
            if let LocalMedia::Failed(reason) = &app.local_media {
                <div class="error" role="alert">
                    <p>{ t.with("lobby-media-failed", &[("detail", reason.text(t).into())]) }</p>
                    <TechnicalDetail detail={reason.detail().map(str::to_owned)} />
                </div>
            }
            <BuildFooter />
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_defaulted_and_capped() {
        assert_eq!(display_name_to_send("  Ada  "), "Ada");
        assert_eq!(display_name_to_send("   "), "Guest");
        assert_eq!(
            display_name_to_send("Ada\tL."),
            "Ada L.",
            "a tab is a space, no control character stays"
        );
        assert_eq!(display_name_to_send("Ada\u{7}"), "Ada");
        assert_eq!(
            display_name_to_send(&"é".repeat(100)).chars().count(),
            MAX_DISPLAY_NAME_CHARS
        );
    }
}
