//! A minimal native client of Conclave's signaling protocol (`conclave-protocol`).
//!
//! As a page does: create a room with `POST /api/rooms` ([`create_room`]), open
//! `GET /ws/{room_id}` ([`SignalingConnection::open`]), send `join`
//! ([`SignalingConnection::join`]), then exchange [`ClientMessage`]s and
//! [`ServerMessage`]s. Plain `http://` and `ws://` only: it talks to servers on this
//! machine (benchmarks, headless test members), never across a network.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use conclave_protocol::{
    ClientMessage, CreatedRoom, ErrorCode, ParticipantId, RoomId, ServerMessage,
};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

/// Longest wait for the reply to `POST /api/rooms`.
const ROOM_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest reply to `POST /api/rooms` read (a room id in JSON is far smaller).
const MAX_ROOM_REPLY_BYTES: u64 = 16 * 1024;
/// Read buffer of each connection. Signaling messages are small and one process may hold
/// ten thousand connections: tungstenite's default (128 KiB each) would be 1.3 GB.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Why talking to a signaling server failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignalingError {
    /// The server address is not `http://HOST:PORT` (with an optional trailing `/`).
    #[error("not an http://HOST:PORT server address: {0:?}")]
    BadServerAddress(String),
    /// The TCP connection or the HTTP exchange failed.
    #[error("cannot talk to {server}: {source}")]
    Io {
        /// The server.
        server: String,
        /// What the socket said.
        source: std::io::Error,
    },
    /// `POST /api/rooms` was answered with another status than 201 Created.
    #[error("{server} refused to create a room: {status_line}")]
    RoomRefused {
        /// The server.
        server: String,
        /// The reply's status line (for example `HTTP/1.1 503 Service Unavailable`).
        status_line: String,
    },
    /// `POST /api/rooms` was answered 201 with a body that holds no room id.
    #[error("{server} answered POST /api/rooms without a room id")]
    BadRoomReply {
        /// The server.
        server: String,
    },
    /// The WebSocket handshake or a frame failed.
    #[error("WebSocket: {0}")]
    WebSocket(#[source] Box<tungstenite::Error>),
    /// The server closed the connection (with its close code and reason, if it sent one).
    #[error("the server closed the connection ({code}: {reason})")]
    Closed {
        /// The close code (1005 when the server sent none).
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// The server sent a frame that is no protocol message.
    #[error("the server sent something that is no protocol message: {0}")]
    MalformedServerMessage(String),
    /// The server answered a request with an `error` message.
    #[error("the server refused: {code:?}: {message}")]
    Refused {
        /// The error's code.
        code: ErrorCode,
        /// The error's explanation.
        message: String,
    },
    /// The server did not answer in time.
    #[error("no reply in time from {0}")]
    TimedOut(String),
}

impl From<tungstenite::Error> for SignalingError {
    fn from(error: tungstenite::Error) -> Self {
        Self::WebSocket(Box::new(error))
    }
}

/// A signaling server's address: `http://HOST:PORT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAddress {
    host: String,
    port: u16,
}

impl ServerAddress {
    /// Parses `http://HOST:PORT` or `http://HOST:PORT/`.
    pub fn parse(text: &str) -> Result<Self, SignalingError> {
        let bad = || SignalingError::BadServerAddress(text.to_owned());
        let authority = text.strip_prefix("http://").ok_or_else(bad)?;
        let authority = authority.strip_suffix('/').unwrap_or(authority);
        let (host, port) = authority.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host_is_plain = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        if !host_is_plain || port == 0 {
            return Err(bad());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }

    /// `HOST:PORT`, as the `Host` header and the socket address want it.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn host_for_socket(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }

    async fn connect_tcp(&self) -> Result<TcpStream, SignalingError> {
        let stream = TcpStream::connect((self.host_for_socket(), self.port))
            .await
            .map_err(|source| self.io_error(source))?;
        // Signaling messages are small and latency-bound: send each at once.
        stream
            .set_nodelay(true)
            .map_err(|source| self.io_error(source))?;
        Ok(stream)
    }

    fn io_error(&self, source: std::io::Error) -> SignalingError {
        SignalingError::Io {
            server: self.to_string(),
            source,
        }
    }
}

impl FromStr for ServerAddress {
    type Err = SignalingError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for ServerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}:{}", self.host, self.port)
    }
}

/// Creates an empty room: `POST /api/rooms` over one HTTP/1.1 connection.
pub async fn create_room(server: &ServerAddress) -> Result<RoomId, SignalingError> {
    let exchange = async {
        let mut stream = server.connect_tcp().await?;
        let request = format!(
            "POST /api/rooms HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            server.authority()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|source| server.io_error(source))?;
        let mut reply = Vec::new();
        stream
            .take(MAX_ROOM_REPLY_BYTES)
            .read_to_end(&mut reply)
            .await
            .map_err(|source| server.io_error(source))?;
        Ok::<_, SignalingError>(reply)
    };
    let reply = timeout(ROOM_REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| SignalingError::TimedOut(server.to_string()))??;
    room_from_reply(server, &reply)
}

/// The room id in a reply to `POST /api/rooms` (status line, headers, JSON body).
fn room_from_reply(server: &ServerAddress, reply: &[u8]) -> Result<RoomId, SignalingError> {
    let text = String::from_utf8_lossy(reply);
    let status_line = text.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) != Some("201") {
        return Err(SignalingError::RoomRefused {
            server: server.to_string(),
            status_line: status_line.to_owned(),
        });
    }
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body);
    body.and_then(|body| serde_json::from_str::<CreatedRoom>(body).ok())
        .map(|created| created.room_id)
        .ok_or_else(|| SignalingError::BadRoomReply {
            server: server.to_string(),
        })
}

/// What the server said in reply to `join`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Joined {
    /// This connection's id in the room.
    pub you: ParticipantId,
    /// The others already in the room, in join order.
    pub participants: Vec<ParticipantId>,
}

/// One WebSocket connection to a room.
pub struct SignalingConnection {
    socket: WebSocketStream<TcpStream>,
}

impl SignalingConnection {
    /// Opens `GET /ws/{room}` (no `join` yet).
    pub async fn open(server: &ServerAddress, room: &RoomId) -> Result<Self, SignalingError> {
        let stream = server.connect_tcp().await?;
        let url = format!("ws://{}/ws/{}", server.authority(), room);
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
        let (socket, _response) =
            tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await?;
        Ok(Self { socket })
    }

    /// Sends `join` of this protocol version and waits for `joined`. An `error` reply or a
    /// close (room full, unknown room, another version) is an error.
    pub async fn join(&mut self) -> Result<Joined, SignalingError> {
        self.send(&ClientMessage::join()).await?;
        loop {
            match self.receive().await? {
                ServerMessage::Joined {
                    you, participants, ..
                } => {
                    let participants = participants.into_iter().map(|p| p.id).collect();
                    return Ok(Joined { you, participants });
                }
                ServerMessage::Error { code, message } => {
                    return Err(SignalingError::Refused { code, message })
                }
                _ => {}
            }
        }
    }

    /// Sends one message.
    pub async fn send(&mut self, message: &ClientMessage) -> Result<(), SignalingError> {
        let json = serde_json::to_string(message)
            .map_err(|error| SignalingError::MalformedServerMessage(error.to_string()))?;
        self.socket.send(Message::text(json)).await?;
        Ok(())
    }

    /// The next protocol message (pings are answered and skipped). Cancel-safe: a
    /// `select!` may drop it without losing a message.
    pub async fn receive(&mut self) -> Result<ServerMessage, SignalingError> {
        loop {
            let frame = match self.socket.next().await {
                Some(frame) => frame?,
                None => {
                    return Err(SignalingError::Closed {
                        code: 1006,
                        reason: "connection lost".to_owned(),
                    })
                }
            };
            match frame {
                Message::Text(text) => {
                    return serde_json::from_str(text.as_str())
                        .map_err(|error| SignalingError::MalformedServerMessage(error.to_string()))
                }
                Message::Close(frame) => {
                    let (code, reason) = frame
                        .map(|frame| (u16::from(frame.code), frame.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Err(SignalingError::Closed { code, reason });
                }
                Message::Binary(_) => {
                    return Err(SignalingError::MalformedServerMessage(
                        "a binary frame".to_owned(),
                    ))
                }
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_plain_http_host_and_port() {
        let address = ServerAddress::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(address.authority(), "127.0.0.1:8080");
        assert_eq!(address.to_string(), "http://127.0.0.1:8080");
        assert_eq!(
            ServerAddress::parse("http://[::1]:9").unwrap().authority(),
            "[::1]:9"
        );
        for bad in [
            "https://127.0.0.1:8080",
            "127.0.0.1:8080",
            "http://127.0.0.1",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://:80",
            "http://host/path:80",
            "http://a b:80",
        ] {
            assert!(ServerAddress::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_room_reply_gives_the_room_id_or_says_what_was_wrong() {
        let server = ServerAddress::parse("http://127.0.0.1:1").unwrap();
        let created = b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\r\n\
            {\"room_id\":\"AAAAAAAAAAAAAAAAAAAAAA\"}";
        assert_eq!(
            room_from_reply(&server, created).unwrap().as_str(),
            "AAAAAAAAAAAAAAAAAAAAAA"
        );
        let busy = b"HTTP/1.1 503 Service Unavailable\r\n\r\n{}";
        assert!(matches!(
            room_from_reply(&server, busy),
            Err(SignalingError::RoomRefused { status_line, .. }) if status_line.contains("503")
        ));
        let no_id = b"HTTP/1.1 201 Created\r\n\r\n{\"room_id\":\"short\"}";
        assert!(matches!(
            room_from_reply(&server, no_id),
            Err(SignalingError::BadRoomReply { .. })
        ));
        assert!(room_from_reply(&server, b"").is_err());
    }
}
