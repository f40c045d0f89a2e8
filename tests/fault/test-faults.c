/* test-faults.c: sync under faults, against the real server on loopback: a
 * server killed mid-push, a kiosk process killed mid-push, a photo upload
 * cut in half, a link that drops, delays and truncates at random, a server
 * that fails for a while, and bad input straight to the server. Each case
 * ends with a clean sync after which the kiosk and the server hold the
 * same events of the kiosk, byte for byte, and the kiosk's outbox is empty.
 *
 * Random choices come from one seed, printed; ANJIAN_FAULT_SEED repeats a run. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <curl/curl.h>
#include <glib/gstdio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-fault-proxy.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR   "u-zhang-wei"
#define INSTITUTION "NHQ002"

/* The longest wait for a sync to reach the point where a test kills it. */
#define KILL_POINT_WAIT_S 300

static guint32 seed;

static GRand *
test_rand (guint salt)
{
  return g_rand_new_with_seed (seed ^ (salt * 2654435761u));
}

/* ---- helpers ---- */

static sqlite3 *
open_server_db (AjTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "anjian-server.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
server_count (sqlite3    *db,
              const char *device_id)
{
  return aj_db_query_int (db, "SELECT count(*) FROM events WHERE device_id = ?", device_id, -1);
}

/* The end of every case: the server holds exactly the kiosk's events, once
 * each, byte for byte, and the kiosk has nothing left to send. */
static void
assert_converged (AjStore      *kiosk,
                  AjTestServer *server)
{
  g_autoptr(AjStore) central = aj_test_server_open_store (server);
  const char *device = aj_store_get_device_id (kiosk);
  g_autofree char *mine = aj_test_dump_events (kiosk, device);
  sqlite3 *db = aj_store_get_db (central);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (aj_store_count_unsynced (kiosk), ==, 0);
  g_assert_cmpuint (strlen (mine), >, 0);
  aj_test_assert_same_events (kiosk, central, device);
  g_assert_cmpint (aj_db_query_int (db, "SELECT count(*) FROM events WHERE device_id = ?", device, -1), ==,
                   aj_db_query_int (db, "SELECT count(DISTINCT id) FROM events WHERE device_id = ?", device, -2));
  g_assert_cmpint (aj_db_query_int (db, "SELECT count(*) FROM events WHERE device_id = ?", device, -1), ==,
                   aj_db_query_int (db, "SELECT count(DISTINCT device_seq) FROM events WHERE device_id = ?", device, -2));
  g_assert_true (aj_store_verify_chain (central, device, &error));
  g_assert_no_error (error);
}

static void
final_sync (AjTestKiosk  *kiosk,
            AjTestServer *server)
{
  g_autoptr(GError) error = NULL;
  AjSyncReport report = { 0 };

  g_assert_true (aj_test_kiosk_sync_via (kiosk, NULL, 0, &report, &error));
  g_assert_no_error (error);
  assert_converged (kiosk->store, server);
}

static char *
server_blob_dir (AjTestServer *server)
{
  return g_build_filename (server->data_dir, "blobs", NULL);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

/* {"error": {"code": CODE, "message": "…"}} with the status, and the code in
 * the Anjian-Error header too (the only place a HEAD answer can carry it). */
static void
assert_error (AjTestReply *r,
              long         status,
              const char  *code,
              gboolean     has_body)
{
  g_test_message ("HTTP %ld %s", r->status, r->body->str);
  g_assert_cmpint (r->status, ==, status);
  g_assert_cmpstr (g_hash_table_lookup (r->headers, "anjian-error"), ==, code);
  if (has_body)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) root = aj_json_parse_object (r->body->str, &error);
      JsonObject *err;

      g_assert_no_error (error);
      g_assert_true (json_object_has_member (root, "error"));
      err = json_object_get_object_member (root, "error");
      g_assert_cmpstr (aj_json_get_string (err, "code"), ==, code);
      g_assert_nonnull (aj_json_get_string (err, "message"));
      g_assert_cmpuint (strlen (aj_json_get_string (err, "message")), >, 0);
      g_assert_true (g_str_has_prefix (g_hash_table_lookup (r->headers, "content-type"), "application/json"));
    }
}

/* ---- a. the server killed mid-push ---- */

typedef struct
{
  AjTestKiosk *kiosk;
  guint        batch;
  gboolean     ok;
  GError      *error;
  AjSyncReport report;
} SyncJob;

static gpointer
sync_thread (gpointer data)
{
  SyncJob *job = data;

  job->ok = aj_test_kiosk_sync_via (job->kiosk, NULL, job->batch, &job->report, &job->error);
  return NULL;
}

static void
test_server_killed (AjTestPair    *f,
                    gconstpointer  test_data)
{
  const guint total = 2000;
  AjTestServer *server = f->server;
  AjTestKiosk *kiosk = f->kiosk;
  g_autoptr(GRand) rand = test_rand (1);
  gint64 threshold = g_rand_int_range (rand, 40, total / 2);
  const char *device = aj_store_get_device_id (kiosk->store);
  g_autoptr(GError) error = NULL;
  SyncJob job = { kiosk, 20 };
  AjSyncReport report = { 0 };
  GThread *thread;
  sqlite3 *db;
  gint64 deadline, at_kill, unsynced;
  int port;

  g_test_summary ("A server killed mid-push never acknowledged more than it committed; while down sync says "
                  "so and changes nothing; back on its port it holds each committed event once and the rest "
                  "follows");

  aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, total);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, total);

  /* Kill it once it holds some of the events, with many batches to go.
   * Under AddressSanitizer on a busy machine the server judges only a few
   * dozen events a second: the wait ends at the threshold, not before. */
  db = open_server_db (server);
  thread = g_thread_new ("sync", sync_thread, &job);
  deadline = g_get_monotonic_time () + KILL_POINT_WAIT_S * G_USEC_PER_SEC;
  while (server_count (db, device) < threshold && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  port = server->port;
  aj_test_server_kill (server, SIGKILL);
  at_kill = server_count (db, device);
  g_thread_join (thread);
  g_test_message ("server killed holding %" G_GINT64_FORMAT " of %u events (threshold %" G_GINT64_FORMAT "); the kiosk had %u acknowledged",
                  at_kill, total, threshold, job.report.pushed);

  g_assert_false (job.ok);
  g_assert_error (job.error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_clear_error (&job.error);
  g_assert_cmpint (at_kill, >=, threshold);
  unsynced = aj_store_count_unsynced (kiosk->store);
  g_assert_cmpint (unsynced, >, 0);
  g_assert_cmpint (at_kill, <, total);
  /* Never more acknowledged than the server committed. */
  g_assert_cmpint (job.report.pushed, <=, at_kill);

  /* While it is down, sync says so and changes nothing. */
  g_assert_false (aj_test_kiosk_sync_via (kiosk, NULL, 20, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, unsynced);

  /* Back on the same port: what was committed is there, once. */
  aj_test_server_start (server);
  g_assert_cmpint (server->port, ==, port);
  g_assert_cmpint (server_count (db, device), ==, at_kill);
  g_assert_true (aj_test_kiosk_sync_via (kiosk, NULL, 20, &report, &error));
  g_assert_no_error (error);
  /* The batches committed but never acknowledged are acknowledged now. */
  g_assert_cmpint (report.pushed, ==, unsynced);
  g_assert_cmpint (server_count (db, device), ==, total);
  sqlite3_close (db);

  final_sync (kiosk, server);
}

/* ---- b. the kiosk process killed mid-push ---- */

static GSubprocessLauncher *
kiosk_launcher (const char *xdg_data_home,
                gboolean    quiet)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (quiet ? G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                                                  : G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg_data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ANJIAN_VERBOSE");
  return launcher;
}

static char *
run_kiosk (const char  *xdg_data_home,
           int         *status,
           const char  *first,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = kiosk_launcher (xdg_data_home, FALSE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ANJIAN_KIOSK"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  g_test_message ("anjian %s → %d: %s", first, *status, out);
  return out;
}

/* The kiosk program keeps its store in this test's isolated data folder. */
static void
test_kiosk_killed (AjTestPair    *f,
                   gconstpointer  test_data)
{
  const guint total = 3000;
  AjTestServer *server = f->server;
  g_autoptr(GRand) rand = test_rand (2);
  gint64 threshold = g_rand_int_range (rand, 200, total / 2);
  const char *home = g_get_user_data_dir ();
  g_autofree char *db_path = g_build_filename (home, "anjian", "anjian.db", NULL);
  g_autofree char *code = aj_test_server_code (server, "all");
  g_autofree char *device = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline, at_kill, unsynced;
  int status;
  sqlite3 *db;

  g_test_summary ("The kiosk program killed mid-push leaves an intact store, and its next sync sends the "
                  "rest: the server holds every event once");

  g_assert_nonnull (g_getenv ("ANJIAN_KIOSK"));
  out = run_kiosk (home, &status, "enroll", "--server", server->url, "--code", code, "--name", "fault kiosk", NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);

  /* Many records made on the kiosk before it syncs. */
  {
    g_autoptr(AjStore) store = aj_store_open (db_path, &error);
    g_autofree char *registry = aj_test_source_path ("data/registry.json");

    g_assert_no_error (error);
    g_assert_true (aj_registry_import_file (store, registry, "sample", &error));
    g_assert_no_error (error);
    aj_test_store_add_events (store, INSPECTOR, INSTITUTION, total);
    g_assert_cmpint (aj_store_count_unsynced (store), ==, total);
    device = g_strdup (aj_store_get_device_id (store));
  }

  db = open_server_db (server);
  launcher = kiosk_launcher (home, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ANJIAN_KIOSK"), "sync", NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + KILL_POINT_WAIT_S * G_USEC_PER_SEC;
  while (server_count (db, device) < threshold && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_subprocess_send_signal (process, SIGKILL);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  at_kill = server_count (db, device);
  g_test_message ("kiosk killed when the server held %" G_GINT64_FORMAT " of %u events (threshold %" G_GINT64_FORMAT ")",
                  at_kill, total, threshold);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  g_assert_cmpint (at_kill, >=, threshold);

  /* The kiosk's file survived, and it still has events to send. */
  {
    g_autoptr(AjStore) store = aj_store_open (db_path, &error);
    g_autoptr(sqlite3_stmt) stmt = NULL;

    g_assert_no_error (error);
    stmt = aj_db_prepare (aj_store_get_db (store), "PRAGMA integrity_check", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr (aj_db_col_text (stmt, 0), ==, "ok");
    unsynced = aj_store_count_unsynced (store);
    g_test_message ("the kiosk had %" G_GINT64_FORMAT " events unacknowledged", unsynced);
    g_assert_cmpint (unsynced, >, 0);
    g_assert_cmpint (unsynced, <=, total);
  }

  out = run_kiosk (home, &status, "sync", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "; 0 not yet sent"));
  g_assert_cmpint (server_count (db, device), ==, total);
  sqlite3_close (db);

  {
    g_autoptr(AjStore) store = aj_store_open (db_path, &error);
    g_assert_no_error (error);
    assert_converged (store, server);
  }
}

/* ---- c. a photo upload cut at half ---- */

typedef struct
{
  gint64    first_put_body;
  char     *first_range;
  gboolean  cut;
  guint     after_cut;
} CutState;

/* The first PUT loses its connection after half its body, and the link
 * stays down after that (else libcurl would at once send it again on a
 * new connection, as it does when a reused one dies). */
static void
cut_first_put (const AjFaultRequest *request,
               AjFaultDecision      *decision,
               gpointer              data)
{
  CutState *state = data;

  if (state->cut)
    {
      state->after_cut++;
      decision->action = AJ_FAULT_DROP_REQUEST;
    }
  else if (g_str_equal (request->method, "PUT"))
    {
      state->cut = TRUE;
      state->first_put_body = request->body_length;
      state->first_range = g_strdup (request->content_range);
      decision->action = AJ_FAULT_CUT_REQUEST;
      decision->fraction = 0.5;
    }
}

static void
test_blob_cut (AjTestPair    *f,
               gconstpointer  test_data)
{
  AjTestServer *server = f->server;
  AjTestKiosk *kiosk = f->kiosk;
  g_autofree char *inspection = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *token = NULL;
  g_autofree char *blobs = server_blob_dir (server);
  g_autofree char *local = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GError) error = NULL;
  CutState state = { 0 };
  AjFaultProxy *proxy;
  AjSyncReport report = { 0 };
  const char *sha;
  gint64 total, held = 0, unsent;
  gboolean complete = TRUE;

  g_test_summary ("A photo upload cut at half: the server keeps exactly half and not as complete, and the "
                  "next sync sends only the rest");

  token = aj_store_get_meta (kiosk->store, "sync.token");
  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
  photo = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 1024, 768, 11);
  photos = aj_test_store_list_photos (kiosk->store);
  g_assert_cmpuint (photos->len, ==, 1);
  sha = g_ptr_array_index (photos, 0);
  local = aj_photo_blob_path (kiosk->blob_dir, sha);
  total = file_size (local);
  g_assert_cmpint (total, >, 100 * 1024);

  unsent = aj_store_count_unsynced (kiosk->store);
  proxy = aj_fault_proxy_new (server->port, cut_first_put, &state);
  g_assert_false (aj_test_kiosk_sync_via (kiosk, aj_fault_proxy_get_url (proxy), 0, &report, &error));
  g_test_message ("through the cutting proxy: %s", error->message);
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_true (state.cut);
  g_test_message ("%u requests dropped after the cut", state.after_cut);
  g_assert_cmpint (state.first_put_body, ==, total);
  {
    g_autofree char *expected = g_strdup_printf ("bytes 0-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, total - 1, total);
    g_assert_cmpstr (state.first_range, ==, expected);
  }
  aj_fault_proxy_free (proxy);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, unsent);

  /* The server kept what came: half the photo, no more, not yet complete.
   * (It notices the cut connection on its own time: ask until it has.) */
  for (int i = 0; i < 100; i++)
    {
      held = aj_test_blob_held (server, token, sha, &complete);
      if (held == total / 2)
        break;
      g_usleep (20000);
    }
  g_test_message ("the server held %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes", held, total);
  g_assert_false (complete);
  g_assert_cmpint (held, >, 0);
  g_assert_cmpint (held, <, total);
  g_assert_cmpint (held, ==, total / 2);
  stored = aj_photo_blob_path (blobs, sha);
  g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));

  /* Straight to the server: only the rest is sent. */
  g_assert_true (aj_test_kiosk_sync_via (kiosk, NULL, 0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_sent, ==, 1);
  g_assert_cmpint (report.blob_bytes_sent, ==, total - held);
  g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, total);
  g_assert_true (complete);
  g_assert_true (aj_photo_verify (blobs, sha, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (stored), ==, total);

  final_sync (kiosk, server);
  g_free (state.first_range);
}

/* ---- d. a link that drops, delays and truncates at random ---- */

typedef struct
{
  GRand *rand;
} ChaosState;

static void
chaos (const AjFaultRequest *request,
       AjFaultDecision      *decision,
       gpointer              data)
{
  ChaosState *state = data;
  int roll = g_rand_int_range (state->rand, 0, 100);

  decision->fraction = g_rand_double (state->rand);
  decision->delay_ms = g_rand_int_range (state->rand, 10, 150);
  if (roll < 55)
    decision->action = AJ_FAULT_PASS;
  else if (roll < 63)
    decision->action = AJ_FAULT_DROP_REQUEST;
  else if (roll < 71)
    decision->action = AJ_FAULT_CUT_REQUEST;
  else if (roll < 81)
    decision->action = AJ_FAULT_DROP_RESPONSE;
  else if (roll < 91)
    decision->action = AJ_FAULT_DELAY_RESPONSE;
  else
    decision->action = AJ_FAULT_TRUNCATE_RESPONSE;
}

static void
test_chaos (AjTestPair    *f,
            gconstpointer  test_data)
{
  const guint n_photos = 20, n_events = 500;
  AjTestServer *server = f->server;
  AjTestKiosk *kiosk = f->kiosk;
  ChaosState state = { test_rand (4) };
  g_autofree char *blobs = server_blob_dir (server);
  g_autofree char *partial = g_build_filename (blobs, "partial", NULL);
  g_autoptr(GPtrArray) photos = NULL;
  guint network_failures = 0, protocol_failures = 0;
  AjFaultProxy *proxy;
  gint64 deadline = g_get_monotonic_time () + 150 * G_USEC_PER_SEC;
  gboolean done = FALSE;
  guint attempt;

  g_test_summary ("A link that drops, cuts, delays and truncates at random causes only network or protocol "
                  "errors, and sync ends complete: every photo whole and no half upload left");

  /* Records and photos mixed, as on a visit. */
  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
      for (guint i = 0; i < n_photos / 2; i++)
        {
          g_autofree char *id = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-02", 480, 360,
                                                         100 + round * 100 + i);
          g_assert_nonnull (id);
        }
      aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION,
                                (n_events - n_photos - 2) / 2);
    }
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, n_events);
  photos = aj_test_store_list_photos (kiosk->store);
  g_assert_cmpuint (photos->len, ==, n_photos);

  proxy = aj_fault_proxy_new (server->port, chaos, &state);
  for (attempt = 1; attempt <= 200 && g_get_monotonic_time () < deadline; attempt++)
    {
      g_autoptr(GError) error = NULL;
      AjSyncReport report = { 0 };

      if (aj_test_kiosk_sync_via (kiosk, aj_fault_proxy_get_url (proxy), 25, &report, &error))
        {
          done = TRUE;
          break;
        }
      /* A broken link is a network error (or, when it garbles an answer,
       * a protocol one); never a refusal, never local damage. */
      if (!g_error_matches (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK) &&
          !g_error_matches (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_PROTOCOL))
        g_error ("attempt %u failed unexpectedly: %s (code %d)", attempt, error->message, error->code);
      g_test_message ("attempt %u: %s", attempt, error->message);
      if (error->code == AJ_SYNC_ERROR_NETWORK)
        network_failures++;
      else
        protocol_failures++;
    }
  g_test_message ("chaos: %u attempts failed on the network, %u on the protocol", network_failures, protocol_failures);
  g_test_message ("chaos: done after %u attempts, %u requests: %u passed, %u dropped, %u cut, %u answers lost, "
                  "%u delayed, %u truncated; %" G_GINT64_FORMAT " still unsent",
                  attempt, aj_fault_proxy_requests (proxy), aj_fault_proxy_count (proxy, AJ_FAULT_PASS),
                  aj_fault_proxy_count (proxy, AJ_FAULT_DROP_REQUEST), aj_fault_proxy_count (proxy, AJ_FAULT_CUT_REQUEST),
                  aj_fault_proxy_count (proxy, AJ_FAULT_DROP_RESPONSE), aj_fault_proxy_count (proxy, AJ_FAULT_DELAY_RESPONSE),
                  aj_fault_proxy_count (proxy, AJ_FAULT_TRUNCATE_RESPONSE), aj_store_count_unsynced (kiosk->store));
  aj_fault_proxy_free (proxy);
  g_assert_true (done);

  final_sync (kiosk, server);
  /* Every photo whole on the server, and no half upload left behind. */
  {
    g_autoptr(AjStore) central = aj_test_server_open_store (server);
    g_autoptr(GDir) dir = g_dir_open (partial, 0, NULL);

    for (guint i = 0; i < photos->len; i++)
      {
        g_autoptr(GError) error = NULL;
        const char *sha = g_ptr_array_index (photos, i);
        g_assert_true (aj_photo_verify (blobs, sha, &error));
        g_assert_no_error (error);
        g_assert_cmpint (aj_db_query_int (aj_store_get_db (central), "SELECT complete FROM blobs WHERE sha256 = ?", sha, 0), ==, 1);
      }
    g_assert_true (dir == NULL || g_dir_read_name (dir) == NULL);
  }
  g_rand_free (state.rand);
}

/* ---- e. the server failing for a while ---- */

typedef struct
{
  guint pass_first;
  guint fail_count;
  guint failed;
} ErrorState;

static void
fail_for_a_while (const AjFaultRequest *request,
                  AjFaultDecision      *decision,
                  gpointer              data)
{
  ErrorState *state = data;

  if (request->index >= state->pass_first && state->failed < state->fail_count)
    {
      decision->action = AJ_FAULT_ANSWER;
      decision->status = state->failed++ % 2 ? 503 : 500;
    }
}

static void
test_server_errors (AjTestPair    *f,
                    gconstpointer  test_data)
{
  AjTestServer *server = f->server;
  AjTestKiosk *kiosk = f->kiosk;
  ErrorState state = { .pass_first = 5, .fail_count = 6 };
  g_autofree char *inspection = NULL;
  g_autoptr(GError) error = NULL;
  AjSyncReport report = { 0 };
  AjFaultProxy *proxy;
  gint64 before;
  guint failures = 0, attempt;
  gboolean done = FALSE;

  g_test_summary ("A server answering 500 and 503 for a while fails each attempt with a server error and "
                  "sync.last_error set, then a clean sync clears it");

  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
  g_free (aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 320, 240, 21));
  g_free (aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-02", 320, 240, 22));
  aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, 97);
  before = aj_store_count_unsynced (kiosk->store);
  g_assert_cmpint (before, ==, 100);

  /* HEAD, PUT, HEAD, PUT and the first batch pass; then six answers of
   * 500 and 503, each ending one attempt; then the server is back. */
  proxy = aj_fault_proxy_new (server->port, fail_for_a_while, &state);
  for (attempt = 1; attempt <= 20; attempt++)
    {
      if (aj_test_kiosk_sync_via (kiosk, aj_fault_proxy_get_url (proxy), 20, &report, &error))
        {
          done = TRUE;
          break;
        }
      g_test_message ("attempt %u: %s", attempt, error->message);
      g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_SERVER);
      {
        g_autofree char *last = aj_store_get_meta (kiosk->store, "sync.last_error");
        g_assert_nonnull (last);
      }
      g_clear_error (&error);
      failures++;
      if (failures == 1)
        {
          /* The first batch went through before the failures began. */
          g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, before - 20);
        }
    }
  g_assert_true (done);
  g_assert_cmpuint (failures, ==, state.fail_count);
  g_assert_cmpuint (aj_fault_proxy_count (proxy, AJ_FAULT_ANSWER), ==, state.fail_count);
  g_assert_cmpuint (report.pushed, ==, before - 20);
  {
    g_autofree char *last = aj_store_get_meta (kiosk->store, "sync.last_error");
    g_assert_null (last);
  }
  aj_fault_proxy_free (proxy);

  final_sync (kiosk, server);
  {
    g_autoptr(AjStore) central = aj_test_server_open_store (server);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (central), "SELECT count(*) FROM blobs WHERE complete = 1", NULL, 0), ==, 2);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (central), "SELECT count(*) FROM events WHERE device_id = ?",
                                      aj_store_get_device_id (kiosk->store), 0), ==, before);
  }
}

/* ---- f. bad input straight to the server ---- */

/* Every file under the server's folder but its database and log. */
static char *
list_files (const char *root,
            const char *relative)
{
  g_autofree char *path = relative ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *child = relative ? g_build_filename (relative, n, NULL) : g_strdup (n);
      g_autofree char *full = g_build_filename (root, child, NULL);

      if (g_str_has_prefix (n, "anjian-server.db") || g_str_equal (n, "server.log"))
        continue;
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *below = list_files (root, child);
          g_string_append_printf (out, "%s/\n%s", child, below);
        }
      else
        g_string_append_printf (out, "%s %" G_GINT64_FORMAT "\n", child, file_size (full));
    }
  return g_string_free (out, FALSE);
}

static void
test_bad_input (AjTestPair    *f,
                gconstpointer  test_data)
{
  AjTestServer *server = f->server;
  AjTestKiosk *kiosk = f->kiosk;
  g_autofree char *token = NULL;
  g_autofree char *events_url = NULL;
  g_autofree char *blobs = server_blob_dir (server);
  g_autofree char *files_before = NULL;
  g_autofree char *files_after = NULL;
  g_autofree char *escape = g_strdup_printf ("aj-escape-%d", (int) getpid ());
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  const char *device = aj_store_get_device_id (kiosk->store);
  sqlite3 *db;

  g_test_summary ("Missing or unknown tokens, bad JSON, altered events, oversized batches, bad blob names, "
                  "paths out of blobs/ and uploads that do not add up are refused with the right status and "
                  "code, and change nothing");

  token = aj_store_get_meta (kiosk->store, "sync.token");
  events_url = g_strdup_printf ("%s/api/v1/events", server->url);
  aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, 5);
  outbox = aj_store_list_outbox (kiosk->store, 100, 1 << 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 5);
  db = open_server_db (server);

  /* No token, a token nobody knows. */
  {
    g_auto(AjTestReply) r = { 0 };
    aj_test_http ("POST", events_url, NULL, NULL, "{}", 2, &r);
    assert_error (&r, 401, "token_missing", TRUE);
  }
  {
    g_auto(AjTestReply) r = { 0 };
    aj_test_http ("POST", events_url, "0123456789abcdef0123456789abcdef", NULL, "{}", 2, &r);
    assert_error (&r, 401, "token_unknown", TRUE);
  }

  /* Not JSON, not UTF-8, not the shape of a batch. */
  {
    g_auto(AjTestReply) r = { 0 };
    const char *text = "{\"events\": [ {\"id\": ";
    aj_test_http ("POST", events_url, token, NULL, text, strlen (text), &r);
    assert_error (&r, 400, "bad_json", TRUE);
  }
  {
    g_auto(AjTestReply) r = { 0 };
    const char text[] = "{\"events\": [\"\xff\xfe\"]}";
    aj_test_http ("POST", events_url, token, NULL, text, sizeof text - 1, &r);
    assert_error (&r, 400, "bad_json", TRUE);
  }
  {
    g_auto(AjTestReply) r = { 0 };
    const char *text = "{\"events\": 5}";
    aj_test_http ("POST", events_url, token, NULL, text, strlen (text), &r);
    assert_error (&r, 400, "bad_request", TRUE);
  }
  {
    g_auto(AjTestReply) r = { 0 };
    aj_test_http ("DELETE", events_url, token, NULL, NULL, 0, &r);
    assert_error (&r, 405, "method_not_allowed", TRUE);
  }

  /* A batch whose third event does not match its hash: all of it refused. */
  {
    g_auto(AjTestReply) r = { 0 };
    g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
    g_autofree char *batch = NULL;
    AjEvent *bad;

    for (guint i = 0; i < outbox->len; i++)
      g_ptr_array_add (copy, aj_event_copy (g_ptr_array_index (outbox, i)));
    bad = g_ptr_array_index (copy, 2);
    g_free (bad->hash);
    bad->hash = aj_sha256_hex ("not this event", 14);
    batch = aj_events_to_batch (copy, FALSE);
    aj_test_http ("POST", events_url, token, NULL, batch, strlen (batch), &r);
    assert_error (&r, 422, "invalid_event", TRUE);
    g_assert_cmpint (server_count (db, device), ==, 0);
  }
  /* The body changed under an unchanged hash: the same. */
  {
    g_auto(AjTestReply) r = { 0 };
    g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
    g_autofree char *batch = NULL;
    AjEvent *bad;

    for (guint i = 0; i < 2; i++)
      g_ptr_array_add (copy, aj_event_copy (g_ptr_array_index (outbox, i)));
    bad = g_ptr_array_index (copy, 1);
    g_free (bad->body);
    bad->body = g_strdup ("{\"item\":\"EC-FIRE-01\",\"result\":\"hazard\"}");
    batch = aj_events_to_batch (copy, FALSE);
    aj_test_http ("POST", events_url, token, NULL, batch, strlen (batch), &r);
    assert_error (&r, 422, "invalid_event", TRUE);
    g_assert_cmpint (server_count (db, device), ==, 0);
  }

  /* Too big: more than 8 MiB of body, more than 500 events. */
  {
    g_auto(AjTestReply) r = { 0 };
    GString *big = g_string_new ("{\"events\": [], \"pad\": \"");
    while (big->len <= AJ_PROTOCOL_MAX_BODY_BYTES)
      g_string_append (big, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    g_string_append (big, "\"}");
    aj_test_http ("POST", events_url, token, NULL, big->str, big->len, &r);
    assert_error (&r, 413, "too_large", TRUE);
    g_string_free (big, TRUE);
  }
  {
    g_auto(AjTestReply) r = { 0 };
    g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
    g_autofree char *batch = NULL;

    for (guint i = 0; i <= AJ_PROTOCOL_MAX_BATCH_EVENTS; i++)
      g_ptr_array_add (many, aj_event_copy (g_ptr_array_index (outbox, i % outbox->len)));
    batch = aj_events_to_batch (many, FALSE);
    g_assert_cmpuint (strlen (batch), <, AJ_PROTOCOL_MAX_BODY_BYTES);
    aj_test_http ("POST", events_url, token, NULL, batch, strlen (batch), &r);
    assert_error (&r, 413, "too_many_events", TRUE);
    g_assert_cmpint (server_count (db, device), ==, 0);
  }

  /* Blob names that are not SHA-256 digests, or try to leave blobs/. */
  files_before = list_files (server->data_dir, NULL);
  {
    g_autofree char *sha_x = aj_sha256_hex ("x", 1);
    g_autofree char *upper = g_ascii_strup (sha_x, -1);
    g_autofree char *short_name = g_strndup (sha_x, 63);
    g_autofree char *dotdot1 = g_strdup_printf ("../%s", escape);
    g_autofree char *dotdot2 = g_strdup_printf ("../../../../%s", escape);
    g_autofree char *encoded = g_strdup_printf ("%%2e%%2e%%2f%%2e%%2e%%2f%s", escape);
    g_autofree char *encoded_slash = g_strdup_printf ("..%%2f..%%2f%s", escape);
    const struct { const char *name; long status; const char *code; } cases[] = {
      { upper, 400, "invalid_blob_name" },
      { short_name, 400, "invalid_blob_name" },
      { "", 400, "invalid_blob_name" },
      { NULL, 400, "invalid_blob_name" },          /* /api/v1/blobs, no name at all */
      { dotdot1, 404, "not_found" },               /* folded to /api/v1/<name> */
      { dotdot2, 404, NULL },                      /* folded out of the API: the public site's 404 */
      { encoded, 400, NULL },                      /* refused by libsoup before any handler */
      { encoded_slash, 400, NULL },
    };
    const char *methods[] = { "HEAD", "GET", "PUT" };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
        {
          g_auto(AjTestReply) r = { 0 };
          g_autofree char *url = cases[i].name ? g_strdup_printf ("%s/api/v1/blobs/%s", server->url, cases[i].name)
                                               : g_strdup_printf ("%s/api/v1/blobs", server->url);
          gboolean put = g_str_equal (methods[m], "PUT");

          g_test_message ("%s %s", methods[m], url);
          aj_test_http (methods[m], url, token, put ? "Content-Range: bytes 0-4/5" : NULL, put ? "hello" : NULL, 5, &r);
          if (cases[i].code != NULL)
            assert_error (&r, cases[i].status, cases[i].code, !g_str_equal (methods[m], "HEAD"));
          else
            {
              g_test_message ("HTTP %ld %.80s", r.status, r.body->str);
              g_assert_cmpint (r.status, ==, cases[i].status);
            }
        }
  }
  files_after = list_files (server->data_dir, NULL);
  g_assert_cmpstr (files_before, ==, files_after);
  {
    g_autofree char *parent = g_path_get_dirname (server->data_dir);
    g_autofree char *in_data = g_build_filename (server->data_dir, escape, NULL);
    g_autofree char *in_parent = g_build_filename (parent, escape, NULL);
    g_autofree char *in_root = g_build_filename ("/", escape, NULL);
    g_autofree char *in_blobs = g_build_filename (blobs, escape, NULL);
    g_assert_false (g_file_test (in_data, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (in_parent, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (in_root, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (in_blobs, G_FILE_TEST_EXISTS));
  }

  /* Uploads that do not add up. */
  {
    const char *bytes = "hello, blob";
    gsize len = strlen (bytes);
    g_autofree char *sha = aj_sha256_hex (bytes, len);
    g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha);
    g_autofree char *stored = aj_photo_blob_path (blobs, sha);
    g_autofree char *partial = g_build_filename (blobs, "partial", sha, NULL);
    gboolean complete = TRUE;

    {
      g_auto(AjTestReply) r = { 0 };
      aj_test_http ("PUT", url, token, NULL, bytes, len, &r);
      assert_error (&r, 400, "bad_range", TRUE);
    }
    {
      g_auto(AjTestReply) r = { 0 };
      aj_test_http ("PUT", url, token, "Content-Range: bytes 0-99/100", bytes, len, &r);
      assert_error (&r, 400, "bad_range", TRUE);
    }
    {
      g_auto(AjTestReply) r = { 0 };
      aj_test_http ("PUT", url, token, "Content-Range: bytes 5-15/16", bytes, len, &r);
      assert_error (&r, 409, "range_mismatch", TRUE);
      g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-blob-held"), ==, "0");
    }
    {
      g_auto(AjTestReply) r = { 0 };
      g_autofree char *range = g_strdup_printf ("Content-Range: bytes 0-%zu/%d", len - 1, 64 * 1024 * 1024);
      aj_test_http ("PUT", url, token, range, bytes, len, &r);
      assert_error (&r, 413, "too_large", TRUE);
    }
    /* The right length, the wrong bytes: refused, nothing kept. */
    {
      g_auto(AjTestReply) r = { 0 };
      g_autofree char *range = g_strdup_printf ("Content-Range: bytes 0-%zu/%zu", len - 1, len);
      aj_test_http ("PUT", url, token, range, "HELLO, BLOB", len, &r);
      assert_error (&r, 422, "hash_mismatch", TRUE);
      g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, 0);
      g_assert_false (complete);
      g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
    }
    /* Half right, then a wrong second half: the same. */
    {
      g_auto(AjTestReply) first = { 0 };
      g_auto(AjTestReply) second = { 0 };
      g_autofree char *range1 = g_strdup_printf ("Content-Range: bytes 0-4/%zu", len);
      g_autofree char *range2 = g_strdup_printf ("Content-Range: bytes 5-%zu/%zu", len - 1, len);
      aj_test_http ("PUT", url, token, range1, bytes, 5, &first);
      g_assert_cmpint (first.status, ==, 202);
      g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, 5);
      g_assert_false (complete);
      aj_test_http ("PUT", url, token, range2, "XXXXXX", len - 5, &second);
      assert_error (&second, 422, "hash_mismatch", TRUE);
      g_assert_cmpint (aj_test_blob_held (server, token, sha, &complete), ==, 0);
      g_assert_false (complete);
      g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));
      g_assert_cmpint (aj_db_query_int (db, "SELECT count(*) FROM blobs WHERE sha256 = ? AND complete = 1", sha, -1), ==, 0);
    }
    /* And a photo event whose blob the server does not have. */
    {
      g_auto(AjTestReply) r = { 0 };
      g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, INSTITUTION);
      g_autofree char *photo = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 160, 120, 5);
      g_autoptr(GPtrArray) all = aj_store_list_outbox (kiosk->store, 100, 1 << 20, &error);
      g_autofree char *batch = aj_events_to_batch (all, FALSE);

      g_assert_no_error (error);
      aj_test_http ("POST", events_url, token, NULL, batch, strlen (batch), &r);
      assert_error (&r, 409, "blob_missing", TRUE);
      g_assert_cmpint (server_count (db, device), ==, 0);
    }
  }
  sqlite3_close (db);

  final_sync (kiosk, server);
}

int
main (int   argc,
      char *argv[])
{
  const char *fixed = g_getenv ("ANJIAN_FAULT_SEED");

  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  seed = fixed ? (guint32) g_ascii_strtoull (fixed, NULL, 10) : g_random_int ();
  g_test_message ("fault seed %u (ANJIAN_FAULT_SEED=%u repeats this run)", seed, seed);
  g_printerr ("fault seed %u (ANJIAN_FAULT_SEED=%u repeats this run)\n", seed, seed);

  /* Each test on a fresh server and, but for the kiosk program's own, a
   * kiosk enrolled with it: faults leave them in no state to share. */
  g_test_add ("/fault/server-killed-mid-push", AjTestPair, NULL, aj_test_pair_setup, test_server_killed,
              aj_test_pair_teardown);
  g_test_add ("/fault/kiosk-killed-mid-push", AjTestPair, NULL, aj_test_pair_setup_server, test_kiosk_killed,
              aj_test_pair_teardown);
  g_test_add ("/fault/blob-cut-at-half-resumes", AjTestPair, NULL, aj_test_pair_setup, test_blob_cut,
              aj_test_pair_teardown);
  g_test_add ("/fault/random-link-faults", AjTestPair, NULL, aj_test_pair_setup, test_chaos, aj_test_pair_teardown);
  g_test_add ("/fault/server-errors-retried", AjTestPair, NULL, aj_test_pair_setup, test_server_errors,
              aj_test_pair_teardown);
  g_test_add ("/fault/bad-input-refused", AjTestPair, NULL, aj_test_pair_setup, test_bad_input,
              aj_test_pair_teardown);
  return g_test_run ();
}
