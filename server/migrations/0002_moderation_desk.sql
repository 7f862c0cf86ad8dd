-- The moderation desk: reports, moderators and their sessions, the audit log,
-- bans, trusted networks, settings. Same SQL subset as 0001 (SQLite and
-- PostgreSQL); timestamps are milliseconds since the Unix epoch (UTC).

-- Keyed hash of the author's network prefix (/24, /48); never the raw IP.
ALTER TABLE comments ADD COLUMN ip_hint TEXT NULL;
-- Why a pending comment waits (spam::HoldReason, e.g. "links:3").
ALTER TABLE comments ADD COLUMN held_reason TEXT NULL;
-- Reports since an editor last acted on the comment, and ever.
ALTER TABLE comments ADD COLUMN open_reports BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN report_count BIGINT NOT NULL DEFAULT 0;
-- When an editor last changed the status; trash is purged 30 days after.
ALTER TABLE comments ADD COLUMN moderated_at BIGINT NULL;
-- Status before a reject or delete: what restore brings back.
ALTER TABLE comments ADD COLUMN prev_status TEXT NULL;
-- Folded author and body (spam::fold) for accent-insensitive search.
ALTER TABLE comments ADD COLUMN search_text TEXT NULL;

CREATE INDEX comments_reported ON comments (open_reports, created_at) WHERE open_reports > 0;
CREATE INDEX comments_moderated ON comments (status, moderated_at);
CREATE INDEX comments_ip_hint ON comments (ip_hint);

-- One report per comment per reader device (reporter = keyed hash of the
-- device token, or of the network when the reader sent none).
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    comment_id TEXT NOT NULL,
    thread TEXT NOT NULL,
    reporter TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NULL,
    ip_hint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT reports_once UNIQUE (comment_id, reporter)
);
CREATE INDEX reports_comment ON reports (comment_id, created_at);

CREATE TABLE moderators (
    name TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- id = SHA-256 of the cookie value: a copy of the database holds no usable session.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    moderator TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_moderator ON sessions (moderator);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    account TEXT NOT NULL,
    ip_hint TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_ip ON login_failures (ip_hint, at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    moderator TEXT NOT NULL,
    action TEXT NOT NULL,
    comment_id TEXT NULL,
    thread TEXT NULL,
    detail TEXT NULL
);
CREATE INDEX audit_log_at ON audit_log (at, id);

-- kind: network | name | word; folded: what is compared (spam::fold for
-- words, the lower-cased NFC name, the hint itself); action: refuse | hold.
CREATE TABLE bans (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    folded TEXT NOT NULL,
    action TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT bans_once UNIQUE (kind, folded)
);

-- Moderation mode "first": networks with an approved comment.
CREATE TABLE trusted_networks (
    ip_hint TEXT PRIMARY KEY NOT NULL,
    since BIGINT NOT NULL
);

-- Server-wide values generated once (the IP hint secret).
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
