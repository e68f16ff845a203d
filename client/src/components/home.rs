use conclave_group::{Admission, FrameSuite};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::use_app;
use crate::invite::{parse_invite_link, Invite};
use crate::services::{navigation, rooms, secure_random};
use crate::state::{Action, Page};

/// `/`: start a new meeting or open an invite link.
#[function_component(HomePage)]
pub fn home_page() -> Html {
    let app = use_app();
    let creating = use_state(|| false);
    let create_error = use_state(|| None::<String>);
    let link_error = use_state(|| None::<String>);
    let link_input = use_node_ref();
    let suite_select = use_node_ref();
    let open_admission = use_node_ref();
    let Some(app) = app else {
        return Html::default();
    };

    let open_lobby = {
        let app = app.clone();
        move |invite: Invite| {
            navigation::push(&invite.path_and_fragment());
            app.dispatch(Action::Navigate(Page::Lobby(invite)));
        }
    };

    let new_meeting = {
        let creating = creating.clone();
        let create_error = create_error.clone();
        let open_lobby = open_lobby.clone();
        let suite_select = suite_select.clone();
        let open_admission = open_admission.clone();
        Callback::from(move |_: MouseEvent| {
            // Only an explicit choice opens the meeting to anyone with the link.
            let admission = if open_admission
                .cast::<HtmlInputElement>()
                .is_some_and(|radio| radio.checked())
            {
                Admission::AnyoneWithLink
            } else {
                Admission::ChairAdmits
            };
            let frame_suite = suite_select
                .cast::<HtmlSelectElement>()
                .and_then(|select| select.value().parse().ok())
                .and_then(FrameSuite::from_id)
                .unwrap_or_default();
            creating.set(true);
            create_error.set(None);
            let creating = creating.clone();
            let create_error = create_error.clone();
            let open_lobby = open_lobby.clone();
            spawn_local(async move {
                let created = match rooms::create_room().await {
                    Ok(room_id) => secure_random::new_invite_secret()
                        .map(|secret| {
                            Invite::new(room_id, secret, frame_suite).with_admission(admission)
                        })
                        .map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                };
                creating.set(false);
                match created {
                    Ok(invite) => open_lobby(invite),
                    Err(message) => {
                        create_error.set(Some(format!("Could not start a meeting: {message}.")))
                    }
                }
            });
        })
    };

    let join = {
        let link_input = link_input.clone();
        let link_error = link_error.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let text = link_input
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            match parse_invite_link(&text) {
                Ok(invite) => {
                    link_error.set(None);
                    open_lobby(invite);
                }
                Err(error) => link_error.set(Some(error.to_string())),
            }
        })
    };

    html! {
        <main class="page home">
            <section class="hero">
                <h1>{ "Conclave" }</h1>
                <p class="lede">
                    { "Video meetings that only the people in them can see and hear: every frame is encrypted in your browser, and the key never reaches a server." }
                </p>
                <div class="new-meeting">
                    <button type="button" class="primary large" onclick={new_meeting} disabled={*creating}>
                        { if *creating { "Starting…" } else { "New meeting" } }
                    </button>
                    <div class="suite-choice">
                        <label for="frame-suite">{ "Frame encryption" }</label>
                        <select id="frame-suite" ref={suite_select} aria-describedby="frame-suite-help">
                            { for FrameSuite::ALL.iter().rev().map(|suite| html! {
                                <option value={suite.id().to_string()}
                                        selected={*suite == FrameSuite::default()}>
                                    { suite.label() }
                                </option>
                            }) }
                        </select>
                        <p id="frame-suite-help" class="hint">
                            { "Everyone who joins uses this cipher; the invite link carries the choice." }
                        </p>
                    </div>
                    <fieldset class="admission-choice">
                        <legend>{ "Who can join" }</legend>
                        <label>
                            <input type="radio" name="admission" value="chair" checked=true
                                   aria-describedby="admission-help" />
                            { "People the chair admits" }
                        </label>
                        <label>
                            <input type="radio" name="admission" value="open" ref={open_admission}
                                   aria-describedby="admission-help" />
                            { "Anyone with the link" }
                        </label>
                        <p id="admission-help" class="hint">
                            { "You are the chair: with the first choice, you let each person in." }
                        </p>
                    </fieldset>
                </div>
                if let Some(message) = (*create_error).clone() {
                    <p class="error" role="alert">{ message }</p>
                }
            </section>
            <section class="card join-card">
                <h2>{ "Have an invite?" }</h2>
                <form class="join-form" onsubmit={join} novalidate=true>
                    <label for="invite-link">{ "Invite link" }</label>
                    <div class="row">
                        <input id="invite-link" ref={link_input} type="text" autocomplete="off"
                               spellcheck="false" placeholder="https://…/m/…#…"
                               aria-invalid={link_error.is_some().then_some("true")}
                               aria-describedby={link_error.is_some().then_some("invite-link-error")} />
                        <button type="submit">{ "Join" }</button>
                    </div>
                    if let Some(message) = (*link_error).clone() {
                        <p id="invite-link-error" class="error" role="alert">{ message }</p>
                    }
                </form>
            </section>
        </main>
    }
}
