-- 0012: server bounds per device. Each photo counts against the quota of the
-- device that uploaded it whole (a photo already held costs no one again);
-- the events a device pushes are counted per fixed window of time.
ALTER TABLE blobs ADD COLUMN device_id TEXT;
CREATE INDEX blobs_device ON blobs (device_id) WHERE device_id IS NOT NULL;

CREATE TABLE device_event_windows (
  device_id     TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,     -- Unix seconds, a multiple of the window's length
  events        INTEGER NOT NULL      -- new events stored from the device in that window
);
