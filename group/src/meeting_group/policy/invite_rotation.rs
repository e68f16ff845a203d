//! A new invite link: a chair's commit raises the policy's `link_generation`, and every
//! member, on merging it, derives the new invite secret as
//! `MLS-Exporter("Conclave 1.0 invite secret", link_generation as u32 big-endian, 32)` of the
//! epoch that commit starts (RFC 9420 section 8.5), so the secret never crosses the server.
//! It replaces the invite proof key (joiners' proofs over the old secret no longer verify)
//! and the invite PSK (the next Adds prove the new secret to their joiners); knocks
//! verified under the old secret are dropped. A member keeps the proof keys of the last
//! few replaced links, so that the lowest present member can tell someone who knocks with
//! an old link to ask for the new one (`KnockAnswer::LinkReplaced`) instead of leaving it
//! waiting.

use conclave_protocol::{ClientMessage, KnockAnswer, ParticipantId};
use openmls_traits::OpenMlsProvider as _;
use zeroize::Zeroizing;

use super::policy_of;
use crate::invite_proof::InviteProofKey;
use crate::invite_psk::InvitePsk;
use crate::meeting_group::{GroupEvent, MeetingGroup, REPLACED_LINKS_KEPT};

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
        // The new link names the same trust as the old one.
        let bound = super::bound_invite_secret(&secret, &self.verifier.link_trust);
        let replaced = std::mem::replace(
            &mut self.proof_key,
            InviteProofKey::derive(&bound, self.frame_suite),
        );
        self.replaced_proof_keys.push(replaced);
        if self.replaced_proof_keys.len() > REPLACED_LINKS_KEPT {
            self.replaced_proof_keys.remove(0);
        }
        self.invite_psk = InvitePsk::derive(&bound, &self.room_id, self.frame_suite);
        // Same PSK id, new value: storing replaces the old one.
        let _ = self.invite_psk.store(&self.provider);
        self.pending_key_packages.clear();
        events.push(GroupEvent::InviteSecret(secret));
    }

    /// A join request whose proof did not verify under the current link: if it verifies
    /// under a link a chair replaced, and we are the lowest present member, tell its
    /// sender to ask for the new link.
    pub(in crate::meeting_group) fn answer_replaced_link(
        &self,
        from: ParticipantId,
        key_package: &[u8],
        invite_proof: &[u8],
        events: &mut Vec<GroupEvent>,
    ) {
        if !self.is_lowest_present_member() {
            return;
        }
        let old_link = self.replaced_proof_keys.iter().any(|key| {
            self.join_challenges
                .verify(key, &self.room_id, key_package, invite_proof)
        });
        if old_link {
            events.push(GroupEvent::Send(ClientMessage::AnswerKnock {
                to: from,
                answer: KnockAnswer::LinkReplaced,
            }));
        }
    }
}
