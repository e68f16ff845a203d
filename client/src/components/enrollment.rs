//! `/enroll` and an organisation's enrollment link `/enroll#org={pin}`: a person asks their
//! organisation to vouch for this browser's key, then imports the certificate chain it
//! issued. The key never leaves the browser: the request (PKCS#10) carries the public key
//! and a signature made with the private one (proof of possession), and the chain is kept
//! in IndexedDB beside the key (`services::identity_store`).
//!
//! An imported chain must be two certificates for this browser's key, signed by the
//! organisation's CA and within their validity (`check_issued_chain`); when the link named
//! an organisation, the CA must be that one. Revocation and which organisations a meeting
//! accepts are checked in each meeting, by every member.

use std::rc::Rc;

use conclave_group::verified_identity::{
    check_issued_chain, enrollment_request, parse_pem_chain, AnchorPin, ChainRefusal,
    VerifiedPerson,
};
use conclave_group::Identity;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{sentence, TechnicalDetail};
use crate::hooks::{use_app, use_translator};
use crate::i18n::{Arg, Translator};
use crate::services::idb::IdbError;
use crate::services::identity_store::{self, IdentityStoreError};
use crate::services::integrity::format_date;
use crate::services::{clipboard, file_transfer, navigation, storage};
use crate::state::{Action, Page};

/// The name of a downloaded enrollment request.
const REQUEST_FILE_NAME: &str = "conclave-enrollment-request.pem";

/// The media type of a PEM certification request (RFC 5967 names PKCS#10 requests so).
const REQUEST_MEDIA_TYPE: &str = "application/pkcs10";

/// Why a certificate chain was not imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportRefusal {
    /// Nothing was pasted or chosen.
    Empty,
    /// The chain is not one for this browser's key that its organisation signed and that
    /// is valid now.
    Chain(ChainRefusal),
    /// The chain's organisation is not the one the enrollment link named.
    OtherOrganisation,
}

impl ImportRefusal {
    /// The catalogue id of what to tell the person.
    pub fn message_id(self) -> &'static str {
        match self {
            ImportRefusal::Empty => "enroll-import-empty",
            ImportRefusal::Chain(refusal) => chain_refusal_message_id(refusal),
            ImportRefusal::OtherOrganisation => "enroll-refusal-other-organisation",
        }
    }
}

/// The catalogue id that says why `refusal` stops a chain, in words a person acts on.
pub fn chain_refusal_message_id(refusal: ChainRefusal) -> &'static str {
    match refusal {
        ChainRefusal::Malformed => "enroll-refusal-malformed",
        ChainRefusal::UnsupportedAlgorithm => "enroll-refusal-unsupported-algorithm",
        ChainRefusal::UnpinnedAuthority => "enroll-refusal-unpinned-authority",
        ChainRefusal::NotAnAuthority => "enroll-refusal-not-an-authority",
        ChainRefusal::NameMismatch => "enroll-refusal-name-mismatch",
        ChainRefusal::BadSignature => "enroll-refusal-bad-signature",
        ChainRefusal::NotYetValid => "enroll-refusal-not-yet-valid",
        ChainRefusal::Expired => "enroll-refusal-expired",
        ChainRefusal::Revoked => "enroll-refusal-revoked",
        ChainRefusal::RevocationListMissing => "enroll-refusal-revocation-list-missing",
        ChainRefusal::RevocationListOutOfDate => "enroll-refusal-revocation-list-out-of-date",
        ChainRefusal::KeyMismatch => "enroll-refusal-key-mismatch",
        ChainRefusal::MissingName => "enroll-refusal-missing-name",
        // A reason added later: still refused, in general words.
        _ => "enroll-refusal-other",
    }
}

/// Checks the PEM text a person pasted: a chain for `public_key` (this browser's key) that
/// checks out at `now_unix_secs`, from the organisation `expected_anchor` names if the
/// link named one. Returns the chain (DER, leaf first) to store and who it says they are.
pub fn check_import(
    text: &str,
    public_key: &[u8],
    expected_anchor: Option<AnchorPin>,
    now_unix_secs: u64,
) -> Result<(Vec<Vec<u8>>, VerifiedPerson), ImportRefusal> {
    if text.trim().is_empty() {
        return Err(ImportRefusal::Empty);
    }
    let chain = parse_pem_chain(text).map_err(ImportRefusal::Chain)?;
    let person =
        check_issued_chain(&chain, public_key, now_unix_secs).map_err(ImportRefusal::Chain)?;
    if expected_anchor.is_some_and(|expected| expected != person.anchor) {
        return Err(ImportRefusal::OtherOrganisation);
    }
    Ok((chain, person))
}

/// What went wrong on the page.
#[derive(Clone, Debug, PartialEq)]
enum Problem {
    /// This browser's key cannot be loaded from, or kept in, IndexedDB.
    KeyNotKept {
        /// An older Conclave tab holds the storage open.
        blocked: bool,
        /// The browser's words.
        detail: String,
    },
    /// "Make enrollment request" with no name.
    NameEmpty,
    /// The request could not be made.
    RequestFailed(String),
    /// The request could not be copied.
    CopyFailed,
    /// The request could not be offered as a download.
    DownloadFailed(String),
    /// The chosen certificate file could not be read.
    FileUnreadable(String),
    /// The chain was refused.
    Import(ImportRefusal),
    /// The chain checked out, but could not be stored.
    StoreFailed(String),
    /// The chain could not be removed.
    RemoveFailed(String),
}

impl Problem {
    /// What to tell the person, in `t`'s language.
    fn text(&self, t: Translator) -> String {
        match self {
            Problem::KeyNotKept { blocked: true, .. } => t.get("enroll-key-blocked"),
            Problem::KeyNotKept { blocked: false, .. } => t.get("enroll-key-not-kept"),
            Problem::NameEmpty => t.get("enroll-name-empty"),
            Problem::RequestFailed(_) => t.get("enroll-request-failed"),
            Problem::CopyFailed => t.get("enroll-copy-failed"),
            Problem::DownloadFailed(_) => t.get("enroll-download-failed"),
            Problem::FileUnreadable(_) => t.get("enroll-file-unreadable"),
            Problem::Import(refusal) => t.get(refusal.message_id()),
            Problem::StoreFailed(_) => t.get("enroll-store-failed"),
            Problem::RemoveFailed(_) => t.get("enroll-remove-failed"),
        }
    }

    /// The browser's or library's words, for support.
    fn detail(&self) -> Option<String> {
        match self {
            Problem::KeyNotKept { detail, .. }
            | Problem::RequestFailed(detail)
            | Problem::DownloadFailed(detail)
            | Problem::FileUnreadable(detail)
            | Problem::StoreFailed(detail)
            | Problem::RemoveFailed(detail) => Some(detail.clone()),
            Problem::NameEmpty | Problem::CopyFailed | Problem::Import(_) => None,
        }
    }
}

/// What went right, said once in the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Done {
    Copied,
    Removed,
}

/// This browser's key, as the page has it.
#[derive(Clone)]
enum Key {
    Loading,
    Ready(Rc<Identity>),
    Unavailable,
}

/// Properties of [`EnrollmentPage`].
#[derive(Properties, PartialEq)]
pub struct EnrollmentProps {
    /// The organisation the enrollment link named, by its CA certificate's pin.
    #[prop_or_default]
    pub expected_anchor: Option<AnchorPin>,
}

/// The enrollment page: this browser's key and the certificate its organisation issued
/// for it (first, if there is one); a request to send to the administrator; the import
/// of the chain they send back.
#[function_component(EnrollmentPage)]
pub fn enrollment_page(props: &EnrollmentProps) -> Html {
    let t = use_translator();
    let key = use_state(|| Key::Loading);
    let certificate = use_state(|| None::<VerifiedPerson>);
    let dropped = use_state(|| None::<ChainRefusal>);
    let request = use_state(|| None::<String>);
    let problem = use_state(|| None::<Problem>);
    let done = use_state(|| None::<Done>);
    let busy = use_state(|| false);
    let name = use_state(storage::remembered_display_name);
    let import_input = use_node_ref();

    {
        let key = key.clone();
        let certificate = certificate.clone();
        let dropped = dropped.clone();
        let problem = problem.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match identity_store::load_remembered_identity().await {
                    Ok(loaded) => {
                        let identity = loaded.identity;
                        // The store checked it; read it again for who it names.
                        let stored = loaded.certificate_chain.and_then(|chain| {
                            check_issued_chain(
                                &chain,
                                identity.public_key(),
                                identity_store::now_unix_secs(),
                            )
                            .ok()
                        });
                        certificate.set(stored);
                        dropped.set(loaded.dropped_certificate);
                        key.set(Key::Ready(Rc::new(identity)));
                        // `loaded.seen_keys` goes here, closing its database connection.
                    }
                    Err(error) => {
                        let blocked = matches!(error, IdentityStoreError::Idb(IdbError::Blocked));
                        problem.set(Some(Problem::KeyNotKept {
                            blocked,
                            detail: error.to_string(),
                        }));
                        key.set(Key::Unavailable);
                    }
                }
            });
        });
    }

    let identity = match &*key {
        Key::Ready(identity) => Some(identity.clone()),
        Key::Loading | Key::Unavailable => None,
    };

    let on_name = {
        let name = name.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            name.set(input.value());
        })
    };

    let make_request = {
        let identity = identity.clone();
        let name = name.clone();
        let request = request.clone();
        let problem = problem.clone();
        let done = done.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(identity) = &identity else {
                return;
            };
            done.set(None);
            if name.trim().is_empty() {
                problem.set(Some(Problem::NameEmpty));
                return;
            }
            match enrollment_request(identity.as_ref(), name.trim()) {
                Ok(pem) => {
                    problem.set(None);
                    request.set(Some(pem));
                }
                Err(error) => problem.set(Some(Problem::RequestFailed(error.to_string()))),
            }
        })
    };

    let copy_request = {
        let request = request.clone();
        let problem = problem.clone();
        let done = done.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(pem) = (*request).clone() else {
                return;
            };
            let problem = problem.clone();
            let done = done.clone();
            spawn_local(async move {
                match clipboard::copy_text(&pem).await {
                    Ok(()) => done.set(Some(Done::Copied)),
                    Err(_) => problem.set(Some(Problem::CopyFailed)),
                }
            });
        })
    };

    let download_request = {
        let request = request.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(pem) = &*request else {
                return;
            };
            if let Err(error) =
                file_transfer::offer_download(REQUEST_FILE_NAME, REQUEST_MEDIA_TYPE, pem)
            {
                problem.set(Some(Problem::DownloadFailed(error.to_string())));
            }
        })
    };

    let choose_file = {
        let import_input = import_input.clone();
        let problem = problem.clone();
        Callback::from(move |event: Event| {
            let chooser: HtmlInputElement = event.target_unchecked_into();
            let import_input = import_input.clone();
            let problem = problem.clone();
            spawn_local(async move {
                match file_transfer::read_chosen_file(&chooser).await {
                    Ok(Some(text)) => {
                        if let Some(area) = import_input.cast::<HtmlTextAreaElement>() {
                            area.set_value(&text);
                        }
                    }
                    Ok(None) => {}
                    Err(error) => problem.set(Some(Problem::FileUnreadable(error.to_string()))),
                }
            });
        })
    };

    let import = {
        let identity = identity.clone();
        let import_input = import_input.clone();
        let expected_anchor = props.expected_anchor;
        let certificate = certificate.clone();
        let dropped = dropped.clone();
        let problem = problem.clone();
        let done = done.clone();
        let busy = busy.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(identity) = &identity else {
                return;
            };
            done.set(None);
            let area = import_input.cast::<HtmlTextAreaElement>();
            let text = area.as_ref().map(|area| area.value()).unwrap_or_default();
            let checked = check_import(
                &text,
                identity.public_key(),
                expected_anchor,
                identity_store::now_unix_secs(),
            );
            let (chain, person) = match checked {
                Ok(checked) => checked,
                Err(refusal) => {
                    problem.set(Some(Problem::Import(refusal)));
                    return;
                }
            };
            busy.set(true);
            let certificate = certificate.clone();
            let dropped = dropped.clone();
            let problem = problem.clone();
            let busy = busy.clone();
            spawn_local(async move {
                match identity_store::store_certificate_chain(&chain).await {
                    Ok(()) => {
                        problem.set(None);
                        dropped.set(None);
                        certificate.set(Some(person));
                        if let Some(area) = area {
                            area.set_value("");
                        }
                    }
                    Err(error) => problem.set(Some(Problem::StoreFailed(error.to_string()))),
                }
                busy.set(false);
            });
        })
    };

    let remove = {
        let certificate = certificate.clone();
        let problem = problem.clone();
        let done = done.clone();
        let busy = busy.clone();
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let certificate = certificate.clone();
            let problem = problem.clone();
            let done = done.clone();
            let busy = busy.clone();
            spawn_local(async move {
                match identity_store::remove_certificate_chain().await {
                    Ok(()) => {
                        problem.set(None);
                        certificate.set(None);
                        done.set(Some(Done::Removed));
                    }
                    Err(error) => problem.set(Some(Problem::RemoveFailed(error.to_string()))),
                }
                busy.set(false);
            });
        })
    };

    let ready = identity.is_some();
    html! {
        <main class="page enrollment">
            <h1>{ t.get("enroll-title") }</h1>
            <p class="lede">{ t.get("enroll-lede") }</p>
            if let Some(pin) = props.expected_anchor {
                <p data-testid="enroll-organisation">
                    { t.with("enroll-link-organisation", &[("fingerprint", pin.to_string().into())]) }
                </p>
            }
            { key_line(t, &key) }
            if let Some(person) = &*certificate {
                <section class="card enrollment-certificate" aria-labelledby="enroll-certificate-heading">
                    <h2 id="enroll-certificate-heading">{ t.get("enroll-certificate-heading") }</h2>
                    <p class="verified" data-testid="enroll-status" role="status">
                        { sentence(&verified_text(t, person)) }
                    </p>
                    <p class="small">
                        { t.with("enroll-valid-until", &[("date", valid_until(t, person).into())]) }
                    </p>
                    <button type="button" data-testid="enroll-remove" onclick={remove} disabled={*busy}>
                        { t.get("enroll-remove") }
                    </button>
                </section>
            } else if let Some(refusal) = *dropped {
                <p class="notice-line" data-testid="enroll-stored-invalid">
                    { t.with("enroll-stored-invalid", &[("reason", t.get(chain_refusal_message_id(refusal)).into())]) }
                </p>
            }
            if let Some(done) = *done {
                <p class="small" role="status">
                    { match done {
                        Done::Copied => t.get("enroll-copied"),
                        Done::Removed => t.get("enroll-removed"),
                    } }
                </p>
            }
            if let Some(problem) = &*problem {
                <div class="error" role="alert" data-testid="enroll-error">
                    <p>{ problem.text(t) }</p>
                    <TechnicalDetail detail={problem.detail()} />
                </div>
            }
            <section class="card enrollment-step" aria-labelledby="enroll-request-heading">
                <h2 id="enroll-request-heading">{ t.get("enroll-request-heading") }</h2>
                <form class="enrollment-form" onsubmit={make_request} novalidate=true>
                    <label for="enroll-name">{ t.get("enroll-name") }</label>
                    <input id="enroll-name" type="text" autocomplete="name"
                           data-testid="enroll-name" aria-describedby="enroll-name-hint"
                           value={(*name).clone()} oninput={on_name} />
                    <p id="enroll-name-hint" class="hint">{ t.get("enroll-name-hint") }</p>
                    <button type="submit" class="primary" data-testid="enroll-make-request" disabled={!ready}>
                        { t.get("enroll-make-request") }
                    </button>
                </form>
                if let Some(pem) = &*request {
                    <label for="enroll-request">{ t.get("enroll-request-label") }</label>
                    <textarea id="enroll-request" class="pem" readonly=true rows="8" spellcheck="false"
                              data-testid="enroll-request" aria-describedby="enroll-send-request"
                              value={pem.clone()} />
                    <p id="enroll-send-request">{ t.get("enroll-send-request") }</p>
                    <div class="row">
                        <button type="button" onclick={copy_request}>{ t.get("enroll-copy") }</button>
                        <button type="button" onclick={download_request}>{ t.get("enroll-download") }</button>
                    </div>
                }
            </section>
            <section class="card enrollment-step" aria-labelledby="enroll-import-heading">
                <h2 id="enroll-import-heading">{ t.get("enroll-import-heading") }</h2>
                <form class="enrollment-form" onsubmit={import} novalidate=true>
                    <label for="enroll-import">{ t.get("enroll-import-label") }</label>
                    <textarea id="enroll-import" ref={import_input} class="pem" rows="8" spellcheck="false"
                              data-testid="enroll-import" aria-describedby="enroll-import-hint" />
                    <p id="enroll-import-hint" class="hint">{ t.get("enroll-import-hint") }</p>
                    <label for="enroll-import-file">{ t.get("enroll-import-file") }</label>
                    <input id="enroll-import-file" type="file" accept=".pem,.crt,.cer,text/plain"
                           onchange={choose_file} />
                    <button type="submit" class="primary" data-testid="enroll-import-button"
                            disabled={!ready || *busy}>
                        { t.get("enroll-import-button") }
                    </button>
                </form>
            </section>
        </main>
    }
}

/// "This browser's key: ab12 cd34 ef56 7890", or that it is loading.
fn key_line(t: Translator, key: &Key) -> Html {
    match key {
        Key::Loading => html! { <p class="muted" role="status">{ t.get("enroll-loading") }</p> },
        Key::Ready(identity) => html! {
            <p data-testid="enroll-fingerprint">
                { t.with("enroll-your-key", &[("fingerprint", identity.fingerprint().to_string().into())]) }
            </p>
        },
        Key::Unavailable => Html::default(),
    }
}

/// "Verified by `<organisation>`: `<name>`, `<role>`", the names isolated.
fn verified_text(t: Translator, person: &VerifiedPerson) -> String {
    let organisation = ("organisation", Arg::name(&person.organisation));
    let name = ("name", Arg::name(&person.name));
    match &person.role {
        Some(role) => t.with(
            "enroll-verified",
            &[organisation, name, ("role", Arg::name(role))],
        ),
        None => t.with("enroll-verified-no-role", &[organisation, name]),
    }
}

/// When the certificate stops being valid, in `t`'s language.
fn valid_until(t: Translator, person: &VerifiedPerson) -> String {
    // Exact up to 2^53 seconds, far beyond any certificate's validity.
    format_date(person.not_after_unix_secs as f64 * 1000.0, t.language())
}

/// An enrollment link whose organisation part is damaged: explained, nothing imported.
#[function_component(BrokenEnrollmentLinkPage)]
pub fn broken_enrollment_link_page() -> Html {
    let t = use_translator();
    let app = use_app();
    let go_home = Callback::from(move |_: MouseEvent| {
        if let Some(app) = &app {
            navigation::push("/");
            app.dispatch(Action::Navigate(Page::Home));
        }
    });
    html! {
        <main class="page notice">
            <div class="card">
                <h1>{ t.get("enroll-broken-link-title") }</h1>
                <p class="error" role="alert" data-testid="enroll-error">{ t.get("enroll-broken-link") }</p>
                <button type="button" class="primary" onclick={go_home}>{ t.get("broken-invite-go-home") }</button>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{message_ids, Language};

    const EVERY_REFUSAL: [ChainRefusal; 13] = [
        ChainRefusal::Malformed,
        ChainRefusal::UnsupportedAlgorithm,
        ChainRefusal::UnpinnedAuthority,
        ChainRefusal::NotAnAuthority,
        ChainRefusal::NameMismatch,
        ChainRefusal::BadSignature,
        ChainRefusal::NotYetValid,
        ChainRefusal::Expired,
        ChainRefusal::Revoked,
        ChainRefusal::RevocationListMissing,
        ChainRefusal::RevocationListOutOfDate,
        ChainRefusal::KeyMismatch,
        ChainRefusal::MissingName,
    ];

    #[test]
    fn every_refusal_has_its_own_words_in_every_language() {
        let refusals = EVERY_REFUSAL
            .into_iter()
            .map(ImportRefusal::Chain)
            .chain([ImportRefusal::Empty, ImportRefusal::OtherOrganisation]);
        let ids: Vec<&str> = refusals.map(ImportRefusal::message_id).collect();
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len(), "two refusals share words");
        for language in Language::ALL {
            let known = message_ids(language);
            for id in ids.iter().chain(&["enroll-refusal-other"]) {
                assert!(
                    known.iter().any(|known| known == id),
                    "{}: {id}",
                    language.code()
                );
            }
        }
    }

    #[test]
    fn nothing_pasted_is_refused_as_empty() {
        for text in ["", "  \n\t"] {
            assert_eq!(
                check_import(text, &[7; 32], None, 1_800_000_000).err(),
                Some(ImportRefusal::Empty)
            );
        }
    }

    #[test]
    fn text_that_is_no_certificate_chain_is_refused_as_malformed() {
        for text in [
            "hello",
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        ] {
            assert_eq!(
                check_import(text, &[7; 32], None, 1_800_000_000).err(),
                Some(ImportRefusal::Chain(ChainRefusal::Malformed)),
                "{text}"
            );
        }
    }

    #[test]
    fn the_verified_line_names_organisation_person_and_role() {
        let english = Translator::new(Language::English);
        let mut person = VerifiedPerson {
            organisation: "Ministry of Example".to_owned(),
            name: "Ada Lovelace".to_owned(),
            role: Some("Delegate".to_owned()),
            email: None,
            anchor: AnchorPin::from_bytes([1; 32]),
            serial_hex: "01".to_owned(),
            not_after_unix_secs: 1_900_000_000,
        };
        assert_eq!(
            crate::i18n::as_read(&verified_text(english, &person)),
            "Verified by Ministry of Example: Ada Lovelace, Delegate"
        );
        person.role = None;
        assert_eq!(
            crate::i18n::as_read(&verified_text(english, &person)),
            "Verified by Ministry of Example: Ada Lovelace"
        );
    }
}
