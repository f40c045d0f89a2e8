/* test-memory.c: 1,200 requests of each kind against the real server
 * (push, pull, reference, blob HEAD and GET, /h/<id>, /public), its memory
 * (VmRSS) read between them: a leak of one answer per request shows as
 * growth between the first 400 and the last of 1,200. The server is then
 * stopped as an administrator would; under LeakSanitizer it fails its exit
 * if anything it allocated is left. */
#include "config.h"

#include <string.h>
#include <curl/curl.h>

#include "aj-attack.h"
#include "aj-codec.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"
#define ROUNDS    1200          /* requests of each kind */
#define WARM_UP   400           /* the first 400: the baseline */
#define MAX_GROWTH_KIB (4 * 1024)
#define PUSH_EVENTS    1

static size_t
drop (char   *data,
      size_t  size,
      size_t  n,
      void   *user_data)
{
  *(gsize *) user_data += size * n;
  return size * n;
}

typedef struct
{
  const char *name;
  const char *method;
  char       *path;
  char       *body;
  const char *token;
  long        status;
} Kind;

/* One connection per kind, kept alive, as a kiosk's sync keeps it. */
static void
run_kind (AjTestServer *server,
          Kind         *kind)
{
  g_autofree char *url = g_strconcat (server->url, kind->path, NULL);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", kind->token);
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  gint64 started = g_get_monotonic_time ();
  gint64 base = 0, last = 0, first_ms = 0;
  gsize received = 0;

  headers = curl_slist_append (headers, auth);
  headers = curl_slist_append (headers, "Expect:");
  headers = curl_slist_append (headers, "Content-Type: application/json");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, drop);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  if (g_str_equal (kind->method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (g_str_equal (kind->method, "POST"))
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, kind->body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (kind->body));
    }
  for (guint i = 1; i <= ROUNDS; i++)
    {
      long status = 0;

      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      g_assert_cmpint (status, ==, kind->status);
      if (i == 1)
        first_ms = (g_get_monotonic_time () - started) / 1000;
      if (i == WARM_UP)
        base = aj_attack_server_rss_kib (server);
    }
  last = aj_attack_server_rss_kib (server);
  g_test_message ("%-10s %u requests (%.1f s, the first %" G_GINT64_FORMAT " ms, %" G_GSIZE_FORMAT " KiB answered): "
                  "server RSS %" G_GINT64_FORMAT " KiB after %u, %" G_GINT64_FORMAT " KiB after %u (%+" G_GINT64_FORMAT " KiB)",
                  kind->name, ROUNDS, (g_get_monotonic_time () - started) / 1e6, first_ms, received / 1024, base, WARM_UP,
                  last, ROUNDS, last - base);
  g_printerr ("# %-10s RSS %+" G_GINT64_FORMAT " KiB between request %u and %u (%" G_GSIZE_FORMAT " KiB answered)\n",
              kind->name, last - base, WARM_UP, ROUNDS, received / 1024);
  g_assert_cmpint (last - base, <, MAX_GROWTH_KIB);
  if (g_str_equal (kind->name, "pull"))
    g_assert_cmpuint (received / ROUNDS, >, 10 * 1024);   /* full pages of 50 events */
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
}

static void
test_rss_flat (AjTestPair    *pair,
               gconstpointer  data)
{
  AjTestKiosk *kiosk = pair->kiosk;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_autofree char *reader_token = NULL;
  AjTestKiosk *reader = aj_test_kiosk_new ();
  g_autofree char *inspection = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *photo = NULL;
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口上锁",
    .risk_level = "red", .grade = "major", .deadline = "2030-12-31", .responsible = "王建国",
  };
  Kind kinds[7];

  g_test_summary ("1,200 requests of each kind (push, pull of 50 events, reference, blob HEAD and GET, "
                  "/h/<id>, /public) against the real server: its VmRSS grows by less than 4 MiB over the last "
                  "800 of each (a pull answer of 10 KiB kept per request would be 8 MiB), and it exits without a leak");

  /* Something to pull, a photo and a hazard to show. */
  aj_test_store_add_events (kiosk->store, INSPECTOR, "NHQ001", 60);
  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, "DLX001");
  draft.inspection_id = inspection;
  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "hazard", NULL, &error));
  hazard = aj_hazard_record (kiosk->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  photo = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-02", 320, 240, 3);
  g_assert_true (aj_inspection_finish (kiosk->store, INSPECTOR, inspection, &error));
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_no_error (error);
  photos = aj_test_store_list_photos (kiosk->store);
  g_assert_cmpuint (photos->len, ==, 1);
  /* Another device reads: a device is not sent its own events. */
  aj_test_kiosk_enroll (reader, pair->server, "all");
  reader_token = aj_store_get_meta (reader->store, "sync.token");

  /* A batch the server holds already: each push is parsed, checked and
   * answered again (and committed, as every push is). */
  own = aj_store_list_device_events (kiosk->store, aj_store_get_device_id (kiosk->store), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < PUSH_EVENTS; i++)
    g_ptr_array_add (batch, g_ptr_array_index (own, i));

  kinds[0] = (Kind) { "push", "POST", g_strdup ("/api/v1/events"), aj_events_to_batch (batch, FALSE), token, 200 };
  kinds[1] = (Kind) { "pull", "GET", g_strdup ("/api/v1/events?after=0&limit=50"), NULL, reader_token, 200 };
  kinds[2] = (Kind) { "reference", "GET", g_strdup ("/api/v1/reference?since=0"), NULL, reader_token, 200 };
  kinds[3] = (Kind) { "blob HEAD", "HEAD", g_strdup_printf ("/api/v1/blobs/%s", (char *) photos->pdata[0]), NULL,
                      reader_token, 200 };
  kinds[4] = (Kind) { "blob GET", "GET", g_strdup_printf ("/api/v1/blobs/%s", (char *) photos->pdata[0]), NULL,
                      reader_token, 200 };
  kinds[5] = (Kind) { "/h/<id>", "GET", g_strdup_printf ("/h/%s", hazard), NULL, reader_token, 200 };
  kinds[6] = (Kind) { "/public", "GET", g_strdup ("/public"), NULL, reader_token, 200 };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      run_kind (pair->server, &kinds[i]);
      g_free (kinds[i].path);
      g_free (kinds[i].body);
    }
  aj_test_server_stop (pair->server);
  aj_test_kiosk_free (reader);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *asan = NULL;

  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  /* Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
   * default) before it is reused, which would read as growth: keep the
   * server's small, so that what remains is what it still holds. */
  asan = g_strdup_printf ("%s%squarantine_size_mb=8", g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                          g_getenv ("ASAN_OPTIONS") ? ":" : "");
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  g_test_add ("/memory/rss-flat-over-thousands-of-requests", AjTestPair, "all", aj_test_pair_setup,
              test_rss_flat, aj_test_pair_teardown);
  return g_test_run ();
}
