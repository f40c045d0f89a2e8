/* aj-department.c: departments as read-only objects over the departments
 * table (data/sql/0017-documents.sql), and one registry row checked and
 * added. The registry import holds the transaction. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-department.h"
#include "aj-error.h"
#include "aj-register-row.h"
#include "aj-util.h"

struct _AjDepartment
{
  GObject  parent_instance;
  char    *id, *name, *seal_text, *number_prefix, *county;
  int      escalation_overdue_days;
};

G_DEFINE_FINAL_TYPE (AjDepartment, aj_department, G_TYPE_OBJECT)

static const AjFieldProperty aj_department_fields[] = {
  { "id", G_STRUCT_OFFSET (AjDepartment, id) },
  { "name", G_STRUCT_OFFSET (AjDepartment, name) },
  { "seal-text", G_STRUCT_OFFSET (AjDepartment, seal_text) },
  { "number-prefix", G_STRUCT_OFFSET (AjDepartment, number_prefix) },
  { "county", G_STRUCT_OFFSET (AjDepartment, county) },
};

#define PROP_OVERDUE_DAYS (G_N_ELEMENTS (aj_department_fields) + 1)

static void
aj_department_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  if (aj_get_field_property (object, aj_department_fields, G_N_ELEMENTS (aj_department_fields), prop_id, value))
    return;
  if (prop_id == PROP_OVERDUE_DAYS)
    g_value_set_int (value, ((AjDepartment *) object)->escalation_overdue_days);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_department_finalize (GObject *object)
{
  AjDepartment *self = (AjDepartment *) object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->seal_text);
  g_free (self->number_prefix);
  g_free (self->county);
  G_OBJECT_CLASS (aj_department_parent_class)->finalize (object);
}

static void
aj_department_class_init (AjDepartmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_department_finalize;
  object_class->get_property = aj_department_get_property;
  aj_install_field_properties (object_class, aj_department_fields, G_N_ELEMENTS (aj_department_fields));
  g_object_class_install_property (object_class, PROP_OVERDUE_DAYS,
      g_param_spec_int ("escalation-overdue-days", NULL, NULL, 1, 365, 15, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
aj_department_init (AjDepartment *self)
{
  self->escalation_overdue_days = 15;
}

const char *aj_department_get_id (AjDepartment *self) { return self->id; }
const char *aj_department_get_name (AjDepartment *self) { return self->name; }
const char *aj_department_get_seal_text (AjDepartment *self) { return self->seal_text; }
const char *aj_department_get_number_prefix (AjDepartment *self) { return self->number_prefix; }
const char *aj_department_get_county (AjDepartment *self) { return self->county; }
int         aj_department_get_escalation_overdue_days (AjDepartment *self) { return self->escalation_overdue_days; }

/* As in data/registry.json's "departments". */
JsonObject *
aj_department_to_json (AjDepartment *self)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "name", self->name);
  json_object_set_string_member (o, "seal_text", self->seal_text);
  json_object_set_string_member (o, "number_prefix", self->number_prefix);
  json_object_set_string_member (o, "county", self->county);
  json_object_set_int_member (o, "escalation_overdue_days", self->escalation_overdue_days);
  return o;
}

#define DEPARTMENT_COLUMNS "id, name, seal_text, number_prefix, county, escalation_overdue_days"

static AjDepartment *
department_from_row (sqlite3_stmt *stmt)
{
  AjDepartment *self = g_object_new (AJ_TYPE_DEPARTMENT, NULL);

  self->id = aj_db_col_dup (stmt, 0);
  self->name = aj_db_col_dup (stmt, 1);
  self->seal_text = aj_db_col_dup (stmt, 2);
  self->number_prefix = aj_db_col_dup (stmt, 3);
  self->county = aj_db_col_dup (stmt, 4);
  self->escalation_overdue_days = sqlite3_column_int (stmt, 5);
  return self;
}

AjDepartment *
aj_department_load (AjStore    *store,
                    const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " DEPARTMENT_COLUMNS " FROM departments WHERE id = ?", NULL);

  if (stmt == NULL || id == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return department_from_row (stmt);
  return NULL;
}

GListModel *
aj_department_list (AjStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " DEPARTMENT_COLUMNS " FROM departments ORDER BY id", NULL);
  GListStore *list = g_list_store_new (AJ_TYPE_DEPARTMENT);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjDepartment) department = department_from_row (stmt);
      g_list_store_append (list, department);
    }
  return G_LIST_MODEL (list);
}

gboolean
aj_department_insert (AjStore     *store,
                      JsonObject  *row,
                      GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(JsonObject) o = aj_register_row_department (row, error);
  g_autoptr(sqlite3_stmt) ins = NULL;

  if (o == NULL)
    return FALSE;
  if (aj_db_query_int (db, "SELECT count(*) FROM departments WHERE id = ?",
                       json_object_get_string_member (o, "id"), 0) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("field “id”: “%s” is in the register twice"),
                   json_object_get_string_member (o, "id"));
      return FALSE;
    }
  ins = aj_db_prepare (db, "INSERT INTO departments (" DEPARTMENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)", error);
  if (ins == NULL)
    return FALSE;
  aj_db_bind_text (ins, 1, json_object_get_string_member (o, "id"));
  aj_db_bind_text (ins, 2, json_object_get_string_member (o, "name"));
  aj_db_bind_text (ins, 3, json_object_get_string_member (o, "seal_text"));
  aj_db_bind_text (ins, 4, json_object_get_string_member (o, "number_prefix"));
  aj_db_bind_text (ins, 5, json_object_get_string_member (o, "county"));
  sqlite3_bind_int64 (ins, 6, json_object_get_int_member (o, "escalation_overdue_days"));
  return aj_db_step_done (db, ins, error);
}
