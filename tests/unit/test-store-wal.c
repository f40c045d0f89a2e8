/* test-store-wal.c: the store stays small under sustained writes: every
 * commit through core calls leaves no statement open, so SQLite's automatic
 * checkpoints run and the write-ahead log stops growing; statements are
 * compiled once per connection, not once per call. */
#include "config.h"

#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-inspection.h"
#include "aj-store.h"
#include "aj-store-private.h"

#include "aj-test-util.h"

#define INSTITUTION "DLX004"
#define INSPECTOR   "u-zhang-wei"
/* The automatic checkpoint runs at 1,000 pages (4 MiB); a WAL that is reset
 * after each checkpoint stays near that, one that never is grows by every
 * commit. */
#define WAL_BOUND   (8 * 1024 * 1024)

static gint64
wal_size (AjTestStore *f)
{
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) == 0 ? st.st_size : 0;
}

/* Answers, one commit each, as an inspector makes them: the items of the
 * checklist in turn, pass and not applicable by turns, inspection after
 * inspection. Returns the largest WAL seen. */
static gint64
answer_many (AjTestStore *f,
             guint        n_answers)
{
  guint n_items = aj_checklist_get_n_items (f->checklist);
  g_autofree char *inspection = NULL;
  gint64 largest = 0;

  for (guint i = 0; i < n_answers; i++)
    {
      g_autoptr(GError) error = NULL;
      const AjChecklistItem *item = aj_checklist_get_item (f->checklist, i % n_items);

      if (i % (2 * n_items) == 0)
        {
          g_free (inspection);
          inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
          g_assert_no_error (error);
        }
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, inspection, item->code,
                                           (i / n_items) % 2 == 0 ? "pass" : "na", NULL, &error));
      g_assert_no_error (error);
      if (i % 100 == 0)
        largest = MAX (largest, wal_size (f));
    }
  return MAX (largest, wal_size (f));
}

static void
test_wal_bounded (AjTestStore   *f,
                  gconstpointer  data)
{
  const guint n_answers = 6000;
  gint64 largest;

  g_test_summary ("6,000 answers, each its own commit through core calls, leave the write-ahead log "
                  "below 8 MiB at every moment: no statement is left open at a commit, so SQLite's "
                  "automatic checkpoints complete.");
  largest = answer_many (f, n_answers);
  g_test_message ("largest WAL: %.1f MiB after %u answers", largest / 1048576.0, n_answers);
  g_assert_cmpint (largest, <, WAL_BOUND);
  g_assert_cmpint (aj_store_count_unsynced (f->store), >=, n_answers);
}

static void
test_no_statement_open_after_commit (AjTestStore   *f,
                                     gconstpointer  data)
{
  sqlite3 *db = aj_store_get_db (f->store);

  g_test_summary ("After a core write commits, no statement of its connection is still running (one "
                  "that is holds a read snapshot and stops every checkpoint).");
  answer_many (f, 50);
  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL; stmt = sqlite3_next_stmt (db, stmt))
    {
      if (sqlite3_stmt_busy (stmt))
        g_test_message ("still running: %s", sqlite3_sql (stmt));
      g_assert_false (sqlite3_stmt_busy (stmt));
    }
}

static void
test_statements_compiled_once (AjTestStore   *f,
                               gconstpointer  data)
{
  sqlite3 *db = aj_store_get_db (f->store);
  int before, after, highwater;

  g_test_summary ("Writes reuse their compiled statements: 500 more answers compile almost nothing "
                  "(SQLite counts statements run on a connection; prepared ones are kept).");
  answer_many (f, 100);
  sqlite3_db_status (db, SQLITE_DBSTATUS_STMT_USED, &before, &highwater, FALSE);
  answer_many (f, 500);
  sqlite3_db_status (db, SQLITE_DBSTATUS_STMT_USED, &after, &highwater, FALSE);
  g_test_message ("statement memory: %d bytes after 100 answers, %d after 600", before, after);
  /* The cache holds what the writes use; it does not grow with their number. */
  g_assert_cmpint (before, >, 0);
  g_assert_cmpint (after, <, before + before / 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aj_test_add_with_store ("/store/wal/bounded-under-sustained-writes", "day-care.json", test_wal_bounded);
  aj_test_add_with_store ("/store/wal/no-statement-open-after-commit", "day-care.json",
                          test_no_statement_open_after_commit);
  aj_test_add_with_store ("/store/statements/compiled-once-per-connection", "day-care.json",
                          test_statements_compiled_once);
  return g_test_run ();
}
