//! Render mode root: the widget fetches and renders the article itself.

use yew::prelude::*;

use super::ArticleView;
use crate::config::Theme;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct ArticleAppProps {
    pub url: AttrValue,
    pub lang: Lang,
    pub theme: Theme,
}

#[component]
pub fn ArticleApp(props: &ArticleAppProps) -> Html {
    html! {
        <div class={classes!("ykien", props.theme.class())} lang={props.lang.code()}>
            <ArticleView url={props.url.clone()} lang={props.lang} />
        </div>
    }
}
