//! Small DOM helpers shared by the embed code: selector lookups that report instead
//! of throwing, console lines for the operator.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Why a selector did not give an element.
pub enum LookupError {
    /// The browser rejected the selector's syntax.
    Invalid,
    NotFound,
}

pub fn query(doc: &Document, selector: &str) -> Result<Element, LookupError> {
    match doc.query_selector(selector) {
        Ok(Some(el)) => Ok(el),
        Ok(None) => Err(LookupError::NotFound),
        Err(_) => Err(LookupError::Invalid),
    }
}

pub fn console_error(msg: &str) {
    web_sys::console::error_1(&JsValue::from_str(msg));
}

pub fn console_warn(msg: &str) {
    web_sys::console::warn_1(&JsValue::from_str(msg));
}

/// The page's language from `<html lang>`, if it names one.
pub fn page_lang(doc: &Document) -> Option<String> {
    let root = doc.document_element()?;
    root.get_attribute("lang")
}

pub fn as_html_element(el: &Element) -> Option<&web_sys::HtmlElement> {
    el.dyn_ref::<web_sys::HtmlElement>()
}
