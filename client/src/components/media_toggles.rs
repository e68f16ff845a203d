use yew::prelude::*;

use crate::hooks::use_app;
use crate::media_source::MediaKind;
use crate::services::media::set_kind_enabled;
use crate::state::Action;

/// The microphone and camera switches ("Mute microphone"/"Unmute microphone",
/// "Turn camera off"/"Turn camera on"). They flip `track.enabled`; a disabled track
/// still sends (encrypted) silence or black frames.
#[function_component(MediaToggles)]
pub fn media_toggles() -> Html {
    let Some(app) = use_app() else {
        return Html::default();
    };
    let stream = app.local_media.stream().cloned();
    let disabled = stream.is_none();
    let toggle_microphone = {
        let app = app.clone();
        let stream = stream.clone();
        Callback::from(move |_: MouseEvent| {
            let on = !app.microphone_on;
            if let Some(stream) = &stream {
                set_kind_enabled(stream, MediaKind::Audio, on);
            }
            app.dispatch(Action::SetMicrophone(on));
        })
    };
    let toggle_camera = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let on = !app.camera_on;
            if let Some(stream) = &stream {
                set_kind_enabled(stream, MediaKind::Video, on);
            }
            app.dispatch(Action::SetCamera(on));
        })
    };
    html! {
        <>
            <button type="button" class={classes!("toggle", (!app.microphone_on).then_some("toggle-off"))}
                    onclick={toggle_microphone} {disabled}>
                { if app.microphone_on { "Mute microphone" } else { "Unmute microphone" } }
            </button>
            <button type="button" class={classes!("toggle", (!app.camera_on).then_some("toggle-off"))}
                    onclick={toggle_camera} {disabled}>
                { if app.camera_on { "Turn camera off" } else { "Turn camera on" } }
            </button>
        </>
    }
}
