/* aj-server-blobs.c: /api/v1/blobs/<sha256>: photos uploaded in ranges
 * that resume where a cut connection stopped, hashed as they arrive and
 * checked against their name (the SHA-256 of their bytes) before they count
 * as held; each device within its quota of bytes; partial uploads left
 * untouched too long are removed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "aj-codec.h"
#include "aj-error.h"
#include "aj-photo.h"
#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
#include "aj-util.h"

typedef struct
{
  AjServerContext *context;
  int       fd;
  char     *sha256;
  gint64    start;
  gint64    end;      /* inclusive */
  gint64    total;
  gint64    written;
  gboolean  failed;
  /* The whole body came: its handler may be finishing it in a worker,
   * which a newer request must leave alone (it writes nothing more). */
  gboolean  received;
  /* Of every byte from 0, when this request ends the blob: the hash state
   * cannot outlive a request, so a resumed upload hashes the bytes held
   * before it once, when it begins, and the rest as they come. */
  AjSha256 *hash;
  /* Every byte was held before this request (see begin_upload): its
   * handler checks them, in the writer, and the body is dropped. */
  gboolean  recover;
} Upload;

/* A blob is received by one request at a time: a new one (a device that
 * retried after a cut) ends the one before, which writes nothing more; the
 * older one could otherwise append its late bytes after the new one's, or
 * to the finished file after its rename. */
static void
supersede_upload (AjServerContext *context,
                  const char      *sha256)
{
  Upload *older = g_hash_table_lookup (context->uploading, sha256);

  if (older == NULL)
    return;
  if (!older->received)
    {
      older->failed = TRUE;
      if (older->fd >= 0)
        close (older->fd);
      older->fd = -1;
    }
  g_hash_table_remove (context->uploading, sha256);
  older->context = NULL;
}

static void
upload_free (Upload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  if (upload->context != NULL)
    g_hash_table_remove (upload->context->uploading, upload->sha256);
  g_clear_pointer (&upload->hash, aj_sha256_free);
  g_free (upload->sha256);
  g_free (upload);
}

/* Adds the first @length bytes of @fd to @hash. */
static gboolean
hash_held (AjSha256 *hash,
           int       fd,
           gint64    length)
{
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  gint64 offset = 0;

  while (offset < length)
    {
      gssize n = pread (fd, buffer, MIN (length - offset, 256 * 1024), offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      aj_sha256_update (hash, buffer, n);
      offset += n;
    }
  return TRUE;
}

static char *
partial_path (AjServerContext *context,
              const char      *sha256)
{
  return g_build_filename (context->partial_dir, sha256, NULL);
}

/* What of the blob is here: @whole, its size held whole (or -1), else
 * its partial file's. */
static gint64
bytes_held (AjServerContext *context,
            const char      *sha256,
            gint64           whole)
{
  g_autofree char *partial = partial_path (context, sha256);
  GStatBuf st;

  if (whole >= 0)
    return whole;
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

gboolean
aj_server_blobs_check_name (AjRequest *req)
{
  if (blob_name (req) != NULL)
    return TRUE;
  aj_request_reply_error (req, 400, "invalid_blob_name", "A blob is named by the SHA-256 of its bytes (64 lower-case hex digits)");
  return FALSE;
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

static gboolean finish_blob (AjServerContext *context, AjStore *store, Upload *upload, const char *device_id,
                             GError **error);

static void
on_upload_chunk (SoupServerMessage *msg,
                 GBytes            *chunk,
                 Upload            *upload)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  if (upload->failed || upload->recover)
    return;
  if (upload->written + (gint64) length > upload->end - upload->start + 1)
    {
      upload->failed = TRUE;
      return;
    }
  if (upload->hash != NULL)
    aj_sha256_update (upload->hash, data, length);
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

static void
on_upload_body (SoupServerMessage *msg,
                Upload            *upload)
{
  upload->received = TRUE;
}

/* Runs when the headers are in, before the body, on the main loop: the body
 * is written to the partial file as it arrives, so a cut connection keeps
 * what came. Its database reads are indexed lookups on the main loop's
 * connection; the finishing write is in a worker (finish_upload). */
void
aj_server_blobs_begin_upload (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  AjStore *store = aj_request_get_store (req);
  SoupServerMessage *msg = aj_request_get_message (req);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *partial = NULL;
  const char *sha = blob_name (req);
  gint64 start, end, total, held, whole, used;
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
  supersede_upload (context, sha);
  /* One question to the database (a round trip, on the main loop, with
   * PostgreSQL): whether the blob is whole, and what the device holds. */
  aj_server_db_blob_sizes (context->db, store, sha, aj_request_get_device_id (req), &whole, &used);
  held = bytes_held (context, sha, whole);
  if (whole >= 0)
    {
      aj_request_reply_error (req, 409, "blob_complete", "The server already holds this whole blob");
      return;
    }
  /* Refused before a byte is kept: nothing of it is stored. */
  if (context->limits.blob_quota_bytes > 0)
    {
      /* Compared without a sum that could overflow (a store in doubt
       * answers G_MAXINT64: refused). */
      if (used < 0 || used > context->limits.blob_quota_bytes - total)
        {
          g_autofree char *message = g_strdup_printf ("This device has stored %" G_GINT64_FORMAT " bytes of photos; "
                                                      "with this one it would pass its quota of %" G_GINT64_FORMAT,
                                                      used, context->limits.blob_quota_bytes);
          aj_request_reply_error (req, 403, "quota_exceeded", message);
          return;
        }
    }
  /* Every byte came before, but the server stopped before it checked them
   * (killed between the last chunk and the rename): they are checked, and
   * the blob either finished or started again, by this request's handler
   * in the writer (hashing 32 MiB and the fsyncs stay off the main loop,
   * and the writer finishes one upload at a time). (Found by the soak test.) */
  if (held >= total && start != held)
    {
      upload = g_new0 (Upload, 1);
      upload->fd = -1;
      upload->sha256 = g_strdup (sha);
      upload->total = total;
      upload->recover = TRUE;
      aj_request_set_begin_data (req, upload, (GDestroyNotify) upload_free);
      aj_request_set_streaming (req);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_upload_chunk), upload);
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
  upload->fd = open (partial, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  upload->sha256 = g_strdup (sha);
  upload->start = start;
  upload->end = end;
  upload->total = total;
  /* Only a request that ends the blob needs the hash (the next one would
   * hash from the start again). */
  if (upload->fd >= 0 && end + 1 == total)
    {
      upload->hash = aj_sha256_new ();
      if (!hash_held (upload->hash, upload->fd, start))
        {
          close (upload->fd);
          upload->fd = -1;
        }
    }
  if (upload->fd < 0)
    {
      upload_free (upload);
      aj_request_reply_error (req, 500, "storage", "The server cannot store the blob");
      return;
    }
  /* Not expired while it is being received. */
  upload->context = context;
  g_hash_table_insert (context->uploading, upload->sha256, upload);
  aj_request_set_begin_data (req, upload, (GDestroyNotify) upload_free);
  aj_request_set_streaming (req);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_upload_chunk), upload);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_upload_body), upload);
}

static gboolean
finish_blob (AjServerContext  *context,
             AjStore          *store,
             Upload           *upload,
             const char       *device_id,
             GError          **error)
{
  g_autofree char *partial = partial_path (context, upload->sha256);
  g_autofree char *final = aj_photo_blob_path (context->blob_dir, upload->sha256);
  g_autofree char *digest = NULL;
  g_autofree char *dir = g_path_get_dirname (final);
  g_autofree char *now = aj_now_iso8601 ();
  struct stat st;

  if (fsync (upload->fd) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot save the blob");
      return FALSE;
    }
  digest = aj_sha256_finish_hex (upload->hash);
  /* The hash is of the bytes this server read; the file must hold just
   * those (a cut connection of the same blob still draining could have
   * appended to it meanwhile: then it is longer). */
  if (!g_str_equal (digest, upload->sha256) || fstat (upload->fd, &st) != 0 || st.st_size != upload->total)
    {
      g_unlink (partial);
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                   "The uploaded bytes do not have the SHA-256 the blob is named by; start again");
      return FALSE;
    }
  g_mkdir_with_parents (dir, 0700);
  if (g_rename (partial, final) != 0)
    {
      int saved = errno;
      GStatBuf held;

      /* A retry of the same blob (its client saw this request cut) finished
       * it first, while this one waited for the writer: the same bytes, as
       * the name is their hash. Found by test-faults. */
      if (saved != ENOENT || g_stat (final, &held) != 0 || held.st_size != upload->total)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot save the blob");
          return FALSE;
        }
    }
  /* The rename itself made durable before the row says "complete": after a
   * power loss the server must never claim a photo it cannot give. */
  {
    int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0 || fsync (dirfd) != 0)
      {
        if (dirfd >= 0)
          close (dirfd);
        g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot save the blob");
        return FALSE;
      }
    close (dirfd);
  }
  /* Whole, and counted against the quota of the device that sent it. */
  if (!aj_store_begin (store, error))
    return FALSE;
  if (!aj_server_db_add_blob (context->db, store, upload->sha256, upload->total, device_id, now, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  return aj_store_commit (store, error);
}

/* In the writer: a partial file found whole when a request began (see
 * begin_upload) is finished if its bytes are right, else removed, so the
 * device starts again from byte 0. */
static void
recover_upload (AjRequest *req,
                Upload    *upload)
{
  AjServerContext *context = aj_request_get_context (req);
  AjStore *store = aj_request_get_store (req);
  g_autofree char *partial_file = partial_path (context, upload->sha256);
  g_autoptr(AjSha256) hash = aj_sha256_new ();
  Upload pending = { .fd = -1, .sha256 = upload->sha256, .start = 0, .end = upload->total - 1,
                     .total = upload->total, .hash = hash };
  GStatBuf st;
  gboolean whole;

  if (aj_server_db_blob_size (context->db, store, upload->sha256) >= 0)
    {
      aj_request_reply_error (req, 409, "blob_complete", "The server already holds this whole blob");
      return;
    }
  whole = g_stat (partial_file, &st) == 0 && st.st_size == upload->total;
  pending.fd = whole ? open (partial_file, O_RDONLY | O_CLOEXEC) : -1;
  if (pending.fd >= 0 && hash_held (hash, pending.fd, upload->total) &&
      finish_blob (context, store, &pending, aj_request_get_device_id (req), NULL))
    {
      close (pending.fd);
      aj_request_reply_error (req, 409, "blob_complete", "The server already holds this whole blob");
      return;
    }
  if (pending.fd >= 0)
    close (pending.fd);
  g_unlink (partial_file);
  aj_request_set_header (req, "Anjian-Blob-Held", "0");
  aj_request_reply_error (req, 409, "range_mismatch", "The server holds 0 bytes of this blob; continue from there");
}

/* The body has arrived (into the partial file, by aj_server_blobs_begin_upload);
 * in a worker: the fsyncs and the row. */
void
aj_server_blobs_finish_upload (AjRequest *req)
{
  Upload *upload = aj_request_get_begin_data (req);
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  if (upload == NULL)
    return;   /* the early handler answered already */
  if (upload->recover)
    {
      recover_upload (req, upload);
      return;
    }
  if (upload->failed || upload->written != upload->end - upload->start + 1)
    {
      aj_request_reply_error (req, 400, "bad_range", "The body does not match Content-Range");
      return;
    }
  if (upload->end + 1 == upload->total &&
      !finish_blob (aj_request_get_context (req), aj_request_get_store (req), upload, aj_request_get_device_id (req), &error))
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

void
aj_server_blobs_head (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  AjStore *store = aj_request_get_store (req);
  const char *sha = blob_name (req);
  gint64 whole = aj_server_db_blob_size (context->db, store, sha);
  g_autofree char *held = g_strdup_printf ("%" G_GINT64_FORMAT, bytes_held (context, sha, whole));

  aj_request_set_header (req, "Anjian-Blob-Held", held);
  aj_request_set_header (req, "Anjian-Blob-Complete", whole >= 0 ? "yes" : "no");
  aj_request_set_status (req, 200);
}

void
aj_server_blobs_get (AjRequest *req)
{
  AjServerContext *context = aj_request_get_context (req);
  AjStore *store = aj_request_get_store (req);
  const char *sha = blob_name (req);
  g_autofree char *file = aj_photo_blob_path (context->blob_dir, sha);
  g_autofree char *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  /* In a worker: the lookup and the read from disk; the main loop sends it. */
  if (aj_server_db_blob_size (context->db, store, sha) < 0 ||
      !aj_server_store_blob_in_scope (store, sha, aj_request_get_scope (req)) ||
      !g_file_get_contents (file, &data, &length, NULL))
    {
      aj_request_reply_error (req, 404, "not_found", "No such photo for this device");
      return;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  aj_request_reply_bytes (req, 200, "image/jpeg", bytes);
}

/* Removes every partial upload untouched for the configured time and not
 * being received now, so that abandoned uploads do not pile up; a later PUT
 * of the same photo starts again from byte 0 (HEAD then says 0 held).
 * Returns how many were removed. */
guint
aj_server_blobs_expire_partials (AjServerContext *context)
{
  g_autoptr(GDir) dir = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;

  if (context->limits.partial_max_age_seconds <= 0)
    return 0;
  dir = g_dir_open (context->partial_dir, 0, NULL);
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!aj_is_sha256_hex (name) || g_hash_table_contains (context->uploading, name))
        continue;
      path = g_build_filename (context->partial_dir, name, NULL);
      if (g_stat (path, &st) != 0 || now - (gint64) st.st_mtime < context->limits.partial_max_age_seconds)
        continue;
      if (g_unlink (path) == 0)
        {
          g_print ("removed the partial upload of %s (%" G_GINT64_FORMAT " bytes, untouched for %" G_GINT64_FORMAT " s)\n",
                   name, (gint64) st.st_size, now - (gint64) st.st_mtime);
          removed++;
        }
    }
  return removed;
}
