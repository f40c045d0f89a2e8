/* aj-headless.c: the kiosk's commands without a window. Messages are for
 * people, exit codes for scripts (see aj-headless.h and the README). */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "aj-headless.h"
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
  return g_strcmp0 (command, "enroll") == 0 || g_strcmp0 (command, "sync") == 0;
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
  g_autoptr(GOptionContext) context = g_option_context_new (command);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autofree char *data_dir = aj_kiosk_data_dir ();
  g_autofree char *db = g_build_filename (data_dir, "anjian.db", NULL);
  g_autofree char *blobs = g_build_filename (data_dir, "blobs", NULL);
  g_autofree char *checklists = g_build_filename (data_dir, "checklists", NULL);
  AjSyncOptions options = { 0 };
  AjSyncReport report = { 0 };

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
