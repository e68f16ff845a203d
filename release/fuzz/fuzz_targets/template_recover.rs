//! `tree::recover` (docs/RELEASES.md, "The page's template") on an arbitrary page and
//! manifest. It never panics; it fails exactly when the page has no import map; what it
//! recovers has the `{{importmap}}` placeholder; and filling the recovered template again,
//! with the page's own import map and the manifest's hashes, gives back the page exactly
//! (for a page without `{{` of its own, whose import map does not follow a `{`).
//!
//! Input: `page | 0x00 | manifest.json`. The page is read as UTF-8 (lossily); without the
//! separator, or when the manifest does not parse, the manifest lists no file.
#![no_main]

use std::collections::BTreeMap;

use conclave_release::tree::{fill, import_map_text, recover, ImportMap};
use conclave_release::{CommitId, Error, Manifest, Sha256Digest, TemplateFault, Toolchain};
use libfuzzer_sys::fuzz_target;

const IMPORT_MAP_START: &str = "<script type=\"importmap\">";
const SCRIPT_END: &str = "</script>";

/// A manifest that lists no file.
fn empty_manifest() -> Manifest {
    Manifest {
        commit: CommitId::unknown(),
        csp: String::new(),
        files: BTreeMap::new(),
        format: Manifest::FORMAT,
        name: Manifest::NAME.to_owned(),
        policy_sha256: Sha256Digest::of(b""),
        serial: 0,
        source_date: 0,
        test_hooks: false,
        toolchain: Toolchain {
            rustc: String::new(),
            wasm_bindgen: String::new(),
        },
        version: String::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let (page, manifest) = match data.iter().position(|&byte| byte == 0) {
        Some(at) => (&data[..at], Manifest::parse(&data[at + 1..]).ok()),
        None => (data, None),
    };
    let manifest = manifest.unwrap_or_else(empty_manifest);
    let filled = String::from_utf8_lossy(page);

    let template = match recover(&filled, &manifest) {
        Ok(template) => template,
        Err(error) => {
            assert!(matches!(
                error,
                Error::Template(TemplateFault::AlreadyFilled)
            ));
            assert_eq!(import_map_text(&filled), None);
            return;
        }
    };
    assert!(template.contains("{{importmap}}"));
    let Some(json) = import_map_text(&filled) else {
        panic!("recover found an import map that import_map_text does not");
    };

    let Some(start) = filled.find(IMPORT_MAP_START) else {
        panic!("the import map has a start");
    };
    if filled.contains("{{") || filled[..start].ends_with('{') {
        return;
    }
    let import_map = ImportMap {
        json: json.to_owned(),
        element: format!("{IMPORT_MAP_START}{json}{SCRIPT_END}"),
    };
    let sri_of = |path: &str| manifest.files.get(path).map(|entry| entry.sha256.to_sri());
    let refilled = fill(&template, &import_map, sri_of);
    assert_eq!(refilled.as_deref().ok(), Some(&*filled));
});
