-- 0005: a photo of a finished inspection is never deleted, but may be
-- marked as withdrawn, with the reason.
ALTER TABLE photos ADD COLUMN withdrawn_reason TEXT;
