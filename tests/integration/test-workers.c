/* test-workers.c: requests inside one server do not wait for each other's
 * disk work (issue 16, part 3): handlers run in a pool of worker threads,
 * each with its own connection to the store. Against the real server over
 * real HTTP: a pull answers while a push waits for the write lock another
 * process holds; devices pushing at once lose and double nothing; and the
 * office console writes a Chinese and an English page at the same time,
 * each in its own language. */
#include "config.h"

#include <string.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-store-private.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"
#define N_DEVICES 8
#define N_EVENTS  240

/* ---- a push in another thread ---- */

typedef struct
{
  char        *url;
  char        *token;
  char        *body;
  AjTestReply  reply;
  gint         done;        /* atomic */
  gint64       finished;    /* monotonic µs */
} Push;

static gpointer
push_thread (gpointer data)
{
  Push *push = data;

  aj_test_http ("POST", push->url, push->token, NULL, push->body, strlen (push->body), &push->reply);
  push->finished = g_get_monotonic_time ();
  g_atomic_int_set (&push->done, 1);
  return NULL;
}

static void
test_pull_while_push_waits (AjTestPair    *pair,
                            gconstpointer  data)
{
  AjTestKiosk *reader = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  g_autofree char *token = aj_store_get_meta (pair->kiosk->store, "sync.token");
  g_autofree char *reader_token = NULL;
  g_autofree char *pull_url = g_strdup_printf ("%s/api/v1/events?after=0&limit=100", pair->server->url);
  g_auto(AjTestReply) pulled = { 0 };
  Push push = { 0 };
  GThread *thread;
  gint64 locked, asked, answered;

  g_test_summary ("Another process holds the store's write lock for 2 s; a push waits for it in a worker, "
                  "and meanwhile a pull from another device is answered at once (not after the lock); "
                  "then the push is stored whole");

  aj_test_store_add_events (pair->kiosk->store, INSPECTOR, "NHQ001", 40);
  own = aj_store_list_device_events (pair->kiosk->store, aj_store_get_device_id (pair->kiosk->store), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < own->len; i++)
    g_ptr_array_add (i < 20 ? first : rest, g_ptr_array_index (own, i));
  {
    g_autofree char *body = aj_events_to_batch (first, FALSE);
    g_autofree char *url = g_strdup_printf ("%s/api/v1/events", pair->server->url);
    g_auto(AjTestReply) reply = { 0 };

    aj_test_http ("POST", url, token, NULL, body, strlen (body), &reply);
    g_assert_cmpint (reply.status, ==, 200);
  }
  aj_test_kiosk_enroll (reader, pair->server, "all");
  reader_token = aj_store_get_meta (reader->store, "sync.token");

  /* This process takes the write lock, as an administrator's command would. */
  central = aj_test_server_open_store (pair->server);
  g_assert_true (aj_store_begin (central, &error));
  g_assert_no_error (error);
  locked = g_get_monotonic_time ();

  push.url = g_strdup_printf ("%s/api/v1/events", pair->server->url);
  push.token = token;
  push.body = aj_events_to_batch (rest, FALSE);
  thread = g_thread_new ("push", push_thread, &push);
  g_usleep (300 * 1000);
  g_assert_false (g_atomic_int_get (&push.done));   /* it waits for the lock */

  asked = g_get_monotonic_time ();
  aj_test_http ("GET", pull_url, reader_token, NULL, NULL, 0, &pulled);
  answered = g_get_monotonic_time ();
  g_assert_cmpint (pulled.status, ==, 200);
  g_assert_nonnull (strstr (pulled.body->str, "\"events\""));
  /* Answered while the push still waited, and quickly. */
  g_assert_false (g_atomic_int_get (&push.done));
  g_assert_cmpint (answered - asked, <, G_USEC_PER_SEC);

  while (g_get_monotonic_time () - locked < 2 * G_USEC_PER_SEC)
    g_usleep (50 * 1000);
  g_assert_false (g_atomic_int_get (&push.done));
  aj_store_rollback (central);
  g_thread_join (thread);
  g_assert_cmpint (push.reply.status, ==, 200);
  g_assert_nonnull (strstr (push.reply.body->str, "\"refused\":0"));
  g_assert_cmpint (push.finished - locked, >=, 2 * G_USEC_PER_SEC - 100 * 1000);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (central), "SELECT count(*) FROM events WHERE device_id = ?",
                                    aj_store_get_device_id (pair->kiosk->store), -1), ==, (gint64) own->len);

  aj_test_reply_clear (&push.reply);
  g_free (push.url);
  g_free (push.body);
  aj_test_kiosk_free (reader);
}

/* ---- the pull's answer, written without json-glib ---- */

static void
test_pull_text_exact (AjTestPair    *pair,
                      gconstpointer  data)
{
  AjTestKiosk *reader = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = aj_test_kiosk_start_inspection (pair->kiosk, INSPECTOR, "DLX001");
  g_autofree char *hazard = NULL;
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-01", .category = "fire", .risk_level = "red", .grade = "major",
    .deadline = "2030-12-31", .responsible = "王建国",
    .description = "安全出口上锁 \"引号\" 反斜杠\\ 换行\n制表\t铃\a /斜杠/ \u2028 😀",
    .inspection_id = inspection,
  };

  g_test_summary ("A pull's answer (written directly, not by json-glib) carries every field exactly: a "
                  "description with quotes, a backslash, control characters, CJK and an emoji arrives at "
                  "another device with its hash intact and the same events as the author's");

  g_assert_true (aj_inspection_answer (pair->kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "hazard", NULL, &error));
  hazard = aj_hazard_record (pair->kiosk->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (pair->kiosk, NULL, &error));
  g_assert_no_error (error);
  aj_test_kiosk_enroll (reader, pair->server, "all");
  g_assert_true (aj_test_kiosk_sync (reader, NULL, &error));
  g_assert_no_error (error);
  aj_test_assert_same_events (pair->kiosk->store, reader->store, aj_store_get_device_id (pair->kiosk->store));
  {
    g_autoptr(AjHazard) copy = aj_hazard_load (reader->store, hazard);

    g_assert_nonnull (copy);
    g_assert_cmpstr (aj_hazard_get_description (copy), ==, draft.description);
  }
  aj_test_kiosk_free (reader);
}

/* ---- many devices at once ---- */

typedef struct
{
  AjTestKiosk *kiosk;
  gboolean     ok;
  char        *error;
} Syncing;

static gpointer
sync_thread (gpointer data)
{
  Syncing *s = data;
  g_autoptr(GError) error = NULL;

  /* Small batches: many requests, interleaved with the other devices'. */
  s->ok = aj_test_kiosk_sync_via (s->kiosk, NULL, 15, NULL, &error);
  s->error = error ? g_strdup (error->message) : NULL;
  return NULL;
}

static void
test_concurrent_pushes (AjTestPair    *pair,
                        gconstpointer  data)
{
  Syncing syncing[N_DEVICES] = { { 0 } };
  GThread *threads[N_DEVICES];
  g_autoptr(AjStore) central = NULL;
  sqlite3 *db;

  g_test_summary ("Eight devices push 240 events each at the same time, in batches of 15, through a server "
                  "with four workers, then again: the server holds exactly 1,920 events, each once, every "
                  "chain whole, and every device holds everyone's");

  aj_test_server_stop (pair->server);
  pair->server->serve_args = g_strdupv ((char *[]) { "--workers", "4", NULL });
  aj_test_server_start (pair->server);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      syncing[i].kiosk = aj_test_kiosk_new ();
      aj_test_kiosk_enroll (syncing[i].kiosk, pair->server, "all");
      aj_test_store_add_events (syncing[i].kiosk->store, INSPECTOR, "NHQ001", N_EVENTS);
    }
  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < N_DEVICES; i++)
        threads[i] = g_thread_new ("sync", sync_thread, &syncing[i]);
      for (guint i = 0; i < N_DEVICES; i++)
        {
          g_thread_join (threads[i]);
          if (syncing[i].error != NULL)
            {
              g_autofree char *log = NULL;
              g_file_get_contents (pair->server->log_path, &log, NULL, NULL);
              g_printerr ("%s\n", log);
            }
          g_assert_cmpstr (syncing[i].error, ==, NULL);
          g_assert_true (syncing[i].ok);
        }
    }

  central = aj_test_server_open_store (pair->server);
  db = aj_store_get_db (central);
  g_assert_cmpint (aj_db_query_int (db, "SELECT count(*) FROM events", NULL, -1), ==, N_DEVICES * N_EVENTS);
  g_assert_cmpint (aj_db_query_int (db, "SELECT count(DISTINCT id) FROM events", NULL, -1), ==,
                   aj_db_query_int (db, "SELECT count(*) FROM events", NULL, -2));
  g_assert_cmpint (aj_db_query_int (db, "SELECT count(DISTINCT server_seq) FROM events", NULL, -1), ==,
                   aj_db_query_int (db, "SELECT count(*) FROM events", NULL, -2));
  for (guint i = 0; i < N_DEVICES; i++)
    {
      const char *device = aj_store_get_device_id (syncing[i].kiosk->store);

      g_assert_cmpint (aj_db_query_int (db, "SELECT count(*) FROM events WHERE device_id = ?", device, -1), ==, N_EVENTS);
      g_assert_cmpint (aj_db_query_int (db, "SELECT max(device_seq) FROM events WHERE device_id = ?", device, -1), ==, N_EVENTS);
      for (guint j = 0; j < N_DEVICES; j++)
        aj_test_assert_same_events (central, syncing[j].kiosk->store, device);
    }
  for (guint i = 0; i < N_DEVICES; i++)
    {
      aj_test_kiosk_free (syncing[i].kiosk);
      g_free (syncing[i].error);
    }
}

/* ---- the console's language, per request ---- */

typedef struct
{
  const char *url;
  const char *language;
  guint       right;     /* atomic: pages wholly in the asked language */
} Reading;

static gpointer
read_pages (gpointer data)
{
  Reading *r = data;
  g_autofree char *header = g_strdup_printf ("Accept-Language: %s", r->language);
  gboolean english = g_str_has_prefix (r->language, "en");

  for (guint i = 0; i < 40; i++)
    {
      g_auto(AjTestReply) reply = { 0 };

      aj_test_http ("GET", r->url, NULL, header, NULL, 0, &reply);
      if (reply.status == 200 &&
          (english ? strstr (reply.body->str, "lang=\"en\"") && strstr (reply.body->str, ">Sign in<") &&
                     !strstr (reply.body->str, "登录")
                   : strstr (reply.body->str, "lang=\"zh-CN\"") && strstr (reply.body->str, "登录") &&
                     !strstr (reply.body->str, ">Sign in<")))
        g_atomic_int_inc (&r->right);
    }
  return NULL;
}

static void
test_console_languages (AjTestPair    *pair,
                        gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("%s/office/sign-in", pair->server->url);
  Reading readers[4] = {
    { url, "zh-CN,zh;q=0.9" }, { url, "en-GB,en;q=0.8" }, { url, "zh-CN" }, { url, "en" },
  };
  GThread *threads[G_N_ELEMENTS (readers)];

  g_test_summary ("Browsers asking for Chinese and for English read the console's sign-in page at the same "
                  "time (160 requests over four workers): every page is wholly in its reader's language");

  aj_test_server_stop (pair->server);
  pair->server->serve_args = g_strdupv ((char *[]) { "--workers", "4", NULL });
  aj_test_server_start (pair->server);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    threads[i] = g_thread_new ("read", read_pages, &readers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (readers[i].right, ==, 40);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/workers/pull-answers-while-a-push-waits-for-the-write-lock", AjTestPair, "all",
              aj_test_pair_setup, test_pull_while_push_waits, aj_test_pair_teardown);
  g_test_add ("/workers/pull-answer-carries-every-character-exactly", AjTestPair, "all",
              aj_test_pair_setup, test_pull_text_exact, aj_test_pair_teardown);
  g_test_add ("/workers/concurrent-pushes-lose-and-double-nothing", AjTestPair, NULL,
              aj_test_pair_setup_server, test_concurrent_pushes, aj_test_pair_teardown);
  g_test_add ("/workers/console-pages-in-two-languages-at-once", AjTestPair, NULL,
              aj_test_pair_setup_server, test_console_languages, aj_test_pair_teardown);
  return g_test_run ();
}
