/* test-bounds.c: the server's bounds per device, against the real server on
 * loopback with small bounds set on its command line: a device over its
 * photo quota is refused before a byte is kept and its records wait on the
 * device; a device over its event rate is told when to come back, and then
 * sends everything, once; a partial upload left alone is removed and a
 * later upload starts over; an upload resumed in two ranges is hashed whole. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "aj-photo.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR   "u-zhang-wei"
#define INSTITUTION "NHQ002"

/* The same server (data and port) started again with @args. */
static void
restart_with (AjTestServer       *server,
              const char * const *args)
{
  aj_test_server_stop (server);
  g_strfreev (server->serve_args);
  server->serve_args = g_strdupv ((char **) args);
  aj_test_server_start (server);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

static gint64
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  gint64 n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static gint64
outbox_size (AjStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = aj_store_list_outbox (store, 100000, G_MAXSIZE, &error);

  g_assert_no_error (error);
  return outbox->len;
}

static void
test_blob_quota (AjTestPair    *pair,
                 gconstpointer  data)
{
  AjTestServer *server = pair->server;
  AjTestKiosk *kiosk = pair->kiosk;
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
  g_autofree char *first = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 800, 600, 1);
  g_autofree char *second = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-02", 800, 600, 2);
  g_autoptr(GPtrArray) photos = aj_test_store_list_photos (kiosk->store);
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_autofree char *server_blobs = g_build_filename (server->data_dir, "blobs", NULL);
  g_autofree char *partial_dir = g_build_filename (server_blobs, "partial", NULL);
  g_autofree char *quota = NULL;
  g_autoptr(AjStore) on_server = NULL;
  gint64 sizes[2], held[2], outbox_before;
  AjSyncReport report = { 0 };
  gboolean complete[2];
  guint sent;

  g_test_summary ("A device whose next photo would pass its quota of photo bytes is refused with "
                  "quota_exceeded before a byte of it is kept (no partial file, no row), its records stay "
                  "in its outbox, and once the quota is raised everything arrives, once.");
  g_assert_cmpuint (photos->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = aj_photo_blob_path (kiosk->blob_dir, g_ptr_array_index (photos, i));
      sizes[i] = file_size (path);
    }
  /* Room for either photo, not for both. */
  quota = g_strdup_printf ("%" G_GINT64_FORMAT, sizes[0] + sizes[1] - 1);
  restart_with (server, (const char *[]) { "--blob-quota", quota, NULL });

  outbox_before = outbox_size (kiosk->store);
  g_assert_false (aj_test_kiosk_sync (kiosk, &report, &error));
  g_test_message ("refused: %s", error->message);
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_QUOTA);
  g_clear_error (&error);
  g_assert_cmpuint (report.blobs_sent, ==, 1);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpint (outbox_size (kiosk->store), ==, outbox_before);

  /* The photo sent first is whole on the server; nothing of the other. */
  for (guint i = 0; i < 2; i++)
    held[i] = aj_test_blob_held (server, token, g_ptr_array_index (photos, i), &complete[i]);
  sent = complete[0] ? 0 : 1;
  g_assert_true (complete[sent]);
  g_assert_cmpint (held[sent], ==, sizes[sent]);
  g_assert_false (complete[1 - sent]);
  g_assert_cmpint (held[1 - sent], ==, 0);
  g_assert_cmpint (count_files (partial_dir), ==, 0);
  {
    g_autofree char *stored = aj_photo_blob_path (server_blobs, g_ptr_array_index (photos, 1 - sent));
    g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));
  }
  /* The kiosk's sync said it in the user's words, and again the next time. */
  g_assert_false (aj_test_kiosk_sync (kiosk, &report, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_QUOTA);
  g_clear_error (&error);
  {
    g_autofree char *last = aj_store_get_meta (kiosk->store, "sync.last_error");
    g_assert_nonnull (last);
    g_assert_nonnull (strstr (last, "quota"));
  }

  restart_with (server, (const char *[]) { "--blob-quota", "1G", NULL });
  g_assert_true (aj_test_kiosk_sync (kiosk, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_sent, ==, 1);
  g_assert_cmpint (outbox_size (kiosk->store), ==, 0);
  g_assert_cmpint (aj_test_blob_held (server, token, g_ptr_array_index (photos, 1 - sent), &complete[0]), ==, sizes[1 - sent]);
  g_assert_true (complete[0]);
  on_server = aj_test_server_open_store (server);
  aj_test_assert_same_events (kiosk->store, on_server, aj_store_get_device_id (kiosk->store));
}

static void
test_event_rate (AjTestPair    *pair,
                 gconstpointer  data)
{
  AjTestServer *server = pair->server;
  AjTestKiosk *kiosk = pair->kiosk;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) on_server = NULL;
  AjSyncReport report = { 0 };
  gboolean limited = FALSE;
  guint syncs = 0;
  gint64 start = g_get_monotonic_time ();

  g_test_summary ("A device that pushes more new events than its rate allows gets rate_limited with "
                  "Retry-After; its batch stays in the outbox; after the window it sends the rest, and the "
                  "server holds every event once.");
  /* Two batches of 10 per window: the third in a window is refused unless
   * two took the whole window (under ASan with the slow unwinder a batch of
   * 200 does take seconds; one of 10 does not). */
  restart_with (server, (const char *[]) { "--event-rate", "20/4s", NULL });
  aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, 60);

  while (!aj_test_kiosk_sync_via (kiosk, server->url, 10, &report, &error))
    {
      g_test_message ("sync %u: %s (pushed %u, wait %u s)", syncs, error->message, report.pushed, report.retry_after);
      g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_RATE_LIMITED);
      g_clear_error (&error);
      g_assert_cmpuint (report.retry_after, >=, 1);
      g_assert_cmpuint (report.retry_after, <=, 4);
      g_assert_cmpuint (report.pushed % 10, ==, 0);
      limited = TRUE;
      g_assert_cmpuint (++syncs, <, 20);
      g_usleep (report.retry_after * G_USEC_PER_SEC);
    }
  g_assert_no_error (error);
  g_assert_true (limited);
  g_test_message ("%u syncs refused, all sent after %.1f s", syncs, (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (outbox_size (kiosk->store), ==, 0);
  on_server = aj_test_server_open_store (server);
  aj_test_assert_same_events (kiosk->store, on_server, aj_store_get_device_id (kiosk->store));
}

static void
put_range (AjTestServer *server,
           const char   *token,
           const char   *sha,
           const char   *bytes,
           gsize         start,
           gsize         end,
           gsize         total,
           AjTestReply  *reply)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha);
  g_autofree char *range = g_strdup_printf ("Content-Range: bytes %zu-%zu/%zu", start, end, total);

  aj_test_http ("PUT", url, token, range, bytes + start, end - start + 1, reply);
}

/* @len random bytes, and their SHA-256 in *@sha. */
static char *
random_blob (gsize   len,
             char  **sha)
{
  char *bytes = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    bytes[i] = (char) g_random_int ();
  *sha = aj_sha256_hex (bytes, len);
  return bytes;
}

static void
test_partial_expires (AjTestPair    *pair,
                      gconstpointer  data)
{
  AjTestServer *server = pair->server;
  g_autofree char *token = aj_store_get_meta (pair->kiosk->store, "sync.token");
  gsize len = 300 * 1024;
  g_autofree char *sha = NULL;
  g_autofree char *bytes = random_blob (len, &sha);
  g_autofree char *partial = NULL;
  gint64 deadline;
  gboolean complete;

  g_test_summary ("A partial upload untouched for the configured time is removed by the server (HEAD "
                  "then says 0 held), a PUT continuing it is told to start over, and one from byte 0 "
                  "completes; an upload in two ranges is hashed whole.");
  partial = g_build_filename (server->data_dir, "blobs", "partial", sha, NULL);
  restart_with (server, (const char *[]) { "--partial-expiry", "2s", NULL });

  {
    g_auto(AjTestReply) r = { 0 };
    put_range (server, token, sha, bytes, 0, len / 2 - 1, len, &r);
    g_assert_cmpint (r.status, ==, 202);
  }
  g_assert_cmpint (aj_test_blob_held (server, token, sha, NULL), ==, len / 2);
  g_assert_true (g_file_test (partial, G_FILE_TEST_EXISTS));
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (g_file_test (partial, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (100000);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, 0);
  g_assert_false (complete);
  {
    g_auto(AjTestReply) r = { 0 };
    put_range (server, token, sha, bytes, len / 2, len - 1, len, &r);
    g_assert_cmpint (r.status, ==, 409);
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-error"), ==, "range_mismatch");
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-blob-held"), ==, "0");
  }

  /* Started over: the first half, then (resumed, hashed from the held
   * prefix) the rest, before the expiry. */
  {
    g_auto(AjTestReply) first = { 0 };
    g_auto(AjTestReply) rest = { 0 };
    g_autofree char *blobs = g_build_filename (server->data_dir, "blobs", NULL);
    g_autofree char *stored = NULL;
    g_autofree char *digest = NULL;

    put_range (server, token, sha, bytes, 0, len / 3 - 1, len, &first);
    g_assert_cmpint (first.status, ==, 202);
    put_range (server, token, sha, bytes, len / 3, len - 1, len, &rest);
    g_assert_cmpint (rest.status, ==, 201);
    g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, len);
    g_assert_true (complete);
    stored = aj_photo_blob_path (blobs, sha);
    digest = aj_sha256_file_hex (stored, NULL);
    g_assert_cmpstr (digest, ==, sha);
  }
  /* A whole photo is never expired. */
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, len);
  g_assert_true (complete);
}

/* A partial file holding every byte (the server was killed between the
 * last chunk and its rename): the next PUT of that blob has it checked
 * (in the writer) and finished when its bytes are right, removed when not. */
static void
test_whole_partial_recovered (AjTestPair    *pair,
                              gconstpointer  data)
{
  AjTestServer *server = pair->server;
  g_autofree char *token = aj_store_get_meta (pair->kiosk->store, "sync.token");
  g_autofree char *partial_dir = g_build_filename (server->data_dir, "blobs", "partial", NULL);
  gsize len = 200 * 1024;
  g_autofree char *good_sha = NULL;
  g_autofree char *bad_sha = NULL;
  g_autofree char *good = random_blob (len, &good_sha);
  g_autofree char *bad = random_blob (len, &bad_sha);
  gboolean complete;

  g_test_summary ("A partial upload found whole when a PUT of it begins is finished if its bytes have the "
                  "blob's hash (409 blob_complete, HEAD says complete) and removed if not (409 "
                  "range_mismatch, 0 held), after which an upload from byte 0 completes");
  g_mkdir_with_parents (partial_dir, 0700);
  {
    g_autofree char *good_partial = g_build_filename (partial_dir, good_sha, NULL);
    g_autofree char *bad_partial = g_build_filename (partial_dir, bad_sha, NULL);

    g_assert_true (g_file_set_contents (good_partial, good, len, NULL));
    /* Bytes of another blob under this one's name. */
    g_assert_true (g_file_set_contents (bad_partial, good, len, NULL));
  }
  {
    g_auto(AjTestReply) r = { 0 };
    put_range (server, token, good_sha, good, 0, len / 2 - 1, len, &r);
    g_assert_cmpint (r.status, ==, 409);
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-error"), ==, "blob_complete");
  }
  g_assert_cmpint (aj_test_blob_held (server, token, good_sha, &complete), ==, len);
  g_assert_true (complete);
  {
    g_auto(AjTestReply) r = { 0 };
    put_range (server, token, bad_sha, bad, 0, len / 2 - 1, len, &r);
    g_assert_cmpint (r.status, ==, 409);
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-error"), ==, "range_mismatch");
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-blob-held"), ==, "0");
  }
  g_assert_cmpint (aj_test_blob_held (server, token, bad_sha, &complete), ==, 0);
  {
    g_auto(AjTestReply) r = { 0 };
    put_range (server, token, bad_sha, bad, 0, len - 1, len, &r);
    g_assert_cmpint (r.status, ==, 201);
  }
  g_assert_cmpint (aj_test_blob_held (server, token, bad_sha, &complete), ==, len);
  g_assert_true (complete);
}

int
main (int   argc,
      char *argv[])
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/bounds/blob-quota-refused-before-a-byte-is-kept", AjTestPair, NULL,
              aj_test_pair_setup, test_blob_quota, aj_test_pair_teardown);
  g_test_add ("/bounds/event-rate-limited-then-everything-once", AjTestPair, NULL,
              aj_test_pair_setup, test_event_rate, aj_test_pair_teardown);
  g_test_add ("/bounds/partial-upload-expires-and-starts-over", AjTestPair, NULL,
              aj_test_pair_setup, test_partial_expires, aj_test_pair_teardown);
  g_test_add ("/bounds/whole-partial-finished-or-started-over", AjTestPair, NULL,
              aj_test_pair_setup, test_whole_partial_recovered, aj_test_pair_teardown);

  return g_test_run ();
}
