use conclave_group::Reaction;
use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::MediaToggles;
use crate::hooks::{use_app, use_session, use_translator};
use crate::i18n::Translator;
use crate::services::{clipboard, navigation};
use crate::state::Action;
use crate::state::Layout;

/// How long "Link copied" stays, in milliseconds.
const COPIED_NOTICE_MS: u32 = 4_000;

/// What copying the invite link did (kept rather than its words, so that the notice
/// follows a change of language).
#[derive(Clone, Copy, PartialEq)]
enum CopyNotice {
    Copied,
    Failed,
}

/// The reaction button's accessible name ("Send Applause").
fn send_reaction_label(t: Translator, reaction: Reaction) -> String {
    match reaction {
        Reaction::ThumbsUp => t.get("controls-send-thumbs-up"),
        Reaction::Applause => t.get("controls-send-applause"),
        Reaction::Laugh => t.get("controls-send-laughter"),
        Reaction::Surprise => t.get("controls-send-surprise"),
        Reaction::Heart => t.get("controls-send-heart"),
    }
}

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
    let t = use_translator();
    let app = use_app();
    let session = use_session();
    let copy_notice = use_state(|| None::<CopyNotice>);
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
                    Ok(()) => CopyNotice::Copied,
                    Err(_) => CopyNotice::Failed,
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
    let notice = match *copy_notice {
        Some(CopyNotice::Copied) => t.get("controls-link-copied"),
        Some(CopyNotice::Failed) => t.get("controls-copy-failed"),
        None if app.meeting.renewed_invite.is_some() => t.get("controls-link-renewed"),
        None => String::new(),
    };
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
        t.with("controls-chat-unread", &[("count", unread.into())])
    } else {
        t.get("controls-chat")
    };

    html! {
        <nav class="controls" aria-label={t.get("controls-nav")}>
            <MediaToggles shortcuts=true />
            <button type="button" aria-pressed={hand_raised.to_string()} onclick={toggle_hand}
                    aria-keyshortcuts="R">
                { if hand_raised { t.get("controls-lower-hand") } else { t.get("controls-raise-hand") } }
            </button>
            <span class="reactions">
                <button type="button" aria-expanded={reactions_open.to_string()}
                        aria-controls="reaction-picker" onclick={toggle_reactions}>
                    { t.get("controls-react") }
                </button>
                if *reactions_open {
                    <span id="reaction-picker" class="reaction-picker" role="group" aria-label={t.get("controls-reactions")}>
                        { for Reaction::ALL.into_iter().map(|reaction| html! {
                            <button type="button" class="reaction-button" onclick={react(reaction)}
                                    aria-label={send_reaction_label(t, reaction)}>
                                { reaction.emoji() }
                            </button>
                        }) }
                    </span>
                }
            </span>
            <button type="button" aria-pressed={chat_open.to_string()} onclick={toggle_chat}
                    aria-label={chat_label} aria-keyshortcuts="C">
                { t.get("controls-chat") }
                if unread > 0 {
                    <span class="unread-badge" aria-hidden="true" data-testid="unread-badge">
                        { unread.to_string() }
                    </span>
                }
            </button>
            <button type="button" aria-pressed={speaker_view.to_string()} onclick={toggle_layout}>
                { t.get("controls-speaker-view") }
            </button>
            <button type="button" aria-pressed={sharing.to_string()} onclick={toggle_screen}>
                { if sharing { t.get("controls-stop-sharing") } else { t.get("controls-share-screen") } }
            </button>
            <button type="button" onclick={copy_link}>{ t.get("controls-copy-invite-link") }</button>
            <button type="button" onclick={show_settings}>{ t.get("controls-settings") }</button>
            <button type="button" class="icon-button" onclick={show_help}
                    aria-label={t.get("controls-shortcuts")} aria-keyshortcuts="?">{ "?" }</button>
            <button type="button" class="danger" onclick={leave} aria-keyshortcuts="Shift+L">
                { t.get("controls-leave") }
            </button>
            <span class="copy-notice" aria-live="polite" data-testid="copy-notice">
                { notice }
            </span>
        </nav>
    }
}
