//! The worker contract (docs/ARCHITECTURE.md, "The worker contract"): every message between
//! the page and its transform worker, typed. [`PageToWorker`] and the transform options
//! ([`TransformOptions`]) go to the worker; [`WorkerToPage`] comes back. Pure: the page's edge
//! (`services::e2ee`) builds the JavaScript object of an outgoing message from
//! [`PageToWorker::fields`] (the one place its wire names are written) and hands each incoming
//! message in as JSON text. The worker's side is `www/e2ee-worker.js` (JSDoc types checked by
//! `tsc`).

use conclave_group::{EpochKeys, FrameSuite};
use conclave_protocol::ParticipantId;
use serde::Deserialize;

use crate::decryption_status::FrameTotals;
use crate::media_source::{MediaKind, MediaSource, SfuStreamId};

/// One field of a message to the worker, as the worker reads it.
pub enum Field<'a> {
    /// A string.
    Text(String),
    /// A number.
    Number(f64),
    /// `null`.
    Null,
    /// Key material: a `Uint8Array` that the page wipes once it is posted (`postMessage`
    /// copies it). No `Debug`, so it never reaches a log.
    Secret(&'a [u8]),
}

/// Which way a transform's frames go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Protects what a sender sends (to every peer, or to the SFU: it names no source).
    Send,
    /// Unprotects what a receiver gets from one source.
    Receive(MediaSource),
}

impl Direction {
    /// The transform's `side`: `send` or `receive`.
    pub fn side(&self) -> &'static str {
        match self {
            Direction::Send => "send",
            Direction::Receive(_) => "receive",
        }
    }
}

/// A transform's options: the second argument of `new RTCRtpScriptTransform(worker,
/// options)`, and the fields of [`PageToWorker::AttachStreams`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransformOptions {
    /// Which way its frames go, and from where for a receiver.
    pub direction: Direction,
    /// The track's kind.
    pub kind: MediaKind,
}

impl TransformOptions {
    /// `{ side, participantId? | feedId?, mediaKind }`.
    pub fn fields(&self) -> Vec<(&'static str, Field<'static>)> {
        let mut fields = vec![("side", Field::Text(self.direction.side().to_owned()))];
        match &self.direction {
            Direction::Send => {}
            Direction::Receive(MediaSource::Peer(participant)) => {
                fields.push(("participantId", Field::Text(participant.to_string())));
            }
            Direction::Receive(MediaSource::SfuStream(stream)) => {
                fields.push(("feedId", Field::Text(stream.as_str().to_owned())));
            }
        }
        fields.push(("mediaKind", Field::Text(self.kind.as_str().to_owned())));
        fields
    }
}

/// A message from the page to the worker, tagged on `kind`.
pub enum PageToWorker<'a> {
    /// `useSuite`: the meeting's SFrame cipher suite, before any key (a suite the worker
    /// refuses is `fatal`).
    UseSuite(FrameSuite),
    /// `useEpochKey`: an MLS epoch's SFrame base key (RFC 9605 section 5.2). The worker sends
    /// under it at once, as sender `own_leaf_index`, and derives every member's receive keys
    /// from it. Before the first, every frame is dropped.
    UseEpochKey(&'a EpochKeys),
    /// `attachStreams`: the `createEncodedStreams()` fallback, a transform's options whose
    /// `readable` and `writable` streams the edge adds and transfers.
    AttachStreams(&'a TransformOptions),
    /// `expectSender`: mesh, the MLS leaf whose frames a peer's receivers accept (the leaf of
    /// the member whose credential names that participant; `None`: no member, refuse all).
    ExpectSender {
        /// The peer.
        participant: ParticipantId,
        /// Its leaf in the current roster.
        sender_index: Option<u32>,
    },
    /// `senderLeft`: SFU, the member at this MLS leaf left the group; feeds bound to it are
    /// unbound, and their next binding is reported (`feedBound`).
    SenderLeft {
        /// The leaf that left.
        sender_index: u32,
    },
    /// `takeRecordings`: test builds only (feature `test-hooks`), sent by the end-to-end
    /// tests, never by the page; answered with `recordings`.
    TakeRecordings,
}

impl PageToWorker<'_> {
    /// The message's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            PageToWorker::UseSuite(_) => "useSuite",
            PageToWorker::UseEpochKey(_) => "useEpochKey",
            PageToWorker::AttachStreams(_) => "attachStreams",
            PageToWorker::ExpectSender { .. } => "expectSender",
            PageToWorker::SenderLeft { .. } => "senderLeft",
            PageToWorker::TakeRecordings => "takeRecordings",
        }
    }

    /// The message as the worker reads it: `kind` first, then its fields.
    pub fn fields(&self) -> Vec<(&'static str, Field<'_>)> {
        let mut fields = vec![("kind", Field::Text(self.kind().to_owned()))];
        match self {
            PageToWorker::UseSuite(suite) => {
                fields.push(("suite", Field::Number(f64::from(suite.id()))));
            }
            PageToWorker::UseEpochKey(keys) => {
                // Epochs count membership changes: far below 2^53, exact as a JS number.
                fields.push(("epoch", Field::Number(keys.epoch as f64)));
                fields.push(("baseKey", Field::Secret(keys.base_key.as_slice())));
                fields.push(("senderIndex", Field::Number(f64::from(keys.own_leaf_index))));
            }
            PageToWorker::AttachStreams(options) => fields.extend(options.fields()),
            PageToWorker::ExpectSender {
                participant,
                sender_index,
            } => {
                fields.push(("participantId", Field::Text(participant.to_string())));
                fields.push((
                    "senderIndex",
                    sender_index.map_or(Field::Null, |leaf| Field::Number(f64::from(leaf))),
                ));
            }
            PageToWorker::SenderLeft { sender_index } => {
                fields.push(("senderIndex", Field::Number(f64::from(*sender_index))));
            }
            PageToWorker::TakeRecordings => {}
        }
        fields
    }
}

/// Which encoded-transform API carries frames to the worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum TransformApi {
    /// `RTCRtpScriptTransform` (the standard; Chromium and Firefox).
    #[serde(rename = "script-transform")]
    ScriptTransform,
    /// Chromium's `createEncodedStreams()` with streams transferred to the worker.
    #[serde(rename = "encoded-streams")]
    EncodedStreams,
}

impl TransformApi {
    /// The browser API's own name, shown in the encryption banner.
    pub fn api_name(self) -> &'static str {
        match self {
            TransformApi::ScriptTransform => "RTCRtpScriptTransform",
            TransformApi::EncodedStreams => "createEncodedStreams",
        }
    }
}

/// A message from the worker that the page acts on (the test-only `recordings` is left to
/// the end-to-end tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerToPage {
    /// The worker's wasm is loaded.
    Ready {
        /// The API the worker saw frames arrive through, if it said.
        transform_api: Option<TransformApi>,
    },
    /// Running totals of frames received from one source.
    ReceiveStats {
        /// The receiver's source.
        source: MediaSource,
        /// The MLS leaf index whose key authenticated the last decrypted frame.
        sender_index: Option<u32>,
        /// Which track kind.
        kind: MediaKind,
        /// Running totals: decrypted, failed, without a key.
        totals: FrameTotals,
        /// The epoch of the last frame decrypted, if the worker said.
        epoch: Option<u64>,
        /// Running total of frames that came under an epoch newer than any this page
        /// holds (a sign that this page missed a commit).
        newer_epoch: u64,
        /// Frames refused before authentication: another sender's than the receiver's
        /// (`wrongSender`), an old epoch of a sender that moved on (`staleEpoch`), a key
        /// locked after too many failed authentications (`keyLocked`).
        refused: RefusedFrames,
    },
    /// An SFU feed was bound (first, or again after `senderLeft`) to the MLS leaf whose key
    /// authenticated its first frame of the newest epoch; the feed accepts no other leaf.
    FeedBound {
        /// The feed.
        stream: SfuStreamId,
        /// The leaf it is bound to.
        sender_index: u32,
        /// The epoch of the frame that bound it.
        epoch: u64,
    },
    /// The worker could not start, or refused a suite or key: no media may flow.
    Fatal {
        /// What went wrong, for the person in front of the screen.
        message: String,
    },
}

/// Running totals of frames a receiver refused before authentication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedFrames {
    /// Under another sender's KID than the receiver is bound to.
    #[serde(default)]
    pub wrong_sender: u64,
    /// Under an old epoch of a sender whose newer-epoch frames arrived.
    #[serde(default)]
    pub stale_epoch: u64,
    /// Under a key locked after too many failed authentications (suite 0x0003).
    #[serde(default)]
    pub key_locked: u64,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum WireWorkerMessage {
    Ready {
        #[serde(rename = "transformApi", default)]
        transform_api: Option<TransformApi>,
    },
    ReceiveStats {
        #[serde(rename = "participantId", default)]
        participant_id: Option<String>,
        #[serde(rename = "feedId", default)]
        feed_id: Option<String>,
        #[serde(rename = "senderIndex", default)]
        sender_index: Option<u32>,
        #[serde(rename = "mediaKind")]
        media_kind: MediaKind,
        decrypted: u64,
        failed: u64,
        #[serde(rename = "withoutKey", default)]
        without_key: u64,
        #[serde(default)]
        epoch: Option<u64>,
        #[serde(rename = "newerEpoch", default)]
        newer_epoch: u64,
        #[serde(flatten)]
        refused: RefusedFrames,
    },
    FeedBound {
        #[serde(rename = "feedId")]
        feed_id: String,
        #[serde(rename = "senderIndex")]
        sender_index: u32,
        epoch: u64,
    },
    Fatal {
        #[serde(default)]
        message: String,
    },
}

/// Worker message kinds the page acts on; anything else (for example the test-only
/// `recordings`) is ignored without being parsed.
pub const HANDLED_KINDS: [&str; 4] = ["ready", "receiveStats", "feedBound", "fatal"];

/// Why a worker message was not understood.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerMessageError {
    /// The JSON did not match the documented shape.
    #[error("malformed worker message: {0}")]
    Malformed(#[from] serde_json::Error),
    /// The message named neither exactly one valid `participantId` nor one valid `feedId`.
    #[error("worker message names no valid participant or feed id")]
    BadSource,
}

/// Parses one worker message given as JSON text: the one place the worker's messages are
/// read.
pub fn parse_worker_message(json: &str) -> Result<WorkerToPage, WorkerMessageError> {
    Ok(match serde_json::from_str::<WireWorkerMessage>(json)? {
        WireWorkerMessage::Ready { transform_api } => WorkerToPage::Ready { transform_api },
        WireWorkerMessage::ReceiveStats {
            participant_id,
            feed_id,
            sender_index,
            media_kind,
            decrypted,
            failed,
            without_key,
            epoch,
            newer_epoch,
            refused,
        } => WorkerToPage::ReceiveStats {
            source: match (participant_id, feed_id) {
                (Some(participant), None) => MediaSource::Peer(ParticipantId(
                    participant
                        .parse()
                        .map_err(|_| WorkerMessageError::BadSource)?,
                )),
                (None, Some(stream)) if !stream.is_empty() => {
                    MediaSource::SfuStream(SfuStreamId::new(&stream))
                }
                _ => return Err(WorkerMessageError::BadSource),
            },
            sender_index,
            kind: media_kind,
            totals: FrameTotals {
                decrypted,
                failed,
                without_key,
            },
            epoch,
            newer_epoch,
            refused,
        },
        WireWorkerMessage::FeedBound {
            feed_id,
            sender_index,
            epoch,
        } if !feed_id.is_empty() => WorkerToPage::FeedBound {
            stream: SfuStreamId::new(&feed_id),
            sender_index,
            epoch,
        },
        WireWorkerMessage::FeedBound { .. } => return Err(WorkerMessageError::BadSource),
        WireWorkerMessage::Fatal { message } => WorkerToPage::Fatal { message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields as `name=value` text, secrets shown by length only.
    fn wire(fields: &[(&'static str, Field<'_>)]) -> Vec<String> {
        fields
            .iter()
            .map(|(name, value)| match value {
                Field::Text(text) => format!("{name}={text}"),
                Field::Number(number) => format!("{name}={number}"),
                Field::Null => format!("{name}=null"),
                Field::Secret(bytes) => format!("{name}=<{} bytes>", bytes.len()),
            })
            .collect()
    }

    #[test]
    fn page_messages_have_the_documented_shape() {
        assert_eq!(
            wire(&PageToWorker::UseSuite(FrameSuite::default()).fields()),
            ["kind=useSuite", "suite=4"]
        );
        let keys = EpochKeys {
            epoch: 7,
            base_key: vec![1; 16].into(),
            own_leaf_index: 2,
        };
        assert_eq!(
            wire(&PageToWorker::UseEpochKey(&keys).fields()),
            [
                "kind=useEpochKey",
                "epoch=7",
                "baseKey=<16 bytes>",
                "senderIndex=2"
            ]
        );
        let receiver = TransformOptions {
            direction: Direction::Receive(MediaSource::Peer(ParticipantId(9))),
            kind: MediaKind::Audio,
        };
        assert_eq!(
            wire(&PageToWorker::AttachStreams(&receiver).fields()),
            [
                "kind=attachStreams",
                "side=receive",
                "participantId=9",
                "mediaKind=audio"
            ]
        );
        assert_eq!(
            wire(&PageToWorker::TakeRecordings.fields()),
            ["kind=takeRecordings"]
        );
        assert_eq!(
            wire(
                &PageToWorker::ExpectSender {
                    participant: ParticipantId(9),
                    sender_index: Some(3)
                }
                .fields()
            ),
            ["kind=expectSender", "participantId=9", "senderIndex=3"]
        );
        assert_eq!(
            wire(
                &PageToWorker::ExpectSender {
                    participant: ParticipantId(9),
                    sender_index: None
                }
                .fields()
            ),
            ["kind=expectSender", "participantId=9", "senderIndex=null"]
        );
        assert_eq!(
            wire(&PageToWorker::SenderLeft { sender_index: 4 }.fields()),
            ["kind=senderLeft", "senderIndex=4"]
        );
    }

    #[test]
    fn bindings_and_refused_frames_are_reported() {
        assert_eq!(
            parse_worker_message(r#"{"kind":"feedBound","feedId":"81","senderIndex":2,"epoch":5}"#)
                .unwrap(),
            WorkerToPage::FeedBound {
                stream: SfuStreamId::new("81"),
                sender_index: 2,
                epoch: 5
            }
        );
        assert!(parse_worker_message(
            r#"{"kind":"feedBound","feedId":"","senderIndex":2,"epoch":5}"#
        )
        .is_err());
        let stats = parse_worker_message(
            r#"{"kind":"receiveStats","feedId":"81","mediaKind":"video","decrypted":3,"failed":0,"wrongSender":7,"staleEpoch":2,"keyLocked":1}"#,
        )
        .unwrap();
        let WorkerToPage::ReceiveStats { refused, .. } = stats else {
            panic!("receiveStats");
        };
        assert_eq!(
            refused,
            RefusedFrames {
                wrong_sender: 7,
                stale_epoch: 2,
                key_locked: 1
            }
        );
    }

    #[test]
    fn transform_options_name_a_receivers_source_only() {
        let sender = TransformOptions {
            direction: Direction::Send,
            kind: MediaKind::Video,
        };
        assert_eq!(wire(&sender.fields()), ["side=send", "mediaKind=video"]);
        let feed = TransformOptions {
            direction: Direction::Receive(MediaSource::SfuStream(SfuStreamId::new("81"))),
            kind: MediaKind::Video,
        };
        assert_eq!(
            wire(&feed.fields()),
            ["side=receive", "feedId=81", "mediaKind=video"]
        );
    }

    #[test]
    fn documented_messages_parse() {
        assert_eq!(
            parse_worker_message(r#"{"kind":"ready","transformApi":"script-transform"}"#).unwrap(),
            WorkerToPage::Ready {
                transform_api: Some(TransformApi::ScriptTransform)
            }
        );
        assert_eq!(
            parse_worker_message(
                r#"{"kind":"receiveStats","participantId":"7","mediaKind":"video","decrypted":12,"failed":1}"#
            )
            .unwrap(),
            WorkerToPage::ReceiveStats {
                source: MediaSource::Peer(ParticipantId(7)),
                sender_index: None,
                kind: MediaKind::Video,
                totals: FrameTotals {
                    decrypted: 12,
                    failed: 1,
                    without_key: 0
                },
                epoch: None,
                newer_epoch: 0,
                refused: RefusedFrames::default()
            }
        );
        assert_eq!(
            parse_worker_message(
                r#"{"kind":"receiveStats","participantId":"7","mediaKind":"audio","decrypted":12,"failed":0,"withoutKey":5,"newerEpoch":4,"epoch":3}"#
            )
            .unwrap(),
            WorkerToPage::ReceiveStats {
                source: MediaSource::Peer(ParticipantId(7)),
                sender_index: None,
                kind: MediaKind::Audio,
                totals: FrameTotals {
                    decrypted: 12,
                    failed: 0,
                    without_key: 5
                },
                epoch: Some(3),
                newer_epoch: 4,
                refused: RefusedFrames::default()
            }
        );
        assert_eq!(
            parse_worker_message(r#"{"kind":"fatal","message":"no wasm"}"#).unwrap(),
            WorkerToPage::Fatal {
                message: "no wasm".into()
            }
        );
    }

    #[test]
    fn sfu_feeds_carry_the_decrypting_sender() {
        assert_eq!(
            parse_worker_message(
                r#"{"kind":"receiveStats","feedId":"81","senderIndex":2,"mediaKind":"video","decrypted":3,"failed":0}"#
            )
            .unwrap(),
            WorkerToPage::ReceiveStats {
                source: MediaSource::SfuStream(SfuStreamId::new("81")),
                sender_index: Some(2),
                kind: MediaKind::Video,
                totals: FrameTotals {
                    decrypted: 3,
                    failed: 0,
                    without_key: 0
                },
                epoch: None,
                newer_epoch: 0,
                refused: RefusedFrames::default()
            }
        );
        let both = r#"{"kind":"receiveStats","feedId":"81","participantId":"2","mediaKind":"video","decrypted":3,"failed":0}"#;
        assert!(parse_worker_message(both).is_err());
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert!(parse_worker_message(r#"{"kind":"receiveStats","participantId":"x","mediaKind":"video","decrypted":1,"failed":0}"#).is_err());
        assert!(parse_worker_message(r#"{"kind":"shout"}"#).is_err());
        assert!(parse_worker_message("[]").is_err());
    }
}
