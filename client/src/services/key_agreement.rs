//! The meeting's MLS group at the page's edge (docs/ARCHITECTURE.md, "Keys by MLS").
//!
//! [`KeyAgreement`] owns `conclave-group`'s sans-IO [`MeetingGroup`]: it feeds it every
//! server message and a timeout every [`TIMEOUT_INTERVAL_MS`], and carries out what the
//! group returns through callbacks: messages for the server (`send`), each epoch's
//! SFrame base key for the worker (`epoch_keys`), the roster and security code after a
//! change (`changed`, at most once per batch, after the keys), the meeting's new invite
//! secret after a chair made a new link (`invite_secret`), a chair action of ours that
//! did not go through (`chair_action_failed`), and members' meeting messages (`message`,
//! or `undecryptable` for one that did not open). Chair actions ([`KeyAgreement::act`])
//! run the group's method and carry out its events the same way; meeting messages go out
//! sealed by the group ([`KeyAgreement::send_meeting_message`]). MLS state never reaches a
//! component: they get [`GroupView`] copies through the app state.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use conclave_group::{
    ChairAction, EpochKeys, FrameSuite, GroupEvent, Identity, MeetingConfig, MeetingGroup,
    MeetingMessage, MeetingMessageError, ReceivedMessage, SessionDescriptionKind, SignalAuthError,
};
use conclave_protocol::{ClientMessage, ParticipantId, ServerMessage};
use gloo::timers::callback::{Interval, Timeout};
use yew::Callback;
use zeroize::Zeroizing;

use super::now_ms;
use super::organisations::OrganisationsRefresh;
use crate::roster::GroupView;
use conclave_group::verified_identity::Organisation;

/// How often the group gets `handle_timeout` (it asks for at most 500 ms).
pub const TIMEOUT_INTERVAL_MS: u32 = 250;

thread_local! {
    /// Whether this page rehearsed a join already ([`rehearse_join_soon`]).
    static REHEARSED: Cell<bool> = const { Cell::new(false) };
}

/// Rehearses a join in memory once per page, in a task of its own right after the current
/// one (the lobby calls it): the browser then compiles the MLS code while the person is in
/// the lobby, not while the joining page waits for its Welcome
/// ([`conclave_group::rehearsal`]). Nothing of the rehearsal leaves memory.
pub fn rehearse_join_soon(frame_suite: FrameSuite) {
    if REHEARSED.with(|done| done.replace(true)) {
        return;
    }
    Timeout::new(0, move || {
        // A failure only means the real join compiles the rest itself.
        let _ = conclave_group::rehearse_join(frame_suite, group_now_ms());
    })
    .forget();
}

/// Where [`KeyAgreement`] sends what the group asks for.
#[derive(Clone)]
pub struct KeyAgreementEvents {
    /// A message for the signaling server (the MLS Delivery Service).
    pub send: Callback<ClientMessage>,
    /// A new epoch's base key: hand it to the worker (the keys zeroize when dropped).
    pub epoch_keys: Callback<EpochKeys>,
    /// The roster, the status or the security code changed.
    pub changed: Callback<GroupView>,
    /// A chair made a new invite link: the meeting's invite secret is now this one.
    pub invite_secret: Callback<Zeroizing<[u8; 32]>>,
    /// A chair action of ours was dropped by the server or refused by the group.
    pub chair_action_failed: Callback<ChairAction>,
    /// A member's meeting message opened.
    pub message: Callback<ReceivedMessage>,
    /// An application message relayed as this participant's did not open.
    pub undecryptable: Callback<ParticipantId>,
}

struct Inner {
    group: RefCell<MeetingGroup>,
    events: KeyAgreementEvents,
    timer: RefCell<Option<Interval>>,
    /// Fetches the server's organisations again during the meeting.
    organisations_refresh: RefCell<Option<OrganisationsRefresh>>,
    /// The view last reported through `changed`.
    last_view: RefCell<Option<GroupView>>,
}

/// The meeting's MLS group, driven by server messages and a timer. Cloning gives
/// another handle to the same group; the timer stops when the last handle drops.
#[derive(Clone)]
pub struct KeyAgreement {
    inner: Rc<Inner>,
}

/// The group's clock: milliseconds on the page's monotonic clock.
fn group_now_ms() -> u64 {
    // performance.now() is non-negative and far below 2^53 ms.
    now_ms().max(0.0) as u64
}

impl KeyAgreement {
    /// Starts the group state machine for one meeting with this browser's identity.
    /// `organisations_fetched` says whether the organisations in `config` are the server's
    /// list or none because it could not be read (then it is tried again soon).
    pub fn start(
        identity: Identity,
        config: MeetingConfig,
        organisations_fetched: bool,
        events: KeyAgreementEvents,
    ) -> Self {
        let inner = Rc::new(Inner {
            group: RefCell::new(MeetingGroup::new(identity, config)),
            events,
            timer: RefCell::new(None),
            organisations_refresh: RefCell::new(None),
            last_view: RefCell::new(None),
        });
        let weak_inner: Weak<Inner> = Rc::downgrade(&inner);
        let refresh = OrganisationsRefresh::start(organisations_fetched, move |organisations| {
            if let Some(inner) = weak_inner.upgrade() {
                KeyAgreement { inner }.set_organisations(organisations);
            }
        });
        *inner.organisations_refresh.borrow_mut() = Some(refresh);
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        let timer = Interval::new(TIMEOUT_INTERVAL_MS, move || {
            if let Some(inner) = weak.upgrade() {
                KeyAgreement { inner }.on_timeout();
            }
        });
        *inner.timer.borrow_mut() = Some(timer);
        Self { inner }
    }

    /// Feeds one server message (every one, in order) and carries out the result.
    pub fn handle_server_message(&self, message: &ServerMessage) {
        let events = self.with_group(|group| group.handle_server_message(group_now_ms(), message));
        self.carry_out(events);
    }

    /// The worker saw more frames under an epoch newer than ours: the group re-syncs if
    /// that lasts (a commit was lost and nothing followed it).
    pub fn report_newer_epoch_media(&self) {
        let events = self.with_group(|group| group.handle_newer_epoch_media(group_now_ms()));
        self.carry_out(events);
    }

    /// Runs a chair action (or, in test builds, a rogue commit) on the group with the
    /// group's clock, and carries out what it returns.
    pub fn act(&self, action: impl FnOnce(&mut MeetingGroup, u64) -> Vec<GroupEvent>) {
        let events = self.with_group(|group| action(group, group_now_ms()));
        self.carry_out(events);
    }

    /// Seals `message` for the group's other members and sends it.
    pub fn send_meeting_message(
        &self,
        message: &MeetingMessage,
    ) -> Result<(), MeetingMessageError> {
        let sealed = self
            .inner
            .group
            .try_borrow_mut()
            .map_err(|_| MeetingMessageError::CannotEncrypt)?
            .seal_meeting_message(message)?;
        self.inner.events.send.emit(sealed);
        Ok(())
    }

    /// The organisations the server lists now: every verification is made again (a
    /// member whose certificate was revoked shows as not verified).
    fn set_organisations(&self, organisations: Vec<Organisation>) {
        let events = self.with_group(|group| {
            group.set_organisations(organisations);
            vec![GroupEvent::Changed]
        });
        self.carry_out(events);
    }

    fn on_timeout(&self) {
        let events = self.with_group(|group| group.handle_timeout(group_now_ms()));
        self.carry_out(events);
    }

    /// The group as it is now.
    pub fn view(&self) -> GroupView {
        let group = self.inner.group.borrow();
        GroupView::new(group.roster(), group.security_code())
    }

    /// Signs a mesh offer or answer for `to` with our MLS key
    /// ([`MeetingGroup::sign_session_description`]).
    pub fn sign_session_description(
        &self,
        to: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
    ) -> Result<Vec<u8>, SignalAuthError> {
        let group = self
            .inner
            .group
            .try_borrow()
            .map_err(|_| SignalAuthError::NotAMember)?;
        group.sign_session_description(to, kind, sdp)
    }

    /// Checks a mesh offer or answer from `from` against their leaf in our roster
    /// ([`MeetingGroup::verify_session_description`]).
    pub fn verify_session_description(
        &self,
        from: ParticipantId,
        kind: SessionDescriptionKind,
        sdp: &str,
        signature: &[u8],
    ) -> Result<(), SignalAuthError> {
        let group = self
            .inner
            .group
            .try_borrow()
            .map_err(|_| SignalAuthError::NotAMember)?;
        group.verify_session_description(from, kind, sdp, signature)
    }

    /// Runs `step` on the group. The callbacks run only after the borrow ends and never
    /// feed the group themselves (server messages and timer ticks are separate browser
    /// tasks), so the group is never borrowed twice; if it were, the step is skipped
    /// rather than panicking, and the timer retries.
    fn with_group(
        &self,
        step: impl FnOnce(&mut MeetingGroup) -> Vec<GroupEvent>,
    ) -> Vec<GroupEvent> {
        match self.inner.group.try_borrow_mut() {
            Ok(mut group) => {
                // Certificates need the wall clock; the group's own time is the page's
                // monotonic clock.
                group.set_wall_clock(super::identity_store::now_unix_secs());
                step(&mut group)
            }
            Err(_) => {
                gloo::console::error!("Conclave: the MLS group was re-entered; step skipped");
                Vec::new()
            }
        }
    }

    fn carry_out(&self, events: Vec<GroupEvent>) {
        let mut changed = false;
        for event in events {
            match event {
                GroupEvent::Send(message) => self.inner.events.send.emit(message),
                GroupEvent::EpochKeys(keys) => {
                    changed = true;
                    self.inner.events.epoch_keys.emit(keys);
                }
                GroupEvent::Changed => changed = true,
                GroupEvent::Resynced { .. } => {}
                GroupEvent::InviteSecret(secret) => self.inner.events.invite_secret.emit(secret),
                GroupEvent::ChairActionFailed(action) => {
                    self.inner.events.chair_action_failed.emit(action)
                }
                GroupEvent::Message(received) => self.inner.events.message.emit(received),
                GroupEvent::MessageUndecryptable { from } => {
                    self.inner.events.undecryptable.emit(from)
                }
            }
        }
        // The group does not say `Changed` for everything the page shows (a knock that
        // arrives, for one): the view is compared after every step too.
        let Ok(view) = self
            .inner
            .group
            .try_borrow()
            .map(|group| GroupView::new(group.roster(), group.security_code()))
        else {
            return;
        };
        let mut last = self.inner.last_view.borrow_mut();
        if changed || last.as_ref() != Some(&view) {
            *last = Some(view.clone());
            drop(last);
            self.inner.events.changed.emit(view);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.get_mut().take() {
            timer.cancel();
        }
    }
}
