/* aj-server.c: the versioned API (/api/v1), blob upload with resume, and the
 * public pages. Every write is committed before it is acknowledged, so a
 * killed server never loses what a device was told it holds. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-server.h"
#include "aj-server-admin.h"
#include "aj-server-pages.h"
#include "aj-server-request.h"
#include "aj-server-scope.h"
#include "aj-util.h"

#define MAX_SMALL_BODY (64 * 1024)

struct _AjServer
{
  GObject          parent_instance;

  char            *data_dir;
  AjServerContext  context;
  SoupServer      *soup;
};

G_DEFINE_FINAL_TYPE (AjServer, aj_server, G_TYPE_OBJECT)

char *
aj_server_db_path (const char *data_dir)
{
  return g_build_filename (data_dir, "anjian-server.db", NULL);
}

AjStore *
aj_server_open_store (const char  *data_dir,
                      GError     **error)
{
  g_autofree char *path = aj_server_db_path (data_dir);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s",
                   data_dir, g_strerror (saved));
      return NULL;
    }
  return aj_store_open (path, error);
}

/* ---- POST /api/v1/enroll ---- */

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

static void
handle_enroll (AjRequest *req)
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

/* ---- /api/v1/events ---- */

static gboolean
blob_is_complete (AjStore    *store,
                  const char *sha256)
{
  return aj_db_query_int (aj_store_get_db (store),
                          "SELECT complete FROM blobs WHERE sha256 = ?", sha256, 0) == 1;
}

/* The whole batch or nothing, so that a retry is simple; on refusal the
 * reply is sent and FALSE returned. */
static gboolean
store_batch (AjRequest  *req,
             GPtrArray  *events,
             JsonArray  *acks)
{
  AjStore *store = aj_request_get_store (req);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *institution = NULL;
      gint64 seq = 0;
      JsonObject *ack;

      if (!g_str_equal (ev->device_id, aj_request_get_device_id (req)))
        {
          g_autofree char *message = g_strdup_printf ("Event %s was made by another device; a device pushes only its own events", ev->id);
          aj_request_reply_error (req, 403, "not_your_event", message);
          return FALSE;
        }
      institution = aj_store_event_institution (store, ev);
      if (!aj_scope_allows (aj_store_get_db (store), aj_request_get_scope (req), institution))
        {
          g_autofree char *message = g_strdup_printf ("Event %s concerns an institution outside this device's scope", ev->id);
          aj_request_reply_error (req, 403, "outside_scope", message);
          return FALSE;
        }
      {
        g_autoptr(GPtrArray) blobs = aj_event_blob_refs (ev);
        const char *missing = NULL;

        if (g_str_equal (ev->type, "photo.added") && blobs->len == 0)
          missing = "?";
        for (guint j = 0; j < blobs->len && missing == NULL; j++)
          if (!blob_is_complete (store, g_ptr_array_index (blobs, j)))
            missing = g_ptr_array_index (blobs, j);
        if (missing != NULL)
          {
            g_autofree char *message = g_strdup_printf ("Upload the photo %s before the event that names it", missing);
            aj_request_reply_error (req, 409, "blob_missing", message);
            return FALSE;
          }
      }
      if (!aj_store_insert_remote (store, ev, TRUE, NULL, &seq, &error))
        {
          aj_request_reply_gerror (req, error);
          return FALSE;
        }
      ack = json_object_new ();
      json_object_set_string_member (ack, "id", ev->id);
      json_object_set_int_member (ack, "server_seq", seq);
      json_array_add_object_element (acks, ack);
    }
  return TRUE;
}

static void
push_events (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  JsonNode *node = json_object_get_member (aj_request_get_body (req), "events");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) acks = NULL;
  JsonObject *reply;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      aj_request_reply_error (req, 400, "bad_request", "The body must be {\"events\": [...]}");
      return;
    }
  if (json_array_get_length (json_node_get_array (node)) > AJ_PROTOCOL_MAX_BATCH_EVENTS)
    {
      aj_request_reply_error (req, 413, "too_many_events", "A batch holds at most 500 events");
      return;
    }
  events = aj_events_from_array (json_node_get_array (node), &error);
  if (events == NULL)
    {
      aj_request_reply_error (req, 422, "invalid_event", error->message);
      return;
    }

  if (!aj_store_begin (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  acks = json_array_new ();
  if (!store_batch (req, events, acks))
    {
      aj_store_rollback (store);
      return;
    }
  if (!aj_store_commit (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }

  reply = json_object_new ();
  json_object_set_array_member (reply, "acks", g_steal_pointer (&acks));
  json_object_set_int_member (reply, "server_seq",
                              aj_db_query_int (aj_store_get_db (store),
                                               "SELECT max(server_seq) FROM events WHERE server_seq IS NOT NULL", NULL, 0));
  aj_request_reply (req, 200, reply);
}

static void
pull_events (AjRequest *req)
{
  gint64 after = aj_request_get_query_int (req, "after", 0);
  gint64 limit = aj_request_get_query_int (req, "limit", 200);
  g_autofree char *scope_sql = aj_scope_to_sql (aj_request_get_scope (req));
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  JsonArray *array;
  gboolean more;

  if (after < 0 || limit < 1)
    {
      aj_request_reply_error (req, 400, "bad_request", "after must be 0 or more and limit 1 or more");
      return;
    }
  limit = MIN (limit, AJ_PROTOCOL_MAX_BATCH_EVENTS);
  events = aj_store_list_events_after (aj_request_get_store (req), after, limit + 1, scope_sql, &error);
  if (events == NULL)
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  more = events->len > (guint) limit;
  if (more)
    g_ptr_array_set_size (events, limit);

  reply = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < events->len; i++)
    json_array_add_object_element (array, aj_event_to_json (g_ptr_array_index (events, i), TRUE));
  json_object_set_array_member (reply, "events", array);
  json_object_set_int_member (reply, "next",
                              events->len ? ((AjEvent *) g_ptr_array_index (events, events->len - 1))->server_seq : after);
  json_object_set_boolean_member (reply, "more", more);
  aj_request_reply (req, 200, reply);
}

/* ---- /api/v1/blobs/<sha256> ---- */

typedef struct
{
  int     fd;
  char   *sha256;
  gint64  start;
  gint64  end;      /* inclusive */
  gint64  total;
  gint64  written;
  gboolean failed;
} Upload;

static void
upload_free (Upload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  g_free (upload->sha256);
  g_free (upload);
}

static char *
partial_path (AjServerContext *context,
              const char      *sha256)
{
  return g_build_filename (context->partial_dir, sha256, NULL);
}

static gint64
bytes_held (AjServerContext *context,
            const char      *sha256)
{
  g_autofree char *partial = partial_path (context, sha256);
  GStatBuf st;

  if (blob_is_complete (context->store, sha256))
    return aj_db_query_int (aj_store_get_db (context->store), "SELECT size FROM blobs WHERE sha256 = ?", sha256, 0);
  if (g_stat (partial, &st) == 0)
    return st.st_size;
  return 0;
}

static const char *
blob_name (AjRequest *req)
{
  const char *path = aj_request_get_path (req);
  const char *name;

  /* The handler also gets "/api/v1/blobs" itself, with nothing after it. */
  if (!g_str_has_prefix (path, "/api/v1/blobs/"))
    return NULL;
  name = path + strlen ("/api/v1/blobs/");
  return aj_is_sha256_hex (name) ? name : NULL;
}

static gboolean
check_blob_name (AjRequest *req)
{
  if (blob_name (req) != NULL)
    return TRUE;
  aj_request_reply_error (req, 400, "invalid_blob_name", "A blob is named by the SHA-256 of its bytes (64 lower-case hex digits)");
  return FALSE;
}

/* Scope for reading a photo: some event the device may see names it. */
static gboolean
device_may_read_blob (AjRequest  *req,
                      const char *sha256)
{
  g_autofree char *condition = aj_scope_to_sql (aj_request_get_scope (req));
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM events WHERE (json_extract (body, '$.sha256') = ?1 OR "
      "EXISTS (SELECT 1 FROM json_each (body, '$.photos') WHERE value = ?1))%s%s",
      condition ? " AND " : "", condition ? condition : "");

  return aj_db_query_int (aj_store_get_db (aj_request_get_store (req)), sql, sha256, 0) > 0;
}

static gboolean
parse_content_range (const char *value,
                     gint64     *start,
                     gint64     *end,
                     gint64     *total)
{
  char *rest;

  if (value == NULL || !g_str_has_prefix (value, "bytes "))
    return FALSE;
  *start = g_ascii_strtoll (value + 6, &rest, 10);
  if (*rest != '-')
    return FALSE;
  *end = g_ascii_strtoll (rest + 1, &rest, 10);
  if (*rest != '/')
    return FALSE;
  *total = g_ascii_strtoll (rest + 1, &rest, 10);
  return *rest == '\0' && *start >= 0 && *end >= *start && *total > *end;
}

static void
on_upload_chunk (SoupServerMessage *msg,
                 GBytes            *chunk,
                 Upload            *upload)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  if (upload->failed)
    return;
  if (upload->written + (gint64) length > upload->end - upload->start + 1)
    {
      upload->failed = TRUE;
      return;
    }
  while (length > 0)
    {
      gssize n = write (upload->fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          upload->failed = TRUE;
          return;
        }
      data += n;
      length -= n;
      upload->written += n;
    }
}

/* Runs when the headers are in, before the body: the body is written to
 * the partial file as it arrives, so a cut connection keeps what came. */
static void
begin_upload (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  SoupServerMessage *msg = aj_request_get_message (req);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *partial = NULL;
  const char *sha = blob_name (req);
  gint64 start, end, total, held;
  Upload *upload;

  if (!parse_content_range (soup_message_headers_get_one (headers, "Content-Range"), &start, &end, &total))
    {
      aj_request_reply_error (req, 400, "bad_range", "A blob upload needs Content-Range: bytes START-END/TOTAL");
      return;
    }
  if (total > AJ_PROTOCOL_MAX_BLOB_BYTES)
    {
      aj_request_reply_error (req, 413, "too_large", "A photo may be at most 32 MiB");
      return;
    }
  if (soup_message_headers_get_content_length (headers) != end - start + 1)
    {
      aj_request_reply_error (req, 400, "bad_range", "Content-Length does not match Content-Range");
      return;
    }
  held = bytes_held (context, sha);
  if (blob_is_complete (context->store, sha))
    {
      aj_request_reply_error (req, 409, "blob_complete", "The server already holds this whole blob");
      return;
    }
  if (start != held)
    {
      g_autofree char *message = g_strdup_printf ("The server holds %" G_GINT64_FORMAT " bytes of this blob; continue from there", held);
      g_autofree char *held_text = g_strdup_printf ("%" G_GINT64_FORMAT, held);

      aj_request_set_header (req, "Anjian-Blob-Held", held_text);
      aj_request_reply_error (req, 409, "range_mismatch", message);
      return;
    }

  g_mkdir_with_parents (context->partial_dir, 0700);
  partial = partial_path (context, sha);
  upload = g_new0 (Upload, 1);
  upload->fd = open (partial, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  upload->sha256 = g_strdup (sha);
  upload->start = start;
  upload->end = end;
  upload->total = total;
  if (upload->fd < 0)
    {
      upload_free (upload);
      aj_request_reply_error (req, 500, "storage", "The server cannot store the blob");
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), "aj-upload", upload, (GDestroyNotify) upload_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_upload_chunk), upload);
}

static gboolean
finish_blob (AjServerContext  *context,
             Upload           *upload,
             GError          **error)
{
  g_autofree char *partial = partial_path (context, upload->sha256);
  g_autofree char *final = aj_photo_blob_path (context->blob_dir, upload->sha256);
  g_autofree char *data = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *dir = g_path_get_dirname (final);
  g_autofree char *now = aj_now_iso8601 ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gsize length;

  if (fsync (upload->fd) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot save the blob");
      return FALSE;
    }
  if (!g_file_get_contents (partial, &data, &length, error))
    return FALSE;
  digest = aj_sha256_hex (data, length);
  if (!g_str_equal (digest, upload->sha256))
    {
      g_unlink (partial);
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                   "The uploaded bytes do not have the SHA-256 the blob is named by; start again");
      return FALSE;
    }
  g_mkdir_with_parents (dir, 0700);
  if (g_rename (partial, final) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot save the blob");
      return FALSE;
    }
  stmt = aj_db_prepare (aj_store_get_db (context->store),
                        "INSERT INTO blobs (sha256, size, complete, received_at) VALUES (?, ?, 1, ?) "
                        "ON CONFLICT (sha256) DO UPDATE SET complete = 1, size = excluded.size", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, upload->sha256);
  sqlite3_bind_int64 (stmt, 2, length);
  aj_db_bind_text (stmt, 3, now);
  return aj_db_step_done (aj_store_get_db (context->store), stmt, error);
}

/* The body has arrived (into the partial file, by begin_upload). */
static void
finish_upload (AjRequest *req)
{
  Upload *upload = g_object_get_data (G_OBJECT (aj_request_get_message (req)), "aj-upload");
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  if (upload == NULL)
    return;   /* the early handler answered already */
  if (upload->failed || upload->written != upload->end - upload->start + 1)
    {
      aj_request_reply_error (req, 400, "bad_range", "The body does not match Content-Range");
      return;
    }
  if (upload->end + 1 == upload->total && !finish_blob (aj_request_get_context (req), upload, &error))
    {
      aj_request_reply_error (req, error->code == AJ_ERROR_CORRUPT ? 422 : 500,
                              error->code == AJ_ERROR_CORRUPT ? "hash_mismatch" : "storage", error->message);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "held", upload->end + 1);
  json_object_set_boolean_member (reply, "complete", upload->end + 1 == upload->total);
  aj_request_reply (req, upload->end + 1 == upload->total ? 201 : 202, reply);
}

static void
head_blob (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  const char *sha = blob_name (req);
  g_autofree char *held = g_strdup_printf ("%" G_GINT64_FORMAT, bytes_held (context, sha));

  aj_request_set_header (req, "Anjian-Blob-Held", held);
  aj_request_set_header (req, "Anjian-Blob-Complete", blob_is_complete (context->store, sha) ? "yes" : "no");
  soup_server_message_set_status (aj_request_get_message (req), 200, NULL);
}

static void
get_blob (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  SoupServerMessage *msg = aj_request_get_message (req);
  const char *sha = blob_name (req);
  g_autofree char *file = aj_photo_blob_path (context->blob_dir, sha);
  g_autofree char *data = NULL;
  gsize length;

  if (!blob_is_complete (context->store, sha) || !device_may_read_blob (req, sha) ||
      !g_file_get_contents (file, &data, &length, NULL))
    {
      aj_request_reply_error (req, 404, "not_found", "No such photo for this device");
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "image/jpeg", SOUP_MEMORY_TAKE, g_steal_pointer (&data), length);
}

/* ---- GET /api/v1/reference ---- */

static void
get_reference (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  gint64 since = aj_request_get_query_int (req, "since", 0);
  g_autofree char *version_text = aj_store_get_meta (store, "reference_version");
  gint64 version = version_text ? g_ascii_strtoll (version_text, NULL, 10) : 0;
  JsonObject *reply = json_object_new ();

  json_object_set_int_member (reply, "version", version);
  if (since < version)
    {
      json_object_set_object_member (reply, "registry",
                                     aj_server_registry_for_scope (store, aj_request_get_scope (req)));
      json_object_set_array_member (reply, "checklists", aj_server_published_checklists (store));
    }
  aj_request_reply (req, 200, reply);
}

/* ---- anything else under /api ---- */

/* The API answers in JSON even for a path it does not know (also one that
 * "../" folded onto another), not with the public site's HTML page. */
static void
unknown_api (AjRequest *req)
{
  aj_request_reply_error (req, 404, "not_found", "No such API request");
}

/* ---- the routes ---- */

static const AjRoute routes[] = {
  { "/api/v1/enroll", AJ_ROUTE_PUBLIC, FALSE, NULL,
    { { "POST", MAX_SMALL_BODY, handle_enroll } } },
  { "/api/v1/events", AJ_ROUTE_DEVICE, FALSE, NULL,
    { { "GET", 0, pull_events },
      { "POST", AJ_PROTOCOL_MAX_BODY_BYTES, push_events } } },
  { "/api/v1/blobs", AJ_ROUTE_DEVICE, TRUE, check_blob_name,
    { { "PUT", 0, begin_upload } } },
  { "/api/v1/blobs", AJ_ROUTE_DEVICE, FALSE, check_blob_name,
    { { "HEAD", 0, head_blob },
      { "GET", 0, get_blob },
      { "PUT", 0, finish_upload } } },
  /* Any method, as devices have always been answered. */
  { "/api/v1/reference", AJ_ROUTE_DEVICE, FALSE, NULL,
    { { NULL, 0, get_reference } } },
  { "/api", AJ_ROUTE_PUBLIC, FALSE, NULL,
    { { NULL, 0, unknown_api } } },
};

/* ---- logging and set-up ---- */

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  gint64 *start = g_new (gint64, 1);

  *start = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "aj-start", start, g_free);
}

/* One line per request: time, client, method, path, status, device, duration. */
static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  gint64 *start = g_object_get_data (G_OBJECT (msg), "aj-start");
  const char *device = aj_request_device_of_message (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *now = aj_now_iso8601 ();
  const char *remote = soup_server_message_get_remote_host (msg);

  g_print ("%s %s %s %s %u %s %.1fms\n", now, remote ? remote : "-", soup_server_message_get_method (msg),
           g_uri_get_path (uri), soup_server_message_get_status (msg), device ? device : "-",
           start ? (g_get_monotonic_time () - *start) / 1000.0 : 0.0);
}

static void
aj_server_finalize (GObject *object)
{
  AjServer *self = AJ_SERVER (object);

  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->context.store);
  g_free (self->data_dir);
  g_free (self->context.blob_dir);
  g_free (self->context.partial_dir);
  G_OBJECT_CLASS (aj_server_parent_class)->finalize (object);
}

static void
aj_server_class_init (AjServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aj_server_finalize;
}

static void
aj_server_init (AjServer *self)
{
}

AjServer *
aj_server_new (const char  *data_dir,
               GError     **error)
{
  g_autoptr(AjServer) self = g_object_new (AJ_TYPE_SERVER, NULL);

  self->data_dir = g_strdup (data_dir);
  self->context.blob_dir = g_build_filename (data_dir, "blobs", NULL);
  self->context.partial_dir = g_build_filename (data_dir, "blobs", "partial", NULL);
  self->context.store = aj_server_open_store (data_dir, error);
  if (self->context.store == NULL)
    return NULL;

  self->soup = soup_server_new ("server-header", "anjian-server/" PACKAGE_VERSION " ", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    aj_request_add_route (self->soup, &routes[i], &self->context);
  aj_server_pages_register (self->soup, self->context.store);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_finished), self);
  return g_steal_pointer (&self);
}

gboolean
aj_server_listen (AjServer    *self,
                  const char  *address,
                  const char  *tls_cert,
                  const char  *tls_key,
                  GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  const char *colon = strrchr (address, ':');
  SoupServerListenOptions options = 0;
  guint port;

  if (colon == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "Listen on HOST:PORT, e.g. 127.0.0.1:8080");
      return FALSE;
    }
  host = g_strndup (address, colon - address);
  port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "“%s” is not an IP address", host);
      return FALSE;
    }
  if (tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (tls_cert, tls_key, error);
      if (cert == NULL)
        return FALSE;
      soup_server_set_tls_certificate (self->soup, cert);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  return soup_server_listen (self->soup, socket_address, options, error);
}

char *
aj_server_get_url (AjServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  char *url = NULL;

  if (uris != NULL)
    {
      g_autofree char *text = g_uri_to_string (uris->data);
      gsize len = strlen (text);
      if (len > 0 && text[len - 1] == '/')
        text[len - 1] = '\0';
      url = g_steal_pointer (&text);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

void
aj_server_shutdown (AjServer *self)
{
  soup_server_disconnect (self->soup);
}

AjStore *
aj_server_get_store (AjServer *self)
{
  return self->context.store;
}
