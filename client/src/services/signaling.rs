//! The WebSocket to the signaling server (`/ws/{room_id}`, conclave-protocol JSON).
//!
//! The lobby opens the socket ahead of the click ([`preconnect`]), so joining only sends
//! `join`: the TCP and WebSocket handshakes are done while the person types their name.
//! A socket that has not joined holds no room slot on the server and is closed by it
//! after a while (the server's join timeout); the click then opens a fresh one.
//!
//! An open connection pings the server every [`PING_INTERVAL_MS`]; one whose ping goes
//! unanswered for [`STALL_MS`] (a laptop that slept, a network that changed under it)
//! counts as closed ([`STALLED`]), so that the session connects again instead of waiting
//! for TCP to give up.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use conclave_protocol::{close_code, ClientMessage, RoomId, ServerMessage};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};
use yew::Callback;

use gloo::timers::callback::Interval;

use super::{describe_js_error, now_ms};
use crate::notices::{CloseReason, MeetingProblem};

/// Why the signaling connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignalingError {
    /// No `window` (not running in a page).
    #[error("not running in a browser page")]
    NoWindow,
    /// The WebSocket could not be opened.
    #[error("could not connect to the meeting server: {0}")]
    Connect(String),
    /// A message could not be sent.
    #[error("could not send to the meeting server: {0}")]
    Send(String),
    /// A message could not be encoded.
    #[error("could not encode a signaling message: {0}")]
    Encode(#[from] serde_json::Error),
}

/// How often a connection pings the server, in milliseconds.
pub const PING_INTERVAL_MS: u32 = 5_000;
/// A connection whose ping is unanswered for this long has stalled.
pub const STALL_MS: f64 = 15_000.0;
/// The close code this page reports for a stalled connection (never sent by a server).
pub const STALLED: u16 = 4000;

/// Whether a connection that closed with `code` may succeed if made again: the network or
/// the server went away, as opposed to a refusal (unknown room, full, another version,
/// removed, ended).
pub fn is_worth_retrying(code: u16) -> bool {
    matches!(
        code,
        STALLED | close_code::TOO_SLOW | 1001 | 1005 | 1006 | 1011 | 1012 | 1013 | 1014
    )
}

/// How the server closed the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseInfo {
    /// WebSocket close code.
    pub code: u16,
    /// Why, as the page shows it.
    pub reason: CloseReason,
}

/// The WebSocket URL of a room, on the page's own origin.
pub fn websocket_url(page_protocol: &str, host: &str, room: &RoomId) -> String {
    let scheme = if page_protocol == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}/ws/{room}")
}

/// Why the socket closed, as the page words it: by the code when it is one the app knows
/// (in the person's language), else by the code number, with the server's own text, if
/// any, as the detail.
pub fn describe_close(code: u16, reason: &str) -> CloseReason {
    match code {
        close_code::UNKNOWN_ROOM => CloseReason::UnknownRoom,
        close_code::ROOM_FULL => match close_code::mesh_capacity_in_reason(reason) {
            Some(most) => CloseReason::MeshFull(most),
            None => CloseReason::RoomFull,
        },
        close_code::PROTOCOL_VIOLATION => CloseReason::NotUnderstood,
        close_code::TOO_SLOW => CloseReason::TooSlow,
        close_code::MESSAGE_TOO_BIG => CloseReason::TooLarge,
        close_code::OTHER_VERSION => CloseReason::OtherVersion,
        STALLED => CloseReason::Stalled,
        1006 => CloseReason::Lost,
        code if reason.trim().is_empty() => CloseReason::Code(code),
        code => CloseReason::ServerSaid {
            code,
            words: reason.trim().to_owned(),
        },
    }
}

/// A socket opened in the lobby, not joined yet.
struct Preconnected {
    room: RoomId,
    socket: WebSocket,
    /// The server said something before `join` (it only does to refuse the connection,
    /// for example an unknown room): not reused, so the session sees the refusal itself.
    spoiled: Rc<Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Preconnected {
    fn drop(&mut self) {
        self.socket.set_onmessage(None);
    }
}

thread_local! {
    /// The lobby's socket ([`preconnect`]): taken by [`SignalingConnection::connect`] for
    /// the same room, or closed.
    static PRECONNECTED: RefCell<Option<Preconnected>> = const { RefCell::new(None) };
}

/// Opens the socket to `room` ahead of joining (in the lobby). Nothing is sent on it
/// before [`SignalingConnection::connect`] takes it. Does nothing if one to `room` is
/// already open or opening; a failure here only means the join opens its own.
pub fn preconnect(room: &RoomId) {
    let usable = PRECONNECTED.with(|slot| {
        slot.borrow()
            .as_ref()
            .is_some_and(|pre| &pre.room == room && is_usable(&pre.socket, &pre.spoiled))
    });
    if usable {
        return;
    }
    discard_preconnection();
    let Ok(socket) = open_socket(room) else {
        return;
    };
    let spoiled = Rc::new(Cell::new(false));
    let on_message = {
        let spoiled = Rc::clone(&spoiled);
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| spoiled.set(true))
    };
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let pre = Preconnected {
        room: room.clone(),
        socket,
        spoiled,
        _on_message: on_message,
    };
    PRECONNECTED.with(|slot| *slot.borrow_mut() = Some(pre));
}

/// Closes the lobby's socket, if nobody took it.
pub fn discard_preconnection() {
    let discarded = PRECONNECTED.with(|slot| slot.borrow_mut().take());
    if let Some(pre) = discarded {
        let _ = pre.socket.close_with_code(1000);
    }
}

/// The lobby's socket to `room`, if it is open (or opening) and the server has not
/// refused it.
fn take_preconnected(room: &RoomId) -> Option<WebSocket> {
    let pre = PRECONNECTED.with(|slot| slot.borrow_mut().take())?;
    if &pre.room == room && is_usable(&pre.socket, &pre.spoiled) {
        pre.socket.set_onmessage(None);
        return Some(pre.socket.clone());
    }
    let _ = pre.socket.close_with_code(1000);
    None
}

fn is_usable(socket: &WebSocket, spoiled: &Cell<bool>) -> bool {
    !spoiled.get()
        && matches!(
            socket.ready_state(),
            WebSocket::CONNECTING | WebSocket::OPEN
        )
}

/// Opens a WebSocket to `room` on the page's own origin.
fn open_socket(room: &RoomId) -> Result<WebSocket, SignalingError> {
    let location = web_sys::window()
        .ok_or(SignalingError::NoWindow)?
        .location();
    let url = websocket_url(
        &location.protocol().unwrap_or_default(),
        &location.host().unwrap_or_default(),
        room,
    );
    WebSocket::new(&url).map_err(|e| SignalingError::Connect(describe_js_error(&e)))
}

/// An open signaling connection. Dropping it sends `leave` and closes the socket.
pub struct SignalingConnection {
    socket: WebSocket,
    closing: Rc<Cell<bool>>,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _heartbeat: Interval,
}

impl SignalingConnection {
    /// Connects to `room` (taking the lobby's socket if it is still good) and sends `join`
    /// as soon as the socket is open.
    ///
    /// `on_message` gets every server message; `on_unexpected_close` fires if the socket
    /// closes for any reason other than this value being dropped; `on_problem` hears of
    /// messages that were not valid protocol JSON, and of a `join` that could not be sent.
    pub fn connect(
        room: &RoomId,
        on_message: Callback<ServerMessage>,
        on_unexpected_close: Callback<CloseInfo>,
        on_problem: Callback<MeetingProblem>,
    ) -> Result<Self, SignalingError> {
        let socket = match take_preconnected(room) {
            Some(socket) => socket,
            None => open_socket(room)?,
        };
        let join = serde_json::to_string(&ClientMessage::join())?;
        let send_join = {
            let socket = socket.clone();
            let on_problem = on_problem.clone();
            move || {
                if let Err(error) = socket.send_with_str(&join) {
                    on_problem.emit(MeetingProblem::NotSent(describe_js_error(&error)));
                }
            }
        };
        // An open socket gets `join` now; a connecting one when it opens (the `open` event
        // is a later task, so the handler set below cannot miss it).
        let on_open = if socket.ready_state() == WebSocket::OPEN {
            send_join();
            Closure::<dyn FnMut()>::new(|| {})
        } else {
            Closure::<dyn FnMut()>::new(send_join)
        };
        // When the oldest ping still unanswered went out (any message answers it). Timed
        // from the ping, not from the last message: a hidden tab's timers may fire once a
        // minute, and a quiet minute is no stall.
        let unanswered_since = Rc::new(Cell::new(None::<f64>));
        let on_message_closure = {
            let unanswered_since = Rc::clone(&unanswered_since);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                unanswered_since.set(None);
                let Some(text) = event.data().as_string() else {
                    on_problem.emit(MeetingProblem::ServerMessageUnreadable(
                        "the server sent a binary message".to_owned(),
                    ));
                    return;
                };
                match serde_json::from_str::<ServerMessage>(&text) {
                    Ok(message) => on_message.emit(message),
                    Err(error) => on_problem.emit(MeetingProblem::ServerMessageUnreadable(
                        format!("unreadable server message: {error}"),
                    )),
                }
            })
        };
        let closing = Rc::new(Cell::new(false));
        let heartbeat = {
            let socket = socket.clone();
            let closing = Rc::clone(&closing);
            let on_unexpected_close = on_unexpected_close.clone();
            let ping = serde_json::to_string(&ClientMessage::Ping)?;
            Interval::new(PING_INTERVAL_MS, move || {
                if closing.get() {
                    return;
                }
                let now = now_ms();
                if unanswered_since
                    .get()
                    .is_some_and(|since| now - since >= STALL_MS)
                {
                    // Reported once; the socket's own close event is ignored from now on.
                    closing.set(true);
                    let _ = socket.close_with_code(1000);
                    on_unexpected_close.emit(CloseInfo {
                        code: STALLED,
                        reason: describe_close(STALLED, ""),
                    });
                } else if socket.ready_state() == WebSocket::OPEN
                    && socket.send_with_str(&ping).is_ok()
                    && unanswered_since.get().is_none()
                {
                    unanswered_since.set(Some(now));
                }
            })
        };
        let on_close = {
            let closing = Rc::clone(&closing);
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                if !closing.replace(true) {
                    on_unexpected_close.emit(CloseInfo {
                        code: event.code(),
                        reason: describe_close(event.code(), &event.reason()),
                    });
                }
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message_closure.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            socket,
            closing,
            _on_open: on_open,
            _on_message: on_message_closure,
            _on_close: on_close,
            _heartbeat: heartbeat,
        })
    }

    /// Sends one message.
    pub fn send(&self, message: &ClientMessage) -> Result<(), SignalingError> {
        let text = serde_json::to_string(message)?;
        self.socket
            .send_with_str(&text)
            .map_err(|e| SignalingError::Send(describe_js_error(&e)))
    }
}

impl Drop for SignalingConnection {
    fn drop(&mut self) {
        self.closing.set(true);
        if self.socket.ready_state() == WebSocket::OPEN {
            // Best effort: the server also notices the close.
            let _ = self.send(&ClientMessage::Leave);
        }
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close_with_code(1000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, Translator};

    #[test]
    fn websocket_urls_follow_the_page_scheme() {
        let room = RoomId::parse("AbCdEfGhIjKlMnOpQrStUv").unwrap();
        assert_eq!(
            websocket_url("http:", "127.0.0.1:8080", &room),
            "ws://127.0.0.1:8080/ws/AbCdEfGhIjKlMnOpQrStUv"
        );
        assert_eq!(
            websocket_url("https:", "c.example", &room),
            "wss://c.example/ws/AbCdEfGhIjKlMnOpQrStUv"
        );
    }

    #[test]
    fn close_reasons_are_never_empty() {
        let english = Translator::new(Language::English);
        let shown = |code, reason| describe_close(code, reason).text(english);
        // Another code is worded by its number; the server's words are the detail only.
        let other = describe_close(4999, " going away ");
        assert_eq!(
            other.text(english),
            "The server closed the connection (code 4999)."
        );
        assert_eq!(other.detail(), Some("going away"));
        assert_eq!(describe_close(4999, "").detail(), None);
        assert!(shown(close_code::ROOM_FULL, "").contains("full"));
        // A full mesh room says why, in the page's language; the number is the server's.
        let mesh_full = describe_close(close_code::ROOM_FULL, close_code::mesh_room_full_reason(6));
        assert_eq!(mesh_full, CloseReason::MeshFull(6));
        assert_eq!(
            mesh_full.text(english),
            "The meeting is full: meetings without a media server hold at most 6 people."
        );
        assert_eq!(mesh_full.detail(), None);
        assert!(
            describe_close(close_code::ROOM_FULL, close_code::mesh_room_full_reason(6))
                .text(Translator::new(Language::French))
                .contains("serveur média")
        );
        assert_eq!(
            describe_close(close_code::ROOM_FULL, "room full"),
            CloseReason::RoomFull
        );
        assert!(shown(1006, " ").contains("lost"));
        assert!(shown(4999, "").contains("4999"));
        assert!(shown(STALLED, "").contains("stalled"));
        // A known code is worded by the page (in its language), whatever text came with it.
        assert_eq!(
            shown(close_code::OTHER_VERSION, "anything"),
            close_code::OTHER_VERSION_REASON
        );
        let german = Translator::new(Language::German);
        assert_ne!(describe_close(1006, "").text(german), shown(1006, ""));
    }

    #[test]
    fn only_lost_connections_are_worth_making_again() {
        for lost in [STALLED, 1006, 1001, 1012, close_code::TOO_SLOW] {
            assert!(is_worth_retrying(lost), "{lost}");
        }
        for refused in [
            1000,
            close_code::UNKNOWN_ROOM,
            close_code::ROOM_FULL,
            close_code::OTHER_VERSION,
            close_code::REMOVED,
            close_code::MEETING_ENDED,
            close_code::PROTOCOL_VIOLATION,
            close_code::MESSAGE_TOO_BIG,
        ] {
            assert!(!is_worth_retrying(refused), "{refused}");
        }
    }
}
