//! Local capture: `getUserMedia` and the switches on its tracks.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack};

use super::{describe_js_error, js_error_name};
use crate::media_source::MediaKind;

/// Why the camera and microphone could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The page is not a secure context or the browser has no `mediaDevices`.
    #[error(
        "this browser does not offer camera access on this page (it needs HTTPS or localhost)"
    )]
    Unsupported,
    /// `getUserMedia` rejected.
    #[error("{}", describe_capture_failure(.name.as_deref(), .detail))]
    Refused {
        /// The DOMException name, when there was one.
        name: Option<String>,
        /// The browser's own text.
        detail: String,
    },
}

/// Explains a `getUserMedia` failure by its DOMException name.
pub fn describe_capture_failure(name: Option<&str>, detail: &str) -> String {
    match name {
        Some("NotAllowedError" | "SecurityError") => {
            "Camera and microphone access was blocked. Allow it in the browser's site settings, or join without them.".to_owned()
        }
        Some("NotFoundError" | "OverconstrainedError") => {
            "No camera or microphone was found.".to_owned()
        }
        Some("NotReadableError" | "AbortError") => {
            "The camera or microphone is in use by another program.".to_owned()
        }
        _ => format!("The camera and microphone could not be started ({detail})."),
    }
}

/// Starts camera and microphone; falls back to microphone only, then camera only.
pub async fn start_local_media() -> Result<MediaStream, MediaError> {
    let devices = web_sys::window()
        .ok_or(MediaError::Unsupported)?
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Unsupported)?;
    let mut first_error = None;
    for (audio, video) in [(true, true), (true, false), (false, true)] {
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&audio.into());
        constraints.set_video(&video.into());
        let promise = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|_| MediaError::Unsupported)?;
        match JsFuture::from(promise).await {
            Ok(stream) => {
                if let Ok(stream) = stream.dyn_into::<MediaStream>() {
                    return Ok(stream);
                }
            }
            Err(error) => {
                let name = js_error_name(&error);
                // Permission refusals apply to every combination: stop asking.
                let blocked = matches!(name.as_deref(), Some("NotAllowedError" | "SecurityError"));
                first_error.get_or_insert(MediaError::Refused {
                    name,
                    detail: describe_js_error(&error),
                });
                if blocked {
                    break;
                }
            }
        }
    }
    Err(first_error.unwrap_or(MediaError::Unsupported))
}

/// Asks the person to pick a screen, window or tab; returns its video track.
pub async fn start_screen_capture() -> Result<MediaStreamTrack, MediaError> {
    let devices = web_sys::window()
        .ok_or(MediaError::Unsupported)?
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Unsupported)?;
    let promise = devices
        .get_display_media()
        .map_err(|_| MediaError::Unsupported)?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|error| MediaError::Refused {
            name: js_error_name(&error),
            detail: describe_js_error(&error),
        })?
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Unsupported)?;
    first_track(&stream, MediaKind::Video).ok_or(MediaError::Unsupported)
}

/// The stream's first track of `kind`.
pub fn first_track(stream: &MediaStream, kind: MediaKind) -> Option<MediaStreamTrack> {
    let tracks = match kind {
        MediaKind::Audio => stream.get_audio_tracks(),
        MediaKind::Video => stream.get_video_tracks(),
    };
    tracks.get(0).dyn_into::<MediaStreamTrack>().ok()
}

/// Enables or disables every track of `kind` (a disabled track sends silence or black).
pub fn set_kind_enabled(stream: &MediaStream, kind: MediaKind, enabled: bool) {
    let tracks = match kind {
        MediaKind::Audio => stream.get_audio_tracks(),
        MediaKind::Video => stream.get_video_tracks(),
    };
    for track in tracks.iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.set_enabled(enabled);
        }
    }
}

/// Stops every track: the camera light goes off.
pub fn stop_all(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_failures_are_explained() {
        assert!(describe_capture_failure(Some("NotAllowedError"), "x").contains("blocked"));
        assert!(describe_capture_failure(Some("NotFoundError"), "x").contains("No camera"));
        assert!(describe_capture_failure(None, "boom").contains("boom"));
    }
}
