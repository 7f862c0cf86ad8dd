-- Reader interactions: likes, sorting by likes, editing and deleting one's
-- own comment. Same SQL subset as 0001 and 0002 (SQLite and PostgreSQL);
-- timestamps are milliseconds since the Unix epoch (UTC).
--
-- A comment its author deleted keeps its row with status 'withdrawn' (its
-- replies keep their context); moderated_at is when that happened.

-- Likes counted in the likes table, kept here in the same transaction.
ALTER TABLE comments ADD COLUMN likes BIGINT NOT NULL DEFAULT 0;
-- When the author last changed the text; NULL if never.
ALTER TABLE comments ADD COLUMN edited_at BIGINT NULL;
-- SHA-256 (hex) of the edit token given to the author once; never the token.
ALTER TABLE comments ADD COLUMN edit_token_hash TEXT NULL;

-- Top-level page, sort=top: ORDER BY likes DESC, created_at DESC, id DESC
-- (newest and oldest use comments_top_level, forwards and backwards).
CREATE INDEX comments_top_liked ON comments (thread, likes, created_at, id) WHERE parent_id IS NULL;

-- One like per comment per reader device (device = keyed hash of the
-- device token, as for reports).
CREATE TABLE likes (
    comment_id TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT likes_once PRIMARY KEY (comment_id, device)
);
