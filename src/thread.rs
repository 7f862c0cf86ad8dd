//! The comments of one thread as the reader sees them: a tree built from pages that
//! arrive over time, plus what the reader posted in this visit.
//!
//! The tree is persistent (`Rc` nodes, path copying): adding a reply replaces only
//! the nodes from the new comment up to its root, so the list component re-renders
//! those and compares everything else by pointer. That is what keeps rendering
//! 1,000 comments, and then adding one, cheap.
//!
//! Order is stable by construction: pages append top-level comments at the end,
//! replies go after their siblings, and a comment never moves once shown. The only
//! exception is the reader's own new top-level comment, which goes where the API's
//! order puts new comments (the top for newest-first APIs), right under the composer
//! the reader is looking at.

use std::collections::HashMap;
use std::rc::Rc;

use crate::adapter::{Comment, Id, ListPage, Order, Page};

#[derive(Debug, PartialEq)]
pub struct Node {
    pub comment: Rc<Comment>,
    pub children: Vec<Rc<Node>>,
}

#[derive(Clone, Debug, Default)]
pub struct Thread {
    roots: Vec<Rc<Node>>,
    /// Every shown comment's parent (`None` for roots), for path copying.
    parents: HashMap<Id, Option<Id>>,
    /// Replies whose parent has not arrived, keyed by that parent; shown when it
    /// does, or as top-level comments once the last page is in.
    waiting: HashMap<Id, Vec<Comment>>,
    /// The API's total at the last page, if it gives one.
    total: Option<u64>,
    /// Comments the reader posted since then, added to `total`.
    posted: u64,
    next: Option<Page>,
    /// No page has been loaded yet.
    fresh: bool,
}

impl Thread {
    pub fn new() -> Self {
        Thread {
            next: Some(Page::First),
            fresh: true,
            ..Thread::default()
        }
    }

    pub fn roots(&self) -> &[Rc<Node>] {
        &self.roots
    }

    /// The page to ask for next, `None` once everything is loaded.
    pub fn next_page(&self) -> Option<&Page> {
        self.next.as_ref()
    }

    pub fn is_loaded(&self) -> bool {
        !self.fresh
    }

    pub fn len(&self) -> usize {
        self.parents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    pub fn contains(&self, id: &Id) -> bool {
        self.parents.contains_key(id)
    }

    /// The count for the heading: the API's total plus what the reader posted since;
    /// when the API gives none, the number shown once every page is in; else unknown.
    pub fn count(&self) -> Option<u64> {
        match self.total {
            Some(t) => Some(t.saturating_add(self.posted)),
            None if !self.fresh && self.next.is_none() => Some(self.len() as u64),
            None => None,
        }
    }

    /// Adds one page. Returns how many comments were dropped as duplicates.
    pub fn add_page(&mut self, page: ListPage) -> usize {
        self.fresh = false;
        if page.total.is_some() {
            self.total = page.total;
            self.posted = 0;
        }
        self.next = page.next;
        let mut duplicates = 0;
        for comment in page.comments {
            if !self.place(comment, Order::Oldest) {
                duplicates += 1;
            }
        }
        if self.next.is_none() {
            // Nothing more will arrive: parents still missing never will.
            let mut orphans: Vec<Comment> = self.waiting.drain().flat_map(|(_, v)| v).collect();
            // HashMap order is arbitrary; keep the API's relative order by time.
            orphans.sort_by(|a, b| {
                a.created_ms
                    .unwrap_or(0.0)
                    .total_cmp(&b.created_ms.unwrap_or(0.0))
            });
            for mut c in orphans {
                if self.contains(&c.id) {
                    duplicates += 1;
                    continue;
                }
                c.parent = None;
                self.place(c, Order::Oldest);
            }
        }
        duplicates
    }

    /// The reader's own comment, accepted by the API (or held for moderation, which
    /// the API's total does not count either).
    pub fn add_own(&mut self, comment: Comment, order: Order) {
        let counts = !comment.pending;
        if self.place(comment, order) && counts {
            self.posted = self.posted.saturating_add(1);
        }
    }

    /// Places a comment and any replies that were waiting for it. `false` for a
    /// duplicate id.
    fn place(&mut self, comment: Comment, root_order: Order) -> bool {
        if self.contains(&comment.id) {
            return false;
        }
        let parent = comment.parent.clone().filter(|p| *p != comment.id);
        match parent {
            Some(p) if !self.contains(&p) => {
                self.waiting.entry(p).or_default().push(comment);
                return true;
            }
            Some(p) => {
                let id = comment.id.clone();
                let node = Rc::new(Node {
                    comment: Rc::new(comment),
                    children: Vec::new(),
                });
                self.attach_child(&p, node);
                self.parents.insert(id.clone(), Some(p));
                self.release_waiting(id);
            }
            None => {
                let id = comment.id.clone();
                let node = Rc::new(Node {
                    comment: Rc::new(comment),
                    children: Vec::new(),
                });
                match root_order {
                    Order::Oldest => self.roots.push(node),
                    Order::Newest => self.roots.insert(0, node),
                }
                self.parents.insert(id.clone(), None);
                self.release_waiting(id);
            }
        }
        true
    }

    /// Places replies that arrived before `id` (iteratively: a chain of waiting
    /// replies can be long).
    fn release_waiting(&mut self, id: Id) {
        let mut ready = vec![id];
        while let Some(parent) = ready.pop() {
            let Some(children) = self.waiting.remove(&parent) else {
                continue;
            };
            for child in children {
                if self.contains(&child.id) {
                    continue;
                }
                let child_id = child.id.clone();
                let node = Rc::new(Node {
                    comment: Rc::new(child),
                    children: Vec::new(),
                });
                self.attach_child(&parent, node);
                self.parents.insert(child_id.clone(), Some(parent.clone()));
                ready.push(child_id);
            }
        }
    }

    /// Appends `node` to the children of `parent`, copying the path from the root.
    fn attach_child(&mut self, parent: &Id, node: Rc<Node>) {
        // Ancestors from the parent up to its root.
        let mut path = vec![parent.clone()];
        while let Some(Some(up)) = path.last().and_then(|id| self.parents.get(id)) {
            if path.len() > self.parents.len() {
                return; // a cycle cannot be built by `place`, but never loop on one
            }
            path.push(up.clone());
        }
        let Some(root_id) = path.pop() else { return };
        let Some(root_index) = self.roots.iter().position(|n| n.comment.id == root_id) else {
            return;
        };
        if let Some(root) = self.roots.get_mut(root_index) {
            path.reverse();
            *root = with_child(root, &path, node);
        }
    }
}

/// A copy of `node` with `child` appended under the descendant reached by `path`
/// (ids below `node`, top first). Iterative over the path's length via recursion
/// depth bounded by the tree's depth, which `place` keeps acyclic.
fn with_child(node: &Rc<Node>, path: &[Id], child: Rc<Node>) -> Rc<Node> {
    let mut children = node.children.clone();
    match path.split_first() {
        None => children.push(child),
        Some((next, rest)) => {
            if let Some(slot) = children.iter_mut().find(|c| c.comment.id == *next) {
                *slot = with_child(slot, rest, child);
            }
        }
    }
    Rc::new(Node {
        comment: Rc::clone(&node.comment),
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::Body;

    fn c(id: &str, parent: Option<&str>) -> Comment {
        Comment {
            id: Id {
                text: id.into(),
                numeric: false,
            },
            parent: parent.map(|p| Id {
                text: p.into(),
                numeric: false,
            }),
            author: Some("Lan".into()),
            body: Body::Text(format!("body {id}")),
            created_ms: None,
            pending: false,
        }
    }

    fn page(comments: Vec<Comment>, next: Option<Page>, total: Option<u64>) -> ListPage {
        ListPage {
            comments,
            next,
            total,
            problems: Vec::new(),
        }
    }

    /// The tree as "a(b(c))d" for compact assertions.
    fn shape(nodes: &[Rc<Node>]) -> String {
        nodes
            .iter()
            .map(|n| {
                if n.children.is_empty() {
                    n.comment.id.text.clone()
                } else {
                    format!("{}({})", n.comment.id.text, shape(&n.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pages_build_a_tree_in_order() {
        let mut t = Thread::new();
        assert_eq!(t.count(), None);
        t.add_page(page(
            vec![
                c("a", None),
                c("b", Some("a")),
                c("c", Some("b")),
                c("d", None),
            ],
            Some(Page::Cursor("x".into())),
            Some(10),
        ));
        assert_eq!(shape(t.roots()), "a(b(c)) d");
        assert_eq!(t.count(), Some(10));
        t.add_page(page(vec![c("e", None), c("f", Some("a"))], None, Some(10)));
        assert_eq!(shape(t.roots()), "a(b(c) f) d e");
        assert!(t.next_page().is_none());
    }

    #[test]
    fn untouched_subtrees_keep_their_identity() {
        let mut t = Thread::new();
        t.add_page(page(
            vec![c("a", None), c("b", Some("a")), c("d", None)],
            Some(Page::Number(2)),
            None,
        ));
        let before: Vec<Rc<Node>> = t.roots().to_vec();
        t.add_own(c("n", Some("b")), Order::Newest);
        assert!(
            !Rc::ptr_eq(&before[0], &t.roots()[0]),
            "path to the reply is copied"
        );
        assert!(
            Rc::ptr_eq(&before[1], &t.roots()[1]),
            "other roots are untouched"
        );
        assert!(Rc::ptr_eq(&before[0].comment, &t.roots()[0].comment));
        assert_eq!(shape(t.roots()), "a(b(n)) d");
    }

    #[test]
    fn own_comments_go_where_the_api_order_puts_new_ones() {
        let mut t = Thread::new();
        t.add_page(page(vec![c("a", None)], None, Some(1)));
        t.add_own(c("n", None), Order::Newest);
        t.add_own(c("o", None), Order::Oldest);
        assert_eq!(shape(t.roots()), "n a o");
        assert_eq!(t.count(), Some(3));
    }

    #[test]
    fn duplicates_are_dropped_and_counted() {
        let mut t = Thread::new();
        let dups = t.add_page(page(
            vec![c("a", None), c("a", None), c("b", Some("a")), c("b", None)],
            None,
            None,
        ));
        assert_eq!(dups, 2);
        assert_eq!(shape(t.roots()), "a(b)");
        assert_eq!(
            t.count(),
            Some(2),
            "no API total: count what is shown once complete"
        );
    }

    #[test]
    fn replies_wait_for_parents_from_later_pages() {
        let mut t = Thread::new();
        t.add_page(page(
            vec![c("r", Some("p")), c("rr", Some("r"))],
            Some(Page::Offset(2)),
            None,
        ));
        assert_eq!(shape(t.roots()), "");
        t.add_page(page(vec![c("p", None)], Some(Page::Offset(3)), None));
        assert_eq!(shape(t.roots()), "p(r(rr))");
    }

    #[test]
    fn orphans_surface_at_the_top_level_after_the_last_page() {
        let mut t = Thread::new();
        t.add_page(page(
            vec![
                c("a", None),
                c("x", Some("missing")),
                c("self", Some("self")),
            ],
            None,
            None,
        ));
        assert_eq!(shape(t.roots()), "a self x");
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let mut t = Thread::new();
        let mut comments = vec![c("0", None)];
        for i in 1..2000 {
            comments.push(c(&i.to_string(), Some(&(i - 1).to_string())));
        }
        // Arriving leaf first exercises the waiting chain.
        comments.reverse();
        t.add_page(page(comments, None, None));
        assert_eq!(t.len(), 2000);
    }
}
