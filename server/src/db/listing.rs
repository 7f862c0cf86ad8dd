//! Reading threads: a page of top-level comments in one of three orders with
//! their replies (all, or the first N of each), the page that reaches a given
//! comment, the replies of one top-level comment, and the count of replies
//! shown with every comment.
//!
//! What a reader is shown: published comments; comments their author deleted
//! (`withdrawn`) while something shown hangs below them, as placeholders; and
//! the viewer's own comments whatever became of them (by pending or edit
//! token). A reply whose parent is not shown is not shown either, so a list
//! never contains orphans.

use std::collections::{HashMap, HashSet};

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::sqlite_read::{self, ReadError};
use super::{placeholders, row_to_comment, Backend, Status, Store, StoredComment, COLS};

/// Order of the top-level comments of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Most liked first; ties newest first.
    Top,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "newest" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            "top" => Some(Sort::Top),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Top => "top",
        }
    }

    /// `ORDER BY` of the top-level comments; each is served by an index
    /// (`comments_top_level` both ways, `comments_top_liked`).
    fn order_sql(self) -> &'static str {
        match self {
            Sort::Newest => "created_at DESC, id DESC",
            Sort::Oldest => "created_at ASC, id ASC",
            Sort::Top => "likes DESC, created_at DESC, id DESC",
        }
    }

    /// SQLite only: the index that serves the order, named. With
    /// `ANALYZE` statistics of a large database, SQLite's planner takes
    /// `parent_id IS NULL` for a rare value of `comments_parent` (its
    /// statistics say two rows per parent) and walks all top-level comments
    /// of every thread, then sorts: seconds at a million comments.
    /// PostgreSQL's statistics know how common NULL is.
    fn index_hint(self, backend: Backend) -> &'static str {
        match (backend, self) {
            (Backend::Postgres, _) => "",
            (Backend::Sqlite, Sort::Top) => " INDEXED BY comments_top_liked",
            (Backend::Sqlite, _) => " INDEXED BY comments_top_level",
        }
    }

    fn cmp(self, a: &SortKey, b: &SortKey) -> std::cmp::Ordering {
        let time = (a.created_at, &a.id).cmp(&(b.created_at, &b.id));
        match self {
            Sort::Newest => time.reverse(),
            Sort::Oldest => time,
            Sort::Top => a.likes.cmp(&b.likes).then(time).reverse(),
        }
    }
}

/// Where a top-level comment stands in an order: likes (used by `top` only),
/// time and id. A cursor holds the key of the last comment of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub likes: i64,
    pub created_at: i64,
    pub id: String,
}

impl SortKey {
    pub fn of(c: &StoredComment) -> Self {
        Self {
            likes: c.likes,
            created_at: c.created_at,
            id: c.id.clone(),
        }
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Bind {
    Int(i64),
    Text(String),
}

pub(super) fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    binds: &'q [Bind],
) -> Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Int(i) => q.bind(*i),
            Bind::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

/// `after`: the rows strictly after `key` in `sort`; otherwise strictly
/// before it. Placeholders from `$first`; the expanded form (not row values)
/// so both databases use the index's range.
fn key_clause(sort: Sort, key: &SortKey, after: bool, first: usize) -> (String, Vec<Bind>) {
    // For "after" in a descending order, the following rows are smaller.
    let desc = !matches!(sort, Sort::Oldest);
    let op = if after == desc { "<" } else { ">" };
    let (t, i) = (first, first + 1);
    let time = format!("(created_at {op} ${t} OR (created_at = ${t} AND id {op} ${i}))");
    let mut binds = vec![Bind::Int(key.created_at), Bind::Text(key.id.clone())];
    let sql = match sort {
        Sort::Top => {
            let l = first + 2;
            binds.push(Bind::Int(key.likes));
            format!("(likes {op} ${l} OR (likes = ${l} AND {time}))")
        }
        _ => time,
    };
    (sql, binds)
}

/// Who is reading: the tokens their device holds for their own comments.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Pending tokens (from 202 answers), as presented.
    pub pending_tokens: Vec<String>,
    /// SHA-256 (hex) of the edit tokens presented.
    pub edit_hashes: Vec<String>,
}

impl Viewer {
    pub fn is_anonymous(&self) -> bool {
        self.pending_tokens.is_empty() && self.edit_hashes.is_empty()
    }

    /// Placeholders `$first..` in the order of [`Viewer::binds`].
    fn token_cases(&self, first: usize) -> String {
        let mut sql = String::new();
        let p = self.pending_tokens.len();
        if p > 0 {
            sql.push_str(&format!(
                " WHEN pending_token IN ({}) THEN 1",
                placeholders(first, p)
            ));
        }
        if !self.edit_hashes.is_empty() {
            sql.push_str(&format!(
                " WHEN edit_token_hash IN ({}) THEN 1",
                placeholders(first + p, self.edit_hashes.len())
            ));
        }
        sql
    }

    fn binds(&self) -> Vec<Bind> {
        self.pending_tokens
            .iter()
            .chain(&self.edit_hashes)
            .map(|t| Bind::Text(t.clone()))
            .collect()
    }
}

/// Which top-level comments a viewer may be shown: published ones,
/// withdrawn ones with a published reply, and the viewer's own. Written so
/// that both planners estimate it from their statistics (most top-level
/// comments pass) and walk the order's index, stopping at the LIMIT, rather
/// than sorting the thread.
fn root_visible(v: &Viewer, first: usize) -> String {
    // The EXISTS sits in a CASE so that it runs for withdrawn rows only, as
    // a lookup in the tree's index (never hashed over every reply).
    let mut sql = "(status = 'published' OR (CASE WHEN status = 'withdrawn' THEN \
         (CASE WHEN EXISTS (SELECT 1 FROM comments r \
           WHERE r.root_id = comments.id AND r.parent_id IS NOT NULL \
           AND (CASE WHEN r.status = 'published' THEN 1 ELSE 0 END) = 1) THEN 1 ELSE 0 END) \
         ELSE 0 END) = 1"
        .to_owned();
    let p = v.pending_tokens.len();
    if p > 0 {
        sql.push_str(&format!(
            " OR pending_token IN ({})",
            placeholders(first, p)
        ));
    }
    if !v.edit_hashes.is_empty() {
        sql.push_str(&format!(
            " OR edit_token_hash IN ({})",
            placeholders(first + p, v.edit_hashes.len())
        ));
    }
    sql.push(')');
    sql
}

/// Rows of a tree worth fetching for a viewer; withdrawn ones are pruned in
/// memory when nothing shown hangs below them.
fn row_visible(v: &Viewer, first: usize) -> String {
    format!(
        "(CASE WHEN status IN ('published', 'withdrawn') THEN 1{} ELSE 0 END) = 1",
        v.token_cases(first)
    )
}

/// A comment as listed: the row and how many published replies (all depths)
/// are shown below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub comment: StoredComment,
    pub reply_count: i64,
}

/// One top-level comment and what is shown below it, in display order
/// (depth first, oldest first among siblings): `nodes[0]` is the top-level
/// comment, `parent[i]` the index of node `i`'s parent.
#[derive(Debug, Clone)]
pub struct Tree {
    pub nodes: Vec<Listed>,
    pub parent: Vec<Option<usize>>,
}

impl Tree {
    /// Node `i`'s position among the replies: the (time, id) of each
    /// ancestor below the top-level comment, then its own. Display order is
    /// the lexicographic order of these, so a cursor can hold one and stay
    /// valid whatever is added or removed.
    pub fn position(&self, i: usize) -> Vec<(i64, String)> {
        let mut chain = Vec::new();
        let mut at = Some(i);
        while let Some(n) = at {
            if n == 0 {
                break;
            }
            let c = &self.nodes[n].comment;
            chain.push((c.created_at, c.id.clone()));
            at = self.parent[n];
        }
        chain.reverse();
        chain
    }

    /// The top-level comment and at most `n` replies (display order), plus
    /// every comment on the way down to `path_to` if it is in this tree.
    fn collapsed(self, n: Option<usize>, path_to: Option<&str>) -> Vec<Listed> {
        let Some(n) = n else {
            return self.nodes;
        };
        let mut keep: HashSet<usize> = HashSet::new();
        if let Some(target) = path_to {
            if let Some(mut at) = self.nodes.iter().position(|l| l.comment.id == target) {
                keep.insert(at);
                while let Some(p) = self.parent[at] {
                    keep.insert(p);
                    at = p;
                }
            }
        }
        self.nodes
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || *i <= n || keep.contains(i))
            .map(|(_, l)| l)
            .collect()
    }
}

/// Builds each root's tree (roots in the order given), drops orphans,
/// prunes withdrawn comments with nothing shown below them (a root among
/// them drops out with its tree) and counts the published replies below
/// every comment.
///
/// Comments are handled by index and each is moved once, into its tree: a
/// page's two hundred rows were copied several times over, and their ids
/// cloned into maps, which was a tenth of rendering a page.
pub fn arrange(roots: Vec<StoredComment>, replies: Vec<StoredComment>) -> Vec<Tree> {
    let n_roots = roots.len();
    let mut all: Vec<Option<StoredComment>> = roots.into_iter().chain(replies).map(Some).collect();
    let n_all = all.len();
    // children[i]: the comments attached below comment i, oldest first.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n_all];
    {
        let at: Vec<&StoredComment> = all.iter().flatten().collect();
        let index: HashMap<&str, usize> = at
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut attached = vec![false; n_all];
        attached[..n_roots].fill(true);
        // Replies arrive oldest first, so usually one pass attaches them
        // all; a reply stored in the same millisecond as its parent may sort
        // before it, hence the loop until nothing changes.
        let mut rest: Vec<usize> = (n_roots..n_all).collect();
        loop {
            let before = rest.len();
            let mut unresolved = Vec::new();
            for r in rest {
                match at[r].parent_id.as_deref().and_then(|p| index.get(p)) {
                    Some(&p) if attached[p] => {
                        attached[r] = true;
                        children[p].push(r);
                    }
                    _ => unresolved.push(r),
                }
            }
            if unresolved.is_empty() || unresolved.len() == before {
                break;
            }
            rest = unresolved;
        }
        for kids in &mut children {
            // Oldest first among siblings.
            kids.sort_by(|&a, &b| {
                (at[a].created_at, &at[a].id).cmp(&(at[b].created_at, &at[b].id))
            });
        }
    }

    let mut out = Vec::with_capacity(n_roots);
    let mut order: Vec<usize> = Vec::new();
    let mut parent: Vec<Option<usize>> = Vec::new();
    let mut stack: Vec<(usize, Option<usize>)> = Vec::new();
    for root in 0..n_roots {
        // Pre-order with parent positions.
        order.clear();
        parent.clear();
        stack.push((root, None));
        while let Some((c, p)) = stack.pop() {
            let me = order.len();
            // Reversed for the stack, so the oldest comes off first.
            stack.extend(children[c].iter().rev().map(|&k| (k, Some(me))));
            order.push(c);
            parent.push(p);
        }
        let status = |pos: usize| all[order[pos]].as_ref().map(|c| c.status);
        // Children follow their parent in pre-order: walking backwards sees
        // every subtree complete before its parent.
        let n = order.len();
        let mut count = vec![0i64; n];
        let mut shown_below = vec![false; n];
        let mut keep = vec![false; n];
        for i in (0..n).rev() {
            keep[i] = status(i) != Some(Status::Withdrawn) || shown_below[i];
            if keep[i] {
                if let Some(p) = parent[i] {
                    shown_below[p] = true;
                    count[p] += count[i] + i64::from(status(i) == Some(Status::Published));
                }
            }
        }
        if !keep[0] {
            continue;
        }
        let mut index = vec![usize::MAX; n];
        let mut tree = Tree {
            nodes: Vec::with_capacity(n),
            parent: Vec::with_capacity(n),
        };
        for i in 0..n {
            if !keep[i] {
                continue;
            }
            let Some(c) = all[order[i]].take() else {
                continue;
            };
            index[i] = tree.nodes.len();
            // A kept node's parent is kept (it has something shown below).
            tree.parent.push(parent[i].map(|p| index[p]));
            tree.nodes.push(Listed {
                comment: c,
                reply_count: count[i],
            });
        }
        out.push(tree);
    }
    out
}

/// What [`Store::list_sorted`] reads.
#[derive(Debug, Clone)]
pub struct ListRequest<'a> {
    pub thread: &'a str,
    pub sort: Sort,
    /// Top-level comments on the page.
    pub limit: i64,
    /// The previous page's last top-level comment.
    pub after: Option<&'a SortKey>,
    pub viewer: &'a Viewer,
    /// At most this many replies under each top-level comment; None = all.
    pub replies: Option<usize>,
}

#[derive(Debug)]
pub struct SortedPage {
    /// Top-level comments in the requested order, each followed by its
    /// replies in display order.
    pub comments: Vec<Listed>,
    /// Key of the page's last top-level comment when more follow.
    pub next: Option<SortKey>,
    /// Published comments in the thread, all depths.
    pub total: i64,
}

/// The answer to "the page around a comment".
#[derive(Debug)]
pub enum Around {
    Page(SortedPage),
    /// No such comment shown to this viewer in the thread.
    NotFound,
    /// Its top-level comment is further down than the pages allowed.
    TooFar,
}

/// What a listed comment needs, in the order of [`ListedRow`].
const LIST_COLS: &str =
    "id, parent_id, root_id, author, body, created_at, status, likes, edited_at";

/// How the page query returns its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageShape {
    /// One row: the page as a JSON array of [`ListedRow`]s, and the total.
    Json,
    /// A row per comment ([`LIST_COLS`]), and one with only the total.
    Rows,
}

/// One comment of a page as the page query returns it (a JSON array).
type ListedRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    String,
    i64,
    Option<i64>,
);

/// The page query: the top-level comments of the page (one extra to tell
/// whether more follow) and every row of their trees, with the thread's
/// stored published total riding along as an uncorrelated subquery.
///
/// The rows come in no particular order ([`arrange`] orders each tree and
/// the roots are sorted after). They come back as **one** JSON array of arrays, built by the database
/// (`json_group_array` / `json_agg`): through sqlx's `Any` driver every row
/// and column of a result is converted and allocated on its own (and on
/// SQLite handed over from the connection's thread), which cost several
/// times what the query itself does for a page of a hundred comments.
///
/// [`PageShape::Rows`] asks for the rows themselves instead, with the total
/// in one more row: what the inline SQLite reader (`sqlite_read`) takes,
/// which has no per-value cost to avoid.
fn page_sql(req: &ListRequest<'_>, backend: Backend, shape: PageShape) -> (String, Vec<Bind>) {
    // Placeholders: $1 = thread, then the viewer's tokens (used twice),
    // then the cursor, then the limit.
    let v = req.viewer;
    let mut binds = vec![Bind::Text(req.thread.to_owned())];
    binds.extend(v.binds());
    let mut roots_sql = format!(
        "SELECT id FROM comments{} WHERE thread = $1 AND parent_id IS NULL AND {}",
        req.sort.index_hint(backend),
        root_visible(v, 2)
    );
    if let Some(key) = req.after {
        let (sql, b) = key_clause(req.sort, key, true, binds.len() + 1);
        roots_sql.push_str(" AND ");
        roots_sql.push_str(&sql);
        binds.extend(b);
    }
    binds.push(Bind::Int(req.limit + 1));
    roots_sql.push_str(&format!(
        " ORDER BY {} LIMIT ${}",
        req.sort.order_sql(),
        binds.len()
    ));
    if shape == PageShape::Rows {
        // The total's row has a NULL id (a comment's never is).
        let sql = format!(
            "WITH page_roots AS ({roots_sql}) \
             SELECT {LIST_COLS}, NULL AS total FROM comments \
               WHERE root_id IN (SELECT id FROM page_roots) AND {} \
             UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
               (SELECT published FROM thread_versions WHERE thread = $1)",
            row_visible(v, 2),
        );
        return (sql, binds);
    }
    let (agg, array) = match backend {
        Backend::Sqlite => ("json_group_array", "json_array"),
        Backend::Postgres => ("json_agg", "json_build_array"),
    };
    let sql = format!(
        "WITH page_roots AS ({roots_sql}), \
         page_rows AS (SELECT {LIST_COLS} FROM comments \
           WHERE root_id IN (SELECT id FROM page_roots) AND {}) \
         SELECT CAST({agg}({array}({LIST_COLS})) AS TEXT) AS page, \
           (SELECT published FROM thread_versions WHERE thread = $1) AS total \
         FROM page_rows",
        row_visible(v, 2),
    );
    (sql, binds)
}

/// Shown top-level comments before `root` in the order (at most `cap`).
fn position_sql(
    thread: &str,
    sort: Sort,
    root: &SortKey,
    v: &Viewer,
    cap: i64,
    backend: Backend,
) -> (String, Vec<Bind>) {
    let mut binds = vec![Bind::Text(thread.to_owned())];
    binds.extend(v.binds());
    let (before, b) = key_clause(sort, root, false, binds.len() + 1);
    binds.extend(b);
    binds.push(Bind::Int(cap));
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT id FROM comments{} WHERE thread = $1 \
         AND parent_id IS NULL AND {} AND {before} ORDER BY {} LIMIT ${}) AS earlier",
        sort.index_hint(backend),
        root_visible(v, 2),
        sort.order_sql(),
        binds.len()
    );
    (sql, binds)
}

/// Every row of one top-level comment's tree that the viewer may be shown.
fn tree_sql(thread: &str, root_id: &str, v: &Viewer) -> (String, Vec<Bind>) {
    let mut binds = vec![Bind::Text(root_id.to_owned())];
    binds.extend(v.binds());
    binds.push(Bind::Text(thread.to_owned()));
    let sql = format!(
        "SELECT {COLS} FROM comments WHERE root_id = $1 AND thread = ${} AND {} \
         ORDER BY created_at ASC, id ASC",
        binds.len(),
        row_visible(v, 2)
    );
    (sql, binds)
}

/// A comment as the page query returns it (the columns a list shows).
#[allow(clippy::too_many_arguments)]
fn listed_comment(
    thread: &str,
    id: String,
    parent_id: Option<String>,
    root_id: String,
    author: String,
    body: String,
    created_at: i64,
    status: Status,
    likes: i64,
    edited_at: Option<i64>,
) -> StoredComment {
    StoredComment {
        id,
        thread: thread.to_owned(),
        parent_id,
        root_id,
        author,
        body,
        created_at,
        status,
        pending_token: None,
        ip_hint: None,
        held_reason: None,
        open_reports: 0,
        report_count: 0,
        moderated_at: None,
        prev_status: None,
        likes,
        edited_at,
        edit_token_hash: None,
    }
}

/// The page query ([`PageShape::Rows`]) on an inline SQLite connection.
fn page_rows_inline(
    conn: &rusqlite::Connection,
    sql: &str,
    binds: &[Bind],
    thread: &str,
) -> Result<(Vec<StoredComment>, i64), ReadError> {
    let mut stmt = sqlite_read::prepare(conn, sql, binds)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    let mut total = 0;
    while let Some(row) = rows.next()? {
        let Some(id) = sqlite_read::text(row, 0)? else {
            // NULL: the thread has no row in thread_versions yet.
            total = row.get::<_, Option<i64>>(9)?.unwrap_or(0);
            continue;
        };
        let status = match row.get_ref(6)? {
            rusqlite::types::ValueRef::Text(s) => Status::parse_bytes(s).ok_or_else(|| {
                let s = String::from_utf8_lossy(s);
                sqlx::Error::Decode(format!("unknown comment status {s:?}").into())
            })?,
            other => {
                let t = other.data_type();
                return Err(sqlx::Error::Decode(format!("comment status: {t}").into()).into());
            }
        };
        out.push(listed_comment(
            thread,
            id,
            sqlite_read::text(row, 1)?,
            sqlite_read::required_text(row, 2)?,
            sqlite_read::required_text(row, 3)?,
            sqlite_read::required_text(row, 4)?,
            row.get(5)?,
            status,
            row.get(7)?,
            row.get(8)?,
        ));
    }
    Ok((out, total))
}

impl Store {
    /// The page query's comments (any order) and the thread's published
    /// total; on SQLite in this thread (see `sqlite_read`), unless the
    /// database is busy at this moment.
    async fn page_rows(
        &self,
        req: &ListRequest<'_>,
    ) -> Result<(Vec<StoredComment>, i64), sqlx::Error> {
        if let Some(readers) = &self.inline {
            let (sql, binds) = page_sql(req, self.backend, PageShape::Rows);
            match readers.with(|conn| page_rows_inline(conn, &sql, &binds, req.thread)) {
                Ok(out) => return Ok(out),
                Err(ReadError::Failed(e)) => return Err(e),
                Err(ReadError::Busy) => {}
            }
        }
        self.page_rows_json(req).await
    }

    /// [`Store::page_rows`] through sqlx: the page as one JSON value.
    async fn page_rows_json(
        &self,
        req: &ListRequest<'_>,
    ) -> Result<(Vec<StoredComment>, i64), sqlx::Error> {
        let (sql, binds) = page_sql(req, self.backend, PageShape::Json);
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_one(&self.read)
            .await?;
        // NULL total: the thread has no row in thread_versions yet (no
        // comment ever); NULL page: PostgreSQL's aggregate of no rows.
        let total = row.try_get::<Option<i64>, _>("total")?.unwrap_or(0);
        let page: Option<String> = row.try_get("page")?;
        let listed: Vec<ListedRow> = match page.as_deref() {
            None => Vec::new(),
            Some(json) => serde_json::from_str(json)
                .map_err(|e| sqlx::Error::Decode(format!("page rows: {e}").into()))?,
        };
        let mut out = Vec::with_capacity(listed.len());
        for (id, parent_id, root_id, author, body, created_at, status, likes, edited_at) in listed {
            out.push(listed_comment(
                req.thread,
                id,
                parent_id,
                root_id,
                author,
                body,
                created_at,
                super::parse_status(&status)?,
                likes,
                edited_at,
            ));
        }
        Ok((out, total))
    }

    /// Top-level comments in `sort` after `after` (at most `limit`, plus
    /// one to tell whether more follow), their replies, and the thread's
    /// published total: one query.
    async fn fetch_page(
        &self,
        req: &ListRequest<'_>,
    ) -> Result<(Vec<Tree>, Option<SortKey>, i64), sqlx::Error> {
        let (rows, total) = self.page_rows(req).await?;
        let mut roots = Vec::new();
        let mut replies = Vec::with_capacity(rows.len());
        for c in rows {
            if c.parent_id.is_none() {
                roots.push(c);
            } else {
                replies.push(c);
            }
        }
        roots.sort_by(|a, b| req.sort.cmp(&SortKey::of(a), &SortKey::of(b)));
        // The extra root only signals a next page; arrange drops its replies
        // because it is no longer among the roots.
        let next = if roots.len() as i64 > req.limit {
            roots.truncate(req.limit as usize);
            roots.last().map(SortKey::of)
        } else {
            None
        };
        Ok((arrange(roots, replies), next, total))
    }

    /// One page of a thread in any order, replies collapsed to `replies`.
    pub async fn list_sorted(&self, req: &ListRequest<'_>) -> Result<SortedPage, sqlx::Error> {
        let (trees, next, total) = self.fetch_page(req).await?;
        Ok(SortedPage {
            comments: trees
                .into_iter()
                .flat_map(|t| t.collapsed(req.replies, None))
                .collect(),
            next,
            total,
        })
    }

    /// The top-level comments from the start of `sort` through the page (of
    /// `limit`) holding `target`'s top-level comment, at most `max_roots` of
    /// them, with their replies (collapsed to `replies`, but always with the
    /// way down to `target`).
    pub async fn list_around(
        &self,
        req: &ListRequest<'_>,
        target: &str,
        max_roots: i64,
    ) -> Result<Around, sqlx::Error> {
        let Some(c) = self.comment_in_thread(req.thread, target).await? else {
            return Ok(Around::NotFound);
        };
        let root = if c.parent_id.is_none() {
            c
        } else {
            match self.comment_in_thread(req.thread, &c.root_id).await? {
                Some(r) => r,
                None => return Ok(Around::NotFound),
            }
        };
        // How many shown top-level comments come before it (bounded: past
        // max_roots the answer is too_far anyway).
        let (sql, binds) = position_sql(
            req.thread,
            req.sort,
            &SortKey::of(&root),
            req.viewer,
            max_roots + 1,
            self.backend,
        );
        let position: i64 = bind_all(sqlx::query(&sql), &binds)
            .fetch_one(&self.read)
            .await?
            .try_get(0)?;
        let limit = req.limit.max(1);
        let pages = position / limit + 1;
        if pages * limit > max_roots {
            return Ok(Around::TooFar);
        }
        let wide = ListRequest {
            limit: pages * limit,
            after: None,
            ..req.clone()
        };
        let (trees, next, total) = self.fetch_page(&wide).await?;
        let comments: Vec<Listed> = trees
            .into_iter()
            .flat_map(|t| t.collapsed(req.replies, Some(target)))
            .collect();
        if !comments.iter().any(|l| l.comment.id == target) {
            return Ok(Around::NotFound);
        }
        Ok(Around::Page(SortedPage {
            comments,
            next,
            total,
        }))
    }

    /// The tree below top-level comment `root_id` of `thread` as `viewer`
    /// is shown it; None if that comment is not shown to them (or is a reply).
    pub async fn replies_tree(
        &self,
        thread: &str,
        root_id: &str,
        viewer: &Viewer,
    ) -> Result<Option<Tree>, sqlx::Error> {
        let (sql, binds) = tree_sql(thread, root_id, viewer);
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.read)
            .await?;
        let mut root = None;
        let mut replies = Vec::new();
        for row in &rows {
            let c = row_to_comment(row)?;
            if c.id == root_id && c.parent_id.is_none() {
                root = Some(c);
            } else {
                replies.push(c);
            }
        }
        let Some(root) = root else {
            return Ok(None);
        };
        Ok(arrange(vec![root], replies).pop())
    }

    /// A comment with the count of published replies shown below it (to
    /// its author, who is the one asking when this is used).
    pub async fn listed(&self, c: StoredComment) -> Result<Listed, sqlx::Error> {
        let viewer = Viewer {
            pending_tokens: c.pending_token.iter().cloned().collect(),
            edit_hashes: c.edit_token_hash.iter().cloned().collect(),
        };
        let count = match self.replies_tree(&c.thread, &c.root_id, &viewer).await? {
            Some(tree) => tree
                .nodes
                .iter()
                .find(|l| l.comment.id == c.id)
                .map_or(0, |l| l.reply_count),
            None => 0,
        };
        Ok(Listed {
            comment: c,
            reply_count: count,
        })
    }

    /// Runs one statement as is (for tests that fill a database in bulk).
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql).execute(&self.write).await?.rows_affected())
    }

    /// The plan the database chooses for `sql` with `binds`, one line per
    /// step: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` with sequential scans
    /// discouraged on PostgreSQL. For tests.
    pub async fn query_plan(&self, sql: &str, binds: &[Bind]) -> Result<Vec<String>, sqlx::Error> {
        let mut tx = self.read.begin().await?;
        let rows = match self.backend {
            Backend::Sqlite => {
                let rows = bind_all(sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}")), binds)
                    .fetch_all(&mut *tx)
                    .await?;
                rows.iter()
                    .map(|r| r.try_get::<String, _>("detail"))
                    .collect::<Result<Vec<_>, _>>()?
            }
            Backend::Postgres => {
                // At test sizes a sequential scan is often the cheapest plan;
                // discouraged, the plan shows whether an index can serve
                // every access.
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await?;
                let rows = bind_all(sqlx::query(&format!("EXPLAIN {sql}")), binds)
                    .fetch_all(&mut *tx)
                    .await?;
                rows.iter()
                    .map(|r| r.try_get::<String, _>(0))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        tx.rollback().await?;
        Ok(rows)
    }
}

/// The SQL and binds of the read queries, for [`Store::query_plan`] in
/// tests: (what, sql, binds). The same builders the handlers use.
pub fn queries_for_plans(backend: Backend, thread: &str) -> Vec<(String, String, Vec<Bind>)> {
    let anonymous = Viewer::default();
    let holder = Viewer {
        pending_tokens: vec!["p".into()],
        edit_hashes: vec!["e".into()],
    };
    let key = SortKey {
        likes: 3,
        created_at: 1_700_000_000_000,
        id: "x".into(),
    };
    let mut out = Vec::new();
    for sort in [Sort::Newest, Sort::Oldest, Sort::Top] {
        for (after, viewer) in [
            (None, &anonymous),
            (Some(&key), &anonymous),
            (Some(&key), &holder),
        ] {
            let req = ListRequest {
                thread,
                sort,
                limit: 50,
                after,
                viewer,
                replies: None,
            };
            // The shape each backend runs: rows on SQLite (read inline).
            let shape = match backend {
                Backend::Sqlite => PageShape::Rows,
                Backend::Postgres => PageShape::Json,
            };
            let (sql, binds) = page_sql(&req, backend, shape);
            let what = format!(
                "page sort={}{}{}",
                sort.as_str(),
                if after.is_some() {
                    " after a cursor"
                } else {
                    ""
                },
                if viewer.is_anonymous() {
                    ""
                } else {
                    " with tokens"
                },
            );
            out.push((what, sql, binds));
        }
        let (sql, binds) = position_sql(thread, sort, &key, &anonymous, 501, backend);
        out.push((
            format!("around: position sort={}", sort.as_str()),
            sql,
            binds,
        ));
    }
    let (sql, binds) = tree_sql(thread, "x", &holder);
    out.push(("replies of one comment".into(), sql, binds));
    out
}
