use std::collections::HashSet;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::{use_app, use_session};
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
        <section class="card side-card chat" aria-label="Chat">
            <div class="chat-header">
                <h2 id="chat-title">{ "Chat" }</h2>
                <button type="button" class="link-button" onclick={close}>{ "Close chat" }</button>
            </div>
            <p class="muted small">{ "End-to-end encrypted. Kept only while this meeting lasts." }</p>
            // The log role on a wrapper: on the list itself it would hide the list from
            // assistive technology (its items would belong to no list).
            <div class="chat-log" role="log" aria-live="polite" aria-labelledby="chat-title"
                 ref={log_ref} tabindex="0">
                <ol class="chat-list">
                    { for app.meeting.chat.entries().map(|entry| chat_line(entry, &shared_names)) }
                </ol>
            </div>
            <form class="chat-form" onsubmit={on_submit}>
                <label for="chat-input" class="visually-hidden">{ "Message to everyone" }</label>
                <textarea id="chat-input" ref={input_ref} rows="2" placeholder="Message to everyone"
                          maxlength={conclave_group::meeting_group::meeting_messages::MAX_CHAT_CHARS.to_string()}
                          value={(*draft).clone()} oninput={on_input} onkeydown={on_keydown}
                          aria-describedby="chat-refusal" />
                <button type="submit">{ "Send" }</button>
            </form>
            <p id="chat-refusal" class="chat-refusal small" role="status">
                { refusal.map(ChatRefusal::message).unwrap_or_default() }
            </p>
        </section>
    }
}

/// One entry. A member's name gets its key's first group when it is shared or reads as
/// ours ("You"): names are self-chosen, keys are not.
fn chat_line(entry: &ChatEntry, shared_names: &HashSet<String>) -> Html {
    let time = html! { <time class="chat-time">{ entry.time.clone() }</time> };
    match &entry.author {
        ChatAuthor::Undecryptable { count } => {
            let text = if *count == 1 {
                "A message could not be decrypted (altered, replayed or too old).".to_owned()
            } else {
                format!("{count} messages could not be decrypted (altered, replayed or too old).")
            };
            html! {
                <li key={entry.id} class="chat-entry chat-undecryptable" data-testid="chat-undecryptable">
                    { time }
                    <span>{ text }</span>
                </li>
            }
        }
        ChatAuthor::You => html! {
            <li key={entry.id} class="chat-entry chat-own" data-own="true">
                <span class="chat-author">{ "You" }</span>
                { " " }
                { time }
                <p class="chat-text">{ entry.text.clone() }</p>
            </li>
        },
        ChatAuthor::Member { name, key } => {
            let ambiguous = shared_names.contains(name) || name.eq_ignore_ascii_case("you");
            let shown = match key {
                Some(key) if ambiguous => format!("{name} ({key})"),
                _ => name.clone(),
            };
            html! {
                <li key={entry.id} class="chat-entry" data-author={name.clone()}>
                    <span class="chat-author">{ shown }</span>
                    { " " }
                    { time }
                    <p class="chat-text">{ entry.text.clone() }</p>
                </li>
            }
        }
    }
}
