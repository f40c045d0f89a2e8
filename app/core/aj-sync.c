/* aj-sync.c: sync as a set union of events. Push: photos first (HEAD tells how
 * much the server holds, PUT with Content-Range sends the rest), then the
 * outbox in bounded batches; an event is marked sent only when the server
 * acknowledges it. Pull: pages after the checkpoint, each page and the new
 * checkpoint committed together. A retry after any failure repeats nothing
 * that took effect and loses nothing that did not. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-department.h"
#include "aj-doc-number.h"
#include "aj-numbering.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-assignment.h"
#include "aj-sync.h"
#include "aj-util.h"

G_DEFINE_QUARK (aj-sync-error-quark, aj_sync_error)

#define DEFAULT_BATCH_EVENTS 200
#define DEFAULT_BATCH_BYTES  (1024 * 1024)
#define DEFAULT_PULL_LIMIT   200

typedef struct
{
  char                *base;
  char                *token;
  const AjSyncOptions *options;
  CURL                *curl;
} Client;

/* No answer of ours comes near this; a larger one is refused unread. */
#define MAX_ANSWER_BYTES (64 * 1024 * 1024)

typedef struct
{
  long        status;
  GByteArray *body;
  GHashTable *headers;   /* lower-case name -> value */
  CURL       *curl;
  gboolean    download;  /* a 200 or 206 body goes to fd, not to body */
  int         fd;
  gboolean    from_start_on_200;   /* a 200 (range ignored) rewrites the file */
  gboolean    too_large;
  gboolean    write_failed;
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->body, g_byte_array_unref);
  g_clear_pointer (&r->headers, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

/* Errors of the store or the file system, as sync reports them. */
static void
as_local_error (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain != AJ_SYNC_ERROR)
    {
      (*error)->domain = AJ_SYNC_ERROR;
      (*error)->code = AJ_SYNC_ERROR_LOCAL;
    }
}

static void
progress (Client     *c,
          const char *message)
{
  if (c->options && c->options->progress)
    c->options->progress (message, c->options->progress_data);
}

static size_t
on_body (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  Response *r = user_data;
  long status = 0;

  if (r->download)
    {
      curl_easy_getinfo (r->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status == 200 || status == 206)
        {
          gsize left = size * n;
          if (status == 200 && r->from_start_on_200)
            {
              r->from_start_on_200 = FALSE;
              if (ftruncate (r->fd, 0) != 0 || lseek (r->fd, 0, SEEK_SET) != 0)
                return 0;
            }
          while (left > 0)
            {
              gssize written = write (r->fd, data + (size * n - left), left);
              if (written < 0 && errno == EINTR)
                continue;
              if (written <= 0)
                {
                  r->write_failed = TRUE;
                  return 0;
                }
              left -= written;
            }
          return size * n;
        }
    }
  if (r->body->len + size * n > MAX_ANSWER_BYTES)
    {
      r->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (r->body, (const guint8 *) data, size * n);
  return size * n;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  Response *r = user_data;
  g_autofree char *line = g_strndup (data, size * n);
  char *colon = strchr (line, ':');

  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_replace (r->headers, g_ascii_strdown (g_strstrip (line), -1), g_strdup (g_strstrip (colon + 1)));
    }
  return size * n;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Client *c = user_data;
  return c->options && g_cancellable_is_cancelled (c->options->cancellable) ? 1 : 0;
}

/* Retry-After in seconds (at least 1); a date form is not sent by our server. */
static guint
retry_after_seconds (Response *r)
{
  const char *value = g_hash_table_lookup (r->headers, "retry-after");
  gint64 seconds = value ? g_ascii_strtoll (value, NULL, 10) : 0;

  return (guint) CLAMP (seconds, 1, 24 * 3600);
}

/* The server's own words for a refusal, from {"error": {"code", "message"}}. */
static void
set_http_error (Response    *r,
                GError     **error)
{
  g_autofree char *text = g_strndup (r->body->len ? (const char *) r->body->data : "", r->body->len);
  g_autoptr(JsonObject) root = aj_json_parse_object (text, NULL);
  JsonObject *err = root && json_object_has_member (root, "error") &&
                    JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error"))
                    ? json_object_get_object_member (root, "error") : NULL;
  /* HEAD answers have no body: the code is in a header too. */
  const char *code = err ? aj_json_get_string (err, "code") : g_hash_table_lookup (r->headers, "anjian-error");
  const char *message = aj_json_get_string (err, "message");
  int domain_code;

  /* Bounds of the server's, told in the user's language: nothing is lost,
   * the rest goes later. */
  if (g_strcmp0 (code, "quota_exceeded") == 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_QUOTA,
                   _("This device has used all the photo storage the server allows it. The photos and records "
                     "stay on this device and are sent when the administrator raises its quota."));
      return;
    }
  if (g_strcmp0 (code, "rate_limited") == 0)
    {
      guint wait = retry_after_seconds (r);

      if (wait < 120)
        g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_RATE_LIMITED,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "This device has sent many records in a short time and the server asks it to wait. "
                                  "The rest are sent in %u second.",
                                  "This device has sent many records in a short time and the server asks it to wait. "
                                  "The rest are sent in %u seconds.", wait), wait);
      else
        g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_RATE_LIMITED,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "This device has sent many records in a short time and the server asks it to wait. "
                                  "The rest are sent in %u minute.",
                                  "This device has sent many records in a short time and the server asks it to wait. "
                                  "The rest are sent in %u minutes.", (wait + 59) / 60), (wait + 59) / 60);
      return;
    }
  if (r->status == 401)
    domain_code = AJ_SYNC_ERROR_AUTH;
  else if (r->status >= 500)
    domain_code = AJ_SYNC_ERROR_SERVER;
  else
    domain_code = AJ_SYNC_ERROR_REFUSED;

  if (message != NULL)
    g_set_error (error, AJ_SYNC_ERROR, domain_code, "%s (%s, HTTP %ld)", message, code ? code : "?", r->status);
  else if (code != NULL)
    g_set_error (error, AJ_SYNC_ERROR, domain_code, _("The server refused the request (%s, HTTP %ld)"), code, r->status);
  else if (r->status >= 500)
    g_set_error (error, AJ_SYNC_ERROR, domain_code, _("The server had a problem (HTTP %ld); it will be tried again"),
                 r->status);
  else
    g_set_error (error, AJ_SYNC_ERROR, domain_code, _("The server refused the request (HTTP %ld)"), r->status);
}

/* For @accept: any 4xx answer is the caller's to read. */
#define ACCEPT_CLIENT_ERRORS 499

/* One HTTP exchange. A 2xx answer is success; anything else is an error
 * in AJ_SYNC_ERROR with the server's message, unless @accept allows it. */
static gboolean
request (Client      *c,
         const char  *method,
         const char  *path,
         const char  *content_type,
         const void  *data,
         gsize        length,
         const char  *extra_header,
         long         accept,
         Response    *r,
         GError     **error)
{
  g_autofree char *url = g_strconcat (c->base, path, NULL);
  g_autofree char *auth = c->token ? g_strdup_printf ("Authorization: Bearer %s", c->token) : NULL;
  g_autofree char *type = content_type ? g_strdup_printf ("Content-Type: %s", content_type) : NULL;
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURLcode rc;

  r->body = g_byte_array_new ();
  r->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->status = 0;
  r->curl = c->curl;

  curl_easy_reset (c->curl);
  curl_easy_setopt (c->curl, CURLOPT_URL, url);
  curl_easy_setopt (c->curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (c->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt (c->curl, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt (c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c->curl, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (c->curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c->curl, CURLOPT_WRITEDATA, r);
  curl_easy_setopt (c->curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c->curl, CURLOPT_HEADERDATA, r);
  curl_easy_setopt (c->curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (c->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (c->curl, CURLOPT_XFERINFODATA, c);
  curl_easy_setopt (c->curl, CURLOPT_USERAGENT, "anjian/" PACKAGE_VERSION);
  curl_easy_setopt (c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (c->options && c->options->ca_file)
    curl_easy_setopt (c->curl, CURLOPT_CAINFO, c->options->ca_file);

  if (auth)
    headers = curl_slist_append (headers, auth);
  if (type)
    headers = curl_slist_append (headers, type);
  if (extra_header)
    headers = curl_slist_append (headers, extra_header);
  headers = curl_slist_append (headers, "Expect:");
  curl_easy_setopt (c->curl, CURLOPT_HTTPHEADER, headers);

  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (c->curl, CURLOPT_NOBODY, 1L);
  else if (!g_str_equal (method, "GET"))
    {
      curl_easy_setopt (c->curl, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (c->curl, CURLOPT_POSTFIELDS, data ? data : "");
      curl_easy_setopt (c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
    }

  rc = curl_easy_perform (c->curl);
  curl_slist_free_all (headers);
  if (rc == CURLE_ABORTED_BY_CALLBACK)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_CANCELLED, _("Sync was stopped"));
      return FALSE;
    }
  if (rc == CURLE_WRITE_ERROR && r->too_large)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server's answer is too large"));
      return FALSE;
    }
  if (rc == CURLE_WRITE_ERROR && r->write_failed)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL, _("Cannot save a photo from the server: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  if (rc != CURLE_OK)
    {
      if (rc == CURLE_SSL_CACERT || rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR)
        g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK,
                     _("The server's certificate could not be verified: %s"), *errbuf ? errbuf : curl_easy_strerror (rc));
      else
        g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK,
                     _("Cannot reach the server: %s"), *errbuf ? errbuf : curl_easy_strerror (rc));
      return FALSE;
    }
  curl_easy_getinfo (c->curl, CURLINFO_RESPONSE_CODE, &r->status);
  if ((r->status >= 200 && r->status < 300) || r->status == accept ||
      (accept == ACCEPT_CLIENT_ERRORS && r->status >= 400 && r->status < 500))
    return TRUE;
  set_http_error (r, error);
  return FALSE;
}

static JsonObject *
response_json (Response  *r,
               GError   **error)
{
  g_autofree char *text = g_strndup (r->body->len ? (const char *) r->body->data : "", r->body->len);
  g_autoptr(GError) local = NULL;
  JsonObject *o = aj_json_parse_object (text, &local);

  if (o == NULL)
    g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL,
                 _("The server's answer could not be read (%s)"), local->message);
  return o;
}

static gboolean
client_init (Client               *c,
             AjStore              *store,
             const AjSyncOptions  *options,
             GError              **error)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialized, 1);
    }
  memset (c, 0, sizeof *c);
  c->options = options;
  if (store != NULL)
    {
      c->base = aj_store_get_meta (store, "sync.server");
      c->token = aj_store_get_meta (store, "sync.token");
      if (c->base == NULL || c->token == NULL)
        {
          g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NOT_ENROLLED,
                       _("This device is not enrolled with a server yet"));
          return FALSE;
        }
    }
  c->curl = curl_easy_init ();
  return c->curl != NULL;
}

static void
client_clear (Client *c)
{
  if (c->curl)
    curl_easy_cleanup (c->curl);
  g_free (c->base);
  g_free (c->token);
}

static char *
normalize_url (const char *url)
{
  char *base = g_strstrip (g_strdup (url));
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  return base;
}

gboolean
aj_sync_enroll (AjStore              *store,
                const char           *server_url,
                const char           *code,
                const char           *device_name,
                const AjSyncOptions  *options,
                GError              **error)
{
  g_auto(Response) r = { 0 };
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = normalize_url (server_url ? server_url : "");
  g_autofree char *previous = aj_store_get_meta (store, "sync.server");
  g_autofree char *scope = NULL;
  const char *token;
  Client c;

  if (!g_str_has_prefix (base, "http://") && !g_str_has_prefix (base, "https://"))
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED,
                   _("The server address must start with http:// or https://"));
      return FALSE;
    }
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED, _("Enter the enrollment code from the administrator"));
      return FALSE;
    }
  if (!client_init (&c, NULL, options, error))
    return FALSE;
  c.base = g_strdup (base);

  json_object_set_string_member (body, "code", code);
  json_object_set_string_member (body, "device_id", aj_store_get_device_id (store));
  json_object_set_string_member (body, "device_name", device_name ? device_name : g_get_host_name ());
  json_node_set_object (node, json_object_ref (body));
  text = aj_json_to_string (node);

  if (!request (&c, "POST", "/api/v1/enroll", "application/json", text, strlen (text), NULL, 0, &r, error) ||
      (reply = response_json (&r, error)) == NULL)
    {
      client_clear (&c);
      return FALSE;
    }
  client_clear (&c);

  token = aj_json_get_string (reply, "token");
  if (token == NULL || g_strcmp0 (aj_json_get_string (reply, "device_id"), aj_store_get_device_id (store)) != 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server's answer to the enrollment is incomplete"));
      return FALSE;
    }
  if (json_object_has_member (reply, "scope"))
    {
      g_autoptr(JsonNode) scope_node = json_node_copy (json_object_get_member (reply, "scope"));
      scope = aj_json_to_string (scope_node);
    }

  if (!aj_store_begin (store, error))
    return FALSE;
  /* A new server knows nothing yet: everything goes to it again. */
  if (g_strcmp0 (previous, base) != 0)
    {
      if (!aj_db_exec (aj_store_get_db (store), "UPDATE events SET server_seq = NULL", error) ||
          !aj_store_set_meta (store, "sync.checkpoint", NULL, error) ||
          !aj_store_set_meta (store, "sync.reference_version", NULL, error))
        {
          aj_store_rollback (store);
          return FALSE;
        }
    }
  if (!aj_store_set_meta (store, "sync.server", base, error) ||
      !aj_store_set_meta (store, "sync.token", token, error) ||
      !aj_store_set_meta (store, "sync.scope", scope ? scope : "{}", error) ||
      !aj_store_set_meta (store, "sync.last_error", NULL, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  return aj_store_commit (store, error);
}

/* ---- photos ---- */

static gboolean
send_blob (Client        *c,
           const char    *sha256,
           AjSyncReport  *report,
           GError       **error)
{
  g_autofree char *path = aj_photo_blob_path (c->options->blob_dir, sha256);
  g_autofree char *head_path = g_strconcat ("/api/v1/blobs/", sha256, NULL);
  g_autofree char *data = NULL;
  gsize length;
  gint64 held;
  const char *value;

  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_auto(Response) head = { 0 };
      g_auto(Response) put = { 0 };
      g_autofree char *range = NULL;
      g_autoptr(GError) local = NULL;

      if (!request (c, "HEAD", head_path, NULL, NULL, 0, NULL, 0, &head, error))
        return FALSE;
      if (g_strcmp0 (g_hash_table_lookup (head.headers, "anjian-blob-complete"), "yes") == 0)
        return TRUE;
      value = g_hash_table_lookup (head.headers, "anjian-blob-held");
      held = value ? g_ascii_strtoll (value, NULL, 10) : 0;

      if (data == NULL)
        {
          g_autoptr(GError) read_error = NULL;
          if (!g_file_get_contents (path, &data, &length, &read_error))
            {
              g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL,
                           _("The photo %s is missing on this device: %s"), sha256, read_error->message);
              return FALSE;
            }
          {
            g_autofree char *digest = aj_sha256_hex (data, length);
            if (!g_str_equal (digest, sha256))
              {
                g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL,
                             _("The photo %s on this device has been changed since it was taken"), sha256);
                return FALSE;
              }
          }
        }
      if (held < 0 || held >= (gint64) length)
        held = 0;

      range = g_strdup_printf ("Content-Range: bytes %" G_GINT64_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                               held, length - 1, length);
      progress (c, _("Sending photos"));
      if (request (c, "PUT", head_path, "image/jpeg", data + held, length - held, range, 0, &put, &local))
        {
          report->blobs_sent++;
          report->blob_bytes_sent += length - held;
          return TRUE;
        }
      /* Someone else finished it, or our idea of what it holds was stale,
       * or the bytes were garbled on the way: ask again and continue. */
      if (put.status != 409 && put.status != 422)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The photo %s could not be sent"), sha256);
  return FALSE;
}

/* The server's answer to a batch, in one transaction: each event it holds
 * leaves the outbox with its number, each it refused with its reason. */
static gboolean
record_acks (AjStore       *store,
             JsonArray     *acks,
             GHashTable    *sent,
             AjSyncReport  *report,
             GError       **error)
{
  if (!aj_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (acks); i++)
    {
      JsonNode *node = json_array_get_element (acks, i);
      JsonObject *ack = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = aj_json_get_string (ack, "id");
      gint64 seq = aj_json_get_int (ack, "server_seq", 0);
      JsonNode *refusal = ack ? json_object_get_member (ack, "error") : NULL;

      if (id == NULL || !g_hash_table_contains (sent, id))
        continue;
      /* A refused event leaves the outbox with the server's reason, and
       * the rest of the batch goes on. */
      if (refusal != NULL && JSON_NODE_HOLDS_OBJECT (refusal))
        {
          JsonObject *why = json_node_get_object (refusal);
          const char *code = aj_json_get_string (why, "code");
          const char *message = aj_json_get_string (why, "message");

          if (!aj_store_mark_refused (store, id, code ? code : "refused",
                                      message ? message : _("The server refused this record"), error))
            {
              aj_store_rollback (store);
              return FALSE;
            }
          report->refused++;
          continue;
        }
      if (seq <= 0)
        continue;
      if (!aj_store_mark_acked (store, id, seq, error))
        {
          aj_store_rollback (store);
          return FALSE;
        }
      report->pushed++;
    }
  return aj_store_commit (store, error);
}

/* ---- push ---- */

static gboolean
push (Client        *c,
      AjStore       *store,
      AjSyncReport  *report,
      GError       **error)
{
  guint limit = c->options->batch_events ? c->options->batch_events : DEFAULT_BATCH_EVENTS;
  gsize bytes = c->options->batch_bytes ? c->options->batch_bytes : DEFAULT_BATCH_BYTES;

  limit = MIN (limit, AJ_PROTOCOL_MAX_BATCH_EVENTS);
  for (;;)
    {
      g_autoptr(GPtrArray) batch = aj_store_list_outbox (store, limit, bytes, error);
      g_autofree char *text = NULL;
      g_auto(Response) r = { 0 };
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(GHashTable) sent = g_hash_table_new (g_str_hash, g_str_equal);
      JsonArray *acks;
      gboolean recorded;

      if (batch == NULL)
        {
          as_local_error (error);
          return FALSE;
        }
      if (batch->len == 0)
        return TRUE;

      for (guint i = 0; i < batch->len; i++)
        {
          AjEvent *ev = g_ptr_array_index (batch, i);
          g_autoptr(GPtrArray) blobs = aj_event_blob_refs (ev);

          g_hash_table_add (sent, ev->id);
          for (guint j = 0; j < blobs->len; j++)
            if (!send_blob (c, g_ptr_array_index (blobs, j), report, error))
              return FALSE;
        }

      progress (c, _("Sending records"));
      text = aj_events_to_batch (batch, FALSE);
      if (!request (c, "POST", "/api/v1/events", "application/json", text, strlen (text), NULL, 0, &r, error))
        {
          /* The batch stays in the outbox, whole, for the next sync. */
          if (g_error_matches (*error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_RATE_LIMITED))
            report->retry_after = retry_after_seconds (&r);
          return FALSE;
        }
      if ((reply = response_json (&r, error)) == NULL)
        return FALSE;
      if (!json_object_has_member (reply, "acks") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (reply, "acks")))
        {
          g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server's answer has no acknowledgements"));
          return FALSE;
        }
      acks = json_object_get_array_member (reply, "acks");

      /* Only what the server says it holds leaves the outbox; without an
       * fsync of its own: an acknowledgement lost with the power leaves the
       * event in the outbox, the server answers it the same when it comes
       * again (insert-if-absent by id), and the next durable commit writes
       * it to disk with all before it. Nothing is lost or doubled. */
      aj_db_exec (aj_store_get_db (store), "PRAGMA synchronous = NORMAL", NULL);
      recorded = record_acks (store, acks, sent, report, error);
      aj_db_exec (aj_store_get_db (store), "PRAGMA synchronous = FULL", NULL);
      if (!recorded)
        return FALSE;
      if (json_array_get_length (acks) == 0)
        {
          g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server acknowledged none of the records sent"));
          return FALSE;
        }
    }
}

/* ---- pull ---- */

/* One wanted photo: kept when it is on disk already with the right hash,
 * otherwise downloaded into "<path>.part", continuing with Range from what
 * an earlier, cut download left there. Only a verified file is renamed into
 * place (then the directory is synced) and struck off the wanted list. A
 * photo the server cannot give now stays wanted with the reason; only a
 * network failure ends the sync. */
static gboolean
fetch_blob (Client        *c,
            AjStore       *store,
            const char    *sha256,
            AjSyncReport  *report,
            GError       **error)
{
  g_autofree char *path = aj_photo_blob_path (c->options->blob_dir, sha256);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *url_path = g_strconcat ("/api/v1/blobs/", sha256, NULL);
  g_autofree char *digest = NULL;
  g_autofree char *range = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(Response) r = { 0 };
  GStatBuf st;
  int dirfd;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      digest = aj_sha256_file_hex (path, NULL);
      if (g_strcmp0 (digest, sha256) == 0)
        return aj_store_blob_attempted (store, sha256, NULL, error);
      g_unlink (path);   /* damaged on disk: fetch it again */
      g_clear_pointer (&digest, g_free);
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL, _("Cannot create folder %s: %s"), dir, g_strerror (errno));
      return FALSE;
    }
  r.download = TRUE;
  r.fd = open (part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (r.fd < 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL, _("Cannot save a photo from the server: %s"), g_strerror (errno));
      return FALSE;
    }
  if (g_stat (part, &st) == 0 && st.st_size > 0)
    {
      range = g_strdup_printf ("Range: bytes=%" G_GINT64_FORMAT "-", (gint64) st.st_size);
      r.from_start_on_200 = TRUE;
    }
  progress (c, _("Receiving photos"));
  if (!request (c, "GET", url_path, NULL, NULL, 0, range, 416, &r, &local))
    {
      close (r.fd);
      if (local->domain == AJ_SYNC_ERROR && local->code == AJ_SYNC_ERROR_REFUSED)
        {
          /* Not there for us now (not yet uploaded whole, or out of scope):
           * it stays wanted and the sync goes on. */
          report->blobs_pending++;
          return aj_store_blob_attempted (store, sha256, local->message, error);
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (fsync (r.fd) != 0 || close (r.fd) != 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL, _("Cannot save a photo from the server: %s"), g_strerror (errno));
      return FALSE;
    }
  digest = aj_sha256_file_hex (part, NULL);
  if (r.status == 416 || g_strcmp0 (digest, sha256) != 0)
    {
      /* What we hold does not add up to the photo: start again next time. */
      g_unlink (part);
      report->blobs_pending++;
      return aj_store_blob_attempted (store, sha256, _("A photo from the server arrived damaged"), error);
    }
  if (g_rename (part, path) != 0)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_LOCAL, _("Cannot save a photo from the server: %s"), g_strerror (errno));
      return FALSE;
    }
  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd >= 0)
    {
      fsync (dirfd);
      close (dirfd);
    }
  /* The photo is here and verified; a picture that cannot be shown small
   * (not one we can decode) is still kept, as evidence, without a thumbnail. */
  if (!aj_photo_make_thumbnail (c->options->blob_dir, sha256, &local))
    g_message ("No thumbnail for photo %s: %s", sha256, local->message);
  if (!aj_store_blob_attempted (store, sha256, NULL, error))
    {
      as_local_error (error);
      return FALSE;
    }
  report->blobs_fetched++;
  return TRUE;
}

/* Works through the wanted list: every photo an event names, until it is
 * on disk. */
static gboolean
fetch_wanted (Client        *c,
              AjStore       *store,
              AjSyncReport  *report,
              GError       **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) wanted = aj_store_list_wanted_blobs (store, 100, error);
      guint before = report->blobs_fetched;
      guint pending = report->blobs_pending;

      if (wanted == NULL)
        {
          as_local_error (error);
          return FALSE;
        }
      for (guint i = 0; i < wanted->len; i++)
        if (!fetch_blob (c, store, g_ptr_array_index (wanted, i), report, error))
          return FALSE;
      /* A full page that made no progress would come back the same. */
      if (wanted->len < 100 || (report->blobs_fetched == before && report->blobs_pending > pending))
        return TRUE;
    }
}

static gboolean
pull (Client        *c,
      AjStore       *store,
      AjSyncReport  *report,
      GError       **error)
{
  guint limit = c->options->pull_limit ? c->options->pull_limit : DEFAULT_PULL_LIMIT;

  for (;;)
    {
      g_autofree char *checkpoint_text = aj_store_get_meta (store, "sync.checkpoint");
      gint64 checkpoint = checkpoint_text ? g_ascii_strtoll (checkpoint_text, NULL, 10) : 0;
      g_autofree char *path = g_strdup_printf ("/api/v1/events?after=%" G_GINT64_FORMAT "&limit=%u", checkpoint, limit);
      g_autofree char *next_text = NULL;
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(GPtrArray) events = NULL;
      g_auto(Response) r = { 0 };
      gint64 next;
      gboolean more;

      progress (c, _("Receiving records"));
      if (!request (c, "GET", path, NULL, NULL, 0, NULL, 0, &r, error) ||
          (reply = response_json (&r, error)) == NULL)
        return FALSE;
      if (!json_object_has_member (reply, "events") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (reply, "events")))
        {
          g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server's answer has no records"));
          return FALSE;
        }
      events = aj_events_from_array (json_object_get_array_member (reply, "events"), error);
      if (events == NULL)
        {
          (*error)->domain = AJ_SYNC_ERROR;
          (*error)->code = AJ_SYNC_ERROR_PROTOCOL;
          return FALSE;
        }
      next = aj_json_get_int (reply, "next", checkpoint);
      more = aj_json_get_bool (reply, "more", FALSE);
      if (next < checkpoint || (more && events->len == 0))
        {
          g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server's paging went backwards"));
          return FALSE;
        }

      /* The page and the checkpoint after it: both or neither. */
      if (!aj_store_begin (store, error))
        return FALSE;
      for (guint i = 0; i < events->len; i++)
        {
          AjEvent *ev = g_ptr_array_index (events, i);
          gboolean inserted = FALSE;

          if (ev->server_seq <= checkpoint)
            {
              aj_store_rollback (store);
              g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server sent a record out of order"));
              return FALSE;
            }
          if (!aj_store_insert_remote (store, ev, FALSE, &inserted, NULL, error))
            {
              aj_store_rollback (store);
              g_prefix_error (error, _("A record from the server was refused: "));
              (*error)->domain = AJ_SYNC_ERROR;
              (*error)->code = AJ_SYNC_ERROR_PROTOCOL;
              return FALSE;
            }
          if (inserted)
            report->pulled++;
        }
      next_text = g_strdup_printf ("%" G_GINT64_FORMAT, next);
      if (!aj_store_set_meta (store, "sync.checkpoint", next_text, error))
        {
          aj_store_rollback (store);
          return FALSE;
        }
      if (!aj_store_commit (store, error))
        return FALSE;
      if (!more)
        break;
    }

  /* Photos named by what was stored now or in any earlier sync. */
  return fetch_wanted (c, store, report, error);
}

/* ---- reference data ---- */

static gboolean
pull_reference (Client        *c,
                AjStore       *store,
                AjSyncReport  *report,
                GError       **error)
{
  g_autofree char *since = aj_store_get_meta (store, "sync.reference_version");
  g_autofree char *path = g_strdup_printf ("/api/v1/reference?since=%s", since ? since : "0");
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *version = NULL;
  g_auto(Response) r = { 0 };
  JsonNode *registry;
  JsonNode *checklists;
  JsonNode *assignments;

  if (!request (c, "GET", path, NULL, NULL, 0, NULL, 0, &r, error) ||
      (reply = response_json (&r, error)) == NULL)
    return FALSE;
  registry = json_object_get_member (reply, "registry");
  checklists = json_object_get_member (reply, "checklists");
  assignments = json_object_get_member (reply, "assignments");
  if (registry == NULL && checklists == NULL && assignments == NULL)
    return TRUE;

  if (checklists != NULL && JSON_NODE_HOLDS_ARRAY (checklists) && c->options->checklist_dir != NULL)
    {
      JsonArray *list = json_node_get_array (checklists);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *node = json_array_get_element (list, i);
          g_autofree char *text = NULL;
          g_autofree char *file = NULL;
          g_autofree char *name = NULL;
          const char *id;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          id = aj_json_get_string (json_node_get_object (node), "id");
          if (id == NULL || strchr (id, '/') != NULL || id[0] == '.')
            continue;
          text = aj_json_to_string (node);
          name = g_strconcat (id, ".json", NULL);
          file = g_build_filename (c->options->checklist_dir, name, NULL);
          if (!aj_write_file_durably (file, text, strlen (text), error))
            return FALSE;
        }
    }
  if (registry != NULL && JSON_NODE_HOLDS_OBJECT (registry))
    {
      g_autofree char *text = aj_json_to_string (registry);
      if (!aj_registry_import_data (store, text, strlen (text), "server", error))
        return FALSE;
    }
  /* The spot checks assigned within the device's scope (a server of an
   * earlier version sends none and the list is left as it is). */
  if (assignments != NULL && JSON_NODE_HOLDS_ARRAY (assignments) &&
      !aj_assignment_replace_all (store, json_node_get_array (assignments), error))
    return FALSE;
  version = g_strdup_printf ("%" G_GINT64_FORMAT, aj_json_get_int (reply, "version", 0));
  report->reference_changed = TRUE;
  return aj_store_set_meta (store, "sync.reference_version", version, error);
}

/* ---- document numbers ---- */

static gboolean
reserve_block (Client      *c,
               AjStore     *store,
               const char  *department,
               int          year,
               GError     **error)
{
  g_autoptr(JsonObject) ask = json_object_new ();
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_auto(Response) r = { 0 };

  json_object_set_string_member (ask, "department", department);
  json_object_set_int_member (ask, "year", year);
  json_object_set_int_member (ask, "count", AJ_DOC_NUMBER_BLOCK);
  json_node_set_object (node, ask);
  text = aj_json_to_string (node);
  /* A server of an earlier version grants none (404), nor one for a
   * department outside the device's scope (403, a registry imported by
   * hand): the device numbers with its tag, as offline. */
  if (!request (c, "POST", "/api/v1/numbers", "application/json", text, strlen (text), NULL, ACCEPT_CLIENT_ERRORS,
                &r, error))
    return FALSE;
  if (r.status >= 400)
    return TRUE;
  if ((reply = response_json (&r, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (aj_json_get_string (reply, "department"), department) != 0 ||
      aj_json_get_int (reply, "year", 0) != year)
    {
      g_set_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL, _("The server granted numbers of another department"));
      return FALSE;
    }
  return aj_numbering_add_block (store, department, year, aj_json_get_int (reply, "first", 0),
                                 aj_json_get_int (reply, "last", 0), error);
}

/* Keeps a few document numbers in hand for each department the device
 * works for (this year's, and next year's in December), so that documents
 * made offline get the department's own numbers. */
static gboolean
reserve_numbers (Client        *c,
                 AjStore       *store,
                 GError       **error)
{
  g_autoptr(GListModel) departments = aj_department_list (store);
  g_autofree char *today = aj_doc_number_china_today ();
  int year = aj_doc_number_year_of (today);
  gboolean december = g_str_has_prefix (today + 4, "-12");

  for (guint i = 0; i < g_list_model_get_n_items (departments); i++)
    {
      g_autoptr(AjDepartment) department = g_list_model_get_item (departments, i);
      const char *id = aj_department_get_id (department);

      for (int y = year; y <= year + (december ? 1 : 0); y++)
        if (aj_numbering_remaining (store, id, y) < AJ_DOC_NUMBER_LOW_WATER &&
            !reserve_block (c, store, id, y, error))
          return FALSE;
    }
  return TRUE;
}

gboolean
aj_sync_run (AjStore              *store,
             const AjSyncOptions  *options,
             AjSyncReport         *report,
             GError              **error)
{
  AjSyncReport local_report = { 0 };
  g_autoptr(GError) local = NULL;
  Client c;
  gboolean ok;

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  if (!client_init (&c, store, options, error))
    return FALSE;

  ok = push (&c, store, report, &local);
  /* A device over a bound of the server's still receives what others
   * did; the refusal is what this sync reports. */
  if (!ok && (g_error_matches (local, AJ_SYNC_ERROR, AJ_SYNC_ERROR_QUOTA) ||
              g_error_matches (local, AJ_SYNC_ERROR, AJ_SYNC_ERROR_RATE_LIMITED)))
    {
      g_autoptr(GError) bound = g_steal_pointer (&local);

      if (pull (&c, store, report, &local) && pull_reference (&c, store, report, &local))
        local = g_steal_pointer (&bound);
    }
  else
    ok = ok && pull (&c, store, report, &local) && pull_reference (&c, store, report, &local) &&
         reserve_numbers (&c, store, &local);
  client_clear (&c);

  if (ok)
    {
      g_autofree char *now = aj_now_iso8601 ();
      aj_store_set_meta (store, "sync.last_success", now, NULL);
      aj_store_set_meta (store, "sync.last_error", NULL, NULL);
      return TRUE;
    }
  if (local->domain != AJ_SYNC_ERROR)
    {
      local->domain = AJ_SYNC_ERROR;
      local->code = AJ_SYNC_ERROR_LOCAL;
    }
  aj_store_set_meta (store, "sync.last_error", local->message, NULL);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* The start-up check: every image the projections name whose file is
 * missing from @blob_dir (a row written before a crash lost its file, or a
 * file deleted by hand) is wanted again, and the next sync fetches it.
 * Returns how many were missing. */
guint
aj_sync_want_missing_blobs (AjStore     *store,
                            const char  *blob_dir,
                            GError     **error)
{
  g_autoptr(GPtrArray) named = aj_store_list_named_blobs (store, error);
  guint missing = 0;

  if (named == NULL)
    return 0;
  for (guint i = 0; i < named->len; i++)
    {
      const char *sha = g_ptr_array_index (named, i);
      g_autofree char *path = aj_is_sha256_hex (sha) ? aj_photo_blob_path (blob_dir, sha) : NULL;

      if (path == NULL || g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      if (!aj_store_want_blob (store, sha, error))
        return missing;
      missing++;
    }
  return missing;
}

gboolean
aj_sync_is_enrolled (AjStore *store)
{
  g_autofree char *token = aj_store_get_meta (store, "sync.token");
  return token != NULL;
}

char *
aj_sync_dup_server_url (AjStore *store)
{
  return aj_store_get_meta (store, "sync.server");
}

/* anjian:enroll?server=URL&code=CODE (server optional) */
gboolean
aj_sync_parse_enroll_qr (const char  *payload,
                         char       **server_url,
                         char       **code)
{
  g_autoptr(GHashTable) params = NULL;

  *server_url = NULL;
  *code = NULL;
  if (payload == NULL || !g_str_has_prefix (payload, "anjian:enroll?"))
    return FALSE;
  params = g_uri_parse_params (payload + strlen ("anjian:enroll?"), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params == NULL || g_hash_table_lookup (params, "code") == NULL)
    return FALSE;
  *code = g_strdup (g_hash_table_lookup (params, "code"));
  *server_url = g_strdup (g_hash_table_lookup (params, "server"));
  return TRUE;
}
