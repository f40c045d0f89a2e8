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
aj_server_spot_check_free (AjServerSpotCheck *check)
{
  g_free (check->institution);
  g_free (check->finished_at);
  g_free (check);
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
static gboolean
is_before (const char *a,
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
  if (!is_before (now, aj_db_col_text (stmt, 1)))
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
  g_autoptr(sqlite3_stmt) stmt = find_by_secret (store,
      "SELECT id, scope, revoked_at FROM devices WHERE token_hash = ?", hash,
      AJ_SERVER_STORE_ERROR_TOKEN_UNKNOWN, "This device is not enrolled with this server",
      AJ_SERVER_STORE_ERROR_TOKEN_REVOKED, "This device has been revoked by the administrator", error);

  if (stmt == NULL)
    return FALSE;
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
  return query_int (store, "SELECT max(server_seq) FROM events WHERE server_seq IS NOT NULL", NULL);
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
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM events WHERE server_seq IS NOT NULL AND instr (body, :sha256) > 0 AND "
      "(json_extract (body, '$.sha256') = :sha256 OR "
      "EXISTS (SELECT 1 FROM json_each (body, '$.photos') WHERE value = :sha256)) %s",
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
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT code, name, type, county, township, address, beds, head, safety_officer, phone, credit "
      "FROM institutions ORDER BY code", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      static const char * const names[] = {
        "code", "name", "type", "county", "township", "address", NULL, "head", "safety_officer", "phone", "credit"
      };
      JsonObject *o;

      if (!aj_server_store_scope_allows (store, scope, aj_db_col_text (stmt, 0)))
        continue;
      o = json_object_new ();
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (names[i])
          json_object_set_string_member (o, names[i], aj_db_col_text (stmt, i));
      json_object_set_int_member (o, "beds", sqlite3_column_int (stmt, 6));
      json_array_add_object_element (institutions, o);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  sql = g_strdup_printf ("SELECT id, name, role, county, institution, pin_hash FROM users WHERE 1 %s ORDER BY id",
                         users_condition (scope));
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
      json_array_add_object_element (users, o);
    }
  json_object_set_int_member (registry, "version", 1);
  json_object_set_array_member (registry, "institutions", institutions);
  json_object_set_array_member (registry, "users", users);
  return registry;
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
  overview->overdue_hazards = query_int (store, "SELECT count(*) FROM hazards WHERE status NOT IN ('closed', 'withdrawn') "
                                                "AND deadline <> '' AND deadline < ?", today);
  overview->events = query_int (store, "SELECT count(*) FROM events", NULL);
}

/* Finished spot checks, newest first. */
GPtrArray *
aj_server_store_list_spot_checks (AjStore *store,
                                  guint    limit)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_server_spot_check_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
      "SELECT coalesce(i.name, s.institution), s.finished_at, "
      "(SELECT count(*) FROM item_results r WHERE r.inspection_id = s.id), "
      "(SELECT count(*) FROM hazards h WHERE h.inspection_id = s.id AND h.status <> 'withdrawn'), "
      "(SELECT count(*) FROM hazards h WHERE h.inspection_id = s.id AND h.status = 'closed') "
      "FROM inspections s LEFT JOIN institutions i ON i.code = s.institution "
      "WHERE s.mode = 'spot_check' AND s.status = 'finished' ORDER BY s.finished_at DESC LIMIT ?", NULL);

  if (stmt != NULL)
    sqlite3_bind_int (stmt, 1, limit);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjServerSpotCheck *check = g_new0 (AjServerSpotCheck, 1);

      check->institution = g_strdup (aj_db_col_text (stmt, 0));
      check->finished_at = g_strdup (aj_db_col_text (stmt, 1));
      check->items = sqlite3_column_int (stmt, 2);
      check->hazards = sqlite3_column_int (stmt, 3);
      check->closed = sqlite3_column_int (stmt, 4);
      g_ptr_array_add (checks, check);
    }
  return checks;
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
