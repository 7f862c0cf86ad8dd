//! What the widget has read of one thread so far, page by page: enough to name a
//! reply's root (`{root}`), to know the reply counts the API gave, and to tell the
//! operator when the last page is in but the list came out shorter than the API's
//! own total. That last case is how a paging that silently drops replies shows
//! itself (Isso without `nested_limit` lost 34 of 200); without a warning the
//! operator only hears of it from readers.

use std::collections::HashMap;

use super::{Comment, Id, ListPage, PageExtras, Status};

#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Every comment seen, with its parent.
    parents: HashMap<Id, Option<Id>>,
    /// Comments seen that the API's total counts (not the reader's own held or
    /// rejected ones, which it lists only to their author).
    counted: u64,
    total: Option<u64>,
    reply_counts: HashMap<Id, u64>,
    /// Pages in a row that added nothing the reader can see yet.
    blank_pages: u32,
    warned: bool,
}

impl Reading {
    pub fn new() -> Reading {
        Reading::default()
    }

    /// Takes in one list page. Returns a warning for the console when this was the
    /// last page and fewer comments came than the API's total (beyond `own_held`,
    /// the reader's own held comments, which some APIs count).
    pub fn add(&mut self, page: &ListPage, extras: &PageExtras, own_held: u64) -> Option<String> {
        let mut visible = false;
        for c in &page.comments {
            visible |= self.visible(c);
            self.note(c);
        }
        if !page.comments.is_empty() && !visible {
            self.blank_pages = self.blank_pages.saturating_add(1);
        } else if visible {
            self.blank_pages = 0;
        }
        for (id, n) in &extras.reply_counts {
            self.reply_counts.insert(id.clone(), *n);
        }
        if page.total.is_some() {
            self.total = page.total;
        }
        if page.next.is_some() || self.warned {
            return None;
        }
        let total = self.total?;
        let listed = self.counted.saturating_add(own_held);
        if listed >= total {
            return None;
        }
        self.warned = true;
        Some(format!(
            "ykien: the last page of the thread is in, but it listed {} comments and the API's total says {total} ({} missing). \
             Likely causes: the paging drops replies (an API that limits the replies nested under each comment needs that limit raised, \
             e.g. Isso's nested_limit, or per-parent reply pages in the adapter's \"replies\"), \
             or list.total / list.totalHeader points at another count (top-level comments only, or including held ones)",
            self.counted,
            total - listed
        ))
    }

    /// Takes in the reader's own new comment, so replies to it know their root.
    pub fn note(&mut self, c: &Comment) {
        if self.parents.contains_key(&c.id) {
            return;
        }
        self.parents.insert(c.id.clone(), c.parent.clone());
        if !matches!(c.status, Status::Pending | Status::Rejected) {
            self.counted = self.counted.saturating_add(1);
        }
    }

    /// Whether the comment can be shown now: a top-level one, or a reply whose
    /// parent has been seen.
    fn visible(&self, c: &Comment) -> bool {
        c.parent
            .as_ref()
            .is_none_or(|p| self.parents.contains_key(p))
    }

    /// Pages in a row that brought only replies to comments not yet seen.
    pub fn blank_pages(&self) -> u32 {
        self.blank_pages
    }

    /// The top-level comment above `id` (`id` itself when it is top-level), as far
    /// as the pages read so far tell; `None` when `id` was never seen.
    pub fn root_of(&self, id: &Id) -> Option<Id> {
        let mut at = id;
        for _ in 0..=self.parents.len() {
            match self.parents.get(at)? {
                Some(up) if self.parents.contains_key(up) => at = up,
                // A parent never seen: the highest known is the best guess.
                Some(_) | None => return Some(at.clone()),
            }
        }
        Some(at.clone())
    }

    /// `comment.replyCount` as the API last gave it.
    pub fn reply_count(&self, id: &Id) -> Option<u64> {
        self.reply_counts.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::adapter::{Body, Page};

    fn id(t: &str) -> Id {
        Id {
            text: t.into(),
            numeric: false,
        }
    }

    fn c(i: &str, parent: Option<&str>) -> Comment {
        Comment {
            id: id(i),
            parent: parent.map(id),
            author: None,
            body: Body::Text(String::new()),
            created_ms: None,
            status: Status::Published,
            likes: None,
            edited_ms: None,
        }
    }

    fn page(comments: Vec<Comment>, next: bool, total: Option<u64>) -> ListPage {
        ListPage {
            comments,
            next: next.then_some(Page::Number(2)),
            total,
            problems: Vec::new(),
        }
    }

    #[test]
    fn a_short_list_is_reported_once_at_the_end() {
        let mut r = Reading::new();
        let none = PageExtras::default();
        assert_eq!(
            r.add(&page(vec![c("a", None)], true, Some(3)), &none, 0),
            None
        );
        let warning = r
            .add(&page(vec![c("b", Some("a"))], false, Some(3)), &none, 0)
            .expect("a warning");
        assert!(warning.contains("listed 2 comments"), "{warning}");
        assert!(warning.contains("1 missing"), "{warning}");
        assert!(warning.contains("nested_limit"), "{warning}");
        assert_eq!(r.add(&page(vec![], false, Some(3)), &none, 0), None, "once");
        // The reader's own held comment accounts for the difference.
        let mut r = Reading::new();
        assert_eq!(
            r.add(&page(vec![c("a", None)], false, Some(2)), &none, 1),
            None
        );
        // No total, or a complete list: nothing to say.
        let mut r = Reading::new();
        assert_eq!(
            r.add(&page(vec![c("a", None)], false, None), &none, 0),
            None
        );
        assert_eq!(
            r.add(&page(vec![c("b", None)], false, Some(2)), &none, 0),
            None
        );
    }

    #[test]
    fn roots_and_blank_pages() {
        let mut r = Reading::new();
        let none = PageExtras::default();
        r.add(
            &page(vec![c("r2", Some("r1")), c("r1", Some("p"))], true, None),
            &none,
            0,
        );
        assert_eq!(r.blank_pages(), 1, "only replies to an unseen parent");
        r.add(&page(vec![c("p", None)], true, None), &none, 0);
        assert_eq!(r.blank_pages(), 0);
        assert_eq!(r.root_of(&id("r2")), Some(id("p")));
        assert_eq!(r.root_of(&id("p")), Some(id("p")));
        assert_eq!(r.root_of(&id("zz")), None);
        let mut cyclic = Reading::new();
        cyclic.add(
            &page(vec![c("x", Some("y")), c("y", Some("x"))], false, None),
            &none,
            0,
        );
        assert!(cyclic.root_of(&id("x")).is_some(), "no endless walk");
    }
}
