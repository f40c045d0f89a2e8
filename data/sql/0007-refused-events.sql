-- 0007: events the server refused. On the server a refused event is kept in
-- its device's chain (so the events after it still link) but is neither
-- applied nor numbered nor served; on a kiosk it leaves the outbox and the
-- projections, and is listed with the server's reason.
ALTER TABLE events ADD COLUMN refused_code TEXT;
ALTER TABLE events ADD COLUMN refused_message TEXT;
