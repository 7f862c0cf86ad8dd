//! Enhance mode: the controls live in their own shadow root beside the site's article
//! and scale the site's elements in place.

use yew::prelude::*;

use super::{FontControls, Shared};
use crate::config::Theme;
use crate::hooks::use_font_scale;
use crate::i18n::Lang;
use crate::scaler::Scaler;

#[derive(Properties, PartialEq)]
pub struct ControlsAppProps {
    pub scaler: Shared<Scaler>,
    pub lang: Lang,
    pub theme: Theme,
}

#[component]
pub fn ControlsApp(props: &ControlsAppProps) -> Html {
    let scale = use_font_scale();
    {
        let scaler = props.scaler.clone();
        use_effect_with(scale.get(), move |s| scaler.0.apply(s.factor()));
    }
    let on_change = {
        let scale = scale.clone();
        Callback::from(move |next| scale.set(next))
    };
    html! {
        <div class={classes!("ykien", "ykien-controls", props.theme.class())} lang={props.lang.code()}>
            <FontControls scale={scale.get()} lang={props.lang} {on_change} />
        </div>
    }
}
