use yew::prelude::*;

use crate::hooks::use_app;
use crate::roster::{outsider_line, roster_rows};

/// Who holds the meeting's keys: `<section aria-label="Participants">` listing the MLS
/// group's members, one `<li data-display-name="{credential name}">` each (name,
/// " (you)", key fingerprint, "seen before" for keys this browser met in an earlier
/// meeting), then, if anyone in the server's room is not in the group,
/// `<section aria-label="Not in the encrypted meeting">` naming them.
#[function_component(RosterPanel)]
pub fn roster_panel() -> Html {
    let Some(app) = use_app() else {
        return Html::default();
    };
    let meeting = &app.meeting;
    let rows = meeting
        .group
        .as_ref()
        .map(|group| roster_rows(group, &meeting.seen_before))
        .unwrap_or_default();
    let outsiders = meeting
        .group
        .as_ref()
        .map(|group| group.outsiders.as_slice())
        .unwrap_or_default();
    html! {
        <>
            <section class="card side-card roster" aria-label="Participants">
                <h2>{ "Participants" }</h2>
                if rows.is_empty() {
                    <p class="muted small">{ "You are not in the encrypted meeting yet." }</p>
                } else {
                    <ul class="roster-list">
                        { for rows.iter().map(|row| html! {
                            <li key={row.key} class="roster-member" data-display-name={row.display_name.clone()}>
                                <span class="roster-name">{ row.name.clone() }</span>
                                { " " }
                                <span class="roster-fingerprint">{ row.fingerprint.clone() }</span>
                                if row.seen_before {
                                    { " " }
                                    <span class="roster-badge">{ "seen before" }</span>
                                }
                            </li>
                        }) }
                    </ul>
                }
                if meeting.key_remembered == Some(false) {
                    <p class="muted small">{ "Your key is not remembered on this browser" }</p>
                }
            </section>
            if !outsiders.is_empty() {
                <section class="card side-card outsiders" aria-label="Not in the encrypted meeting">
                    <h2>{ "Also in the room" }</h2>
                    <ul class="roster-list">
                        { for outsiders.iter().map(|outsider| html! {
                            <li key={outsider.id.0} class="roster-outsider">{ outsider_line(outsider) }</li>
                        }) }
                    </ul>
                </section>
            }
        </>
    }
}
