/* bench-ledger.c: the kiosk's ledger and home pages on a large store against
 * the same on a small one (issue 11), in a real GTK window:
 *
 *   a. the ledger page appears (built, filled, first frame painted), N
 *      hazards against 100;
 *   b. a keystroke in the ledger's search to the filtered frame painted, on
 *      N hazards, against one SQLite FTS query of the same text that reads
 *      every match;
 *   c. the home page appears, N hazards against 100.
 *
 * Each a median of ROUNDS. Usage: bench-ledger BIG.db [ROUNDS [N]]: BIG.db is
 * made with N hazards (100,000) through core calls if it is not there, and
 * kept (the build folder caches it).
 * Needs a display (Xvfb), ANJIAN_SOURCE_DATA and GSETTINGS_SCHEMA_DIR.
 * A benchmark, not a test: it reports figures and asserts nothing about them. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "aj-bench.h"
#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-home-page.h"
#include "aj-inspection.h"
#include "aj-ledger-model.h"
#include "aj-ledger-page.h"
#include "aj-util.h"
#include "aj-registry.h"
#include "aj-session.h"
#include "aj-store-private.h"
#include "aj-sync-manager.h"

#define INSPECTOR "u-zhang-wei"

/* The kiosk's templates and style sheet (app/kiosk/meson.build). */
void aj_kiosk_register_resource (void);
#define SEARCH    "chained"

/* A window that hands pages their session, as the kiosk's does. */
#define BENCH_TYPE_WINDOW (bench_window_get_type ())
G_DECLARE_FINAL_TYPE (BenchWindow, bench_window, BENCH, WINDOW, GtkWindow)

struct _BenchWindow
{
  GtkWindow  parent_instance;
  AjSession *session;
};

G_DEFINE_FINAL_TYPE (BenchWindow, bench_window, GTK_TYPE_WINDOW)

static void
bench_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  g_value_set_object (value, BENCH_WINDOW (object)->session);
}

static void
bench_window_dispose (GObject *object)
{
  g_clear_object (&BENCH_WINDOW (object)->session);
  G_OBJECT_CLASS (bench_window_parent_class)->dispose (object);
}

static void
bench_window_class_init (BenchWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->get_property = bench_window_get_property;
  G_OBJECT_CLASS (klass)->dispose = bench_window_dispose;
  g_object_class_install_property (G_OBJECT_CLASS (klass), 1,
      g_param_spec_object ("session", NULL, NULL, AJ_TYPE_SESSION, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
bench_window_init (BenchWindow *self)
{
}

static gboolean painted;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  painted = TRUE;
}

/* Iterates until the window paints a frame; returns the milliseconds since @start. */
static double
wait_for_frame (GtkWidget *window,
                gint64     start)
{
  GdkFrameClock *clock;
  gulong id;

  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (window);
  painted = FALSE;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static AjSession *
session_for (AjStore     *store,
             AjChecklist *checklist,
             GSettings   *settings)
{
  g_autoptr(GListStore) checklists = g_list_store_new (AJ_TYPE_CHECKLIST);
  g_autofree char *data_dir = g_path_get_dirname (aj_store_get_path (store));
  g_autoptr(AjSyncManager) sync = aj_sync_manager_new (store, data_dir);
  AjSession *session;
  g_autoptr(AjUser) user = aj_registry_get_user (store, INSPECTOR);

  g_list_store_append (checklists, checklist);
  session = aj_session_new (store, "/nonexistent", settings, G_LIST_MODEL (checklists), sync);
  if (user != NULL)
    aj_session_set_user (session, user);
  return session;
}

/* The page appears: window and page built, filled from the store, painted. */
static double
page_appears (AjSession *session,
              GType      type,
              double    *keystroke_ms)
{
  BenchWindow *window = g_object_new (BENCH_TYPE_WINDOW, "default-width", 1280, "default-height", 800, NULL);
  gint64 start = g_get_monotonic_time ();
  GtkWidget *page;
  double ms;

  window->session = g_object_ref (session);
  page = g_object_new (type, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  ms = wait_for_frame (GTK_WIDGET (window), start);
  if (keystroke_ms != NULL)
    {
      GtkWidget *entry = NULL;

      /* Let the first page settle, then type: search-changed as the entry would send it. */
      for (int i = 0; i < 20; i++)
        g_main_context_iteration (NULL, FALSE);
      entry = GTK_WIDGET (gtk_widget_get_template_child (page, AJ_TYPE_LEDGER_PAGE, "search_entry"));
      start = g_get_monotonic_time ();
      gtk_editable_set_text (GTK_EDITABLE (entry), SEARCH);
      g_signal_emit_by_name (entry, "search-changed");
      *keystroke_ms = wait_for_frame (GTK_WIDGET (window), start);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return ms;
}

/* The ledger model alone: the search's matches read in order, and the
 * first page, without widgets. */
static double
model_search (AjStore *store)
{
  g_autofree char *today = aj_today_iso ();
  AjLedgerFilter filter = { .status = "open", .query = SEARCH };
  gint64 start = g_get_monotonic_time ();
  g_autoptr(AjLedgerModel) model = aj_ledger_model_new (store, &filter, today);
  g_autoptr(AjHazard) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

  return (g_get_monotonic_time () - start) / 1000.0;
}

/* One SQLite FTS query of the search text, reading every match. */
static double
fts_query (AjStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT rowid FROM hazards_fts WHERE hazards_fts MATCH '\"" SEARCH "\"'", NULL);
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    n++;
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* A store of @n hazards like bench-store's, through core calls, a thousand
 * to a transaction; kept at @path and reused when it is there already. */
static AjStore *
make_store (const char  *path,
            guint        n,
            AjChecklist *checklist)
{
  g_autofree char *registry = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "registry.json", NULL);
  g_autoptr(GError) error = NULL;
  gboolean existed = g_file_test (path, G_FILE_TEST_EXISTS);
  AjStore *store = aj_store_open (path, &error);
  g_autofree char *inspection = NULL;
  const char *levels[] = { "red", "orange", "yellow", "blue" };

  if (store == NULL)
    g_error ("%s: %s", path, error->message);
  if (existed)
    return store;
  if (!aj_registry_import_file (store, registry, "sample", &error))
    g_error ("registry: %s", error->message);
  for (guint i = 0; i < n; i++)
    {
      AjHazardDraft draft = {
        .item_code = "EC-FIRE-04", .category = "fire", .description = "Exit door chained shut on the ground floor",
        .location = "East stairs", .risk_level = levels[i % 4], .grade = i % 9 == 0 ? "major" : "general",
        .deadline = i % 3 == 0 ? "2020-01-31" : "2030-01-31", .responsible = "Li Chunmei",
      };
      g_autofree char *id = NULL;

      if (i % 1000 == 0)
        aj_store_begin (store, NULL);
      if (i % 20 == 0)
        {
          g_free (inspection);
          inspection = aj_inspection_start (store, INSPECTOR, "DLX001", "field", checklist, &error);
        }
      draft.inspection_id = inspection;
      id = aj_hazard_record (store, INSPECTOR, &draft, &error);
      if (id == NULL)
        g_error ("store: %s", error->message);
      if (i % 1000 == 999 || i == n - 1)
        aj_store_commit (store, NULL);
    }
  return store;
}

int
main (int   argc,
      char *argv[])
{
  int rounds = argc > 2 ? CLAMP (atoi (argv[2]), 1, 15) : 3;
  g_autofree char *dir = g_dir_make_tmp ("anjian-bench-ledger-XXXXXX", NULL);
  g_autofree char *template = NULL;
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(AjStore) big = NULL;
  g_autoptr(AjStore) small = NULL;
  g_autoptr(AjSession) big_session = NULL;
  g_autoptr(AjSession) small_session = NULL;
  g_autoptr(GError) error = NULL;
  double ledger_big[15], ledger_small[15], key[15], fts[15], home_big[15], home_small[15], model[15];
  double lb, ls, k, f, hb, hs, m;
  gint64 n;

  if (argc < 2)
    {
      g_printerr ("usage: bench-ledger BIG.db [ROUNDS [N]]\n");
      return 2;
    }
  adw_init ();
  aj_kiosk_register_resource ();
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/anjian/Kiosk/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  template = g_build_filename (g_getenv ("ANJIAN_SOURCE_DATA"), "checklists", "day-care.json", NULL);
  checklist = aj_checklist_load_file (template, &error);
  if (checklist == NULL)
    g_error ("%s", error->message);
  settings = g_settings_new ("org.anjian.Kiosk");
  big = make_store (argv[1], argc > 3 ? atoi (argv[3]) : 100000, checklist);
  {
    g_autofree char *small_path = g_build_filename (dir, "small.db", NULL);
    small = make_store (small_path, 100, checklist);
  }
  big_session = session_for (big, checklist, settings);
  small_session = session_for (small, checklist, settings);
  n = aj_db_query_int (aj_store_get_db (big), "SELECT count(*) FROM hazards", NULL, 0);

  /* One round unmeasured: fonts, icons, CSS and SQLite's page cache warm. */
  page_appears (small_session, AJ_TYPE_LEDGER_PAGE, NULL);
  page_appears (big_session, AJ_TYPE_LEDGER_PAGE, NULL);
  page_appears (big_session, AJ_TYPE_HOME_PAGE, NULL);
  for (int r = 0; r < rounds; r++)
    {
      ledger_small[r] = page_appears (small_session, AJ_TYPE_LEDGER_PAGE, NULL);
      ledger_big[r] = page_appears (big_session, AJ_TYPE_LEDGER_PAGE, &key[r]);
      fts[r] = fts_query (big);
      model[r] = model_search (big);
      home_small[r] = page_appears (small_session, AJ_TYPE_HOME_PAGE, NULL);
      home_big[r] = page_appears (big_session, AJ_TYPE_HOME_PAGE, NULL);
    }
  lb = aj_bench_median (ledger_big, rounds);
  ls = aj_bench_median (ledger_small, rounds);
  k = aj_bench_median (key, rounds);
  f = aj_bench_median (fts, rounds);
  hb = aj_bench_median (home_big, rounds);
  hs = aj_bench_median (home_small, rounds);
  m = aj_bench_median (model, rounds);
  printf ("hazards: %" G_GINT64_FORMAT " against 100; medians of %d rounds\n", n, rounds);
  printf ("ledger page appears: %.1f ms against %.1f ms = %.2fx (target <= 1.5x and < 100 ms)\n", lb, ls, lb / ls);
  printf ("keystroke \"%s\" to filtered frame: %.1f ms against one FTS query %.1f ms = %.2fx (target <= 2x)\n",
          SEARCH, k, f, k / f);
  printf ("  of which the ledger model alone (matches in order, first page): %.1f ms = %.2fx the FTS query\n",
          m, m / f);
  printf ("home page appears: %.1f ms against %.1f ms = %.2fx (target <= 1.2x)\n", hb, hs, hb / hs);
  return 0;
}
