use yew::prelude::*;

use super::tile::HAND_RAISED;
use super::verification_mark::VerificationWarning;
use super::{sentence, MemberActions, VerificationMark};
use crate::hooks::{use_app, use_translator};
use crate::roster::lines::{outsider_line, roster_rows, RosterRow};

/// Who holds the meeting's keys: `<section aria-label="Participants">` listing the MLS
/// group's members, one `<li data-display-name="{credential name}">` each (name,
/// " (you)", a "chair" badge, a raised hand and "muted" as the member said (through the
/// group), whether an organisation the meeting accepts vouches for them, key fingerprint,
/// "seen before" for keys this browser met in an earlier meeting,
/// and for a chair looking at someone else, Remove and Make / Remove
/// co-chair), then, if anyone in the server's room is not in the group,
/// `<section aria-label="Not in the encrypted meeting">` listing them (named only if they
/// knock, by their credential: the server knows no names).
#[function_component(RosterPanel)]
pub fn roster_panel() -> Html {
    let t = use_translator();
    let Some(app) = use_app() else {
        return Html::default();
    };
    let meeting = &app.meeting;
    let rows = meeting
        .group
        .as_ref()
        .map(|group| roster_rows(group, &meeting.seen_before, &meeting.verified_before))
        .unwrap_or_default();
    let outsiders: Vec<(u64, String)> = meeting
        .group
        .as_ref()
        .map(|group| {
            group
                .outsiders
                .iter()
                .map(|outsider| {
                    let since = app.arrived_ms(outsider.id);
                    let line = outsider_line(group.knock_of(outsider.id), since, app.now_ms);
                    (outsider.id.0, line.text(t))
                })
                .collect()
        })
        .unwrap_or_default();
    let chair = meeting
        .group
        .as_ref()
        .is_some_and(|group| group.we_are_chair());
    // Whose certificates the meeting accepts, when it accepts any or admits only them.
    let trust_line = meeting
        .group
        .as_ref()
        .and_then(|group| group.trust.as_ref())
        .filter(|trust| trust.verified_only || !trust.organisations.is_empty())
        .map(|trust| {
            let accepts = if trust.organisations.is_empty() {
                t.get("meeting-trust-accepts-none")
            } else {
                t.with(
                    "meeting-trust-accepts",
                    &[("organisations", trust.organisations.join(", ").into())],
                )
            };
            if trust.verified_only {
                format!("{} {accepts}", t.get("meeting-trust-verified-only"))
            } else {
                accepts
            }
        });
    // (hand raised, muted) of each row: ours as we set it, others' as they said.
    let signals_of = |row: &RosterRow| {
        if row.is_self {
            (
                meeting.hand_raised,
                app.local_media.stream().is_none() || !app.microphone_on,
            )
        } else {
            let signals = meeting.signals.of(&row.signature_key.to_hex());
            (signals.media.hand_raised, !signals.media.microphone_on)
        }
    };
    html! {
        <>
            <section class="card side-card roster" aria-label={t.get("roster-title")}>
                <h2>{ t.get("roster-title") }</h2>
                if let Some(line) = trust_line {
                    <p class="small meeting-trust" data-testid="meeting-trust">{ line }</p>
                }
                if rows.is_empty() {
                    <p class="muted small">{ t.get("roster-not-in-meeting-yet") }</p>
                } else {
                    <ul class="roster-list">
                        { for rows.iter().map(|row| {
                            let (hand_raised, muted) = signals_of(row);
                            html! {
                            <li key={row.key} class="roster-member" data-display-name={row.display_name.clone()}
                                data-chair={row.is_chair.to_string()} data-leaf-index={row.key.to_string()}>
                                <span class="roster-name">{ sentence(&row.name(t)) }</span>
                                if row.is_chair {
                                    { " " }
                                    <span class="roster-badge chair-badge" data-testid="chair-badge">{ t.get("roster-chair") }</span>
                                }
                                if hand_raised {
                                    { " " }
                                    <span class="roster-badge hand-badge" data-testid="hand-badge">{ t.get(HAND_RAISED) }</span>
                                }
                                if muted {
                                    { " " }
                                    <span class="roster-badge muted-badge">{ t.get("roster-muted") }</span>
                                }
                                { " " }
                                <VerificationMark verification={row.verification.clone()} />
                                <VerificationWarning was_verified_by={row.was_verified_by.clone()} />
                                { " " }
                                <span class="roster-fingerprint">{ row.fingerprint.clone() }</span>
                                if row.seen_before {
                                    { " " }
                                    <span class="roster-badge">{ t.get("roster-seen-before") }</span>
                                }
                                if chair && !row.is_self {
                                    <MemberActions row={row.clone()} />
                                }
                            </li>
                        }}) }
                    </ul>
                }
                if meeting.key_remembered == Some(false) {
                    <p class="muted small">{ t.get("roster-key-not-remembered") }</p>
                }
            </section>
            if !outsiders.is_empty() {
                <section class="card side-card outsiders" aria-label={t.get("roster-outsiders-label")}>
                    <h2>{ t.get("roster-outsiders-title") }</h2>
                    <ul class="roster-list">
                        { for outsiders.into_iter().map(|(id, line)| html! {
                            <li key={id} class="roster-outsider">{ sentence(&line) }</li>
                        }) }
                    </ul>
                </section>
            }
        </>
    }
}
