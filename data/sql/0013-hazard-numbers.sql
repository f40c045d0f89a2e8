-- 0013: hazard numbers (DLX001-20261127-02) come from a counter per
-- institution and day, kept by a trigger as hazards enter the projection
-- (recorded here or pulled from another device), so numbering the next
-- hazard is one primary-key read however long the ledger. Before, every new
-- hazard scanned every hazard with substr(): O(n) each, O(n²) in all.
-- The counter only grows: a number once used (even by a withdrawn hazard,
-- or by one whose subject is replayed) is never handed out again.
CREATE TABLE hazard_numbers (
  institution  TEXT NOT NULL,
  day          TEXT NOT NULL,           -- YYYYMMDD, as in the number
  last         INTEGER NOT NULL,
  PRIMARY KEY (institution, day)
) WITHOUT ROWID;

CREATE TRIGGER hazard_numbers_count AFTER INSERT ON hazards
WHEN substr (NEW.number, 1, length (NEW.institution) + 1) = NEW.institution || '-'
  AND substr (NEW.number, length (NEW.institution) + 10, 1) = '-'
BEGIN
  INSERT INTO hazard_numbers (institution, day, last)
  VALUES (NEW.institution,
          substr (NEW.number, length (NEW.institution) + 2, 8),
          CAST (substr (NEW.number, length (NEW.institution) + 11) AS INTEGER))
  ON CONFLICT (institution, day) DO UPDATE SET last = max (last, excluded.last);
END;

INSERT INTO hazard_numbers (institution, day, last)
SELECT institution,
       substr (number, length (institution) + 2, 8),
       max (CAST (substr (number, length (institution) + 11) AS INTEGER))
FROM hazards
WHERE substr (number, 1, length (institution) + 1) = institution || '-'
  AND substr (number, length (institution) + 10, 1) = '-'
GROUP BY 1, 2;
