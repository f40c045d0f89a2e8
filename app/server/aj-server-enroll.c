/* aj-server-enroll.c: POST /api/v1/enroll: a one-time code from the
 * administrator becomes a device's bearer token and scope. Failed attempts
 * are counted per client address in the database: past the limit, a client
 * is refused without its code being looked at, so guessing codes is slow
 * even across restarts and server processes. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* Ten failures in fifteen minutes, then wait. */
#define ENROLL_MAX_FAILURES  10
#define ENROLL_WINDOW_S      (15 * 60)

/* 64 hex digits from the kernel's randomness (libsodium's randombytes). */
static char *
new_token (void)
{
  guint8 random[32];
  char hex[sizeof random * 2 + 1];

  randombytes_buf (random, sizeof random);
  sodium_bin2hex (hex, sizeof hex, random, sizeof random);
  sodium_memzero (random, sizeof random);
  return g_strdup (hex);
}

/* A refusal the client caused (a wrong, used or expired code, a taken
 * device id) counts against its address; a failure of the server does not. */
static gboolean
counts_as_failure (const GError *error)
{
  return error->domain == AJ_SERVER_STORE_ERROR;
}

void
aj_server_enroll (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  AjServerDb *db = aj_request_get_context (req)->db;
  JsonObject *request = aj_request_get_body (req);
  const char *client = aj_request_get_client (req);
  const char *code = aj_json_get_string (request, "code");
  const char *device_id = aj_json_get_string (request, "device_id");
  const char *name = aj_json_get_string (request, "device_name");
  gint64 now_unix = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) now_utc = g_date_time_new_from_unix_utc (now_unix);
  g_autofree char *now = g_date_time_format (now_utc, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *token = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(JsonObject) scope_object = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  if (aj_server_db_count_enroll_failures (db, store, client, now_unix - ENROLL_WINDOW_S) >= ENROLL_MAX_FAILURES)
    {
      g_autofree char *retry = g_strdup_printf ("%d", ENROLL_WINDOW_S);

      aj_request_set_header (req, "Retry-After", retry);
      aj_request_reply_error (req, 429, "too_many_attempts",
                              "Too many failed enrollments from this address; try again in 15 minutes");
      return;
    }
  if (code == NULL || !aj_uuid_is_valid (device_id) || name == NULL || strlen (name) > 200 ||
      !g_utf8_validate (name, -1, NULL))
    {
      aj_server_db_add_enroll_failure (db, store, client, now_unix, NULL);
      aj_request_reply_error (req, 400, "bad_request", "Enrollment needs a code, the device's id (a UUID) and a device name");
      return;
    }
  token = new_token ();
  scope = aj_server_db_redeem_code (db, store, code, device_id, name, token, now, &error);
  if (scope == NULL)
    {
      if (counts_as_failure (error))
        aj_server_db_add_enroll_failure (db, store, client, now_unix, NULL);
      aj_request_reply_gerror (req, error);
      return;
    }

  scope_object = aj_json_parse_object (scope, NULL);
  reply = json_object_new ();
  json_object_set_string_member (reply, "device_id", device_id);
  json_object_set_string_member (reply, "token", token);
  json_object_set_object_member (reply, "scope", json_object_ref (scope_object));
  json_object_set_string_member (reply, "server_time", now);
  aj_request_reply (req, 200, reply);
}
