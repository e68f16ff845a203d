//! Every visible string comes from the catalogue: the components write no text of their
//! own, and every message id the code asks for is in it (a missing one would show as its
//! id).

#![allow(clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use conclave_client::i18n::{message_ids, Language};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn sources(under: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(under),
        &mut files,
    );
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("readable source");
            (path, text)
        })
        .collect()
}

/// The string literals that open right after `marker` (`t.get("` gives the ids asked for).
fn literals_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn every_id_the_code_asks_for_is_in_the_catalogue() {
    let known: BTreeSet<String> = message_ids(Language::English).into_iter().collect();
    let mut unknown = Vec::new();
    for (path, text) in sources("src") {
        if !text.contains("Translator") && !text.contains("use_translator") {
            continue;
        }
        // Translator calls, and the ids that types name for their variants.
        for marker in ["t.get(\"", "t.with(\"", "message_id: \"", "MessageId(\""] {
            for id in literals_after(&text, marker) {
                if !known.contains(id) {
                    unknown.push(format!("{}: {id}", path.display()));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ids not in the English catalogue: {unknown:#?}"
    );
}

#[test]
fn no_component_writes_text_of_its_own() {
    // Text in `html!` (`{ "Mute" }`, `{ format!(…) }`) and the attributes people read or
    // hear (`aria-label="…"`, `title`, `placeholder`, `alt`, `label`) with letters in them.
    let mut found = Vec::new();
    for (path, text) in sources("src/components") {
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let opens_with_letter = |marker: &str| {
                line.match_indices(marker).any(|(at, _)| {
                    line[at + marker.len()..].starts_with(|c: char| c.is_alphabetic())
                })
            };
            let text_literal = opens_with_letter("{ \"");
            let formatted = line.contains("{ format!(");
            let attribute = [
                "aria-label=\"",
                "title=\"",
                "placeholder=\"",
                "alt=\"",
                "label=\"",
            ]
            .into_iter()
            .any(opens_with_letter);
            if text_literal || formatted || attribute {
                found.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "text not from the catalogue: {found:#?}");
}
