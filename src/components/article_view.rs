//! Fetches the article JSON and renders it: loading skeleton, error with retry, or
//! the article with its sanitized body and the font-size controls beside its time.

use std::rc::Rc;

use web_sys::AbortController;
use yew::prelude::*;

use super::FontControls;
use crate::api::fetch_article;
use crate::article::{published_line, Article};
use crate::dom::{console_error, document};
use crate::error::LoadError;
use crate::hooks::use_font_scale;
use crate::i18n::Lang;
use crate::sanitize::sanitize_html;

#[derive(Properties, PartialEq)]
pub struct ArticleViewProps {
    pub url: AttrValue,
    pub lang: Lang,
    pub timeout_ms: u32,
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Failed(LoadError),
    Ready(Rc<Article>, Option<web_sys::Element>),
}

#[component]
pub fn ArticleView(props: &ArticleViewProps) -> Html {
    let s = props.lang.strings();
    let load = use_state(|| Load::Loading);
    // Bumped by the retry button; the fetch effect depends on it.
    let attempt = use_state(|| 0u32);
    let scale = use_font_scale();

    {
        let load = load.clone();
        let url = props.url.clone();
        let timeout_ms = props.timeout_ms;
        use_effect_with((url, *attempt), move |(url, _)| {
            load.set(Load::Loading);
            // Aborted when the widget is unmounted or a retry supersedes this fetch,
            // so a late answer never lands in a component that is gone.
            let controller = AbortController::new().ok();
            let signal = controller.as_ref().map(AbortController::signal);
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = fetch_article(&url, timeout_ms, signal.as_ref()).await;
                if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                    return;
                }
                match result {
                    Ok(article) => {
                        let body = document().and_then(|d| sanitize_html(&d, &article.body_html));
                        load.set(Load::Ready(Rc::new(article), body));
                    }
                    Err(err) => {
                        console_error(&err.operator_message(&url));
                        load.set(Load::Failed(err));
                    }
                }
            });
            move || {
                if let Some(c) = controller {
                    c.abort();
                }
            }
        });
    }

    match &*load {
        Load::Loading => html! {
            <div class="article-state loading" aria-busy="true">
                <p class="status" role="status">{s.loading}</p>
                <div class="skeleton" aria-hidden="true">
                    <span class="sk-line sk-title"></span>
                    <span class="sk-line"></span>
                    <span class="sk-line"></span>
                    <span class="sk-line sk-short"></span>
                </div>
            </div>
        },
        Load::Failed(err) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_: MouseEvent| attempt.set(attempt.wrapping_add(1)))
            };
            html! {
                <div class="article-state failed" role="alert">
                    <p class="error-title">{s.article_failed}</p>
                    <p class="error-detail">{err.reader_message(props.lang)}</p>
                    <button type="button" class="btn" onclick={retry}>{s.retry}</button>
                </div>
            }
        }
        Load::Ready(article, body) => {
            let on_change = {
                let scale = scale.clone();
                Callback::from(move |next| scale.set(next))
            };
            // As the newsroom printed it, in the article's own offset.
            let time = article
                .published_at
                .as_deref()
                .and_then(|iso| published_line(iso, props.lang).map(|text| (iso.to_owned(), text)));
            html! {
                <article class={classes!("article", format!("fs-{}", scale.get().index()))}>
                    <h2 class="article-title">{&article.title}</h2>
                    <div class="article-meta">
                        { for time.map(|(iso, text)| html! { <time datetime={iso}>{text}</time> }) }
                        <FontControls scale={scale.get()} lang={props.lang} {on_change} />
                    </div>
                    <div class="article-body">
                        { for body.clone().map(|node| Html::VRef(node.into())) }
                    </div>
                    { for article.author.as_ref().map(|a| html! {
                        <p class="article-byline">{format!("{} {}", s.byline_prefix, a)}</p>
                    }) }
                </article>
            }
        }
    }
}
