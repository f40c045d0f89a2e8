/* aj-attack.c: memory figures, streamed bodies and forged events for the
 * attack and memory tests (see aj-attack.h). */
#include "config.h"

#include <string.h>

#include "aj-attack.h"
#include "aj-util.h"

gint64
aj_attack_server_rss_kib (AjTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (server->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

static size_t
on_read (char   *buffer,
         size_t  size,
         size_t  n,
         void   *data)
{
  AjAttackStream *stream = data;
  guint64 left = stream->total - stream->sent;
  size_t length = MIN ((guint64) size * n, left);

  memset (buffer, stream->fill, length);
  stream->sent += length;
  return length;
}

static size_t
on_answer (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

long
aj_attack_post_stream (const char     *url,
                       const char     *token,
                       AjAttackStream *stream,
                       GString        *answer,
                       CURLcode       *result)
{
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s", token) : NULL;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  long status = 0;

  headers = curl_slist_append (headers, "Transfer-Encoding: chunked");
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Expect:");
  if (auth != NULL)
    headers = curl_slist_append (headers, auth);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_POST, 1L);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (curl, CURLOPT_READDATA, stream);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_answer);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 120L);
  *result = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

AjEvent *
aj_attack_forge_event (const char *device_id,
                       gint64      device_seq,
                       const char *prev_hash,
                       const char *author,
                       const char *type,
                       const char *subject,
                       const char *body_json)
{
  AjEvent *ev = aj_event_new ();

  ev->id = aj_uuid7_new ();
  ev->device_id = g_strdup (device_id);
  ev->device_seq = device_seq;
  ev->author = g_strdup (author);
  ev->hlc = (g_get_real_time () / 1000) << 16;
  ev->type = g_strdup (type);
  ev->subject = g_strdup (subject);
  ev->body = g_strdup (body_json);
  ev->prev_hash = g_strdup (prev_hash ? prev_hash : AJ_EVENT_GENESIS_HASH);
  ev->hash = aj_event_compute_hash (ev);
  return ev;
}
