-- 0019: the office's web console (/office/). Office users sign in with a
-- name and a password (an Argon2id hash, never the password); their scope is
-- one county or the whole city (county NULL). Sessions live in the database,
-- not in a server's memory, so that several servers behind one database share
-- them; a session is kept only as the SHA-256 of its cookie. Failed sign-ins
-- are counted per user and lock the account for a while. Every change an
-- office user makes is written to office_audit: who, what, when, from where.
CREATE TABLE office_users (
  name           TEXT PRIMARY KEY,             -- the sign-in name
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('clerk', 'chief', 'admin')),
  county         TEXT,                         -- NULL: the whole city
  password_hash  TEXT NOT NULL,
  failures       INTEGER NOT NULL DEFAULT 0,   -- failed sign-ins since the last success
  locked_until   INTEGER NOT NULL DEFAULT 0,   -- Unix seconds
  active         INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL
);

CREATE TABLE office_sessions (
  token_hash     TEXT PRIMARY KEY,             -- SHA-256 (hex) of the cookie's value
  user_name      TEXT NOT NULL REFERENCES office_users (name),
  csrf           TEXT NOT NULL,                -- the token every form of the session carries
  created_at     INTEGER NOT NULL,             -- Unix seconds
  expires_at     INTEGER NOT NULL,
  client         TEXT NOT NULL
);
CREATE INDEX office_sessions_user ON office_sessions (user_name);

CREATE TABLE office_audit (
  id             INTEGER PRIMARY KEY,
  at             TEXT NOT NULL,                -- ISO 8601, UTC
  user_name      TEXT NOT NULL,
  action         TEXT NOT NULL,                -- e.g. sign-in, plan.create, draw, publish
  subject        TEXT NOT NULL DEFAULT '',
  detail         TEXT NOT NULL DEFAULT '',
  client         TEXT NOT NULL
);
CREATE INDEX office_audit_at ON office_audit (at);
