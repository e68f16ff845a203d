use conclave_group::MediaState;
use yew::prelude::*;

use super::{
    sentence, AboutBuildButton, ChairActionAlert, ChairControls, ChatPanel, Controls,
    DeviceSettings, E2eeBanner, EncryptionStatusLine, KnockPrompt, LocalTile, ModalDialog,
    RemoteTile, RosterPanel, SecurityCodePanel, ShortcutsHelp, TechnicalDetail,
};
use crate::hooks::{
    use_app, use_clock, use_live_announcement, use_meeting_session, use_meeting_shortcuts,
    use_translator,
};
use crate::invite::Invite;
use crate::services::transport::TransportState;
use crate::session::SessionHandle;
use crate::state::Layout;
use crate::tiles::{remote_tiles, stage_tile, video_layer_for};

/// The local tile's key among the remote tiles' keys (MLS leaf indices, all numeric).
const LOCAL_TILE_KEY: &str = "local";

/// Properties of [`MeetingPage`].
#[derive(Properties, PartialEq)]
pub struct MeetingProps {
    /// The meeting being attended.
    pub invite: Invite,
}

/// The meeting: banner, encryption status, tiles (one per remote MLS member), the chat,
/// the roster and the security code, controls, the keyboard shortcuts. Mounting it
/// joins; unmounting leaves. It provides the session's [`SessionHandle`] to everything
/// inside it, and tells the members (through it) our microphone, camera and hand.
#[function_component(MeetingPage)]
pub fn meeting_page(props: &MeetingProps) -> Html {
    let t = use_translator();
    let app = use_app();
    // Hooks run unconditionally; without the context (never, under `App`) they idle.
    let dispatcher = app.as_ref().map(|app| app.dispatcher());
    let (display_name, local, screen) = app
        .as_ref()
        .map(|app| {
            (
                app.display_name.clone(),
                app.local_media.stream().cloned(),
                app.screen.clone(),
            )
        })
        .unwrap_or_default();
    use_clock(dispatcher.clone());
    let session = use_meeting_session(
        props.invite.clone(),
        display_name,
        local,
        screen,
        dispatcher,
    );
    let help = use_state(|| false);
    let settings = use_state(|| false);
    {
        // Another device's track in the local stream: the meeting sends it.
        let revision = app.as_ref().map_or(0, |app| app.local_tracks_revision);
        use_effect_with((session.clone(), revision), |(session, revision)| {
            if let (Some(session), true) = (session, *revision > 0) {
                session.local_tracks_changed();
            }
        });
    }
    use_meeting_shortcuts(app.clone(), session.clone(), help.clone());
    {
        // What the members see of us: media we do not capture is off; a shared screen is
        // our video.
        let media_state = app.as_ref().map(|app| {
            let capturing = app.local_media.stream().is_some();
            MediaState {
                microphone_on: capturing && app.microphone_on,
                camera_on: app.screen.is_some() || capturing && app.camera_on,
                screen_shared: app.screen.is_some(),
                hand_raised: app.meeting.hand_raised,
            }
        });
        use_effect_with((session.clone(), media_state), |(session, state)| {
            if let (Some(session), Some(state)) = (session, state) {
                session.set_media_state(*state);
            }
        });
    }
    // Built once per render: the layer asked for below and the grid both follow them.
    let tiles = app
        .as_ref()
        .map(|app| remote_tiles(&app.meeting, app.now_ms))
        .unwrap_or_default();
    {
        // Small tiles need no high-resolution video: in SFU modes, a lower simulcast layer.
        // Nothing is asked while the tiles are large (the SFU's default is the highest).
        let layer = video_layer_for(tiles.len());
        let asked = use_mut_ref(|| 2_u8);
        use_effect_with((session.clone(), layer), move |(session, layer)| {
            if let Some(session) = session {
                if *asked.borrow() != *layer {
                    *asked.borrow_mut() = *layer;
                    session.prefer_video_layer(*layer);
                }
            }
        });
    }
    // The latest announcement, by its number: a language switch does not repeat it.
    let (number, announcement) = app
        .as_ref()
        .and_then(|app| app.meeting.announcement.as_ref())
        .map(|(number, announcement)| (Some(*number), announcement.text(t)))
        .unwrap_or_default();
    let announcement = use_live_announcement(t.language(), number, announcement);
    let (Some(app), Some(session)) = (app, session) else {
        return Html::default();
    };
    let meeting = &app.meeting;
    let own_reaction = meeting
        .own_reaction
        .filter(|&(_, until)| app.now_ms < until)
        .map(|(reaction, _)| reaction);
    let show_help = {
        let help = help.clone();
        Callback::from(move |()| help.set(true))
    };
    let show_settings = {
        let settings = settings.clone();
        Callback::from(move |()| settings.set(true))
    };
    let count = tiles.len() + 1;
    let stage = stage_tile(meeting, &tiles);
    let grid_class = classes!(
        "grid",
        if count > 9 {
            "grid-many".to_owned()
        } else {
            format!("grid-{count}")
        },
        (meeting.layout == Layout::Speaker).then_some("grid-speaker"),
    );
    let alone = meeting
        .group
        .as_ref()
        .is_some_and(|group| group.members.len() == 1 && group.outsiders.is_empty());
    let unproven = meeting
        .group
        .as_ref()
        .is_some_and(|group| group.unproven_meeting);
    html! {
        <ContextProvider<SessionHandle> context={session}>
            <main class="page meeting">
                <E2eeBanner api={meeting.transform_api} ready={meeting.e2ee_ready} />
                <EncryptionStatusLine />
                // A detail follows its headline after a space, kept here: Fluent trims a
                // message's leading space.
                if let Some(message) = &meeting.fatal {
                    <div class="alert alert-fatal" role="alert">
                        <strong>{ t.get("meeting-fatal") }</strong>
                        <span>{ " " }{ t.with("meeting-fatal-detail", &[("detail", as_sentence(&message.text(t)).into())]) }</span>
                        <TechnicalDetail detail={message.detail().map(str::to_owned)} />
                    </div>
                }
                if let Some(reason) = &meeting.disconnected {
                    <div class="alert" role="alert">
                        <strong>{ t.get("meeting-disconnected") }</strong>
                        <span>{ t.with("meeting-disconnected-reason", &[("reason", reason.text(t).into())]) }</span>
                        <TechnicalDetail detail={reason.detail().map(str::to_owned)} />
                    </div>
                }
                if let Some((attempt, reason)) = &meeting.reconnecting {
                    <div class="alert alert-warning" role="status" data-testid="signaling-reconnecting">
                        <strong>{ t.get("meeting-reconnecting") }</strong>
                        <span>
                            { " " }
                            { t.with("meeting-reconnecting-detail",
                                     &[("reason", reason.text(t).into()), ("number", (*attempt).into())]) }
                        </span>
                        <TechnicalDetail detail={reason.detail().map(str::to_owned)} />
                    </div>
                }
                if meeting.transport == Some(TransportState::Reconnecting) {
                    <div class="alert alert-warning" role="status">
                        <strong>{ t.get("meeting-media-reconnecting") }</strong>
                        <span>{ " " }{ t.get("meeting-media-reconnecting-detail") }</span>
                    </div>
                }
                if unproven {
                    // A Welcome whose group did not show the invite secret was refused
                    // (conclave_group::WelcomeRefusal): no key, so no frame goes out.
                    <div class="alert alert-fatal" role="alert" data-testid="unproven-meeting">
                        <strong>{ t.get("meeting-unproven") }</strong>
                        <span>{ " " }{ t.get("meeting-unproven-detail") }</span>
                    </div>
                }
                <ChairActionAlert />
                if let Some(notice) = &app.device_notice {
                    <div class="alert alert-warning" role="status" data-testid="device-notice">
                        { notice.text(t) }
                        <TechnicalDetail detail={notice.detail().map(str::to_owned)} />
                    </div>
                }
                if let Some(message) = &meeting.error {
                    <div class="alert alert-warning" role="alert">
                        { sentence(&message.text(t)) }
                        <TechnicalDetail detail={message.detail().map(str::to_owned)} />
                    </div>
                }
                <div class="meeting-layout">
                    <div class="meeting-main">
                        <section class={grid_class} aria-label={t.get("meeting-video")}>
                            // One fully keyed list: someone joining or leaving adds or removes
                            // their tile and moves no other. A `<video>` that is taken out of the
                            // page and put back (as an unkeyed diff does) froze the camera for
                            // about 2 s on every join (BENCHMARKS.md, "Where the join time went").
                            <LocalTile key={LOCAL_TILE_KEY} stream={app.local_media.stream().cloned()}
                                       camera_on={app.camera_on || app.screen.is_some()}
                                       microphone_on={app.microphone_on}
                                       hand_raised={meeting.hand_raised}
                                       revision={app.local_tracks_revision}
                                       reaction={own_reaction} />
                            { for tiles.into_iter().map(|tile| {
                                let pinned = meeting.pinned.as_ref() == Some(&tile.fingerprint_hex);
                                html! {
                                    <RemoteTile key={tile.key} stage={stage == Some(tile.key)}
                                                {pinned} tile={tile.clone()} />
                                }
                            }) }
                        </section>
                        if alone {
                            <p class="muted centered">{ t.get("meeting-alone") }</p>
                        }
                    </div>
                    <aside class="meeting-side">
                        <KnockPrompt />
                        if meeting.chat_open {
                            <ChatPanel />
                        }
                        <RosterPanel />
                        <ChairControls />
                        <SecurityCodePanel frame_suite={props.invite.frame_suite()} />
                        <div class="about-build-entry"><AboutBuildButton /></div>
                    </aside>
                </div>
                // One polite live region for changes a screen reader user would otherwise
                // miss: someone joined, left, raised their hand.
                <p class="visually-hidden" role="status" data-testid="announcement">
                    { sentence(&announcement) }
                </p>
                <Controls on_help={show_help} on_settings={show_settings} />
                <ShortcutsHelp open={help} />
                <ModalDialog open={settings} title={t.get("meeting-settings")} title_id="settings-title">
                    <DeviceSettings />
                </ModalDialog>
            </main>
        </ContextProvider<SessionHandle>>
    }
}

/// Starts `text` with a capital letter (service errors are written lower-case).
fn as_sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
