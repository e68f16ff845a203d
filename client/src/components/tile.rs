use yew::prelude::*;

use conclave_group::Reaction;

use super::VideoView;
use crate::decryption_status::DecryptionStatus;
use crate::hooks::{use_app, use_translator};
use crate::i18n::Translator;
use crate::state::Action;
use crate::tiles::RemoteTileView;

/// The catalogue id of a raised hand's badge, in a tile's footer and the roster.
pub const HAND_RAISED: &str = "tile-hand-raised";

/// The catalogue id of a reaction's name, for screen readers.
fn reaction_message_id(reaction: Reaction) -> &'static str {
    match reaction {
        Reaction::ThumbsUp => "tile-reaction-thumbs-up",
        Reaction::Applause => "tile-reaction-applause",
        Reaction::Laugh => "tile-reaction-laughter",
        Reaction::Surprise => "tile-reaction-surprise",
        Reaction::Heart => "tile-reaction-heart",
    }
}

/// A reaction shown large over a tile, named for screen readers.
fn reaction_overlay(t: Translator, reaction: Option<Reaction>) -> Html {
    match reaction {
        Some(reaction) => html! {
            <span class="tile-reaction" role="img" aria-label={t.get(reaction_message_id(reaction))}
                  data-testid="tile-reaction">
                { reaction.emoji() }
            </span>
        },
        None => Html::default(),
    }
}

/// Properties of [`LocalTile`].
#[derive(Properties, PartialEq)]
pub struct LocalTileProps {
    /// The local capture, if any.
    pub stream: Option<web_sys::MediaStream>,
    /// Whether the camera track is enabled.
    pub camera_on: bool,
    /// Whether the microphone track is enabled.
    pub microphone_on: bool,
    /// Whether our hand is raised.
    #[prop_or_default]
    pub hand_raised: bool,
    /// Our reaction showing now, if any.
    #[prop_or_default]
    pub reaction: Option<Reaction>,
    /// Changes when a local track was swapped for another device's.
    #[prop_or_default]
    pub revision: u64,
}

/// One's own preview: `<article aria-label="You">`, muted and mirrored.
#[function_component(LocalTile)]
pub fn local_tile(props: &LocalTileProps) -> Html {
    let t = use_translator();
    let you = t.get("tile-you");
    let has_media = props.stream.is_some();
    html! {
        <article class="tile tile-local" aria-label={you.clone()}>
            <VideoView stream={props.stream.clone()} muted=true mirrored=true
                       revision={props.revision} />
            if !has_media {
                <p class="tile-placeholder">{ t.get("tile-no-media") }</p>
            } else if !props.camera_on {
                <p class="tile-placeholder">{ t.get("tile-camera-off") }</p>
            }
            { reaction_overlay(t, props.reaction) }
            <div class="tile-footer">
                <span class="tile-name">{ you }</span>
                if props.hand_raised {
                    <span class="tile-badge tile-hand">{ t.get(HAND_RAISED) }</span>
                }
                if has_media && !props.microphone_on {
                    <span class="tile-badge">{ t.get("tile-muted") }</span>
                }
            </div>
        </article>
    }
}

/// Properties of [`RemoteTile`].
#[derive(Properties, PartialEq)]
pub struct RemoteTileProps {
    /// The member shown, with its media and decryption status right now.
    pub tile: RemoteTileView,
    /// Shown large (the speaker view's stage).
    #[prop_or_default]
    pub stage: bool,
    /// This member is pinned.
    #[prop_or_default]
    pub pinned: bool,
}

/// A remote MLS member: `<article aria-label="{name}">` (the name its credential
/// carries) with its decrypted video (and sound), its name, and a `role="status"` line
/// saying whether it decrypts (or that the connection to them is being made again). What
/// the member said of itself (encrypted, through the group) shows too: "Camera off"
/// instead of its black video, "Muted", a raised hand, a reaction; a shared screen shows
/// whole. It is outlined while the member speaks, and can be pinned or shown full screen.
#[function_component(RemoteTile)]
pub fn remote_tile(props: &RemoteTileProps) -> Html {
    let t = use_translator();
    let app = use_app();
    let speaker: Option<AttrValue> = app
        .as_ref()
        .and_then(|app| app.speaker.clone())
        .map(AttrValue::from);
    let article = use_node_ref();
    let tile = &props.tile;
    let name = tile.label();
    let toggle_pin = {
        let pin = (!props.pinned).then(|| tile.fingerprint_hex.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(app) = &app {
                app.dispatch(Action::Pin(pin.clone()));
            }
        })
    };
    let full_screen = {
        let article = article.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(article) = article.cast::<web_sys::Element>() {
                // Refused only outside a user gesture or in a frame: nothing to do then.
                let _ = article.request_fullscreen();
            }
        })
    };
    let status_class = match tile.status {
        _ if tile.reconnecting => "status-waiting",
        DecryptionStatus::Decrypting => "status-ok",
        DecryptionStatus::WaitingForKey => "status-waiting",
        DecryptionStatus::CannotDecrypt => "status-failed",
    };
    let status = if tile.reconnecting {
        t.get("tile-reconnecting")
    } else {
        t.get(tile.status.message_id())
    };
    let pin = if props.pinned {
        t.get("tile-unpin")
    } else {
        t.get("tile-pin")
    };
    let camera_off = !tile.signals.media.camera_on;
    let class = classes!(
        "tile",
        camera_off.then_some("tile-camera-off"),
        tile.signals.media.screen_shared.then_some("tile-screen"),
        tile.speaking.then_some("tile-speaking"),
        props.stage.then_some("tile-stage"),
    );
    html! {
        <article {class} aria-label={name.clone()} ref={article}
                 data-speaking={tile.speaking.to_string()}>
            // Kept when the camera is off: the same element plays the sound.
            <VideoView stream={tile.stream.clone()} muted=false sink_id={speaker} />
            if camera_off {
                <p class="tile-placeholder">
                    <span class="tile-initial" aria-hidden="true">{ initial(&name) }</span>
                    <span>{ t.get("tile-camera-off") }</span>
                </p>
            }
            { reaction_overlay(t, tile.reaction) }
            <div class="tile-actions">
                <button type="button" aria-pressed={props.pinned.to_string()} onclick={toggle_pin}
                        aria-label={t.with("tile-pin-label", &[("name", (&name).into())])}>
                    { pin }
                </button>
                <button type="button" onclick={full_screen}
                        aria-label={t.with("tile-full-screen-label", &[("name", (&name).into())])}>
                    { t.get("tile-full-screen") }
                </button>
            </div>
            <div class="tile-footer">
                // The name in its own direction, so a right-to-left one keeps the key after it.
                <span class="tile-name">
                    <bdi>{ tile.display_name.clone() }</bdi>
                    { tile.name_key.as_ref().map(|key| format!(" ({key})")).unwrap_or_default() }
                </span>
                if tile.signals.media.hand_raised {
                    <span class="tile-badge tile-hand">{ t.get(HAND_RAISED) }</span>
                }
                if !tile.signals.media.microphone_on {
                    <span class="tile-badge">{ t.get("tile-muted") }</span>
                }
                <span role="status" class={classes!("tile-status", status_class)}>
                    { status }
                </span>
            </div>
        </article>
    }
}

/// The first letter of a name, for the camera-off placeholder.
fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|first| first.to_uppercase().collect())
        .unwrap_or_default()
}
