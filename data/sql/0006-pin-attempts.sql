-- Failed PIN attempts and lock-outs, kept apart from the users table so that a
-- registry import (which replaces the users) or a restart never resets them.
CREATE TABLE pin_attempts (
  user_id       TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0   -- Unix seconds, UTC
);
