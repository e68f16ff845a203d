//! The page template (docs/RELEASES.md, "The page's template"): `www/index.html` with
//! `{{sri:/path}}` and `{{importmap}}` placeholders, filled by the release tool.
//!
//! The import map is `<script type="importmap">{"integrity":{…}}</script>`, its JSON
//! canonical (without a final newline); the CSP allows it by the SHA-256 of that JSON text,
//! which is exactly the script element's content.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::canonical::encode_inline;
use crate::{Error, Manifest, Sha256Digest, TemplateFault};

const OPEN: &str = "{{";
const CLOSE: &str = "}}";
const IMPORT_MAP_PLACEHOLDER: &str = "importmap";
const SRI_PLACEHOLDER: &str = "sri:";
const IMPORT_MAP_START: &str = "<script type=\"importmap\">";
const SCRIPT_END: &str = "</script>";
const INTEGRITY_ATTRIBUTE: &str = "integrity=\"";

/// The import map of a page: its JSON text and the element that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMap {
    /// The canonical JSON, `{"integrity":{"/path.js":"sha256-…",…}}`.
    pub json: String,
    /// The script element, `<script type="importmap">…</script>`.
    pub element: String,
}

impl ImportMap {
    /// The import map that pins `integrity`: URL path to `sha256-<base64>`.
    pub fn new(integrity: &BTreeMap<String, String>) -> Result<Self, Error> {
        #[derive(Serialize)]
        struct Map<'a> {
            integrity: &'a BTreeMap<String, String>,
        }
        let json = encode_inline(&Map { integrity })?;
        let element = format!("{IMPORT_MAP_START}{json}{SCRIPT_END}");
        Ok(Self { json, element })
    }

    /// The `sha256-<base64>` the CSP allows the import map by.
    pub fn sri(&self) -> String {
        Sha256Digest::of(self.json.as_bytes()).to_sri()
    }
}

/// Fills `template`: `{{importmap}}` (exactly once) with `import_map`'s element and every
/// `{{sri:PATH}}` with `sri_of(PATH)`. Anything else between `{{` and `}}`, and a `{{`
/// never closed, is an error: nothing is left unfilled.
pub fn fill(
    template: &str,
    import_map: &ImportMap,
    sri_of: impl Fn(&str) -> Option<String>,
) -> Result<String, Error> {
    let mut filled = String::with_capacity(template.len() + import_map.element.len());
    let mut rest = template;
    let mut import_maps = 0;
    while let Some(start) = rest.find(OPEN) {
        filled.push_str(&rest[..start]);
        let after_open = &rest[start + OPEN.len()..];
        let end = after_open
            .find(CLOSE)
            .ok_or(Error::Template(TemplateFault::Unterminated))?;
        let name = &after_open[..end];
        if name == IMPORT_MAP_PLACEHOLDER {
            import_maps += 1;
            filled.push_str(&import_map.element);
        } else if let Some(path) = name.strip_prefix(SRI_PLACEHOLDER) {
            let sri = sri_of(path)
                .ok_or_else(|| Error::Template(TemplateFault::NoSuchFile(path.to_owned())))?;
            filled.push_str(&sri);
        } else {
            return Err(Error::Template(TemplateFault::UnknownPlaceholder(
                name.chars().take(80).collect(),
            )));
        }
        rest = &after_open[end + CLOSE.len()..];
    }
    filled.push_str(rest);
    if import_maps != 1 {
        return Err(Error::Template(TemplateFault::ImportMapCount(import_maps)));
    }
    Ok(filled)
}

/// The text of the page's import map (the content of its `<script type="importmap">`), if
/// it has one.
pub fn import_map_text(html: &str) -> Option<&str> {
    let start = html.find(IMPORT_MAP_START)? + IMPORT_MAP_START.len();
    let length = html[start..].find(SCRIPT_END)?;
    Some(&html[start..start + length])
}

/// The template a filled page was made from, recovered with the manifest it was filled
/// for: the import map element becomes `{{importmap}}` again, and every
/// `integrity="sha256-…"` whose hash is a file of `manifest` becomes
/// `integrity="{{sri:PATH}}"`. So a copied tree can be changed and given a new manifest.
pub fn recover(filled: &str, manifest: &Manifest) -> Result<String, Error> {
    let already_filled = || Error::Template(TemplateFault::AlreadyFilled);
    let start = filled.find(IMPORT_MAP_START).ok_or_else(already_filled)?;
    let length = filled[start..]
        .find(SCRIPT_END)
        .ok_or_else(already_filled)?
        + SCRIPT_END.len();
    let page = format!(
        "{}{OPEN}{IMPORT_MAP_PLACEHOLDER}{CLOSE}{}",
        &filled[..start],
        &filled[start + length..]
    );
    let path_of: BTreeMap<Sha256Digest, &str> = manifest
        .files
        .iter()
        .rev()
        .map(|(path, entry)| (entry.sha256, path.as_str()))
        .collect();
    let mut template = String::with_capacity(page.len());
    let mut rest = page.as_str();
    while let Some(start) = rest.find(INTEGRITY_ATTRIBUTE) {
        let value_start = start + INTEGRITY_ATTRIBUTE.len();
        template.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let value_end = rest.find('"').unwrap_or(rest.len());
        let known =
            Sha256Digest::from_sri(&rest[..value_end]).and_then(|digest| path_of.get(&digest));
        if let Some(path) = known {
            template.push_str(&format!("{OPEN}{SRI_PLACEHOLDER}{path}{CLOSE}"));
            rest = &rest[value_end..];
        }
    }
    template.push_str(rest);
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<link rel=\"stylesheet\" href=\"/style.css\" integrity=\"{{sri:/style.css}}\">\n\
                            {{importmap}}\n\
                            <script type=\"module\" src=\"/app.js\" integrity=\"{{sri:/app.js}}\"></script>\n";

    fn import_map() -> ImportMap {
        let mut integrity = BTreeMap::new();
        integrity.insert("/pkg/client.js".to_owned(), "sha256-Y2xpZW50".to_owned());
        integrity.insert("/integrity.js".to_owned(), "sha256-aW50ZWdyaXR5".to_owned());
        ImportMap::new(&integrity).unwrap()
    }

    fn sri_of(path: &str) -> Option<String> {
        match path {
            "/style.css" => Some(Sha256Digest::of(b"css").to_sri()),
            "/app.js" => Some(Sha256Digest::of(b"app").to_sri()),
            _ => None,
        }
    }

    #[test]
    fn the_template_is_filled() {
        let filled = fill(TEMPLATE, &import_map(), sri_of).unwrap();
        assert_eq!(
            filled,
            format!(
                "<link rel=\"stylesheet\" href=\"/style.css\" integrity=\"{}\">\n\
                 <script type=\"importmap\">{{\"integrity\":{{\"/integrity.js\":\"sha256-aW50ZWdyaXR5\",\"/pkg/client.js\":\"sha256-Y2xpZW50\"}}}}</script>\n\
                 <script type=\"module\" src=\"/app.js\" integrity=\"{}\"></script>\n",
                Sha256Digest::of(b"css").to_sri(),
                Sha256Digest::of(b"app").to_sri()
            )
        );
        assert_eq!(import_map_text(&filled), Some(import_map().json.as_str()));
        assert_eq!(
            import_map().sri(),
            Sha256Digest::of(import_map().json.as_bytes()).to_sri()
        );
    }

    #[test]
    fn nothing_is_left_unfilled() {
        let cases = [
            (
                "{{importmap}} {{sri:/missing.css}}",
                TemplateFault::NoSuchFile("/missing.css".to_owned()),
            ),
            (
                "{{importmap}} {{version}}",
                TemplateFault::UnknownPlaceholder("version".to_owned()),
            ),
            ("{{importmap}} {{sri:/app.js", TemplateFault::Unterminated),
            ("{{importmap}} {{", TemplateFault::Unterminated),
            ("no placeholder", TemplateFault::ImportMapCount(0)),
            (
                "{{importmap}}{{importmap}}",
                TemplateFault::ImportMapCount(2),
            ),
        ];
        for (template, expected) in cases {
            match fill(template, &import_map(), sri_of) {
                Err(Error::Template(fault)) => assert_eq!(fault, expected, "{template}"),
                other => panic!("{template}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_filled_page_gives_back_its_template() {
        let filled = fill(TEMPLATE, &import_map(), sri_of).unwrap();
        let mut manifest = crate::tree::tests::manifest_listing(&[
            ("/style.css", b"css".as_slice()),
            ("/app.js", b"app".as_slice()),
        ]);
        assert_eq!(recover(&filled, &manifest).unwrap(), TEMPLATE);
        // A hash the manifest does not know stays as it is.
        manifest.files.remove("/style.css");
        let recovered = recover(&filled, &manifest).unwrap();
        assert!(recovered.contains(&Sha256Digest::of(b"css").to_sri()));
        assert!(recovered.contains("{{sri:/app.js}}"));
        assert!(matches!(
            recover("<html></html>", &manifest),
            Err(Error::Template(TemplateFault::AlreadyFilled))
        ));
    }
}
