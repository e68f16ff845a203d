use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::AppContext;
use crate::components::{toggle_camera, toggle_microphone};
use crate::session::SessionHandle;
use crate::shortcuts::Shortcut;
use crate::state::Action;

/// The meeting's keyboard shortcuts ([`Shortcut`]) while the calling component is
/// mounted; `help` is the shortcuts dialog's open state. The listener is made once and
/// reads the latest app state and session from the last render.
#[hook]
pub fn use_meeting_shortcuts(
    app: Option<AppContext>,
    session: Option<SessionHandle>,
    help: UseStateHandle<bool>,
) {
    let latest = use_mut_ref(|| None::<(AppContext, SessionHandle, UseStateHandle<bool>)>);
    *latest.borrow_mut() = app.zip(session).map(|(app, session)| (app, session, help));
    use_effect_with((), move |_| {
        let listener = web_sys::window()
            .and_then(|window| window.document())
            .map(|document| {
                EventListener::new(&document, "keydown", move |event| {
                    on_key(&latest, event);
                })
            });
        move || drop(listener)
    });
}

type Latest = Rc<RefCell<Option<(AppContext, SessionHandle, UseStateHandle<bool>)>>>;

fn on_key(latest: &Latest, event: &web_sys::Event) {
    // A held key repeats: one toggle per press, not a flood of messages.
    let Some(event) = event
        .dyn_ref::<KeyboardEvent>()
        .filter(|event| !event.repeat())
    else {
        return;
    };
    let modified = event.ctrl_key() || event.alt_key() || event.meta_key();
    let Some(shortcut) = Shortcut::of_key(
        &event.key(),
        event.shift_key(),
        modified,
        in_text_field(event),
    ) else {
        return;
    };
    let Some((app, session, help)) = latest.borrow().clone() else {
        return;
    };
    event.prevent_default();
    match shortcut {
        Shortcut::Microphone => toggle_microphone(&app),
        Shortcut::Camera => toggle_camera(&app),
        Shortcut::Hand => session.set_hand_raised(!app.meeting.hand_raised),
        Shortcut::Chat => app.dispatch(Action::SetChatOpen(!app.meeting.chat_open)),
        Shortcut::Help => help.set(true),
        Shortcut::Leave => session.leave(),
    }
}

/// Whether the key went to a field that takes text (or to a dialog's button: Space and
/// Enter there are the button's).
fn in_text_field(event: &KeyboardEvent) -> bool {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return false;
    };
    let tag = target.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || target.has_attribute("contenteditable")
        || target.closest("dialog").ok().flatten().is_some()
}
