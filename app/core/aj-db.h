/* aj-db.h: thin helpers over the SQLite C API, with errors as GError. */
#pragma once

#if !defined (AJ_STORE_COMPILATION)
# error "aj-db.h is private to storage code (core, the server's storage unit, tests): use the named functions of core"
#endif

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A statement compiled once per connection and kept (aj_db_prepare_cached):
 * released (reset, bindings kept until the next use) rather than finalized,
 * with g_autoptr (AjDbStmt) or aj_db_release. A statement still running
 * holds a read snapshot that stops every WAL checkpoint: release it before
 * the transaction that follows commits. */
typedef sqlite3_stmt AjDbStmt;

AjDbStmt     *aj_db_prepare_cached (sqlite3      *db,
                                    const char   *sql,
                                    GError      **error);
void          aj_db_release        (AjDbStmt     *stmt);
void          aj_db_forget_cached  (sqlite3      *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDbStmt, aj_db_release)

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
