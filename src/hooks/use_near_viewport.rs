use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// How far below the fold loading starts, so comments are usually there by the time
/// the reader scrolls to them.
const MARGIN: &str = "600px 0px";

/// `true` once the element has come within [`MARGIN`] of the viewport (and stays
/// `true`). With `eager`, or where `IntersectionObserver` is missing, at once.
#[hook]
pub fn use_near_viewport(node: NodeRef, eager: bool) -> bool {
    let near = use_state(|| eager);
    {
        let near = near.clone();
        use_effect_with(eager, move |_| {
            let observer = if *near { None } else { observe(&node, near) };
            move || {
                if let Some((observer, _callback)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    *near
}

type Observed = (IntersectionObserver, Closure<dyn FnMut(JsValue, JsValue)>);

fn observe(node: &NodeRef, near: UseStateHandle<bool>) -> Option<Observed> {
    let element = node.cast::<web_sys::Element>()?;
    let supported = web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"IntersectionObserver".into()).unwrap_or(false));
    if !supported {
        near.set(true);
        return None;
    }
    let done = Rc::new(RefCell::new(false));
    let callback = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |entries: JsValue, _| {
        let hit = js_sys::Array::from(&entries).iter().any(|e| {
            e.dyn_into::<IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if hit && !*done.borrow() {
            *done.borrow_mut() = true;
            near.set(true);
        }
    });
    let init = IntersectionObserverInit::new();
    init.set_root_margin(MARGIN);
    let observer =
        IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &init).ok()?;
    observer.observe(&element);
    Some((observer, callback))
}
