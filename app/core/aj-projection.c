/* aj-projection.c: the projection tables are a pure function of the events.
 * Every rule here reads only the event and the rows it touches, never the
 * clock or the device, so that a rebuild from the log gives identical rows. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>

#include "aj-db.h"
#include "aj-error.h"
#include "aj-lifecycle.h"
#include "aj-projection.h"
#include "aj-util.h"

const char * const aj_projection_tables[] = {
  "inspections",
  "item_results",
  "hazards",
  "photos",
  "hazard_conflicts",
  "signatures",
  NULL
};

typedef gboolean (*ApplyFunc) (sqlite3 *db, const AjEvent *ev, JsonObject *body, GError **error);

static gboolean
require (JsonObject     *body,
         const AjEvent  *ev,
         const char     *member,
         const char    **out,
         GError        **error)
{
  *out = aj_json_get_string (body, member);
  if (*out == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                   _("Event %s (%s) lacks the field “%s”"), ev->id, ev->type, member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_inspection_started (sqlite3        *db,
                          const AjEvent  *ev,
                          JsonObject     *body,
                          GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *institution, *mode, *template_id, *at;

  if (!require (body, ev, "institution", &institution, error) ||
      !require (body, ev, "mode", &mode, error) ||
      !require (body, ev, "template", &template_id, error) ||
      !require (body, ev, "at", &at, error))
    return FALSE;

  stmt = aj_db_prepare (db,
      "INSERT OR IGNORE INTO inspections (id, institution, mode, template_id, template_version, "
      "inspector, started_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress')", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->subject);
  aj_db_bind_text (stmt, 2, institution);
  aj_db_bind_text (stmt, 3, mode);
  aj_db_bind_text (stmt, 4, template_id);
  sqlite3_bind_int64 (stmt, 5, aj_json_get_int (body, "template_version", 1));
  aj_db_bind_text (stmt, 6, ev->author);
  aj_db_bind_text (stmt, 7, at);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_inspection_finished (sqlite3        *db,
                           const AjEvent  *ev,
                           JsonObject     *body,
                           GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *at;

  if (!require (body, ev, "at", &at, error))
    return FALSE;
  stmt = aj_db_prepare (db,
      "UPDATE inspections SET status = 'finished', finished_at = ? "
      "WHERE id = ? AND status <> 'finished'", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, at);
  aj_db_bind_text (stmt, 2, ev->subject);
  return aj_db_step_done (db, stmt, error);
}

/* For an item answered on two devices the later (hlc, device, id) wins;
 * the other answer stays in the item's history in the event log. */
static gboolean
apply_item_answered (sqlite3        *db,
                     const AjEvent  *ev,
                     JsonObject     *body,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *item, *result, *at;
  const char *note = aj_json_get_string (body, "note");

  if (!require (body, ev, "item", &item, error) ||
      !require (body, ev, "result", &result, error) ||
      !require (body, ev, "at", &at, error))
    return FALSE;

  stmt = aj_db_prepare (db,
      "INSERT INTO item_results (inspection_id, item_code, result, note, author, answered_at, hlc, device_id, event_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (inspection_id, item_code) DO UPDATE SET "
      "  result = excluded.result, note = excluded.note, author = excluded.author, "
      "  answered_at = excluded.answered_at, hlc = excluded.hlc, device_id = excluded.device_id, "
      "  event_id = excluded.event_id "
      "WHERE (excluded.hlc, excluded.device_id, excluded.event_id) > "
      "      (item_results.hlc, item_results.device_id, item_results.event_id)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->subject);
  aj_db_bind_text (stmt, 2, item);
  aj_db_bind_text (stmt, 3, result);
  aj_db_bind_text (stmt, 4, note ? note : "");
  aj_db_bind_text (stmt, 5, ev->author);
  aj_db_bind_text (stmt, 6, at);
  sqlite3_bind_int64 (stmt, 7, ev->hlc);
  aj_db_bind_text (stmt, 8, ev->device_id);
  aj_db_bind_text (stmt, 9, ev->id);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_hazard_found (sqlite3        *db,
                    const AjEvent  *ev,
                    JsonObject     *body,
                    GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *number, *inspection, *institution, *item, *category, *description, *risk, *grade, *at;
  const char *location = aj_json_get_string (body, "location");
  const char *suggestion = aj_json_get_string (body, "suggestion");
  const char *deadline = aj_json_get_string (body, "deadline");
  const char *responsible = aj_json_get_string (body, "responsible");

  if (!require (body, ev, "number", &number, error) ||
      !require (body, ev, "inspection", &inspection, error) ||
      !require (body, ev, "institution", &institution, error) ||
      !require (body, ev, "item", &item, error) ||
      !require (body, ev, "category", &category, error) ||
      !require (body, ev, "description", &description, error) ||
      !require (body, ev, "risk_level", &risk, error) ||
      !require (body, ev, "grade", &grade, error) ||
      !require (body, ev, "at", &at, error))
    return FALSE;

  stmt = aj_db_prepare (db,
      "INSERT OR IGNORE INTO hazards (id, number, inspection_id, institution, item_code, category, "
      "description, location, risk_level, grade, suggestion, deadline, responsible, status, "
      "found_at, found_by, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'found', ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->subject);
  aj_db_bind_text (stmt, 2, number);
  aj_db_bind_text (stmt, 3, inspection);
  aj_db_bind_text (stmt, 4, institution);
  aj_db_bind_text (stmt, 5, item);
  aj_db_bind_text (stmt, 6, category);
  aj_db_bind_text (stmt, 7, description);
  aj_db_bind_text (stmt, 8, location ? location : "");
  aj_db_bind_text (stmt, 9, risk);
  aj_db_bind_text (stmt, 10, grade);
  aj_db_bind_text (stmt, 11, suggestion ? suggestion : "");
  aj_db_bind_text (stmt, 12, deadline ? deadline : "");
  aj_db_bind_text (stmt, 13, responsible ? responsible : "");
  aj_db_bind_text (stmt, 14, at);
  aj_db_bind_text (stmt, 15, ev->author);
  sqlite3_bind_int64 (stmt, 16, ev->hlc);
  return aj_db_step_done (db, stmt, error);
}

/* Edits of the hazard sheet before the inspection is finished: only the
 * members present change, and a later edit wins over an earlier one. */
static gboolean
apply_hazard_updated (sqlite3        *db,
                      const AjEvent  *ev,
                      JsonObject     *body,
                      GError        **error)
{
  static const char * const editable[] = {
    "description", "location", "risk_level", "grade", "suggestion", "deadline", "responsible", NULL
  };

  for (guint i = 0; editable[i] != NULL; i++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const char *value = aj_json_get_string (body, editable[i]);

      if (value == NULL)
        continue;
      sql = g_strdup_printf ("UPDATE hazards SET %s = ?, hlc = ? WHERE id = ? AND hlc <= ?", editable[i]);
      stmt = aj_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 1, value);
      sqlite3_bind_int64 (stmt, 2, ev->hlc);
      aj_db_bind_text (stmt, 3, ev->subject);
      sqlite3_bind_int64 (stmt, 4, ev->hlc);
      if (!aj_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* A hazard recorded by mistake, withdrawn before the inspection was
 * finished: it stays in the log but no longer counts on the ledger. */
static gboolean
apply_hazard_withdrawn (sqlite3        *db,
                        const AjEvent  *ev,
                        JsonObject     *body,
                        GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db,
      "UPDATE hazards SET status = 'withdrawn', hlc = max(hlc, ?) WHERE id = ? AND status = 'found'", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ev->hlc);
  aj_db_bind_text (stmt, 2, ev->subject);
  return aj_db_step_done (db, stmt, error);
}

/* One step of the closed loop. A step that is no longer valid when it is
 * applied (two devices verified the same hazard) changes nothing and is
 * recorded as a conflict, to be shown; the event itself stays in the log. */
static gboolean
apply_hazard_step (sqlite3        *db,
                   const AjEvent  *ev,
                   JsonObject     *body,
                   GError        **error)
{
  g_autoptr(sqlite3_stmt) row = aj_db_prepare (db, "SELECT status, grade FROM hazards WHERE id = ?", error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *status = NULL;
  g_autofree char *grade = NULL;
  const char *at = aj_json_get_string (body, "at");
  const char *next;
  AjHazardStep step;

  if (row == NULL || !aj_step_from_event_type (ev->type, &step))
    return FALSE;
  aj_db_bind_text (row, 1, ev->subject);
  if (sqlite3_step (row) != SQLITE_ROW)
    return TRUE;   /* about a hazard this device does not hold */
  status = aj_db_col_dup (row, 0);
  grade = aj_db_col_dup (row, 1);
  if (at == NULL)
    at = "";

  next = aj_lifecycle_next (status, grade, step, aj_json_get_bool (body, "accepted", FALSE));
  if (next == NULL)
    {
      stmt = aj_db_prepare (db, "INSERT OR IGNORE INTO hazard_conflicts (event_id, hazard_id, type, status_was, author, at) "
                                "VALUES (?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 1, ev->id);
      aj_db_bind_text (stmt, 2, ev->subject);
      aj_db_bind_text (stmt, 3, ev->type);
      aj_db_bind_text (stmt, 4, status);
      aj_db_bind_text (stmt, 5, ev->author);
      aj_db_bind_text (stmt, 6, at);
      return aj_db_step_done (db, stmt, error);
    }

  switch (step)
    {
    case AJ_STEP_ORDER:
      stmt = aj_db_prepare (db, "UPDATE hazards SET status = ?, measures = ?, responsible = ?, deadline = ?, "
                                "funds = ?, contingency_plan = ?, ordered_at = ?, hlc = max(hlc, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 2, aj_json_get_string (body, "measures") ?: "");
      aj_db_bind_text (stmt, 3, aj_json_get_string (body, "responsible") ?: "");
      aj_db_bind_text (stmt, 4, aj_json_get_string (body, "deadline") ?: "");
      aj_db_bind_text (stmt, 5, aj_json_get_string (body, "funds") ?: "");
      aj_db_bind_text (stmt, 6, aj_json_get_string (body, "contingency_plan") ?: "");
      aj_db_bind_text (stmt, 7, at);
      sqlite3_bind_int64 (stmt, 8, ev->hlc);
      aj_db_bind_text (stmt, 9, ev->subject);
      break;
    case AJ_STEP_RECTIFY:
      stmt = aj_db_prepare (db, "UPDATE hazards SET status = ?, rectified_note = ?, rectified_at = ?, "
                                "hlc = max(hlc, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 2, aj_json_get_string (body, "note") ?: "");
      aj_db_bind_text (stmt, 3, at);
      sqlite3_bind_int64 (stmt, 4, ev->hlc);
      aj_db_bind_text (stmt, 5, ev->subject);
      break;
    case AJ_STEP_VERIFY:
      stmt = aj_db_prepare (db, "UPDATE hazards SET status = ?, verification = ?, verified_at = ?, "
                                "rejections = rejections + ?, hlc = max(hlc, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 2, aj_json_get_string (body, "opinion") ?: "");
      aj_db_bind_text (stmt, 3, at);
      sqlite3_bind_int (stmt, 4, aj_json_get_bool (body, "accepted", FALSE) ? 0 : 1);
      sqlite3_bind_int64 (stmt, 5, ev->hlc);
      aj_db_bind_text (stmt, 6, ev->subject);
      break;
    case AJ_STEP_CLOSE:
      stmt = aj_db_prepare (db, "UPDATE hazards SET status = ?, closed_at = ?, hlc = max(hlc, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      aj_db_bind_text (stmt, 2, at);
      sqlite3_bind_int64 (stmt, 3, ev->hlc);
      aj_db_bind_text (stmt, 4, ev->subject);
      break;
    case AJ_STEP_REOPEN:
      stmt = aj_db_prepare (db, "UPDATE hazards SET status = ?, closed_at = NULL, hlc = max(hlc, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 2, ev->hlc);
      aj_db_bind_text (stmt, 3, ev->subject);
      break;
    }
  aj_db_bind_text (stmt, 1, next);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_photo_added (sqlite3        *db,
                   const AjEvent  *ev,
                   JsonObject     *body,
                   GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sha256, *at;

  if (!require (body, ev, "sha256", &sha256, error) ||
      !require (body, ev, "at", &at, error))
    return FALSE;
  if (!aj_is_sha256_hex (sha256))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Event %s names an invalid photo hash"), ev->id);
      return FALSE;
    }

  stmt = aj_db_prepare (db,
      "INSERT OR IGNORE INTO photos (event_id, sha256, inspection_id, item_code, hazard_id, width, height, "
      "bytes, added_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->id);
  aj_db_bind_text (stmt, 2, sha256);
  aj_db_bind_text (stmt, 3, aj_json_get_string (body, "inspection"));
  aj_db_bind_text (stmt, 4, aj_json_get_string (body, "item"));
  aj_db_bind_text (stmt, 5, aj_json_get_string (body, "hazard"));
  sqlite3_bind_int64 (stmt, 6, aj_json_get_int (body, "width", 0));
  sqlite3_bind_int64 (stmt, 7, aj_json_get_int (body, "height", 0));
  sqlite3_bind_int64 (stmt, 8, aj_json_get_int (body, "bytes", 0));
  aj_db_bind_text (stmt, 9, at);
  aj_db_bind_text (stmt, 10, ev->author);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_photo_removed (sqlite3        *db,
                     const AjEvent  *ev,
                     JsonObject     *body,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *photo;

  if (!require (body, ev, "photo", &photo, error))
    return FALSE;
  stmt = aj_db_prepare (db, "UPDATE photos SET removed = 1 WHERE event_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, photo);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_photo_withdrawn (sqlite3        *db,
                       const AjEvent  *ev,
                       JsonObject     *body,
                       GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *photo, *reason;

  if (!require (body, ev, "photo", &photo, error) || !require (body, ev, "reason", &reason, error))
    return FALSE;
  stmt = aj_db_prepare (db, "UPDATE photos SET withdrawn_reason = ? WHERE event_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, reason);
  aj_db_bind_text (stmt, 2, photo);
  return aj_db_step_done (db, stmt, error);
}

static gboolean
apply_signature_added (sqlite3        *db,
                       const AjEvent  *ev,
                       JsonObject     *body,
                       GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *role, *signer, *at;

  if (!require (body, ev, "role", &role, error) ||
      !require (body, ev, "signer", &signer, error) ||
      !require (body, ev, "at", &at, error))
    return FALSE;
  stmt = aj_db_prepare (db, "INSERT OR IGNORE INTO signatures (event_id, subject, role, signer, sha256, refused, reason, at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->id);
  aj_db_bind_text (stmt, 2, ev->subject);
  aj_db_bind_text (stmt, 3, role);
  aj_db_bind_text (stmt, 4, signer);
  aj_db_bind_text (stmt, 5, aj_json_get_string (body, "sha256"));
  sqlite3_bind_int (stmt, 6, aj_json_get_bool (body, "refused", FALSE));
  aj_db_bind_text (stmt, 7, aj_json_get_string (body, "reason") ?: "");
  aj_db_bind_text (stmt, 8, at);
  return aj_db_step_done (db, stmt, error);
}

static const struct {
  const char *type;
  ApplyFunc   apply;
} handlers[] = {
  { "inspection.started", apply_inspection_started },
  { "inspection.finished", apply_inspection_finished },
  { "item.answered", apply_item_answered },
  { "hazard.found", apply_hazard_found },
  { "hazard.updated", apply_hazard_updated },
  { "hazard.withdrawn", apply_hazard_withdrawn },
  { "hazard.rectification_ordered", apply_hazard_step },
  { "hazard.rectified", apply_hazard_step },
  { "hazard.verified", apply_hazard_step },
  { "hazard.closed", apply_hazard_step },
  { "hazard.reopened", apply_hazard_step },
  { "photo.added", apply_photo_added },
  { "signature.added", apply_signature_added },
  { "photo.removed", apply_photo_removed },
  { "photo.withdrawn", apply_photo_withdrawn },
};

gboolean
aj_projection_apply (sqlite3        *db,
                     const AjEvent  *event,
                     GError        **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    {
      if (g_strcmp0 (handlers[i].type, event->type) != 0)
        continue;
      body = aj_json_parse_object (event->body, &local_error);
      if (body == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %s has a damaged body: %s"), event->id, local_error->message);
          return FALSE;
        }
      return handlers[i].apply (db, event, body, error);
    }

  /* Event types of a newer version are kept in the log and ignored here. */
  return TRUE;
}
