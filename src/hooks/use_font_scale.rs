use yew::prelude::*;

use crate::font_scale::{FontScale, STORAGE_KEY};
use crate::storage;

/// The reader's text size, read from storage once and written back on every change.
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
        self.state.set(scale);
    }
}

#[hook]
pub fn use_font_scale() -> UseFontScaleHandle {
    let state = use_state(|| {
        storage::get(STORAGE_KEY)
            .and_then(|raw| FontScale::from_stored(&raw))
            .unwrap_or_default()
    });
    UseFontScaleHandle { state }
}
