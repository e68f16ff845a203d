use yew::prelude::*;

use crate::hooks::{use_app, AppContext};
use crate::media_source::MediaKind;
use crate::services::media::set_kind_enabled;
use crate::state::Action;

/// Flips the microphone (the button and the `M` shortcut).
pub fn toggle_microphone(app: &AppContext) {
    let on = !app.microphone_on;
    if let Some(stream) = app.local_media.stream() {
        set_kind_enabled(stream, MediaKind::Audio, on);
    }
    app.dispatch(Action::SetMicrophone(on));
}

/// Flips the camera (the button and the `V` shortcut).
pub fn toggle_camera(app: &AppContext) {
    let on = !app.camera_on;
    if let Some(stream) = app.local_media.stream() {
        set_kind_enabled(stream, MediaKind::Video, on);
    }
    app.dispatch(Action::SetCamera(on));
}

/// Properties of [`MediaToggles`].
#[derive(Properties, PartialEq)]
pub struct MediaTogglesProps {
    /// The page's keyboard shortcuts work here (the meeting's, not the lobby's).
    #[prop_or_default]
    pub shortcuts: bool,
}

/// The microphone and camera switches ("Mute microphone"/"Unmute microphone",
/// "Turn camera off"/"Turn camera on"). They flip `track.enabled`; a disabled track
/// still sends (encrypted) silence or black frames.
#[function_component(MediaToggles)]
pub fn media_toggles(props: &MediaTogglesProps) -> Html {
    let Some(app) = use_app() else {
        return Html::default();
    };
    let disabled = app.local_media.stream().is_none();
    let shortcut = |key: &'static str| props.shortcuts.then_some(key);
    let on_microphone = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| toggle_microphone(&app))
    };
    let on_camera = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| toggle_camera(&app))
    };
    html! {
        <>
            <button type="button" class={classes!("toggle", (!app.microphone_on).then_some("toggle-off"))}
                    onclick={on_microphone} {disabled} aria-keyshortcuts={shortcut("M")}>
                { if app.microphone_on { "Mute microphone" } else { "Unmute microphone" } }
            </button>
            <button type="button" class={classes!("toggle", (!app.camera_on).then_some("toggle-off"))}
                    onclick={on_camera} {disabled} aria-keyshortcuts={shortcut("V")}>
                { if app.camera_on { "Turn camera off" } else { "Turn camera on" } }
            </button>
        </>
    }
}
