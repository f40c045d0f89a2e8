/* aj-rounds.c: schedules of rounds are events (schedule.set), so they sync
 * like everything else and the server decides who may set them
 * (aj-authority.c); their projection is the schedules table. A home's
 * schedules are its own and those the office set for its type. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-rounds.h"
#include "aj-util.h"

gboolean
aj_rounds_set_schedule (AjStore           *store,
                        const char        *author,
                        const AjSchedule  *schedule,
                        GError           **error)
{
  g_autoptr(JsonObject) body = aj_schedule_to_json (schedule);
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;

  json_object_set_string_member (body, "at", at);
  event = aj_store_append (store, "schedule.set", schedule->id, author, body, error);
  return event != NULL;
}

static AjSchedule *
schedule_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(JsonObject) body = aj_json_parse_object (aj_db_col_text (stmt, 1), NULL);

  return body ? aj_schedule_from_json (aj_db_col_text (stmt, 0), body, NULL) : NULL;
}

/* The active schedules that apply to @institution (its own and its
 * type's), or every schedule when @institution is NULL. */
GPtrArray *
aj_rounds_list_schedules (AjStore     *store,
                          const char  *institution,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT id, body FROM schedules WHERE ?1 IS NULL OR institution = ?1 "
      "OR institution_type = (SELECT type FROM institutions WHERE code = ?1) ORDER BY id", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_schedule_free);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, institution);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjSchedule *schedule = schedule_from_row (stmt);
      if (schedule != NULL && schedule->active)
        g_ptr_array_add (list, schedule);
      else
        aj_schedule_free (schedule);
    }
  return g_steal_pointer (&list);
}

AjSchedule *
aj_rounds_get_schedule (AjStore    *store,
                        const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT id, body FROM schedules WHERE id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  return sqlite3_step (stmt) == SQLITE_ROW ? schedule_from_row (stmt) : NULL;
}

void
aj_round_log_free (AjRoundLog *log)
{
  if (log == NULL)
    return;
  g_array_unref (log->rounds);
  g_string_chunk_free (log->strings);
  g_free (log);
}

/* @institution's self-inspections: checklist, start and whether finished. */
AjRoundLog *
aj_rounds_load_log (AjStore    *store,
                    const char *institution)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT template_id, started_at, status = 'finished' FROM inspections "
      "WHERE institution = ? AND mode = 'self' ORDER BY started_at", NULL);
  AjRoundLog *log = g_new0 (AjRoundLog, 1);

  log->rounds = g_array_new (FALSE, TRUE, sizeof (AjRound));
  log->strings = g_string_chunk_new (256);
  if (stmt == NULL)
    return log;
  aj_db_bind_text (stmt, 1, institution);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjRound round = {
        .template_id = g_string_chunk_insert_const (log->strings, aj_db_col_text (stmt, 0)),
        .started = aj_schedule_parse_time (aj_db_col_text (stmt, 1)),
        .finished = sqlite3_column_int (stmt, 2) != 0,
      };
      g_array_append_val (log->rounds, round);
    }
  return log;
}

/* Whether @hazard, found in a self-inspection, is on an item that a
 * schedule of its home for that checklist marks "fix on the spot". */
gboolean
aj_rounds_fixes_on_spot (AjStore  *store,
                         AjHazard *hazard)
{
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, aj_hazard_get_inspection_id (hazard));
  g_autoptr(GPtrArray) schedules = NULL;

  if (inspection == NULL || g_strcmp0 (aj_inspection_get_mode (inspection), "self") != 0)
    return FALSE;
  schedules = aj_rounds_list_schedules (store, aj_inspection_get_institution (inspection), NULL);
  for (guint i = 0; schedules && i < schedules->len; i++)
    {
      AjSchedule *s = g_ptr_array_index (schedules, i);
      if (g_strcmp0 (s->template_id, aj_inspection_get_template_id (inspection)) == 0 &&
          aj_schedule_fixes_on_spot (s, aj_hazard_get_item_code (hazard)))
        return TRUE;
    }
  return FALSE;
}

/* Sample schedules: {"schedules": [{"id", "author", …the event's body}]},
 * each recorded as its author's schedule.set event unless the store holds
 * that schedule already. */
gboolean
aj_rounds_import_file (AjStore     *store,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *list;

  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;
  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  list = root && json_object_has_member (root, "schedules") ? json_object_get_array_member (root, "schedules") : NULL;
  if (list == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("%s: “schedules” must be a list"), path);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      g_autoptr(AjSchedule) schedule = NULL;
      g_autoptr(AjSchedule) held = NULL;

      if (o == NULL)
        continue;
      schedule = aj_schedule_from_json (aj_json_get_string (o, "id"), o, error);
      if (schedule == NULL)
        return FALSE;
      held = aj_rounds_get_schedule (store, schedule->id);
      if (held == NULL && !aj_rounds_set_schedule (store, aj_json_get_string (o, "author"), schedule, error))
        return FALSE;
    }
  return TRUE;
}

/* Names of the people of @institution whose post is @post. */
GPtrArray *
aj_rounds_people_of_post (AjStore    *store,
                          const char *institution,
                          const char *post)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT name FROM users WHERE institution = ? AND post = ? ORDER BY id", NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return names;
  aj_db_bind_text (stmt, 1, institution);
  aj_db_bind_text (stmt, 2, post);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (names, aj_db_col_dup (stmt, 0));
  return names;
}
