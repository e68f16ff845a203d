//! Who connects to whom in the mesh once keys come from MLS: only members of the
//! meeting's MLS group get a peer connection (docs/ARCHITECTURE.md, "Keys by MLS").
//!
//! - Once we are a member, we offer to every other member whose participant id is
//!   higher than ours. The server numbers participants in join order, so everyone
//!   already there offers to the newcomer as soon as they process the commit that adds
//!   it, while the newcomer is still processing its Welcome (the offers wait for it,
//!   below); two people added by the same commit do not both offer (no glare).
//! - We answer an offer only from a participant the MLS roster lists, and only once its
//!   signature verifies under that participant's leaf key (the mesh checks it with
//!   `conclave_group`'s `signal_auth` before answering; answers are checked the same way).
//!   An offer from anyone else is held (the latest per participant, logged once): if its
//!   sender is added later (the commit may still be on its way, or we are re-syncing), it
//!   is verified and answered then; otherwise it is dropped when they leave. So at most one
//!   offer per participant in the room is ever held. In the usual join the newcomer never
//!   holds one: the server sends it the Welcome right after the commit that adds it, and
//!   the members offer only once they processed that commit, so on the newcomer's ordered
//!   connection the Welcome (processed at once) comes first. Offers wait only when a
//!   Welcome was lost or refused, or while re-syncing.
//! - Answers and ICE candidates are taken only from participants we offered to,
//!   answered, or hold an offer from: anyone else in the room (who may be an attacker)
//!   cannot make the mesh buffer candidates for a connection that will never exist.
//!
//! Pure state, tested natively; the mesh transport ([`super`]) carries out what it returns.

use std::collections::{HashMap, HashSet};

use conclave_protocol::ParticipantId;

use crate::roster::{EncryptionStatus, GroupView};

/// Whether `me` sends the offer to `them` (both being members): the earlier arrival does.
pub fn offers_to(me: ParticipantId, them: ParticipantId) -> bool {
    them > me
}

/// How long the mesh waits before making a failed connection again, after `attempts`
/// earlier attempts since it last worked: 1 s, doubling to 8 s.
pub fn reconnect_delay_ms(attempts: u32) -> u32 {
    const FIRST_MS: u32 = 1_000;
    const CAP_MS: u32 = 8_000;
    FIRST_MS.saturating_mul(1 << attempts.min(3)).min(CAP_MS)
}

/// An offer as it arrived: the SDP and its sender's signature over it, checked before
/// it is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedOffer {
    /// The session description.
    pub sdp: String,
    /// The sender's MLS signature (see `conclave_group::signal_auth`).
    pub signature: Vec<u8>,
}

/// What to do with an offer that just arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfferDecision {
    /// The sender is a member: verify its signature and answer it.
    Answer(SignedOffer),
    /// The sender is not a member (yet): held. `first` is true the first time this
    /// participant's offer is held (log it then, not on every retry).
    Held {
        /// First offer held from this participant.
        first: bool,
    },
}

/// What the mesh should do after the group changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeeringActions {
    /// Members to send an offer to.
    pub call: Vec<ParticipantId>,
    /// Held offers whose senders are members now: verify and answer them.
    pub answer: Vec<(ParticipantId, SignedOffer)>,
}

/// The mesh's admission state for one meeting.
#[derive(Debug, Default)]
pub struct Peering {
    me: Option<ParticipantId>,
    /// Participants we offered to or answered: not offered to again, unless the
    /// connection fails ([`Self::reoffers_to`]).
    connected: HashSet<ParticipantId>,
    /// The remote members of the group as it was last seen.
    members: HashSet<ParticipantId>,
    /// The latest offer from each participant who is not a member.
    held_offers: HashMap<ParticipantId, SignedOffer>,
    /// Participants whose held offer was logged.
    logged: HashSet<ParticipantId>,
}

impl Peering {
    /// The server told us our participant id.
    pub fn joined(&mut self, me: ParticipantId) {
        self.me = Some(me);
    }

    /// Decides on an offer from `from`, given the group as it is now (`None`: no group
    /// state yet).
    pub fn on_offer(
        &mut self,
        group: Option<&GroupView>,
        from: ParticipantId,
        offer: SignedOffer,
    ) -> OfferDecision {
        if group.is_some_and(|group| group.is_remote_member(from)) {
            self.held_offers.remove(&from);
            self.connected.insert(from);
            OfferDecision::Answer(offer)
        } else {
            self.held_offers.insert(from, offer);
            OfferDecision::Held {
                first: self.logged.insert(from),
            }
        }
    }

    /// The group changed: whom to call, which held offers to answer.
    pub fn on_group_change(&mut self, group: &GroupView) -> PeeringActions {
        let mut actions = PeeringActions::default();
        self.members = group
            .remote_members()
            .filter_map(|member| member.participant_id)
            .collect();
        let Some(me) = self.me else {
            return actions;
        };
        for participant in group
            .remote_members()
            .filter_map(|member| member.participant_id)
        {
            if let Some(offer) = self.held_offers.remove(&participant) {
                self.connected.insert(participant);
                actions.answer.push((participant, offer));
            } else if group.status == EncryptionStatus::Member
                && offers_to(me, participant)
                && self.connected.insert(participant)
            {
                actions.call.push(participant);
            }
        }
        actions
    }

    /// An offer we were about to answer cannot be verified yet: its sender is in the view
    /// we answered by, but not (or not alone) in the group's roster yet. Held again, and
    /// tried again on the next group change.
    pub fn hold_again(&mut self, from: ParticipantId, offer: SignedOffer) {
        self.connected.remove(&from);
        self.held_offers.insert(from, offer);
    }

    /// An offer or answer from `from` failed its signature check: no connection to them
    /// from it, and nothing more of it (candidates) is taken. A later offer of theirs that
    /// verifies is answered as usual.
    pub fn refused(&mut self, from: ParticipantId) {
        self.connected.remove(&from);
        self.held_offers.remove(&from);
    }

    /// Whether an answer or ICE candidate from `from` belongs to a connection we have
    /// or may still answer (an offer of theirs is held). Candidates follow their offer
    /// on the same ordered connection to the server, so none arrives before it.
    pub fn expects_signal_from(&self, from: ParticipantId) -> bool {
        self.connected.contains(&from) || self.held_offers.contains_key(&from)
    }

    /// Whether we offer again when the connection to `participant` fails: they are still
    /// a member, and we offered to them in the first place (the other side waits for our
    /// new offer and answers it).
    pub fn reoffers_to(&self, participant: ParticipantId) -> bool {
        self.me.is_some_and(|me| offers_to(me, participant))
            && self.connected.contains(&participant)
            && self.members.contains(&participant)
    }

    /// A participant left the room: forget them (a returning person has a new id).
    pub fn participant_left(&mut self, participant: ParticipantId) {
        self.connected.remove(&participant);
        self.held_offers.remove(&participant);
        self.logged.remove(&participant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::tests::{member, view};
    use conclave_group::MembershipStatus;

    fn offer(sdp: &str) -> SignedOffer {
        SignedOffer {
            sdp: sdp.to_owned(),
            signature: vec![7; 64],
        }
    }

    fn ids(list: &[u64]) -> Vec<ParticipantId> {
        list.iter().copied().map(ParticipantId).collect()
    }

    #[test]
    fn failed_connections_are_made_again_after_1_2_4_then_every_8_seconds() {
        let delays: Vec<u32> = (0..6).map(reconnect_delay_ms).collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
        assert_eq!(reconnect_delay_ms(u32::MAX), 8_000);
    }

    #[test]
    fn only_the_offerer_offers_again_and_only_to_a_member() {
        let both = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 4, "Grace", false)],
        );
        let mut ada = Peering::default();
        ada.joined(ParticipantId(1));
        ada.on_group_change(&both);
        assert!(ada.reoffers_to(ParticipantId(4)));
        assert!(!ada.reoffers_to(ParticipantId(9)), "never connected");

        let seen_by_grace = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", false), member(1, 4, "Grace", true)],
        );
        let mut grace = Peering::default();
        grace.joined(ParticipantId(4));
        grace.on_group_change(&seen_by_grace);
        let answered = grace.on_offer(Some(&seen_by_grace), ParticipantId(1), offer("from Ada"));
        assert_eq!(answered, OfferDecision::Answer(offer("from Ada")));
        assert!(
            !grace.reoffers_to(ParticipantId(1)),
            "Grace answered; Ada offers"
        );

        // Removed from the group (still in the room): no new offer.
        let alone = view(MembershipStatus::Member, vec![member(0, 1, "Ada", true)]);
        ada.on_group_change(&alone);
        assert!(!ada.reoffers_to(ParticipantId(4)));
    }

    #[test]
    fn members_call_the_newcomer_once_when_it_is_added() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(1));
        let alone = view(MembershipStatus::Member, vec![member(0, 1, "Ada", true)]);
        assert_eq!(peering.on_group_change(&alone), PeeringActions::default());

        let added = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 4, "Grace", false)],
        );
        assert_eq!(peering.on_group_change(&added).call, ids(&[4]));
        assert!(peering.on_group_change(&added).call.is_empty(), "only once");
    }

    #[test]
    fn the_newcomer_calls_nobody_and_answers_the_offers_it_held() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(3));
        // The members' offers arrive while the Welcome is still being processed.
        assert_eq!(
            peering.on_offer(None, ParticipantId(1), offer("from Ada")),
            OfferDecision::Held { first: true }
        );
        let waiting = view(MembershipStatus::WaitingToBeAdded, vec![]);
        assert_eq!(peering.on_group_change(&waiting), PeeringActions::default());

        let added = view(
            MembershipStatus::Member,
            vec![
                member(0, 1, "Ada", false),
                member(1, 2, "Grace", false),
                member(2, 3, "Alan", true),
            ],
        );
        let actions = peering.on_group_change(&added);
        assert!(actions.call.is_empty());
        assert_eq!(actions.answer, vec![(ParticipantId(1), offer("from Ada"))]);
        // Grace's offer comes after the Welcome: answered at once.
        assert_eq!(
            peering.on_offer(Some(&added), ParticipantId(2), offer("from Grace")),
            OfferDecision::Answer(offer("from Grace"))
        );
    }

    #[test]
    fn two_added_together_do_not_both_offer() {
        let members = |me: u64| {
            vec![
                member(0, 1, "Ada", me == 1),
                member(1, 5, "Grace", me == 5),
                member(2, 6, "Alan", me == 6),
            ]
        };
        let mut ada = Peering::default();
        ada.joined(ParticipantId(1));
        let mut grace = Peering::default();
        grace.joined(ParticipantId(5));
        let mut alan = Peering::default();
        alan.joined(ParticipantId(6));
        let by_ada = ada.on_group_change(&view(MembershipStatus::Member, members(1)));
        let by_grace = grace.on_group_change(&view(MembershipStatus::Member, members(5)));
        let by_alan = alan.on_group_change(&view(MembershipStatus::Member, members(6)));
        assert_eq!(by_ada.call, ids(&[5, 6]));
        assert_eq!(by_grace.call, ids(&[6]));
        assert!(by_alan.call.is_empty());
    }

    #[test]
    fn offers_from_outsiders_are_held_logged_once_and_answered_if_they_are_added() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(1));
        let alone = view(MembershipStatus::Member, vec![member(0, 1, "Ada", true)]);
        assert_eq!(
            peering.on_offer(Some(&alone), ParticipantId(7), offer("first")),
            OfferDecision::Held { first: true }
        );
        assert_eq!(
            peering.on_offer(None, ParticipantId(7), offer("second")),
            OfferDecision::Held { first: false }
        );
        assert_eq!(peering.on_group_change(&alone), PeeringActions::default());

        let added = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 7, "Grace", false)],
        );
        let actions = peering.on_group_change(&added);
        assert_eq!(actions.answer, vec![(ParticipantId(7), offer("second"))]);
        assert!(actions.call.is_empty());
        assert_eq!(peering.on_group_change(&added), PeeringActions::default());
    }

    #[test]
    fn signals_are_taken_only_for_connections_we_have_or_may_answer() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(5));
        let group = view(
            MembershipStatus::Member,
            vec![
                member(0, 1, "Ada", false),
                member(1, 5, "Alan", true),
                member(2, 8, "Grace", false),
            ],
        );
        assert!(!peering.expects_signal_from(ParticipantId(8)));
        peering.on_group_change(&group);
        assert!(
            peering.expects_signal_from(ParticipantId(8)),
            "we called Grace"
        );
        assert!(
            !peering.expects_signal_from(ParticipantId(1)),
            "Ada has not offered yet"
        );
        peering.on_offer(Some(&group), ParticipantId(1), offer("offer"));
        assert!(peering.expects_signal_from(ParticipantId(1)), "we answered");

        assert!(
            !peering.expects_signal_from(ParticipantId(9)),
            "an outsider"
        );
        peering.on_offer(Some(&group), ParticipantId(9), offer("offer"));
        assert!(peering.expects_signal_from(ParticipantId(9)), "held offer");
        peering.participant_left(ParticipantId(9));
        assert!(!peering.expects_signal_from(ParticipantId(9)), "gone");
    }

    #[test]
    fn held_offers_of_people_who_left_are_dropped() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(1));
        peering.on_offer(None, ParticipantId(7), offer("offer"));
        peering.participant_left(ParticipantId(7));
        let with_seven = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", true), member(1, 7, "Grace", false)],
        );
        assert!(peering.on_group_change(&with_seven).answer.is_empty());
    }

    #[test]
    fn an_offer_held_again_is_answered_on_the_next_change_and_a_refused_one_never() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(3));
        let group = view(
            MembershipStatus::Member,
            vec![member(0, 1, "Ada", false), member(1, 3, "Alan", true)],
        );
        peering.on_group_change(&group);
        let decision = peering.on_offer(Some(&group), ParticipantId(1), offer("from Ada"));
        assert_eq!(decision, OfferDecision::Answer(offer("from Ada")));
        // The roster behind the view did not list Ada yet: held again.
        peering.hold_again(ParticipantId(1), offer("from Ada"));
        assert!(peering.expects_signal_from(ParticipantId(1)), "held offer");
        let actions = peering.on_group_change(&group);
        assert_eq!(actions.answer, vec![(ParticipantId(1), offer("from Ada"))]);

        // A forged one: refused, and nothing more of it is taken.
        peering.refused(ParticipantId(1));
        assert!(!peering.expects_signal_from(ParticipantId(1)));
        assert_eq!(peering.on_group_change(&group), PeeringActions::default());
        // Ada's own next offer is answered as usual.
        assert_eq!(
            peering.on_offer(Some(&group), ParticipantId(1), offer("again")),
            OfferDecision::Answer(offer("again"))
        );
    }

    #[test]
    fn nobody_is_called_while_resyncing() {
        let mut peering = Peering::default();
        peering.joined(ParticipantId(1));
        let resyncing = view(
            MembershipStatus::Resyncing,
            vec![member(0, 1, "Ada", true), member(1, 9, "Alan", false)],
        );
        assert!(peering.on_group_change(&resyncing).call.is_empty());
    }
}
