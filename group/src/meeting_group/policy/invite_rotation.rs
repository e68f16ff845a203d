//! A new invite link: a chair's commit raises the policy's `link_generation`, and every
//! member, on merging it, derives the new invite secret as
//! `MLS-Exporter("Conclave 1.0 invite secret", link_generation as u32 big-endian, 32)` of the
//! epoch that commit starts (RFC 9420 section 8.5), so the secret never crosses the server.
//! It replaces the invite proof key (joiners' proofs over the old secret no longer verify)
//! and the invite PSK (the next Adds prove the new secret to their joiners); knocks
//! verified under the old secret are dropped.

use openmls_traits::OpenMlsProvider as _;
use zeroize::Zeroizing;

use super::policy_of;
use crate::invite_proof::InviteProofKey;
use crate::invite_psk::InvitePsk;
use crate::meeting_group::{GroupEvent, MeetingGroup};

/// Exporter label of the invite secret of a new link.
const INVITE_SECRET_LABEL: &str = "Conclave 1.0 invite secret";

impl MeetingGroup {
    /// After merging a commit: if it raised the link generation from `old_generation`,
    /// switch to the new invite secret and hand it to the client.
    pub(in crate::meeting_group) fn follow_new_link(
        &mut self,
        old_generation: Option<u32>,
        events: &mut Vec<GroupEvent>,
    ) {
        let Some(group) = self.group.as_ref() else {
            return;
        };
        let Some(policy) = policy_of(group.extensions()) else {
            return;
        };
        if old_generation.is_none_or(|old| policy.link_generation <= old) {
            return;
        }
        let Ok(exported) = group.export_secret(
            self.provider.crypto(),
            INVITE_SECRET_LABEL,
            &policy.link_generation.to_be_bytes(),
            32,
        ) else {
            return;
        };
        let exported = Zeroizing::new(exported);
        let mut secret = Zeroizing::new([0u8; 32]);
        if exported.len() != secret.len() {
            return;
        }
        secret.copy_from_slice(&exported);
        self.proof_key = InviteProofKey::derive(&secret, self.frame_suite);
        self.invite_psk = InvitePsk::derive(&secret, &self.room_id, self.frame_suite);
        // Same PSK id, new value: storing replaces the old one.
        let _ = self.invite_psk.store(&self.provider);
        self.pending_key_packages.clear();
        events.push(GroupEvent::InviteSecret(secret));
    }
}
