-- 0017: the inspecting department (发文机关) of each institution, the
-- institution's unified social credit code (统一社会信用代码), and document
-- numbers (文号): each department numbers its documents per year,
-- 东民安检〔2026〕12号.
--
-- Numbers work offline without collisions: the server grants each device
-- blocks of a department's yearly sequence (number_blocks; the server keeps
-- every device's grants, a device its own) and never grants a number twice;
-- a device that has used up its blocks offline numbers with its own tag
-- (东民安检〔2026〕K7Q2M9XA-3号) until its next sync. A number, once given,
-- is an event (document.numbered): the same document printed again shows
-- the same number, and a reinstalled device is a new device with new blocks.

CREATE TABLE departments (
  id                       TEXT PRIMARY KEY,
  name                     TEXT NOT NULL,
  seal_text                TEXT NOT NULL,
  number_prefix            TEXT NOT NULL,   -- 东民安检, before 〔year〕
  county                   TEXT NOT NULL DEFAULT '',
  escalation_overdue_days  INTEGER NOT NULL DEFAULT 15
);

ALTER TABLE institutions ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';

-- Granted ranges [first, last] of a department's sequence for a year. The
-- ranges of one department and year never overlap (the server's counter is
-- the highest last granted); kept for good.
CREATE TABLE number_blocks (
  department  TEXT NOT NULL,
  year        INTEGER NOT NULL,
  device_id   TEXT NOT NULL,
  first       INTEGER NOT NULL CHECK (first > 0),
  last        INTEGER NOT NULL CHECK (last >= first),
  granted_at  TEXT NOT NULL,
  PRIMARY KEY (department, year, first)
);
CREATE INDEX number_blocks_device ON number_blocks (device_id, department, year);

CREATE TRIGGER number_blocks_are_kept BEFORE DELETE ON number_blocks
BEGIN
  SELECT RAISE (ABORT, 'a granted block of document numbers is never deleted');
END;

-- Device-local: the highest number this device has given of each
-- department and year, granted and device-tagged. It only grows, so a
-- number is never given twice, even when the event that gave it was later
-- refused by the server (the paper may already be served).
CREATE TABLE number_counters (
  department   TEXT NOT NULL,
  year         INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL DEFAULT 0,
  last_tagged  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (department, year)
);

-- projection: the number each document was given; the first event of a
-- document (in log order) stands, and a number names one document only.
CREATE TABLE documents (
  kind        TEXT NOT NULL,      -- inspection notice verification referral
  subject     TEXT NOT NULL,      -- the inspection, or the hazard of a referral
  visit       TEXT NOT NULL DEFAULT '',   -- a verification's visit day
  number      TEXT NOT NULL UNIQUE,
  department  TEXT NOT NULL,
  year        INTEGER NOT NULL,
  seq         INTEGER,            -- in a granted block; NULL for a device-tagged number
  device_id   TEXT NOT NULL,
  inspectors  TEXT NOT NULL DEFAULT '[]',   -- JSON list of inspector ids named on it
  issued_on   TEXT NOT NULL,      -- YYYY-MM-DD, China time
  event_id    TEXT NOT NULL,
  PRIMARY KEY (kind, subject, visit)
);
CREATE INDEX documents_sequence ON documents (department, year, seq);
