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
char         *aj_db_dump_table  (sqlite3      *db,
                                 const char   *table,
                                 GError      **error);

G_END_DECLS
