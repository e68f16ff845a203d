//! Local capture: `getUserMedia` and the switches on its tracks.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack};

use super::{describe_js_error, js_error_name};
use crate::i18n::Translator;
use crate::media_source::MediaKind;

/// Why the camera and microphone could not be started. `Display` is for the console; the
/// page words it with [`MediaError::text`], and the browser's own words are its
/// [`MediaError::detail`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The page is not a secure context or the browser has no `mediaDevices`.
    #[error("no mediaDevices on this page (not a secure context?)")]
    Unsupported,
    /// `getUserMedia` rejected.
    #[error("getUserMedia failed: {detail}")]
    Refused {
        /// The DOMException name, when there was one.
        name: Option<String>,
        /// The browser's own text.
        detail: String,
    },
}

/// What kind of failure a [`MediaError`] is, read once from the browser's exception name
/// (camera, microphone and screen capture each word it their own way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaFailure {
    /// The page has no media API ([`MediaError::Unsupported`]).
    NoMediaApi,
    /// The person, the browser or a policy refused (`NotAllowedError`, `SecurityError`).
    Blocked,
    /// No such device, or none that fits (`NotFoundError`, `OverconstrainedError`).
    NotFound,
    /// The device is busy or failed to start (`NotReadableError`, `AbortError`).
    InUse,
    /// The browser cannot do it here (`NotSupportedError`).
    NotSupported,
    /// Anything else.
    Other,
}

impl MediaError {
    /// The kind of failure.
    pub fn failure(&self) -> MediaFailure {
        let name = match self {
            MediaError::Unsupported => return MediaFailure::NoMediaApi,
            MediaError::Refused { name, .. } => name.as_deref(),
        };
        match name {
            Some("NotAllowedError" | "SecurityError") => MediaFailure::Blocked,
            Some("NotFoundError" | "OverconstrainedError") => MediaFailure::NotFound,
            Some("NotReadableError" | "AbortError") => MediaFailure::InUse,
            Some("NotSupportedError") => MediaFailure::NotSupported,
            _ => MediaFailure::Other,
        }
    }

    /// What the page says, in `t`'s language (without the browser's own words).
    pub fn text(&self, t: Translator) -> String {
        t.get(match self.failure() {
            MediaFailure::NoMediaApi => "media-unsupported",
            MediaFailure::Blocked => "media-blocked",
            MediaFailure::NotFound => "media-not-found",
            MediaFailure::InUse => "media-in-use",
            MediaFailure::NotSupported | MediaFailure::Other => "media-failed",
        })
    }

    /// The browser's own words, for support (none when the page has no media API).
    pub fn detail(&self) -> Option<&str> {
        match self {
            MediaError::Unsupported => None,
            MediaError::Refused { detail, .. } => {
                Some(detail.trim()).filter(|detail| !detail.is_empty())
            }
        }
    }

    /// A rejection of one of the browser's media calls (its words are logged where the
    /// page shows it, as the technical detail).
    fn refused(error: &wasm_bindgen::JsValue) -> Self {
        let detail = describe_js_error(error);
        MediaError::Refused {
            name: js_error_name(error),
            detail,
        }
    }
}

/// The browser's `navigator.mediaDevices`.
fn media_devices() -> Result<web_sys::MediaDevices, MediaError> {
    web_sys::window()
        .ok_or(MediaError::Unsupported)?
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Unsupported)
}

/// Starts camera and microphone; falls back to microphone only, then camera only.
pub async fn start_local_media() -> Result<MediaStream, MediaError> {
    let devices = media_devices()?;
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
                let error = MediaError::Refused {
                    name: js_error_name(&error),
                    detail: describe_js_error(&error),
                };
                // Permission refusals apply to every combination: stop asking.
                let blocked = error.failure() == MediaFailure::Blocked;
                first_error.get_or_insert(error);
                if blocked {
                    break;
                }
            }
        }
    }
    Err(first_error.unwrap_or(MediaError::Unsupported))
}

/// A camera, microphone or speaker the browser offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// What it is.
    pub kind: DeviceKind,
    /// The browser's id for it (stable for this site).
    pub id: String,
    /// Its name (empty until the person allowed capture once).
    pub label: String,
}

/// The kinds of device a person picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// A video input.
    Camera,
    /// An audio input.
    Microphone,
    /// An audio output.
    Speaker,
}

impl DeviceKind {
    /// The kind of track it captures (none for a speaker).
    pub fn media_kind(self) -> Option<MediaKind> {
        match self {
            DeviceKind::Camera => Some(MediaKind::Video),
            DeviceKind::Microphone => Some(MediaKind::Audio),
            DeviceKind::Speaker => None,
        }
    }
}

/// The cameras, microphones and speakers the browser offers, in its order.
pub async fn list_devices() -> Result<Vec<Device>, MediaError> {
    let devices = media_devices()?;
    let promise = devices
        .enumerate_devices()
        .map_err(|_| MediaError::Unsupported)?;
    let listed = JsFuture::from(promise)
        .await
        .map_err(|error| MediaError::refused(&error))?;
    let listed: js_sys::Array = listed.dyn_into().map_err(|_| MediaError::Unsupported)?;
    Ok(listed
        .iter()
        .filter_map(|info| info.dyn_into::<web_sys::MediaDeviceInfo>().ok())
        .filter_map(|info| {
            let kind = match info.kind() {
                web_sys::MediaDeviceKind::Videoinput => DeviceKind::Camera,
                web_sys::MediaDeviceKind::Audioinput => DeviceKind::Microphone,
                web_sys::MediaDeviceKind::Audiooutput => DeviceKind::Speaker,
                _ => return None,
            };
            Some(Device {
                kind,
                id: info.device_id(),
                label: info.label(),
            })
        })
        .collect())
}

/// Captures one track of `kind` from the device `device_id` (`None`: the browser's
/// default).
pub async fn capture_track(
    kind: MediaKind,
    device_id: Option<&str>,
) -> Result<MediaStreamTrack, MediaError> {
    let devices = media_devices()?;
    let wanted: wasm_bindgen::JsValue = match device_id {
        Some(id) => {
            let exact = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&exact, &"exact".into(), &id.into());
            let track = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&track, &"deviceId".into(), &exact);
            track.into()
        }
        None => true.into(),
    };
    let constraints = MediaStreamConstraints::new();
    match kind {
        MediaKind::Audio => constraints.set_audio(&wanted),
        MediaKind::Video => constraints.set_video(&wanted),
    }
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| MediaError::Unsupported)?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|error| MediaError::refused(&error))?
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Unsupported)?;
    first_track(&stream, kind).ok_or(MediaError::Unsupported)
}

/// Puts `track` in `stream` instead of the tracks of its kind there, which stop. The
/// stream stays the same object: the transports, which read it, then send `track`.
pub fn swap_track(stream: &MediaStream, kind: MediaKind, track: &MediaStreamTrack) {
    for old in tracks_of(stream, kind) {
        stream.remove_track(&old);
        old.stop();
    }
    stream.add_track(track);
}

/// The id of the device `stream`'s track of `kind` captures from, if any.
pub fn device_of(stream: &MediaStream, kind: MediaKind) -> Option<String> {
    let track = first_track(stream, kind)?;
    let settings = track.get_settings();
    js_sys::Reflect::get(&settings, &"deviceId".into())
        .ok()
        .and_then(|id| id.as_string())
}

/// Asks the person to pick a screen, window or tab; returns its video track.
pub async fn start_screen_capture() -> Result<MediaStreamTrack, MediaError> {
    let devices = media_devices()?;
    let promise = devices
        .get_display_media()
        .map_err(|_| MediaError::Unsupported)?;
    let stream = JsFuture::from(promise)
        .await
        .map_err(|error| MediaError::refused(&error))?
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Unsupported)?;
    first_track(&stream, MediaKind::Video).ok_or(MediaError::Unsupported)
}

/// The stream's first track of `kind`.
pub fn first_track(stream: &MediaStream, kind: MediaKind) -> Option<MediaStreamTrack> {
    tracks_of(stream, kind).next()
}

/// The stream's tracks of `kind`.
fn tracks_of(stream: &MediaStream, kind: MediaKind) -> impl Iterator<Item = MediaStreamTrack> {
    let tracks = match kind {
        MediaKind::Audio => stream.get_audio_tracks(),
        MediaKind::Video => stream.get_video_tracks(),
    };
    tracks
        .into_iter()
        .filter_map(|track| track.dyn_into::<MediaStreamTrack>().ok())
}

/// Enables or disables every track of `kind` (a disabled track sends silence or black).
pub fn set_kind_enabled(stream: &MediaStream, kind: MediaKind, enabled: bool) {
    for track in tracks_of(stream, kind) {
        track.set_enabled(enabled);
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
        let english = Translator::new(crate::i18n::Language::English);
        let refused = |name: Option<&str>, detail: &str| MediaError::Refused {
            name: name.map(str::to_owned),
            detail: detail.to_owned(),
        };
        assert!(refused(Some("NotAllowedError"), "x")
            .text(english)
            .contains("blocked"));
        assert!(refused(Some("NotFoundError"), "x")
            .text(english)
            .contains("No camera"));
        // A failure the app has no words for: a sentence, and the browser's words apart.
        let unknown = refused(None, "boom");
        assert_eq!(
            unknown.text(english),
            "The camera and microphone could not be started."
        );
        assert_eq!(unknown.detail(), Some("boom"));
    }
}
