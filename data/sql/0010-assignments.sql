-- 0010: spot-check assignments (抽查任务) made from a draw, the team that
-- confirmed its presence at an inspection, and the publication of a draw's
-- results (一公开). Assignments are reference data: the server makes them
-- from its draws and devices receive those of their scope at each sync.

-- What the teams of a plan's draws do: the checklist and the day by which
-- each drawn institution is inspected.
ALTER TABLE draw_plans ADD COLUMN checklist TEXT NOT NULL DEFAULT '';
ALTER TABLE draw_plans ADD COLUMN due TEXT NOT NULL DEFAULT '';            -- YYYY-MM-DD

CREATE TABLE assignments (
  id            TEXT PRIMARY KEY,
  draw_id       TEXT NOT NULL,
  institution   TEXT NOT NULL,
  team          TEXT NOT NULL,          -- JSON list of inspector ids, as drawn
  checklist     TEXT NOT NULL,
  due           TEXT NOT NULL,          -- YYYY-MM-DD
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  inspection_id TEXT,                   -- the finished inspection that closed it
  closed_at     TEXT,
  position      INTEGER NOT NULL DEFAULT 0   -- its place in the draw's result
);
CREATE INDEX assignments_draw ON assignments (draw_id);

-- The assignment an inspection carries out (NULL for any other).
ALTER TABLE inspections ADD COLUMN assignment TEXT;

-- projection: the team members who confirmed with their PIN that they are
-- present at an inspection.
CREATE TABLE inspection_team (
  inspection_id  TEXT NOT NULL,
  member         TEXT NOT NULL,
  confirmed_at   TEXT NOT NULL,
  PRIMARY KEY (inspection_id, member)
);

-- 一公开: a draw's results made public on a date, once.
CREATE TABLE draw_publications (
  draw_id       TEXT PRIMARY KEY REFERENCES draws (id),
  published_on  TEXT NOT NULL,          -- YYYY-MM-DD
  published_by  TEXT NOT NULL,
  recorded_at   TEXT NOT NULL
);
