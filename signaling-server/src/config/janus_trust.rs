//! Which certificate authorities the server trusts when it opens its `wss://` connection
//! to Janus: the public web roots (Mozilla's list, from `webpki-roots`) by default, and an
//! operator's internal PKI from `janus.ca_file` (env `CONCLAVE_JANUS_CA_FILE`), a PEM
//! bundle of CA certificates.
//!
//! `janus.ca_only = true` (env `CONCLAVE_JANUS_CA_ONLY`) trusts the bundle alone. The
//! server sends Janus the VideoRoom `admin_key` and every room's pin and secret, so
//! whoever can pose as Janus learns them; with an internal Janus, any of the hundred or
//! so public authorities could issue a certificate for its name (when that name lies
//! under a public domain), and `ca_only` takes them out of the picture.
//!
//! The file is read and checked once, at start: unreadable, empty, not PEM, a certificate
//! that does not parse, or a private key in it (a key has no business in a trust bundle,
//! and the server should not hold Janus' key) stops the server with
//! [`Error::InvalidConfig`] naming the key. Nothing here prints a certificate's bytes.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::{self, PemObject as _, SectionKind};
use rustls::pki_types::{CertificateDer, TrustAnchor};
use rustls::RootCertStore;

use super::{invalid, Keyed};
use crate::error::Error;

/// A bundle larger than this is refused unread (Mozilla's whole list is about 220 KiB).
const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

/// The certificate authorities trusted for `wss://` connections to Janus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum JanusTrust {
    /// The public web roots only (the default).
    #[default]
    PublicRoots,
    /// The public web roots and the operator's bundle.
    PublicRootsAnd(CaBundle),
    /// The operator's bundle alone (`janus.ca_only = true`).
    OnlyBundle(CaBundle),
}

impl JanusTrust {
    /// The roots a TLS client built from this trust accepts.
    pub fn root_store(&self) -> RootCertStore {
        let mut store = RootCertStore::empty();
        if matches!(self, Self::PublicRoots | Self::PublicRootsAnd(_)) {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        if let Self::PublicRootsAnd(bundle) | Self::OnlyBundle(bundle) = self {
            store.extend(bundle.anchors.iter().cloned());
        }
        store
    }
}

/// CA certificates read from a PEM file, each already parsed into a trust anchor (so a
/// bundle that exists holds at least one usable certificate).
#[derive(Clone, PartialEq, Eq)]
pub struct CaBundle {
    path: PathBuf,
    anchors: Vec<TrustAnchor<'static>>,
}

impl CaBundle {
    /// Reads and checks the bundle at `path`; `key` names the setting in errors.
    pub fn read(key: &str, path: &Path) -> Result<Self, Error> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_BUNDLE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|error| invalid(key, format!("cannot read {}: {error}", path.display())))?;
        if bytes.len() as u64 > MAX_BUNDLE_BYTES {
            return Err(invalid(
                key,
                format!(
                    "{} is larger than {MAX_BUNDLE_BYTES} bytes; expected a PEM bundle of CA certificates",
                    path.display()
                ),
            ));
        }
        Self::from_pem(key, path, &bytes)
    }

    /// Checks the PEM text `bytes` (read from `path`, which errors name).
    pub fn from_pem(key: &str, path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let shown = path.display();
        let mut store = RootCertStore::empty();
        for (index, section) in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes).enumerate() {
            let number = index + 1;
            let (kind, der) = section.map_err(|error| {
                invalid(
                    key,
                    format!(
                        "{shown} is not valid PEM (section {number}: {})",
                        pem_problem(&error)
                    ),
                )
            })?;
            match kind {
                SectionKind::Certificate => {
                    store.add(CertificateDer::from(der)).map_err(|error| {
                        invalid(
                            key,
                            format!(
                                "{shown}: certificate {number} cannot be used as a CA: {error}"
                            ),
                        )
                    })?;
                }
                SectionKind::PrivateKey
                | SectionKind::RsaPrivateKey
                | SectionKind::EcPrivateKey => {
                    return Err(invalid(
                        key,
                        format!(
                            "{shown} holds a private key (section {number}); give CA certificates only, and keep the key away from this server"
                        ),
                    ));
                }
                // Revocation lists, requests, public keys: not ours to use, harmless.
                _ => {}
            }
        }
        if store.is_empty() {
            return Err(invalid(
                key,
                format!("{shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
            ));
        }
        Ok(Self {
            path: path.to_path_buf(),
            anchors: store.roots,
        })
    }

    /// How many CA certificates the bundle holds.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Always false: a bundle holds at least one certificate.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The file the bundle came from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaBundle")
            .field("path", &self.path)
            .field("certificates", &self.anchors.len())
            .finish()
    }
}

/// What is wrong with a PEM section, without quoting the file (its lines could be anything).
fn pem_problem(error: &pem::Error) -> &'static str {
    match error {
        pem::Error::MissingSectionEnd { .. } => "no END line",
        pem::Error::IllegalSectionStart { .. } => "a malformed BEGIN line",
        pem::Error::Base64Decode(_) => "not base64",
        pem::Error::SectionTooLarge => "too large",
        _ => "unreadable",
    }
}

/// Parses `true`/`false` (also `1`/`0`, `yes`/`no`) from the environment.
pub(super) fn parse_bool(key: &str, text: &str) -> Result<bool, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(invalid(
            key,
            format!("expected true or false, got {text:?}"),
        )),
    }
}

/// The trust for the Janus at `url`, from the merged `ca_file` and `ca_only` settings.
/// A bundle for a `ws://` URL is refused: the operator believes the link protected.
pub(super) fn janus_trust(
    url: &str,
    ca_file: Option<Keyed<PathBuf>>,
    ca_only: Option<Keyed<bool>>,
) -> Result<JanusTrust, Error> {
    let only = ca_only.as_ref().is_some_and(|only| only.value);
    let Some(ca_file) = ca_file else {
        return match ca_only {
            Some(only) if only.value => Err(invalid(
                only.key,
                "set, but no CA bundle is given (janus.ca_file or CONCLAVE_JANUS_CA_FILE): the server would trust nobody",
            )),
            _ => Ok(JanusTrust::PublicRoots),
        };
    };
    if !url.starts_with("wss://") {
        return Err(invalid(
            ca_file.key,
            format!("set, but the Janus URL {url:?} is not wss://: the connection would not use TLS at all"),
        ));
    }
    let bundle = CaBundle::read(ca_file.key, &ca_file.value)?;
    Ok(if only {
        JanusTrust::OnlyBundle(bundle)
    } else {
        JanusTrust::PublicRootsAnd(bundle)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clap::Parser as _;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};

    use super::*;
    use crate::config::{Cli, MediaConfig, Settings};

    /// A fresh self-signed CA certificate, and its key, as PEM.
    fn ca_pem() -> (String, String) {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
    }

    fn bundle_error(bytes: &[u8]) -> String {
        match CaBundle::from_pem("janus.ca_file", Path::new("/etc/ca.pem"), bytes) {
            Ok(bundle) => panic!("accepted: {bundle:?}"),
            Err(error) => error.to_string(),
        }
    }

    fn load(file: &str, env: &[(&str, &str)]) -> Result<Settings, Error> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let cli = Cli::try_parse_from(["conclave-server"]).unwrap();
        let lookup = move |key: &str| env.get(key).cloned();
        Settings::from_sources(Some(file), Some(Path::new("conclave.toml")), &cli, &lookup)
    }

    fn trust_of(settings: &Settings) -> &JanusTrust {
        match &settings.config.media {
            MediaConfig::Janus(janus) => &janus.trust,
            MediaConfig::Mesh => panic!("mesh"),
        }
    }

    #[test]
    fn a_bundle_of_two_cas_is_read_and_added_to_the_public_roots() {
        let (first, _) = ca_pem();
        let (second, _) = ca_pem();
        let text = format!("# internal roots\n{first}\n{second}");
        let bundle =
            CaBundle::from_pem("janus.ca_file", Path::new("ca.pem"), text.as_bytes()).unwrap();
        assert_eq!(bundle.len(), 2);
        let public = webpki_roots::TLS_SERVER_ROOTS.len();
        assert_eq!(JanusTrust::PublicRoots.root_store().len(), public);
        let with = JanusTrust::PublicRootsAnd(bundle.clone());
        assert_eq!(with.root_store().len(), public + 2);
        assert_eq!(JanusTrust::OnlyBundle(bundle.clone()).root_store().len(), 2);
        assert!(!format!("{bundle:?}").contains("BEGIN"));
    }

    #[test]
    fn each_bad_bundle_is_refused_naming_the_key() {
        let (cert, key) = ca_pem();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (Vec::new(), "holds no PEM certificate"),
            (
                b"not a certificate at all\n".to_vec(),
                "holds no PEM certificate",
            ),
            (vec![0xff, 0xd8, 0x00, 0x10], "holds no PEM certificate"),
            (
                b"-----BEGIN CERTIFICATE-----\nMIIB\n".to_vec(),
                "not valid PEM (section 1: no END line)",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_vec(),
                "not valid PEM (section 1: not base64)",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
                "certificate 1 cannot be used as a CA",
            ),
            (
                format!("{cert}{key}").into_bytes(),
                "holds a private key (section 2)",
            ),
        ];
        for (bytes, expected) in cases {
            let error = bundle_error(&bytes);
            assert!(error.starts_with("janus.ca_file: /etc/ca.pem"), "{error}");
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
            assert!(
                !error.contains("MIIB") && !error.contains("PRIVATE KEY"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_missing_or_unreadable_file_is_refused_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = CaBundle::read("CONCLAVE_JANUS_CA_FILE", &missing).unwrap_err();
        assert!(
            error.to_string().contains("CONCLAVE_JANUS_CA_FILE"),
            "{error}"
        );
        assert!(error.to_string().contains("cannot read"), "{error}");
        let error = CaBundle::read("janus.ca_file", dir.path()).unwrap_err();
        assert!(error.to_string().contains("janus.ca_file"), "{error}");
    }

    #[test]
    fn the_file_and_the_environment_choose_the_trust() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca_pem().0).unwrap();
        let janus = "[media]\nmode = \"janus\"\n[janus]\nurl = \"wss://janus.internal:8989\"\n";
        let settings = load(janus, &[]).unwrap();
        assert_eq!(trust_of(&settings), &JanusTrust::PublicRoots);

        let with_file = format!("{janus}ca_file = {:?}\n", path.display().to_string());
        let settings = load(&with_file, &[]).unwrap();
        assert!(matches!(trust_of(&settings), JanusTrust::PublicRootsAnd(b) if b.len() == 1));
        let only = format!("{with_file}ca_only = true\n");
        let settings = load(&only, &[]).unwrap();
        assert!(matches!(trust_of(&settings), JanusTrust::OnlyBundle(_)));

        let path_text = path.display().to_string();
        let env = [
            ("CONCLAVE_JANUS_CA_FILE", path_text.as_str()),
            ("CONCLAVE_JANUS_CA_ONLY", "true"),
        ];
        let settings = load(janus, &env).unwrap();
        assert!(matches!(trust_of(&settings), JanusTrust::OnlyBundle(b) if b.path() == path));
    }

    #[test]
    fn inconsistent_trust_settings_are_refused_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca_pem().0).unwrap();
        let path_text = path.display().to_string();
        let wss = "[media]\nmode = \"janus\"\n[janus]\nurl = \"wss://janus.internal\"\n";
        let ws = "[media]\nmode = \"janus\"\n[janus]\nurl = \"ws://127.0.0.1:8188\"\n";
        // (file, environment, expected refusal)
        type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case> = vec![
            (
                format!("{wss}ca_only = true\n"),
                vec![],
                "janus.ca_only: set, but no CA bundle is given",
            ),
            (
                wss.to_owned(),
                vec![("CONCLAVE_JANUS_CA_ONLY", "yes please")],
                "CONCLAVE_JANUS_CA_ONLY: expected true or false",
            ),
            (
                ws.to_owned(),
                vec![("CONCLAVE_JANUS_CA_FILE", path_text.as_str())],
                "CONCLAVE_JANUS_CA_FILE: set, but the Janus URL \"ws://127.0.0.1:8188\" is not wss://",
            ),
            (
                format!("{wss}ca_file = \"/nonexistent/ca.pem\"\n"),
                vec![],
                "janus.ca_file: cannot read /nonexistent/ca.pem",
            ),
        ];
        for (file, env, expected) in cases {
            match load(&file, &env) {
                Ok(settings) => panic!("accepted: {settings:?}"),
                Err(error) => assert!(
                    error.to_string().contains(expected),
                    "{error} lacks {expected:?}"
                ),
            }
        }
        // A CA bundle without Janus is ignored only in mesh mode, where nothing uses it.
        let mesh = format!("[janus]\nca_file = {path_text:?}\n");
        assert!(load(&mesh, &[]).is_ok());
    }
}
