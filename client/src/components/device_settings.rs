use yew::prelude::*;

use super::TechnicalDetail;
use crate::hooks::{choose_device, refresh_devices, use_app, use_microphone_level, use_translator};
use crate::media_source::MediaKind;
use crate::services::describe_js_error;
use crate::services::media::{device_of, Device, DeviceKind};
use crate::services::sound::{play_test_tone, speaker_choice_supported};

/// Camera, microphone and speaker pickers, a live microphone level and a test tone: in
/// the lobby and in the meeting's settings. A picked camera or microphone replaces the
/// local track in place (the meeting sends it through the same encrypting sender); a
/// picked speaker plays every remote member.
#[function_component(DeviceSettings)]
pub fn device_settings() -> Html {
    let t = use_translator();
    let app = use_app();
    let stream = app
        .as_ref()
        .and_then(|app| app.local_media.stream().cloned());
    let revision = app.as_ref().map_or(0, |app| app.local_tracks_revision);
    let level = use_microphone_level(stream.clone(), revision);
    // Why the last test sound did not play, if it did not (the browser's words).
    let tone_failure = use_state(|| None::<String>);
    {
        // Listed on mount, and again whenever a device comes or goes.
        let dispatcher = app.as_ref().map(|app| app.dispatcher());
        use_effect_with((), move |_| {
            let listener = dispatcher.and_then(|dispatcher| {
                refresh_devices(dispatcher.clone());
                let devices = web_sys::window()?.navigator().media_devices().ok()?;
                Some(gloo::events::EventListener::new(
                    &devices,
                    "devicechange",
                    move |_| refresh_devices(dispatcher.clone()),
                ))
            });
            move || drop(listener)
        });
    }
    let Some(app) = app else {
        return Html::default();
    };

    let picker = |kind: DeviceKind, id: &'static str, label: String| {
        let current = match kind.media_kind() {
            Some(media_kind) => stream
                .as_ref()
                .and_then(|stream| device_of(stream, media_kind)),
            None => app.speaker.clone(),
        };
        let devices: Vec<&Device> = app
            .devices
            .iter()
            .filter(|device| device.kind == kind)
            .collect();
        let on_change = {
            let app = app.clone();
            Callback::from(move |event: Event| {
                let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
                choose_device(&app, kind, select.value());
            })
        };
        let disabled = devices.is_empty() || kind.media_kind().is_some() && stream.is_none();
        html! {
            <div class="device-picker">
                <label for={id}>{ label.clone() }</label>
                <select {id} onchange={on_change} {disabled}>
                    if devices.is_empty() {
                        <option value="">{ t.get("device-settings-none-found") }</option>
                    }
                    { for devices.iter().enumerate().map(|(n, device)| {
                        let name = if device.label.is_empty() {
                            // Unnamed until capture is allowed: "Camera 1".
                            t.with(
                                "device-settings-unnamed",
                                &[("device", (&label).into()), ("count", (n + 1).into())],
                            )
                        } else {
                            device.label.clone()
                        };
                        html! {
                            <option value={device.id.clone()}
                                    selected={current.as_deref() == Some(device.id.as_str())}>
                                { name }
                            </option>
                        }
                    }) }
                </select>
            </div>
        }
    };
    let has_microphone = stream.as_ref().is_some_and(|stream| {
        crate::services::media::first_track(stream, MediaKind::Audio).is_some()
    });
    let test_tone = {
        let speaker = app.speaker.clone();
        let tone_failure = tone_failure.clone();
        Callback::from(move |_: MouseEvent| {
            let played = play_test_tone(speaker.as_deref());
            tone_failure.set(played.err().map(|error| describe_js_error(&error)));
        })
    };
    html! {
        <fieldset class="device-settings">
            <legend>{ t.get("device-settings-legend") }</legend>
            { picker(DeviceKind::Camera, "camera-select", t.get("device-settings-camera")) }
            { picker(DeviceKind::Microphone, "microphone-select", t.get("device-settings-microphone")) }
            if has_microphone {
                <div class="device-picker">
                    <label for="microphone-level">{ t.get("device-settings-microphone-level") }</label>
                    <meter id="microphone-level" min="0" max="1" value={level.to_string()}
                           data-testid="microphone-level" />
                </div>
            }
            if speaker_choice_supported() {
                { picker(DeviceKind::Speaker, "speaker-select", t.get("device-settings-speaker")) }
            }
            <button type="button" onclick={test_tone}>{ t.get("device-settings-test-sound") }</button>
            if tone_failure.is_some() {
                <div class="small" role="status">
                    { t.get("device-settings-test-sound-failed") }
                    <TechnicalDetail detail={(*tone_failure).clone()} />
                </div>
            }
        </fieldset>
    }
}
