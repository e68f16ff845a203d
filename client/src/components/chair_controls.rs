//! The meeting-level chair controls: Lock / Unlock, New link, End for all (asked twice: it
//! cannot be undone); and the alert when a chair action did not go through (the server may
//! drop a chair's commit).

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::hooks::{use_app, use_session, use_translator};
use crate::state::Action;

/// `<section aria-label="Chair controls" data-testid="chair-controls">`, for chairs only.
#[function_component(ChairControls)]
pub fn chair_controls() -> Html {
    let t = use_translator();
    let confirming_end = use_state(|| false);
    let confirm_button = use_node_ref();
    let end_button = use_node_ref();
    {
        // The question takes the focus, so that a keyboard user answers it next.
        let confirm_button = confirm_button.clone();
        use_effect_with(*confirming_end, move |confirming| {
            if *confirming {
                if let Some(button) = confirm_button.cast::<HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
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
    let ask_end = {
        let confirming_end = confirming_end.clone();
        Callback::from(move |_: MouseEvent| confirming_end.set(true))
    };
    let cancel_end = {
        let confirming_end = confirming_end.clone();
        let end_button = end_button.clone();
        Callback::from(move |_: MouseEvent| {
            confirming_end.set(false);
            // The question goes away: focus goes back to where it was asked from.
            if let Some(button) = end_button.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        })
    };
    let end_for_all = Callback::from(move |_: MouseEvent| session.end_for_all());
    html! {
        <section class="card side-card chair-controls" aria-labelledby="chair-heading"
                 data-testid="chair-controls">
            <h2 id="chair-heading">{ t.get("chair-controls-title") }</h2>
            <p class="small" data-testid="lock-state" role="status">
                if locked {
                    { t.get("chair-locked") }
                } else {
                    { t.get("chair-open") }
                }
            </p>
            <div class="row">
                <button type="button" onclick={toggle_lock}>
                    if locked {
                        { t.get("chair-unlock") }
                    } else {
                        { t.get("chair-lock") }
                    }
                </button>
                <button type="button" onclick={new_link} aria-describedby="new-link-help">
                    { t.get("chair-new-link") }
                </button>
                <button type="button" class="danger" ref={end_button} onclick={ask_end}
                        aria-expanded={confirming_end.to_string()}>
                    { t.get("chair-end-for-all") }
                </button>
            </div>
            if *confirming_end {
                <div id="end-confirmation" class="end-confirmation" role="group"
                     aria-labelledby="end-question">
                    <p id="end-question" class="small">
                        { t.get("chair-end-question") }
                    </p>
                    <div class="row">
                        <button type="button" class="danger" ref={confirm_button} onclick={end_for_all}>
                            { t.get("chair-end-confirm") }
                        </button>
                        <button type="button" onclick={cancel_end}>{ t.get("chair-end-cancel") }</button>
                    </div>
                </div>
            }
            <p id="new-link-help" class="hint">
                { t.get("chair-new-link-help") }
            </p>
        </section>
    }
}

/// `role="alert"`: a chair action of ours did not go through. Dismissable.
#[function_component(ChairActionAlert)]
pub fn chair_action_alert() -> Html {
    let t = use_translator();
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
            <strong>{ t.get("chair-action-failed") }</strong>
            <span>{ t.get("chair-action-failed-detail") }</span>
            { " " }
            <button type="button" onclick={dismiss}>{ t.get("chair-action-dismiss") }</button>
        </div>
    }
}
