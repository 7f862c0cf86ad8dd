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

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::comments::adapter::{Comment, Id, ListPage, Order, Page, Status};

/// Levels of the tree kept as a tree. The list shows at most six; a reply deeper
/// than this is kept beside its parent instead of under it (with `answers` naming
/// whom it answers), so that adding one never walks, copies or drops an unbounded
/// chain of nodes: an API that chains 100,000 replies must not exhaust the stack.
pub const MAX_TREE_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub comment: Rc<Comment>,
    pub children: Vec<Rc<Node>>,
    /// The comment this one answers when that is not its parent in the tree (a
    /// reply below [`MAX_TREE_DEPTH`]).
    pub answers: Option<Rc<Comment>>,
}

#[derive(Clone, Debug, Default)]
pub struct Thread {
    roots: Vec<Rc<Node>>,
    /// Every shown comment's parent in the tree (`None` for roots), for path copying.
    parents: HashMap<Id, Option<Id>>,
    /// Every shown comment, to name the one a deep reply answers without a search.
    comments: HashMap<Id, Rc<Comment>>,
    /// Replies whose parent has not arrived, keyed by that parent; shown when it
    /// does, or as top-level comments once the last page is in.
    waiting: HashMap<Id, Vec<Comment>>,
    /// The reader's own comments not yet seen in a page: the API's copy replaces
    /// them (and takes the API's place) when it arrives.
    own: HashSet<Id>,
    /// The API's total at the last page, if it gives one.
    total: Option<u64>,
    /// Comments the reader posted since then, added to `total`.
    posted: u64,
    /// Comments the reader deleted since then, taken from `total`.
    removed: u64,
    next: Option<Page>,
    /// No page has been loaded yet.
    fresh: bool,
}

/// What had to be changed to show the reader's own comment, for the console.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnPlacement {
    /// The API answered with an id already in the list; a local one is used.
    pub id_taken: Option<Id>,
    /// The API's parent (first) is not shown; the one replied to (second) is used.
    pub parent_replaced: Option<(Id, Id)>,
    /// Neither the API's parent nor the one replied to is shown; it is placed at
    /// the top level.
    pub parent_missing: Option<Id>,
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
            Some(t) => Some(t.saturating_add(self.posted).saturating_sub(self.removed)),
            None if !self.fresh && self.next.is_none() => Some(
                self.comments
                    .values()
                    .filter(|c| c.status != Status::Deleted)
                    .count() as u64,
            ),
            None => None,
        }
    }

    /// Adds one page. Returns how many comments were dropped as duplicates.
    pub fn add_page(&mut self, page: ListPage) -> usize {
        self.fresh = false;
        if page.total.is_some() {
            self.total = page.total;
            self.posted = 0;
            self.removed = 0;
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
    /// the API's total does not count either). It is always shown, whatever the
    /// answer said: an id already in the list gets a local one, and a parent that is
    /// not shown gives way to `replied_to`, else the top level. The API's own copy,
    /// when a later page brings it, replaces this one.
    pub fn add_own(
        &mut self,
        mut comment: Comment,
        order: Order,
        replied_to: Option<&Id>,
    ) -> OwnPlacement {
        let mut placement = OwnPlacement::default();
        if self.contains(&comment.id) || self.waiting_for(&comment.id) {
            placement.id_taken = Some(comment.id.clone());
            let mut n = self.len();
            comment.id = loop {
                let id = Id {
                    text: format!("ykien-local-{n}"),
                    numeric: false,
                };
                if !self.contains(&id) {
                    break id;
                }
                n += 1;
            };
        }
        if let Some(p) = comment.parent.clone() {
            if !self.contains(&p) || p == comment.id {
                comment.parent = replied_to.filter(|r| self.contains(r)).cloned();
                match &comment.parent {
                    Some(shown) => placement.parent_replaced = Some((p, shown.clone())),
                    None => placement.parent_missing = Some(p),
                }
            }
        }
        let counts = comment.status == Status::Published;
        let id = comment.id.clone();
        if self.place(comment, order) {
            self.own.insert(id);
            if counts {
                self.posted = self.posted.saturating_add(1);
            }
        }
        placement
    }

    /// A shown comment.
    pub fn get(&self, id: &Id) -> Option<&Rc<Comment>> {
        self.comments.get(id)
    }

    /// The top-level comment whose thread holds `id` (itself for a top-level one).
    pub fn root_of(&self, id: &Id) -> Option<Id> {
        self.contains(id).then(|| self.path_up(id).pop()).flatten()
    }

    /// Whether a shown comment has replies in the tree.
    pub fn has_replies(&self, id: &Id) -> bool {
        self.node(id).is_some_and(|n| !n.children.is_empty())
    }

    /// Replies loaded below a top-level comment, all depths.
    pub fn replies_loaded(&self, root: &Id) -> u64 {
        let Some(node) = self.node(root) else {
            return 0;
        };
        let mut n = 0_u64;
        let mut stack: Vec<&Rc<Node>> = node.children.iter().collect();
        while let Some(next) = stack.pop() {
            n = n.saturating_add(1);
            stack.extend(next.children.iter());
        }
        n
    }

    /// Changes a shown comment in place (likes, an edit, a deletion): the nodes
    /// from it up to its root are replaced, the rest of the tree is shared.
    pub fn update(&mut self, id: &Id, change: impl FnOnce(&mut Comment)) -> bool {
        let Some(old) = self.comments.get(id) else {
            return false;
        };
        let was_counted = old.status == Status::Published;
        let mut comment = Comment::clone(old);
        change(&mut comment);
        comment.id = id.clone();
        let counted = comment.status == Status::Published;
        let comment = Rc::new(comment);
        self.comments.insert(id.clone(), Rc::clone(&comment));
        let mut comment = Some(comment);
        let mut set = |node: &mut Rc<Node>| {
            if let Some(c) = comment.take() {
                Rc::make_mut(node).comment = c;
            }
        };
        match self.parents.get(id).cloned().flatten() {
            None => {
                if let Some(node) = self.roots.iter_mut().find(|n| n.comment.id == *id) {
                    set(node);
                }
            }
            Some(parent) => self.edit_children(&parent, &mut |children| {
                if let Some(node) = children.iter_mut().find(|n| n.comment.id == *id) {
                    set(node);
                }
            }),
        }
        self.recount(was_counted, counted);
        true
    }

    /// Takes a comment the reader deleted out of the list: with replies it stays
    /// as a "deleted" placeholder above them, without it goes.
    pub fn delete(&mut self, id: &Id) {
        if self.has_replies(id) {
            self.update(id, |c| {
                c.status = Status::Deleted;
                c.author = None;
                c.body = crate::comments::adapter::Body::Text(String::new());
            });
        } else if let Some(node) = self.detach(id) {
            self.own.remove(id);
            self.recount(node.comment.status == Status::Published, false);
        }
    }

    /// Keeps the heading's count right when a comment stops (or starts) counting.
    fn recount(&mut self, was: bool, now: bool) {
        match (was, now) {
            (true, false) => {
                if self.posted > 0 {
                    self.posted -= 1;
                } else {
                    self.removed = self.removed.saturating_add(1);
                }
            }
            (false, true) => self.posted = self.posted.saturating_add(1),
            _ => {}
        }
    }

    /// Replies loaded for one top-level comment ("Xem N trả lời"). Returns how
    /// many were already shown (a replies page starts with the list's preview).
    pub fn add_replies(&mut self, replies: Vec<Comment>) -> usize {
        replies
            .into_iter()
            .map(|c| self.place(c, Order::Oldest))
            .filter(|placed| !placed)
            .count()
    }

    fn waiting_for(&self, id: &Id) -> bool {
        self.waiting.values().flatten().any(|c| c.id == *id)
    }

    /// Places a comment and any replies that were waiting for it. `false` for a
    /// duplicate id (unless it is the API's copy of the reader's own comment, which
    /// replaces it).
    fn place(&mut self, comment: Comment, root_order: Order) -> bool {
        let parent = comment.parent.clone().filter(|p| *p != comment.id);
        let mut children = Vec::new();
        let replaces_own =
            self.own.contains(&comment.id) && parent.as_ref().is_none_or(|p| self.contains(p));
        if replaces_own {
            self.own.remove(&comment.id);
            if let Some(old) = self.detach(&comment.id) {
                children = old.children.clone();
            }
        } else if self.contains(&comment.id) {
            return false;
        }
        if let Some(p) = &parent {
            if !self.contains(p) {
                self.waiting.entry(p.clone()).or_default().push(comment);
                return true;
            }
        }
        let id = comment.id.clone();
        self.insert(comment, parent, children, root_order);
        self.release_waiting(id);
        true
    }

    /// Inserts a comment whose parent (if any) is shown.
    fn insert(
        &mut self,
        comment: Comment,
        parent: Option<Id>,
        children: Vec<Rc<Node>>,
        order: Order,
    ) {
        let id = comment.id.clone();
        let comment = Rc::new(comment);
        self.comments.insert(id.clone(), Rc::clone(&comment));
        match parent {
            None => {
                let node = Rc::new(Node {
                    comment,
                    children,
                    answers: None,
                });
                match order {
                    Order::Oldest => self.roots.push(node),
                    Order::Newest => self.roots.insert(0, node),
                }
                self.parents.insert(id, None);
            }
            Some(p) => {
                // Too deep: beside the parent, naming whom it answers.
                let (under, answers) = if self.depth(&p) >= MAX_TREE_DEPTH {
                    let up = self.parents.get(&p).cloned().flatten();
                    (up, self.comments.get(&p).cloned())
                } else {
                    (Some(p), None)
                };
                let node = Rc::new(Node {
                    comment,
                    children,
                    answers,
                });
                match &under {
                    Some(under) => self.attach_child(under, node),
                    None => self.roots.push(node),
                }
                self.parents.insert(id, under);
            }
        }
    }

    /// Levels from the top (a root is at 1); bounded by [`MAX_TREE_DEPTH`].
    fn depth(&self, id: &Id) -> usize {
        let mut depth = 1;
        let mut at = id;
        while let Some(Some(up)) = self.parents.get(at) {
            depth += 1;
            if depth > self.parents.len() {
                break; // never loop on a cycle
            }
            at = up;
        }
        depth
    }

    /// Ancestors from `id` up to its root, `id` first.
    fn path_up(&self, id: &Id) -> Vec<Id> {
        let mut path = vec![id.clone()];
        while let Some(Some(up)) = path.last().and_then(|id| self.parents.get(id)) {
            if path.len() > self.parents.len() {
                break;
            }
            path.push(up.clone());
        }
        path
    }

    fn node(&self, id: &Id) -> Option<Rc<Node>> {
        let path = self.path_up(id);
        let mut nodes = &self.roots;
        let mut found = None;
        for step in path.iter().rev() {
            let node = nodes.iter().find(|n| n.comment.id == *step)?;
            nodes = &node.children;
            found = Some(node);
        }
        found.cloned()
    }

    /// Takes a shown comment out of the tree (with its subtree).
    fn detach(&mut self, id: &Id) -> Option<Rc<Node>> {
        let found = self.node(id)?;
        self.comments.remove(id);
        match self.parents.remove(id).flatten() {
            None => self.roots.retain(|n| n.comment.id != *id),
            Some(parent) => self.edit_children(&parent, &mut |children| {
                children.retain(|c| c.comment.id != *id);
            }),
        }
        Some(found)
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
                self.insert(child, Some(parent.clone()), Vec::new(), Order::Oldest);
                ready.push(child_id);
            }
        }
    }

    /// Appends `node` to the children of `parent`.
    fn attach_child(&mut self, parent: &Id, node: Rc<Node>) {
        let mut node = Some(node);
        self.edit_children(parent, &mut |children| children.extend(node.take()));
    }

    /// Applies `edit` to the children of `parent`. The nodes from the root down to it
    /// are copied if anyone else holds them (a render still showing the old tree),
    /// else changed in place: a page that adds 10,000 replies under one comment
    /// copies that comment's list once, not 10,000 times.
    fn edit_children(&mut self, parent: &Id, edit: &mut dyn FnMut(&mut Vec<Rc<Node>>)) {
        let mut path = self.path_up(parent);
        let Some(root_id) = path.pop() else { return };
        let Some(root) = self.roots.iter_mut().find(|n| n.comment.id == root_id) else {
            return;
        };
        path.reverse();
        let mut at = root;
        for step in &path {
            let node = Rc::make_mut(at);
            let Some(next) = node.children.iter_mut().find(|c| c.comment.id == *step) else {
                return;
            };
            at = next;
        }
        edit(&mut Rc::make_mut(at).children);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::adapter::{Body, Status};

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
            status: Status::Published,
            likes: None,
            edited_ms: None,
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
        t.add_own(c("n", Some("b")), Order::Newest, None);
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
        t.add_own(c("n", None), Order::Newest, None);
        t.add_own(c("o", None), Order::Oldest, None);
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

    #[test]
    fn a_chain_of_100_000_replies_is_kept_shallow_and_fast() {
        let mut t = Thread::new();
        let n = 100_000;
        let mut comments = vec![c("0", None)];
        for i in 1..n {
            comments.push(c(&i.to_string(), Some(&(i - 1).to_string())));
        }
        let started = std::time::Instant::now();
        t.add_page(page(comments, None, None));
        assert_eq!(t.len(), n);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        let mut depth = 0;
        let mut level = t.roots();
        while let Some(first) = level.first() {
            depth += 1;
            level = &first.children;
        }
        assert_eq!(depth, MAX_TREE_DEPTH);
        // Below the cap a reply sits beside its parent and names it.
        let deepest = t.node(&id("40")).expect("shown");
        assert_eq!(
            deepest.answers.as_ref().map(|a| a.id.text.as_str()),
            Some("39")
        );
        drop(t); // dropping is as shallow as the tree
    }

    fn id(text: &str) -> Id {
        Id {
            text: text.into(),
            numeric: false,
        }
    }

    #[test]
    fn the_apis_copy_of_an_own_comment_takes_the_apis_place() {
        // Oldest first with more pages: the reader's comment goes at the end of what
        // is loaded, and moves to the true end when the last page brings it.
        let mut t = Thread::new();
        t.add_page(page(
            vec![c("a", None), c("b", None)],
            Some(Page::Number(2)),
            Some(3),
        ));
        t.add_own(c("mine", None), Order::Oldest, None);
        assert_eq!(shape(t.roots()), "a b mine");
        t.add_page(page(vec![c("z", None), c("mine", None)], None, Some(4)));
        assert_eq!(shape(t.roots()), "a b z mine");
        assert_eq!(t.count(), Some(4));
    }

    #[test]
    fn an_own_comment_is_shown_whatever_the_answer_says() {
        let mut t = Thread::new();
        t.add_page(page(vec![c("a", None), c("b", Some("a"))], None, Some(2)));
        // The answer names an id already shown: a local id is used.
        let placed = t.add_own(c("a", None), Order::Newest, None);
        assert_eq!(placed.id_taken, Some(id("a")));
        assert_eq!(t.len(), 3);
        // The answer names a parent that is not shown: the one replied to is used.
        let placed = t.add_own(c("r", Some("nowhere")), Order::Newest, Some(&id("b")));
        assert_eq!(placed.parent_missing, None);
        assert_eq!(placed.parent_replaced, Some((id("nowhere"), id("b"))));
        assert!(shape(t.roots()).contains("b(r)"), "{}", shape(t.roots()));
        // Neither is shown: the top level.
        let placed = t.add_own(c("s", Some("nowhere")), Order::Newest, Some(&id("gone")));
        assert_eq!(placed.parent_missing, Some(id("nowhere")));
        assert!(shape(t.roots()).starts_with("s "), "{}", shape(t.roots()));
    }

    #[test]
    fn updates_copy_only_the_path_and_deletes_keep_replies_in_context() {
        let mut t = Thread::new();
        t.add_page(page(
            vec![c("a", None), c("b", Some("a")), c("x", None), c("y", None)],
            None,
            Some(4),
        ));
        let before: Vec<Rc<Node>> = t.roots().to_vec();
        assert!(t.update(&id("b"), |c| c.likes = Some(3)));
        assert_eq!(t.get(&id("b")).and_then(|c| c.likes), Some(3));
        assert!(!Rc::ptr_eq(&before[0], &t.roots()[0]), "the path is new");
        assert!(Rc::ptr_eq(&before[1], &t.roots()[1]), "the rest is shared");
        assert_eq!(t.roots()[0].children[0].comment.likes, Some(3));
        assert!(!t.update(&id("nope"), |_| {}));
        assert_eq!(t.root_of(&id("b")), Some(id("a")));
        assert_eq!(t.replies_loaded(&id("a")), 1);

        // With a reply: a placeholder; without: gone. The count follows.
        t.delete(&id("a"));
        assert_eq!(t.get(&id("a")).map(|c| c.status), Some(Status::Deleted));
        assert_eq!(t.count(), Some(3));
        t.delete(&id("x"));
        assert!(!t.contains(&id("x")));
        assert_eq!(shape(t.roots()), "a(b) y");
        assert_eq!(t.count(), Some(2));
        // A reply page that repeats the preview adds only what is new.
        assert_eq!(t.add_replies(vec![c("b", Some("a")), c("d", Some("b"))]), 1);
        assert_eq!(shape(t.roots()), "a(b(d)) y");
    }
}
