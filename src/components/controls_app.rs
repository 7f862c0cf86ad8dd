//! Enhance mode: the controls live in their own shadow root beside the site's article
//! and scale the site's elements in place.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{FontControls, Shared};
use crate::hooks::use_font_scale;
use crate::i18n::Lang;
use crate::scaler::Scaler;

#[derive(Properties, PartialEq)]
pub struct ControlsAppProps {
    pub scaler: Shared<Scaler>,
    pub lang: Lang,
}

#[component]
pub fn ControlsApp(props: &ControlsAppProps) -> Html {
    let scale = use_font_scale();
    {
        let scaler = props.scaler.clone();
        use_effect_with(scale.get(), move |s| scaler.0.apply(s.factor()));
    }
    {
        // An async script can run before the page's stylesheets apply; sizes
        // measured then are wrong, so measure again once the page has loaded.
        let scaler = props.scaler.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window();
            let loading = window
                .as_ref()
                .and_then(web_sys::Window::document)
                .is_some_and(|d| d.ready_state() != "complete");
            if let (true, Some(window)) = (loading, window) {
                let on_load = Closure::once_into_js(move || scaler.0.reapply());
                let _ = window.add_event_listener_with_callback("load", on_load.unchecked_ref());
            }
        });
    }
    let on_change = {
        let scale = scale.clone();
        Callback::from(move |next| scale.set(next))
    };
    html! {
        <div class="ykien ykien-controls" lang={props.lang.code()}>
            <FontControls scale={scale.get()} lang={props.lang} {on_change} />
        </div>
    }
}
