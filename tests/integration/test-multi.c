/* test-multi.c: several anjian-server processes on one PostgreSQL (a
 * throwaway cluster made by the test, aj-test-pg.h), as behind a load
 * balancer: kiosks syncing through different servers converge, nothing is
 * lost or duplicated when a server is killed mid-push, a puller never skips
 * a number, two servers judge one hazard's steps in one order, and the
 * office's work (plans, draws, publications, registers, the console's audit
 * log and lock-outs) is the same through every server. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <curl/curl.h>

#include "aj-assignment.h"
#include "aj-checklist.h"
#include "aj-codec.h"
#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-store-private.h"
#include "aj-test-pg.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"

static char *
query_text (AjStore    *store,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), sql, NULL);

  g_assert_nonnull (stmt);
  return sqlite3_step (stmt) == SQLITE_ROW ? aj_db_col_dup (stmt, 0) : NULL;
}

/* Syncs until nothing is left to send or fetch (at most @rounds times). */
static void
sync_until_quiet (AjTestKiosk  *kiosk,
                  const char   *url,
                  guint         rounds)
{
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      AjSyncReport report = { 0 };

      gboolean ok = aj_test_kiosk_sync_via (kiosk, url, 50, &report, &error);

      g_assert_no_error (error);
      g_assert_true (ok);
      if (report.pushed == 0 && report.pulled == 0 && aj_store_count_unsynced (kiosk->store) == 0)
        return;
    }
}

typedef struct
{
  AjTestKiosk *kiosk;
  const char  *url;
  guint        batch;
  gboolean     ok;
  char        *message;
} SyncJob;

static gpointer
run_sync (gpointer data)
{
  SyncJob *job = data;
  g_autoptr(GError) error = NULL;

  job->ok = aj_test_kiosk_sync_via (job->kiosk, job->url, job->batch, NULL, &error);
  if (error != NULL)
    job->message = g_strdup (error->message);
  return NULL;
}

/* The log on PostgreSQL: @expected events, each once, numbered 1..n. */
static void
assert_log_exact (const char *database,
                  gint64      expected)
{
  g_assert_cmpint (aj_test_pg_query_int (database, "SELECT count(*) FROM events"), ==, expected);
  g_assert_cmpint (aj_test_pg_query_int (database, "SELECT count(DISTINCT id) FROM events"), ==, expected);
  g_assert_cmpint (aj_test_pg_query_int (database, "SELECT count(server_seq) FROM events"), ==, expected);
  g_assert_cmpint (aj_test_pg_query_int (database, "SELECT coalesce (max(server_seq), 0) FROM events"), ==, expected);
}

static void
test_three_servers_one_kill (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  AjTestServer *c = aj_test_server_new_beside (a);
  AjTestKiosk *one = aj_test_kiosk_new ();
  AjTestKiosk *two = aj_test_kiosk_new ();
  const guint n_one = 300, n_two = 1500;
  SyncJob job = { .kiosk = two, .batch = 20 };
  GThread *thread;
  gint64 before_kill;

  g_test_summary ("Three servers on one PostgreSQL; two kiosks sync through different servers; one server is "
                  "killed (SIGKILL) during a push: the kiosks converge and every event is held exactly once");

  aj_test_kiosk_enroll (one, a, "all");
  aj_test_kiosk_enroll (two, b, "all");
  aj_test_store_add_events (one->store, INSPECTOR, "DLX001", n_one);
  aj_test_store_add_events (two->store, INSPECTOR, "DLX002", n_two);

  /* Kiosk two pushes through C in small batches; C dies in the middle. */
  job.url = c->url;
  thread = g_thread_new ("push", run_sync, &job);
  while (aj_test_pg_query_int (a->database, "SELECT count(*) FROM events") < 200)
    g_usleep (5000);
  /* Somewhere inside the next batch or two. */
  g_usleep (g_random_int_range (0, 30000));
  aj_test_server_kill (c, SIGKILL);
  g_thread_join (thread);
  before_kill = aj_test_pg_query_int (a->database, "SELECT count(*) FROM events");
  g_test_message ("%" G_GINT64_FORMAT " events held when C was killed; the sync said: %s", before_kill,
                  job.ok ? "done" : job.message);
  g_assert_false (job.ok);
  g_assert_cmpint (before_kill, <, n_two);
  g_free (job.message);

  /* The kiosks carry on through the servers left, and converge. */
  sync_until_quiet (one, a->url, 20);
  sync_until_quiet (two, b->url, 200);
  sync_until_quiet (one, a->url, 200);
  sync_until_quiet (two, b->url, 5);

  assert_log_exact (a->database, n_one + n_two);
  g_assert_cmpint (aj_store_count_events (one->store), ==, n_one + n_two);
  g_assert_cmpint (aj_store_count_events (two->store), ==, n_one + n_two);
  g_assert_cmpint (aj_store_count_unsynced (one->store), ==, 0);
  g_assert_cmpint (aj_store_count_unsynced (two->store), ==, 0);
  aj_test_assert_same_events (one->store, two->store, NULL);
  /* And each server's cache holds the same log. */
  {
    g_autoptr(AjStore) cache_a = aj_test_server_open_store (a);
    g_autoptr(AjStore) cache_b = aj_test_server_open_store (b);

    g_assert_cmpint (aj_store_count_events (cache_a), ==, n_one + n_two);
    g_assert_cmpint (aj_store_count_events (cache_b), ==, n_one + n_two);
    aj_test_assert_same_events (cache_a, one->store, NULL);
    aj_test_assert_same_events (cache_b, one->store, NULL);
  }

  aj_test_kiosk_free (one);
  aj_test_kiosk_free (two);
  /* The survivors stop cleanly (no leak, no error at exit). */
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (c);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

/* The numbers a store holds: 1..@n each once. */
static void
assert_numbers_complete (AjStore *store,
                         gint64   n)
{
  sqlite3 *db = aj_store_get_db (store);

  g_assert_cmpint (aj_db_query_int (db, "SELECT count(DISTINCT server_seq) FROM events WHERE server_seq IS NOT NULL",
                                    NULL, -1), ==, n);
  g_assert_cmpint (aj_db_query_int (db, "SELECT coalesce (min(server_seq), 0) FROM events", NULL, -1), ==, 1);
  g_assert_cmpint (aj_db_query_int (db, "SELECT coalesce (max(server_seq), 0) FROM events", NULL, -1), ==, n);
}

typedef struct
{
  AjTestKiosk   *kiosk;
  const char    *url;
  volatile gint *pushing;
  guint          pulls;
  char          *failure;
} PullJob;

/* Pulls through its server while others push: a page never skips a number
 * committed later, or the kiosk would never receive it. */
static gpointer
run_puller (gpointer data)
{
  PullJob *job = data;

  while (g_atomic_int_get (job->pushing) > 0 && job->failure == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!aj_test_kiosk_sync_via (job->kiosk, job->url, 0, NULL, &error))
        job->failure = g_strdup (error->message);
      job->pulls++;
    }
  return NULL;
}

typedef struct
{
  AjTestKiosk   *kiosk;
  const char    *url;
  volatile gint *pushing;
  char          *failure;
} PushJob;

static gpointer
run_pusher (gpointer data)
{
  PushJob *job = data;

  for (guint i = 0; i < 100 && aj_store_count_unsynced (job->kiosk->store) > 0 && job->failure == NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!aj_test_kiosk_sync_via (job->kiosk, job->url, 5, NULL, &error))
        job->failure = g_strdup (error->message);
    }
  g_atomic_int_add (job->pushing, -1);
  return NULL;
}

static void
test_sequence_no_visible_gap (void)
{
  AjTestServer *servers[3];
  AjTestKiosk *pushers[3];
  AjTestKiosk *puller = aj_test_kiosk_new ();
  PushJob push_jobs[3];
  GThread *threads[3];
  volatile gint pushing = 3;
  PullJob pull_job = { .kiosk = puller, .pushing = &pushing };
  GThread *pull_thread;
  const guint per_kiosk = 200;

  g_test_summary ("Three kiosks push through three servers at once while a fourth pulls through one of them: "
                  "it never skips a number (a slower transaction's number is never passed over)");

  servers[0] = aj_test_server_new_pg ();
  servers[1] = aj_test_server_new_beside (servers[0]);
  servers[2] = aj_test_server_new_beside (servers[0]);
  for (guint i = 0; i < 3; i++)
    {
      pushers[i] = aj_test_kiosk_new ();
      aj_test_kiosk_enroll (pushers[i], servers[i], "all");
      aj_test_store_add_events (pushers[i]->store, INSPECTOR, i == 0 ? "DLX001" : i == 1 ? "DLX002" : "DLX005",
                                per_kiosk);
    }
  aj_test_kiosk_enroll (puller, servers[2], "all");
  pull_job.url = servers[2]->url;
  pull_thread = g_thread_new ("pull", run_puller, &pull_job);
  for (guint i = 0; i < 3; i++)
    {
      push_jobs[i] = (PushJob) { .kiosk = pushers[i], .url = servers[i]->url, .pushing = &pushing };
      threads[i] = g_thread_new ("push", run_pusher, &push_jobs[i]);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_thread_join (threads[i]);
      if (push_jobs[i].failure != NULL)
        g_test_message ("push through server %u: %s", i, push_jobs[i].failure);
      g_assert_null (push_jobs[i].failure);
      g_assert_cmpint (aj_store_count_unsynced (pushers[i]->store), ==, 0);
    }
  g_thread_join (pull_thread);
  if (pull_job.failure != NULL)
    g_test_message ("pull: %s", pull_job.failure);
  g_assert_null (pull_job.failure);
  g_test_message ("%u pulls during the pushes", pull_job.pulls);
  g_assert_cmpuint (pull_job.pulls, >, 1);

  /* A last pull after the pushes: what it skipped earlier it would not get
   * now, since it asks only for numbers above the last it holds. */
  sync_until_quiet (puller, servers[2]->url, 20);
  assert_log_exact (servers[0]->database, 3 * per_kiosk);
  g_assert_cmpint (aj_store_count_events (puller->store), ==, 3 * per_kiosk);
  assert_numbers_complete (puller->store, 3 * per_kiosk);

  aj_test_kiosk_free (puller);
  for (guint i = 0; i < 3; i++)
    {
      aj_test_kiosk_free (pushers[i]);
      aj_test_server_stop (servers[2 - i]);
      aj_test_server_free (servers[2 - i]);
    }
}

static void
test_conflicting_steps_one_wins (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  AjTestKiosk *first = aj_test_kiosk_new ();
  AjTestKiosk *second = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *order_1 = NULL;
  g_autofree char *order_2 = NULL;
  g_autoptr(AjUser) inspector = NULL;
  AjStepInput order = { .measures = "拆除门锁", .responsible = "王建国", .deadline = "2026-12-20",
                        .funds = "机构自筹 3000 元", .contingency_plan = "专人值守出口" };
  AjHazardDraft draft = { .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口上锁",
                          .risk_level = "red", .grade = "major", .deadline = "2026-12-31", .responsible = "王建国" };
  SyncJob jobs[2];
  GThread *threads[2];
  g_autofree char *winner = NULL;

  g_test_summary ("One hazard ordered for rectification on two tablets, pushed at once through two servers: "
                  "one step applies and the other is kept as a conflict, the same one on both servers and kiosks");

  aj_test_kiosk_enroll (first, a, "all");
  aj_test_kiosk_enroll (second, b, "all");
  sync_until_quiet (first, a->url, 3);
  inspection = aj_test_kiosk_start_inspection (first, INSPECTOR, "DLX001");
  g_assert_true (aj_inspection_answer (first->store, INSPECTOR, inspection, "EC-FIRE-01", "hazard", "锁着", &error));
  draft.inspection_id = inspection;
  hazard = aj_hazard_record (first->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (first->store, INSPECTOR, inspection, &error));
  g_assert_no_error (error);
  sync_until_quiet (first, a->url, 3);
  sync_until_quiet (second, b->url, 3);

  inspector = aj_registry_get_user (first->store, INSPECTOR);
  order_1 = aj_hazard_step (first->store, inspector, hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);
  g_clear_object (&inspector);
  inspector = aj_registry_get_user (second->store, INSPECTOR);
  order_2 = aj_hazard_step (second->store, inspector, hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);

  jobs[0] = (SyncJob) { .kiosk = first, .url = a->url };
  jobs[1] = (SyncJob) { .kiosk = second, .url = b->url };
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("push", run_sync, &jobs[i]);
  for (guint i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (jobs[i].ok);
    }
  sync_until_quiet (first, a->url, 3);
  sync_until_quiet (second, b->url, 3);

  /* Both are in the log, once each. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM events WHERE id IN ('%s', '%s') "
                                            "AND server_seq IS NOT NULL", order_1, order_2);
    g_assert_cmpint (aj_test_pg_query_int (a->database, sql), ==, 2);
  }
  /* One applies, the other is a conflict: the same one everywhere. */
  {
    g_autoptr(AjStore) cache_a = aj_test_server_open_store (a);
    g_autoptr(AjStore) cache_b = aj_test_server_open_store (b);
    AjStore *stores[] = { cache_a, cache_b, first->store, second->store };
    g_autofree char *sql = g_strdup_printf ("SELECT event_id FROM hazard_conflicts WHERE hazard_id = '%s'", hazard);

    for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
      {
        g_autoptr(AjHazard) h = aj_hazard_load (stores[i], hazard);
        g_autofree char *conflict = query_text (stores[i], sql);

        g_assert_cmpstr (aj_hazard_get_status (h), ==, "rectification_ordered");
        g_assert_cmpint (aj_db_query_int (aj_store_get_db (stores[i]),
                                          "SELECT count(*) FROM hazard_conflicts WHERE hazard_id = ?", hazard, -1), ==, 1);
        g_assert_true (g_strcmp0 (conflict, order_1) == 0 || g_strcmp0 (conflict, order_2) == 0);
        if (winner == NULL)
          winner = g_strdup (conflict);
        g_assert_cmpstr (conflict, ==, winner);
      }
  }

  aj_test_kiosk_free (first);
  aj_test_kiosk_free (second);
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

/* Grants a block through @server; returns its first number, *@last its last. */
static gint64
grant (AjTestServer *server,
       AjTestKiosk  *kiosk,
       gint64       *last)
{
  g_autofree char *url = g_strconcat (server->url, "/api/v1/numbers", NULL);
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_autoptr(GTimeZone) china = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new_now (china);
  g_autofree char *body = g_strdup_printf ("{\"department\": \"dep-dl\", \"year\": %d, \"count\": 10}",
                                           g_date_time_get_year (now));
  g_autoptr(JsonObject) reply = NULL;
  g_auto(AjTestReply) answer = { 0 };

  aj_test_http ("POST", url, token, "Content-Type: application/json", body, strlen (body), &answer);
  g_assert_cmpint (answer.status, ==, 200);
  reply = aj_json_parse_object (answer.body->str, NULL);
  g_assert_nonnull (reply);
  *last = aj_json_get_int (reply, "last", 0);
  return aj_json_get_int (reply, "first", 0);
}

static void
test_number_blocks_never_overlap (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  AjTestKiosk *one = aj_test_kiosk_new ();
  AjTestKiosk *two = aj_test_kiosk_new ();
  gint64 first[4], last[4];

  g_test_summary ("Document numbers granted through two servers: each block above every block before, "
                  "whichever server granted it, and every server's cache knows them all");

  aj_test_kiosk_enroll (one, a, "all");
  aj_test_kiosk_enroll (two, b, "all");
  first[0] = grant (a, one, &last[0]);
  first[1] = grant (b, two, &last[1]);
  first[2] = grant (a, two, &last[2]);
  first[3] = grant (b, one, &last[3]);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpint (first[i], ==, last[i - 1] + 1);
  g_assert_cmpint (last[3], ==, first[0] + 39);
  {
    /* A request to each catches its cache up. */
    g_auto(AjTestReply) answer = { 0 };
    g_autofree char *url = g_strconcat (a->url, "/", NULL);
    g_autoptr(AjStore) cache_a = NULL;
    g_autoptr(AjStore) cache_b = NULL;

    aj_test_http ("GET", url, NULL, NULL, NULL, 0, &answer);
    cache_a = aj_test_server_open_store (a);
    cache_b = aj_test_server_open_store (b);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (cache_a), "SELECT count(*) FROM number_blocks", NULL, -1), ==, 4);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (cache_b), "SELECT count(*) FROM number_blocks", NULL, -1), >=, 3);
  }

  aj_test_kiosk_free (one);
  aj_test_kiosk_free (two);
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

/* A batch that names one event twice: the second copy is answered as the
 * first, and the log holds it once, on the first push and on a retry. */
static void
test_duplicate_in_batch (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree char *token = NULL;
  g_autofree char *url = g_strconcat (a->url, "/api/v1/events", NULL);
  g_autofree char *json = NULL;

  g_test_summary ("One event twice in one batch on PostgreSQL: 200 with the same number for both copies, "
                  "held once, and the same answer when the batch is sent again");

  aj_test_kiosk_enroll (kiosk, a, "all");
  token = aj_store_get_meta (kiosk->store, "sync.token");
  aj_test_store_add_events (kiosk->store, INSPECTOR, "DLX001", 3);
  outbox = aj_store_list_outbox (kiosk->store, 10, G_MAXSIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 3);
  g_ptr_array_add (batch, g_ptr_array_index (outbox, 0));
  g_ptr_array_add (batch, g_ptr_array_index (outbox, 0));
  g_ptr_array_add (batch, g_ptr_array_index (outbox, 1));
  g_ptr_array_add (batch, g_ptr_array_index (outbox, 2));
  json = aj_events_to_batch (batch, FALSE);
  for (guint round = 0; round < 2; round++)
    {
      g_auto(AjTestReply) reply = { 0 };
      g_autoptr(JsonObject) answer = NULL;
      JsonArray *acks;

      aj_test_http ("POST", url, token, "Content-Type: application/json", json, strlen (json), &reply);
      g_test_message ("round %u: HTTP %ld %s", round, reply.status, reply.body->str);
      g_assert_cmpint (reply.status, ==, 200);
      answer = aj_json_parse_object (reply.body->str, &error);
      g_assert_no_error (error);
      acks = json_object_get_array_member (answer, "acks");
      g_assert_cmpuint (json_array_get_length (acks), ==, 4);
      for (guint i = 0; i < 4; i++)
        g_assert_null (json_object_get_member (json_array_get_object_element (acks, i), "error"));
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (acks, 0), "server_seq"), ==,
                       json_object_get_int_member (json_array_get_object_element (acks, 1), "server_seq"));
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (acks, 0), "server_seq"), >, 0);
      assert_log_exact (a->database, 3);
    }

  aj_test_kiosk_free (kiosk);
  aj_test_server_stop (a);
  aj_test_server_free (a);
}

/* Puts @data whole as one blob; the HTTP status. */
static long
put_blob (AjTestServer *server,
          const char   *token,
          const char   *data)
{
  gsize length = strlen (data);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha);
  g_autofree char *range = g_strdup_printf ("Content-Range: bytes 0-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                                            length - 1, length);
  g_auto(AjTestReply) reply = { 0 };

  aj_test_http ("PUT", url, token, range, data, length, &reply);
  g_test_message ("PUT: HTTP %ld %s", reply.status, reply.body->str);
  return reply.status;
}

static void
test_quota_store_in_doubt (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autofree char *token = NULL;

  g_test_summary ("When PostgreSQL cannot say how many bytes of photos a device holds, an upload is refused "
                  "(403), never let through by an overflowing sum; accepted once it can");

  aj_test_kiosk_enroll (kiosk, a, "all");
  token = aj_store_get_meta (kiosk->store, "sync.token");
  g_free (aj_test_pg_query (a->database, "ALTER TABLE blobs RENAME TO blobs_away"));
  g_assert_cmpint (put_blob (a, token, "not a photo, but bytes"), ==, 403);
  g_free (aj_test_pg_query (a->database, "ALTER TABLE blobs_away RENAME TO blobs"));
  g_assert_cmpint (put_blob (a, token, "not a photo, but bytes"), ==, 201);
  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM blobs"), ==, 1);

  aj_test_kiosk_free (kiosk);
  aj_test_server_stop (a);
  aj_test_server_free (a);
}

typedef struct
{
  CURL    *curl;
  GString *body;
} Browser;

static size_t
on_body (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

/* GET (@form NULL) or POST @form to @base @path, with the cookies so far. */
static long
browse (Browser    *b,
        const char *base,
        const char *path,
        const char *form)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  long status = 0;

  g_string_truncate (b->body, 0);
  curl_easy_setopt (b->curl, CURLOPT_URL, url);
  if (form != NULL)
    curl_easy_setopt (b->curl, CURLOPT_COPYPOSTFIELDS, form);
  else
    curl_easy_setopt (b->curl, CURLOPT_HTTPGET, 1L);
  g_assert_cmpint (curl_easy_perform (b->curl), ==, CURLE_OK);
  curl_easy_getinfo (b->curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* Cookies kept in memory, by host: one browser for every server. */
static void
browser_init (Browser *br)
{
  br->curl = curl_easy_init ();
  br->body = g_string_new (NULL);
  curl_easy_setopt (br->curl, CURLOPT_COOKIEFILE, "");
  curl_easy_setopt (br->curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (br->curl, CURLOPT_WRITEDATA, br->body);
  curl_easy_setopt (br->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (br->curl, CURLOPT_TIMEOUT, 60L);
}

static void
browser_clear (Browser *br)
{
  curl_easy_cleanup (br->curl);
  g_string_free (br->body, TRUE);
}

static char *
csrf_of (Browser *b)
{
  const char *mark = "name=\"csrf\" value=\"";
  const char *p = strstr (b->body->str, mark);

  g_assert_nonnull (p);
  p += strlen (mark);
  return g_strndup (p, strcspn (p, "\""));
}

/* An office user for every server (added through @server's data folder,
 * shared on the database). */
static void
add_office_user (AjTestServer *server,
                 const char   *name,
                 const char   *role,
                 const char   *password)
{
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              g_getenv ("ANJIAN_SERVER"), "office-user", "add", name, "--role", role,
                              "--data", server->data_dir, "--database", server->database, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, NULL, NULL, &error));
  g_assert_true (g_subprocess_get_successful (process));
}

static void
test_office_session_any_server (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  const char *password = "correct horse battery";
  g_autofree char *csrf = NULL;
  g_autofree char *form = NULL;
  Browser b_, *br = &b_;

  g_test_summary ("An office user added once signs in on one server; the session cookie opens the console "
                  "on another, and signing out there ends it on both");

  add_office_user (a, "chief.wang", "chief", password);

  browser_init (br);
  /* Not signed in: B sends the browser to its sign-in page. */
  g_assert_cmpint (browse (br, b->url, "/office/", NULL), ==, 303);
  g_assert_cmpint (browse (br, a->url, "/office/sign-in", NULL), ==, 200);
  csrf = csrf_of (br);
  form = g_strdup_printf ("csrf=%s&name=chief.wang&password=correct%%20horse%%20battery", csrf);
  g_assert_cmpint (browse (br, a->url, "/office/sign-in", form), ==, 303);
  g_assert_cmpint (browse (br, a->url, "/office/", NULL), ==, 200);
  /* The same cookie on B (cookies go by host, not port). */
  g_assert_cmpint (browse (br, b->url, "/office/", NULL), ==, 200);
  g_clear_pointer (&csrf, g_free);
  csrf = csrf_of (br);
  g_clear_pointer (&form, g_free);
  form = g_strdup_printf ("csrf=%s", csrf);
  g_assert_cmpint (browse (br, b->url, "/office/sign-out", form), ==, 303);
  g_assert_cmpint (browse (br, a->url, "/office/", NULL), ==, 303);

  browser_clear (br);
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

static void
test_photo_on_shared_directory (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  AjTestServer *c = aj_test_server_new_beside (a);
  AjTestKiosk *one = aj_test_kiosk_new ();
  AjTestKiosk *two = aj_test_kiosk_new ();
  g_autofree char *inspection = NULL;
  g_autofree char *photo = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *fetched = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *url = NULL;
  g_autofree char *range = NULL;
  g_autoptr(GError) error = NULL;
  AjSyncReport report = { 0 };
  gboolean complete = FALSE;
  gsize length, fetched_length;
  const char *sha;

  g_test_summary ("A photo uploaded whole through one server is held for all three (one shared folder, its "
                  "metadata on PostgreSQL): the event naming it is accepted through a second, and a third "
                  "serves it to another kiosk byte for byte");

  aj_test_kiosk_enroll (one, a, "all");
  aj_test_kiosk_enroll (two, c, "all");
  inspection = aj_test_kiosk_start_inspection (one, INSPECTOR, "DLX001");
  photo = aj_test_kiosk_add_photo (one, INSPECTOR, inspection, "EC-FIRE-01", 320, 240, 3);
  g_assert_nonnull (photo);
  photos = aj_test_store_list_photos (one->store);
  g_assert_cmpuint (photos->len, ==, 1);
  sha = g_ptr_array_index (photos, 0);
  path = aj_photo_blob_path (one->blob_dir, sha);
  g_assert_true (g_file_get_contents (path, &bytes, &length, &error));

  /* Uploaded whole through A. */
  token = aj_store_get_meta (one->store, "sync.token");
  url = g_strdup_printf ("%s/api/v1/blobs/%s", a->url, sha);
  range = g_strdup_printf ("Content-Range: bytes 0-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT, length - 1, length);
  {
    g_auto(AjTestReply) reply = { 0 };

    aj_test_http ("PUT", url, token, range, bytes, length, &reply);
    g_assert_cmpint (reply.status, ==, 201);
  }
  g_assert_cmpint (aj_test_blob_held (b, token, sha, &complete), ==, (gint64) length);
  g_assert_true (complete);

  /* The events through B: the photo is not sent again, and is accepted. */
  g_assert_true (aj_test_kiosk_sync_via (one, b->url, 0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_sent, ==, 0);
  g_assert_cmpint (aj_store_count_unsynced (one->store), ==, 0);
  g_assert_cmpint (aj_test_server_shared_int (a, "SELECT count(*) FROM events WHERE refused_code IS NOT NULL", NULL),
                   ==, 0);

  /* Another kiosk gets it through C. */
  memset (&report, 0, sizeof report);
  g_assert_true (aj_test_kiosk_sync_via (two, c->url, 0, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  copy = aj_photo_blob_path (two->blob_dir, sha);
  g_assert_true (g_file_get_contents (copy, &fetched, &fetched_length, &error));
  g_assert_cmpmem (fetched, fetched_length, bytes, length);

  aj_test_kiosk_free (one);
  aj_test_kiosk_free (two);
  aj_test_server_stop (c);
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (c);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

/* ---- the office's work through any server ---- */

#define PARTNER "u-liu-yang"     /* of 西河县, in 东林县's roster too */

/* The two who sign in on the test kiosks are the only inspectors of 东林县,
 * so that a draw's team is known (which institution it picks is not). */
static const char roster[] =
  "id,name,department,certificate,counties,member_of,related_to,active\n"
  "u-zhang-wei,张伟,东林县民政局,鲁民执-DL-0012,东林县,,,true\n"
  "u-liu-yang,刘洋,西河县民政局,鲁民执-XH-0031,东林县;西河县,,,true\n";

static void
import_roster (AjTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "roster.csv", NULL);

  g_assert_true (g_file_set_contents (path, roster, -1, NULL));
  g_free (aj_test_server_admin (server, "register", "import", "inspectors", path, NULL));
}

/* A plan of @count institutions of 东林县 for a team of two, made with the
 * command line through @server; its id. */
static char *
create_plan (AjTestServer *server,
             guint         count)
{
  g_autofree char *today = aj_today_iso ();
  g_autofree char *due = aj_date_add_days (today, 14);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  char *out = aj_test_server_admin (server, "plan", "create", "--title", "东林县双随机抽查", "--county", "东林县",
                                    "--count", count_text, "--team-size", "2", "--from", "2026-10-01",
                                    "--to", "2026-12-31", "--include-checked", "--checklist", "elder-care",
                                    "--due", due, NULL);

  g_strstrip (out);
  g_assert_true (aj_uuid_is_valid (out));
  return out;
}

/* @column of the first row of @table in the latest office document of @kind. */
static char *
document_row_id (AjTestServer *server,
                 const char   *kind,
                 const char   *table,
                 const char   *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT body::json->'%s'->0->>'%s' FROM reference_docs WHERE kind = '%s' "
                                          "ORDER BY seq DESC LIMIT 1", table, column, kind);
  char *id = aj_test_pg_query (server->database, sql);

  g_assert_true (aj_uuid_is_valid (id));
  return id;
}

/* The team's spot check of @assignment on @kiosk (its two members
 * present), finished and pushed through @server: accepted. */
static void
carry_out (AjTestKiosk  *kiosk,
           AjAssignment *assignment,
           AjTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *checklist_path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (checklist_path, &error);
  const char *present[] = { INSPECTOR, PARTNER, NULL };
  g_autofree char *inspection = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  g_assert_no_error (error);
  inspection = aj_assignment_start (kiosk->store, assignment, checklist, INSPECTOR, present, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-02", "pass", NULL, &error));
  g_assert_true (aj_inspection_answer (kiosk->store, PARTNER, inspection, "EC-FIRE-01", "pass", NULL, &error));
  g_assert_true (aj_inspection_finish (kiosk->store, INSPECTOR, inspection, &error));
  g_assert_no_error (error);
  sync_until_quiet (kiosk, server->url, 3);
  refused = aj_store_list_refused (kiosk->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < refused->len; i++)
    g_test_message ("refused: %s", ((AjRefusedEvent *) g_ptr_array_index (refused, i))->code);
  g_assert_cmpuint (refused->len, ==, 0);
  g_assert_cmpint (aj_test_pg_query_int (server->database, "SELECT count(*) FROM events "
                                                           "WHERE refused_code IS NOT NULL"), ==, 0);
}

/* The reference version @kiosk's device is told by @server. */
static gint64
reference_version (AjTestServer *server,
                   AjTestKiosk  *kiosk)
{
  g_autofree char *url = g_strconcat (server->url, "/api/v1/reference?since=0", NULL);
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_auto(AjTestReply) reply = { 0 };
  g_autoptr(JsonObject) answer = NULL;

  aj_test_http ("GET", url, token, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, 200);
  answer = aj_json_parse_object (reply.body->str, NULL);
  g_assert_nonnull (answer);
  return aj_json_get_int (answer, "version", -1);
}

/* GET @path from @server: 200, the body. */
static char *
get_page (AjTestServer *server,
          const char   *path)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_auto(AjTestReply) reply = { 0 };

  aj_test_http ("GET", url, NULL, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, 200);
  return g_strdup (reply.body->str);
}

/* Three servers on one new database, as behind a load balancer. */
static void
servers_start (AjTestServer **servers)
{
  servers[0] = aj_test_server_new_pg ();
  servers[1] = aj_test_server_new_beside (servers[0]);
  servers[2] = aj_test_server_new_beside (servers[0]);
}

static void
servers_stop (AjTestServer **servers)
{
  for (guint i = 3; i-- > 0;)
    {
      aj_test_server_stop (servers[i]);
      aj_test_server_free (servers[i]);
    }
}

static void
test_draw_spot_check_any_server (void)
{
  AjTestServer *servers[3];
  AjTestServer *a, *b, *c;
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *plan = NULL;
  g_autofree char *draw = NULL;
  g_autofree char *out = NULL;
  g_autofree char *assignment_id = NULL;
  g_autoptr(GListModel) assignments = NULL;
  g_autoptr(AjAssignment) assignment = NULL;
  const char *pages[] = { "/public", "/public.json", NULL, NULL, NULL };
  g_autofree char *page_path = NULL;
  g_autofree char *json_path = NULL;

  g_test_summary ("A roster imported through A, a plan made through B and drawn through A: the kiosk pulls the "
                  "assignment through B and pushes the team's spot check through C, which accepts it; every "
                  "server's cache closes the assignment, and the publication made through C shows the same "
                  "public pages on A, B and C");

  servers_start (servers);
  a = servers[0];
  b = servers[1];
  c = servers[2];

  import_roster (a);
  plan = create_plan (b, 1);
  out = aj_test_server_admin (a, "draw", plan, "--seed-source", "2026-12-01 上证综指收盘 3412.56", NULL);
  g_assert_nonnull (strstr (out, "1 assignments"));
  g_clear_pointer (&out, g_free);
  draw = document_row_id (a, "draw", "draws", "id");
  out = aj_test_server_admin (c, "draws", NULL);
  g_assert_nonnull (strstr (out, draw));
  g_clear_pointer (&out, g_free);

  /* The assignment through B. */
  aj_test_kiosk_enroll (kiosk, b, "county:东林县");
  sync_until_quiet (kiosk, b->url, 3);
  assignments = aj_assignment_list_for_member (kiosk->store, INSPECTOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (assignments), ==, 1);
  assignment = g_list_model_get_item (assignments, 0);
  g_assert_cmpstr (aj_assignment_get_draw_id (assignment), ==, draw);
  assignment_id = g_strdup (aj_assignment_get_id (assignment));

  /* The team's inspection through C: judged against the same assignment. */
  carry_out (kiosk, assignment, c);

  /* Published through C; the same pages from each server. */
  out = aj_test_server_admin (c, "publish", draw, "--date", today, NULL);
  g_clear_pointer (&out, g_free);
  page_path = g_strconcat ("/public/", draw, NULL);
  json_path = g_strconcat (page_path, ".json", NULL);
  pages[2] = page_path;
  pages[3] = json_path;
  for (guint p = 0; pages[p] != NULL; p++)
    {
      g_autofree char *on_a = get_page (a, pages[p]);

      g_assert_nonnull (strstr (on_a, draw));
      for (guint i = 1; i < G_N_ELEMENTS (servers); i++)
        {
          g_autofree char *other = get_page (servers[i], pages[p]);

          g_assert_cmpstr (other, ==, on_a);
        }
    }
  {
    g_autofree char *json = get_page (b, json_path);

    g_assert_nonnull (strstr (json, today));
    g_assert_nonnull (strstr (json, "\"checked_on\""));
  }
  /* Each cache (caught up by those requests) closed the assignment. */
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr(AjStore) cache = aj_test_server_open_store (servers[i]);
      g_autoptr(AjAssignment) held = aj_assignment_load (cache, assignment_id);

      g_assert_nonnull (held);
      g_assert_cmpstr (aj_assignment_get_status (held), ==, "done");
      g_assert_cmpint (aj_db_query_int (aj_store_get_db (cache), "SELECT count(*) FROM draw_publications", NULL, -1),
                       ==, 1);
    }
  /* The devices are told one reference version, whichever server they ask. */
  g_assert_cmpint (reference_version (b, kiosk), >, 0);
  g_assert_cmpint (reference_version (a, kiosk), ==, reference_version (b, kiosk));
  g_assert_cmpint (reference_version (c, kiosk), ==, reference_version (b, kiosk));
  /* And the kiosk, through A, has nothing left to do. */
  sync_until_quiet (kiosk, a->url, 3);
  {
    g_autoptr(GListModel) left = aj_assignment_list_for_member (kiosk->store, INSPECTOR, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (left), ==, 0);
  }

  aj_test_kiosk_free (kiosk);
  servers_stop (servers);
}

static void
test_concurrent_draws_once (void)
{
  AjTestServer *servers[3];
  AjTestServer *a;
  GSubprocess *draws[G_N_ELEMENTS (servers)];
  g_autofree char *plan = NULL;
  g_autofree char *drawn = NULL;
  guint n_drawn = 0;

  g_test_summary ("One plan drawn through three servers at once (three command lines, three seeds): one draw "
                  "is made, the two others are refused, and every server holds that one draw and its "
                  "assignment");

  servers_start (servers);
  a = servers[0];
  import_roster (a);
  plan = create_plan (a, 1);
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *seed = g_strdup_printf ("announced value %u", i);

      draws[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                   g_getenv ("ANJIAN_SERVER"), "draw", plan, "--seed-source", seed,
                                   "--data", servers[i]->data_dir, "--database", a->database, NULL);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_true (g_subprocess_communicate_utf8 (draws[i], NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      g_test_message ("draw through server %u: %s%s", i, out, err);
      if (g_subprocess_get_successful (draws[i]))
        n_drawn++;
      else
        g_assert_true (strstr (err, "drawn already") != NULL || strstr (err, "done already") != NULL);
      g_object_unref (draws[i]);
    }
  g_assert_cmpuint (n_drawn, ==, 1);
  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM reference_docs WHERE kind = 'draw'"), ==, 1);
  drawn = document_row_id (a, "draw", "draws", "id");
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *home = get_page (servers[i], "/public");
      g_autoptr(AjStore) cache = aj_test_server_open_store (servers[i]);
      g_autofree char *held = query_text (cache, "SELECT id FROM draws");

      g_assert_cmpint (aj_db_query_int (aj_store_get_db (cache), "SELECT count(*) FROM draws", NULL, -1), ==, 1);
      g_assert_cmpstr (held, ==, drawn);
      g_assert_cmpint (aj_db_query_int (aj_store_get_db (cache), "SELECT count(*) FROM assignments", NULL, -1), ==, 1);
    }

  servers_stop (servers);
}

/* What a cache holds of the office's work (not an assignment's closed_at,
 * each server's clock). */
static char *
office_state (AjTestServer *server)
{
  g_autoptr(AjStore) cache = aj_test_server_open_store (server);

  return query_text (cache, "SELECT (SELECT group_concat (id || ' ' || checklist || ' ' || due, '\n') "
                            "        FROM (SELECT * FROM draw_plans ORDER BY id)) || '\n' || "
                            "       (SELECT group_concat (id || ' ' || plan_id || ' ' || digest || ' ' || "
                            "          coalesce (replaces, '-'), '\n') FROM (SELECT * FROM draws ORDER BY id)) || '\n' || "
                            "       (SELECT group_concat (id || ' ' || draw_id || ' ' || status || ' ' || "
                            "          coalesce (inspection_id, '-'), '\n') FROM (SELECT * FROM assignments ORDER BY id))");
}

static void
test_new_server_same_office_work (void)
{
  AjTestServer *a = aj_test_server_new_pg ();
  AjTestServer *b = aj_test_server_new_beside (a);
  AjTestServer *c = NULL;
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) assignments = NULL;
  g_autoptr(AjAssignment) done = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *draw = NULL;
  g_autofree char *redraw = NULL;
  g_autofree char *out = NULL;
  g_autofree char *state_a = NULL;
  g_autofree char *state_b = NULL;
  g_autofree char *state_c = NULL;

  g_test_summary ("A draw of two made through B, one of its assignments carried out through A, then redrawn "
                  "through A: B, which learns of the redraw before the inspection that closed the assignment, "
                  "and a third server started afterwards with an empty cache hold the same plans, draws and "
                  "assignments (the done one done, the open one cancelled) as A");

  import_roster (a);
  plan = create_plan (a, 2);
  out = aj_test_server_admin (b, "draw", plan, "--seed-source", "first value", NULL);
  g_assert_nonnull (strstr (out, "2 assignments"));
  g_clear_pointer (&out, g_free);
  draw = document_row_id (a, "draw", "draws", "id");

  aj_test_kiosk_enroll (kiosk, a, "county:东林县");
  sync_until_quiet (kiosk, a->url, 3);
  assignments = aj_assignment_list_for_member (kiosk->store, INSPECTOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (assignments), ==, 2);
  done = g_list_model_get_item (assignments, 0);
  carry_out (kiosk, done, a);

  out = aj_test_server_admin (a, "redraw", draw, "--seed-source", "second value", "--reason", "测试", NULL);
  g_clear_pointer (&out, g_free);
  redraw = document_row_id (a, "draw", "draws", "id");
  g_assert_cmpstr (redraw, !=, draw);

  c = aj_test_server_new_beside (a);
  g_free (get_page (a, "/public"));
  g_free (get_page (b, "/public"));
  state_a = office_state (a);
  state_b = office_state (b);
  state_c = office_state (c);
  g_test_message ("%s", state_a);
  g_assert_nonnull (strstr (state_a, " done "));
  g_assert_nonnull (strstr (state_a, " cancelled "));
  g_assert_cmpstr (state_b, ==, state_a);
  g_assert_cmpstr (state_c, ==, state_a);

  aj_test_kiosk_free (kiosk);
  aj_test_server_stop (c);
  aj_test_server_stop (b);
  aj_test_server_stop (a);
  aj_test_server_free (c);
  aj_test_server_free (b);
  aj_test_server_free (a);
}

static char *
form_escape (Browser    *br,
             const char *text)
{
  char *e = curl_easy_escape (br->curl, text, 0);
  char *copy = g_strdup (e);

  curl_free (e);
  return copy;
}

static long
sign_in_via (Browser      *br,
             AjTestServer *server,
             const char   *name,
             const char   *password)
{
  g_autofree char *csrf = NULL;
  g_autofree char *e_password = form_escape (br, password);
  g_autofree char *form = NULL;

  g_assert_cmpint (browse (br, server->url, "/office/sign-in", NULL), ==, 200);
  csrf = csrf_of (br);
  form = g_strdup_printf ("csrf=%s&name=%s&password=%s", csrf, name, e_password);
  return browse (br, server->url, "/office/sign-in", form);
}

/* POST @form with the CSRF token of the page at @from, both on @server. */
static long
post_via (Browser      *br,
          AjTestServer *server,
          const char   *from,
          const char   *action,
          const char   *form)
{
  g_autofree char *csrf = NULL;
  g_autofree char *full = NULL;

  g_assert_cmpint (browse (br, server->url, from, NULL), ==, 200);
  csrf = csrf_of (br);
  full = g_strdup_printf ("csrf=%s&%s", csrf, form);
  return browse (br, server->url, action, full);
}

static void
test_lockout_across_servers (void)
{
  AjTestServer *servers[3];
  AjTestServer *a;
  const char *password = "correct horse battery";
  Browser b_, *br = &b_;

  g_test_summary ("Five wrong passwords for one office user, spread over three servers, lock the account on "
                  "all three: the right password is then refused by each, and the lock is in the audit log once");

  servers_start (servers);
  a = servers[0];
  add_office_user (a, "chief.li", "chief", password);
  browser_init (br);
  /* Through A, B, C, A, B. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpint (sign_in_via (br, servers[i % 3], "chief.li", "wrong password 123"), ==, 401);
      if (i == 3)
        g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT failures FROM office_lockouts "
                                                            "WHERE user_name = 'chief.li'"), ==, 4);
    }
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_assert_cmpint (sign_in_via (br, servers[i], "chief.li", password), ==, 403);
      g_assert_nonnull (strstr (br->body->str, "已锁定"));   /* the lock's message, in the console's Chinese */
    }
  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM office_audit WHERE user_name = 'chief.li' "
                                                      "AND action = 'sign-in.lock'"), ==, 1);
  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM office_audit WHERE user_name = 'chief.li' "
                                                      "AND action = 'sign-in.failed'"), ==, 4);
  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM office_audit WHERE user_name = 'chief.li' "
                                                      "AND action = 'sign-in.locked'"), ==, 3);

  browser_clear (br);
  servers_stop (servers);
}

/* The first table of @page. */
static char *
table_of (const char *page)
{
  const char *start = strstr (page, "<table");
  const char *end = start ? strstr (start, "</table>") : NULL;

  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
test_audit_log_same_everywhere (void)
{
  AjTestServer *servers[3];
  AjTestServer *a, *b, *c;
  const char *password = "correct horse battery";
  g_autofree char *today = aj_today_iso ();
  g_autofree char *due = aj_date_add_days (today, 14);
  g_autofree char *plan = NULL;
  g_autofree char *draw = NULL;
  g_autofree char *form = NULL;
  g_autofree char *draw_page = NULL;
  g_autofree char *audit_on_a = NULL;
  Browser b_, *br = &b_;

  g_test_summary ("Console work spread over three servers (sign-in on A, a register imported on B, a plan made "
                  "on C, drawn on A, published on B): each server's console shows the same audit log and the "
                  "same published draw");

  servers_start (servers);
  a = servers[0];
  b = servers[1];
  c = servers[2];

  add_office_user (a, "chief.wang", "admin", password);
  browser_init (br);
  g_assert_cmpint (sign_in_via (br, a, "chief.wang", password), ==, 303);
  {
    g_autofree char *e_roster = form_escape (br, roster);

    form = g_strdup_printf ("step=confirm&register=inspectors&format=csv&text=%s", e_roster);
    g_assert_cmpint (post_via (br, b, "/office/import", "/office/import", form), ==, 200);
    g_assert_nonnull (strstr (br->body->str, "class=\"ok\""));
  }
  g_clear_pointer (&form, g_free);
  {
    g_autofree char *e_title = form_escape (br, "东林县第四季度双随机抽查");
    g_autofree char *e_county = form_escape (br, "东林县");

    form = g_strdup_printf ("title=%s&counties=%s&count=1&team_size=2&from=2026-10-01&to=2026-12-31&due=%s"
                            "&checklist=elder-care", e_title, e_county, due);
    g_assert_cmpint (post_via (br, c, "/office/plans", "/office/plans", form), ==, 303);
  }
  g_clear_pointer (&form, g_free);
  plan = document_row_id (a, "plan", "draw_plans", "id");
  form = g_strdup_printf ("id=%s&seed_source=2026-12-01", plan);
  g_assert_cmpint (post_via (br, a, "/office/plans", "/office/draws", form), ==, 303);
  g_clear_pointer (&form, g_free);
  draw = document_row_id (a, "draw", "draws", "id");
  draw_page = g_strconcat ("/office/draws/", draw, NULL);
  form = g_strdup_printf ("draw=%s&date=%s", draw, today);
  g_assert_cmpint (post_via (br, b, draw_page, "/office/publish", form), ==, 303);

  g_assert_cmpint (aj_test_pg_query_int (a->database, "SELECT count(*) FROM office_audit WHERE user_name = 'chief.wang' "
                                                      "AND action IN ('sign-in', 'register.import', 'plan.create', "
                                                      "'draw', 'publish')"), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *audit = NULL;

      g_assert_cmpint (browse (br, servers[i]->url, "/office/audit", NULL), ==, 200);
      audit = table_of (br->body->str);
      for (guint w = 0; w < 5; w++)
        g_assert_nonnull (strstr (audit, (const char *[]) { "register.import", "plan.create", ">draw<", "publish",
                                                            "sign-in" }[w]));
      if (audit_on_a == NULL)
        audit_on_a = g_steal_pointer (&audit);
      else
        g_assert_cmpstr (audit, ==, audit_on_a);
      /* The draw page shows the publication, with no form to publish again. */
      g_assert_cmpint (browse (br, servers[i]->url, draw_page, NULL), ==, 200);
      g_assert_nonnull (strstr (br->body->str, today));
      g_assert_null (strstr (br->body->str, "name=\"date\""));
    }

  browser_clear (br);
  servers_stop (servers);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!aj_test_pg_available ())
    {
      g_test_skip ("PostgreSQL's programs are not installed (Debian: postgresql)");
      return g_test_run ();
    }
  g_test_add_func ("/multi/three-servers-one-kill-converge", test_three_servers_one_kill);
  g_test_add_func ("/multi/sequence-no-visible-gap", test_sequence_no_visible_gap);
  g_test_add_func ("/multi/conflicting-steps-one-wins", test_conflicting_steps_one_wins);
  g_test_add_func ("/multi/number-blocks-never-overlap", test_number_blocks_never_overlap);
  g_test_add_func ("/multi/duplicate-in-one-batch-held-once", test_duplicate_in_batch);
  g_test_add_func ("/multi/quota-refuses-when-store-in-doubt", test_quota_store_in_doubt);
  g_test_add_func ("/multi/office-session-any-server", test_office_session_any_server);
  g_test_add_func ("/multi/photo-on-shared-directory", test_photo_on_shared_directory);
  g_test_add_func ("/multi/draw-on-one-server-spot-check-through-another", test_draw_spot_check_any_server);
  g_test_add_func ("/multi/concurrent-draws-one-plan-drawn-once", test_concurrent_draws_once);
  g_test_add_func ("/multi/new-server-same-office-work", test_new_server_same_office_work);
  g_test_add_func ("/multi/console-lockout-counts-across-servers", test_lockout_across_servers);
  g_test_add_func ("/multi/audit-log-same-on-every-server", test_audit_log_same_everywhere);
  return g_test_run ();
}
