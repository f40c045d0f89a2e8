/* aj-roster.c: the inspector roster: read as list models, written one
 * checked row at a time by the importers (aj-register-io, the registry). */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-register-row.h"
#include "aj-roster.h"

struct _AjInspector
{
  GObject   parent_instance;
  char     *id, *name, *department, *certificate;
  char    **counties, **member_of, **related_to;
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (AjInspector, aj_inspector, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_NAME, PROP_DEPARTMENT, PROP_CERTIFICATE, PROP_COUNTIES, PROP_MEMBER_OF,
       PROP_RELATED_TO, PROP_ACTIVE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
aj_inspector_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AjInspector *self = AJ_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DEPARTMENT: g_value_set_string (value, self->department); break;
    case PROP_CERTIFICATE: g_value_set_string (value, self->certificate); break;
    case PROP_COUNTIES: g_value_set_boxed (value, self->counties); break;
    case PROP_MEMBER_OF: g_value_set_boxed (value, self->member_of); break;
    case PROP_RELATED_TO: g_value_set_boxed (value, self->related_to); break;
    case PROP_ACTIVE: g_value_set_boolean (value, self->active); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_inspector_finalize (GObject *object)
{
  AjInspector *self = AJ_INSPECTOR (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->department);
  g_free (self->certificate);
  g_strfreev (self->counties);
  g_strfreev (self->member_of);
  g_strfreev (self->related_to);
  G_OBJECT_CLASS (aj_inspector_parent_class)->finalize (object);
}

static void
aj_inspector_class_init (AjInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aj_inspector_finalize;
  object_class->get_property = aj_inspector_get_property;
  /* Read-only: a snapshot of the roster row, for rows and pages to bind to. */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DEPARTMENT] = g_param_spec_string ("department", NULL, NULL, NULL, flags);
  properties[PROP_CERTIFICATE] = g_param_spec_string ("certificate", NULL, NULL, NULL, flags);
  properties[PROP_COUNTIES] = g_param_spec_boxed ("counties", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_MEMBER_OF] = g_param_spec_boxed ("member-of", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_RELATED_TO] = g_param_spec_boxed ("related-to", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aj_inspector_init (AjInspector *self)
{
}

const char *aj_inspector_get_id (AjInspector *self) { return self->id; }
const char *aj_inspector_get_name (AjInspector *self) { return self->name; }
const char *aj_inspector_get_department (AjInspector *self) { return self->department; }
const char *aj_inspector_get_certificate (AjInspector *self) { return self->certificate; }
const char * const *aj_inspector_get_counties (AjInspector *self) { return (const char * const *) self->counties; }
const char * const *aj_inspector_get_member_of (AjInspector *self) { return (const char * const *) self->member_of; }
const char * const *aj_inspector_get_related_to (AjInspector *self) { return (const char * const *) self->related_to; }
gboolean aj_inspector_get_active (AjInspector *self) { return self->active; }

/* The rule of 回避 and of the counties, as the draw applies it. */
gboolean
aj_inspector_may_inspect (AjInspector *self,
                          const char  *institution,
                          const char  *county)
{
  return self->active &&
         (g_strv_contains ((const char * const *) self->counties, "*") ||
          g_strv_contains ((const char * const *) self->counties, county)) &&
         !g_strv_contains ((const char * const *) self->member_of, institution) &&
         !g_strv_contains ((const char * const *) self->related_to, institution);
}

static JsonArray *
strv_array (char **strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

/* The inspector in the JSON of data/registry.json's "inspectors". */
JsonObject *
aj_inspector_to_json (AjInspector *self)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "name", self->name);
  json_object_set_string_member (o, "department", self->department);
  json_object_set_string_member (o, "certificate", self->certificate);
  json_object_set_array_member (o, "counties", strv_array (self->counties));
  json_object_set_array_member (o, "member_of", strv_array (self->member_of));
  json_object_set_array_member (o, "related_to", strv_array (self->related_to));
  json_object_set_boolean_member (o, "active", self->active);
  return o;
}

static char **
split_column (sqlite3_stmt *stmt,
              int           column)
{
  const char *text = aj_db_col_text (stmt, column);

  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, "\x1f", -1);
}

/* One row per inspector; lists joined with the unit separator, sorted. */
#define INSPECTOR_SELECT \
  "SELECT i.id, i.name, i.department, i.certificate, i.active, " \
  "  (SELECT group_concat(county, char(31)) FROM (SELECT county FROM inspector_counties " \
  "     WHERE inspector = i.id ORDER BY county)), " \
  "  (SELECT group_concat(institution, char(31)) FROM (SELECT institution FROM inspector_relations " \
  "     WHERE inspector = i.id AND relation = 'member' ORDER BY institution)), " \
  "  (SELECT group_concat(institution, char(31)) FROM (SELECT institution FROM inspector_relations " \
  "     WHERE inspector = i.id AND relation = 'related' ORDER BY institution)) " \
  "FROM inspectors i "

static AjInspector *
inspector_from_row (sqlite3_stmt *stmt)
{
  AjInspector *self = g_object_new (AJ_TYPE_INSPECTOR, NULL);

  self->id = aj_db_col_dup (stmt, 0);
  self->name = aj_db_col_dup (stmt, 1);
  self->department = aj_db_col_dup (stmt, 2);
  self->certificate = aj_db_col_dup (stmt, 3);
  self->active = sqlite3_column_int (stmt, 4) != 0;
  self->counties = split_column (stmt, 5);
  self->member_of = split_column (stmt, 6);
  self->related_to = split_column (stmt, 7);
  return self;
}

/* Every inspector on the roster, active or not, by id. */
GListModel *
aj_roster_list_inspectors (AjStore  *store,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), INSPECTOR_SELECT "ORDER BY i.id", error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_INSPECTOR);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjInspector) inspector = inspector_from_row (stmt);
      g_list_store_append (list, inspector);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

AjInspector *
aj_roster_get_inspector (AjStore    *store,
                         const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), INSPECTOR_SELECT "WHERE i.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return inspector_from_row (stmt);
  return NULL;
}

/* Empties the roster; the caller holds the transaction. */
gboolean
aj_roster_clear (AjStore  *store,
                 GError  **error)
{
  return aj_db_exec (aj_store_get_db (store),
                     "DELETE FROM inspector_relations; DELETE FROM inspector_counties; DELETE FROM inspectors;",
                     error);
}

static gboolean
insert_pairs (sqlite3     *db,
              const char  *sql,
              const char  *id,
              JsonArray   *items,
              const char  *relation,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      sqlite3_reset (stmt);
      aj_db_bind_text (stmt, 1, id);
      aj_db_bind_text (stmt, 2, json_array_get_string_element (items, i));
      if (relation != NULL)
        aj_db_bind_text (stmt, 3, relation);
      if (!aj_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Adds one inspector (any row the JSON or CSV importers read); the caller
 * holds the transaction. An institution named in member_of or related_to
 * must be in the register: a misspelt code would silently undo a 回避.
 * The error names the field, the caller the line. */
gboolean
aj_roster_insert (AjStore     *store,
                  JsonObject  *row,
                  GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(JsonObject) checked = aj_register_row_inspector (row, error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *lists[] = { "member_of", "related_to" };
  const char *id;

  if (checked == NULL)
    return FALSE;
  id = json_object_get_string_member (checked, "id");
  if (aj_db_query_int (db, "SELECT count(*) FROM inspectors WHERE id = ?", id, 0) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("field “id”: “%s” is on the roster twice"), id);
      return FALSE;
    }
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *codes = json_object_get_array_member (checked, lists[l]);
      for (guint i = 0; i < json_array_get_length (codes); i++)
        if (aj_db_query_int (db, "SELECT count(*) FROM institutions WHERE code = ?",
                             json_array_get_string_element (codes, i), 0) == 0)
          {
            g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("field “%s”: no institution “%s” in the register"),
                         lists[l], json_array_get_string_element (codes, i));
            return FALSE;
          }
    }

  stmt = aj_db_prepare (db, "INSERT INTO inspectors (id, name, department, certificate, active) VALUES (?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, id);
  aj_db_bind_text (stmt, 2, json_object_get_string_member (checked, "name"));
  aj_db_bind_text (stmt, 3, json_object_get_string_member (checked, "department"));
  aj_db_bind_text (stmt, 4, json_object_get_string_member (checked, "certificate"));
  sqlite3_bind_int (stmt, 5, json_object_get_boolean_member (checked, "active"));
  return aj_db_step_done (db, stmt, error) &&
         insert_pairs (db, "INSERT OR IGNORE INTO inspector_counties (inspector, county) VALUES (?, ?)", id,
                       json_object_get_array_member (checked, "counties"), NULL, error) &&
         insert_pairs (db, "INSERT OR IGNORE INTO inspector_relations (inspector, institution, relation) VALUES (?, ?, ?)",
                       id, json_object_get_array_member (checked, "member_of"), "member", error) &&
         insert_pairs (db, "INSERT OR IGNORE INTO inspector_relations (inspector, institution, relation) VALUES (?, ?, ?)",
                       id, json_object_get_array_member (checked, "related_to"), "related", error);
}
