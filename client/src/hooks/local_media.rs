use wasm_bindgen_futures::spawn_local;

use super::{refresh_devices, watch_local_tracks, AppContext};
use crate::media_source::MediaKind;
use crate::services::media::{self, set_kind_enabled};
use crate::state::Action;

/// Starts the camera and microphone for the app (the switches' current positions are
/// applied to the new tracks); with `then_enter`, enters the meeting afterwards,
/// with or without media.
pub fn start_local_media(app: AppContext, then_enter: bool) {
    app.dispatch(Action::MediaStarting);
    let (microphone_on, camera_on) = (app.microphone_on, app.camera_on);
    spawn_local(async move {
        match media::start_local_media().await {
            Ok(stream) => {
                set_kind_enabled(&stream, MediaKind::Audio, microphone_on);
                set_kind_enabled(&stream, MediaKind::Video, camera_on);
                watch_local_tracks(app.dispatcher(), &stream);
                app.dispatch(Action::MediaReady(stream));
                // Labels are readable only once capture was allowed.
                refresh_devices(app.dispatcher());
            }
            Err(error) => app.dispatch(Action::MediaFailed(error)),
        }
        if then_enter {
            app.dispatch(Action::EnterMeeting);
        }
    });
}
