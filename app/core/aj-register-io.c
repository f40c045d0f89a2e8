/* aj-register-io.c: registers in and out as CSV (RFC 4180, UTF-8, a header
 * of field names, lists in a cell separated by ";") and JSON (a list of
 * objects, bare or under "institutions" / "inspectors" as in registry.json).
 * An import replaces the whole register in one transaction and stops at the
 * first bad line, saying which line and which field: a bad file changes
 * nothing. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-register-io.h"
#include "aj-register-row.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-util.h"

#define UTF8_BOM "\xEF\xBB\xBF"

typedef struct
{
  guint      line;      /* where the record starts, from 1 */
  GPtrArray *cells;     /* of char * */
} Record;

static void
record_free (gpointer data)
{
  Record *r = data;

  g_ptr_array_unref (r->cells);
  g_free (r);
}

/* RFC 4180 records; empty lines skipped. NULL with the line of a quote left open. */
static GPtrArray *
csv_parse (const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (record_free);
  g_autoptr(GString) cell = g_string_new (NULL);
  Record *current = NULL;
  gboolean quoted = FALSE, was_quoted = FALSE;
  guint line = 1, quote_line = 0;
  gsize i = 0;

  if (length >= 3 && memcmp (text, UTF8_BOM, 3) == 0)
    i = 3;
  for (; i <= length; i++)
    {
      char c = i < length ? text[i] : '\n';
      gboolean end = i == length;

      if (quoted && !end)
        {
          if (c == '"' && i + 1 < length && text[i + 1] == '"')
            {
              g_string_append_c (cell, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                line++;
              g_string_append_c (cell, c);
            }
          continue;
        }
      if (quoted && end)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line %u: a quoted field is not closed"), quote_line);
          return NULL;
        }
      if (c == '"' && cell->len == 0 && !was_quoted)
        {
          quoted = was_quoted = TRUE;
          quote_line = line;
          if (current == NULL)
            {
              current = g_new0 (Record, 1);
              current->line = line;
              current->cells = g_ptr_array_new_with_free_func (g_free);
            }
          continue;
        }
      if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
        continue;
      if (c == ',' || c == '\n' || c == '\r')
        {
          if (current == NULL && c != ',' && cell->len == 0)
            {
              /* an empty line */
              if (!end)
                line++;
              continue;
            }
          if (current == NULL)
            {
              current = g_new0 (Record, 1);
              current->line = line;
              current->cells = g_ptr_array_new_with_free_func (g_free);
            }
          g_ptr_array_add (current->cells, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          was_quoted = FALSE;
          if (c != ',')
            {
              g_ptr_array_add (records, current);
              current = NULL;
              if (!end)
                line++;
            }
          continue;
        }
      if (current == NULL)
        {
          current = g_new0 (Record, 1);
          current->line = line;
          current->cells = g_ptr_array_new_with_free_func (g_free);
        }
      g_string_append_c (cell, c);
    }
  return g_steal_pointer (&records);
}

/* One RFC 4180 cell: quoted when it holds a comma, a quote, a line end or
 * white space at either end. */
void
aj_csv_append_cell (GString    *out,
                    const char *text)
{
  if (strpbrk (text, ",\"\r\n") != NULL || g_ascii_isspace (text[0]) ||
      (*text && g_ascii_isspace (text[strlen (text) - 1])))
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
}

static const char * const *
fields_of (AjRegister which)
{
  return which == AJ_REGISTER_INSTITUTIONS ? aj_register_institution_fields : aj_register_inspector_fields;
}

static const char *
list_name (AjRegister which)
{
  return which == AJ_REGISTER_INSTITUTIONS ? "institutions" : "inspectors";
}

static gboolean
insert_row (AjStore     *store,
            AjRegister   which,
            JsonObject  *row,
            GError     **error)
{
  return which == AJ_REGISTER_INSTITUTIONS ? aj_registry_insert_institution (store, row, error)
                                           : aj_roster_insert (store, row, error);
}

static gboolean
import_csv (AjStore     *store,
            AjRegister   which,
            const char  *text,
            gsize        length,
            guint       *n_rows,
            GError     **error)
{
  g_autoptr(GPtrArray) records = csv_parse (text, length, error);
  GPtrArray *header;

  if (records == NULL)
    return FALSE;
  if (records->len == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line 1: the file is empty; it needs a header of field names"));
      return FALSE;
    }
  header = ((Record *) g_ptr_array_index (records, 0))->cells;
  for (guint c = 0; c < header->len; c++)
    {
      g_strstrip (header->pdata[c]);
      if (!aj_register_field_is_known (fields_of (which), header->pdata[c]))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) fields_of (which));
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line %u: unknown column “%s” (the columns are: %s)"),
                       ((Record *) g_ptr_array_index (records, 0))->line, (char *) header->pdata[c], known);
          return FALSE;
        }
      for (guint d = 0; d < c; d++)
        if (g_str_equal (header->pdata[c], header->pdata[d]))
          {
            g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line %u: column “%s” appears twice"),
                         ((Record *) g_ptr_array_index (records, 0))->line, (char *) header->pdata[c]);
            return FALSE;
          }
    }
  for (guint r = 1; r < records->len; r++)
    {
      Record *record = g_ptr_array_index (records, r);
      g_autoptr(JsonObject) row = json_object_new ();

      if (record->cells->len != header->len)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line %u: %u fields, but the header has %u"),
                       record->line, record->cells->len, header->len);
          return FALSE;
        }
      for (guint c = 0; c < header->len; c++)
        json_object_set_string_member (row, header->pdata[c], record->cells->pdata[c]);
      if (!insert_row (store, which, row, error))
        {
          g_prefix_error (error, _("line %u, "), record->line);
          return FALSE;
        }
      (*n_rows)++;
    }
  return TRUE;
}

static gboolean
import_json (AjStore     *store,
             AjRegister   which,
             const char  *text,
             gsize        length,
             guint       *n_rows,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) lines = NULL;
  JsonNode *root, *list = NULL;
  const char *key = "";
  GArray *starts;

  if (!aj_json_check_depth (text, length, AJ_JSON_MAX_DEPTH, error) ||
      !json_parser_load_from_data (parser, text, length, error))
    return FALSE;   /* json-glib's message names the line */
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    list = root;
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      key = list_name (which);
      list = json_object_get_member (json_node_get_object (root), key);
    }
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line 1: the file must hold a list, or an object with a list “%s”"),
                   list_name (which));
      return FALSE;
    }
  lines = aj_register_json_element_lines (text, length);
  starts = g_hash_table_lookup (lines, key);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (list), i);
      guint line = starts && i < starts->len ? g_array_index (starts, guint, i) : 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("element %u of “%s” is not an object"), i + 1, list_name (which));
          return FALSE;
        }
      if (!insert_row (store, which, json_node_get_object (element), error))
        {
          g_prefix_error (error, _("line %u (element %u), "), line, i + 1);
          return FALSE;
        }
      (*n_rows)++;
    }
  return TRUE;
}

/* CSV for .csv, JSON for .json (any case). */
gboolean
aj_register_format_for_path (const char       *path,
                             AjRegisterFormat *format)
{
  g_autofree char *lower = g_ascii_strdown (path ? path : "", -1);

  if (g_str_has_suffix (lower, ".csv"))
    *format = AJ_REGISTER_CSV;
  else if (g_str_has_suffix (lower, ".json"))
    *format = AJ_REGISTER_JSON;
  else
    return FALSE;
  return TRUE;
}

/* Replaces the register @which with the rows of @text; @n_rows (may be
 * NULL) gets their number. Errors start with the line: "line 7, field
 * “credit”: “bad” is not normal, watch or dishonest". The roster is read
 * against the institution register (import institutions first). */
gboolean
aj_register_import (AjStore           *store,
                    AjRegister         which,
                    AjRegisterFormat   format,
                    const char        *text,
                    gsize              length,
                    guint             *n_rows,
                    GError           **error)
{
  guint rows = 0;
  gboolean ok;

  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The file is not UTF-8 text (save it as “CSV UTF-8”)"));
      return FALSE;
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  ok = aj_db_exec (aj_store_get_db (store),
                   which == AJ_REGISTER_INSTITUTIONS ? "DELETE FROM institutions" : "SELECT 1", error) &&
       (which == AJ_REGISTER_INSTITUTIONS || aj_roster_clear (store, error)) &&
       (format == AJ_REGISTER_CSV ? import_csv (store, which, text, length, &rows, error)
                                  : import_json (store, which, text, length, &rows, error));
  if (!ok)
    {
      aj_store_rollback (store);
      return FALSE;
    }
  if (!aj_store_commit (store, error))
    return FALSE;
  if (n_rows != NULL)
    *n_rows = rows;
  return TRUE;
}

gboolean
aj_register_import_file (AjStore     *store,
                         AjRegister   which,
                         const char  *path,
                         guint       *n_rows,
                         GError     **error)
{
  g_autofree char *text = NULL;
  AjRegisterFormat format;
  gsize length;

  if (!aj_register_format_for_path (path, &format))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("%s: a register is a .csv or a .json file"), path);
      return FALSE;
    }
  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  if (!aj_register_import (store, which, format, text, length, n_rows, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

static char *
cell_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GPtrArray) items = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (items, (gpointer) json_array_get_string_element (array, i));
      g_ptr_array_add (items, NULL);
      return g_strjoinv (";", (char **) items->pdata);
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  return g_strdup (json_node_get_string (node));
}

/* The register in canonical order (institutions by code, inspectors by id):
 * CSV with a UTF-8 byte order mark (so that spreadsheets read the Chinese)
 * and CRLF line ends, or JSON that aj_register_import reads back. */
char *
aj_register_export (AjStore           *store,
                    AjRegister         which,
                    AjRegisterFormat   format,
                    GError           **error)
{
  g_autoptr(GListModel) model = which == AJ_REGISTER_INSTITUTIONS
                                ? aj_registry_list_institutions_by_code (store, error)
                                : aj_roster_list_inspectors (store, error);
  g_autoptr(JsonArray) rows = json_array_new ();
  const char * const *fields = fields_of (which);
  GString *out;

  if (model == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      json_array_add_object_element (rows, which == AJ_REGISTER_INSTITUTIONS
                                           ? aj_institution_to_json (AJ_INSTITUTION (item))
                                           : aj_inspector_to_json (AJ_INSPECTOR (item)));
    }

  if (format == AJ_REGISTER_JSON)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      JsonObject *root = json_object_new ();

      json_object_set_array_member (root, list_name (which), json_array_ref (rows));
      json_node_take_object (node, root);
      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      json_generator_set_indent (generator, 2);
      return json_generator_to_data (generator, NULL);
    }

  out = g_string_new (UTF8_BOM);
  for (guint f = 0; fields[f] != NULL; f++)
    {
      if (f > 0)
        g_string_append_c (out, ',');
      g_string_append (out, fields[f]);
    }
  g_string_append (out, "\r\n");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      for (guint f = 0; fields[f] != NULL; f++)
        {
          g_autofree char *text = cell_text (json_object_get_member (row, fields[f]));
          if (f > 0)
            g_string_append_c (out, ',');
          aj_csv_append_cell (out, text);
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}
