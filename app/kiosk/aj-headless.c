/* aj-headless.c: the kiosk's commands without a window. Messages are for
 * people, exit codes for scripts (see aj-headless.h and the README). */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "aj-application.h"
#include "aj-checklist.h"
#include "aj-error.h"
#include "aj-headless.h"
#include "aj-ledger.h"
#include "aj-report.h"
#include "aj-labels.h"
#include "aj-store.h"
#include "aj-sync.h"

static char *opt_server;
static char *opt_code;
static char *opt_name;
static char *opt_ca;

char *
aj_kiosk_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "anjian", NULL);
}

gboolean
aj_headless_handles (const char *command)
{
  return g_strcmp0 (command, "enroll") == 0 || g_strcmp0 (command, "sync") == 0 ||
         g_strcmp0 (command, "export") == 0 || g_strcmp0 (command, "report") == 0 ||
         g_strcmp0 (command, "labels") == 0;
}

static char *opt_format;
static char *opt_output;
static char *opt_status;
static char *opt_institution;
static gboolean opt_overdue;

static GHashTable *
load_category_names (const char *data_dir)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *shipped = g_build_filename (aj_find_shipped_data_dir (), "checklists", NULL);
  g_autofree char *received = g_build_filename (data_dir, "checklists", NULL);
  const char *dirs[] = { shipped, received };

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autoptr(GPtrArray) lists = aj_checklist_load_dir (dirs[d], NULL);
      for (guint i = 0; i < lists->len; i++)
        for (guint j = 0; j < aj_checklist_get_n_categories (g_ptr_array_index (lists, i)); j++)
          {
            const AjChecklistCategory *c = aj_checklist_get_category (g_ptr_array_index (lists, i), j);
            g_hash_table_replace (names, g_strdup (c->code), g_strdup (aj_checklist_category_get_name (c)));
          }
    }
  return names;
}

static GPtrArray *
load_checklists (const char *data_dir)
{
  g_autofree char *shipped = g_build_filename (aj_find_shipped_data_dir (), "checklists", NULL);
  g_autofree char *received = g_build_filename (data_dir, "checklists", NULL);
  GPtrArray *all = aj_checklist_load_dir (shipped, NULL);
  g_autoptr(GPtrArray) more = aj_checklist_load_dir (received, NULL);

  /* Later ones (from the server) win when looked up last-first; keep simple: append. */
  for (guint i = 0; i < more->len; i++)
    g_ptr_array_insert (all, 0, g_object_ref (g_ptr_array_index (more, i)));
  return all;
}

static char *opt_hazards;
static char *opt_institutions;
static char *opt_layout;

/* anjian labels (--hazards all|INSPECTION-ID | --institutions all) -o FILE.pdf, for
 * an office that prints tags in bulk. */
static int
run_labels (int    argc,
            char **argv)
{
  const GOptionEntry options[] = {
    { "hazards", 0, 0, G_OPTION_ARG_STRING, &opt_hazards, N_("all (not closed), or an inspection id"), "WHICH" },
    { "institutions", 0, 0, G_OPTION_ARG_STRING, &opt_institutions, N_("all"), "all" },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &opt_layout, N_("a4 (3 × 8 labels, the default) or 50x30"), "LAYOUT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("The file to write"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *data_dir = aj_kiosk_data_dir ();
  g_autofree char *db = g_build_filename (data_dir, "anjian.db", NULL);
  g_autofree char *server = NULL;
  AjLabelLayout layout = AJ_LABELS_A4_3X8;

  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian labels: %s\n", error->message);
      return AJ_EXIT_USAGE;
    }
  if ((opt_hazards == NULL) == (opt_institutions == NULL) || opt_output == NULL ||
      (opt_institutions && g_strcmp0 (opt_institutions, "all") != 0) ||
      (opt_layout && g_strcmp0 (opt_layout, "a4") != 0 && g_strcmp0 (opt_layout, "50x30") != 0))
    {
      g_printerr (_("Usage: anjian labels (--hazards all|INSPECTION-ID | --institutions all) [--layout a4|50x30] -o FILE.pdf\n"));
      return AJ_EXIT_USAGE;
    }
  if (g_strcmp0 (opt_layout, "50x30") == 0)
    layout = AJ_LABELS_50X30;
  store = aj_store_open (db, &error);
  if (store == NULL)
    {
      g_printerr ("anjian labels: %s\n", error->message);
      return AJ_EXIT_LOCAL;
    }
  server = aj_store_get_meta (store, "sync.server");
  labels = opt_institutions ? aj_labels_for_institutions (store, server)
                            : aj_labels_for_hazards (store, server, g_str_equal (opt_hazards, "all") ? NULL : opt_hazards, NULL);
  if (!aj_labels_write_pdf (labels, layout, opt_output, &error))
    {
      g_printerr ("anjian labels: %s\n", error->message);
      return AJ_EXIT_LOCAL;
    }
  g_print (ngettext ("%u label written to %s\n", "%u labels written to %s\n", labels->len), labels->len, opt_output);
  return AJ_EXIT_OK;
}

/* anjian report (inspection|notice|verification) ID -o FILE.pdf */
static int
run_report (int    argc,
            char **argv)
{
  const GOptionEntry options[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("The file to write"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("KIND INSPECTION-ID");
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GPtrArray) checklists = NULL;
  g_autofree char *data_dir = aj_kiosk_data_dir ();
  g_autofree char *db = g_build_filename (data_dir, "anjian.db", NULL);
  g_autofree char *blobs = g_build_filename (data_dir, "blobs", NULL);
  g_autofree char *server = NULL;
  AjReportOptions report = { 0 };
  AjReportKind kind;

  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian report: %s\n", error->message);
      return AJ_EXIT_USAGE;
    }
  if (argc != 3 || !aj_report_kind_from_name (argv[1], &kind) || opt_output == NULL)
    {
      g_printerr (_("Usage: anjian report (inspection|notice|verification) INSPECTION-ID -o FILE.pdf\n"));
      return AJ_EXIT_USAGE;
    }
  store = aj_store_open (db, &error);
  if (store == NULL)
    {
      g_printerr ("anjian report: %s\n", error->message);
      return AJ_EXIT_LOCAL;
    }
  checklists = load_checklists (data_dir);
  server = aj_store_get_meta (store, "sync.server");
  report.blob_dir = blobs;
  report.server_url = server;
  report.checklists = checklists;
  if (!aj_report_write_pdf (store, kind, argv[2], &report, opt_output, &error))
    {
      g_printerr ("anjian report: %s\n", error->message);
      return error->code == AJ_ERROR_NOT_FOUND ? AJ_EXIT_USAGE : AJ_EXIT_LOCAL;
    }
  g_print (_("Report written to %s\n"), opt_output);
  return AJ_EXIT_OK;
}

/* anjian export ledger --format xlsx|csv -o FILE [filters] */
static int
run_export (int    argc,
            char **argv)
{
  const GOptionEntry options[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("xlsx or csv (default: from the file name)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("The file to write"), "FILE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &opt_status, N_("open, found, rectification_ordered, rectified, verified, closed…"), "STATUS" },
    { "institution", 0, 0, G_OPTION_ARG_STRING, &opt_institution, N_("Only this institution (code)"), "CODE" },
    { "overdue", 0, 0, G_OPTION_ARG_NONE, &opt_overdue, N_("Only overdue hazards"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("ledger");
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autofree char *data_dir = aj_kiosk_data_dir ();
  g_autofree char *db = g_build_filename (data_dir, "anjian.db", NULL);
  AjLedgerFilter filter = { 0 };
  AjLedgerFormat format;

  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian export: %s\n", error->message);
      return AJ_EXIT_USAGE;
    }
  if (argc < 2 || g_strcmp0 (argv[1], "ledger") != 0 || opt_output == NULL)
    {
      g_printerr (_("Usage: anjian export ledger --format xlsx|csv -o FILE [--status S] [--institution CODE] [--overdue]\n"));
      return AJ_EXIT_USAGE;
    }
  if (opt_format == NULL)
    format = g_str_has_suffix (opt_output, ".csv") ? AJ_LEDGER_CSV : AJ_LEDGER_XLSX;
  else if (g_str_equal (opt_format, "csv"))
    format = AJ_LEDGER_CSV;
  else if (g_str_equal (opt_format, "xlsx"))
    format = AJ_LEDGER_XLSX;
  else
    {
      g_printerr (_("anjian export: the format is xlsx or csv\n"));
      return AJ_EXIT_USAGE;
    }

  store = aj_store_open (db, &error);
  if (store == NULL)
    {
      g_printerr ("anjian export: %s\n", error->message);
      return AJ_EXIT_LOCAL;
    }
  filter.status = opt_status;
  filter.institution = opt_institution;
  filter.overdue_only = opt_overdue;
  names = load_category_names (data_dir);
  if (!aj_ledger_export (store, &filter, names, format, opt_output, &error))
    {
      g_printerr ("anjian export: %s\n", error->message);
      return AJ_EXIT_LOCAL;
    }
  g_print (_("Ledger written to %s\n"), opt_output);
  return AJ_EXIT_OK;
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != AJ_SYNC_ERROR)
    return AJ_EXIT_LOCAL;
  switch (error->code)
    {
    case AJ_SYNC_ERROR_NOT_ENROLLED: return AJ_EXIT_NOT_ENROLLED;
    case AJ_SYNC_ERROR_NETWORK: return AJ_EXIT_NETWORK;
    case AJ_SYNC_ERROR_AUTH: return AJ_EXIT_AUTH;
    case AJ_SYNC_ERROR_REFUSED:
    case AJ_SYNC_ERROR_QUOTA:
    case AJ_SYNC_ERROR_RATE_LIMITED:
    case AJ_SYNC_ERROR_PROTOCOL: return AJ_EXIT_REFUSED;
    case AJ_SYNC_ERROR_SERVER: return AJ_EXIT_SERVER;
    default: return AJ_EXIT_LOCAL;
    }
}

static void
on_progress (const char *message,
             gpointer    data)
{
  if (g_getenv ("ANJIAN_VERBOSE"))
    g_printerr ("%s…\n", message);
}

int
aj_headless_run (int    argc,
                 char **argv)
{
  const char *command = argv[1];
  const GOptionEntry enroll_options[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &opt_server, N_("Server address, e.g. https://anjian.example.gov.cn"), "URL" },
    { "code", 0, 0, G_OPTION_ARG_STRING, &opt_code, N_("One-time enrollment code from the administrator"), "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("A name for this device"), "NAME" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca, N_("CA certificates for a server with its own certificate"), "FILE" },
    { NULL }
  };
  const GOptionEntry sync_options[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca, N_("CA certificates for a server with its own certificate"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autofree char *data_dir = aj_kiosk_data_dir ();
  g_autofree char *db = g_build_filename (data_dir, "anjian.db", NULL);
  g_autofree char *blobs = g_build_filename (data_dir, "blobs", NULL);
  g_autofree char *checklists = g_build_filename (data_dir, "checklists", NULL);
  AjSyncOptions options = { 0 };
  AjSyncReport report = { 0 };

  if (g_str_equal (command, "export"))
    {
      argv[1] = argv[0];
      return run_export (argc - 1, argv + 1);
    }
  if (g_str_equal (command, "labels"))
    {
      argv[1] = argv[0];
      return run_labels (argc - 1, argv + 1);
    }
  if (g_str_equal (command, "report"))
    {
      argv[1] = argv[0];
      return run_report (argc - 1, argv + 1);
    }
  context = g_option_context_new (command);
  g_option_context_add_main_entries (context, g_str_equal (command, "enroll") ? enroll_options : sync_options,
                                     GETTEXT_PACKAGE);
  argv[1] = argv[0];
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian %s: %s\n", command, error->message);
      return AJ_EXIT_USAGE;
    }

  store = aj_store_open (db, &error);
  if (store == NULL)
    {
      g_printerr ("anjian %s: %s\n", command, error->message);
      return AJ_EXIT_LOCAL;
    }
  options.blob_dir = blobs;
  options.checklist_dir = checklists;
  options.ca_file = opt_ca ? opt_ca : g_getenv ("ANJIAN_CA_FILE");
  options.progress = on_progress;

  if (g_str_equal (command, "enroll"))
    {
      g_autofree char *scope = NULL;
      if (opt_server == NULL || opt_code == NULL)
        {
          g_printerr (_("anjian enroll: --server URL and --code CODE are both needed\n"));
          return AJ_EXIT_USAGE;
        }
      if (!aj_sync_enroll (store, opt_server, opt_code, opt_name, &options, &error))
        {
          g_printerr ("anjian enroll: %s\n", error->message);
          return exit_code_for (error);
        }
      scope = aj_store_get_meta (store, "sync.scope");
      g_print (_("Enrolled with %s as device %s (scope %s)\n"), opt_server, aj_store_get_device_id (store), scope);
      return AJ_EXIT_OK;
    }

  /* A one-shot process: its start-up check wants again any photo whose
   * file is missing, and this sync fetches it. */
  aj_sync_want_missing_blobs (store, options.blob_dir, NULL);
  if (!aj_sync_run (store, &options, &report, &error))
    {
      g_printerr ("anjian sync: %s\n", error->message);
      return exit_code_for (error);
    }
  g_print (_("Sync complete: %u records sent (%u photos), %u records received (%u photos); %lld not yet sent\n"),
           report.pushed, report.blobs_sent, report.pulled, report.blobs_fetched,
           (long long) aj_store_count_unsynced (store));
  return AJ_EXIT_OK;
}
