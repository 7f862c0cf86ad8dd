//! Small DOM helpers shared by the embed code: shadow roots with the widget's
//! stylesheet, selector lookups that report instead of throwing.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The widget's CSS ships inside the Wasm module: one request fewer, and it is applied
/// through a constructed stylesheet, which a strict `style-src` CSP allows (a `<style>`
/// element or `style` attribute would be blocked).
const WIDGET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

thread_local! {
    // One parsed sheet shared by every shadow root on the page.
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn widget_sheet() -> Option<CssStyleSheet> {
    SHEET.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(WIDGET_CSS).ok()?;
            *slot = Some(sheet);
        }
        slot.clone()
    })
}

/// Creates `<tag>` with an open shadow root carrying the widget stylesheet, and returns
/// the host plus a `<div>` inside the shadow root to render into.
pub fn shadow_host(doc: &Document, tag: &str) -> Result<(Element, Element), JsValue> {
    let host = doc.create_element(tag)?;
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let shadow: ShadowRoot = host.attach_shadow(&init)?;
    if let Some(sheet) = widget_sheet() {
        let sheets = js_sys::Array::of1(&sheet);
        js_sys::Reflect::set(&shadow, &JsValue::from_str("adoptedStyleSheets"), &sheets)?;
    }
    let inner = doc.create_element("div")?;
    shadow.append_child(&inner)?;
    Ok((host, inner))
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
