-- 0020: which events name which photo or signature blob, so that the
-- server's permission check for a blob download is an indexed lookup
-- (blob_refs by sha256, then the event by its primary key) instead of a
-- scan of every event body (about one second per photo at a million events).
-- Filled by a trigger as events enter the log, here or pulled; the same
-- members as the check read before: the body's "sha256" (photo.added,
-- signature.added) and each hash of its "photos" (hazard.rectified).
CREATE TABLE blob_refs (
  sha256    TEXT NOT NULL,
  event_id  TEXT NOT NULL,
  PRIMARY KEY (sha256, event_id)
) WITHOUT ROWID;

CREATE TRIGGER blob_refs_add AFTER INSERT ON events
WHEN json_valid (NEW.body)
  AND (json_type (NEW.body, '$.sha256') = 'text' OR json_type (NEW.body, '$.photos') = 'array')
BEGIN
  INSERT OR IGNORE INTO blob_refs (sha256, event_id)
  SELECT json_extract (NEW.body, '$.sha256'), NEW.id
  WHERE json_type (NEW.body, '$.sha256') = 'text';
  INSERT OR IGNORE INTO blob_refs (sha256, event_id)
  SELECT value, NEW.id FROM json_each (NEW.body, '$.photos')
  WHERE json_type (NEW.body, '$.photos') = 'array' AND type = 'text';
END;

INSERT OR IGNORE INTO blob_refs (sha256, event_id)
SELECT json_extract (body, '$.sha256'), id FROM events
WHERE json_valid (body) AND json_type (body, '$.sha256') = 'text';
INSERT OR IGNORE INTO blob_refs (sha256, event_id)
SELECT j.value, e.id FROM events e, json_each (e.body, '$.photos') j
WHERE json_valid (e.body) AND json_type (e.body, '$.photos') = 'array' AND j.type = 'text';
