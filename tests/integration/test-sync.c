/* test-sync.c: the real server on loopback and real kiosk stores: enrollment,
 * push, pull, scopes, revoked and unknown tokens, duplicates, two kiosks. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <curl/curl.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-checklist.h"
#include "aj-test-server.h"

#define INSPECTOR "u-zhang-wei"
#define OTHER     "u-liu-yang"

static AjTestServer *server;

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
assert_same_events (AjStore    *a,
                    AjStore    *b,
                    const char *device_id)
{
  g_autofree char *left = aj_test_dump_events (a, device_id);
  g_autofree char *right = aj_test_dump_events (b, device_id);

  g_assert_cmpstr (left, ==, right);
}

static void
test_enroll (void)
{
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autofree char *code = aj_test_server_code (server, "all");
  g_autoptr(GError) error = NULL;
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir };

  /* Not enrolled yet: sync says so. */
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
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
    AjTestKiosk *other = aj_test_kiosk_new ();
    AjSyncOptions other_options = { .blob_dir = other->blob_dir };
    g_assert_false (aj_sync_enroll (other->store, server->url, code, "tablet 2", &other_options, &error));
    g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "code_used"));
    g_clear_error (&error);
    aj_test_kiosk_free (other);
  }

  /* The first sync brings the server's registry. */
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *source = aj_store_get_meta (kiosk->store, "registry_source");
    g_assert_cmpstr (source, ==, "server");
  }
  aj_test_kiosk_free (kiosk);
}

static void
test_push_pull (void)
{
  AjTestKiosk *a = aj_test_kiosk_new ();
  AjTestKiosk *b = aj_test_kiosk_new ();
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autoptr(AjHazard) seen = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  AjSyncReport report = { 0 };

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "county:东林县");
  inspection = record_visit (a, "DLX001", &hazard);

  g_assert_true (aj_test_kiosk_sync (a, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 5);
  g_assert_cmpuint (report.blobs_sent, ==, 1);
  g_assert_cmpint (aj_store_count_unsynced (a->store), ==, 0);

  /* The server holds exactly what the kiosk made. */
  central = aj_test_server_open_store (server);
  assert_same_events (a->store, central, aj_store_get_device_id (a->store));
  g_assert_true (aj_store_verify_chain (central, aj_store_get_device_id (a->store), &error));
  g_assert_no_error (error);

  /* Another kiosk of the same county receives it, photo included. */
  g_assert_true (aj_test_kiosk_sync (b, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pulled, ==, 5);
  g_assert_cmpuint (report.blobs_fetched, ==, 1);
  assert_same_events (a->store, b->store, aj_store_get_device_id (a->store));
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
  g_assert_true (aj_test_kiosk_sync (b, NULL, &report, &error));
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (report.pushed, ==, 0);

  aj_test_kiosk_free (a);
  aj_test_kiosk_free (b);
}

static void
test_tokens (void)
{
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *good = NULL;

  aj_test_kiosk_enroll (kiosk, server, "all");
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
  g_assert_no_error (error);

  /* An unknown token. */
  good = aj_store_get_meta (kiosk->store, "sync.token");
  aj_store_set_meta (kiosk->store, "sync.token", "0123456789abcdef0123456789abcdef", NULL);
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token_unknown"));
  g_clear_error (&error);
  aj_store_set_meta (kiosk->store, "sync.token", good, NULL);

  /* A revoked device: refused, and what it recorded stays on it. */
  record_visit (kiosk, "DLX002", NULL);
  out = aj_test_server_admin (server, "revoke-device", aj_store_get_device_id (kiosk->store), NULL);
  g_assert_false (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token_revoked"));
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 5);
  {
    g_autofree char *last = aj_store_get_meta (kiosk->store, "sync.last_error");
    g_assert_nonnull (last);
  }
  aj_test_kiosk_free (kiosk);
}

static void
test_scope (void)
{
  AjTestKiosk *a = aj_test_kiosk_new ();
  AjTestKiosk *c = aj_test_kiosk_new ();
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *url = NULL;
  AjSyncReport report = { 0 };
  gint64 before;

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (c, server, "county:西河县");
  record_visit (a, "DLX003", NULL);
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_no_error (error);

  /* C sees nothing of 东林县, and its registry holds only 西河县. */
  g_assert_true (aj_test_kiosk_sync (c, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM events WHERE institution LIKE 'DLX%'", NULL, -1), ==, 0);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM institutions WHERE county <> '西河县'", NULL, -1), ==, 0);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (c->store), "SELECT count(*) FROM institutions", NULL, -1), >, 0);

  /* Nor may it fetch A's photo. */
  sha = g_strdup ((const char *) aj_db_query_int (aj_store_get_db (a->store), "SELECT 0", NULL, 0) ? "" : "");
  {
    g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (a->store), "SELECT sha256 FROM photos LIMIT 1", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_free (sha);
    sha = aj_db_col_dup (stmt, 0);
  }
  {
    g_autofree char *token = aj_store_get_meta (c->store, "sync.token");
    g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
    struct curl_slist *headers = curl_slist_append (NULL, auth);
    CURL *curl = curl_easy_init ();
    long status = 0;
    url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_NOBODY, 0L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, fwrite);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, stderr);
    curl_easy_perform (curl);
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    g_assert_cmpint (status, ==, 404);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
  }

  /* And it cannot write about an institution outside its scope. */
  central = aj_test_server_open_store (server);
  before = aj_store_count_events (central);
  {
    /* Its own registry no longer offers DLX004; put the sample one back. */
    g_autofree char *registry = aj_test_source_path ("data/registry.json");
    g_assert_true (aj_registry_import_file (c->store, registry, "sample", &error));
  }
  record_visit (c, "DLX004", NULL);
  g_assert_false (aj_test_kiosk_sync (c, NULL, NULL, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "outside_scope"));
  g_assert_cmpint (aj_store_count_events (central), ==, before);

  aj_test_kiosk_free (a);
  aj_test_kiosk_free (c);
}

static size_t
collect (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

static long
post_batch (AjTestKiosk *kiosk,
            const char  *body,
            GString     *reply)
{
  g_autofree char *token = aj_store_get_meta (kiosk->store, "sync.token");
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/events", server->url);
  struct curl_slist *headers = curl_slist_append (NULL, auth);
  CURL *curl = curl_easy_init ();
  long status = 0;

  headers = curl_slist_append (headers, "Content-Type: application/json");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

static void
test_duplicate_batch (void)
{
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  g_autofree char *inspection = NULL;
  g_autofree char *batch = NULL;
  gint64 count;

  aj_test_kiosk_enroll (kiosk, server, "all");
  inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, "NHQ002");
  g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "pass", NULL, &error));
  outbox = aj_store_list_outbox (kiosk->store, 100, 1 << 20, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  batch = aj_events_to_batch (outbox, FALSE);

  central = aj_test_server_open_store (server);
  g_assert_cmpint (post_batch (kiosk, batch, first), ==, 200);
  count = aj_store_count_events (central);
  /* The same batch again, as after an answer lost on the way. */
  g_assert_cmpint (post_batch (kiosk, batch, second), ==, 200);
  g_assert_cmpint (aj_store_count_events (central), ==, count);
  g_assert_cmpstr (strstr (first->str, "\"acks\""), ==, strstr (second->str, "\"acks\""));

  /* The kiosk, which never saw the answers, sends again: stored once. */
  g_assert_true (aj_test_kiosk_sync (kiosk, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_events (central), ==, count);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 0);
  assert_same_events (kiosk->store, central, aj_store_get_device_id (kiosk->store));
  aj_test_kiosk_free (kiosk);
}

/* A hazard found on A and edited on B ends the same on A, B and the server,
 * with the whole history on each. */
static void
test_two_kiosks (void)
{
  AjTestKiosk *a = aj_test_kiosk_new ();
  AjTestKiosk *b = aj_test_kiosk_new ();
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *dump_a = NULL, *dump_b = NULL, *dump_s = NULL;
  AjHazardDraft edit = {
    .description = "安全出口上锁，已当场要求打开", .risk_level = "orange", .grade = "major",
    .deadline = "2026-12-15", .responsible = "王建国",
  };

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "county:东林县");
  inspection = record_visit (a, "DLX005", &hazard);
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_no_error (error);

  /* B edits the hazard and answers an item; A, meanwhile, answers the same item. */
  g_assert_true (aj_hazard_update (b->store, OTHER, hazard, &edit, &error));
  g_assert_true (aj_inspection_answer (b->store, OTHER, inspection, "EC-FIRE-03", "na", NULL, &error));
  g_usleep (5000);   /* A answers a few milliseconds later: its answer is the later one */
  g_assert_true (aj_inspection_answer (a->store, INSPECTOR, inspection, "EC-FIRE-03", "pass", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_no_error (error);

  central = aj_test_server_open_store (server);
  dump_a = aj_store_dump_projections (a->store, NULL);
  dump_b = aj_store_dump_projections (b->store, NULL);
  g_assert_cmpstr (dump_a, ==, dump_b);
  {
    g_autoptr(AjHazard) on_a = aj_hazard_load (a->store, hazard);
    g_autoptr(AjHazard) on_s = aj_hazard_load (central, hazard);
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
    g_autoptr(GPtrArray) ev_s = aj_store_list_events (central, hazard, NULL);
    g_assert_cmpuint (ev_a->len, ==, 2);
    g_assert_cmpuint (ev_s->len, ==, 2);
  }
  /* The later answer won everywhere; the other is still in the history. */
  {
    g_autoptr(GHashTable) ra = aj_inspection_get_results (a->store, inspection);
    g_autoptr(GHashTable) rs = aj_inspection_get_results (central, inspection);
    AjItemResult *x = g_hash_table_lookup (ra, "EC-FIRE-03");
    AjItemResult *y = g_hash_table_lookup (rs, "EC-FIRE-03");
    g_assert_cmpstr (x->result, ==, "pass");
    g_assert_cmpstr (y->result, ==, x->result);
  }
  aj_test_kiosk_free (a);
  aj_test_kiosk_free (b);
}

static AjUser *
user (AjStore    *store,
      const char *id)
{
  AjUser *u = aj_registry_get_user (store, id);
  g_assert_nonnull (u);
  return u;
}

/* The scenario: a hazard found on kiosk A, rectified on kiosk B
 * (the institution's tablet), verified and closed on A: the same state and
 * the whole history on A, B and the server. */
static void
test_closed_loop (void)
{
  AjTestKiosk *a = aj_test_kiosk_new ();
  AjTestKiosk *b = aj_test_kiosk_new ();
  g_autoptr(AjStore) central = NULL;
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

  aj_test_kiosk_enroll (a, server, "county:东林县");
  aj_test_kiosk_enroll (b, server, "institutions:DLX001");
  inspection = record_visit (a, "DLX001", &hazard);
  g_assert_true (aj_inspection_finish (a->store, INSPECTOR, inspection, &error));
  inspector = user (a->store, INSPECTOR);
  ev = aj_hazard_step (a->store, inspector, hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_no_error (error);

  /* On the institution's tablet: the head reports the rectification with a photo. */
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_no_error (error);
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
  g_assert_true (aj_test_kiosk_sync (b, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.blobs_sent, ==, 1);

  /* Back on A: verified and struck off. */
  g_assert_true (aj_test_kiosk_sync (a, NULL, &report, &error));
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
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_no_error (error);

  central = aj_test_server_open_store (server);
  {
    g_autoptr(AjHazard) on_a = aj_hazard_load (a->store, hazard);
    g_autoptr(AjHazard) on_b = aj_hazard_load (b->store, hazard);
    g_autoptr(AjHazard) on_s = aj_hazard_load (central, hazard);
    g_assert_cmpstr (aj_hazard_get_status (on_a), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_status (on_b), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_status (on_s), ==, "closed");
    g_assert_cmpstr (aj_hazard_get_closed_at (on_a), ==, aj_hazard_get_closed_at (on_s));
    g_assert_cmpstr (aj_hazard_get_closed_at (on_b), ==, aj_hazard_get_closed_at (on_s));
  }
  history_a = aj_store_list_events (a->store, hazard, NULL);
  history_b = aj_store_list_events (b->store, hazard, NULL);
  history_s = aj_store_list_events (central, hazard, NULL);
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
  if (g_find_program_in_path ("pdftotext") != NULL)
    {
      g_autofree char *template = aj_test_source_path ("data/checklists/elder-care.json");
      g_autoptr(AjChecklist) checklist = aj_checklist_load_file (template, &error);
      g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
      g_autofree char *kiosk_pdf = g_build_filename (a->data_dir, "verification.pdf", NULL);
      g_autofree char *server_pdf = g_build_filename (a->data_dir, "verification-server.pdf", NULL);
      g_autofree char *server_url = aj_store_get_meta (a->store, "sync.server");
      g_autofree char *out = NULL;
      g_autofree char *left = NULL, *right = NULL;
      AjReportOptions options = { .blob_dir = a->blob_dir, .server_url = server_url, .checklists = checklists };
      const char *argv_l[] = { "pdftotext", kiosk_pdf, "-", NULL };
      const char *argv_r[] = { "pdftotext", server_pdf, "-", NULL };

      g_assert_no_error (error);
      g_ptr_array_add (checklists, checklist);
      g_assert_true (aj_report_write_pdf (a->store, AJ_REPORT_VERIFICATION, inspection, &options, kiosk_pdf, &error));
      g_assert_no_error (error);
      aj_test_server_admin (server, "publish-checklist", template, NULL);
      out = aj_test_server_admin (server, "report", "verification", inspection, "--server", server_url,
                                  "-o", server_pdf, NULL);
      g_assert_true (g_spawn_sync (NULL, (char **) argv_l, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &left, NULL, NULL, NULL));
      g_assert_true (g_spawn_sync (NULL, (char **) argv_r, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &right, NULL, NULL, NULL));
      g_assert_nonnull (strstr (left, "整改到位，同意销号"));
      g_assert_cmpstr (left, ==, right);
    }
  aj_test_kiosk_free (a);
  aj_test_kiosk_free (b);
}

/* Two inspectors verify the same hazard offline: both decisions are kept,
 * the later one shows as a conflict everywhere. */
static void
test_concurrent_verification (void)
{
  AjTestKiosk *a = aj_test_kiosk_new ();
  AjTestKiosk *b = aj_test_kiosk_new ();
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
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_no_error (error);

  two = user (b->store, "u-chen-jing");
  ev = aj_hazard_step (a->store, one, hazard, AJ_STEP_VERIFY, &accept, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ev, g_free);
  g_usleep (3000);
  ev = aj_hazard_step (b->store, two, hazard, AJ_STEP_VERIFY, &reject, &error);
  g_assert_no_error (error);

  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (b, NULL, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (a, NULL, NULL, &error));
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
  aj_test_kiosk_free (a);
  aj_test_kiosk_free (b);
}

/* The server with a certificate of its own: the kiosk verifies it, and
 * refuses it without the CA that signed it. */
static void
test_tls (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anjian-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *log_path = g_build_filename (dir, "server.log", NULL);
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GSubprocess) server_process = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GError) error = NULL;
  AjTestKiosk *kiosk = aj_test_kiosk_new ();
  AjTestServer admin = { .data_dir = data };
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir };
  gint64 deadline;

  if (g_find_program_in_path ("openssl") == NULL)
    {
      g_test_skip ("openssl is not installed");
      aj_test_kiosk_free (kiosk);
      return;
    }
  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key, "-out", cert, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  g_assert_no_error (error);

  code = aj_test_server_code (&admin, "all");
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  server_process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ANJIAN_SERVER"), "serve",
                                                "--data", data, "--listen", "127.0.0.1:0",
                                                "--tls-cert", cert, "--tls-key", key, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (url == NULL && g_get_monotonic_time () < deadline)
    {
      g_autofree char *log = NULL;
      char *newline;
      if (g_file_get_contents (log_path, &log, NULL, NULL) && g_str_has_prefix (log, "listening on ") &&
          (newline = strchr (log, '\n')) != NULL)
        {
          *newline = '\0';
          url = g_strdup (log + strlen ("listening on "));
        }
      else
        g_usleep (20000);
    }
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "https://"));

  /* Without the CA: refused, and nothing was sent. */
  g_assert_false (aj_sync_enroll (kiosk->store, url, code, "tls", &options, &error));
  g_assert_error (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_clear_error (&error);

  options.ca_file = cert;
  g_assert_true (aj_sync_enroll (kiosk->store, url, code, "tls", &options, &error));
  g_assert_no_error (error);
  options.checklist_dir = kiosk->checklist_dir;
  record_visit (kiosk, "DLX001", NULL);
  g_assert_true (aj_sync_run (kiosk->store, &options, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_unsynced (kiosk->store), ==, 0);

  g_subprocess_send_signal (server_process, SIGTERM);
  g_assert_true (g_subprocess_wait (server_process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (server_process));
  g_assert_cmpint (g_subprocess_get_exit_status (server_process), ==, 0);
  aj_test_kiosk_free (kiosk);
  aj_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  server = aj_test_server_new ();
  g_test_add_func ("/sync/enroll", test_enroll);
  g_test_add_func ("/sync/push-pull", test_push_pull);
  g_test_add_func ("/sync/tokens", test_tokens);
  g_test_add_func ("/sync/scope", test_scope);
  g_test_add_func ("/sync/duplicate-batch", test_duplicate_batch);
  g_test_add_func ("/sync/two-kiosks", test_two_kiosks);
  g_test_add_func ("/sync/closed-loop", test_closed_loop);
  g_test_add_func ("/sync/concurrent-verification", test_concurrent_verification);
  g_test_add_func ("/sync/tls", test_tls);
  result = g_test_run ();
  aj_test_server_free (server);
  return result;
}
