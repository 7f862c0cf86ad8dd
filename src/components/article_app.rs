//! Render mode root: the widget fetches and renders the article itself.

use yew::prelude::*;

use super::ArticleView;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct ArticleAppProps {
    pub url: AttrValue,
    pub lang: Lang,
    pub timeout_ms: u32,
}

#[component]
pub fn ArticleApp(props: &ArticleAppProps) -> Html {
    html! {
        <div class="ykien" lang={props.lang.code()}>
            <ArticleView url={props.url.clone()} lang={props.lang} timeout_ms={props.timeout_ms} />
        </div>
    }
}
