/* aj-assignment.c: spot-check assignments in the store. The rows are
 * reference data (the server's draws make them, a device replaces its copy
 * at each sync); whether one was started or finished here comes from the
 * inspections that name it, so a device shows its own progress before the
 * server has heard of it. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-assignment.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-event-schema.h"
#include "aj-inspection.h"
#include "aj-store-private.h"
#include "aj-team.h"
#include "aj-util.h"

struct _AjAssignment
{
  GObject   parent_instance;
  char     *id, *draw_id, *institution, *institution_name, *checklist, *due, *status, *inspection_id;
  GStrv     team;
  gboolean  finished;
};

G_DEFINE_FINAL_TYPE (AjAssignment, aj_assignment, G_TYPE_OBJECT)

static const AjFieldProperty aj_assignment_fields[] = {
  { "id", G_STRUCT_OFFSET (AjAssignment, id) },
  { "draw-id", G_STRUCT_OFFSET (AjAssignment, draw_id) },
  { "institution", G_STRUCT_OFFSET (AjAssignment, institution) },
  { "institution-name", G_STRUCT_OFFSET (AjAssignment, institution_name) },
  { "checklist", G_STRUCT_OFFSET (AjAssignment, checklist) },
  { "due", G_STRUCT_OFFSET (AjAssignment, due) },
  { "status", G_STRUCT_OFFSET (AjAssignment, status) },
};

static void
aj_assignment_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  if (!aj_get_field_property (object, aj_assignment_fields, G_N_ELEMENTS (aj_assignment_fields), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_assignment_finalize (GObject *object)
{
  AjAssignment *self = AJ_ASSIGNMENT (object);

  g_free (self->id);
  g_free (self->draw_id);
  g_free (self->institution);
  g_free (self->institution_name);
  g_free (self->checklist);
  g_free (self->due);
  g_free (self->status);
  g_free (self->inspection_id);
  g_strfreev (self->team);
  G_OBJECT_CLASS (aj_assignment_parent_class)->finalize (object);
}

static void
aj_assignment_class_init (AjAssignmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_assignment_finalize;
  object_class->get_property = aj_assignment_get_property;
  aj_install_field_properties (object_class, aj_assignment_fields, G_N_ELEMENTS (aj_assignment_fields));
}

static void
aj_assignment_init (AjAssignment *self)
{
}

const char *aj_assignment_get_id (AjAssignment *self) { return self->id; }
const char *aj_assignment_get_draw_id (AjAssignment *self) { return self->draw_id; }
const char *aj_assignment_get_institution (AjAssignment *self) { return self->institution; }
const char *aj_assignment_get_institution_name (AjAssignment *self) { return self->institution_name; }
const char * const *aj_assignment_get_team (AjAssignment *self) { return (const char * const *) self->team; }
const char *aj_assignment_get_checklist (AjAssignment *self) { return self->checklist; }
const char *aj_assignment_get_due (AjAssignment *self) { return self->due; }
const char *aj_assignment_get_status (AjAssignment *self) { return self->status; }
/* The inspection started for it here (or on the server), or NULL. */
const char *aj_assignment_get_inspection_id (AjAssignment *self) { return self->inspection_id; }

gboolean
aj_assignment_is_started (AjAssignment *self)
{
  return self->inspection_id != NULL;
}

gboolean
aj_assignment_is_finished (AjAssignment *self)
{
  return self->finished || g_strcmp0 (self->status, "done") == 0;
}

/* Not started by its due date (DOMAIN: shown to the team and the office). */
gboolean
aj_assignment_is_overdue (AjAssignment *self,
                          const char   *today)
{
  return g_strcmp0 (self->status, "open") == 0 && !aj_assignment_is_started (self) &&
         g_strcmp0 (self->due, today) < 0;
}

gboolean
aj_assignment_has_member (AjAssignment *self,
                          const char   *person)
{
  return person != NULL && self->team != NULL && g_strv_contains ((const char * const *) self->team, person);
}

static GStrv
team_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (json_parser_load_from_data (parser, text ? text : "", -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *list = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *member = json_array_get_element (list, i);
          if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (member));
        }
    }
  return g_strv_builder_end (builder);
}

static char *
team_to_json (const char * const *team)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *list = json_array_new ();

  for (guint i = 0; team != NULL && team[i] != NULL; i++)
    json_array_add_string_element (list, team[i]);
  json_node_take_array (node, list);
  return aj_json_to_string (node);
}

JsonObject *
aj_assignment_to_json (AjAssignment *self)
{
  JsonObject *o = json_object_new ();
  JsonArray *team = json_array_new ();

  for (guint i = 0; self->team[i] != NULL; i++)
    json_array_add_string_element (team, self->team[i]);
  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "draw", self->draw_id);
  json_object_set_string_member (o, "institution", self->institution);
  json_object_set_array_member (o, "team", team);
  json_object_set_string_member (o, "checklist", self->checklist);
  json_object_set_string_member (o, "due", self->due);
  json_object_set_string_member (o, "status", self->status);
  return o;
}

#define ASSIGNMENT_SELECT \
  "SELECT a.id, a.draw_id, a.institution, coalesce(i.name, a.institution), a.team, a.checklist, a.due, a.status, " \
  "  (SELECT s.id FROM inspections s WHERE s.assignment = a.id " \
  "   ORDER BY s.status = 'finished' DESC, s.started_at LIMIT 1), " \
  "  EXISTS (SELECT 1 FROM inspections s WHERE s.assignment = a.id AND s.status = 'finished') " \
  "FROM assignments a LEFT JOIN institutions i ON i.code = a.institution "

static AjAssignment *
assignment_from_row (sqlite3_stmt *stmt)
{
  AjAssignment *self = g_object_new (AJ_TYPE_ASSIGNMENT, NULL);

  self->id = aj_db_col_dup (stmt, 0);
  self->draw_id = aj_db_col_dup (stmt, 1);
  self->institution = aj_db_col_dup (stmt, 2);
  self->institution_name = aj_db_col_dup (stmt, 3);
  self->team = team_from_json (aj_db_col_text (stmt, 4));
  self->checklist = aj_db_col_dup (stmt, 5);
  self->due = aj_db_col_dup (stmt, 6);
  self->status = aj_db_col_dup (stmt, 7);
  self->inspection_id = sqlite3_column_type (stmt, 8) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 8);
  self->finished = sqlite3_column_int (stmt, 9) != 0;
  return self;
}

static GListModel *
list_where (AjStore     *store,
            const char  *condition,
            const char  *arg,
            GError     **error)
{
  g_autofree char *sql = g_strconcat (ASSIGNMENT_SELECT, condition, NULL);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), sql, error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_ASSIGNMENT);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, arg);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjAssignment) assignment = assignment_from_row (stmt);
      g_list_store_append (list, assignment);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

AjAssignment *
aj_assignment_load (AjStore    *store,
                    const char *id)
{
  g_autoptr(GListModel) list = list_where (store, "WHERE a.id = ?", id, NULL);

  return list && g_list_model_get_n_items (list) > 0 ? g_list_model_get_item (list, 0) : NULL;
}

/* The assignment @inspection_id carries out, or NULL. */
AjAssignment *
aj_assignment_load_for_inspection (AjStore    *store,
                                   const char *inspection_id)
{
  g_autoptr(GListModel) list = list_where (store,
      "WHERE a.id = (SELECT assignment FROM inspections WHERE id = ?)", inspection_id, NULL);

  return list && g_list_model_get_n_items (list) > 0 ? g_list_model_get_item (list, 0) : NULL;
}

/* The members of @self's team who confirmed their presence at @inspection_id. */
guint
aj_assignment_count_present (AjStore      *store,
                             AjAssignment *self,
                             const char   *inspection_id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT count(*) FROM inspection_team WHERE inspection_id = ? "
      "AND member IN (SELECT value FROM json_each ((SELECT team FROM assignments WHERE id = ?)))", NULL);

  if (stmt == NULL)
    return 0;
  aj_db_bind_text (stmt, 1, inspection_id);
  aj_db_bind_text (stmt, 2, self->id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
}

/* What @person still has to do: open assignments of his or her teams not
 * finished on this device, the earliest due first. */
GListModel *
aj_assignment_list_for_member (AjStore     *store,
                               const char  *person,
                               GError     **error)
{
  return list_where (store,
                     "WHERE a.status = 'open' AND EXISTS (SELECT 1 FROM json_each (a.team) WHERE value = ?1) "
                     "AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.assignment = a.id AND s.status = 'finished') "
                     "ORDER BY a.due, coalesce(i.name, a.institution), a.id",
                     person, error);
}

/* Every assignment of @draw_id, in the order drawn. */
GListModel *
aj_assignment_list_for_draw (AjStore     *store,
                             const char  *draw_id,
                             GError     **error)
{
  return list_where (store, "WHERE a.draw_id = ?1 ORDER BY a.position, a.id", draw_id, error);
}

static gboolean
insert (AjStore             *store,
        const char          *id,
        const char          *draw_id,
        const char          *institution,
        const char * const  *team,
        const char          *checklist,
        const char          *due,
        const char          *status,
        gint64               position,
        GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "INSERT INTO assignments (id, draw_id, institution, team, checklist, due, status, position) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autofree char *team_text = team_to_json (team);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, id);
  aj_db_bind_text (stmt, 2, draw_id);
  aj_db_bind_text (stmt, 3, institution);
  aj_db_bind_text (stmt, 4, team_text);
  aj_db_bind_text (stmt, 5, checklist);
  aj_db_bind_text (stmt, 6, due);
  aj_db_bind_text (stmt, 7, status);
  sqlite3_bind_int64 (stmt, 8, position);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* A device's copy replaced by the server's list (reference data), checked
 * as anything from the network: a bad element fails the whole list. */
gboolean
aj_assignment_replace_all (AjStore    *store,
                           JsonArray  *list,
                           GError    **error)
{
  if (!aj_store_begin (store, error))
    return FALSE;
  if (!aj_db_exec (aj_store_get_db (store), "DELETE FROM assignments", error))
    goto fail;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) team = NULL;
      JsonObject *o;
      JsonNode *members;
      const char *status;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;
      o = json_node_get_object (node);
      members = json_object_get_member (o, "team");
      status = aj_json_get_string (o, "status");
      if (!aj_event_schema_is_id (aj_json_get_string (o, "id")) || !aj_event_schema_is_id (aj_json_get_string (o, "draw")) ||
          !aj_event_schema_is_id (aj_json_get_string (o, "institution")) || !aj_event_schema_is_id (aj_json_get_string (o, "checklist")) ||
          !aj_is_iso_date (aj_json_get_string (o, "due")) || members == NULL || !JSON_NODE_HOLDS_ARRAY (members) ||
          (g_strcmp0 (status, "open") != 0 && g_strcmp0 (status, "done") != 0 && g_strcmp0 (status, "cancelled") != 0))
        goto invalid;
      for (guint m = 0; m < json_array_get_length (json_node_get_array (members)); m++)
        {
          JsonNode *member = json_array_get_element (json_node_get_array (members), m);
          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
              !aj_event_schema_is_id (json_node_get_string (member)))
            goto invalid;
          g_strv_builder_add (builder, json_node_get_string (member));
        }
      team = g_strv_builder_end (builder);
      if (!insert (store, aj_json_get_string (o, "id"), aj_json_get_string (o, "draw"),
                   aj_json_get_string (o, "institution"), (const char * const *) team,
                   aj_json_get_string (o, "checklist"), aj_json_get_string (o, "due"), status, i, error))
        goto fail;
      continue;

    invalid:
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Assignment %u from the server is not valid"), i + 1);
      goto fail;
    }
  return aj_store_commit (store, error);

fail:
  aj_store_rollback (store);
  return FALSE;
}

/* One assignment per institution of @draw, for its team, in the order
 * drawn. The open assignments of the draw it replaces are cancelled: a
 * redraw takes their place (what was done stays done). */
gboolean
aj_assignment_make_for_draw (AjStore       *store,
                             AjDrawRecord  *draw,
                             const char    *checklist,
                             const char    *due,
                             GError       **error)
{
  AjDrawResult *result = aj_draw_record_get_result (draw);

  if (!aj_event_schema_is_id (checklist) || !aj_is_iso_date (due))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("An assignment needs a checklist id and a due date (YYYY-MM-DD)"));
      return FALSE;
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  if (aj_draw_record_get_replaces (draw) != NULL)
    {
      g_autoptr(sqlite3_stmt) cancel = aj_db_prepare (aj_store_get_db (store),
          "UPDATE assignments SET status = 'cancelled' WHERE draw_id = ? AND status = 'open'", error);
      if (cancel == NULL)
        goto fail;
      aj_db_bind_text (cancel, 1, aj_draw_record_get_replaces (draw));
      if (!aj_db_step_done (aj_store_get_db (store), cancel, error))
        goto fail;
    }
  for (guint i = 0; i < aj_draw_result_get_n_teams (result); i++)
    {
      g_autofree char *id = aj_uuid7_new ();

      if (!insert (store, id, aj_draw_record_get_id (draw), aj_draw_result_get_institution (result, i),
                   aj_draw_result_get_team (result, i), checklist, due, "open", i, error))
        goto fail;
    }
  return aj_store_commit (store, error);

fail:
  aj_store_rollback (store);
  return FALSE;
}

/* Starts the inspection of @self by @author in spot-check mode, and records
 * each member of @present (whose PINs the caller checked) as confirmed:
 * at least two, all of the team, @author among them. Returns its id. */
char *
aj_assignment_start (AjStore             *store,
                     AjAssignment        *self,
                     AjChecklist         *checklist,
                     const char          *author,
                     const char * const  *present,
                     GError             **error)
{
  g_autofree char *id = NULL;
  guint n = present ? g_strv_length ((char **) present) : 0;

  if (n < 2)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("A spot check needs at least two inspectors of the team present"));
      return NULL;
    }
  if (!g_strv_contains (present, author))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("The person who starts the spot check must be present"));
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    if (!aj_assignment_has_member (self, present[i]))
      {
        g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("%s is not in this assignment's team"), present[i]);
        return NULL;
      }
  if (g_strcmp0 (self->status, "open") != 0 || aj_assignment_is_finished (self))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("This assignment is closed"));
      return NULL;
    }
  if (g_strcmp0 (aj_checklist_get_id (checklist), self->checklist) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("This assignment is done with the checklist %s"),
                   self->checklist);
      return NULL;
    }

  if (!aj_store_begin (store, error))
    return NULL;
  id = aj_inspection_start_assigned (store, author, self->institution, "spot_check", checklist, self->id, error);
  if (id == NULL)
    goto fail;
  for (guint i = 0; i < n; i++)
    if (!aj_team_confirm (store, id, present[i], error))
      goto fail;
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&id);

fail:
  aj_store_rollback (store);
  return NULL;
}
