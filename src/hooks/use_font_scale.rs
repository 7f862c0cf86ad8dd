use std::cell::{Cell, RefCell};

use yew::prelude::*;

use crate::font_scale::{FontScale, STORAGE_KEY};
use crate::storage;

/// The reader's text size, shared by every widget on the page: A+ in the article's
/// controls also enlarges a render-mode article and the comment sections, and the
/// choice is remembered per site.
///
/// ```ignore
/// let scale = use_font_scale();
/// let bigger = { let s = scale.clone(); Callback::from(move |_| s.set(s.get().increased())) };
/// ```
#[derive(Clone, PartialEq)]
pub struct UseFontScaleHandle {
    state: UseStateHandle<FontScale>,
}

impl UseFontScaleHandle {
    pub fn get(&self) -> FontScale {
        *self.state
    }

    pub fn set(&self, scale: FontScale) {
        if scale.is_default() {
            storage::remove(STORAGE_KEY);
        } else {
            // Storage may be unavailable; the new size still applies to this page view.
            storage::set(STORAGE_KEY, &scale.to_stored());
        }
        publish(scale);
    }
}

thread_local! {
    static LISTENERS: RefCell<Vec<(u32, Callback<FontScale>)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// Tells every subscribed widget. The callbacks are copied out first, so none runs
/// while the list is borrowed (a callback may subscribe or unsubscribe).
fn publish(scale: FontScale) {
    let listeners: Vec<Callback<FontScale>> = LISTENERS.with(|l| {
        l.try_borrow()
            .map(|l| l.iter().map(|(_, cb)| cb.clone()).collect())
            .unwrap_or_default()
    });
    for cb in listeners {
        cb.emit(scale);
    }
}

fn subscribe(cb: Callback<FontScale>) -> u32 {
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    LISTENERS.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.push((id, cb));
        }
    });
    id
}

fn unsubscribe(id: u32) {
    LISTENERS.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.retain(|(i, _)| *i != id);
        }
    });
}

#[hook]
pub fn use_font_scale() -> UseFontScaleHandle {
    let state = use_state(|| {
        storage::get(STORAGE_KEY)
            .and_then(|raw| FontScale::from_stored(&raw))
            .unwrap_or_default()
    });
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let id = subscribe(Callback::from(move |scale| state.set(scale)));
            move || unsubscribe(id)
        });
    }
    UseFontScaleHandle { state }
}
