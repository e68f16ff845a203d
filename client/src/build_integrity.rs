//! The build this browser runs, as Conclave's code guard reports it (issue 15): the
//! `Status` that `/integrity.js` keeps in `window.conclaveIntegrity.status` and sends with
//! every `conclave-integrity` event (docs/RELEASES.md, "What the page is told"), read into
//! types the page can word. The browser's side is `services::integrity`; this module is
//! pure and tested natively.
//!
//! The status is read leniently, because what it carries most is a warning: a mode, an
//! alarm kind or a refusal reason this version does not know becomes its `Unknown`/`Other`
//! variant, and an alarm that cannot be read at all is still an alarm
//! ([`AlarmKind::Other`], undated). Only a status that is not a JSON object fails.

use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Translator;

/// What the code guard says about the code this page runs.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildIntegrity {
    /// How this page's code was served.
    pub mode: IntegrityMode,
    /// The signed build this browser holds (or installs on a first visit).
    pub build: Option<BuildInfo>,
    /// When this browser pinned Conclave, in ms since 1970.
    pub pinned_at: Option<f64>,
    /// Every time the guard refused the server's code, oldest first, kept across loads.
    pub alarms: Vec<IntegrityAlarm>,
    /// A newer signed build, verified and taken at the next load.
    pub update: Option<StagedUpdate>,
    /// Why the page is [`IntegrityMode::Unpinned`], in the guard's English words (a
    /// technical detail, never a sentence).
    pub reason: Option<String>,
}

/// How this page's code was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntegrityMode {
    /// From the service worker's verified copy of a signed build.
    Pinned,
    /// This load installs the pin: the server is trusted once (trust on first use).
    FirstVisit,
    /// Without a pin (no signed release offered, a private window, service workers
    /// blocked, or the pinned copy bypassed); [`BuildIntegrity::reason`] says which.
    Unpinned,
    /// The browser has no service workers.
    Unsupported,
    /// A mode this version does not know.
    #[serde(other)]
    Unknown,
}

/// A signed build: the one pinned, or the one a first visit installs.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildInfo {
    /// Its build id (the SHA-256 of its manifest).
    pub id: BuildId,
    /// Its version (`0.1.0`).
    pub version: String,
    /// Its release serial, strictly increasing between releases.
    pub serial: u64,
    /// The git commit it was built from (40 hex digits).
    pub commit: String,
    /// The ids of the release keys whose signatures verified.
    pub signers: Vec<String>,
    /// How many distinct signatures its signing policy requires.
    pub threshold: u32,
    /// How many keys its signing policy lists.
    pub keys: u32,
    /// A build for the Playwright suite (test hooks on), never for real meetings.
    pub test_hooks: bool,
}

impl BuildInfo {
    /// The commit as people quote it: its first 12 hex digits.
    pub fn short_commit(&self) -> &str {
        self.commit
            .char_indices()
            .nth(SHORT_COMMIT_CHARS)
            .map_or(self.commit.as_str(), |(end, _)| &self.commit[..end])
    }
}

/// How many hex digits of a commit [`BuildInfo::short_commit`] shows.
const SHORT_COMMIT_CHARS: usize = 12;

/// A build id: the lowercase hex SHA-256 of a build's `manifest.json` (64 digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildId(String);

/// Hex digits in a build id.
const BUILD_ID_DIGITS: usize = 64;
/// Hex digits in each group a build id is shown in.
const GROUP_DIGITS: usize = 4;
/// Groups in a build id's short form.
const SHORT_GROUPS: usize = 4;

impl BuildId {
    /// `text` as a build id, if it is 64 hex digits (either case).
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == BUILD_ID_DIGITS && text.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .then(|| BuildId(text.to_ascii_lowercase()))
    }

    /// The 64 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as people compare it: 16 groups of four digits (`1a2b 3c4d …`).
    pub fn grouped(&self) -> String {
        self.groups().collect::<Vec<_>>().join(" ")
    }

    /// The short form: the first four groups (`1a2b 3c4d 5e6f 7a8b`).
    pub fn short(&self) -> String {
        self.groups()
            .take(SHORT_GROUPS)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn groups(&self) -> impl Iterator<Item = &str> {
        // ASCII only (checked by `parse`): every index is a character boundary.
        (0..self.0.len())
            .step_by(GROUP_DIGITS)
            .map(|start| &self.0[start..start + GROUP_DIGITS])
    }
}

/// A verified newer build, taken at the next load.
#[derive(Clone, Debug, PartialEq)]
pub struct StagedUpdate {
    /// Its build id.
    pub id: BuildId,
    /// Its release serial.
    pub serial: u64,
}

/// One time the guard refused the server's code.
#[derive(Clone, Debug, PartialEq)]
pub struct IntegrityAlarm {
    /// When, in ms since 1970 (`None`: the alarm could not be read).
    pub at: Option<f64>,
    /// What the server did.
    pub kind: AlarmKind,
    /// The file concerned (`/app.js`), if one.
    pub path: Option<String>,
    /// Why an update was refused.
    pub reason: Option<RefusalReason>,
}

impl IntegrityAlarm {
    /// What the guard recorded, in its own terms (`tampered-file /app.js`), for support.
    pub fn detail(&self) -> String {
        let mut detail = self.kind.wire_name().to_owned();
        if let Some(path) = &self.path {
            detail.push(' ');
            detail.push_str(path);
        }
        if let Some(reason) = self.reason {
            detail.push_str(": ");
            detail.push_str(reason.wire_name());
        }
        detail
    }

    /// What the server did, in `t`'s language (a refused update with why, in plain words).
    pub fn text(&self, t: Translator) -> String {
        match self.refusal().and_then(RefusalReason::message_id) {
            Some(reason) => t.with(self.message_id(), &[("reason", t.get(reason).into())]),
            None => t.get(self.message_id()),
        }
    }

    /// The catalogue id of the sentence that says what the server did.
    pub fn message_id(&self) -> &'static str {
        match self.kind {
            AlarmKind::TamperedFile => "integrity-alarm-tampered-file",
            AlarmKind::RefusedUpdate if self.refusal() == Some(RefusalReason::Rollback) => {
                "integrity-alarm-rollback"
            }
            AlarmKind::RefusedUpdate => "integrity-alarm-refused-update",
            AlarmKind::GuardReplaced => "integrity-alarm-guard-replaced",
            AlarmKind::PinErased => "integrity-alarm-pin-erased",
            AlarmKind::Other => "integrity-alarm-other",
        }
    }

    /// Why an update was refused (one without a reason: [`RefusalReason::Other`]).
    fn refusal(&self) -> Option<RefusalReason> {
        (self.kind == AlarmKind::RefusedUpdate).then(|| self.reason.unwrap_or(RefusalReason::Other))
    }
}

/// What the server did that the guard refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlarmKind {
    /// It served a file of the pinned build with other bytes.
    TamperedFile,
    /// It offered an update that is not a valid successor ([`RefusalReason`]).
    RefusedUpdate,
    /// It replaced the service worker that guards the code.
    GuardReplaced,
    /// The pin was erased while a pinned page was open (`Clear-Site-Data`, or the site's
    /// data cleared): the next load trusts the server as a first visit does.
    PinErased,
    /// An alarm this version does not know, or could not read.
    #[serde(other)]
    Other,
}

impl AlarmKind {
    /// The kind as the status writes it.
    fn wire_name(self) -> &'static str {
        match self {
            AlarmKind::TamperedFile => "tampered-file",
            AlarmKind::RefusedUpdate => "refused-update",
            AlarmKind::GuardReplaced => "guard-replaced",
            AlarmKind::PinErased => "pin-erased",
            AlarmKind::Other => "unknown-alarm",
        }
    }
}

/// Why an offered update was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalReason {
    /// Not signed by enough keys of the pinned policy.
    Unsigned,
    /// Signed under a policy the pinned one did not sign.
    UnknownPolicy,
    /// Not newer than the pinned build.
    Rollback,
    /// A file did not match the manifest.
    BadFile,
    /// The release files could not be read.
    Malformed,
    /// A reason this version does not know.
    #[serde(other)]
    Other,
}

impl RefusalReason {
    /// The catalogue id of the reason in plain words, said after "not a signed Conclave
    /// release:" (`None` for a rollback, which is signed: its alarm has a sentence of its
    /// own).
    pub fn message_id(self) -> Option<&'static str> {
        match self {
            RefusalReason::Unsigned => Some("integrity-refused-unsigned"),
            RefusalReason::UnknownPolicy => Some("integrity-refused-unknown-policy"),
            RefusalReason::Rollback => None,
            RefusalReason::BadFile => Some("integrity-refused-bad-file"),
            RefusalReason::Malformed => Some("integrity-refused-malformed"),
            RefusalReason::Other => Some("integrity-refused-other"),
        }
    }

    /// The reason as the status writes it.
    fn wire_name(self) -> &'static str {
        match self {
            RefusalReason::Unsigned => "unsigned",
            RefusalReason::UnknownPolicy => "unknown-policy",
            RefusalReason::Rollback => "rollback",
            RefusalReason::BadFile => "bad-file",
            RefusalReason::Malformed => "malformed",
            RefusalReason::Other => "unknown-reason",
        }
    }
}

impl IntegrityMode {
    /// The catalogue id of the mode in words (About this build).
    pub fn message_id(self) -> &'static str {
        match self {
            IntegrityMode::Pinned => "about-build-mode-pinned",
            IntegrityMode::FirstVisit => "about-build-mode-first-visit",
            IntegrityMode::Unpinned => "about-build-mode-unpinned",
            IntegrityMode::Unsupported => "about-build-mode-unsupported",
            IntegrityMode::Unknown => "about-build-mode-unknown",
        }
    }
}

impl BuildIntegrity {
    /// The newest alarm, if the guard ever refused the server's code.
    pub fn latest_alarm(&self) -> Option<&IntegrityAlarm> {
        self.alarms.last()
    }

    /// The status when it could not be read: nothing is claimed, and the reason is kept.
    pub fn unreadable(error: &StatusError) -> Self {
        BuildIntegrity {
            mode: IntegrityMode::Unknown,
            build: None,
            pinned_at: None,
            alarms: Vec::new(),
            update: None,
            reason: Some(error.to_string()),
        }
    }
}

/// Why a status could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// Not JSON, or an object of the wrong shape.
    #[error("unreadable integrity status: {0}")]
    Malformed(#[from] serde_json::Error),
    /// JSON, but neither an object nor `null`.
    #[error("unreadable integrity status: not an object")]
    NotAnObject,
}

/// The status as `/integrity.js` writes it (docs/RELEASES.md); every field may be missing.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatus {
    #[serde(default = "unknown_mode")]
    mode: IntegrityMode,
    #[serde(default)]
    build: Option<Value>,
    #[serde(default)]
    pinned_at: Option<f64>,
    #[serde(default)]
    alarms: Option<Vec<Value>>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    reason: Option<String>,
}

fn unknown_mode() -> IntegrityMode {
    IntegrityMode::Unknown
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireBuild {
    id: String,
    version: String,
    serial: u64,
    commit: String,
    #[serde(default)]
    signers: Vec<String>,
    threshold: u32,
    keys: u32,
    #[serde(default)]
    test_hooks: bool,
}

#[derive(Deserialize)]
struct WireUpdate {
    id: String,
    serial: u64,
}

#[derive(Deserialize)]
struct WireAlarm {
    #[serde(default)]
    at: Option<f64>,
    kind: AlarmKind,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    reason: Option<RefusalReason>,
}

/// Reads a status given as JSON text (`JSON.stringify` of `window.conclaveIntegrity.status`
/// or of an event's `detail`). `null` is "not known yet".
pub fn parse_status(json: &str) -> Result<Option<BuildIntegrity>, StatusError> {
    let wire: WireStatus = match serde_json::from_str::<Value>(json)? {
        Value::Null => return Ok(None),
        object @ Value::Object(_) => serde_json::from_value(object)?,
        _ => return Err(StatusError::NotAnObject),
    };
    // A build or update that does not read is left out (the About panel then says it is
    // not known); an alarm that does not read stays an alarm.
    let build = wire
        .build
        .and_then(|value| serde_json::from_value::<WireBuild>(value).ok())
        .and_then(|build| {
            Some(BuildInfo {
                id: BuildId::parse(&build.id)?,
                version: build.version,
                serial: build.serial,
                commit: build.commit,
                signers: build.signers,
                threshold: build.threshold,
                keys: build.keys,
                test_hooks: build.test_hooks,
            })
        });
    let update = wire
        .update
        .and_then(|value| serde_json::from_value::<WireUpdate>(value).ok())
        .and_then(|update| {
            Some(StagedUpdate {
                id: BuildId::parse(&update.id)?,
                serial: update.serial,
            })
        });
    let alarms = wire
        .alarms
        .unwrap_or_default()
        .into_iter()
        .map(|value| match serde_json::from_value::<WireAlarm>(value) {
            Ok(alarm) => IntegrityAlarm {
                at: alarm.at.filter(|at| at.is_finite()),
                kind: alarm.kind,
                path: alarm.path,
                reason: alarm.reason,
            },
            Err(_) => IntegrityAlarm {
                at: None,
                kind: AlarmKind::Other,
                path: None,
                reason: None,
            },
        })
        .collect();
    Ok(Some(BuildIntegrity {
        mode: wire.mode,
        build,
        pinned_at: wire.pinned_at.filter(|at| at.is_finite()),
        alarms,
        update,
        reason: wire.reason,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{message_ids, Language};

    const ID: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";
    const NEWER: &str = "ffffeeeeddddccccbbbbaaaa9999888877776666555544443333222211110000";

    fn pinned_status() -> String {
        format!(
            r#"{{"mode":"pinned","build":{{"id":"{ID}","version":"0.1.0","serial":1764720000,
            "commit":"0123456789abcdef0123456789abcdef01234567","signers":["vendor-2026"],
            "threshold":1,"keys":2,"testHooks":false}},"pinnedAt":1764720000000,
            "alarms":[],"update":null,"reason":null}}"#
        )
    }

    #[test]
    fn a_pinned_status_reads_whole() {
        let status = parse_status(&pinned_status()).unwrap().unwrap();
        assert_eq!(status.mode, IntegrityMode::Pinned);
        assert_eq!(status.pinned_at, Some(1_764_720_000_000.0));
        assert!(status.alarms.is_empty());
        assert_eq!(status.update, None);
        let build = status.build.unwrap();
        assert_eq!(build.id.as_str(), ID);
        assert_eq!(build.version, "0.1.0");
        assert_eq!(build.serial, 1_764_720_000);
        assert_eq!(build.short_commit(), "0123456789ab");
        assert_eq!(build.signers, ["vendor-2026"]);
        assert_eq!((build.threshold, build.keys), (1, 2));
        assert!(!build.test_hooks);
    }

    #[test]
    fn null_is_not_known_yet() {
        assert_eq!(parse_status("null").unwrap(), None);
    }

    #[test]
    fn a_status_that_is_not_an_object_fails() {
        for json in ["", "[]", "\"pinned\"", "{\"mode\":", "42"] {
            assert!(parse_status(json).is_err(), "{json}");
        }
        let error = parse_status("[]").unwrap_err();
        let unreadable = BuildIntegrity::unreadable(&error);
        assert_eq!(unreadable.mode, IntegrityMode::Unknown);
        assert!(unreadable.alarms.is_empty());
        assert!(unreadable.reason.unwrap().starts_with("unreadable"));
    }

    #[test]
    fn every_mode_reads_and_an_unknown_one_falls_back() {
        for (wire, mode) in [
            ("pinned", IntegrityMode::Pinned),
            ("first-visit", IntegrityMode::FirstVisit),
            ("unpinned", IntegrityMode::Unpinned),
            ("unsupported", IntegrityMode::Unsupported),
            ("uncontrolled", IntegrityMode::Unknown),
        ] {
            let status = parse_status(&format!(r#"{{"mode":"{wire}"}}"#))
                .unwrap()
                .unwrap();
            assert_eq!(status.mode, mode, "{wire}");
        }
        let missing = parse_status("{}").unwrap().unwrap();
        assert_eq!(missing.mode, IntegrityMode::Unknown);
        assert!(missing.alarms.is_empty());
    }

    #[test]
    fn an_unpinned_status_keeps_its_reason() {
        let status = parse_status(
            r#"{"mode":"unpinned","build":null,"pinnedAt":null,"alarms":[],"update":null,
            "reason":"no signed release: /release/manifest.json 404"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(status.mode, IntegrityMode::Unpinned);
        assert_eq!(status.build, None);
        assert_eq!(
            status.reason.as_deref(),
            Some("no signed release: /release/manifest.json 404")
        );
    }

    #[test]
    fn alarms_read_with_their_kind_path_and_reason() {
        let json = r#"{"mode":"pinned","alarms":[
            {"at":1,"kind":"tampered-file","path":"/app.js"},
            {"at":2,"kind":"refused-update","reason":"unsigned"},
            {"at":3,"kind":"refused-update","reason":"unknown-policy"},
            {"at":4,"kind":"refused-update","reason":"rollback"},
            {"at":5,"kind":"refused-update","reason":"bad-file","path":"/pkg/client_bg.wasm"},
            {"at":6,"kind":"refused-update","reason":"malformed"},
            {"at":7,"kind":"refused-update","reason":"unknown-signer"},
            {"at":8,"kind":"guard-replaced"}]}"#;
        let status = parse_status(json).unwrap().unwrap();
        let read: Vec<_> = status
            .alarms
            .iter()
            .map(|alarm| (alarm.at, alarm.kind, alarm.reason, alarm.detail()))
            .collect();
        use AlarmKind::*;
        use RefusalReason as R;
        assert_eq!(
            read,
            [
                (
                    Some(1.0),
                    TamperedFile,
                    None,
                    "tampered-file /app.js".to_owned()
                ),
                (
                    Some(2.0),
                    RefusedUpdate,
                    Some(R::Unsigned),
                    "refused-update: unsigned".to_owned()
                ),
                (
                    Some(3.0),
                    RefusedUpdate,
                    Some(R::UnknownPolicy),
                    "refused-update: unknown-policy".to_owned()
                ),
                (
                    Some(4.0),
                    RefusedUpdate,
                    Some(R::Rollback),
                    "refused-update: rollback".to_owned()
                ),
                (
                    Some(5.0),
                    RefusedUpdate,
                    Some(R::BadFile),
                    "refused-update /pkg/client_bg.wasm: bad-file".to_owned()
                ),
                (
                    Some(6.0),
                    RefusedUpdate,
                    Some(R::Malformed),
                    "refused-update: malformed".to_owned()
                ),
                (
                    Some(7.0),
                    RefusedUpdate,
                    Some(R::Other),
                    "refused-update: unknown-reason".to_owned()
                ),
                (Some(8.0), GuardReplaced, None, "guard-replaced".to_owned()),
            ]
        );
        assert_eq!(
            status.latest_alarm().map(|alarm| alarm.kind),
            Some(GuardReplaced)
        );
    }

    #[test]
    fn an_alarm_that_does_not_read_is_still_an_alarm() {
        let status = parse_status(
            r#"{"mode":"pinned","alarms":[
                {"at":1,"kind":"cleared-site-data"},
                "garbled",
                {"at":"yesterday","kind":"tampered-file"}]}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(status.alarms.len(), 3);
        assert_eq!(status.alarms[0].kind, AlarmKind::Other);
        assert_eq!(status.alarms[0].at, Some(1.0));
        assert_eq!(status.alarms[1].kind, AlarmKind::Other);
        assert_eq!(status.alarms[1].at, None);
        assert_eq!(status.alarms[2].kind, AlarmKind::Other);
        assert_eq!(status.alarms[1].detail(), "unknown-alarm");
    }

    #[test]
    fn a_build_or_update_that_does_not_read_is_left_out() {
        let short_id = pinned_status().replace(ID, "1a2b");
        assert_eq!(parse_status(&short_id).unwrap().unwrap().build, None);
        let no_serial = pinned_status().replace("\"serial\":1764720000,", "");
        assert_eq!(parse_status(&no_serial).unwrap().unwrap().build, None);
        let update = format!(r#"{{"mode":"pinned","update":{{"id":"{NEWER}","serial":2}}}}"#);
        let status = parse_status(&update).unwrap().unwrap();
        assert_eq!(
            status.update.map(|update| update.id.short()).as_deref(),
            Some("ffff eeee dddd cccc")
        );
        let bad_update = r#"{"mode":"pinned","update":{"id":"zz","serial":2}}"#;
        assert_eq!(parse_status(bad_update).unwrap().unwrap().update, None);
    }

    #[test]
    fn a_test_build_says_so() {
        let status =
            parse_status(&pinned_status().replace("\"testHooks\":false", "\"testHooks\":true"))
                .unwrap()
                .unwrap();
        assert!(status.build.unwrap().test_hooks);
    }

    #[test]
    fn a_build_id_shows_in_groups_of_four() {
        let id = BuildId::parse(&ID.to_ascii_uppercase()).unwrap();
        assert_eq!(id.as_str(), ID, "kept in lowercase");
        assert_eq!(
            id.grouped(),
            "1a2b 3c4d 5e6f 7a8b 9c0d 1e2f 3a4b 5c6d 7e8f 9a0b 1c2d 3e4f 5a6b 7c8d 9e0f 1a2b"
        );
        assert_eq!(id.grouped().split(' ').count(), 16);
        assert_eq!(id.short(), "1a2b 3c4d 5e6f 7a8b");
        for bad in [
            "",
            "1a2b",
            &ID[1..],
            &format!("{ID}0"),
            &ID.replace('a', "g"),
        ] {
            assert_eq!(BuildId::parse(bad), None, "{bad}");
        }
        // Multibyte text of the right length in bytes is no id.
        assert_eq!(BuildId::parse(&"é".repeat(32)), None);
    }

    #[test]
    fn a_short_commit_is_its_first_twelve_digits() {
        let mut build = parse_status(&pinned_status())
            .unwrap()
            .unwrap()
            .build
            .unwrap();
        build.commit = "abc".to_owned();
        assert_eq!(build.short_commit(), "abc");
    }

    #[test]
    fn each_alarm_says_what_the_server_did_in_every_language() {
        use crate::i18n::Translator;
        let alarm = |kind, reason| IntegrityAlarm {
            at: Some(1.0),
            kind,
            path: None,
            reason,
        };
        let english = Translator::new(Language::English);
        let unsigned = alarm(AlarmKind::RefusedUpdate, Some(RefusalReason::Unsigned));
        assert_eq!(
            unsigned.text(english),
            "This server offered code that is not a signed Conclave release: too few of the \
             keys this browser trusts signed it."
        );
        assert_eq!(
            alarm(AlarmKind::TamperedFile, None).text(english),
            "This server offered code that is not a signed Conclave release."
        );
        // A rollback is signed: it is not called unsigned.
        let rollback = alarm(AlarmKind::RefusedUpdate, Some(RefusalReason::Rollback));
        assert!(!rollback.text(english).contains("not a signed"));
        assert!(rollback.text(english).contains("older"));
        // Without a reason, an update was still refused.
        assert!(alarm(AlarmKind::RefusedUpdate, None)
            .text(english)
            .ends_with("Conclave's code guard refused it."));
        for language in [Language::German, Language::French] {
            let t = Translator::new(language);
            let text = unsigned.text(t);
            assert!(
                text.contains(&t.get("integrity-refused-unsigned")),
                "{}: {text}",
                language.code()
            );
            assert_ne!(text, unsigned.text(english));
        }
    }

    #[test]
    fn every_kind_reason_and_mode_is_worded_in_the_catalogue() {
        let known = message_ids(Language::English);
        let alarm = |kind| IntegrityAlarm {
            at: None,
            kind,
            path: None,
            reason: None,
        };
        let rollback = IntegrityAlarm {
            reason: Some(RefusalReason::Rollback),
            ..alarm(AlarmKind::RefusedUpdate)
        };
        let ids = [
            AlarmKind::TamperedFile,
            AlarmKind::RefusedUpdate,
            AlarmKind::GuardReplaced,
            AlarmKind::PinErased,
            AlarmKind::Other,
        ]
        .map(|kind| alarm(kind).message_id())
        .into_iter()
        .chain([rollback.message_id()])
        .chain(
            [
                RefusalReason::Unsigned,
                RefusalReason::UnknownPolicy,
                RefusalReason::Rollback,
                RefusalReason::BadFile,
                RefusalReason::Malformed,
                RefusalReason::Other,
            ]
            .into_iter()
            .filter_map(RefusalReason::message_id),
        )
        .chain(
            [
                IntegrityMode::Pinned,
                IntegrityMode::FirstVisit,
                IntegrityMode::Unpinned,
                IntegrityMode::Unsupported,
                IntegrityMode::Unknown,
            ]
            .map(IntegrityMode::message_id),
        );
        for id in ids {
            assert!(
                known.iter().any(|known| known == id),
                "{id} not in the catalogue"
            );
        }
    }
}
