/* aj-numbering.c: a document's number is given once, in the transaction
 * that records it. A granted number is the next one above the highest this
 * device has given (number_counters, which only grows) within its blocks;
 * without one left, the number carries the device's tag and its own count.
 * The server, which grants the blocks, checks every claim (see
 * aj_numbering_check_claim). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-department.h"
#include "aj-doc-number.h"
#include "aj-error.h"
#include "aj-numbering.h"
#include "aj-util.h"

void
aj_document_number_free (AjDocumentNumber *number)
{
  if (number == NULL)
    return;
  g_free (number->kind);
  g_free (number->subject);
  g_free (number->visit);
  g_free (number->number);
  g_free (number->department);
  g_free (number->issued_on);
  g_strfreev (number->inspectors);
  g_free (number);
}

static char **
ids_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *ids = g_ptr_array_new ();
  JsonNode *root;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *a = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          const char *id = json_array_get_string_element (a, i);
          if (id != NULL)
            g_ptr_array_add (ids, g_strdup (id));
        }
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

AjDocumentNumber *
aj_numbering_lookup (AjStore    *store,
                     const char *kind,
                     const char *subject,
                     const char *visit)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT number, department, year, coalesce(seq, 0), issued_on, inspectors FROM documents "
      "WHERE kind = ? AND subject = ? AND visit = ?", NULL);
  AjDocumentNumber *n;

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, kind);
  aj_db_bind_text (stmt, 2, subject);
  aj_db_bind_text (stmt, 3, visit ? visit : "");
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  n = g_new0 (AjDocumentNumber, 1);
  n->kind = g_strdup (kind);
  n->subject = g_strdup (subject);
  n->visit = g_strdup (visit ? visit : "");
  n->number = aj_db_col_dup (stmt, 0);
  n->department = aj_db_col_dup (stmt, 1);
  n->year = sqlite3_column_int (stmt, 2);
  n->seq = sqlite3_column_int64 (stmt, 3);
  n->issued_on = aj_db_col_dup (stmt, 4);
  n->inspectors = ids_from_json (aj_db_col_text (stmt, 5));
  return n;
}

/* The next granted number above @last_given in this device's blocks, or 0. */
static gint64
next_granted (sqlite3    *db,
              const char *device_id,
              const char *department,
              int         year,
              gint64      last_given)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db,
      "SELECT min(max(first, ?4 + 1)) FROM number_blocks "
      "WHERE device_id = ?1 AND department = ?2 AND year = ?3 AND last > ?4", NULL);

  if (stmt == NULL)
    return 0;
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, department);
  sqlite3_bind_int (stmt, 3, year);
  sqlite3_bind_int64 (stmt, 4, last_given);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}

static gint64
counter (sqlite3    *db,
         const char *column,
         const char *department,
         int         year)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM number_counters WHERE department = ? AND year = ?", column);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, sql, NULL);

  if (stmt == NULL)
    return 0;
  aj_db_bind_text (stmt, 1, department);
  sqlite3_bind_int (stmt, 2, year);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
set_counter (sqlite3     *db,
             const char  *column,
             const char  *department,
             int          year,
             gint64       value,
             GError     **error)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO number_counters (department, year, %s) VALUES (?, ?, ?) "
      "ON CONFLICT (department, year) DO UPDATE SET %s = max(%s, excluded.%s)", column, column, column, column);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, department);
  sqlite3_bind_int (stmt, 2, year);
  sqlite3_bind_int64 (stmt, 3, value);
  return aj_db_step_done (db, stmt, error);
}

/* Gives @subject's document of @kind (and @visit) its number, unless it has
 * one: then that one, unchanged. Records who is named on it. Issued today,
 * China time. */
AjDocumentNumber *
aj_numbering_issue (AjStore             *store,
                    const char          *author,
                    const char          *kind,
                    const char          *subject,
                    const char          *visit,
                    const char          *department,
                    const char * const  *inspectors,
                    GError             **error)
{
  g_autofree char *today = aj_doc_number_china_today ();

  return aj_numbering_issue_on (store, author, kind, subject, visit, department, inspectors, today, error);
}

/* The same, issued on @today (YYYY-MM-DD): its year is the sequence's. */
AjDocumentNumber *
aj_numbering_issue_on (AjStore             *store,
                       const char          *author,
                       const char          *kind,
                       const char          *subject,
                       const char          *visit,
                       const char          *department,
                       const char * const  *inspectors,
                       const char          *today,
                       GError             **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(AjDepartment) dept = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *number = NULL;
  g_autofree char *event = NULL;
  AjDocumentNumber *existing;
  JsonArray *names;
  gint64 seq, tagged = 0;
  int year;

  if ((existing = aj_numbering_lookup (store, kind, subject, visit)) != NULL)
    return existing;
  dept = aj_department_load (store, department);
  if (dept == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("The institution belongs to no inspecting department in the registry, so the document "
                     "cannot be numbered; the office adds the department to the registry"));
      return NULL;
    }
  if (!aj_store_begin (store, error))
    return NULL;
  year = aj_doc_number_year_of (today);
  seq = next_granted (db, aj_store_get_device_id (store), department, year, counter (db, "last_seq", department, year));
  if (seq > 0)
    number = aj_doc_number_format (aj_department_get_number_prefix (dept), year, seq);
  else
    {
      g_autofree char *tag = aj_doc_number_device_tag (aj_store_get_device_id (store));
      tagged = counter (db, "last_tagged", department, year) + 1;
      number = aj_doc_number_format_tagged (aj_department_get_number_prefix (dept), year, tag, tagged);
    }

  body = json_object_new ();
  json_object_set_string_member (body, "kind", kind);
  json_object_set_string_member (body, "number", number);
  json_object_set_string_member (body, "department", department);
  json_object_set_int_member (body, "year", year);
  if (seq > 0)
    json_object_set_int_member (body, "seq", seq);
  if (visit != NULL && *visit)
    json_object_set_string_member (body, "visit", visit);
  names = json_array_new ();
  for (guint i = 0; inspectors != NULL && inspectors[i] != NULL; i++)
    json_array_add_string_element (names, inspectors[i]);
  json_object_set_array_member (body, "inspectors", names);
  json_object_set_string_member (body, "issued_on", today);
  {
    g_autofree char *at = aj_now_iso8601 ();
    json_object_set_string_member (body, "at", at);
  }

  event = aj_store_append (store, "document.numbered", subject, author, body, error);
  if (event == NULL ||
      !set_counter (db, seq > 0 ? "last_seq" : "last_tagged", department, year, seq > 0 ? seq : tagged, error) ||
      !aj_store_commit (store, error))
    {
      aj_store_rollback (store);
      return NULL;
    }
  return aj_numbering_lookup (store, kind, subject, visit);
}

/* A block the server granted this device (idempotent: granted again, the
 * same block changes nothing). */
gboolean
aj_numbering_add_block (AjStore     *store,
                        const char  *department,
                        int          year,
                        gint64       first,
                        gint64       last,
                        GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = aj_now_iso8601 ();

  if (first < 1 || last < first || year < 2000 || year > 2100)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The server granted an invalid block of numbers"));
      return FALSE;
    }
  stmt = aj_db_prepare (db, "INSERT OR IGNORE INTO number_blocks (department, year, device_id, first, last, granted_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, department);
  sqlite3_bind_int (stmt, 2, year);
  aj_db_bind_text (stmt, 3, aj_store_get_device_id (store));
  sqlite3_bind_int64 (stmt, 4, first);
  sqlite3_bind_int64 (stmt, 5, last);
  aj_db_bind_text (stmt, 6, now);
  return aj_db_step_done (db, stmt, error);
}

/* How many granted numbers this device has left of @department's @year. */
gint64
aj_numbering_remaining (AjStore    *store,
                        const char *department,
                        int         year)
{
  sqlite3 *db = aj_store_get_db (store);
  gint64 given = counter (db, "last_seq", department, year);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db,
      "SELECT coalesce(sum(last - max(first, ?4 + 1) + 1), 0) FROM number_blocks "
      "WHERE device_id = ?1 AND department = ?2 AND year = ?3 AND last > ?4", NULL);

  if (stmt == NULL)
    return 0;
  aj_db_bind_text (stmt, 1, aj_store_get_device_id (store));
  aj_db_bind_text (stmt, 2, department);
  sqlite3_bind_int (stmt, 3, year);
  sqlite3_bind_int64 (stmt, 4, given);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

/* The server's judgement of a number a device claims for @subject: the
 * institution's own department and prefix; a number in a block granted to
 * that device, or one with that device's tag; and no other document with
 * the same number. */
gboolean
aj_numbering_check_claim (AjStore     *store,
                          const char  *device_id,
                          const char  *subject,
                          JsonObject  *body,
                          GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  const char *department = aj_json_get_string (body, "department");
  const char *number = aj_json_get_string (body, "number");
  g_autoptr(AjDepartment) dept = aj_department_load (store, department);
  g_autofree char *tag = NULL;
  g_autofree char *own_tag = aj_doc_number_device_tag (device_id);
  g_autoptr(sqlite3_stmt) held = NULL;
  int year = 0;
  gint64 seq = 0;

  if (dept == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "Department %s is not in the registry", department);
      return FALSE;
    }
  {
    g_autoptr(sqlite3_stmt) own = aj_db_prepare (db,
        "SELECT count(*) FROM institutions WHERE department = ?2 AND code = "
        "(SELECT institution FROM inspections WHERE id = ?1 UNION ALL SELECT institution FROM hazards WHERE id = ?1 LIMIT 1)",
        error);
    if (own == NULL)
      return FALSE;
    aj_db_bind_text (own, 1, subject);
    aj_db_bind_text (own, 2, department);
    if (sqlite3_step (own) != SQLITE_ROW || sqlite3_column_int (own, 0) == 0)
      {
        g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                     "Document numbers of %s are not for the institution of %s", department, subject);
        return FALSE;
      }
  }
  if (!aj_doc_number_parse (number, aj_department_get_number_prefix (dept), &year, &tag, &seq) ||
      year != aj_json_get_int (body, "year", 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "“%s” is not a number of %s for %" G_GINT64_FORMAT,
                   number, department, aj_json_get_int (body, "year", 0));
      return FALSE;
    }
  if (tag != NULL)
    {
      if (!g_str_equal (tag, own_tag) || json_object_has_member (body, "seq"))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "“%s” carries the tag of another device (this one's is %s)",
                       number, own_tag);
          return FALSE;
        }
    }
  else
    {
      g_autoptr(sqlite3_stmt) block = aj_db_prepare (db,
          "SELECT count(*) FROM number_blocks WHERE device_id = ? AND department = ? AND year = ? "
          "AND ? BETWEEN first AND last", error);
      if (block == NULL)
        return FALSE;
      aj_db_bind_text (block, 1, device_id);
      aj_db_bind_text (block, 2, department);
      sqlite3_bind_int (block, 3, year);
      sqlite3_bind_int64 (block, 4, seq);
      if (aj_json_get_int (body, "seq", 0) != seq || sqlite3_step (block) != SQLITE_ROW ||
          sqlite3_column_int (block, 0) == 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                       "Number %s was not granted to this device; numbers come from the blocks the server grants",
                       number);
          return FALSE;
        }
    }
  held = aj_db_prepare (db, "SELECT subject FROM documents WHERE number = ?", error);
  if (held == NULL)
    return FALSE;
  aj_db_bind_text (held, 1, number);
  if (sqlite3_step (held) == SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "Number %s is already given to another document", number);
      return FALSE;
    }
  return TRUE;
}
