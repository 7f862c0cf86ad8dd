//! Moving the reader's focus within the comment list: to a comment a link points
//! to (scrolled into view), back to the button that opened a form, to the first
//! comment "Xem thêm" brought. Items are found by their `data-id`, compared as
//! text: an id may hold characters a selector would have to escape.

use wasm_bindgen::JsCast;

use crate::comments::adapter::Id;

/// What to focus (and scroll to) after the next render: a comment's button, or
/// the comment itself.
#[derive(Clone)]
pub struct FocusAfter {
    pub id: Id,
    /// A selector within the item's action row; `None`: the item.
    pub button: Option<&'static str>,
    pub scroll: bool,
}

/// The list item of comment `id`.
fn find_item(list: &web_sys::Element, id: &Id) -> Option<web_sys::Element> {
    let items = list.query_selector_all("li.comment").ok()?;
    (0..items.length())
        .filter_map(|i| items.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .find(|li| li.get_attribute("data-id").as_deref() == Some(id.text.as_str()))
}

pub fn focus_comment(list: &web_sys::Element, want: &FocusAfter) {
    let Some(li) = find_item(list, &want.id) else {
        return;
    };
    let el = match want.button {
        Some(selector) => li
            .query_selector(&format!(":scope > .comment-actions {selector}"))
            .ok()
            .flatten(),
        None => {
            let _ = li.set_attribute("tabindex", "-1");
            Some(li)
        }
    };
    let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    if want.scroll {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
    let _ = el.focus();
}

/// Focuses the top-level comment at `index` (made focusable for this: it is not a
/// control, so it leaves the tab order again on blur).
pub fn focus_item(list: &web_sys::Element, index: u32) {
    let Ok(items) = list.query_selector_all(":scope > ol > li.comment") else {
        return;
    };
    let Some(li) = items
        .item(index)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let _ = li.set_attribute("tabindex", "-1");
    let _ = li.focus();
}
