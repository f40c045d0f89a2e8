-- 0025: an event's subject with its type and time (issue 16).
--
-- Every event pushed about an inspection asks when that inspection was
-- started or finished (SELECT min(hlc) … WHERE subject = ? AND type = ?),
-- and every event applied asks for the latest event on its subject: with an
-- index on the subject alone, both read every event of the subject, a tenth
-- of a push for an inspection of a hundred answers. This index answers the
-- first from one entry and the second from the index alone, and does all
-- that the old one did (a subject's events).
DROP INDEX events_subject;
CREATE INDEX events_subject ON events (subject, type, hlc);
