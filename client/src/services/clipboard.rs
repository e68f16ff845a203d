//! Copying text to the clipboard: the async Clipboard API where it exists (secure
//! contexts), else the older `execCommand("copy")` on a temporary text area.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The text could not be copied.
#[derive(Debug, thiserror::Error)]
#[error("the browser did not allow copying to the clipboard")]
pub struct CopyFailed;

/// Copies `text` to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), CopyFailed> {
    let window = web_sys::window().ok_or(CopyFailed)?;
    let navigator = window.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .unwrap_or(JsValue::UNDEFINED);
    if !clipboard.is_undefined() && !clipboard.is_null() {
        let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
        if JsFuture::from(clipboard.write_text(text)).await.is_ok() {
            return Ok(());
        }
    }
    copy_with_exec_command(&window, text)
}

fn copy_with_exec_command(window: &web_sys::Window, text: &str) -> Result<(), CopyFailed> {
    let document = window.document().ok_or(CopyFailed)?;
    let body = document.body().ok_or(CopyFailed)?;
    let area: web_sys::HtmlTextAreaElement = document
        .create_element("textarea")
        .map_err(|_| CopyFailed)?
        .dyn_into()
        .map_err(|_| CopyFailed)?;
    area.set_value(text);
    area.set_class_name("offscreen");
    let _ = area.set_attribute("aria-hidden", "true");
    body.append_child(&area).map_err(|_| CopyFailed)?;
    area.select();
    let copied = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|html| html.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    if copied {
        Ok(())
    } else {
        Err(CopyFailed)
    }
}
