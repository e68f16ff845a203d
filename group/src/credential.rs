//! What a member's credential (RFC 9420 section 5.3) says: the JSON
//! `{"display_name": ..., "participant_id": N}`, so the roster can map MLS members to the
//! server's participants. A member without a certificate carries it as its BasicCredential's
//! identity; a member whose organisation enrolled it uses the X.509 credential (its
//! certificate chain, leaf first) and carries the same JSON in a leaf node extension of its
//! own ([`MEMBER_INFO_EXTENSION_TYPE`]). Others' credentials are parsed defensively:
//! anything malformed reads as an unknown name with no participant.

use conclave_protocol::{DisplayName, ParticipantId};
use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _, VLBytes};
use openmls::prelude::{
    BasicCredential, Credential, CredentialType, Extension, Extensions, LeafNode, UnknownExtension,
};
use serde::{Deserialize, Serialize};

/// The leaf node extension that carries an X.509 member's [`CredentialInfo`] (RFC 9420
/// section 17.3: 0xF000-0xFFFF is for private use).
pub(crate) const MEMBER_INFO_EXTENSION_TYPE: u16 = 0xF0C3;

/// Most certificates a chain in a credential may hold (a Conclave chain has two: leaf, CA).
const MAX_CHAIN_CERTIFICATES: usize = 4;

/// Name shown for a member whose credential cannot be read.
pub(crate) const UNKNOWN_NAME: &str = "unknown";

/// The contents of a Conclave member credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CredentialInfo {
    pub(crate) display_name: String,
    pub(crate) participant_id: Option<ParticipantId>,
}

impl CredentialInfo {
    /// A credential for us: the name made a [`DisplayName`] (see [`clean_name`]).
    pub(crate) fn new(display_name: &str, participant_id: ParticipantId) -> CredentialInfo {
        CredentialInfo {
            display_name: clean_name(display_name),
            participant_id: Some(participant_id),
        }
    }

    /// The bytes that go into the BasicCredential's identity.
    pub(crate) fn to_identity_bytes(&self) -> Vec<u8> {
        // Serializing a struct of a string and an integer cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a credential identity; malformed input gives an unknown member.
    pub(crate) fn parse(identity: &[u8]) -> CredentialInfo {
        match serde_json::from_slice::<CredentialInfo>(identity) {
            Ok(info) => CredentialInfo {
                display_name: clean_name(&info.display_name),
                participant_id: info.participant_id,
            },
            Err(_) => CredentialInfo {
                display_name: UNKNOWN_NAME.to_owned(),
                participant_id: None,
            },
        }
    }
}

/// Our credential and the leaf node extensions that go with it: a BasicCredential carrying
/// `info`, or, with a certificate chain, the X.509 credential and `info` in a leaf extension.
pub(crate) fn own_credential(
    info: &CredentialInfo,
    chain: Option<&[Vec<u8>]>,
) -> (Credential, Extensions<LeafNode>) {
    let Some(chain) = chain else {
        return (
            BasicCredential::new(info.to_identity_bytes()).into(),
            Extensions::empty(),
        );
    };
    let certificates: Vec<VLBytes> = chain.iter().map(|der| VLBytes::from(der.clone())).collect();
    // A chain of two certificates is far below the TLS vector limits.
    let content = certificates.tls_serialize_detached().unwrap_or_default();
    let extension = Extension::Unknown(
        MEMBER_INFO_EXTENSION_TYPE,
        UnknownExtension(info.to_identity_bytes()),
    );
    (
        Credential::new(CredentialType::X509, content),
        // One extension of a private-use type is always a valid leaf extension list.
        Extensions::single(extension).unwrap_or_else(|_| Extensions::empty()),
    )
}

/// What a member's credential and leaf extensions say, read defensively.
pub(crate) fn read_info(
    credential: &Credential,
    leaf_extensions: &Extensions<LeafNode>,
) -> CredentialInfo {
    match credential.credential_type() {
        CredentialType::Basic => match BasicCredential::try_from(credential.clone()) {
            Ok(basic) => CredentialInfo::parse(basic.identity()),
            Err(_) => CredentialInfo::parse(b""),
        },
        CredentialType::X509 => match leaf_extensions.unknown(MEMBER_INFO_EXTENSION_TYPE) {
            Some(extension) => CredentialInfo::parse(&extension.0),
            None => CredentialInfo::parse(b""),
        },
        _ => CredentialInfo::parse(b""),
    }
}

/// The certificate chain (DER, leaf first) of an X.509 credential; `None` for any other
/// credential, and for a malformed or overlong chain.
pub(crate) fn certificate_chain(credential: &Credential) -> Option<Vec<Vec<u8>>> {
    if credential.credential_type() != CredentialType::X509 {
        return None;
    }
    let certificates =
        Vec::<VLBytes>::tls_deserialize_exact(credential.serialized_content()).ok()?;
    if certificates.is_empty() || certificates.len() > MAX_CHAIN_CERTIFICATES {
        return None;
    }
    Some(
        certificates
            .into_iter()
            .map(|c| c.as_slice().to_vec())
            .collect(),
    )
}

/// The protocol's one rule for names ([`DisplayName::clean`]: control characters dropped,
/// trimmed, capped); a name with nothing left reads as [`UNKNOWN_NAME`].
fn clean_name(name: &str) -> String {
    DisplayName::clean(name).map_or_else(|| UNKNOWN_NAME.to_owned(), String::from)
}

#[cfg(test)]
mod tests {
    use conclave_protocol::MAX_DISPLAY_NAME_CHARS;

    use super::*;

    #[test]
    fn round_trip_and_defensive_parse() {
        let info = CredentialInfo::new("  Ada  ", ParticipantId(4));
        let parsed = CredentialInfo::parse(&info.to_identity_bytes());
        assert_eq!(parsed.display_name, "Ada");
        assert_eq!(parsed.participant_id, Some(ParticipantId(4)));
        let bad = CredentialInfo::parse(b"\xff{not json");
        assert_eq!(bad.display_name, UNKNOWN_NAME);
        assert_eq!(bad.participant_id, None);
        let long = CredentialInfo::new(&"x".repeat(500), ParticipantId(1));
        assert_eq!(long.display_name.chars().count(), MAX_DISPLAY_NAME_CHARS);
    }
}
