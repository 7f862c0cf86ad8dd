//! The seed page's "A  A" pair (smaller, larger) plus a reset showing the current size.

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::font_scale::FontScale;
use crate::i18n::{font_size_status, percent, Lang};

#[derive(Properties, PartialEq)]
pub struct FontControlsProps {
    pub scale: FontScale,
    pub lang: Lang,
    pub on_change: Callback<FontScale>,
}

#[component]
pub fn FontControls(props: &FontControlsProps) -> Html {
    let s = props.lang.strings();
    let scale = props.scale;
    let smaller_ref = use_node_ref();
    let larger_ref = use_node_ref();
    let reset_ref = use_node_ref();
    // Set once a change has happened, so the live region speaks only after a press.
    let changed = use_state(|| false);

    // A button that becomes disabled drops keyboard focus to <body>; hand it to the
    // control that still makes sense so A+ A+ A+ never strands a keyboard user.
    let change = |next: FontScale, fallback: NodeRef| {
        let on_change = props.on_change.clone();
        let changed = changed.clone();
        Callback::from(move |_: MouseEvent| {
            let at_bound = !next.can_increase() || !next.can_decrease() || next.is_default();
            on_change.emit(next);
            changed.set(true);
            if at_bound {
                if let Some(el) = fallback.cast::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        })
    };
    let on_smaller = change(scale.decreased(), reset_ref.clone());
    let on_larger = change(scale.increased(), reset_ref.clone());
    let on_reset = change(FontScale::default(), larger_ref.clone());

    html! {
        <div class="font-controls" role="group" aria-label={s.font_group}>
            <button type="button" class="fc-btn fc-smaller" ref={smaller_ref}
                aria-label={s.font_smaller} title={s.font_smaller}
                disabled={!scale.can_decrease()} onclick={on_smaller}>
                <span aria-hidden="true">{"A"}</span>
            </button>
            <button type="button" class="fc-btn fc-larger" ref={larger_ref}
                aria-label={s.font_larger} title={s.font_larger}
                disabled={!scale.can_increase()} onclick={on_larger}>
                <span aria-hidden="true">{"A"}</span>
            </button>
            <button type="button" class="fc-btn fc-reset" ref={reset_ref}
                title={s.font_reset}
                disabled={scale.is_default()} onclick={on_reset}>
                // The name is the visible "100%" after a hidden description, so
                // speech input ("click 100%") and screen readers agree (WCAG 2.5.3).
                <span class="visually-hidden">{format!("{} ", s.font_reset)}</span>
                {percent(props.lang, scale.permille())}
            </button>
            <span class="visually-hidden" role="status" aria-live="polite">
                { if *changed { font_size_status(props.lang, scale.permille()) } else { String::new() } }
            </span>
        </div>
    }
}
