/* test-authority.c: the server's judgement of pushed events, with a real
 * "server" store and real kiosk stores: what an honest kiosk makes passes,
 * and each attack a device could make is refused with its code while the
 * server's state stays as it was. */
#include "config.h"

#include <string.h>

#include "aj-authority.h"
#include "aj-checklist.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-hlc.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"
#define STAFF "u-li-chunmei"          /* institution_staff of DLX001 */
#define HEAD "u-wang-jianguo"         /* institution_head of DLX001 */
#define INSTITUTION "DLX001"

typedef struct
{
  AjStore     *server;
  AjStore     *kiosk;
  AjChecklist *checklist;
  AjScope     *all;
  char        *inspection;
  char        *hazard;
} Fixture;

static AjStore *
open_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autofree char *path = g_build_filename (dir, "anjian.db", NULL);
  g_autofree char *registry = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "registry.json", NULL);
  AjStore *store;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  store = aj_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (store, registry, "test", &error));
  g_assert_no_error (error);
  return store;
}

/* Pushes every kiosk event the server does not hold yet, as the server
 * would: judged first, then stored. Returns the first refusal, or NULL. */
static GError *
push (Fixture       *f,
      const AjScope *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (f->kiosk, aj_store_get_device_id (f->kiosk), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      gboolean inserted;

      if (aj_store_first_event_hlc (f->server, ev->subject, ev->type) == ev->hlc)
        continue;   /* held already */
      if (!aj_authority_check (f->server, aj_store_get_device_id (f->kiosk), scope ? scope : f->all, ev,
                               g_get_real_time () / 1000, &error))
        return g_steal_pointer (&error);
      g_assert_true (aj_store_insert_remote (f->server, ev, TRUE, &inserted, NULL, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;
  g_autofree char *checklist = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "checklists", "elder-care.json", NULL);
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-01", .category = "fire", .description = "Exit door chained shut",
    .risk_level = "red", .grade = "major", .deadline = "2026-12-31",
  };

  f->server = open_store ("server");
  f->kiosk = open_store ("kiosk");
  f->all = aj_scope_new_all ();
  f->checklist = aj_checklist_load_file (checklist, &error);
  g_assert_no_error (error);
  f->inspection = aj_inspection_start (f->kiosk, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  draft.inspection_id = f->inspection;
  f->hazard = aj_hazard_save_sheet (f->kiosk, INSPECTOR, NULL, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->kiosk, INSPECTOR, f->inspection, &error));
  g_assert_no_error (error);
  refused = push (f, NULL);
  g_assert_no_error (refused);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->server);
  g_clear_object (&f->kiosk);
  g_clear_object (&f->checklist);
  g_clear_pointer (&f->all, aj_scope_free);
  g_free (f->inspection);
  g_free (f->hazard);
}

/* Appends a step straight to the kiosk's log, as a tampered kiosk would:
 * no can-step check, only the event schema. */
static void
forge_step (Fixture    *f,
            const char *author,
            const char *type,
            const char *member,
            gboolean    value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *id = NULL;

  if (member)
    json_object_set_boolean_member (body, member, value);
  json_object_set_string_member (body, "at", at);
  id = aj_store_append (f->kiosk, type, f->hazard, author, body, &error);
  g_assert_no_error (error);
}

static char *
server_status (Fixture *f)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (f->server, f->hazard);

  g_assert_nonnull (hazard);
  return g_strdup (aj_hazard_get_status (hazard));
}

static void
assert_refused (GError     *error,
                int         code)
{
  g_assert_nonnull (error);
  g_test_message ("refused: %s (%s)", error->message, aj_refusal_code (error->code));
  g_assert_error (error, AJ_REFUSAL, code);
}

static void
test_honest_loop_passes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = aj_registry_get_user (f->kiosk, INSPECTOR);
  g_autoptr(AjUser) staff = aj_registry_get_user (f->kiosk, STAFF);
  const char *photos[] = { "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", NULL };
  AjStepInput order = { .measures = "Remove the chain", .responsible = "王建国", .deadline = "2026-12-31",
                        .funds = "500 yuan", .contingency_plan = "Night watch at the door" };
  AjStepInput rectify = { .note = "Chain removed", .photos = photos };
  AjStepInput verify = { .accepted = TRUE, .opinion = "Door opens freely" };
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
  g_autofree char *status = NULL;

  g_test_summary ("The whole closed loop made by honest kiosks (an inspector orders, the home's "
                  "staff rectify, the inspector verifies and closes) passes the server's checks.");
  e1 = aj_hazard_step (f->kiosk, inspector, f->hazard, AJ_STEP_ORDER, &order, &error);
  g_assert_no_error (error);
  e2 = aj_hazard_step (f->kiosk, staff, f->hazard, AJ_STEP_RECTIFY, &rectify, &error);
  g_assert_no_error (error);
  e3 = aj_hazard_step (f->kiosk, inspector, f->hazard, AJ_STEP_VERIFY, &verify, &error);
  g_assert_no_error (error);
  e4 = aj_hazard_step (f->kiosk, inspector, f->hazard, AJ_STEP_CLOSE, NULL, &error);
  g_assert_no_error (error);
  error = push (f, NULL);
  g_assert_no_error (error);
  status = server_status (f);
  g_assert_cmpstr (status, ==, "closed");
}

static void
test_staff_cannot_verify_or_close_own (Fixture       *f,
                                       gconstpointer  data)
{
  static const char * const types[] = { "hazard.verified", "hazard.closed", "hazard.rectification_ordered" };
  g_autofree char *before = server_status (f);

  g_test_summary ("An institution's own staff and head may report rectification but never verify "
                  "or close their hazard found by an inspector, nor order it: each is refused "
                  "(role_not_allowed) and the server's hazard is unchanged.");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    for (guint who = 0; who < 2; who++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *after = NULL;
        g_autoptr(JsonObject) body = json_object_new ();
        g_autofree char *at = aj_now_iso8601 ();
        g_autofree char *id = NULL;

        if (g_str_equal (types[i], "hazard.verified"))
          json_object_set_boolean_member (body, "accepted", TRUE);
        if (g_str_equal (types[i], "hazard.rectification_ordered"))
          {
            json_object_set_string_member (body, "measures", "none");
            json_object_set_string_member (body, "responsible", "me");
            json_object_set_string_member (body, "deadline", "2030-01-01");
          }
        json_object_set_string_member (body, "at", at);
        id = aj_store_append (f->kiosk, types[i], f->hazard, who ? HEAD : STAFF, body, &error);
        g_assert_no_error (error);
        error = push (f, NULL);
        assert_refused (error, AJ_REFUSAL_ROLE);
        after = server_status (f);
        g_assert_cmpstr (after, ==, before);
        /* Start the next attempt from a kiosk with a clean log. */
        g_clear_object (&f->kiosk);
        {
          g_autofree char *name = g_strdup_printf ("kiosk-%u-%u", i, who);
          f->kiosk = open_store (name);
        }
      }
}

static void
test_scoped_device_cannot_touch_other_institution (Fixture       *f,
                                                   gconstpointer  data)
{
  static const char * const types[] = { "hazard.verified", "hazard.closed", "hazard.reopened", "hazard.rectified" };
  g_autoptr(GError) error = NULL;
  g_autoptr(AjScope) elsewhere = aj_scope_parse_spec ("institutions:XHX001", &error);
  g_autofree char *before = server_status (f);

  g_test_summary ("A device scoped to another institution tries every hazard step on this "
                  "institution's hazard: each is refused as out_of_scope, because the institution "
                  "comes from the server's projection; naming its own institution in the body is "
                  "refused by the schema.");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) refused = NULL;
      g_autoptr(JsonObject) body = json_object_new ();
      g_autofree char *at = aj_now_iso8601 ();
      g_autofree char *id = NULL;
      g_autofree char *after = NULL;
      g_autofree char *name = g_strdup_printf ("scoped-%u", i);

      g_clear_object (&f->kiosk);
      f->kiosk = open_store (name);
      json_object_set_boolean_member (body, "accepted", TRUE);
      json_object_set_string_member (body, "at", at);
      if (!g_str_equal (types[i], "hazard.verified"))
        json_object_remove_member (body, "accepted");
      if (g_str_equal (types[i], "hazard.reopened"))
        json_object_set_string_member (body, "reason", "again");
      if (g_str_equal (types[i], "hazard.rectified"))
        {
          JsonArray *photos = json_array_new ();
          json_array_add_string_element (photos, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
          json_object_set_array_member (body, "photos", photos);
          json_object_set_string_member (body, "note", "done");
        }
      id = aj_store_append (f->kiosk, types[i], f->hazard, INSPECTOR, body, &refused);
      g_assert_no_error (refused);
      refused = push (f, elsewhere);
      assert_refused (refused, AJ_REFUSAL_OUT_OF_SCOPE);
      after = server_status (f);
      g_assert_cmpstr (after, ==, before);
    }

  /* The same with the body claiming the device's own institution. */
  {
    g_autoptr(GError) refused = NULL;
    g_autoptr(JsonObject) body = json_object_new ();
    g_autoptr(AjEvent) ev = aj_event_new ();
    g_autofree char *at = aj_now_iso8601 ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_object_set_string_member (body, "institution", "XHX001");
    json_object_set_string_member (body, "at", at);
    json_node_set_object (node, body);
    ev->id = aj_uuid7_new ();
    ev->device_id = g_strdup (aj_store_get_device_id (f->kiosk));
    ev->author = g_strdup (INSPECTOR);
    ev->type = g_strdup ("hazard.closed");
    ev->subject = g_strdup (f->hazard);
    ev->body = aj_json_to_string (node);
    ev->hlc = (g_get_real_time () / 1000) << 16;
    g_assert_false (aj_authority_check (f->server, ev->device_id, elsewhere, ev, g_get_real_time () / 1000, &refused));
    assert_refused (refused, AJ_REFUSAL_INVALID_BODY);
  }
}

static void
test_forged_chain_author_clock_refused (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (f->kiosk, aj_store_get_device_id (f->kiosk), &error);
  g_autoptr(AjEvent) ev = aj_event_copy (g_ptr_array_index (events, 0));
  gint64 now = g_get_real_time () / 1000;

  g_test_summary ("A device pushing another device's chain, an author not in the registry, an "
                  "unknown event type and a clock days ahead are each refused with their code.");
  g_assert_false (aj_authority_check (f->server, "another-device", f->all, ev, now, &error));
  assert_refused (error, AJ_REFUSAL_NOT_YOUR_CHAIN);
  g_clear_error (&error);

  g_free (ev->author);
  ev->author = g_strdup ("u-nobody");
  g_assert_false (aj_authority_check (f->server, ev->device_id, f->all, ev, now, &error));
  assert_refused (error, AJ_REFUSAL_UNKNOWN_AUTHOR);
  g_clear_error (&error);

  g_free (ev->type);
  ev->type = g_strdup ("hazard.teleported");
  g_assert_false (aj_authority_check (f->server, ev->device_id, f->all, ev, now, &error));
  assert_refused (error, AJ_REFUSAL_UNKNOWN_TYPE);
  g_clear_error (&error);

  g_clear_pointer (&ev, aj_event_free);
  ev = aj_event_copy (g_ptr_array_index (events, 0));
  ev->hlc = (now + 3 * 24 * 3600 * 1000) << 16;
  g_assert_false (aj_authority_check (f->server, ev->device_id, f->all, ev, now, &error));
  assert_refused (error, AJ_REFUSAL_CLOCK);
}

static void
test_finished_inspection_stays_finished (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *id = NULL;

  g_test_summary ("An answer appended after the inspection was finished (a tampered kiosk) is "
                  "refused as inspection_finished.");
  json_object_set_string_member (body, "item", "EC-FIRE-02");
  json_object_set_string_member (body, "result", "pass");
  json_object_set_string_member (body, "at", at);
  id = aj_store_append (f->kiosk, "item.answered", f->inspection, INSPECTOR, body, &error);
  g_assert_no_error (error);
  error = push (f, NULL);
  assert_refused (error, AJ_REFUSAL_FINISHED);
}

static void
test_late_step_is_conflict_not_refusal (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  g_test_summary ("A step that no longer applies on the server (closing a hazard that is only "
                  "found) passes the checks and is kept as a conflict: refusal is for what no "
                  "honest kiosk makes.");
  forge_step (f, INSPECTOR, "hazard.closed", NULL, FALSE);
  error = push (f, NULL);
  g_assert_no_error (error);
  status = server_status (f);
  g_assert_cmpstr (status, ==, "found");
  g_assert_cmpuint (aj_hazard_count_conflicts (f->server, f->hazard), ==, 1);
}

static void
test_refused_event_keeps_chain_and_leaves_outbox (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) refused_list = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AjUser) inspector = aj_registry_get_user (f->kiosk, INSPECTOR);
  AjStepInput order = { .measures = "Remove the chain", .responsible = "王建国", .deadline = "2026-12-31",
                        .funds = "500 yuan", .contingency_plan = "Night watch" };
  g_autofree char *ordered = NULL;
  g_autofree char *status = NULL;
  AjEvent *forged, *later;
  gboolean inserted;

  g_test_summary ("A refused event is kept on the server in its device's chain (unapplied, "
                  "unnumbered), so the device's next event still links and is accepted; on the "
                  "kiosk it leaves the outbox and the projection and is listed with its reason.");
  forge_step (f, STAFF, "hazard.closed", NULL, FALSE);
  ordered = aj_hazard_step (f->kiosk, inspector, f->hazard, AJ_STEP_ORDER, &order, NULL);
  /* The kiosk's own rules let the inspector order only if the forged close
   * did not apply locally; it applied, so mark it refused first as the
   * server would answer, and order again. */
  events = aj_store_list_device_events (f->kiosk, aj_store_get_device_id (f->kiosk), &error);
  g_assert_no_error (error);
  forged = g_ptr_array_index (events, events->len - (ordered ? 2 : 1));
  g_assert_cmpstr (forged->type, ==, "hazard.closed");

  g_assert_false (aj_authority_check (f->server, forged->device_id, f->all, forged, g_get_real_time () / 1000, &error));
  g_assert_error (error, AJ_REFUSAL, AJ_REFUSAL_ROLE);
  g_assert_true (aj_store_insert_refused (f->server, forged, aj_refusal_code (error->code), error->message, NULL));
  g_assert_true (aj_store_mark_refused (f->kiosk, forged->id, aj_refusal_code (error->code), error->message, NULL));
  g_clear_error (&error);

  /* Locally the forged close is undone: the hazard is open again. */
  {
    g_autoptr(AjHazard) local = aj_hazard_load (f->kiosk, f->hazard);
    g_assert_cmpstr (aj_hazard_get_status (local), !=, "closed");
  }
  refused_list = aj_store_list_refused (f->kiosk, &error);
  g_assert_cmpuint (refused_list->len, ==, 1);
  g_assert_cmpstr (((AjRefusedEvent *) g_ptr_array_index (refused_list, 0))->code, ==, "role_not_allowed");
  outbox = aj_store_list_outbox (f->kiosk, 100, 1 << 20, &error);
  for (guint i = 0; i < outbox->len; i++)
    g_assert_cmpstr (((AjEvent *) g_ptr_array_index (outbox, i))->id, !=, forged->id);

  /* The next event links to the refused one, and the server takes it. */
  if (ordered == NULL)
    {
      ordered = aj_hazard_step (f->kiosk, inspector, f->hazard, AJ_STEP_ORDER, &order, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&events, g_ptr_array_unref);
  events = aj_store_list_device_events (f->kiosk, aj_store_get_device_id (f->kiosk), &error);
  later = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (later->id, ==, ordered);
  g_assert_true (aj_authority_check (f->server, later->device_id, f->all, later, g_get_real_time () / 1000, &error));
  g_assert_true (aj_store_insert_remote (f->server, later, TRUE, &inserted, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
  status = server_status (f);
  g_assert_cmpstr (status, ==, "rectification_ordered");
  g_assert_true (aj_store_verify_chain (f->server, later->device_id, &error));
  g_assert_no_error (error);
}

static void
test_gap_accepted_only_where_server_marks_it (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (f->kiosk, aj_store_get_device_id (f->kiosk), &error);
  g_autoptr(AjStore) other = open_store ("other");
  g_autoptr(AjEvent) second = aj_event_copy (g_ptr_array_index (events, 1));
  gboolean inserted;

  g_test_summary ("A pulled event whose predecessor is missing is refused as a gap unless the "
                  "server marks the predecessor as withheld; a pushed event never gets that pass; "
                  "a tampered event is refused either way.");
  second->server_seq = 7;
  g_assert_false (aj_store_insert_remote (other, second, FALSE, &inserted, NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_GAP);
  g_clear_error (&error);

  second->gap_before = TRUE;
  g_assert_false (aj_store_insert_remote (other, second, TRUE, &inserted, NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_GAP);
  g_clear_error (&error);

  g_free (second->body);
  second->body = g_strdup ("{\"item\":\"EC-FIRE-01\",\"result\":\"pass\",\"at\":\"2026-12-01T10:00:00Z\"}");
  g_assert_false (aj_store_insert_remote (other, second, FALSE, &inserted, NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_clear_error (&error);

  g_clear_pointer (&second, aj_event_free);
  second = aj_event_copy (g_ptr_array_index (events, 1));
  second->server_seq = 7;
  second->gap_before = TRUE;
  g_assert_true (aj_store_insert_remote (other, second, FALSE, &inserted, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
}

static void
test_scoped_pull_marks_and_accepts_gaps (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjScope) here = aj_scope_parse_spec ("institutions:" INSTITUTION, &error);
  g_autoptr(AjStore) scoped = open_store ("scoped-kiosk");
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *elsewhere = NULL;
  g_autofree char *again = NULL;
  guint gaps = 0;

  g_test_summary ("An inspector's chain runs through two institutions; a device scoped to one "
                  "pulls its part: the server marks the one event whose predecessor it withholds, "
                  "and the scoped device stores every event of its scope, twice over, without a gap error.");
  elsewhere = aj_inspection_start (f->kiosk, INSPECTOR, "XHX001", "field", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->kiosk, INSPECTOR, elsewhere, &error));
  again = aj_inspection_start (f->kiosk, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_answer (f->kiosk, INSPECTOR, again, "EC-FIRE-01", "pass", NULL, &error));
  error = push (f, NULL);
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_clear_pointer (&page, g_ptr_array_unref);
      page = aj_store_list_events_in_scope (f->server, 0, 1000, here, &error);
      g_assert_no_error (error);
      gaps = 0;
      for (guint i = 0; i < page->len; i++)
        {
          AjEvent *ev = g_ptr_array_index (page, i);
          gboolean inserted;
          g_assert_cmpstr (ev->subject, !=, elsewhere);
          gaps += ev->gap_before;
          g_assert_true (aj_store_insert_remote (scoped, ev, FALSE, &inserted, NULL, &error));
          g_assert_no_error (error);
        }
      g_assert_cmpuint (gaps, ==, 1);
    }
  g_assert_nonnull (aj_inspection_load (scoped, again));
  g_assert_null (aj_inspection_load (scoped, elsewhere));
}

static void
test_pin_change_only_by_person_or_admin (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *hash = aj_registry_hash_pin (INSPECTOR, "482915");
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *id = NULL;

  g_test_summary ("The server takes a person's own PIN change, and refuses one made by someone else "
                  "who is not an administrator.");
  g_assert_true (aj_registry_change_pin (f->kiosk, INSPECTOR, INSPECTOR, "123456", "482915", &error));
  g_assert_no_error (error);
  error = push (f, NULL);
  g_assert_no_error (error);

  json_object_set_string_member (body, "pin_hash", hash);
  json_object_set_string_member (body, "at", at);
  id = aj_store_append (f->kiosk, "user.pin_changed", INSPECTOR, STAFF, body, &error);
  g_assert_no_error (error);
  error = push (f, NULL);
  assert_refused (error, AJ_REFUSAL_ROLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/authority/honest-closed-loop-passes", test_honest_loop_passes);
  ADD ("/authority/staff-cannot-verify-or-close-own-hazard", test_staff_cannot_verify_or_close_own);
  ADD ("/authority/scoped-device-cannot-step-other-institution", test_scoped_device_cannot_touch_other_institution);
  ADD ("/authority/forged-chain-author-type-clock-refused", test_forged_chain_author_clock_refused);
  ADD ("/authority/finished-inspection-stays-finished", test_finished_inspection_stays_finished);
  ADD ("/authority/late-step-is-conflict-not-refusal", test_late_step_is_conflict_not_refusal);
  ADD ("/authority/refused-event-keeps-chain-and-leaves-outbox", test_refused_event_keeps_chain_and_leaves_outbox);
  ADD ("/sync/scoped-chain-gap-only-where-server-marks-it", test_gap_accepted_only_where_server_marks_it);
  ADD ("/sync/scoped-pull-marks-and-accepts-gaps", test_scoped_pull_marks_and_accepts_gaps);
  ADD ("/authority/pin-change-only-by-person-or-admin", test_pin_change_only_by_person_or_admin);
#undef ADD

  return g_test_run ();
}
