//! The invite PSK: the group's proof to a joiner that it was made by people holding the
//! invite secret. An MLS external pre-shared key (RFC 9420 section 8.4) derived from the
//! invite secret, so the invite secret binds membership both ways: the invite proof
//! (`invite_proof`) shows a joiner's knowledge to the committer, this PSK shows the
//! committer's knowledge to the joiner.
//!
//! - `psk_id = "Conclave 1.0 invite psk" || suite_id (2 bytes, big-endian) || room_id`
//! - `psk = HKDF-SHA256(salt = "Conclave 1.0 invite psk", ikm = invite secret,
//!   info = psk_id, L = 32)`
//!
//! The salt differs from the invite proof key's (`"Conclave 1.0 invite"`, info
//! `"invite proof key"`), so neither key says anything about the other.
//!
//! Every commit that adds members carries a PreSharedKey proposal for it (RFC 9420 section
//! 12.1.4), so the epoch a joiner enters mixes it into its key schedule (`psk_secret`,
//! RFC 9420 section 8). A joiner refuses a Welcome whose `GroupSecrets.psks` (RFC 9420
//! section 12.4.3.1) do not name this PSK, before it becomes a member or exports a key;
//! openmls then derives the Welcome's keys with the value it holds, so a Welcome made with
//! another value (another invite secret) does not even decrypt. Members refuse a commit
//! that adds members without the proposal (an honest committer never makes one).

use conclave_protocol::RoomId;
use hkdf::Hkdf;
use openmls::prelude::tls_codec::Serialize as _;
use openmls::prelude::{PreSharedKeyProposal, Proposal, StagedCommit};
use openmls::schedule::errors::PskError;
use openmls::schedule::{ExternalPsk, PreSharedKeyId, Psk};
use openmls_traits::random::OpenMlsRand;
use openmls_traits::types::CryptoError;
use openmls_traits::OpenMlsProvider;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{FrameSuite, CIPHERSUITE};

/// Label that starts the PSK id and salts the value's derivation.
const PSK_LABEL: &[u8] = b"Conclave 1.0 invite psk";

/// The meeting's invite PSK: its id (public: room and suite) and its value (secret).
/// The value is zeroized on drop; no `Debug`.
pub struct InvitePsk {
    psk_id: Vec<u8>,
    value: Zeroizing<[u8; 32]>,
}

impl InvitePsk {
    /// Derives the PSK of the meeting in `room_id` with the frame suite `frame_suite` from
    /// its invite secret.
    pub fn derive(invite_secret: &[u8; 32], room_id: &RoomId, frame_suite: FrameSuite) -> Self {
        let mut psk_id = PSK_LABEL.to_vec();
        psk_id.extend_from_slice(&frame_suite.id().to_be_bytes());
        psk_id.extend_from_slice(room_id.as_str().as_bytes());
        let hkdf = Hkdf::<Sha256>::new(Some(PSK_LABEL), invite_secret);
        let mut value = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 255 * 32, so expand cannot fail.
        let _ = hkdf.expand(&psk_id, value.as_mut_slice());
        InvitePsk { psk_id, value }
    }

    /// The PSK id, as a Welcome or a PreSharedKey proposal names it.
    pub fn psk_id(&self) -> &[u8] {
        &self.psk_id
    }

    fn psk(&self) -> Psk {
        Psk::External(ExternalPsk::new(self.psk_id.clone()))
    }

    /// Puts the PSK in `provider`'s storage, where openmls looks it up to build or process
    /// a commit that proposes it and to open a Welcome that names it.
    pub fn store<Provider: OpenMlsProvider>(&self, provider: &Provider) -> Result<(), PskError> {
        // The nonce is not stored (each proposal draws its own); any will do here.
        PreSharedKeyId::external(self.psk_id.clone(), Vec::new())
            .store(provider, self.value.as_slice())
    }

    /// A PreSharedKey proposal for this PSK, with a fresh nonce (RFC 9420 section 8.4).
    pub fn proposal(&self, rand: &impl OpenMlsRand) -> Result<Proposal, CryptoError> {
        let id = PreSharedKeyId::new(CIPHERSUITE, rand, self.psk())?;
        Ok(Proposal::PreSharedKey(Box::new(PreSharedKeyProposal::new(
            id,
        ))))
    }

    /// Whether a Welcome's PSK list names this PSK.
    pub(crate) fn is_listed_in(&self, psks: &[PreSharedKeyId]) -> bool {
        let ours = self.psk();
        psks.iter().any(|id| *id.psk() == ours)
    }

    /// Whether a staged commit proposes this PSK.
    pub(crate) fn is_proposed_in(&self, commit: &StagedCommit) -> bool {
        // openmls does not expose a proposal's PSK id; its TLS encoding starts with it
        // (`PreSharedKeyID` = `psk` then `psk_nonce`, RFC 9420 section 8.4), and the
        // encoding of `psk` is self-delimiting, so a prefix match is an exact match.
        let Ok(ours) = self.psk().tls_serialize_detached() else {
            return false;
        };
        commit.psk_proposals().any(|queued| {
            queued
                .psk_proposal()
                .tls_serialize_detached()
                .is_ok_and(|encoded| encoded.starts_with(&ours))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(text: &str) -> RoomId {
        RoomId::parse(text).unwrap()
    }

    #[test]
    fn the_psk_is_bound_to_secret_room_and_suite() {
        let a = room("AAAAAAAAAAAAAAAAAAAAAA");
        let b = room("BAAAAAAAAAAAAAAAAAAAAA");
        let suite = FrameSuite::default();
        let psk = InvitePsk::derive(&[7; 32], &a, suite);
        let same = InvitePsk::derive(&[7; 32], &a, suite);
        assert_eq!(psk.psk_id(), same.psk_id());
        assert_eq!(*psk.value, *same.value);
        // Another secret: same id (the id is public), another value.
        let other_secret = InvitePsk::derive(&[8; 32], &a, suite);
        assert_eq!(psk.psk_id(), other_secret.psk_id());
        assert_ne!(*psk.value, *other_secret.value);
        // Another room or suite: another id and another value.
        for other in [
            InvitePsk::derive(&[7; 32], &b, suite),
            InvitePsk::derive(&[7; 32], &a, FrameSuite::Aes256GcmSha512_128),
        ] {
            assert_ne!(psk.psk_id(), other.psk_id());
            assert_ne!(*psk.value, *other.value);
        }
    }

    #[test]
    fn a_welcome_list_matches_only_our_id() {
        let a = room("AAAAAAAAAAAAAAAAAAAAAA");
        let psk = InvitePsk::derive(&[7; 32], &a, FrameSuite::default());
        let ours = PreSharedKeyId::external(psk.psk_id().to_vec(), vec![0; 32]);
        let other = PreSharedKeyId::external(b"Conclave 1.0 invite psk".to_vec(), vec![0; 32]);
        assert!(psk.is_listed_in(std::slice::from_ref(&ours)));
        assert!(psk.is_listed_in(&[other.clone(), ours]));
        assert!(!psk.is_listed_in(&[other]));
        assert!(!psk.is_listed_in(&[]));
    }
}
