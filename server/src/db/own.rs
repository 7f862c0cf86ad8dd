//! What readers do to comments besides posting: likes (one per device), and
//! an author editing or deleting their own comment. Every change bumps the
//! thread's version in the same transaction (page caches).

use sqlx::Row;

use super::{bump, published_delta, row_to_comment, Status, Store, StoredComment, COLS};

/// A new text for a comment and what the moderation layers made of it.
#[derive(Debug, Clone)]
pub struct Edit<'a> {
    pub body: &'a str,
    /// `Some`: the edit is held for an editor (the comment goes to pending
    /// with this reason); `None`: the status stays as it is.
    pub held_reason: Option<&'a str>,
    pub now: i64,
}

impl Store {
    /// Adds (`like`) or removes this device's like of a comment; repeats
    /// change nothing. Returns the comment's likes afterwards.
    pub async fn set_like(
        &self,
        comment: &StoredComment,
        device: &str,
        like: bool,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let done = if like {
            sqlx::query(
                "INSERT INTO likes (comment_id, device, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (comment_id, device) DO NOTHING",
            )
            .bind(comment.id.as_str())
            .bind(device)
            .bind(now)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("DELETE FROM likes WHERE comment_id = $1 AND device = $2")
                .bind(comment.id.as_str())
                .bind(device)
                .execute(&mut *tx)
                .await?
        };
        if done.rows_affected() == 1 {
            let change = if like {
                "likes + 1"
            } else {
                "CASE WHEN likes > 0 THEN likes - 1 ELSE 0 END"
            };
            sqlx::query(&format!(
                "UPDATE comments SET likes = {change} WHERE id = $1"
            ))
            .bind(comment.id.as_str())
            .execute(&mut *tx)
            .await?;
            bump(&mut tx, &comment.thread, 0).await?;
        }
        let likes: i64 = sqlx::query_scalar("SELECT likes FROM comments WHERE id = $1")
            .bind(comment.id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(likes)
    }

    /// Replaces the text of a published or pending comment; with a hold
    /// reason it goes (back) to pending. None if it is in neither state
    /// any more (an editor acted meanwhile).
    pub async fn edit_comment(
        &self,
        c: &StoredComment,
        edit: &Edit<'_>,
    ) -> Result<Option<StoredComment>, sqlx::Error> {
        let search = crate::spam::fold(&format!("{} {}", c.author, edit.body));
        let mut tx = self.write.begin().await?;
        let Some((_, from)) = self.lock_status(&mut tx, &c.id).await? else {
            return Ok(None);
        };
        let done = sqlx::query(
            "UPDATE comments SET body = $1, search_text = $2, edited_at = $3, \
             status = CASE WHEN $4 IS NULL THEN status ELSE 'pending' END, \
             held_reason = COALESCE($4, held_reason) \
             WHERE id = $5 AND status IN ('published', 'pending')",
        )
        .bind(edit.body)
        .bind(search)
        .bind(edit.now)
        .bind(edit.held_reason)
        .bind(c.id.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query(&format!("SELECT {COLS} FROM comments WHERE id = $1"))
            .bind(c.id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let after = row_to_comment(&row)?;
        bump(&mut tx, &c.thread, published_delta(from, after.status)).await?;
        tx.commit().await?;
        Ok(Some(after))
    }

    /// The author deletes their comment: status `withdrawn` (kept, without
    /// touching its replies), in the desk's trash from `now`. Returns the
    /// comment as it is afterwards (also when it was withdrawn already);
    /// None if it is not published, pending or withdrawn.
    pub async fn withdraw_comment(
        &self,
        c: &StoredComment,
        now: i64,
    ) -> Result<Option<StoredComment>, sqlx::Error> {
        let mut tx = self.write.begin().await?;
        let Some((_, from)) = self.lock_status(&mut tx, &c.id).await? else {
            return Ok(None);
        };
        let done = sqlx::query(
            "UPDATE comments SET status = 'withdrawn', prev_status = status, moderated_at = $1, \
             open_reports = 0, held_reason = NULL \
             WHERE id = $2 AND status IN ('published', 'pending')",
        )
        .bind(now)
        .bind(c.id.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            bump(&mut tx, &c.thread, published_delta(from, Status::Withdrawn)).await?;
        }
        let row = sqlx::query(&format!("SELECT {COLS} FROM comments WHERE id = $1"))
            .bind(c.id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let after = row.as_ref().map(row_to_comment).transpose()?;
        Ok(after.filter(|c| c.status == Status::Withdrawn))
    }

    /// How many likes rows a comment has (for tests: the counter column
    /// must agree with it).
    pub async fn like_rows(&self, comment_id: &str) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM likes WHERE comment_id = $1")
            .bind(comment_id)
            .fetch_one(&self.read)
            .await?;
        row.try_get("n")
    }
}
