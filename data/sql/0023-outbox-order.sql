-- 0023: the outbox in the order it is sent (issue 11). The push reads the
-- device's unsynced events a batch at a time, ORDER BY device_seq; the
-- outbox index held only server_seq (NULL for all of them), so SQLite
-- walked (device_id, device_seq) from the device's first event and skipped
-- every event already acknowledged: each batch cost what had been sent
-- before it, and the first sync of a 240,000-event backlog slowed from
-- 110 ms a batch to 210 ms by its end. Partial on the unsynced events as
-- before (empty on the server), in the order of the push:
--   SELECT … FROM events WHERE server_seq IS NULL AND refused_code IS NULL
--   AND device_id = ? ORDER BY device_seq LIMIT ?
--     SEARCH events USING INDEX events_outbox (device_id=?)
-- It serves the unsynced count as before.
DROP INDEX events_outbox;
CREATE INDEX events_outbox ON events (device_id, device_seq) WHERE server_seq IS NULL;
