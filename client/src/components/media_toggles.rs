use yew::prelude::*;

use crate::hooks::{use_app, use_translator, AppContext};
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
    let t = use_translator();
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
    let microphone_label = if app.microphone_on {
        t.get("media-toggles-mute-microphone")
    } else {
        t.get("media-toggles-unmute-microphone")
    };
    let camera_label = if app.camera_on {
        t.get("media-toggles-camera-off")
    } else {
        t.get("media-toggles-camera-on")
    };
    html! {
        <>
            <button type="button" class={classes!("toggle", (!app.microphone_on).then_some("toggle-off"))}
                    onclick={on_microphone} {disabled} aria-keyshortcuts={shortcut("M")}>
                { microphone_label }
            </button>
            <button type="button" class={classes!("toggle", (!app.camera_on).then_some("toggle-off"))}
                    onclick={on_camera} {disabled} aria-keyshortcuts={shortcut("V")}>
                { camera_label }
            </button>
        </>
    }
}
