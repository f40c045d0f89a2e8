/* test-sync.c: the real server on loopback and real kiosk stores: enrollment,
 * push, pull, scopes, revoked and unknown tokens, duplicates, two kiosks. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "aj-codec.h"
#include "aj-completion.h"
#include "aj-db.h"
#include "aj-doc-number.h"
#include "aj-numbering.h"
#include "aj-util.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-checklist.h"
#include "aj-roster.h"
#include "aj-team.h"
#include "aj-test-server.h"

#define INSPECTOR "u-zhang-wei"
#define OTHER     "u-liu-yang"
#define COLLEAGUE "r-huang-min"      /* of 东林县's department; works at DLX001 (回避) */

/* One server for the whole program: each test enrolls kiosks of its own. */
static AjTestServer *server;

/* Two new kiosks, not yet enrolled: each test gives them their scopes;
 * and the server's store, to compare theirs with. */
typedef struct
{
  AjTestKiosk *a;
  AjTestKiosk *b;
  AjStore     *central;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  test_data)
{
  f->a = aj_test_kiosk_new ();
  f->b = aj_test_kiosk_new ();
  f->central = aj_test_server_open_store (server);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  test_data)
{
  g_clear_object (&f->central);
  aj_test_kiosk_free (f->a);
  aj_test_kiosk_free (f->b);
}

static char *
record_visit (AjTestKiosk  *kiosk,
              const char   *institution,
              char        **hazard_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, institution);
  g_autofree char *photo = NULL;
  AjHazardDraft draft = {
    .inspection_id = inspection, .item_code = "EC-FIRE-01", .category = "fire",
    .description = "安全出口上锁", .risk_level = "red", .grade = "major",
    .deadline = "2026-12-31", .responsible = "王建国",
  };
  char *hazard;

  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-02", "pass", NULL, &error));
  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "hazard", "锁着", &error));
  hazard = aj_hazard_record (kiosk->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  photo = aj_test_kiosk_add_photo (kiosk, INSPECTOR, inspection, "EC-FIRE-01", 640, 480, 7);
  g_assert_nonnull (photo);
  if (hazard_out)
    *hazard_out = hazard;
  else
    g_free (hazard);
  return g_steal_pointer (&inspection);
}

static void
test_enroll (Fixture       *f,
             gconstpointer  test_data)
{
  AjTestKiosk *kiosk = f->a;
  g_autofree char *code = aj_test_server_code (server, "all");
  g_autoptr(GError) error = NULL;
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir };

  g_test_summary ("A kiosk syncs only once enrolled; a wrong code is refused, a code works in any case and "
                  "only once, and the first sync brings the server's registry");

  /* Not enrolled yet: sync says so. */
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NOT_ENROLLED);
  g_clear_error (&error);

  g_assert_false (aj_sync_enroll (kiosk->store, server->url, "AJ-WRON-GCOD", "x", &options, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "code_unknown"));
  g_clear_error (&error);
  g_assert_false (aj_sync_is_enrolled (kiosk->store));

  /* Codes are not case-sensitive when typed. */
  {
    g_autofree char *lower = g_ascii_strdown (code, -1);
    g_assert_true (aj_sync_enroll (kiosk->store, server->url, lower, "tablet", &options, &error));
    g_assert_no_error (error);
  }
  g_assert_true (aj_sync_is_enrolled (kiosk->store));

  /* A code is used once. */
  {
    AjSyncOptions other_options = { .blob_dir = f->b->blob_dir };
    g_assert_false (aj_sync_enroll (f->b->store, server->url, code, "tablet 2", &other_options, &error));
    g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "code_used"));
    g_clear_error (&error);
  }

  /* The first sync brings the server's registry. */
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *source = aj_store_get_meta (kiosk->store, "registry_source");
    g_assert_cmpstr (source, ==, "server");
  }
}

static void
test_push_pull (Fixture       *f,
                gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *b = f->b;
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autoptr(AjHazard) seen = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  AjSyncReport report = { 0 };

  g_test_summary ("What one kiosk records reaches the server byte for byte with a valid chain, and another "
                  "kiosk of the same county, photo and thumbnail included; nothing new moves nothing");

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "county:东林县");
  inspection = record_visit (a, "DLX001", &hazard);

  g_assert_true (aj_test_kiosk_sync (a, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 5);
  g_assert_cmpuint (report.blobs_sent, ==, 1);
  g_assert_cmpint (aj_store_count_unsynced (a->store), ==, 0);

  /* The server holds exactly what the kiosk made. */
  aj_test_assert_same_events (a->store, f->central, aj_store_get_device_id (a->store));
  g_assert_true (aj_store_verify_chain (f->central, aj_store_get_device_id (a->store), &error));
  g_assert_no_error (error);

  /* Another kiosk of the same county receives it, photo included. */
  g_assert_true (aj_test_kiosk_sync (b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pulled, ==, 5);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  aj_test_assert_same_events (a->store, b->store, aj_store_get_device_id (a->store));
  seen = aj_hazard_load (b->store, hazard);
  g_assert_nonnull (seen);
  g_assert_cmpstr (aj_hazard_get_risk_level (seen), ==, "red");
  photos = aj_inspection_get_photos (b->store, inspection, NULL);
  g_assert_cmpuint (photos->len, ==, 1);
  g_assert_true (aj_photo_verify (b->blob_dir, ((AjPhotoRef *) g_ptr_array_index (photos, 0))->sha256, &error));
  g_assert_no_error (error);
  {
    g_autofree char *thumb = aj_photo_thumb_path (b->blob_dir, ((AjPhotoRef *) g_ptr_array_index (photos, 0))->sha256);
    g_assert_true (g_file_test (thumb, G_FILE_TEST_EXISTS));
  }

  /* Nothing new: nothing moves. */
  g_assert_true (aj_test_kiosk_sync (b, &report, &error));
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (report.pushed, ==, 0);

}

static void
test_tokens (Fixture       *f,
             gconstpointer  test_data)
{
  AjTestKiosk *kiosk = f->a;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *good = NULL;

  g_test_summary ("An unknown token and a revoked device are refused, and what the revoked kiosk recorded "
                  "stays on it");

  aj_test_kiosk_enroll (kiosk, server, "all");
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_no_error (error);

  /* An unknown token. */
  good = aj_store_get_meta (kiosk->store, "sync.token");
  aj_store_set_meta (kiosk->store, "sync.token", "0123456789abcdef0123456789abcdef", NULL);
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token_unknown"));
  g_clear_error (&error);
  aj_store_set_meta (kiosk->store, "sync.token", good, NULL);

  /* A revoked device: refused, and what it recorded stays on it. */
  g_free (record_visit (kiosk, "DLX002", NULL));
  out = aj_test_server_admin (server, "revoke-device", aj_store_get_device_id (kiosk->store), NULL);
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token_revoked"));
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 5);
  {
    g_autofree char *last = aj_store_get_meta (kiosk->store, "sync.last_error");
    g_assert_nonnull (last);
  }
}

/* The ids of the people a kiosk knows, in order. */
static char *
users_of (AjStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), "SELECT id FROM users ORDER BY id", NULL);
  g_autoptr(GString) ids = g_string_new (NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (ids, "%s%s", ids->len ? " " : "", aj_db_col_text (stmt, 0));
  return g_strdup (ids->str);
}

static void
test_scope (Fixture       *f,
            gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *c = f->b;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  AjSyncReport report = { 0 };
  gint64 before;

  g_test_summary ("A kiosk sees nothing outside its scope (events, registry with its people, photos); what it writes about "
                  "an institution outside it is refused event by event (out_of_scope), kept out of the "
                  "server's state, and the kiosk's later events in scope still sync");

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (c, server, "county:西河县");
  g_free (record_visit (a, "DLX003", NULL));
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);

  /* C sees nothing of 东林县, and its registry holds only 西河县. */
  g_assert_true (aj_test_kiosk_sync (c, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM events WHERE institution LIKE 'DLX%'", NULL, -1), ==, 0);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM institutions WHERE county <> '西河县'", NULL, -1), ==, 0);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM institutions", NULL, -1), >, 0);
  /* Nor people of elsewhere (their PIN hashes): 西河县's inspector and the
   * staff of its institutions; no inspector of 东林县, no administrator. */
  {
    g_autofree char *users = users_of (c->store);
    g_assert_cmpstr (users, ==, "u-liu-yang u-sun-zhiqiang");
  }

  /* Nor may it fetch A's photo. */
  photos = aj_test_store_list_photos (a->store);
  g_assert_cmpuint (photos->len, >=, 1);
  {
    g_autofree char *token = aj_store_get_meta (c->store, "sync.token");
    g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, (char *) g_ptr_array_index (photos, 0));
    g_auto(AjTestReply) reply = { 0 };

    aj_test_http ("GET", url, token, NULL, NULL, 0, &reply);
    g_assert_cmpint (reply.status, ==, 404);
  }
  /* While A, whose scope holds it, may; the server found the photo's events
   * through blob_refs (an index), which names its photo.added events. */
  {
    g_autofree char *token = aj_store_get_meta (a->store, "sync.token");
    g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, (char *) g_ptr_array_index (photos, 0));
    g_auto(AjTestReply) reply = { 0 };

    aj_test_http ("GET", url, token, NULL, NULL, 0, &reply);
    g_assert_cmpint (reply.status, ==, 200);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                      "SELECT count(*) FROM blob_refs r JOIN events e ON e.id = r.event_id "
                                      "WHERE r.sha256 = ? AND e.type = 'photo.added'",
                                      g_ptr_array_index (photos, 0), -1), >=, 1);
  }

  /* And it cannot write about an institution outside its scope. */
  before = aj_db_query_int (aj_store_get_db (f->central), "SELECT count(*) FROM events WHERE server_seq IS NOT NULL", NULL, -1);
  {
    /* Its own registry no longer offers DLX004; put the sample one back. */
    g_autofree char *registry = aj_test_source_path ("data/registry.json");
    g_assert_true (aj_registry_import_file (c->store, registry, "sample", &error));
  }
  g_free (record_visit (c, "DLX004", NULL));
  memset (&report, 0, sizeof report);
  g_assert_true (aj_test_kiosk_sync (c, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.refused, >, 0);
  g_assert_cmpuint (report.pushed, ==, 0);
  {
    /* Refused one by one, the first for its scope; nothing of it applied on
     * the server, nor left in the kiosk's outbox. */
    g_autoptr(GPtrArray) refused = aj_store_list_refused (c->store, &error);
    g_assert_cmpuint (refused->len, ==, report.refused);
    g_assert_cmpstr (((AjRefusedEvent *) g_ptr_array_index (refused, 0))->code, ==, "out_of_scope");
    g_assert_cmpint (aj_store_count_unsynced (c->store), ==, 0);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                      "SELECT count(*) FROM inspections WHERE institution = 'DLX004'", NULL, -1), ==, 0);
    g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                      "SELECT count(*) FROM events WHERE server_seq IS NOT NULL AND device_id = ?",
                                      aj_store_get_device_id (c->store), -1), ==, 0);
  }
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central), "SELECT count(*) FROM events WHERE server_seq IS NOT NULL",
                                    NULL, -1), ==, before);

  /* One refusal never blocks: the kiosk's next visit, in its scope, goes through. */
  g_free (record_visit (c, "XHX001", NULL));
  memset (&report, 0, sizeof report);
  g_assert_true (aj_test_kiosk_sync (c, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, >, 0);
  g_assert_cmpuint (report.refused, ==, 0);
  g_assert_true (aj_store_verify_chain (f->central, aj_store_get_device_id (c->store), &error));
  g_assert_no_error (error);
}

/* A batch of events posted as the kiosk would, with its token. */
static long
post_batch (AjTestKiosk *kiosk,
            const char  *body,
            AjTestReply *reply)
{
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_autofree char *url = g_strdup_printf ("%s/api/v1/events", server->url);

  aj_test_http ("POST", url, token, NULL, body, strlen (body), reply);
  return reply->status;
}

static void
test_duplicate_batch (Fixture       *f,
                      gconstpointer  test_data)
{
  AjTestKiosk *kiosk = f->a;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_auto(AjTestReply) first = { 0 };
  g_auto(AjTestReply) second = { 0 };
  g_autofree char *inspection = NULL;
  g_autofree char *batch = NULL;
  gint64 count;

  g_test_summary ("The same batch posted twice, and sent again by the kiosk, is stored once with the same "
                  "acknowledgements");

  aj_test_kiosk_enroll (kiosk, server, "all");
  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, "NHQ002");
  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "pass", NULL, &error));
  outbox = aj_store_list_outbox (kiosk->store, 100, 1 << 20, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  batch = aj_events_to_batch (outbox, FALSE);

  g_assert_cmpint (post_batch (kiosk, batch, &first), ==, 200);
  count = aj_store_count_events (f->central);
  /* The same batch again, as after an answer lost on the way. */
  g_assert_cmpint (post_batch (kiosk, batch, &second), ==, 200);
  g_assert_cmpint (aj_store_count_events (f->central), ==, count);
  g_assert_cmpstr (strstr (first.body->str, "\"acks\""), ==, strstr (second.body->str, "\"acks\""));

  /* The kiosk, which never saw the answers, sends again: stored once. */
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_events (f->central), ==, count);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 0);
  aj_test_assert_same_events (kiosk->store, f->central, aj_store_get_device_id (kiosk->store));

  /* One event twice in one batch: stored once, both acks with its number. */
  {
    g_autoptr(GPtrArray) fresh = NULL;
    g_autoptr(GPtrArray) twice = g_ptr_array_new ();
    g_autofree char *doubled = NULL;
    g_auto(AjTestReply) third = { 0 };
    g_autoptr(JsonObject) reply = NULL;
    JsonArray *acks;

    g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-02", "pass", NULL, &error));
    fresh = aj_store_list_outbox (kiosk->store, 100, 1 << 20, &error);
    g_assert_cmpuint (fresh->len, ==, 1);
    g_ptr_array_add (twice, g_ptr_array_index (fresh, 0));
    g_ptr_array_add (twice, g_ptr_array_index (fresh, 0));
    doubled = aj_events_to_batch (twice, FALSE);
    g_assert_cmpint (post_batch (kiosk, doubled, &third), ==, 200);
    reply = aj_json_parse_object (third.body->str, NULL);
    acks = json_object_get_array_member (reply, "acks");
    g_assert_cmpuint (json_array_get_length (acks), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (acks, 0), "server_seq"), >, 0);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (acks, 0), "server_seq"), ==,
                     json_object_get_int_member (json_array_get_object_element (acks, 1), "server_seq"));
    g_assert_cmpint (aj_test_kiosk_sync (kiosk, NULL, &error), ==, TRUE);
    g_assert_cmpint (aj_store_count_events (f->central), ==, count + 1);
  }
}

/* A hazard found on A and edited on B ends the same on A, B and the server,
 * with the whole history on each. */
/* Both kiosks enrolled for 东林县, a visit recorded on A (with a hazard)
 * and synced to B through the server: the inspection's id. */
static char *
visit_on_a_synced_to_b (Fixture  *f,
                        char    **hazard)
{
  g_autoptr(GError) error = NULL;
  char *inspection;

  aj_test_kiosk_enroll (f->a, server, "county:东林县");
  aj_test_kiosk_enroll (f->b, server, "county:东林县");
  inspection = record_visit (f->a, "DLX005", hazard);
  g_assert_true (aj_test_kiosk_sync (f->a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (f->b, NULL, &error));
  g_assert_no_error (error);
  return inspection;
}

static void
test_two_kiosks (Fixture       *f,
                 gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *b = f->b;
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *dump_a = NULL, *dump_b = NULL, *dump_s = NULL;
  AjHazardDraft edit = {
    .description = "安全出口上锁，已当场要求打开", .risk_level = "orange", .grade = "major",
    .deadline = "2026-12-15", .responsible = "王建国",
  };

  g_test_summary ("A hazard found on one kiosk and edited on another ends the same on both and the server, "
                  "with the later answer winning and the whole history everywhere");

  inspection = visit_on_a_synced_to_b (f, &hazard);

  /* B edits the hazard and answers an item; A, meanwhile, answers the same item. */
  g_assert_true (aj_hazard_update (b->store, OTHER, hazard, &edit, &error));
  g_assert_true (aj_inspection_answer (b->store, OTHER, inspection, "EC-FIRE-03", "na", NULL, &error));
  g_usleep (5000);   /* A answers a few milliseconds later: its answer is the later one */
  g_assert_true (aj_inspection_answer (a->store, INSPECTOR, inspection, "EC-FIRE-03", "pass", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_no_error (error);

  dump_a = aj_store_dump_projections (a->store, NULL);
  dump_b = aj_store_dump_projections (b->store, NULL);
  g_assert_cmpstr (dump_a, ==, dump_b);
  {
    g_autoptr(AjHazard) on_a = aj_hazard_load (a->store, hazard);
    g_autoptr(AjHazard) on_s = aj_hazard_load (f->central, hazard);
    g_assert_cmpstr (aj_hazard_get_risk_level (on_a), ==, "orange");
    g_assert_cmpstr (aj_hazard_get_risk_level (on_s), ==, "orange");
  }
  /* Every event on each of the three, the same. */
  g_free (dump_a);
  g_free (dump_b);
  dump_a = aj_test_dump_events (a->store, NULL);
  dump_b = aj_test_dump_events (b->store, NULL);
  g_assert_cmpstr (dump_a, ==, dump_b);
  {
    g_autofree char *inspection_a = NULL, *inspection_s = NULL;
    g_autoptr(GPtrArray) ev_a = aj_store_list_events (a->store, hazard, NULL);
    g_autoptr(GPtrArray) ev_s = aj_store_list_events (f->central, hazard, NULL);
    g_assert_cmpuint (ev_a->len, ==, 2);
    g_assert_cmpuint (ev_s->len, ==, 2);
  }
  /* The later answer won everywhere; the other is still in the history. */
  {
    g_autoptr(GHashTable) ra = aj_inspection_get_results (a->store, inspection);
    g_autoptr(GHashTable) rs = aj_inspection_get_results (f->central, inspection);
    AjItemResult *x = g_hash_table_lookup (ra, "EC-FIRE-03");
    AjItemResult *y = g_hash_table_lookup (rs, "EC-FIRE-03");
    g_assert_cmpstr (x->result, ==, "pass");
    g_assert_cmpstr (y->result, ==, x->result);
  }
}

/* The pull's JSON is written by hand (aj-server-events.c): text that needs
 * escaping there comes out as it went in, and its hash still holds. */
static void
test_pulled_text_escaped (Fixture       *f,
                          gconstpointer  test_data)
{
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autoptr(GError) error = NULL;
  /* Quotes, backslashes and control characters (escaped in the body's
   * JSON, so more backslashes there), runs of eight plain bytes before and
   * after them, and text that is not ASCII. */
  static const char note[] = "门\"锁\"了 C:\\path\\ \t tab \n line end \\\"\\\" 12345678\"12345678";

  g_test_summary ("A note with quotes, backslashes and control characters, pushed from one kiosk, is pulled "
                  "by another byte for byte, its hash verified");

  inspection = visit_on_a_synced_to_b (f, &hazard);
  g_assert_true (aj_inspection_answer (f->a->store, INSPECTOR, inspection, "EC-FIRE-03", "pass", note, &error));
  /* B takes it only if its hash holds over the body as pulled. */
  g_assert_true (aj_test_kiosk_sync (f->a, NULL, &error) && aj_test_kiosk_sync (f->b, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) results = aj_inspection_get_results (f->b->store, inspection);
    AjItemResult *answer = g_hash_table_lookup (results, "EC-FIRE-03");

    g_assert_nonnull (answer);
    g_assert_cmpstr (answer->note, ==, note);
  }
}

static AjUser *
user (AjStore    *store,
      const char *id)
{
  AjUser *u = aj_registry_get_user (store, id);
  g_assert_nonnull (u);
  return u;
}

/* The issue's scenario: a hazard found on kiosk A, rectified on kiosk B
 * (the institution's tablet), verified and closed on A: the same state and
 * the whole history on A, B and the server. */
static void
test_closed_loop (Fixture       *f,
                  gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *b = f->b;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = NULL;
  g_autoptr(AjUser) head = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *ev = NULL;
  g_autofree char *evidence = NULL;
  g_autoptr(GPtrArray) history_a = NULL;
  g_autoptr(GPtrArray) history_b = NULL;
  g_autoptr(GPtrArray) history_s = NULL;
  AjStepInput order = {
    .measures = "拆除门锁，改为推闩式安全出口门", .responsible = "王建国", .deadline = "2026-12-20",
    .funds = "机构自筹 3000 元", .contingency_plan = "整改期间夜班专人值守出口",
  };
  AjStepInput fixed = { .note = "已更换为推闩门，并张贴疏散指示" };
  AjStepInput accept = { .accepted = TRUE, .opinion = "整改到位，同意销号" };
  AjSyncReport report = { 0 };

  g_test_summary ("Found on kiosk A, rectified with a photo on the institution's tablet B, verified and "
                  "closed on A: the same state and history on A, B and the server, and the same documents");

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "institutions:DLX001");
  inspection = record_visit (a, "DLX001", &hazard);
  g_assert_true (aj_inspection_finish (a->store, INSPECTOR, inspection, &error));
  inspector = user (a->store, INSPECTOR);
  ev = aj_hazard_step (a->store, inspector, hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);

  /* On the institution's tablet: the head reports the rectification with a photo. */
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_no_error (error);
  /* It knows its own people and the inspectors of its county, no one else. */
  {
    g_autofree char *users = users_of (b->store);
    g_assert_cmpstr (users, ==, "r-huang-min u-li-chunmei u-wang-jianguo u-zhang-wei u-zhao-xiulan");
  }
  head = user (b->store, "u-wang-jianguo");
  {
    g_autoptr(AjHazard) h = aj_hazard_load (b->store, hazard);
    g_assert_cmpstr (aj_hazard_get_status (h), ==, "rectification_ordered");
  }
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
    AjPhotoInfo info;
    const char *photos[2] = { NULL, NULL };

    gdk_pixbuf_fill (pixbuf, 0x3366ccff);
    g_assert_true (aj_photo_import_pixbuf (b->blob_dir, pixbuf, &info, &error));
    evidence = g_strdup (info.sha256);
    photos[0] = evidence;
    fixed.photos = photos;
    ev = aj_hazard_step (b->store, head, hazard, AJ_STEP_RECTIFY, &fixed, &error);
    g_assert_no_error (error);
    g_clear_pointer (&ev, g_free);
  }
  /* The head may not verify an inspector's hazard. */
  g_assert_null (aj_hazard_step (b->store, head, hazard, AJ_STEP_VERIFY, &accept, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_true (aj_test_kiosk_sync (b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_sent, ==, 1);

  /* Back on A: verified and struck off. */
  g_assert_true (aj_test_kiosk_sync (a, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_fetched, >=, 1);
  {
    g_autofree char *path = aj_photo_blob_path (a->blob_dir, evidence);
    g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  ev = aj_hazard_step (a->store, inspector, hazard, AJ_STEP_VERIFY, &accept, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  ev = aj_hazard_step (a->store, inspector, hazard, AJ_STEP_CLOSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_no_error (error);

  {
    g_autoptr(AjHazard) on_a = aj_hazard_load (a->store, hazard);
    g_autoptr(AjHazard) on_b = aj_hazard_load (b->store, hazard);
    g_autoptr(AjHazard) on_s = aj_hazard_load (f->central, hazard);
    g_assert_cmpstr (aj_hazard_get_status (on_a), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_status (on_b), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_status (on_s), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_closed_at (on_a), ==, aj_hazard_get_closed_at (on_s));
    g_assert_cmpstr (aj_hazard_get_closed_at (on_b), ==, aj_hazard_get_closed_at (on_s));
  }
  history_a = aj_store_list_events (a->store, hazard, NULL);
  history_b = aj_store_list_events (b->store, hazard, NULL);
  history_s = aj_store_list_events (f->central, hazard, NULL);
  g_assert_cmpuint (history_a->len, ==, 5);   /* found, ordered, rectified, verified, closed */
  g_assert_cmpuint (history_b->len, ==, history_a->len);
  g_assert_cmpuint (history_s->len, ==, history_a->len);
  for (guint i = 0; i < history_a->len; i++)
    {
      AjEvent *x = g_ptr_array_index (history_a, i), *y = g_ptr_array_index (history_b, i),
              *z = g_ptr_array_index (history_s, i);
      g_assert_cmpstr (x->hash, ==, y->hash);
      g_assert_cmpstr (x->hash, ==, z->hash);
    }

  /* The documents from the kiosk's data and from the server's are the same. */
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdftotext != NULL)
    {
      g_autofree char *template = aj_test_source_path ("data/checklists/elder-care.json");
      g_autoptr(AjChecklist) checklist = aj_checklist_load_file (template, &error);
      g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
      g_autofree char *kiosk_pdf = g_build_filename (a->data_dir, "verification.pdf", NULL);
      g_autofree char *server_pdf = g_build_filename (a->data_dir, "verification-server.pdf", NULL);
      g_autofree char *server_url = aj_store_get_meta (a->store, "sync.server");
      g_autofree char *out = NULL;
      g_autofree char *left = NULL, *right = NULL;
      const char *second[] = { "r-huang-min", NULL };
      AjReportOptions options = { .blob_dir = a->blob_dir, .server_url = server_url, .checklists = checklists,
                                  .author = INSPECTOR, .inspectors = second };
      g_autofree char *notice_pdf = g_build_filename (a->data_dir, "notice.pdf", NULL);
      const char *argv_l[] = { "pdftotext", kiosk_pdf, "-", NULL };
      const char *argv_r[] = { "pdftotext", server_pdf, "-", NULL };

      g_assert_no_error (error);
      g_ptr_array_add (checklists, checklist);
      /* The notice first (the opinion cites its number), then the opinion;
       * their numbers reach the server, which prints the same. */
      g_assert_true (aj_report_write_pdf (a->store, AJ_REPORT_NOTICE, inspection, &options, notice_pdf, &error));
      g_assert_no_error (error);
      g_assert_true (aj_report_write_pdf (a->store, AJ_REPORT_VERIFICATION, inspection, &options, kiosk_pdf, &error));
      g_assert_no_error (error);
      g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
      g_assert_no_error (error);
      g_free (aj_test_server_admin (server, "publish-checklist", template, NULL));
      out = aj_test_server_admin (server, "report", "verification", inspection, "--server", server_url,
                                  "-o", server_pdf, NULL);
      g_assert_true (g_spawn_sync (NULL, (char **) argv_l, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &left, NULL, NULL, NULL));
      g_assert_true (g_spawn_sync (NULL, (char **) argv_r, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &right, NULL, NULL, NULL));
      g_assert_nonnull (strstr (left, "整改到位，同意销号"));
      g_assert_nonnull (strstr (left, "鲁民执-DL-0025"));
      g_assert_nonnull (strstr (left, "东民安检"));
      g_assert_cmpstr (left, ==, right);
    }
}

/* Document numbers across two kiosks and the server: blocks granted at
 * sync never overlap, numbers given offline never collide, a kiosk cannot
 * claim another's number, and a restarted kiosk goes on where it stopped. */
static void
test_document_numbers (Fixture       *f,
                       gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *b = f->b;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *today = aj_doc_number_china_today ();
  int year = aj_doc_number_year_of (today);
  const char *team[] = { INSPECTOR, "r-huang-min", NULL };
  const char *institutions[] = { "DLX001", "DLX002", "DLX003" };
  g_autofree char *forged = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  gint64 seq = 0, a_first = 0, held;

  g_test_summary ("Two kiosks get disjoint blocks of the department's numbers at sync, number documents offline "
                  "without a collision, the server accepts them all and refuses a number from another kiosk's "
                  "block; a restarted kiosk never gives a number twice");
  held = aj_db_query_int (aj_store_get_db (f->central), "SELECT count(*) FROM documents WHERE department = 'dep-dl'",
                          NULL, -1);
  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "county:东林县");
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_numbering_remaining (a->store, "dep-dl", year), ==, AJ_DOC_NUMBER_BLOCK);
  g_assert_cmpint (aj_numbering_remaining (b->store, "dep-dl", year), ==, AJ_DOC_NUMBER_BLOCK);
  /* Only the departments of the scope. */
  g_assert_cmpint (aj_numbering_remaining (a->store, "dep-xh", year), ==, 0);

  /* Offline, each numbers three documents of its own inspections. */
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < G_N_ELEMENTS (institutions); i++)
      {
        AjTestKiosk *kiosk = k ? b : a;
        g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, institutions[i]);
        g_autoptr(AjDocumentNumber) n = aj_numbering_issue (kiosk->store, INSPECTOR, "inspection", inspection, NULL,
                                                            "dep-dl", team, &error);
        g_assert_no_error (error);
        g_assert_cmpint (n->seq, >, 0);
        g_assert_false (g_hash_table_contains (seen, n->number));
        g_hash_table_add (seen, g_strdup (n->number));
        if (k == 1 && seq == 0)
          seq = n->seq;   /* the first of B's block */
        if (k == 0 && a_first == 0)
          a_first = n->seq;
      }
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_unsynced (a->store), ==, 0);
  g_assert_cmpint (aj_store_count_unsynced (b->store), ==, 0);
  /* The server holds all six (and those of earlier tests), A and B the six. */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                    "SELECT count(*) FROM documents WHERE department = 'dep-dl'", NULL, -1), ==,
                   held + 6);
  {
    GHashTableIter iter;
    gpointer number;
    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, &number, NULL))
      for (guint k = 0; k < 3; k++)
        {
          AjStore *store = k == 0 ? a->store : k == 1 ? b->store : f->central;
          g_assert_cmpint (aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM documents WHERE number = ?",
                                            number, -1), ==, 1);
        }
  }

  /* A claims a number of B's block: refused, with its code. */
  {
    g_autofree char *inspection = aj_test_kiosk_start_inspection (a, INSPECTOR, "DLX004");
    g_autoptr(JsonObject) body = json_object_new ();
    g_autofree char *number = aj_doc_number_format ("东民安检", year, seq);
    g_autofree char *at = aj_now_iso8601 ();

    json_object_set_string_member (body, "kind", "notice");
    json_object_set_string_member (body, "number", number);
    json_object_set_string_member (body, "department", "dep-dl");
    json_object_set_int_member (body, "year", year);
    json_object_set_int_member (body, "seq", seq);
    json_object_set_string_member (body, "issued_on", today);
    json_object_set_string_member (body, "at", at);
    forged = aj_store_append (a->store, "document.numbered", inspection, INSPECTOR, body, &error);
    g_assert_no_error (error);
  }
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_lookup_event (f->central, forged, NULL, &code, &message));
  g_assert_cmpstr (code, ==, "number_not_granted");

  /* Restarted, A goes on after the last number it gave. */
  {
    g_autofree char *inspection = aj_test_kiosk_start_inspection (a, INSPECTOR, "DLX005");
    g_autoptr(AjDocumentNumber) n = NULL;

    g_clear_object (&a->store);
    a->store = aj_store_open (a->db_path, &error);
    g_assert_no_error (error);
    n = aj_numbering_issue (a->store, INSPECTOR, "inspection", inspection, NULL, "dep-dl", team, &error);
    g_assert_no_error (error);
    g_assert_false (g_hash_table_contains (seen, n->number));
    g_assert_cmpint (n->seq, ==, a_first + 3);
  }
}

/* Two inspectors verify the same hazard offline: both decisions are kept,
 * the later one shows as a conflict everywhere. */
static void
test_concurrent_verification (Fixture       *f,
                              gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  AjTestKiosk *b = f->b;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) one = NULL;
  g_autoptr(AjUser) two = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *ev = NULL;
  g_autofree char *dump_a = NULL, *dump_b = NULL;
  const char *photos[] = { "0000000000000000000000000000000000000000000000000000000000000000", NULL };
  AjStepInput fixed = { .note = "当场清理", .photos = NULL };
  AjStepInput accept = { .accepted = TRUE, .opinion = "合格" };
  AjStepInput reject = { .accepted = FALSE, .opinion = "仍有杂物" };

  g_test_summary ("Two inspectors verifying the same hazard offline: both decisions kept, the first wins, "
                  "and the later one is a conflict on every kiosk");

  aj_test_kiosk_enroll (a, server, "all");
  aj_test_kiosk_enroll (b, server, "all");
  inspection = aj_test_kiosk_start_inspection (a, INSPECTOR, "NHQ003");
  {
    AjHazardDraft draft = { .inspection_id = inspection, .item_code = "EC-FIRE-02", .category = "fire",
                            .description = "疏散指示灯不亮", .risk_level = "yellow", .grade = "general" };
    hazard = aj_hazard_record (a->store, INSPECTOR, &draft, &error);
    g_assert_no_error (error);
  }
  g_assert_true (aj_inspection_finish (a->store, INSPECTOR, inspection, &error));
  one = user (a->store, INSPECTOR);
  /* A general hazard fixed on the spot: the evidence photo must exist. */
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
    AjPhotoInfo info;
    static char sha[65];
    gdk_pixbuf_fill (pixbuf, 0x11aa44ff);
    g_assert_true (aj_photo_import_pixbuf (a->blob_dir, pixbuf, &info, &error));
    memcpy (sha, info.sha256, 65);
    photos[0] = sha;
    fixed.photos = photos;
  }
  ev = aj_hazard_step (a->store, one, hazard, AJ_STEP_RECTIFY, &fixed, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_no_error (error);

  two = user (b->store, "u-chen-jing");
  ev = aj_hazard_step (a->store, one, hazard, AJ_STEP_VERIFY, &accept, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  g_usleep (3000);
  ev = aj_hazard_step (b->store, two, hazard, AJ_STEP_VERIFY, &reject, &error);
  g_assert_no_error (error);

  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);

  dump_a = aj_store_dump_projections (a->store, NULL);
  dump_b = aj_store_dump_projections (b->store, NULL);
  g_assert_cmpstr (dump_a, ==, dump_b);
  g_assert_cmpuint (aj_hazard_count_conflicts (a->store, hazard), ==, 1);
  g_assert_cmpuint (aj_hazard_count_conflicts (b->store, hazard), ==, 1);
  {
    g_autoptr(AjHazard) h = aj_hazard_load (b->store, hazard);
    g_assert_cmpstr (aj_hazard_get_status (h), ==, "verified");   /* A's came first */
  }
}

/* The server with a certificate of its own: the kiosk verifies it, and
 * refuses it without the CA that signed it. */
static void
test_tls (Fixture       *f,
          gconstpointer  test_data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "tls", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *code = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GError) error = NULL;
  AjTestKiosk *kiosk = f->a;
  AjTestServer *tls_server;
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir };

  g_test_summary ("Over HTTPS the kiosk refuses a server certificate it cannot verify, and enrolls and syncs "
                  "with the CA that signed it");

  g_autofree char *openssl_path = g_find_program_in_path ("openssl");

  if (openssl_path == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key, "-out", cert, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  g_assert_no_error (error);

  tls_server = aj_test_server_new_tls (cert, key);
  code = aj_test_server_code (tls_server, "all");
  g_assert_true (g_str_has_prefix (tls_server->url, "https://"));

  /* Without the CA: refused, and nothing was sent. A handshake that times
   * out (the server's first TLS session, under sanitizers on a loaded
   * machine) decides nothing: it is tried again. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_clear_error (&error);
      g_assert_false (aj_sync_enroll (kiosk->store, tls_server->url, code, "tls", &options, &error));
      g_test_message ("without the CA: %s", error ? error->message : "no error");
      if (error == NULL || strstr (error->message, "timeout") == NULL)
        break;
    }
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_clear_error (&error);

  options.ca_file = cert;
  g_assert_true (aj_sync_enroll (kiosk->store, tls_server->url, code, "tls", &options, &error));
  g_assert_no_error (error);
  options.checklist_dir = kiosk->checklist_dir;
  g_free (record_visit (kiosk, "DLX001", NULL));
  g_assert_true (aj_sync_run (kiosk->store, &options, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 0);

  aj_test_server_stop (tls_server);
  aj_test_server_free (tls_server);
}


/* The office sees a home's rounds: the server computes completion from the
 * schedules and self-inspections it holds and serves it to devices. */
static void
test_completion (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = aj_test_source_path ("data/checklists/round-daily.json");
  g_autoptr(AjChecklist) daily = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(AjSchedule) schedule = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(AjTestReply) reply = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *today = aj_schedule_date_of (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *inspection = NULL;
  JsonArray *homes;
  gboolean seen = FALSE;

  g_test_bug ("13");
  g_test_summary ("A schedule and a finished round reach the server by sync; GET /api/v1/completion answers the "
                  "home's due and done rounds, for the homes in the device's scope only, and only with a token");
  aj_test_kiosk_enroll (f->a, server, "county:东林县");
  daily = aj_checklist_load_file (path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (body, "institution", "DLX003");
  json_object_set_string_member (body, "template", "round-daily");
  json_object_set_string_member (body, "post", "safety_officer");
  json_object_set_string_member (body, "frequency", "daily");
  json_object_set_string_member (body, "from", today);
  schedule = aj_schedule_from_json ("DLX003-daily-sync", body, &error);
  g_assert_no_error (error);
  g_assert_true (aj_rounds_set_schedule (f->a->store, "u-zhou-min", schedule, &error));
  g_assert_no_error (error);
  inspection = aj_inspection_start (f->a->store, "u-zhang-wei", "DLX003", "self", daily, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->a->store, "u-zhang-wei", inspection, &error));
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->a, NULL, &error));
  g_assert_no_error (error);

  url = g_strdup_printf ("%s/api/v1/completion", server->url);
  aj_test_http ("GET", url, NULL, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, 401);
  aj_test_reply_clear (&reply);
  token = aj_store_get_meta (f->a->store, "sync.token");
  aj_test_http ("GET", url, token, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, reply.body->str, -1, &error));
  g_assert_no_error (error);
  homes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "institutions");
  for (guint i = 0; i < json_array_get_length (homes); i++)
    {
      JsonObject *home = json_array_get_object_element (homes, i);
      const char *code = json_object_get_string_member (home, "institution");

      g_assert_false (g_str_has_prefix (code, "XHX"));   /* another county */
      if (g_str_equal (code, "DLX003"))
        {
          JsonObject *week = json_object_get_object_member (home, "week");
          seen = TRUE;
          g_assert_cmpint (json_object_get_int_member (week, "due"), ==, 1);
          g_assert_cmpint (json_object_get_int_member (week, "done"), ==, 1);
          g_assert_cmpint (json_object_get_int_member (week, "percent"), ==, 100);
        }
    }
  g_assert_true (seen);
}

/* The text pdftotext reads from @pdf. */
static char *
pdf_text (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  char *out = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, NULL));
  return out;
}

static const char *
refused_code_of (GPtrArray  *refused,
                 const char *author)
{
  for (guint i = 0; i < refused->len; i++)
    {
      AjRefusedEvent *r = g_ptr_array_index (refused, i);
      if (g_str_equal (r->event->type, "inspection.team_confirmed") && g_str_equal (r->event->author, author))
        return r->code;
    }
  return NULL;
}

/* A field inspection (no assignment) takes a colleague of the department:
 * the server accepts the colleague's confirmation, refuses one of a
 * non-inspector (role) and of an inspector outside the department or tied
 * to the home (scope); the documents, the kiosk's and the server's, name
 * both inspectors with certificates; the server's record uses the checklist
 * version the inspection was made with. */
static void
test_field_team (Fixture       *f,
                 gconstpointer  test_data)
{
  AjTestKiosk *a = f->a;
  g_autoptr(GError) error = NULL;
  g_autofree char *v1_path = aj_test_source_path ("data/checklists/elder-care.v1.json");
  g_autofree char *v2_path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(AjChecklist) v1 = aj_checklist_load_file (v1_path, &error);
  g_autoptr(AjChecklist) v2 = aj_checklist_load_file (v2_path, &error);
  g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *field = NULL;
  g_autofree char *tied = NULL;
  g_autofree char *hazard = NULL;
  const char *colleague[] = { COLLEAGUE, NULL };
  AjHazardDraft draft = { .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口被杂物堵塞",
                          .risk_level = "red", .grade = "general", .deadline = "2027-01-10", .responsible = "郑海涛" };

  g_test_summary ("A field inspection takes a colleague confirmed by PIN (inspection.team_confirmed without an "
                  "assignment); the server refuses a team event of a non-inspector (role_not_allowed) and of an "
                  "inspector of another department or tied to the home (out_of_scope); the notice names both "
                  "inspectors with certificates; the server's record keeps the checklist version of the inspection");
  g_assert_no_error (error);
  aj_checklist_supersede (v2, v1);
  g_ptr_array_add (checklists, v2);
  aj_test_kiosk_enroll (a, server, "county:东林县");
  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);

  /* The kiosk offers the colleague of the department, and no one else. */
  field = aj_inspection_start (a->store, INSPECTOR, "DLX002", "field", v1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GListModel) offered = aj_team_list_colleagues (a->store, field, INSPECTOR);
    g_autoptr(AjInspector) only = g_list_model_get_item (offered, 0);
    g_assert_cmpuint (g_list_model_get_n_items (offered), ==, 1);
    g_assert_cmpstr (aj_inspector_get_id (only), ==, COLLEAGUE);
  }
  draft.inspection_id = field;
  g_assert_true (aj_inspection_answer (a->store, INSPECTOR, field, "EC-FIRE-01", "hazard", NULL, &error));
  hazard = aj_hazard_record (a->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_team_add (a->store, INSPECTOR, field, colleague, &error));
  g_assert_no_error (error);
  /* What no honest kiosk sends: a home's staff member and an inspector of
   * another county confirming themselves on the team. */
  g_assert_true (aj_team_confirm (a->store, field, "u-li-chunmei", &error));
  g_assert_true (aj_team_confirm (a->store, field, OTHER, &error));
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (a->store, INSPECTOR, field, &error));
  g_assert_no_error (error);

  /* At DLX001, where the colleague works: the device knows no ties, the
   * server does. */
  tied = aj_inspection_start (a->store, INSPECTOR, "DLX001", "field", v2, &error);
  g_assert_no_error (error);
  g_assert_true (aj_team_add (a->store, INSPECTOR, tied, colleague, &error));
  g_assert_no_error (error);

  g_assert_true (aj_test_kiosk_sync (a, NULL, &error));
  g_assert_no_error (error);
  refused = aj_store_list_refused (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (refused_code_of (refused, "u-li-chunmei"), ==, "role_not_allowed");
  g_assert_cmpstr (refused_code_of (refused, OTHER), ==, "out_of_scope");
  g_assert_cmpstr (refused_code_of (refused, COLLEAGUE), ==, "out_of_scope");   /* at DLX001 only */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                    "SELECT count(*) FROM inspection_team WHERE inspection_id = ? AND member IN "
                                    "('u-zhang-wei', 'r-huang-min')", field, -1), ==, 2);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                    "SELECT count(*) FROM inspection_team WHERE inspection_id = ?", field, -1), ==, 2);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->central),
                                    "SELECT count(*) FROM inspection_team WHERE inspection_id = ? AND member = "
                                    "'r-huang-min'", tied, -1), ==, 0);

  if (pdftotext == NULL)
    return;
  {
    g_autofree char *notice = g_build_filename (a->data_dir, "notice.pdf", NULL);
    g_autofree char *record = g_build_filename (a->data_dir, "record-server.pdf", NULL);
    g_autofree char *text = NULL;
    g_autofree char *server_text = NULL;
    AjReportOptions options = { .blob_dir = a->blob_dir, .checklists = checklists, .author = INSPECTOR };

    /* The notice, with no one named beside the team on record. */
    g_assert_true (aj_report_write_pdf (a->store, AJ_REPORT_NOTICE, field, &options, notice, &error));
    g_assert_no_error (error);
    text = pdf_text (notice);
    g_assert_nonnull (strstr (text, "鲁民执-DL-0012"));
    g_assert_nonnull (strstr (text, "鲁民执-DL-0025"));

    /* The server's record of it, with version 2 published over version 1:
     * the items of version 1, none of those version 2 added. */
    g_free (aj_test_server_admin (server, "publish-checklist", v1_path, v2_path, NULL));
    g_free (aj_test_server_admin (server, "report", "inspection", field, "-o", record, NULL));
    server_text = pdf_text (record);
    g_assert_nonnull (strstr (server_text, "EC-FIRE-01"));
    g_assert_null (strstr (server_text, "EC-FIRE-13"));
    g_assert_nonnull (strstr (server_text, "鲁民执-DL-0025"));
  }
}

/* Each test on two new kiosks (see fixture_setup). */
#define add_sync_test(path, test) \
  g_test_add (path, Fixture, NULL, fixture_setup, test, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  int result;

  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server = aj_test_server_new ();
  add_sync_test ("/sync/enroll-once-with-a-code", test_enroll);
  add_sync_test ("/sync/push-pull-with-photo", test_push_pull);
  add_sync_test ("/sync/unknown-and-revoked-tokens", test_tokens);
  add_sync_test ("/sync/scope-hides-and-refuses", test_scope);
  add_sync_test ("/sync/duplicate-batch-stored-once", test_duplicate_batch);
  add_sync_test ("/sync/two-kiosks-converge", test_two_kiosks);
  add_sync_test ("/sync/pulled-text-escaped-byte-for-byte", test_pulled_text_escaped);
  add_sync_test ("/sync/closed-loop-across-kiosks", test_closed_loop);
  add_sync_test ("/sync/concurrent-verification-conflict", test_concurrent_verification);
  add_sync_test ("/sync/document-numbers-in-blocks-never-collide", test_document_numbers);
  add_sync_test ("/sync/tls-certificate-checked", test_tls);
  add_sync_test ("/sync/completion-served-in-scope", test_completion);
  add_sync_test ("/sync/field-team-colleague-accepted-non-inspector-refused", test_field_team);
  result = g_test_run ();
  aj_test_server_free (server);
  return result;
}
