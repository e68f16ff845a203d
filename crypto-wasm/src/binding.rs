//! Which sender a receiver accepts frames from (docs/ARCHITECTURE.md, "The worker
//! contract"): every receiver is bound to exactly one MLS sender leaf, so that no relay can
//! show A's media where B's is expected.
//!
//! Under MLS (RFC 9605 section 5.2) a KID names its sender's leaf, and the key schedule
//! binds the whole KID, so a frame that authenticates under a KID was made by a holder of the
//! epoch's base key for that KID. A [`SenderBinding`] checks the KID's leaf *before* the
//! frame is authenticated (a frame for another leaf costs no AEAD pass and changes no
//! state: no replay window moves, no key is derived) and binds only *after* authentication.
//!
//! Two rules, one per kind of receiver:
//! - [`SenderBinding::peer`] (mesh): the page names the leaf ([`SenderBinding::expect`]),
//!   the peer's leaf in the MLS roster. Until it does, every frame is refused. When the leaf
//!   changes (the peer re-synced, or the leaf now belongs to someone else), the binding
//!   starts at the worker's current send epoch: frames of older epochs under that leaf were
//!   made by whoever held it then, so they are refused.
//! - [`SenderBinding::feed`] (SFU): the first frame that authenticates *in the newest epoch
//!   held* binds the feed to its leaf. Frames of older epochs never bind (a member removed
//!   at the last change still holds the old key and could otherwise bind a fresh feed to any
//!   leaf). Once bound, a feed is never re-bound silently: only
//!   [`SenderBinding::release`] (the page says the bound leaf left the group) unbinds it,
//!   and the next binding is reported again ([`Admitted::bound_now`]).
//!
//! Either way a bound receiver accepts its leaf's frames from the epoch it was bound in on;
//! frames of other leaves are [`Error::WrongSender`].

use crate::Error;

/// How a receiver gets its sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// The page names it (a mesh peer).
    Expected,
    /// Its first authenticated frame of the newest epoch names it (an SFU feed).
    FirstAuthenticated,
}

/// A receiver's bound sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bound {
    /// The MLS leaf index (from the KID: `kid >> E`).
    sender: u64,
    /// Frames of older epochs are refused.
    since_epoch: u64,
}

/// The sender leaf one receiver accepts frames from. Holds no key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderBinding {
    rule: Rule,
    bound: Option<Bound>,
}

/// What the binding said about an authenticated frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// The frame bound the receiver (an SFU feed's first, or first since a release): the
    /// page is to be told.
    pub bound_now: bool,
}

impl SenderBinding {
    /// A mesh receiver: it accepts frames only from the leaf the page names with
    /// [`SenderBinding::expect`], and none before.
    pub const fn peer() -> Self {
        Self {
            rule: Rule::Expected,
            bound: None,
        }
    }

    /// An SFU feed: bound by its first authenticated frame of the newest epoch.
    pub const fn feed() -> Self {
        Self {
            rule: Rule::FirstAuthenticated,
            bound: None,
        }
    }

    /// The leaf this receiver is bound to, if any.
    pub fn bound_sender(&self) -> Option<u64> {
        self.bound.map(|bound| bound.sender)
    }

    /// Mesh: the page names the peer's leaf (`None`: the peer is no member; refuse all).
    /// `current_epoch` is the worker's send epoch (`None` before its first key). Naming the
    /// leaf it already has changes nothing; another leaf binds from `current_epoch` on.
    /// Ignored by an SFU feed, which only its frames bind.
    pub fn expect(&mut self, sender: Option<u32>, current_epoch: Option<u64>) {
        if self.rule != Rule::Expected {
            return;
        }
        let sender = sender.map(u64::from);
        if self.bound_sender() == sender {
            return;
        }
        self.bound = sender.map(|sender| Bound {
            sender,
            since_epoch: current_epoch.unwrap_or(0),
        });
    }

    /// SFU: the page says leaf `sender` left the group. A feed bound to it is unbound (its
    /// next authenticated frame of the newest epoch binds it again, and is reported).
    /// Returns whether it was bound to `sender`. Ignored by a mesh receiver, whose leaf only
    /// the page names.
    pub fn release(&mut self, sender: u32) -> bool {
        if self.rule != Rule::FirstAuthenticated || self.bound_sender() != Some(sender.into()) {
            return false;
        }
        self.bound = None;
        true
    }

    /// Before authentication: may a frame of leaf `sender` in `epoch` be tried at all?
    /// `newest` says whether `epoch` is the newest epoch held.
    ///
    /// # Errors
    /// [`Error::WrongSender`] if the receiver is bound to another leaf, or bound since a
    /// later epoch; a mesh receiver with no leaf named yet; an unbound feed's frame of an
    /// older epoch.
    pub fn admit(&self, sender: u64, epoch: u64, newest: bool) -> Result<(), Error> {
        match (self.bound, self.rule) {
            (Some(bound), _) if bound.sender == sender && epoch >= bound.since_epoch => Ok(()),
            (None, Rule::FirstAuthenticated) if newest => Ok(()),
            _ => Err(Error::WrongSender),
        }
    }

    /// After authentication of a frame that [`SenderBinding::admit`] let through: binds an
    /// unbound feed to `sender` from `epoch` on.
    pub fn authenticated(&mut self, sender: u64, epoch: u64) -> Admitted {
        let bound_now = self.bound.is_none();
        if bound_now {
            self.bound = Some(Bound {
                sender,
                since_epoch: epoch,
            });
        }
        Admitted { bound_now }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_accepts_only_the_leaf_the_page_named() {
        let mut peer = SenderBinding::peer();
        assert_eq!(
            peer.admit(1, 4, true),
            Err(Error::WrongSender),
            "none named"
        );
        peer.expect(Some(1), Some(4));
        assert_eq!(peer.admit(1, 4, true), Ok(()));
        assert_eq!(peer.admit(2, 4, true), Err(Error::WrongSender));
        assert_eq!(
            peer.authenticated(1, 4),
            Admitted { bound_now: false },
            "a peer is bound by the page, never by a frame"
        );
        peer.expect(None, Some(5));
        assert_eq!(peer.admit(1, 5, true), Err(Error::WrongSender), "left");
    }

    #[test]
    fn a_peer_whose_leaf_changed_refuses_that_leafs_older_epochs() {
        let mut peer = SenderBinding::peer();
        peer.expect(Some(1), Some(3));
        assert_eq!(peer.admit(1, 3, false), Ok(()));
        // The same leaf named again: nothing changes, its older frames still pass.
        peer.expect(Some(1), Some(4));
        assert_eq!(peer.admit(1, 3, false), Ok(()));
        // The peer re-synced to leaf 5 at epoch 6: leaf 5 of epoch 5 was not them.
        peer.expect(Some(5), Some(6));
        assert_eq!(peer.admit(5, 5, false), Err(Error::WrongSender));
        assert_eq!(peer.admit(5, 6, true), Ok(()));
        assert_eq!(peer.admit(1, 6, true), Err(Error::WrongSender));
        assert!(!peer.release(5), "only the page names a peer's leaf");
        assert_eq!(peer.bound_sender(), Some(5));
    }

    #[test]
    fn a_feed_is_bound_by_its_first_authenticated_frame_of_the_newest_epoch() {
        let mut feed = SenderBinding::feed();
        assert_eq!(
            feed.admit(2, 7, false),
            Err(Error::WrongSender),
            "an older epoch never binds"
        );
        assert_eq!(feed.admit(2, 8, true), Ok(()));
        assert_eq!(feed.authenticated(2, 8), Admitted { bound_now: true });
        assert_eq!(feed.bound_sender(), Some(2));
        assert_eq!(feed.authenticated(2, 8), Admitted { bound_now: false });
        feed.expect(Some(3), Some(8));
        assert_eq!(
            feed.bound_sender(),
            Some(2),
            "the page cannot name a feed's sender"
        );
    }

    #[test]
    fn a_feed_is_never_rebound_silently() {
        let mut feed = SenderBinding::feed();
        feed.admit(2, 8, true).expect("unbound");
        feed.authenticated(2, 8);
        for (sender, epoch, newest) in [(3, 8, true), (3, 9, true), (2, 7, false)] {
            assert_eq!(
                feed.admit(sender, epoch, newest),
                Err(Error::WrongSender),
                "leaf {sender} epoch {epoch}"
            );
        }
        assert_eq!(
            feed.admit(2, 9, true),
            Ok(()),
            "its own leaf in a later epoch"
        );
        assert!(!feed.release(3), "another leaf's leaving changes nothing");
        assert_eq!(feed.bound_sender(), Some(2));
    }

    #[test]
    fn a_released_feed_binds_again_and_says_so() {
        let mut feed = SenderBinding::feed();
        feed.authenticated(2, 8);
        assert!(feed.release(2));
        assert_eq!(feed.bound_sender(), None);
        assert_eq!(feed.admit(2, 8, false), Err(Error::WrongSender));
        assert_eq!(feed.admit(4, 9, true), Ok(()));
        assert_eq!(feed.authenticated(4, 9), Admitted { bound_now: true });
        assert_eq!(feed.admit(2, 9, true), Err(Error::WrongSender));
    }
}
