/* aj-db.h: thin helpers over the SQLite C API, with errors as GError. */
#pragma once

#if !defined (AJ_STORE_COMPILATION)
# error "aj-db.h is private to storage code (core, the server's storage unit, tests): use the named functions of core"
#endif

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean      aj_db_exec        (sqlite3      *db,
                                 const char   *sql,
                                 GError      **error);
sqlite3_stmt *aj_db_prepare     (sqlite3      *db,
                                 const char   *sql,
                                 GError      **error);
gboolean      aj_db_step_done   (sqlite3      *db,
                                 sqlite3_stmt *stmt,
                                 GError      **error);
void          aj_db_set_error   (sqlite3      *db,
                                 GError      **error,
                                 const char   *what);
void          aj_db_bind_text   (sqlite3_stmt *stmt,
                                 int           index,
                                 const char   *text);
char         *aj_db_col_dup     (sqlite3_stmt *stmt,
                                 int           index);
const char   *aj_db_col_text    (sqlite3_stmt *stmt,
                                 int           index);
gint64        aj_db_query_int   (sqlite3      *db,
                                 const char   *sql,
                                 const char   *arg,
                                 gint64        fallback);
gint64        aj_db_query_int_cached (sqlite3 *db,
                                      const char *sql,
                                      const char *arg,
                                      gint64      fallback);
char         *aj_db_dump_table  (sqlite3      *db,
                                 const char   *table,
                                 GError      **error);

/* Prepared statements kept per connection, for the queries that run for
 * every event (append, projection, numbering): compiling them afresh was
 * half of all instructions. A cached statement comes reset and unbound;
 * hand it back with aj_db_release (the AjDbCached autoptr does) as soon as
 * its rows are read, and always before a COMMIT, so that no read stays
 * open across it and the WAL can be checkpointed. aj_db_cache_clear
 * finalizes a connection's statements before it is closed. */
typedef sqlite3_stmt AjDbCached;

AjDbCached   *aj_db_cached      (sqlite3      *db,
                                 const char   *sql,
                                 GError      **error);
void          aj_db_release     (AjDbCached   *stmt);
gboolean      aj_db_exec_cached (sqlite3      *db,
                                 const char   *sql,
                                 GError      **error);
void          aj_db_cache_clear (sqlite3      *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDbCached, aj_db_release)

G_END_DECLS
