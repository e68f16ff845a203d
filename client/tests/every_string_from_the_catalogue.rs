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

/// The text that `open` (at the start of `text`) opens, up to its matching `close`.
fn enclosed(text: &str, open: char, close: char) -> &str {
    let mut depth = 0;
    for (at, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return &text[..=at];
            }
        }
    }
    text
}

/// Whether `expression` is a binding handed on as it is (`detail.into()`,
/// `(&message).into()`, `words.clone()`), not something worded (`error.text(t).into()`).
fn bare_binding(expression: &str) -> Option<&str> {
    let inner = expression
        .trim()
        .strip_suffix(".into()")
        .unwrap_or(expression.trim());
    let inner = inner.strip_suffix(".clone()").unwrap_or(inner);
    let inner = inner
        .trim_start_matches(['(', '&', '*'])
        .trim_end_matches(')');
    let inner = inner.strip_prefix("self.").unwrap_or(inner);
    inner
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        .then_some(inner)
        .filter(|name| !name.is_empty())
}

/// The words of a browser, a library or the server (their error messages, in English)
/// never go inside a sentence: a problem's `text(t)` is its catalogue sentence, and those
/// words are its `detail()`, shown folded away in an element marked `lang="en"`. Two ways
/// they reached the page before, which this test finds:
/// - a `text` method returned text it held (`EncryptionFailure::Other(detail) =>
///   detail.clone()`, `CloseReason::ServerSaid(words) => words.clone()`);
/// - a message took it as the variable that carries a phrase (`detail`, `error`, `reason`):
///   `("detail", message.into())` for the server's words, the screen share's error,
///   a JS error, the home page's failure.
///
/// Such a variable takes only words from the catalogue (`….text(t)`, `t.get(…)`, or a
/// `let` of those), or a call that names something (an API's name).
#[test]
fn no_sentence_carries_words_from_outside_the_catalogue() {
    let found: Vec<String> = sources("src")
        .iter()
        .flat_map(|(path, text)| words_from_outside(&path.display().to_string(), text))
        .collect();
    assert!(
        found.is_empty(),
        "words from outside the catalogue inside a sentence (make them the detail): {found:#?}"
    );
}

/// The scan finds each way such words were handed to a sentence, and passes worded ones.
#[test]
fn the_scan_finds_words_from_outside_the_catalogue() {
    let leaks = [
        r#"t.with("x", &[("detail", error.to_string().into())])"#,
        r#"t.with("x", &[("error", describe_js_error(&error).into())])"#,
        r#"t.with("x", &[("reason", format!("code {code}").into())])"#,
        r#"t.with("x", &[("detail", message.into())])"#,
        "fn text(&self, t: Translator) -> String { match self { Self::Other(words) => words.clone() } }",
    ];
    for leak in leaks {
        assert_eq!(words_from_outside("sample", leak).len(), 1, "{leak}");
    }
    let worded = [
        r#"t.with("x", &[("detail", error.text(t).into())])"#,
        r#"t.with("x", &[("detail", api.api_name().into())])"#,
        r#"let here = how_long.text(t); t.with("x", &[("detail", here.into())])"#,
        r#"t.with("x", &[("reason", t.get("y").into())])"#,
    ];
    for fine in worded {
        assert_eq!(
            words_from_outside("sample", fine),
            Vec::<String>::new(),
            "{fine}"
        );
    }
}

/// Calls whose value names something rather than saying it: fine inside a sentence.
const NAMES: [&str; 1] = [".api_name()"];

/// Where `text` (the source of `path`) hands words from outside the catalogue to a sentence.
fn words_from_outside(path: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("fn text(") {
        let rest = &text[at..];
        let body = rest
            .find('{')
            .map_or("", |open| enclosed(&rest[open..], '{', '}'));
        for held in [".clone()", ".to_owned()", ".to_string()"] {
            for (end, _) in body.match_indices(held) {
                let before = body[..end].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    let line = body[..end].lines().last().unwrap_or_default();
                    found.push(format!(
                        "{path}: text() returns held words: {}{held}",
                        line.trim()
                    ));
                }
            }
        }
    }
    for variable in ["detail", "error", "reason"] {
        let marker = format!("(\"{variable}\",");
        for (at, _) in text.match_indices(&marker) {
            let argument = enclosed(&text[at..], '(', ')');
            let value = argument[marker.len()..argument.len() - 1].trim();
            let worded_here = [".text(t)", "t.get(", "t.with("]
                .iter()
                .any(|catalogue| value.contains(catalogue));
            if worded_here || NAMES.iter().any(|name| value.contains(name)) {
                continue;
            }
            let worded_by_let = bare_binding(value).is_some_and(|binding| {
                text.match_indices(&format!("let {binding} = "))
                    .any(|(at, _)| {
                        let statement = text[at..].split(';').next().unwrap_or_default();
                        statement.contains(".text(t)")
                            || statement.contains("t.get(")
                            || statement.contains("t.with(")
                    })
            });
            if !worded_by_let {
                found.push(format!("{path}: ${variable} takes {value}"));
            }
        }
    }
    found
}

/// What the page says before the app runs (no JavaScript; the app failed to start) cannot
/// come from the catalogue, which lives in the app: `www/` keeps a copy of each message
/// in every language, and this keeps the copies the catalogue's words.
#[test]
fn the_words_shown_before_the_app_runs_are_the_catalogues() {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    let index = fs::read_to_string(www.join("index.html")).expect("www/index.html");
    let boot = fs::read_to_string(www.join("app.js")).expect("www/app.js");
    for language in Language::ALL {
        let t = conclave_client::i18n::Translator::new(language);
        let code = language.code();
        let noscript = format!(
            "<p class=\"noscript\" lang=\"{code}\">{}</p>",
            t.get("noscript")
        );
        assert!(index.contains(&noscript), "index.html lacks {noscript}");
        let failed = format!("  {code}: '{}',", t.get("boot-failed"));
        assert!(boot.contains(&failed), "app.js lacks {failed}");
    }
}
