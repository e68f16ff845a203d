//! What members told each other, as the page keeps it: the chat (for the meeting's
//! duration only: nothing is stored), each member's microphone, camera and hand as they
//! last said, and their reactions for a few seconds. The messages themselves are MLS
//! application messages (`conclave_group::meeting_group::meeting_messages`): the server
//! relays them without reading them.
//!
//! Pure: time and names arrive as values, so the reducer can hold it and tests can drive it.

use std::collections::{HashMap, VecDeque};

use conclave_group::{MediaState, MeetingMessage, Reaction, ReceivedMessage};

/// Most chat entries kept; older ones scroll away.
pub const MAX_CHAT_HISTORY: usize = 500;
/// How long a reaction shows on a tile, in milliseconds.
pub const REACTION_SHOWN_MS: f64 = 4_000.0;
/// Most chat messages this page sends per [`CHAT_BURST_WINDOW_MS`].
pub const CHAT_BURST: usize = 10;
/// The window of the chat's sending limit, in milliseconds.
pub const CHAT_BURST_WINDOW_MS: f64 = 10_000.0;

/// Who a chat entry is from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatAuthor {
    /// This browser.
    You,
    /// A member, named as its credential carries it (also after it left).
    Member {
        /// The name its credential carries.
        name: String,
        /// The first group of its key fingerprint, if it is a member now (shown when
        /// another member shares the name: names are self-chosen).
        key: Option<String>,
    },
    /// Messages that did not decrypt (altered, replayed or too old): not anyone's.
    Undecryptable {
        /// How many in a row.
        count: usize,
    },
}

/// One line of the chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatEntry {
    /// Unique within the meeting (a stable key for the list).
    pub id: u64,
    /// Who wrote it.
    pub author: ChatAuthor,
    /// What it says (empty for undecryptable messages).
    pub text: String,
    /// The local time it arrived, as `HH:MM`.
    pub time: String,
}

/// The meeting's chat, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatLog {
    entries: VecDeque<ChatEntry>,
    next_id: u64,
    /// Entries that arrived while the chat panel was closed.
    pub unread: usize,
    /// When this page sent its recent messages (for its sending limit), in ms.
    sent_at_ms: VecDeque<f64>,
}

impl ChatLog {
    /// The entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &ChatEntry> {
        self.entries.iter()
    }

    /// Whether this page may send another message at `now_ms` (at most [`CHAT_BURST`]
    /// per [`CHAT_BURST_WINDOW_MS`]).
    pub fn may_send(&self, now_ms: f64) -> bool {
        self.sent_at_ms
            .iter()
            .filter(|&&at| now_ms - at < CHAT_BURST_WINDOW_MS)
            .count()
            < CHAT_BURST
    }

    /// Our own message, as sent.
    pub fn sent(&mut self, text: String, time: String, now_ms: f64) {
        self.sent_at_ms.push_back(now_ms);
        while self.sent_at_ms.len() > CHAT_BURST {
            self.sent_at_ms.pop_front();
        }
        self.push(ChatAuthor::You, text, time);
    }

    /// A member's message; counted unread unless the panel is `open`.
    pub fn received(&mut self, author: ChatAuthor, text: String, time: String, open: bool) {
        self.push(author, text, time);
        if !open {
            self.unread += 1;
        }
    }

    /// A message that did not decrypt: shown as such, and several in a row as one entry
    /// (a flood of them is one line, not a wall).
    pub fn undecryptable(&mut self, time: String) {
        if let Some(ChatEntry {
            author: ChatAuthor::Undecryptable { count },
            time: last_time,
            ..
        }) = self.entries.back_mut()
        {
            *count += 1;
            *last_time = time;
            return;
        }
        self.push(ChatAuthor::Undecryptable { count: 1 }, String::new(), time);
    }

    fn push(&mut self, author: ChatAuthor, text: String, time: String) {
        if self.entries.len() >= MAX_CHAT_HISTORY {
            self.entries.pop_front();
        }
        self.entries.push_back(ChatEntry {
            id: self.next_id,
            author,
            text,
            time,
        });
        self.next_id += 1;
    }
}

/// What a member last said of its media and hand, and its latest reaction.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MemberSignals {
    /// Its microphone, camera, screen and hand (defaults until it says).
    pub media: MediaState,
    /// The latest reaction and until when it shows, in ms.
    pub reaction: Option<(Reaction, f64)>,
}

impl MemberSignals {
    /// The reaction showing at `now_ms`, if any.
    pub fn reaction_at(&self, now_ms: f64) -> Option<Reaction> {
        self.reaction
            .filter(|&(_, until)| now_ms < until)
            .map(|(reaction, _)| reaction)
    }
}

/// Every member's signals, by the hex fingerprint of its signature key (a leaf index
/// may change hands when someone leaves).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signals {
    by_member: HashMap<String, MemberSignals>,
}

impl Signals {
    /// What the member with this fingerprint last said (defaults if nothing yet).
    pub fn of(&self, fingerprint_hex: &str) -> MemberSignals {
        self.by_member
            .get(fingerprint_hex)
            .copied()
            .unwrap_or_default()
    }

    /// Forgets members no longer in the meeting (`present` lists the fingerprints of
    /// those who are).
    pub fn retain(&mut self, present: &[&str]) {
        self.by_member
            .retain(|key, _| present.contains(&key.as_str()));
    }

    fn entry(&mut self, fingerprint_hex: String) -> &mut MemberSignals {
        self.by_member.entry(fingerprint_hex).or_default()
    }
}

/// A received meeting message, as the reducer takes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    /// The sender's name, as its credential carries it.
    pub sender_name: String,
    /// The sender's fingerprint (hex), if it is a member now.
    pub sender: Option<String>,
    /// The first group of the sender's fingerprint as people read it, if it is a member
    /// now.
    pub sender_key: Option<String>,
    /// What it says.
    pub message: MeetingMessage,
    /// The local time, as `HH:MM`.
    pub time: String,
    /// The page's clock, in ms.
    pub now_ms: f64,
}

impl Arrival {
    /// `received` as it arrived at `time` (`now_ms` on the page's clock).
    pub fn new(received: ReceivedMessage, time: String, now_ms: f64) -> Self {
        let key = |member: &conclave_group::Member| {
            let shown = member.fingerprint.to_string();
            shown.split(' ').next().unwrap_or_default().to_owned()
        };
        Self {
            sender_name: received.sender_name,
            sender_key: received.sender.as_ref().map(key),
            sender: received.sender.map(|member| member.fingerprint.to_hex()),
            message: received.message,
            time,
            now_ms,
        }
    }
}

/// Applies one arrival to the chat and the signals. Signals are taken only from a
/// current member (a late message from someone who left changes no tile); chat is shown
/// from anyone who was a member when they wrote it. Returns who just raised their hand,
/// by name, which screen readers should hear beyond the chat log (which announces itself);
/// the words are the page's, in its language.
pub fn apply_arrival(
    chat: &mut ChatLog,
    signals: &mut Signals,
    arrival: Arrival,
    open: bool,
) -> Option<String> {
    match arrival.message {
        MeetingMessage::Chat { text } => {
            let author = ChatAuthor::Member {
                name: arrival.sender_name,
                key: arrival.sender_key,
            };
            chat.received(author, text, arrival.time, open);
        }
        MeetingMessage::MediaState(media) => {
            if let Some(sender) = arrival.sender {
                let entry = signals.entry(sender);
                let raised = media.hand_raised && !entry.media.hand_raised;
                entry.media = media;
                if raised {
                    return Some(arrival.sender_name);
                }
            }
        }
        MeetingMessage::Reaction { reaction } => {
            if let Some(sender) = arrival.sender {
                signals.entry(sender).reaction =
                    Some((reaction, arrival.now_ms + REACTION_SHOWN_MS));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(sender: Option<&str>, message: MeetingMessage, now_ms: f64) -> Arrival {
        Arrival {
            sender_name: "Ada".to_owned(),
            sender: sender.map(str::to_owned),
            sender_key: sender.map(|_| "ab12".to_owned()),
            message,
            time: "10:00".to_owned(),
            now_ms,
        }
    }

    #[test]
    fn chat_counts_unread_only_while_closed_and_keeps_a_bounded_history() {
        let mut chat = ChatLog::default();
        let mut signals = Signals::default();
        let hello = MeetingMessage::Chat {
            text: "hello".to_owned(),
        };
        apply_arrival(
            &mut chat,
            &mut signals,
            arrival(Some("aa"), hello.clone(), 0.0),
            false,
        );
        // From someone who has left since: still shown.
        apply_arrival(
            &mut chat,
            &mut signals,
            arrival(None, hello.clone(), 0.0),
            true,
        );
        assert_eq!(chat.unread, 1);
        assert_eq!(chat.entries().count(), 2);
        let bo = || ChatAuthor::Member {
            name: "Bo".to_owned(),
            key: None,
        };
        for _ in 0..MAX_CHAT_HISTORY {
            chat.received(bo(), "x".to_owned(), "10:01".to_owned(), true);
        }
        assert_eq!(chat.entries().count(), MAX_CHAT_HISTORY);
        assert_eq!(chat.entries().next().unwrap().author, bo());
        let ids: Vec<u64> = chat.entries().map(|entry| entry.id).collect();
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "ids stay unique"
        );
    }

    #[test]
    fn undecryptable_messages_in_a_row_are_one_entry_and_belong_to_nobody() {
        let mut chat = ChatLog::default();
        for _ in 0..3 {
            chat.undecryptable("10:00".to_owned());
        }
        let ada = ChatAuthor::Member {
            name: "Ada".to_owned(),
            key: None,
        };
        chat.received(ada.clone(), "hi".to_owned(), "10:01".to_owned(), true);
        chat.undecryptable("10:02".to_owned());
        let authors: Vec<ChatAuthor> = chat.entries().map(|entry| entry.author.clone()).collect();
        assert_eq!(
            authors,
            vec![
                ChatAuthor::Undecryptable { count: 3 },
                ada,
                ChatAuthor::Undecryptable { count: 1 },
            ]
        );
    }

    #[test]
    fn sending_is_limited_to_a_burst_per_window() {
        let mut chat = ChatLog::default();
        for i in 0..CHAT_BURST {
            assert!(chat.may_send(i as f64));
            chat.sent("x".to_owned(), "10:00".to_owned(), i as f64);
        }
        assert!(!chat.may_send(100.0));
        assert!(chat.may_send(CHAT_BURST_WINDOW_MS + 1.0));
    }

    #[test]
    fn signals_come_from_current_members_and_reactions_fade() {
        let mut chat = ChatLog::default();
        let mut signals = Signals::default();
        let muted = MeetingMessage::MediaState(MediaState {
            microphone_on: false,
            camera_on: false,
            screen_shared: false,
            hand_raised: true,
        });
        let raised = apply_arrival(
            &mut chat,
            &mut signals,
            arrival(Some("aa"), muted.clone(), 0.0),
            true,
        );
        assert_eq!(raised.as_deref(), Some("Ada"), "who raised their hand");
        let again = apply_arrival(
            &mut chat,
            &mut signals,
            arrival(Some("aa"), muted.clone(), 0.0),
            true,
        );
        assert_eq!(again, None, "a hand already up is not raised again");
        apply_arrival(&mut chat, &mut signals, arrival(None, muted, 0.0), true);
        let ada = signals.of("aa").media;
        assert!(!ada.microphone_on && !ada.camera_on && ada.hand_raised);
        assert_eq!(signals.of("bb"), MemberSignals::default());
        let clap = MeetingMessage::Reaction {
            reaction: Reaction::Applause,
        };
        apply_arrival(
            &mut chat,
            &mut signals,
            arrival(Some("aa"), clap, 1_000.0),
            true,
        );
        assert_eq!(
            signals.of("aa").reaction_at(2_000.0),
            Some(Reaction::Applause)
        );
        assert_eq!(
            signals.of("aa").reaction_at(1_000.0 + REACTION_SHOWN_MS),
            None
        );
        assert!(
            signals.of("aa").media.hand_raised,
            "a reaction leaves the hand as it was"
        );
        signals.retain(&["bb"]);
        assert_eq!(signals.of("aa"), MemberSignals::default());
        assert_eq!(chat.entries().count(), 0, "signals are not chat");
    }
}
