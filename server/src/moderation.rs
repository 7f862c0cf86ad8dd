//! `ykien-server moderate ...`: moderation straight on the database, usable
//! while servers are running (SQLite WAL / PostgreSQL handle the concurrency).

use crate::api::rfc3339_ms;
use crate::config::ModerateAction;
use crate::db::{Action, Status, Store, StoredComment};

#[derive(Debug)]
pub enum ModerationError {
    NotFound(String),
    BadStatus(String),
    Db(sqlx::Error),
}

impl std::fmt::Display for ModerationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(id) => write!(f, "no comment with id {id}"),
            Self::BadStatus(s) => write!(
                f,
                "unknown status {s:?} (pending, published, rejected or all)"
            ),
            Self::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for ModerationError {}

impl From<sqlx::Error> for ModerationError {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}

/// Comments with `status` ("pending", "published", "rejected" or "all").
pub async fn list(
    store: &Store,
    status: &str,
    limit: i64,
) -> Result<Vec<StoredComment>, ModerationError> {
    let filter = match status {
        "all" => None,
        s => Some(Status::parse(s).ok_or_else(|| ModerationError::BadStatus(s.to_owned()))?),
    };
    Ok(store.list_by_status(filter, limit.clamp(1, 10_000)).await?)
}

/// The desk's action, done as moderator `cli`: the same audit log entry,
/// trusted network (mode `first`) and thread version bump as from the desk.
async fn act(store: &Store, id: &str, action: Action) -> Result<(), ModerationError> {
    let changed = store
        .moderate(&[id.to_owned()], action, "cli", crate::api::now_ms())
        .await?;
    if let Some(c) = changed.first() {
        tracing::info!(comment_id = id, status = c.to.as_str(), "moderated");
        return Ok(());
    }
    // Nothing changed: already in that state, or no such comment.
    match store.comment(id).await? {
        Some(_) => Ok(()),
        None => Err(ModerationError::NotFound(id.to_owned())),
    }
}

/// Publishes a comment.
pub async fn approve(store: &Store, id: &str) -> Result<(), ModerationError> {
    act(store, id, Action::Approve).await
}

/// Hides a comment; it stays in the database as `rejected` (in the desk's
/// trash, restorable until purged).
pub async fn reject(store: &Store, id: &str) -> Result<(), ModerationError> {
    act(store, id, Action::Reject).await
}

/// Deletes a comment and its replies; returns how many rows went.
pub async fn delete(store: &Store, id: &str) -> Result<u64, ModerationError> {
    match store.delete_tree(id).await? {
        0 => Err(ModerationError::NotFound(id.to_owned())),
        n => {
            tracing::info!(comment_id = id, deleted = n, "deleted");
            Ok(n)
        }
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// Runs a CLI action and returns what to print.
pub async fn run(store: &Store, action: &ModerateAction) -> Result<String, ModerationError> {
    Ok(match action {
        ModerateAction::List { status, limit } => {
            let rows = list(store, status, *limit).await?;
            if rows.is_empty() {
                return Ok(format!("no {status} comments"));
            }
            rows.iter()
                .map(|c| {
                    format!(
                        "{id}  {status:<9}  {at}  thread={thread}  parent={parent}\n    {author}: {body}",
                        id = c.id,
                        status = c.status.as_str(),
                        at = rfc3339_ms(c.created_at),
                        thread = c.thread,
                        parent = c.parent_id.as_deref().unwrap_or("-"),
                        // Guests are stored without a name (see validate::author).
                        author = if c.author.is_empty() { "(guest)" } else { &c.author },
                        body = one_line(&c.body, 160),
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        ModerateAction::Approve { id } => {
            approve(store, id).await?;
            format!("approved {id}")
        }
        ModerateAction::Reject { id } => {
            reject(store, id).await?;
            format!("rejected {id}")
        }
        ModerateAction::Delete { id } => {
            let n = delete(store, id).await?;
            format!("deleted {id} ({n} comment(s) including replies)")
        }
    })
}
