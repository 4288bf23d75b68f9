//! Saving a file the app made (an export, the rejected rows) through a blob URL and an anchor
//! with `download`: nothing goes over the network.

use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};

/// Bytes (an ArrayBuffer or typed array) as a file of type `mime`.
pub fn bytes(name: &str, bytes: &JsValue, mime: &str) {
    let parts = js_sys::Array::of1(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options) {
        save(name, &blob);
    }
}

/// Text as a UTF-8 file of type `mime`.
pub fn text(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&format!("{mime};charset=utf-8"));
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        save(name, &blob);
    }
}

fn save(name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(anchor) = document().create_element("a") {
        let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
