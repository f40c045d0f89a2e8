/* aj-server-db-pg.c: the storage interface on PostgreSQL (libpq): every SQL
 * statement the server sends to PostgreSQL is in this file. One connection
 * per thread (a GPrivate), opened from the URL when the thread first needs
 * it and opened again when it broke, so that it works on the main loop and
 * in a pool of workers alike. No mutable state outside a lock.
 *
 * The shared log and its numbers. An event gets two numbers from the one
 * row of log_counter, in the transaction that inserts it: log_seq (every
 * stored event, refused or not: the order in which the servers' caches
 * apply them) and server_seq (accepted events: what devices pull). The
 * UPDATE of that row locks it until the transaction ends, so a second
 * inserting transaction waits at its UPDATE until the first has committed
 * (or rolled back, and its numbers are taken again). Hence commit order
 * equals number order: when number n + 1 is visible, n is visible already
 * (or never existed), and a reader reading "everything after the last number
 * I have" never skips a number that a slower transaction commits later, as it
 * could with a SEQUENCE (numbers taken at insert, commits in any order). The
 * counter is taken last, just before COMMIT, so the row is held only for the
 * inserts themselves.
 *
 * Validation. A push takes transaction-level advisory locks on its device
 * (class 1) and then on each subject it touches (class 2, in hash order, so
 * two pushes never wait for each other in a cycle), brings the local cache
 * up to the log (everything committed about those subjects is then in it),
 * judges the batch there by the same code as with SQLite (in a local
 * transaction that is rolled back), writes the outcome to PostgreSQL and
 * commits. Two servers cannot both accept conflicting steps of one hazard:
 * the second waits for the first's lock, then sees its events. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "anjian-server-pg-resources.h"
#include "aj-codec.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-server-admin.h"
#include "aj-server-db.h"
#include "aj-server-store.h"
#include "aj-util.h"

typedef struct
{
  AjServerDb  parent;
  char       *url;
  GMutex      catch_up_lock;   /* one catch-up of this process's cache at a time */
  guint       generation;      /* tells this database's connections from another's */
} AjServerDbPg;

/* A thread's connection, and which database it belongs to. */
typedef struct
{
  guint   generation;
  PGconn *conn;
} ThreadConn;

static void
thread_conn_free (gpointer data)
{
  ThreadConn *tc = data;

  if (tc->conn != NULL)
    PQfinish (tc->conn);
  g_free (tc);
}

static GPrivate thread_conn = G_PRIVATE_INIT (thread_conn_free);
static gint next_generation = 1;

static void
set_pg_error (GError     **error,
              PGconn      *conn,
              const char  *what)
{
  g_autofree char *message = g_strdup (conn ? PQerrorMessage (conn) : "no connection");

  g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "PostgreSQL: %s: %s", what, g_strchomp (message));
}

static PGconn *
get_conn (AjServerDbPg  *self,
          GError       **error)
{
  ThreadConn *tc = g_private_get (&thread_conn);

  if (tc == NULL)
    {
      tc = g_new0 (ThreadConn, 1);
      g_private_set (&thread_conn, tc);
    }
  if (tc->conn != NULL && (tc->generation != self->generation || PQstatus (tc->conn) != CONNECTION_OK))
    g_clear_pointer (&tc->conn, PQfinish);
  if (tc->conn == NULL)
    {
      /* Bounds, so that a database gone away or a lock never released
       * fails a request instead of holding a worker for ever; the URL's
       * own values, last, win. */
      const char *keys[] = { "connect_timeout", "keepalives", "keepalives_idle", "dbname", NULL };
      const char *values[] = { "5", "1", "30", self->url, NULL };

      tc->conn = PQconnectdbParams (keys, values, 1);
      tc->generation = self->generation;
      if (PQstatus (tc->conn) != CONNECTION_OK)
        {
          set_pg_error (error, tc->conn, "cannot connect");
          g_clear_pointer (&tc->conn, PQfinish);
          return NULL;
        }
      PQclear (PQexec (tc->conn, "SET client_min_messages = warning; SET lock_timeout = '10s'; "
                                 "SET idle_in_transaction_session_timeout = '60s'"));
    }
  return tc->conn;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Pinned, whatever the cluster's default_transaction_isolation says: the
 * commit-order numbering (top of the file) and the locks are reasoned for
 * READ COMMITTED, where each statement sees what committed before it. */
#define BEGIN "BEGIN ISOLATION LEVEL READ COMMITTED"

/* Runs @sql with text parameters; NULL with @error unless it succeeded. */
static PGresult *
run (PGconn             *conn,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error)
{
  PGresult *res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      g_autofree char *message = g_strdup (PQresultErrorMessage (res));

      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "PostgreSQL: %s", g_strchomp (message));
      PQclear (res);
      return NULL;
    }
  return res;
}

static gboolean
exec (PGconn             *conn,
      const char         *sql,
      int                 n_params,
      const char * const *params,
      GError            **error)
{
  g_autoptr(PGresult) res = run (conn, sql, n_params, params, error);

  return res != NULL;
}

/* A transaction that ends in ROLLBACK unless committed. */
static void
rollback (PGconn *conn)
{
  PQclear (PQexec (conn, "ROLLBACK"));
}

static gint64
int_of (PGresult *res,
        int       row,
        int       column)
{
  return PQgetisnull (res, row, column) ? 0 : g_ascii_strtoll (PQgetvalue (res, row, column), NULL, 10);
}

static char *
text_of (PGresult *res,
         int       row,
         int       column)
{
  return PQgetisnull (res, row, column) ? NULL : g_strdup (PQgetvalue (res, row, column));
}

/* ---- the schema ---- */

/* qsort's elements are pointers to the names. */
static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Applies each file of data/sql/pg numbered above the database's version,
 * under a lock, so that servers starting together migrate once. */
static gboolean
migrate (PGconn  *conn,
         GError **error)
{
  g_auto(GStrv) names = g_resources_enumerate_children ("/org/anjian/server/pg", 0, error);
  g_autoptr(PGresult) res = NULL;
  gint64 version;

  if (names == NULL)
    return FALSE;
  if (!exec (conn, "SELECT pg_advisory_lock (7411, 0)", 0, NULL, error))
    return FALSE;
  if (!exec (conn, "CREATE TABLE IF NOT EXISTS anjian_schema (version INTEGER NOT NULL)", 0, NULL, error))
    goto fail;
  res = run (conn, "SELECT coalesce (max (version), 0) FROM anjian_schema", 0, NULL, error);
  if (res == NULL)
    goto fail;
  version = int_of (res, 0, 0);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gint64 number = g_ascii_strtoll (names[i], NULL, 10);
      g_autofree char *path = g_strconcat ("/org/anjian/server/pg/", names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
      const char *params[] = { number_text };

      if (number <= version || !g_str_has_suffix (names[i], ".sql"))
        continue;
      bytes = g_resources_lookup_data (path, 0, error);
      if (bytes == NULL)
        goto fail;
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      /* Several statements: PQexec runs them in one transaction. */
      if (!exec (conn, BEGIN, 0, NULL, error))
        goto fail;
      {
        g_autoptr(PGresult) applied = PQexec (conn, sql);

        if (PQresultStatus (applied) != PGRES_COMMAND_OK && PQresultStatus (applied) != PGRES_TUPLES_OK)
          {
            g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "PostgreSQL migration %s: %s", names[i],
                         PQresultErrorMessage (applied));
            rollback (conn);
            goto fail;
          }
      }
      if (!exec (conn, "INSERT INTO anjian_schema (version) VALUES ($1::integer)", 1, params, error) ||
          !exec (conn, "COMMIT", 0, NULL, error))
        {
          rollback (conn);
          goto fail;
        }
    }
  return exec (conn, "SELECT pg_advisory_unlock (7411, 0)", 0, NULL, error);

fail:
  PQclear (PQexec (conn, "SELECT pg_advisory_unlock (7411, 0)"));
  return FALSE;
}

/* ---- devices and enrollment ---- */

static gboolean
pg_add_code (AjServerDb  *db,
             const char  *code_hash,
             const char  *scope_json,
             const char  *created_at,
             const char  *expires_at,
             GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { code_hash, scope_json, created_at, expires_at };

  return conn != NULL &&
         exec (conn, "INSERT INTO enroll_codes (code_hash, scope, created_at, expires_at) VALUES ($1, $2, $3, $4)",
               4, params, error);
}

/* The same answers as aj_server_store_redeem_code, in one transaction with
 * the code's row locked, so one code enrolls one device even when two
 * servers are asked at once. */
static char *
pg_redeem_code (AjServerDb  *db,
                const char  *code_hash,
                const char  *device_id,
                const char  *device_name,
                const char  *token_hash,
                const char  *now,
                GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *by_code[] = { code_hash };
  const char *by_device[] = { device_id };
  g_autoptr(PGresult) code = NULL;
  g_autoptr(PGresult) device = NULL;
  g_autofree char *scope = NULL;

  if (conn == NULL || !exec (conn, BEGIN, 0, NULL, error))
    return NULL;
  code = run (conn, "SELECT scope, expires_at, used_by FROM enroll_codes WHERE code_hash = $1 FOR UPDATE",
              1, by_code, error);
  if (code == NULL)
    goto fail;
  if (PQntuples (code) == 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_UNKNOWN, "This enrollment code is not valid");
      goto fail;
    }
  if (!PQgetisnull (code, 0, 2))
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_USED,
                   "This enrollment code has already been used");
      goto fail;
    }
  if (!aj_server_store_is_before (now, PQgetvalue (code, 0, 1)))
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_EXPIRED, "This enrollment code has expired");
      goto fail;
    }
  device = run (conn, "SELECT revoked_at IS NOT NULL FROM devices WHERE id = $1", 1, by_device, error);
  if (device == NULL)
    goto fail;
  if (PQntuples (device) > 0)
    {
      if (g_str_equal (PQgetvalue (device, 0, 0), "t"))
        g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_DEVICE_REVOKED,
                     "This device was revoked and cannot enroll again");
      else
        g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_DEVICE_EXISTS,
                     "A device with this id is enrolled already; an enrolled device keeps its token");
      goto fail;
    }
  scope = g_strdup (PQgetvalue (code, 0, 0));
  {
    const char *insert[] = { device_id, device_name, token_hash, scope, now };
    const char *spend[] = { device_id, code_hash };

    if (!exec (conn, "INSERT INTO devices (id, name, token_hash, scope, enrolled_at) VALUES ($1, $2, $3, $4, $5)",
               5, insert, error) ||
        !exec (conn, "UPDATE enroll_codes SET used_by = $1 WHERE code_hash = $2", 2, spend, error) ||
        !exec (conn, "COMMIT", 0, NULL, error))
      goto fail;
  }
  return g_steal_pointer (&scope);

fail:
  rollback (conn);
  return NULL;
}

static gint64
pg_count_enroll_failures (AjServerDb *db,
                          const char *client,
                          gint64      since_unix)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, since_unix);
  const char *params[] = { client, since };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return G_MAXINT64;   /* when in doubt, refuse */
  res = run (conn, "SELECT count(*) FROM enroll_failures WHERE client = $1 AND at >= $2::bigint", 2, params, NULL);
  return res ? int_of (res, 0, 0) : G_MAXINT64;
}

static gboolean
pg_add_enroll_failure (AjServerDb  *db,
                       const char  *client,
                       gint64       at_unix,
                       GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, at_unix);
  g_autofree char *old = g_strdup_printf ("%" G_GINT64_FORMAT, at_unix - 24 * 3600);
  const char *insert[] = { client, at };
  const char *prune[] = { old };

  return conn != NULL &&
         exec (conn, "INSERT INTO enroll_failures (client, at) VALUES ($1, $2::bigint)", 2, insert, error) &&
         exec (conn, "DELETE FROM enroll_failures WHERE at < $1::bigint", 1, prune, error);
}

static gboolean
pg_find_device_by_token (AjServerDb  *db,
                         const char  *token_hash,
                         char       **device_id,
                         AjScope    **scope,
                         GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { token_hash };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return FALSE;
  res = run (conn, "SELECT id, scope, revoked_at FROM devices WHERE token_hash = $1", 1, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_TOKEN_UNKNOWN,
                   "This device is not enrolled with this server");
      return FALSE;
    }
  if (!PQgetisnull (res, 0, 2))
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_TOKEN_REVOKED,
                   "This device has been revoked by the administrator");
      return FALSE;
    }
  *device_id = text_of (res, 0, 0);
  *scope = aj_scope_new_from_json (PQgetvalue (res, 0, 1));
  return TRUE;
}

static GPtrArray *
pg_list_devices (AjServerDb *db)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_device_free);
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  g_autoptr(PGresult) res = NULL;

  if (conn != NULL)
    res = run (conn, "SELECT d.id, d.name, d.scope, d.enrolled_at, d.revoked_at IS NOT NULL, "
                     "(SELECT count(*) FROM events e WHERE e.device_id = d.id) FROM devices d ORDER BY d.enrolled_at",
               0, NULL, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      AjServerDevice *device = g_new0 (AjServerDevice, 1);

      device->id = text_of (res, i, 0);
      device->name = text_of (res, i, 1);
      device->scope = text_of (res, i, 2);
      device->enrolled_at = text_of (res, i, 3);
      device->revoked = g_str_equal (PQgetvalue (res, i, 4), "t");
      device->events = int_of (res, i, 5);
      g_ptr_array_add (devices, device);
    }
  return devices;
}

static GPtrArray *
pg_list_open_codes (AjServerDb *db,
                    const char *now)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_code_free);
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  const char *params[] = { now };
  g_autoptr(PGresult) res = NULL;

  if (conn != NULL)
    res = run (conn, "SELECT code_hash, scope, created_at, expires_at, used_by FROM enroll_codes "
                     "WHERE used_by IS NULL AND expires_at::timestamptz > $1::timestamptz ORDER BY created_at DESC",
               1, params, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      AjOfficeCode *code = g_new0 (AjOfficeCode, 1);

      code->code_hash = text_of (res, i, 0);
      code->scope = text_of (res, i, 1);
      code->created_at = text_of (res, i, 2);
      code->expires_at = text_of (res, i, 3);
      code->used_by = text_of (res, i, 4);
      g_ptr_array_add (codes, code);
    }
  return codes;
}

/* An UPDATE of two parameters: FALSE with @error when it failed or, set
 * from @code and @message, when it changed no row. */
static gboolean
update_one (AjServerDb   *db,
            const char   *sql,
            const char   *a,
            const char   *b,
            GQuark        domain,
            int           code,
            const char   *message,
            GError      **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { a, b };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL || (res = run (conn, sql, 2, params, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (PQcmdTuples (res), "0") == 0)
    {
      g_set_error_literal (error, domain, code, message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_revoke_code (AjServerDb  *db,
                const char  *code_hash,
                const char  *now,
                GError     **error)
{
  return update_one (db, "UPDATE enroll_codes SET expires_at = $1 WHERE code_hash = $2 AND used_by IS NULL", now,
                     code_hash, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_UNKNOWN, "There is no such unused code",
                     error);
}

static gboolean
pg_revoke_device (AjServerDb  *db,
                  const char  *device_id,
                  const char  *now,
                  GError     **error)
{
  g_autofree char *message = g_strdup_printf ("No enrolled device %s (or it is revoked already)", device_id);

  return update_one (db, "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", now, device_id,
                     AJ_ERROR, AJ_ERROR_NOT_FOUND, message, error);
}

/* ---- photos ---- */

static gint64
pg_blob_size (AjServerDb *db,
              const char *sha256)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  const char *params[] = { sha256 };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return -1;
  res = run (conn, "SELECT size FROM blobs WHERE sha256 = $1", 1, params, NULL);
  return res != NULL && PQntuples (res) > 0 ? int_of (res, 0, 0) : -1;
}

static gint64
pg_device_blob_bytes (AjServerDb *db,
                      const char *device_id)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  const char *params[] = { device_id };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return G_MAXINT64;
  res = run (conn, "SELECT coalesce (sum (size), 0) FROM blobs WHERE device_id = $1", 1, params, NULL);
  return res != NULL ? int_of (res, 0, 0) : G_MAXINT64;
}

/* pg_blob_size and pg_device_blob_bytes in one round trip (an upload's
 * gate, on the main loop). */
static void
pg_blob_sizes (AjServerDb *db,
               const char *sha256,
               const char *device_id,
               gint64     *size,
               gint64     *device_bytes)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  const char *params[] = { sha256, device_id };
  g_autoptr(PGresult) res = NULL;

  *size = -1;
  *device_bytes = G_MAXINT64;
  if (conn == NULL)
    return;
  res = run (conn, "SELECT (SELECT size FROM blobs WHERE sha256 = $1), "
                   "(SELECT coalesce (sum (size), 0) FROM blobs WHERE device_id = $2)", 2, params, NULL);
  if (res == NULL)
    return;
  if (!PQgetisnull (res, 0, 0))
    *size = int_of (res, 0, 0);
  *device_bytes = int_of (res, 0, 1);
}

/* A photo held whole counts against the device that completed it first. */
static gboolean
pg_add_blob (AjServerDb  *db,
             const char  *sha256,
             gint64       size,
             const char  *device_id,
             const char  *received_at,
             GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *size_text = g_strdup_printf ("%" G_GINT64_FORMAT, size);
  const char *params[] = { sha256, size_text, received_at, device_id };

  return conn != NULL &&
         exec (conn, "INSERT INTO blobs (sha256, size, received_at, device_id) VALUES ($1, $2::bigint, $3, $4) "
                     "ON CONFLICT (sha256) DO NOTHING", 4, params, error);
}

/* ---- the log ---- */

#define EVENT_COLUMNS "log_seq, id, device_id, device_seq, author, hlc, type, subject, body, prev_hash, hash, " \
                      "server_seq, refused_code, refused_message"

static AjEvent *
event_of (PGresult *res,
          int       row)
{
  AjEvent *ev = aj_event_new ();

  ev->id = text_of (res, row, 1);
  ev->device_id = text_of (res, row, 2);
  ev->device_seq = int_of (res, row, 3);
  ev->author = text_of (res, row, 4);
  ev->hlc = int_of (res, row, 5);
  ev->type = text_of (res, row, 6);
  ev->subject = text_of (res, row, 7);
  ev->body = text_of (res, row, 8);
  ev->prev_hash = text_of (res, row, 9);
  ev->hash = text_of (res, row, 10);
  ev->server_seq = int_of (res, row, 11);
  return ev;
}

static gint64
meta_int (AjStore    *store,
          const char *key)
{
  g_autofree char *text = aj_store_get_meta (store, key);

  return text ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static gboolean
set_meta_int (AjStore     *store,
              const char  *key,
              gint64       value,
              GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return aj_store_set_meta (store, key, text, error);
}

/* One page of the log into the cache, in one local transaction with the
 * number reached. Returns the rows applied, or -1. */
static int
apply_log_page (PGconn   *conn,
                AjStore  *store,
                GError  **error)
{
  gint64 last = meta_int (store, "pg_log_seq");
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  const char *params[] = { after };
  g_autoptr(PGresult) res = run (conn, "SELECT " EVENT_COLUMNS " FROM events WHERE log_seq > $1::bigint "
                                       "ORDER BY log_seq LIMIT 1000", 1, params, error);
  int n;

  if (res == NULL)
    return -1;
  n = PQntuples (res);
  if (n == 0)
    return 0;
  if (!aj_store_begin (store, error))
    return -1;
  /* The cursor read again in the write transaction: if it moved since (a
   * cache written by another connection), the page is asked for again. */
  if (meta_int (store, "pg_log_seq") != last)
    {
      aj_store_rollback (store);
      return 1;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(AjEvent) ev = event_of (res, i);
      gboolean inserted = FALSE;

      if (!PQgetisnull (res, i, 12))
        {
          if (!aj_store_insert_refused (store, ev, PQgetvalue (res, i, 12), PQgetvalue (res, i, 13), error))
            goto fail;
          continue;
        }
      if (!aj_store_insert_remote (store, ev, FALSE, &inserted, NULL, error))
        goto fail;
      /* What the push did beside storing it, as aj_server_store_add_events
       * does on SQLite: a finished inspection closes its assignment. */
      if (inserted && g_str_equal (ev->type, "inspection.finished"))
        {
          g_autofree char *now = aj_now_iso8601 ();
          gboolean closed = FALSE;

          if (!aj_server_store_close_assignment (store, ev->subject, now, &closed, error) ||
              (closed && !aj_server_store_bump_reference_version (store, error)))
            goto fail;
        }
    }
  /* The cache applies pulled events as a kiosk does, which marks their
   * photos as wanted: a server wants none. */
  if (!aj_server_store_forget_wanted_blobs (store, error) ||
      !set_meta_int (store, "pg_log_seq", int_of (res, n - 1, 0), error) ||
      !aj_store_commit (store, error))
    return -1;
  return n;

fail:
  aj_store_rollback (store);
  return -1;
}

/* Writes @body to a temporary file named *@suffix for the admin import
 * functions, which read files. */
static gboolean
apply_reference (AjStore     *store,
                 const char  *kind,
                 const char  *body,
                 GError     **error)
{
  if (g_str_equal (kind, "office-user"))
    return aj_server_db_apply_office_user (store, body, error);
  if (aj_admin_is_office_document (kind))
    return aj_admin_apply_office_document (store, kind, body, error);
  {
  const char *suffix = g_str_equal (kind, "registry-csv") ? ".csv" : ".json";
  g_autofree char *template = g_strconcat ("anjian-reference-XXXXXX", suffix, NULL);
  g_autofree char *path = NULL;
  gboolean ok;
  int fd = g_file_open_tmp (template, &path, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  if (!g_file_set_contents (path, body, -1, error))
    {
      g_unlink (path);
      return FALSE;
    }
  ok = g_str_equal (kind, "checklist") ? aj_admin_publish_checklist (store, path, error)
                                       : aj_admin_import_registry (store, path, error);
  g_unlink (path);
  return ok;
  }
}

static gboolean
apply_references (PGconn   *conn,
                  AjStore  *store,
                  GError  **error)
{
  gint64 last = meta_int (store, "pg_reference_seq");
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  const char *params[] = { after };
  g_autoptr(PGresult) res = run (conn, "SELECT seq, kind, body FROM reference_docs WHERE seq > $1::bigint ORDER BY seq",
                                 1, params, error);

  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      if (!aj_store_begin (store, error))
        return FALSE;
      /* The cursor read again in the write transaction, as for the log: a
       * cache written by another process too (the command line with the
       * server's --data) applies each document once. */
      if (meta_int (store, "pg_reference_seq") != (i == 0 ? last : int_of (res, i - 1, 0)))
        {
          aj_store_rollback (store);
          return apply_references (conn, store, error);
        }
      if (!apply_reference (store, PQgetvalue (res, i, 1), PQgetvalue (res, i, 2), error) ||
          !set_meta_int (store, "pg_reference_seq", int_of (res, i, 0), error) ||
          !aj_store_commit (store, error))
        {
          aj_store_rollback (store);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
apply_number_blocks (PGconn   *conn,
                     AjStore  *store,
                     GError  **error)
{
  gint64 last = meta_int (store, "pg_blocks_seq");
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  const char *params[] = { after };
  g_autoptr(PGresult) res = run (conn, "SELECT seq, department, year, device_id, first, last, granted_at "
                                       "FROM number_blocks WHERE seq > $1::bigint ORDER BY seq", 1, params, error);
  int n;

  if (res == NULL)
    return FALSE;
  n = PQntuples (res);
  if (n == 0)
    return TRUE;
  if (!aj_store_begin (store, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    if (!aj_server_store_add_number_block (store, PQgetvalue (res, i, 1), (int) int_of (res, i, 2),
                                           PQgetvalue (res, i, 3), int_of (res, i, 4), int_of (res, i, 5),
                                           PQgetvalue (res, i, 6), error))
      {
        aj_store_rollback (store);
        return FALSE;
      }
  if (!set_meta_int (store, "pg_blocks_seq", int_of (res, n - 1, 0), error) || !aj_store_commit (store, error))
    return FALSE;
  return TRUE;
}

/* Whether the cache holds everything committed on the database: one round
 * trip, without the catch-up lock (every request asks). The counter row
 * as committed is the last log number committed (see the top). */
static gboolean
is_caught_up (PGconn   *conn,
              AjStore  *store,
              GError  **error)
{
  g_autoptr(PGresult) res = run (conn, "SELECT (SELECT log_seq FROM log_counter WHERE id = 1), "
                                       "(SELECT coalesce (max (seq), 0) FROM reference_docs), "
                                       "(SELECT coalesce (max (seq), 0) FROM number_blocks)", 0, NULL, error);

  return res != NULL && int_of (res, 0, 0) == meta_int (store, "pg_log_seq") &&
         int_of (res, 0, 1) == meta_int (store, "pg_reference_seq") &&
         int_of (res, 0, 2) == meta_int (store, "pg_blocks_seq");
}

static gboolean
catch_up_on (AjServerDbPg  *self,
             PGconn        *conn,
             AjStore       *store,
             GError       **error)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->catch_up_lock);
  int n;

  if (!apply_references (conn, store, error) || !apply_number_blocks (conn, store, error))
    return FALSE;
  while ((n = apply_log_page (conn, store, error)) > 0)
    ;
  return n == 0;
}

static gboolean
pg_catch_up (AjServerDb  *db,
             AjStore     *store,
             GError     **error)
{
  AjServerDbPg *self = (AjServerDbPg *) db;
  g_autoptr(GError) local_error = NULL;
  PGconn *conn = get_conn (self, error);

  if (conn == NULL)
    return FALSE;
  if (is_caught_up (conn, store, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return catch_up_on (self, conn, store, error);
}

/* What a batch's judgement reads beside its device: each subject, and the
 * inspection whose end a hazard's events are checked against
 * (check_still_open): named in a hazard.found, or the hazard's in the
 * cache (or in the batch). Adds to @keys. */
static void
collect_lock_keys (AjStore     *store,
                   GPtrArray   *events,
                   GHashTable  *keys)
{
  g_autoptr(GHashTable) found_in = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);

      g_hash_table_add (keys, g_strdup (ev->subject));
      if (g_str_equal (ev->type, "hazard.found"))
        {
          g_autoptr(JsonObject) body = aj_json_parse_object (ev->body, NULL);
          const char *inspection = body ? aj_json_get_string (body, "inspection") : NULL;

          if (inspection != NULL)
            {
              g_hash_table_add (keys, g_strdup (inspection));
              g_hash_table_insert (found_in, ev->subject, g_strdup (inspection));
            }
        }
      else if (g_str_has_prefix (ev->type, "hazard."))
        {
          const char *inspection = g_hash_table_lookup (found_in, ev->subject);
          g_autoptr(AjHazard) hazard = inspection ? NULL : aj_hazard_load (store, ev->subject);

          if (hazard != NULL)
            inspection = aj_hazard_get_inspection_id (hazard);
          if (inspection != NULL)
            g_hash_table_add (keys, g_strdup (inspection));
        }
    }
}

/* Transaction-level advisory locks on the keys, folded into 64 buckets
 * (class 2) so that a batch of 500 subjects takes at most 64 of
 * PostgreSQL's lock slots; in bucket order, so two pushes never wait for
 * each other in a cycle. */
static gboolean
lock_keys (PGconn      *conn,
           GHashTable  *keys,
           GError     **error)
{
  g_autoptr(GString) array = g_string_new ("{");
  GHashTableIter iter;
  const char *key;
  const char *params[1];
  gboolean first = TRUE;

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      if (!first)
        g_string_append_c (array, ',');
      first = FALSE;
      g_string_append_c (array, '"');
      for (const char *p = key; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (array, '\\');
          g_string_append_c (array, *p);
        }
      g_string_append_c (array, '"');
    }
  g_string_append_c (array, '}');
  params[0] = array->str;
  return exec (conn, "SELECT count (pg_advisory_xact_lock (2, b)) FROM "
                     "(SELECT DISTINCT hashtext (s) & 63 AS b FROM unnest ($1::text[]) s ORDER BY b) AS buckets",
               1, params, error);
}

/* The device, then the batch's keys: see the top of the file. The keys
 * are found in the cache before it is caught up; once it is, a hazard it
 * did not know yet may name another inspection: that one is locked too
 * (out of order: PostgreSQL's deadlock check breaks a cycle, the push
 * fails and is sent again) and the cache caught up again. */
static gboolean
lock_batch (AjServerDbPg  *self,
            PGconn        *conn,
            AjStore       *store,
            const char    *device_id,
            GPtrArray     *events,
            GError       **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *device[] = { device_id };

  collect_lock_keys (store, events, keys);
  if (!exec (conn, "SELECT pg_advisory_xact_lock (1, hashtext ($1))", 1, device, error) ||
      !lock_keys (conn, keys, error) ||
      !catch_up_on (self, conn, store, error))
    return FALSE;
  {
    g_autoptr(GHashTable) more = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key;

    collect_lock_keys (store, events, all);
    g_hash_table_iter_init (&iter, all);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (keys, key))
        g_hash_table_add (more, g_strdup (key));
    if (g_hash_table_size (more) == 0)
      return TRUE;
    return lock_keys (conn, more, error) && catch_up_on (self, conn, store, error);
  }
}

/* The device's fixed window, as aj_server_store_charge_events counts it,
 * under the device's lock. Returns 0 when counted, the seconds to wait, or
 * -1 on error. */
static gint64
charge_events (PGconn               *conn,
               const char           *device_id,
               gint64                n_new,
               const AjEventRate    *rate,
               GError              **error)
{
  gint64 now_unix = g_get_real_time () / G_USEC_PER_SEC;
  gint64 window_start = now_unix - now_unix % rate->window_seconds;
  g_autofree char *start_text = g_strdup_printf ("%" G_GINT64_FORMAT, window_start);
  g_autofree char *new_text = g_strdup_printf ("%" G_GINT64_FORMAT, n_new);
  const char *read[] = { device_id, start_text };
  const char *write[] = { device_id, start_text, new_text };
  g_autoptr(PGresult) res = NULL;
  gint64 counted;

  if (n_new == 0)
    return 0;
  res = run (conn, "SELECT events FROM device_event_windows WHERE device_id = $1 AND window_start = $2::bigint",
             2, read, error);
  if (res == NULL)
    return -1;
  counted = PQntuples (res) > 0 ? int_of (res, 0, 0) : 0;
  if (counted > 0 && counted + n_new > rate->events)
    return MAX (window_start + rate->window_seconds - now_unix, 1);
  return exec (conn, "INSERT INTO device_event_windows (device_id, window_start, events) VALUES ($1, $2::bigint, $3::bigint) "
                     "ON CONFLICT (device_id) DO UPDATE SET events = CASE WHEN device_event_windows.window_start = "
                     "excluded.window_start THEN device_event_windows.events + excluded.events ELSE excluded.events END, "
                     "window_start = excluded.window_start", 3, write, error) ? 0 : -1;
}

/* Photos the batch names, known whole on PostgreSQL, into the cache, where
 * the validation looks for them. */
static gboolean
fill_blobs (PGconn     *conn,
            AjStore    *store,
            GPtrArray  *events,
            GError    **error)
{
  for (guint i = 0; i < events->len; i++)
    {
      g_autoptr(GPtrArray) refs = aj_event_blob_refs (g_ptr_array_index (events, i));

      for (guint j = 0; j < refs->len; j++)
        {
          const char *params[] = { g_ptr_array_index (refs, j) };
          g_autoptr(PGresult) res = NULL;

          if (aj_server_store_blob_is_complete (store, params[0]))
            continue;
          res = run (conn, "SELECT size, received_at FROM blobs WHERE sha256 = $1", 1, params, error);
          if (res == NULL)
            return FALSE;
          if (PQntuples (res) > 0 &&
              !aj_server_store_add_blob (store, params[0], int_of (res, 0, 0), PQgetvalue (res, 0, 1), error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Inserts the events the cache judged, numbered from the counter. */
static gboolean
insert_judged (PGconn     *conn,
               GPtrArray  *events,
               GArray     *outcomes,
               gboolean   *fresh,
               GError    **error)
{
  gint64 n_new = 0, n_accepted = 0, log_seq, server_seq;
  g_autofree char *n_new_text = NULL;
  g_autofree char *n_accepted_text = NULL;
  g_autoptr(PGresult) counter = NULL;

  for (guint i = 0; i < events->len; i++)
    if (fresh[i])
      {
        n_new++;
        if (g_array_index (outcomes, AjPushOutcome, i).code == NULL)
          n_accepted++;
      }
  if (n_new == 0)
    return TRUE;
  n_new_text = g_strdup_printf ("%" G_GINT64_FORMAT, n_new);
  n_accepted_text = g_strdup_printf ("%" G_GINT64_FORMAT, n_accepted);
  {
    const char *params[] = { n_new_text, n_accepted_text };

    /* Locks the row until COMMIT: commit order is number order. */
    counter = run (conn, "UPDATE log_counter SET log_seq = log_seq + $1::bigint, server_seq = server_seq + $2::bigint "
                         "WHERE id = 1 RETURNING log_seq - $1::bigint, server_seq - $2::bigint", 2, params, error);
  }
  if (counter == NULL)
    return FALSE;
  log_seq = int_of (counter, 0, 0);
  server_seq = int_of (counter, 0, 1);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      AjPushOutcome *outcome = &g_array_index (outcomes, AjPushOutcome, i);
      g_autofree char *log_text = NULL;
      g_autofree char *seq_text = NULL;
      g_autofree char *device_seq = g_strdup_printf ("%" G_GINT64_FORMAT, ev->device_seq);
      g_autofree char *hlc = g_strdup_printf ("%" G_GINT64_FORMAT, ev->hlc);

      if (!fresh[i])
        continue;
      log_text = g_strdup_printf ("%" G_GINT64_FORMAT, ++log_seq);
      if (outcome->code == NULL)
        {
          outcome->server_seq = ++server_seq;
          seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, outcome->server_seq);
        }
      {
        /* In the order of EVENT_COLUMNS. */
        const char *params[] = { log_text, ev->id, ev->device_id, device_seq, ev->author, hlc, ev->type, ev->subject,
                                 ev->body, ev->prev_hash, ev->hash, seq_text, outcome->code, outcome->message };

        if (!exec (conn, "INSERT INTO events (" EVENT_COLUMNS ") VALUES ($1::bigint, $2, $3, $4::bigint, $5, "
                         "$6::bigint, $7, $8, $9, $10, $11, $12::bigint, $13, $14)", 14, params, error))
          return FALSE;
      }
    }
  return TRUE;
}

static GArray *
pg_push (AjServerDb            *db,
         AjStore               *store,
         const char            *device_id,
         const AjScope         *scope,
         GPtrArray             *events,
         const AjEventRate     *rate,
         gint64                *wait,
         GError               **error)
{
  AjServerDbPg *self = (AjServerDbPg *) db;
  PGconn *conn = get_conn (self, error);
  g_autoptr(GArray) outcomes = NULL;
  g_autofree gboolean *fresh = g_new0 (gboolean, MAX (events->len, 1));
  g_autofree guint *first_of = g_new0 (guint, MAX (events->len, 1));
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 n_new = 0;

  if (conn == NULL || !exec (conn, BEGIN, 0, NULL, error))
    return NULL;
  if (!lock_batch (self, conn, store, device_id, events, error) ||
      !fill_blobs (conn, store, events, error))
    goto fail;
  for (guint i = 0; i < events->len; i++)
    {
      const char *id = ((AjEvent *) g_ptr_array_index (events, i))->id;

      /* An id sent twice in one batch is new once: its second copy is
       * answered as the first (inserting both would break the log's
       * unique id, and every retry of the batch with it). */
      gpointer seen;

      if (g_hash_table_lookup_extended (ids, id, NULL, &seen))
        first_of[i] = GPOINTER_TO_UINT (seen);
      else
        {
          first_of[i] = i;
          g_hash_table_insert (ids, (gpointer) id, GUINT_TO_POINTER (i));
        }
      if ((fresh[i] = first_of[i] == i && !aj_store_lookup_event (store, id, NULL, NULL, NULL)))
        n_new++;
    }
  if (rate->events > 0 && rate->window_seconds > 0)
    {
      *wait = charge_events (conn, device_id, n_new, rate, error);
      if (*wait != 0)
        goto fail;
    }
  /* Judged in the cache exactly as on SQLite, then undone there: the
   * cache takes the events from the log, with the log's numbers. */
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->catch_up_lock);

    if (!aj_store_begin (store, error))
      goto fail;
    outcomes = aj_server_store_add_events (store, device_id, scope, events, error);
    aj_store_rollback (store);
  }
  if (outcomes == NULL || !insert_judged (conn, events, outcomes, fresh, error) ||
      !exec (conn, "COMMIT", 0, NULL, error))
    goto fail;
  for (guint i = 0; i < events->len; i++)
    if (first_of[i] != i)
      {
        AjPushOutcome *copy = &g_array_index (outcomes, AjPushOutcome, i);
        const AjPushOutcome *first = &g_array_index (outcomes, AjPushOutcome, first_of[i]);

        aj_push_outcome_clear (copy);
        copy->server_seq = first->server_seq;
        copy->code = g_strdup (first->code);
        copy->message = g_strdup (first->message);
      }
  if (!catch_up_on (self, conn, store, error))
    return NULL;
  return g_steal_pointer (&outcomes);

fail:
  rollback (conn);
  return NULL;
}

/* ---- reference documents ---- */

static gboolean
pg_add_reference (AjServerDb  *db,
                  const char  *kind,
                  const char  *body,
                  GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *now = aj_now_iso8601 ();
  const char *params[] = { kind, body, now };

  if (conn == NULL || !exec (conn, BEGIN, 0, NULL, error))
    return FALSE;
  /* max + 1 under the lock: numbers in commit order, as for events. */
  if (!exec (conn, "LOCK TABLE reference_docs IN EXCLUSIVE MODE", 0, NULL, error) ||
      !exec (conn, "INSERT INTO reference_docs (seq, kind, body, added_at) "
                   "SELECT coalesce (max (seq), 0) + 1, $1, $2, $3 FROM reference_docs", 3, params, error) ||
      !exec (conn, "COMMIT", 0, NULL, error))
    {
      rollback (conn);
      return FALSE;
    }
  return TRUE;
}

/* ---- document numbers ---- */

/* Above every block of the department's year, whichever server granted
 * it: grants wait for each other on the table's lock (reads do not). */
static gboolean
pg_grant_numbers (AjServerDb  *db,
                  const char  *device_id,
                  const char  *department,
                  int          year,
                  gint64       count,
                  gint64      *first,
                  gint64      *last,
                  GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *year_text = g_strdup_printf ("%d", year);
  g_autofree char *count_text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  g_autofree char *now = aj_now_iso8601 ();
  const char *params[] = { department, year_text, device_id, count_text, now };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL || !exec (conn, BEGIN, 0, NULL, error))
    return FALSE;
  if (!exec (conn, "LOCK TABLE number_blocks IN EXCLUSIVE MODE", 0, NULL, error) ||
      (res = run (conn, "INSERT INTO number_blocks (seq, department, year, device_id, first, last, granted_at) "
                        "SELECT (SELECT coalesce (max (seq), 0) + 1 FROM number_blocks), $1, $2::integer, $3, "
                        "top + 1, top + $4::bigint, $5 FROM (SELECT coalesce (max (last), 0) AS top FROM number_blocks "
                        "WHERE department = $1 AND year = $2::integer) AS t RETURNING first, last",
                  5, params, error)) == NULL ||
      !exec (conn, "COMMIT", 0, NULL, error))
    {
      rollback (conn);
      return FALSE;
    }
  *first = int_of (res, 0, 0);
  *last = int_of (res, 0, 1);
  return TRUE;
}

/* ---- the office console's sessions ---- */

static gboolean
pg_add_office_session (AjServerDb  *db,
                       const char  *token_hash,
                       const char  *user_name,
                       const char  *csrf,
                       gint64       now,
                       gint64       expires_at,
                       const char  *client,
                       GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *expires_text = g_strdup_printf ("%" G_GINT64_FORMAT, expires_at);
  const char *params[] = { token_hash, user_name, csrf, now_text, expires_text, client };

  /* Sessions long over are forgotten as new ones begin. */
  return conn != NULL &&
         exec (conn, "DELETE FROM office_sessions WHERE expires_at < $1::bigint", 1, params + 3, error) &&
         exec (conn, "INSERT INTO office_sessions (token_hash, user_name, csrf, created_at, expires_at, client) "
                     "VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6)", 6, params, error);
}

static char *
pg_find_office_session (AjServerDb  *db,
                        const char  *token_hash,
                        gint64       now,
                        char       **csrf)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, NULL);
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  const char *params[] = { token_hash, now_text };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return NULL;
  res = run (conn, "SELECT user_name, csrf FROM office_sessions WHERE token_hash = $1 AND expires_at > $2::bigint",
             2, params, NULL);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  *csrf = text_of (res, 0, 1);
  return text_of (res, 0, 0);
}

static gboolean
pg_end_office_session (AjServerDb  *db,
                       const char  *token_hash,
                       GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { token_hash };

  return conn != NULL && exec (conn, "DELETE FROM office_sessions WHERE token_hash = $1", 1, params, error);
}

/* ---- the office's work: its documents, audit log and lock-outs ---- */

/* Under the lock pg_add_reference takes: documents are numbered, and
 * office changes judged, one at a time (aj_server_db_share_change). */
static gboolean
pg_share_change (AjServerDb      *db,
                 AjStore         *store,
                 const char      *kind,
                 AjOfficeChange   change,
                 gpointer         data,
                 GError         **error)
{
  AjServerDbPg *self = (AjServerDbPg *) db;
  PGconn *conn = get_conn (self, error);
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *once_key = NULL;
  g_autofree char *body = NULL;
  g_autofree char *now = aj_now_iso8601 ();
  gboolean made;

  /* Most of what is new applied before the lock, so it is held briefly. */
  if (conn == NULL || !catch_up_on (self, conn, store, error) || !exec (conn, BEGIN, 0, NULL, error))
    return FALSE;
  if (!exec (conn, "LOCK TABLE reference_docs IN EXCLUSIVE MODE", 0, NULL, error) ||
      !catch_up_on (self, conn, store, error))
    goto fail;
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->catch_up_lock);

    if (!aj_store_begin (store, error))
      goto fail;
    made = change (store, data, &document, &once_key, error);
    aj_store_rollback (store);
  }
  if (!made)
    goto fail;
  if (once_key != NULL)
    {
      const char *params[] = { once_key };
      g_autoptr(PGresult) held = run (conn, "SELECT seq FROM reference_docs WHERE once_key = $1", 1, params, error);

      if (held == NULL)
        goto fail;
      if (PQntuples (held) > 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT, "This was done already (document %s, %s)",
                       PQgetvalue (held, 0, 0), once_key);
          goto fail;
        }
    }
  node = json_node_init_object (json_node_alloc (), document);
  body = aj_json_to_string (node);
  {
    const char *params[] = { kind, body, now, once_key };

    if (!exec (conn, "INSERT INTO reference_docs (seq, kind, body, added_at, once_key) "
                     "SELECT coalesce (max (seq), 0) + 1, $1, $2, $3, $4 FROM reference_docs", 4, params, error) ||
        !exec (conn, "COMMIT", 0, NULL, error))
      goto fail;
  }
  /* Applied here as on every server. */
  return catch_up_on (self, conn, store, error);

fail:
  rollback (conn);
  return FALSE;
}

static gboolean
pg_add_office_audit (AjServerDb                *db,
                     const AjOfficeAuditEntry  *entry,
                     GError                   **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { entry->at, entry->user, entry->action, entry->subject ? entry->subject : "",
                           entry->detail ? entry->detail : "", entry->client };

  return conn != NULL &&
         exec (conn, "INSERT INTO office_audit (at, user_name, action, subject, detail, client) "
                     "VALUES ($1, $2, $3, $4, $5, $6)", 6, params, error);
}

static GPtrArray *
pg_list_office_audit (AjServerDb  *db,
                      guint        limit,
                      GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[] = { limit_text };
  g_autoptr(PGresult) res = NULL;
  GPtrArray *entries;

  if (conn == NULL ||
      (res = run (conn, "SELECT at, user_name, action, subject, detail, client FROM office_audit "
                        "ORDER BY id DESC LIMIT $1::bigint", 1, params, error)) == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_audit_entry_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      AjOfficeAuditEntry *entry = g_new0 (AjOfficeAuditEntry, 1);

      entry->at = text_of (res, i, 0);
      entry->user = text_of (res, i, 1);
      entry->action = text_of (res, i, 2);
      entry->subject = text_of (res, i, 3);
      entry->detail = text_of (res, i, 4);
      entry->client = text_of (res, i, 5);
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

static gboolean
pg_office_locked_until (AjServerDb  *db,
                        const char  *user_name,
                        gint64      *locked_until,
                        GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { user_name };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL ||
      (res = run (conn, "SELECT locked_until FROM office_lockouts WHERE user_name = $1", 1, params, error)) == NULL)
    return FALSE;
  *locked_until = PQntuples (res) > 0 ? int_of (res, 0, 0) : 0;
  return TRUE;
}

/* One statement, on the user's row: failures through any server count
 * against one total, and the one that reaches the limit locks. */
static gboolean
pg_office_failed (AjServerDb  *db,
                  const char  *user_name,
                  gint64       max_failures,
                  gint64       locked_until,
                  gboolean    *locked,
                  GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  g_autofree char *max_text = g_strdup_printf ("%" G_GINT64_FORMAT, max_failures);
  g_autofree char *until_text = g_strdup_printf ("%" G_GINT64_FORMAT, locked_until);
  const char *params[] = { user_name, max_text, until_text };
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL ||
      (res = run (conn, "INSERT INTO office_lockouts AS o (user_name, failures, locked_until) "
                        "VALUES ($1, 1, 0) "
                        "ON CONFLICT (user_name) DO UPDATE SET "
                        "  failures = CASE WHEN o.failures + 1 >= $2::bigint THEN 0 ELSE o.failures + 1 END, "
                        "  locked_until = CASE WHEN o.failures + 1 >= $2::bigint THEN $3::bigint ELSE o.locked_until END "
                        "RETURNING locked_until = $3::bigint", 3, params, error)) == NULL)
    return FALSE;
  *locked = PQntuples (res) > 0 && g_str_equal (PQgetvalue (res, 0, 0), "t");
  return TRUE;
}

static gboolean
pg_office_signed_in (AjServerDb  *db,
                     const char  *user_name,
                     GError     **error)
{
  PGconn *conn = get_conn ((AjServerDbPg *) db, error);
  const char *params[] = { user_name };

  return conn != NULL && exec (conn, "DELETE FROM office_lockouts WHERE user_name = $1", 1, params, error);
}

/* ---- the object ---- */

static void
pg_free (AjServerDb *db)
{
  AjServerDbPg *self = (AjServerDbPg *) db;
  ThreadConn *tc = g_private_get (&thread_conn);

  if (tc != NULL && tc->generation == self->generation)
    g_clear_pointer (&tc->conn, PQfinish);
  g_mutex_clear (&self->catch_up_lock);
  g_free (self->url);
  g_free (self);
}

static const AjServerDbOps pg_ops = {
  .name = "postgresql",
  .free = pg_free,
  .add_code = pg_add_code,
  .redeem_code = pg_redeem_code,
  .count_enroll_failures = pg_count_enroll_failures,
  .add_enroll_failure = pg_add_enroll_failure,
  .find_device_by_token = pg_find_device_by_token,
  .list_devices = pg_list_devices,
  .revoke_device = pg_revoke_device,
  .blob_size = pg_blob_size,
  .device_blob_bytes = pg_device_blob_bytes,
  .add_blob = pg_add_blob,
  .catch_up = pg_catch_up,
  .push = pg_push,
  .add_reference = pg_add_reference,
  .grant_numbers = pg_grant_numbers,
  .add_office_session = pg_add_office_session,
  .find_office_session = pg_find_office_session,
  .end_office_session = pg_end_office_session,
  .list_open_codes = pg_list_open_codes,
  .revoke_code = pg_revoke_code,
  .share_change = pg_share_change,
  .add_office_audit = pg_add_office_audit,
  .list_office_audit = pg_list_office_audit,
  .office_locked_until = pg_office_locked_until,
  .office_failed = pg_office_failed,
  .office_signed_in = pg_office_signed_in,
  .blob_sizes = pg_blob_sizes,
};

AjServerDb *
aj_server_db_pg_open (const char  *url,
                      GError     **error)
{
  static gsize registered = 0;
  AjServerDbPg *self = g_new0 (AjServerDbPg, 1);
  PGconn *conn;

  if (g_once_init_enter (&registered))
    {
      aj_server_pg_register_resource ();
      g_once_init_leave (&registered, 1);
    }

  self->parent.ops = &pg_ops;
  self->url = g_strdup (url);
  self->generation = (guint) g_atomic_int_add (&next_generation, 1);
  g_mutex_init (&self->catch_up_lock);
  conn = get_conn (self, error);
  if (conn == NULL || !migrate (conn, error))
    {
      pg_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
