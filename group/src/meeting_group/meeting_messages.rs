//! What members tell each other inside the group: chat, their microphone and camera
//! state, a raised hand, reactions. Each is an MLS application message (a PrivateMessage,
//! RFC 9420 section 6.3): encrypted with the epoch's keys and signed by its sender's leaf,
//! so the server relays it without reading it and cannot forge or alter one.
//!
//! Messages of the last [`PAST_EPOCHS_KEPT`] epochs still open (one sent just before a
//! join or removal arrives after it); ones of an epoch we have not reached yet wait, up to
//! [`MAX_BUFFERED_MESSAGES`], for the commit that takes us there. What does not open is
//! reported as such, never shown as anyone's.

use std::collections::VecDeque;

use conclave_protocol::{Bytes, ClientMessage, ParticipantId};
use openmls::prelude::tls_codec::{Deserialize as _, Serialize as _};
use openmls::prelude::{
    ContentType, MlsMessageIn, ProcessedMessageContent, ProtocolMessage, Sender,
};
use serde::{Deserialize, Serialize};

use super::{GroupEvent, MeetingGroup, Member};
use crate::credential::read_info;

/// Most characters of one chat message.
pub const MAX_CHAT_CHARS: usize = 2_000;
/// Most bytes of one encoded meeting message (before encryption): a chat message of
/// [`MAX_CHAT_CHARS`] characters of up to four bytes each, and its framing.
pub const MAX_MEETING_MESSAGE_BYTES: usize = 4 * MAX_CHAT_CHARS + 64;
/// How many past epochs' keys a member keeps to open late application messages (RFC
/// 9420 section 14: a message may cross a commit on its way). Kept short: an old epoch's
/// keys open its old messages for as long as they are kept.
pub const PAST_EPOCHS_KEPT: usize = 3;
/// Most application messages of future epochs kept while waiting for their commit.
pub const MAX_BUFFERED_MESSAGES: usize = 32;
/// Application messages are padded to a multiple of this many bytes, so the server sees
/// the length of a chat message only roughly.
pub const MESSAGE_PADDING_BYTES: usize = 256;

/// One thing a member tells the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MeetingMessage {
    /// A chat message to everyone in the meeting.
    Chat {
        /// The text, at most [`MAX_CHAT_CHARS`] characters.
        text: String,
    },
    /// The sender's microphone, camera, screen and hand as they are now. Sent on every
    /// change, and again in every new epoch (a joiner learns everyone's this way).
    MediaState(MediaState),
    /// A short-lived reaction.
    Reaction {
        /// Which one.
        reaction: Reaction,
    },
}

/// What a member says of its media and its hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaState {
    /// The microphone is on.
    pub microphone_on: bool,
    /// Video is on: the camera, or a shared screen.
    pub camera_on: bool,
    /// The video is a shared screen (shown whole, not cropped).
    pub screen_shared: bool,
    /// The hand is raised.
    pub hand_raised: bool,
}

impl Default for MediaState {
    /// Until a member says otherwise: microphone and camera on (as it joins), no hand.
    fn default() -> Self {
        Self {
            microphone_on: true,
            camera_on: true,
            screen_shared: false,
            hand_raised: false,
        }
    }
}

/// The reactions a member can send: a fixed set, so nobody can send arbitrary pictures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// 👍
    ThumbsUp,
    /// 👏
    Applause,
    /// 😂
    Laugh,
    /// 😮
    Surprise,
    /// ❤️
    Heart,
}

impl Reaction {
    /// Every reaction, in the order a picker shows them.
    pub const ALL: [Reaction; 5] = [
        Reaction::ThumbsUp,
        Reaction::Applause,
        Reaction::Laugh,
        Reaction::Surprise,
        Reaction::Heart,
    ];

    /// The emoji it shows as.
    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "👍",
            Reaction::Applause => "👏",
            Reaction::Laugh => "😂",
            Reaction::Surprise => "😮",
            Reaction::Heart => "❤️",
        }
    }
}

/// Why a meeting message was not sent (nothing left this browser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MeetingMessageError {
    /// We are not a member of the group (not yet, or not any more).
    #[error("not in the encrypted meeting")]
    NotAMember,
    /// A chat message with no text, or more than [`MAX_CHAT_CHARS`] characters (or, encoded,
    /// more than [`MAX_MEETING_MESSAGE_BYTES`]).
    #[error("a chat message has 1 to {MAX_CHAT_CHARS} characters")]
    BadChatText,
    /// The group could not encrypt it (a proposal of ours is pending, or a library error).
    #[error("the message could not be encrypted")]
    CannotEncrypt,
}

/// A meeting message that opened: who sent it, as the MLS group says.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedMessage {
    /// The sender's name, as its credential carries it (also for a member who has left
    /// since it sent this).
    pub sender_name: String,
    /// The sender as a member of the group now; `None` if it has left since.
    pub sender: Option<Member>,
    /// The epoch it was sent in.
    pub epoch: u64,
    /// What it says.
    pub message: MeetingMessage,
}

impl MeetingMessage {
    /// The message's bytes inside the MLS application message.
    fn encode(&self) -> Vec<u8> {
        // Serializing an enum of strings and booleans cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a message; `None` for anything malformed, too long or unknown.
    fn decode(bytes: &[u8]) -> Option<MeetingMessage> {
        if bytes.len() > MAX_MEETING_MESSAGE_BYTES {
            return None;
        }
        let message: MeetingMessage = serde_json::from_slice(bytes).ok()?;
        message.is_well_formed().then_some(message)
    }

    fn is_well_formed(&self) -> bool {
        match self {
            MeetingMessage::Chat { text } => {
                let chars = text.chars().count();
                !text.trim().is_empty() && chars <= MAX_CHAT_CHARS
            }
            MeetingMessage::MediaState(_) | MeetingMessage::Reaction { .. } => true,
        }
    }
}

/// A message of an epoch we have not reached yet.
pub(super) struct BufferedMessage {
    from: ParticipantId,
    epoch: u64,
    message: ProtocolMessage,
}

/// Where an incoming application message stands.
enum Opening {
    Opened(ReceivedMessage),
    /// Of a future epoch: kept for later.
    Early(u64, ProtocolMessage),
    /// Not for us to read: we are no member, or it was sent before we joined.
    Ignored,
    Undecryptable,
}

impl MeetingGroup {
    /// Encrypts `message` for the group's other members: the message for the server.
    pub fn seal_meeting_message(
        &mut self,
        message: &MeetingMessage,
    ) -> Result<ClientMessage, MeetingMessageError> {
        let encoded = message.encode();
        if !message.is_well_formed() || encoded.len() > MAX_MEETING_MESSAGE_BYTES {
            return Err(MeetingMessageError::BadChatText);
        }
        self.member_group().ok_or(MeetingMessageError::NotAMember)?;
        let group = self.group.as_mut().ok_or(MeetingMessageError::NotAMember)?;
        // A commit's signed lists must not ride along (`set_aad` outlives a failed commit).
        group.set_aad(Vec::new());
        let sealed = group
            .create_message(&self.provider, &self.identity.key_pair, &encoded)
            .map_err(|_| MeetingMessageError::CannotEncrypt)?;
        let bytes = sealed
            .tls_serialize_detached()
            .map_err(|_| MeetingMessageError::CannotEncrypt)?;
        Ok(ClientMessage::ApplicationMessage {
            message: Bytes(bytes),
        })
    }

    /// An application message relayed from `from` (the server's word only).
    pub(super) fn on_application_message(
        &mut self,
        from: ParticipantId,
        bytes: &[u8],
        events: &mut Vec<GroupEvent>,
    ) {
        let Some(message) = MlsMessageIn::tls_deserialize_exact(bytes)
            .ok()
            .and_then(|message| message.try_into_protocol_message().ok())
        else {
            events.push(GroupEvent::MessageUndecryptable { from });
            return;
        };
        self.open_application_message(from, message, events);
    }

    fn open_application_message(
        &mut self,
        from: ParticipantId,
        message: ProtocolMessage,
        events: &mut Vec<GroupEvent>,
    ) {
        match self.open(message) {
            Opening::Opened(received) => events.push(GroupEvent::Message(received)),
            Opening::Early(epoch, message) => {
                if self.buffered_messages.len() >= MAX_BUFFERED_MESSAGES {
                    self.buffered_messages.pop_front();
                }
                self.buffered_messages.push_back(BufferedMessage {
                    from,
                    epoch,
                    message,
                });
            }
            Opening::Ignored => {}
            Opening::Undecryptable => events.push(GroupEvent::MessageUndecryptable { from }),
        }
    }

    fn open(&mut self, message: ProtocolMessage) -> Opening {
        let Some(current) = self.epoch() else {
            // Not a member (waiting to be added, re-syncing): not ours to read.
            return Opening::Ignored;
        };
        // Checked before processing: a commit or proposal passed off as an application
        // message must not be processed here (that would spend its key, and the real
        // commit would then fail and blame its honest committer).
        if message.content_type() != ContentType::Application {
            return Opening::Undecryptable;
        }
        let epoch = message.epoch().as_u64();
        if epoch > current {
            return Opening::Early(epoch, message);
        }
        if self.member_since_epoch.is_some_and(|since| epoch < since) {
            // Sent before we joined (members re-send their state in each epoch, and the
            // server relays as soon as it accepts the commit that adds us): not for us.
            return Opening::Ignored;
        }
        let Some(group) = self.group.as_mut() else {
            return Opening::Ignored;
        };
        let Ok(processed) = group.process_message(&self.provider, message) else {
            return Opening::Undecryptable;
        };
        let Sender::Member(leaf) = *processed.sender() else {
            return Opening::Undecryptable;
        };
        let credential = processed.credential().clone();
        let ProcessedMessageContent::ApplicationMessage(content) = processed.into_content() else {
            return Opening::Undecryptable;
        };
        let Some(message) = MeetingMessage::decode(&content.into_bytes()) else {
            return Opening::Undecryptable;
        };
        // The sender as a member now: the same leaf with the same credential (a leaf
        // freed by a departure may hold someone else since).
        let sender = self
            .roster()
            .members
            .into_iter()
            .find(|member| member.leaf_index == leaf.u32())
            .filter(|_| {
                self.member_group().is_some_and(|group| {
                    group
                        .member(leaf)
                        .is_some_and(|current| *current == credential)
                })
            });
        // A member who has left is named by its credential (an X.509 member's name is in its
        // leaf, gone with it: "unknown").
        let sender_name = sender.as_ref().map_or_else(
            || read_info(&credential, &openmls::prelude::Extensions::empty()).display_name,
            |member| member.display_name.clone(),
        );
        Opening::Opened(ReceivedMessage {
            sender_name,
            sender,
            epoch,
            message,
        })
    }

    /// Opens the buffered messages of the epoch we are in now and of the epochs before it
    /// (those of epochs we skipped then fail, as messages we cannot read).
    pub(super) fn open_buffered_messages(&mut self, events: &mut Vec<GroupEvent>) {
        let Some(current) = self.epoch() else {
            return;
        };
        let ready: BufferedMessages = {
            let (ready, later) = std::mem::take(&mut self.buffered_messages)
                .into_iter()
                .partition(|buffered| buffered.epoch <= current);
            self.buffered_messages = later;
            ready
        };
        for buffered in ready {
            self.open_application_message(buffered.from, buffered.message, events);
        }
    }
}

/// The buffer of early messages, emptied with the group's state.
pub(super) type BufferedMessages = VecDeque<BufferedMessage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_messages_have_a_stable_encoding() {
        let chat = MeetingMessage::Chat {
            text: "Hello".to_owned(),
        };
        assert_eq!(chat.encode(), br#"{"chat":{"text":"Hello"}}"#);
        let state = MeetingMessage::MediaState(MediaState {
            microphone_on: false,
            camera_on: true,
            screen_shared: true,
            hand_raised: true,
        });
        assert_eq!(
            state.encode(),
            br#"{"media_state":{"microphone_on":false,"camera_on":true,"screen_shared":true,"hand_raised":true}}"#
        );
        let reaction = MeetingMessage::Reaction {
            reaction: Reaction::Applause,
        };
        assert_eq!(
            reaction.encode(),
            br#"{"reaction":{"reaction":"applause"}}"#
        );
        for message in [chat, state, reaction] {
            assert_eq!(MeetingMessage::decode(&message.encode()), Some(message));
        }
    }

    #[test]
    fn malformed_or_oversized_messages_do_not_decode() {
        let long = "x".repeat(MAX_CHAT_CHARS + 1);
        let too_long = format!(r#"{{"chat":{{"text":"{long}"}}}}"#);
        let padded = vec![b' '; MAX_MEETING_MESSAGE_BYTES + 1];
        for bad in [
            &br#"{"chat":{"text":"   "}}"#[..],
            br#"{"chat":{"text":"hi","extra":1}}"#,
            br#"{"reaction":{"reaction":"skull"}}"#,
            br#"{"media_state":{"microphone_on":true}}"#,
            br#"{"shout":{"text":"hi"}}"#,
            b"not json",
            too_long.as_bytes(),
            &padded,
        ] {
            assert_eq!(MeetingMessage::decode(bad), None, "{bad:?}");
        }
        let longest = "é".repeat(MAX_CHAT_CHARS);
        let message = MeetingMessage::Chat { text: longest };
        assert!(message.encode().len() <= MAX_MEETING_MESSAGE_BYTES);
        assert!(MeetingMessage::decode(&message.encode()).is_some());
    }
}
