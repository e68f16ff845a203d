//! What the page says about the code it runs (issue 15): the alarm when this server
//! offered code that Conclave's code guard refused, on every screen; and, where a meeting
//! is started or joined, a quieter notice when the code is trusted for the first time or
//! not pinned at all.

use yew::prelude::*;

use super::TechnicalDetail;
use crate::build_integrity::{AlarmKind, BuildIntegrity, IntegrityMode};
use crate::hooks::{use_build_integrity, use_translator};
use crate::i18n::Translator;
use crate::services::integrity::format_date;

/// The alarm (`role="alert"`, `data-testid="integrity-alarm"`): shown on every screen
/// from the first time the guard refused the server's code, and not dismissible (the
/// guard keeps its alarms across loads). It says what the server did (the newest alarm),
/// which build still runs, and what to do; what the guard recorded is the technical
/// detail. Nothing while there is no alarm: other problems are the page's only alerts.
#[function_component(IntegrityBanner)]
pub fn integrity_banner() -> Html {
    let t = use_translator();
    let Some(status) = use_build_integrity() else {
        return Html::default();
    };
    let Some(latest) = status.latest_alarm() else {
        return Html::default();
    };
    let when = latest.at.map(|at| {
        t.with(
            "integrity-alarm-when",
            &[
                ("count", status.alarms.len().into()),
                ("date", format_date(at, t.language()).into()),
            ],
        )
    });
    html! {
        <div class="integrity-alarm" role="alert" data-testid="integrity-alarm">
            <p><strong>{ latest.text(t) }</strong></p>
            <p>
                { still_running(t, &status) }
                if latest.kind == AlarmKind::GuardReplaced {
                    { " " }{ t.get("integrity-alarm-guard-replaced-detail") }
                }
            </p>
            <p>{ t.get("integrity-alarm-what-to-do") }</p>
            if let Some(when) = when {
                <p class="small">{ when }</p>
            }
            <TechnicalDetail detail={Some(latest.detail())} />
        </div>
    }
}

/// Which code this page runs despite the alarm: the pinned build, if it was served from it.
fn still_running(t: Translator, status: &BuildIntegrity) -> String {
    match (status.mode, &status.build, status.pinned_at) {
        (IntegrityMode::Pinned, Some(build), Some(at)) => t.with(
            "integrity-alarm-still-running",
            &[
                ("build", build.id.short().into()),
                ("date", format_date(at, t.language()).into()),
            ],
        ),
        (IntegrityMode::Pinned, Some(build), None) => t.with(
            "integrity-alarm-still-running-undated",
            &[("build", build.id.short().into())],
        ),
        _ => t.get("integrity-alarm-not-pinned"),
    }
}

/// Where a meeting is started or joined (`role="status"`): on a first visit, that this
/// server is trusted once, and the build to compare (`data-testid="first-visit-notice"`);
/// without a pin, that the page runs the server's code unchecked, and why as the technical
/// detail (`data-testid="unpinned-notice"`). Nothing once pinned, or while not known.
#[function_component(IntegrityNotice)]
pub fn integrity_notice() -> Html {
    let t = use_translator();
    let Some(status) = use_build_integrity() else {
        return Html::default();
    };
    match status.mode {
        IntegrityMode::FirstVisit => {
            let text = match &status.build {
                Some(build) => t.with(
                    "integrity-first-visit",
                    &[("build", build.id.short().into())],
                ),
                None => t.get("integrity-first-visit-no-build"),
            };
            html! {
                <div class="integrity-notice" role="status" data-testid="first-visit-notice">
                    <p>{ text }</p>
                </div>
            }
        }
        IntegrityMode::Unpinned | IntegrityMode::Unsupported => {
            let text = if status.mode == IntegrityMode::Unpinned {
                t.get("integrity-unpinned")
            } else {
                t.get("integrity-unsupported")
            };
            html! {
                <div class="integrity-notice integrity-notice-warning" role="status"
                     data-testid="unpinned-notice">
                    <p>{ text }</p>
                    <TechnicalDetail detail={status.reason.clone()} />
                </div>
            }
        }
        IntegrityMode::Pinned | IntegrityMode::Unknown => Html::default(),
    }
}
