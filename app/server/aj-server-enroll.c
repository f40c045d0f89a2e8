/* aj-server-enroll.c: POST /api/v1/enroll: a one-time code from the
 * administrator becomes a device's bearer token and scope. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aj-server-handlers.h"
#include "aj-server-store.h"
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
  JsonObject *request = aj_request_get_body (req);
  const char *code = aj_json_get_string (request, "code");
  const char *device_id = aj_json_get_string (request, "device_id");
  const char *name = aj_json_get_string (request, "device_name");
  g_autofree char *now = aj_now_iso8601 ();
  g_autofree char *token = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(JsonObject) scope_object = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  if (code == NULL || !aj_uuid_is_valid (device_id) || name == NULL || strlen (name) > 200)
    {
      aj_request_reply_error (req, 400, "bad_request", "Enrollment needs a code, the device's id (a UUID) and a device name");
      return;
    }
  token = new_token ();
  scope = aj_server_store_redeem_code (aj_request_get_store (req), code, device_id, name, token, now, &error);
  if (scope == NULL)
    {
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
