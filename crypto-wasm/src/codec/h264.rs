//! H.264 frames in the Annex B byte-stream format (ITU-T H.264 Annex B; NAL unit syntax in
//! section 7.3.1, slice header in 7.3.3), protected with their structure kept
//! ([`super::structured`]).
//!
//! # What stays in clear
//!
//! - every start code (the lead, not authenticated: RTP (RFC 6184) carries NAL units without
//!   one and the receiver writes its own, usually `00 00 00 01`);
//! - every NAL unit header: 1 byte, 4 for types 14, 20 and 21 (header extension);
//! - parameter sets (types 7 SPS, 8 PPS, 13 SPS extension, 15 subset SPS) entirely: they
//!   hold coding parameters (profile, level, picture size), no picture content, and WebRTC's
//!   depacketizer drops every packet whose SPS or PPS it cannot parse;
//! - in slices (types 1 and 5) the first three slice header fields, `first_mb_in_slice`,
//!   `slice_type` and `pic_parameter_set_id`: the depacketizer drops slices whose header
//!   it cannot parse, tells frame starts from `first_mb_in_slice == 0` and checks that a key
//!   frame's parameter sets arrived through `pic_parameter_set_id`. The clear part ends
//!   with the byte holding the last bit of `pic_parameter_set_id`;
//! - the payload of every other NAL unit (SEI, AUD, ...) and the rest of each slice is
//!   encrypted.
//!
//! # Escaping
//!
//! Ciphertext is random, so it would contain start codes (`00 00 01`) that split the frame
//! at the wrong places. Each NAL unit's share of the ciphertext is escaped as H.264 escapes
//! a NAL unit payload (section 7.4.1, emulation prevention): after two zero bytes, a byte
//! `0x03` is inserted before any byte `0x00`..`0x03`, counting the zero bytes at the end
//! of the clear part before it. The escaped share is followed by `0x80` (like
//! `rbsp_trailing_bits`), so a NAL unit never ends in a zero byte that a following
//! `00 00 01` would take for part of a 4-byte start code. The receiver checks the `0x80`,
//! removes it and undoes the escaping, rejecting anything the escaping cannot produce.

use std::borrow::Cow;

use super::structured::Unit;
use super::MalformedFrame;

/// NAL unit types whose header has a 3-byte extension (section 7.3.1).
const EXTENDED_HEADER_TYPES: [u8; 3] = [14, 20, 21];
/// Parameter set NAL unit types, kept entirely in clear.
const PARAMETER_SET_TYPES: [u8; 4] = [7, 8, 13, 15];
/// Slice NAL unit types whose first slice header fields stay in clear.
const SLICE_TYPES: [u8; 2] = [1, 5];
/// Follows each escaped share of the ciphertext.
const SHARE_TRAILER: u8 = 0x80;
/// The emulation prevention byte.
const EMULATION_PREVENTION: u8 = 0x03;

/// The `nal_unit_type` of a NAL unit header byte.
pub fn nal_unit_type(header: u8) -> u8 {
    header & 0x1f
}

/// Position of the next `00 00 01` at or after `from`.
fn find_start_code(data: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?
        .windows(3)
        .position(|w| w == [0, 0, 1])
        .map(|i| from + i)
}

/// A start code (with the zero bytes before it) and the NAL unit after it.
type LeadAndNal<'a> = (&'a [u8], &'a [u8]);

/// Splits an Annex B byte stream into `(lead, nal_unit)` pairs. A lead is a start code with
/// any zero bytes before it (`zero_byte`, `leading_zero_8bits` and the
/// `trailing_zero_8bits` of the NAL unit before); zero bytes at the very end are dropped.
/// One pass over the frame.
fn split_annex_b(frame: &[u8]) -> Result<Vec<LeadAndNal<'_>>, MalformedFrame> {
    let first = find_start_code(frame, 0).ok_or(MalformedFrame::MissingStartCode)?;
    if frame[..first].iter().any(|&b| b != 0) {
        return Err(MalformedFrame::MissingStartCode);
    }
    let mut units = Vec::new();
    let mut lead_start = 0;
    let mut nal_start = first + 3;
    loop {
        let next = find_start_code(frame, nal_start);
        let raw_end = next.unwrap_or(frame.len());
        let trailing_zeros = frame[nal_start..raw_end]
            .iter()
            .rev()
            .take_while(|&&b| b == 0)
            .count();
        let nal_end = raw_end - trailing_zeros;
        if nal_end == nal_start {
            return Err(MalformedFrame::EmptyNalUnit);
        }
        units.push((&frame[lead_start..nal_start], &frame[nal_start..nal_end]));
        match next {
            Some(start) => {
                lead_start = nal_end;
                nal_start = start + 3;
            }
            None => return Ok(units),
        }
    }
}

/// Reads bits, most significant first, from an escaped NAL unit payload, skipping emulation
/// prevention bytes.
struct BitReader<'a> {
    data: &'a [u8],
    /// Index of the next byte to load.
    next: usize,
    /// Zero bytes just before `next` (at most 2).
    zeros: u8,
    byte: u8,
    bits_left: u8,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            next: 0,
            zeros: 0,
            byte: 0,
            bits_left: 0,
        }
    }

    fn bit(&mut self) -> Option<u8> {
        if self.bits_left == 0 {
            let mut byte = *self.data.get(self.next)?;
            if self.zeros >= 2 && byte == EMULATION_PREVENTION {
                self.next += 1;
                self.zeros = 0;
                byte = *self.data.get(self.next)?;
            }
            self.next += 1;
            self.zeros = if byte == 0 {
                (self.zeros + 1).min(2)
            } else {
                0
            };
            self.byte = byte;
            self.bits_left = 8;
        }
        self.bits_left -= 1;
        Some((self.byte >> self.bits_left) & 1)
    }

    /// An unsigned Exp-Golomb code `ue(v)` (section 9.1) of at most 32 bits.
    fn ue(&mut self) -> Option<u32> {
        let mut leading_zeros = 0u32;
        while self.bit()? == 0 {
            leading_zeros += 1;
            if leading_zeros > 31 {
                return None;
            }
        }
        let mut suffix = 0u64;
        for _ in 0..leading_zeros {
            suffix = (suffix << 1) | u64::from(self.bit()?);
        }
        u32::try_from((1u64 << leading_zeros) - 1 + suffix).ok()
    }

    /// Bytes consumed so far, emulation prevention bytes included.
    fn consumed(&self) -> usize {
        self.next
    }
}

/// Length of the clear part of a slice payload (after the NAL unit header): up to the byte
/// holding the last bit of `pic_parameter_set_id`.
fn slice_clear_len(payload: &[u8]) -> Result<usize, MalformedFrame> {
    let mut reader = BitReader::new(payload);
    for _field in ["first_mb_in_slice", "slice_type", "pic_parameter_set_id"] {
        reader.ue().ok_or(MalformedFrame::MalformedSliceHeader)?;
    }
    Ok(reader.consumed())
}

/// How much of `nal` is clear (its head), and whether the rest is encrypted.
fn head_len(nal: &[u8]) -> Result<(usize, bool), MalformedFrame> {
    let header = nal[0];
    if header & 0x80 != 0 {
        return Err(MalformedFrame::ForbiddenBitSet);
    }
    let nal_type = nal_unit_type(header);
    if PARAMETER_SET_TYPES.contains(&nal_type) {
        return Ok((nal.len(), false));
    }
    if EXTENDED_HEADER_TYPES.contains(&nal_type) {
        if nal.len() < 4 {
            return Err(MalformedFrame::TruncatedNalHeader);
        }
        return Ok((4, true));
    }
    if SLICE_TYPES.contains(&nal_type) {
        return Ok((1 + slice_clear_len(&nal[1..])?, true));
    }
    Ok((1, true))
}

/// Splits a frame to protect into units: start code, clear head, payload to encrypt.
///
/// # Errors
/// A [`MalformedFrame`] naming the first fault.
pub fn parse_plain(frame: &[u8]) -> Result<Vec<Unit<'_>>, MalformedFrame> {
    split_annex_b(frame)?
        .into_iter()
        .map(|(lead, nal)| {
            let (head, encrypted) = head_len(nal)?;
            let (head, body) = nal.split_at(head);
            Ok(Unit {
                lead,
                head,
                authenticated: true,
                body: encrypted.then_some(Cow::Borrowed(body)),
            })
        })
        .collect()
}

/// Splits a protected frame into units, each body unescaped (without its trailer).
///
/// # Errors
/// A [`MalformedFrame`] for any fault; the caller reports only that the frame failed.
pub fn parse_protected(frame: &[u8]) -> Result<Vec<Unit<'_>>, MalformedFrame> {
    split_annex_b(frame)?
        .into_iter()
        .map(|(lead, nal)| {
            let (head, encrypted) = head_len(nal)?;
            let (head, share) = nal.split_at(head);
            let body = if encrypted {
                let escaped = share
                    .strip_suffix(&[SHARE_TRAILER])
                    .ok_or(MalformedFrame::MalformedShare)?;
                Some(Cow::Owned(
                    unescape(escaped, trailing_zeros(head))
                        .ok_or(MalformedFrame::MalformedShare)?,
                ))
            } else {
                None
            };
            Ok(Unit {
                lead,
                head,
                authenticated: true,
                body,
            })
        })
        .collect()
}

/// Writes one NAL unit: lead, head, then the body, escaped and followed by the trailer
/// when `protected`.
pub(crate) fn write_unit(out: &mut Vec<u8>, unit: &Unit<'_>, body: Option<&[u8]>, protected: bool) {
    out.extend_from_slice(unit.lead);
    out.extend_from_slice(unit.head);
    if let Some(body) = body {
        if protected {
            escape_into(out, body, trailing_zeros(unit.head));
            out.push(SHARE_TRAILER);
        } else {
            out.extend_from_slice(body);
        }
    }
}

/// Zero bytes at the end of `bytes`, at most 2: the escaping state after them.
fn trailing_zeros(bytes: &[u8]) -> u8 {
    match bytes {
        [.., 0, 0] => 2,
        [.., 0] => 1,
        _ => 0,
    }
}

/// Appends `data` escaped: after two zero bytes (counting `zeros` already written), `0x03`
/// goes before any byte up to `0x03`.
pub fn escape_into(out: &mut Vec<u8>, data: &[u8], mut zeros: u8) {
    for &byte in data {
        if zeros >= 2 && byte <= EMULATION_PREVENTION {
            out.push(EMULATION_PREVENTION);
            zeros = 0;
        }
        out.push(byte);
        zeros = if byte == 0 { (zeros + 1).min(2) } else { 0 };
    }
}

/// Undoes [`escape_into`]; `None` for anything it cannot have written (a start code or
/// `00 00 00`/`00 00 02`, an emulation prevention byte not followed by a byte up to `0x03`).
pub fn unescape(data: &[u8], mut zeros: u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut bytes = data.iter().copied();
    while let Some(byte) = bytes.next() {
        if zeros >= 2 {
            if byte == EMULATION_PREVENTION {
                let next = bytes.next().filter(|&b| b <= EMULATION_PREVENTION)?;
                out.push(next);
                zeros = u8::from(next == 0);
                continue;
            }
            if byte < EMULATION_PREVENTION {
                return None;
            }
        }
        out.push(byte);
        zeros = if byte == 0 { (zeros + 1).min(2) } else { 0 };
    }
    Some(out)
}

/// Whether `data` holds an Annex B start code (`00 00 01`) at or after `from`.
pub fn contains_start_code(data: &[u8], from: usize) -> bool {
    find_start_code(data, from).is_some()
}
