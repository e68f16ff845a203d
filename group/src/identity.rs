//! A browser's long-term signature key pair: the key behind its MLS credential
//! (RFC 9420 section 5.1.2, BasicCredential with an Ed25519 signature key for the
//! default ciphersuite).

use std::fmt;

use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _};
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::RustCrypto;
use openmls_traits::crypto::OpenMlsCrypto;
use openmls_traits::signatures::{Signer, SignerError};
use openmls_traits::types::CryptoError;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::GroupError;

/// Version byte of the stored identity format.
const STORED_VERSION: u8 = 1;

/// A browser's long-term signature key pair. The private key is zeroized on drop and
/// never printed.
pub struct Identity {
    pub(crate) key_pair: SignatureKeyPair,
}

impl Identity {
    /// Generates a fresh key pair for the default ciphersuite's signature scheme.
    pub fn generate() -> Result<Identity, GroupError> {
        let scheme = crate::CIPHERSUITE.signature_algorithm();
        let key_pair = SignatureKeyPair::new(scheme).map_err(GroupError::Crypto)?;
        Ok(Identity { key_pair })
    }

    /// Restores an identity from the bytes [`Identity::to_stored`] produced. Checks that
    /// the private key matches the public key (a test signature must verify).
    pub fn from_stored(bytes: &[u8]) -> Result<Identity, GroupError> {
        let (&version, mut rest) = bytes.split_first().ok_or(GroupError::MalformedIdentity)?;
        if version != STORED_VERSION {
            return Err(GroupError::MalformedIdentity);
        }
        let key_pair = SignatureKeyPair::tls_deserialize(&mut rest)
            .map_err(GroupError::MalformedIdentityKeys)?;
        if !rest.is_empty()
            || key_pair.signature_scheme() != crate::CIPHERSUITE.signature_algorithm()
        {
            return Err(GroupError::MalformedIdentity);
        }
        let probe = b"Conclave 1.0 stored identity check";
        let signature = key_pair
            .sign(probe)
            .map_err(|error| GroupError::MismatchedIdentityKeys(signing_failure(error)))?;
        RustCrypto::default()
            .verify_signature(
                key_pair.signature_scheme(),
                probe,
                key_pair.public(),
                &signature,
            )
            .map_err(GroupError::MismatchedIdentityKeys)?;
        Ok(Identity { key_pair })
    }

    /// The bytes the client keeps (in IndexedDB) to restore this identity. Secret.
    pub fn to_stored(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![STORED_VERSION]);
        // Serializing into a Vec only fails for lengths beyond the TLS limits, which a
        // signature key pair never reaches; an empty result would fail to restore.
        let serialized = Zeroizing::new(self.key_pair.tls_serialize_detached().unwrap_or_default());
        out.extend_from_slice(&serialized);
        out
    }

    /// SHA-256 of the public signature key.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_public_key(self.key_pair.public())
    }

    /// The public signature key (32 bytes of Ed25519): what a certificate names and a
    /// chain is checked against. Public by nature; the private key has no accessor.
    pub fn public_key(&self) -> &[u8] {
        self.key_pair.public()
    }
}

/// The browser's key signs its own enrollment request (proof of possession).
impl conclave_pki::EnrollmentSigner for Identity {
    fn public_key(&self) -> &[u8] {
        self.key_pair.public()
    }

    fn sign(&self, message: &[u8]) -> Option<Vec<u8>> {
        self.key_pair.sign(message).ok()
    }
}

/// openmls' signer reports its failures as a [`SignerError`], which is not a
/// `std::error::Error`; the same causes exist as [`CryptoError`]s, which are.
fn signing_failure(error: SignerError) -> CryptoError {
    match error {
        SignerError::CryptoError(cause) => cause,
        SignerError::InvalidSignature => CryptoError::InvalidSignature,
        SignerError::SigningError => CryptoError::SigningError,
    }
}

/// SHA-256 of a member's public signature key: what people compare to know it is the
/// same browser they met in an earlier meeting.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a public signature key.
    pub fn of_public_key(public_key: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(public_key).into())
    }

    /// All 32 bytes as 64 lowercase hex digits, for storage.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A fingerprint from its raw 32 bytes (as the meeting policy carries them).
    pub fn from_bytes(bytes: [u8; 32]) -> Fingerprint {
        Fingerprint(bytes)
    }
}

/// The short human form: the first 8 bytes as four groups of four hex digits,
/// `ab12 cd34 ef56 7890`.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, pair) in self.0[..8].chunks(2).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{:02x}{:02x}", pair[0], pair[1])?;
        }
        Ok(())
    }
}
