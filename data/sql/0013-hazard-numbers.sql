-- 0013: hazard numbers (DLX001-20261127-02) are found by a range on this
-- index, so numbering the next hazard reads only that institution's hazards
-- of that day, not the whole ledger (it was O(n) per hazard, O(n²) in all).
CREATE INDEX hazards_by_number ON hazards (number);
