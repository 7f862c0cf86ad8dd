//! The seed page's "A  A" pair (smaller, larger) plus a reset showing the current
//! size, as plain DOM. A press changes the page-wide preference
//! ([`font_scale::set`]); every set of controls on the page follows it.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Document, Element, HtmlElement};

use super::font_scale::{self, FontScale, Subscription};
use crate::i18n::{font_size_status, percent, Lang};
use crate::platform::dom::{append, el, set_attrs, text_el};

/// A mounted set of controls; dropping it removes its listeners.
pub struct FontControls {
    _listeners: Vec<EventListener>,
    _subscription: Subscription,
}

struct Parts {
    smaller: HtmlElement,
    larger: HtmlElement,
    reset: HtmlElement,
    reset_value: web_sys::Text,
    live: Element,
    lang: Lang,
    /// Set by a press here, so only the control the reader used speaks.
    pressed: Cell<bool>,
}

impl Parts {
    fn show(&self, scale: FontScale) {
        let disable = |b: &HtmlElement, off: bool| {
            if off {
                let _ = b.set_attribute("disabled", "");
            } else {
                let _ = b.remove_attribute("disabled");
            }
        };
        disable(&self.smaller, !scale.can_decrease());
        disable(&self.larger, !scale.can_increase());
        disable(&self.reset, scale.is_default());
        self.reset_value
            .set_data(&percent(self.lang, scale.permille()));
        if self.pressed.get() {
            self.live
                .set_text_content(Some(&font_size_status(self.lang, scale.permille())));
        }
    }
}

fn button(doc: &Document, class: &str, label: &str) -> Option<HtmlElement> {
    use wasm_bindgen::JsCast;
    let b = el(doc, "button", class)?;
    set_attrs(
        &b,
        &[("type", "button"), ("aria-label", label), ("title", label)],
    );
    b.dyn_into().ok()
}

impl FontControls {
    /// Builds the controls at the end of `parent`.
    pub fn mount(doc: &Document, parent: &Element, lang: Lang) -> Option<FontControls> {
        let s = lang.strings();
        let group = el(doc, "div", "font-controls")?;
        set_attrs(&group, &[("role", "group"), ("aria-label", s.font_group)]);
        let smaller = button(doc, "fc-btn fc-smaller", s.font_smaller)?;
        let larger = button(doc, "fc-btn fc-larger", s.font_larger)?;
        for b in [&smaller, &larger] {
            let a = text_el(doc, "span", "", "A");
            if let Some(a) = &a {
                let _ = a.set_attribute("aria-hidden", "true");
            }
            append(b, &[&a]);
        }
        let reset: HtmlElement = {
            use wasm_bindgen::JsCast;
            let b = el(doc, "button", "fc-btn fc-reset")?;
            set_attrs(&b, &[("type", "button"), ("title", s.font_reset)]);
            b.dyn_into().ok()?
        };
        // The name is the visible "100%" after a hidden description, so speech
        // input ("click 100%") and screen readers agree (WCAG 2.5.3).
        append(
            &reset,
            &[&text_el(
                doc,
                "span",
                "visually-hidden",
                &format!("{} ", s.font_reset),
            )],
        );
        let reset_value = doc.create_text_node("");
        let _ = reset.append_child(&reset_value);
        let live = el(doc, "span", "visually-hidden")?;
        set_attrs(&live, &[("role", "status"), ("aria-live", "polite")]);
        let _ = group.append_child(&smaller);
        let _ = group.append_child(&larger);
        let _ = group.append_child(&reset);
        let _ = group.append_child(&live);
        let _ = parent.append_child(&group);

        let parts = Rc::new(Parts {
            smaller,
            larger,
            reset,
            reset_value,
            live,
            lang,
            pressed: Cell::new(false),
        });
        parts.show(font_scale::current());

        // A button that becomes disabled drops keyboard focus to <body>; hand it to
        // the control that still makes sense, so A+ A+ A+ never strands a keyboard
        // user.
        let press = |target: &HtmlElement,
                     next: fn(FontScale) -> FontScale,
                     fallback: fn(&Parts) -> &HtmlElement| {
            let parts = Rc::clone(&parts);
            EventListener::new(target, "click", move |_| {
                let scale = next(font_scale::current());
                parts.pressed.set(true);
                font_scale::set(scale);
                let at_bound = !scale.can_increase() || !scale.can_decrease() || scale.is_default();
                if at_bound {
                    let _ = fallback(&parts).focus();
                }
            })
        };
        let listeners = vec![
            press(&parts.smaller, FontScale::decreased, |p| &p.reset),
            press(&parts.larger, FontScale::increased, |p| &p.reset),
            press(&parts.reset, |_| FontScale::default(), |p| &p.larger),
        ];
        let subscription = {
            let parts = Rc::clone(&parts);
            font_scale::subscribe(move |scale| parts.show(scale))
        };
        Some(FontControls {
            _listeners: listeners,
            _subscription: subscription,
        })
    }
}
