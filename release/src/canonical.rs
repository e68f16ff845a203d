//! The canonical JSON form of every hashed or signed document (docs/RELEASES.md, "Canonical
//! JSON"): UTF-8; object keys sorted by code point; no whitespace; integers only; strings in
//! ASCII with only `\"` and `\\` escaped and no control characters; one `\n` at the end of a
//! document.
//!
//! It is a subset of RFC 8785 (JCS): for the values allowed here both give the same bytes.
//! Integers are also kept within ±(2^53 - 1) (RFC 7493, I-JSON), so JavaScript reads them
//! exactly. Values that have no canonical form are refused, never approximated.

use serde::Serialize;
use serde_json::Value;

use crate::{CanonicalFault, Document, Error};

/// The largest integer JavaScript's numbers hold exactly (2^53 - 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `value` as a canonical document: its canonical JSON and one `\n`.
pub fn encode_document<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut text = encode_inline(value)?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// `value` as canonical JSON without the final `\n`, for JSON inside another text (the import
/// map inside `index.html`).
pub fn encode_inline<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let value = serde_json::to_value(value).map_err(Error::NotSerializable)?;
    let mut text = String::new();
    write_value(&value, &mut text)?;
    Ok(text)
}

/// Fails with [`Error::NotCanonical`] unless `bytes` are exactly the canonical document of
/// `value` (what `value` was parsed from).
pub(crate) fn require_canonical<T: Serialize>(
    bytes: &[u8],
    value: &T,
    document: Document,
) -> Result<(), Error> {
    match encode_document(value) {
        Ok(canonical) if canonical == bytes => Ok(()),
        _ => Err(Error::NotCanonical { document }),
    }
}

fn write_value(value: &Value, out: &mut String) -> Result<(), Error> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            let fits = |magnitude: u64| magnitude <= MAX_SAFE_INTEGER;
            if let Some(unsigned) = number.as_u64() {
                if !fits(unsigned) {
                    return Err(Error::Uncanonicalizable(CanonicalFault::IntegerOutOfRange));
                }
                out.push_str(&unsigned.to_string());
            } else if let Some(signed) = number.as_i64() {
                if !fits(signed.unsigned_abs()) {
                    return Err(Error::Uncanonicalizable(CanonicalFault::IntegerOutOfRange));
                }
                out.push_str(&signed.to_string());
            } else {
                return Err(Error::Uncanonicalizable(CanonicalFault::Float));
            }
        }
        Value::String(text) => write_string(text, out)?,
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            // Sorted here whatever order the map keeps (serde_json's `preserve_order` may be
            // on elsewhere in the workspace). Keys are ASCII once written, so byte order is
            // code point order.
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, member)) in sorted.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out)?;
                out.push(':');
                write_value(member, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(text: &str, out: &mut String) -> Result<(), Error> {
    out.push('"');
    for c in text.chars() {
        if !c.is_ascii() {
            return Err(Error::Uncanonicalizable(CanonicalFault::NonAscii));
        }
        if c.is_ascii_control() {
            return Err(Error::Uncanonicalizable(CanonicalFault::ControlCharacter));
        }
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Each value and its canonical document.
    const VECTORS: &[(&str, &str)] = &[
        (r#"{"b":1,"a":2}"#, "{\"a\":2,\"b\":1}\n"),
        (
            r#"{ "z" : [ 1 , 2 ] , "A" : {} }"#,
            "{\"A\":{},\"z\":[1,2]}\n",
        ),
        (
            r#"{"aa":1,"a":2,"B":3,"_":4}"#,
            "{\"B\":3,\"_\":4,\"a\":2,\"aa\":1}\n",
        ),
        (r#"{"s":"a\"b\\c/d"}"#, "{\"s\":\"a\\\"b\\\\c/d\"}\n"),
        (r#"{"s":"\u0041"}"#, "{\"s\":\"A\"}\n"),
        (
            r#"[true,false,null,-5,0,9007199254740991]"#,
            "[true,false,null,-5,0,9007199254740991]\n",
        ),
        (r#"{"n":{"m":{"l":[]}}}"#, "{\"n\":{\"m\":{\"l\":[]}}}\n"),
    ];

    #[test]
    fn documents_match_the_vectors() {
        for (input, expected) in VECTORS {
            let value: Value = serde_json::from_str(input).unwrap();
            let written = encode_document(&value).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), *expected, "{input}");
        }
    }

    #[test]
    fn a_canonical_document_is_its_own_canonical_form() {
        for (_, expected) in VECTORS {
            let value: Value = serde_json::from_str(expected).unwrap();
            assert!(require_canonical(expected.as_bytes(), &value, Document::Manifest).is_ok());
        }
    }

    #[test]
    fn other_spellings_are_not_canonical() {
        for bytes in [
            "{\"a\":1}",
            "{\"a\":1}\n\n",
            "{\"a\": 1}\n",
            "{\"b\":1,\"a\":2}\n",
            "{\"s\":\"\\u0041\"}\n",
            "{\"s\":\"\\/\"}\n",
        ] {
            let value: Value = serde_json::from_str(bytes).unwrap();
            assert!(
                matches!(
                    require_canonical(bytes.as_bytes(), &value, Document::Policy),
                    Err(Error::NotCanonical {
                        document: Document::Policy
                    })
                ),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn values_without_a_canonical_form_are_refused() {
        let refused = [
            (json!({"f": 1.5}), CanonicalFault::Float),
            (json!({"f": 1.0}), CanonicalFault::Float),
            (
                json!({"n": 9_007_199_254_740_992_u64}),
                CanonicalFault::IntegerOutOfRange,
            ),
            (
                json!({"n": -9_007_199_254_740_992_i64}),
                CanonicalFault::IntegerOutOfRange,
            ),
            (json!({"s": "é"}), CanonicalFault::NonAscii),
            (json!({"é": 1}), CanonicalFault::NonAscii),
            (json!({"s": "a\nb"}), CanonicalFault::ControlCharacter),
            (json!({"s": "\u{7f}"}), CanonicalFault::ControlCharacter),
            (json!(["\t"]), CanonicalFault::ControlCharacter),
        ];
        for (value, fault) in refused {
            assert!(
                matches!(encode_document(&value), Err(Error::Uncanonicalizable(f)) if f == fault),
                "{value}"
            );
        }
    }

    #[test]
    fn inline_json_has_no_final_newline() {
        assert_eq!(
            encode_inline(&json!({"b": "x", "a": []})).unwrap(),
            r#"{"a":[],"b":"x"}"#
        );
    }
}
