//! A comment's body. Plain text stays text (links become anchors built as nodes, never
//! parsed); HTML bodies, when the adapter says so, go through the article sanitizer.

use yew::prelude::*;

use crate::comments::adapter::Body;
use crate::comments::text::{linkify, Segment};
use crate::platform::dom::document;
use crate::sanitize::sanitize_html;

/// Links readers post lead to other sites: no referrer, no endorsement.
const LINK_REL: &str = "nofollow ugc noopener noreferrer";

/// The sanitized DOM of an HTML body (`None` for text). Built once per comment by the
/// item, which memoizes it.
pub fn sanitized(body: &Body) -> Option<web_sys::Element> {
    match body {
        Body::Html(html) => document().and_then(|d| sanitize_html(&d, html)),
        Body::Text(_) => None,
    }
}

pub fn comment_body(body: &Body, html_node: Option<web_sys::Element>) -> Html {
    match body {
        Body::Text(text) => html! {
            <div class="comment-body">
                { for linkify(text).into_iter().map(|seg| match seg {
                    Segment::Text(t) => html! { {t} },
                    Segment::Link(url) => html! {
                        <a href={url.to_owned()} rel={LINK_REL} target="_blank">{url}</a>
                    },
                }) }
            </div>
        },
        Body::Html(_) => html! {
            <div class="comment-body is-html">
                { for html_node.map(|node| Html::VRef(node.into())) }
            </div>
        },
    }
}
