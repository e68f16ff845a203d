//! Checking a release tree as a client would, before it is served or published: the
//! signatures meet the policy, the policy is the one the manifest names, every file is the
//! one the manifest lists and no other is there, the page is filled and its import map is
//! the one the CSP allows.

use std::collections::BTreeSet;
use std::path::Path;

use super::{
    import_map_text, list_served_files, INDEX_HTML, MANIFEST_FILE, POLICY_FILE, SIGNATURES_FILE,
};
use crate::csp::script_src_allows;
use crate::{
    build_id, valid_signers, verify_signatures, Document, Error, KeyId, Manifest, Policy, Problem,
    Sha256Digest, Signatures,
};

/// Whether `verify_release` requires the signatures to meet the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// They must (a release about to be served or published).
    Required,
    /// Not checked: a release made but not signed yet (`cargo xtask release`).
    Skipped,
}

/// A tree that verified.
#[derive(Debug, Clone)]
pub struct VerifiedRelease {
    /// Its build id.
    pub build_id: String,
    /// Its manifest.
    pub manifest: Manifest,
    /// The policy the signatures were checked against.
    pub policy: Policy,
    /// The policy keys with a valid signature, in the policy's order (empty when the
    /// signatures were not checked).
    pub signers: Vec<KeyId>,
}

/// Verifies the release tree at `dir`. The signatures are checked against `trusted_policy`
/// (the bytes of a policy obtained elsewhere) if given, else against the tree's own
/// `release/policy.json`, which proves only that the tree is consistent. Every problem found
/// is listed in [`Error::ReleaseRefused`].
pub fn verify_release(
    dir: &Path,
    trusted_policy: Option<&[u8]>,
    signature_check: SignatureCheck,
) -> Result<VerifiedRelease, Error> {
    let mut problems = Vec::new();
    let (manifest_bytes, manifest) = match read_manifest(dir) {
        Ok(read) => read,
        Err(error) => {
            return Err(Error::ReleaseRefused(vec![Problem::Document {
                document: Document::Manifest,
                error,
            }]))
        }
    };

    let tree_policy = read_document(&dir.join(POLICY_FILE)).and_then(|bytes| {
        let policy = Policy::parse(&bytes)?;
        Ok((Sha256Digest::of(&bytes), policy))
    });
    let tree_policy = match tree_policy {
        Ok((digest, policy)) => {
            if digest != manifest.policy_sha256 {
                problems.push(Problem::PolicyNotNamed);
            }
            Some(policy)
        }
        Err(error) => {
            problems.push(Problem::Document {
                document: Document::Policy,
                error,
            });
            None
        }
    };
    let policy = match trusted_policy {
        Some(bytes) => match Policy::parse(bytes) {
            Ok(policy) => {
                if Sha256Digest::of(bytes) != manifest.policy_sha256 {
                    problems.push(Problem::TrustedPolicyNotNamed);
                }
                Some(policy)
            }
            Err(error) => {
                problems.push(Problem::Document {
                    document: Document::Policy,
                    error,
                });
                None
            }
        },
        None => tree_policy,
    };

    let mut signers = Vec::new();
    if signature_check == SignatureCheck::Required {
        let signatures =
            read_document(&dir.join(SIGNATURES_FILE)).and_then(|bytes| Signatures::parse(&bytes));
        match (signatures, &policy) {
            (Ok(signatures), Some(policy)) => {
                match verify_signatures(&manifest_bytes, &signatures, policy) {
                    Ok(valid) => signers = valid,
                    Err(error) => problems.push(Problem::Signatures(error)),
                }
            }
            (Err(error), _) => problems.push(Problem::Document {
                document: Document::Signatures,
                error,
            }),
            // No policy to check against: already reported.
            (Ok(_), None) => {}
        }
    }

    check_files(dir, &manifest, &mut problems);
    check_page(dir, &manifest, &mut problems);

    match (problems.is_empty(), policy) {
        (true, Some(policy)) => Ok(VerifiedRelease {
            build_id: build_id(&manifest_bytes),
            manifest,
            policy,
            signers,
        }),
        _ => Err(Error::ReleaseRefused(problems)),
    }
}

/// Every file the manifest lists is there with its hash and size, and no other.
fn check_files(dir: &Path, manifest: &Manifest, problems: &mut Vec<Problem>) {
    let files = match list_served_files(dir) {
        Ok(files) => files,
        Err(error) => {
            problems.push(Problem::Tree(error));
            return;
        }
    };
    let present: BTreeSet<&str> = files.iter().map(|file| file.url_path.as_str()).collect();
    let listed: BTreeSet<&str> = manifest.files.keys().map(String::as_str).collect();
    let mut by_path = Vec::new();
    for file in &files {
        match manifest.files.get(&file.url_path) {
            None => by_path.push((
                file.url_path.clone(),
                Problem::FileNotListed(file.url_path.clone()),
            )),
            Some(entry) => {
                let same = std::fs::read(&file.path).is_ok_and(|bytes| {
                    bytes.len() as u64 == entry.size && Sha256Digest::of(&bytes) == entry.sha256
                });
                if !same {
                    by_path.push((
                        file.url_path.clone(),
                        Problem::FileChanged(file.url_path.clone()),
                    ));
                }
            }
        }
    }
    for missing in listed.difference(&present) {
        by_path.push((
            (*missing).to_owned(),
            Problem::FileMissing((*missing).to_owned()),
        ));
    }
    by_path.sort_by(|a, b| a.0.cmp(&b.0));
    problems.extend(by_path.into_iter().map(|(_, problem)| problem));
}

/// The page is filled, and its import map is the one the manifest's CSP allows.
fn check_page(dir: &Path, manifest: &Manifest, problems: &mut Vec<Problem>) {
    let Ok(page) = std::fs::read_to_string(dir.join(INDEX_HTML)) else {
        // A missing page is reported by `check_files` when the manifest lists it.
        problems.push(Problem::ImportMapMissing);
        return;
    };
    if page.contains("{{") {
        problems.push(Problem::PlaceholderLeft);
    }
    match import_map_text(&page) {
        None => problems.push(Problem::ImportMapMissing),
        Some(text) => {
            let sri = Sha256Digest::of(text.as_bytes()).to_sri();
            if !script_src_allows(&manifest.csp, &sri) {
                problems.push(Problem::ImportMapNotInCsp);
            }
        }
    }
}

fn read_document(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(Error::io(path))
}

fn read_manifest(dir: &Path) -> Result<(Vec<u8>, Manifest), Error> {
    let bytes = read_document(&dir.join(MANIFEST_FILE))?;
    let manifest = Manifest::parse(&bytes)?;
    Ok((bytes, manifest))
}

/// What `show` prints about a tree, verified or not.
#[derive(Debug, Clone)]
pub struct ReleaseSummary {
    /// The build id.
    pub build_id: String,
    /// The manifest.
    pub manifest: Manifest,
    /// The tree's own policy, if it reads.
    pub policy: Option<Policy>,
    /// The keys of that policy with a valid signature.
    pub signers: Vec<KeyId>,
}

/// Reads the tree at `dir` for display, without verifying its files.
pub fn describe_release(dir: &Path) -> Result<ReleaseSummary, Error> {
    let (manifest_bytes, manifest) = read_manifest(dir)?;
    let policy = read_document(&dir.join(POLICY_FILE))
        .and_then(|bytes| Policy::parse(&bytes))
        .ok();
    let signatures = read_document(&dir.join(SIGNATURES_FILE))
        .and_then(|bytes| Signatures::parse(&bytes))
        .unwrap_or_default();
    let signers = policy
        .as_ref()
        .map(|policy| valid_signers(&manifest_bytes, &signatures, policy))
        .unwrap_or_default();
    Ok(ReleaseSummary {
        build_id: build_id(&manifest_bytes),
        manifest,
        policy,
        signers,
    })
}
