/* test-ledger-model.c: the ledger's windowed list model (pages read from
 * SQLite, filtered and ordered in SQL, searched through the trigram index)
 * gives the same rows in the same order as reading every hazard and
 * filtering in C; the home page's counts from the tally kept by triggers
 * match counting every hazard; an export cancelled midway leaves no file. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-ledger.h"
#include "aj-ledger-model.h"
#include "aj-store-private.h"
#include "aj-test-util.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"

static const char *institutions[] = { "DLX001", "DLX002", "XHX002", "NHQ003" };
static const char *levels[] = { "red", "orange", "yellow", "blue" };
static const char *words[] = {
  "灭火器过期", "安全出口堵塞", "配电箱周围堆放可燃物", "电线私拉乱接", "消防通道",
  "Fire door WEDGED open", "gas valve", "厨房燃气泄漏报警器失效", "50%_discount", "夜间值班",
};
static const char *places[] = { "一楼走廊", "厨房", "二楼 West wing", "配电房", "" };
static const char *people[] = { "王建国", "李春梅", "Zhang Wei", "" };

/* @n hazards with random fields in one transaction; then random statuses
 * and some descriptions changed in place, as later events would. */
static void
record_many (AjTestStore *f,
             GRand       *rand,
             guint        n)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = aj_store_get_db (f->store);
  g_autofree char *inspection = NULL;

  g_assert_true (aj_store_begin (f->store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *description = NULL;
      g_autofree char *deadline = NULL;
      g_autofree char *id = NULL;
      AjHazardDraft draft = { 0 };

      if (i % 50 == 0)
        {
          g_clear_pointer (&inspection, g_free);
          inspection = aj_inspection_start (f->store, INSPECTOR, institutions[g_rand_int_range (rand, 0, 4)],
                                            "field", f->checklist, &error);
          g_assert_no_error (error);
        }
      description = g_strdup_printf ("%s，%s %u", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                     words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))], i);
      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0: deadline = g_strdup (""); break;
        case 1: deadline = g_strdup_printf ("2020-%02d-%02d", g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29)); break;
        default: deadline = g_strdup_printf ("2099-%02d-%02d", g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29)); break;
        }
      draft.inspection_id = inspection;
      draft.item_code = "EC-FIRE-04";
      draft.category = "fire";
      draft.description = description;
      draft.location = places[g_rand_int_range (rand, 0, G_N_ELEMENTS (places))];
      draft.risk_level = levels[g_rand_int_range (rand, 0, 4)];
      draft.grade = g_rand_boolean (rand) ? "major" : "general";
      draft.deadline = deadline;
      draft.responsible = people[g_rand_int_range (rand, 0, G_N_ELEMENTS (people))];
      id = aj_hazard_record (f->store, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
    }
  g_assert_true (aj_store_commit (f->store, &error));

  /* Statuses as the closed loop leaves them, and edited descriptions: the
   * triggers keep the search index and the tally up to date. */
  g_assert_true (aj_db_exec (db,
      "UPDATE hazards SET status = CASE abs (random ()) % 5 WHEN 0 THEN 'found' WHEN 1 THEN 'ordered' "
      "WHEN 2 THEN 'rectified' WHEN 3 THEN 'closed' ELSE 'withdrawn' END", &error));
  g_assert_true (aj_db_exec (db,
      "UPDATE hazards SET description = description || ' 已复核' WHERE abs (random ()) % 7 = 0", &error));
  g_assert_true (aj_db_exec (db,
      "DELETE FROM hazards WHERE abs (random ()) % 97 = 0", &error));
}

/* The reference: every hazard read (once per store state: the tests read
 * them again after each change), filtered in C. */
static GListModel *every_hazard;

static GPtrArray *
plain_ids (AjStore              *store,
           const AjLedgerFilter *filter,
           const char           *today)
{
  GListModel *all = every_hazard;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (all, i);
      if (aj_ledger_filter_matches (filter, h, today))
        g_ptr_array_add (ids, g_strdup (aj_hazard_get_id (h)));
    }
  return ids;
}

static void
assert_same_rows (AjLedgerModel        *model,
                  AjStore              *store,
                  const AjLedgerFilter *filter,
                  const char           *today)
{
  g_autoptr(GPtrArray) expected = plain_ids (store, filter, today);
  GListModel *list = G_LIST_MODEL (model);

  aj_ledger_model_set_filter (model, filter, today);
  if (g_list_model_get_n_items (list) != expected->len)
    g_error ("query \"%s\" status %s level %s institution %s overdue %d: %u rows, expected %u",
             filter->query ? filter->query : "", filter->status, filter->risk_level, filter->institution,
             filter->overdue_only, g_list_model_get_n_items (list), expected->len);
  g_assert_cmpuint (aj_ledger_model_count (store, filter, today, NULL), ==, expected->len);
  /* Read backwards then forwards, so that pages are dropped and read again. */
  for (guint i = expected->len; i-- > 0;)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (list, i);
      g_assert_nonnull (h);
      g_assert_cmpstr (aj_hazard_get_id (h), ==, g_ptr_array_index (expected, i));
    }
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (list, i);
      g_assert_cmpstr (aj_hazard_get_id (h), ==, g_ptr_array_index (expected, i));
    }
  g_assert_null (g_list_model_get_item (list, expected->len));
}

static void
test_same_as_plain_query (AjTestStore   *f,
                          gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  g_autofree char *today = aj_today_iso ();
  g_autoptr(AjLedgerModel) model = aj_ledger_model_new (f->store, NULL, today);
  const char *queries[] = {
    NULL, "", "灭", "灭火器", "安全出口堵", "WEDGED", "wedged", "fire door", "50%", "%_", "_", "%",
    "DLX001", "DLX001-", "大连", "王建国", "wei", "厨房", "已复核", "不存在的字", "\"", "a\"b", "NEAR(", "west",
    "一楼走廊", "电线", "配电", "，", " 1", "12",
  };
  const char *filter_statuses[] = { NULL, "open", "found", "closed", "withdrawn", "rectified" };

  g_test_summary ("For random filters and searches over 1,200 hazards (several windows), the windowed ledger model "
                  "lists the same hazards in the same order as reading every hazard and filtering in C, before and "
                  "after a projection rebuild");

  record_many (f, rand, 1200);
  every_hazard = aj_hazard_list (f->store, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      AjLedgerFilter filter = { .query = queries[i] };
      assert_same_rows (model, f->store, &filter, today);
    }
  for (guint round = 0; round < 30; round++)
    {
      AjLedgerFilter filter = {
        .status = filter_statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (filter_statuses))],
        .risk_level = g_rand_boolean (rand) ? NULL : levels[g_rand_int_range (rand, 0, 4)],
        .institution = g_rand_boolean (rand) ? NULL : institutions[g_rand_int_range (rand, 0, 4)],
        .overdue_only = g_rand_int_range (rand, 0, 4) == 0,
        .query = g_rand_boolean (rand) ? NULL : queries[g_rand_int_range (rand, 0, G_N_ELEMENTS (queries))],
      };
      assert_same_rows (model, f->store, &filter, today);
    }
  g_clear_object (&every_hazard);

  /* A projection rebuild drops the tables' indexes and the ledger's
   * triggers (search index, tally) and makes them whole at the end: the
   * same again (the hazards now as their events say, without the statuses
   * and deletions set above), every index and trigger back as it was. */
  {
    const char *schema = "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) "
                         "FROM (SELECT * FROM sqlite_schema ORDER BY type, name)";
    g_autoptr(sqlite3_stmt) before = aj_db_prepare (aj_store_get_db (f->store), schema, NULL);
    g_autofree char *was = NULL;
    g_autoptr(sqlite3_stmt) after = NULL;

    g_assert_cmpint (sqlite3_step (before), ==, SQLITE_ROW);
    was = aj_db_col_dup (before, 0);
    g_clear_pointer (&before, sqlite3_finalize);
    g_assert_true (aj_store_rebuild_projections (f->store, NULL));
    after = aj_db_prepare (aj_store_get_db (f->store), schema, NULL);
    g_assert_cmpint (sqlite3_step (after), ==, SQLITE_ROW);
    g_assert_cmpstr (aj_db_col_text (after, 0), ==, was);
    g_assert_nonnull (strstr (was, "trigger hazards_fts_insert"));
  }
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->store), "SELECT count(*) FROM ledger_index_paused", NULL, -1),
                   ==, 0);
  every_hazard = aj_hazard_list (f->store, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      AjLedgerFilter filter = { .status = "open", .query = queries[i] };
      assert_same_rows (model, f->store, &filter, today);
    }
  g_clear_object (&every_hazard);
}

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *counts)
{
  counts[0] = position;
  counts[1] = removed;
  counts[2] = added;
  counts[3]++;
}

static void
test_follows_the_store (AjTestStore   *f,
                        gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(AjLedgerModel) model = NULL;
  g_autofree char *today = aj_today_iso ();
  AjLedgerFilter open = { .status = "open" };
  guint counts[4] = { 0 };
  guint before;

  g_test_summary ("After the store changes, reload () re-counts and says so with one items-changed "
                  "that replaces the rows shown by the new count");

  record_many (f, rand, 300);
  model = aj_ledger_model_new (f->store, &open, today);
  before = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), counts);
  g_assert_true (aj_db_exec (aj_store_get_db (f->store),
                             "UPDATE hazards SET status = 'closed' WHERE id IN "
                             "(SELECT id FROM hazards WHERE status NOT IN ('closed', 'withdrawn') LIMIT 5)", NULL));
  aj_ledger_model_reload (model);
  g_assert_cmpuint (counts[3], ==, 1);
  g_assert_cmpuint (counts[0], ==, 0);
  g_assert_cmpuint (counts[1], ==, before);
  g_assert_cmpuint (counts[2], ==, before - 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, before - 5);
  every_hazard = aj_hazard_list (f->store, NULL, NULL);
  assert_same_rows (model, f->store, &open, today);
  g_clear_object (&every_hazard);

  /* A search keeps the order it read ahead (aj_ledger_model_prepare_search)
   * only until something is recorded, here or through another connection
   * (a sync). */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AjStore) other = round == 1 ? aj_store_open (f->db_path, &error) : NULL;
      AjStore *writer = round == 1 ? other : f->store;
      const char *text = round == 1 ? "zebra crossing unmarked" : "zebra crossing faded";
      AjLedgerFilter search = { .status = "open", .query = "zebra crossing" };
      g_autofree char *inspection = NULL;
      g_autofree char *hazard = NULL;
      AjHazardDraft draft = {
        .item_code = "EC-FIRE-04", .category = "fire", .description = text, .risk_level = "red",
        .grade = "major", .deadline = "2030-01-31",
      };

      g_assert_no_error (error);
      aj_ledger_model_set_filter (model, &open, today);
      aj_ledger_model_prepare_search (model);
      aj_ledger_model_set_filter (model, &search, today);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, round);
      aj_ledger_model_set_filter (model, &open, today);
      inspection = aj_inspection_start (writer, INSPECTOR, "DLX001", "field", f->checklist, &error);
      g_assert_no_error (error);
      draft.inspection_id = inspection;
      hazard = aj_hazard_record (writer, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
      aj_ledger_model_set_filter (model, &search, today);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, round + 1);
    }
}

static void
test_counts_match (AjTestStore   *f,
                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *week_end = aj_date_add_days (today, 7);
  const char *scopes[] = { NULL, "DLX001", "XHX002", "NHQ999" };

  g_test_summary ("The home page's counts, summed from the tally the triggers keep, equal counting every "
                  "hazard in C, for all institutions and for one");

  record_many (f, rand, 1500);
  /* Deadlines moved into this week, so that the week's count is not zero. */
  g_assert_true (aj_db_exec (aj_store_get_db (f->store), "UPDATE hazards SET deadline = date ('now', '+3 days') "
                             "WHERE abs (random ()) % 5 = 0", NULL));
  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    {
      g_autoptr(GListModel) all = aj_hazard_list (f->store, NULL, NULL);
      AjHazardCounts expected = { 0 }, got;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(AjHazard) h = g_list_model_get_item (all, i);
          const char *status = aj_hazard_get_status (h), *deadline = aj_hazard_get_deadline (h);

          if (scopes[s] != NULL && g_strcmp0 (scopes[s], aj_hazard_get_institution (h)) != 0)
            continue;
          if (g_str_equal (status, "closed") || g_str_equal (status, "withdrawn"))
            continue;
          expected.open++;
          if (aj_hazard_is_overdue (h, today))
            expected.overdue++;
          else if (*deadline && strcmp (deadline, today) >= 0 && strcmp (deadline, week_end) <= 0)
            expected.due_this_week++;
          expected.to_verify += g_str_equal (status, "rectified");
          expected.major += aj_hazard_is_major (h);
        }
      g_assert_true (aj_hazard_count_open (f->store, scopes[s], today, week_end, &got, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (got.open, ==, expected.open);
      g_assert_cmpuint (got.overdue, ==, expected.overdue);
      g_assert_cmpuint (got.due_this_week, ==, expected.due_this_week);
      g_assert_cmpuint (got.to_verify, ==, expected.to_verify);
      g_assert_cmpuint (got.major, ==, expected.major);
      if (scopes[s] == NULL)
        g_assert_cmpuint (expected.due_this_week, >, 0);
    }
}

static gboolean
progressed (gpointer result)
{
  return aj_ledger_export_get_progress (result) > 0.1;
}

static void
on_export_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (aj_ledger_export_finish (AJ_STORE (source), result, error));
  g_assert_nonnull (*error);
}

static void
test_export_cancelled (AjTestStore   *f,
                       gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  AjLedgerFormat formats[] = { AJ_LEDGER_CSV, AJ_LEDGER_XLSX };
  guint files_before;

  g_test_summary ("An export in its thread, cancelled once it has begun, ends with G_IO_ERROR_CANCELLED and "
                  "leaves no file, neither the ledger nor a temporary one");

  record_many (f, rand, 3000);
  files_before = aj_test_count_files (f->dir);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, formats[i] == AJ_LEDGER_XLSX ? "台账.xlsx" : "台账.csv", NULL);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

      result = aj_ledger_export_async (f->store, NULL, NULL, formats[i], path, cancellable, on_export_done, &error);
      /* Midway: once it has read some rows, and well before it is done. */
      while (!progressed (result) && g_get_monotonic_time () < deadline)
        g_usleep (200);
      g_assert_cmpfloat (aj_ledger_export_get_progress (result), <, 0.9);
      g_cancellable_cancel (cancellable);
      while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (aj_test_count_files (f->dir), ==, files_before);
    }

  /* Not cancelled, the same export writes the whole file. */
  {
    g_autofree char *path = g_build_filename (f->dir, "台账.csv", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (aj_ledger_export (f->store, NULL, NULL, AJ_LEDGER_CSV, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines) - 2, ==,
                      (guint) aj_db_query_int (aj_store_get_db (f->store), "SELECT count(*) FROM hazards", NULL, -1));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/ledger-model/same-rows-as-plain-query", "elder-care.json", test_same_as_plain_query);
  aj_test_add_with_store ("/ledger-model/reload-recounts-after-store-change", "elder-care.json", test_follows_the_store);
  aj_test_add_with_store ("/ledger-model/home-counts-match-every-hazard", "elder-care.json", test_counts_match);
  aj_test_add_with_store ("/ledger/export-cancelled-midway-leaves-no-file", "elder-care.json", test_export_cancelled);
  return g_test_run ();
}
