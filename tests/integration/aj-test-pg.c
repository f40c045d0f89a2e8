/* aj-test-pg.c: see aj-test-pg.h. Run as root (as here), the cluster runs as
 * "nobody", which owns its folder: PostgreSQL refuses to run as root. The
 * postgres process is this program's child, killed with it. */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <libpq-fe.h>

#include "aj-test-pg.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define PG_USER "anjian"

static GMutex lock;
static char *cluster_dir;
static GPid postmaster;
static guint databases;

static const char *
bin_dir (void)
{
  const char *dir = g_getenv ("ANJIAN_PG_BIN");

  return dir ? dir : PG_BIN;
}

gboolean
aj_test_pg_available (void)
{
  g_autofree char *initdb = g_build_filename (bin_dir (), "initdb", NULL);

  return g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE);
}

/* In the child: become nobody when root, and die with the test. */
static void
child_setup (gpointer data)
{
  if (geteuid () == 0)
    {
      if (setgid (65534) != 0 || setuid (65534) != 0)
        _exit (127);
    }
  /* After the change of user, which clears it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
chown_tree (const char *path)
{
  if (geteuid () == 0 && chown (path, 65534, 65534) != 0)
    g_error ("Cannot give %s to nobody", path);
}

static char *
socket_url (const char *database)
{
  g_autofree char *host = g_uri_escape_string (cluster_dir, NULL, FALSE);

  return g_strdup_printf ("postgresql:///%s?host=%s&user=" PG_USER, database, host);
}

/* Folders of clusters whose test died before it could remove them (an
 * assertion aborts without exit handlers; postgres died with it): those
 * whose postmaster is gone. Another program's live cluster is left alone. */
static void
remove_stale_clusters (void)
{
  const char *tmp = g_get_tmp_dir ();
  g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = NULL;
      g_autofree char *pid_file = NULL;
      g_autofree char *text = NULL;
      g_autofree char *rm = NULL;
      long pid;

      if (!g_str_has_prefix (name, "anjian-pg-"))
        continue;
      folder = g_build_filename (tmp, name, NULL);
      pid_file = g_build_filename (folder, "data", "postmaster.pid", NULL);
      if (!g_file_get_contents (pid_file, &text, NULL, NULL))
        continue;   /* starting now, or not a cluster of ours */
      pid = strtol (text, NULL, 10);
      if (pid <= 0 || kill ((pid_t) pid, 0) == 0)
        continue;
      rm = g_strdup_printf ("rm -rf '%s'", folder);
      if (system (rm) != 0)
        g_printerr ("Cannot remove %s\n", folder);
    }
}

static void
start_cluster (void)
{
  g_autofree char *data = NULL;
  g_autofree char *initdb = g_build_filename (bin_dir (), "initdb", NULL);
  g_autofree char *postgres = g_build_filename (bin_dir (), "postgres", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  remove_stale_clusters ();
  cluster_dir = g_dir_make_tmp ("anjian-pg-XXXXXX", &error);
  g_assert_no_error (error);
  chown_tree (cluster_dir);
  data = g_build_filename (cluster_dir, "data", NULL);
  {
    const char *argv[] = { initdb, "-D", data, "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-locale",
                           "--no-sync", NULL };

    if (!g_spawn_sync (cluster_dir, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, child_setup, NULL, NULL, &err,
                       &status, &error) || !g_spawn_check_wait_status (status, NULL))
      g_error ("initdb failed: %s", error ? error->message : err);
  }
  {
    /* Only the socket in our folder; fsync off: a test's data need not
     * survive a power cut, and the machine is shared. */
    const char *argv[] = { postgres, "-D", data, "-k", cluster_dir, "-c", "listen_addresses=", "-c", "fsync=off",
                           "-c", "max_connections=200", "-c", "shared_buffers=32MB", NULL };

    if (!g_spawn_async (cluster_dir, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL |
                        G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL, &postmaster, &error))
      g_error ("Cannot start postgres: %s", error->message);
  }
  url = socket_url ("postgres");
  for (int i = 0; PQping (url) != PQPING_OK; i++)
    {
      if (i > 300)
        g_error ("PostgreSQL did not start in %s", cluster_dir);
      g_usleep (50000);
    }
  atexit (aj_test_pg_stop);
}

/* A fast shutdown (SIGINT), as pg_ctl stop -m fast, and the folder removed. */
void
aj_test_pg_stop (void)
{
  g_mutex_lock (&lock);
  if (postmaster != 0)
    {
      g_autofree char *rm = NULL;

      kill (postmaster, SIGINT);
      waitpid (postmaster, NULL, 0);
      g_spawn_close_pid (postmaster);
      postmaster = 0;
      rm = g_strdup_printf ("rm -rf %s", cluster_dir);
      if (system (rm) != 0)
        g_printerr ("Cannot remove %s\n", cluster_dir);
    }
  g_mutex_unlock (&lock);
}

static PGresult *
query_arg (const char *url,
           const char *sql,
           const char *arg)
{
  PGconn *conn = PQconnectdb (url);
  PGresult *res;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to %s: %s", url, PQerrorMessage (conn));
  res = arg ? PQexecParams (conn, sql, 1, NULL, &arg, NULL, NULL, 0) : PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQfinish (conn);
  return res;
}

static PGresult *
query (const char *url,
       const char *sql)
{
  return query_arg (url, sql, NULL);
}

char *
aj_test_pg_new_database (void)
{
  g_autofree char *name = NULL;
  g_autofree char *create = NULL;
  g_autofree char *admin = NULL;

  g_mutex_lock (&lock);
  if (postmaster == 0)
    start_cluster ();
  name = g_strdup_printf ("anjian_%u", ++databases);
  g_mutex_unlock (&lock);
  create = g_strdup_printf ("CREATE DATABASE %s", name);
  admin = socket_url ("postgres");
  PQclear (query (admin, create));
  return socket_url (name);
}

char *
aj_test_pg_query (const char *url,
                  const char *sql)
{
  return aj_test_pg_query_arg (url, sql, NULL);
}

char *
aj_test_pg_query_arg (const char *url,
                      const char *sql,
                      const char *arg)
{
  PGresult *res = query_arg (url, sql, arg);
  char *value = PQntuples (res) > 0 && !PQgetisnull (res, 0, 0) ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;

  PQclear (res);
  return value;
}

gint64
aj_test_pg_query_int (const char *url,
                      const char *sql)
{
  g_autofree char *value = aj_test_pg_query (url, sql);

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}
