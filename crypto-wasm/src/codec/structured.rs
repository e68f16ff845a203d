//! Frames that keep their unit structure when protected: H.264 ([`super::h264`]) and AV1
//! ([`super::av1`]). RFC 9605 section 9.4 leaves to the application which codec bytes stay
//! in clear and requires them to be authenticated; this module is that rule for codecs whose
//! clear bytes are spread over the frame instead of forming a prefix.
//!
//! # Layout
//!
//! A frame is a sequence of units (NAL units, OBUs). Each unit has
//! - a *lead* written before it and neither authenticated nor encrypted (an Annex B start
//!   code: RTP carries NAL units without one, so the receiver may see another form),
//! - a *head* that stays in clear and is authenticated (the unit header, and whatever the
//!   codec's rules add to it),
//! - and possibly a *body*, the payload that is encrypted.
//!
//! The bodies are concatenated, padded (see below) and encrypted as one SFrame ciphertext,
//! `SFrame header || ciphertext || tag`, which is then cut back into the units: the first unit
//! with a body carries the SFrame header and its own share of the ciphertext, each later one
//! its share, the last one also the padding and the tag. Each codec writes its share in its
//! own way (H.264 escapes it so that no start code appears, AV1 rewrites the OBU size).
//!
//! # What is authenticated
//!
//! The AAD metadata is never sent: both sides build it from the clear structure. It is
//! `format id || for each authenticated unit: u32(len head) || head || region`, with `head` in
//! the codec's normalized form (AV1 clears the OBU size-present bit, which RTP rewrites) and
//! `region` one byte: 0 = no body, 1 = a body of the `u32` length that follows, 2 = the last
//! body (its length is bound by the padding inside the ciphertext). So a changed header,
//! a unit moved, added or removed, or ciphertext bytes moved from one unit to another, all
//! make the frame fail.
//!
//! # Padding
//!
//! The plaintext is `bodies || 0x80 || 0x00*`, padded to at least 16 bytes (ISO/IEC 7816-4
//! padding, always at least one byte). The SFrame layer keeps `min(prefix, L - (17 + Nt))`
//! bytes in clear ([`super::clear_len`]); with at least 16 bytes of plaintext and a header of
//! at least 1 byte, the whole metadata is always the clear prefix, so its length never
//! depends on the frame's size.

use std::borrow::Cow;

use super::{av1, h264, MalformedFrame};
use crate::header::{SframeHeader, MAX_HEADER_LEN};
use crate::Error;

/// Shortest padded plaintext: one less than the longest SFrame header (see the module docs).
const MIN_PADDED_LEN: usize = MAX_HEADER_LEN - 1;
/// First byte of the padding.
const PADDING_MARK: u8 = 0x80;

/// A codec whose frames keep their unit structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// H.264 Annex B byte stream ([`super::h264`]).
    H264,
    /// AV1 OBUs ([`super::av1`]).
    Av1,
}

/// One unit of a frame (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<'a> {
    /// Written before the head; neither authenticated nor encrypted.
    pub lead: &'a [u8],
    /// Clear and authenticated (in the codec's normalized form).
    pub head: &'a [u8],
    /// Whether the unit enters the metadata. Only units that carry nothing and that the
    /// transport may drop (AV1 temporal delimiters) are left out.
    pub authenticated: bool,
    /// The payload: plaintext when sending, the decoded share of the SFrame ciphertext when
    /// receiving. `None` for a unit that stays entirely in clear.
    pub body: Option<Cow<'a, [u8]>>,
}

impl Format {
    fn id(self) -> u8 {
        match self {
            Self::H264 => 1,
            Self::Av1 => 2,
        }
    }

    /// Splits a frame to protect into its units.
    fn parse_plain(self, frame: &[u8]) -> Result<Vec<Unit<'_>>, MalformedFrame> {
        match self {
            Self::H264 => h264::parse_plain(frame),
            Self::Av1 => av1::parse(frame),
        }
    }

    /// Splits a protected frame into its units, bodies decoded.
    fn parse_protected(self, frame: &[u8]) -> Result<Vec<Unit<'_>>, MalformedFrame> {
        match self {
            Self::H264 => h264::parse_protected(frame),
            Self::Av1 => av1::parse(frame),
        }
    }

    /// Writes one unit with `body`, encoded for the wire when `protected`.
    fn write_unit(self, out: &mut Vec<u8>, unit: &Unit<'_>, body: Option<&[u8]>, protected: bool) {
        match self {
            Self::H264 => h264::write_unit(out, unit, body, protected),
            Self::Av1 => av1::write_unit(out, unit, body),
        }
    }

    /// Appends `head` in the form that is authenticated.
    fn push_normalized_head(self, metadata: &mut Vec<u8>, head: &[u8]) {
        match self {
            Self::H264 => metadata.extend_from_slice(head),
            Self::Av1 => av1::push_normalized_head(metadata, head),
        }
    }

    /// The AAD metadata; `body_lens[i]` is the length of the `i`-th body (the last one is
    /// not used, see the module documentation).
    fn metadata(self, units: &[Unit<'_>], body_lens: &[usize]) -> Result<Vec<u8>, Error> {
        let bodies = units.iter().filter(|u| u.body.is_some()).count();
        let mut metadata = vec![self.id()];
        let mut body_index = 0;
        for unit in units.iter().filter(|u| u.authenticated) {
            push_len(&mut metadata, unit.head.len())?;
            self.push_normalized_head(&mut metadata, unit.head);
            if unit.body.is_none() {
                metadata.push(0);
                continue;
            }
            body_index += 1;
            if body_index == bodies {
                metadata.push(2);
            } else {
                metadata.push(1);
                let len = body_lens
                    .get(body_index - 1)
                    .copied()
                    .ok_or(Error::DecryptionFailed)?;
                push_len(&mut metadata, len)?;
            }
        }
        Ok(metadata)
    }
}

fn push_len(metadata: &mut Vec<u8>, len: usize) -> Result<(), Error> {
    let len = u32::try_from(len).map_err(|_| Error::FrameTooLong)?;
    metadata.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Protects `frame` of `format`. `seal(linear, prefix_len)` is the SFrame sender (for
/// example [`crate::SenderContext::protect_frame`]): it must return `linear[..prefix_len] ||
/// SFrame header || ciphertext || tag`.
///
/// # Errors
/// [`Error::MalformedFrame`] if the frame does not parse as `format` (the caller drops it);
/// whatever `seal` returns.
pub fn protect(
    format: Format,
    frame: &[u8],
    seal: impl FnOnce(&[u8], usize) -> Result<Vec<u8>, Error>,
) -> Result<Vec<u8>, Error> {
    let units = format.parse_plain(frame)?;
    let bodies: Vec<&[u8]> = units.iter().filter_map(|u| u.body.as_deref()).collect();
    if bodies.is_empty() {
        return Err(MalformedFrame::NothingToEncrypt.into());
    }
    let body_lens: Vec<usize> = bodies.iter().map(|b| b.len()).collect();
    let metadata = format.metadata(&units, &body_lens)?;

    let plain_len: usize = body_lens.iter().sum();
    let padded_len = (plain_len + 1).max(MIN_PADDED_LEN);
    let mut linear = Vec::with_capacity(metadata.len() + padded_len);
    linear.extend_from_slice(&metadata);
    for body in &bodies {
        linear.extend_from_slice(body);
    }
    linear.push(PADDING_MARK);
    linear.resize(metadata.len() + padded_len, 0);

    let sealed = seal(&linear, metadata.len())?;
    // With `padded_len >= 16` the SFrame layer keeps the whole metadata in clear (module
    // documentation), so `sealed` is `metadata || SFrame ciphertext`.
    let sframe = sealed.get(metadata.len()..).ok_or(Error::FrameTooLong)?;
    let (_, header_len) = SframeHeader::parse(sframe)?;

    // Cut the SFrame ciphertext into the bodies: the header goes with the first, the padding
    // and tag with the last.
    let mut out = Vec::with_capacity(frame.len() + sframe.len() - plain_len + 4 * units.len());
    let mut rest = sframe;
    let mut body_index = 0;
    for unit in &units {
        if unit.body.is_none() {
            format.write_unit(&mut out, unit, None, true);
            continue;
        }
        body_index += 1;
        let share = if body_index == bodies.len() {
            std::mem::take(&mut rest)
        } else {
            let extra = if body_index == 1 { header_len } else { 0 };
            let (share, tail) = rest
                .split_at_checked(body_lens[body_index - 1] + extra)
                .ok_or(Error::FrameTooLong)?;
            rest = tail;
            share
        };
        format.write_unit(&mut out, unit, Some(share), true);
    }
    Ok(out)
}

/// Unprotects a `format` frame. `open(linear, prefix_len)` is the SFrame receiver (for
/// example [`crate::EpochKeys::unprotect_frame`]): given `metadata || SFrame ciphertext` it
/// returns `metadata || plaintext` and whatever else it reports.
///
/// # Errors
/// [`Error::DecryptionFailed`] if the frame does not parse or the padding is wrong;
/// whatever `open` returns.
pub fn unprotect<T>(
    format: Format,
    frame: &[u8],
    open: impl FnOnce(&[u8], usize) -> Result<(Vec<u8>, T), Error>,
) -> Result<(Vec<u8>, T), Error> {
    let units = format
        .parse_protected(frame)
        .map_err(|_| Error::DecryptionFailed)?;
    let regions: Vec<&[u8]> = units.iter().filter_map(|u| u.body.as_deref()).collect();
    let first = regions.first().ok_or(Error::DecryptionFailed)?;
    let (_, header_len) = SframeHeader::parse(first).map_err(|_| Error::DecryptionFailed)?;
    let mut body_lens: Vec<usize> = regions.iter().map(|r| r.len()).collect();
    body_lens[0] = body_lens[0]
        .checked_sub(header_len)
        .ok_or(Error::DecryptionFailed)?;
    let metadata = format
        .metadata(&units, &body_lens)
        .map_err(|_| Error::DecryptionFailed)?;

    let sframe_len: usize = regions.iter().map(|r| r.len()).sum();
    let mut linear = Vec::with_capacity(metadata.len() + sframe_len);
    linear.extend_from_slice(&metadata);
    for region in &regions {
        linear.extend_from_slice(region);
    }
    let (opened, extra) = open(&linear, metadata.len())?;
    let padded = opened
        .get(metadata.len()..)
        .ok_or(Error::DecryptionFailed)?;
    let plain_len = padded
        .iter()
        .rposition(|&b| b != 0)
        .filter(|&i| padded[i] == PADDING_MARK)
        .ok_or(Error::DecryptionFailed)?;
    let mut plain = &padded[..plain_len];

    let mut out = Vec::with_capacity(frame.len());
    let mut body_index = 0;
    for unit in &units {
        if unit.body.is_none() {
            format.write_unit(&mut out, unit, None, false);
            continue;
        }
        body_index += 1;
        let chunk = if body_index == regions.len() {
            std::mem::take(&mut plain)
        } else {
            let (chunk, tail) = plain
                .split_at_checked(body_lens[body_index - 1])
                .ok_or(Error::DecryptionFailed)?;
            plain = tail;
            chunk
        };
        format.write_unit(&mut out, unit, Some(chunk), false);
    }
    Ok((out, extra))
}
