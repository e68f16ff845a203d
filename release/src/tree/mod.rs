//! A served tree made into a release, signed and verified (docs/RELEASES.md).
//!
//! Making a release fills the tree in the order the format gives: the wasm modules' hashes
//! go into `pkg/integrity.js`, every `.js` file's hash (but `/app.js`'s) into the page's
//! import map, then every served file, the filled `index.html` included, is hashed into the
//! manifest, and the policy, the manifest and an empty signature list are written to
//! `release/`.

mod files;
mod template;
mod verify;

use std::collections::BTreeMap;
use std::path::Path;

pub use files::{content_type, hash_files, list_served_files, ServedFile};
pub use template::{fill, import_map_text, recover, ImportMap};
pub use verify::{
    describe_release, verify_release, ReleaseSummary, SignatureCheck, VerifiedRelease,
};

use crate::csp::app_policy;
use crate::{
    build_id, CommitId, Error, Manifest, Policy, ReleaseSigningKey, Sha256Digest, Signatures,
    TemplateFault, Toolchain,
};

/// The page, and its template before filling.
pub const INDEX_HTML: &str = "index.html";
/// The manifest, relative to the tree's root.
pub const MANIFEST_FILE: &str = "release/manifest.json";
/// The policy the manifest names, relative to the tree's root.
pub const POLICY_FILE: &str = "release/policy.json";
/// The signatures, relative to the tree's root.
pub const SIGNATURES_FILE: &str = "release/signatures.json";
/// The generated module with the wasm modules' SRI strings, relative to the tree's root.
pub const WASM_INTEGRITY_FILE: &str = "pkg/integrity.js";

/// The app's wasm module and the worker's, named in `pkg/integrity.js` by these constants.
const WASM_MODULES: [(&str, &str); 2] = [
    ("CLIENT_WASM_SRI", "pkg/client_bg.wasm"),
    ("CRYPTO_WASM_SRI", "pkg/crypto_wasm_bg.wasm"),
];
/// The page's one classic entry point: pinned by its own `integrity` attribute, so the
/// import map does not list it.
const APP_JS: &str = "/app.js";

/// Where a release comes from, as its manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseInfo {
    /// The git commit.
    pub commit: CommitId,
    /// Strictly increasing between releases.
    pub serial: u64,
    /// The commit's committer time, in Unix seconds.
    pub source_date: u64,
    /// Whether this is the Playwright suite's build.
    pub test_hooks: bool,
    /// The tools that built it.
    pub toolchain: Toolchain,
}

/// A manifest as written into a tree.
#[derive(Debug, Clone)]
pub struct WrittenRelease {
    /// The manifest.
    pub manifest: Manifest,
    /// Its bytes, as written to `release/manifest.json`.
    pub manifest_bytes: Vec<u8>,
    /// Its build id.
    pub build_id: String,
}

/// Makes the tree at `dir` a release under the policy `policy_bytes` (unsigned): fills the
/// page template, writes `pkg/integrity.js`, then `release/policy.json`,
/// `release/manifest.json` and an empty `release/signatures.json`.
///
/// The template is `dir/index.html`; if that is already filled (a copy of a release tree),
/// it is recovered with the tree's previous manifest ([`recover`]), so a copied tree can be
/// changed and made a new release.
pub fn write_release(
    dir: &Path,
    policy_bytes: &[u8],
    info: &ReleaseInfo,
) -> Result<WrittenRelease, Error> {
    let policy = Policy::parse(policy_bytes)?;
    let index_path = dir.join(INDEX_HTML);
    let page = read_text(&index_path)?;
    let template = if page.contains("{{") {
        page
    } else {
        let previous = std::fs::read(dir.join(MANIFEST_FILE))
            .map_err(|_| Error::Template(TemplateFault::AlreadyFilled))?;
        recover(&page, &Manifest::parse(&previous)?)?
    };

    write_wasm_integrity(dir)?;

    let mut sri_of_file = BTreeMap::new();
    for file in list_served_files(dir)? {
        if file.url_path != format!("/{INDEX_HTML}") {
            let bytes = std::fs::read(&file.path).map_err(Error::io(&file.path))?;
            sri_of_file.insert(file.url_path, Sha256Digest::of(&bytes).to_sri());
        }
    }
    let pinned_by_import_map: BTreeMap<String, String> = sri_of_file
        .iter()
        .filter(|(path, _)| path.ends_with(".js") && path.as_str() != APP_JS)
        .map(|(path, sri)| (path.clone(), sri.clone()))
        .collect();
    let import_map = ImportMap::new(&pinned_by_import_map)?;
    let page = fill(&template, &import_map, |path| {
        sri_of_file.get(path).cloned()
    })?;
    write_file(&index_path, page.as_bytes())?;

    let manifest = Manifest {
        commit: info.commit.clone(),
        csp: app_policy(&import_map.sri()),
        files: hash_files(dir)?,
        format: Manifest::FORMAT,
        name: Manifest::NAME.to_owned(),
        policy_sha256: policy.digest()?,
        serial: info.serial,
        source_date: info.source_date,
        test_hooks: info.test_hooks,
        toolchain: info.toolchain.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let manifest_bytes = manifest.to_canonical_json()?;
    let release_folder = dir.join(crate::manifest::RELEASE_FOLDER);
    std::fs::create_dir_all(&release_folder).map_err(Error::io(&release_folder))?;
    write_file(&dir.join(POLICY_FILE), policy_bytes)?;
    write_file(&dir.join(MANIFEST_FILE), &manifest_bytes)?;
    write_file(
        &dir.join(SIGNATURES_FILE),
        Signatures::empty().to_text().as_bytes(),
    )?;
    Ok(WrittenRelease {
        build_id: build_id(&manifest_bytes),
        manifest,
        manifest_bytes,
    })
}

/// Whether the key that signed is one the tree's policy lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerStanding {
    /// The policy lists this key under this id.
    InPolicy,
    /// The policy lists no key with this id (the signature will count for nothing).
    NotInPolicy,
    /// The policy lists another key under this id (the signature will count for nothing).
    OtherKeyUnderThisId,
}

/// Signs the manifest of the tree at `dir` with `key`, adding the signature to
/// `release/signatures.json` (a previous signature by the same id is replaced).
pub fn sign_release(dir: &Path, key: &ReleaseSigningKey) -> Result<SignerStanding, Error> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest_bytes = std::fs::read(&manifest_path).map_err(Error::io(&manifest_path))?;
    Manifest::parse(&manifest_bytes)?;
    let signatures_path = dir.join(SIGNATURES_FILE);
    let mut signatures = match std::fs::read(&signatures_path) {
        Ok(bytes) => Signatures::parse(&bytes)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Signatures::empty(),
        Err(error) => return Err(Error::io(&signatures_path)(error)),
    };
    signatures.add(key.sign_manifest(&manifest_bytes));
    write_file(&signatures_path, signatures.to_text().as_bytes())?;
    let policy = std::fs::read(dir.join(POLICY_FILE))
        .ok()
        .and_then(|bytes| Policy::parse(&bytes).ok());
    let standing = match policy.as_ref().and_then(|policy| policy.key(key.id())) {
        Some(listed) if listed.ed25519 == key.public_key() => SignerStanding::InPolicy,
        Some(_) => SignerStanding::OtherKeyUnderThisId,
        None => SignerStanding::NotInPolicy,
    };
    Ok(standing)
}

/// Writes `pkg/integrity.js`: the `sha256-<base64>` of each wasm module.
fn write_wasm_integrity(dir: &Path) -> Result<(), Error> {
    let mut module = String::new();
    for (constant, file) in WASM_MODULES {
        let path = dir.join(file);
        let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
        module.push_str(&format!(
            "export const {constant} = '{}';\n",
            Sha256Digest::of(&bytes).to_sri()
        ));
    }
    write_file(&dir.join(WASM_INTEGRITY_FILE), module.as_bytes())
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(Error::io(path))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(Error::io(path))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{FileEntry, KeyId, Problem};

    /// A manifest listing `files` (path, bytes), for tests of the template.
    pub(crate) fn manifest_listing(files: &[(&str, &[u8])]) -> Manifest {
        Manifest {
            commit: CommitId::unknown(),
            csp: String::new(),
            files: files
                .iter()
                .map(|(path, bytes)| {
                    let entry = FileEntry {
                        sha256: Sha256Digest::of(bytes),
                        size: bytes.len() as u64,
                        content_type: content_type(path).unwrap().to_owned(),
                    };
                    ((*path).to_owned(), entry)
                })
                .collect(),
            format: 1,
            name: Manifest::NAME.to_owned(),
            policy_sha256: Sha256Digest::of(b""),
            serial: 0,
            source_date: 0,
            test_hooks: false,
            toolchain: Toolchain {
                rustc: String::new(),
                wasm_bindgen: String::new(),
            },
            version: String::new(),
        }
    }

    /// A scratch folder, removed when dropped.
    pub(crate) struct Scratch(pub PathBuf);

    impl Scratch {
        pub(crate) fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "conclave-release-test-{name}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        pub(crate) fn write(&self, path: &str, bytes: &[u8]) {
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }

        pub(crate) fn read(&self, path: &str) -> Vec<u8> {
            std::fs::read(self.0.join(path)).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const PAGE: &str = "<!doctype html>\n\
        <link rel=\"stylesheet\" href=\"/style.css\" integrity=\"{{sri:/style.css}}\">\n\
        {{importmap}}\n\
        <script type=\"module\" src=\"/app.js\" integrity=\"{{sri:/app.js}}\"></script>\n";

    pub(crate) fn key(id: &str, seed: u8) -> ReleaseSigningKey {
        ReleaseSigningKey::from_seed(KeyId::new(id).unwrap(), [seed; 32])
    }

    pub(crate) fn policy_bytes() -> Vec<u8> {
        Policy::new(
            2,
            vec![
                key("vendor", 1).policy_key(),
                key("auditor", 2).policy_key(),
            ],
        )
        .unwrap()
        .to_canonical_json()
        .unwrap()
    }

    pub(crate) fn info(serial: u64) -> ReleaseInfo {
        ReleaseInfo {
            commit: CommitId::new("0123456789abcdef0123456789abcdef01234567").unwrap(),
            serial,
            source_date: 1_764_720_000,
            test_hooks: true,
            toolchain: Toolchain {
                rustc: "rustc 1.95.0 (59807616e 2026-04-14)".to_owned(),
                wasm_bindgen: "0.2.130".to_owned(),
            },
        }
    }

    /// A tree as `cargo xtask bundle` assembles it, before the release tool runs.
    pub(crate) fn built_tree(name: &str) -> Scratch {
        let tree = Scratch::new(name);
        tree.write("index.html", PAGE.as_bytes());
        tree.write("app.js", b"import init from './pkg/client.js'; init();\n");
        tree.write("style.css", b"body { color: white }\n");
        tree.write("e2ee-worker.js", b"import './pkg/crypto_wasm.js';\n");
        tree.write("favicon.svg", b"<svg/>");
        tree.write("pkg/client.js", b"export default function init() {}\n");
        tree.write(
            "pkg/client.d.ts",
            b"export default function init(): void;\n",
        );
        tree.write("pkg/client_bg.wasm", b"\0asm client");
        tree.write("pkg/crypto_wasm.js", b"export {};\n");
        tree.write("pkg/crypto_wasm_bg.wasm", b"\0asm crypto");
        tree
    }

    /// `tree` made a release, signed by `signers`.
    pub(crate) fn release(
        tree: &Scratch,
        serial: u64,
        signers: &[ReleaseSigningKey],
    ) -> WrittenRelease {
        let written = write_release(&tree.0, &policy_bytes(), &info(serial)).unwrap();
        for signer in signers {
            sign_release(&tree.0, signer).unwrap();
        }
        written
    }

    #[test]
    fn a_tree_is_made_a_release_in_the_order_of_the_format() {
        let tree = built_tree("order");
        let written = release(&tree, 7, &[]);
        let integrity_js = String::from_utf8(tree.read("pkg/integrity.js")).unwrap();
        assert_eq!(
            integrity_js,
            format!(
                "export const CLIENT_WASM_SRI = '{}';\nexport const CRYPTO_WASM_SRI = '{}';\n",
                Sha256Digest::of(b"\0asm client").to_sri(),
                Sha256Digest::of(b"\0asm crypto").to_sri()
            )
        );
        let page = String::from_utf8(tree.read("index.html")).unwrap();
        assert!(!page.contains("{{"), "{page}");
        assert!(page.contains(&format!(
            "href=\"/style.css\" integrity=\"{}\"",
            Sha256Digest::of(b"body { color: white }\n").to_sri()
        )));
        let map = import_map_text(&page).unwrap();
        let map_json: serde_json::Value = serde_json::from_str(map).unwrap();
        let listed: Vec<&str> = map_json["integrity"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            listed,
            [
                "/e2ee-worker.js",
                "/pkg/client.js",
                "/pkg/crypto_wasm.js",
                "/pkg/integrity.js"
            ],
            "every .js file but /app.js, pkg/integrity.js as written"
        );
        assert!(map.contains(&Sha256Digest::of(integrity_js.as_bytes()).to_sri()));
        let manifest = &written.manifest;
        assert!(crate::csp::script_src_allows(
            &manifest.csp,
            &Sha256Digest::of(map.as_bytes()).to_sri()
        ));
        let paths: Vec<&str> = manifest.files.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "/app.js",
                "/e2ee-worker.js",
                "/favicon.svg",
                "/index.html",
                "/pkg/client.d.ts",
                "/pkg/client.js",
                "/pkg/client_bg.wasm",
                "/pkg/crypto_wasm.js",
                "/pkg/crypto_wasm_bg.wasm",
                "/pkg/integrity.js",
                "/style.css",
            ]
        );
        assert_eq!(
            manifest.files["/index.html"].sha256,
            Sha256Digest::of(page.as_bytes())
        );
        assert_eq!(
            manifest.files["/index.html"].content_type,
            "text/html; charset=utf-8"
        );
        assert_eq!(tree.read(MANIFEST_FILE), written.manifest_bytes);
        assert_eq!(tree.read(POLICY_FILE), policy_bytes());
        assert_eq!(manifest.policy_sha256, Sha256Digest::of(&policy_bytes()));
        assert_eq!(tree.read(SIGNATURES_FILE), b"{\"signatures\":[]}\n");
        assert_eq!(manifest.serial, 7);
        assert!(manifest.test_hooks);
    }

    #[test]
    fn the_build_id_is_stable() {
        let first = built_tree("stable-a");
        let second = built_tree("stable-b");
        let a = release(&first, 7, &[]);
        let b = release(&second, 7, &[]);
        assert_eq!(a.build_id, b.build_id, "same tree, same manifest");
        // Made again in place from the filled tree: the same bytes.
        let again = release(&first, 7, &[]);
        assert_eq!(again.manifest_bytes, a.manifest_bytes);
        assert_eq!(again.build_id, crate::build_id(&first.read(MANIFEST_FILE)));
    }

    #[test]
    fn a_copied_tree_changed_and_released_again_has_the_new_hashes() {
        let tree = built_tree("changed");
        let first = release(&tree, 7, &[key("vendor", 1), key("auditor", 2)]);
        tree.write("style.css", b"body { color: red }\n");
        let second = release(&tree, 8, &[key("vendor", 1), key("auditor", 2)]);
        assert_ne!(first.build_id, second.build_id);
        let page = String::from_utf8(tree.read("index.html")).unwrap();
        assert!(page.contains(&Sha256Digest::of(b"body { color: red }\n").to_sri()));
        assert!(!page.contains(&Sha256Digest::of(b"body { color: white }\n").to_sri()));
        let verified = verify_release(&tree.0, None, SignatureCheck::Required).unwrap();
        assert_eq!(verified.build_id, second.build_id);
    }

    #[test]
    fn an_unfilled_template_is_an_error() {
        let tree = built_tree("unfilled");
        tree.write(
            "index.html",
            format!("{PAGE}<img src=\"{{{{sri:/nothing.png}}}}\">").as_bytes(),
        );
        assert!(matches!(
            write_release(&tree.0, &policy_bytes(), &info(1)),
            Err(Error::Template(TemplateFault::NoSuchFile(path))) if path == "/nothing.png"
        ));
        tree.write("index.html", b"<!doctype html>\n");
        assert!(matches!(
            write_release(&tree.0, &policy_bytes(), &info(1)),
            Err(Error::Template(TemplateFault::AlreadyFilled))
        ));
    }

    #[test]
    fn unservable_trees_are_refused() {
        let tree = built_tree("unservable");
        tree.write("notes.exe", b"");
        assert!(matches!(
            write_release(&tree.0, &policy_bytes(), &info(1)),
            Err(Error::UnknownContentType(path)) if path == "/notes.exe"
        ));
        let tree = built_tree("unservable-name");
        tree.write("a b.js", b"");
        assert!(matches!(
            write_release(&tree.0, &policy_bytes(), &info(1)),
            Err(Error::UnservableFile(_))
        ));
        let tree = built_tree("no-wasm");
        std::fs::remove_file(tree.0.join("pkg/client_bg.wasm")).unwrap();
        assert!(matches!(
            write_release(&tree.0, &policy_bytes(), &info(1)),
            Err(Error::Io { .. })
        ));
    }

    #[test]
    fn a_signed_tree_verifies() {
        let tree = built_tree("signed");
        let written = release(&tree, 7, &[key("vendor", 1), key("auditor", 2)]);
        let trusted = policy_bytes();
        let verified = verify_release(&tree.0, Some(&trusted), SignatureCheck::Required).unwrap();
        assert_eq!(verified.build_id, written.build_id);
        let signers: Vec<&str> = verified.signers.iter().map(KeyId::as_str).collect();
        assert_eq!(signers, ["vendor", "auditor"]);
    }

    fn problems(tree: &Scratch, trusted: Option<&[u8]>) -> Vec<Problem> {
        match verify_release(&tree.0, trusted, SignatureCheck::Required) {
            Err(Error::ReleaseRefused(problems)) => problems,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_tree_signed_by_one_of_two_or_by_a_rogue_key_is_refused() {
        let tree = built_tree("under-threshold");
        release(&tree, 7, &[key("vendor", 1), key("rogue", 3)]);
        let found = problems(&tree, None);
        assert!(
            matches!(found.as_slice(), [Problem::Signatures(Error::UnderThreshold { signers, threshold: 2 })] if signers.len() == 1),
            "{found:?}"
        );
        assert!(verify_release(&tree.0, None, SignatureCheck::Skipped).is_ok());
        assert_eq!(
            sign_release(&tree.0, &key("rogue", 3)).unwrap(),
            SignerStanding::NotInPolicy
        );
        assert_eq!(
            sign_release(&tree.0, &key("auditor", 9)).unwrap(),
            SignerStanding::OtherKeyUnderThisId
        );
        assert_eq!(
            sign_release(&tree.0, &key("auditor", 2)).unwrap(),
            SignerStanding::InPolicy
        );
        assert!(verify_release(&tree.0, None, SignatureCheck::Required).is_ok());
    }

    #[test]
    fn a_tampered_tree_is_refused_with_every_problem_named() {
        let tree = built_tree("tampered");
        release(&tree, 7, &[key("vendor", 1), key("auditor", 2)]);
        tree.write("app.js", b"fetch('/steal');\n");
        tree.write("extra.js", b"");
        std::fs::remove_file(tree.0.join("favicon.svg")).unwrap();
        let found: Vec<String> = problems(&tree, None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "/app.js: its bytes differ from the manifest's hash or size",
                "/extra.js: in the tree, not in the manifest",
                "/favicon.svg: listed in the manifest, missing",
            ]
        );
    }

    #[test]
    fn a_tree_with_a_flipped_manifest_byte_is_refused() {
        let tree = built_tree("flipped");
        release(&tree, 7, &[key("vendor", 1), key("auditor", 2)]);
        let mut manifest = tree.read(MANIFEST_FILE);
        let serial_digit = manifest
            .windows(9)
            .position(|w| w == b"serial\":7")
            .unwrap()
            + 8;
        manifest[serial_digit] = b'9';
        tree.write(MANIFEST_FILE, &manifest);
        let found = problems(&tree, None);
        assert!(
            matches!(found.as_slice(), [Problem::Signatures(Error::UnderThreshold { signers, .. })] if signers.is_empty()),
            "{found:?}"
        );
    }

    #[test]
    fn a_tree_under_another_policy_than_the_trusted_one_is_refused() {
        let tree = built_tree("other-policy");
        release(&tree, 7, &[key("vendor", 1), key("auditor", 2)]);
        // A server that swapped in its own policy and signed with its own key.
        let rogue_policy = Policy::new(1, vec![key("rogue", 3).policy_key()])
            .unwrap()
            .to_canonical_json()
            .unwrap();
        write_release(&tree.0, &rogue_policy, &info(8)).unwrap();
        sign_release(&tree.0, &key("rogue", 3)).unwrap();
        assert!(
            verify_release(&tree.0, None, SignatureCheck::Required).is_ok(),
            "self-consistent"
        );
        let trusted = policy_bytes();
        let found = problems(&tree, Some(&trusted));
        assert!(
            matches!(
                found.as_slice(),
                [Problem::TrustedPolicyNotNamed, Problem::Signatures(_)]
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_page_whose_import_map_is_not_in_the_csp_is_refused() {
        let tree = built_tree("import-map");
        let written = release(&tree, 7, &[]);
        let mut manifest = written.manifest.clone();
        manifest.csp = crate::csp::app_policy("sha256-AAAA");
        tree.write(MANIFEST_FILE, &manifest.to_canonical_json().unwrap());
        let found = problems(&tree, None);
        assert!(
            found
                .iter()
                .any(|problem| matches!(problem, Problem::ImportMapNotInCsp)),
            "{found:?}"
        );
    }

    #[test]
    fn a_tree_without_a_manifest_is_refused() {
        let tree = built_tree("no-manifest");
        let found = problems(&tree, None);
        assert!(
            matches!(
                found.as_slice(),
                [Problem::Document {
                    error: Error::Io { .. },
                    ..
                }]
            ),
            "{found:?}"
        );
    }
}
