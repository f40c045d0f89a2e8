/* bench-sync.c: sync throughput over loopback against the real server.
 *
 *   a. events pushed per second: N events (default 10,000) to a fresh
 *      server in batches of 200, against the system curl posting the same
 *      batch bodies with the same device's token to another fresh server;
 *   b. photo upload: M photos (default 20, ~1 MB of JPEG noise each, so
 *      they do not compress) sent by aj_sync_run, against the system curl
 *      sending the same bytes to the same endpoint (PUT with Content-Range
 *      and the device's token) of another fresh server; MB/s and ratio.
 *
 *   c. the first sync of a backlog of B unsynced events (default 240,000):
 *      the time per batch of 200 at the end of the backlog against its start.
 *
 * Usage: bench-sync [N_EVENTS [N_PHOTOS [ROUNDS [B]]]] (B 0: no backlog)
 * Needs ANJIAN_SERVER and ANJIAN_SOURCE_ROOT (as the integration tests);
 * the curl binary from ANJIAN_CURL or PATH. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-photo.h"
#include "aj-test-server.h"

#define INSPECTOR   "u-zhang-wei"
#define INSTITUTION "NHQ002"
#define MB          (1000.0 * 1000.0)

typedef struct
{
  gint64  start;
  char   *first;        /* the first progress message: the push's */
  gint64  first_other;  /* when a different one came: the push was over */
} Clock;

static void
on_progress (const char *message,
             gpointer    data)
{
  Clock *clock = data;

  if (clock->first == NULL)
    clock->first = g_strdup (message);
  else if (clock->first_other == 0 && !g_str_equal (clock->first, message))
    clock->first_other = g_get_monotonic_time ();
}

/* Like on_progress, for photos: the push of the blobs ends when the
 * records of the batch that names them are sent. */
typedef struct
{
  gint64  start;
  char   *photos;
  gint64  photos_done;
} PhotoClock;

static void
on_photo_progress (const char *message,
                   gpointer    data)
{
  PhotoClock *clock = data;

  if (clock->photos == NULL)
    clock->photos = g_strdup (message);
  else if (clock->photos_done == 0 && !g_str_equal (clock->photos, message))
    clock->photos_done = g_get_monotonic_time ();
}

static double
seconds (gint64 usec)
{
  return usec / (double) G_USEC_PER_SEC;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return values->len ? g_array_index (values, double, values->len / 2) : 0.0;
}

/* The kiosk's outbox as the push would send it: batches of 200, each
 * written to a file for curl. */
static GPtrArray *
write_batches (AjStore    *store,
               const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (store, aj_store_get_device_id (store), &error);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i += 200)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_autofree char *body = NULL;
      char *file = g_strdup_printf ("%s/batch-%05u.json", dir, i / 200);

      for (guint j = i; j < MIN (i + 200, events->len); j++)
        g_ptr_array_add (batch, g_ptr_array_index (events, j));
      body = aj_events_to_batch (batch, FALSE);
      g_assert_true (g_file_set_contents (file, body, -1, NULL));
      g_ptr_array_add (files, file);
    }
  return files;
}

/* One curl process, one connection, every batch in turn (--next), with
 * @token. Returns the wall time. */
static double
curl_post_batches (const char   *curl,
                   GPtrArray    *files,
                   AjTestServer *server,
                   const char   *token)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/events", server->url);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 start, end;
  int status;

  g_ptr_array_add (argv, g_strdup (curl));
  for (guint i = 0; i < files->len; i++)
    {
      const char *args[] = { "-sS", "-H", auth, "-H", "Content-Type: application/json", "-H", "Expect:",
                             "-o", "/dev/null", "-w", "%{http_code}\n" };
      if (i > 0)
        g_ptr_array_add (argv, g_strdup ("--next"));
      for (guint j = 0; j < G_N_ELEMENTS (args); j++)
        g_ptr_array_add (argv, g_strdup (args[j]));
      g_ptr_array_add (argv, g_strdup ("--data-binary"));
      g_ptr_array_add (argv, g_strdup_printf ("@%s", (char *) g_ptr_array_index (files, i)));
      g_ptr_array_add (argv, g_strdup (url));
    }
  g_ptr_array_add (argv, NULL);
  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", curl, error->message);
  end = g_get_monotonic_time ();
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("curl failed: %s", err);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; i < files->len; i++)
    if (g_strcmp0 (lines[i], "200") != 0)
      g_error ("curl batch %u: %s", i, lines[i]);
  return seconds (end - start);
}

/* Events pushed per second by aj_sync_run, against the system curl posting
 * the same batch bodies, with the same device's token, to another fresh
 * server (the kiosk's store copied before its push, and the copy enrolled
 * there). */
static void
bench_events (guint n_events,
              guint rounds)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) theirs = g_array_new (FALSE, FALSE, sizeof (double));

  if (g_getenv ("ANJIAN_CURL") != NULL && *g_getenv ("ANJIAN_CURL") != '\0')
    {
      g_free (curl);
      curl = g_strdup (g_getenv ("ANJIAN_CURL"));
    }
  for (guint round = 1; round <= rounds; round++)
    {
      AjTestPair pair = { 0 };
      AjTestKiosk *kiosk, *copy;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) files = NULL;
      g_autofree char *vacuum = NULL;
      Clock clock = { 0 };
      AjSyncOptions options;
      AjSyncReport report = { 0 };
      gint64 made, done;
      double push, t_curl = 0;

      aj_test_pair_setup (&pair, "all");
      kiosk = pair.kiosk;
      options = aj_test_kiosk_options (kiosk);
      options.batch_events = 200;
      options.progress = on_progress;
      options.progress_data = &clock;
      made = g_get_monotonic_time ();
      aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, n_events);
      made = g_get_monotonic_time () - made;

      /* The copy, before anything is sent: the same events, the same device. */
      copy = aj_test_kiosk_new ();
      g_clear_object (&copy->store);
      g_unlink (copy->db_path);
      vacuum = g_strdup_printf ("VACUUM INTO '%s'", copy->db_path);
      g_assert_true (aj_db_exec (aj_store_get_db (kiosk->store), vacuum, &error));
      g_assert_no_error (error);
      copy->store = aj_store_open (copy->db_path, &error);
      g_assert_no_error (error);
      files = write_batches (copy->store, copy->data_dir);

      clock.start = g_get_monotonic_time ();
      if (!aj_sync_run (kiosk->store, &options, &report, &error))
        g_error ("sync failed: %s", error->message);
      done = g_get_monotonic_time ();
      g_assert_cmpuint (report.pushed, ==, n_events);
      g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 0);
      push = seconds ((clock.first_other ? clock.first_other : done) - clock.start);
      g_array_append_val (ours, push);
      if (round == 1)
        printf ("events: %u made on the kiosk in %.2f s\n", n_events, seconds (made));
      printf ("events: round %u: aj_sync_run pushed %u in %.3f s = %.0f events/s (batches of 200); whole sync %.3f s",
              round, n_events, push, n_events / push, seconds (done - clock.start));

      if (curl != NULL)
        {
          AjTestServer *server = aj_test_server_new ();
          g_autofree char *token = NULL;

          aj_test_kiosk_enroll (copy, server, "all");
          token = aj_store_get_meta (copy->store, "sync.token");
          t_curl = curl_post_batches (curl, files, server, token);
          g_array_append_val (theirs, t_curl);
          {
            g_autoptr(AjStore) central = aj_test_server_open_store (server);
            g_assert_cmpint (aj_store_count_events (central), ==, n_events);
          }
          aj_test_server_free (server);
          printf ("; curl %.3f s = %.0f events/s; ratio %.2f", t_curl, n_events / t_curl, t_curl / push);
        }
      printf ("\n");
      fflush (stdout);
      aj_test_kiosk_free (copy);
      aj_test_pair_teardown (&pair, NULL);
      g_free (clock.first);
    }
  printf ("events: median of %u rounds: aj_sync_run %.0f events/s", rounds, n_events / median (ours));
  if (curl != NULL)
    printf (", curl %.0f events/s; aj_sync_run / curl = %.2f", n_events / median (theirs), median (theirs) / median (ours));
  printf ("\n");
}

/* The device token of a new kiosk enrolled with @server, for curl. */
static char *
enrolled_token (AjTestServer *server)
{
  AjTestKiosk *other = aj_test_kiosk_new ();
  char *token;

  aj_test_kiosk_enroll (other, server, "all");
  token = aj_store_get_meta (other->store, "sync.token");
  aj_test_kiosk_free (other);
  return token;
}

/* One curl process, one connection, every photo in turn (--next). Returns
 * the wall time; *transfer is the sum of curl's own time per upload. */
static double
curl_upload (const char  *curl,
             AjTestKiosk *kiosk,
             GPtrArray   *photos,
             AjTestServer *server,
             double      *transfer)
{
  g_autofree char *token = enrolled_token (server);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 start, end;
  int status;

  g_ptr_array_add (argv, g_strdup (curl));
  for (guint i = 0; i < photos->len; i++)
    {
      const char *sha = g_ptr_array_index (photos, i);
      g_autofree char *path = aj_photo_blob_path (kiosk->blob_dir, sha);
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      if (i > 0)
        g_ptr_array_add (argv, g_strdup ("--next"));
      g_ptr_array_add (argv, g_strdup ("-sS"));
      g_ptr_array_add (argv, g_strdup ("-X"));
      g_ptr_array_add (argv, g_strdup ("PUT"));
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strdup (auth));
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strdup_printf ("Content-Range: bytes 0-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                              (gint64) st.st_size - 1, (gint64) st.st_size));
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strdup ("Content-Type: image/jpeg"));
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strdup ("Expect:"));
      g_ptr_array_add (argv, g_strdup_printf ("--data-binary"));
      g_ptr_array_add (argv, g_strdup_printf ("@%s", path));
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_strdup ("/dev/null"));
      g_ptr_array_add (argv, g_strdup ("-w"));
      g_ptr_array_add (argv, g_strdup ("%{http_code} %{time_total}\\n"));
      g_ptr_array_add (argv, g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha));
    }
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", curl, error->message);
  end = g_get_monotonic_time ();
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("curl failed: %s", err);

  *transfer = 0;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; i < photos->len; i++)
    {
      g_assert_nonnull (lines[i]);
      if (!g_str_has_prefix (lines[i], "201 "))
        g_error ("curl upload %u: %s", i, lines[i]);
      *transfer += g_ascii_strtod (lines[i] + 4, NULL);
    }
  {
    g_autoptr(AjStore) central = aj_test_server_open_store (server);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (central), "SELECT count(*) FROM blobs WHERE complete = 1", NULL, 0),
                     ==, photos->len);
  }
  return seconds (end - start);
}

static void
bench_photos (guint n_photos,
              guint rounds)
{
  g_autofree char *curl = g_strdup (g_getenv ("ANJIAN_CURL"));
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autofree char *inspection = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) theirs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) theirs_transfer = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 bytes = 0, made;

  if (curl == NULL || *curl == '\0')
    {
      g_free (curl);
      curl = g_find_program_in_path ("curl");
    }

  made = g_get_monotonic_time ();
  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
  for (guint i = 0; i < n_photos; i++)
    {
      /* 1440 × 1080 of noise is about 1 MB of JPEG at the kiosk's quality. */
      g_autofree char *id = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 1440, 1080, 1000 + i);
      g_assert_nonnull (id);
    }
  made = g_get_monotonic_time () - made;
  photos = aj_test_store_list_photos (kiosk->store);
  g_assert_cmpuint (photos->len, ==, n_photos);
  for (guint i = 0; i < photos->len; i++)
    {
      g_autofree char *path = aj_photo_blob_path (kiosk->blob_dir, g_ptr_array_index (photos, i));
      GStatBuf st;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      bytes += st.st_size;
    }
  printf ("photos: %u of %.2f MB on average, %.2f MB in all (made in %.1f s)\n",
          n_photos, bytes / MB / n_photos, bytes / MB, seconds (made));

  for (guint round = 1; round <= rounds; round++)
    {
      AjTestServer *server = aj_test_server_new ();
      g_autofree char *code = aj_test_server_code (server, "all");
      g_autoptr(GError) error = NULL;
      PhotoClock clock = { 0 };
      AjSyncOptions options = aj_test_kiosk_options (kiosk);
      AjSyncReport report = { 0 };
      double t_ours, t_theirs = 0, t_transfer = 0;
      gint64 done;

      options.progress = on_photo_progress;
      options.progress_data = &clock;
      /* The same kiosk, enrolled anew: everything goes to the new server. */
      if (!aj_sync_enroll (kiosk->store, server->url, code, "bench", &options, &error))
        g_error ("enroll: %s", error->message);
      clock.start = g_get_monotonic_time ();
      if (!aj_sync_run (kiosk->store, &options, &report, &error))
        g_error ("sync failed: %s", error->message);
      done = g_get_monotonic_time ();
      g_assert_cmpuint (report.blobs_sent, ==, n_photos);
      g_assert_cmpint (report.blob_bytes_sent, ==, bytes);
      t_ours = seconds ((clock.photos_done ? clock.photos_done : done) - clock.start);
      g_array_append_val (ours, t_ours);
      aj_test_server_free (server);

      if (curl != NULL)
        {
          server = aj_test_server_new ();
          t_theirs = curl_upload (curl, kiosk, photos, server, &t_transfer);
          g_array_append_val (theirs, t_theirs);
          g_array_append_val (theirs_transfer, t_transfer);
          aj_test_server_free (server);
          printf ("photos: round %u: aj_sync_run %.1f MB/s (%.3f s)   curl %.1f MB/s (%.3f s wall, %.1f MB/s in transfer)   "
                  "ratio %.2f\n", round, bytes / MB / t_ours, t_ours, bytes / MB / t_theirs, t_theirs,
                  bytes / MB / t_transfer, t_theirs / t_ours);
        }
      else
        printf ("photos: round %u: aj_sync_run %.1f MB/s (%.3f s); no curl binary to compare with\n",
                round, bytes / MB / t_ours, t_ours);
      fflush (stdout);
    }

  {
    double m_ours = median (ours);
    printf ("photos: median of %u rounds: aj_sync_run %.1f MB/s", rounds, bytes / MB / m_ours);
    if (curl != NULL)
      {
        double m_theirs = median (theirs), m_transfer = median (theirs_transfer);
        printf (", curl %.1f MB/s (%.1f MB/s in transfer); aj_sync_run / curl = %.2f\n",
                bytes / MB / m_theirs, bytes / MB / m_transfer, m_theirs / m_ours);
      }
    else
      printf ("\n");
    printf ("photos: aj_sync_run's time includes a HEAD per photo and reading and hashing each file; "
            "curl's wall time includes starting the process\n");
  }
  aj_test_kiosk_free (kiosk);
}

/* The first sync of a large backlog (issue 11: 240,000 unsynced events):
 * the outbox is read a batch at a time by index, so each batch of 200
 * should take as long at the end of the backlog as at its start. Times
 * each batch (from one "Sending records" to the next) and compares the
 * median of the last tenth of the batches with that of the first tenth. */
typedef struct
{
  GArray *at;   /* gint64: when each batch was about to be sent */
} BatchClock;

static void
on_batch (const char *message,
          gpointer    data)
{
  BatchClock *clock = data;
  gint64 now = g_get_monotonic_time ();

  if (g_str_equal (message, g_dgettext (GETTEXT_PACKAGE, "Sending records")))
    g_array_append_val (clock->at, now);
}

static double
median_of (double *values,
           guint   n)
{
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (array, values, n);
  return median (array);
}

static void
bench_backlog (guint n_events)
{
  AjTestPair pair = { 0 };
  g_autoptr(GError) error = NULL;
  BatchClock clock = { g_array_new (FALSE, FALSE, sizeof (gint64)) };
  AjSyncOptions options;
  AjSyncReport report = { 0 };
  g_autofree double *ms = NULL;
  guint n, tenth;
  gint64 made, start;
  double first, last;

  aj_test_pair_setup (&pair, "all");
  /* The server bounds what one device may push in an hour (20,000 events
   * by default): without a bound here, to time the batches alone. */
  aj_test_server_stop (pair.server);
  g_strfreev (pair.server->serve_args);
  pair.server->serve_args = g_strdupv ((char *[]) { "--event-rate", "0", NULL });
  aj_test_server_start (pair.server);
  options = aj_test_kiosk_options (pair.kiosk);
  options.batch_events = 200;
  options.progress = on_batch;
  options.progress_data = &clock;
  made = g_get_monotonic_time ();
  aj_test_store_add_events (pair.kiosk->store, INSPECTOR, INSTITUTION, n_events);
  made = g_get_monotonic_time () - made;
  printf ("backlog: %u unsynced events made on the kiosk in %.1f s\n", n_events, seconds (made));
  fflush (stdout);

  start = g_get_monotonic_time ();
  if (!aj_sync_run (pair.kiosk->store, &options, &report, &error))
    g_error ("sync failed: %s", error->message);
  g_assert_cmpuint (report.pushed, ==, n_events);
  /* The last batch ends when the next step of the sync begins (its first
   * message) or the sync ends: only the batches before it are timed. */
  n = clock.at->len > 1 ? clock.at->len - 1 : 0;
  ms = g_new0 (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    ms[i] = (g_array_index (clock.at, gint64, i + 1) - g_array_index (clock.at, gint64, i)) / 1000.0;
  tenth = MAX (n / 10, 1);
  first = median_of (ms, MIN (tenth, n));
  last = median_of (ms + n - MIN (tenth, n), MIN (tenth, n));
  printf ("backlog: first sync pushed %u events in %u batches in %.1f s; median batch %.1f ms in the first tenth, "
          "%.1f ms in the last: ratio %.2f (target: flat, ~1)\n",
          report.pushed, clock.at->len, seconds (g_get_monotonic_time () - start), first, last, last / first);
  g_array_unref (clock.at);
  aj_test_pair_teardown (&pair, NULL);
}

int
main (int   argc,
      char *argv[])
{
  guint n_events = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint n_photos = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 20;
  guint rounds = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 3;
  guint backlog = argc > 4 ? (guint) g_ascii_strtoull (argv[4], NULL, 10) : 240000;

  if (g_getenv ("ANJIAN_SERVER") == NULL || g_getenv ("ANJIAN_SOURCE_ROOT") == NULL)
    {
      fprintf (stderr, "bench-sync: set ANJIAN_SERVER and ANJIAN_SOURCE_ROOT (meson test --benchmark does)\n");
      return 2;
    }
  printf ("== bench-sync: the real anjian-server on 127.0.0.1 ==\n");
  bench_events (MAX (n_events, 1), MAX (rounds, 1));
  bench_photos (MAX (n_photos, 1), MAX (rounds, 1));
  if (backlog > 0)
    bench_backlog (backlog);
  return 0;
}
