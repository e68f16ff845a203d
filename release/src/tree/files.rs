//! The served files of a tree: listing them by URL path, their content types, their
//! manifest entries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::manifest::{is_servable_name, RELEASE_FOLDER};
use crate::{Error, FileEntry, Sha256Digest};

/// A served file: the path the browser asks for and where it lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedFile {
    /// `/`-separated, from the tree's root (`/pkg/client.js`).
    pub url_path: String,
    /// The file on disk.
    pub path: PathBuf,
}

/// Every file of the tree at `dir` except the top-level `release/` folder, sorted by URL
/// path. Fails on names that would need URL escaping and on anything that is not a plain
/// file or folder (symbolic links included: a served tree is self-contained).
pub fn list_served_files(dir: &Path) -> Result<Vec<ServedFile>, Error> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    files.sort_by(|a, b| a.url_path.cmp(&b.url_path));
    Ok(files)
}

fn collect(folder: &Path, url_prefix: &str, files: &mut Vec<ServedFile>) -> Result<(), Error> {
    for entry in std::fs::read_dir(folder).map_err(Error::io(folder))? {
        let entry = entry.map_err(Error::io(folder))?;
        let path = entry.path();
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|name| is_servable_name(name)) else {
            return Err(Error::UnservableFile(path));
        };
        if url_prefix.is_empty() && name == RELEASE_FOLDER {
            continue;
        }
        let url_path = format!("{url_prefix}/{name}");
        let file_type = entry.file_type().map_err(Error::io(&path))?;
        if file_type.is_dir() {
            collect(&path, &url_path, files)?;
        } else if file_type.is_file() {
            files.push(ServedFile { url_path, path });
        } else {
            return Err(Error::UnservableFile(path));
        }
    }
    Ok(())
}

/// The `Content-Type` a file is served with, by its extension.
pub fn content_type(url_path: &str) -> Result<&'static str, Error> {
    let extension = url_path
        .rsplit_once('/')
        .map_or(url_path, |(_, name)| name)
        .rsplit_once('.')
        .map(|(_, extension)| extension);
    let content_type = match extension {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("css") => "text/css",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("json" | "map") => "application/json",
        // wasm-bindgen's declarations (`.d.ts`), kept in the test tree.
        Some("ts") => "application/typescript",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webp") => "image/webp",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("webmanifest") => "application/manifest+json",
        _ => return Err(Error::UnknownContentType(url_path.to_owned())),
    };
    Ok(content_type)
}

/// The manifest entry of every served file of the tree at `dir`.
pub fn hash_files(dir: &Path) -> Result<BTreeMap<String, FileEntry>, Error> {
    let mut entries = BTreeMap::new();
    for file in list_served_files(dir)? {
        let bytes = std::fs::read(&file.path).map_err(Error::io(&file.path))?;
        let entry = FileEntry {
            sha256: Sha256Digest::of(&bytes),
            size: bytes.len() as u64,
            content_type: content_type(&file.url_path)?.to_owned(),
        };
        entries.insert(file.url_path, entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("/index.html").unwrap(),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("/pkg/client.js").unwrap(), "text/javascript");
        assert_eq!(
            content_type("/pkg/client.d.ts").unwrap(),
            "application/typescript"
        );
        assert_eq!(
            content_type("/pkg/client_bg.wasm.d.ts").unwrap(),
            "application/typescript"
        );
        assert_eq!(
            content_type("/pkg/client_bg.wasm").unwrap(),
            "application/wasm"
        );
        assert_eq!(content_type("/favicon.svg").unwrap(), "image/svg+xml");
        assert!(matches!(
            content_type("/Makefile"),
            Err(Error::UnknownContentType(_))
        ));
        assert!(matches!(
            content_type("/a.js/b"),
            Err(Error::UnknownContentType(_))
        ));
        assert!(matches!(
            content_type("/a.exe"),
            Err(Error::UnknownContentType(_))
        ));
    }
}
