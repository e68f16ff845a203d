use std::collections::BTreeSet;

use conclave_group::verified_identity::{AnchorPin, TrustAnchor};
use conclave_group::{Admission, FrameSuite, MeetingTrust};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::{use_app, use_translator};
use crate::i18n::{frame_suite_message_id, Translator};
use crate::invite::{enrollment_path_and_fragment, parse_invite_link, Invite, InviteError};
use crate::services::identity_store;
use crate::services::organisations::fetch_organisations_retrying;
use crate::services::rooms::{self, RoomApiError};
use crate::services::{navigation, room_credentials, secure_random};
use crate::state::{Action, Page};

use super::{sentence, BuildFooter, TechnicalDetail};

/// Why "New meeting" did not open a lobby.
#[derive(Clone, Debug, PartialEq)]
enum CreateFailure {
    /// The server gave no room.
    Room(RoomApiError),
    /// The browser gave no secure random numbers for the invite secret.
    NoSecureRandom,
}

impl CreateFailure {
    /// Why, in `t`'s language.
    fn text(&self, t: Translator) -> String {
        match self {
            CreateFailure::Room(error) => error.text(t),
            CreateFailure::NoSecureRandom => t.get("home-no-secure-random"),
        }
    }

    /// The words of the browser or server, for support.
    fn detail(&self) -> Option<&str> {
        match self {
            CreateFailure::Room(error) => error.detail(),
            CreateFailure::NoSecureRandom => None,
        }
    }
}

/// `/`: start a new meeting or open an invite link.
#[function_component(HomePage)]
pub fn home_page() -> Html {
    let t = use_translator();
    let app = use_app();
    let creating = use_state(|| false);
    // What went wrong, not the sentence: the sentence follows a change of language.
    let create_error = use_state(|| None::<CreateFailure>);
    let link_error = use_state(|| None::<InviteError>);
    let link_input = use_node_ref();
    let suite_select = use_node_ref();
    let open_admission = use_node_ref();
    // The organisations the server lists (pin, name), and the creator's choice of them.
    let organisations = use_state(Vec::<(AnchorPin, String)>::new);
    let accepted = use_state(BTreeSet::<AnchorPin>::new);
    let verified_only = use_state(|| false);
    {
        let organisations = organisations.clone();
        let accepted = accepted.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let now_unix_secs = identity_store::now_unix_secs();
                let listed: Vec<(AnchorPin, String)> = fetch_organisations_retrying()
                    .await
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|org| TrustAnchor::from_organisation(org, now_unix_secs).ok())
                    .map(|anchor| (anchor.pin(), anchor.organisation().to_owned()))
                    .collect();
                if listed.is_empty() {
                    return;
                }
                // Only the organisation that enrolled this browser is accepted unless the
                // creator ticks more: a server may list a CA of its own under a real name.
                let own = identity_store::load_remembered_identity()
                    .await
                    .ok()
                    .and_then(|loaded| loaded.certificate_chain)
                    .and_then(|chain| chain.get(1).map(|ca| AnchorPin::of_certificate(ca)));
                accepted.set(
                    listed
                        .iter()
                        .map(|(pin, _)| *pin)
                        .filter(|pin| Some(*pin) == own)
                        .collect(),
                );
                organisations.set(listed);
            });
        });
    }
    // A portal's `#create=TOKEN` link: keep the token for this tab, out of the address bar.
    use_effect_with((), |_| room_credentials::adopt_creation_link());
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
        let accepted = accepted.clone();
        let verified_only = verified_only.clone();
        Callback::from(move |_: MouseEvent| {
            let trust = MeetingTrust::new(*verified_only, accepted.iter().copied());
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
                            Invite::new(room_id, secret, frame_suite)
                                .with_admission(admission)
                                .with_trust(trust)
                        })
                        .map_err(|_| CreateFailure::NoSecureRandom),
                    Err(error) => Err(CreateFailure::Room(error)),
                };
                creating.set(false);
                match created {
                    Ok(invite) => open_lobby(invite),
                    Err(failure) => create_error.set(Some(failure)),
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
                Err(error) => link_error.set(Some(error)),
            }
        })
    };

    let open_enrollment = {
        let app = app.clone();
        Callback::from(move |event: MouseEvent| {
            // A plain click stays in the app; a new tab or window follows the link.
            if event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0 {
                return;
            }
            event.prevent_default();
            navigation::push(&enrollment_path_and_fragment(None));
            app.dispatch(Action::Navigate(Page::Enroll {
                expected_anchor: None,
            }));
        })
    };

    html! {
        <main class="page home">
            <section class="hero">
                <h1>{ t.get("app-name") }</h1>
                <p class="lede">
                    { t.get("home-lede") }
                </p>
                <div class="new-meeting">
                    <button type="button" class="primary large" onclick={new_meeting} disabled={*creating}>
                        { if *creating { t.get("home-starting") } else { t.get("home-new-meeting") } }
                    </button>
                    <div class="suite-choice">
                        <label for="frame-suite">{ t.get("home-frame-encryption") }</label>
                        <select id="frame-suite" ref={suite_select} aria-describedby="frame-suite-help">
                            { for FrameSuite::ALL.iter().rev().map(|suite| html! {
                                <option value={suite.id().to_string()}
                                        selected={*suite == FrameSuite::default()}>
                                    { t.get(frame_suite_message_id(*suite)) }
                                </option>
                            }) }
                        </select>
                        <p id="frame-suite-help" class="hint">
                            { t.get("home-frame-suite-help") }
                        </p>
                    </div>
                    <fieldset class="admission-choice">
                        <legend>{ t.get("home-who-can-join") }</legend>
                        <label>
                            <input type="radio" name="admission" value="chair" checked=true
                                   aria-describedby="admission-help" />
                            { t.get("home-admission-chair") }
                        </label>
                        <label>
                            <input type="radio" name="admission" value="open" ref={open_admission}
                                   aria-describedby="admission-help" />
                            { t.get("home-admission-open") }
                        </label>
                        <p id="admission-help" class="hint">
                            { t.get("home-admission-help") }
                        </p>
                    </fieldset>
                    if !organisations.is_empty() {
                        <fieldset class="verified-choice" data-testid="verified-choice">
                            <legend>{ t.get("home-verified-identities") }</legend>
                            <label>
                                <input type="checkbox" data-testid="verified-only"
                                       checked={*verified_only}
                                       aria-describedby="verified-help"
                                       onchange={{
                                           let verified_only = verified_only.clone();
                                           Callback::from(move |event: Event| {
                                               let checked = event
                                                   .target_dyn_into::<HtmlInputElement>()
                                                   .is_some_and(|input| input.checked());
                                               verified_only.set(checked);
                                           })
                                       }} />
                                { t.get("home-verified-only") }
                            </label>
                            { for organisations.iter().map(|(pin, name)| {
                                let pin = *pin;
                                let accepted_now = accepted.contains(&pin);
                                let toggle = {
                                    let accepted = accepted.clone();
                                    Callback::from(move |event: Event| {
                                        let checked = event
                                            .target_dyn_into::<HtmlInputElement>()
                                            .is_some_and(|input| input.checked());
                                        let mut next = (*accepted).clone();
                                        if checked {
                                            next.insert(pin);
                                        } else {
                                            next.remove(&pin);
                                        }
                                        accepted.set(next);
                                    })
                                };
                                html! {
                                    <label key={pin.to_hex()}>
                                        <input type="checkbox" data-testid="accept-organisation"
                                               data-organisation={name.clone()}
                                               checked={accepted_now} onchange={toggle} />
                                        { sentence(&t.with("home-accept-organisation", &[
                                            ("organisation", crate::i18n::Arg::name(name)),
                                            ("pin", pin.to_string().into()),
                                        ])) }
                                        <br />
                                        <code class="organisation-pin">{ grouped_hex(&pin) }</code>
                                    </label>
                                }
                            }) }
                            if has_shared_names(&organisations) {
                                <p class="warning" role="alert">
                                    { t.get("home-organisations-same-name") }
                                </p>
                            }
                            <p id="verified-help" class="hint">
                                { t.get("home-verified-help") }
                            </p>
                        </fieldset>
                    }
                </div>
                if let Some(failure) = &*create_error {
                    <div class="error" role="alert">
                        <p>{ t.with("home-create-failed", &[("reason", failure.text(t).into())]) }</p>
                        <TechnicalDetail detail={failure.detail().map(str::to_owned)} />
                    </div>
                }
            </section>
            <section class="card join-card">
                <h2>{ t.get("home-have-invite") }</h2>
                <form class="join-form" onsubmit={join} novalidate=true>
                    <label for="invite-link">{ t.get("home-invite-link") }</label>
                    <div class="row">
                        <input id="invite-link" ref={link_input} type="text" autocomplete="off"
                               spellcheck="false" placeholder={t.get("home-invite-link-placeholder")}
                               aria-invalid={link_error.is_some().then_some("true")}
                               aria-describedby={link_error.is_some().then_some("invite-link-error")} />
                        <button type="submit">{ t.get("home-join") }</button>
                    </div>
                    if let Some(error) = *link_error {
                        <p id="invite-link-error" class="error" role="alert">
                            { t.get(error.message_id()) }
                        </p>
                    }
                </form>
            </section>
            <p class="enrollment-link small">
                <a href={enrollment_path_and_fragment(None)} onclick={open_enrollment}>
                    { t.get("home-enroll-link") }
                </a>
            </p>
            <BuildFooter />
        </main>
    }
}

/// A CA pin in full, 64 hex digits in groups of four, for comparing with the one the
/// organisation published.
fn grouped_hex(pin: &AnchorPin) -> String {
    let hex = pin.to_hex();
    let groups: Vec<&str> = (0..hex.len())
        .step_by(4)
        .map(|start| &hex[start..(start + 4).min(hex.len())])
        .collect();
    groups.join(" ")
}

/// Whether two listed organisations go by the same name (one may be an impostor's CA).
fn has_shared_names(organisations: &[(AnchorPin, String)]) -> bool {
    organisations
        .iter()
        .enumerate()
        .any(|(i, (_, name))| organisations[..i].iter().any(|(_, other)| other == name))
}
