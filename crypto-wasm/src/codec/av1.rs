//! AV1 frames as a sequence of OBUs (AV1 bitstream specification, section 5.3: OBU syntax;
//! section 4.10.5: `leb128`), protected with their structure kept
//! ([`super::structured`]).
//!
//! # What stays in clear
//!
//! Every OBU header (1 byte: type, extension flag, size-present flag), its extension byte
//! (temporal and spatial layer ids, which an SFU reads to forward layers) and its `obu_size`
//! field. The payload of every OBU is encrypted, sequence headers included: WebRTC's AV1
//! packetizer and depacketizer read OBU types and sizes, never payloads.
//!
//! # What the transport changes
//!
//! The AV1 RTP payload format drops temporal delimiter, tile list and padding OBUs and
//! carries OBUs without their size field; the receiver writes OBUs back with
//! `obu_has_size_field = 1` and a minimal `leb128` size. So the authenticated form of a
//! header has the size-present bit cleared, sizes are not authenticated themselves (the
//! shares' lengths are, see [`super::structured`]), temporal delimiters (which must be
//! empty) pass in clear without being authenticated, and the sender drops tile list and
//! padding OBUs (the packetizer would drop them anyway; their payload must not go in clear).
//! A received tile list or padding OBU is dropped too: it is not authenticated.
//!
//! The size of each protected OBU is rewritten to its share of the ciphertext, in the
//! minimal `leb128` form; an OBU without a size field (only ever the last) keeps none.

use std::borrow::Cow;

use super::structured::Unit;
use super::MalformedFrame;

const OBU_TEMPORAL_DELIMITER: u8 = 2;
const OBU_TILE_LIST: u8 = 8;
const OBU_PADDING: u8 = 15;
const FORBIDDEN_BIT: u8 = 0x80;
const EXTENSION_FLAG: u8 = 0x04;
const HAS_SIZE_FIELD: u8 = 0x02;
/// Longest `leb128` the specification allows.
const MAX_LEB128_BYTES: usize = 8;

/// The `obu_type` of an OBU header byte.
pub fn obu_type(header: u8) -> u8 {
    (header >> 3) & 0x0f
}

/// Reads a `leb128` value: `(value, bytes read)`. Values above 2^32 - 1 are refused, as the
/// specification requires.
pub fn read_leb128(data: &[u8]) -> Result<(u32, usize), MalformedFrame> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().take(MAX_LEB128_BYTES).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let value = u32::try_from(value).map_err(|_| MalformedFrame::MalformedObuSize)?;
            return Ok((value, i + 1));
        }
    }
    if data.len() < MAX_LEB128_BYTES {
        Err(MalformedFrame::TruncatedObuHeader)
    } else {
        Err(MalformedFrame::MalformedObuSize)
    }
}

/// Appends `value` as a minimal `leb128`.
pub fn write_leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Splits a frame (to protect, or protected) into its OBUs: the head is the header and
/// extension byte, the body the payload. One pass, no OBU is read twice.
///
/// # Errors
/// A [`MalformedFrame`] naming the first fault.
pub fn parse(frame: &[u8]) -> Result<Vec<Unit<'_>>, MalformedFrame> {
    let mut units = Vec::new();
    let mut rest = frame;
    while let Some(&header) = rest.first() {
        if header & FORBIDDEN_BIT != 0 {
            return Err(MalformedFrame::ForbiddenBitSet);
        }
        let head_len = if header & EXTENSION_FLAG != 0 { 2 } else { 1 };
        let (head, after_head) = rest
            .split_at_checked(head_len)
            .ok_or(MalformedFrame::TruncatedObuHeader)?;
        let (payload, after) = if header & HAS_SIZE_FIELD != 0 {
            let (size, size_len) = read_leb128(after_head)?;
            let size = usize::try_from(size).map_err(|_| MalformedFrame::ObuPastEnd)?;
            after_head[size_len..]
                .split_at_checked(size)
                .ok_or(MalformedFrame::ObuPastEnd)?
        } else {
            (after_head, &after_head[after_head.len()..])
        };
        rest = after;
        match obu_type(header) {
            OBU_TEMPORAL_DELIMITER => {
                if !payload.is_empty() {
                    return Err(MalformedFrame::TemporalDelimiterPayload);
                }
                units.push(Unit {
                    lead: &[],
                    head,
                    authenticated: false,
                    body: None,
                });
            }
            OBU_TILE_LIST | OBU_PADDING => {}
            _ => units.push(Unit {
                lead: &[],
                head,
                authenticated: true,
                body: Some(Cow::Borrowed(payload)),
            }),
        }
    }
    Ok(units)
}

/// Writes one OBU: head, the size of `body` if the head says it has a size field, `body`.
pub(crate) fn write_unit(out: &mut Vec<u8>, unit: &Unit<'_>, body: Option<&[u8]>) {
    out.extend_from_slice(unit.head);
    let body = body.unwrap_or_default();
    if unit.head.first().is_some_and(|h| h & HAS_SIZE_FIELD != 0) {
        write_leb128(out, body.len());
    }
    out.extend_from_slice(body);
}

/// Appends the authenticated form of an OBU head: the size-present bit cleared.
pub(crate) fn push_normalized_head(metadata: &mut Vec<u8>, head: &[u8]) {
    if let Some((&header, extension)) = head.split_first() {
        metadata.push(header & !HAS_SIZE_FIELD);
        metadata.extend_from_slice(extension);
    }
}
