//! What a member's BasicCredential (RFC 9420 section 5.3) says: the JSON
//! `{"display_name": ..., "participant_id": N}`, so the roster can map MLS members to the
//! server's participants. Others' credentials are parsed defensively: anything malformed
//! reads as an unknown name with no participant.

use conclave_protocol::{DisplayName, ParticipantId};
use serde::{Deserialize, Serialize};

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
