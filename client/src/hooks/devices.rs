//! Picking devices, at the app level (the lobby and the meeting share the local capture):
//! listing them, swapping the camera or microphone for another device's track in the same
//! local stream (the meeting then sends it through the same encrypting sender), and
//! falling back to the default device when one is unplugged.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};
use yew::UseReducerDispatcher;

use super::AppContext;
use crate::media_source::MediaKind;
use crate::notices::DeviceNotice;
use crate::services::media::{self, DeviceKind};
use crate::state::{Action, AppState};

/// Lists the browser's devices into the app state.
pub fn refresh_devices(dispatcher: UseReducerDispatcher<AppState>) {
    spawn_local(async move {
        if let Ok(devices) = media::list_devices().await {
            dispatcher.dispatch(Action::DevicesListed(devices));
        }
    });
}

/// The person picked device `id` of `kind`: a speaker is used for every sound from now
/// on; a camera or microphone replaces the local track of its kind.
pub fn choose_device(app: &AppContext, kind: DeviceKind, id: String) {
    let Some(media_kind) = kind.media_kind() else {
        app.dispatch(Action::SpeakerChosen(id));
        return;
    };
    let Some(stream) = app.local_media.stream().cloned() else {
        return;
    };
    let enabled = match media_kind {
        MediaKind::Audio => app.microphone_on,
        MediaKind::Video => app.camera_on,
    };
    swap_in_device(
        app.dispatcher(),
        stream,
        media_kind,
        Some(id),
        enabled,
        false,
    );
}

/// Watches the local stream's tracks: one that ends by itself (its device was unplugged)
/// is replaced by the default device's, and the person is told.
pub fn watch_local_tracks(dispatcher: UseReducerDispatcher<AppState>, stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            // `Clone::clone`: `stream.clone()` would be `MediaStream.clone()`, a new stream
            // of new tracks.
            watch_track(dispatcher.clone(), Clone::clone(stream), track);
        }
    }
}

fn watch_track(
    dispatcher: UseReducerDispatcher<AppState>,
    stream: MediaStream,
    track: MediaStreamTrack,
) {
    let Some(kind) = MediaKind::parse(&track.kind()) else {
        return;
    };
    let ended = {
        let track = Clone::clone(&track);
        Closure::once_into_js(move || {
            // A track we swapped out ourselves is no longer in the stream: nothing to do.
            let still_ours = stream.get_track_by_id(&track.id()).is_some();
            if !still_ours {
                return;
            }
            swap_in_device(dispatcher, stream, kind, None, track.enabled(), true);
        })
    };
    track.set_onended(Some(ended.unchecked_ref()));
}

/// Captures `kind` from device `id` (`None`: the default), puts it in `stream` instead
/// of the old track (with the switch as it was), and tells the app. `unplugged`: the old
/// device went away (the person did not pick another).
fn swap_in_device(
    dispatcher: UseReducerDispatcher<AppState>,
    stream: MediaStream,
    kind: MediaKind,
    id: Option<String>,
    enabled: bool,
    unplugged: bool,
) {
    spawn_local(async move {
        let notice = match media::capture_track(kind, id.as_deref()).await {
            Ok(track) => {
                // The switch as it is now, not as it was when the device was asked for:
                // muting meanwhile must not come back unmuted.
                let enabled =
                    media::first_track(&stream, kind).map_or(enabled, |old| old.enabled());
                track.set_enabled(enabled);
                media::swap_track(&stream, kind, &track);
                watch_track(dispatcher.clone(), Clone::clone(&stream), track);
                dispatcher.dispatch(Action::LocalTrackSwapped);
                unplugged.then_some(DeviceNotice::Replaced { lost: kind })
            }
            Err(error) => Some(if unplugged {
                DeviceNotice::NoneLeft { lost: kind, error }
            } else {
                DeviceNotice::NotStarted { error }
            }),
        };
        dispatcher.dispatch(Action::DeviceNotice(notice));
        refresh_devices(dispatcher);
    });
}
