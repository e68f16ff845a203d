use conclave_group::FrameSuite;
use yew::prelude::*;

use crate::hooks::{use_app, use_translator};
use crate::i18n::frame_suite_message_id;
use crate::state::Action;

/// What the security panel shows besides the group's code.
#[derive(Properties, PartialEq)]
pub struct SecurityCodePanelProps {
    /// The meeting's frame suite (from the invite link).
    pub frame_suite: FrameSuite,
}

/// The meeting's security code: `<section aria-label="Security code">` with its five
/// groups of five digits (`data-testid="security-code"`), how to use them, and "Mark as checked", which
/// turns into "Checked aloud" until the code changes; below, the cipher every frame is
/// sealed with (`data-testid="frame-suite"`). Shown while a member.
#[function_component(SecurityCodePanel)]
pub fn security_code_panel(props: &SecurityCodePanelProps) -> Html {
    let t = use_translator();
    let Some(app) = use_app() else {
        return Html::default();
    };
    let check = &app.meeting.code_check;
    let Some(code) = app
        .meeting
        .group
        .as_ref()
        .and_then(|group| group.security_code.as_ref())
    else {
        return Html::default();
    };
    let mark = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::MarkSecurityCodeChecked))
    };
    let suite = props.frame_suite;
    let suite_detail = t.with(
        "security-code-suite-detail",
        &[
            ("suite", suite.rfc_name().into()),
            ("code", format!("0x{:04x}", suite.id()).into()),
        ],
    );
    html! {
        <section class="card side-card security-code" aria-label={t.get("security-code-title")}>
            <h2>{ t.get("security-code-title") }</h2>
            <p class="security-code-digits" data-testid="security-code">{ code.digits.clone() }</p>
            <p class="muted small">
                { t.get("security-code-read-aloud") }
            </p>
            if check.changed() {
                <p class="code-changed">{ t.get("security-code-changed") }</p>
            }
            if check.is_checked(code) {
                <p class="code-checked">{ t.get("security-code-checked") }</p>
            } else {
                <button type="button" onclick={mark}>{ t.get("security-code-mark-checked") }</button>
            }
            <p class="muted small" data-testid="frame-suite" title={suite_detail}>
                { t.with("security-code-frames-sealed", &[("suite", t.get(frame_suite_message_id(suite)).into())]) }
            </p>
        </section>
    }
}
