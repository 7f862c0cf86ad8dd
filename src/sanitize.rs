//! HTML from an API or an article source becomes DOM nodes only through here.
//!
//! The input is parsed by `DOMParser` into an inert document (no scripts run, nothing
//! loads), then a fresh tree is *built* in the live document from the allowlist in
//! [`policy`]. Nothing is serialized and parsed again, so markup that changes meaning
//! on reparse (mutation XSS) has no second parse to exploit.
//!
//! Before parsing, [`prepass::strip_inline`] removes inline handlers and styles from
//! the text, so that parsing does not make the browser report CSP violations for
//! markup that could never have run.

pub mod policy;
pub mod prepass;

use policy::{attribute_action, element_action, forced_attributes, AttrAction, ElementAction};
use wasm_bindgen::JsCast;
use web_sys::{Document, DomParser, Element, Node, SupportedType};

/// Deeper nesting is flattened to text: no article needs it and recursion must stay
/// far from the Wasm stack limit.
const MAX_DEPTH: usize = 64;
const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Returns a `<div>` (not yet attached) holding the sanitized content.
pub fn sanitize_html(doc: &Document, html: &str) -> Option<Element> {
    let out = doc.create_element("div").ok()?;
    let parser = DomParser::new().ok()?;
    let inert = parser
        .parse_from_string(&prepass::strip_inline(html), SupportedType::TextHtml)
        .ok()?;
    if let Some(body) = inert.body() {
        copy_children(doc, &body, &out, 0);
    }
    Some(out)
}

fn copy_children(doc: &Document, from: &Node, to: &Node, depth: usize) {
    let mut child = from.first_child();
    while let Some(node) = child {
        copy_node(doc, &node, to, depth);
        child = node.next_sibling();
    }
}

fn copy_node(doc: &Document, node: &Node, to: &Node, depth: usize) {
    match node.node_type() {
        Node::TEXT_NODE => {
            if let Some(text) = node.text_content() {
                let _ = to.append_child(&doc.create_text_node(&text));
            }
        }
        Node::ELEMENT_NODE => {
            let Some(el) = node.dyn_ref::<Element>() else {
                return;
            };
            if depth >= MAX_DEPTH {
                if let Some(text) = el.text_content() {
                    let _ = to.append_child(&doc.create_text_node(&text));
                }
                return;
            }
            // SVG/MathML elements can share HTML names (`a`, `img` in SVG); only HTML
            // namespace elements are ever candidates.
            if el.namespace_uri().as_deref() != Some(HTML_NS) {
                return;
            }
            let tag = el.local_name().to_ascii_lowercase();
            match element_action(&tag) {
                ElementAction::Drop => {}
                ElementAction::Unwrap => copy_children(doc, node, to, depth + 1),
                ElementAction::Keep => {
                    let Ok(clean) = doc.create_element(&tag) else {
                        return;
                    };
                    copy_attributes(doc, el, &clean, &tag);
                    if tag == "img" && !clean.has_attribute("src") {
                        return;
                    }
                    if tag == "img" && !clean.has_attribute("alt") {
                        let _ = clean.set_attribute("alt", "");
                    }
                    copy_children(doc, node, &clean, depth + 1);
                    let _ = to.append_child(&clean);
                }
            }
        }
        _ => {}
    }
}

fn copy_attributes(doc: &Document, from: &Element, to: &Element, tag: &str) {
    let names = from.get_attribute_names();
    for name in names.iter() {
        let Some(name) = name.as_string() else {
            continue;
        };
        let value = from.get_attribute(&name).unwrap_or_default();
        match attribute_action(tag, &name, &value) {
            AttrAction::Drop => {}
            AttrAction::Keep(v) => {
                let _ = to.set_attribute(&name.to_ascii_lowercase(), &v);
            }
            AttrAction::Url(v) => {
                if let Some(resolved) = resolve_http_url(doc, &v) {
                    let _ = to.set_attribute(&name.to_ascii_lowercase(), &resolved);
                }
            }
        }
    }
    for (k, v) in forced_attributes(tag) {
        let _ = to.set_attribute(k, v);
    }
}

/// Second opinion from the browser's own URL parser: the absolute URL, only if its
/// protocol really is http(s) once resolved against the page.
pub fn resolve_http_url(doc: &Document, raw: &str) -> Option<String> {
    let base = doc.base_uri().ok().flatten()?;
    let url = web_sys::Url::new_with_base(raw, &base).ok()?;
    match url.protocol().as_str() {
        "http:" | "https:" => Some(url.href()),
        _ => None,
    }
}
