-- 0016: the whole loop (issue 14): a rejected verification leaves the
-- hazard "rejected" (整改未通过), from which a new order or a new
-- rectification; extensions (延期) asked for and decided; escalation
-- (挂牌督办) with its level and reason; referral (移送) to another department.
-- The current deadline stays in hazards.deadline; every deadline a hazard
-- has had is in its events (found, updated, ordered, extension decided).

ALTER TABLE hazards ADD COLUMN escalation_level TEXT;      -- NULL, county, city, province
ALTER TABLE hazards ADD COLUMN escalation_reason TEXT;     -- NULL, major, overdue, manual
ALTER TABLE hazards ADD COLUMN escalated_at TEXT;
ALTER TABLE hazards ADD COLUMN referred_to TEXT;           -- the receiving department's name
ALTER TABLE hazards ADD COLUMN referral_kind TEXT;         -- fire, market, housing, health, emergency, other
ALTER TABLE hazards ADD COLUMN extension_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hazards ADD COLUMN extension_deadline TEXT;    -- the date asked for while pending

-- Before 0016 a rejection led back to "rectification ordered": a hazard
-- verified (and rejected) after its last order is now "rejected", as a
-- rebuild from the log would make it.
UPDATE hazards SET status = 'rejected'
WHERE status = 'rectification_ordered' AND verified_at IS NOT NULL
  AND (ordered_at IS NULL OR verified_at > ordered_at);

CREATE INDEX hazards_escalated ON hazards (escalation_level) WHERE escalation_level IS NOT NULL;
