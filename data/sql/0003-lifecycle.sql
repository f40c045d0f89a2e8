-- 0003: the hazard's closed loop (闭环): rectification ordered with the
-- "five in place", rectified with evidence, verified, closed; and the
-- transitions that arrived when they were no longer valid (conflicts).

ALTER TABLE hazards ADD COLUMN measures TEXT NOT NULL DEFAULT '';
ALTER TABLE hazards ADD COLUMN funds TEXT NOT NULL DEFAULT '';
ALTER TABLE hazards ADD COLUMN contingency_plan TEXT NOT NULL DEFAULT '';
ALTER TABLE hazards ADD COLUMN ordered_at TEXT;
ALTER TABLE hazards ADD COLUMN rectified_at TEXT;
ALTER TABLE hazards ADD COLUMN rectified_note TEXT NOT NULL DEFAULT '';
ALTER TABLE hazards ADD COLUMN verified_at TEXT;
ALTER TABLE hazards ADD COLUMN verification TEXT NOT NULL DEFAULT '';
ALTER TABLE hazards ADD COLUMN rejections INTEGER NOT NULL DEFAULT 0;

-- projection
CREATE TABLE hazard_conflicts (
  event_id    TEXT PRIMARY KEY,
  hazard_id   TEXT NOT NULL,
  type        TEXT NOT NULL,
  status_was  TEXT NOT NULL,
  author      TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX hazard_conflicts_hazard ON hazard_conflicts (hazard_id);
