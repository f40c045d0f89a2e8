-- 0008: photos (and signature images) a kiosk has events about but not yet
-- the file: filled when such an event is stored, emptied only when the file
-- is on disk with the right hash. Every sync works through it, resuming cut
-- downloads, so a photo is fetched until it is there.
CREATE TABLE blobs_wanted (
  sha256      TEXT PRIMARY KEY,
  since       TEXT NOT NULL,            -- when it was first wanted (UTC)
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT
);
