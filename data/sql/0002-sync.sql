-- 0002: what sync needs on both ends.
-- Each event carries the institution it concerns, so that a device is sent
-- only what its scope allows; the server numbers events as it receives them.

ALTER TABLE events ADD COLUMN institution TEXT;
UPDATE events SET institution = (SELECT institution FROM inspections WHERE inspections.id = events.subject)
  WHERE institution IS NULL;
UPDATE events SET institution = (SELECT institution FROM hazards WHERE hazards.id = events.subject)
  WHERE institution IS NULL;
CREATE UNIQUE INDEX events_server_seq ON events (server_seq) WHERE server_seq IS NOT NULL;
CREATE INDEX events_institution ON events (institution, server_seq);

-- Server: enrolled devices. Only the hash of a device's token is kept.
CREATE TABLE devices (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  scope        TEXT NOT NULL,
  enrolled_at  TEXT NOT NULL,
  last_seen    TEXT,
  revoked_at   TEXT
);

-- Server: one-time enrollment codes (hashed).
CREATE TABLE enroll_codes (
  code_hash    TEXT PRIMARY KEY,
  scope        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_by      TEXT
);

-- Server: photo blobs, complete or still being uploaded.
CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,
  size         INTEGER NOT NULL,
  complete     INTEGER NOT NULL DEFAULT 0,
  received_at  TEXT
);

-- Server: published checklist templates; kiosk: templates received.
CREATE TABLE checklists (
  id            TEXT NOT NULL,
  version       INTEGER NOT NULL,
  body          TEXT NOT NULL,
  published_at  TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
