use conclave_group::Reaction;
use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::tile::reaction_label;
use super::MediaToggles;
use crate::hooks::{use_app, use_session};
use crate::services::{clipboard, navigation};
use crate::state::{Action, Layout};

/// How long "Link copied" stays, in milliseconds.
const COPIED_NOTICE_MS: u32 = 4_000;
/// Shown once a chair made a new invite link.
const LINK_RENEWED_NOTICE: &str = "New invite link: the old one no longer lets anyone in";

/// Properties of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Shows the keyboard shortcuts.
    pub on_help: Callback<()>,
    /// Shows the device settings.
    pub on_settings: Callback<()>,
}

/// The meeting's control bar: switches, "Raise hand", reactions, "Chat" (with the unread
/// count), "Speaker view", "Share screen", "Copy invite link", "Settings" (devices), the
/// shortcuts, "Leave". Sharing, reacting
/// and leaving are commands to the session ([`crate::session::SessionHandle`]).
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let app = use_app();
    let session = use_session();
    let copy_notice = use_state(|| None::<String>);
    let notice_timer = use_mut_ref(|| None::<Timeout>);
    let reactions_open = use_state(|| false);
    let (Some(app), Some(session)) = (app, session) else {
        return Html::default();
    };

    let copy_link = {
        // A chair's new link replaces the one the page was opened with.
        let link = app
            .current_invite()
            .map(|invite| invite.link(&navigation::origin()));
        let copy_notice = copy_notice.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(link) = link.clone() else {
                return;
            };
            let copy_notice = copy_notice.clone();
            let notice_timer = notice_timer.clone();
            spawn_local(async move {
                let notice = match clipboard::copy_text(&link).await {
                    Ok(()) => "Link copied".to_owned(),
                    Err(_) => {
                        "Could not copy. Copy the address from the address bar instead.".to_owned()
                    }
                };
                copy_notice.set(Some(notice));
                let clear = copy_notice.clone();
                *notice_timer.borrow_mut() =
                    Some(Timeout::new(COPIED_NOTICE_MS, move || clear.set(None)));
            });
        })
    };
    let leave = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.leave())
    };

    // Until something else is said there: the link this page was opened with stopped
    // working (a chair's new link, or a removal in an open meeting).
    let notice = (*copy_notice).clone().unwrap_or_else(|| {
        if app.meeting.renewed_invite.is_some() {
            LINK_RENEWED_NOTICE.to_owned()
        } else {
            String::new()
        }
    });
    let sharing = app.screen.is_some();
    let toggle_screen = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            if sharing {
                session.stop_sharing();
            } else {
                session.share_screen();
            }
        })
    };
    let hand_raised = app.meeting.hand_raised;
    let toggle_hand = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.set_hand_raised(!hand_raised))
    };
    let chat_open = app.meeting.chat_open;
    let unread = app.meeting.chat.unread;
    let toggle_chat = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SetChatOpen(!chat_open)))
    };
    let toggle_reactions = {
        let reactions_open = reactions_open.clone();
        Callback::from(move |_: MouseEvent| reactions_open.set(!*reactions_open))
    };
    let react = |reaction: Reaction| {
        let session = session.clone();
        let reactions_open = reactions_open.clone();
        Callback::from(move |_: MouseEvent| {
            session.react(reaction);
            reactions_open.set(false);
        })
    };
    let show_help = props.on_help.reform(|_: MouseEvent| ());
    let show_settings = props.on_settings.reform(|_: MouseEvent| ());
    let speaker_view = app.meeting.layout == Layout::Speaker;
    let toggle_layout = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::SetLayout(if speaker_view {
                Layout::Grid
            } else {
                Layout::Speaker
            }))
        })
    };
    let chat_label = if unread > 0 {
        format!("Chat, {unread} unread")
    } else {
        "Chat".to_owned()
    };

    html! {
        <nav class="controls" aria-label="Meeting controls">
            <MediaToggles shortcuts=true />
            <button type="button" aria-pressed={hand_raised.to_string()} onclick={toggle_hand}
                    aria-keyshortcuts="R">
                { if hand_raised { "Lower hand" } else { "Raise hand" } }
            </button>
            <span class="reactions">
                <button type="button" aria-expanded={reactions_open.to_string()}
                        aria-controls="reaction-picker" onclick={toggle_reactions}>
                    { "React" }
                </button>
                if *reactions_open {
                    <span id="reaction-picker" class="reaction-picker" role="group" aria-label="Reactions">
                        { for Reaction::ALL.into_iter().map(|reaction| html! {
                            <button type="button" class="reaction-button" onclick={react(reaction)}
                                    aria-label={format!("Send {}", reaction_label(reaction))}>
                                { reaction.emoji() }
                            </button>
                        }) }
                    </span>
                }
            </span>
            <button type="button" aria-pressed={chat_open.to_string()} onclick={toggle_chat}
                    aria-label={chat_label} aria-keyshortcuts="C">
                { "Chat" }
                if unread > 0 {
                    <span class="unread-badge" aria-hidden="true" data-testid="unread-badge">
                        { unread.to_string() }
                    </span>
                }
            </button>
            <button type="button" aria-pressed={speaker_view.to_string()} onclick={toggle_layout}>
                { "Speaker view" }
            </button>
            <button type="button" aria-pressed={sharing.to_string()} onclick={toggle_screen}>
                { if sharing { "Stop sharing" } else { "Share screen" } }
            </button>
            <button type="button" onclick={copy_link}>{ "Copy invite link" }</button>
            <button type="button" onclick={show_settings}>{ "Settings" }</button>
            <button type="button" class="icon-button" onclick={show_help}
                    aria-label="Keyboard shortcuts" aria-keyshortcuts="?">{ "?" }</button>
            <button type="button" class="danger" onclick={leave} aria-keyshortcuts="Shift+L">
                { "Leave" }
            </button>
            <span class="copy-notice" aria-live="polite" data-testid="copy-notice">
                { notice }
            </span>
        </nav>
    }
}
