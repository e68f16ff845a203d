//! Mesh session descriptions signed by the sender's MLS leaf, so the signaling server that
//! relays them cannot sit in the middle of DTLS.
//!
//! In mesh mode the SDP offer and answer travel through the server, and the DTLS
//! fingerprints in them are all that ties a peer connection to the browser at the other
//! end. A server that rewrote them could terminate DTLS itself on both sides (and, once
//! frames are bound to leaves, at least show the wrong connection under a name). So each
//! offer and answer carries a signature by its sender's MLS signature key, the key its
//! leaf credential carries (RFC 9420 section 5.1.2, `SignWithLabel` with a label of our
//! own, which no MLS structure uses), over:
//!
//! ```text
//! struct {
//!     opaque group_id<V>;     // the MLS group both are members of
//!     opaque room_id<V>;      // the signaling room
//!     uint64 sender;          // participant id of the signer
//!     uint64 recipient;       // participant id it is meant for
//!     uint8  kind;            // 1 offer, 2 answer
//!     opaque sdp<V>;          // the whole session description, as set by the sender
//! } MeshSessionDescription;
//! ```
//!
//! The receiver takes the one leaf of its current roster whose credential names the sender
//! and verifies under that leaf's signature key, with itself as the recipient. So a changed
//! fingerprint (or any other byte), a description re-addressed to someone else, an offer
//! passed off as an answer, or one signed by another member is refused. The epoch is not
//! bound: a description signed just before a commit must still verify just after it; the
//! leaf key is what names the sender. A replayed old description carries the DTLS
//! fingerprint of a connection that was closed with its private key, so it can only fail.

use conclave_protocol::ParticipantId;
use openmls::prelude::tls_codec::{Serialize as _, VLBytes};
use openmls_traits::crypto::OpenMlsCrypto as _;
use openmls_traits::signatures::Signer as _;
use openmls_traits::OpenMlsProvider as _;

use super::roster::member_info;
use super::MeetingGroup;

/// The `SignWithLabel` label (RFC 9420 section 5.1.2 prefixes it with "MLS 1.0 ").
const LABEL: &[u8] = b"Conclave mesh session description";

/// Which half of a WebRTC negotiation a description is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionDescriptionKind {
    /// An SDP offer.
    Offer,
    /// An SDP answer.
    Answer,
}

impl SessionDescriptionKind {
    fn code(self) -> u8 {
        match self {
            SessionDescriptionKind::Offer => 1,
            SessionDescriptionKind::Answer => 2,
        }
    }
}

/// Why a session description could not be signed or was not accepted.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalAuthError {
    /// We are not a member of the group (or have no participant id yet): there is no key
    /// to sign with and no roster to check against.
    #[error("not a member of the meeting's group yet")]
    NotAMember,
    /// No member's credential names the sender: they may not be added yet (hold the
    /// description and try again when the group changes).
    #[error("the sender is not in the meeting's group")]
    SenderNotInRoster,
    /// More than one member's credential names the sender: nobody can tell whose key counts.
    #[error("more than one member claims to be the sender")]
    AmbiguousSender,
    /// The signature does not verify under the sender's key for this room, group, recipient
    /// and kind: the description was changed, re-addressed, or signed by someone else.
    #[error("the connection details are not signed by the sender's key in the meeting")]
    BadSignature,
    /// Our signature key failed to sign.
    #[error("could not sign the connection details")]
    Signing,
}

impl MeetingGroup {
    /// Signs a session description we send to `to` (see the module docs).
    pub fn sign_session_description(
        &self,
        to: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
    ) -> Result<Vec<u8>, SignalAuthError> {
        let you = self.you.ok_or(SignalAuthError::NotAMember)?;
        let content = self.signed_content(you, to, kind, sdp)?;
        self.identity
            .key_pair
            .sign(&content)
            .map_err(|_| SignalAuthError::Signing)
    }

    /// Checks that `signature` is `from`'s, by the one leaf of our roster that names
    /// `from`, over `sdp` of this `kind` addressed to us in this room and group.
    pub fn verify_session_description(
        &self,
        from: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
        signature: &[u8],
    ) -> Result<(), SignalAuthError> {
        let you = self.you.ok_or(SignalAuthError::NotAMember)?;
        let group = self.member_group().ok_or(SignalAuthError::NotAMember)?;
        let mut named = group
            .members()
            .filter(|member| member_info(group, member.index).participant_id == Some(from));
        let sender = named.next().ok_or(SignalAuthError::SenderNotInRoster)?;
        if named.next().is_some() {
            return Err(SignalAuthError::AmbiguousSender);
        }
        let content = self.signed_content(from, you, kind, sdp)?;
        self.provider
            .crypto()
            .verify_signature(
                crate::CIPHERSUITE.signature_algorithm(),
                &content,
                &sender.signature_key,
                signature,
            )
            .map_err(|_| SignalAuthError::BadSignature)
    }

    /// `SignContent` (RFC 9420 section 5.1.2) of a `MeshSessionDescription`.
    fn signed_content(
        &self,
        sender: ParticipantId,
        recipient: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
    ) -> Result<Vec<u8>, SignalAuthError> {
        let group = self.member_group().ok_or(SignalAuthError::NotAMember)?;
        let vl = |bytes: &[u8]| {
            VLBytes::new(bytes.to_vec())
                .tls_serialize_detached()
                .map_err(|_| SignalAuthError::Signing)
        };
        let mut description = vl(group.group_id().as_slice())?;
        description.extend(vl(self.room_id.as_str().as_bytes())?);
        description.extend(sender.0.to_be_bytes());
        description.extend(recipient.0.to_be_bytes());
        description.push(kind.code());
        description.extend(vl(sdp.as_bytes())?);

        let mut label = b"MLS 1.0 ".to_vec();
        label.extend_from_slice(LABEL);
        let mut content = vl(&label)?;
        content.extend(vl(&description)?);
        Ok(content)
    }
}
