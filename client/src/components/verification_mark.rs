//! The mark beside a member or a knock: "Verified by `<organisation>`: name, role", or "Not
//! verified" with why. `data-verification` says which, for tests and styles.

use conclave_group::verified_identity::ChainRefusal;
use conclave_group::Verification;
use yew::prelude::*;

use super::sentence;
use crate::hooks::use_translator;
use crate::i18n::Arg;

/// What the mark shows.
#[derive(Properties, PartialEq)]
pub struct VerificationMarkProps {
    /// The member's or knocker's verification.
    pub verification: Verification,
}

/// `<span data-testid="verification" data-verification="verified|not-verified|refused">`.
#[function_component(VerificationMark)]
pub fn verification_mark(props: &VerificationMarkProps) -> Html {
    let t = use_translator();
    let (kind, text) = match &props.verification {
        Verification::Verified(person) => {
            let organisation = Arg::name(&person.organisation);
            let name = Arg::name(&person.name);
            let text = match &person.role {
                Some(role) => t.with(
                    "roster-verified",
                    &[
                        ("organisation", organisation),
                        ("name", name),
                        ("role", Arg::name(role)),
                    ],
                ),
                None => t.with(
                    "roster-verified-no-role",
                    &[("organisation", organisation), ("name", name)],
                ),
            };
            ("verified", text)
        }
        Verification::NotVerified => ("not-verified", t.get("roster-not-verified")),
        Verification::Refused(refusal) => (
            "refused",
            t.with(
                "roster-verification-refused",
                &[("reason", t.get(refusal_reason_id(*refusal)).into())],
            ),
        ),
    };
    html! {
        <span class={classes!("verification", kind)} data-testid="verification"
              data-verification={kind}>
            if kind == "verified" {
                <span aria-hidden="true">{ "\u{2714} " }</span>
            }
            { sentence(&text) }
        </span>
    }
}

/// What the warning shows.
#[derive(Properties, PartialEq)]
pub struct VerificationWarningProps {
    /// The organisation that verified this key before, if it is not verified now.
    pub was_verified_by: Option<String>,
}

/// `<span data-testid="verification-warning">` beside the mark when a key that was
/// verified is not now; nothing otherwise.
#[function_component(VerificationWarning)]
pub fn verification_warning(props: &VerificationWarningProps) -> Html {
    let t = use_translator();
    let Some(organisation) = &props.was_verified_by else {
        return Html::default();
    };
    html! {
        <>
            { " " }
            <span class="verification-warning" role="status"
                  data-testid="verification-warning">
                { sentence(&t.with("roster-was-verified", &[("organisation", Arg::name(organisation))])) }
            </span>
        </>
    }
}

/// Why someone else's certificate does not count, in a few words.
fn refusal_reason_id(refusal: ChainRefusal) -> &'static str {
    match refusal {
        ChainRefusal::UnpinnedAuthority => "verification-reason-unpinned",
        ChainRefusal::Expired => "verification-reason-expired",
        ChainRefusal::NotYetValid => "verification-reason-not-yet-valid",
        ChainRefusal::Revoked => "verification-reason-revoked",
        ChainRefusal::RevocationListMissing | ChainRefusal::RevocationListOutOfDate => {
            "verification-reason-revocation-list"
        }
        _ => "verification-reason-invalid",
    }
}
