//! The page after the meeting ended for this browser: removed, denied, locked out, holding
//! a replaced link, or ended for all (by a chair, as our group showed, or by the server alone). Its keys are
//! gone; there is no way back in from here.

use yew::prelude::*;

use crate::roster::MeetingClosed;

/// Properties of [`ClosedPage`].
#[derive(Properties, PartialEq)]
pub struct ClosedProps {
    /// Why the meeting is over for us.
    pub closed: MeetingClosed,
}

/// "A chair removed you from the meeting" and the like.
#[function_component(ClosedPage)]
pub fn closed_page(props: &ClosedProps) -> Html {
    let detail = match props.closed {
        MeetingClosed::Removed | MeetingClosed::Ended => {
            "Your browser dropped the meeting's keys: it can no longer see or hear the meeting."
        }
        MeetingClosed::Denied | MeetingClosed::LockedOut => {
            "You were not added: you never held the meeting's keys."
        }
        MeetingClosed::LinkReplaced => {
            "A chair made a new link for this meeting, and this one no longer lets anyone \
             in. Ask someone in the meeting for the new link."
        }
        MeetingClosed::ServerRemoved => {
            "It said a chair removed you, but the meeting's encrypted group did not show it. \
             Your browser dropped the meeting's keys."
        }
        MeetingClosed::ServerEnded => {
            "The meeting's encrypted group did not show a chair ending it. Your browser \
             dropped the meeting's keys."
        }
    };
    html! {
        <main class="page notice">
            <div class="card" role="alert" data-testid="meeting-closed">
                <h1>{ props.closed.message() }</h1>
                <p>{ detail }</p>
                <div class="row">
                    <a class="button-link" href="/">{ "Home" }</a>
                </div>
            </div>
        </main>
    }
}
