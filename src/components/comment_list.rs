//! The thread: keyed items, replies indented up to the configured depth and shown
//! flat (with "↪ name") below it. Each item compares its node by pointer, so adding
//! a comment re-renders only the items on the path to it.

use std::rc::Rc;

use yew::prelude::*;

use super::comment_body::{comment_body, sanitized};
use super::comments_app::Ctx;
use super::{Composer, Shared};
use crate::adapter::Comment;
use crate::i18n::Lang;
use crate::thread::Node;
use crate::time::{format_ms, format_relative, iso_ms};

/// The list of top-level comments (a function, not a component: it has no state of
/// its own, and every component type costs download bytes).
pub fn comment_list(roots: &[Rc<Node>], depth: usize) -> Html {
    if roots.is_empty() {
        return Html::default();
    }
    html! {
        <ol class="comment-list">
            { items(roots, 1, depth) }
        </ol>
    }
}

/// The items of one list at `level`: nested below `depth`, flattened at it.
fn items(nodes: &[Rc<Node>], level: usize, depth: usize) -> Html {
    if level < depth {
        return nodes
            .iter()
            .map(|n| {
                html! {
                    <CommentItem key={n.comment.id.text.clone()} node={Shared(n.clone())}
                        {level} nested={true} />
                }
            })
            .collect();
    }
    // At the last level every descendant follows its ancestor as a sibling, in
    // reading order, naming whom it answers.
    let mut out = Vec::new();
    let mut stack: Vec<(Rc<Node>, Option<Rc<Comment>>)> =
        nodes.iter().rev().map(|n| (n.clone(), None)).collect();
    while let Some((node, answers)) = stack.pop() {
        for child in node.children.iter().rev() {
            stack.push((child.clone(), Some(node.comment.clone())));
        }
        out.push(html! {
            <CommentItem key={node.comment.id.text.clone()} node={Shared(node.clone())}
                {level} nested={false} answers={answers.map(Shared)} />
        });
    }
    out.into_iter().collect()
}

#[derive(Properties, PartialEq)]
pub struct CommentItemProps {
    pub node: Shared<Node>,
    pub level: usize,
    /// Render children inside this item (below the last level they are siblings).
    pub nested: bool,
    /// The comment this one replies to, when shown flat.
    #[prop_or_default]
    pub answers: Option<Shared<Comment>>,
}

#[component]
pub fn CommentItem(props: &CommentItemProps) -> Html {
    let replying = use_state(|| false);
    let reply_button = use_node_ref();
    // Sanitizing builds DOM: once per comment, not on every render.
    let html_node = use_memo(props.node.clone(), |n| sanitized(&n.0.comment.body));
    let Some(ctx) = use_context::<Rc<Ctx>>() else {
        return Html::default();
    };
    let lang = ctx.lang;
    let s = lang.strings();
    let comment = &props.node.0.comment;
    let id = comment.id.text.clone();
    let toggle = {
        let replying = replying.clone();
        Callback::from(move |_: MouseEvent| replying.set(!*replying))
    };
    // Focus returns to the Reply button, so keyboard users keep their place.
    let close = {
        let replying = replying.clone();
        let reply_button = reply_button.clone();
        Callback::from(move |_: ()| {
            replying.set(false);
            if let Some(b) = reply_button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        })
    };
    let children = &props.node.0.children;
    let replies = (props.nested && !children.is_empty()).then(|| {
        html! {
            <ol class="comment-replies">{ items(children, props.level + 1, ctx.depth) }</ol>
        }
    });
    html! {
        <li class={classes!("comment", comment.pending.then_some("is-pending"))} data-id={id}>
            <article class="comment-card">
                <header class="comment-head">
                    <span class="comment-author">{author_name(comment, lang)}</span>
                    { for props.answers.as_ref().map(|to| html! {
                        <span class="comment-to">{format!("↪ {}", author_name(&to.0, lang))}</span>
                    }) }
                    { time_view(comment, lang) }
                    if comment.pending {
                        <span class="comment-pending">{s.pending}</span>
                    }
                </header>
                { comment_body(&comment.body, (*html_node).clone()) }
                if comment.pending {
                    <p class="comment-pending-note">{s.pending_note}</p>
                }
                <footer class="comment-actions">
                    <button type="button" class="comment-reply" ref={reply_button} onclick={toggle}
                        aria-expanded={if *replying { "true" } else { "false" }}>
                        {s.reply}
                    </button>
                </footer>
            </article>
            if *replying {
                <Composer parent={Some(Shared(comment.clone()))} on_close={close} />
            }
            { for replies }
        </li>
    }
}

pub fn author_name(comment: &Comment, lang: Lang) -> String {
    match comment.author.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => lang.strings().guest.to_owned(),
    }
}

fn time_view(comment: &Comment, lang: Lang) -> Html {
    let Some(ms) = comment.created_ms else {
        return Html::default();
    };
    let Some(iso) = iso_ms(ms) else {
        return Html::default();
    };
    let exact = format_ms(ms, lang);
    html! {
        <time class="comment-time" datetime={iso} title={exact}>
            {format_relative(js_sys::Date::now(), ms, lang)}
        </time>
    }
}
