-- 0018: the ledger's verifier column and the statistics' index (issue 14).
-- Who verified a hazard (复查人): the author of the hazard.verified step the
-- projection applied last, kept from now on by that step's rule
-- (aj-projection.c) and filled here from the log for hazards verified before.
ALTER TABLE hazards ADD COLUMN verified_by TEXT NOT NULL DEFAULT '';

UPDATE hazards SET verified_by = coalesce ((
  SELECT e.author FROM events e
  WHERE e.subject = hazards.id AND e.type = 'hazard.verified'
    AND e.id NOT IN (SELECT event_id FROM hazard_conflicts)
  ORDER BY e.hlc DESC, e.device_id DESC, e.id DESC LIMIT 1), '')
WHERE verified_at IS NOT NULL;

-- Statistics count the hazards found in a month or a year (aj-stats.c): a
-- range of this index holds every column they group and count by, so a
-- period costs what it holds, never a walk of every hazard.
CREATE INDEX hazards_stats ON hazards (found_at, institution, grade, risk_level, category, status, deadline);
