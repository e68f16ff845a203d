//! Text files in and out of the page: offering text as a download (a `Blob` URL behind a
//! temporary `<a download>`), and reading the file a person chose as text.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlInputElement, Url};

/// A file could not be offered or read; the text is the browser's own words.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileTransferError {
    /// The download could not be started.
    #[error("the download could not be started: {0}")]
    Download(String),
    /// The chosen file could not be read as text.
    #[error("the file could not be read: {0}")]
    Read(String),
}

/// Offers `text` as a download named `file_name`, of media type `media_type`.
pub fn offer_download(
    file_name: &str,
    media_type: &str,
    text: &str,
) -> Result<(), FileTransferError> {
    let failed = |value: JsValue| FileTransferError::Download(super::describe_js_error(&value));
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| FileTransferError::Download("no document".to_owned()))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let offered = document
        .create_element("a")
        .map_err(failed)
        .and_then(|element| {
            element
                .dyn_into::<HtmlAnchorElement>()
                .map_err(|_| FileTransferError::Download("no link element".to_owned()))
        })
        .map(|link| {
            link.set_href(&url);
            link.set_download(file_name);
            link.click();
        });
    // Some browsers read the blob after the click returns: let the URL go a minute later.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    offered
}

/// The text of the first file chosen in `input`, `None` if none is chosen.
pub async fn read_chosen_file(
    input: &HtmlInputElement,
) -> Result<Option<String>, FileTransferError> {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(None);
    };
    let text = JsFuture::from(file.text())
        .await
        .map_err(|value| FileTransferError::Read(super::describe_js_error(&value)))?;
    text.as_string()
        .map(Some)
        .ok_or_else(|| FileTransferError::Read("not text".to_owned()))
}
