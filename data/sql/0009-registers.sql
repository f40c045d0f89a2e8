-- 0009: what "double random, one public" (双随机、一公开) needs: the institution
-- register's credit, ownership, fire-safety and last spot check; the inspector
-- roster (执法人员名录库) with the counties each may inspect and the
-- institutions each must stay away from (回避); plans and the draws made
-- from them, kept for good (a redraw is a new row that names the old one).

-- Credit grades are normal, watch (重点监管) and dishonest (失信); the first
-- registries' "low" meant a watched institution.
UPDATE institutions SET credit = 'watch' WHERE credit = 'low';
ALTER TABLE institutions ADD COLUMN ownership TEXT NOT NULL DEFAULT '';          -- public, private or unknown ('')
ALTER TABLE institutions ADD COLUMN fire_key_unit INTEGER NOT NULL DEFAULT 0;   -- 消防安全重点单位
ALTER TABLE institutions ADD COLUMN last_spot_check TEXT NOT NULL DEFAULT '';   -- YYYY-MM-DD or ''

CREATE TABLE inspectors (
  id           TEXT PRIMARY KEY,      -- the person's user id when he or she signs in to Anjian
  name         TEXT NOT NULL,
  department   TEXT NOT NULL DEFAULT '',
  certificate  TEXT NOT NULL,         -- 执法证号
  active       INTEGER NOT NULL DEFAULT 1
);

-- '*' stands for every county.
CREATE TABLE inspector_counties (
  inspector  TEXT NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
  county     TEXT NOT NULL,
  PRIMARY KEY (inspector, county)
);

-- member: works for or belongs to the institution; related: any other tie
-- (family, former employer, ...). Both exclude the inspector from its draws.
CREATE TABLE inspector_relations (
  inspector    TEXT NOT NULL REFERENCES inspectors (id) ON DELETE CASCADE,
  institution  TEXT NOT NULL,
  relation     TEXT NOT NULL CHECK (relation IN ('member', 'related')),
  PRIMARY KEY (inspector, institution)
);

CREATE TABLE draw_plans (
  id          TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  plan        TEXT NOT NULL,          -- JSON of aj_draw_plan_to_json
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
);

CREATE TABLE draws (
  id           TEXT PRIMARY KEY,
  plan_id      TEXT NOT NULL REFERENCES draw_plans (id),
  algorithm    TEXT NOT NULL,
  seed_source  TEXT NOT NULL,         -- the public value, as announced
  seed         TEXT NOT NULL,         -- SHA-256 of seed_source, hex
  inputs       TEXT NOT NULL,         -- JSON: the plan and the snapshot of the registers
  result       TEXT NOT NULL,         -- JSON of aj_draw_result_to_json
  digest       TEXT NOT NULL,         -- SHA-256 of inputs, a newline and result
  drawn_at     TEXT NOT NULL,
  drawn_by     TEXT NOT NULL,
  replaces     TEXT UNIQUE REFERENCES draws (id),
  reason       TEXT NOT NULL DEFAULT '',
  CHECK ((replaces IS NULL) = (reason = ''))
);
CREATE INDEX draws_plan ON draws (plan_id);

CREATE TRIGGER draws_are_kept_unchanged BEFORE UPDATE ON draws
BEGIN
  SELECT RAISE (ABORT, 'a draw is never changed: make a redraw that names it');
END;
CREATE TRIGGER draws_are_kept BEFORE DELETE ON draws
BEGIN
  SELECT RAISE (ABORT, 'a draw is never deleted: make a redraw that names it');
END;
