use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::services::now_ms;
use crate::state::{Action, AppState};

/// How often the clock ticks while mounted, in milliseconds.
const TICK_MS: u32 = 500;

/// Sends (when given a dispatcher) [`Action::Tick`] every half second while the calling component is mounted, so
/// that statuses that depend on time ("in the last 2 s") move on without new messages.
#[hook]
pub fn use_clock(dispatcher: Option<UseReducerDispatcher<AppState>>) {
    use_effect_with((), move |_| {
        let interval = dispatcher.map(|dispatcher| {
            Interval::new(TICK_MS, move || dispatcher.dispatch(Action::Tick(now_ms())))
        });
        move || drop(interval)
    });
}
