/* aj-team.c: who is named on an inspection. An enforcement document needs
 * two inspectors with certificates: a spot check has the assignment's team;
 * a field inspection takes a colleague of the institution's department, who
 * confirms with his or her own PIN. The rule of who may join is the same
 * on the kiosk (who is offered) and on the server (what it accepts). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-team.h"
#include "aj-util.h"

/* Records that @member is present at @inspection_id: an event in
 * @member's name, since the member confirmed it (by PIN or sign-in). */
gboolean
aj_team_confirm (AjStore     *store,
                 const char  *inspection_id,
                 const char  *member,
                 GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;

  json_object_set_string_member (body, "at", at);
  event = aj_store_append (store, "inspection.team_confirmed", inspection_id, member, body, error);
  return event != NULL;
}

/* The ids named on @inspection_id: whoever started it, then the members
 * confirmed, in the order they confirmed. */
GPtrArray *
aj_team_list_members (AjStore    *store,
                      const char *inspection_id)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT inspector FROM inspections WHERE id = ?1 UNION ALL "
      "SELECT member FROM (SELECT member FROM inspection_team WHERE inspection_id = ?1 ORDER BY confirmed_at, member)",
      NULL);

  aj_db_bind_text (stmt, 1, inspection_id);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = aj_db_col_text (stmt, 0);
      if (id && *id && !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }
  return ids;
}

/* A department's inspection of its own choosing: neither the institution's
 * self-inspection nor a spot check, whose team the assignment names. */
gboolean
aj_team_is_field (AjStore      *store,
                  AjInspection *inspection)
{
  return g_strcmp0 (aj_inspection_get_mode (inspection), "self") != 0 &&
         aj_db_query_int (aj_store_get_db (store), "SELECT assignment IS NULL FROM inspections WHERE id = ?",
                          aj_inspection_get_id (inspection), 0) == 1;
}

/* Whether @member may be named on the field inspection @inspection: an
 * inspector of the roster, active, of the institution's department, who may
 * inspect its county and has no tie to it (回避) as far as this store knows. */
gboolean
aj_team_may_join (AjStore       *store,
                  AjInspection  *inspection,
                  const char    *member,
                  GError       **error)
{
  g_autoptr(AjUser) user = aj_registry_get_user (store, member);
  g_autoptr(AjInspector) inspector = aj_roster_get_inspector (store, member);
  g_autoptr(AjInstitution) institution = aj_registry_get_institution (store, aj_inspection_get_institution (inspection));
  const char *name = user ? aj_user_get_name (user) : member;
  const char *department = institution ? aj_institution_get_department (institution) : NULL;

  if (!aj_team_is_field (store, inspection))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("Only a field inspection takes a colleague: a spot check has its assignment's team, a "
                     "self-inspection no inspectors"));
      return FALSE;
    }
  if (user == NULL || g_strcmp0 (aj_user_get_role (user), "inspector") != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("%s is not an inspector"), name);
      return FALSE;
    }
  if (inspector == NULL || !aj_inspector_get_active (inspector))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("%s is not an active inspector of the roster"), name);
      return FALSE;
    }
  if (institution == NULL ||
      (department && *department && g_strcmp0 (aj_inspector_get_department (inspector), department) != 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("%s is not an inspector of the institution's department"),
                   name);
      return FALSE;
    }
  if (!aj_inspector_may_inspect (inspector, aj_institution_get_code (institution),
                                 aj_institution_get_county (institution)))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("%s may not inspect this institution: another county, or a tie to it (回避)"), name);
      return FALSE;
    }
  return TRUE;
}

/* The roster's inspectors (AjInspector) who may join @inspection_id and
 * are not on it yet, @except aside; none for an inspection without a team
 * of its own choosing. */
GListModel *
aj_team_list_colleagues (AjStore    *store,
                         const char *inspection_id,
                         const char *except)
{
  GListStore *colleagues = g_list_store_new (AJ_TYPE_INSPECTOR);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, inspection_id);
  g_autoptr(GListModel) roster = NULL;
  g_autoptr(GPtrArray) members = NULL;

  if (inspection == NULL || !aj_team_is_field (store, inspection))
    return G_LIST_MODEL (colleagues);
  roster = aj_roster_list_inspectors (store, NULL);
  members = aj_team_list_members (store, inspection_id);
  for (guint i = 0; roster && i < g_list_model_get_n_items (roster); i++)
    {
      g_autoptr(AjInspector) inspector = g_list_model_get_item (roster, i);
      const char *id = aj_inspector_get_id (inspector);

      if (g_strcmp0 (id, except) != 0 && !g_ptr_array_find_with_equal_func (members, id, g_str_equal, NULL) &&
          aj_team_may_join (store, inspection, id, NULL))
        g_list_store_append (colleagues, inspector);
    }
  return G_LIST_MODEL (colleagues);
}

static gboolean
is_confirmed (AjStore    *store,
              const char *inspection_id,
              const char *member)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT 1 FROM inspection_team WHERE inspection_id = ? AND member = ?", NULL);

  aj_db_bind_text (stmt, 1, inspection_id);
  aj_db_bind_text (stmt, 2, member);
  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
}

/* @author, on @inspection_id's team, names @members (who confirmed with
 * their PINs) on it, and himself or herself too if not yet confirmed: one
 * transaction, so that the team is recorded whole or not at all. */
gboolean
aj_team_add (AjStore             *store,
             const char          *author,
             const char          *inspection_id,
             const char * const  *members,
             GError             **error)
{
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, inspection_id);
  g_autoptr(GPtrArray) named = NULL;

  if (inspection == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("No inspection %s on this device"), inspection_id);
      return FALSE;
    }
  if (aj_inspection_is_finished (inspection))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("The inspection is finished: who made it can no longer change"));
      return FALSE;
    }
  named = aj_team_list_members (store, inspection_id);
  if (!g_ptr_array_find_with_equal_func (named, author, g_str_equal, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("Only an inspector of this inspection adds a colleague"));
      return FALSE;
    }
  if (members == NULL || members[0] == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Confirm a colleague with his or her PIN first"));
      return FALSE;
    }
  for (guint i = 0; members[i] != NULL; i++)
    if (!aj_team_may_join (store, inspection, members[i], error))
      return FALSE;

  if (!aj_store_begin (store, error))
    return FALSE;
  /* Whoever started it is named already; recorded as present too when an
   * inspector, so that the team on record is the whole team. */
  if (!is_confirmed (store, inspection_id, author) && aj_team_may_join (store, inspection, author, NULL) &&
      !aj_team_confirm (store, inspection_id, author, error))
    goto fail;
  for (guint i = 0; members[i] != NULL; i++)
    if (!is_confirmed (store, inspection_id, members[i]) && !aj_team_confirm (store, inspection_id, members[i], error))
      goto fail;
  return aj_store_commit (store, error);

fail:
  aj_store_rollback (store);
  return FALSE;
}
