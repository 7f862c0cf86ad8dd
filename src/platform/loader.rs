//! What the loader script (`js/loader.js`) hands the module: the one stylesheet every
//! shadow root adopts, the theme watcher, and the placeholders it drew before the
//! module arrived.
//!
//! Why the loader owns these: it must draw the loading state (themed, styled) before
//! the `.wasm` has downloaded, so the CSS and the theme logic have to be in the
//! script anyway; keeping a second copy in the module would make every reader
//! download them twice. Without a loader (browser tests calling the exports
//! directly) every part is optional: no sheet means unstyled, no watcher means the
//! light theme.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::config::Theme;

#[derive(Clone, Default)]
pub struct Platform {
    sheet: Option<CssStyleSheet>,
    /// `theme(host, "auto" | "light" | "dark") → stop()`.
    theme: Option<js_sys::Function>,
    /// Hosts already on the page, showing the loading state; taken over by tag.
    placeholders: std::rc::Rc<std::cell::RefCell<Vec<Element>>>,
}

/// A widget host on the page: the element, the root to render into inside its
/// shadow root, and the loader's placeholder content still showing there, if any.
pub struct Host {
    pub host: Element,
    pub root: Element,
    pub placeholder: Option<Element>,
}

/// Removes a placeholder's loading state once the module's content is in place.
/// If the reader was in one of its fields, [`take_focus`] then tells the module's
/// form which one to focus.
pub fn retire(placeholder: Element) {
    let focused = placeholder
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|shadow| shadow.active_element())
        .filter(|active| placeholder.contains(Some(active)))
        .map(|active| active.class_name());
    FOCUS.with(|f| {
        if let Ok(mut f) = f.try_borrow_mut() {
            *f = focused;
        }
    });
    placeholder.remove();
}

thread_local! {
    /// The class of the placeholder field that had focus when it was taken over.
    static FOCUS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Whether the reader was in the placeholder's field with this class (the module's
/// own field then takes the focus); answers `true` once.
pub fn take_focus(class: &str) -> bool {
    FOCUS.with(|f| {
        let hit = f.try_borrow().is_ok_and(|c| {
            c.as_deref()
                .is_some_and(|c| c.split(' ').any(|x| x == class))
        });
        if hit {
            f.replace(None);
        }
        hit
    })
}

/// Undoes [`Platform::watch_theme`].
pub struct ThemeWatch(Option<js_sys::Function>);

impl ThemeWatch {
    pub fn stop(self) {
        if let Some(stop) = self.0 {
            let _ = stop.call0(&JsValue::NULL);
        }
    }
}

fn member(obj: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

impl Platform {
    /// Reads the loader's object; anything missing or of the wrong type is absent.
    pub fn from_js(value: &JsValue) -> Platform {
        if !value.is_object() {
            return Platform::default();
        }
        let placeholders = member(value, "placeholders")
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.dyn_into::<Element>().ok())
                    .collect()
            })
            .unwrap_or_default();
        Platform {
            sheet: member(value, "sheet").and_then(|v| v.dyn_into().ok()),
            theme: member(value, "theme").and_then(|v| v.dyn_into().ok()),
            placeholders: std::rc::Rc::new(std::cell::RefCell::new(placeholders)),
        }
    }

    /// `<tag>` with an open shadow root carrying the widget stylesheet, and a `<div>`
    /// inside it to render into. A placeholder of that tag drawn by the loader is
    /// reused, its loading state left showing until the module's own content is in
    /// place and [`retire`] takes it away, so nothing moves.
    pub fn shadow_host(&self, doc: &Document, tag: &str) -> Result<Host, JsValue> {
        if let Some(host) = self.take_placeholder(tag) {
            if let Some(shadow) = host.shadow_root() {
                let placeholder = shadow.first_element_child();
                self.adopt(&shadow)?;
                let root = doc.create_element("div")?;
                shadow.append_child(&root)?;
                return Ok(Host {
                    host,
                    root,
                    placeholder,
                });
            }
        }
        let host = doc.create_element(tag)?;
        let shadow: ShadowRoot = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        self.adopt(&shadow)?;
        let root = doc.create_element("div")?;
        shadow.append_child(&root)?;
        Ok(Host {
            host,
            root,
            placeholder: None,
        })
    }

    fn adopt(&self, shadow: &ShadowRoot) -> Result<(), JsValue> {
        if let Some(sheet) = &self.sheet {
            let sheets = js_sys::Array::of1(sheet);
            js_sys::Reflect::set(shadow, &JsValue::from_str("adoptedStyleSheets"), &sheets)?;
        }
        Ok(())
    }

    fn take_placeholder(&self, tag: &str) -> Option<Element> {
        let mut list = self.placeholders.try_borrow_mut().ok()?;
        let at = list
            .iter()
            .position(|el| el.local_name().eq_ignore_ascii_case(tag) && el.is_connected())?;
        Some(list.remove(at))
    }

    /// Removes placeholders nothing took over (a configuration the module refused).
    pub fn drop_unused(&self) {
        let Ok(mut list) = self.placeholders.try_borrow_mut() else {
            return;
        };
        for el in list.drain(..) {
            el.remove();
        }
    }

    /// Keeps `host`'s `theme` attribute (`light`/`dark`, which the stylesheet reads)
    /// in step with the page behind it; see the loader for how `auto` decides.
    pub fn watch_theme(&self, host: &Element, theme: &Theme) -> ThemeWatch {
        let mode = match theme {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        };
        let Some(watch) = &self.theme else {
            if *theme == Theme::Dark {
                let _ = host.set_attribute("theme", "dark");
            }
            return ThemeWatch(None);
        };
        let stop = watch
            .call2(&JsValue::NULL, host, &JsValue::from_str(mode))
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Function>().ok());
        ThemeWatch(stop)
    }
}
