-- 0011: a home's own rounds (自查). Schedules are events (schedule.set) and
-- this table their projection: the latest event of each schedule stands.
-- A person's post (岗位) says which rounds are theirs.
ALTER TABLE users ADD COLUMN post TEXT NOT NULL DEFAULT '';

-- projection
CREATE TABLE schedules (
  id                TEXT PRIMARY KEY,
  institution       TEXT,
  institution_type  TEXT,
  body              TEXT NOT NULL,
  set_by            TEXT NOT NULL,
  hlc               INTEGER NOT NULL,
  device_id         TEXT NOT NULL,
  event_id          TEXT NOT NULL
);
CREATE INDEX schedules_institution ON schedules (institution);
CREATE INDEX schedules_type ON schedules (institution_type);
