/* aj-db.c: SQLite helpers shared by the store, the projections and the queries. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-error.h"

void
aj_db_set_error (sqlite3    *db,
                 GError    **error,
                 const char *what)
{
  int code = sqlite3_extended_errcode (db);

  if ((code & 0xff) == SQLITE_FULL)
    g_set_error (error, AJ_ERROR, AJ_ERROR_DATABASE,
                 _("%s: the disk is full; nothing was saved"), what);
  else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                 _("%s: the database file is damaged (%s)"), what, sqlite3_errmsg (db));
  else
    g_set_error (error, AJ_ERROR, AJ_ERROR_DATABASE,
                 _("%s: %s"), what, sqlite3_errmsg (db));
}

gboolean
aj_db_exec (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, AJ_ERROR,
                   (sqlite3_errcode (db) & 0xff) == SQLITE_CORRUPT ||
                   (sqlite3_errcode (db) & 0xff) == SQLITE_NOTADB ? AJ_ERROR_CORRUPT : AJ_ERROR_DATABASE,
                   _("%s"), msg ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
aj_db_prepare (sqlite3     *db,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      aj_db_set_error (db, error, "Cannot prepare a query");
      return NULL;
    }
  return stmt;
}

gboolean
aj_db_step_done (sqlite3      *db,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      aj_db_set_error (db, error, "Cannot write to the database");
      return FALSE;
    }
  return TRUE;
}

void
aj_db_bind_text (sqlite3_stmt *stmt,
                 int           index,
                 const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

const char *
aj_db_col_text (sqlite3_stmt *stmt,
                int           index)
{
  const char *text = (const char *) sqlite3_column_text (stmt, index);
  return text ? text : "";
}

char *
aj_db_col_dup (sqlite3_stmt *stmt,
               int           index)
{
  const char *text = (const char *) sqlite3_column_text (stmt, index);
  return text ? g_strdup (text) : NULL;
}

gint64
aj_db_query_int (sqlite3    *db,
                 const char *sql,
                 const char *arg,
                 gint64      fallback)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 value = fallback;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fallback;
  if (arg != NULL)
    aj_db_bind_text (stmt, 1, arg);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  return value;
}

/* aj_db_query_int for a constant text asked often: compiled once per
 * connection (never for text built at run time, which would fill the
 * cache). */
gint64
aj_db_query_int_cached (sqlite3    *db,
                        const char *sql,
                        const char *arg,
                        gint64      fallback)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (db, sql, NULL);
  gint64 value = fallback;

  if (stmt == NULL)
    return fallback;
  if (arg != NULL)
    aj_db_bind_text (stmt, 1, arg);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  return value;
}

/* A canonical text form of a whole table, in primary-key order, used to prove
 * that rebuilding projections from events gives identical rows. */
char *
aj_db_dump_table (sqlite3     *db,
                  const char  *table,
                  GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", table);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, sql, error);
  GString *out;
  int rc;

  if (stmt == NULL)
    return NULL;
  out = g_string_new (NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);
      for (int i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (out, '|');
          if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
            g_string_append (out, "NULL");
          else
            g_string_append (out, aj_db_col_text (stmt, i));
        }
      g_string_append_c (out, '\n');
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (db, error, "Cannot read a table");
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The statement caches: one table (SQL text → statement) per connection.
 * A connection is used by one thread at a time; the lock guards the map of
 * connections only against two stores opened on two threads. */
static GMutex      cache_lock;

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static GHashTable *caches;   /* sqlite3 * → GHashTable of char * → sqlite3_stmt * */

AjDbCached *
aj_db_cached (sqlite3     *db,
              const char  *sql,
              GError     **error)
{
  GHashTable *cache;
  sqlite3_stmt *stmt;

  g_mutex_lock (&cache_lock);
  if (caches == NULL)
    caches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  cache = g_hash_table_lookup (caches, db);
  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
      g_hash_table_insert (caches, db, cache);
    }
  stmt = g_hash_table_lookup (cache, sql);
  g_mutex_unlock (&cache_lock);

  /* In use further up the stack (a query run inside the loop over its own
   * rows): a statement of its own, finalized when it is released. */
  if (stmt != NULL && sqlite3_stmt_busy (stmt))
    return aj_db_prepare (db, sql, error);
  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      aj_db_set_error (db, error, "Cannot prepare a query");
      return NULL;
    }
  g_mutex_lock (&cache_lock);
  g_hash_table_insert (cache, g_strdup (sql), stmt);
  g_mutex_unlock (&cache_lock);
  return stmt;
}

void
aj_db_release (AjDbCached *stmt)
{
  GHashTable *cache;
  gboolean cached;

  if (stmt == NULL)
    return;
  g_mutex_lock (&cache_lock);
  cache = caches ? g_hash_table_lookup (caches, sqlite3_db_handle (stmt)) : NULL;
  cached = cache != NULL && g_hash_table_lookup (cache, sqlite3_sql (stmt)) == stmt;
  g_mutex_unlock (&cache_lock);

  if (cached)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    sqlite3_finalize (stmt);
}

/* One statement without rows (BEGIN, COMMIT, SAVEPOINT …), compiled once
 * per connection: sqlite3_exec () compiles it on every transaction. */
gboolean
aj_db_exec_cached (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      aj_db_set_error (db, error, "Cannot write to the database");
      return FALSE;
    }
  return TRUE;
}

void
aj_db_cache_clear (sqlite3 *db)
{
  g_mutex_lock (&cache_lock);
  if (caches != NULL)
    g_hash_table_remove (caches, db);
  g_mutex_unlock (&cache_lock);
}
