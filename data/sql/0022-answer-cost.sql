-- 0022: what one answer costs beside its row (issue 11).
--
-- The blob references (0020) were looked for in every event's body: three
-- JSON parses (json_valid, two json_type) for each answer. Only three types
-- name a blob, and the schema (aj-event-schema.c), which device and server
-- both apply, allows no other in the log: photo.added and signature.added
-- ("sha256"), hazard.rectified ("photos"). The trigger now looks at those,
-- compared one by one: "IN (three values)" builds a temporary index, and
-- with it a page cache, at every insert.
DROP TRIGGER blob_refs_add;
CREATE TRIGGER blob_refs_add AFTER INSERT ON events
WHEN (NEW.type = 'photo.added' OR NEW.type = 'signature.added' OR NEW.type = 'hazard.rectified')
  AND json_valid (NEW.body)
  AND (json_type (NEW.body, '$.sha256') = 'text' OR json_type (NEW.body, '$.photos') = 'array')
BEGIN
  INSERT OR IGNORE INTO blob_refs (sha256, event_id)
  SELECT json_extract (NEW.body, '$.sha256'), NEW.id
  WHERE json_type (NEW.body, '$.sha256') = 'text';
  INSERT OR IGNORE INTO blob_refs (sha256, event_id)
  SELECT value, NEW.id FROM json_each (NEW.body, '$.photos')
  WHERE json_type (NEW.body, '$.photos') = 'array' AND type = 'text';
END;

-- Of the events table's indexes, one serves no query of a device: the pull
-- by scope (aj_store_list_page, on the server) reads events_institution with
-- "server_seq > :after", which only acknowledged events satisfy. Partial on
-- them, it takes no entry for an event recorded here until the server has
-- it, and the server's index is the same as before (every event there has
-- its sequence). The hot queries of an answer, with EXPLAIN QUERY PLAN:
--   SELECT status FROM inspections WHERE id = ?
--     SEARCH inspections USING INDEX sqlite_autoindex_inspections_1 (id=?)
--   SELECT result, note FROM item_results WHERE inspection_id = ? AND item_code = ?
--     SEARCH item_results USING INDEX sqlite_autoindex_item_results_1 (inspection_id=? AND item_code=?)
--   SELECT device_seq, hash FROM events WHERE device_id = ? ORDER BY device_seq DESC LIMIT 1
--     SEARCH events USING INDEX sqlite_autoindex_events_2 (device_id=?)
--   SELECT institution FROM inspections WHERE id = ?1 UNION ALL SELECT institution FROM hazards WHERE id = ?1 LIMIT 1
--     SEARCH inspections USING INDEX sqlite_autoindex_inspections_1 (id=?)
--     SEARCH hazards USING INDEX sqlite_autoindex_hazards_1 (id=?)
--   INSERT INTO events …; INSERT INTO item_results … ON CONFLICT …
--     (the primary keys, (device_id, device_seq), events_order, events_subject, events_outbox)
-- and the pull it serves on the server:
--   … FROM events e WHERE e.server_seq > :after AND (e.institution IN (…) …) ORDER BY e.server_seq LIMIT :limit
-- The others stay: events_order (the replay order of a rebuild, max(hlc)),
-- events_subject (a subject's events), events_outbox (the unsynced count and
-- the outbox), events_server_seq (pulls and acknowledgements).
DROP INDEX events_institution;
CREATE INDEX events_institution ON events (institution, server_seq) WHERE server_seq IS NOT NULL;
