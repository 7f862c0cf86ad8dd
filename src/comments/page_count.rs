//! The count on the host page: elements marked `data-ykien-count="<thread>"`
//! (a count next to the headline, linking to `#ykien-comments`) show what the
//! section knows, kept current as the reader posts or deletes. On listing pages
//! `ykien-count.js` fills the same elements the same way.

use wasm_bindgen::JsCast;

/// Writes `n` into the page's count elements for `thread`, in their own
/// `data-ykien-count-format` ("{n} ý kiến"; "{n}" when none), as text, as
/// `ykien-count.js` does, with the same label (an earlier label of that script's
/// would otherwise go on reading the old count).
pub fn publish(thread: &str, n: u64, lang: crate::i18n::Lang) {
    let Some(doc) = crate::platform::dom::document() else {
        return;
    };
    let Ok(found) = doc.query_selector_all("[data-ykien-count]") else {
        return;
    };
    for i in 0..found.length() {
        let Some(el) = found
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        // Compared, not put into a selector: a thread id may hold any character.
        if el.get_attribute("data-ykien-count").as_deref() != Some(thread) {
            continue;
        }
        let format = el
            .get_attribute("data-ykien-count-format")
            .filter(|f| f.contains("{n}"))
            .unwrap_or_else(|| "{n}".to_owned());
        el.set_text_content(Some(&format.replace("{n}", &n.to_string())));
        let _ = el.set_attribute("aria-label", &crate::i18n::count_label(lang, n));
    }
}
