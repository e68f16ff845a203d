//! KIDs of MLS senders (RFC 9605 section 5.2): the Figure 9 worked example, built and split
//! again, and Conclave's context-0 KIDs agreeing with it.
// Test helpers: panicking on fixed test data is the point.
#![allow(clippy::expect_used)]

mod common;

use crypto_wasm::mls_keys::{conclave_kid, epoch_bits_of};
use crypto_wasm::{KeyId, KidLayout, KidParts};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    epoch_bits: u32,
    sender_bits: u32,
    kids: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    epoch: u64,
    index: u64,
    context: u64,
    kid: String,
}

fn vectors() -> Vectors {
    let text = include_str!("data/rfc9605-figure9-kids.json");
    serde_json::from_str(text).expect("valid vector file")
}

fn parse_kid(hex: &str) -> KeyId {
    KeyId(u64::from_str_radix(hex.trim_start_matches("0x"), 16).expect("hex KID"))
}

#[test]
fn figure_9_kids_are_built() {
    let v = vectors();
    let layout = KidLayout::new(v.sender_bits, v.epoch_bits).expect("S + E <= 64");
    assert_eq!(v.kids.len(), 9);
    for row in &v.kids {
        assert_eq!(
            layout.kid(row.context, row.index, row.epoch),
            Ok(parse_kid(&row.kid)),
            "epoch {} index {} context {}",
            row.epoch,
            row.index,
            row.context
        );
    }
}

#[test]
fn figure_9_kids_split_back() {
    let v = vectors();
    let layout = KidLayout::new(v.sender_bits, v.epoch_bits).expect("S + E <= 64");
    for row in &v.kids {
        let kid = parse_kid(&row.kid);
        assert_eq!(
            layout.split(kid),
            KidParts {
                context: row.context,
                sender_index: row.index,
                epoch_bits: row.epoch % 16,
            },
            "{}",
            row.kid
        );
        assert_eq!(epoch_bits_of(kid), row.epoch % 16);
    }
}

#[test]
fn conclave_kids_match_figure_9_for_context_0() {
    for row in vectors().kids.iter().filter(|row| row.context == 0) {
        let index = u32::try_from(row.index).expect("small index");
        assert_eq!(conclave_kid(index, row.epoch), parse_kid(&row.kid));
    }
}
