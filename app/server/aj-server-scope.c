/* aj-server-scope.c: scopes are small JSON objects kept with each device:
 * {"all":true}, {"county":"东林县"} or {"institutions":["DLX001","DLX002"]}. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "aj-db.h"
#include "aj-error.h"
#include "aj-server-scope.h"
#include "aj-util.h"

/* "all", "county:NAME" or "institutions:CODE,CODE" from the command line. */
char *
aj_scope_from_spec (const char  *spec,
                    GError     **error)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (spec == NULL || g_str_equal (spec, "all"))
    json_object_set_boolean_member (o, "all", TRUE);
  else if (g_str_has_prefix (spec, "county:") && spec[7] != '\0')
    json_object_set_string_member (o, "county", spec + 7);
  else if ((g_str_has_prefix (spec, "institutions:") && spec[13] != '\0') ||
           (g_str_has_prefix (spec, "institution:") && spec[12] != '\0'))
    {
      g_auto(GStrv) codes = g_strsplit (strchr (spec, ':') + 1, ",", -1);
      JsonArray *array = json_array_new ();
      for (guint i = 0; codes[i]; i++)
        if (*g_strstrip (codes[i]))
          json_array_add_string_element (array, codes[i]);
      json_object_set_array_member (o, "institutions", array);
    }
  else
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   "Unknown scope “%s”: use all, county:NAME or institutions:CODE,CODE", spec);
      return NULL;
    }
  json_node_set_object (node, json_object_ref (o));
  return aj_json_to_string (node);
}

/* An SQL condition on events.institution, or NULL for everything. */
char *
aj_scope_to_sql (const char *scope_json)
{
  g_autoptr(JsonObject) o = aj_json_parse_object (scope_json, NULL);
  const char *county;
  JsonArray *codes;
  GString *sql;

  if (o == NULL)
    return g_strdup ("0");
  if (aj_json_get_bool (o, "all", FALSE))
    return NULL;
  county = aj_json_get_string (o, "county");
  if (county != NULL)
    {
      char *quoted = sqlite3_mprintf ("%Q", county);
      char *result = g_strdup_printf ("institution IN (SELECT code FROM institutions WHERE county = %s)", quoted);
      sqlite3_free (quoted);
      return result;
    }
  if (!json_object_has_member (o, "institutions") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "institutions")))
    return g_strdup ("0");
  codes = json_object_get_array_member (o, "institutions");
  sql = g_string_new ("institution IN (");
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      const char *code = json_array_get_string_element (codes, i);
      char *quoted = sqlite3_mprintf ("%Q", code ? code : "");
      g_string_append_printf (sql, "%s%s", i ? ", " : "", quoted);
      sqlite3_free (quoted);
    }
  g_string_append (sql, json_array_get_length (codes) ? ")" : "NULL)");
  return g_string_free (sql, FALSE);
}

gboolean
aj_scope_allows (sqlite3    *db,
                 const char *scope_json,
                 const char *institution)
{
  g_autofree char *condition = aj_scope_to_sql (scope_json);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (condition == NULL)
    return TRUE;
  if (institution == NULL)
    return FALSE;
  /* The condition names the column "institution": give it one. */
  sql = g_strdup_printf ("SELECT 1 FROM (SELECT ? AS institution) WHERE %s", condition);
  stmt = aj_db_prepare (db, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, institution);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

char *
aj_scope_describe (const char *scope_json)
{
  g_autoptr(JsonObject) o = aj_json_parse_object (scope_json, NULL);

  if (o == NULL)
    return g_strdup ("none");
  if (aj_json_get_bool (o, "all", FALSE))
    return g_strdup ("all");
  if (aj_json_get_string (o, "county"))
    return g_strdup_printf ("county:%s", aj_json_get_string (o, "county"));
  if (json_object_has_member (o, "institutions"))
    {
      JsonArray *codes = json_object_get_array_member (o, "institutions");
      GString *s = g_string_new ("institutions:");
      for (guint i = 0; i < json_array_get_length (codes); i++)
        g_string_append_printf (s, "%s%s", i ? "," : "", json_array_get_string_element (codes, i));
      return g_string_free (s, FALSE);
    }
  return g_strdup ("none");
}
