-- 0015: the criterion a hazard was found under (e.g. MZ2023-4-2) and, where
-- that criterion needs a determination by an authority or a qualified third
-- party, who determined it and in which document; a hazard the inspector
-- suspects to be major without that determination is recorded as general
-- and flagged pending (issue 14).
ALTER TABLE hazards ADD COLUMN criterion TEXT;
ALTER TABLE hazards ADD COLUMN determination_body TEXT;
ALTER TABLE hazards ADD COLUMN determination_document TEXT;
ALTER TABLE hazards ADD COLUMN pending_determination INTEGER NOT NULL DEFAULT 0;
