//! The chair's knock prompt: who asks to be let in (the name their credential carries,
//! their key's fingerprint, "seen before" if this browser met the key in an earlier
//! meeting), with Admit / Deny each and "Admit all" when several knock. New knocks are
//! announced politely (`aria-live`).

use conclave_protocol::ParticipantId;
use yew::prelude::*;

use super::verification_mark::VerificationWarning;
use super::{sentence, VerificationMark};
use crate::hooks::{use_app, use_live_announcement, use_session, use_translator};
use crate::i18n::Arg;
use crate::roster::lines::knock_rows;

/// `<section aria-label="Asking to join" data-testid="knock-prompt">`, for chairs only,
/// while someone knocks: one `<li data-display-name>` per knock.
#[function_component(KnockPrompt)]
pub fn knock_prompt() -> Html {
    let t = use_translator();
    let app = use_app();
    let session = use_session();
    let chaired = app.as_ref().and_then(|app| {
        let group = app
            .meeting
            .group
            .as_ref()
            .filter(|group| group.we_are_chair())?;
        Some((
            knock_rows(
                group,
                &app.meeting.seen_before,
                &app.meeting.verified_before,
            ),
            group.policy.is_some_and(|policy| policy.locked),
        ))
    });
    let knockers: Vec<ParticipantId> = chaired
        .iter()
        .flat_map(|(rows, _)| rows.iter().map(|row| row.participant_id))
        .collect();
    // Always in the page for chairs, so that a screen reader hears each new knock.
    let announcement = match chaired.as_ref().map(|(rows, _)| rows.as_slice()) {
        None | Some([]) => String::new(),
        Some([only]) => t.with(
            "knock-asks-to-join",
            &[("name", Arg::name(&only.display_name))],
        ),
        Some(rows) => t.with("knock-people-ask-to-join", &[("count", rows.len().into())]),
    };
    let announcement = use_live_announcement(t.language(), knockers, announcement);
    let (Some(session), Some((rows, locked))) = (session, chaired) else {
        return Html::default();
    };
    let answer = |admit: bool, participant: ParticipantId| {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            if admit {
                session.admit(participant);
            } else {
                session.deny(participant);
            }
        })
    };
    let admit_all = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.admit_all())
    };
    // Whom Admit and Deny answer, for screen readers.
    let who = |name: &String| t.with("knock-who", &[("name", name.into())]);
    let live = html! {
        <p class="visually-hidden" aria-live="polite" data-testid="knock-announcement">
            { sentence(&announcement) }
        </p>
    };
    if rows.is_empty() {
        return live;
    }
    html! {
        <>
        { live }
        <section class="card side-card knock-prompt" aria-labelledby="knock-heading"
                 data-testid="knock-prompt">
            <h2 id="knock-heading">{ t.get("knock-title") }</h2>
            <div>
                if !rows.is_empty() {
                    <p class="small">
                        { t.with("knock-waiting", &[("count", rows.len().into())]) }
                        if locked {
                            { " " }
                            { t.get("knock-locked") }
                        }
                    </p>
                }
                <ul class="knock-list">
                    { for rows.iter().map(|row| html! {
                        <li key={row.participant_id.0} class="knock"
                            data-testid="knock" data-display-name={row.display_name.clone()}>
                            <span class="roster-name" dir="auto">{ row.display_name.clone() }</span>
                            { " " }
                            <VerificationMark verification={row.verification.clone()} />
                            <VerificationWarning was_verified_by={row.was_verified_by.clone()} />
                            { " " }
                            <span class="roster-fingerprint">
                                <span class="visually-hidden">{ t.get("knock-key") }{ " " }</span>
                                { row.fingerprint.clone() }
                            </span>
                            if row.seen_before {
                                { " " }
                                <span class="roster-badge">{ t.get("roster-seen-before") }</span>
                            }
                            <span class="knock-actions">
                                <button type="button" class="primary"
                                        onclick={answer(true, row.participant_id)}>
                                    { t.get("knock-admit") }
                                    <span class="visually-hidden">{ who(&row.display_name) }</span>
                                </button>
                                <button type="button"
                                        onclick={answer(false, row.participant_id)}>
                                    { t.get("knock-deny") }
                                    <span class="visually-hidden">{ who(&row.display_name) }</span>
                                </button>
                            </span>
                        </li>
                    }) }
                </ul>
            </div>
            if rows.len() > 1 {
                <button type="button" class="primary" onclick={admit_all}>{ t.get("knock-admit-all") }</button>
            }
        </section>
        </>
    }
}
