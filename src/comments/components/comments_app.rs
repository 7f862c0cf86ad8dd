//! Comment section root: the loading state while a site's own adapter is read
//! (`comments::mount`), then the section (`section.rs`) on its backend. What every
//! part shares is here: the context, the heading and the loading state.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::class;
use super::section::Section;
use crate::comments::adapter::{Adapter, Comment, Id};
use crate::comments::backend::Backend;
use crate::comments::hooks::use_font_scale;
use crate::comments::mine::Mine;
use crate::config::CommentsConfig;
use crate::i18n::{comments_heading, Lang};
use crate::platform::dom::console_error;
use crate::platform::error::LoadError;
use crate::platform::http::Answer;
use crate::platform::later::Later;

#[derive(Properties)]
pub struct CommentsAppProps {
    pub setup: Setup,
    pub config: Rc<CommentsConfig>,
    pub lang: Lang,
    /// The first page, when the main part already asked for it (`comments::slot`);
    /// otherwise the section asks itself.
    pub first: Option<Later<Result<Answer, LoadError>>>,
}

impl PartialEq for CommentsAppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.config, &other.config)
            && self.lang == other.lang
            && self.setup == other.setup
    }
}

/// The backend, or a broken adapter (the operator was told in the console).
#[derive(Clone, PartialEq)]
pub enum Setup {
    /// A site's own adapter is being read (`comments::mount`).
    Pending,
    Ready(Rc<Backend>),
    Broken,
}

impl Setup {
    /// For a site's own adapter as read (`Some`), or the built-in one.
    pub fn new(config: &CommentsConfig, adapter: Option<Result<Adapter, String>>) -> Setup {
        match adapter.unwrap_or_else(|| Ok(Adapter::default())) {
            Ok(adapter) => Setup::Ready(Rc::new(Backend::new(
                adapter,
                config.api.clone(),
                config.thread.clone(),
                config.timeout_s,
            ))),
            Err(message) => {
                console_error(&message);
                Setup::Broken
            }
        }
    }
}

/// The reader's own comment as the API accepted it.
pub struct Posted {
    pub comment: Comment,
    /// The API's secret token for it, if it gives one (kept for a held comment).
    pub token: Option<String>,
    /// The comment it answers, as the reader chose it (the API's answer may say
    /// otherwise, or nothing).
    pub replied_to: Option<Id>,
    /// The API's secret for editing or deleting it, and until when it works.
    pub grant: Option<(String, f64)>,
}

/// What every part of the section shares. Created once per backend, so consumers
/// never re-render because of it.
pub struct Ctx {
    pub backend: Rc<Backend>,
    pub lang: Lang,
    pub limit: usize,
    /// The shortest comment the API takes (`data-min-length`, `create.minLength`).
    pub min: usize,
    /// The optional composer fields the API wants.
    pub fields: crate::comments::adapter::Fields,
    pub depth: usize,
    pub on_posted: Callback<Posted>,
    /// What this device remembers of the reader's likes, reports and comments.
    pub mine: Rc<RefCell<Mine>>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend) && self.on_posted == other.on_posted
    }
}

#[component]
pub fn CommentsApp(props: &CommentsAppProps) -> Html {
    let scale = use_font_scale();
    let setup = &props.setup;
    let lang = props.lang;
    let size = props
        .config
        .scale_text
        .then(|| format!("fs-{}", scale.index()));
    let first = use_mut_ref(|| props.first.clone());
    let body = match setup {
        Setup::Pending => html! {
            <section class="comments" aria-labelledby="ykien-comments-title" aria-busy="true">
                { heading(lang, Heading::Loading) }
                { loading_view(lang) }
            </section>
        },
        Setup::Broken => html! {
            <section class="comments" aria-labelledby="ykien-comments-title">
                { heading(lang, Heading::Failed) }
                <div class="comments-error" role="alert"><p>{lang.comments().adapter_failed}</p></div>
            </section>
        },
        Setup::Ready(backend) => html! {
            <Section backend={backend.clone()} config={props.config.clone()} {lang} {first} />
        },
    };
    html! {
        <div class={class("ykien", &[size.as_deref()])} lang={lang.code()}>
            { body }
        </div>
    }
}

pub enum Heading {
    /// Before the first page: "Ý kiến ()", the seed page's own loading state,
    /// styled as a placeholder.
    Loading,
    /// The first page failed: no empty "()" next to the error.
    Failed,
    Count(Option<u64>),
}

pub fn heading(lang: Lang, state: Heading) -> Html {
    let (text, placeholder) = match state {
        Heading::Loading => (comments_heading(lang, None), true),
        Heading::Failed => (lang.strings().comments_title.to_owned(), false),
        Heading::Count(n) => (comments_heading(lang, n), n.is_none()),
    };
    html! {
        <h2 class={class("comments-title", &[placeholder.then_some("is-placeholder")])}
            id="ykien-comments-title">{text}</h2>
    }
}

pub fn loading_view(lang: Lang) -> Html {
    html! {
        <div class="comments-loading">
            <p class="status" role="status">{lang.strings().loading}</p>
            <div class="skeleton" aria-hidden="true">
                { for (0..3).map(|_| html! {
                    <div class="sk-comment">
                        <span class="sk-line sk-name"></span>
                        <span class="sk-line"></span>
                        <span class="sk-line sk-short"></span>
                    </div>
                }) }
            </div>
        </div>
    }
}
