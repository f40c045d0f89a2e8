/* aj-server-store.c: every SQL statement of the server, over the same SQLite
 * file as its event log. Secrets (tokens, enrollment codes) are kept only as
 * SHA-256 hashes; a scope's values are bound parameters, never SQL text. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-authority.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-server-store.h"
#include "aj-store-private.h"
#include "aj-util.h"

G_DEFINE_QUARK (aj-server-store-error-quark, aj_server_store_error)

void
aj_server_device_free (AjServerDevice *device)
{
  g_free (device->id);
  g_free (device->name);
  g_free (device->scope);
  g_free (device->enrolled_at);
  g_free (device);
}

void
aj_server_check_free (AjServerCheck *check)
{
  g_free (check->assignment);
  g_free (check->draw_id);
  g_free (check->institution);
  g_free (check->institution_name);
  g_free (check->county);
  g_free (check->type);
  g_free (check->due);
  g_free (check->status);
  g_free (check->checked_on);
  g_free (check->published_on);
  g_free (check);
}

void
aj_server_publication_free (AjServerPublication *publication)
{
  g_free (publication->draw_id);
  g_free (publication->title);
  g_free (publication->drawn_at);
  g_free (publication->published_on);
  g_free (publication->seed_source);
  g_free (publication->seed);
  g_free (publication->digest);
  g_free (publication);
}

void
aj_server_plan_free (AjServerPlan *plan)
{
  g_free (plan->id);
  g_free (plan->title);
  g_free (plan->created_at);
  g_free (plan->checklist);
  g_free (plan->due);
  g_free (plan->current_draw);
  g_free (plan);
}

char *
aj_server_store_path (const char *data_dir)
{
  return g_build_filename (data_dir, "anjian-server.db", NULL);
}

/* Tables only the server has, beside the shared schema (data/sql). */
static const char server_schema[] =
  "CREATE TABLE IF NOT EXISTS enroll_failures ("
  "  client  TEXT NOT NULL,"
  "  at      INTEGER NOT NULL"      /* Unix seconds, UTC */
  ");"
  "CREATE INDEX IF NOT EXISTS enroll_failures_client ON enroll_failures (client, at);";

AjStore *
aj_server_store_open (const char  *data_dir,
                      GError     **error)
{
  g_autofree char *path = aj_server_store_path (data_dir);
  g_autoptr(AjStore) store = NULL;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s",
                   data_dir, g_strerror (saved));
      return NULL;
    }
  store = aj_store_open (path, error);
  if (store == NULL || !aj_db_exec (aj_store_get_db (store), server_schema, error))
    return NULL;
  return g_steal_pointer (&store);
}

AjStore *
aj_server_store_open_connection (AjStore  *store,
                                 GError  **error)
{
  return aj_store_open_for_thread (aj_store_get_path (store), error);
}

static sqlite3_stmt *
prepare (AjStore     *store,
         const char  *sql,
         GError     **error)
{
  return aj_db_prepare (aj_store_get_db (store), sql, error);
}

static gint64
query_int (AjStore    *store,
           const char *sql,
           const char *arg)
{
  return aj_db_query_int (aj_store_get_db (store), sql, arg, 0);
}

/* ---- scope ---- */

/* A condition on a column "institution", with :value bound by bind_scope. */
static const char *
scope_condition (const AjScope *scope)
{
  static const char * const conditions[] = {
    [AJ_SCOPE_NONE] = "AND 0",
    [AJ_SCOPE_ALL] = "",
    [AJ_SCOPE_COUNTY] = "AND institution IN (SELECT code FROM institutions WHERE county = :value)",
    [AJ_SCOPE_INSTITUTIONS] = "AND institution IN (SELECT value FROM json_each (:value))",
  };

  return conditions[aj_scope_get_kind (scope)];
}

/* The same for the users table (columns "county" and "institution"). */
static const char *
users_condition (const AjScope *scope)
{
  static const char * const conditions[] = {
    [AJ_SCOPE_NONE] = "AND 0",
    [AJ_SCOPE_ALL] = "",
    [AJ_SCOPE_COUNTY] =
      "AND (CASE WHEN institution IS NOT NULL "
      "THEN institution IN (SELECT code FROM institutions WHERE county = :value) "
      "ELSE county = :value END)",
    [AJ_SCOPE_INSTITUTIONS] =
      "AND (CASE WHEN institution IS NOT NULL "
      "THEN institution IN (SELECT value FROM json_each (:value)) "
      "ELSE county IN (SELECT county FROM institutions WHERE code IN (SELECT value FROM json_each (:value))) END)",
  };

  return conditions[aj_scope_get_kind (scope)];
}

static void
bind_scope (sqlite3_stmt  *stmt,
            const AjScope *scope)
{
  int index = sqlite3_bind_parameter_index (stmt, ":value");

  if (index == 0)
    return;
  if (aj_scope_get_kind (scope) == AJ_SCOPE_COUNTY)
    aj_db_bind_text (stmt, index, aj_scope_get_county (scope));
  else
    {
      g_autofree char *codes = aj_scope_institutions_json (scope);
      aj_db_bind_text (stmt, index, codes);
    }
}

gboolean
aj_server_store_scope_allows (AjStore       *store,
                              const AjScope *scope,
                              const char    *institution)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (aj_scope_get_kind (scope) == AJ_SCOPE_ALL)
    return TRUE;
  if (institution == NULL)
    return FALSE;
  /* The condition names the column "institution": give it one. */
  sql = g_strdup_printf ("SELECT 1 FROM (SELECT :institution AS institution) WHERE 1 %s", scope_condition (scope));
  stmt = prepare (store, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":institution"), institution);
  bind_scope (stmt, scope);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* ---- devices and enrollment codes ---- */

char *
aj_server_store_normalize_code (const char *code)
{
  GString *normal = g_string_new (NULL);

  for (const char *p = code; p && *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (normal, g_ascii_toupper (*p));
  return g_string_free (normal, FALSE);
}

gboolean
aj_server_store_add_code (AjStore        *store,
                          const char     *code,
                          const AjScope  *scope,
                          const char     *created_at,
                          const char     *expires_at,
                          GError        **error)
{
  g_autofree char *normal = aj_server_store_normalize_code (code);
  g_autofree char *hash = aj_sha256_hex (normal, strlen (normal));
  g_autofree char *scope_json = aj_scope_to_json (scope);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO enroll_codes (code_hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, hash);
  aj_db_bind_text (stmt, 2, scope_json);
  aj_db_bind_text (stmt, 3, created_at);
  aj_db_bind_text (stmt, 4, expires_at);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* Codes and tokens alike: the row a secret's hash finds, refused when there
 * is none or when its third column (used by, revoked at) is set. */
static sqlite3_stmt *
find_by_secret (AjStore             *store,
                const char          *sql,
                const char          *hash,
                AjServerStoreError   unknown,
                const char          *unknown_message,
                AjServerStoreError   spent,
                const char          *spent_message,
                GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, error);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, hash);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, AJ_SERVER_STORE_ERROR, unknown, unknown_message);
      return NULL;
    }
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      g_set_error_literal (error, AJ_SERVER_STORE_ERROR, spent, spent_message);
      return NULL;
    }
  return g_steal_pointer (&stmt);
}

/* Whether the time @a is before @b, both ISO 8601 with a zone (UTC "Z"
 * or an offset): compared as times, never as text. An unreadable time is
 * never before anything, so an unreadable expiry has passed. */
gboolean
aj_server_store_is_before (const char *a,
                           const char *b)
{
  g_autoptr(GDateTime) ta = a ? g_date_time_new_from_iso8601 (a, NULL) : NULL;
  g_autoptr(GDateTime) tb = b ? g_date_time_new_from_iso8601 (b, NULL) : NULL;

  return ta != NULL && tb != NULL && g_date_time_compare (ta, tb) < 0;
}

/* The scope the code grants, while the transaction is open; NULL with
 * @error when the code cannot be used now. */
static char *
take_code (AjStore     *store,
           const char  *code_hash,
           const char  *device_id,
           const char  *now,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = find_by_secret (store,
      "SELECT scope, expires_at, used_by FROM enroll_codes WHERE code_hash = ?", code_hash,
      AJ_SERVER_STORE_ERROR_CODE_UNKNOWN, "This enrollment code is not valid",
      AJ_SERVER_STORE_ERROR_CODE_USED, "This enrollment code has already been used", error);

  if (stmt == NULL)
    return NULL;
  if (!aj_server_store_is_before (now, aj_db_col_text (stmt, 1)))
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_EXPIRED,
                   "This enrollment code has expired");
      return NULL;
    }
  if (query_int (store, "SELECT count(*) FROM devices WHERE id = ? AND revoked_at IS NOT NULL", device_id) > 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_DEVICE_REVOKED,
                   "This device was revoked and cannot enroll again");
      return NULL;
    }
  /* Its events are chained to its id and its token is its identity: a
   * second enrollment under the same id would take both over. */
  if (query_int (store, "SELECT count(*) FROM devices WHERE id = ?", device_id) > 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_DEVICE_EXISTS,
                   "A device with this id is enrolled already; an enrolled device keeps its token");
      return NULL;
    }
  return aj_db_col_dup (stmt, 0);
}

static gboolean
enroll_device (AjStore     *store,
               const char  *code_hash,
               const char  *device_id,
               const char  *device_name,
               const char  *token,
               const char  *scope,
               const char  *now,
               GError     **error)
{
  g_autofree char *token_hash = aj_sha256_hex (token, strlen (token));
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO devices (id, name, token_hash, scope, enrolled_at) VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, device_name);
  aj_db_bind_text (stmt, 3, token_hash);
  aj_db_bind_text (stmt, 4, scope);
  aj_db_bind_text (stmt, 5, now);
  if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (store, "UPDATE enroll_codes SET used_by = ? WHERE code_hash = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, code_hash);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* The code is spent and the device holds @token, or nothing changed.
 * Returns the scope's JSON. Codes are compared as typed in capitals. */
char *
aj_server_store_redeem_code (AjStore     *store,
                             const char  *code,
                             const char  *device_id,
                             const char  *device_name,
                             const char  *token,
                             const char  *now,
                             GError     **error)
{
  g_autofree char *normal = aj_server_store_normalize_code (code);
  g_autofree char *code_hash = aj_sha256_hex (normal, strlen (normal));
  g_autofree char *scope = NULL;

  if (!aj_store_begin (store, error))
    return NULL;
  scope = take_code (store, code_hash, device_id, now, error);
  if (scope == NULL || !enroll_device (store, code_hash, device_id, device_name, token, scope, now, error))
    {
      aj_store_rollback (store);
      return NULL;
    }
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&scope);
}

gint64
aj_server_store_count_enroll_failures (AjStore    *store,
                                       const char *client,
                                       gint64      since_unix)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT count(*) FROM enroll_failures WHERE client = ? AND at >= ?", NULL);

  if (stmt == NULL)
    return G_MAXINT64;   /* when in doubt, refuse */
  aj_db_bind_text (stmt, 1, client);
  sqlite3_bind_int64 (stmt, 2, since_unix);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : G_MAXINT64;
}

/* Also forgets failures older than a day, so the table stays small. */
gboolean
aj_server_store_add_enroll_failure (AjStore     *store,
                                    const char  *client,
                                    gint64       at_unix,
                                    GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = prepare (store, "INSERT INTO enroll_failures (client, at) VALUES (?, ?)", error);
  g_autoptr(sqlite3_stmt) prune = NULL;

  if (insert == NULL)
    return FALSE;
  aj_db_bind_text (insert, 1, client);
  sqlite3_bind_int64 (insert, 2, at_unix);
  if (!aj_db_step_done (aj_store_get_db (store), insert, error))
    return FALSE;
  prune = prepare (store, "DELETE FROM enroll_failures WHERE at < ?", error);
  if (prune == NULL)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, at_unix - 24 * 3600);
  return aj_db_step_done (aj_store_get_db (store), prune, error);
}

gboolean
aj_server_store_find_device_by_token (AjStore     *store,
                                      const char  *token,
                                      char       **device_id,
                                      AjScope    **scope,
                                      GError     **error)
{
  g_autofree char *hash = aj_sha256_hex (token, strlen (token));
  /* Cached: every device request asks it. */
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (store),
      "SELECT id, scope, revoked_at FROM devices WHERE token_hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, hash);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_TOKEN_UNKNOWN,
                           "This device is not enrolled with this server");
      return FALSE;
    }
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      g_set_error_literal (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_TOKEN_REVOKED,
                           "This device has been revoked by the administrator");
      return FALSE;
    }
  *device_id = aj_db_col_dup (stmt, 0);
  *scope = aj_scope_new_from_json (aj_db_col_text (stmt, 1));
  return TRUE;
}

/* In the order they enrolled. */
GPtrArray *
aj_server_store_list_devices (AjStore *store)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_device_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT d.id, d.name, d.scope, d.enrolled_at, d.revoked_at, "
      "(SELECT count(*) FROM events e WHERE e.device_id = d.id) FROM devices d ORDER BY d.enrolled_at", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjServerDevice *device = g_new0 (AjServerDevice, 1);

      device->id = g_strdup (aj_db_col_text (stmt, 0));
      device->name = g_strdup (aj_db_col_text (stmt, 1));
      device->scope = g_strdup (aj_db_col_text (stmt, 2));
      device->enrolled_at = g_strdup (aj_db_col_text (stmt, 3));
      device->revoked = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
      device->events = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (devices, device);
    }
  return devices;
}

gboolean
aj_server_store_revoke_device (AjStore     *store,
                               const char  *device_id,
                               const char  *now,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, now);
  aj_db_bind_text (stmt, 2, device_id);
  if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
    return FALSE;
  if (sqlite3_changes (aj_store_get_db (store)) == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, "No enrolled device %s (or it is revoked already)", device_id);
      return FALSE;
    }
  return TRUE;
}

/* ---- events ---- */

/* A photo an event names must be uploaded whole before the event. */
static gboolean
check_blobs (AjStore        *store,
             const AjEvent  *ev,
             GError        **error)
{
  g_autoptr(GPtrArray) blobs = aj_event_blob_refs (ev);
  const char *missing = NULL;

  if (g_str_equal (ev->type, "photo.added") && blobs->len == 0)
    missing = "?";
  for (guint j = 0; j < blobs->len && missing == NULL; j++)
    if (!aj_server_store_blob_is_complete (store, g_ptr_array_index (blobs, j)))
      missing = g_ptr_array_index (blobs, j);
  if (missing != NULL)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_BLOB_MISSING,
                   "Upload the photo %s before the event that names it", missing);
      return FALSE;
    }
  return TRUE;
}

void
aj_push_outcome_clear (AjPushOutcome *outcome)
{
  g_clear_pointer (&outcome->code, g_free);
  g_clear_pointer (&outcome->message, g_free);
}

/* Stores a device's batch, each event judged by the center's rules
 * (aj_authority_check). What no device may send at all (another device's
 * events, a broken chain, a photo not uploaded) refuses the whole batch, so
 * a retry is simple; an event the rules refuse is answered on its own, kept
 * unapplied in its device's chain, and the rest of the batch goes on.
 * Returns one AjPushOutcome per event, in the batch's order. */
GArray *
aj_server_store_add_events (AjStore        *store,
                            const char     *device_id,
                            const AjScope  *scope,
                            GPtrArray      *events,
                            GError        **error)
{
  g_autoptr(GArray) outcomes = g_array_sized_new (FALSE, TRUE, sizeof (AjPushOutcome), events->len);
  gint64 now_ms = g_get_real_time () / 1000;

  g_array_set_clear_func (outcomes, (GDestroyNotify) aj_push_outcome_clear);
  if (!aj_store_begin (store, error))
    return NULL;
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(GError) refusal = NULL;
      AjPushOutcome outcome = { 0 };

      if (!g_str_equal (ev->device_id, device_id))
        {
          g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_NOT_YOUR_EVENT,
                       "Event %s was made by another device; a device pushes only its own events", ev->id);
          goto fail;
        }
      /* A batch sent again gets the same answers. */
      if (aj_store_lookup_event (store, ev->id, &outcome.server_seq, &outcome.code, &outcome.message))
        {
          if (outcome.code == NULL && !aj_store_insert_remote (store, ev, TRUE, NULL, &outcome.server_seq, error))
            goto fail;
          g_array_append_val (outcomes, outcome);
          continue;
        }
      if (!check_blobs (store, ev, error))
        goto fail;
      if (!aj_authority_check (store, device_id, scope, ev, now_ms, &refusal))
        {
          outcome.code = g_strdup (aj_refusal_code (refusal->code));
          outcome.message = g_strdup (refusal->message);
          if (!aj_store_insert_refused (store, ev, outcome.code, outcome.message, error))
            {
              aj_push_outcome_clear (&outcome);
              goto fail;
            }
        }
      else if (!aj_store_insert_remote (store, ev, TRUE, NULL, &outcome.server_seq, error))
        goto fail;
      else if (g_str_equal (ev->type, "inspection.finished"))
        {
          /* The finished inspection of an assignment closes it; the
           * devices see that at their next sync. */
          g_autofree char *now = aj_now_iso8601 ();
          gboolean closed = FALSE;

          if (!aj_server_store_close_assignment (store, ev->subject, now, &closed, error) ||
              (closed && !aj_server_store_bump_reference_version (store, error)))
            goto fail;
        }
      g_array_append_val (outcomes, outcome);
    }
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&outcomes);

fail:
  aj_store_rollback (store);
  return NULL;
}

gint64
aj_server_store_last_server_seq (AjStore *store)
{
  return aj_db_query_int_cached (aj_store_get_db (store), "SELECT max(server_seq) FROM events WHERE server_seq IS NOT NULL",
                                 NULL, 0);
}

/* A server's cache applies pulled events as a kiosk does (see
 * aj-server-db-pg.c), which marks the photos they name as wanted. */
gboolean
aj_server_store_forget_wanted_blobs (AjStore  *store,
                                     GError  **error)
{
  return aj_db_exec (aj_store_get_db (store), "DELETE FROM blobs_wanted", error);
}

/* ---- blobs ---- */

gboolean
aj_server_store_blob_is_complete (AjStore    *store,
                                  const char *sha256)
{
  return query_int (store, "SELECT complete FROM blobs WHERE sha256 = ?", sha256) == 1;
}

gint64
aj_server_store_blob_size (AjStore    *store,
                           const char *sha256)
{
  return query_int (store, "SELECT size FROM blobs WHERE sha256 = ?", sha256);
}

gboolean
aj_server_store_add_blob (AjStore     *store,
                          const char  *sha256,
                          gint64       size,
                          const char  *received_at,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO blobs (sha256, size, complete, received_at) VALUES (?, ?, 1, ?) "
      "ON CONFLICT (sha256) DO UPDATE SET complete = 1, size = excluded.size", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, sha256);
  sqlite3_bind_int64 (stmt, 2, size);
  aj_db_bind_text (stmt, 3, received_at);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* A device may read a photo when some event it may see names it (a refused
 * event is served to no one, so it names nothing). The text search first
 * spares parsing the body of every event that cannot name it. */
gboolean
aj_server_store_blob_in_scope (AjStore       *store,
                               const char    *sha256,
                               const AjScope *scope)
{
  /* blob_refs (migration 0020) names the events that carry the hash: an
   * index lookup, then each event by its primary key. */
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM events WHERE id IN (SELECT event_id FROM blob_refs WHERE sha256 = :sha256) "
      "AND server_seq IS NOT NULL %s",
      scope_condition (scope));
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, NULL);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":sha256"), sha256);
  bind_scope (stmt, scope);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0;
}

/* ---- reference data ---- */

/* Each change to reference data bumps the version, which devices compare
 * on every sync. */
gint64
aj_server_store_get_reference_version (AjStore *store)
{
  g_autofree char *text = aj_store_get_meta (store, "reference_version");

  return text ? g_ascii_strtoll (text, NULL, 10) : 0;
}

gboolean
aj_server_store_bump_reference_version (AjStore  *store,
                                        GError  **error)
{
  g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, aj_server_store_get_reference_version (store) + 1);

  return aj_store_set_meta (store, "reference_version", next, error);
}

gboolean
aj_server_store_publish_checklist (AjStore     *store,
                                   const char  *id,
                                   int          version,
                                   const char  *body,
                                   const char  *published_at,
                                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO checklists (id, version, body, published_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (id, version) DO UPDATE SET body = excluded.body, "
      "published_at = excluded.published_at", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, version);
  aj_db_bind_text (stmt, 3, body);
  aj_db_bind_text (stmt, 4, published_at);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

static void
set_text_unless_null (JsonObject   *o,
                      const char   *name,
                      sqlite3_stmt *stmt,
                      int           column)
{
  if (sqlite3_column_type (stmt, column) != SQLITE_NULL)
    json_object_set_string_member (o, name, aj_db_col_text (stmt, column));
}

/* The registry in the JSON of data/registry.json, limited to a scope:
 * institutions in it; the staff of institutions in it; and people of no
 * institution (inspectors, administrators) of the county of the scope or of
 * one of its institutions, everyone only for a device that sees everything.
 * With PIN hashes, so that sign-in works offline: which is why no device
 * gets the users of another's scope. */
JsonObject *
aj_server_store_registry_for_scope (AjStore       *store,
                                    const AjScope *scope)
{
  g_autofree char *sql = NULL;
  JsonObject *registry = json_object_new ();
  JsonArray *institutions = json_array_new ();
  JsonArray *users = json_array_new ();
  JsonArray *departments = json_array_new ();
  JsonArray *roster = json_array_new ();
  g_autoptr(GHashTable) sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) scope_counties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GListModel) inspectors = aj_roster_list_inspectors (store, NULL);
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GListModel) all = aj_registry_list_institutions_by_code (store, NULL);
  g_autoptr(GListModel) all_departments = aj_department_list (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* Every field of the register, as its JSON export writes it. */
  for (guint i = 0; all != NULL && i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(AjInstitution) institution = g_list_model_get_item (all, i);

      if (aj_server_store_scope_allows (store, scope, aj_institution_get_code (institution)))
        {
          json_array_add_object_element (institutions, aj_institution_to_json (institution));
          g_hash_table_add (named, (gpointer) aj_institution_get_department (institution));
          g_hash_table_add (scope_counties, g_strdup (aj_institution_get_county (institution)));
        }
    }
  /* The departments of those institutions, which issue their documents. */
  for (guint i = 0; i < g_list_model_get_n_items (all_departments); i++)
    {
      g_autoptr(AjDepartment) department = g_list_model_get_item (all_departments, i);

      if (g_hash_table_contains (named, aj_department_get_id (department)))
        json_array_add_object_element (departments, aj_department_to_json (department));
    }

  /* And the members of the open assignments in the scope, wherever they
   * come from: each confirms his or her presence with a PIN on the device. */
  sql = g_strdup_printf ("SELECT id, name, role, county, institution, pin_hash, post FROM users WHERE (1 %s) "
                         "OR id IN (SELECT j.value FROM assignments, json_each (assignments.team) j "
                         "WHERE assignments.status = 'open' %s) ORDER BY id",
                         users_condition (scope), scope_condition (scope));
  stmt = prepare (store, sql, NULL);
  if (stmt != NULL)
    bind_scope (stmt, scope);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "id", aj_db_col_text (stmt, 0));
      json_object_set_string_member (o, "name", aj_db_col_text (stmt, 1));
      json_object_set_string_member (o, "role", aj_db_col_text (stmt, 2));
      set_text_unless_null (o, "county", stmt, 3);
      set_text_unless_null (o, "institution", stmt, 4);
      json_object_set_string_member (o, "pin_hash", aj_db_col_text (stmt, 5));
      if (*aj_db_col_text (stmt, 6))
        json_object_set_string_member (o, "post", aj_db_col_text (stmt, 6));
      json_array_add_object_element (users, o);
      g_hash_table_add (sent, g_strdup (aj_db_col_text (stmt, 0)));
    }
  /* Documents name each inspector with his or her enforcement certificate:
   * the roster rows of the people sent and of every inspector who may
   * inspect a county of the scope (a team's second member need not use
   * this device). */
  for (guint i = 0; inspectors != NULL && i < g_list_model_get_n_items (inspectors); i++)
    {
      g_autoptr(AjInspector) inspector = g_list_model_get_item (inspectors, i);
      const char * const *counties = aj_inspector_get_counties (inspector);
      gboolean wanted = g_hash_table_contains (sent, aj_inspector_get_id (inspector));

      for (guint j = 0; !wanted && counties && counties[j]; j++)
        wanted = g_str_equal (counties[j], "*") || g_hash_table_contains (scope_counties, counties[j]);
      if (wanted && aj_inspector_get_active (inspector))
        {
          /* Who must stay away from whom (回避) is the draw's business, on
           * the server: a device gets no one's ties. */
          JsonObject *row = aj_inspector_to_json (inspector);
          json_object_set_array_member (row, "member_of", json_array_new ());
          json_object_set_array_member (row, "related_to", json_array_new ());
          json_array_add_object_element (roster, row);
        }
    }
  json_object_set_int_member (registry, "version", 1);
  json_object_set_array_member (registry, "departments", departments);
  json_object_set_array_member (registry, "institutions", institutions);
  json_object_set_array_member (registry, "users", users);
  json_object_set_array_member (registry, "inspectors", roster);
  return registry;
}

/* Grants @device_id the next @count numbers of @department's sequence of
 * @year: above every number granted before, to any device, so that no two
 * devices ever hold the same one; recorded for good (the check of each
 * pushed number reads it). A device may ask only for a department of an
 * institution in its scope. */
gboolean
aj_server_store_department_in_scope (AjStore        *store,
                                     const AjScope  *scope,
                                     const char     *department,
                                     GError        **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) allowed = NULL;

  /* The scope's condition names a column "institution": alias the code. */
  sql = g_strdup_printf ("SELECT count(*) FROM (SELECT code AS institution, department FROM institutions) "
                         "WHERE department = :department %s", scope_condition (scope));
  allowed = prepare (store, sql, error);
  if (allowed == NULL)
    return FALSE;
  aj_db_bind_text (allowed, sqlite3_bind_parameter_index (allowed, ":department"), department);
  bind_scope (allowed, scope);
  if (sqlite3_step (allowed) != SQLITE_ROW || sqlite3_column_int (allowed, 0) == 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_OUTSIDE_SCOPE,
                   "Department %s has no institution in this device's scope", department);
      return FALSE;
    }
  return TRUE;
}

/* A block granted elsewhere (by another server, on the shared database),
 * recorded here for the checks of pushed numbers. */
gboolean
aj_server_store_add_number_block (AjStore     *store,
                                  const char  *department,
                                  int          year,
                                  const char  *device_id,
                                  gint64       first,
                                  gint64       last,
                                  const char  *granted_at,
                                  GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = prepare (store,
      "INSERT INTO number_blocks (department, year, device_id, first, last, granted_at) VALUES (?, ?, ?, ?, ?, ?)",
      error);

  if (insert == NULL)
    return FALSE;
  aj_db_bind_text (insert, 1, department);
  sqlite3_bind_int (insert, 2, year);
  aj_db_bind_text (insert, 3, device_id);
  sqlite3_bind_int64 (insert, 4, first);
  sqlite3_bind_int64 (insert, 5, last);
  aj_db_bind_text (insert, 6, granted_at);
  return aj_db_step_done (aj_store_get_db (store), insert, error);
}

gboolean
aj_server_store_grant_numbers (AjStore        *store,
                               const char     *device_id,
                               const AjScope  *scope,
                               const char     *department,
                               int             year,
                               gint64          count,
                               gint64         *first,
                               gint64         *last,
                               GError        **error)
{
  g_autofree char *now = aj_now_iso8601 ();

  if (!aj_server_store_department_in_scope (store, scope, department, error) || !aj_store_begin (store, error))
    return FALSE;
  {
    g_autoptr(sqlite3_stmt) top = prepare (store,
        "SELECT coalesce(max(last), 0) + 1 FROM number_blocks WHERE department = ? AND year = ?", error);
    if (top == NULL)
      goto fail;
    aj_db_bind_text (top, 1, department);
    sqlite3_bind_int (top, 2, year);
    *first = sqlite3_step (top) == SQLITE_ROW ? sqlite3_column_int64 (top, 0) : 1;
  }
  *last = *first + count - 1;
  if (!aj_server_store_add_number_block (store, department, year, device_id, *first, *last, now, error))
    goto fail;
  return aj_store_commit (store, error);

fail:
  aj_store_rollback (store);
  return FALSE;
}

/* The newest version of each published checklist, as its JSON. */
JsonArray *
aj_server_store_published_checklists (AjStore *store)
{
  JsonArray *list = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT body FROM checklists c WHERE version = (SELECT max(version) FROM checklists d WHERE d.id = c.id) "
      "ORDER BY id", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = aj_json_parse_object (aj_db_col_text (stmt, 0), NULL);
      if (o != NULL)
        json_array_add_object_element (list, o);
    }
  return list;
}

/* Every published version of every checklist, as its JSON, by id then
 * version: a document keeps the questions its inspection was made with. */
JsonArray *
aj_server_store_published_checklist_editions (AjStore *store)
{
  JsonArray *list = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT body FROM checklists ORDER BY id, version", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = aj_json_parse_object (aj_db_col_text (stmt, 0), NULL);
      if (o != NULL)
        json_array_add_object_element (list, o);
    }
  return list;
}

/* ---- the public pages ---- */

/* Counts only: the overview shows no names. */
void
aj_server_store_overview (AjStore          *store,
                          const char       *today,
                          AjServerOverview *overview)
{
  overview->active_devices = query_int (store, "SELECT count(*) FROM devices WHERE revoked_at IS NULL", NULL);
  overview->institutions = query_int (store, "SELECT count(*) FROM institutions", NULL);
  overview->inspections = query_int (store, "SELECT count(*) FROM inspections", NULL);
  overview->open_hazards = query_int (store, "SELECT count(*) FROM hazards WHERE status NOT IN ('closed', 'withdrawn')", NULL);
  /* Overdue: not rectified by the deadline (aj_lifecycle_days_overdue ()). */
  overview->overdue_hazards = query_int (store, "SELECT count(*) FROM hazards WHERE status NOT IN ('closed', 'withdrawn', "
                                                "'rectified', 'verified') AND deadline <> '' AND deadline < ?", today);
  overview->events = query_int (store, "SELECT count(*) FROM events", NULL);
}

/* ---- plans, assignments and publication ---- */

gboolean
aj_server_store_set_plan_task (AjStore     *store,
                               const char  *plan_id,
                               const char  *checklist,
                               const char  *due,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "UPDATE draw_plans SET checklist = ?, due = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, checklist);
  aj_db_bind_text (stmt, 2, due);
  aj_db_bind_text (stmt, 3, plan_id);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

#define PLAN_SELECT \
  "SELECT p.id, p.title, p.created_at, p.checklist, p.due, " \
  "  (SELECT d.id FROM draws d WHERE d.plan_id = p.id AND NOT EXISTS (SELECT 1 FROM draws r WHERE r.replaces = d.id)) " \
  "FROM draw_plans p "

static AjServerPlan *
plan_from_row (sqlite3_stmt *stmt)
{
  AjServerPlan *plan = g_new0 (AjServerPlan, 1);

  plan->id = aj_db_col_dup (stmt, 0);
  plan->title = aj_db_col_dup (stmt, 1);
  plan->created_at = aj_db_col_dup (stmt, 2);
  plan->checklist = aj_db_col_dup (stmt, 3);
  plan->due = aj_db_col_dup (stmt, 4);
  plan->current_draw = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 5);
  return plan;
}

/* Every plan, oldest first. */
GPtrArray *
aj_server_store_list_plans (AjStore *store)
{
  GPtrArray *plans = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_plan_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store, PLAN_SELECT "ORDER BY p.created_at, p.id", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (plans, plan_from_row (stmt));
  return plans;
}

AjServerPlan *
aj_server_store_get_plan (AjStore    *store,
                          const char *plan_id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, PLAN_SELECT "WHERE p.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, plan_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? plan_from_row (stmt) : NULL;
}

/* The assignments a device of @scope receives: those of institutions in its
 * scope that are not cancelled, in the JSON aj_assignment_replace_all reads. */
JsonArray *
aj_server_store_assignments_for_scope (AjStore       *store,
                                       const AjScope *scope)
{
  JsonArray *list = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT id, draw_id, institution, team, checklist, due, status FROM assignments "
      "WHERE status <> 'cancelled' ORDER BY due, id", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o;
      g_autoptr(JsonNode) team = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!aj_server_store_scope_allows (store, scope, aj_db_col_text (stmt, 2)) ||
          !json_parser_load_from_data (parser, aj_db_col_text (stmt, 3), -1, NULL))
        continue;
      o = json_object_new ();
      json_object_set_string_member (o, "id", aj_db_col_text (stmt, 0));
      json_object_set_string_member (o, "draw", aj_db_col_text (stmt, 1));
      json_object_set_string_member (o, "institution", aj_db_col_text (stmt, 2));
      json_object_set_member (o, "team", json_node_copy (json_parser_get_root (parser)));
      json_object_set_string_member (o, "checklist", aj_db_col_text (stmt, 4));
      json_object_set_string_member (o, "due", aj_db_col_text (stmt, 5));
      json_object_set_string_member (o, "status", aj_db_col_text (stmt, 6));
      json_array_add_object_element (list, o);
    }
  return list;
}

/* Closes the assignment @inspection_id carries out when the server's own
 * rows agree: the inspection is finished, of the assignment's institution,
 * in spot-check mode, with the assignment's checklist, and at least two of
 * its team confirmed their presence. *@closed tells whether one was. */
gboolean
aj_server_store_close_assignment (AjStore     *store,
                                  const char  *inspection_id,
                                  const char  *now,
                                  gboolean    *closed,
                                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE assignments SET status = 'done', inspection_id = :inspection, closed_at = :now "
      "WHERE status = 'open' AND id = (SELECT s.assignment FROM inspections s WHERE s.id = :inspection "
      "  AND s.status = 'finished' AND s.mode = 'spot_check' AND s.institution = assignments.institution "
      "  AND s.template_id = assignments.checklist) "
      "AND (SELECT count(*) FROM inspection_team t WHERE t.inspection_id = :inspection "
      "  AND t.member IN (SELECT value FROM json_each (assignments.team))) >= 2", error);

  *closed = FALSE;
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":inspection"), inspection_id);
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":now"), now);
  if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
    return FALSE;
  *closed = sqlite3_changes (aj_store_get_db (store)) > 0;
  return TRUE;
}

/* The spot checks of @draw_id (every current one when NULL), in the order
 * drawn: what was found in the inspection that closed each, counted. */
GPtrArray *
aj_server_store_list_checks (AjStore    *store,
                             const char *draw_id)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_check_free);
#define HAZARDS_OF(cond) "(SELECT count(*) FROM hazards h WHERE h.inspection_id = a.inspection_id " \
                         "AND h.status <> 'withdrawn' " cond ")"
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT a.id, a.draw_id, a.institution, coalesce(i.name, a.institution), coalesce(i.county, ''), "
      "  coalesce(i.type, ''), a.due, a.status, "
      "  EXISTS (SELECT 1 FROM inspections s WHERE s.assignment = a.id), "
      "  (SELECT substr(s.finished_at, 1, 10) FROM inspections s WHERE s.id = a.inspection_id), "
      "  (SELECT p.published_on FROM draw_publications p WHERE p.draw_id = a.draw_id), "
      "  (SELECT count(*) FROM item_results r WHERE r.inspection_id = a.inspection_id), "
      "  " HAZARDS_OF ("") ", " HAZARDS_OF ("AND h.status = 'closed'") ", "
      "  " HAZARDS_OF ("AND h.risk_level = 'red'") ", " HAZARDS_OF ("AND h.risk_level = 'orange'") ", "
      "  " HAZARDS_OF ("AND h.risk_level = 'yellow'") ", " HAZARDS_OF ("AND h.risk_level = 'blue'") " "
      "FROM assignments a LEFT JOIN institutions i ON i.code = a.institution "
      "WHERE a.status <> 'cancelled' AND (?1 IS NULL OR a.draw_id = ?1) "
      "ORDER BY a.draw_id, a.position, a.id", NULL);
#undef HAZARDS_OF

  if (stmt != NULL)
    aj_db_bind_text (stmt, 1, draw_id);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjServerCheck *check = g_new0 (AjServerCheck, 1);

      check->assignment = aj_db_col_dup (stmt, 0);
      check->draw_id = aj_db_col_dup (stmt, 1);
      check->institution = aj_db_col_dup (stmt, 2);
      check->institution_name = aj_db_col_dup (stmt, 3);
      check->county = aj_db_col_dup (stmt, 4);
      check->type = aj_db_col_dup (stmt, 5);
      check->due = aj_db_col_dup (stmt, 6);
      check->status = aj_db_col_dup (stmt, 7);
      check->started = sqlite3_column_int (stmt, 8) != 0;
      check->checked_on = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 9);
      check->published_on = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 10);
      check->items = sqlite3_column_int (stmt, 11);
      check->hazards = sqlite3_column_int (stmt, 12);
      check->closed = sqlite3_column_int (stmt, 13);
      for (guint r = 0; r < 4; r++)
        check->by_risk[r] = sqlite3_column_int (stmt, 14 + r);
      g_ptr_array_add (checks, check);
    }
  return checks;
}

/* Publication is one explicit step per draw, with its date; a draw is
 * published once (its later results show on the same page as they come). */
gboolean
aj_server_store_publish_draw (AjStore     *store,
                              const char  *draw_id,
                              const char  *published_on,
                              const char  *published_by,
                              const char  *now,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (query_int (store, "SELECT count(*) FROM draws WHERE id = ?", draw_id) == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, "There is no draw “%s”", draw_id);
      return FALSE;
    }
  if (query_int (store, "SELECT count(*) FROM draws WHERE replaces = ?", draw_id) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT, "Draw %s was replaced by a redraw: publish that one", draw_id);
      return FALSE;
    }
  if (query_int (store, "SELECT count(*) FROM draw_publications WHERE draw_id = ?", draw_id) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT, "Draw %s is published already", draw_id);
      return FALSE;
    }
  stmt = prepare (store, "INSERT INTO draw_publications (draw_id, published_on, published_by, recorded_at) "
                         "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, draw_id);
  aj_db_bind_text (stmt, 2, published_on);
  aj_db_bind_text (stmt, 3, published_by);
  aj_db_bind_text (stmt, 4, now);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

#define PUBLICATION_SELECT \
  "SELECT d.id, p.title, d.drawn_at, u.published_on, d.seed_source, d.seed, d.digest, " \
  "  (SELECT count(*) FROM assignments a WHERE a.draw_id = d.id AND a.status <> 'cancelled'), " \
  "  (SELECT count(*) FROM assignments a WHERE a.draw_id = d.id AND a.status = 'done') " \
  "FROM draw_publications u JOIN draws d ON d.id = u.draw_id JOIN draw_plans p ON p.id = d.plan_id "

static AjServerPublication *
publication_from_row (sqlite3_stmt *stmt)
{
  AjServerPublication *publication = g_new0 (AjServerPublication, 1);

  publication->draw_id = aj_db_col_dup (stmt, 0);
  publication->title = aj_db_col_dup (stmt, 1);
  publication->drawn_at = aj_db_col_dup (stmt, 2);
  publication->published_on = aj_db_col_dup (stmt, 3);
  publication->seed_source = aj_db_col_dup (stmt, 4);
  publication->seed = aj_db_col_dup (stmt, 5);
  publication->digest = aj_db_col_dup (stmt, 6);
  publication->checks = sqlite3_column_int (stmt, 7);
  publication->done = sqlite3_column_int (stmt, 8);
  return publication;
}

/* Published draws, the latest publication first. */
GPtrArray *
aj_server_store_list_publications (AjStore *store)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_publication_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store, PUBLICATION_SELECT "ORDER BY u.published_on DESC, d.id", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, publication_from_row (stmt));
  return list;
}

AjServerPublication *
aj_server_store_get_publication (AjStore    *store,
                                 const char *draw_id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, PUBLICATION_SELECT "WHERE d.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, draw_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? publication_from_row (stmt) : NULL;
}

/* ---- per-device bounds: photo bytes and the pace of events ---- */

/* The photo counts against @device_id's quota, unless another device's
 * upload made it whole first. */
gboolean
aj_server_store_set_blob_device (AjStore     *store,
                                 const char  *sha256,
                                 const char  *device_id,
                                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE blobs SET device_id = ? WHERE sha256 = ? AND device_id IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, sha256);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* Bytes of the photos @device_id uploaded whole. */
gint64
aj_server_store_device_blob_bytes (AjStore    *store,
                                   const char *device_id)
{
  return query_int (store, "SELECT coalesce (sum (size), 0) FROM blobs WHERE device_id = ? AND complete = 1",
                    device_id);
}

/* How many of @events the server does not hold yet (stored or refused):
 * what a push would add. */
gint64
aj_server_store_count_new_events (AjStore   *store,
                                  GPtrArray *events)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT 1 FROM events WHERE id = ?", NULL);
  gint64 fresh = 0;

  if (stmt == NULL)
    return events->len;
  for (guint i = 0; i < events->len; i++)
    {
      sqlite3_reset (stmt);
      aj_db_bind_text (stmt, 1, ((AjEvent *) g_ptr_array_index (events, i))->id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        fresh++;
    }
  return fresh;
}

/* Counts @n_new events against @device_id's window (fixed windows of
 * @window_seconds from the epoch), in the caller's transaction. A batch
 * that would pass @limit is not counted: returns the seconds until the
 * window ends (at least 1). A batch into an empty window always passes, so
 * that a limit below one batch slows a device down without stopping it.
 * Returns 0 when counted, -1 on error. */
gint64
aj_server_store_charge_events (AjStore     *store,
                               const char  *device_id,
                               gint64       n_new,
                               gint64       limit,
                               gint64       window_seconds,
                               gint64       now_unix,
                               GError     **error)
{
  gint64 window_start = now_unix - now_unix % MAX (window_seconds, 1);
  g_autoptr(sqlite3_stmt) read = prepare (store,
      "SELECT events FROM device_event_windows WHERE device_id = ? AND window_start = ?", error);
  g_autoptr(sqlite3_stmt) write = NULL;
  gint64 counted = 0;

  if (read == NULL)
    return -1;
  aj_db_bind_text (read, 1, device_id);
  sqlite3_bind_int64 (read, 2, window_start);
  if (sqlite3_step (read) == SQLITE_ROW)
    counted = sqlite3_column_int64 (read, 0);
  if (n_new == 0)
    return 0;
  if (counted > 0 && counted + n_new > limit)
    return MAX (window_start + window_seconds - now_unix, 1);
  write = prepare (store,
      "INSERT INTO device_event_windows (device_id, window_start, events) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (device_id) DO UPDATE SET events = "
      "CASE WHEN window_start = ?2 THEN events + ?3 ELSE ?3 END, window_start = ?2", error);
  if (write == NULL)
    return -1;
  aj_db_bind_text (write, 1, device_id);
  sqlite3_bind_int64 (write, 2, window_start);
  sqlite3_bind_int64 (write, 3, n_new);
  return aj_db_step_done (aj_store_get_db (store), write, error) ? 0 : -1;
}

/* ---- the office's console: users, sessions, audit ---- */

void
aj_office_user_free (AjOfficeUser *user)
{
  g_free (user->name);
  g_free (user->display_name);
  g_free (user->role);
  g_free (user->county);
  g_free (user->password_hash);
  g_free (user);
}

void
aj_office_audit_entry_free (AjOfficeAuditEntry *entry)
{
  g_free (entry->at);
  g_free (entry->user);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->detail);
  g_free (entry->client);
  g_free (entry);
}

void
aj_office_code_free (AjOfficeCode *code)
{
  g_free (code->code_hash);
  g_free (code->scope);
  g_free (code->created_at);
  g_free (code->expires_at);
  g_free (code->used_by);
  g_free (code);
}

#define OFFICE_USER_SELECT \
  "SELECT name, display_name, role, county, password_hash, failures, locked_until, active FROM office_users "

static AjOfficeUser *
office_user_from_row (sqlite3_stmt *stmt)
{
  AjOfficeUser *user = g_new0 (AjOfficeUser, 1);

  user->name = aj_db_col_dup (stmt, 0);
  user->display_name = aj_db_col_dup (stmt, 1);
  user->role = aj_db_col_dup (stmt, 2);
  user->county = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 3);
  user->password_hash = aj_db_col_dup (stmt, 4);
  user->failures = sqlite3_column_int64 (stmt, 5);
  user->locked_until = sqlite3_column_int64 (stmt, 6);
  user->active = sqlite3_column_int (stmt, 7) != 0;
  return user;
}

gboolean
aj_server_store_add_office_user (AjStore            *store,
                                 const AjOfficeUser *user,
                                 const char         *created_at,
                                 GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO office_users (name, display_name, role, county, password_hash, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, user->name);
  aj_db_bind_text (stmt, 2, user->display_name);
  aj_db_bind_text (stmt, 3, user->role);
  if (user->county != NULL && *user->county != '\0')
    aj_db_bind_text (stmt, 4, user->county);
  aj_db_bind_text (stmt, 5, user->password_hash);
  aj_db_bind_text (stmt, 6, created_at);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

AjOfficeUser *
aj_server_store_get_office_user (AjStore    *store,
                                 const char *name)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, OFFICE_USER_SELECT "WHERE name = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, name);
  return sqlite3_step (stmt) == SQLITE_ROW ? office_user_from_row (stmt) : NULL;
}

GPtrArray *
aj_server_store_list_office_users (AjStore *store)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_user_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store, OFFICE_USER_SELECT "ORDER BY name", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, office_user_from_row (stmt));
  return users;
}

gboolean
aj_server_store_set_office_failures (AjStore     *store,
                                     const char  *name,
                                     gint64       failures,
                                     gint64       locked_until,
                                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE office_users SET failures = ?, locked_until = ? WHERE name = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, failures);
  sqlite3_bind_int64 (stmt, 2, locked_until);
  aj_db_bind_text (stmt, 3, name);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* Also forgets sessions that have expired. */
gboolean
aj_server_store_add_office_session (AjStore     *store,
                                    const char  *token_hash,
                                    const char  *user_name,
                                    const char  *csrf,
                                    gint64       now,
                                    gint64       expires_at,
                                    const char  *client,
                                    GError     **error)
{
  g_autoptr(sqlite3_stmt) prune = prepare (store, "DELETE FROM office_sessions WHERE expires_at <= ?", error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (prune == NULL)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, now);
  if (!aj_db_step_done (aj_store_get_db (store), prune, error))
    return FALSE;
  stmt = prepare (store, "INSERT INTO office_sessions (token_hash, user_name, csrf, created_at, expires_at, client) "
                         "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, token_hash);
  aj_db_bind_text (stmt, 2, user_name);
  aj_db_bind_text (stmt, 3, csrf);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, expires_at);
  aj_db_bind_text (stmt, 6, client);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* The active user of an unexpired session, and the session's CSRF token. */
AjOfficeUser *
aj_server_store_find_office_session (AjStore     *store,
                                     const char  *token_hash,
                                     gint64       now,
                                     char       **csrf)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT u.name, u.display_name, u.role, u.county, u.password_hash, u.failures, u.locked_until, u.active, "
      "s.csrf FROM office_sessions s JOIN office_users u ON u.name = s.user_name "
      "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active", NULL);
  AjOfficeUser *user;

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  user = office_user_from_row (stmt);
  *csrf = aj_db_col_dup (stmt, 8);
  return user;
}

gboolean
aj_server_store_end_office_session (AjStore     *store,
                                    const char  *token_hash,
                                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "DELETE FROM office_sessions WHERE token_hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, token_hash);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

gboolean
aj_server_store_add_office_audit (AjStore     *store,
                                  const char  *at,
                                  const char  *user_name,
                                  const char  *action,
                                  const char  *subject,
                                  const char  *detail,
                                  const char  *client,
                                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "INSERT INTO office_audit (at, user_name, action, subject, detail, client) VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, at);
  aj_db_bind_text (stmt, 2, user_name);
  aj_db_bind_text (stmt, 3, action);
  aj_db_bind_text (stmt, 4, subject ? subject : "");
  aj_db_bind_text (stmt, 5, detail ? detail : "");
  aj_db_bind_text (stmt, 6, client);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}

/* The latest @limit entries, newest first. */
GPtrArray *
aj_server_store_list_office_audit (AjStore *store,
                                   guint    limit)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_audit_entry_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT at, user_name, action, subject, detail, client FROM office_audit ORDER BY id DESC LIMIT ?", NULL);

  if (stmt == NULL)
    return entries;
  sqlite3_bind_int64 (stmt, 1, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjOfficeAuditEntry *entry = g_new0 (AjOfficeAuditEntry, 1);

      entry->at = aj_db_col_dup (stmt, 0);
      entry->user = aj_db_col_dup (stmt, 1);
      entry->action = aj_db_col_dup (stmt, 2);
      entry->subject = aj_db_col_dup (stmt, 3);
      entry->detail = aj_db_col_dup (stmt, 4);
      entry->client = aj_db_col_dup (stmt, 5);
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

/* The ids of the hazards of @scope that pass @filter's stored conditions
 * (overdue is the core rule's to decide), newest first, at most @limit.
 * 督办: the projection's escalation level, set by hazard.escalated. */
GPtrArray *
aj_server_store_office_hazards (AjStore                   *store,
                                const AjScope             *scope,
                                const AjOfficeHazardFilter *filter,
                                guint                      limit)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf (
      "SELECT h.id FROM hazards h LEFT JOIN institutions i ON i.code = h.institution WHERE 1 %s "
      "AND (:county IS NULL OR i.county = :county) "
      "AND (:type IS NULL OR i.type = :type) "
      "AND (:status IS NULL OR (:status = 'open' AND h.status NOT IN ('closed', 'withdrawn')) OR h.status = :status) "
      "AND (:risk IS NULL OR h.risk_level = :risk) "
      "AND (:major = 0 OR h.grade = 'major') "
      "AND (:escalated = 0 OR h.escalation_level IS NOT NULL) "
      "ORDER BY h.found_at DESC, h.id LIMIT :limit",
      /* the scope's condition names the column "institution" */
      aj_scope_get_kind (scope) == AJ_SCOPE_ALL ? "" :
      aj_scope_get_kind (scope) == AJ_SCOPE_COUNTY ? "AND i.county = :value" :
      aj_scope_get_kind (scope) == AJ_SCOPE_INSTITUTIONS ? "AND h.institution IN (SELECT value FROM json_each (:value))" :
      "AND 0");
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, NULL);

  if (stmt == NULL)
    return ids;
  bind_scope (stmt, scope);
#define BIND_OPTIONAL(name, value) \
  if ((value) != NULL && *(value) != '\0') \
    aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, name), (value))
  BIND_OPTIONAL (":county", filter->county);
  BIND_OPTIONAL (":type", filter->type);
  BIND_OPTIONAL (":status", filter->status);
  BIND_OPTIONAL (":risk", filter->risk_level);
#undef BIND_OPTIONAL
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":major"), filter->major_only);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":escalated"), filter->escalated_only);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, aj_db_col_dup (stmt, 0));
  return ids;
}

/* The distinct values of a register column, for the filters' choices. */
GPtrArray *
aj_server_store_institution_values (AjStore       *store,
                                    const AjScope *scope,
                                    gboolean       types)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("SELECT DISTINCT %s FROM (SELECT code AS institution, county, type "
                                          "FROM institutions) WHERE %s <> '' %s ORDER BY 1",
                                          types ? "type" : "county", types ? "type" : "county",
                                          scope_condition (scope));
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, NULL);

  if (stmt == NULL)
    return values;
  bind_scope (stmt, scope);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (values, aj_db_col_dup (stmt, 0));
  return values;
}

/* Enrollment codes not used and not expired at @now (their hashes: the
 * codes themselves are never kept). */
GPtrArray *
aj_server_store_list_open_codes (AjStore    *store,
                                 const char *now)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_code_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT code_hash, scope, created_at, expires_at, used_by FROM enroll_codes "
      "WHERE used_by IS NULL AND julianday (expires_at) > julianday (?) ORDER BY created_at DESC", NULL);

  if (stmt == NULL)
    return codes;
  aj_db_bind_text (stmt, 1, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjOfficeCode *code = g_new0 (AjOfficeCode, 1);

      code->code_hash = aj_db_col_dup (stmt, 0);
      code->scope = aj_db_col_dup (stmt, 1);
      code->created_at = aj_db_col_dup (stmt, 2);
      code->expires_at = aj_db_col_dup (stmt, 3);
      code->used_by = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 4);
      g_ptr_array_add (codes, code);
    }
  return codes;
}

/* A code not yet used expires now; FALSE with CODE_UNKNOWN when there is no
 * such open code. */
gboolean
aj_server_store_revoke_code (AjStore     *store,
                             const char  *code_hash,
                             const char  *now,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE enroll_codes SET expires_at = ? WHERE code_hash = ? AND used_by IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, now);
  aj_db_bind_text (stmt, 2, code_hash);
  if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
    return FALSE;
  if (sqlite3_changes (aj_store_get_db (store)) == 0)
    {
      g_set_error (error, AJ_SERVER_STORE_ERROR, AJ_SERVER_STORE_ERROR_CODE_UNKNOWN, "There is no such unused code");
      return FALSE;
    }
  return TRUE;
}

/* The institution an inspection is of, or NULL. */
char *
aj_server_store_inspection_institution (AjStore    *store,
                                        const char *inspection_id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT institution FROM inspections WHERE id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, inspection_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? aj_db_col_dup (stmt, 0) : NULL;
}

/* The photos of a hazard: those taken with it or with its item of the
 * inspection, and those its steps name (evidence of a rectification), not
 * removed. */
GPtrArray *
aj_server_store_hazard_photos (AjStore    *store,
                               const char *hazard_id)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT sha256 FROM photos WHERE hazard_id = :id AND removed = 0 "
      "UNION SELECT p.sha256 FROM photos p JOIN hazards h ON p.inspection_id = h.inspection_id "
      "AND p.item_code = h.item_code WHERE h.id = :id AND p.removed = 0 "
      "UNION SELECT j.value FROM events e, json_each (e.body, '$.photos') j "
      "WHERE e.subject = :id AND json_valid (e.body) AND json_type (e.body, '$.photos') = 'array'", NULL);

  if (stmt == NULL)
    return photos;
  aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":id"), hazard_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (photos, aj_db_col_dup (stmt, 0));
  return photos;
}

/* ---- the office's work as documents (a shared database) ---- */

static const char * const shared_tables[] = { "draw_plans", "draws", "assignments", "draw_publications", NULL };

static gboolean
is_shared_table (const char  *table,
                 GError     **error)
{
  if (table != NULL && g_strv_contains (shared_tables, table))
    return TRUE;
  g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "“%s” is not a table an office document may write",
               table ? table : "");
  return FALSE;
}

JsonArray *
aj_server_store_rows_to_json (AjStore    *store,
                              const char *table,
                              const char *column,
                              const char *value)
{
  JsonArray *rows = json_array_new ();
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* Both names come from the server's code, never from a request. */
  if (!is_shared_table (table, NULL) || !g_regex_match_simple ("^[a-z_]+$", column, 0, 0))
    g_return_val_if_reached (rows);
  sql = g_strdup_printf ("SELECT * FROM %s WHERE %s = ? ORDER BY rowid", table, column);
  stmt = prepare (store, sql, NULL);
  if (stmt == NULL)
    return rows;
  aj_db_bind_text (stmt, 1, value);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *name = sqlite3_column_name (stmt, i);

          switch (sqlite3_column_type (stmt, i))
            {
            case SQLITE_NULL:
              json_object_set_null_member (row, name);
              break;
            case SQLITE_INTEGER:
              json_object_set_int_member (row, name, sqlite3_column_int64 (stmt, i));
              break;
            case SQLITE_FLOAT:
              json_object_set_double_member (row, name, sqlite3_column_double (stmt, i));
              break;
            default:
              json_object_set_string_member (row, name, aj_db_col_text (stmt, i));
              break;
            }
        }
      json_array_add_object_element (rows, row);
    }
  return rows;
}

/* The columns @table has. */
static GHashTable *
table_columns (AjStore    *store,
               const char *table)
{
  GHashTable *columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info ('%s')", table);
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (columns, aj_db_col_dup (stmt, 0));
  return columns;
}

gboolean
aj_server_store_insert_rows (AjStore     *store,
                             const char  *table,
                             JsonArray   *rows,
                             GError     **error)
{
  g_autoptr(GHashTable) columns = NULL;

  if (!is_shared_table (table, error))
    return FALSE;
  columns = table_columns (store, table);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      g_autoptr(GString) sql = g_string_new ("INSERT OR IGNORE INTO ");
      g_autoptr(GString) marks = g_string_new (NULL);
      g_autoptr(GList) names = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      JsonObject *row;
      int n = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "A row of %s in an office document is not an object", table);
          return FALSE;
        }
      row = json_node_get_object (node);
      names = json_object_get_members (row);
      g_string_append_printf (sql, "%s (", table);
      for (GList *l = names; l != NULL; l = l->next)
        {
          if (!g_hash_table_contains (columns, l->data))
            {
              g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "%s has no column “%s”", table, (const char *) l->data);
              return FALSE;
            }
          g_string_append_printf (sql, "%s%s", n > 0 ? ", " : "", (const char *) l->data);
          g_string_append (marks, n > 0 ? ", ?" : "?");
          n++;
        }
      g_string_append_printf (sql, ") VALUES (%s)", marks->str);
      if ((stmt = prepare (store, sql->str, error)) == NULL)
        return FALSE;
      n = 0;
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (row, l->data);

          n++;
          if (JSON_NODE_HOLDS_NULL (value))
            sqlite3_bind_null (stmt, n);
          else if (!JSON_NODE_HOLDS_VALUE (value))
            {
              g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "%s.%s in an office document is not a value", table,
                           (const char *) l->data);
              return FALSE;
            }
          else if (json_node_get_value_type (value) == G_TYPE_INT64)
            sqlite3_bind_int64 (stmt, n, json_node_get_int (value));
          else if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
            sqlite3_bind_double (stmt, n, json_node_get_double (value));
          else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
            sqlite3_bind_int (stmt, n, json_node_get_boolean (value));
          else
            aj_db_bind_text (stmt, n, json_node_get_string (value));
        }
      if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
aj_server_store_cancel_assignment (AjStore     *store,
                                   const char  *id,
                                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "UPDATE assignments SET status = 'cancelled' WHERE id = ? AND status = 'open'", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, id);
  return aj_db_step_done (aj_store_get_db (store), stmt, error);
}
