//! The invite proof: a joiner's evidence that it holds the invite secret from the link,
//! bound to the room, to the meeting's frame suite, to a challenge the group chose in one
//! epoch, and to the exact KeyPackage (RFC 9420 section 10) it publishes.
//!
//! `K = HKDF-SHA256(salt = "Conclave 1.0 invite", ikm = invite secret,
//! info = "invite proof key", L = 32)`;
//! `proof = HMAC-SHA256(K, "Conclave 1.0 invite proof" || suite_id (2 bytes, big-endian)
//! || room_id (22 bytes) || challenge (32 bytes) || key_package)`, where
//! `challenge = MLS-Exporter("Conclave 1.0 join challenge", "", 32)` of one epoch of the
//! group (`meeting_group::join_challenge`), relayed to joiners by the server.
//! A server (or anyone without the link) cannot produce it, so it cannot get a member
//! of its own added; a link whose suite was changed gives proofs no member accepts, so
//! the whole group runs the one suite the meeting's creator chose; and a proof captured
//! earlier is void once its epoch left the members' window, or in any other group of the
//! same room, so the server cannot replay it later (a KeyPackage already added is refused
//! within the window too).

use conclave_protocol::{RoomId, JOIN_CHALLENGE_BYTES};

use crate::FrameSuite;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

const KEY_SALT: &[u8] = b"Conclave 1.0 invite";
const KEY_INFO: &[u8] = b"invite proof key";
const PROOF_LABEL: &[u8] = b"Conclave 1.0 invite proof";

/// The HMAC key derived from the invite secret, and the suite the proofs vouch for.
/// Zeroized on drop, no `Debug`.
pub(crate) struct InviteProofKey {
    key: Zeroizing<[u8; 32]>,
    frame_suite: FrameSuite,
}

impl InviteProofKey {
    /// Derives the proof key from the invite secret.
    pub(crate) fn derive(invite_secret: &[u8; 32], frame_suite: FrameSuite) -> InviteProofKey {
        let hkdf = Hkdf::<Sha256>::new(Some(KEY_SALT), invite_secret);
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 255 * 32, so expand cannot fail.
        let _ = hkdf.expand(KEY_INFO, key.as_mut_slice());
        InviteProofKey { key, frame_suite }
    }

    fn mac(
        &self,
        room_id: &RoomId,
        challenge: &[u8; JOIN_CHALLENGE_BYTES],
        key_package: &[u8],
    ) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail; an empty MAC would
        // only make every proof fail to verify.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(PROOF_LABEL);
        mac.update(&self.frame_suite.id().to_be_bytes());
        // Room id and challenge have fixed lengths: the concatenation is unambiguous.
        mac.update(room_id.as_str().as_bytes());
        mac.update(challenge);
        mac.update(key_package);
        mac
    }

    /// The proof for `key_package` in `room_id`, over the group's `challenge`.
    pub(crate) fn prove(
        &self,
        room_id: &RoomId,
        challenge: &[u8; JOIN_CHALLENGE_BYTES],
        key_package: &[u8],
    ) -> Vec<u8> {
        self.mac(room_id, challenge, key_package)
            .finalize()
            .into_bytes()
            .to_vec()
    }

    /// Checks a proof in constant time.
    pub(crate) fn verify(
        &self,
        room_id: &RoomId,
        challenge: &[u8; JOIN_CHALLENGE_BYTES],
        key_package: &[u8],
        proof: &[u8],
    ) -> bool {
        self.mac(room_id, challenge, key_package)
            .verify_slice(proof)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap()
    }

    const CHALLENGE: [u8; JOIN_CHALLENGE_BYTES] = [3; JOIN_CHALLENGE_BYTES];

    #[test]
    fn proof_round_trips_and_binds_everything() {
        let key = InviteProofKey::derive(&[7; 32], FrameSuite::default());
        let proof = key.prove(&room(), &CHALLENGE, b"kp");
        assert!(key.verify(&room(), &CHALLENGE, b"kp", &proof));
        assert!(!key.verify(&room(), &CHALLENGE, b"kq", &proof));
        let other_room = RoomId::parse("BAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert!(!key.verify(&other_room, &CHALLENGE, b"kp", &proof));
        let mut other_challenge = CHALLENGE;
        other_challenge[31] ^= 1;
        assert!(!key.verify(&room(), &other_challenge, b"kp", &proof));
        assert!(
            !InviteProofKey::derive(&[8; 32], FrameSuite::default()).verify(
                &room(),
                &CHALLENGE,
                b"kp",
                &proof
            )
        );
        assert!(
            !InviteProofKey::derive(&[7; 32], FrameSuite::Aes256GcmSha512_128).verify(
                &room(),
                &CHALLENGE,
                b"kp",
                &proof
            )
        );
        let mut tampered = proof.clone();
        tampered[0] ^= 1;
        assert!(!key.verify(&room(), &CHALLENGE, b"kp", &tampered));
        assert!(!key.verify(&room(), &CHALLENGE, b"kp", &proof[..31]));
    }
}
