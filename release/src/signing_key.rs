//! A release signing key and its key file (docs/RELEASES.md, "Key files").
//!
//! The key is the 32-byte Ed25519 seed (RFC 8032, section 5.1.5). It is zeroized when
//! dropped, has no `Debug`, and is never printed; only its public half and id are.
//!
//! Key file (plain text, `\n` line ends, made with mode 0600):
//! ```text
//! conclave-release signing key 1
//! id=test-vendor
//! public=<base64 of the 32-byte public key>
//! seed=<base64 of the 32-byte seed>
//! ```

use std::io::{Read as _, Write as _};
use std::path::Path;

use ed25519_dalek::{Signer as _, SigningKey};
use zeroize::Zeroizing;

use crate::hash::{decode_base64_into, encode_base64};
use crate::policy::PublicKey;
use crate::signatures::{manifest_signing_message, SignatureBytes};
use crate::{Error, KeyFileFault, KeyId, PolicyKey, SignatureEntry};

/// The first line of a key file.
const KEY_FILE_HEADER: &str = "conclave-release signing key 1";

/// The largest key file read: one is under 200 bytes.
const KEY_FILE_MAX_BYTES: usize = 4096;

/// A release signing key: its id and its secret seed. No `Debug`, no `Clone`: the seed is
/// wiped from memory when the key is dropped.
pub struct ReleaseSigningKey {
    id: KeyId,
    seed: Zeroizing<[u8; 32]>,
}

impl ReleaseSigningKey {
    /// A new key with a seed from the operating system's random source.
    pub fn generate(id: KeyId) -> Result<Self, Error> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(Error::Random)?;
        Ok(Self { id, seed })
    }

    /// The key of a known seed (tests and fixed vectors).
    pub fn from_seed(id: KeyId, seed: [u8; 32]) -> Self {
        Self {
            id,
            seed: Zeroizing::new(seed),
        }
    }

    /// The key's id.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying_key(&self.dalek_key().verifying_key())
    }

    /// The key as a policy lists it.
    pub fn policy_key(&self) -> PolicyKey {
        PolicyKey {
            id: self.id.clone(),
            ed25519: self.public_key(),
        }
    }

    /// Signs `manifest_bytes` (after the signing context of the format).
    pub fn sign_manifest(&self, manifest_bytes: &[u8]) -> SignatureEntry {
        let signature = self
            .dalek_key()
            .sign(&manifest_signing_message(manifest_bytes));
        SignatureEntry {
            key_id: self.id.clone(),
            sig: SignatureBytes::from_signature(&signature),
        }
    }

    /// Reads a key file's text; `path` only names it in errors.
    pub fn from_key_file(text: &str, path: &Path) -> Result<Self, Error> {
        let fault = |fault| Error::KeyFile {
            path: path.to_owned(),
            fault,
        };
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FILE_HEADER) {
            return Err(fault(KeyFileFault::Header));
        }
        let (mut id, mut public, mut seed) = (None, None, None);
        for line in lines {
            let Some((name, value)) = line.split_once('=') else {
                return Err(fault(KeyFileFault::Line));
            };
            let slot = match name {
                "id" => &mut id,
                "public" => &mut public,
                "seed" => &mut seed,
                _ => return Err(fault(KeyFileFault::Line)),
            };
            if slot.replace(value).is_some() {
                return Err(fault(KeyFileFault::Line));
            }
        }
        let (Some(id), Some(public), Some(seed)) = (id, public, seed) else {
            return Err(fault(KeyFileFault::MissingField));
        };
        let id = KeyId::new(id)?;
        let mut seed_bytes = Zeroizing::new([0u8; 32]);
        decode_base64_into(seed, &mut seed_bytes).map_err(|_| fault(KeyFileFault::Seed))?;
        let key = Self {
            id,
            seed: seed_bytes,
        };
        if PublicKey::from_base64(public).ok() != Some(key.public_key()) {
            return Err(fault(KeyFileFault::PublicKeyMismatch));
        }
        Ok(key)
    }

    /// The key file's text. Secret: zeroized when dropped.
    pub fn to_key_file(&self) -> Zeroizing<String> {
        let seed = Zeroizing::new(encode_base64(self.seed.as_slice()));
        Zeroizing::new(format!(
            "{KEY_FILE_HEADER}\nid={}\npublic={}\nseed={}\n",
            self.id,
            self.public_key().to_base64(),
            seed.as_str()
        ))
    }

    /// Reads the key file at `path`, through a buffer that is wiped afterwards. Warns on
    /// standard error if other users than the owner may read it.
    pub fn read_key_file(path: &Path) -> Result<Self, Error> {
        let mut file = std::fs::File::open(path).map_err(Error::io(path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = file
                .metadata()
                .map_err(Error::io(path))?
                .permissions()
                .mode();
            // A warning, not a refusal: git keeps only 644 or 755, so the committed test
            // keys (e2e-tests/fixtures/release-keys/) are 0644 in every fresh clone.
            if readable_by_others(mode) {
                eprintln!(
                    "warning: {}: a signing key file that other users may read (mode {:03o});                      `chmod 600` it",
                    path.display(),
                    mode & 0o777
                );
            }
        }
        // Allocated once at its full size and never grown, so no copy of the seed is left
        // behind in a freed buffer.
        let mut bytes = Zeroizing::new(vec![0u8; KEY_FILE_MAX_BYTES + 1]);
        let mut filled = 0;
        while let Some(rest) = bytes.get_mut(filled..).filter(|rest| !rest.is_empty()) {
            match file.read(rest) {
                Ok(0) => break,
                Ok(count) => filled += count,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(Error::io(path)(error)),
            }
        }
        let fault = |fault| Error::KeyFile {
            path: path.to_owned(),
            fault,
        };
        let read = bytes
            .get(..filled)
            .filter(|read| read.len() <= KEY_FILE_MAX_BYTES)
            .ok_or_else(|| fault(KeyFileFault::TooLarge))?;
        let text = std::str::from_utf8(read).map_err(|_| fault(KeyFileFault::NotText))?;
        Self::from_key_file(text, path)
    }

    /// Writes the key file at `path`, readable by its owner only; never overwrites a file.
    pub fn write_new_key_file(&self, path: &Path) -> Result<(), Error> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::WouldOverwrite(path.to_owned())
            } else {
                Error::io(path)(error)
            }
        })?;
        file.write_all(self.to_key_file().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(Error::io(path))
    }

    fn dalek_key(&self) -> SigningKey {
        // SigningKey zeroizes its own copy of the seed when dropped.
        SigningKey::from_bytes(&self.seed)
    }
}

/// Whether a file of `mode` may be read or written by others than its owner.
#[cfg(unix)]
fn readable_by_others(mode: u32) -> bool {
    mode & 0o077 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ReleaseSigningKey {
        ReleaseSigningKey::from_seed(KeyId::new("test-vendor").unwrap(), [9; 32])
    }

    #[test]
    fn rfc_8032_test_1_gives_its_public_key_and_signature() {
        // RFC 8032, section 7.1, TEST 1 (empty message). Our message has the context first,
        // so only the public key is compared to the RFC; the signature is checked by
        // verifying it.
        let seed = crate::hash::decode_lower_hex::<32>(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        )
        .unwrap();
        let key = ReleaseSigningKey::from_seed(KeyId::new("rfc").unwrap(), seed);
        assert_eq!(
            crate::hash::encode_lower_hex(key.public_key().as_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
    }

    #[test]
    fn a_key_file_round_trips() {
        let text = key().to_key_file();
        assert!(text.starts_with("conclave-release signing key 1\nid=test-vendor\npublic="));
        let read = ReleaseSigningKey::from_key_file(&text, Path::new("k")).unwrap();
        assert_eq!(read.id().as_str(), "test-vendor");
        assert_eq!(read.public_key(), key().public_key());
        assert_eq!(read.sign_manifest(b"m"), key().sign_manifest(b"m"));
    }

    #[test]
    fn malformed_key_files_are_typed_errors() {
        let good = key().to_key_file().to_string();
        let other_public = ReleaseSigningKey::from_seed(KeyId::new("x").unwrap(), [1; 32])
            .public_key()
            .to_base64();
        let public_line = format!("public={}", key().public_key().to_base64());
        let cases = [
            (String::new(), KeyFileFault::Header),
            (good.replacen("key 1", "key 2", 1), KeyFileFault::Header),
            (format!("{good}extra=1\n"), KeyFileFault::Line),
            (format!("{good}id=again\n"), KeyFileFault::Line),
            (
                good.replace(&format!("{public_line}\n"), ""),
                KeyFileFault::MissingField,
            ),
            (good.replace("seed=", "seed=AAAA"), KeyFileFault::Seed),
            (
                good.replace(&public_line, &format!("public={other_public}")),
                KeyFileFault::PublicKeyMismatch,
            ),
        ];
        for (text, expected) in cases {
            match ReleaseSigningKey::from_key_file(&text, Path::new("k")) {
                Err(Error::KeyFile { fault, .. }) => assert_eq!(fault, expected, "{text}"),
                Err(other) => panic!("{text}: {other}"),
                Ok(_) => panic!("{text}: accepted"),
            }
        }
    }

    #[test]
    fn a_key_file_is_private_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("conclave-release-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k.key");
        let _ = std::fs::remove_file(&path);
        key().write_new_key_file(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(
            key().write_new_key_file(&path),
            Err(Error::WouldOverwrite(_))
        ));
        assert_eq!(
            ReleaseSigningKey::read_key_file(&path)
                .unwrap()
                .public_key(),
            key().public_key()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_is_read_with_a_warning() {
        use std::os::unix::fs::PermissionsExt as _;
        assert!(!readable_by_others(0o100600));
        assert!(!readable_by_others(0o100400));
        assert!(readable_by_others(0o100644));
        assert!(readable_by_others(0o100640));
        assert!(readable_by_others(0o100602));
        let dir =
            std::env::temp_dir().join(format!("conclave-release-loose-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k.key");
        let _ = std::fs::remove_file(&path);
        key().write_new_key_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        // As a fresh clone has the committed test keys.
        assert_eq!(
            ReleaseSigningKey::read_key_file(&path)
                .unwrap()
                .public_key(),
            key().public_key()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_too_large_or_not_text_is_no_key_file() {
        let dir = std::env::temp_dir().join(format!("conclave-release-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.key");
        let mut text = key().to_key_file().to_string();
        text.push_str(&"x".repeat(KEY_FILE_MAX_BYTES));
        std::fs::write(&big, text).unwrap();
        assert!(matches!(
            ReleaseSigningKey::read_key_file(&big),
            Err(Error::KeyFile {
                fault: KeyFileFault::TooLarge,
                ..
            })
        ));
        let binary = dir.join("binary.key");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(
            ReleaseSigningKey::read_key_file(&binary),
            Err(Error::KeyFile {
                fault: KeyFileFault::NotText,
                ..
            })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
