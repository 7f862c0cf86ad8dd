//! Font scaling for the site's own article element (enhance mode).
//!
//! Host pages often set `font-size` in px on paragraphs, sometimes `!important`, so
//! scaling the container alone does nothing. Instead every element of the article
//! is measured at its natural size and then given `base × factor` px through
//! CSSOM (`style.setProperty(…, "important")`), which wins over author `!important`
//! rules and is allowed by a strict CSP, unlike markup `style` attributes. Line
//! heights set in px are scaled along so lines do not overlap.
//!
//! Measuring happens at every change, after putting the site's values back: an
//! async script can run before the page's stylesheets have applied, and a site may
//! restyle or extend its article later, so a measurement taken once goes stale.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use web_sys::{CssStyleDeclaration, Element, HtmlElement};

struct Entry {
    el: HtmlElement,
    font_px: f64,
    line_px: Option<f64>,
    /// The element's own inline values before we touched it, restored on reset.
    saved_font: (String, String),
    saved_line: (String, String),
}

pub struct Scaler {
    root: Element,
    /// What is currently overridden; empty at the site's own size.
    entries: RefCell<Vec<Entry>>,
    factor: Cell<f64>,
    /// Set on unmount: a late callback (the page's `load`) must not scale again.
    detached: Cell<bool>,
}

impl Scaler {
    pub fn new(root: Element) -> Scaler {
        Scaler {
            root,
            entries: RefCell::new(Vec::new()),
            factor: Cell::new(1.0),
            detached: Cell::new(false),
        }
    }

    /// Measures and applies the current factor again (after late stylesheets).
    pub fn reapply(&self) {
        self.apply(self.factor.get());
    }

    /// Restores the site's sizes for good.
    pub fn detach(&self) {
        self.restore();
        self.detached.set(true);
    }

    fn measure(root: &Element) -> Vec<Entry> {
        let mut entries = Vec::new();
        let Some(window) = web_sys::window() else {
            return entries;
        };
        let mut elements = vec![root.clone()];
        if let Ok(list) = root.query_selector_all("*") {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    elements.push(el);
                }
            }
        }
        for el in elements {
            let Ok(el) = el.dyn_into::<HtmlElement>() else {
                continue;
            };
            let Ok(Some(computed)) = window.get_computed_style(&el) else {
                continue;
            };
            let Some(font_px) = px(&computed, "font-size") else {
                continue;
            };
            let style = el.style();
            entries.push(Entry {
                font_px,
                line_px: px(&computed, "line-height"),
                saved_font: inline(&style, "font-size"),
                saved_line: inline(&style, "line-height"),
                el,
            });
        }
        entries
    }

    pub fn apply(&self, factor: f64) {
        if self.detached.get() {
            return;
        }
        self.restore();
        self.factor.set(factor);
        if (factor - 1.0).abs() < f64::EPSILON {
            return;
        }
        let entries = Self::measure(&self.root);
        for e in &entries {
            let style = e.el.style();
            let _ = style.set_property_with_priority(
                "font-size",
                &px_value(e.font_px * factor),
                "important",
            );
            if let Some(line) = e.line_px {
                let _ = style.set_property_with_priority(
                    "line-height",
                    &px_value(line * factor),
                    "important",
                );
            }
        }
        if let Ok(mut slot) = self.entries.try_borrow_mut() {
            *slot = entries;
        }
    }

    /// Puts every element back exactly as the site rendered it.
    pub fn restore(&self) {
        let Ok(mut slot) = self.entries.try_borrow_mut() else {
            return;
        };
        for e in slot.drain(..) {
            let style = e.el.style();
            put_back(&style, "font-size", &e.saved_font);
            put_back(&style, "line-height", &e.saved_line);
        }
    }
}

// Float parsing and formatting are done by JS and integer code: Rust's float
// formatting machinery would add kilobytes to every reader's download.
fn px(computed: &CssStyleDeclaration, prop: &str) -> Option<f64> {
    let value = computed.get_property_value(prop).ok()?;
    let number = js_sys::Number::parse_float(value.strip_suffix("px")?.trim());
    (number.is_finite() && number > 0.0).then_some(number)
}

/// `18.0` → `"18.000px"`, to a thousandth of a pixel.
fn px_value(px: f64) -> String {
    let thousandths = (px * 1000.0).round() as u64;
    format!("{}.{:03}px", thousandths / 1000, thousandths % 1000)
}

fn inline(style: &CssStyleDeclaration, prop: &str) -> (String, String) {
    (
        style.get_property_value(prop).unwrap_or_default(),
        style.get_property_priority(prop),
    )
}

fn put_back(style: &CssStyleDeclaration, prop: &str, saved: &(String, String)) {
    if saved.0.is_empty() {
        let _ = style.remove_property(prop);
    } else {
        let _ = style.set_property_with_priority(prop, &saved.0, &saved.1);
    }
}
