//! The messages the transform worker sends to the page (docs/ARCHITECTURE.md, "The
//! transform worker"), parsed into types. Pure: the service hands in JSON text.

use conclave_protocol::ParticipantId;
use serde::Deserialize;

use crate::decryption_status::FrameTotals;
use crate::media_source::{MediaKind, MediaSource, SfuStreamId};

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

/// A message from the worker that the page acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerEvent {
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
    },
    /// The worker could not start: no media may flow.
    Fatal {
        /// What went wrong, for the person in front of the screen.
        message: String,
    },
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
    },
    Fatal {
        #[serde(default)]
        message: String,
    },
}

/// Worker message kinds the page acts on; anything else (for example the test-only
/// `recordings`) is ignored without being parsed.
pub const HANDLED_KINDS: [&str; 3] = ["ready", "receiveStats", "fatal"];

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

/// Parses one worker message given as JSON text.
pub fn parse_worker_message(json: &str) -> Result<WorkerEvent, WorkerMessageError> {
    Ok(match serde_json::from_str::<WireWorkerMessage>(json)? {
        WireWorkerMessage::Ready { transform_api } => WorkerEvent::Ready { transform_api },
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
        } => WorkerEvent::ReceiveStats {
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
        },
        WireWorkerMessage::Fatal { message } => WorkerEvent::Fatal { message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_messages_parse() {
        assert_eq!(
            parse_worker_message(r#"{"kind":"ready","transformApi":"script-transform"}"#).unwrap(),
            WorkerEvent::Ready {
                transform_api: Some(TransformApi::ScriptTransform)
            }
        );
        assert_eq!(
            parse_worker_message(
                r#"{"kind":"receiveStats","participantId":"7","mediaKind":"video","decrypted":12,"failed":1}"#
            )
            .unwrap(),
            WorkerEvent::ReceiveStats {
                source: MediaSource::Peer(ParticipantId(7)),
                sender_index: None,
                kind: MediaKind::Video,
                totals: FrameTotals {
                    decrypted: 12,
                    failed: 1,
                    without_key: 0
                },
                epoch: None,
                newer_epoch: 0
            }
        );
        assert_eq!(
            parse_worker_message(
                r#"{"kind":"receiveStats","participantId":"7","mediaKind":"audio","decrypted":12,"failed":0,"withoutKey":5,"newerEpoch":4,"epoch":3}"#
            )
            .unwrap(),
            WorkerEvent::ReceiveStats {
                source: MediaSource::Peer(ParticipantId(7)),
                sender_index: None,
                kind: MediaKind::Audio,
                totals: FrameTotals {
                    decrypted: 12,
                    failed: 0,
                    without_key: 5
                },
                epoch: Some(3),
                newer_epoch: 4
            }
        );
        assert_eq!(
            parse_worker_message(r#"{"kind":"fatal","message":"no wasm"}"#).unwrap(),
            WorkerEvent::Fatal {
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
            WorkerEvent::ReceiveStats {
                source: MediaSource::SfuStream(SfuStreamId::new("81")),
                sender_index: Some(2),
                kind: MediaKind::Video,
                totals: FrameTotals {
                    decrypted: 3,
                    failed: 0,
                    without_key: 0
                },
                epoch: None,
                newer_epoch: 0
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
