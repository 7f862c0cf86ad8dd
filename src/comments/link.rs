//! Links to one comment: `https://bao.vn/bai-viet#ykien-c-<id>`.
//!
//! The comments live in a shadow root, where the browser's own fragment
//! navigation cannot reach, so the section reads the fragment itself: it loads at
//! once (not when scrolled to), asks the API for the page around the comment
//! when it can (`list.around`), otherwise loads pages until it is found (at most
//! [`MAX_PAGES`]), then scrolls to it, highlights it and moves focus to it.

use crate::comments::adapter::{decode_component, encode_component};

/// What every comment link's fragment starts with.
pub const PREFIX: &str = "#ykien-c-";

/// Pages loaded looking for a linked comment on an API that cannot answer
/// around it; past them the reader is told it was not found.
pub const MAX_PAGES: u32 = 20;

/// The comment id a fragment (`location.hash`) links to, if it is a comment link.
pub fn target(hash: &str) -> Option<String> {
    let encoded = hash.strip_prefix(PREFIX)?;
    let id = decode_component(encoded)?;
    (!id.is_empty() && id.chars().count() <= 200 && !id.chars().any(char::is_control)).then_some(id)
}

/// The element id (and fragment without `#`) of a comment.
pub fn anchor(id: &str) -> String {
    format!("{}{}", &PREFIX[1..], encode_component(id))
}

/// The page's URL (`location.href`) with its fragment replaced by the comment's.
pub fn url_of(href: &str, id: &str) -> String {
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{}", anchor(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_round_trip() {
        for id in ["42", "c 7", "bình-luận/1", "a#b"] {
            let url = url_of("https://bao.vn/bai-viet?x=1#top", id);
            let hash = &url[url.find('#').unwrap_or(0)..];
            assert_eq!(target(hash).as_deref(), Some(id), "{url}");
        }
        assert_eq!(
            url_of("https://bao.vn/a", "5"),
            "https://bao.vn/a#ykien-c-5"
        );
        assert_eq!(anchor("c 7"), "ykien-c-c%207");
        for not_a_link in [
            "",
            "#",
            "#ykien-comments",
            "#ykien-c-",
            "#ykien-c-%E0%A4",
            "#ykien-c-%0A",
        ] {
            assert_eq!(target(not_a_link), None, "{not_a_link}");
        }
        assert_eq!(target(&format!("#ykien-c-{}", "9".repeat(201))), None);
    }
}
