/* aj-server-db.c: the storage interface's entry points. With no shared
 * database (db == NULL) each goes to the SQLite functions of
 * aj-server-store.c, as the server always did; otherwise to the
 * implementation's functions. Secrets are hashed here, once, for both. */
#include "config.h"

#include <string.h>

#include "aj-codec.h"
#include "aj-error.h"
#include "aj-server-db.h"
#include "aj-util.h"

AjServerDb *
aj_server_db_open (const char  *spec,
                   char       **sqlite_dir,
                   GError     **error)
{
  *sqlite_dir = NULL;
  if (g_str_has_prefix (spec, "sqlite:") && spec[strlen ("sqlite:")] != '\0')
    {
      *sqlite_dir = g_strdup (spec + strlen ("sqlite:"));
      return NULL;
    }
  if (g_str_has_prefix (spec, "postgresql://") || g_str_has_prefix (spec, "postgres://"))
    return aj_server_db_pg_open (spec, error);
  g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
               "--database takes sqlite:DIR or postgresql://…, not “%s”", spec);
  return NULL;
}

void
aj_server_db_free (AjServerDb *db)
{
  if (db != NULL)
    db->ops->free (db);
}

static char *
hash_code (const char *code)
{
  g_autofree char *normal = aj_server_store_normalize_code (code);

  return aj_sha256_hex (normal, strlen (normal));
}

gboolean
aj_server_db_add_code (AjServerDb     *db,
                       AjStore        *store,
                       const char     *code,
                       const AjScope  *scope,
                       const char     *created_at,
                       const char     *expires_at,
                       GError        **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *scope_json = NULL;

  if (db == NULL)
    return aj_server_store_add_code (store, code, scope, created_at, expires_at, error);
  hash = hash_code (code);
  scope_json = aj_scope_to_json (scope);
  return db->ops->add_code (db, hash, scope_json, created_at, expires_at, error);
}

char *
aj_server_db_redeem_code (AjServerDb  *db,
                          AjStore     *store,
                          const char  *code,
                          const char  *device_id,
                          const char  *device_name,
                          const char  *token,
                          const char  *now,
                          GError     **error)
{
  g_autofree char *code_hash = NULL;
  g_autofree char *token_hash = NULL;

  if (db == NULL)
    return aj_server_store_redeem_code (store, code, device_id, device_name, token, now, error);
  code_hash = hash_code (code);
  token_hash = aj_sha256_hex (token, strlen (token));
  return db->ops->redeem_code (db, code_hash, device_id, device_name, token_hash, now, error);
}

gint64
aj_server_db_count_enroll_failures (AjServerDb *db,
                                    AjStore    *store,
                                    const char *client,
                                    gint64      since_unix)
{
  if (db == NULL)
    return aj_server_store_count_enroll_failures (store, client, since_unix);
  return db->ops->count_enroll_failures (db, client, since_unix);
}

gboolean
aj_server_db_add_enroll_failure (AjServerDb  *db,
                                 AjStore     *store,
                                 const char  *client,
                                 gint64       at_unix,
                                 GError     **error)
{
  if (db == NULL)
    return aj_server_store_add_enroll_failure (store, client, at_unix, error);
  return db->ops->add_enroll_failure (db, client, at_unix, error);
}

gboolean
aj_server_db_find_device_by_token (AjServerDb  *db,
                                   AjStore     *store,
                                   const char  *token,
                                   char       **device_id,
                                   AjScope    **scope,
                                   GError     **error)
{
  g_autofree char *hash = NULL;

  if (db == NULL)
    return aj_server_store_find_device_by_token (store, token, device_id, scope, error);
  hash = aj_sha256_hex (token, strlen (token));
  return db->ops->find_device_by_token (db, hash, device_id, scope, error);
}

GPtrArray *
aj_server_db_list_devices (AjServerDb *db,
                           AjStore    *store)
{
  if (db == NULL)
    return aj_server_store_list_devices (store);
  return db->ops->list_devices (db);
}

gboolean
aj_server_db_revoke_device (AjServerDb  *db,
                            AjStore     *store,
                            const char  *device_id,
                            const char  *now,
                            GError     **error)
{
  if (db == NULL)
    return aj_server_store_revoke_device (store, device_id, now, error);
  return db->ops->revoke_device (db, device_id, now, error);
}

gint64
aj_server_db_blob_size (AjServerDb *db,
                        AjStore    *store,
                        const char *sha256)
{
  if (db == NULL)
    return aj_server_store_blob_is_complete (store, sha256) ? aj_server_store_blob_size (store, sha256) : -1;
  return db->ops->blob_size (db, sha256);
}

gint64
aj_server_db_device_blob_bytes (AjServerDb *db,
                                AjStore    *store,
                                const char *device_id)
{
  if (db == NULL)
    return aj_server_store_device_blob_bytes (store, device_id);
  return db->ops->device_blob_bytes (db, device_id);
}

void
aj_server_db_blob_sizes (AjServerDb *db,
                         AjStore    *store,
                         const char *sha256,
                         const char *device_id,
                         gint64     *size,
                         gint64     *device_bytes)
{
  if (db == NULL)
    {
      *size = aj_server_db_blob_size (db, store, sha256);
      *device_bytes = aj_server_db_device_blob_bytes (db, store, device_id);
      return;
    }
  db->ops->blob_sizes (db, sha256, device_id, size, device_bytes);
}

gboolean
aj_server_db_add_blob (AjServerDb  *db,
                       AjStore     *store,
                       const char  *sha256,
                       gint64       size,
                       const char  *device_id,
                       const char  *received_at,
                       GError     **error)
{
  /* With a shared database, written through to this server's cache as
   * well (others learn of it when a push names it). */
  return (db == NULL || db->ops->add_blob (db, sha256, size, device_id, received_at, error)) &&
         aj_server_store_add_blob (store, sha256, size, received_at, error) &&
         aj_server_store_set_blob_device (store, sha256, device_id, error);
}

gboolean
aj_server_db_catch_up (AjServerDb  *db,
                       AjStore     *store,
                       GError     **error)
{
  return db == NULL || db->ops->catch_up (db, store, error);
}

/* Requests that wait for a worker together need one check of the log
 * between them, not one each: a check (a round trip to the database) that
 * began after a request did, and found the cache up to the log or brought
 * it there, saw everything committed before that request began, and the
 * cache is one file for all the workers. So no request is answered from a
 * cache older than its own start, and none skips a number (the catch-up
 * itself is unchanged). Under load this is one check per round trip's time
 * instead of one per request. */
static GMutex caught_up_lock;

gboolean
aj_server_db_catch_up_since (AjServerDb  *db,
                             AjStore     *store,
                             gint64       since,
                             GError     **error)
{
  gint64 start, at;

  if (db == NULL)
    return TRUE;
  g_mutex_lock (&caught_up_lock);
  at = db->caught_up_at;
  g_mutex_unlock (&caught_up_lock);
  if (since > 0 && since < at)
    return TRUE;
  start = g_get_monotonic_time ();
  if (!db->ops->catch_up (db, store, error))
    return FALSE;
  g_mutex_lock (&caught_up_lock);
  db->caught_up_at = MAX (db->caught_up_at, start);
  g_mutex_unlock (&caught_up_lock);
  return TRUE;
}

/* SQLite: the pace is counted in the transaction that stores the batch. */
static GArray *
push_sqlite (AjStore               *store,
             const char            *device_id,
             const AjScope         *scope,
             GPtrArray             *events,
             const AjEventRate     *rate,
             gint64                *wait,
             GError               **error)
{
  g_autoptr(GArray) outcomes = NULL;

  if (!aj_store_begin (store, error))
    return NULL;
  if (rate->events > 0 && rate->window_seconds > 0)
    {
      *wait = aj_server_store_charge_events (store, device_id, aj_server_store_count_new_events (store, events),
                                             rate->events, rate->window_seconds,
                                             g_get_real_time () / G_USEC_PER_SEC, error);
      if (*wait != 0)
        {
          aj_store_rollback (store);
          return NULL;
        }
    }
  outcomes = aj_server_store_add_events (store, device_id, scope, events, error);
  if (outcomes == NULL)
    {
      aj_store_rollback (store);
      return NULL;
    }
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&outcomes);
}

GArray *
aj_server_db_push (AjServerDb            *db,
                   AjStore               *store,
                   const char            *device_id,
                   const AjScope         *scope,
                   GPtrArray             *events,
                   const AjEventRate     *rate,
                   gint64                *wait,
                   GError               **error)
{
  *wait = 0;
  if (db == NULL)
    return push_sqlite (store, device_id, scope, events, rate, wait, error);
  return db->ops->push (db, store, device_id, scope, events, rate, wait, error);
}

gboolean
aj_server_db_add_reference (AjServerDb  *db,
                            const char  *kind,
                            const char  *body,
                            GError     **error)
{
  return db == NULL || db->ops->add_reference (db, kind, body, error);
}

gboolean
aj_server_db_grant_numbers (AjServerDb     *db,
                            AjStore        *store,
                            const char     *device_id,
                            const AjScope  *scope,
                            const char     *department,
                            int             year,
                            gint64          count,
                            gint64         *first,
                            gint64         *last,
                            GError        **error)
{
  if (db == NULL)
    return aj_server_store_grant_numbers (store, device_id, scope, department, year, count, first, last, error);
  /* The block is granted on the shared database; the cache gets it from
   * there with the next catch-up, before any push that uses it. */
  return aj_server_store_department_in_scope (store, scope, department, error) &&
         db->ops->grant_numbers (db, device_id, department, year, count, first, last, error) &&
         aj_server_db_catch_up (db, store, error);
}

gboolean
aj_server_db_add_office_session (AjServerDb  *db,
                                 AjStore     *store,
                                 const char  *token_hash,
                                 const char  *user_name,
                                 const char  *csrf,
                                 gint64       now,
                                 gint64       expires_at,
                                 const char  *client,
                                 GError     **error)
{
  if (db == NULL)
    return aj_server_store_add_office_session (store, token_hash, user_name, csrf, now, expires_at, client, error);
  return db->ops->add_office_session (db, token_hash, user_name, csrf, now, expires_at, client, error);
}

AjOfficeUser *
aj_server_db_find_office_session (AjServerDb  *db,
                                  AjStore     *store,
                                  const char  *token_hash,
                                  gint64       now,
                                  char       **csrf)
{
  g_autofree char *name = NULL;
  g_autofree char *token = NULL;
  g_autoptr(AjOfficeUser) user = NULL;

  if (db == NULL)
    return aj_server_store_find_office_session (store, token_hash, now, csrf);
  name = db->ops->find_office_session (db, token_hash, now, &token);
  user = name ? aj_server_store_get_office_user (store, name) : NULL;
  if (user == NULL || !user->active)
    return NULL;
  *csrf = g_steal_pointer (&token);
  return g_steal_pointer (&user);
}

gboolean
aj_server_db_end_office_session (AjServerDb  *db,
                                 AjStore     *store,
                                 const char  *token_hash,
                                 GError     **error)
{
  if (db == NULL)
    return aj_server_store_end_office_session (store, token_hash, error);
  return db->ops->end_office_session (db, token_hash, error);
}

char *
aj_server_db_office_user_to_json (const AjOfficeUser *user)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "name", user->name);
  json_object_set_string_member (o, "display_name", user->display_name);
  json_object_set_string_member (o, "role", user->role);
  if (user->county != NULL)
    json_object_set_string_member (o, "county", user->county);
  json_object_set_string_member (o, "password_hash", user->password_hash);
  json_node_set_object (node, o);
  return aj_json_to_string (node);
}

gboolean
aj_server_db_apply_office_user (AjStore     *store,
                                const char  *json,
                                GError     **error)
{
  g_autoptr(JsonObject) o = aj_json_parse_object (json, error);
  g_autoptr(AjOfficeUser) held = NULL;
  g_autofree char *now = aj_now_iso8601 ();
  AjOfficeUser user = { 0 };

  if (o == NULL)
    return FALSE;
  user.name = (char *) aj_json_get_string (o, "name");
  user.display_name = (char *) aj_json_get_string (o, "display_name");
  user.role = (char *) aj_json_get_string (o, "role");
  user.county = (char *) aj_json_get_string (o, "county");
  user.password_hash = (char *) aj_json_get_string (o, "password_hash");
  if (user.name == NULL || user.display_name == NULL || user.role == NULL || user.password_hash == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "An office user's document lacks a field");
      return FALSE;
    }
  held = aj_server_store_get_office_user (store, user.name);
  return held != NULL || aj_server_store_add_office_user (store, &user, now, error);
}

GPtrArray *
aj_server_db_list_open_codes (AjServerDb *db,
                              AjStore    *store,
                              const char *now)
{
  if (db == NULL)
    return aj_server_store_list_open_codes (store, now);
  return db->ops->list_open_codes (db, now);
}

gboolean
aj_server_db_revoke_code (AjServerDb  *db,
                          AjStore     *store,
                          const char  *code_hash,
                          const char  *now,
                          GError     **error)
{
  if (db == NULL)
    return aj_server_store_revoke_code (store, code_hash, now, error);
  return db->ops->revoke_code (db, code_hash, now, error);
}

/* ---- the office's work ---- */

gboolean
aj_server_db_share_change (AjServerDb      *db,
                           AjStore         *store,
                           const char      *kind,
                           AjOfficeChange   change,
                           gpointer         data,
                           GError         **error)
{
  if (db == NULL)
    return change (store, data, NULL, NULL, error);
  return db->ops->share_change (db, store, kind, change, data, error);
}

gboolean
aj_server_db_add_office_audit (AjServerDb                *db,
                               AjStore                   *store,
                               const AjOfficeAuditEntry  *entry,
                               GError                   **error)
{
  if (db == NULL)
    return aj_server_store_add_office_audit (store, entry->at, entry->user, entry->action, entry->subject,
                                             entry->detail, entry->client, error);
  return db->ops->add_office_audit (db, entry, error);
}

GPtrArray *
aj_server_db_list_office_audit (AjServerDb *db,
                                AjStore    *store,
                                guint       limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  if (db == NULL)
    return aj_server_store_list_office_audit (store, limit);
  entries = db->ops->list_office_audit (db, limit, &error);
  if (entries == NULL)
    {
      g_printerr ("anjian-server: cannot read the audit log: %s\n", error->message);
      entries = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_office_audit_entry_free);
    }
  return entries;
}

gboolean
aj_server_db_office_locked_until (AjServerDb          *db,
                                  const AjOfficeUser  *user,
                                  gint64              *locked_until,
                                  GError             **error)
{
  if (db == NULL)
    {
      *locked_until = user->locked_until;
      return TRUE;
    }
  return db->ops->office_locked_until (db, user->name, locked_until, error);
}

gboolean
aj_server_db_office_failed (AjServerDb          *db,
                            AjStore             *store,
                            const AjOfficeUser  *user,
                            gint64               max_failures,
                            gint64               locked_until,
                            gboolean            *locked,
                            GError             **error)
{
  gint64 failures = user->failures + 1;

  if (db != NULL)
    return db->ops->office_failed (db, user->name, max_failures, locked_until, locked, error);
  *locked = failures >= max_failures;
  return aj_server_store_set_office_failures (store, user->name, *locked ? 0 : failures, *locked ? locked_until : 0,
                                              error);
}

gboolean
aj_server_db_office_signed_in (AjServerDb  *db,
                               AjStore     *store,
                               const char  *user_name,
                               GError     **error)
{
  if (db == NULL)
    return aj_server_store_set_office_failures (store, user_name, 0, 0, error);
  return db->ops->office_signed_in (db, user_name, error);
}
