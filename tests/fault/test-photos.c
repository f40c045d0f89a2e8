/* test-photos.c: photos are fetched until they are there. Against the real
 * server on loopback: a photo download cut half-way continues with Range
 * where it stopped; a kiosk that stored the events but lost the download
 * (a killed process, a dropped link) fetches the photo at its next sync,
 * though no new event names it; a photo file lost from disk is wanted again
 * by the start-up check and fetched. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "aj-fault-proxy.h"
#include "aj-photo.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR   "u-zhang-wei"
#define INSTITUTION "NHQ002"

/* Kiosk A (in the pair) records a photo and sends it; kiosk B, enrolled
 * too, is to receive it. */
typedef struct
{
  AjTestPair   pair;
  AjTestKiosk *b;
  char        *sha;
  char        *path_on_b;
  gint64       size;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *a_path = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  GStatBuf st;

  aj_test_pair_setup (&f->pair, NULL);
  f->b = aj_test_kiosk_new ();
  aj_test_kiosk_enroll (f->b, f->pair.server, "all");
  inspection = aj_test_kiosk_start_inspection (f->pair.kiosk, INSPECTOR, INSTITUTION);
  /* Large enough that half of it is many packets. */
  g_free (aj_test_kiosk_add_photo (f->pair.kiosk, INSPECTOR, inspection, "EC-FIRE-01", 2000, 1500, 7));
  g_assert_true (aj_test_kiosk_sync (f->pair.kiosk, NULL, &error));
  g_assert_no_error (error);
  photos = aj_test_store_list_photos (f->pair.kiosk->store);
  g_assert_cmpuint (photos->len, ==, 1);
  f->sha = g_strdup (g_ptr_array_index (photos, 0));
  a_path = aj_photo_blob_path (f->pair.kiosk->blob_dir, f->sha);
  g_assert_cmpint (g_stat (a_path, &st), ==, 0);
  f->size = st.st_size;
  f->path_on_b = aj_photo_blob_path (f->b->blob_dir, f->sha);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->b, aj_test_kiosk_free);
  aj_test_pair_teardown (&f->pair, NULL);
  g_free (f->sha);
  g_free (f->path_on_b);
}

static void
assert_photo_on_b (Fixture *f)
{
  g_autofree char *digest = aj_sha256_file_hex (f->path_on_b, NULL);

  g_assert_cmpstr (digest, ==, f->sha);
  g_assert_false (aj_store_blob_is_wanted (f->b->store, f->sha));
  g_assert_cmpint (aj_store_count_wanted_blobs (f->b->store), ==, 0);
}

typedef struct
{
  AjFaultAction action;
  guint         blob_gets;
} CutState;

static void
cut_blob_downloads (const AjFaultRequest *request,
                    AjFaultDecision      *decision,
                    gpointer              data)
{
  CutState *state = data;

  if (g_str_equal (request->method, "GET") && g_str_has_prefix (request->path, "/api/v1/blobs/"))
    {
      state->blob_gets++;
      decision->action = state->action;
      decision->fraction = 0.5;
      return;
    }
  decision->action = AJ_FAULT_PASS;
}

static gint64
part_size (Fixture *f)
{
  g_autofree char *part = g_strconcat (f->path_on_b, ".part", NULL);
  GStatBuf st;

  return g_stat (part, &st) == 0 ? st.st_size : -1;
}

static void
test_cut_download_resumes (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CutState state = { AJ_FAULT_TRUNCATE_RESPONSE, 0 };
  AjFaultProxy *proxy = aj_fault_proxy_new (f->pair.server->port, cut_blob_downloads, &state);
  AjSyncReport report = { 0 };
  gint64 held;

  g_test_summary ("A photo download cut at half its bytes leaves the half on disk and the photo wanted; "
                  "the next sync asks for the rest with Range and completes it, verified by its hash.");
  g_assert_false (aj_test_kiosk_sync_via (f->b, aj_fault_proxy_get_url (proxy), 0, &report, &error));
  g_test_message ("cut: %s", error->message);
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  aj_fault_proxy_free (proxy);
  g_assert_cmpuint (state.blob_gets, ==, 1);   /* each sync asks once, then the link is gone */
  g_assert_true (aj_store_blob_is_wanted (f->b->store, f->sha));
  g_assert_false (g_file_test (f->path_on_b, G_FILE_TEST_EXISTS));
  held = part_size (f);
  g_test_message ("held %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes after the cut", held, f->size);
  g_assert_cmpint (held, >, 0);
  g_assert_cmpint (held, <, f->size);

  /* Cut again at half of what is sent: a kiosk that asked for the rest
   * (Range) now holds three quarters; one that started over, a half. */
  proxy = aj_fault_proxy_new (f->pair.server->port, cut_blob_downloads, &state);
  g_assert_false (aj_test_kiosk_sync_via (f->b, aj_fault_proxy_get_url (proxy), 0, &report, &error));
  g_clear_error (&error);
  aj_fault_proxy_free (proxy);
  g_test_message ("held %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes after the second cut", part_size (f), f->size);
  g_assert_cmpint (part_size (f), >, held + (f->size - held) / 4);

  /* Through the proxy again, passing. */
  state.action = AJ_FAULT_PASS;
  proxy = aj_fault_proxy_new (f->pair.server->port, cut_blob_downloads, &state);
  g_assert_true (aj_test_kiosk_sync_via (f->b, aj_fault_proxy_get_url (proxy), 0, &report, &error));
  g_assert_no_error (error);
  aj_fault_proxy_free (proxy);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  g_assert_cmpint (part_size (f), ==, -1);
  assert_photo_on_b (f);
}

static void
test_lost_download_fetched_next_sync (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CutState state = { AJ_FAULT_DROP_RESPONSE, 0 };
  AjFaultProxy *proxy = aj_fault_proxy_new (f->pair.server->port, cut_blob_downloads, &state);
  AjSyncReport report = { 0 };
  g_autofree char *db_path = g_strdup (f->b->db_path);

  g_test_summary ("A kiosk that stored the events but lost the photo download (the link dropped; the "
                  "process is then restarted) fetches the photo at its next sync, though no new event "
                  "names it: the wanted list is durable.");
  g_assert_false (aj_test_kiosk_sync_via (f->b, aj_fault_proxy_get_url (proxy), 0, &report, &error));
  g_clear_error (&error);
  aj_fault_proxy_free (proxy);
  g_assert_cmpuint (report.pulled, >, 0);
  g_assert_true (aj_store_blob_is_wanted (f->b->store, f->sha));

  /* As after a restart: a new connection to the same file. */
  g_clear_object (&f->b->store);
  f->b->store = aj_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  assert_photo_on_b (f);
}

static void
test_missing_file_repaired (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjSyncReport report = { 0 };

  g_test_summary ("A photo whose file disappeared from a kiosk (lost in a crash, deleted by hand) is "
                  "found by the start-up check, wanted again and fetched by the next sync.");
  g_assert_true (aj_test_kiosk_sync (f->b, &report, &error));
  g_assert_no_error (error);
  assert_photo_on_b (f);

  g_assert_cmpint (g_unlink (f->path_on_b), ==, 0);
  g_assert_cmpuint (aj_sync_want_missing_blobs (f->b->store, f->b->blob_dir, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (aj_store_blob_is_wanted (f->b->store, f->sha));
  g_assert_true (aj_test_kiosk_sync (f->b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  assert_photo_on_b (f);
  /* Nothing more is missing. */
  g_assert_cmpuint (aj_sync_want_missing_blobs (f->b->store, f->b->blob_dir, &error), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/photos/cut-download-resumes-with-range", Fixture, NULL,
              fixture_set_up, test_cut_download_resumes, fixture_tear_down);
  g_test_add ("/photos/lost-download-fetched-at-next-sync", Fixture, NULL,
              fixture_set_up, test_lost_download_fetched_next_sync, fixture_tear_down);
  g_test_add ("/photos/missing-file-wanted-again-and-fetched", Fixture, NULL,
              fixture_set_up, test_missing_file_repaired, fixture_tear_down);

  return g_test_run ();
}
