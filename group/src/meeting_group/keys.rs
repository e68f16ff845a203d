//! What the group hands out: the SFrame base key of each epoch, from the MLS exporter
//! (RFC 9605 section 5.2, RFC 9420 section 8.5), and the security code from the epoch
//! authenticator (RFC 9420 section 8.7).

use openmls_traits::OpenMlsProvider as _;
use zeroize::Zeroizing;

use super::{GroupEvent, MeetingGroup};
use crate::SecurityCode;

/// Exporter label of the SFrame base key (RFC 9605 section 5.2).
const SFRAME_EXPORTER_LABEL: &str = "SFrame 1.0 Base Key";

/// The SFrame base key of one epoch (RFC 9605 section 5.2). No `Debug`; zeroized on drop.
pub struct EpochKeys {
    /// The MLS epoch.
    pub epoch: u64,
    /// `MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`, `Nk` of the meeting's frame suite.
    pub base_key: Zeroizing<Vec<u8>>,
    /// Our leaf index in this epoch (the SFrame sender index).
    pub own_leaf_index: u32,
}

impl MeetingGroup {
    /// Called once for every epoch we enter as a member: hands out its base key, and
    /// derives its join challenge (a real epoch change also restarts the newer-epoch
    /// hint's backoff); then opens the application messages that came ahead of it.
    pub(super) fn push_epoch_keys(&mut self, events: &mut Vec<GroupEvent>) {
        self.push_base_key(events);
        self.enter_join_challenge_epoch(events);
        self.reset_newer_epoch_hint();
        self.open_buffered_messages(events);
    }

    fn push_base_key(&self, events: &mut Vec<GroupEvent>) {
        let Some(group) = self.member_group() else {
            return;
        };
        let Ok(base_key) = group.export_secret(
            self.provider.crypto(),
            SFRAME_EXPORTER_LABEL,
            b"",
            self.frame_suite.key_len(),
        ) else {
            return;
        };
        events.push(GroupEvent::EpochKeys(EpochKeys {
            epoch: group.epoch().as_u64(),
            base_key: Zeroizing::new(base_key),
            own_leaf_index: group.own_leaf_index().u32(),
        }));
    }

    /// The security code of the current epoch; `None` while not a member.
    pub fn security_code(&self) -> Option<SecurityCode> {
        let group = self.member_group()?;
        SecurityCode::from_epoch_authenticator(
            group.epoch().as_u64(),
            group.epoch_authenticator().as_slice(),
        )
    }
}
