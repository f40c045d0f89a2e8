-- PostgreSQL 0001: the state several anjian-server processes share. The same
-- meaning as the SQLite migrations 0001/0002/0012/0019 (events, devices,
-- enrollment codes, photo metadata, per-device event windows, office
-- sessions), plus what makes a shared log safe: one counter row that numbers
-- events in commit order (see aj-server-db-pg.c), and reference documents
-- (registry, checklists) that every server loads into its local cache.
-- Applied once, in one transaction, by the first server that starts.

CREATE TABLE log_counter (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  log_seq     BIGINT NOT NULL,        -- every event stored, refused or not
  server_seq  BIGINT NOT NULL         -- events accepted (what devices pull)
);
INSERT INTO log_counter VALUES (1, 0, 0);

CREATE TABLE events (
  log_seq          BIGINT PRIMARY KEY,   -- order the servers' caches apply them in
  server_seq       BIGINT UNIQUE,        -- NULL when refused
  id               TEXT NOT NULL UNIQUE,
  device_id        TEXT NOT NULL,
  device_seq       BIGINT NOT NULL CHECK (device_seq > 0),
  author           TEXT NOT NULL,
  hlc              BIGINT NOT NULL,
  type             TEXT NOT NULL,
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL,
  refused_code     TEXT,
  refused_message  TEXT,
  UNIQUE (device_id, device_seq),
  CHECK ((server_seq IS NULL) = (refused_code IS NOT NULL))
);

CREATE TABLE devices (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  scope        TEXT NOT NULL,
  enrolled_at  TEXT NOT NULL,
  revoked_at   TEXT
);

CREATE TABLE enroll_codes (
  code_hash    TEXT PRIMARY KEY,
  scope        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_by      TEXT
);

CREATE TABLE enroll_failures (
  client  TEXT NOT NULL,
  at      BIGINT NOT NULL                 -- Unix seconds, UTC
);
CREATE INDEX enroll_failures_client ON enroll_failures (client, at);

CREATE TABLE device_event_windows (
  device_id     TEXT PRIMARY KEY,
  window_start  BIGINT NOT NULL,
  events        BIGINT NOT NULL
);

-- Photo files live on the shared blob directory; this says which are whole.
CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,
  size         BIGINT NOT NULL,
  received_at  TEXT NOT NULL,
  device_id    TEXT                       -- whose quota it counts against
);
CREATE INDEX blobs_device ON blobs (device_id);

CREATE TABLE office_sessions (
  token_hash   TEXT PRIMARY KEY,
  user_name    TEXT NOT NULL,
  csrf         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  client       TEXT NOT NULL
);

-- What the administrator imported (registry), published (checklist) or
-- added (an office user of the console, with its password's hash), in
-- order: each server applies every row above the last it applied. seq is
-- max + 1 under a table lock (not a SEQUENCE, whose numbers may commit out
-- of order), so a server never skips a document committed later.
CREATE TABLE reference_docs (
  seq          BIGINT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('registry', 'registry-csv', 'checklist', 'office-user')),
  body         TEXT NOT NULL,
  added_at     TEXT NOT NULL
);

-- Blocks of document numbers granted to devices (SQLite 0017): above every
-- block granted before, whichever server granted it; seq as for
-- reference_docs, so that every server's cache gets each block.
CREATE TABLE number_blocks (
  seq          BIGINT PRIMARY KEY,
  department   TEXT NOT NULL,
  year         INTEGER NOT NULL,
  device_id    TEXT NOT NULL,
  first        BIGINT NOT NULL,
  last         BIGINT NOT NULL,
  granted_at   TEXT NOT NULL
);
CREATE INDEX number_blocks_department ON number_blocks (department, year);
