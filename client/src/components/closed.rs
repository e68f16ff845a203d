//! The page after the meeting ended for this browser: removed, denied, locked out, holding
//! a replaced link, or ended for all (by a chair, as our group showed, or by the server alone). Its keys are
//! gone; there is no way back in from here.

use yew::prelude::*;

use crate::hooks::use_translator;
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
    let t = use_translator();
    let detail = match props.closed {
        MeetingClosed::Removed | MeetingClosed::Ended => t.get("closed-keys-dropped"),
        MeetingClosed::Denied | MeetingClosed::LockedOut => t.get("closed-not-added"),
        MeetingClosed::LinkReplaced => t.get("closed-link-replaced-detail"),
        MeetingClosed::NotVerified => t.get("closed-not-verified-detail"),
        MeetingClosed::ServerRemoved => t.get("closed-server-removed-detail"),
        MeetingClosed::ServerEnded => t.get("closed-server-ended-detail"),
    };
    html! {
        <main class="page notice">
            <div class="card" role="alert" data-testid="meeting-closed">
                <h1>{ t.get(props.closed.message_id()) }</h1>
                <p>{ detail }</p>
                <div class="row">
                    <a class="button-link" href="/">{ t.get("closed-home") }</a>
                </div>
            </div>
        </main>
    }
}
