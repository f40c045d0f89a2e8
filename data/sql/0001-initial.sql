-- 0001: event log, reference data and the first projections.
-- The event log is the truth; every table marked "projection" is rebuilt from it.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Device-local state that is not part of the shared history (where the kiosk was).
CREATE TABLE local_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE events (
  id          TEXT PRIMARY KEY,
  device_id   TEXT NOT NULL,
  device_seq  INTEGER NOT NULL CHECK (device_seq > 0),
  author      TEXT NOT NULL,
  hlc         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL,
  server_seq  INTEGER,              -- NULL until the server has acknowledged it
  UNIQUE (device_id, device_seq)
);
CREATE INDEX events_order ON events (hlc, device_id, id);
CREATE INDEX events_subject ON events (subject);
CREATE INDEX events_outbox ON events (server_seq) WHERE server_seq IS NULL;

-- Reference data: from the bundled sample registry, later from the server.
CREATE TABLE institutions (
  code            TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL,
  county          TEXT NOT NULL DEFAULT '',
  township        TEXT NOT NULL DEFAULT '',
  address         TEXT NOT NULL DEFAULT '',
  beds            INTEGER NOT NULL DEFAULT 0,
  head            TEXT NOT NULL DEFAULT '',
  safety_officer  TEXT NOT NULL DEFAULT '',
  phone           TEXT NOT NULL DEFAULT '',
  credit          TEXT NOT NULL DEFAULT 'normal'
);

CREATE TABLE users (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL,
  county       TEXT,
  institution  TEXT,
  pin_hash     TEXT NOT NULL
);

-- projection
CREATE TABLE inspections (
  id                TEXT PRIMARY KEY,
  institution       TEXT NOT NULL,
  mode              TEXT NOT NULL,
  template_id       TEXT NOT NULL,
  template_version  INTEGER NOT NULL,
  inspector         TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  finished_at       TEXT,
  status            TEXT NOT NULL
);

-- projection
CREATE TABLE item_results (
  inspection_id  TEXT NOT NULL,
  item_code      TEXT NOT NULL,
  result         TEXT NOT NULL,
  note           TEXT NOT NULL DEFAULT '',
  author         TEXT NOT NULL,
  answered_at    TEXT NOT NULL,
  hlc            INTEGER NOT NULL,
  device_id      TEXT NOT NULL,
  event_id       TEXT NOT NULL,
  PRIMARY KEY (inspection_id, item_code)
);

-- projection
CREATE TABLE hazards (
  id             TEXT PRIMARY KEY,
  number         TEXT NOT NULL,
  inspection_id  TEXT NOT NULL,
  institution    TEXT NOT NULL,
  item_code      TEXT NOT NULL,
  category       TEXT NOT NULL,
  description    TEXT NOT NULL,
  location       TEXT NOT NULL DEFAULT '',
  risk_level     TEXT NOT NULL,
  grade          TEXT NOT NULL,
  suggestion     TEXT NOT NULL DEFAULT '',
  deadline       TEXT NOT NULL DEFAULT '',
  responsible    TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL,
  found_at       TEXT NOT NULL,
  found_by       TEXT NOT NULL,
  closed_at      TEXT,
  hlc            INTEGER NOT NULL
);
CREATE INDEX hazards_inspection ON hazards (inspection_id);
CREATE INDEX hazards_institution ON hazards (institution);

-- projection
CREATE TABLE photos (
  event_id       TEXT PRIMARY KEY,
  sha256         TEXT NOT NULL,
  inspection_id  TEXT,
  item_code      TEXT,
  hazard_id      TEXT,
  width          INTEGER NOT NULL,
  height         INTEGER NOT NULL,
  bytes          INTEGER NOT NULL,
  added_at       TEXT NOT NULL,
  author         TEXT NOT NULL,
  removed        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX photos_inspection ON photos (inspection_id, item_code);
CREATE INDEX photos_hazard ON photos (hazard_id);
