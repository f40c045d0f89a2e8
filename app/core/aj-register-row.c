/* aj-register-row.c: one register row checked field by field, so that an
 * import can say which field of which line is wrong; and the line on which
 * each element of a JSON register starts. Pure: no store. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-doc-number.h"
#include "aj-draw.h"
#include "aj-error.h"
#include "aj-register-row.h"
#include "aj-util.h"

const char * const aj_register_institution_fields[] = {
  "code", "name", "type", "county", "township", "address", "beds", "head", "safety_officer", "phone",
  "credit", "ownership", "fire_key_unit", "last_spot_check", "department", "credit_code", NULL
};

const char * const aj_register_inspector_fields[] = {
  "id", "name", "department", "certificate", "counties", "member_of", "related_to", "active", NULL
};

static const char * const institution_types[] = {
  "elder_care", "township_home", "day_care", "child_welfare", "rescue_station", NULL
};

gboolean
aj_register_field_is_known (const char * const *fields,
                            const char         *name)
{
  return g_strv_contains (fields, name);
}

/* A list in one CSV cell: items separated by ";", "；", "、" or ",". */
char **
aj_register_split_list (const char *text)
{
  g_autoptr(GRegex) separators = g_regex_new ("[;；、,，]", 0, 0, NULL);
  g_auto(GStrv) parts = g_regex_split (separators, text ? text : "", 0);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (g_strdup (parts[i]));
      gboolean seen = *item == '\0';

      for (guint j = 0; !seen && j < out->len; j++)
        seen = g_str_equal (out->pdata[j], item);
      if (seen)
        g_free (item);
      else
        g_ptr_array_add (out, item);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
field_error (GError     **error,
             const char  *field,
             const char  *message)
{
  g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("field “%s”: %s"), field, message);
  return FALSE;
}

/* @member of @row as text: a string as it is (trimmed), a number or a
 * boolean as written, absent or null as "". FALSE for lists and objects. */
static gboolean
get_text (JsonObject  *row,
          const char  *member,
          char       **out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (row, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    *out = g_strdup ("");
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    *out = g_strstrip (g_strdup (json_node_get_string (node)));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    *out = g_strdup (json_node_get_boolean (node) ? "true" : "false");
  else
    return field_error (error, member, _("must be a single value"));
  return TRUE;
}

static gboolean
get_flag (JsonObject  *row,
          const char  *member,
          gboolean     fallback,
          gboolean    *out,
          GError     **error)
{
  static const char * const yes[] = { "true", "1", "yes", "y", "是", NULL };
  static const char * const no[] = { "false", "0", "no", "n", "否", NULL };
  g_autofree char *text = NULL;
  g_autofree char *lower = NULL;

  if (!get_text (row, member, &text, error))
    return FALSE;
  lower = g_ascii_strdown (text, -1);
  if (*lower == '\0')
    *out = fallback;
  else if (g_strv_contains (yes, lower))
    *out = TRUE;
  else if (g_strv_contains (no, lower))
    *out = FALSE;
  else
    return field_error (error, member, _("must be yes or no (true/false, 1/0, 是/否)"));
  return TRUE;
}

static gboolean
get_list (JsonObject   *row,
          const char   *member,
          char       ***out,
          GError      **error)
{
  JsonNode *node = json_object_get_member (row, member);
  g_autofree char *text = NULL;

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GPtrArray *items = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_ptr_array_add (items, NULL);
              g_strfreev ((char **) g_ptr_array_free (items, FALSE));
              return field_error (error, member, _("must be a list of texts"));
            }
          if (*json_node_get_string (element) != '\0')
            g_ptr_array_add (items, g_strstrip (g_strdup (json_node_get_string (element))));
        }
      g_ptr_array_add (items, NULL);
      *out = (char **) g_ptr_array_free (items, FALSE);
      return TRUE;
    }
  if (!get_text (row, member, &text, error))
    return FALSE;
  *out = aj_register_split_list (text);
  return TRUE;
}

static JsonArray *
strv_array (char **strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

/* Checks an institution row and returns it with every field present and
 * typed: texts, "beds" a number, "fire_key_unit" a boolean, "credit" one
 * of normal, watch or dishonest. The error names the field. */
JsonObject *
aj_register_row_institution (JsonObject  *row,
                             GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  AjCreditGrade credit;
  gboolean fire = FALSE;

  for (guint i = 0; aj_register_institution_fields[i] != NULL; i++)
    {
      const char *field = aj_register_institution_fields[i];
      g_autofree char *text = NULL;

      if (g_str_equal (field, "fire_key_unit"))
        {
          if (!get_flag (row, field, FALSE, &fire, error))
            return NULL;
          json_object_set_boolean_member (out, field, fire);
          continue;
        }
      if (!get_text (row, field, &text, error))
        return NULL;
      if ((g_str_equal (field, "code") || g_str_equal (field, "name") || g_str_equal (field, "type")) &&
          *text == '\0')
        {
          field_error (error, field, _("is required"));
          return NULL;
        }
      if (g_str_equal (field, "type") && !g_strv_contains (institution_types, text))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not elder_care, township_home, day_care, "
                                                        "child_welfare or rescue_station"), text);
          field_error (error, field, message);
          return NULL;
        }
      if (g_str_equal (field, "beds"))
        {
          guint64 beds = 0;
          if (*text != '\0' && !g_ascii_string_to_unsigned (text, 10, 0, 100000, &beds, NULL))
            {
              field_error (error, field, _("must be a whole number of beds"));
              return NULL;
            }
          json_object_set_int_member (out, field, (gint64) beds);
          continue;
        }
      if (g_str_equal (field, "credit"))
        {
          if (!aj_credit_grade_parse (text, &credit))
            {
              g_autofree char *message = g_strdup_printf (_("“%s” is not normal, watch or dishonest"), text);
              field_error (error, field, message);
              return NULL;
            }
          json_object_set_string_member (out, field, aj_credit_grade_to_string (credit));
          continue;
        }
      if (g_str_equal (field, "ownership") && *text != '\0' &&
          !g_str_equal (text, "public") && !g_str_equal (text, "private"))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not public or private"), text);
          field_error (error, field, message);
          return NULL;
        }
      if (g_str_equal (field, "credit_code") && *text != '\0' && !aj_credit_code_is_valid (text))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a unified social credit code: 18 characters "
                                                        "whose last is the check character of GB 32100-2015"), text);
          field_error (error, field, message);
          return NULL;
        }
      if (g_str_equal (field, "last_spot_check") && *text != '\0' && !aj_is_iso_date (text))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a date such as 2027-03-01"), text);
          field_error (error, field, message);
          return NULL;
        }
      json_object_set_string_member (out, field, text);
    }
  return g_steal_pointer (&out);
}

/* Checks a department row (the inspecting department that issues the
 * documents): id, name, seal text and number prefix required; the days
 * overdue after which a hazard is escalated a whole number (15 when left out). */
JsonObject *
aj_register_row_department (JsonObject  *row,
                            GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  static const char * const texts[] = { "id", "name", "seal_text", "number_prefix", "county", NULL };
  g_autofree char *days = NULL;
  guint64 overdue = 15;

  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autofree char *text = NULL;

      if (!get_text (row, texts[i], &text, error))
        return NULL;
      if (*text == '\0' && !g_str_equal (texts[i], "county"))
        {
          field_error (error, texts[i], _("is required"));
          return NULL;
        }
      json_object_set_string_member (out, texts[i], text);
    }
  if (strstr (json_object_get_string_member (out, "number_prefix"), "〔") != NULL ||
      strstr (json_object_get_string_member (out, "number_prefix"), "〕") != NULL)
    {
      field_error (error, "number_prefix", _("is the text before the year, without brackets (东民安检)"));
      return NULL;
    }
  if (!get_text (row, "escalation_overdue_days", &days, error))
    return NULL;
  if (*days != '\0' && !g_ascii_string_to_unsigned (days, 10, 1, 365, &overdue, NULL))
    {
      field_error (error, "escalation_overdue_days", _("must be a whole number of days from 1 to 365"));
      return NULL;
    }
  json_object_set_int_member (out, "escalation_overdue_days", (gint64) overdue);
  return g_steal_pointer (&out);
}

/* Checks an inspector row: id, name and enforcement certificate required;
 * "counties" (at least one; "*" for all), "member_of" and "related_to" as
 * lists of texts; "active" a boolean (true when left out). */
JsonObject *
aj_register_row_inspector (JsonObject  *row,
                           GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  static const char * const required[] = { "id", "name", "certificate", NULL };
  static const char * const texts[] = { "id", "name", "department", "certificate", NULL };
  static const char * const lists[] = { "counties", "member_of", "related_to", NULL };
  gboolean active = TRUE;

  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autofree char *text = NULL;

      if (!get_text (row, texts[i], &text, error))
        return NULL;
      if (*text == '\0' && g_strv_contains (required, texts[i]))
        {
          field_error (error, texts[i], _("is required"));
          return NULL;
        }
      json_object_set_string_member (out, texts[i], text);
    }
  for (guint i = 0; lists[i] != NULL; i++)
    {
      g_auto(GStrv) items = NULL;

      if (!get_list (row, lists[i], &items, error))
        return NULL;
      if (g_str_equal (lists[i], "counties") && items[0] == NULL)
        {
          field_error (error, lists[i], _("name at least one county, or * for all"));
          return NULL;
        }
      json_object_set_array_member (out, lists[i], strv_array (items));
    }
  for (guint i = 0; json_object_get_array_member (out, "member_of") &&
                    i < json_array_get_length (json_object_get_array_member (out, "member_of")); i++)
    {
      const char *code = json_array_get_string_element (json_object_get_array_member (out, "member_of"), i);
      JsonArray *related = json_object_get_array_member (out, "related_to");

      for (guint j = 0; j < json_array_get_length (related); j++)
        if (g_str_equal (code, json_array_get_string_element (related, j)))
          {
            g_autofree char *message = g_strdup_printf (_("“%s” is already in member_of"), code);
            field_error (error, "related_to", message);
            return NULL;
          }
    }
  if (!get_flag (row, "active", TRUE, &active, error))
    return NULL;
  json_object_set_boolean_member (out, "active", active);
  return g_steal_pointer (&out);
}

/* For a JSON register: the line (from 1) on which each object element of a
 * list starts, for lists that are the document itself (key "") or members
 * of the top-level object (key: the member's name). Lets an import say
 * "line 40" of the 3rd institution. Values: GArray of guint. */
GHashTable *
aj_register_json_element_lines (const char *text,
                                gsize       length)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr(GString) stack = g_string_new (NULL);   /* '{' and '[' open now */
  g_autoptr(GString) string = g_string_new (NULL);
  g_autofree char *last_key = g_strdup ("");
  g_autofree char *list_key = NULL;
  gboolean in_string = FALSE, escaped = FALSE;
  guint line = 1;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '\n')
        line++;
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            {
              in_string = FALSE;
              if (stack->len == 1 && stack->str[0] == '{')
                {
                  g_free (last_key);
                  last_key = g_strdup (string->str);
                }
            }
          else
            g_string_append_c (string, c);
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          g_string_truncate (string, 0);
          break;
        case '[':
          if (stack->len == 0 || (stack->len == 1 && stack->str[0] == '{'))
            {
              g_free (list_key);
              list_key = g_strdup (stack->len == 0 ? "" : last_key);
            }
          g_string_append_c (stack, c);
          break;
        case '{':
          if (list_key != NULL && stack->len >= 1 && stack->str[stack->len - 1] == '[' &&
              (stack->len == 1 || (stack->len == 2 && stack->str[0] == '{')))
            {
              GArray *found = g_hash_table_lookup (lines, list_key);
              if (found == NULL)
                g_hash_table_insert (lines, g_strdup (list_key), found = g_array_new (FALSE, FALSE, sizeof (guint)));
              g_array_append_val (found, line);
            }
          g_string_append_c (stack, c);
          break;
        case ']':
        case '}':
          if (stack->len > 0)
            g_string_truncate (stack, stack->len - 1);
          break;
        default:
          break;
        }
    }
  return lines;
}
