//! The desk's pages: the queue (four views, filters, paging, bulk actions),
//! the ban list and the audit log. Every value from the database goes through
//! `Html::text`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;

use super::auth::{csrf_ok, field, form, require, Signed};
use super::html::{query, Html};
use super::text::T;
use super::{lang_of, message_page, redirect, render, text, time_html, Nav, Page};
use crate::api::now_ms;
use crate::app::AppState;
use crate::db::{Action, BanRule, QueueFilter, ReportRow, Status, StoredComment, View};
use crate::error::ApiError;
use crate::spam::{fold, name_key, short_hint, BanKind, HoldReason, RuleAction};

const DEFAULT_PER_PAGE: i64 = 50;
const MAX_PER_PAGE: i64 = 200;
/// Bulk actions take at most this many comments at once.
const MAX_BULK: usize = 500;

fn here(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| "/admin".to_owned(), |p| p.as_str().to_owned())
}

fn view_label(t: &T, v: View) -> &'static str {
    match v {
        View::Pending => t.view_pending,
        View::Reported => t.view_reported,
        View::Published => t.view_published,
        View::Trash => t.view_trash,
    }
}

fn status_label(t: &T, s: Status) -> &'static str {
    match s {
        Status::Published => t.status_published,
        Status::Pending => t.status_pending,
        Status::Rejected => t.status_rejected,
        Status::Deleted => t.status_deleted,
        Status::Withdrawn => t.status_withdrawn,
    }
}

pub fn reason_label(t: &T, code: &str) -> &'static str {
    match code {
        "spam" => t.reason_spam,
        "offensive" => t.reason_offensive,
        "off_topic" => t.reason_off_topic,
        "false_information" => t.reason_false_information,
        _ => t.reason_other,
    }
}

fn held_html(h: &mut Html, t: &T, reason: &str) {
    h.raw("<p class=\"held\"><strong>")
        .raw(t.held)
        .raw("</strong> ");
    match HoldReason::decode(reason) {
        Some(HoldReason::All) => h.raw(t.held_all),
        Some(HoldReason::FirstFromNetwork) => h.raw(t.held_first),
        Some(HoldReason::Links(n)) => h.raw(t.held_links).raw(" ").num(n as i64),
        Some(HoldReason::Reports(n)) => h.raw(t.held_reports).raw(" ").num(n),
        Some(HoldReason::Rule {
            kind: BanKind::Word,
            value,
        }) => h.raw(t.held_word).raw(" «").text(&value).raw("»"),
        Some(HoldReason::Rule {
            kind: BanKind::Name,
            value,
        }) => h.raw(t.held_name).raw(" «").text(&value).raw("»"),
        Some(HoldReason::Rule {
            kind: BanKind::Network,
            ..
        }) => h.raw(t.held_network),
        None => h.text(reason),
    };
    h.raw("</p>");
}

/// One comment's text as text: line breaks kept by CSS (`white-space`).
fn body_html(h: &mut Html, body: &str) {
    h.raw("<div class=\"body\">").text(body).raw("</div>");
}

fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    } else {
        s.to_owned()
    }
}

struct QueueParams {
    view: View,
    filter: QueueFilter,
    thread: String,
    q: String,
    page: i64,
    per: i64,
    ok: Option<String>,
    n: i64,
}

fn params(q: &HashMap<String, String>) -> QueueParams {
    let get = |k: &str| q.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let thread = get("thread");
    let search = get("q");
    let folded = fold(&search);
    QueueParams {
        view: View::parse(&get("view")).unwrap_or(View::Pending),
        filter: QueueFilter {
            thread: (!thread.is_empty()).then(|| thread.clone()),
            search: (!folded.is_empty()).then_some(folded),
        },
        thread,
        q: search,
        page: get("page").parse::<i64>().unwrap_or(1).max(1),
        per: get("per")
            .parse::<i64>()
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE),
        ok: q.get("ok").cloned(),
        n: get("n").parse().unwrap_or(0),
    }
}

impl QueueParams {
    fn link(&self, view: View, page: i64) -> String {
        let page_s = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        let per_s = if self.per != DEFAULT_PER_PAGE {
            self.per.to_string()
        } else {
            String::new()
        };
        format!(
            "/admin?{}",
            query(&[
                ("view", view.as_str()),
                ("thread", &self.thread),
                ("q", &self.q),
                ("per", &per_s),
                ("page", &page_s),
            ])
        )
    }
}

/// The message after an action (`?ok=approve&n=3`), from fixed strings only.
fn flash(h: &mut Html, t: &T, ok: &str, n: i64) {
    let label = match ok {
        "approve" => t.done_approve,
        "reject" => t.done_reject,
        "delete" => t.done_delete,
        "restore" => t.done_restore,
        "ban" => t.done_ban,
        "ban_exists" => t.ban_exists,
        "ban_removed" => t.ban_removed,
        "ban_invalid" => t.ban_invalid,
        "none" => t.none_selected,
        _ => return,
    };
    let error = matches!(ok, "none" | "ban_invalid");
    h.raw("<p class=\"notice")
        .raw(if error { " is-error" } else { " is-ok" })
        .raw("\" role=\"status\">")
        .raw(label);
    if matches!(ok, "approve" | "reject" | "delete" | "restore" | "ban") {
        h.raw(" ").num(n);
    }
    h.raw("</p>");
}

/// `GET /admin`: the queue (or the sign-in form).
pub async fn queue(
    State(st): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let here = here(&uri);
    let signed = match require(&st, &headers, &here, false).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let t = text::t(lang_of(&headers));
    let p = params(&q);
    let counts = st.store.queue_counts(&p.filter).await?;
    let (items, more) = st
        .store
        .queue(p.view, &p.filter, (p.page - 1) * p.per, p.per)
        .await?;
    let parent_ids: Vec<String> = items.iter().filter_map(|c| c.parent_id.clone()).collect();
    let parents = st.store.comments_by_id(&parent_ids).await?;
    let ids: Vec<String> = items.iter().map(|c| c.id.clone()).collect();
    let mut reports: HashMap<String, Vec<ReportRow>> = HashMap::new();
    for r in st.store.reports_for(&ids).await? {
        reports.entry(r.comment_id.clone()).or_default().push(r);
    }

    let mut h = Html::new();
    h.raw("<h1>")
        .raw(t.nav_queue)
        .raw(" · ")
        .raw(view_label(t, p.view))
        .raw("</h1>");
    if let Some(ok) = &p.ok {
        flash(&mut h, t, ok, p.n);
    }
    // Tabs with counts.
    h.raw("<nav class=\"tabs\" aria-label=\"")
        .raw(t.tabs_label)
        .raw("\"><ul>");
    for v in View::ALL {
        h.raw("<li><a href=\"").text(&p.link(v, 1)).raw("\"");
        if v == p.view {
            h.raw(" aria-current=\"page\"");
        }
        h.raw(">")
            .raw(view_label(t, v))
            .raw(" <span class=\"count\">")
            .num(counts.get(&v).copied().unwrap_or(0))
            .raw("</span></a></li>");
    }
    h.raw("</ul></nav>");
    // Filters.
    h.raw("<form method=\"get\" action=\"/admin\" class=\"filters\" role=\"search\" aria-label=\"")
        .raw(t.filter_label)
        .raw("\"><input type=\"hidden\" name=\"view\" value=\"")
        .raw(p.view.as_str())
        .raw("\"><div class=\"field\"><label for=\"f-thread\">")
        .raw(t.filter_thread)
        .raw("</label><input id=\"f-thread\" name=\"thread\" value=\"")
        .text(&p.thread)
        .raw("\" maxlength=\"200\" autocapitalize=\"none\" spellcheck=\"false\"></div><div class=\"field\"><label for=\"f-q\">")
        .raw(t.filter_q)
        .raw("</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"")
        .text(&p.q)
        .raw("\" maxlength=\"200\"></div><div class=\"buttons\"><button type=\"submit\">")
        .raw(t.filter_btn)
        .raw("</button>");
    if !p.thread.is_empty() || !p.q.is_empty() {
        h.raw("<a class=\"button\" href=\"/admin?view=")
            .raw(p.view.as_str())
            .raw("\">")
            .raw(t.filter_clear)
            .raw("</a>");
    }
    h.raw("</div></form>");

    if items.is_empty() {
        h.raw("<p class=\"empty\">").raw(t.empty).raw("</p>");
    } else {
        queue_form(
            &mut h, t, &st, &signed, &p, &here, &items, &parents, &reports,
        );
    }
    // Paging.
    if p.page > 1 || more {
        h.raw("<nav class=\"pages\" aria-label=\"")
            .raw(t.pages_label)
            .raw("\">");
        if p.page > 1 {
            h.raw("<a rel=\"prev\" href=\"")
                .text(&p.link(p.view, p.page - 1))
                .raw("\">← ")
                .raw(t.prev)
                .raw("</a>");
        }
        h.raw("<span>")
            .raw(t.page)
            .raw(" ")
            .num(p.page)
            .raw("</span>");
        if more {
            h.raw("<a rel=\"next\" href=\"")
                .text(&p.link(p.view, p.page + 1))
                .raw("\">")
                .raw(t.next)
                .raw(" →</a>");
        }
        h.raw("</nav>");
    }
    Ok(render(
        StatusCode::OK,
        Page {
            t,
            title: view_label(t, p.view),
            moderator: Some(&signed.moderator),
            csrf: Some(&signed.csrf),
            nav: Nav::Queue,
            here: &here,
            main: h,
        },
    ))
}

/// Which actions a view offers (bulk and per item).
fn actions_for(t: &T, view: View) -> Vec<(&'static str, &'static str)> {
    match view {
        View::Pending => vec![
            ("approve", t.approve),
            ("reject", t.reject),
            ("delete", t.delete),
        ],
        View::Reported => vec![
            ("approve", t.keep),
            ("reject", t.reject),
            ("delete", t.delete),
        ],
        View::Published => vec![("reject", t.reject), ("delete", t.delete)],
        View::Trash => vec![("restore", t.restore)],
    }
}

#[allow(clippy::too_many_arguments)]
fn queue_form(
    h: &mut Html,
    t: &T,
    st: &AppState,
    signed: &Signed,
    p: &QueueParams,
    here: &str,
    items: &[StoredComment],
    parents: &HashMap<String, StoredComment>,
    reports: &HashMap<String, Vec<ReportRow>>,
) {
    let actions = actions_for(t, p.view);
    h.raw("<form method=\"post\" action=\"/admin/actions\" class=\"queue-form\" id=\"queue-form\"><input type=\"hidden\" name=\"csrf\" value=\"")
        .text(&signed.csrf)
        .raw("\"><input type=\"hidden\" name=\"back\" value=\"")
        .text(here)
        .raw("\"><fieldset class=\"bulk\"><legend>")
        .raw(t.with_selected)
        .raw("</legend><label class=\"select-all\" hidden><input type=\"checkbox\" data-select-all> ")
        .raw(t.select_all)
        .raw("</label><span class=\"selected\" hidden aria-live=\"polite\" data-selected-label=\"")
        .raw(t.selected)
        .raw("\"></span><div class=\"buttons\">");
    for (code, label) in &actions {
        h.raw("<button type=\"submit\" name=\"action\" value=\"")
            .raw(code)
            .raw("\"");
        if *code == "delete" {
            h.raw(" data-confirm=\"").raw(t.confirm_delete).raw("\"");
        }
        if *code == "approve" {
            h.raw(" class=\"primary\"");
        }
        h.raw(">").raw(label).raw("</button>");
    }
    if p.view != View::Trash {
        for (code, label) in [("ban_network", t.ban_network), ("ban_name", t.ban_name)] {
            h.raw("<button type=\"submit\" name=\"action\" value=\"")
                .raw(code)
                .raw("\" data-confirm=\"")
                .raw(t.confirm_ban)
                .raw("\">")
                .raw(label)
                .raw("</button>");
        }
    }
    h.raw("</div></fieldset><ol class=\"items\">");
    for c in items {
        item_html(h, t, st, p.view, c, parents, reports.get(&c.id), &actions);
    }
    h.raw("</ol></form>");
}

#[allow(clippy::too_many_arguments)]
fn item_html(
    h: &mut Html,
    t: &T,
    st: &AppState,
    view: View,
    c: &StoredComment,
    parents: &HashMap<String, StoredComment>,
    reports: Option<&Vec<ReportRow>>,
    actions: &[(&'static str, &'static str)],
) {
    let dom_id = format!("c-{}", c.id);
    h.raw("<li class=\"item\" id=\"")
        .text(&dom_id)
        .raw("\" data-id=\"")
        .text(&c.id)
        .raw("\">");
    h.raw("<div class=\"pick\"><input type=\"checkbox\" name=\"id\" value=\"")
        .text(&c.id)
        .raw("\" id=\"pick-")
        .text(&c.id)
        .raw("\" aria-label=\"")
        .raw(t.select_item)
        .raw(" ")
        .text(&c.author)
        .raw("\"></div><article aria-labelledby=\"a-")
        .text(&c.id)
        .raw("\"><header class=\"meta\"><strong class=\"author\" id=\"a-")
        .text(&c.id)
        .raw("\">")
        .text(&c.author)
        .raw("</strong> ");
    time_html(h, c.created_at);
    h.raw(" <span class=\"status status-")
        .raw(c.status.as_str())
        .raw("\">")
        .raw(status_label(t, c.status))
        .raw("</span></header><p class=\"where\">")
        .raw(t.in_thread)
        .raw(": <a href=\"/admin?")
        .text(&query(&[("view", view.as_str()), ("thread", &c.thread)]))
        .raw("\"><code>")
        .text(&c.thread)
        .raw("</code></a> · ")
        .raw(t.network)
        .raw(": <code class=\"hint\">")
        .text(c.ip_hint.as_deref().map(short_hint).unwrap_or(t.no_network))
        .raw("</code></p>");
    if let Some(pid) = &c.parent_id {
        h.raw("<blockquote class=\"parent\"><p class=\"meta\">")
            .raw(t.reply_to)
            .raw(" ");
        match parents.get(pid) {
            Some(parent) => {
                h.raw("<strong>")
                    .text(&parent.author)
                    .raw("</strong> <span class=\"status status-")
                    .raw(parent.status.as_str())
                    .raw("\">")
                    .raw(status_label(t, parent.status))
                    .raw("</span></p><div class=\"body\">")
                    .text(&excerpt(&parent.body, 400))
                    .raw("</div>");
            }
            None => {
                h.raw(t.parent_gone).raw("</p>");
            }
        }
        h.raw("</blockquote>");
    }
    body_html(h, &c.body);
    if let Some(reason) = c
        .held_reason
        .as_deref()
        .filter(|_| c.status == Status::Pending)
    {
        held_html(h, t, reason);
    }
    if let Some(rs) = reports.filter(|r| !r.is_empty()) {
        let mut by_reason: BTreeMap<&str, i64> = BTreeMap::new();
        for r in rs {
            *by_reason.entry(r.reason.as_str()).or_default() += 1;
        }
        h.raw("<div class=\"reports\"><p><strong>")
            .num(c.report_count)
            .raw(" ")
            .raw(t.reports)
            .raw("</strong>: ");
        let mut first = true;
        for (reason, n) in &by_reason {
            if !first {
                h.raw(", ");
            }
            first = false;
            h.raw(reason_label(t, reason)).raw(" (").num(*n).raw(")");
        }
        h.raw("</p>");
        let details: Vec<&str> = rs.iter().filter_map(|r| r.detail.as_deref()).collect();
        if !details.is_empty() {
            h.raw("<ul class=\"report-details\">");
            for d in details.iter().rev().take(5) {
                h.raw("<li>").text(d).raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("</div>");
    }
    if view == View::Trash {
        if let Some(at) = c.moderated_at {
            h.raw("<p class=\"trash-info\">")
                .raw(t.moderated_at)
                .raw(" ");
            time_html(h, at);
            h.raw(" · ").raw(t.restorable_until).raw(" ");
            time_html(h, at + st.desk.trash_days * 86_400_000);
            h.raw("</p>");
        }
    }
    h.raw("<div class=\"buttons\">");
    for (code, label) in actions {
        h.raw("<button type=\"submit\" name=\"do\" value=\"")
            .raw(code)
            .raw(":")
            .text(&c.id)
            .raw("\"");
        if *code == "delete" {
            h.raw(" data-confirm=\"").raw(t.confirm_delete).raw("\"");
        }
        if *code == "approve" {
            h.raw(" class=\"primary\"");
        }
        h.raw(" aria-describedby=\"a-")
            .text(&c.id)
            .raw("\">")
            .raw(label)
            .raw("</button>");
    }
    if view != View::Trash {
        if c.ip_hint.is_some() {
            h.raw("<button type=\"submit\" name=\"do\" value=\"ban_network:")
                .text(&c.id)
                .raw("\" data-confirm=\"")
                .raw(t.confirm_ban)
                .raw("\" aria-describedby=\"a-")
                .text(&c.id)
                .raw("\">")
                .raw(t.ban_network)
                .raw("</button>");
        }
        h.raw("<button type=\"submit\" name=\"do\" value=\"ban_name:")
            .text(&c.id)
            .raw("\" data-confirm=\"")
            .raw(t.confirm_ban)
            .raw("\" aria-describedby=\"a-")
            .text(&c.id)
            .raw("\">")
            .raw(t.ban_name)
            .raw("</button>");
    }
    h.raw("</div></article></li>");
}

/// Adds the ban `kind` for each of `comments`; returns how many were new.
async fn ban_comments(
    st: &AppState,
    kind: BanKind,
    comments: &[StoredComment],
    moderator: &str,
) -> Result<i64, ApiError> {
    let now = now_ms();
    let mut added = 0;
    for c in comments {
        let (value, folded) = match kind {
            BanKind::Network => match &c.ip_hint {
                Some(h) if !h.is_empty() => (h.clone(), h.clone()),
                _ => continue,
            },
            BanKind::Name => {
                let key = name_key(&c.author);
                if key.is_empty() {
                    continue;
                }
                (c.author.clone(), key)
            }
            BanKind::Word => continue,
        };
        let rule = BanRule {
            id: String::new(),
            kind,
            value,
            folded,
            action: RuleAction::Refuse,
            created_at: now,
            created_by: moderator.to_owned(),
        };
        if st.store.add_ban(&rule, Some((&c.id, &c.thread))).await? {
            added += 1;
        }
    }
    Ok(added)
}

fn with_flash(back: &str, ok: &str, n: i64) -> String {
    let back = super::safe_next(back);
    // Drop an earlier message and the page number (the list has changed).
    let (path, q) = back.split_once('?').unwrap_or((back, ""));
    let kept: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
        .filter(|(k, _)| !matches!(k.as_ref(), "ok" | "n"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &kept {
        ser.append_pair(k, v);
    }
    ser.append_pair("ok", ok);
    ser.append_pair("n", &n.to_string());
    format!("{path}?{}", ser.finish())
}

/// `POST /admin/actions`: one comment (`do=ACTION:ID`) or the selected ones
/// (`action=ACTION` with `id=…` repeated).
pub async fn actions(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    let signed = match require(&st, &headers, "/admin", true).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let pairs = form(&headers, &body).unwrap_or_default();
    if !csrf_ok(&st, &headers, &signed, field(&pairs, "csrf")) {
        tracing::warn!(moderator = %signed.moderator, "desk action refused: CSRF check failed");
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            lang,
            text::t(lang).forbidden,
        ));
    }
    let back = field(&pairs, "back").unwrap_or("/admin").to_owned();
    let (action, ids): (String, Vec<String>) =
        match field(&pairs, "do").and_then(|d| d.split_once(':')) {
            Some((a, id)) => (a.to_owned(), vec![id.to_owned()]),
            None => (
                field(&pairs, "action").unwrap_or("").to_owned(),
                pairs
                    .iter()
                    .filter(|(k, _)| k == "id")
                    .map(|(_, v)| v.clone())
                    .take(MAX_BULK)
                    .collect(),
            ),
        };
    if ids.is_empty() {
        return Ok(redirect(&with_flash(&back, "none", 0)));
    }
    let now = now_ms();
    let (ok, n) = match action.as_str() {
        "ban_network" | "ban_name" => {
            let kind = if action == "ban_network" {
                BanKind::Network
            } else {
                BanKind::Name
            };
            let found = st.store.comments_by_id(&ids).await?;
            let comments: Vec<StoredComment> =
                ids.iter().filter_map(|i| found.get(i).cloned()).collect();
            (
                "ban",
                ban_comments(&st, kind, &comments, &signed.moderator).await?,
            )
        }
        other => {
            let Some(act) = Action::parse(other) else {
                return Ok(message_page(
                    StatusCode::BAD_REQUEST,
                    lang,
                    text::t(lang).forbidden,
                ));
            };
            let changed = st.store.moderate(&ids, act, &signed.moderator, now).await?;
            for c in &changed {
                tracing::info!(
                    moderator = %signed.moderator,
                    comment_id = %c.id,
                    from = c.from.as_str(),
                    to = c.to.as_str(),
                    "desk action"
                );
            }
            (act.as_str(), changed.len() as i64)
        }
    };
    Ok(redirect(&with_flash(&back, ok, n)))
}

fn kind_label(t: &T, k: BanKind) -> &'static str {
    match k {
        BanKind::Word => t.kind_word,
        BanKind::Name => t.kind_name,
        BanKind::Network => t.kind_network,
    }
}

fn action_label(t: &T, a: RuleAction) -> &'static str {
    match a {
        RuleAction::Refuse => t.action_refuse,
        RuleAction::Hold => t.action_hold,
    }
}

/// `GET /admin/bans`.
pub async fn bans(
    State(st): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let here = here(&uri);
    let signed = match require(&st, &headers, &here, false).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let t = text::t(lang_of(&headers));
    let rules = st.store.bans().await?;
    let mut h = Html::new();
    h.raw("<h1>").raw(t.bans_title).raw("</h1>");
    if let Some(ok) = q.get("ok") {
        flash(
            &mut h,
            t,
            ok,
            q.get("n").and_then(|n| n.parse().ok()).unwrap_or(0),
        );
    }
    h.raw("<p>").raw(t.bans_intro).raw("</p>");
    h.raw("<form method=\"post\" action=\"/admin/bans\" class=\"ban-form\"><input type=\"hidden\" name=\"csrf\" value=\"")
        .text(&signed.csrf)
        .raw("\"><fieldset><legend>")
        .raw(t.ban_add)
        .raw("</legend><div class=\"field\"><label for=\"b-kind\">")
        .raw(t.ban_kind)
        .raw("</label><select id=\"b-kind\" name=\"kind\"><option value=\"word\">")
        .raw(t.kind_word)
        .raw("</option><option value=\"name\">")
        .raw(t.kind_name)
        .raw("</option></select></div><div class=\"field\"><label for=\"b-value\">")
        .raw(t.ban_value)
        .raw("</label><input id=\"b-value\" name=\"value\" required maxlength=\"200\"></div><div class=\"field\"><label for=\"b-action\">")
        .raw(t.ban_action)
        .raw("</label><select id=\"b-action\" name=\"action\"><option value=\"hold\">")
        .raw(t.action_hold)
        .raw("</option><option value=\"refuse\">")
        .raw(t.action_refuse)
        .raw("</option></select></div><div class=\"buttons\"><button type=\"submit\" class=\"primary\">")
        .raw(t.ban_add)
        .raw("</button></div></fieldset></form>");
    if rules.is_empty() {
        h.raw("<p class=\"empty\">").raw(t.no_bans).raw("</p>");
    } else {
        h.raw("<ul class=\"bans\">");
        for r in &rules {
            h.raw("<li class=\"ban\"><span class=\"kind\">")
                .raw(kind_label(t, r.kind))
                .raw("</span> <strong class=\"value\">");
            match r.kind {
                BanKind::Network => h.raw("<code>").text(short_hint(&r.value)).raw("</code>"),
                _ => h.text(&r.value),
            };
            h.raw("</strong> <span class=\"action\">")
                .raw(action_label(t, r.action))
                .raw("</span> <span class=\"by\">")
                .raw(t.added_by)
                .raw(" ")
                .text(&r.created_by)
                .raw(", ");
            time_html(&mut h, r.created_at);
            h.raw("</span><form method=\"post\" action=\"/admin/bans/remove\"><input type=\"hidden\" name=\"csrf\" value=\"")
                .text(&signed.csrf)
                .raw("\"><input type=\"hidden\" name=\"id\" value=\"")
                .text(&r.id)
                .raw("\"><button type=\"submit\">")
                .raw(t.ban_remove)
                .raw("<span class=\"visually-hidden\"> ")
                .text(&r.value)
                .raw("</span></button></form></li>");
        }
        h.raw("</ul>");
    }
    Ok(render(
        StatusCode::OK,
        Page {
            t,
            title: t.bans_title,
            moderator: Some(&signed.moderator),
            csrf: Some(&signed.csrf),
            nav: Nav::Bans,
            here: &here,
            main: h,
        },
    ))
}

/// `POST /admin/bans`: a word, phrase or name typed by the editor.
pub async fn add_ban(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    let signed = match require(&st, &headers, "/admin/bans", true).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let pairs = form(&headers, &body).unwrap_or_default();
    if !csrf_ok(&st, &headers, &signed, field(&pairs, "csrf")) {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            lang,
            text::t(lang).forbidden,
        ));
    }
    let value = ykien_text::nfc(&ykien_text::clean(field(&pairs, "value").unwrap_or("")));
    let kind = field(&pairs, "kind").and_then(BanKind::parse);
    let action = field(&pairs, "action")
        .and_then(RuleAction::parse)
        .unwrap_or(RuleAction::Hold);
    let folded = match kind {
        Some(BanKind::Word) => fold(&value),
        Some(BanKind::Name) => name_key(&value),
        // Network bans come from a comment (the full hint is never shown).
        Some(BanKind::Network)
            if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            value.to_ascii_lowercase()
        }
        _ => String::new(),
    };
    let (Some(kind), false) = (kind, folded.is_empty() || value.chars().count() > 200) else {
        return Ok(redirect("/admin/bans?ok=ban_invalid"));
    };
    let rule = BanRule {
        id: String::new(),
        kind,
        value: value.trim().to_owned(),
        folded,
        action,
        created_at: now_ms(),
        created_by: signed.moderator.clone(),
    };
    let added = st.store.add_ban(&rule, None).await?;
    Ok(redirect(if added {
        "/admin/bans?ok=ban&n=1"
    } else {
        "/admin/bans?ok=ban_exists"
    }))
}

/// `POST /admin/bans/remove`.
pub async fn remove_ban(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers);
    let signed = match require(&st, &headers, "/admin/bans", true).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let pairs = form(&headers, &body).unwrap_or_default();
    if !csrf_ok(&st, &headers, &signed, field(&pairs, "csrf")) {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            lang,
            text::t(lang).forbidden,
        ));
    }
    let id = field(&pairs, "id").unwrap_or("");
    st.store.remove_ban(id, &signed.moderator, now_ms()).await?;
    Ok(redirect("/admin/bans?ok=ban_removed"))
}

fn audit_action_label(t: &T, action: &str) -> &'static str {
    let vi = t.lang_attr == "vi";
    match (action, vi) {
        ("approve", _) => t.approve,
        ("reject", _) => t.reject,
        ("delete", _) => t.delete,
        ("restore", _) => t.restore,
        ("ban", true) => "Cấm",
        ("ban", false) => "Ban",
        ("unban", _) => t.ban_remove,
        ("sign_in", _) => t.sign_in,
        ("sign_out", _) => t.sign_out,
        ("moderator_add", true) => "Thêm tài khoản",
        ("moderator_add", false) => "Account added",
        ("moderator_remove", true) => "Xoá tài khoản",
        ("moderator_remove", false) => "Account removed",
        ("moderator_passwd", true) => "Đổi mật khẩu",
        ("moderator_passwd", false) => "Password changed",
        (_, true) => "Khác",
        (_, false) => "Other",
    }
}

/// `GET /admin/audit`: who did what, when, to which comment.
pub async fn audit(
    State(st): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let here = here(&uri);
    let signed = match require(&st, &headers, &here, false).await? {
        Ok(s) => s,
        Err(res) => return Ok(res),
    };
    let t = text::t(lang_of(&headers));
    let page = q
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let per = 100;
    let (entries, more) = st.store.audit_log((page - 1) * per, per).await?;
    let ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.comment_id.clone())
        .collect();
    let comments = st.store.comments_by_id(&ids).await?;
    let mut h = Html::new();
    h.raw("<h1>").raw(t.audit_title).raw("</h1>");
    if entries.is_empty() {
        h.raw("<p class=\"empty\">").raw(t.no_audit).raw("</p>");
    } else {
        h.raw("<div class=\"table-wrap\"><table class=\"audit\"><thead><tr><th scope=\"col\">")
            .raw(t.col_time)
            .raw("</th><th scope=\"col\">")
            .raw(t.col_who)
            .raw("</th><th scope=\"col\">")
            .raw(t.col_action)
            .raw("</th><th scope=\"col\">")
            .raw(t.col_comment)
            .raw("</th><th scope=\"col\">")
            .raw(t.col_detail)
            .raw("</th></tr></thead><tbody>");
        for e in &entries {
            h.raw("<tr data-action=\"").text(&e.action).raw("\"><td>");
            time_html(&mut h, e.at);
            h.raw("</td><td>")
                .text(&e.moderator)
                .raw("</td><td>")
                .raw(audit_action_label(t, &e.action))
                .raw("</td><td>");
            if let Some(cid) = &e.comment_id {
                h.raw("<code>")
                    .text(&cid[..cid.len().min(8)])
                    .raw("</code>");
                if let Some(c) = comments.get(cid) {
                    h.raw(" <strong>")
                        .text(&c.author)
                        .raw("</strong>: ")
                        .text(&excerpt(&c.body, 80));
                }
                if let Some(th) = &e.thread {
                    h.raw(" <span class=\"where\">(").text(th).raw(")</span>");
                }
            }
            h.raw("</td><td>")
                .text(e.detail.as_deref().unwrap_or(""))
                .raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
    }
    if page > 1 || more {
        h.raw("<nav class=\"pages\" aria-label=\"")
            .raw(t.pages_label)
            .raw("\">");
        if page > 1 {
            h.raw("<a rel=\"prev\" href=\"/admin/audit?page=")
                .num(page - 1)
                .raw("\">← ")
                .raw(t.prev)
                .raw("</a>");
        }
        h.raw("<span>")
            .raw(t.page)
            .raw(" ")
            .num(page)
            .raw("</span>");
        if more {
            h.raw("<a rel=\"next\" href=\"/admin/audit?page=")
                .num(page + 1)
                .raw("\">")
                .raw(t.next)
                .raw(" →</a>");
        }
        h.raw("</nav>");
    }
    Ok(render(
        StatusCode::OK,
        Page {
            t,
            title: t.audit_title,
            moderator: Some(&signed.moderator),
            csrf: Some(&signed.csrf),
            nav: Nav::Audit,
            here: &here,
            main: h,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_replaces_old_message() {
        assert_eq!(
            with_flash("/admin?view=trash&ok=approve&n=2", "restore", 1),
            "/admin?view=trash&ok=restore&n=1"
        );
        assert_eq!(
            with_flash("https://evil/", "approve", 1),
            "/admin?ok=approve&n=1"
        );
    }
}
