/* aj-projection.c: the projection tables are a pure function of the events.
 * Every rule here reads only the event and the rows it touches, never the
 * clock or the device, so that a rebuild from the log gives identical rows.
 *
 * Each event type is one SQL statement over named parameters: the event's
 * own fields are bound once, in one place (:id, :subject, :author, :hlc,
 * :device, :type, :body, and :next for a step of the closed loop), and body
 * members are read in SQL with json_extract (). What a type requires of its
 * body is listed beside its statement and checked before it runs. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard-rules.h"
#include "aj-projection.h"
#include "aj-util.h"

const char * const aj_projection_tables[] = {
  "inspections",
  "item_results",
  "hazards",
  "photos",
  "hazard_conflicts",
  "signatures",
  "inspection_team",
  "schedules",
  "documents",
  NULL
};

/* A body member as text, or '' when absent. */
#define TEXT(member) "coalesce(json_extract(:body, '$." member "'), '')"

/* An escalation level's rank, as aj_escalation_level_rank (). */
#define RANK(expr) "(CASE " expr " WHEN 'province' THEN 3 WHEN 'city' THEN 2 WHEN 'county' THEN 1 ELSE 0 END)"

/* An answer's row, from an event's fields (named parameters, or the
 * columns of events in a rebuild). */
#define ANSWER_INSERT \
  "INSERT INTO item_results (inspection_id, item_code, result, note, author, answered_at, hlc, device_id, event_id) "
#define ANSWER_ROW(subject, body, author, hlc, device, id) \
  subject ", json_extract(" body ", '$.item'), json_extract(" body ", '$.result'), " \
  "coalesce(json_extract(" body ", '$.note'), ''), " author ", json_extract(" body ", '$.at'), " \
  hlc ", " device ", " id
#define ANSWER_UPSERT \
  "ON CONFLICT (inspection_id, item_code) DO UPDATE SET " \
  "  result = excluded.result, note = excluded.note, author = excluded.author, " \
  "  answered_at = excluded.answered_at, hlc = excluded.hlc, device_id = excluded.device_id, " \
  "  event_id = excluded.event_id " \
  "WHERE (excluded.hlc, excluded.device_id, excluded.event_id) > " \
  "      (item_results.hlc, item_results.device_id, item_results.event_id)"

/* A hazard's row as found, likewise. */
#define TEXT_IN(body, member) "coalesce(json_extract(" body ", '$." member "'), '')"
#define HAZARD_INSERT \
  "INSERT OR IGNORE INTO hazards (id, number, inspection_id, institution, item_code, category, " \
  "description, location, risk_level, grade, suggestion, deadline, responsible, status, " \
  "found_at, found_by, hlc, criterion, determination_body, determination_document, pending_determination) "
#define HAZARD_ROW(subject, body, author, hlc) \
  subject ", json_extract(" body ", '$.number'), " \
  "json_extract(" body ", '$.inspection'), json_extract(" body ", '$.institution'), json_extract(" body ", '$.item'), " \
  "json_extract(" body ", '$.category'), json_extract(" body ", '$.description'), " TEXT_IN (body, "location") ", " \
  "json_extract(" body ", '$.risk_level'), json_extract(" body ", '$.grade'), " TEXT_IN (body, "suggestion") ", " \
  TEXT_IN (body, "deadline") ", " TEXT_IN (body, "responsible") ", 'found', json_extract(" body ", '$.at'), " \
  author ", " hlc ", " TEXT_IN (body, "criterion") ", " TEXT_IN (body, "determination_body") ", " \
  TEXT_IN (body, "determination_document") ", coalesce(json_extract(" body ", '$.pending_determination'), 0)"

typedef struct
{
  const char *type;
  const char *required[10];  /* body members that must be present as strings */
  const char *hash;          /* a body member that must be a SHA-256, if any */
  gboolean    step;          /* a step of the closed loop: :next is bound */
  const char *sql;
} Rule;

static const Rule rules[] = {
  { "inspection.started", { "institution", "mode", "template", "at" }, NULL, FALSE,
    "INSERT OR IGNORE INTO inspections (id, institution, mode, template_id, template_version, "
    "inspector, started_at, status, assignment) VALUES (:subject, json_extract(:body, '$.institution'), "
    "json_extract(:body, '$.mode'), json_extract(:body, '$.template'), "
    "coalesce(json_extract(:body, '$.template_version'), 1), :author, json_extract(:body, '$.at'), 'in_progress', "
    "json_extract(:body, '$.assignment'))" },

  /* The first confirmation of a member counts; a second changes nothing. */
  { "inspection.team_confirmed", { "at" }, NULL, FALSE,
    "INSERT OR IGNORE INTO inspection_team (inspection_id, member, confirmed_at) "
    "VALUES (:subject, :author, json_extract(:body, '$.at'))" },

  { "inspection.finished", { "at" }, NULL, FALSE,
    "UPDATE inspections SET status = 'finished', finished_at = json_extract(:body, '$.at') "
    "WHERE id = :subject AND status <> 'finished'" },

  /* For an item answered on two devices the later (hlc, device, id) wins;
   * the other answer stays in the item's history in the event log. */
  { "item.answered", { "item", "result", "at" }, NULL, FALSE,
    ANSWER_INSERT "VALUES (" ANSWER_ROW (":subject", ":body", ":author", ":hlc", ":device", ":id") ") " ANSWER_UPSERT },

  { "hazard.found", { "number", "inspection", "institution", "item", "category", "description",
                      "risk_level", "grade", "at" }, NULL, FALSE,
    HAZARD_INSERT "VALUES (" HAZARD_ROW (":subject", ":body", ":author", ":hlc") ")" },

  /* Edits of the hazard sheet before the inspection is finished: only the
   * members present change, and a later edit wins over an earlier one. */
  { "hazard.updated", { NULL }, NULL, FALSE,
    "UPDATE hazards SET "
    "  description = coalesce(json_extract(:body, '$.description'), description), "
    "  location = coalesce(json_extract(:body, '$.location'), location), "
    "  risk_level = coalesce(json_extract(:body, '$.risk_level'), risk_level), "
    "  grade = coalesce(json_extract(:body, '$.grade'), grade), "
    "  suggestion = coalesce(json_extract(:body, '$.suggestion'), suggestion), "
    "  deadline = coalesce(json_extract(:body, '$.deadline'), deadline), "
    "  responsible = coalesce(json_extract(:body, '$.responsible'), responsible), "
    "  determination_body = coalesce(json_extract(:body, '$.determination_body'), determination_body), "
    "  determination_document = coalesce(json_extract(:body, '$.determination_document'), determination_document), "
    "  pending_determination = coalesce(json_extract(:body, '$.pending_determination'), pending_determination), "
    "  hlc = :hlc "
    "WHERE id = :subject AND hlc <= :hlc" },

  /* A hazard recorded by mistake, withdrawn before the inspection was
   * finished: it stays in the log but no longer counts on the ledger. */
  { "hazard.withdrawn", { NULL }, NULL, FALSE,
    "UPDATE hazards SET status = 'withdrawn', hlc = max(hlc, :hlc) WHERE id = :subject AND status = 'found'" },

  { "hazard.rectification_ordered", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, measures = " TEXT ("measures") ", responsible = " TEXT ("responsible") ", "
    "deadline = " TEXT ("deadline") ", funds = " TEXT ("funds") ", contingency_plan = " TEXT ("contingency_plan") ", "
    "ordered_at = " TEXT ("at") ", extension_pending = 0, extension_deadline = NULL, hlc = max(hlc, :hlc) "
    "WHERE id = :subject" },

  { "hazard.rectified", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, rectified_note = " TEXT ("note") ", rectified_at = " TEXT ("at") ", "
    "extension_pending = 0, extension_deadline = NULL, hlc = max(hlc, :hlc) WHERE id = :subject" },

  { "hazard.verified", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, verification = " TEXT ("opinion") ", verified_at = " TEXT ("at") ", "
    "rejections = rejections + (coalesce(json_extract(:body, '$.accepted'), 0) IS NOT 1), "
    "verified_by = :author, "
    "hlc = max(hlc, :hlc) WHERE id = :subject" },

  { "hazard.closed", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, closed_at = " TEXT ("at") ", hlc = max(hlc, :hlc) WHERE id = :subject" },

  { "hazard.reopened", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, closed_at = NULL, hlc = max(hlc, :hlc) WHERE id = :subject" },

  /* An extension (延期): asked for, then approved (the granted date becomes
   * the deadline; the earlier ones stay in the events) or refused. */
  { "hazard.extension_requested", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, extension_pending = 1, extension_deadline = " TEXT ("deadline") ", "
    "hlc = max(hlc, :hlc) WHERE id = :subject" },

  { "hazard.extension_decided", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, extension_pending = 0, extension_deadline = NULL, "
    "deadline = CASE WHEN json_extract(:body, '$.approved') IS 1 THEN " TEXT ("deadline") " ELSE deadline END, "
    "hlc = max(hlc, :hlc) WHERE id = :subject" },

  /* 挂牌督办: the highest level recorded stands, whatever order two
   * devices' escalations arrive in. */
  { "hazard.escalated", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, "
    "escalation_reason = CASE WHEN " RANK ("json_extract(:body, '$.level')") " > " RANK ("escalation_level") " "
    "  THEN json_extract(:body, '$.reason') ELSE escalation_reason END, "
    "escalated_at = CASE WHEN " RANK ("json_extract(:body, '$.level')") " > " RANK ("escalation_level") " "
    "  THEN json_extract(:body, '$.at') ELSE escalated_at END, "
    "escalation_level = CASE WHEN " RANK ("json_extract(:body, '$.level')") " > " RANK ("escalation_level") " "
    "  THEN json_extract(:body, '$.level') ELSE escalation_level END, "
    "hlc = max(hlc, :hlc) WHERE id = :subject" },

  /* 移送: the department it was referred to last. */
  { "hazard.referred", { NULL }, NULL, TRUE,
    "UPDATE hazards SET status = :next, referred_to = json_extract(:body, '$.to'), "
    "referral_kind = json_extract(:body, '$.kind'), hlc = max(hlc, :hlc) WHERE id = :subject" },

  { "photo.added", { "sha256", "at" }, "sha256", FALSE,
    "INSERT OR IGNORE INTO photos (event_id, sha256, inspection_id, item_code, hazard_id, width, height, "
    "bytes, added_at, author) VALUES (:id, json_extract(:body, '$.sha256'), json_extract(:body, '$.inspection'), "
    "json_extract(:body, '$.item'), json_extract(:body, '$.hazard'), coalesce(json_extract(:body, '$.width'), 0), "
    "coalesce(json_extract(:body, '$.height'), 0), coalesce(json_extract(:body, '$.bytes'), 0), "
    "json_extract(:body, '$.at'), :author)" },

  { "signature.added", { "role", "signer", "at" }, NULL, FALSE,
    "INSERT OR IGNORE INTO signatures (event_id, subject, role, signer, sha256, refused, reason, at) "
    "VALUES (:id, :subject, json_extract(:body, '$.role'), json_extract(:body, '$.signer'), "
    "json_extract(:body, '$.sha256'), coalesce(json_extract(:body, '$.refused'), 0), " TEXT ("reason") ", "
    "json_extract(:body, '$.at'))" },

  /* A person's new PIN, as its Argon2id hash. The users table is reference
   * data, not a projection: a registry import replaces it and then re-applies
   * these events (aj-registry.c), so a change made on a device is not undone. */
  { "user.pin_changed", { "pin_hash" }, NULL, FALSE,
    "UPDATE users SET pin_hash = json_extract(:body, '$.pin_hash') WHERE id = :subject" },

  /* A schedule of rounds: the latest (hlc, device, id) of each stands. */
  { "schedule.set", { "template", "post", "frequency", "from", "at" }, NULL, FALSE,
    "INSERT INTO schedules (id, institution, institution_type, body, set_by, hlc, device_id, event_id) "
    "VALUES (:subject, json_extract(:body, '$.institution'), json_extract(:body, '$.institution_type'), :body, "
    ":author, :hlc, :device, :id) "
    "ON CONFLICT (id) DO UPDATE SET institution = excluded.institution, "
    "  institution_type = excluded.institution_type, body = excluded.body, set_by = excluded.set_by, "
    "  hlc = excluded.hlc, device_id = excluded.device_id, event_id = excluded.event_id "
    "WHERE (excluded.hlc, excluded.device_id, excluded.event_id) > "
    "      (schedules.hlc, schedules.device_id, schedules.event_id)" },

  { "photo.removed", { "photo" }, NULL, FALSE,
    "UPDATE photos SET removed = 1 WHERE event_id = json_extract(:body, '$.photo')" },

  { "photo.withdrawn", { "photo", "reason" }, NULL, FALSE,
    "UPDATE photos SET withdrawn_reason = json_extract(:body, '$.reason') "
    "WHERE event_id = json_extract(:body, '$.photo')" },

  /* A document's number: the first event of a document stands (a second
   * device that numbered it offline too is ignored), and a number names
   * one document only. */
  { "document.numbered", { "kind", "number", "department", "issued_on" }, NULL, FALSE,
    "INSERT OR IGNORE INTO documents (kind, subject, visit, number, department, year, seq, device_id, "
    "inspectors, issued_on, event_id) VALUES (json_extract(:body, '$.kind'), :subject, " TEXT ("visit") ", "
    "json_extract(:body, '$.number'), json_extract(:body, '$.department'), "
    "coalesce(json_extract(:body, '$.year'), 0), json_extract(:body, '$.seq'), :device, "
    "coalesce(json_extract(:body, '$.inspectors'), '[]'), json_extract(:body, '$.issued_on'), :id)" },
};

static gboolean
check_body (const Rule     *rule,
            const AjEvent  *ev,
            JsonObject     *body,
            GError        **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule->required) && rule->required[i] != NULL; i++)
    if (aj_json_get_string (body, rule->required[i]) == NULL)
      {
        g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                     _("Event %s (%s) lacks the field “%s”"), ev->id, ev->type, rule->required[i]);
        return FALSE;
      }
  if (rule->hash != NULL && !aj_is_sha256_hex (aj_json_get_string (body, rule->hash)))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Event %s names an invalid photo hash"), ev->id);
      return FALSE;
    }
  return TRUE;
}

static void
bind_named (sqlite3_stmt *stmt,
            const char   *name,
            const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    aj_db_bind_text (stmt, index, value);
}

/* The status a step leads to from the hazard's current row; NULL when the
 * step no longer applies there (it is then kept as a conflict), and
 * *@known FALSE when this store does not hold the hazard at all. */
static gboolean
next_status (sqlite3        *db,
             const AjEvent  *ev,
             JsonObject     *body,
             const char    **next,
             gboolean       *known,
             GError        **error)
{
  g_autoptr(AjDbCached) row = aj_db_cached (db, "SELECT status, grade, extension_pending FROM hazards WHERE id = ?",
                                             error);
  AjHazardStep step;

  *next = NULL;
  *known = FALSE;
  if (row == NULL || !aj_step_from_event_type (ev->type, &step))
    return FALSE;
  aj_db_bind_text (row, 1, ev->subject);
  if (sqlite3_step (row) != SQLITE_ROW)
    return TRUE;
  *known = TRUE;
  *next = aj_lifecycle_next (aj_db_col_text (row, 0), aj_db_col_text (row, 1), step,
                             aj_json_get_bool (body, "accepted", FALSE));
  /* An extension decided twice, or asked for twice, is a conflict too. */
  if (!aj_lifecycle_extension_ok (step, sqlite3_column_int (row, 2) != 0))
    *next = NULL;
  return TRUE;
}

static gboolean
run (sqlite3        *db,
     const char     *sql,
     const AjEvent  *ev,
     const char     *next,
     GError        **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (db, sql, error);
  int index;

  if (stmt == NULL)
    return FALSE;
  bind_named (stmt, ":id", ev->id);
  bind_named (stmt, ":subject", ev->subject);
  bind_named (stmt, ":author", ev->author);
  bind_named (stmt, ":device", ev->device_id);
  bind_named (stmt, ":type", ev->type);
  bind_named (stmt, ":body", ev->body);
  bind_named (stmt, ":next", next);
  if ((index = sqlite3_bind_parameter_index (stmt, ":hlc")) > 0)
    sqlite3_bind_int64 (stmt, index, ev->hlc);
  return aj_db_step_done (db, stmt, error);
}

/* @trusted: the event was checked when it entered the log (a rebuild or a
 * subject's replay), so its body is parsed only where a step needs it. */
static gboolean
apply (sqlite3        *db,
       const AjEvent  *event,
       JsonObject     *parsed,
       gboolean        trusted,
       GError        **error)
{
  g_autoptr(JsonObject) body = parsed ? json_object_ref (parsed) : NULL;
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const Rule *rule = &rules[i];
      const char *next = NULL;
      gboolean known;

      if (g_strcmp0 (rule->type, event->type) != 0)
        continue;
      if (trusted && !rule->step)
        return run (db, rule->sql, event, NULL, error);
      if (body == NULL)
        body = aj_event_parse_body (event, &local_error);
      if (body == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %s has a damaged body: %s"), event->id, local_error->message);
          return FALSE;
        }
      if (!trusted && !check_body (rule, event, body, error))
        return FALSE;
      if (!rule->step)
        return run (db, rule->sql, event, NULL, error);

      /* One step of the closed loop. A step that is no longer valid when it
       * is applied (two devices verified the same hazard) changes nothing and
       * is recorded as a conflict, to be shown; the event stays in the log. */
      if (!next_status (db, event, body, &next, &known, error))
        return FALSE;
      if (!known)
        return TRUE;   /* about a hazard this device does not hold */
      if (next == NULL)
        return run (db,
                    "INSERT OR IGNORE INTO hazard_conflicts (event_id, hazard_id, type, status_was, author, at) "
                    "VALUES (:id, :subject, :type, (SELECT status FROM hazards WHERE id = :subject), :author, "
                    TEXT ("at") ")", event, NULL, error);
      return run (db, rule->sql, event, next, error);
    }

  /* Event types of a newer version are kept in the log and ignored here. */
  return TRUE;
}

gboolean
aj_projection_apply (sqlite3        *db,
                     const AjEvent  *event,
                     GError        **error)
{
  return apply (db, event, NULL, FALSE, error);
}

/* The same, for an event made here whose @body (the object ev->body was
 * written from) is at hand: the body is not parsed again. */
gboolean
aj_projection_apply_parsed (sqlite3        *db,
                            const AjEvent  *event,
                            JsonObject     *body,
                            GError        **error)
{
  return apply (db, event, body, FALSE, error);
}

/* For events already in the log: a rebuild, or a subject replayed in order. */
gboolean
aj_projection_reapply (sqlite3        *db,
                       const AjEvent  *event,
                       GError        **error)
{
  return apply (db, event, NULL, TRUE, error);
}

/* Removes every projection row of one subject (an inspection or a hazard),
 * so that its events can be applied again in order. Every projection row
 * belongs to exactly one subject. */
gboolean
aj_projection_forget_subject (sqlite3     *db,
                              const char  *subject,
                              GError     **error)
{
  static const char * const deletes[] = {
    "DELETE FROM inspections WHERE id = ?",
    "DELETE FROM item_results WHERE inspection_id = ?",
    "DELETE FROM photos WHERE inspection_id = ?",
    "DELETE FROM hazards WHERE id = ?",
    "DELETE FROM hazard_conflicts WHERE hazard_id = ?",
    "DELETE FROM signatures WHERE subject = ?",
    "DELETE FROM inspection_team WHERE inspection_id = ?",
    "DELETE FROM schedules WHERE id = ?",
    "DELETE FROM documents WHERE subject = ?",
  };

  for (guint i = 0; i < G_N_ELEMENTS (deletes); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, deletes[i], error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 1, subject);
      if (!aj_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The institution of an inspection or hazard the projection holds, or NULL. */
char *
aj_projection_subject_institution (sqlite3    *db,
                                   const char *subject)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (db,
      "SELECT institution FROM inspections WHERE id = ?1 "
      "UNION ALL SELECT institution FROM hazards WHERE id = ?1 LIMIT 1", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, subject);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return aj_db_col_dup (stmt, 0);
  return NULL;
}

/* Runs @sql over the events whose hlc is in (@lo, @hi]: one chunk of a
 * rebuild, which commits chunk by chunk (aj_store_rebuild_projections). */
static gboolean
exec_range (sqlite3  *db,
            const char *sql,
            gint64    lo,
            gint64    hi,
            GError  **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  return aj_db_step_done (db, stmt, error);
}

/* In a rebuild, the answers (half of a year's events) go in by one
 * statement per chunk, not one by one: the same rows, as only item.answered
 * writes item_results and the later (hlc, device, id) wins in whatever order
 * they come. aj_store_rebuild_projections () replays the other events. */
gboolean
aj_projection_reapply_answers (sqlite3  *db,
                               gint64    lo,
                               gint64    hi,
                               GError  **error)
{
  return exec_range (db,
      ANSWER_INSERT "SELECT " ANSWER_ROW ("subject", "body", "author", "hlc", "device_id", "id") " "
      "FROM events WHERE hlc > ?1 AND hlc <= ?2 AND type = 'item.answered' AND refused_code IS NULL "
      "ORDER BY hlc, device_id, id "
      ANSWER_UPSERT, lo, hi, error);
}

/* The hazards as found (the other half), by one statement per chunk too:
 * the first hazard.found of a subject stands, as one by one (the chunks come
 * in the log's order). Only hazard.found makes a hazard's row, and no rule
 * but those of hazard.* events reads it; the replay that follows skips a
 * hazard.* event that comes before its subject's hazard.found, which one by
 * one found no row and changed nothing. */
gboolean
aj_projection_reapply_found (sqlite3  *db,
                             gint64    lo,
                             gint64    hi,
                             GError  **error)
{
  return exec_range (db,
      HAZARD_INSERT "SELECT " HAZARD_ROW ("subject", "body", "author", "hlc") " "
      "FROM events WHERE hlc > ?1 AND hlc <= ?2 AND type = 'hazard.found' AND refused_code IS NULL "
      "ORDER BY hlc, device_id, id", lo, hi, error);
}

/* A rebuild replays every event into empty tables. Index by index and
 * trigger by trigger that costs far more than building each once at the
 * end (a rebuild of 100,000 hazards took 11 times a raw replay), so the
 * projection tables' secondary indexes and the ledger's triggers (search
 * index and tally, data/sql/0014-ledger-search.sql) are dropped first, their
 * SQL kept (in the store, until the rebuild is over: a rebuild cut short is
 * done again from it), and made again once the rows are in. Unique indexes
 * stay: INSERT OR IGNORE and ON CONFLICT rely on them during the replay.
 * Returns pairs of statements, a DROP … IF EXISTS and its CREATE: indexes
 * first, then triggers, so that the triggers come back last. */
GPtrArray *
aj_projection_list_indexes (sqlite3  *db,
                            GError  **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) tables = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  int rc;

  for (guint i = 0; aj_projection_tables[i] != NULL; i++)
    g_string_append_printf (tables, "%s'%s'", i ? ", " : "", aj_projection_tables[i]);
  sql = g_strdup_printf ("SELECT upper (type), name, sql FROM sqlite_schema WHERE tbl_name IN (%s) "
                         "AND sql IS NOT NULL "
                         "AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%%') OR type = 'trigger') "
                         "ORDER BY type = 'trigger', name", tables->str);
  stmt = aj_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (pairs, g_strdup_printf ("DROP %s IF EXISTS \"%s\"", aj_db_col_text (stmt, 0),
                                               aj_db_col_text (stmt, 1)));
      g_ptr_array_add (pairs, aj_db_col_dup (stmt, 2));
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (db, error, "Cannot read the schema");
      return NULL;
    }
  return g_steal_pointer (&pairs);
}

/* The ledger's search index and tally, made whole from the hazards while
 * their triggers are away. The search index is made in memory in one pass
 * (64 MiB of terms before a segment is written, not FTS5's 1 MiB): 2.6 times
 * faster at 100,000 hazards. The usual size is put back for the kiosk's own
 * writes. */
gboolean
aj_projection_rebuild_search (sqlite3  *db,
                              GError  **error)
{
  return aj_db_exec (db,
      "INSERT INTO hazards_fts (hazards_fts, rank) VALUES ('hashsize', 67108864);"
      "INSERT INTO hazards_fts (hazards_fts) VALUES ('rebuild');"
      "INSERT INTO hazards_fts (hazards_fts, rank) VALUES ('hashsize', 1048576);", error);
}

gboolean
aj_projection_rebuild_tally (sqlite3  *db,
                             GError  **error)
{
  return aj_db_exec (db,
      "DELETE FROM hazard_tally;"
      "INSERT INTO hazard_tally (institution, status, grade, deadline, n) "
      "SELECT institution, status, grade, deadline, count(*) FROM hazards "
      "WHERE status NOT IN ('closed', 'withdrawn') GROUP BY 1, 2, 3, 4", error);
}
