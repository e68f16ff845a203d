use conclave_group::FrameSuite;
use yew::prelude::*;

use crate::hooks::use_app;
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
    html! {
        <section class="card side-card security-code" aria-label="Security code">
            <h2>{ "Security code" }</h2>
            <p class="security-code-digits" data-testid="security-code">{ code.digits.clone() }</p>
            <p class="muted small">
                { "Read these numbers aloud: if everyone sees the same, nobody is in the middle." }
            </p>
            if check.changed() {
                <p class="code-changed">{ "The security code changed: someone joined or left" }</p>
            }
            if check.is_checked(code) {
                <p class="code-checked">{ "Checked aloud" }</p>
            } else {
                <button type="button" onclick={mark}>{ "Mark as checked" }</button>
            }
            <p class="muted small" data-testid="frame-suite"
               title={format!("SFrame cipher suite {} (0x{:04x})", props.frame_suite.rfc_name(), props.frame_suite.id())}>
                { format!("Frames sealed with {}", props.frame_suite.label()) }
            </p>
        </section>
    }
}
