//! ykien: an embeddable article reader and comment widget for news sites.
//!
//! This file only wires modules together and exports the entry points the loader
//! script (`js/loader.js`) calls. Pure logic (config, font scale, sanitizer
//! policy, article parsing, i18n) is tested natively with `cargo test`; everything
//! touching the DOM is tested in Chromium with `wasm-pack test`.

// Grouped by what they serve: the article and its controls, the comment section,
// and the platform layer both stand on; `embed` puts them on the page.
pub mod article;
pub mod comments;
pub mod config;
pub mod embed;
pub mod i18n;
pub mod notice;
pub mod platform;
pub mod sanitize;

use wasm_bindgen::prelude::*;

/// Talc instead of the default dlmalloc: a few kilobytes less in every reader's
/// download (measured in the size table of `cargo xtask dist`), and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// What `ykien.mount()` returns to the page (wrapped by the loader).
#[wasm_bindgen]
pub struct Handle {
    widget: Option<embed::Widget>,
}

#[wasm_bindgen]
impl Handle {
    /// Removes everything the widget added and restores the site's article. Calling
    /// it twice is harmless.
    pub fn unmount(&mut self) {
        if let Some(widget) = self.widget.take() {
            widget.unmount();
        }
    }

    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.widget.is_some()
    }
}

/// Mounts from a script tag's `dataset`. `services` is what the loader provides
/// (stylesheet, theme watcher, placeholders; see `platform`), or `undefined`.
#[wasm_bindgen(js_name = mountScript)]
pub fn mount_script(script: web_sys::Element, config: JsValue, services: JsValue) -> Handle {
    Handle {
        widget: Some(embed::mount(
            embed::Place::Script(script),
            &config_pairs(&config),
            &platform::loader::Platform::from_js(&services),
        )),
    }
}

/// Mounts into an element with a config object (`ykien.mount(el, {...})`).
#[wasm_bindgen(js_name = mountElement)]
pub fn mount_element(target: JsValue, config: JsValue, services: JsValue) -> Handle {
    let Ok(element) = target.dyn_into::<web_sys::Element>() else {
        platform::dom::console_error("ykien.mount: the first argument must be a DOM element");
        return Handle { widget: None };
    };
    // A `headers` function cannot go through the string pairs: kept for the backend.
    comments::backend::provide_headers(&config);
    Handle {
        widget: Some(embed::mount(
            embed::Place::Element(element),
            &config_pairs(&config),
            &platform::loader::Platform::from_js(&services),
        )),
    }
}

/// Flattens a config object (or a `DOMStringMap`) into key/value strings; nested
/// objects are kept as JSON text so the parser sees one representation.
fn config_pairs(config: &JsValue) -> Vec<(String, String)> {
    let Some(obj) = config.dyn_ref::<js_sys::Object>() else {
        return Vec::new();
    };
    js_sys::Object::entries(obj)
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            let key = entry.get(0).as_string()?;
            let value = entry.get(1);
            let text = if let Some(s) = value.as_string() {
                s
            } else if value.is_null() || value.is_undefined() {
                return None;
            } else {
                // Numbers, booleans and nested objects (an inline adapter) as JSON text.
                js_sys::JSON::stringify(&value).ok()?.as_string()?
            };
            Some((key, text))
        })
        .collect()
}

/// A panic aborts the Wasm instance; say so on the console in words an operator can
/// report, instead of an anonymous "unreachable executed".
#[wasm_bindgen(start)]
pub fn start() {
    yew::set_custom_panic_hook(Box::new(|info| {
        platform::dom::console_error(&format!("ykien: internal error, please report: {info}"));
        show_crashed();
    }));
}

/// After a panic the module is dead (`panic = "abort"`), so every widget on the page
/// would freeze as it is. Each one is replaced by a short message in its language
/// instead; the page's own content (and the reader's draft, in storage) is untouched.
#[doc(hidden)]
pub fn show_crashed() {
    let Some(doc) = platform::dom::document() else {
        return;
    };
    let Ok(hosts) = doc.query_selector_all("ykien-comments, ykien-article, ykien-controls") else {
        return;
    };
    for i in 0..hosts.length() {
        let Some(host) = hosts
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(root) = host.shadow_root() else {
            continue;
        };
        let lang = root
            .query_selector("[lang]")
            .ok()
            .flatten()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|l| i18n::Lang::from_tag(&l))
            .unwrap_or_default();
        let Ok(note) = doc.create_element("p") else {
            continue;
        };
        note.set_class_name("ykien crashed");
        let _ = note.set_attribute("role", "alert");
        note.set_text_content(Some(lang.strings().crashed));
        root.set_text_content(None);
        let _ = root.append_child(&note);
    }
}
