//! "About this build" (issue 15): the build this browser runs, as the code guard knows it,
//! for a person to compare with the one their organisation published; reached from the
//! home page and the lobby ([`BuildFooter`]) and from the meeting ([`AboutBuildButton`]).

use yew::prelude::*;

use super::{sentence, IntegrityNotice, ModalDialog, TechnicalDetail};
use crate::build_integrity::{BuildInfo, BuildIntegrity, IntegrityAlarm};
use crate::hooks::{use_build_integrity, use_translator};
use crate::i18n::{Arg, Translator};
use crate::services::integrity::format_date;

/// The foot of the pages where a meeting is started or joined: the first-visit (or
/// not-pinned) notice, and "About this build".
#[function_component(BuildFooter)]
pub fn build_footer() -> Html {
    html! {
        <footer class="build-footer">
            <IntegrityNotice />
            <AboutBuildButton />
        </footer>
    }
}

/// The "About this build" button and the dialog it opens (named "About this build").
#[function_component(AboutBuildButton)]
pub fn about_build_button() -> Html {
    let t = use_translator();
    let open = use_state(|| false);
    let show = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    html! {
        <>
            <button type="button" class="link-button about-build-button" onclick={show}>
                { t.get("about-build-open") }
            </button>
            <ModalDialog open={open} title={t.get("about-build-title")} title_id="about-build-title">
                <AboutBuild />
            </ModalDialog>
        </>
    }
}

/// What the code guard knows of this page's code: how it was served (and, unpinned, why
/// as the technical detail); the build's id (`data-testid="build-id"`, 16 groups of four),
/// version, release serial, commit, signatures and since when it is pinned; a test build
/// said so; a staged update (`data-testid="staged-build"`); every alarm, newest first; how to compare.
#[function_component(AboutBuild)]
pub fn about_build() -> Html {
    let t = use_translator();
    let Some(status) = use_build_integrity() else {
        return html! {
            <div class="about-build" data-testid="about-build">
                <p>{ t.get("about-build-not-known") }</p>
            </div>
        };
    };
    html! {
        <div class="about-build" data-testid="about-build">
            <p data-testid="build-mode">{ t.get(status.mode.message_id()) }</p>
            <TechnicalDetail detail={status.reason.clone()} />
            if let Some(build) = &status.build {
                { build_facts(t, build, &status) }
            }
            if let Some(update) = &status.update {
                <p data-testid="staged-build">
                    { t.with("about-build-update", &[("build", update.id.short().into())]) }
                </p>
            }
            <h3>{ t.get("about-build-alarms") }</h3>
            if status.alarms.is_empty() {
                <p class="muted small">{ t.get("about-build-no-alarms") }</p>
            } else {
                <ul class="about-build-alarms" data-testid="build-alarms">
                    { for status.alarms.iter().rev().map(|alarm| alarm_entry(t, alarm)) }
                </ul>
            }
        </div>
    }
}

/// The build's facts, and how to compare it.
fn build_facts(t: Translator, build: &BuildInfo, status: &BuildIntegrity) -> Html {
    let signed = t.with(
        "about-build-signed",
        &[
            ("count", build.signers.len().into()),
            ("total", build.keys.into()),
            ("number", build.threshold.into()),
            ("names", Arg::name(&build.signers.join(", "))),
        ],
    );
    html! {
        <>
            if build.test_hooks {
                <p class="about-build-test" data-testid="test-build">{ t.get("about-build-test-build") }</p>
            }
            <dl class="about-build-facts">
                <dt>{ t.get("about-build-id") }</dt>
                <dd><code class="build-id" data-testid="build-id">{ build.id.grouped() }</code></dd>
                <dt>{ t.get("about-build-version") }</dt>
                <dd>{ build.version.clone() }</dd>
                <dt>{ t.get("about-build-serial") }</dt>
                <dd>{ build.serial.to_string() }</dd>
                <dt>{ t.get("about-build-commit") }</dt>
                <dd><code title={build.commit.clone()}>{ build.short_commit() }</code></dd>
                <dt>{ t.get("about-build-signatures") }</dt>
                <dd>{ sentence(&signed) }</dd>
                if let Some(at) = status.pinned_at {
                    <dt>{ t.get("about-build-pinned-since") }</dt>
                    <dd>{ format_date(at, t.language()) }</dd>
                }
            </dl>
            <p class="muted small">{ t.get("about-build-compare") }</p>
        </>
    }
}

/// One alarm: when, what the server did, and what the guard recorded.
fn alarm_entry(t: Translator, alarm: &IntegrityAlarm) -> Html {
    let when = match alarm.at {
        Some(at) => format_date(at, t.language()),
        None => t.get("about-build-alarm-undated"),
    };
    html! {
        <li>
            <strong class="about-build-alarm-date">{ when }</strong>
            { " " }{ alarm.text(t) }
            <TechnicalDetail detail={Some(alarm.detail())} />
        </li>
    }
}
