-- Stored per-thread counts: `thread_versions.published` is the number of
-- comments of the thread whose status is 'published' (all depths), kept in
-- the same transaction as every change that adds, removes or changes the
-- status of a comment (db::bump). Page totals and /counts read it with one
-- primary-key lookup instead of counting the thread. Same SQL subset as the
-- other migrations (SQLite and PostgreSQL).

ALTER TABLE thread_versions ADD COLUMN published BIGINT NOT NULL DEFAULT 0;

-- Backfill: every thread with comments gets a row (older databases may have
-- comments whose thread never got one), then its real count. The version
-- moves too, so no process keeps a page rendered before the count existed.
INSERT INTO thread_versions (thread, version, published)
  SELECT DISTINCT thread, 0, 0 FROM comments
  WHERE thread NOT IN (SELECT thread FROM thread_versions);
UPDATE thread_versions SET version = version + 1,
  published = (SELECT COUNT(*) FROM comments c
               WHERE c.thread = thread_versions.thread AND c.status = 'published');
