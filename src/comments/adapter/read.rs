//! Responses → comments. Every value is checked; a bad item is skipped with a
//! [`ShapeError`] rather than failing the page, because one malformed comment on a
//! stranger's API must not blank the whole section. Problem paths are built only
//! for the few problems kept, so 10,000 bad items cost no 10,000 strings.

use super::config::{List, Paging, TextFormat, TimeFormat};
use super::text::{decode_entities, html_text};
use super::{
    integral, Adapter, Body, Comment, Created, Id, ListPage, Page, PageExtras, ShapeError, Status,
};
use crate::platform::json::Json;
use crate::platform::time::{parse_rfc3339_in, unix_to_ms, Zone};

/// Problems kept per response; the rest are counted in one summary line.
const MAX_PROBLEMS: usize = 20;

/// Levels of nested replies read from one response; deeper ones are left out with
/// a problem noted.
pub const MAX_NESTING: usize = 1024;

#[derive(Default)]
pub(super) struct Problems {
    kept: Vec<ShapeError>,
    more: usize,
}

impl Problems {
    fn add(&mut self, path: impl FnOnce() -> String, expected: &str, found: &str) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(ShapeError {
                path: path(),
                expected: expected.to_owned(),
                found: found.to_owned(),
            });
        } else {
            self.more = self.more.saturating_add(1);
        }
    }

    fn finish(mut self, path: &str) -> Vec<ShapeError> {
        if self.more > 0 {
            self.kept.push(ShapeError {
                path: path.to_owned(),
                expected: "well-formed comments".to_owned(),
                found: format!("{} more problems like the above", self.more),
            });
        }
        self.kept
    }
}

/// A config path as shown in messages: `errors.0.detail` → `errors[0].detail`.
fn display_path(path: &str) -> String {
    let mut out = String::new();
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(segment);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    out
}

fn extend(base: &str, more: &str) -> String {
    if base.is_empty() || more.is_empty() || more.starts_with('[') {
        format!("{base}{more}")
    } else {
        format!("{base}.{more}")
    }
}

/// Where each item sits: its index, and the item whose replies array holds it.
/// Paths are rebuilt from this only when a problem is kept.
struct Places {
    nodes: Vec<(Option<usize>, usize)>,
    items: String,
    replies: String,
}

impl Places {
    fn add(&mut self, container: Option<usize>, index: usize) -> usize {
        self.nodes.push((container, index));
        self.nodes.len().saturating_sub(1)
    }

    /// `data.items[0].children[2]`; for deep nesting only the first and last
    /// [`PATH_ENDS`] levels, so a message stays short whatever the depth.
    fn path(&self, place: usize) -> String {
        let mut chain = Vec::new();
        let mut at = Some(place);
        while let Some((container, index)) = at.and_then(|i| self.nodes.get(i)) {
            chain.push(*index);
            at = *container;
        }
        let depth = chain.len();
        let mut out = self.items.clone();
        for (level, index) in chain.iter().rev().enumerate() {
            if level >= PATH_ENDS && level + PATH_ENDS < depth {
                if level == PATH_ENDS {
                    out.push('…');
                }
                continue;
            }
            if level > 0 && !self.replies.is_empty() {
                if !self.replies.starts_with('[') {
                    out.push('.');
                }
                out.push_str(&self.replies);
            }
            out.push('[');
            out.push_str(&index.to_string());
            out.push(']');
        }
        out
    }
}

/// Levels of nesting shown at each end of a long problem path.
const PATH_ENDS: usize = 10;

/// Where a comment's parent comes from.
pub(super) enum ParentFrom {
    /// The `comment.parent` path (flat replies, top-level items); the id given is
    /// the parent of an item that names none (the parent of a replies request).
    Item(Option<Id>),
    /// The comment whose replies array holds it, unless the item names a parent of
    /// its own (APIs that nest every reply under its top-level comment and name
    /// the one it answers, as Waline does).
    Container(Option<Id>),
}

pub(super) struct ItemRead {
    pub comment: Option<Comment>,
    id: Option<Id>,
    /// Kept when the item is skipped: its nested replies move up to this parent.
    parent: Option<Id>,
}

fn present<J: Json>(value: Option<J>) -> Option<J> {
    value.filter(|v| !v.is_null())
}

/// A JSON string (non-empty, kept as written) or a safe integer; `Err` is what was
/// found instead.
fn read_id<J: Json>(value: Option<J>) -> Result<Id, &'static str> {
    let Some(value) = value else {
        return Err("missing");
    };
    if let Some(text) = value.string() {
        if text.is_empty() {
            return Err("empty string");
        }
        return Ok(Id {
            text,
            numeric: false,
        });
    }
    match value.number().and_then(integral) {
        Some(n) => Ok(Id {
            text: n.to_string(),
            numeric: true,
        }),
        None => Err(value.kind()),
    }
}

const ID_EXPECTED: &str = "a non-empty string or an integer id";

pub(super) fn read_item<J: Json + Clone>(
    adapter: &Adapter,
    item: &J,
    parent_from: ParentFrom,
    at: &dyn Fn() -> String,
    problems: &mut Problems,
) -> ItemRead {
    let paths = &adapter.comment;
    let field = |path: &str| {
        let shown = display_path(path);
        move || extend(&at(), &shown)
    };
    let own_parent = |problems: &mut Problems| -> Option<Id> {
        let path = paths.parent.as_deref()?;
        let v = present(item.path(path))?;
        if v.string().is_some_and(|s| s.is_empty()) {
            return None;
        }
        match read_id(Some(v)) {
            Ok(id) if paths.no_parent.contains(&id.text) => None,
            Ok(id) => Some(id),
            Err(found) => {
                problems.add(field(path), "a parent id or null", found);
                None
            }
        }
    };
    let parent = match parent_from {
        ParentFrom::Container(container) => {
            // Only an item that is an object can name its own parent.
            let own = (item.kind() == "object")
                .then(|| own_parent(problems))
                .flatten();
            own.or(container)
        }
        ParentFrom::Item(default) => own_parent(problems).or(default),
    };
    if item.kind() != "object" {
        problems.add(at, "a comment object", item.kind());
        return ItemRead {
            comment: None,
            id: None,
            parent,
        };
    }

    let id = match read_id(item.path(&paths.id)) {
        Ok(id) => Some(id),
        Err(found) => {
            problems.add(field(&paths.id), ID_EXPECTED, found);
            None
        }
    };
    let body = match item.path(&paths.body) {
        None => {
            problems.add(field(&paths.body), "a string", "missing");
            None
        }
        Some(v) => {
            let text = v.string();
            if text.is_none() {
                problems.add(field(&paths.body), "a string", v.kind());
            }
            text
        }
    };
    let author = present(item.path(&paths.author)).and_then(|v| {
        let name = v.string();
        if name.is_none() {
            problems.add(field(&paths.author), "a string or null", v.kind());
        }
        name.map(|n| match adapter.author_format {
            TextFormat::Text => n,
            TextFormat::Escaped => decode_entities(&n),
            // A name is shown as text: HTML gives its text.
            TextFormat::Html => html_text(&n),
        })
    });
    let created_ms = present(item.path(&paths.created)).and_then(|v| {
        let ms = time(adapter.time_format, &adapter.time_zone, &v);
        if ms.is_none() {
            problems.add(
                field(&paths.created),
                time_expected(adapter.time_format),
                v.kind(),
            );
        }
        ms
    });
    let likes = paths.likes.as_deref().and_then(|path| {
        let v = present(item.path(path))?;
        let n = count(&v);
        if n.is_none() {
            problems.add(field(path), COUNT_EXPECTED, v.kind());
        }
        n
    });
    // When it was last edited; a value that is not a time is noted, not shown.
    let edited_ms = paths.edited.as_deref().and_then(|path| {
        let v = present(item.path(path))?;
        let ms = time(adapter.time_format, &adapter.time_zone, &v);
        if ms.is_none() {
            problems.add(field(path), time_expected(adapter.time_format), v.kind());
        }
        ms
    });
    let status = match paths.status.as_deref() {
        None => Status::Published,
        Some(path) => match present(item.path(path)) {
            None => Status::Published,
            Some(v) => {
                let text = v
                    .string()
                    .or_else(|| v.number().and_then(integral).map(|n| n.to_string()));
                if text.is_none() {
                    problems.add(field(path), "a string or integer status", v.kind());
                }
                text.and_then(|t| {
                    adapter
                        .status_map
                        .iter()
                        .find(|(value, _)| *value == t)
                        .map(|(_, s)| *s)
                })
                .unwrap_or_default()
            }
        },
    };

    let comment = match (&id, body) {
        (Some(id), Some(body)) => Some(Comment {
            id: id.clone(),
            parent: parent.clone(),
            author,
            body: match adapter.body_format {
                TextFormat::Text => Body::Text(body),
                TextFormat::Escaped => Body::Text(decode_entities(&body)),
                TextFormat::Html => Body::Html(body),
            },
            created_ms,
            status,
            likes,
            edited_ms,
        }),
        _ => None,
    };
    ItemRead {
        comment,
        id,
        parent,
    }
}

/// A time as the adapter's `timeFormat` writes it, in ms since the epoch.
pub(super) fn time<J: Json>(format: TimeFormat, zone: &Zone, v: &J) -> Option<f64> {
    match format {
        TimeFormat::Iso => v
            .string()
            .and_then(|s| parse_rfc3339_in(&s, zone))
            .map(|ms| ms as f64),
        TimeFormat::Unix => unix_to_ms(v.number(), v.string().as_deref(), 1000),
        TimeFormat::UnixMs => unix_to_ms(v.number(), v.string().as_deref(), 1),
    }
}

fn time_expected(format: TimeFormat) -> &'static str {
    match format {
        TimeFormat::Iso => "an RFC 3339 time",
        TimeFormat::Unix => "Unix seconds (a number or numeric string)",
        TimeFormat::UnixMs => "Unix milliseconds (a number or numeric string)",
    }
}

pub(super) fn list<J: Json + Clone>(
    adapter: &Adapter,
    list: &List,
    body: &J,
    header: &dyn Fn(&str) -> Option<String>,
    page: &Page,
    default_parent: Option<&Id>,
    request_url: &str,
) -> Result<(ListPage, PageExtras), ShapeError> {
    let items_path = &list.items;
    let mut places = Places {
        nodes: Vec::new(),
        items: display_path(items_path),
        replies: adapter
            .comment
            .replies
            .as_deref()
            .map(display_path)
            .unwrap_or_default(),
    };
    let items = match body
        .path(items_path)
        .map(|v| v.items().ok_or_else(|| v.kind()))
    {
        Some(Ok(items)) => items,
        not_array => {
            return Err(ShapeError {
                path: places.items.clone(),
                expected: "an array of comments".to_owned(),
                found: match not_array {
                    Some(Err(kind)) => kind,
                    _ => "missing",
                }
                .to_owned(),
            })
        }
    };
    let raw_count = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let last_key = match &list.paging {
        Paging::Keyset { field, .. } => items.last().and_then(|last| present(last.path(field))),
        _ => None,
    };
    let mut extras = PageExtras::default();

    // Depth-first with an explicit stack: display order (a comment, then its
    // replies, siblings in API order) in linear time, down to MAX_NESTING levels.
    let mut stack: Vec<(J, usize, ParentFrom, usize)> = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate().rev() {
        let place = places.add(None, index);
        stack.push((item, place, ParentFrom::Item(default_parent.cloned()), 1));
    }
    let mut comments = Vec::new();
    let mut problems = Problems::default();
    let mut cut = false;
    while let Some((item, place, parent_from, depth)) = stack.pop() {
        let read = read_item(
            adapter,
            &item,
            parent_from,
            &|| places.path(place),
            &mut problems,
        );
        // Replies of a skipped comment go to its nearest shown ancestor.
        let container = if read.comment.is_some() {
            read.id
        } else {
            read.parent
        };
        if let Some(comment) = read.comment {
            if let Some(path) = adapter.comment.reply_count.as_deref() {
                if let Some(n) = present(item.path(path)).as_ref().and_then(count) {
                    extras.reply_counts.push((comment.id.clone(), n));
                }
            }
            comments.push(comment);
        }
        let Some(replies_path) = adapter.comment.replies.as_deref() else {
            continue;
        };
        let Some(replies) = present(item.path(replies_path)) else {
            continue;
        };
        let Some(children) = replies.items() else {
            problems.add(
                || extend(&places.path(place), &places.replies),
                "an array of replies or null",
                replies.kind(),
            );
            continue;
        };
        if depth >= MAX_NESTING {
            // No reader follows a conversation this deep; an answer like this is
            // broken or hostile, and showing the rest of the page matters more.
            if !children.is_empty() && !cut {
                cut = true;
                problems.add(
                    || extend(&places.path(place), &places.replies),
                    &format!("replies nested at most {MAX_NESTING} levels deep"),
                    "deeper replies, which were left out",
                );
            }
            continue;
        }
        for (index, child) in children.into_iter().enumerate().rev() {
            let child_place = places.add(Some(place), index);
            stack.push((
                child,
                child_place,
                ParentFrom::Container(container.clone()),
                depth + 1,
            ));
        }
    }

    let total = total(list, body, header, &mut problems);
    let next = match &list.paging {
        Paging::Keyset { param, size, .. } => {
            keyset_next(last_key, param, *size, raw_count, page, &mut problems)
        }
        Paging::Link => link_next(header, request_url, page, &mut problems),
        _ => next_page(list, body, page, raw_count, total, &mut problems),
    };
    Ok((
        ListPage {
            comments,
            next,
            total,
            problems: problems.finish(&places.items),
        },
        extras,
    ))
}

/// The next keyset page: after the last item's key, while pages are full.
fn keyset_next<J: Json>(
    last_key: Option<J>,
    param: &str,
    size: u64,
    raw_count: u64,
    page: &Page,
    problems: &mut Problems,
) -> Option<Page> {
    if raw_count == 0 || raw_count < size {
        return None;
    }
    let Some(value) = last_key else {
        problems.add(
            || format!("last item's key for {param}"),
            "a string or number",
            "missing",
        );
        return None;
    };
    let key = value.string().or_else(|| {
        // Numbers as JSON writes them: `1705573800.123456` stays exact.
        value.number().is_some().then(|| value.to_json()).flatten()
    });
    match key {
        None => {
            problems.add(
                || format!("last item's key for {param}"),
                "a string or number",
                value.kind(),
            );
            None
        }
        Some(key) if key.is_empty() => None,
        Some(key) if matches!(page, Page::Cursor(current) if *current == key) => {
            problems.add(
                || format!("last item's key for {param}"),
                "a key different from this page's",
                "the same key",
            );
            None
        }
        Some(key) => Some(Page::Cursor(key)),
    }
}

/// The `rel="next"` target of a `Link` header, resolved against the request URL.
fn link_next(
    header: &dyn Fn(&str) -> Option<String>,
    request_url: &str,
    page: &Page,
    problems: &mut Problems,
) -> Option<Page> {
    let value = header("Link")?;
    let target = link_rel_next(&value)?;
    let url = resolve_url(request_url, &target);
    if !crate::sanitize::policy::url_is_http_or_relative(&url) {
        problems.add(
            || "header Link".to_owned(),
            "an http(s) next URL",
            "another scheme",
        );
        return None;
    }
    if matches!(page, Page::Url(current) if *current == url) {
        problems.add(
            || "header Link".to_owned(),
            "a next URL different from this page's",
            "the same URL",
        );
        return None;
    }
    Some(Page::Url(url))
}

/// `<https://api/x?page=2>; rel="next", <…>; rel="last"` → the `next` target.
pub(super) fn link_rel_next(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>')? + open;
        let target = &rest[open + 1..close];
        let params_end = rest[close..].find('<').map_or(rest.len(), |i| i + close);
        let params = &rest[close + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            let Some(v) = p.strip_prefix("rel=").or_else(|| p.strip_prefix("REL=")) else {
                return false;
            };
            v.trim_matches('"')
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
        rest = &rest[params_end..];
    }
    None
}

/// `target` relative to `base` (RFC 3986, for the forms a `Link` header uses).
pub(super) fn resolve_url(base: &str, target: &str) -> String {
    // Anything with a scheme is absolute (and judged by the caller).
    let scheme = target.split_once(':').is_some_and(|(s, _)| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme || base.is_empty() {
        return target.to_owned();
    }
    // base = scheme://authority/path?query, or a path relative to the page.
    let (origin, path_and_query) = match base.find("://") {
        Some(at) => {
            let after = at + 3;
            let end = base[after..]
                .find(['/', '?', '#'])
                .map_or(base.len(), |i| i + after);
            (&base[..end], &base[end..])
        }
        None => ("", base),
    };
    if let Some(rest) = target.strip_prefix("//") {
        let scheme = base.split("://").next().unwrap_or("https");
        return format!("{scheme}://{rest}");
    }
    let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
    if target.starts_with('/') {
        return format!("{origin}{target}");
    }
    if target.starts_with('?') {
        return format!("{origin}{path}{target}");
    }
    let dir = path.rfind('/').map_or("", |i| &path[..=i]);
    format!("{origin}{dir}{target}")
}

/// A count: a non-negative safe integer, or a string of digits.
pub(super) fn count<J: Json>(value: &J) -> Option<u64> {
    match value.string() {
        Some(text) => parse_count(&text),
        None => value
            .number()
            .and_then(integral)
            .and_then(|n| u64::try_from(n).ok()),
    }
}

fn parse_count(text: &str) -> Option<u64> {
    let text = text.trim();
    (!text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

const COUNT_EXPECTED: &str = "a non-negative integer";

fn total<J: Json + Clone>(
    list: &List,
    body: &J,
    header: &dyn Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> Option<u64> {
    if let Some(path) = list.total.as_deref() {
        if let Some(value) = present(body.path(path)) {
            match count(&value) {
                Some(total) => return Some(total),
                None => problems.add(|| display_path(path), COUNT_EXPECTED, value.kind()),
            }
        }
    }
    let name = list.total_header.as_deref()?;
    let text = header(name)?;
    let total = parse_count(&text);
    if total.is_none() {
        problems.add(|| format!("header {name}"), COUNT_EXPECTED, "string");
    }
    total
}

fn next_page<J: Json + Clone>(
    list: &List,
    body: &J,
    page: &Page,
    raw_count: u64,
    total: Option<u64>,
    problems: &mut Problems,
) -> Option<Page> {
    match &list.paging {
        Paging::None | Paging::Link | Paging::Keyset { .. } => None,
        Paging::Cursor { next, .. } => {
            let value = present(body.path(next))?;
            let cursor = value
                .string()
                .or_else(|| value.number().and_then(integral).map(|n| n.to_string()));
            match cursor {
                None => {
                    problems.add(
                        || display_path(next),
                        "a cursor string or null",
                        value.kind(),
                    );
                    None
                }
                Some(cursor) if cursor.is_empty() => None,
                // The same cursor again would load the same page forever.
                Some(cursor) if matches!(page, Page::Cursor(current) if *current == cursor) => {
                    problems.add(
                        || display_path(next),
                        "a cursor different from this page's",
                        "the same cursor",
                    );
                    None
                }
                Some(cursor) => Some(Page::Cursor(cursor)),
            }
        }
        Paging::Page {
            first, size, pages, ..
        } => {
            let current = match page {
                Page::Number(n) => *n,
                _ => *first,
            };
            let pages_loaded = current.saturating_sub(*first).saturating_add(1);
            let all_loaded = total.is_some_and(|t| pages_loaded.saturating_mul(*size) >= t);
            // The API's own page count, when it gives one, settles it.
            let last = pages.as_deref().and_then(|path| {
                let value = present(body.path(path))?;
                let n = count(&value);
                if n.is_none() {
                    problems.add(|| display_path(path), COUNT_EXPECTED, value.kind());
                }
                n
            });
            if raw_count < *size || all_loaded || last.is_some_and(|n| pages_loaded >= n) {
                return None;
            }
            current.checked_add(1).map(Page::Number)
        }
        Paging::Offset { size, .. } => {
            let current = match page {
                Page::Offset(n) => *n,
                _ => 0,
            };
            let next = current.saturating_add(raw_count);
            if raw_count == 0 || raw_count < *size || total.is_some_and(|t| next >= t) {
                return None;
            }
            Some(Page::Offset(next))
        }
    }
}

pub(super) fn created<J: Json + Clone>(
    adapter: &Adapter,
    status: u16,
    body: Option<&J>,
) -> Created {
    let published = adapter.create.created.contains(&status);
    // An API that says "failed" in a 2xx body (Waline: `{"errno": 1001, …}`).
    let refused = adapter
        .create
        .ok_when
        .as_ref()
        .is_some_and(|(path, equals)| {
            body.and_then(|b| b.path(path))
                .and_then(|v| v.to_json())
                .is_none_or(|found| found != *equals)
        });
    if refused || (!published && !adapter.create.held.contains(&status)) {
        return Created::Failed {
            status,
            message: body.and_then(|b| adapter.error_message(b)),
        };
    }
    let comment = match (body, adapter.create.item.as_deref()) {
        (Some(body), Some(path)) => body.path(path).and_then(|item| {
            // Problems in an otherwise successful response are not worth a console
            // line: the widget falls back to what it sent.
            let mut ignored = Problems::default();
            read_item(
                adapter,
                &item,
                ParentFrom::Item(None),
                &String::new,
                &mut ignored,
            )
            .comment
        }),
        _ => None,
    };
    match comment {
        Some(comment) if published && !comment.is_pending() => Created::Published(Some(comment)),
        Some(mut comment) => {
            comment.status = Status::Pending;
            Created::Held(Some(comment))
        }
        None if published => Created::Published(None),
        None => Created::Held(None),
    }
}
