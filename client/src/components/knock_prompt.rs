//! The chair's knock prompt: who asks to be let in (the name their credential carries,
//! their key's fingerprint, "seen before" if this browser met the key in an earlier
//! meeting), with Admit / Deny each and "Admit all" when several knock. New knocks are
//! announced politely (`aria-live`).

use conclave_protocol::ParticipantId;
use yew::prelude::*;

use crate::hooks::{use_app, use_session};
use crate::roster::knock_rows;

/// `<section aria-label="Asking to join" data-testid="knock-prompt">`, for chairs only,
/// while someone knocks: one `<li data-display-name>` per knock.
#[function_component(KnockPrompt)]
pub fn knock_prompt() -> Html {
    let (Some(app), Some(session)) = (use_app(), use_session()) else {
        return Html::default();
    };
    let Some(group) = app
        .meeting
        .group
        .as_ref()
        .filter(|group| group.we_are_chair())
    else {
        return Html::default();
    };
    let rows = knock_rows(group, &app.meeting.seen_before);
    let locked = group.policy.is_some_and(|policy| policy.locked);
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
    // Always in the page for chairs, so that a screen reader hears each new knock.
    let announcement = match rows.as_slice() {
        [] => String::new(),
        [only] => format!("{} asks to join", only.display_name),
        _ => format!("{} people ask to join", rows.len()),
    };
    let live = html! {
        <p class="visually-hidden" aria-live="polite" data-testid="knock-announcement">
            { announcement }
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
            <h2 id="knock-heading">{ "Asking to join" }</h2>
            <div>
                if !rows.is_empty() {
                    <p class="small">
                        { match rows.len() {
                            1 => "1 person is waiting for you to let them in.".to_owned(),
                            n => format!("{n} people are waiting for you to let them in."),
                        } }
                        if locked {
                            { " The meeting is locked: unlock it to admit anyone." }
                        }
                    </p>
                }
                <ul class="knock-list">
                    { for rows.iter().map(|row| html! {
                        <li key={row.participant_id.0} class="knock"
                            data-testid="knock" data-display-name={row.display_name.clone()}>
                            <span class="roster-name">{ row.display_name.clone() }</span>
                            { " " }
                            <span class="roster-fingerprint">
                                <span class="visually-hidden">{ "key " }</span>
                                { row.fingerprint.clone() }
                            </span>
                            if row.seen_before {
                                { " " }
                                <span class="roster-badge">{ "seen before" }</span>
                            }
                            <span class="knock-actions">
                                <button type="button" class="primary"
                                        onclick={answer(true, row.participant_id)}>
                                    { "Admit" }
                                    <span class="visually-hidden">{ format!(" {}", row.display_name) }</span>
                                </button>
                                <button type="button"
                                        onclick={answer(false, row.participant_id)}>
                                    { "Deny" }
                                    <span class="visually-hidden">{ format!(" {}", row.display_name) }</span>
                                </button>
                            </span>
                        </li>
                    }) }
                </ul>
            </div>
            if rows.len() > 1 {
                <button type="button" class="primary" onclick={admit_all}>{ "Admit all" }</button>
            }
        </section>
        </>
    }
}
