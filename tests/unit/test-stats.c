/* test-stats.c: statistics over a real store: hazards found in two counties,
 * three institution types, several months, both grades and every risk
 * level, taken through the loop by the core's own steps; exact counts and
 * rates per table, the rectified hazard past its deadline not overdue, and
 * periods that are not one refused. */
#include "config.h"

#include <string.h>

#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-stats.h"
#include "aj-store.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"
#define VERIFIER  "u-liu-yang"
#define TODAY     "2026-12-10"
#define PHOTO     "0f343b0931126a20f133d67c2b018a3b5e4c1c6f5fd2b1e5a4a3b0c3d2e1f001"

static const char * const photos[] = { PHOTO, NULL };

typedef struct
{
  const char *institution;
  const char *found_at;
  const char *grade;
  const char *level;
  const char *category;
  const char *deadline;
  const char *fate;     /* what happens next: see take_steps () */
} Found;

/* DLX001 and DLX003 are in 东林县 (a township home, an elder-care home);
 * XHX001 and XHX004 in 西河县 (a township home, a day-care centre). */
static const Found hazards[] = {
  /* 1: rectified on the spot, awaiting verification, its deadline long past: not overdue. */
  { "DLX001", "2026-03-05T10:00:00+08:00", "general", "yellow", "fire", "2026-03-20", "rectified" },
  /* 2: ordered, never rectified: overdue. */
  { "DLX001", "2026-03-18T09:00:00+08:00", "major", "red", "fire", "2026-04-30", "ordered" },
  /* 3: rectified, verified, closed. */
  { "DLX003", "2026-07-02T15:00:00+08:00", "general", "blue", "electric", "2026-07-10", "closed" },
  /* 4: found, its deadline still to come. */
  { "DLX003", "2026-07-15T11:00:00+08:00", "general", "orange", "electric", "2027-01-31", "found" },
  /* 5: major, ordered, past its deadline: overdue. */
  { "XHX004", "2026-11-03T08:30:00+08:00", "major", "orange", "fire", "2026-11-30", "ordered" },
  /* 6: rectified and verified, not yet closed. */
  { "XHX001", "2026-11-20T16:00:00+08:00", "general", "yellow", "food", "2026-12-31", "verified" },
  /* 7: rectified, the rectification rejected on verification, past its deadline: overdue. */
  { "XHX004", "2026-11-10T10:00:00+08:00", "general", "red", "fire", "2026-11-15", "rejected" },
  /* 8: withdrawn: never counted. */
  { "DLX001", "2026-11-25T10:00:00+08:00", "general", "yellow", "fire", "2026-12-01", "withdrawn" },
  /* 9: the year before, left open past its deadline. */
  { "XHX001", "2025-12-28T10:00:00+08:00", "general", "blue", "food", "2026-01-05", "found" },
};

/* A hazard.found event as a device that recorded it on @found_at wrote it. */
static char *
record_found (AjTestStore *f,
              const char  *inspection,
              const Found *h,
              guint        n)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *number = g_strdup_printf ("%s-T-%03u", h->institution, n);
  g_autofree char *description = g_strdup_printf ("Hazard %u", n);
  g_autofree char *event = NULL;

  json_object_set_string_member (body, "number", number);
  json_object_set_string_member (body, "inspection", inspection);
  json_object_set_string_member (body, "institution", h->institution);
  json_object_set_string_member (body, "item", "EC-FIRE-04");
  json_object_set_string_member (body, "category", h->category);
  json_object_set_string_member (body, "description", description);
  json_object_set_string_member (body, "location", "Ward 2");
  json_object_set_string_member (body, "risk_level", h->level);
  json_object_set_string_member (body, "grade", h->grade);
  json_object_set_string_member (body, "deadline", h->deadline);
  json_object_set_string_member (body, "responsible", "王建国");
  json_object_set_string_member (body, "at", h->found_at);
  g_assert_true (aj_store_begin (f->store, &error));
  event = aj_store_append (f->store, "hazard.found", id, INSPECTOR, body, &error);
  g_assert_no_error (error);
  g_assert_true (aj_store_commit (f->store, &error));
  return g_steal_pointer (&id);
}

static void
step (AjTestStore       *f,
      const char        *user_id,
      const char        *hazard,
      AjHazardStep       kind,
      const AjStepInput *input)
{
  g_autoptr(AjUser) user = aj_registry_get_user (f->store, user_id);
  g_autoptr(GError) error = NULL;
  g_autofree char *event = aj_hazard_step (f->store, user, hazard, kind, input, &error);

  g_assert_no_error (error);
  g_assert_nonnull (event);
}

/* Each hazard through the loop by the core's own steps, as people take them. */
static void
take_steps (AjTestStore *f,
            const Found *h,
            const char  *id)
{
  AjStepInput order = { .measures = "Replace and retrain", .responsible = "王建国", .deadline = h->deadline,
                        .funds = "2000 yuan", .contingency_plan = "Fire watch" };
  AjStepInput fixed = { .note = "Done on the spot", .photos = photos };
  AjStepInput accept = { .accepted = TRUE, .opinion = "Seen fixed" };
  AjStepInput reject = { .accepted = FALSE, .opinion = "Still blocked" };

  if (g_str_equal (h->fate, "ordered"))
    step (f, INSPECTOR, id, AJ_STEP_ORDER, &order);
  if (g_str_equal (h->fate, "rectified") || g_str_equal (h->fate, "verified") ||
      g_str_equal (h->fate, "closed") || g_str_equal (h->fate, "rejected"))
    step (f, INSPECTOR, id, AJ_STEP_RECTIFY, &fixed);
  if (g_str_equal (h->fate, "verified") || g_str_equal (h->fate, "closed"))
    step (f, VERIFIER, id, AJ_STEP_VERIFY, &accept);
  if (g_str_equal (h->fate, "rejected"))
    step (f, VERIFIER, id, AJ_STEP_VERIFY, &reject);
  if (g_str_equal (h->fate, "closed"))
    step (f, INSPECTOR, id, AJ_STEP_CLOSE, NULL);
}

/* The hazards above, one field inspection per institution, finished before
 * the steps (a hazard withdrawn first, while its inspection is open). */
static void
record_all (AjTestStore *f)
{
  g_autoptr(GHashTable) inspections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer inspection;

  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      const Found *h = &hazards[i];
      char *ins = g_hash_table_lookup (inspections, h->institution);
      g_autofree char *id = NULL;

      if (ins == NULL)
        {
          ins = aj_inspection_start (f->store, INSPECTOR, h->institution, "field", f->checklist, &error);
          g_assert_no_error (error);
          g_hash_table_insert (inspections, (gpointer) h->institution, ins);
        }
      id = record_found (f, ins, h, i + 1);
      if (g_str_equal (h->fate, "withdrawn"))
        {
          g_assert_true (aj_hazard_withdraw (f->store, INSPECTOR, id, "Recorded twice", &error));
          g_assert_no_error (error);
        }
      g_ptr_array_add (f->hazards, g_steal_pointer (&id));
    }
  g_hash_table_iter_init (&iter, inspections);
  while (g_hash_table_iter_next (&iter, NULL, &inspection))
    {
      g_assert_true (aj_inspection_finish (f->store, INSPECTOR, inspection, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    take_steps (f, &hazards[i], g_ptr_array_index (f->hazards, i));
}

static AjStatsLine *
line_of (AjStatsReport    *report,
         AjStatsDimension  dimension,
         const char       *key)
{
  GListModel *lines = G_LIST_MODEL (report->lines[dimension]);

  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(AjStatsLine) line = g_list_model_get_item (lines, i);
      if (g_str_equal (aj_stats_line_get_key (line), key))
        return line;   /* the report keeps its own reference */
    }
  g_error ("No line “%s” in table %d", key, dimension);
  return NULL;
}

static void
assert_line (AjStatsLine *line,
             guint        found,
             guint        rectified,
             guint        overdue,
             guint        closed)
{
  g_assert_cmpuint (aj_stats_line_get_found (line), ==, found);
  g_assert_cmpuint (aj_stats_line_get_rectified (line), ==, rectified);
  g_assert_cmpuint (aj_stats_line_get_overdue (line), ==, overdue);
  g_assert_cmpuint (aj_stats_line_get_closed (line), ==, closed);
  if (found == 0)
    g_assert_cmpfloat (aj_stats_line_get_rate (line), ==, -1);
  else
    g_assert_cmpfloat_with_epsilon (aj_stats_line_get_rate (line), (double) rectified / found, 1e-12);
}

#define LINE(dim, key, fo, re, ov, cl) assert_line (line_of (report, dim, key), fo, re, ov, cl)

static void
test_year (AjTestStore   *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStatsReport) report = NULL;
  g_autofree char *rate = NULL;
  g_autoptr(AjHazard) rectified = NULL;

  g_test_summary ("A year's statistics by county, institution type, category, month, grade and risk level "
                  "count exactly the hazards found in it (withdrawn ones excepted), in their state today; the "
                  "rate is rectified (with verified and closed) over found; a hazard rectified and waiting "
                  "for verification past its deadline is not overdue, a rejected one is.");
  record_all (f);

  /* The hazard rectified on the spot is in that state, past its deadline. */
  rectified = aj_hazard_load (f->store, g_ptr_array_index (f->hazards, 0));
  g_assert_cmpstr (aj_hazard_get_status (rectified), ==, "rectified");
  g_assert_cmpstr (aj_hazard_get_deadline (rectified), <, TODAY);

  report = aj_stats_report (f->store, "2026", TODAY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->first_day, ==, "2026-01-01");
  g_assert_cmpstr (report->end_day, ==, "2027-01-01");

  assert_line (report->total, 7, 3, 3, 1);
  rate = aj_stats_line_format_rate (report->total);
  g_assert_cmpstr (rate, ==, "42.9%");

  /* Every county of the registry is listed, those without hazards at zero. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (report->lines[AJ_STATS_BY_COUNTY])), ==, 4);
  LINE (AJ_STATS_BY_COUNTY, "东林县", 4, 2, 1, 1);
  LINE (AJ_STATS_BY_COUNTY, "西河县", 3, 1, 2, 0);
  LINE (AJ_STATS_BY_COUNTY, "南湖区", 0, 0, 0, 0);

  LINE (AJ_STATS_BY_INSTITUTION_TYPE, "township_home", 3, 2, 1, 0);
  LINE (AJ_STATS_BY_INSTITUTION_TYPE, "elder_care", 2, 1, 0, 1);
  LINE (AJ_STATS_BY_INSTITUTION_TYPE, "day_care", 2, 0, 2, 0);
  LINE (AJ_STATS_BY_INSTITUTION_TYPE, "rescue_station", 0, 0, 0, 0);
  g_assert_cmpstr (aj_stats_line_get_label (line_of (report, AJ_STATS_BY_INSTITUTION_TYPE, "day_care")), ==,
                   aj_institution_type_label ("day_care"));

  LINE (AJ_STATS_BY_CATEGORY, "fire", 4, 1, 3, 0);
  LINE (AJ_STATS_BY_CATEGORY, "electric", 2, 1, 0, 1);
  LINE (AJ_STATS_BY_CATEGORY, "food", 1, 1, 0, 0);

  /* Every month of the year up to today's, in order. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (report->lines[AJ_STATS_BY_MONTH])), ==, 12);
  {
    g_autoptr(AjStatsLine) first = g_list_model_get_item (G_LIST_MODEL (report->lines[AJ_STATS_BY_MONTH]), 0);
    g_assert_cmpstr (aj_stats_line_get_key (first), ==, "2026-01");
  }
  LINE (AJ_STATS_BY_MONTH, "2026-01", 0, 0, 0, 0);
  LINE (AJ_STATS_BY_MONTH, "2026-03", 2, 1, 1, 0);
  LINE (AJ_STATS_BY_MONTH, "2026-07", 2, 1, 0, 1);
  LINE (AJ_STATS_BY_MONTH, "2026-11", 3, 1, 2, 0);

  LINE (AJ_STATS_BY_GRADE, "major", 2, 0, 2, 0);
  LINE (AJ_STATS_BY_GRADE, "general", 5, 3, 1, 1);

  LINE (AJ_STATS_BY_RISK_LEVEL, "red", 2, 0, 2, 0);
  LINE (AJ_STATS_BY_RISK_LEVEL, "orange", 2, 0, 1, 0);
  LINE (AJ_STATS_BY_RISK_LEVEL, "yellow", 2, 2, 0, 0);
  LINE (AJ_STATS_BY_RISK_LEVEL, "blue", 1, 1, 0, 1);
}

static void
test_month_and_bounds (AjTestStore   *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStatsReport) november = NULL;
  g_autoptr(AjStatsReport) last_year = NULL;
  g_autoptr(AjStatsReport) empty = NULL;
  g_autoptr(GPtrArray) periods = NULL;
  const char *bad[] = { "2026-13", "2026-00", "26", "2026-1", "2026/11", "", "abcd", "2026-11-01" };

  g_test_summary ("A month counts only what was found in it, a year its own hazards, the month "
                  "table of a month has that month only; a period that is not a year or a month is "
                  "refused with a message; the periods offered run back from today.");
  record_all (f);

  november = aj_stats_report (f->store, "2026-11", TODAY, &error);
  g_assert_no_error (error);
  assert_line (november->total, 3, 1, 2, 0);
  g_assert_cmpstr (november->end_day, ==, "2026-12-01");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (november->lines[AJ_STATS_BY_MONTH])), ==, 1);

  /* The hazard of 2025-12-28 belongs to 2025, open past its deadline. */
  last_year = aj_stats_report (f->store, "2025", TODAY, &error);
  g_assert_no_error (error);
  assert_line (last_year->total, 1, 0, 1, 0);
  {
    g_autoptr(AjStatsReport) december = aj_stats_report (f->store, "2025-12", TODAY, &error);
    g_assert_no_error (error);
    assert_line (december->total, 1, 0, 1, 0);
    g_assert_cmpstr (december->end_day, ==, "2026-01-01");
  }

  /* Nothing found: no rate, shown as a dash. */
  empty = aj_stats_report (f->store, "2024-02", TODAY, &error);
  g_assert_no_error (error);
  assert_line (empty->total, 0, 0, 0, 0);
  {
    g_autofree char *dash = aj_stats_line_format_rate (empty->total);
    g_assert_cmpstr (dash, ==, "—");
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(AjStatsReport) none = aj_stats_report (f->store, bad[i], TODAY, &error);
      g_assert_null (none);
      g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }

  periods = aj_stats_recent_periods ("2026-02-15", 2, 3);
  g_assert_cmpuint (periods->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (periods, 0), ==, "2026");
  g_assert_cmpstr (g_ptr_array_index (periods, 1), ==, "2025");
  g_assert_cmpstr (g_ptr_array_index (periods, 2), ==, "2026-02");
  g_assert_cmpstr (g_ptr_array_index (periods, 4), ==, "2025-12");
}

/* The ledger's new columns come from the same store. */
static void
test_hazard_columns (AjTestStore   *f,
                     gconstpointer  data)
{
  g_autoptr(AjHazard) closed = NULL;
  g_autoptr(AjHazard) open = NULL;
  g_autofree char *verified_by = NULL;

  g_test_summary ("A hazard carries its institution's county and type, how it was found, when it was "
                  "rectified and who verified it (the verifier's name, not the finder's).");
  record_all (f);
  closed = aj_hazard_load (f->store, g_ptr_array_index (f->hazards, 2));
  g_assert_cmpstr (aj_hazard_get_county (closed), ==, "东林县");
  g_assert_cmpstr (aj_hazard_get_institution_type (closed), ==, "elder_care");
  g_assert_cmpstr (aj_hazard_get_source (closed), ==, "field");
  g_assert_nonnull (aj_hazard_get_rectified_at (closed));
  g_assert_cmpstr (aj_hazard_get_verified_by (closed), ==, "刘洋");
  g_object_get (closed, "verified-by", &verified_by, NULL);
  g_assert_cmpstr (verified_by, ==, "刘洋");

  open = aj_hazard_load (f->store, g_ptr_array_index (f->hazards, 3));
  g_assert_cmpstr (aj_hazard_get_verified_by (open), ==, "");
  g_assert_null (aj_hazard_get_rectified_at (open));
}

/* The verifier survives a rebuild of the projection from the log. */
static void
test_verifier_rebuilt (AjTestStore   *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_test_summary ("Who verified a hazard is part of the projection: rebuilt from the events, the same.");
  record_all (f);
  before = aj_store_dump_projections (f->store, NULL);
  g_assert_nonnull (strstr (before, VERIFIER));
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  after = aj_store_dump_projections (f->store, NULL);
  g_assert_cmpstr (after, ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/stats/year-by-county-type-category-month-grade-level", "elder-care.json", test_year);
  aj_test_add_with_store ("/stats/month-year-bounds-and-bad-periods", "elder-care.json", test_month_and_bounds);
  aj_test_add_with_store ("/ledger/hazard-county-type-source-verifier", "elder-care.json", test_hazard_columns);
  aj_test_add_with_store ("/ledger/verifier-survives-rebuild", "elder-care.json", test_verifier_rebuilt);
  return g_test_run ();
}
