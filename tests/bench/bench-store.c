/* bench-store.c: the store at a year's scale (issue 11), against plain SQLite.
 *
 * Builds once a store of N hazards (default 100,000) through the core's own
 * calls (an answer and a hazard per item, 20 hazards per inspection), cached
 * in the build folder, watching the write-ahead log as it grows; then prints,
 * each as a median of ROUNDS:
 *
 *   a. answer -> durable commit, against a raw BEGIN; INSERT; COMMIT of a row
 *      of the same size in WAL mode with synchronous=FULL;
 *   b. recording a hazard on the N-hazard store, against a 1,000-hazard one;
 *   c. the WAL: its largest size while the store was built, and after (a)
 *      and (b);
 *   d. a projection rebuild of the N-hazard store, against a raw replay of
 *      the same events into a plain table.
 *
 * Usage: bench-store CACHE_DIR [N [ROUNDS [rebuild|answers]]] ((d) or (a)
 * alone, to profile it)
 * Needs ANJIAN_SOURCE_DATA (the data folder: registry and checklists).
 * A benchmark, not a test: it reports figures and asserts nothing about them. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "aj-bench.h"
#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-store-private.h"

#define INSPECTOR   "u-zhang-wei"
#define PER_INSPECTION 20
#define MIB (1024.0 * 1024.0)

static const char *institutions[] = { "DLX001", "DLX002", "DLX003", "DLX004", "NHQ001", "NHQ002" };

typedef struct
{
  AjStore     *store;
  AjChecklist *checklist;
  char        *inspection;
  guint        in_inspection;
  guint        recorded;
} Writer;

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-store: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

/* Processor time of this process, in µs: the machine is shared, and a
 * wall clock counts the other processes' turns too. */
static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
file_mib (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / MIB : 0;
}

/* One hazard, as the kiosk records one: the item answered "hazard",
 * then the hazard; a new inspection every PER_INSPECTION hazards. */
static void
record_one (Writer *w)
{
  g_autoptr(GError) error = NULL;
  const AjChecklistItem *item;
  g_autofree char *hazard = NULL;
  AjHazardDraft draft = { 0 };

  if (w->inspection == NULL || w->in_inspection == PER_INSPECTION)
    {
      if (w->inspection != NULL && !aj_inspection_finish (w->store, INSPECTOR, w->inspection, &error))
        die ("finish", error);
      g_free (w->inspection);
      w->inspection = aj_inspection_start (w->store, INSPECTOR,
                                           institutions[w->recorded / PER_INSPECTION % G_N_ELEMENTS (institutions)],
                                           "spot_check", w->checklist, &error);
      if (w->inspection == NULL)
        die ("start", error);
      w->in_inspection = 0;
    }
  item = aj_checklist_get_item (w->checklist, w->in_inspection % aj_checklist_get_n_items (w->checklist));
  if (!aj_inspection_answer (w->store, INSPECTOR, w->inspection, item->code, "hazard",
                             "Found on the round", &error))
    die ("answer", error);
  draft.inspection_id = w->inspection;
  draft.item_code = item->code;
  draft.category = item->category;
  draft.description = "Exit door chained shut on the ground floor";
  draft.location = "East stairs";
  draft.risk_level = (w->recorded % 7 == 0) ? "red" : "yellow";
  draft.grade = "general";
  draft.suggestion = "Remove the chain today";
  draft.deadline = "2030-01-31";
  draft.responsible = "Li Chunmei";
  hazard = aj_hazard_record (w->store, INSPECTOR, &draft, &error);
  if (hazard == NULL)
    die ("record", error);
  w->in_inspection++;
  w->recorded++;
}

static AjStore *
open_store (const char  *path,
            const char  *data,
            AjChecklist *checklist)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *registry = g_build_filename (data, "registry.json", NULL);
  AjStore *store = aj_store_open (path, &error);

  if (store == NULL)
    die (path, error);
  if (aj_registry_is_empty (store) && !aj_registry_import_file (store, registry, "sample", &error))
    die ("registry", error);
  return store;
}

/* Fills a store to n hazards; the largest WAL seen goes to *wal_max. */
static void
fill (AjStore     *store,
      AjChecklist *checklist,
      guint        n,
      double      *wal_max,
      gboolean     verbose)
{
  g_autofree char *wal = g_strconcat (aj_store_get_path (store), "-wal", NULL);
  Writer w = { store, checklist, NULL, 0, 0 };
  gint64 start = g_get_monotonic_time (), lap = start;

  w.recorded = (guint) aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM hazards", NULL, 0);
  while (w.recorded < n)
    {
      record_one (&w);
      if (w.recorded % 1000 == 0)
        {
          *wal_max = MAX (*wal_max, file_mib (wal));
          if (verbose && w.recorded % 10000 == 0)
            {
              gint64 now = g_get_monotonic_time ();
              g_printerr ("  %u hazards, %.2f ms each for the last 10,000, WAL %.1f MiB\n",
                          w.recorded, (now - lap) / 10000.0 / 1000.0, file_mib (wal));
              lap = now;
            }
        }
    }
  if (w.inspection != NULL)
    aj_inspection_finish (store, INSPECTOR, w.inspection, NULL);
  g_free (w.inspection);
}

static gboolean
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) a = g_file_new_for_path (from);
  g_autoptr(GFile) b = g_file_new_for_path (to);

  return g_file_copy (a, b, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
}

/* Median ms per hazard over `count` hazards recorded on `store`. */
static double
time_records (AjStore     *store,
              AjChecklist *checklist,
              guint        count)
{
  Writer w = { store, checklist, NULL, 0, 0 };
  double *ms = g_new (double, count);
  double m;

  w.recorded = (guint) aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM hazards", NULL, 0);
  for (guint i = 0; i < count; i++)
    {
      gint64 t = g_get_monotonic_time ();
      record_one (&w);
      ms[i] = (g_get_monotonic_time () - t) / 1000.0;
    }
  m = aj_bench_median (ms, count);
  g_free (ms);
  g_free (w.inspection);
  return m;
}

/* Median µs of one answer through the core, and of the raw insert of a row
 * of the same size; processor µs of each, on average. The two alternate,
 * one answer then one insert, so that the disk (the machine is shared)
 * weighs on both alike: each waits for its fsync. */
static gboolean
answer_once (AjStore     *store,
             AjChecklist *checklist,
             const char  *inspection,
             guint        i)
{
  guint n_items = aj_checklist_get_n_items (checklist);
  const AjChecklistItem *item = aj_checklist_get_item (checklist, i % n_items);

  /* Each answer differs from the item's last one: the same answer twice
   * is not recorded at all. */
  return aj_inspection_answer (store, INSPECTOR, inspection, item->code, (i / n_items) % 2 ? "pass" : "hazard",
                               "Checked", NULL);
}

static void
time_answers (const char  *dir,
              const char  *data,
              AjChecklist *checklist,
              guint        count,
              double      *core_us,
              double      *raw_us,
              double      *core_cpu_us,
              double      *raw_cpu_us)
{
  g_autofree char *path = g_build_filename (dir, "answers.db", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *body = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  double *a = g_new (double, count), *b = g_new (double, count);
  gint64 core_cpu = 0, raw_cpu = 0;
  sqlite3 *raw = NULL;
  gint64 bytes;
  guint warm = 40;

  g_unlink (path);
  store = open_store (path, data, checklist);
  inspection = aj_inspection_start (store, INSPECTOR, "DLX001", "spot_check", checklist, &error);
  if (inspection == NULL)
    die ("start", error);
  for (guint i = 0; i < warm; i++)
    if (!answer_once (store, checklist, inspection, i))
      die ("answer", NULL);

  /* The same number of bytes as an answer event's row, for the raw insert. */
  bytes = aj_db_query_int (aj_store_get_db (store),
                           "SELECT avg(length(id) + length(device_id) + length(author) + length(type) + "
                           "length(subject) + length(body) + length(prev_hash) + length(hash) + 24) "
                           "FROM events WHERE type = 'item.answered'", NULL, 300);
  body = g_strnfill (bytes, 'x');
  g_unlink (raw_path);
  if (sqlite3_open (raw_path, &raw) != SQLITE_OK)
    die ("raw open", NULL);
  if (!aj_db_exec (raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                   "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", &error))
    die ("raw", error);
  insert = aj_db_prepare (raw, "INSERT INTO t (body) VALUES (?)", &error);

  for (guint i = 0; i < count; i++)
    {
      gint64 t = g_get_monotonic_time (), cpu = cpu_us ();

      if (!answer_once (store, checklist, inspection, warm + i))
        die ("answer", NULL);
      a[i] = (double) (g_get_monotonic_time () - t);
      core_cpu += cpu_us () - cpu;

      t = g_get_monotonic_time ();
      cpu = cpu_us ();
      aj_db_exec (raw, "BEGIN", NULL);
      aj_db_bind_text (insert, 1, body);
      if (sqlite3_step (insert) != SQLITE_DONE)
        die ("raw insert", NULL);
      sqlite3_reset (insert);
      aj_db_exec (raw, "COMMIT", NULL);
      b[i] = (double) (g_get_monotonic_time () - t);
      raw_cpu += cpu_us () - cpu;
    }
  *core_cpu_us = (double) core_cpu / count;
  *raw_cpu_us = (double) raw_cpu / count;
  g_clear_pointer (&insert, sqlite3_finalize);
  sqlite3_close (raw);
  *core_us = aj_bench_median (a, count);
  *raw_us = aj_bench_median (b, count);
  g_free (a);
  g_free (b);
}

/* The largest the -wal file was after any step of a rebuild (each step
 * has just committed: the log holds it whole). */
static void
watch_wal (AjStore  *store,
           guint     step,
           gpointer  data)
{
  g_autofree char *wal = g_strconcat (aj_store_get_path (store), "-wal", NULL);
  double *largest = data;

  *largest = MAX (*largest, file_mib (wal));
}

/* Seconds to rebuild the projections, and to replay the same events raw
 * into a plain table in one transaction: the anchor, a temporary
 * table (no log, no fsync); and, for what a durable write of the same rows
 * costs, a table of the store itself, committed through its WAL. */
static void
time_rebuild (AjStore *store,
              double  *core_s,
              double  *raw_s,
              double  *core_cpu_s,
              double  *raw_cpu_s,
              double  *durable_s,
              double  *durable_cpu_s,
              double  *wal_mib,
              double  *wal_rebuild_mib)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (aj_store_get_path (store), "-wal", NULL);
  sqlite3 *db = aj_store_get_db (store);
  gint64 t = g_get_monotonic_time ();
  gint64 cpu = cpu_us ();

  aj_store_set_rebuild_hook (store, 0, watch_wal, wal_rebuild_mib);
  if (!aj_store_rebuild_projections (store, &error))
    die ("rebuild", error);
  *core_s = (g_get_monotonic_time () - t) / 1e6;
  *core_cpu_s = (cpu_us () - cpu) / 1e6;
  /* Before the durable replay below, which writes a year's events again. */
  *wal_mib = MAX (*wal_mib, file_mib (wal));

  t = g_get_monotonic_time ();
  cpu = cpu_us ();
  if (!aj_db_exec (db,
                   "CREATE TEMP TABLE replay (subject TEXT, type TEXT, body TEXT);"
                   "BEGIN;"
                   "INSERT INTO replay SELECT subject, type, body FROM events ORDER BY hlc, device_id, id;"
                   "COMMIT;"
                   "DROP TABLE replay;", &error))
    die ("raw replay", error);
  *raw_s = (g_get_monotonic_time () - t) / 1e6;
  *raw_cpu_s = (cpu_us () - cpu) / 1e6;

  if (!aj_db_exec (db, "CREATE TABLE bench_replay (subject TEXT, type TEXT, body TEXT)", &error))
    die ("durable replay", error);
  t = g_get_monotonic_time ();
  cpu = cpu_us ();
  if (!aj_db_exec (db,
                   "BEGIN;"
                   "INSERT INTO bench_replay SELECT subject, type, body FROM events ORDER BY hlc, device_id, id;"
                   "COMMIT;", &error))
    die ("durable replay", error);
  *durable_s = (g_get_monotonic_time () - t) / 1e6;
  *durable_cpu_s = (cpu_us () - cpu) / 1e6;
  aj_db_exec (db, "DROP TABLE bench_replay", NULL);
}

int
main (int   argc,
      char *argv[])
{
  const char *cache = argc > 1 ? argv[1] : ".";
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 100000;
  int rounds = argc > 3 ? CLAMP (atoi (argv[3]), 1, 15) : 3;
  gboolean rebuild_only = argc > 4 && g_str_equal (argv[4], "rebuild");
  gboolean answers_only = argc > 4 && g_str_equal (argv[4], "answers");
  const char *data = g_getenv ("ANJIAN_SOURCE_DATA");
  g_autoptr(GError) error = NULL;
  g_autofree char *template = NULL;
  g_autofree char *big = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("anjian-bench-store-XXXXXX", NULL);
  g_autoptr(AjChecklist) checklist = NULL;
  double wal_build = 0, wal_after = 0, wal_rebuild = 0;
  double answer[15], raw[15], rec_small[15], rec_big[15], rebuild[15], replay[15];
  double answer_cpu[15], raw_cpu[15], rebuild_cpu[15], replay_cpu[15], durable[15], durable_cpu[15];

  if (data == NULL)
    {
      g_printerr ("bench-store: set ANJIAN_SOURCE_DATA to the data folder\n");
      return 2;
    }
  template = g_build_filename (data, "checklists", "day-care.json", NULL);
  checklist = aj_checklist_load_file (template, &error);
  if (checklist == NULL)
    die (template, error);

  /* The N-hazard store, built once and kept in the build folder. */
  big = g_strdup_printf ("%s/bench-store-%u.db", cache, n);
  {
    g_autoptr(AjStore) store = open_store (big, data, checklist);
    guint have = (guint) aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM hazards", NULL, 0);

    if (have < n)
      {
        gint64 t = g_get_monotonic_time ();
        g_printerr ("building %s (%u hazards; kept for the next runs)\n", big, n);
        fill (store, checklist, n, &wal_build, TRUE);
        g_printerr ("  built in %.0f s\n", (g_get_monotonic_time () - t) / 1e6);
      }
  }

  for (int r = 0; r < rounds; r++)
    {
      g_autofree char *copy = g_build_filename (tmp, "big.db", NULL);
      g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
      g_autofree char *small_path = g_build_filename (tmp, "small.db", NULL);
      g_autoptr(AjStore) small = NULL;
      g_autoptr(AjStore) store = NULL;
      double ignored = 0;

      if (answers_only)
        {
          time_answers (tmp, data, checklist, 2000, &answer[r], &raw[r], &answer_cpu[r], &raw_cpu[r]);
          g_printerr ("  answer %.0f us (processor %.0f us), raw %.0f us (processor %.0f us)\n",
                      answer[r], answer_cpu[r], raw[r], raw_cpu[r]);
          continue;
        }
      if (rebuild_only)
        {
          if (!copy_file (big, copy))
            die ("copy", NULL);
          g_unlink (copy_wal);
          store = open_store (copy, data, checklist);
          time_rebuild (store, &rebuild[r], &replay[r], &rebuild_cpu[r], &replay_cpu[r], &durable[r], &durable_cpu[r],
                        &wal_after, &wal_rebuild);
          g_printerr ("  rebuild %.2f s (processor %.2f s), raw replay %.2f s (processor %.2f s)\n",
                      rebuild[r], rebuild_cpu[r], replay[r], replay_cpu[r]);
          g_clear_object (&store);
          g_unlink (copy);
          g_unlink (copy_wal);
          {
            g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
            g_unlink (shm);
          }
          continue;
        }

      /* b: the 1,000th hazard against the Nth. */
      g_unlink (small_path);
      small = open_store (small_path, data, checklist);
      fill (small, checklist, 1000, &ignored, FALSE);
      rec_small[r] = time_records (small, checklist, 200);

      if (!copy_file (big, copy))
        die ("copy", NULL);
      g_unlink (copy_wal);
      store = open_store (copy, data, checklist);
      rec_big[r] = time_records (store, checklist, 200);
      wal_after = MAX (wal_after, file_mib (copy_wal));

      /* a: an answer against a raw insert. */
      time_answers (tmp, data, checklist, 2000, &answer[r], &raw[r], &answer_cpu[r], &raw_cpu[r]);

      /* d: rebuild against raw replay. */
      time_rebuild (store, &rebuild[r], &replay[r], &rebuild_cpu[r], &replay_cpu[r], &durable[r], &durable_cpu[r],
                    &wal_after, &wal_rebuild);
      g_clear_object (&store);
      g_clear_object (&small);
      g_unlink (copy);
      g_unlink (copy_wal);
      {
        g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
        g_unlink (shm);
      }
    }

  if (rebuild_only)
    goto rebuilt;
  if (answers_only)
    {
      printf ("  answer -> durable commit   %7.0f µs  raw insert %7.0f µs  ratio %.2f (target <= 1.3)\n",
              aj_bench_median (answer, rounds), aj_bench_median (raw, rounds),
              aj_bench_median (answer, rounds) / aj_bench_median (raw, rounds));
      printf ("    processor time           %7.0f µs             %7.0f µs  ratio %.2f\n",
              aj_bench_median (answer_cpu, rounds), aj_bench_median (raw_cpu, rounds),
              aj_bench_median (answer_cpu, rounds) / aj_bench_median (raw_cpu, rounds));
      g_rmdir (tmp);
      return 0;
    }
  printf ("store benchmark, %u hazards, median of %d rounds\n", n, rounds);
  printf ("  answer -> durable commit   %7.0f µs  raw insert %7.0f µs  ratio %.2f (target <= 1.3)\n",
          aj_bench_median (answer, rounds), aj_bench_median (raw, rounds), aj_bench_median (answer, rounds) / aj_bench_median (raw, rounds));
  printf ("    processor time           %7.0f µs             %7.0f µs  ratio %.2f\n",
          aj_bench_median (answer_cpu, rounds), aj_bench_median (raw_cpu, rounds),
          aj_bench_median (answer_cpu, rounds) / aj_bench_median (raw_cpu, rounds));
  printf ("  record a hazard at %6u  %7.2f ms  at 1,000 %7.2f ms  ratio %.2f (target <= 1.2)\n",
          n, aj_bench_median (rec_big, rounds), aj_bench_median (rec_small, rounds), aj_bench_median (rec_big, rounds) / aj_bench_median (rec_small, rounds));
rebuilt:
  printf ("  projection rebuild         %7.2f s   raw replay %7.2f s   ratio %.2f (target <= 3)\n",
          aj_bench_median (rebuild, rounds), aj_bench_median (replay, rounds), aj_bench_median (rebuild, rounds) / aj_bench_median (replay, rounds));
  printf ("    processor time           %7.2f s              %7.2f s   ratio %.2f\n",
          aj_bench_median (rebuild_cpu, rounds), aj_bench_median (replay_cpu, rounds),
          aj_bench_median (rebuild_cpu, rounds) / aj_bench_median (replay_cpu, rounds));
  printf ("    against a durable replay (a table of the store, WAL, one commit) %.2f s, processor %.2f s: "
          "ratios %.2f and %.2f\n",
          aj_bench_median (durable, rounds), aj_bench_median (durable_cpu, rounds),
          aj_bench_median (rebuild, rounds) / aj_bench_median (durable, rounds),
          aj_bench_median (rebuild_cpu, rounds) / aj_bench_median (durable_cpu, rounds));
  printf ("  WAL during the rebuild: largest %.1f MiB after a step (target < 64)\n", wal_rebuild);
  if (rebuild_only)
    {
      g_rmdir (tmp);
      return 0;
    }
  if (wal_build > 0)
    printf ("  WAL while building %u hazards: largest %.1f MiB (target < 64)\n", n, wal_build);
  printf ("  WAL after the timed writes on the %u-hazard store: largest %.1f MiB; store %.0f MiB\n",
          n, wal_after, file_mib (big));
  g_rmdir (tmp);
  return 0;
}
