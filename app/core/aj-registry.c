/* aj-registry.c: the registry of institutions and people: imported from the
 * bundled sample or from the server, read as list models, PINs checked. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "aj-db.h"
#include "aj-department.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-register-row.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-util.h"

struct _AjInstitution
{
  GObject  parent_instance;
  char    *code, *name, *type, *county, *township, *address, *head, *safety_officer, *phone, *credit;
  char    *ownership, *last_spot_check, *department, *credit_code;
  int      beds;
  gboolean fire_key_unit;
};

G_DEFINE_FINAL_TYPE (AjInstitution, aj_institution, G_TYPE_OBJECT)

/* Read-only: a snapshot of its row, for rows and pages to bind to. */
static const AjFieldProperty aj_institution_fields[] = {
  { "code", G_STRUCT_OFFSET (AjInstitution, code) },
  { "name", G_STRUCT_OFFSET (AjInstitution, name) },
  { "type", G_STRUCT_OFFSET (AjInstitution, type) },
  { "county", G_STRUCT_OFFSET (AjInstitution, county) },
  { "township", G_STRUCT_OFFSET (AjInstitution, township) },
  { "address", G_STRUCT_OFFSET (AjInstitution, address) },
  { "head", G_STRUCT_OFFSET (AjInstitution, head) },
  { "safety-officer", G_STRUCT_OFFSET (AjInstitution, safety_officer) },
  { "phone", G_STRUCT_OFFSET (AjInstitution, phone) },
  { "credit", G_STRUCT_OFFSET (AjInstitution, credit) },
  { "ownership", G_STRUCT_OFFSET (AjInstitution, ownership) },
  { "last-spot-check", G_STRUCT_OFFSET (AjInstitution, last_spot_check) },
  { "department", G_STRUCT_OFFSET (AjInstitution, department) },
  { "credit-code", G_STRUCT_OFFSET (AjInstitution, credit_code) },
};

static void
aj_institution_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  if (aj_get_field_property (object, aj_institution_fields, G_N_ELEMENTS (aj_institution_fields), prop_id, value))
    return;
  if (prop_id == G_N_ELEMENTS (aj_institution_fields) + 1)
    g_value_set_int (value, ((AjInstitution *) object)->beds);
  else if (prop_id == G_N_ELEMENTS (aj_institution_fields) + 2)
    g_value_set_boolean (value, ((AjInstitution *) object)->fire_key_unit);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_institution_finalize (GObject *object)
{
  AjInstitution *self = (AjInstitution *) object;

  g_free (self->code);
  g_free (self->name);
  g_free (self->type);
  g_free (self->county);
  g_free (self->township);
  g_free (self->address);
  g_free (self->head);
  g_free (self->safety_officer);
  g_free (self->phone);
  g_free (self->credit);
  g_free (self->ownership);
  g_free (self->last_spot_check);
  g_free (self->department);
  g_free (self->credit_code);
  G_OBJECT_CLASS (aj_institution_parent_class)->finalize (object);
}

static void
aj_institution_class_init (AjInstitutionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_institution_finalize;
  object_class->get_property = aj_institution_get_property;
  aj_install_field_properties (object_class, aj_institution_fields, G_N_ELEMENTS (aj_institution_fields));
  g_object_class_install_property (object_class, G_N_ELEMENTS (aj_institution_fields) + 1,
      g_param_spec_int ("beds", NULL, NULL, 0, G_MAXINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, G_N_ELEMENTS (aj_institution_fields) + 2,
      g_param_spec_boolean ("fire-key-unit", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
aj_institution_init (AjInstitution *self)
{
}

struct _AjUser
{
  GObject  parent_instance;
  char    *id, *name, *role, *institution, *post;
};

G_DEFINE_FINAL_TYPE (AjUser, aj_user, G_TYPE_OBJECT)

/* Read-only: a snapshot of its row, for rows and pages to bind to. */
static const AjFieldProperty aj_user_fields[] = {
  { "id", G_STRUCT_OFFSET (AjUser, id) },
  { "name", G_STRUCT_OFFSET (AjUser, name) },
  { "role", G_STRUCT_OFFSET (AjUser, role) },
  { "institution", G_STRUCT_OFFSET (AjUser, institution) },
  { "post", G_STRUCT_OFFSET (AjUser, post) },
};

static void
aj_user_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  if (!aj_get_field_property (object, aj_user_fields, G_N_ELEMENTS (aj_user_fields), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_user_finalize (GObject *object)
{
  AjUser *self = (AjUser *) object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->role);
  g_free (self->institution);
  g_free (self->post);
  G_OBJECT_CLASS (aj_user_parent_class)->finalize (object);
}

static void
aj_user_class_init (AjUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_user_finalize;
  object_class->get_property = aj_user_get_property;
  aj_install_field_properties (object_class, aj_user_fields, G_N_ELEMENTS (aj_user_fields));
}

static void
aj_user_init (AjUser *self)
{
}

const char *aj_institution_get_code (AjInstitution *self) { return self->code; }
const char *aj_institution_get_name (AjInstitution *self) { return self->name; }
const char *aj_institution_get_kind (AjInstitution *self) { return self->type; }
const char *aj_institution_get_county (AjInstitution *self) { return self->county; }
const char *aj_institution_get_township (AjInstitution *self) { return self->township; }
const char *aj_institution_get_address (AjInstitution *self) { return self->address; }
int         aj_institution_get_beds (AjInstitution *self) { return self->beds; }
const char *aj_institution_get_head (AjInstitution *self) { return self->head; }
const char *aj_institution_get_safety_officer (AjInstitution *self) { return self->safety_officer; }
const char *aj_institution_get_phone (AjInstitution *self) { return self->phone; }
const char *aj_institution_get_ownership (AjInstitution *self) { return self->ownership; }
gboolean    aj_institution_is_fire_key_unit (AjInstitution *self) { return self->fire_key_unit; }
const char *aj_institution_get_last_spot_check (AjInstitution *self) { return self->last_spot_check; }
const char *aj_institution_get_department (AjInstitution *self) { return self->department; }
const char *aj_institution_get_credit_code (AjInstitution *self) { return self->credit_code; }

AjCreditGrade
aj_institution_get_credit (AjInstitution *self)
{
  AjCreditGrade grade = AJ_CREDIT_NORMAL;

  aj_credit_grade_parse (self->credit, &grade);
  return grade;
}

/* Watched (重点监管) or dishonest (失信): shown with a badge. */
gboolean
aj_institution_is_low_credit (AjInstitution *self)
{
  return aj_institution_get_credit (self) != AJ_CREDIT_NORMAL;
}

/* The institution in the JSON of data/registry.json's "institutions". */
JsonObject *
aj_institution_to_json (AjInstitution *self)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "code", self->code);
  json_object_set_string_member (o, "name", self->name);
  json_object_set_string_member (o, "type", self->type);
  json_object_set_string_member (o, "county", self->county);
  json_object_set_string_member (o, "township", self->township);
  json_object_set_string_member (o, "address", self->address);
  json_object_set_int_member (o, "beds", self->beds);
  json_object_set_string_member (o, "head", self->head);
  json_object_set_string_member (o, "safety_officer", self->safety_officer);
  json_object_set_string_member (o, "phone", self->phone);
  json_object_set_string_member (o, "credit", aj_credit_grade_to_string (aj_institution_get_credit (self)));
  json_object_set_string_member (o, "ownership", self->ownership);
  json_object_set_boolean_member (o, "fire_key_unit", self->fire_key_unit);
  json_object_set_string_member (o, "last_spot_check", self->last_spot_check);
  json_object_set_string_member (o, "department", self->department);
  json_object_set_string_member (o, "credit_code", self->credit_code);
  return o;
}

const char *aj_user_get_id (AjUser *self) { return self->id; }
const char *aj_user_get_name (AjUser *self) { return self->name; }
const char *aj_user_get_role (AjUser *self) { return self->role; }
const char *aj_user_get_institution (AjUser *self) { return self->institution; }
const char *aj_user_get_post (AjUser *self) { return self->post; }

/* Case-insensitive match on name, code, county or township. */
gboolean
aj_institution_matches (AjInstitution *self,
                        const char    *query)
{
  g_autofree char *needle = NULL;
  const char *fields[] = { self->name, self->code, self->county, self->township };

  if (query == NULL || *query == '\0')
    return TRUE;
  needle = g_utf8_casefold (query, -1);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *hay = g_utf8_casefold (fields[i] ? fields[i] : "", -1);
      if (strstr (hay, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

const char *
aj_institution_type_label (const char *type)
{
  if (g_strcmp0 (type, "elder_care") == 0)
    return _("Elder-care institution");
  if (g_strcmp0 (type, "township_home") == 0)
    return _("Township home for the elderly");
  if (g_strcmp0 (type, "day_care") == 0)
    return _("Community day-care centre");
  if (g_strcmp0 (type, "child_welfare") == 0)
    return _("Child-welfare institution");
  if (g_strcmp0 (type, "rescue_station") == 0)
    return _("Rescue and shelter station");
  return type ? type : "";
}

const char *
aj_user_role_label (const char *role)
{
  if (g_strcmp0 (role, "inspector") == 0)
    return _("Inspector");
  if (g_strcmp0 (role, "institution_head") == 0)
    return _("Institution head");
  if (g_strcmp0 (role, "institution_staff") == 0)
    return _("Institution staff");
  if (g_strcmp0 (role, "admin") == 0)
    return _("Administrator");
  return role ? role : "";
}

static const char *
str_member (JsonObject *o,
            const char *member)
{
  const char *value = aj_json_get_string (o, member);
  return value ? value : "";
}

/* Says which element of which list (and on which line) an error is about;
 * sets one when the element was not an object at all. */
static void
prefix_element_error (GError     **error,
                      GHashTable  *lines,
                      const char  *list,
                      guint        index,
                      const char  *what)
{
  GArray *starts = lines ? g_hash_table_lookup (lines, list) : NULL;
  guint line = starts && index < starts->len ? g_array_index (starts, guint, index) : 0;

  if (error != NULL && *error == NULL)
    g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("is not an object"));
  if (line > 0)
    g_prefix_error (error, _("Registry: line %u, %s %u: "), line, what, index + 1);
  else
    g_prefix_error (error, _("Registry: %s %u: "), what, index + 1);
}

/* Adds one institution (a row of registry.json, or of a CSV file as text)
 * after checking every field; the caller holds the transaction. The error
 * names the field, the caller the line. */
gboolean
aj_registry_insert_institution (AjStore     *store,
                                JsonObject  *row,
                                GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(JsonObject) o = aj_register_row_institution (row, error);
  g_autoptr(sqlite3_stmt) ins = NULL;
  static const char * const texts[] = {
    "code", "name", "type", "county", "township", "address", "head", "safety_officer", "phone", "credit",
    "ownership", "last_spot_check", "department", "credit_code"
  };

  if (o == NULL)
    return FALSE;
  if (aj_db_query_int (db, "SELECT count(*) FROM institutions WHERE code = ?",
                       json_object_get_string_member (o, "code"), 0) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("field “code”: “%s” is in the register twice"),
                   json_object_get_string_member (o, "code"));
      return FALSE;
    }
  ins = aj_db_prepare (db,
      "INSERT INTO institutions (code, name, type, county, township, address, head, safety_officer, phone, credit, "
      "  ownership, last_spot_check, department, credit_code, beds, fire_key_unit) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (ins == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    aj_db_bind_text (ins, i + 1, json_object_get_string_member (o, texts[i]));
  sqlite3_bind_int64 (ins, G_N_ELEMENTS (texts) + 1, json_object_get_int_member (o, "beds"));
  sqlite3_bind_int (ins, G_N_ELEMENTS (texts) + 2, json_object_get_boolean_member (o, "fire_key_unit"));
  return aj_db_step_done (db, ins, error);
}

/* Replaces the whole registry in one transaction: a bad file changes nothing.
 * The roster is replaced too when the file has an "inspectors" list. */
gboolean
aj_registry_import_data (AjStore     *store,
                         const char  *text,
                         gsize        length,
                         const char  *source,
                         GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(sqlite3_stmt) usr = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonArray *institutions, *users, *inspectors = NULL, *departments = NULL;
  g_autoptr(GHashTable) lines = NULL;

  if (!aj_json_check_depth (text, length, AJ_JSON_MAX_DEPTH, error) ||
      !json_parser_load_from_data (parser, text, length, error))
    {
      g_prefix_error (error, _("Registry: "));
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Registry: the file must hold one JSON object"));
      return FALSE;
    }
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "institutions") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "institutions")) ||
      !json_object_has_member (object, "users") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "users")))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Registry: “institutions” and “users” must both be lists"));
      return FALSE;
    }
  institutions = json_object_get_array_member (object, "institutions");
  users = json_object_get_array_member (object, "users");
  if (json_object_has_member (object, "inspectors"))
    {
      if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "inspectors")))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Registry: “inspectors” must be a list"));
          return FALSE;
        }
      inspectors = json_object_get_array_member (object, "inspectors");
    }
  if (json_object_has_member (object, "departments"))
    {
      if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "departments")))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Registry: “departments” must be a list"));
          return FALSE;
        }
      departments = json_object_get_array_member (object, "departments");
    }

  if (!aj_store_begin (store, error))
    return FALSE;
  if (!aj_db_exec (db, "DELETE FROM institutions; DELETE FROM users;", error))
    goto fail;

  usr = aj_db_prepare (db,
      "INSERT INTO users (id, name, role, county, institution, pin_hash, post) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (usr == NULL)
    goto fail;

  lines = aj_register_json_element_lines (text, length);
  /* A registry of an earlier version names no departments and keeps none. */
  if (!aj_db_exec (db, "DELETE FROM departments", error))
    goto fail;
  for (guint i = 0; departments != NULL && i < json_array_get_length (departments); i++)
    {
      JsonNode *element = json_array_get_element (departments, i);

      if (!JSON_NODE_HOLDS_OBJECT (element) || !aj_department_insert (store, json_node_get_object (element), error))
        {
          prefix_element_error (error, lines, "departments", i, _("department"));
          goto fail;
        }
    }
  for (guint i = 0; i < json_array_get_length (institutions); i++)
    {
      JsonNode *element = json_array_get_element (institutions, i);

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !aj_registry_insert_institution (store, json_node_get_object (element), error))
        {
          prefix_element_error (error, lines, "institutions", i, _("institution"));
          goto fail;
        }
    }

  /* With departments listed, every institution names one of them. */
  if (departments != NULL)
    {
      g_autoptr(sqlite3_stmt) orphan = aj_db_prepare (db,
          "SELECT code, department FROM institutions "
          "WHERE department NOT IN (SELECT id FROM departments) ORDER BY code LIMIT 1", error);
      if (orphan == NULL)
        goto fail;
      if (sqlite3_step (orphan) == SQLITE_ROW)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                       _("Registry: institution “%s” names the department “%s”, which is not in “departments”"),
                       aj_db_col_text (orphan, 0), aj_db_col_text (orphan, 1));
          goto fail;
        }
    }

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *element = json_array_get_element (users, i);
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Registry: user %u is not an object"), i + 1);
          goto fail;
        }
      o = json_node_get_object (element);
      if (*str_member (o, "id") == '\0' || *str_member (o, "name") == '\0' ||
          *str_member (o, "role") == '\0' || !aj_registry_pin_hash_is_valid (str_member (o, "pin_hash")))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                       _("Registry: user %u needs an id, a name, a role and a PIN hash"), i + 1);
          goto fail;
        }
      sqlite3_reset (usr);
      aj_db_bind_text (usr, 1, str_member (o, "id"));
      aj_db_bind_text (usr, 2, str_member (o, "name"));
      aj_db_bind_text (usr, 3, str_member (o, "role"));
      aj_db_bind_text (usr, 4, aj_json_get_string (o, "county"));
      aj_db_bind_text (usr, 5, aj_json_get_string (o, "institution"));
      aj_db_bind_text (usr, 6, str_member (o, "pin_hash"));
      aj_db_bind_text (usr, 7, str_member (o, "post"));
      if (!aj_db_step_done (db, usr, error))
        {
          g_prefix_error (error, _("Registry: user “%s”: "), str_member (o, "id"));
          goto fail;
        }
    }

  /* A registry without a roster (as the server sends it to kiosks) leaves
   * the roster as it is. */
  if (inspectors != NULL)
    {
      if (!aj_roster_clear (store, error))
        goto fail;
      for (guint i = 0; i < json_array_get_length (inspectors); i++)
        {
          JsonNode *element = json_array_get_element (inspectors, i);

          if (!JSON_NODE_HOLDS_OBJECT (element) || !aj_roster_insert (store, json_node_get_object (element), error))
            {
              prefix_element_error (error, lines, "inspectors", i, _("inspector"));
              goto fail;
            }
        }
    }

  /* PIN changes are events: the latest one of each person stands over the
   * registry's hash (an administrator resets a PIN with the same event). */
  if (!aj_db_exec (db,
                   "UPDATE users SET pin_hash = (SELECT json_extract(e.body, '$.pin_hash') FROM events e "
                   "  WHERE e.type = 'user.pin_changed' AND e.subject = users.id AND e.refused_code IS NULL "
                   "  ORDER BY e.hlc DESC, e.device_id DESC, e.id DESC LIMIT 1) "
                   "WHERE id IN (SELECT subject FROM events WHERE type = 'user.pin_changed' AND refused_code IS NULL)",
                   error))
    goto fail;
  if (!aj_store_set_meta (store, "registry_source", source, error))
    goto fail;
  return aj_store_commit (store, error);

fail:
  aj_store_rollback (store);
  return FALSE;
}

gboolean
aj_registry_import_file (AjStore     *store,
                         const char  *path,
                         const char  *source,
                         GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  return aj_registry_import_data (store, text, length, source, error);
}

gboolean
aj_registry_is_empty (AjStore *store)
{
  return aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM institutions", NULL, 0) == 0;
}

static AjInstitution *
institution_from_row (sqlite3_stmt *stmt)
{
  AjInstitution *self = g_object_new (AJ_TYPE_INSTITUTION, NULL);

  self->code = aj_db_col_dup (stmt, 0);
  self->name = aj_db_col_dup (stmt, 1);
  self->type = aj_db_col_dup (stmt, 2);
  self->county = aj_db_col_dup (stmt, 3);
  self->township = aj_db_col_dup (stmt, 4);
  self->address = aj_db_col_dup (stmt, 5);
  self->beds = sqlite3_column_int (stmt, 6);
  self->head = aj_db_col_dup (stmt, 7);
  self->safety_officer = aj_db_col_dup (stmt, 8);
  self->phone = aj_db_col_dup (stmt, 9);
  self->credit = aj_db_col_dup (stmt, 10);
  self->ownership = aj_db_col_dup (stmt, 11);
  self->fire_key_unit = sqlite3_column_int (stmt, 12) != 0;
  self->last_spot_check = aj_db_col_dup (stmt, 13);
  self->department = aj_db_col_dup (stmt, 14);
  self->credit_code = aj_db_col_dup (stmt, 15);
  return self;
}

#define INSTITUTION_COLUMNS "code, name, type, county, township, address, beds, head, safety_officer, phone, credit, " \
                            "ownership, fire_key_unit, last_spot_check, department, credit_code"

static GListModel *
list_institutions (AjStore     *store,
                   const char  *sql,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), sql, error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_INSTITUTION);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjInstitution) inst = institution_from_row (stmt);
      g_list_store_append (list, inst);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

GListModel *
aj_registry_list_institutions (AjStore  *store,
                               GError  **error)
{
  return list_institutions (store, "SELECT " INSTITUTION_COLUMNS " FROM institutions ORDER BY county, code", error);
}

/* The register in canonical order (by code), as exports write it. */
GListModel *
aj_registry_list_institutions_by_code (AjStore  *store,
                                       GError  **error)
{
  return list_institutions (store, "SELECT " INSTITUTION_COLUMNS " FROM institutions ORDER BY code", error);
}

/* The institutions a hazard ledger can be filtered by: those with hazards. */
GListModel *
aj_registry_list_institutions_with_hazards (AjStore  *store,
                                            GError  **error)
{
  return list_institutions (store,
                            "SELECT " INSTITUTION_COLUMNS " FROM institutions "
                            "WHERE EXISTS (SELECT 1 FROM hazards h WHERE h.institution = code) ORDER BY county, code", error);
}

AjInstitution *
aj_registry_get_institution (AjStore    *store,
                             const char *code)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " INSTITUTION_COLUMNS " FROM institutions WHERE code = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, code);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return institution_from_row (stmt);
  return NULL;
}

/* The contract's name for it: the department of a registry. */
AjDepartment *
aj_registry_get_department (AjStore    *store,
                            const char *id)
{
  return aj_department_load (store, id);
}

static AjUser *
user_from_row (sqlite3_stmt *stmt)
{
  AjUser *self = g_object_new (AJ_TYPE_USER, NULL);

  self->id = aj_db_col_dup (stmt, 0);
  self->name = aj_db_col_dup (stmt, 1);
  self->role = aj_db_col_dup (stmt, 2);
  self->institution = aj_db_col_dup (stmt, 3);
  self->post = aj_db_col_dup (stmt, 4);
  return self;
}

GListModel *
aj_registry_list_users (AjStore  *store,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT id, name, role, institution, post FROM users "
      "ORDER BY CASE role WHEN 'inspector' THEN 0 WHEN 'institution_head' THEN 1 "
      "WHEN 'institution_staff' THEN 2 ELSE 3 END, id", error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_USER);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjUser) user = user_from_row (stmt);
      g_list_store_append (list, user);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

AjUser *
aj_registry_get_user (AjStore    *store,
                      const char *id)
{
  /* Cached: every pushed event's author is looked up. */
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (store),
      "SELECT id, name, role, institution, post FROM users WHERE id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return user_from_row (stmt);
  return NULL;
}

/* PINs: Argon2id (libsodium's crypto_pwhash_str, a per-hash random salt and
 * its parameters stored in the string). Two passes over 64 MiB take about
 * 0.2 s here: slow enough that a copied database does not give up six-digit
 * PINs in seconds, quick enough for a sign-in. Hashes of the first release
 * (one SHA-256 over "anjian-pin:ID:PIN") still verify, and are replaced by an
 * Argon2id hash at the next correct PIN. */
#define PIN_OPSLIMIT     2
#define PIN_MEMLIMIT     (64u * 1024 * 1024)
#define PIN_MAX_FAILURES 5
#define PIN_LOCK_SECONDS 60

static gboolean
sodium_ready (void)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      ok = sodium_init () >= 0;
      g_once_init_leave (&done, 1);
    }
  return ok;
}

static char *
pin_text (const char *user_id,
          const char *pin)
{
  return g_strdup_printf ("anjian-pin:%s:%s", user_id, pin ? pin : "");
}

gboolean
aj_registry_pin_hash_is_valid (const char *hash)
{
  return aj_is_sha256_hex (hash) ||
         (hash != NULL && g_str_has_prefix (hash, "$argon2id$") && strlen (hash) < crypto_pwhash_STRBYTES);
}

char *
aj_registry_hash_pin (const char *user_id,
                      const char *pin)
{
  g_autofree char *text = pin_text (user_id, pin);
  char out[crypto_pwhash_STRBYTES];

  if (!sodium_ready () ||
      crypto_pwhash_str (out, text, strlen (text), PIN_OPSLIMIT, PIN_MEMLIMIT) != 0)
    g_error ("Cannot hash a PIN: out of memory");
  return g_strdup (out);
}

static gboolean
pin_matches (const char *stored,
             const char *user_id,
             const char *pin,
             gboolean   *outdated)
{
  g_autofree char *text = pin_text (user_id, pin);

  *outdated = FALSE;
  if (aj_is_sha256_hex (stored))
    {
      g_autofree char *legacy = aj_sha256_hex (text, strlen (text));
      *outdated = TRUE;
      return sodium_memcmp (legacy, stored, 64) == 0;
    }
  if (!aj_registry_pin_hash_is_valid (stored) || !sodium_ready () ||
      crypto_pwhash_str_verify (stored, text, strlen (text)) != 0)
    return FALSE;
  *outdated = crypto_pwhash_str_needs_rehash (stored, PIN_OPSLIMIT, PIN_MEMLIMIT) != 0;
  return TRUE;
}

static gboolean
record_attempt (AjStore     *store,
                const char  *user_id,
                gboolean     success,
                gint64       now,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), success ?
      "DELETE FROM pin_attempts WHERE user_id = :user" :
      "INSERT INTO pin_attempts (user_id, failures, locked_until) VALUES (:user, 1, 0) "
      "ON CONFLICT (user_id) DO UPDATE SET "
      "  locked_until = CASE WHEN failures + 1 >= :max THEN :now + :lock ELSE locked_until END, "
      "  failures = CASE WHEN failures + 1 >= :max THEN 0 ELSE failures + 1 END", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":user"), user_id);
  if (!success)
    {
      sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":max"), PIN_MAX_FAILURES);
      sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":now"), now);
      sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":lock"), PIN_LOCK_SECONDS);
    }
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* Seconds until @user_id may try a PIN again; 0 when not locked. */
int
aj_registry_pin_locked_for (AjStore    *store,
                            const char *user_id)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 until = aj_db_query_int (aj_store_get_db (store),
                                  "SELECT locked_until FROM pin_attempts WHERE user_id = ?", user_id, 0);

  return until > now ? (int) (until - now) : 0;
}

/* Checks @pin for @user_id. Failures are stored with the store, so a restart
 * does not reset them: after five wrong PINs in a row the person is locked
 * out for a minute (AJ_ERROR_LOCKED). */
AjUser *
aj_registry_check_pin (AjStore     *store,
                       const char  *user_id,
                       const char  *pin,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT pin_hash FROM users WHERE id = ?", error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *stored = NULL;
  gboolean outdated = FALSE;
  int locked;

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, user_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("This person is not in the registry"));
      return NULL;
    }
  stored = aj_db_col_dup (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if ((locked = aj_registry_pin_locked_for (store, user_id)) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_LOCKED,
                   ngettext ("Too many wrong PINs. Try again in %d second.",
                             "Too many wrong PINs. Try again in %d seconds.", locked), locked);
      return NULL;
    }
  if (!pin_matches (stored, user_id, pin, &outdated))
    {
      if (!record_attempt (store, user_id, FALSE, now, error))
        return NULL;
      if ((locked = aj_registry_pin_locked_for (store, user_id)) > 0)
        g_set_error (error, AJ_ERROR, AJ_ERROR_LOCKED,
                     _("Too many wrong PINs. Sign-in is locked for one minute."));
      else
        g_set_error (error, AJ_ERROR, AJ_ERROR_WRONG_PIN, _("Wrong PIN. Please try again."));
      return NULL;
    }
  if (!record_attempt (store, user_id, TRUE, now, error))
    return NULL;
  if (outdated)
    {
      /* Upgrade to Argon2id now that the PIN is known to be right. */
      g_autofree char *upgraded = aj_registry_hash_pin (user_id, pin);
      g_autoptr(sqlite3_stmt) update = aj_db_prepare (aj_store_get_db (store),
          "UPDATE users SET pin_hash = ? WHERE id = ?", error);
      if (update == NULL)
        return NULL;
      aj_db_bind_text (update, 1, upgraded);
      aj_db_bind_text (update, 2, user_id);
      if (!aj_db_step_done (aj_store_get_db (store), update, error))
        return NULL;
    }
  return aj_registry_get_user (store, user_id);
}

/* A PIN a person can remember and others cannot guess at once: six digits,
 * not one digit six times, not a run up or down. */
static gboolean
pin_is_acceptable (const char *pin)
{
  gboolean same = TRUE, up = TRUE, down = TRUE;

  if (pin == NULL || strlen (pin) != 6)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  for (guint i = 1; i < 6; i++)
    {
      same = same && pin[i] == pin[0];
      up = up && pin[i] == pin[i - 1] + 1;
      down = down && pin[i] == pin[i - 1] - 1;
    }
  return !same && !up && !down;
}

/* A person changes his or her own PIN (@old_pin checked, with the same
 * lock-out as sign-in), or an administrator (@author) sets a new one for a
 * person who forgot it (@old_pin NULL). Recorded as an event carrying only
 * the new Argon2id hash, so that every device and the server learn it. */
gboolean
aj_registry_change_pin (AjStore     *store,
                        const char  *author,
                        const char  *user_id,
                        const char  *old_pin,
                        const char  *new_pin,
                        GError     **error)
{
  g_autoptr(AjUser) actor = aj_registry_get_user (store, author);
  g_autoptr(AjUser) checked = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *hash = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;

  if (actor == NULL || (g_strcmp0 (author, user_id) != 0 && g_strcmp0 (aj_user_get_role (actor), "admin") != 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("Only the person or an administrator may change a PIN."));
      return FALSE;
    }
  if (g_strcmp0 (author, user_id) == 0)
    {
      checked = aj_registry_check_pin (store, user_id, old_pin, error);
      if (checked == NULL)
        return FALSE;
    }
  if (!pin_is_acceptable (new_pin))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Choose six digits that are not all the same and not a run such as 123456."));
      return FALSE;
    }
  hash = aj_registry_hash_pin (user_id, new_pin);
  json_object_set_string_member (body, "pin_hash", hash);
  json_object_set_string_member (body, "at", at);
  event = aj_store_append (store, "user.pin_changed", user_id, author, body, error);
  return event != NULL;
}

/* Whether @scope covers @institution: a county scope is resolved through the
 * registry, so a device never widens its scope by naming a county in an event. */
gboolean
aj_registry_scope_allows (AjStore       *store,
                          const AjScope *scope,
                          const char    *institution)
{
  g_autoptr(AjInstitution) known = NULL;
  const char * const *codes;

  switch (aj_scope_get_kind (scope))
    {
    case AJ_SCOPE_ALL:
      return TRUE;
    case AJ_SCOPE_COUNTY:
      known = institution ? aj_registry_get_institution (store, institution) : NULL;
      return known != NULL && g_strcmp0 (aj_institution_get_county (known), aj_scope_get_county (scope)) == 0;
    case AJ_SCOPE_INSTITUTIONS:
      codes = aj_scope_get_institutions (scope);
      return institution != NULL && codes != NULL && g_strv_contains (codes, institution);
    case AJ_SCOPE_NONE:
    default:
      return FALSE;
    }
}
