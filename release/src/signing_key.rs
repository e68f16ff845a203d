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

use std::io::Write as _;
use std::path::Path;

use ed25519_dalek::{Signer as _, SigningKey};
use zeroize::Zeroizing;

use crate::hash::{decode_base64, encode_base64};
use crate::policy::PublicKey;
use crate::signatures::{manifest_signing_message, SignatureBytes};
use crate::{Error, KeyFileFault, KeyId, PolicyKey, SignatureEntry};

/// The first line of a key file.
const KEY_FILE_HEADER: &str = "conclave-release signing key 1";

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
        let seed =
            Zeroizing::new(decode_base64::<32>(seed).map_err(|_| fault(KeyFileFault::Seed))?);
        let key = Self { id, seed };
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

    /// Reads the key file at `path`.
    pub fn read_key_file(path: &Path) -> Result<Self, Error> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(Error::io(path))?);
        Self::from_key_file(&text, path)
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
}
