//! Storage for the moderation desk: the queue, actions with their audit log,
//! reports, bans, trusted networks, moderators, sessions, failed sign-ins,
//! settings. Same SQL subset as the rest of `db`.

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use super::{
    bump, placeholders, published_delta, row_to_comment, Status, Store, StoredComment, COLS,
};
use crate::spam::{BanKind, RuleAction};

/// A ban or blocklist rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BanRule {
    pub id: String,
    pub kind: BanKind,
    /// As the editor typed it (for a network: the hint).
    pub value: String,
    /// What is compared (see `spam`).
    pub folded: String,
    pub action: RuleAction,
    pub created_at: i64,
    pub created_by: String,
}

/// The desk's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Waiting for an editor, oldest first.
    Pending,
    /// With reports no editor has acted on, most reported first.
    Reported,
    /// Published, newest first.
    Published,
    /// Rejected or deleted, most recently moderated first; restorable.
    /// Also the comments their authors deleted (not restorable).
    Trash,
}

impl View {
    pub const ALL: [View; 4] = [View::Pending, View::Reported, View::Published, View::Trash];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Pending => "pending",
            View::Reported => "reported",
            View::Published => "published",
            View::Trash => "trash",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }

    fn condition(self) -> &'static str {
        match self {
            View::Pending => "status = 'pending'",
            View::Reported => "open_reports > 0 AND status IN ('published', 'pending')",
            View::Published => "status = 'published'",
            View::Trash => "status IN ('rejected', 'deleted', 'withdrawn')",
        }
    }

    fn order(self) -> &'static str {
        match self {
            View::Pending => "created_at ASC, id ASC",
            View::Reported => "open_reports DESC, created_at DESC, id DESC",
            View::Published => "created_at DESC, id DESC",
            View::Trash => "COALESCE(moderated_at, created_at) DESC, id DESC",
        }
    }
}

/// Filters shared by a view's list and the tab counts.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Exact thread id.
    pub thread: Option<String>,
    /// Folded search words (`spam::fold`), matched in author and text.
    pub search: Option<String>,
}

impl QueueFilter {
    /// `AND ...` clauses with placeholders from `$first`, and the values.
    fn sql(&self, first: usize) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if let Some(t) = &self.thread {
            sql.push_str(&format!(" AND thread = ${}", first + binds.len()));
            binds.push(t.clone());
        }
        if let Some(q) = self.search.as_deref().filter(|q| !q.is_empty()) {
            // Folded text is letters, digits and single spaces only, so the
            // pattern needs no LIKE escaping.
            sql.push_str(&format!(" AND search_text LIKE ${}", first + binds.len()));
            binds.push(format!("%{q}%"));
        }
        (sql, binds)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub comment_id: String,
    pub reason: String,
    pub detail: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    /// A new report; `hidden` if it took the comment past the threshold.
    Created { open_reports: i64, hidden: bool },
    /// This device had reported the comment already.
    Repeat,
}

/// What an editor can do to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Delete,
    Restore,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Delete => "delete",
            Action::Restore => "restore",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Action::Approve,
            Action::Reject,
            Action::Delete,
            Action::Restore,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One comment an action changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub id: String,
    pub thread: String,
    pub from: Status,
    pub to: Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub moderator: String,
    pub action: String,
    pub comment_id: Option<String>,
    pub thread: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderator {
    pub name: String,
    pub created_at: i64,
    pub sessions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub moderator: String,
    pub csrf: String,
    pub last_seen: i64,
    pub expires_at: i64,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn row_to_ban(r: &sqlx::any::AnyRow) -> Result<BanRule, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let action: String = r.try_get("action")?;
    Ok(BanRule {
        id: r.try_get("id")?,
        kind: BanKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown ban kind {kind:?}").into()))?,
        value: r.try_get("value")?,
        folded: r.try_get("folded")?,
        action: RuleAction::parse(&action)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown ban action {action:?}").into()))?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
    })
}

async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    at: i64,
    moderator: &str,
    action: &str,
    comment: Option<(&str, &str)>,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, moderator, action, comment_id, thread, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(at)
    .bind(moderator)
    .bind(action)
    .bind(comment.map(|c| c.0))
    .bind(comment.map(|c| c.1))
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    // ---- settings -------------------------------------------------------

    /// The value of setting `name`, storing `make()` first if there is none
    /// (the first of several processes to get there wins; all read its value).
    pub async fn setting_or_insert(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .execute(&self.write)
        .await?;
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.write)
            .await
    }

    /// Fills `search_text` for comments stored before it existed, in batches.
    pub async fn backfill_search_text(&self) -> Result<u64, sqlx::Error> {
        let mut done = 0;
        loop {
            let rows = sqlx::query(
                "SELECT id, author, body FROM comments WHERE search_text IS NULL LIMIT 500",
            )
            .fetch_all(&self.write)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = self.write.begin().await?;
            for r in &rows {
                let id: String = r.try_get("id")?;
                let author: String = r.try_get("author")?;
                let body: String = r.try_get("body")?;
                sqlx::query("UPDATE comments SET search_text = $1 WHERE id = $2")
                    .bind(crate::spam::fold(&format!("{author} {body}")))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            done += rows.len() as u64;
        }
    }

    // ---- the queue ------------------------------------------------------

    /// One page of a view, and whether another follows.
    pub async fn queue(
        &self,
        view: View,
        filter: &QueueFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<StoredComment>, bool), sqlx::Error> {
        let (extra, binds) = filter.sql(1);
        let n = binds.len();
        let sql = format!(
            "SELECT {COLS} FROM comments WHERE {cond}{extra} ORDER BY {order} \
             LIMIT ${l} OFFSET ${o}",
            cond = view.condition(),
            order = view.order(),
            l = n + 1,
            o = n + 2,
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q
            .bind(limit + 1)
            .bind(offset.max(0))
            .fetch_all(&self.read)
            .await?;
        let mut items = rows
            .iter()
            .map(row_to_comment)
            .collect::<Result<Vec<_>, _>>()?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        Ok((items, more))
    }

    /// How many comments each view holds under `filter`.
    pub async fn queue_counts(
        &self,
        filter: &QueueFilter,
    ) -> Result<HashMap<View, i64>, sqlx::Error> {
        let (extra, binds) = filter.sql(1);
        let cols = View::ALL
            .iter()
            .map(|v| {
                format!(
                    "COUNT(CASE WHEN {} THEN 1 END) AS {}",
                    v.condition(),
                    v.as_str()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {cols} FROM comments WHERE 1 = 1{extra}");
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let row = q.fetch_one(&self.read).await?;
        View::ALL
            .iter()
            .map(|v| Ok((*v, row.try_get::<i64, _>(v.as_str())?)))
            .collect()
    }

    /// Comments by id (any status), for showing the parents of queue items.
    pub async fn comments_by_id(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, StoredComment>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT {COLS} FROM comments WHERE id IN ({})",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id.as_str());
        }
        let rows = q.fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| row_to_comment(r).map(|c| (c.id.clone(), c)))
            .collect()
    }

    /// Reports on the given comments, oldest first.
    pub async fn reports_for(&self, ids: &[String]) -> Result<Vec<ReportRow>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT comment_id, reason, detail, created_at FROM reports \
             WHERE comment_id IN ({}) ORDER BY created_at ASC, id ASC",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id.as_str());
        }
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(ReportRow {
                    comment_id: r.try_get("comment_id")?,
                    reason: r.try_get("reason")?,
                    detail: r.try_get("detail")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Applies `action` to each comment in `ids` for which it makes sense
    /// (approve: not yet published or reported; reject/delete: not already
    /// in that state; restore: in the trash), in one transaction: statuses,
    /// the audit log, trusted networks, and the threads' versions (so every
    /// process's page cache sees the change at once).
    pub async fn moderate(
        &self,
        ids: &[String],
        action: Action,
        moderator: &str,
        now: i64,
    ) -> Result<Vec<Changed>, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let mut changed = Vec::new();
        // Each thread changed, with how its published count moves.
        let mut threads: BTreeMap<String, i64> = BTreeMap::new();
        for id in ids {
            let Some(row) = sqlx::query(&format!(
                "SELECT thread, status, prev_status, ip_hint, open_reports FROM comments \
                 WHERE id = $1{}",
                self.for_update()
            ))
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            else {
                continue;
            };
            let thread: String = row.try_get("thread")?;
            let from = super::parse_status(&row.try_get::<String, _>("status")?)?;
            let prev: Option<String> = row.try_get("prev_status")?;
            let ip_hint: Option<String> = row.try_get("ip_hint")?;
            let open: i64 = row.try_get("open_reports")?;
            let in_trash = matches!(from, Status::Rejected | Status::Deleted);
            let to = match action {
                // What its author deleted stays deleted: an editor may only
                // remove it further (reject or delete, e.g. with its replies
                // hidden), and restoring that brings back the placeholder.
                Action::Approve | Action::Restore if from == Status::Withdrawn => continue,
                Action::Approve if from != Status::Published || open > 0 => Status::Published,
                Action::Reject if from != Status::Rejected => Status::Rejected,
                Action::Delete if from != Status::Deleted => Status::Deleted,
                Action::Restore if in_trash => prev
                    .as_deref()
                    .and_then(Status::parse)
                    .filter(|s| {
                        matches!(s, Status::Published | Status::Pending | Status::Withdrawn)
                    })
                    .unwrap_or(Status::Pending),
                _ => continue,
            };
            // prev_status keeps the last status outside the trash.
            let new_prev = if matches!(to, Status::Rejected | Status::Deleted) {
                if in_trash {
                    prev.clone()
                } else {
                    Some(from.as_str().to_owned())
                }
            } else {
                None
            };
            sqlx::query(
                "UPDATE comments SET status = $1, prev_status = $2, moderated_at = $3, \
                 open_reports = 0, \
                 held_reason = CASE WHEN $1 = 'pending' THEN held_reason ELSE NULL END \
                 WHERE id = $4",
            )
            .bind(to.as_str())
            .bind(new_prev)
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
            if action == Action::Approve {
                if let Some(hint) = ip_hint.as_deref().filter(|h| !h.is_empty()) {
                    sqlx::query(
                        "INSERT INTO trusted_networks (ip_hint, since) VALUES ($1, $2) \
                         ON CONFLICT (ip_hint) DO NOTHING",
                    )
                    .bind(hint)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let detail = format!("{} → {}", from.as_str(), to.as_str());
            audit(
                &mut tx,
                now,
                moderator,
                action.as_str(),
                Some((id, &thread)),
                Some(&detail),
            )
            .await?;
            *threads.entry(thread.clone()).or_default() += published_delta(from, to);
            changed.push(Changed {
                id: id.clone(),
                thread,
                from,
                to,
            });
        }
        for (t, delta) in &threads {
            bump(&mut tx, t, *delta).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Hard-deletes trash (rejected or deleted comments, with their replies
    /// and reports) moderated before `cutoff`; returns comments removed.
    pub async fn purge_trash(&self, cutoff: i64) -> Result<u64, sqlx::Error> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM comments WHERE status IN ('rejected', 'deleted') \
             AND COALESCE(moderated_at, created_at) < $1",
        )
        .bind(cutoff)
        .fetch_all(&self.read)
        .await?;
        let mut n = 0;
        for id in ids {
            let mut tx = self.write.begin().await?;
            sqlx::query(
                "WITH RECURSIVE sub(id) AS ( \
                   SELECT id FROM comments WHERE id = $1 \
                   UNION ALL \
                   SELECT c.id FROM comments c JOIN sub ON c.parent_id = sub.id) \
                 DELETE FROM reports WHERE comment_id IN (SELECT id FROM sub)",
            )
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            n += self.delete_tree(&id).await?;
        }
        // What authors deleted keeps its row for its replies' sake; only the
        // text (kept for the desk until now) goes.
        sqlx::query(
            "UPDATE comments SET author = '', body = '', search_text = '' \
             WHERE status = 'withdrawn' AND COALESCE(moderated_at, created_at) < $1 \
             AND (body <> '' OR author <> '')",
        )
        .bind(cutoff)
        .execute(&self.write)
        .await?;
        Ok(n)
    }

    // ---- reports --------------------------------------------------------

    /// Records a report unless `reporter` reported this comment before.
    /// With `hide_at > 0`, a published comment reaching that many open
    /// reports is hidden (back to pending, held for "reports").
    #[allow(clippy::too_many_arguments)]
    pub async fn add_report(
        &self,
        comment: &StoredComment,
        reporter: &str,
        reason: &str,
        detail: Option<&str>,
        ip_hint: &str,
        hide_at: i64,
        now: i64,
    ) -> Result<ReportOutcome, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "INSERT INTO reports (id, comment_id, thread, reporter, reason, detail, ip_hint, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (comment_id, reporter) DO NOTHING",
        )
        .bind(new_id())
        .bind(comment.id.as_str())
        .bind(comment.thread.as_str())
        .bind(reporter)
        .bind(reason)
        .bind(detail)
        .bind(ip_hint)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.commit().await?;
            return Ok(ReportOutcome::Repeat);
        }
        sqlx::query(
            "UPDATE comments SET open_reports = open_reports + 1, report_count = report_count + 1 \
             WHERE id = $1",
        )
        .bind(comment.id.as_str())
        .execute(&mut *tx)
        .await?;
        let open: i64 = sqlx::query_scalar("SELECT open_reports FROM comments WHERE id = $1")
            .bind(comment.id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let mut hidden = false;
        if hide_at > 0 && open >= hide_at {
            // Only a comment that is published at this moment goes back to
            // pending (the condition is in the UPDATE, so a concurrent change
            // of its status cannot be counted twice).
            hidden = sqlx::query(
                "UPDATE comments SET status = 'pending', prev_status = 'published', \
                 held_reason = $1 WHERE id = $2 AND status = 'published'",
            )
            .bind(crate::spam::HoldReason::Reports(open).encode())
            .bind(comment.id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if hidden {
                bump(&mut tx, &comment.thread, -1).await?;
            }
        }
        tx.commit().await?;
        Ok(ReportOutcome::Created {
            open_reports: open,
            hidden,
        })
    }

    // ---- bans and trust -------------------------------------------------

    pub async fn bans(&self) -> Result<Vec<BanRule>, sqlx::Error> {
        sqlx::query(
            "SELECT id, kind, value, folded, action, created_at, created_by FROM bans \
             ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(row_to_ban)
        .collect()
    }

    /// Adds a rule; false if the same (kind, folded) exists already.
    pub async fn add_ban(
        &self,
        rule: &BanRule,
        comment: Option<(&str, &str)>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "INSERT INTO bans (id, kind, value, folded, action, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, folded) DO NOTHING",
        )
        .bind(new_id())
        .bind(rule.kind.as_str())
        .bind(rule.value.as_str())
        .bind(rule.folded.as_str())
        .bind(rule.action.as_str())
        .bind(rule.created_at)
        .bind(rule.created_by.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let detail = format!(
                "{}: {} ({})",
                rule.kind.as_str(),
                rule.value,
                rule.action.as_str()
            );
            audit(
                &mut tx,
                rule.created_at,
                &rule.created_by,
                "ban",
                comment,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn remove_ban(
        &self,
        id: &str,
        moderator: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let Some(row) = sqlx::query(
            "SELECT id, kind, value, folded, action, created_at, created_by FROM bans WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let rule = row_to_ban(&row)?;
        sqlx::query("DELETE FROM bans WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = format!(
            "{}: {} ({})",
            rule.kind.as_str(),
            rule.value,
            rule.action.as_str()
        );
        audit(&mut tx, now, moderator, "unban", None, Some(&detail)).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn is_trusted_network(&self, ip_hint: &str) -> Result<bool, sqlx::Error> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT since FROM trusted_networks WHERE ip_hint = $1")
                .bind(ip_hint)
                .fetch_optional(&self.read)
                .await?;
        Ok(found.is_some())
    }

    // ---- audit log ------------------------------------------------------

    pub async fn audit_log(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, bool), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, at, moderator, action, comment_id, thread, detail FROM audit_log \
             ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit + 1)
        .bind(offset.max(0))
        .fetch_all(&self.read)
        .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    moderator: r.try_get("moderator")?,
                    action: r.try_get("action")?,
                    comment_id: r.try_get("comment_id")?,
                    thread: r.try_get("thread")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let more = out.len() as i64 > limit;
        out.truncate(limit as usize);
        Ok((out, more))
    }

    /// An audit entry for something other than a comment action (sign-in,
    /// sign-out, CLI account changes).
    pub async fn audit_event(
        &self,
        moderator: &str,
        action: &str,
        detail: Option<&str>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write.begin().await?;
        audit(&mut tx, now, moderator, action, None, detail).await?;
        tx.commit().await
    }

    // ---- moderators -----------------------------------------------------

    /// False if the name is taken.
    pub async fn add_moderator(
        &self,
        name: &str,
        hash: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO moderators (name, password_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(hash)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn moderators(&self, now: i64) -> Result<Vec<Moderator>, sqlx::Error> {
        sqlx::query(
            "SELECT m.name, m.created_at, \
               (SELECT COUNT(*) FROM sessions s WHERE s.moderator = m.name AND s.expires_at > $1) AS n \
             FROM moderators m ORDER BY m.name",
        )
        .bind(now)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(Moderator {
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                sessions: r.try_get("n")?,
            })
        })
        .collect()
    }

    pub async fn moderator_hash(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT password_hash FROM moderators WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.read)
            .await
    }

    /// Removes the account and ends its sessions; false if there was none.
    pub async fn remove_moderator(&self, name: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE moderator = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM moderators WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets a new password hash and ends the account's sessions.
    pub async fn set_moderator_password(
        &self,
        name: &str,
        hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query("UPDATE moderators SET password_hash = $1 WHERE name = $2")
            .bind(hash)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE moderator = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- sessions -------------------------------------------------------

    pub async fn create_session(
        &self,
        id_hash: &str,
        moderator: &str,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sessions (id, moderator, csrf, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(id_hash)
        .bind(moderator)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The live session with this id: not expired, not idle for longer than
    /// `idle_ms`, and its moderator still exists.
    pub async fn session(
        &self,
        id_hash: &str,
        now: i64,
        idle_ms: i64,
    ) -> Result<Option<Session>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT s.moderator, s.csrf, s.last_seen, s.expires_at FROM sessions s \
             JOIN moderators m ON m.name = s.moderator \
             WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen > $3",
        )
        .bind(id_hash)
        .bind(now)
        .bind(now - idle_ms)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(Session {
                moderator: r.try_get("moderator")?,
                csrf: r.try_get("csrf")?,
                last_seen: r.try_get("last_seen")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id = $2")
            .bind(now)
            .bind(id_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    // ---- failed sign-ins ------------------------------------------------

    pub async fn record_login_failure(
        &self,
        account: &str,
        ip_hint: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO login_failures (id, account, ip_hint, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(account)
        .bind(ip_hint)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Failed sign-ins since `since`: (for this account, from this network).
    pub async fn login_failures(
        &self,
        account: &str,
        ip_hint: &str,
        since: i64,
    ) -> Result<(i64, i64), sqlx::Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at > $3) AS a, \
                    (SELECT COUNT(*) FROM login_failures WHERE ip_hint = $2 AND at > $3) AS i",
        )
        .bind(account)
        .bind(ip_hint)
        .bind(since)
        .fetch_one(&self.write)
        .await?;
        Ok((row.try_get("a")?, row.try_get("i")?))
    }

    /// After a successful sign-in: the account's failures are forgiven.
    pub async fn clear_login_failures(&self, account: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE account = $1")
            .bind(account)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Drops expired sessions and old failed sign-ins.
    pub async fn purge_auth(&self, now: i64, failures_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.write)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(failures_before)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
