//! The Janus WebSocket API (subprotocol `janus-protocol`) and its VideoRoom plugin, as
//! Conclave's browser side speaks them: requests built as JSON, replies parsed into
//! types. No IO: the connection module sends and receives the text.
//!
//! Janus answers a request with the same `transaction`: `success` (session and handle
//! ids, synchronous plugin replies), or `ack` then an `event` (asynchronous plugin
//! requests such as `join` and `publish`), or `error`. Events without a transaction
//! (new publishers, a feed leaving, Janus' own ICE candidates, hang-ups) concern the
//! handle named in `sender`.

use serde_json::{json, Map, Value};

use crate::media_source::{MediaKind, SfuStreamId};

/// The WebSocket subprotocol Janus requires.
pub const SUBPROTOCOL: &str = "janus-protocol";
/// The VideoRoom plugin's package name.
pub const VIDEOROOM_PLUGIN: &str = "janus.plugin.videoroom";
/// VideoRoom error: no such room (it may be recreated after a Janus restart).
pub const NO_SUCH_ROOM: i64 = 426;

/// A Janus session or plugin handle id.
pub type JanusId = u64;

/// A VideoRoom publisher's feed id: Janus' number for one published stream, never a
/// person. Outside this adapter it travels as an opaque [`SfuStreamId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeedId(pub u64);

impl FeedId {
    /// The feed as the rest of the client names SFU streams.
    pub fn stream_id(self) -> SfuStreamId {
        SfuStreamId::new(&self.0.to_string())
    }
}

impl std::fmt::Display for FeedId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a Janus reply could not be used.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum JanusApiError {
    /// Not JSON, or not the shape of any Janus message.
    #[error("unreadable message from the media server")]
    Malformed,
    /// Janus refused a request.
    #[error("the media server refused a request ({code}: {reason})")]
    Refused {
        /// Janus' or the plugin's error code.
        code: i64,
        /// Janus' explanation.
        reason: String,
    },
}

/// An SDP offer or answer as Janus carries it (`jsep`).
#[derive(Clone, Debug, PartialEq)]
pub struct Jsep {
    /// `offer` or `answer`.
    pub kind: String,
    /// The session description.
    pub sdp: String,
}

/// A message from Janus.
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    /// A request was received; its result follows as an event.
    Ack,
    /// A request succeeded: `id` for `create`/`attach`, `data` for synchronous plugin
    /// requests.
    Success {
        /// A new session or handle id.
        id: Option<JanusId>,
        /// The plugin's reply.
        data: Option<Value>,
    },
    /// Janus refused a request (core error).
    Error {
        /// Janus' error code.
        code: i64,
        /// Why.
        reason: String,
    },
    /// A plugin event for handle `sender`, with an SDP if it carries one.
    Event {
        /// The handle.
        sender: JanusId,
        /// The plugin's data.
        data: Value,
        /// An offer or answer.
        jsep: Option<Jsep>,
    },
    /// An ICE candidate of Janus for handle `sender` (`None`: gathering completed).
    Trickle {
        /// The handle.
        sender: JanusId,
        /// `candidate`, `sdpMid`, `sdpMLineIndex`.
        candidate: Option<(String, Option<String>, Option<u16>)>,
    },
    /// The PeerConnection of handle `sender` is gone.
    Hangup {
        /// The handle.
        sender: JanusId,
    },
    /// The session expired on the server.
    Timeout,
    /// Anything else (`webrtcup`, `media`, `slowlink`, `detached`): informational.
    Other,
}

/// A parsed message and the transaction it answers, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The request this answers.
    pub transaction: Option<String>,
    /// What it says.
    pub message: Incoming,
}

/// Parses one text frame from Janus.
pub fn parse(text: &str) -> Result<Parsed, JanusApiError> {
    let value: Value = serde_json::from_str(text).map_err(|_| JanusApiError::Malformed)?;
    let object = value.as_object().ok_or(JanusApiError::Malformed)?;
    let kind = object
        .get("janus")
        .and_then(Value::as_str)
        .ok_or(JanusApiError::Malformed)?;
    let transaction = object
        .get("transaction")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let sender = || {
        object
            .get("sender")
            .and_then(Value::as_u64)
            .ok_or(JanusApiError::Malformed)
    };
    let message = match kind {
        "ack" => Incoming::Ack,
        "success" => Incoming::Success {
            id: object
                .get("data")
                .and_then(|data| data.get("id"))
                .and_then(Value::as_u64),
            data: object
                .get("plugindata")
                .and_then(|plugin| plugin.get("data"))
                .cloned(),
        },
        "error" => {
            let error = object.get("error");
            Incoming::Error {
                code: error
                    .and_then(|e| e.get("code"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                reason: error
                    .and_then(|e| e.get("reason"))
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_owned(),
            }
        }
        "event" => Incoming::Event {
            sender: sender()?,
            data: object
                .get("plugindata")
                .and_then(|plugin| plugin.get("data"))
                .cloned()
                .ok_or(JanusApiError::Malformed)?,
            jsep: object.get("jsep").map(parse_jsep).transpose()?,
        },
        "trickle" => {
            let candidate = object.get("candidate").ok_or(JanusApiError::Malformed)?;
            let completed = candidate
                .get("completed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            Incoming::Trickle {
                sender: sender()?,
                candidate: if completed {
                    None
                } else {
                    Some((
                        candidate
                            .get("candidate")
                            .and_then(Value::as_str)
                            .ok_or(JanusApiError::Malformed)?
                            .to_owned(),
                        candidate
                            .get("sdpMid")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        candidate
                            .get("sdpMLineIndex")
                            .and_then(Value::as_u64)
                            .and_then(|index| u16::try_from(index).ok()),
                    ))
                },
            }
        }
        "hangup" => Incoming::Hangup { sender: sender()? },
        "timeout" => Incoming::Timeout,
        _ => Incoming::Other,
    };
    Ok(Parsed {
        transaction,
        message,
    })
}

fn parse_jsep(value: &Value) -> Result<Jsep, JanusApiError> {
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(JanusApiError::Malformed)
    };
    Ok(Jsep {
        kind: field("type")?,
        sdp: field("sdp")?,
    })
}

/// One stream of a multistream subscription, as `attached`/`updated` list them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscribedStream {
    /// The m-line's mid in the subscriber's PeerConnection.
    pub mid: String,
    /// The publisher it comes from (`None` for a placeholder or data channel).
    pub feed: Option<FeedId>,
    /// Audio or video.
    pub kind: Option<MediaKind>,
}

/// What a VideoRoom event says, as far as Conclave acts on it.
#[derive(Clone, Debug, PartialEq)]
pub enum RoomEvent {
    /// We joined as publisher: our feed id, and the feeds already published.
    Joined {
        /// Our own feed.
        own_feed: FeedId,
        /// Feeds of others.
        publishers: Vec<FeedId>,
    },
    /// Feeds newly published by others.
    Publishers(Vec<FeedId>),
    /// A feed stopped (unpublished or its publisher left).
    FeedGone(FeedId),
    /// A subscription was made or changed: its streams (an offer comes with it).
    Subscription(Vec<SubscribedStream>),
    /// The plugin refused a request.
    Error {
        /// The VideoRoom error code.
        code: i64,
        /// Why.
        reason: String,
    },
    /// Anything else (`configured`, `started`, `talking`...).
    Other,
}

/// Reads the VideoRoom `data` of an event.
pub fn room_event(data: &Value) -> RoomEvent {
    let feeds = |list: Option<&Value>| -> Vec<FeedId> {
        list.and_then(Value::as_array)
            .map(|publishers| {
                publishers
                    .iter()
                    .filter_map(|p| p.get("id").and_then(Value::as_u64))
                    .map(FeedId)
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(code) = data.get("error_code").and_then(Value::as_i64) {
        return RoomEvent::Error {
            code,
            reason: data
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_owned(),
        };
    }
    match data.get("videoroom").and_then(Value::as_str) {
        Some("joined") => match data.get("id").and_then(Value::as_u64) {
            Some(id) => RoomEvent::Joined {
                own_feed: FeedId(id),
                publishers: feeds(data.get("publishers")),
            },
            None => RoomEvent::Other,
        },
        Some("attached") | Some("updated") => RoomEvent::Subscription(
            data.get("streams")
                .and_then(Value::as_array)
                .map(|streams| streams.iter().filter_map(subscribed_stream).collect())
                .unwrap_or_default(),
        ),
        Some("event") => {
            if let Some(publishers) = data.get("publishers") {
                return RoomEvent::Publishers(feeds(Some(publishers)));
            }
            for key in ["unpublished", "leaving"] {
                if let Some(feed) = data.get(key).and_then(Value::as_u64) {
                    return RoomEvent::FeedGone(FeedId(feed));
                }
            }
            RoomEvent::Other
        }
        _ => RoomEvent::Other,
    }
}

fn subscribed_stream(value: &Value) -> Option<SubscribedStream> {
    let active = value.get("active").and_then(Value::as_bool).unwrap_or(true);
    if !active {
        return None;
    }
    Some(SubscribedStream {
        mid: value.get("mid").and_then(Value::as_str)?.to_owned(),
        feed: value.get("feed_id").and_then(Value::as_u64).map(FeedId),
        kind: value
            .get("type")
            .and_then(Value::as_str)
            .and_then(MediaKind::parse),
    })
}

/// Builds Janus requests for one session; `apisecret` goes into every request.
#[derive(Clone, Debug, Default)]
pub struct Requests {
    /// Janus' `api_secret`, if the operator set one.
    pub api_secret: Option<String>,
    /// The session, once created.
    pub session: Option<JanusId>,
}

impl Requests {
    fn base(&self, janus: &str, transaction: &str) -> Map<String, Value> {
        let mut request = Map::new();
        request.insert("janus".into(), janus.into());
        request.insert("transaction".into(), transaction.into());
        if let Some(secret) = &self.api_secret {
            request.insert("apisecret".into(), secret.as_str().into());
        }
        if let Some(session) = self.session {
            request.insert("session_id".into(), session.into());
        }
        request
    }

    /// `create`: a new session.
    pub fn create_session(&self, transaction: &str) -> Value {
        Value::Object(self.base("create", transaction))
    }

    /// `keepalive` for the session.
    pub fn keepalive(&self, transaction: &str) -> Value {
        Value::Object(self.base("keepalive", transaction))
    }

    /// `destroy` the session.
    pub fn destroy_session(&self, transaction: &str) -> Value {
        Value::Object(self.base("destroy", transaction))
    }

    /// `attach` a VideoRoom handle.
    pub fn attach_videoroom(&self, transaction: &str) -> Value {
        let mut request = self.base("attach", transaction);
        request.insert("plugin".into(), VIDEOROOM_PLUGIN.into());
        Value::Object(request)
    }

    /// `detach` a handle.
    pub fn detach(&self, transaction: &str, handle: JanusId) -> Value {
        let mut request = self.base("detach", transaction);
        request.insert("handle_id".into(), handle.into());
        Value::Object(request)
    }

    /// A plugin `message` to `handle`, with an SDP if given. Conclave's offers always say
    /// `e2ee: true` inside the JSEP: Janus accepts publishers of a `require_e2ee` room
    /// only so, and it tells Janus not to look into the (encrypted) payloads.
    pub fn message(
        &self,
        transaction: &str,
        handle: JanusId,
        body: Value,
        jsep: Option<&Jsep>,
    ) -> Value {
        let mut request = self.base("message", transaction);
        request.insert("handle_id".into(), handle.into());
        request.insert("body".into(), body);
        if let Some(jsep) = jsep {
            request.insert(
                "jsep".into(),
                json!({ "type": jsep.kind, "sdp": jsep.sdp, "e2ee": true }),
            );
        }
        Value::Object(request)
    }

    /// A trickled ICE candidate for `handle` (`None`: gathering completed).
    pub fn trickle(
        &self,
        transaction: &str,
        handle: JanusId,
        candidate: Option<(&str, Option<&str>, Option<u16>)>,
    ) -> Value {
        let mut request = self.base("trickle", transaction);
        request.insert("handle_id".into(), handle.into());
        let candidate = match candidate {
            Some((line, mid, index)) => {
                json!({ "candidate": line, "sdpMid": mid, "sdpMLineIndex": index })
            }
            None => json!({ "completed": true }),
        };
        request.insert("candidate".into(), candidate);
        Value::Object(request)
    }
}

/// VideoRoom bodies.
pub mod body {
    use serde_json::{json, Value};

    use super::FeedId;

    /// Join `room` as a publisher. `display` is the signaling participant id: a routing
    /// hint for logs only, never shown (names come from the MLS roster).
    pub fn join_as_publisher(room: u64, pin: &str, display: &str) -> Value {
        json!({ "request": "join", "ptype": "publisher", "room": room, "pin": pin, "display": display })
    }

    /// Publish our tracks (the offer rides in the JSEP).
    pub fn publish() -> Value {
        json!({ "request": "publish" })
    }

    /// Stop publishing.
    pub fn unpublish() -> Value {
        json!({ "request": "unpublish" })
    }

    /// Join `room` as a multistream subscriber to `feeds`.
    pub fn join_as_subscriber(room: u64, pin: &str, feeds: &[FeedId]) -> Value {
        json!({ "request": "join", "ptype": "subscriber", "room": room, "pin": pin, "streams": streams(feeds) })
    }

    /// Add `feeds` to the subscription.
    pub fn subscribe(feeds: &[FeedId]) -> Value {
        json!({ "request": "subscribe", "streams": streams(feeds) })
    }

    /// Start receiving (the answer rides in the JSEP).
    pub fn start() -> Value {
        json!({ "request": "start" })
    }

    /// Ask for simulcast layer `substream` (0 lowest, 2 highest) of the stream `mid`.
    pub fn choose_substream(mid: &str, substream: u8) -> Value {
        json!({ "request": "configure", "streams": [{ "mid": mid, "substream": substream }] })
    }

    fn streams(feeds: &[FeedId]) -> Vec<Value> {
        feeds.iter().map(|feed| json!({ "feed": feed.0 })).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_into_types() {
        let created = parse(r#"{"janus":"success","transaction":"t1","data":{"id":42}}"#).unwrap();
        assert_eq!(created.transaction.as_deref(), Some("t1"));
        assert_eq!(
            created.message,
            Incoming::Success {
                id: Some(42),
                data: None
            }
        );
        let error =
            parse(r#"{"janus":"error","transaction":"t2","error":{"code":458,"reason":"No such session"}}"#)
                .unwrap();
        assert_eq!(
            error.message,
            Incoming::Error {
                code: 458,
                reason: "No such session".into()
            }
        );
        let event = parse(
            r#"{"janus":"event","sender":7,"transaction":"t3","plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"joined","room":5,"id":99,"publishers":[{"id":12,"display":"3"}]}},"jsep":{"type":"answer","sdp":"v=0"}}"#,
        )
        .unwrap();
        let Incoming::Event { sender, data, jsep } = event.message else {
            panic!("an event");
        };
        assert_eq!(sender, 7);
        assert_eq!(
            jsep,
            Some(Jsep {
                kind: "answer".into(),
                sdp: "v=0".into()
            })
        );
        assert_eq!(
            room_event(&data),
            RoomEvent::Joined {
                own_feed: FeedId(99),
                publishers: vec![FeedId(12)]
            }
        );
    }

    #[test]
    fn room_events_name_feeds_and_streams() {
        let gone = json!({"videoroom":"event","room":5,"unpublished":12});
        assert_eq!(room_event(&gone), RoomEvent::FeedGone(FeedId(12)));
        let left = json!({"videoroom":"event","room":5,"leaving":13});
        assert_eq!(room_event(&left), RoomEvent::FeedGone(FeedId(13)));
        let refused = json!({"videoroom":"event","error_code":426,"error":"No such room"});
        assert_eq!(
            room_event(&refused),
            RoomEvent::Error {
                code: NO_SUCH_ROOM,
                reason: "No such room".into()
            }
        );
        let attached = json!({"videoroom":"attached","streams":[
            {"mindex":0,"mid":"0","type":"audio","feed_id":12,"active":true},
            {"mindex":1,"mid":"1","type":"video","feed_id":12},
            {"mindex":2,"mid":"2","type":"video","feed_id":13,"active":false}
        ]});
        assert_eq!(
            room_event(&attached),
            RoomEvent::Subscription(vec![
                SubscribedStream {
                    mid: "0".into(),
                    feed: Some(FeedId(12)),
                    kind: Some(MediaKind::Audio)
                },
                SubscribedStream {
                    mid: "1".into(),
                    feed: Some(FeedId(12)),
                    kind: Some(MediaKind::Video)
                },
            ])
        );
    }

    #[test]
    fn malformed_messages_are_errors() {
        for text in [
            "",
            "[]",
            r#"{"transaction":"x"}"#,
            r#"{"janus":"event","plugindata":{"data":{}}}"#,
            r#"{"janus":"event","sender":1}"#,
            r#"{"janus":"trickle","sender":1,"candidate":{}}"#,
            r#"{"janus":"event","sender":1,"plugindata":{"data":{}},"jsep":{"type":"offer"}}"#,
        ] {
            assert_eq!(parse(text), Err(JanusApiError::Malformed), "{text:?}");
        }
    }

    #[test]
    fn offers_say_e2ee_inside_the_jsep_and_carry_the_api_secret() {
        let requests = Requests {
            api_secret: Some("s3cret".into()),
            session: Some(1),
        };
        let offer = Jsep {
            kind: "offer".into(),
            sdp: "v=0".into(),
        };
        let message = requests.message("t", 2, body::publish(), Some(&offer));
        assert_eq!(message["jsep"]["e2ee"], json!(true));
        assert_eq!(message["body"], json!({"request":"publish"}));
        assert!(message["body"].get("e2ee").is_none());
        assert_eq!(message["apisecret"], json!("s3cret"));
        assert_eq!(message["session_id"], json!(1));
        assert_eq!(message["handle_id"], json!(2));
    }
}
