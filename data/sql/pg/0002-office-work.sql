-- PostgreSQL 0002: the office's work, shared by every server as well. Plans,
-- draws with their assignments, publications and imported registers become
-- reference documents (each server applies them to its cache, in order);
-- a document may carry a key no other may have, so that a plan's first
-- draw, a draw's redraw and its publication happen once whichever servers
-- are asked at once. The console's audit log and each office user's failed
-- sign-ins and lock are kept here, not in a server's cache.

ALTER TABLE reference_docs DROP CONSTRAINT reference_docs_kind_check;
ALTER TABLE reference_docs ADD CONSTRAINT reference_docs_kind_check
  CHECK (kind IN ('registry', 'registry-csv', 'checklist', 'office-user', 'plan', 'draw', 'publication', 'register'));
ALTER TABLE reference_docs ADD COLUMN once_key TEXT UNIQUE;   -- e.g. draw:PLAN, redraw:DRAW, publication:DRAW

CREATE TABLE office_audit (
  id         BIGSERIAL PRIMARY KEY,
  at         TEXT NOT NULL,                -- ISO 8601, UTC
  user_name  TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '',
  client     TEXT NOT NULL
);
CREATE INDEX office_audit_at ON office_audit (at);

-- Failed sign-ins since the last success, and the lock they set: one row
-- per office user who has failed (none: no failure).
CREATE TABLE office_lockouts (
  user_name     TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL,
  locked_until  BIGINT NOT NULL            -- Unix seconds, 0: not locked
);
