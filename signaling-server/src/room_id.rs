//! Fresh room ids: 128 bits from the operating system's CSPRNG (through `rand`'s
//! thread-local generator), written as 22 characters of unpadded base64url (RFC 4648 §5).

use conclave_protocol::RoomId;

/// The base64url alphabet, RFC 4648 section 5, table 2.
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Draws a new random room id.
pub fn random_room_id() -> RoomId {
    room_id_from_bytes(rand::random())
}

/// Writes 16 bytes as a room id.
pub fn room_id_from_bytes(bytes: [u8; 16]) -> RoomId {
    let text = encode_base64url_unpadded(&bytes);
    // Invariant: 16 bytes encode to exactly 22 base64url characters, which is what
    // `RoomId::parse` accepts; the unit tests below check it.
    #[allow(clippy::expect_used)]
    RoomId::parse(&text).expect("16 bytes encode to a well-formed room id")
}

/// Unpadded base64url encoding (RFC 4648 §5, §3.2 "padding may be omitted").
fn encode_base64url_unpadded(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        // A chunk of n bytes yields n + 1 characters when padding is omitted.
        for index in 0..=chunk.len() {
            let sextet = (bits >> (18 - 6 * index)) & 0x3f;
            out.push(char::from(BASE64URL[sextet as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_test_vectors_encode() {
        // RFC 4648 section 10, without the padding.
        let vectors = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (clear, encoded) in vectors {
            assert_eq!(encode_base64url_unpadded(clear.as_bytes()), encoded);
        }
    }

    #[test]
    fn url_safe_alphabet_is_used() {
        assert_eq!(encode_base64url_unpadded(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn room_ids_are_22_chars_and_differ() {
        assert_eq!(
            room_id_from_bytes([0xff; 16]).as_str(),
            "_____________________w"
        );
        let a = random_room_id();
        let b = random_room_id();
        assert_eq!(a.as_str().len(), conclave_protocol::ROOM_ID_CHARS);
        assert_ne!(a, b);
    }
}
