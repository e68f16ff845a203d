//! The meeting-level chair controls: Lock / Unlock, New link, End for all; and the alert
//! when a chair action did not go through (the server may drop a chair's commit).

use yew::prelude::*;

use crate::hooks::{use_app, use_session};
use crate::state::Action;

/// `<section aria-label="Chair controls" data-testid="chair-controls">`, for chairs only.
#[function_component(ChairControls)]
pub fn chair_controls() -> Html {
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
    let locked = group.policy.is_some_and(|policy| policy.locked);
    let toggle_lock = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.set_locked(!locked))
    };
    let new_link = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.new_link())
    };
    let end_for_all = Callback::from(move |_: MouseEvent| session.end_for_all());
    html! {
        <section class="card side-card chair-controls" aria-labelledby="chair-heading"
                 data-testid="chair-controls">
            <h2 id="chair-heading">{ "Chair controls" }</h2>
            <p class="small" data-testid="lock-state" role="status">
                { if locked { "Locked: nobody new can join." } else { "Open to people you admit." } }
            </p>
            <div class="row">
                <button type="button" onclick={toggle_lock}>
                    { if locked { "Unlock" } else { "Lock" } }
                </button>
                <button type="button" onclick={new_link} aria-describedby="new-link-help">
                    { "New link" }
                </button>
                <button type="button" class="danger" onclick={end_for_all}>{ "End for all" }</button>
            </div>
            <p id="new-link-help" class="hint">
                { "A new link stops the old one from letting anyone new in." }
            </p>
        </section>
    }
}

/// `role="alert"`: a chair action of ours did not go through. Dismissable.
#[function_component(ChairActionAlert)]
pub fn chair_action_alert() -> Html {
    let Some(app) = use_app() else {
        return Html::default();
    };
    if !app.meeting.chair_action_failed {
        return Html::default();
    }
    let dismiss = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::DismissChairAlert))
    };
    html! {
        <div class="alert alert-warning" role="alert" data-testid="chair-action-failed">
            <strong>{ "That change did not go through" }</strong>
            <span>{ ". Try again; if it keeps failing, the server may be dropping it." }</span>
            { " " }
            <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
