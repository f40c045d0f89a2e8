/* aj-test-pg.h: a throwaway PostgreSQL cluster for tests: initdb in a
 * temporary folder, the server listening only on a unix socket there, gone
 * with the test (stopped at exit, and killed if the test dies). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether this machine has PostgreSQL's programs (Debian's postgresql). */
gboolean  aj_test_pg_available      (void);
/* The cluster of this test program, started at the first call; stopped at
 * exit. Returns a connection URL to a new, empty database. */
char     *aj_test_pg_new_database   (void);
/* The first column of the first row of @sql on the database of @url. */
char     *aj_test_pg_query          (const char *url,
                                     const char *sql);
/* The same with one text parameter $1 (NULL: none). */
char     *aj_test_pg_query_arg      (const char *url,
                                     const char *sql,
                                     const char *arg);
gint64    aj_test_pg_query_int      (const char *url,
                                     const char *sql);
void      aj_test_pg_stop           (void);

G_END_DECLS
