use yew::prelude::*;

use super::VideoView;
use crate::decryption_status::DecryptionStatus;
use crate::state::RemoteTileView;

/// Properties of [`LocalTile`].
#[derive(Properties, PartialEq)]
pub struct LocalTileProps {
    /// The local capture, if any.
    pub stream: Option<web_sys::MediaStream>,
    /// Whether the camera track is enabled.
    pub camera_on: bool,
    /// Whether the microphone track is enabled.
    pub microphone_on: bool,
}

/// One's own preview: `<article aria-label="You">`, muted and mirrored.
#[function_component(LocalTile)]
pub fn local_tile(props: &LocalTileProps) -> Html {
    let has_media = props.stream.is_some();
    html! {
        <article class="tile tile-local" aria-label="You">
            <VideoView stream={props.stream.clone()} muted=true mirrored=true />
            if !has_media {
                <p class="tile-placeholder">{ "No camera or microphone" }</p>
            } else if !props.camera_on {
                <p class="tile-placeholder">{ "Camera off" }</p>
            }
            <div class="tile-footer">
                <span class="tile-name">{ "You" }</span>
                if has_media && !props.microphone_on {
                    <span class="tile-badge">{ "Muted" }</span>
                }
            </div>
        </article>
    }
}

/// A remote tile's status while the connection to that member is being made again.
const RECONNECTING: &str = "Reconnecting…";

/// Properties of [`RemoteTile`].
#[derive(Properties, PartialEq)]
pub struct RemoteTileProps {
    /// The member shown, with its media and decryption status right now.
    pub tile: RemoteTileView,
}

/// A remote MLS member: `<article aria-label="{name}">` (the name its credential
/// carries) with its decrypted video (and sound), its name, and a `role="status"` line
/// saying whether it decrypts (or that the connection to them is being made again).
#[function_component(RemoteTile)]
pub fn remote_tile(props: &RemoteTileProps) -> Html {
    let tile = &props.tile;
    let name = tile.display_name.clone();
    let (status_class, label) = match tile.status {
        _ if tile.reconnecting => ("status-waiting", RECONNECTING),
        DecryptionStatus::Decrypting => ("status-ok", tile.status.label()),
        DecryptionStatus::WaitingForKey => ("status-waiting", tile.status.label()),
        DecryptionStatus::CannotDecrypt => ("status-failed", tile.status.label()),
    };
    html! {
        <article class="tile" aria-label={name.clone()}>
            <VideoView stream={tile.stream.clone()} muted=false />
            <div class="tile-footer">
                <span class="tile-name">{ name }</span>
                <span role="status" class={classes!("tile-status", status_class)}>
                    { label }
                </span>
            </div>
        </article>
    }
}
