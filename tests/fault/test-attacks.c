/* test-attacks.c: the server attacked as an attacker would, on 127.0.0.1:
 * each test makes one attack and shows it refused with its error code, the
 * target unchanged on the server (its projections) and on its public page
 * /h/<id>, and the server still serving afterwards. Issue 9, "How it is
 * proven". */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <curl/curl.h>

#include "aj-attack.h"
#include "aj-checklist.h"
#include "aj-codec.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR    "u-zhang-wei"      /* inspector of 东林县 */
#define WEST         "u-liu-yang"       /* inspector of 西河县 */
#define STAFF        "u-li-chunmei"     /* institution_staff of DLX001 */
#define HEAD         "u-wang-jianguo"   /* institution_head of DLX001 */
#define INSTITUTION  "DLX001"
#define SCRIPT       "<script>alert(1)</script>"
#define ESCAPED      "&lt;script&gt;alert(1)&lt;/script&gt;"

/* A server, and an inspector's kiosk of 东林县 that found a hazard at
 * DLX001, finished its inspection and ordered rectification, all synced. */
typedef struct
{
  AjTestServer *server;
  AjTestKiosk  *inspector;
  char         *inspection;
  char         *hazard;
  char         *photo;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = NULL;
  g_autofree char *ev = NULL;
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口上锁",
    .risk_level = "red", .grade = "major", .deadline = "2030-12-31", .responsible = "王建国",
  };
  AjStepInput order = {
    .measures = "拆除门锁", .responsible = "王建国", .deadline = "2030-12-31",
    .funds = "3000 元", .contingency_plan = "专人值守",
  };

  f->server = aj_test_server_new ();
  f->inspector = aj_test_kiosk_new ();
  aj_test_kiosk_enroll (f->inspector, f->server, "county:东林县");
  f->inspection = aj_test_kiosk_start_inspection (f->inspector, INSPECTOR, INSTITUTION);
  draft.inspection_id = f->inspection;
  g_assert_true (aj_inspection_answer (f->inspector->store, INSPECTOR, f->inspection, "EC-FIRE-01", "hazard", NULL, &error));
  f->hazard = aj_hazard_record (f->inspector->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->inspector->store, INSPECTOR, f->inspection, &error));
  inspector = aj_registry_get_user (f->inspector->store, INSPECTOR);
  ev = aj_hazard_step (f->inspector->store, inspector, f->hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->inspector, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_setup_server (Fixture       *f,
                      gconstpointer  data)
{
  f->server = aj_test_server_new ();
}

/* Stopped as an administrator would: it must exit cleanly, which under
 * LeakSanitizer also means that no attack left memory behind. */
static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server->process != NULL)
    aj_test_server_stop (f->server);
  g_clear_pointer (&f->inspector, aj_test_kiosk_free);
  g_clear_pointer (&f->server, aj_test_server_free);
  g_free (f->inspection);
  g_free (f->hazard);
  g_free (f->photo);
}

/* ---- what the server holds and shows ---- */

static char *
url_of (Fixture    *f,
        const char *path)
{
  return g_strconcat (f->server->url, path, NULL);
}

static char *
get_page (Fixture    *f,
          const char *path,
          long        expected_status)
{
  g_autofree char *url = url_of (f, path);
  g_auto(AjTestReply) reply = { 0 };

  aj_test_http ("GET", url, NULL, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, expected_status);
  return g_strdup (reply.body->str);
}

static char *
hazard_page (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/h/%s", f->hazard);

  return get_page (f, path, 200);
}

/* Every projection row on the server: refused events change none. */
static char *
server_state (Fixture *f)
{
  g_autoptr(AjStore) central = aj_test_server_open_store (f->server);
  g_autoptr(GError) error = NULL;
  char *dump = aj_store_dump_projections (central, &error);

  g_assert_no_error (error);
  return dump;
}

static char *
server_hazard_status (Fixture *f)
{
  g_autoptr(AjStore) central = aj_test_server_open_store (f->server);
  g_autoptr(AjHazard) hazard = aj_hazard_load (central, f->hazard);

  g_assert_nonnull (hazard);
  return g_strdup (aj_hazard_get_status (hazard));
}

static sqlite3 *
open_server_db (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->server->data_dir, "anjian-server.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* The server answers pages and the API, and an honest kiosk still syncs. */
static void
assert_still_serving (Fixture *f)
{
  g_autofree char *home = get_page (f, "/", 200);
  g_autofree char *public = get_page (f, "/public", 200);

  if (f->inspector != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *inspection = aj_test_kiosk_start_inspection (f->inspector, INSPECTOR, "DLX002");
      AjSyncReport report = { 0 };

      g_assert_true (aj_test_kiosk_sync (f->inspector, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.pushed, ==, 1);
      g_assert_cmpuint (report.refused, ==, 0);
    }
}

static void
assert_error_reply (const char *body,
                    long        status,
                    long        expected_status,
                    const char *code)
{
  g_autoptr(JsonObject) root = aj_json_parse_object (body, NULL);
  JsonObject *error;

  g_test_message ("HTTP %ld %.200s", status, body);
  g_assert_cmpint (status, ==, expected_status);
  g_assert_nonnull (root);
  error = json_object_get_object_member (root, "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (aj_json_get_string (error, "code"), ==, code);
}

/* Syncs @kiosk: its new events all refused, each with @code. */
static void
assert_all_refused (AjTestKiosk *kiosk,
                    guint        n,
                    const char  *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  AjSyncReport report = { 0 };

  g_assert_true (aj_test_kiosk_sync (kiosk, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.refused, ==, n);
  g_assert_cmpuint (report.pushed, ==, 0);
  refused = aj_store_list_refused (kiosk->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, n);
  for (guint i = 0; i < refused->len; i++)
    {
      AjRefusedEvent *r = g_ptr_array_index (refused, i);
      g_test_message ("%s refused: %s (%s)", r->event->type, r->code, r->message);
      g_assert_cmpstr (r->code, ==, code);
    }
}

/* Appends straight to a kiosk's log, as a tampered kiosk would: the core
 * checks the schema only, not who may take the step. */
static void
forge (AjTestKiosk *kiosk,
       const char  *type,
       const char  *subject,
       const char  *author,
       JsonObject  *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *id = NULL;

  json_object_set_string_member (body, "at", at);
  id = aj_store_append (kiosk->store, type, subject, author, body, &error);
  g_assert_no_error (error);
  json_object_unref (body);
}

/* A body for each step a hazard can take, valid for its schema. */
static JsonObject *
step_body (const char *type,
           const char *photo)
{
  JsonObject *body = json_object_new ();

  if (g_str_equal (type, "hazard.updated"))
    json_object_set_string_member (body, "description", "没有问题");
  else if (g_str_equal (type, "hazard.withdrawn") || g_str_equal (type, "hazard.reopened"))
    json_object_set_string_member (body, "reason", "不需要了");
  else if (g_str_equal (type, "hazard.rectification_ordered"))
    {
      json_object_set_string_member (body, "measures", "不用整改");
      json_object_set_string_member (body, "responsible", "无");
      json_object_set_string_member (body, "deadline", "2099-01-01");
    }
  else if (g_str_equal (type, "hazard.rectified"))
    {
      JsonArray *photos = json_array_new ();
      json_array_add_string_element (photos, photo);
      json_object_set_string_member (body, "note", "已整改");
      json_object_set_array_member (body, "photos", photos);
    }
  else if (g_str_equal (type, "hazard.verified"))
    json_object_set_boolean_member (body, "accepted", TRUE);
  else if (g_str_equal (type, "hazard.extension_requested"))
    {
      json_object_set_string_member (body, "deadline", "2099-01-01");
      json_object_set_string_member (body, "reason", "需要更多时间");
    }
  else if (g_str_equal (type, "hazard.extension_decided"))
    {
      json_object_set_boolean_member (body, "approved", TRUE);
      json_object_set_string_member (body, "deadline", "2099-01-01");
    }
  else if (g_str_equal (type, "hazard.escalated"))
    {
      json_object_set_string_member (body, "level", "county");
      json_object_set_string_member (body, "reason", "manual");
    }
  else if (g_str_equal (type, "hazard.referred"))
    {
      json_object_set_string_member (body, "to", "某县消防救援大队");
      json_object_set_string_member (body, "kind", "fire");
      json_object_set_string_member (body, "reason", "消防问题");
    }
  return body;
}

/* A photo in the kiosk's blob folder, so that its sync uploads it. */
static char *
kiosk_photo (AjTestKiosk *kiosk,
             guint32      colour)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GError) error = NULL;
  AjPhotoInfo info;

  gdk_pixbuf_fill (pixbuf, colour);
  g_assert_true (aj_photo_import_pixbuf (kiosk->blob_dir, pixbuf, &info, &error));
  g_assert_no_error (error);
  return g_strdup (info.sha256);
}

/* The inspector's events (the hazard's inspection and the hazard), copied
 * to @kiosk as if it had once seen them. */
static void
copy_hazard (Fixture     *f,
             AjTestKiosk *kiosk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (f->inspector->store,
                                                             aj_store_get_device_id (f->inspector->store), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      aj_store_insert_remote (kiosk->store, g_ptr_array_index (events, i), TRUE, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

/* ---- the attacks ---- */

static void
test_scoped_device_other_institution (Fixture       *f,
                                      gconstpointer  data)
{
  static const char * const steps[] = {
    "hazard.updated", "hazard.rectification_ordered", "hazard.rectified", "hazard.verified",
    "hazard.closed", "hazard.reopened", "hazard.withdrawn", "hazard.extension_requested",
    "hazard.extension_decided", "hazard.escalated", "hazard.referred",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL, *after_state = NULL;
  g_autofree char *page = NULL, *after_page = NULL;
  g_autofree char *status = NULL, *after_status = NULL;
  g_autofree char *photo = NULL;
  AjTestKiosk *west = aj_test_kiosk_new ();

  g_test_summary ("A device enrolled for institutions:XHX001 takes every hazard step on DLX001's hazard (as "
                  "its own inspector, with the hazard copied onto it): each event is refused as out_of_scope, "
                  "because the institution comes from the server's projection; the hazard is unchanged on "
                  "the server and on /h/<id>, and the server still serves");

  aj_test_kiosk_enroll (west, f->server, "institutions:XHX001");
  g_assert_true (aj_test_kiosk_sync (west, NULL, &error));
  g_assert_no_error (error);
  state = server_state (f);
  page = hazard_page (f);
  status = server_hazard_status (f);
  g_assert_cmpstr (status, ==, "rectification_ordered");

  copy_hazard (f, west);
  photo = kiosk_photo (west, 0x2266aaff);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    forge (west, steps[i], f->hazard, WEST, step_body (steps[i], photo));
  assert_all_refused (west, G_N_ELEMENTS (steps), "out_of_scope");

  after_state = server_state (f);
  after_page = hazard_page (f);
  after_status = server_hazard_status (f);
  g_assert_cmpstr (after_status, ==, status);
  g_assert_cmpstr (after_state, ==, state);
  g_assert_cmpstr (after_page, ==, page);
  assert_still_serving (f);
  aj_test_kiosk_free (west);
}

static void
test_institution_cannot_verify_or_close_own (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) head = NULL;
  g_autofree char *state = NULL, *after_state = NULL;
  g_autofree char *page = NULL, *after_page = NULL;
  g_autofree char *ev = NULL;
  g_autofree char *photo = NULL;
  const char *photos[2] = { NULL, NULL };
  AjStepInput fixed = { .note = "已更换为推闩门" };
  const char *people[] = { STAFF, HEAD };
  AjTestKiosk *tablet = aj_test_kiosk_new ();

  g_test_summary ("The institution's own tablet (institutions:DLX001) reports its rectification, then its "
                  "staff and its head try to verify and to close the hazard an inspector found: each step is "
                  "refused as role_not_allowed, the hazard stays rectified on the server and on /h/<id>, and "
                  "the server still serves");

  aj_test_kiosk_enroll (tablet, f->server, "institutions:DLX001");
  g_assert_true (aj_test_kiosk_sync (tablet, NULL, &error));
  g_assert_no_error (error);
  head = aj_registry_get_user (tablet->store, HEAD);
  g_assert_nonnull (head);
  photo = kiosk_photo (tablet, 0x33aa66ff);
  photos[0] = photo;
  fixed.photos = photos;
  ev = aj_hazard_step (tablet->store, head, f->hazard, AJ_STEP_RECTIFY, &fixed, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (tablet, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *status = server_hazard_status (f);
    g_assert_cmpstr (status, ==, "rectified");
  }
  state = server_state (f);
  page = hazard_page (f);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      forge (tablet, "hazard.verified", f->hazard, people[i], step_body ("hazard.verified", NULL));
      forge (tablet, "hazard.closed", f->hazard, people[i], step_body ("hazard.closed", NULL));
    }
  assert_all_refused (tablet, 2 * G_N_ELEMENTS (people), "role_not_allowed");

  after_state = server_state (f);
  after_page = hazard_page (f);
  g_assert_cmpstr (after_state, ==, state);
  g_assert_cmpstr (after_page, ==, page);
  {
    g_autofree char *status = server_hazard_status (f);
    g_assert_cmpstr (status, ==, "rectified");
  }
  assert_still_serving (f);
  aj_test_kiosk_free (tablet);
}

/* Issue 14's loop: the home asks for an extension over real HTTP and the
 * server takes it; deciding it, escalating and referring are refused to the
 * home's people with the reason; the inspector then approves it. */
static void
test_institution_cannot_decide_own_extension (Fixture       *f,
                                              gconstpointer  data)
{
  static const char * const officials_only[] = { "hazard.extension_decided", "hazard.escalated", "hazard.referred" };
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) staff = NULL;
  g_autoptr(AjUser) inspector = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *state = NULL, *after_state = NULL;
  g_autofree char *ev = NULL, *decided = NULL;
  const char *people[] = { STAFF, HEAD };
  AjStepInput ask = { .deadline = "2031-02-28", .reason = "防火门需定制，供货周期两个月" };
  AjStepInput approve = { .accepted = TRUE, .deadline = "2031-02-28", .opinion = "同意延期，期间专人值守" };
  AjTestKiosk *tablet = aj_test_kiosk_new ();
  AjSyncReport report = { 0 };

  g_test_summary ("The home's tablet asks for an extension (accepted by the server); its staff and head then "
                  "approve it, escalate and refer the hazard: each refused as role_not_allowed naming the step, "
                  "the server unchanged; the inspector's approval, synced, moves the server's deadline");

  aj_test_kiosk_enroll (tablet, f->server, "institutions:DLX001");
  g_assert_true (aj_test_kiosk_sync (tablet, NULL, &error));
  g_assert_no_error (error);
  staff = aj_registry_get_user (tablet->store, STAFF);
  ev = aj_hazard_step (tablet->store, staff, f->hazard, AJ_STEP_REQUEST_EXTENSION, &ask, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (tablet, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.refused, ==, 0);
  {
    g_autoptr(AjStore) central = aj_test_server_open_store (f->server);
    g_autoptr(AjHazard) hazard = aj_hazard_load (central, f->hazard);
    g_assert_true (aj_hazard_get_extension_pending (hazard));
    g_assert_cmpstr (aj_hazard_get_extension_deadline (hazard), ==, "2031-02-28");
    g_assert_cmpstr (aj_hazard_get_deadline (hazard), ==, "2030-12-31");
  }
  state = server_state (f);

  /* The honest kiosk offers none of these to the home's people. */
  g_assert_false (aj_hazard_can_step (tablet->store, staff, f->hazard, AJ_STEP_DECIDE_EXTENSION, NULL));
  g_assert_false (aj_hazard_can_step (tablet->store, staff, f->hazard, AJ_STEP_ESCALATE, NULL));
  g_assert_false (aj_hazard_can_step (tablet->store, staff, f->hazard, AJ_STEP_REFER, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    for (guint j = 0; j < G_N_ELEMENTS (officials_only); j++)
      forge (tablet, officials_only[j], f->hazard, people[i], step_body (officials_only[j], NULL));
  assert_all_refused (tablet, G_N_ELEMENTS (people) * G_N_ELEMENTS (officials_only), "role_not_allowed");
  refused = aj_store_list_refused (tablet->store, &error);
  for (guint i = 0; i < refused->len; i++)
    {
      AjRefusedEvent *r = g_ptr_array_index (refused, i);
      /* The reason says who and what. */
      g_assert_nonnull (strstr (r->message, r->event->type));
      g_assert_nonnull (strstr (r->message, "institution_"));
    }
  after_state = server_state (f);
  g_assert_cmpstr (after_state, ==, state);

  /* The inspector sees the request and approves it. */
  g_assert_true (aj_test_kiosk_sync (f->inspector, NULL, &error));
  g_assert_no_error (error);
  inspector = aj_registry_get_user (f->inspector->store, INSPECTOR);
  decided = aj_hazard_step (f->inspector->store, inspector, f->hazard, AJ_STEP_DECIDE_EXTENSION, &approve, &error);
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->inspector, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.refused, ==, 0);
  {
    g_autoptr(AjStore) central = aj_test_server_open_store (f->server);
    g_autoptr(AjHazard) hazard = aj_hazard_load (central, f->hazard);
    g_assert_false (aj_hazard_get_extension_pending (hazard));
    g_assert_cmpstr (aj_hazard_get_deadline (hazard), ==, "2031-02-28");
    g_assert_cmpstr (aj_hazard_get_status (hazard), ==, "rectification_ordered");
    g_assert_cmpuint (aj_hazard_count_conflicts (central, f->hazard), ==, 0);
  }
  assert_still_serving (f);
  aj_test_kiosk_free (tablet);
}

static void
test_second_enrollment_existing_id (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *code = aj_test_server_code (f->server, "all");
  g_autofree char *url = url_of (f, "/api/v1/enroll");
  g_autofree char *body = NULL;
  g_autofree char *state = server_state (f);
  g_autofree char *page = hazard_page (f);
  g_autofree char *token_hash = NULL, *after_hash = NULL;
  g_autofree char *after_state = NULL, *after_page = NULL;
  const char *device = aj_store_get_device_id (f->inspector->store);
  g_auto(AjTestReply) reply = { 0 };

  g_test_summary ("A second enrollment naming an enrolled device's id, with a valid code of scope all, is "
                  "refused as device_exists: the device keeps its token and scope, the code stays unused, "
                  "the hazard is unchanged on the server and on /h/<id>, and the device still syncs");

  token_hash = aj_test_server_shared_text (f->server, "SELECT token_hash || scope FROM devices WHERE id = ?", device);
  body = g_strdup_printf ("{\"code\": \"%s\", \"device_id\": \"%s\", \"device_name\": \"takeover\"}", code, device);
  aj_test_http ("POST", url, NULL, NULL, body, strlen (body), &reply);
  assert_error_reply (reply.body->str, reply.status, 409, "device_exists");

  after_hash = aj_test_server_shared_text (f->server, "SELECT token_hash || scope FROM devices WHERE id = ?", device);
  g_assert_cmpstr (after_hash, ==, token_hash);
  g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM devices", NULL), ==, 1);
  g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM enroll_codes WHERE used_by IS NOT NULL",
                                              NULL), ==, 1);
  after_state = server_state (f);
  after_page = hazard_page (f);
  g_assert_cmpstr (after_state, ==, state);
  g_assert_cmpstr (after_page, ==, page);
  assert_still_serving (f);
}

static void
assert_escaped (const char *page,
                gboolean    must_show)
{
  g_assert_null (strstr (page, "<script"));
  g_assert_null (strstr (page, "<SCRIPT"));
  if (must_show)
    g_assert_nonnull (strstr (page, ESCAPED));
}

static void
test_script_in_every_text_field (Fixture       *f,
                                 gconstpointer  data)
{
  static const struct { const char *type; const char *member; } forbidden[] = {
    /* What the schema lets through only as identifiers, dates and times. */
    { "hazard.found", "number" }, { "hazard.found", "category" }, { "hazard.found", "risk_level" },
    { "hazard.found", "deadline" }, { "hazard.found", "at" }, { "hazard.found", "institution" },
  };
  g_autofree char *registry_path = aj_test_source_path ("data/registry.json");
  g_autofree char *registry_copy = g_build_filename (f->server->data_dir, "registry-script.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *spot = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *page = NULL;
  g_autofree char *public = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) registry = NULL;
  g_autoptr(AjChecklist) checklist = NULL;
  AjTestKiosk *forger = aj_test_kiosk_new ();
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-02", .category = "fire", .description = SCRIPT, .location = SCRIPT,
    .risk_level = "yellow", .grade = "general", .suggestion = SCRIPT, .deadline = "2030-06-30",
    .responsible = SCRIPT,
  };

  g_test_summary ("<script> in every text field that reaches a page: an institution's name imported into "
                  "the registry, a hazard's description, location, suggestion and responsible person, an "
                  "item's note, a plan's title, a draw's public seed value: /h/<id>, /public and a published "
                  "draw's page show them escaped or not at all. In the fields a page "
                  "shows as they are (number, category, risk, dates, times, institution code) the server "
                  "refuses the event (invalid_body), so no such hazard exists; the server still serves");

  /* The registry, with a script for DLX001's name, imported as an administrator would. */
  g_assert_true (g_file_get_contents (registry_path, &text, NULL, &error));
  registry = aj_json_parse_object (text, &error);
  g_assert_no_error (error);
  {
    JsonArray *institutions = json_object_get_array_member (registry, "institutions");
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    g_autofree char *written = NULL;

    for (guint i = 0; i < json_array_get_length (institutions); i++)
      {
        JsonObject *o = json_array_get_object_element (institutions, i);
        if (g_str_equal (aj_json_get_string (o, "code"), INSTITUTION))
          json_object_set_string_member (o, "name", SCRIPT);
      }
    json_node_set_object (node, registry);
    written = aj_json_to_string (node);
    g_assert_true (g_file_set_contents (registry_copy, written, -1, &error));
  }
  out = aj_test_server_admin (f->server, "import-registry", registry_copy, NULL);

  /* A spot check with a hazard whose free text is all script, finished: on /public. */
  {
    g_autofree char *path = aj_test_source_path ("data/checklists/elder-care.json");
    checklist = aj_checklist_load_file (path, &error);
    g_assert_no_error (error);
  }
  spot = aj_inspection_start (f->inspector->store, INSPECTOR, INSTITUTION, "spot_check", checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_answer (f->inspector->store, INSPECTOR, spot, "EC-FIRE-02", "hazard", SCRIPT, &error));
  draft.inspection_id = spot;
  hazard = aj_hazard_record (f->inspector->store, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->inspector->store, INSPECTOR, spot, &error));
  g_assert_true (aj_test_kiosk_sync (f->inspector, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_unsynced (f->inspector->store), ==, 0);

  {
    g_autofree char *path = g_strdup_printf ("/h/%s", hazard);
    page = get_page (f, path, 200);
  }
  g_test_message ("%s", page);
  assert_escaped (page, TRUE);   /* the institution's name */
  /* A published draw of 东林县 (all its institutions, DLX001 among them),
   * with script in the plan's title and in the public seed value too:
   * /public and the draw's page show them escaped. */
  {
    g_autofree char *plans = NULL, *draws = NULL, *list = NULL, *draw_path = NULL;
    g_auto(GStrv) plan_id = NULL, draw_id = NULL;

    g_free (aj_test_server_admin (f->server, "plan", "create", "--title", SCRIPT, "--county", "东林县",
                                  "--share-permille", "1000", "--include-checked", "--from", "2026-10-01",
                                  "--to", "2026-12-31", "--checklist", "elder-care", NULL));
    plans = aj_test_server_admin (f->server, "plan", "list", NULL);
    plan_id = g_strsplit (plans, "\t", 2);
    g_free (aj_test_server_admin (f->server, "draw", plan_id[0], "--seed-source", SCRIPT, NULL));
    draws = aj_test_server_admin (f->server, "draws", NULL);
    draw_id = g_strsplit (draws, "\t", 2);
    g_free (aj_test_server_admin (f->server, "publish", draw_id[0], "--date", "2026-12-01", NULL));
    list = get_page (f, "/public", 200);
    assert_escaped (list, TRUE);
    draw_path = g_strconcat ("/public/", draw_id[0], NULL);
    public = get_page (f, draw_path, 200);
  }
  g_test_message ("%s", public);
  assert_escaped (public, TRUE);
  g_assert_nonnull (strstr (public, "尚未检查"));
  {
    g_autofree char *first = hazard_page (f);
    assert_escaped (first, TRUE);
  }

  /* Script where pages print a value as it is: refused, nothing made. */
  aj_test_kiosk_enroll (forger, f->server, "all");
  {
    g_autofree char *token = aj_store_get_meta (forger->store, "sync.token");
    g_autofree char *url = url_of (f, "/api/v1/events");
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
    g_autoptr(GPtrArray) subjects = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *json = NULL;
    g_autoptr(JsonObject) answer = NULL;
    g_auto(AjTestReply) reply = { 0 };
    const char *prev = NULL;
    JsonArray *acks;

    for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
      {
        g_autoptr(JsonObject) body = json_object_new ();
        g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
        g_autofree char *at = aj_now_iso8601 ();
        g_autofree char *body_text = NULL;
        g_autofree char *number = g_strdup_printf ("DLX001-20301231-%03u", i);
        char *subject = aj_uuid7_new ();
        AjEvent *ev;

        json_object_set_string_member (body, "number", number);
        json_object_set_string_member (body, "inspection", spot);
        json_object_set_string_member (body, "institution", INSTITUTION);
        json_object_set_string_member (body, "item", "EC-FIRE-03");
        json_object_set_string_member (body, "category", "fire");
        json_object_set_string_member (body, "description", "x");
        json_object_set_string_member (body, "risk_level", "blue");
        json_object_set_string_member (body, "grade", "general");
        json_object_set_string_member (body, "deadline", "2030-06-30");
        json_object_set_string_member (body, "at", at);
        json_object_set_string_member (body, forbidden[i].member, SCRIPT);
        json_node_set_object (node, json_object_ref (body));
        body_text = aj_json_to_string (node);
        ev = aj_attack_forge_event (aj_store_get_device_id (forger->store), i + 1, prev, INSPECTOR,
                                    forbidden[i].type, subject, body_text);
        prev = ev->hash;
        g_ptr_array_add (batch, ev);
        g_ptr_array_add (subjects, subject);
      }
    json = aj_events_to_batch (batch, FALSE);
    aj_test_http ("POST", url, token, NULL, json, strlen (json), &reply);
    g_test_message ("HTTP %ld %s", reply.status, reply.body->str);
    g_assert_cmpint (reply.status, ==, 200);
    answer = aj_json_parse_object (reply.body->str, &error);
    g_assert_no_error (error);
    acks = json_object_get_array_member (answer, "acks");
    g_assert_cmpuint (json_array_get_length (acks), ==, G_N_ELEMENTS (forbidden));
    for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
      {
        JsonObject *ack = json_array_get_object_element (acks, i);
        JsonObject *why = json_object_get_object_member (ack, "error");
        g_autofree char *path = g_strdup_printf ("/h/%s", (char *) g_ptr_array_index (subjects, i));
        g_autofree char *missing = get_page (f, path, 404);

        g_assert_nonnull (why);
        g_assert_cmpstr (aj_json_get_string (why, "code"), ==, "invalid_body");
        assert_escaped (missing, FALSE);
      }
  }
  {
    g_autofree char *list = get_page (f, "/public", 200);
    assert_escaped (list, TRUE);
  }
  assert_still_serving (f);
  aj_test_kiosk_free (forger);
}

/* 1 MB of "[[[[…]]]]" where a batch goes, with and without a token, and
 * where an enrollment goes. */
static void
test_nested_array_body (Fixture       *f,
                        gconstpointer  data)
{
  const gsize depth = 500 * 1000;
  GString *nested = g_string_sized_new (2 * depth + 16);
  g_autofree char *token = aj_store_get_meta (f->inspector->store, "sync.token");
  g_autofree char *events = url_of (f, "/api/v1/events");
  g_autofree char *enroll = url_of (f, "/api/v1/enroll");
  g_autofree char *state = server_state (f);
  g_autofree char *page = hazard_page (f);
  g_autofree char *after_state = NULL, *after_page = NULL;
  gint64 before = aj_attack_server_rss_kib (f->server), after;

  g_test_summary ("A 1 MB body of nested arrays is refused before json-glib sees it: bad_json with a token, "
                  "token_missing without one, too_large at enrollment (64 KiB); nothing changes on the "
                  "server or on /h/<id>, and the server still serves");

  g_string_append (nested, "{\"events\": ");
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (nested, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (nested, ']');
  g_string_append_c (nested, '}');
  g_assert_cmpuint (nested->len, >=, 1000 * 1000);
  {
    g_auto(AjTestReply) reply = { 0 };
    aj_test_http ("POST", events, token, NULL, nested->str, nested->len, &reply);
    assert_error_reply (reply.body->str, reply.status, 400, "bad_json");
  }
  {
    g_auto(AjTestReply) reply = { 0 };
    aj_test_http ("POST", events, NULL, NULL, nested->str, nested->len, &reply);
    assert_error_reply (reply.body->str, reply.status, 401, "token_missing");
  }
  {
    g_auto(AjTestReply) reply = { 0 };
    aj_test_http ("POST", enroll, NULL, NULL, nested->str, nested->len, &reply);
    assert_error_reply (reply.body->str, reply.status, 413, "too_large");
  }
  g_string_free (nested, TRUE);
  after = aj_attack_server_rss_kib (f->server);
  g_test_message ("server RSS %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT " KiB after", before, after);

  after_state = server_state (f);
  after_page = hazard_page (f);
  g_assert_cmpstr (after_state, ==, state);
  g_assert_cmpstr (after_page, ==, page);
  assert_still_serving (f);
}

/* 200 MB, chunked, with no token; and the same to the enrollment, which
 * needs none. */
static void
test_huge_chunked_body (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const paths[] = { "/api/v1/events", "/api/v1/enroll", "/api/v1/blobs/0000" };
  static const struct { long status; const char *code; } expected[] = {
    { 401, "token_missing" }, { 413, "too_large" }, { 401, "token_missing" },
  };
  g_autofree char *state = server_state (f);
  g_autofree char *page = hazard_page (f);
  g_autofree char *after_state = NULL, *after_page = NULL;

  g_test_summary ("A 200 MB chunked body without a token (to the events, to a blob, and to the enrollment, "
                  "which needs none) is refused when its headers are in, the body is not read, and the "
                  "server's memory (VmRSS) grows by less than 4 MiB; nothing changes, and it still serves");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = url_of (f, paths[i]);
      g_autoptr(GString) answer = g_string_new (NULL);
      AjAttackStream stream = { .total = 200 * 1000 * 1000, .fill = '[' };
      gint64 before = aj_attack_server_rss_kib (f->server), after;
      CURLcode result;
      long status;

      status = aj_attack_post_stream (url, NULL, &stream, answer, &result);
      g_usleep (200 * 1000);
      after = aj_attack_server_rss_kib (f->server);
      g_test_message ("%s: curl %s, HTTP %ld, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes sent; "
                      "server RSS %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT " KiB (%+" G_GINT64_FORMAT " KiB)",
                      paths[i], curl_easy_strerror (result), status, stream.sent, stream.total, before, after,
                      after - before);
      g_printerr ("# 200 MB chunked to %s: HTTP %ld after %" G_GUINT64_FORMAT " bytes sent; server RSS %+" G_GINT64_FORMAT " KiB\n",
                  paths[i], status, stream.sent, after - before);
      g_assert_cmpint (result, ==, CURLE_OK);
      assert_error_reply (answer->str, status, expected[i].status, expected[i].code);
      g_assert_cmpuint (stream.sent, <, stream.total / 4);
      g_assert_cmpint (after - before, <, 4 * 1024);
    }

  after_state = server_state (f);
  after_page = hazard_page (f);
  g_assert_cmpstr (after_state, ==, state);
  g_assert_cmpstr (after_page, ==, page);
  assert_still_serving (f);
}

static long
enroll_with (Fixture    *f,
             const char *code,
             const char *device_id,
             GString    *answer)
{
  g_autofree char *url = url_of (f, "/api/v1/enroll");
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"device_id\": \"%s\", \"device_name\": \"guess\"}",
                                           code, device_id);
  g_auto(AjTestReply) reply = { 0 };

  aj_test_http ("POST", url, NULL, NULL, body, strlen (body), &reply);
  g_string_assign (answer, reply.body->str);
  if (reply.status == 429)
    g_assert_nonnull (g_hash_table_lookup (reply.headers, "retry-after"));
  return reply.status;
}

static void
test_too_many_enrollment_attempts (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *code = aj_test_server_code (f->server, "all");
  g_autofree char *device = aj_uuid7_new ();
  g_autoptr(GString) answer = g_string_new (NULL);
  long status;

  g_test_summary ("Guessing enrollment codes: after 10 failures from one address in 15 minutes, every "
                  "enrollment from it is refused as too_many_attempts (429 with Retry-After), even with a "
                  "valid code, and still after a restart (the count is in the database); the valid code "
                  "stays unused, no device is enrolled, and the server still serves");

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *guess = g_strdup_printf ("AJ-22222-22222-%05u", i);
      status = enroll_with (f, guess, device, answer);
      assert_error_reply (answer->str, status, 403, "code_unknown");
    }
  status = enroll_with (f, "AJ-22222-22222-99999", device, answer);
  assert_error_reply (answer->str, status, 429, "too_many_attempts");
  status = enroll_with (f, code, device, answer);
  assert_error_reply (answer->str, status, 429, "too_many_attempts");

  aj_test_server_stop (f->server);
  aj_test_server_start (f->server);
  status = enroll_with (f, code, device, answer);
  assert_error_reply (answer->str, status, 429, "too_many_attempts");

  g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM devices", NULL), ==, 0);
  g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM enroll_codes WHERE used_by IS NULL", NULL),
                   ==, 1);
  assert_still_serving (f);
}

static void
set_expiry (Fixture    *f,
            const char *expires_at)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  if (f->server->database != NULL)
    {
      g_free (aj_test_server_shared_text (f->server, "UPDATE enroll_codes SET expires_at = ? WHERE used_by IS NULL",
                                          expires_at));
      return;
    }
  db = open_server_db (f);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE enroll_codes SET expires_at = ? WHERE used_by IS NULL", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, expires_at, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_expired_code (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *device = aj_uuid7_new ();
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) minute_ago = g_date_time_add_minutes (now, -1);
  g_autoptr(GDateTime) in_an_hour = g_date_time_add_hours (now, 1);
  g_autoptr(GTimeZone) far_east = g_time_zone_new_identifier ("+14:00");
  g_autoptr(GTimeZone) far_west = g_time_zone_new_identifier ("-12:00");
  g_autoptr(GDateTime) ago_east = g_date_time_to_timezone (minute_ago, far_east);
  g_autoptr(GDateTime) hour_west = g_date_time_to_timezone (in_an_hour, far_west);
  g_autofree char *ago_utc = g_date_time_format (minute_ago, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *ago_east_text = g_date_time_format (ago_east, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *hour_west_text = g_date_time_format (hour_west, "%Y-%m-%dT%H:%M:%S%:z");
  long status;

  g_test_summary ("An enrollment code past its expiry (stored in UTC with Z, as the administrator's command "
                  "writes it) is refused as code_expired; so is one written with a +14:00 offset whose text "
                  "sorts after now, since times are compared as times; a valid code written at -12:00 works; "
                  "nothing is enrolled by the expired ones and the server still serves");

  {
    g_autofree char *code = aj_test_server_code (f->server, "all");
    g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM enroll_codes WHERE expires_at LIKE '%Z' "
                                                "AND created_at LIKE '%Z'", NULL), ==, 1);
    set_expiry (f, ago_utc);
    status = enroll_with (f, code, device, answer);
    assert_error_reply (answer->str, status, 403, "code_expired");
  }
  {
    g_autofree char *code = aj_test_server_code (f->server, "all");
    g_assert_cmpstr (ago_east_text, >, ago_utc);
    set_expiry (f, ago_east_text);
    status = enroll_with (f, code, device, answer);
    assert_error_reply (answer->str, status, 403, "code_expired");
  }
  g_assert_cmpint (aj_test_server_shared_int (f->server, "SELECT count(*) FROM devices", NULL), ==, 0);
  {
    g_autofree char *code = aj_test_server_code (f->server, "all");
    set_expiry (f, hour_west_text);
    status = enroll_with (f, code, device, answer);
    g_test_message ("HTTP %ld %s", status, answer->str);
    g_assert_cmpint (status, ==, 200);
  }
  assert_still_serving (f);
}

/* A raw connection to the server's port. */
static GSocket *
connect_raw (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, f->server->port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 1);
  return socket;
}

/* Whether the server has closed @socket (read gives end of file). */
static gboolean
closed_by_server (GSocket *socket)
{
  g_autoptr(GError) error = NULL;
  char buffer[256];
  gssize n;

  if (!g_socket_condition_timed_wait (socket, G_IO_IN, 0, NULL, NULL))
    return FALSE;
  n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
  return n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
                    !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
}

static void
test_slow_clients_cut_off (Fixture       *f,
                           gconstpointer  data)
{
  const char *start_line = "GET / HTTP/1.1\r\nHost: x\r\n";
  g_autoptr(GSocket) slow = connect_raw (f);
  g_autoptr(GSocket) idle = connect_raw (f);
  g_autofree char *page = hazard_page (f);
  gint64 start = g_get_monotonic_time ();
  gboolean slow_closed = FALSE, idle_closed = FALSE;
  double slow_after = 0, idle_after = 0;

  g_test_summary ("Slow clients hold no connection: one that sends a header line every 2 s (slowloris) and "
                  "one that sends nothing are both cut off within 25 s, while the server answers others at "
                  "once; the hazard's page is unchanged and the server still serves");

  g_assert_cmpint (g_socket_send (slow, start_line, strlen (start_line), NULL, NULL), ==, (gssize) strlen (start_line));
  while (g_get_monotonic_time () - start < 25 * G_USEC_PER_SEC && !(slow_closed && idle_closed))
    {
      g_usleep (2 * G_USEC_PER_SEC);
      if (!slow_closed)
        {
          g_socket_send (slow, "X-Slow: 1\r\n", strlen ("X-Slow: 1\r\n"), NULL, NULL);
          if ((slow_closed = closed_by_server (slow)))
            slow_after = (g_get_monotonic_time () - start) / 1e6;
        }
      if (!idle_closed && (idle_closed = closed_by_server (idle)))
        idle_after = (g_get_monotonic_time () - start) / 1e6;
      /* Others are served meanwhile. */
      g_free (get_page (f, "/", 200));
    }
  g_test_message ("slow headers cut after %.1f s, an idle connection after %.1f s", slow_after, idle_after);
  g_assert_true (slow_closed);
  g_assert_true (idle_closed);
  {
    g_autofree char *after = hazard_page (f);
    g_assert_cmpstr (after, ==, page);
  }
  assert_still_serving (f);
}

/* ---- a burst of connections ---- */

static void
test_burst_of_connections_queued (Fixture       *f,
                                  gconstpointer  data)
{
  enum { N = 400 };
  static const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (f->server->process), NULL, 10);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = g_htons (f->server->port) };
  struct pollfd polls[N];
  guint established = 0, answered = 0;
  gint64 until;

  g_test_summary ("Four hundred devices connect at once while the server is busy (here: stopped): the kernel "
                  "queues every connection (a listen backlog of 1024, not libsoup's 10, which drops all but "
                  "eleven), and once the server runs again each one gets its answer");

  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  for (guint i = 0; i < N; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

      g_assert_cmpint (fd, >=, 0);
      if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
        g_assert_cmpint (errno, ==, EINPROGRESS);
      polls[i] = (struct pollfd) { .fd = fd, .events = POLLOUT };
    }
  /* A handshake the kernel completed makes the socket writable; one whose
   * SYN was dropped for a full queue stays pending (retried after 1 s, 3 s…). */
  until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      established = 0;
      g_assert_cmpint (poll (polls, N, 100), >=, 0);
      for (guint i = 0; i < N; i++)
        {
          int error = 0;
          socklen_t len = sizeof error;

          if ((polls[i].revents & POLLOUT) != 0 &&
              getsockopt (polls[i].fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0)
            established++;
        }
      if (established == N)
        break;
    }
  g_test_message ("%u of %u connections established while the server was stopped", established, N);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_cmpuint (established, ==, N);

  for (guint i = 0; i < N; i++)
    {
      char head[16] = { 0 };
      gsize got = 0;
      int flags = fcntl (polls[i].fd, F_GETFL);
      struct timeval timeout = { .tv_sec = 60 };

      g_assert_cmpint (fcntl (polls[i].fd, F_SETFL, flags & ~O_NONBLOCK), ==, 0);
      setsockopt (polls[i].fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      g_assert_cmpint (send (polls[i].fd, request, sizeof request - 1, MSG_NOSIGNAL), ==, (gssize) sizeof request - 1);
      while (got < sizeof head - 1)
        {
          gssize n = recv (polls[i].fd, head + got, sizeof head - 1 - got, 0);
          if (n <= 0)
            break;
          got += n;
        }
      if (g_str_has_prefix (head, "HTTP/1.1 200"))
        answered++;
      close (polls[i].fd);
    }
  g_assert_cmpuint (answered, ==, N);
  assert_still_serving (f);
}

#define add_attack(path, setup, test) \
  g_test_add (path, Fixture, NULL, setup, test, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  add_attack ("/attack/scoped-device-cannot-step-other-institution", fixture_setup,
              test_scoped_device_other_institution);
  add_attack ("/attack/institution-cannot-verify-or-close-own-hazard", fixture_setup,
              test_institution_cannot_verify_or_close_own);
  add_attack ("/attack/institution-cannot-decide-own-extension-escalate-or-refer", fixture_setup,
              test_institution_cannot_decide_own_extension);
  add_attack ("/attack/second-enrollment-cannot-take-device-id", fixture_setup,
              test_second_enrollment_existing_id);
  add_attack ("/attack/script-in-text-fields-shown-escaped", fixture_setup, test_script_in_every_text_field);
  add_attack ("/attack/nested-array-body-refused", fixture_setup, test_nested_array_body);
  add_attack ("/attack/huge-chunked-body-refused-unread", fixture_setup, test_huge_chunked_body);
  add_attack ("/attack/slow-clients-cut-off", fixture_setup, test_slow_clients_cut_off);
  add_attack ("/attack/too-many-enrollment-attempts", fixture_setup_server, test_too_many_enrollment_attempts);
  add_attack ("/attack/expired-code-refused-in-utc", fixture_setup_server, test_expired_code);
  add_attack ("/attack/burst-of-connections-queued-and-answered", fixture_setup_server,
              test_burst_of_connections_queued);
  return g_test_run ();
}
