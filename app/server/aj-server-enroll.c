/* aj-server-enroll.c: POST /api/v1/enroll: a one-time code from the
 * administrator becomes a device's bearer token and scope. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aj-db.h"
#include "aj-server-enroll.h"
#include "aj-util.h"

/* 64 hex digits from the kernel's randomness. */
static char *
new_token (void)
{
  guint8 random[32];
  GString *hex;

  for (guint i = 0; i < sizeof random; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (random + i, &r, 4);
    }
  /* g_random is not for secrets: mix in the kernel's randomness. */
  {
    int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      {
        if (read (fd, random, sizeof random) != sizeof random)
          g_warning ("Short read from /dev/urandom");
        close (fd);
      }
  }
  hex = g_string_new (NULL);
  for (guint i = 0; i < sizeof random; i++)
    g_string_append_printf (hex, "%02x", random[i]);
  return g_string_free (hex, FALSE);
}

void
aj_server_enroll (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  sqlite3 *db = aj_store_get_db (store);
  JsonObject *request = aj_request_get_body (req);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code_hash = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *now = aj_now_iso8601 ();
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  const char *code, *device_id, *name;

  code = aj_json_get_string (request, "code");
  device_id = aj_json_get_string (request, "device_id");
  name = aj_json_get_string (request, "device_name");
  if (code == NULL || !aj_uuid_is_valid (device_id) || name == NULL || strlen (name) > 200)
    {
      aj_request_reply_error (req, 400, "bad_request", "Enrollment needs a code, the device's id (a UUID) and a device name");
      return;
    }

  {
    g_autofree char *normal = g_ascii_strup (code, -1);
    g_strstrip (normal);
    code_hash = aj_sha256_hex (normal, strlen (normal));
  }
  if (!aj_store_begin (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  stmt = aj_db_prepare (db, "SELECT scope, expires_at, used_by FROM enroll_codes WHERE code_hash = ?", NULL);
  aj_db_bind_text (stmt, 1, code_hash);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      aj_store_rollback (store);
      aj_request_reply_error (req, 403, "code_unknown", "This enrollment code is not valid");
      return;
    }
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      aj_store_rollback (store);
      aj_request_reply_error (req, 403, "code_used", "This enrollment code has already been used");
      return;
    }
  if (g_strcmp0 (aj_db_col_text (stmt, 1), now) < 0)
    {
      aj_store_rollback (store);
      aj_request_reply_error (req, 403, "code_expired", "This enrollment code has expired");
      return;
    }
  scope = aj_db_col_dup (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (aj_db_query_int (db, "SELECT count(*) FROM devices WHERE id = ? AND revoked_at IS NOT NULL", device_id, 0) > 0)
    {
      aj_store_rollback (store);
      aj_request_reply_error (req, 403, "device_revoked", "This device was revoked and cannot enroll again");
      return;
    }

  token = new_token ();
  token_hash = aj_sha256_hex (token, strlen (token));
  stmt = aj_db_prepare (db,
      "INSERT INTO devices (id, name, token_hash, scope, enrolled_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, token_hash = excluded.token_hash, "
      "scope = excluded.scope, enrolled_at = excluded.enrolled_at", NULL);
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, name);
  aj_db_bind_text (stmt, 3, token_hash);
  aj_db_bind_text (stmt, 4, scope);
  aj_db_bind_text (stmt, 5, now);
  if (!aj_db_step_done (db, stmt, &error))
    {
      aj_store_rollback (store);
      aj_request_reply_gerror (req, error);
      return;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = aj_db_prepare (db, "UPDATE enroll_codes SET used_by = ? WHERE code_hash = ?", NULL);
  aj_db_bind_text (stmt, 1, device_id);
  aj_db_bind_text (stmt, 2, code_hash);
  if (!aj_db_step_done (db, stmt, &error))
    {
      aj_store_rollback (store);
      aj_request_reply_gerror (req, error);
      return;
    }
  if (!aj_store_commit (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }

  {
    JsonObject *reply = json_object_new ();
    g_autoptr(JsonObject) scope_object = aj_json_parse_object (scope, NULL);
    json_object_set_string_member (reply, "device_id", device_id);
    json_object_set_string_member (reply, "token", token);
    json_object_set_object_member (reply, "scope", json_object_ref (scope_object));
    json_object_set_string_member (reply, "server_time", now);
    aj_request_reply (req, 200, reply);
  }
}
