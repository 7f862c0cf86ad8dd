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

/// `<tag class="…">`; `None` only if the browser refuses to create it.
pub fn el(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    Some(el)
}

/// [`el`] holding `text` as a text node (never parsed as markup).
pub fn text_el(doc: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = el(doc, tag, class)?;
    el.set_text_content(Some(text));
    Some(el)
}

pub fn set_attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        let _ = el.set_attribute(name, value);
    }
}

/// Appends every child that could be built.
pub fn append(parent: &Element, children: &[&Option<Element>]) {
    for child in children.iter().copied().flatten() {
        let _ = parent.append_child(child);
    }
}

/// Watches an element until it comes within `margin` of the viewport (the
/// `rootMargin` syntax, "600px 0px"), then calls back once. Dropping it stops
/// watching.
pub struct NearWatch {
    observer: web_sys::IntersectionObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(JsValue, JsValue)>,
}

impl Drop for NearWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// `None` when `f` ran at once: a browser without `IntersectionObserver` gets
/// everything eagerly rather than never.
pub fn when_near(el: &Element, margin: &str, f: impl FnOnce() + 'static) -> Option<NearWatch> {
    use std::cell::Cell;
    let supported = web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"IntersectionObserver".into()).unwrap_or(false));
    let f = std::rc::Rc::new(Cell::new(Some(f)));
    let fire = {
        let f = std::rc::Rc::clone(&f);
        move || {
            if let Some(f) = f.take() {
                f();
            }
        }
    };
    if !supported {
        fire();
        return None;
    }
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue)>::new(
        move |entries: JsValue, _| {
            let hit = js_sys::Array::from(&entries).iter().any(|e| {
                e.dyn_into::<web_sys::IntersectionObserverEntry>()
                    .is_ok_and(|e| e.is_intersecting())
            });
            if hit {
                fire();
            }
        },
    );
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(margin);
    let observer =
        web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init)
            .ok()?;
    observer.observe(el);
    Some(NearWatch {
        observer,
        _callback: callback,
    })
}
