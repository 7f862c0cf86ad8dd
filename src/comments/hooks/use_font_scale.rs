use yew::prelude::*;

use crate::article::font_scale::{self, FontScale};

/// The reader's text size, kept in step with the page's A−/A+ controls.
///
/// ```ignore
/// let scale = use_font_scale();
/// html! { <div class={format!("fs-{}", scale.index())}>{ "…" }</div> }
/// ```
#[hook]
pub fn use_font_scale() -> FontScale {
    let state = use_state(font_scale::current);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let subscription = font_scale::subscribe(move |scale| state.set(scale));
            move || drop(subscription)
        });
    }
    *state
}
