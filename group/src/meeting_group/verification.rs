//! Verified identities in the meeting: whose certificate chain (an X.509 credential,
//! `crate::verified_identity`) validates against an organisation the meeting pins (its
//! [`MeetingTrust`]) with the revocation lists the server lists; what the roster and the
//! knock prompt show of each member; and the rule of a "verified members only" meeting,
//! which every member applies itself: it drops an unverified knock (the lowest present
//! member tells the knocker) and ignores a commit that adds one.
//!
//! Time: the group's other inputs count milliseconds from an arbitrary start; certificates
//! need the wall clock, which the client passes with [`MeetingGroup::set_wall_clock`]. Until
//! it does, every certificate reads as not yet valid (fail closed).
//!
//! Results are cached per credential and key for [`RECHECK_SECS`] (a roster of fifty is
//! rendered often; a chain costs three signature checks), and dropped when the server's
//! list of organisations changes.

use std::cell::RefCell;
use std::collections::BTreeMap;

use openmls::prelude::{Credential, LeafNode, MlsGroup, StagedCommit};
use sha2::{Digest, Sha256};

use super::policy::{trust_of, MeetingTrust, RuleBreak};
use super::{GroupEvent, MeetingGroup};
use crate::credential::certificate_chain;
use crate::verified_identity::{
    validate_chain, AnchorPin, ChainRefusal, Organisation, TrustAnchor, VerifiedPerson,
};
use conclave_protocol::{ClientMessage, KnockAnswer, ParticipantId};

/// How long a verification result (and the loaded anchors) is used before it is checked
/// again: a certificate expiring or a renewed revocation list shows within this time.
pub const RECHECK_SECS: u64 = 60;

/// Most verification results kept (one per member and knock; a full cache starts over).
const MAX_CACHED_RESULTS: usize = 512;

/// What the meeting knows about a member's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// No certificate: the name is what the person typed.
    NotVerified,
    /// An organisation the meeting accepts vouches for this person.
    Verified(VerifiedPerson),
    /// A certificate that does not make its holder verified here, and why.
    Refused(ChainRefusal),
}

impl Verification {
    /// The person, if verified.
    pub fn verified(&self) -> Option<&VerifiedPerson> {
        match self {
            Verification::Verified(person) => Some(person),
            Verification::NotVerified | Verification::Refused(_) => None,
        }
    }

    /// Not verified, whatever the clock and the revocation list of whoever judges: no
    /// certificate, or one that is malformed, of an organisation the meeting did not pin,
    /// badly signed or for another key. Only such a refusal makes someone else's Add a
    /// broken rule; an expiry or a revocation list depend on each member's clock and on
    /// what the server gave it, and members who judged those differently would split.
    fn refused_by_everyone(&self) -> bool {
        match self {
            Verification::Verified(_) => false,
            Verification::NotVerified => true,
            Verification::Refused(refusal) => !depends_on_time_or_lists(*refusal),
        }
    }

    /// Not verified for a reason the knocker cannot wait out: everything
    /// [`Verification::refused_by_everyone`] counts, and a revocation (signed by the CA:
    /// whoever sees it sees the truth). The knocker is told so; an expiry or a missing or
    /// stale revocation list only keeps it waiting (the answering member's clock or lists
    /// may be the ones that are wrong).
    fn refused_for_good(&self) -> bool {
        self.refused_by_everyone() || matches!(self, Verification::Refused(ChainRefusal::Revoked))
    }
}

/// Whether a refusal depends on the judge's clock or on the revocation list it holds.
fn depends_on_time_or_lists(refusal: ChainRefusal) -> bool {
    matches!(
        refusal,
        ChainRefusal::Expired
            | ChainRefusal::NotYetValid
            | ChainRefusal::Revoked
            | ChainRefusal::RevocationListMissing
            | ChainRefusal::RevocationListOutOfDate
    )
}

/// What a meeting needs for verified identities.
#[derive(Clone, Debug, Default)]
pub struct VerificationConfig {
    /// Our certificate chain (DER, leaf first), if our organisation enrolled this browser:
    /// our credential is then the X.509 one.
    pub certificate_chain: Option<Vec<Vec<u8>>>,
    /// The organisations the server lists (CA certificates and revocation lists).
    pub organisations: Vec<Organisation>,
    /// The trust the invite link names: the organisations the meeting accepts and whether
    /// it admits only their verified members. The invite PSK and proofs are bound to it, a
    /// group we start has it, and a Welcome into a group with another is refused.
    pub meeting_trust: MeetingTrust,
}

/// The verification part of the state machine.
pub(super) struct Verifier {
    pub(super) own_chain: Option<Vec<Vec<u8>>>,
    organisations: Vec<Organisation>,
    /// The trust the invite link names.
    pub(super) link_trust: MeetingTrust,
    now_unix_secs: u64,
    anchors: RefCell<Option<LoadedAnchors>>,
    results: RefCell<BTreeMap<[u8; 32], CachedResult>>,
}

/// The pinned organisations' anchors, as loaded at `loaded_at`.
struct LoadedAnchors {
    pins: Vec<AnchorPin>,
    anchors: Vec<TrustAnchor>,
    loaded_at: u64,
}

struct CachedResult {
    verification: Verification,
    checked_at: u64,
}

impl Verifier {
    pub(super) fn new(config: VerificationConfig) -> Verifier {
        Verifier {
            own_chain: config.certificate_chain,
            organisations: config.organisations,
            link_trust: config.meeting_trust,
            now_unix_secs: 0,
            anchors: RefCell::new(None),
            results: RefCell::new(BTreeMap::new()),
        }
    }

    /// Whether `checked_at` is too long ago (or in the future: the clock went back).
    fn stale(&self, checked_at: u64) -> bool {
        checked_at > self.now_unix_secs || self.now_unix_secs - checked_at >= RECHECK_SECS
    }

    /// The anchors of the organisations `trust` pins that the server lists and that load.
    fn pinned_anchors(&self, trust: &MeetingTrust) -> Vec<TrustAnchor> {
        let mut loaded = self.anchors.borrow_mut();
        let fresh = loaded
            .as_ref()
            .is_some_and(|l| l.pins == trust.anchors && !self.stale(l.loaded_at));
        if !fresh {
            let anchors = self
                .organisations
                .iter()
                .filter(|org| trust.pins(&AnchorPin::of_certificate(&org.certificate)))
                .filter_map(|org| TrustAnchor::from_organisation(org, self.now_unix_secs).ok())
                .collect();
            *loaded = Some(LoadedAnchors {
                pins: trust.anchors.clone(),
                anchors,
                loaded_at: self.now_unix_secs,
            });
        }
        loaded
            .as_ref()
            .map(|l| l.anchors.clone())
            .unwrap_or_default()
    }

    /// What `credential` with `signature_key` proves under `trust` (no trust: nothing is
    /// pinned, so no certificate verifies).
    pub(super) fn verify(
        &self,
        credential: &Credential,
        signature_key: &[u8],
        trust: Option<&MeetingTrust>,
    ) -> Verification {
        let Some(chain) = certificate_chain(credential) else {
            return match credential.credential_type() {
                openmls::prelude::CredentialType::Basic => Verification::NotVerified,
                _ => Verification::Refused(ChainRefusal::Malformed),
            };
        };
        let key = cache_key(credential, signature_key, trust);
        if let Some(cached) = self.results.borrow().get(&key) {
            let expired = cached
                .verification
                .verified()
                .is_some_and(|person| self.now_unix_secs >= person.not_after_unix_secs);
            if !self.stale(cached.checked_at) && !expired {
                return cached.verification.clone();
            }
        }
        let mut anchors = trust.map(|t| self.pinned_anchors(t)).unwrap_or_default();
        // A pinned CA the server does not list (or whose list we could not fetch) is still
        // the meeting's: its certificate comes with the chain, and only its revocation list
        // is missing. So "not pinned" never depends on what the server told this member.
        if let (Some(trust), Some(ca)) = (trust, chain.get(1)) {
            let pin = AnchorPin::of_certificate(ca);
            if trust.pins(&pin) && !anchors.iter().any(|anchor| anchor.pin() == pin) {
                let unlisted = Organisation {
                    certificate: ca.clone(),
                    revocation_list: None,
                };
                if let Ok(anchor) = TrustAnchor::from_organisation(&unlisted, self.now_unix_secs) {
                    anchors.push(anchor);
                }
            }
        }
        let verification = match validate_chain(&chain, signature_key, &anchors, self.now_unix_secs)
        {
            Ok(person) => Verification::Verified(person),
            Err(refusal) => Verification::Refused(refusal),
        };
        let mut results = self.results.borrow_mut();
        if results.len() >= MAX_CACHED_RESULTS {
            results.clear();
        }
        results.insert(
            key,
            CachedResult {
                verification: verification.clone(),
                checked_at: self.now_unix_secs,
            },
        );
        verification
    }

    /// The meeting's own rule for others' commits in a "verified members only" meeting:
    /// nobody it adds is refused by everyone ([`Verification::refused_by_everyone`]) under
    /// the trust of the epoch it was made in. A joiner whose certificate only expired or
    /// was revoked in our view is followed (every screen then marks it not verified), so
    /// that a server cannot split the members, or get an honest chair expelled, by giving
    /// them different revocation lists.
    pub(super) fn check_verified_adds(
        &self,
        group: &MlsGroup,
        staged: &StagedCommit,
    ) -> Result<(), RuleBreak> {
        let trust = trust_of(group.extensions());
        if trust.as_ref().is_some_and(|t| !t.verified_only) {
            return Ok(());
        }
        for add in staged.add_proposals() {
            let leaf = add.add_proposal().key_package().leaf_node();
            let verification = self.verify(
                leaf.credential(),
                leaf.signature_key().as_slice(),
                trust.as_ref(),
            );
            if verification.refused_by_everyone() {
                return Err(RuleBreak::UnverifiedAdd);
            }
        }
        Ok(())
    }

    fn forget_results(&mut self) {
        self.anchors.replace(None);
        self.results.borrow_mut().clear();
    }
}

/// SHA-256 over what a result depends on: the credential, the key and the pinned anchors.
fn cache_key(
    credential: &Credential,
    signature_key: &[u8],
    trust: Option<&MeetingTrust>,
) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in [credential.serialized_content(), signature_key] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    match trust {
        Some(trust) => hash.update(trust.encode()),
        None => hash.update([0u8]),
    }
    hash.finalize().into()
}

impl MeetingGroup {
    /// The wall clock (Unix seconds), for certificate validity: call it before each
    /// `handle_*` call, or at least every few seconds.
    pub fn set_wall_clock(&mut self, now_unix_secs: u64) {
        self.verifier.now_unix_secs = now_unix_secs;
    }

    /// The organisations the server lists now (a renewed revocation list, say): every
    /// verification is made again. A revocation list never goes back: for a CA we knew, an
    /// older list than ours (or none) leaves ours in place, so a server cannot undo a
    /// revocation by serving the list from before it.
    pub fn set_organisations(&mut self, organisations: Vec<Organisation>) {
        let now = self.verifier.now_unix_secs;
        let issued_at = |org: &Organisation| {
            TrustAnchor::from_organisation(org, now)
                .ok()
                .and_then(|anchor| anchor.revocation_list_issued_at())
        };
        let organisations: Vec<Organisation> = organisations
            .into_iter()
            .map(|mut listed| {
                let known = self
                    .verifier
                    .organisations
                    .iter()
                    .find(|known| known.certificate == listed.certificate);
                if let Some(known) = known {
                    if issued_at(known) > issued_at(&listed) {
                        listed.revocation_list = known.revocation_list.clone();
                    }
                }
                listed
            })
            .collect();
        if self.verifier.organisations != organisations {
            self.verifier.organisations = organisations;
            self.verifier.forget_results();
        }
    }

    /// The organisations the server lists that load as anchors now, with their pins: what a
    /// creator may pin.
    pub fn listed_anchors(&self) -> Vec<TrustAnchor> {
        self.verifier
            .organisations
            .iter()
            .filter_map(|org| TrustAnchor::from_organisation(org, self.verifier.now_unix_secs).ok())
            .collect()
    }

    /// The organisations `trust` pins that the server lists and that load now, by name.
    pub(super) fn accepted_organisations(&self, trust: &MeetingTrust) -> Vec<String> {
        self.verifier
            .pinned_anchors(trust)
            .iter()
            .map(|anchor| anchor.organisation().to_owned())
            .collect()
    }

    /// What a leaf proves under the trust of our current group.
    pub(super) fn verify_leaf(&self, leaf: &LeafNode) -> Verification {
        let trust = self
            .member_group()
            .and_then(|group| trust_of(group.extensions()));
        self.verifier.verify(
            leaf.credential(),
            leaf.signature_key().as_slice(),
            trust.as_ref(),
        )
    }

    /// What a member of `group` proves under its trust.
    pub(super) fn verify_member(
        &self,
        group: &MlsGroup,
        credential: &Credential,
        signature_key: &[u8],
    ) -> Verification {
        let trust = trust_of(group.extensions());
        self.verifier
            .verify(credential, signature_key, trust.as_ref())
    }

    /// In a "verified members only" meeting, drops the waiting requests that no longer
    /// verify (a certificate that expired or was revoked while it waited), so that nobody
    /// commits an Add others refuse. Those that cannot verify for good are told so.
    pub(super) fn drop_unverified_knocks(&mut self, events: &mut Vec<GroupEvent>) {
        if !self.admits_only_verified() {
            return;
        }
        let unverified: Vec<ParticipantId> = self
            .pending_key_packages
            .iter()
            .filter(|(_, pending)| {
                self.verify_leaf(pending.key_package.leaf_node())
                    .verified()
                    .is_none()
            })
            .map(|(participant, _)| *participant)
            .collect();
        for participant in unverified {
            if let Some(pending) = self.pending_key_packages.remove(&participant) {
                let verification = self.verify_leaf(pending.key_package.leaf_node());
                self.answer_unverified(participant, &verification, events);
                events.push(GroupEvent::Changed);
            }
        }
    }

    /// Tells a knocker that this meeting admits only verified members, when it cannot be
    /// verified for good and we are the lowest present member (one answer, not one each).
    pub(super) fn answer_unverified(
        &self,
        knocker: ParticipantId,
        verification: &Verification,
        events: &mut Vec<GroupEvent>,
    ) {
        if verification.refused_for_good() && self.is_lowest_present_member() {
            events.push(GroupEvent::Send(ClientMessage::AnswerKnock {
                to: knocker,
                answer: KnockAnswer::NotVerified,
            }));
        }
    }

    /// Whether our group admits only verified members (a group whose trust cannot be read
    /// is treated as one that pins nobody and admits only the verified: nobody).
    pub(super) fn admits_only_verified(&self) -> bool {
        self.member_group()
            .is_some_and(|group| trust_of(group.extensions()).is_none_or(|t| t.verified_only))
    }
}
