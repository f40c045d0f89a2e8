/* test-core-queries.c: the named core functions that replaced SQL and
 * transactions in the kiosk's pages, and scopes as data. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-event-schema.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-scope.h"
#include "aj-store.h"
#include "aj-store-private.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"
#define INSTITUTION "DLX001"
#define ITEM "EC-FIRE-01"

typedef struct
{
  char        *dir;
  AjStore     *store;
  AjChecklist *checklist;
  char        *inspection;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *registry = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "registry.json", NULL);
  g_autofree char *checklist = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "checklists", "elder-care.json", NULL);

  /* G_TEST_OPTION_ISOLATE_DIRS gives each test its own empty XDG folders. */
  f->dir = g_build_filename (g_get_user_data_dir (), "anjian", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  path = g_build_filename (f->dir, "anjian.db", NULL);
  f->store = aj_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (f->store, registry, "test", &error));
  g_assert_no_error (error);
  f->checklist = aj_checklist_load_file (checklist, &error);
  g_assert_no_error (error);
  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->checklist);
  g_free (f->inspection);
  g_free (f->dir);
}

static AjHazardDraft
draft_for (Fixture    *f,
           const char *description)
{
  AjHazardDraft draft = {
    .inspection_id = f->inspection,
    .item_code = ITEM,
    .category = "fire",
    .description = description,
    .location = "East stairs",
    .risk_level = "red",
    .grade = "major",
    .deadline = "2026-12-31",
  };
  return draft;
}

static const char *
result_of (Fixture    *f,
           const char *item)
{
  g_autoptr(GHashTable) results = aj_inspection_get_results (f->store, f->inspection);
  AjItemResult *r = g_hash_table_lookup (results, item);
  static char result[16];

  g_strlcpy (result, r ? r->result : "", sizeof result);
  return result;
}

static void
test_save_sheet_answers_and_records (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjHazardDraft draft = draft_for (f, "Exit door chained shut");
  g_autofree char *id = NULL;
  g_autofree char *again = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autofree char *description = NULL;
  gint64 events;

  g_test_summary ("Saving a new hazard sheet answers the item “hazard” and records the hazard in one "
                  "transaction; saving it again updates the same hazard; a sheet that fails "
                  "validation leaves neither an answer nor a hazard behind.");

  id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_uuid_is_valid (id));
  g_assert_cmpstr (result_of (f, ITEM), ==, "hazard");

  draft.description = "Exit door chained and blocked";
  again = aj_hazard_save_sheet (f->store, INSPECTOR, id, &draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, id);
  hazard = aj_hazard_load (f->store, id);
  g_object_get (hazard, "description", &description, NULL);
  g_assert_cmpstr (description, ==, "Exit door chained and blocked");

  /* A sheet without a risk level is refused whole: no answer for the item. */
  events = aj_store_count_events (f->store);
  draft = draft_for (f, "Heater beside a bed");
  draft.item_code = "EC-FIRE-02";
  draft.risk_level = "purple";
  g_assert_null (aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_cmpint (aj_store_count_events (f->store), ==, events);
  g_assert_cmpstr (result_of (f, "EC-FIRE-02"), ==, "");
}

static void
test_reanswer_withdraws_the_hazard (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjHazardDraft draft = draft_for (f, "Exit door chained shut");
  g_autofree char *id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_autoptr(AjHazard) hazard = NULL;

  g_test_summary ("Answering an item “pass” after it was answered “hazard” withdraws that hazard "
                  "and records the new answer together.");
  g_assert_no_error (error);

  g_assert_true (aj_inspection_reanswer (f->store, INSPECTOR, f->inspection, ITEM, "pass", "fixed", "answered again", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result_of (f, ITEM), ==, "pass");
  hazard = aj_hazard_load (f->store, id);
  g_assert_cmpstr (aj_hazard_get_status (hazard), ==, "withdrawn");
  g_assert_null (aj_hazard_find_for_item (f->store, f->inspection, ITEM));
}

static void
test_reanswer_is_all_or_nothing (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjHazardDraft draft = draft_for (f, "Exit door chained shut");
  g_autofree char *id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_autoptr(AjHazard) hazard = NULL;
  gint64 events;

  g_test_summary ("When the new answer cannot be recorded (the inspection is finished), the "
                  "hazard is not withdrawn either.");
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->store, INSPECTOR, f->inspection, &error));
  g_assert_no_error (error);
  events = aj_store_count_events (f->store);

  g_assert_false (aj_inspection_reanswer (f->store, INSPECTOR, f->inspection, ITEM, "pass", NULL, "again", &error));
  g_assert_nonnull (error);
  g_assert_cmpint (aj_store_count_events (f->store), ==, events);
  hazard = aj_hazard_load (f->store, id);
  g_assert_cmpstr (aj_hazard_get_status (hazard), !=, "withdrawn");
}

static void
test_hazard_properties_match_getters (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjHazardDraft draft = draft_for (f, "Exit door chained shut");
  g_autofree char *id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_autoptr(AjHazard) hazard = aj_hazard_load (f->store, id);
  g_autofree char *number = NULL, *institution = NULL, *risk = NULL, *measures = NULL;
  gboolean major;
  int rejections;

  g_test_summary ("Rows bind to a hazard's read-only properties: each holds what its getter returns.");
  g_assert_no_error (error);
  g_object_get (hazard, "number", &number, "institution", &institution, "risk-level", &risk,
                "measures", &measures, "major", &major, "rejections", &rejections, NULL);
  g_assert_cmpstr (number, ==, aj_hazard_get_number (hazard));
  g_assert_true (g_str_has_prefix (number, INSTITUTION "-"));
  g_assert_cmpstr (institution, ==, INSTITUTION);
  g_assert_cmpstr (risk, ==, "red");
  g_assert_cmpstr (measures, ==, "");
  g_assert_true (major);
  g_assert_cmpint (rejections, ==, 0);
  g_assert_cmpint (aj_hazard_get_rejections (hazard), ==, 0);
}

static void
test_model_properties (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AjInstitution) institution = aj_registry_get_institution (f->store, INSTITUTION);
  g_autoptr(AjUser) user = aj_registry_get_user (f->store, INSPECTOR);
  g_autoptr(AjInspection) inspection = aj_inspection_load (f->store, f->inspection);
  g_autofree char *name = NULL, *county = NULL, *role = NULL, *mode = NULL, *institution_name = NULL;
  int beds;

  g_test_summary ("Institutions, people and inspections expose read-only properties equal to their getters.");
  g_object_get (institution, "name", &name, "county", &county, "beds", &beds, NULL);
  g_assert_cmpstr (name, ==, aj_institution_get_name (institution));
  g_assert_cmpstr (county, ==, "东林县");
  g_assert_cmpint (beds, ==, aj_institution_get_beds (institution));
  g_object_get (user, "role", &role, NULL);
  g_assert_cmpstr (role, ==, aj_user_get_role (user));
  g_object_get (inspection, "mode", &mode, "institution-name", &institution_name, NULL);
  g_assert_cmpstr (mode, ==, "field");
  g_assert_cmpstr (institution_name, ==, name);
}

static void
test_institutions_with_hazards (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) none = aj_registry_list_institutions_with_hazards (f->store, &error);
  g_autoptr(GListModel) one = NULL;
  g_autoptr(AjInstitution) first = NULL;
  AjHazardDraft draft = draft_for (f, "Exit door chained shut");
  g_autofree char *id = NULL;

  g_test_summary ("The ledger's institution filter offers exactly the institutions that have hazards.");
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
  id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_assert_no_error (error);
  one = aj_registry_list_institutions_with_hazards (f->store, &error);
  g_assert_cmpuint (g_list_model_get_n_items (one), ==, 1);
  first = g_list_model_get_item (one, 0);
  g_assert_cmpstr (aj_institution_get_code (first), ==, INSTITUTION);
}

static void
test_scope_is_data (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjScope) county = aj_scope_parse_spec ("county:东林县", &error);
  g_autoptr(AjScope) hostile = aj_scope_new_from_json ("{\"institutions\":[\"x') OR 1=1 --\", 5]}");
  g_autoptr(AjScope) broken = aj_scope_new_from_json ("{not json");
  g_autoptr(AjScope) listed = aj_scope_parse_spec ("institutions:DLX001, DLX002", &error);
  g_autoptr(AjScope) round = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *json = NULL;
  g_autofree char *spec = NULL;

  g_test_summary ("A scope parses from the command line and JSON, round-trips, grants nothing when "
                  "unreadable, and reaches SQL only as bound values: a code that looks like SQL "
                  "matches nothing.");
  g_assert_no_error (error);
  g_assert_cmpint (aj_scope_get_kind (broken), ==, AJ_SCOPE_NONE);
  g_assert_null (aj_scope_parse_spec ("everything", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);

  json = aj_scope_to_json (listed);
  round = aj_scope_new_from_json (json);
  spec = aj_scope_to_spec (round);
  g_assert_cmpstr (spec, ==, "institutions:DLX001,DLX002");

  g_assert_true (aj_registry_scope_allows (f->store, county, INSTITUTION));
  g_assert_false (aj_registry_scope_allows (f->store, county, "XHX001"));
  g_assert_false (aj_registry_scope_allows (f->store, broken, INSTITUTION));
  g_assert_true (aj_registry_scope_allows (f->store, listed, "DLX002"));
  g_assert_false (aj_registry_scope_allows (f->store, hostile, INSTITUTION));

  /* Number the kiosk's events as a server would, then read them through scopes. */
  {
    g_autoptr(GPtrArray) mine = aj_store_list_device_events (f->store, aj_store_get_device_id (f->store), &error);
    g_autoptr(AjScope) all = aj_scope_new_all ();
    g_autoptr(AjScope) other_county = aj_scope_parse_spec ("county:西河县", &error);
    g_autoptr(GPtrArray) everything = NULL;
    g_autoptr(GPtrArray) in_county = NULL;
    g_autoptr(GPtrArray) in_list = NULL;
    g_autoptr(GPtrArray) elsewhere = NULL;

    g_assert_cmpuint (mine->len, >, 0);
    for (guint i = 0; i < mine->len; i++)
      g_assert_true (aj_store_mark_acked (f->store, ((AjEvent *) g_ptr_array_index (mine, i))->id, i + 1, &error));
    everything = aj_store_list_events_in_scope (f->store, 0, 100, all, &error);
    in_county = aj_store_list_events_in_scope (f->store, 0, 100, county, &error);
    in_list = aj_store_list_events_in_scope (f->store, 0, 100, listed, &error);
    elsewhere = aj_store_list_events_in_scope (f->store, 0, 100, other_county, &error);
    seen = aj_store_list_events_in_scope (f->store, 0, 100, hostile, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (everything->len, ==, mine->len);
    g_assert_cmpuint (in_county->len, ==, mine->len);
    g_assert_cmpuint (in_list->len, ==, mine->len);
    g_assert_cmpuint (elsewhere->len, ==, 0);
    g_assert_cmpuint (seen->len, ==, 0);
  }
}

static char *
stored_pin_hash (AjStore    *store,
                 const char *user_id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), "SELECT pin_hash FROM users WHERE id = ?", NULL);

  g_assert_nonnull (stmt);
  aj_db_bind_text (stmt, 1, user_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return aj_db_col_dup (stmt, 0);
}

static void
test_pin_argon2id_and_upgrade (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = stored_pin_hash (f->store, INSPECTOR);
  g_autofree char *after = NULL;
  g_autofree char *hash = aj_registry_hash_pin (INSPECTOR, "123456");
  g_autofree char *again = aj_registry_hash_pin (INSPECTOR, "123456");
  g_autoptr(AjUser) user = NULL;
  g_autoptr(AjUser) second = NULL;

  g_test_summary ("PINs hash with Argon2id and a random salt; a first-release SHA-256 hash still "
                  "verifies and is replaced by an Argon2id hash at the first correct PIN, which "
                  "then verifies too.");
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_cmpstr (hash, !=, again);   /* salted */
  g_assert_true (aj_registry_pin_hash_is_valid (hash));
  g_assert_false (aj_registry_pin_hash_is_valid ("$argon2i$v=19$short"));

  g_assert_cmpuint (strlen (before), ==, 64);   /* the sample registry's SHA-256 */
  user = aj_registry_check_pin (f->store, INSPECTOR, "123456", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  after = stored_pin_hash (f->store, INSPECTOR);
  g_assert_true (g_str_has_prefix (after, "$argon2id$"));

  second = aj_registry_check_pin (f->store, INSPECTOR, "123456", &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_null (aj_registry_check_pin (f->store, INSPECTOR, "654321", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_WRONG_PIN);
}

static void
test_pin_lockout_survives_restart (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (aj_store_get_path (f->store));

  g_test_summary ("Five wrong PINs lock the person out; the lock is stored, so closing and "
                  "reopening the store does not lift it, and even the right PIN is refused "
                  "until it ends.");
  for (guint i = 0; i < 4; i++)
    {
      g_assert_null (aj_registry_check_pin (f->store, INSPECTOR, "000000", &error));
      g_assert_error (error, AJ_ERROR, AJ_ERROR_WRONG_PIN);
      g_clear_error (&error);
    }
  g_assert_null (aj_registry_check_pin (f->store, INSPECTOR, "000000", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_LOCKED);
  g_clear_error (&error);

  g_clear_object (&f->store);
  f->store = aj_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aj_registry_pin_locked_for (f->store, INSPECTOR), >, 50);
  g_assert_null (aj_registry_check_pin (f->store, INSPECTOR, "123456", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_LOCKED);
  g_clear_error (&error);
  /* Someone else is not locked. */
  g_assert_cmpint (aj_registry_pin_locked_for (f->store, "u-liu-yang"), ==, 0);
}

static void
test_pin_change_is_an_event (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(AjUser) user = NULL;
  g_autofree char *registry = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "registry.json", NULL);
  AjEvent *last;

  g_test_summary ("Changing a PIN needs the old one and a PIN that is not trivial, is recorded as an "
                  "event that carries only the Argon2id hash, survives a registry import, and only the "
                  "person or an administrator may do it.");
  g_assert_false (aj_registry_change_pin (f->store, INSPECTOR, INSPECTOR, "000000", "482915", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_false (aj_registry_change_pin (f->store, INSPECTOR, INSPECTOR, "123456", "654321", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (aj_registry_change_pin (f->store, "u-li-chunmei", INSPECTOR, NULL, "482915", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  g_assert_true (aj_registry_change_pin (f->store, INSPECTOR, INSPECTOR, "123456", "482915", &error));
  g_assert_no_error (error);
  events = aj_store_list_events (f->store, INSPECTOR, &error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->type, ==, "user.pin_changed");
  g_assert_null (strstr (last->body, "482915"));
  g_assert_nonnull (strstr (last->body, "$argon2id$"));

  g_assert_null (aj_registry_check_pin (f->store, INSPECTOR, "123456", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_WRONG_PIN);
  g_clear_error (&error);
  user = aj_registry_check_pin (f->store, INSPECTOR, "482915", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_clear_object (&user);

  /* The registry comes again (from the server): the change stands. */
  g_assert_true (aj_registry_import_file (f->store, registry, "test", &error));
  g_assert_no_error (error);
  user = aj_registry_check_pin (f->store, INSPECTOR, "482915", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_clear_object (&user);

  /* An administrator resets a forgotten PIN without the old one. */
  g_assert_true (aj_registry_change_pin (f->store, "u-zhou-min", INSPECTOR, NULL, "270419", &error));
  g_assert_no_error (error);
  user = aj_registry_check_pin (f->store, INSPECTOR, "270419", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
}

static void
test_json_depth_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"a\":");
  g_autoptr(JsonObject) ok = NULL;

  g_test_summary ("A 1 MB body of nested arrays is refused before json-glib parses it (which would "
                  "exhaust the stack); brackets inside strings do not count; a body at the limit parses.");
  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (deep, '[');
  g_assert_null (aj_json_parse_object (deep->str, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);

  ok = aj_json_parse_object ("{\"note\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\",\"x\":[[[[1]]]]}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

static void
test_event_schema (void)
{
  static const struct { const char *type; const char *body; gboolean ok; } cases[] = {
    { "hazard.rectification_ordered",
      "{\"measures\":\"Unchain the door\",\"responsible\":\"王建国\",\"deadline\":\"2026-12-31\",\"at\":\"2026-12-01T10:00:00+08:00\"}", TRUE },
    { "hazard.rectification_ordered",
      "{\"measures\":\"x\",\"responsible\":\"y\",\"deadline\":\"soon\",\"at\":\"2026-12-01T10:00:00+08:00\"}", FALSE },
    { "hazard.rectification_ordered",
      "{\"measures\":\"x\",\"responsible\":\"y\",\"deadline\":\"2026-12-31\",\"at\":\"9999-12-01T10:00:00+08:00\"}", FALSE },
    { "hazard.rectification_ordered",
      "{\"measures\":\"x\",\"responsible\":\"y\",\"deadline\":\"2026-12-31\",\"at\":\"2026-12-01T10:00:00+08:00\",\"html\":\"<script>\"}", FALSE },
    { "hazard.rectified", "{\"note\":\"done\",\"photos\":[],\"at\":\"2026-12-01T10:00:00Z\"}", FALSE },
    { "hazard.rectified", "{\"note\":\"done\",\"photos\":[\"../../etc/passwd\"],\"at\":\"2026-12-01T10:00:00Z\"}", FALSE },
    { "hazard.verified", "{\"accepted\":\"yes\",\"at\":\"2026-12-01T10:00:00Z\"}", FALSE },
    { "hazard.found", "{\"number\":\"A-1\",\"inspection\":\"i1\",\"institution\":\"DLX001\",\"item\":\"EC-FIRE-01\","
      "\"category\":\"fire\",\"description\":\"d\",\"risk_level\":\"purple\",\"grade\":\"major\",\"at\":\"2026-12-01T10:00:00Z\"}", FALSE },
    { "hazard.found", "{\"number\":\"A-1\",\"inspection\":\"i1\",\"institution\":\"DLX' OR 1=1\",\"item\":\"EC-FIRE-01\","
      "\"category\":\"fire\",\"description\":\"d\",\"risk_level\":\"red\",\"grade\":\"major\",\"at\":\"2026-12-01T10:00:00Z\"}", FALSE },
    { "item.answered", "{\"item\":\"EC-FIRE-01\",\"result\":\"pass\",\"at\":\"2026-12-01T10:00:00Z\"}", TRUE },
    { "item.answered", "{\"item\":\"EC-FIRE-01\",\"result\":\"pass\",\"at\":\"2026-12-01T10:00:00Z\",\"note\":5}", FALSE },
    { "hazard.teleported", "{}", FALSE },
  };

  g_test_summary ("Every member of an event body is checked against its type's schema: dates are "
                  "dates, timestamps plausible, enumerations known, hashes hashes, ids plain, unknown "
                  "members and unknown types refused.");
  g_assert_true (aj_event_schema_is_known ("hazard.verified"));
  g_assert_false (aj_event_schema_is_known ("hazard.teleported"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = aj_json_parse_object (cases[i].body, &error);

      g_assert_no_error (error);
      g_test_message ("case %u: %s %s", i, cases[i].type, cases[i].body);
      g_assert_cmpint (aj_event_schema_check (cases[i].type, body, &error), ==, cases[i].ok);
      if (!cases[i].ok)
        g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/core-queries/save-sheet-answers-and-records", test_save_sheet_answers_and_records);
  ADD ("/core-queries/reanswer-withdraws-the-hazard", test_reanswer_withdraws_the_hazard);
  ADD ("/core-queries/reanswer-is-all-or-nothing", test_reanswer_is_all_or_nothing);
  ADD ("/core-queries/hazard-properties-match-getters", test_hazard_properties_match_getters);
  ADD ("/core-queries/model-properties-match-getters", test_model_properties);
  ADD ("/core-queries/ledger-filter-institutions-with-hazards", test_institutions_with_hazards);
  ADD ("/core-queries/scope-reaches-sql-only-as-values", test_scope_is_data);
  ADD ("/pin/argon2id-and-upgrade-of-old-hash", test_pin_argon2id_and_upgrade);
  ADD ("/pin/lockout-survives-restart", test_pin_lockout_survives_restart);
  ADD ("/pin/change-is-an-event-that-survives-registry-import", test_pin_change_is_an_event);
#undef ADD
  g_test_add_func ("/json/deep-nesting-refused-before-parsing", test_json_depth_refused);
  g_test_add_func ("/event-schema/every-member-checked", test_event_schema);

  return g_test_run ();
}
