//! Attack: on a server whose operator set a room-creation secret or token key, someone
//! from the internet creates rooms (and so draws TURN credentials), or re-creates one with
//! `PUT /api/rooms/{id}`. Every request below without a valid credential must get 401
//! `creation_not_allowed` and create nothing; a portal's token, the shared secret, or the
//! room's own hold token (from `joined`) must work, and a hold token only for its room.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{TestServer, WAIT};
use conclave_protocol::{
    ApiError, ApiErrorCode, ClientMessage, CreatedRoom, HoldToken, RoomId, ServerMessage,
};
use conclave_signaling_server::config::{RoomCreationConfig, Secret};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN_KEY: &str = "portal-and-server-share-this-32-byte-key!";
const SECRET: &str = "organisers-know-this-creation-secret-0123";

struct Reply {
    status: u16,
    body: String,
}

/// One HTTP/1.1 request with an optional `Authorization` value.
async fn request(addr: SocketAddr, method: &str, path: &str, auth: Option<&str>) -> Reply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let auth = auth.map_or(String::new(), |value| format!("Authorization: {value}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Length: 0\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw))
        .await
        .expect("the reply arrives in time")
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        body: body.to_owned(),
    }
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// A compact JWS over `header` and `claims`, signed with HMAC-SHA256 under `key`.
fn jwt(header: &str, claims: &str, key: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{input}.{signature}")
}

/// A token as a portal mints it: HS256, valid for five minutes.
fn portal_token() -> String {
    let claims = format!(r#"{{"exp":{}}}"#, unix_now() + 300);
    jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &claims,
        TOKEN_KEY.as_bytes(),
    )
}

fn bearer(credential: &str) -> String {
    format!("Bearer {credential}")
}

async fn gated_by_token() -> TestServer {
    TestServer::start_with(|config| {
        config.room_creation = RoomCreationConfig::TokenKey(Secret::new(TOKEN_KEY));
    })
    .await
}

/// Asserts a 401 `creation_not_allowed`; returns its message.
fn refused(reply: &Reply) -> String {
    assert_eq!(reply.status, 401, "{}", reply.body);
    let error: ApiError = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(error.code, ApiErrorCode::CreationNotAllowed);
    error.message
}

fn created(reply: &Reply) -> RoomId {
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: CreatedRoom = serde_json::from_str(&reply.body).unwrap();
    created.room_id
}

/// Joins `room` and returns the hold token `joined` carried.
async fn hold_token_of(server: &TestServer, room: &RoomId) -> Option<HoldToken> {
    let mut participant = server.connect(room.as_str()).await;
    participant.send(&ClientMessage::join()).await;
    match participant.recv().await {
        ServerMessage::Joined { hold_token, .. } => hold_token,
        other => panic!("expected joined, got {other:?}"),
    }
}

/// A room id nobody created, as an attacker would pick one.
const ATTACKERS_ROOM: &str = "AAAAAAAAAAAAAAAAAAAAAA";

#[tokio::test]
async fn without_a_credential_nobody_creates_or_holds_a_room() {
    let server = gated_by_token().await;
    let addr = server.addr;
    let message = refused(&request(addr, "POST", "/api/rooms", None).await);
    assert!(message.contains("credential"), "{message}");
    let hold_path = format!("/api/rooms/{ATTACKERS_ROOM}");
    refused(&request(addr, "PUT", &hold_path, None).await);
    // Other schemes and garbage change nothing either.
    for auth in [
        "Basic b3JnYW5pc2VyOnB3",
        "Bearer",
        "Bearer ",
        "Bearer x.y.z",
    ] {
        refused(&request(addr, "POST", "/api/rooms", Some(auth)).await);
        refused(&request(addr, "PUT", &hold_path, Some(auth)).await);
    }
    // Nothing was created: the attacker's room cannot be joined.
    let mut socket = server.connect(ATTACKERS_ROOM).await;
    socket.send(&ClientMessage::join()).await;
    assert!(!matches!(socket.recv().await, ServerMessage::Joined { .. }));
    server.stop().await;
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_refused() {
    let server = gated_by_token().await;
    let addr = server.addr;
    let now = unix_now();
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let fresh = format!(r#"{{"exp":{}}}"#, now + 300);
    let wrong_key = jwt(header, &fresh, b"not-the-portal-key-not-the-portal-key");
    refused(&request(addr, "POST", "/api/rooms", Some(&bearer(&wrong_key))).await);
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(&fresh)
    );
    refused(&request(addr, "POST", "/api/rooms", Some(&bearer(&unsigned))).await);
    let expired = jwt(
        header,
        &format!(r#"{{"exp":{}}}"#, now - 600),
        TOKEN_KEY.as_bytes(),
    );
    let message = refused(&request(addr, "POST", "/api/rooms", Some(&bearer(&expired))).await);
    assert!(message.contains("expired"), "{message}");
    let no_expiry = jwt(header, r#"{"sub":"organiser"}"#, TOKEN_KEY.as_bytes());
    refused(&request(addr, "POST", "/api/rooms", Some(&bearer(&no_expiry))).await);
    server.stop().await;
}

#[tokio::test]
async fn a_portal_token_creates_and_the_hold_token_holds_only_its_room() {
    let server = gated_by_token().await;
    let addr = server.addr;
    let token = bearer(&portal_token());
    let room_a = created(&request(addr, "POST", "/api/rooms", Some(&token)).await);
    let room_b = created(&request(addr, "POST", "/api/rooms", Some(&token)).await);
    let hold_a = hold_token_of(&server, &room_a)
        .await
        .expect("a gated server hands members a hold token");
    let hold_a = bearer(&hold_a.0);
    let path_a = format!("/api/rooms/{room_a}");
    let path_b = format!("/api/rooms/{room_b}");
    assert_eq!(
        request(addr, "PUT", &path_a, Some(&hold_a)).await.status,
        200
    );
    refused(&request(addr, "PUT", &path_b, Some(&hold_a)).await);
    let elsewhere = format!("/api/rooms/{ATTACKERS_ROOM}");
    refused(&request(addr, "PUT", &elsewhere, Some(&hold_a)).await);
    // A hold token is no creation credential.
    refused(&request(addr, "POST", "/api/rooms", Some(&hold_a)).await);
    // An organiser's token holds any room (as a creation would).
    assert_eq!(
        request(addr, "PUT", &path_b, Some(&token)).await.status,
        200
    );
    server.stop().await;
}

#[tokio::test]
async fn a_hold_token_survives_a_restart_of_the_same_configuration() {
    let first = gated_by_token().await;
    let room = created(
        &request(
            first.addr,
            "POST",
            "/api/rooms",
            Some(&bearer(&portal_token())),
        )
        .await,
    );
    let hold = hold_token_of(&first, &room).await.unwrap();
    first.stop().await;
    let restarted = gated_by_token().await;
    let path = format!("/api/rooms/{room}");
    let reply = request(restarted.addr, "PUT", &path, Some(&bearer(&hold.0))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    restarted.stop().await;
}

#[tokio::test]
async fn the_shared_secret_creates_and_one_wrong_byte_does_not() {
    let server = TestServer::start_with(|config| {
        config.room_creation = RoomCreationConfig::SharedSecret(Secret::new(SECRET));
    })
    .await;
    let addr = server.addr;
    created(&request(addr, "POST", "/api/rooms", Some(&bearer(SECRET))).await);
    let mut wrong = SECRET.as_bytes().to_vec();
    wrong[SECRET.len() - 1] ^= 1;
    let wrong = String::from_utf8(wrong).unwrap();
    refused(&request(addr, "POST", "/api/rooms", Some(&bearer(&wrong))).await);
    refused(
        &request(
            addr,
            "POST",
            "/api/rooms",
            Some(&bearer(&SECRET[..SECRET.len() - 1])),
        )
        .await,
    );
    server.stop().await;
}

#[tokio::test]
async fn an_open_server_lets_anyone_create_and_hands_out_no_hold_token() {
    let server = TestServer::start().await;
    let room = created(&request(server.addr, "POST", "/api/rooms", None).await);
    assert_eq!(hold_token_of(&server, &room).await, None);
    server.stop().await;
}
