-- Written in the SQL subset shared by SQLite and PostgreSQL.
-- Statements are split on semicolons, so none may appear elsewhere.
-- Timestamps are milliseconds since the Unix epoch (UTC).

CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    thread TEXT NOT NULL,
    parent_id TEXT NULL,
    root_id TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    pending_token TEXT NULL,
    idempotency_key TEXT NULL,
    -- A retried POST with the same key stores nothing new. NULL keys never
    -- conflict with each other in either database.
    CONSTRAINT comments_idempotency UNIQUE (thread, idempotency_key)
);

-- Top-level page: WHERE thread = ? AND parent_id IS NULL ORDER BY created_at DESC, id DESC
CREATE INDEX comments_top_level ON comments (thread, created_at, id) WHERE parent_id IS NULL;

-- Replies of a page's top-level comments.
CREATE INDEX comments_root ON comments (root_id, created_at);

-- Published totals per thread, moderation queue.
CREATE INDEX comments_thread_status ON comments (thread, status);
CREATE INDEX comments_status ON comments (status, created_at);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE articles (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    body_html TEXT NOT NULL,
    thread TEXT NOT NULL
);

-- Bumped in the same transaction as every change to a thread's comments.
-- Servers cache rendered pages per process and compare this number with one
-- cheap query, so a cache is never stale even with several processes.
CREATE TABLE thread_versions (
    thread TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
