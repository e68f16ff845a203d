use std::collections::HashSet;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::{use_app, use_session, use_translator};
use crate::i18n::Translator;
use crate::meeting_messages::{ChatAuthor, ChatEntry};
use crate::services::now_ms;
use crate::session::ChatRefusal;
use crate::state::Action;

/// The chat: `<section aria-label="Chat">` with the meeting's messages in a
/// `role="log"` list (new ones are announced), and a field that sends on Enter (Shift+Enter
/// for a new line). Messages are end-to-end encrypted like the media; they last as long
/// as the meeting on this page.
#[function_component(ChatPanel)]
pub fn chat_panel() -> Html {
    let t = use_translator();
    let app = use_app();
    let session = use_session();
    let draft = use_state(String::new);
    let refusal = use_state(|| None::<ChatRefusal>);
    let log_ref = use_node_ref();
    let input_ref = use_node_ref();
    {
        // Opening the chat (the button or `C`) puts the cursor in its field.
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        });
    }
    let count = app
        .as_ref()
        .map_or(0, |app| app.meeting.chat.entries().count());
    {
        // Keep the newest message in view.
        let log_ref = log_ref.clone();
        use_effect_with(count, move |_| {
            if let Some(log) = log_ref.cast::<Element>() {
                // Through Reflect: web-sys types `scrollTop` differently with its unstable
                // APIs on (the wasm build) and off.
                let bottom = JsValue::from(log.scroll_height());
                let _ = js_sys::Reflect::set(&log, &JsValue::from_str("scrollTop"), &bottom);
            }
        });
    }
    let (Some(app), Some(session)) = (app, session) else {
        return Html::default();
    };

    let send = {
        let draft = draft.clone();
        let refusal = refusal.clone();
        let may_send = app.meeting.chat.may_send(now_ms());
        Callback::from(move |_: ()| {
            let outcome = if may_send {
                session.send_chat((*draft).clone())
            } else {
                Err(ChatRefusal::TooFast)
            };
            match outcome {
                Ok(()) => {
                    draft.set(String::new());
                    refusal.set(None);
                }
                Err(why) => refusal.set(Some(why)),
            }
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlTextAreaElement>().ok())
            {
                draft.set(area.value());
            }
        })
    };
    let on_keydown = {
        let send = send.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
                event.prevent_default();
                send.emit(());
            }
        })
    };
    let on_submit = Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        send.emit(());
    });
    let close = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SetChatOpen(false)))
    };
    // Names two members share now, or that read as ours: shown with the key's first group.
    let shared_names: HashSet<String> = app
        .meeting
        .group
        .as_ref()
        .map(|group| {
            let mut seen = HashSet::new();
            group
                .members
                .iter()
                .filter(|member| !seen.insert(member.display_name.clone()))
                .map(|member| member.display_name.clone())
                .collect()
        })
        .unwrap_or_default();

    html! {
        <section class="card side-card chat" aria-label={t.get("chat-title")}>
            <div class="chat-header">
                <h2 id="chat-title">{ t.get("chat-title") }</h2>
                <button type="button" class="link-button" onclick={close}>{ t.get("chat-close") }</button>
            </div>
            <p class="muted small">{ t.get("chat-encrypted-note") }</p>
            // The log role on a wrapper: on the list itself it would hide the list from
            // assistive technology (its items would belong to no list).
            <div class="chat-log" role="log" aria-live="polite" aria-labelledby="chat-title"
                 ref={log_ref} tabindex="0">
                <ol class="chat-list">
                    { for app.meeting.chat.entries().map(|entry| chat_line(t, entry, &shared_names)) }
                </ol>
            </div>
            <form class="chat-form" onsubmit={on_submit}>
                <label for="chat-input" class="visually-hidden">{ t.get("chat-message-label") }</label>
                <textarea id="chat-input" ref={input_ref} rows="2" placeholder={t.get("chat-message-label")}
                          maxlength={conclave_group::meeting_group::meeting_messages::MAX_CHAT_CHARS.to_string()}
                          value={(*draft).clone()} oninput={on_input} onkeydown={on_keydown}
                          aria-describedby="chat-refusal" />
                <button type="submit">{ t.get("chat-send") }</button>
            </form>
            <p id="chat-refusal" class="chat-refusal small" role="status">
                { refusal.map(|why| refusal_text(t, why)).unwrap_or_default() }
            </p>
        </section>
    }
}

/// Why a message was not sent, in `t`'s language.
fn refusal_text(t: Translator, why: ChatRefusal) -> String {
    match why {
        ChatRefusal::Empty => t.get("chat-refusal-empty"),
        ChatRefusal::TooLong => t.with(
            "chat-refusal-too-long",
            &[(
                "count",
                conclave_group::meeting_group::meeting_messages::MAX_CHAT_CHARS.into(),
            )],
        ),
        ChatRefusal::TooFast => t.get("chat-refusal-too-fast"),
        ChatRefusal::NotInMeeting => t.get("chat-refusal-not-in-meeting"),
        ChatRefusal::CannotEncrypt => t.get("chat-refusal-cannot-encrypt"),
    }
}

/// One entry. A member's name gets its key's first group when it is shared or reads as
/// ours ("You", in English or the language on screen): names are self-chosen, keys are
/// not.
fn chat_line(t: Translator, entry: &ChatEntry, shared_names: &HashSet<String>) -> Html {
    let time = html! { <time class="chat-time">{ entry.time.clone() }</time> };
    let you = t.get("chat-you");
    match &entry.author {
        ChatAuthor::Undecryptable { count } => {
            let text = t.with("chat-undecryptable", &[("count", (*count).into())]);
            html! {
                <li key={entry.id} class="chat-entry chat-undecryptable" data-testid="chat-undecryptable">
                    { time }
                    <span>{ text }</span>
                </li>
            }
        }
        ChatAuthor::You => html! {
            <li key={entry.id} class="chat-entry chat-own" data-own="true">
                <span class="chat-author">{ you }</span>
                { " " }
                { time }
                <p class="chat-text" dir="auto">{ entry.text.clone() }</p>
            </li>
        },
        ChatAuthor::Member { name, key } => {
            let ambiguous = shared_names.contains(name)
                || name.eq_ignore_ascii_case("you")
                || name.to_lowercase() == you.to_lowercase();
            // The name in its own direction, so a right-to-left one keeps the key after it.
            let key = match key {
                Some(key) if ambiguous => format!(" ({key})"),
                _ => String::new(),
            };
            html! {
                <li key={entry.id} class="chat-entry" data-author={name.clone()}>
                    <span class="chat-author"><bdi>{ name.clone() }</bdi>{ key }</span>
                    { " " }
                    { time }
                    <p class="chat-text" dir="auto">{ entry.text.clone() }</p>
                </li>
            }
        }
    }
}
