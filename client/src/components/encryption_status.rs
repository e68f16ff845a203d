use yew::prelude::*;

use crate::hooks::{use_app, use_translator};
use crate::roster::lines::status_line;

/// Where this browser stands in the meeting's MLS group, as one polite live line:
/// `<p aria-live="polite" aria-label="Encryption status">`.
#[function_component(EncryptionStatusLine)]
pub fn encryption_status_line() -> Html {
    let t = use_translator();
    let Some(app) = use_app() else {
        return Html::default();
    };
    // A fatal error or a lost server connection says so itself; no group runs then.
    if app.meeting.fatal.is_some() || app.meeting.disconnected.is_some() {
        return Html::default();
    }
    let admission = app
        .current_invite()
        .map_or(conclave_group::Admission::ChairAdmits, |invite| {
            invite.admission()
        });
    let line = status_line(
        app.encryption_status(),
        admission,
        app.meeting.group_status_since_ms,
        app.now_ms,
    );
    html! {
        <p class="encryption-status" aria-live="polite" aria-label={t.get("encryption-status-label")}>
            { line.text(t) }
            if let Some(hint) = line.hint(t) {
                { " " }
                <span class="encryption-hint">{ hint }</span>
            }
        </p>
    }
}
