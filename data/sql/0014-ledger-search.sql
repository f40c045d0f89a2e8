-- 0014: the ledger as a window onto SQLite (issue 11): an index in the
-- ledger's own order, so a page of rows at any offset is an index walk and
-- never a sort of every hazard, and a trigram full-text index of the fields
-- people search (number, description, place, responsible person), kept by
-- triggers as hazards enter, change in or leave the projection. Trigrams
-- find any substring of three or more characters, which suits Chinese
-- (no word breaks); shorter searches fall back to LIKE.
-- The index rows are tied to the hazards' rowids, which VACUUM and
-- VACUUM INTO keep (checked on SQLite 3.40).
CREATE INDEX hazards_ledger_order ON hazards (
  status IN ('closed', 'withdrawn'),
  grade = 'major' DESC,
  CASE risk_level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END DESC,
  found_at DESC,
  number,
  id);

-- While a projection rebuild replays every event, the search index and the
-- tally below are not kept row by row (a row in this table says so): the
-- rebuild makes them whole once at the end (aj_projection_rebuild_indexes).
CREATE TABLE ledger_index_paused (paused INTEGER NOT NULL);

-- External content: the index reads its text from hazards, stores no copy,
-- and can be rebuilt from it in one statement.
CREATE VIRTUAL TABLE hazards_fts USING fts5 (
  number, description, location, responsible,
  content = 'hazards', content_rowid = 'rowid',
  tokenize = 'trigram');

CREATE TRIGGER hazards_fts_insert AFTER INSERT ON hazards
WHEN NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  INSERT INTO hazards_fts (rowid, number, description, location, responsible)
  VALUES (NEW.rowid, NEW.number, NEW.description, NEW.location, NEW.responsible);
END;

CREATE TRIGGER hazards_fts_update AFTER UPDATE OF number, description, location, responsible ON hazards
WHEN NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  INSERT INTO hazards_fts (hazards_fts, rowid, number, description, location, responsible)
  VALUES ('delete', OLD.rowid, OLD.number, OLD.description, OLD.location, OLD.responsible);
  INSERT INTO hazards_fts (rowid, number, description, location, responsible)
  VALUES (NEW.rowid, NEW.number, NEW.description, NEW.location, NEW.responsible);
END;

CREATE TRIGGER hazards_fts_delete AFTER DELETE ON hazards
WHEN NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  INSERT INTO hazards_fts (hazards_fts, rowid, number, description, location, responsible)
  VALUES ('delete', OLD.rowid, OLD.number, OLD.description, OLD.location, OLD.responsible);
END;

INSERT INTO hazards_fts (hazards_fts) VALUES ('rebuild');

-- The home page's counts (open, overdue, due this week, to verify, major)
-- from a tally of the hazards not yet struck off, per institution, status,
-- grade and deadline, kept by triggers: the counts read a few rows per
-- deadline day, never every hazard. A row that falls to zero stays (there
-- are at most as many as such combinations ever seen).
CREATE TABLE hazard_tally (
  institution  TEXT NOT NULL,
  status       TEXT NOT NULL,
  grade        TEXT NOT NULL,
  deadline     TEXT NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (institution, status, grade, deadline)
) WITHOUT ROWID;

CREATE TRIGGER hazard_tally_insert AFTER INSERT ON hazards
WHEN NEW.status NOT IN ('closed', 'withdrawn') AND NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  INSERT INTO hazard_tally (institution, status, grade, deadline, n)
  VALUES (NEW.institution, NEW.status, NEW.grade, NEW.deadline, 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER hazard_tally_delete AFTER DELETE ON hazards
WHEN NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  UPDATE hazard_tally SET n = n - 1
  WHERE (institution, status, grade, deadline) = (OLD.institution, OLD.status, OLD.grade, OLD.deadline);
END;

CREATE TRIGGER hazard_tally_update AFTER UPDATE OF institution, status, grade, deadline ON hazards
WHEN NOT EXISTS (SELECT 1 FROM ledger_index_paused)
BEGIN
  UPDATE hazard_tally SET n = n - 1
  WHERE (institution, status, grade, deadline) = (OLD.institution, OLD.status, OLD.grade, OLD.deadline);
  INSERT INTO hazard_tally (institution, status, grade, deadline, n)
  SELECT NEW.institution, NEW.status, NEW.grade, NEW.deadline, 1
  WHERE NEW.status NOT IN ('closed', 'withdrawn')
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

INSERT INTO hazard_tally (institution, status, grade, deadline, n)
SELECT institution, status, grade, deadline, count(*) FROM hazards
WHERE status NOT IN ('closed', 'withdrawn')
GROUP BY 1, 2, 3, 4;

-- The home page's five most recent inspections, without sorting them all.
CREATE INDEX inspections_started ON inspections (started_at);
