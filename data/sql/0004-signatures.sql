-- 0004: signatures at the end of an inspection and at verification, or a
-- refusal to sign with its reason.

-- projection
CREATE TABLE signatures (
  event_id   TEXT PRIMARY KEY,
  subject    TEXT NOT NULL,       -- the inspection, or the hazard for a verification
  role       TEXT NOT NULL,       -- inspector, institution
  signer     TEXT NOT NULL,
  sha256     TEXT,                -- the signature image (PNG); NULL when refused
  refused    INTEGER NOT NULL DEFAULT 0,
  reason     TEXT NOT NULL DEFAULT '',
  at         TEXT NOT NULL
);
CREATE INDEX signatures_subject ON signatures (subject);
