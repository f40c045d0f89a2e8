/* main.c: anjian-server: serve the API, or administer its data folder. */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>
#include <string.h>
#include <glib-unix.h>
#include <qrencode.h>

#include "aj-server.h"
#include "aj-util.h"
#include "aj-server-admin.h"
#include "aj-server-db.h"
#include "aj-server-draw-cli.h"
#include "aj-server-store.h"
#include "aj-checklist.h"
#include "aj-report.h"

static char *opt_data;
static char *opt_listen;
static char *opt_cert;
static char *opt_key;
static char *opt_holidays;
static char *opt_scope;
static char *opt_server;
static int   opt_days = 7;
static char *opt_output;
static char *opt_blob_quota;
static char *opt_event_rate;
static char *opt_partial_expiry;
static char *opt_role;
static char *opt_county;
static char *opt_display_name;

/* serve --workers (the worker pool) */
static int   opt_workers;

static const GOptionEntry common[] = {
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data, "The server's data folder", "DIR" },
  { NULL }
};

static const GOptionEntry serve_options[] = {
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen, "Address and port (default 127.0.0.1:8080; port 0 picks one)", "HOST:PORT" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cert, "TLS certificate (PEM)", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key, "TLS private key (PEM)", "FILE" },
  { "holidays", 0, 0, G_OPTION_ARG_FILENAME, &opt_holidays, "Holiday calendar (default DIR/holidays.txt)", "FILE" },
  { "blob-quota", 0, 0, G_OPTION_ARG_STRING, &opt_blob_quota,
    "Photo bytes each device may store (default 20G; suffix K, M or G; 0: no limit)", "SIZE" },
  { "event-rate", 0, 0, G_OPTION_ARG_STRING, &opt_event_rate,
    "New events each device may push per period (default 20000/1h; period in s, m or h; 0: no limit)", "N/PERIOD" },
  { "partial-expiry", 0, 0, G_OPTION_ARG_STRING, &opt_partial_expiry,
    "Remove a photo upload left unfinished this long (default 24h; s, m, h or d; 0: keep)", "TIME" },
  /* the worker pool */
  { "workers", 0, 0, G_OPTION_ARG_INT, &opt_workers,
    "Threads that answer reads, each with its own database connection (default: one per processor, at least 2; "
    "writes have one more thread of their own)", "N" },
  { NULL }
};

static const GOptionEntry code_options[] = {
  { "scope", 0, 0, G_OPTION_ARG_STRING, &opt_scope, "What the device may see: all, county:NAME, institutions:CODE,CODE", "SCOPE" },
  { "days", 0, 0, G_OPTION_ARG_INT, &opt_days, "Days the code stays valid (default 7)", "N" },
  { "server", 0, 0, G_OPTION_ARG_STRING, &opt_server, "Server address to put in the QR code", "URL" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "The file to write (report)", "FILE" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "office-user add: clerk, chief or admin", "ROLE" },
  { "county", 0, 0, G_OPTION_ARG_STRING, &opt_county, "office-user add: the county in scope (none: the whole city)", "NAME" },
  { "display-name", 0, 0, G_OPTION_ARG_STRING, &opt_display_name, "office-user add: the name shown", "TEXT" },
  { NULL }
};

/* Where the shared state lives (aj-server-db.h), for serve and the
 * administrator's commands alike. */
static char *opt_database;
static char *opt_blob_dir;

static const GOptionEntry database_options[] = {
  { "database", 0, 0, G_OPTION_ARG_STRING, &opt_database,
    "sqlite:DIR (the default, on --data) or postgresql://… shared by several servers (--data then holds "
    "this server's cache)", "URL" },
  { "blob-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_blob_dir,
    "Where photos are kept (default DIR/blobs); with several servers, a directory they share", "DIR" },
  { NULL }
};

static GMainLoop *loop;

/* Translations are in the build folder until the server is installed. */
static const char *
find_locale_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, ANJIAN_BUILD_ROOT "/"))
    return ANJIAN_BUILD_LOCALEDIR;
  return LOCALEDIR;
}

/* "20G", "512M", "1048576": a count with an optional binary suffix. */
static gboolean
parse_size (const char *text,
            gint64     *value)
{
  char *end;
  guint64 n;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  n = g_ascii_strtoull (text, &end, 10);
  switch (g_ascii_toupper (*end))
    {
    case 'G': n <<= 10; G_GNUC_FALLTHROUGH;
    case 'M': n <<= 10; G_GNUC_FALLTHROUGH;
    case 'K': n <<= 10; end++; break;
    default: break;
    }
  if (*end == 'i' || *end == 'I')
    end++;
  if (*end == 'B' || *end == 'b')
    end++;
  *value = (gint64) n;
  return *end == '\0' && n < G_MAXINT64 / 2;
}

/* "90", "90s", "15m", "1h", "2d": seconds. */
static gboolean
parse_duration (const char *text,
                gint64     *seconds)
{
  char *end;
  gint64 n;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  n = g_ascii_strtoll (text, &end, 10);
  switch (*end)
    {
    case 'd': n *= 24; G_GNUC_FALLTHROUGH;
    case 'h': n *= 60; G_GNUC_FALLTHROUGH;
    case 'm': n *= 60; G_GNUC_FALLTHROUGH;
    case 's': end++; break;
    default: break;
    }
  *seconds = n;
  return *end == '\0' && n >= 0;
}

/* The bounds per device from the command line, over the defaults. */
static gboolean
parse_limits (AjServerLimits  *limits)
{
  *limits = (AjServerLimits) AJ_SERVER_LIMITS_INIT;
  if (opt_blob_quota != NULL && !parse_size (opt_blob_quota, &limits->blob_quota_bytes))
    {
      g_printerr ("anjian-server serve: --blob-quota takes a size such as 20G or 500M, not “%s”\n", opt_blob_quota);
      return FALSE;
    }
  if (opt_event_rate != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (opt_event_rate, "/", 2);
      char *end;

      limits->event_rate = g_ascii_strtoll (parts[0], &end, 10);
      if (g_str_equal (opt_event_rate, "0"))
        limits->event_rate = 0;
      else if (!g_ascii_isdigit (parts[0][0]) || *end != '\0' || parts[1] == NULL ||
               !parse_duration (parts[1], &limits->event_window_seconds) || limits->event_window_seconds == 0)
        {
          g_printerr ("anjian-server serve: --event-rate takes N/PERIOD such as 20000/1h or 600/1m, not “%s”\n",
                      opt_event_rate);
          return FALSE;
        }
    }
  if (opt_partial_expiry != NULL && !parse_duration (opt_partial_expiry, &limits->partial_max_age_seconds))
    {
      g_printerr ("anjian-server serve: --partial-expiry takes a time such as 24h or 30m, not “%s”\n",
                  opt_partial_expiry);
      return FALSE;
    }
  return TRUE;
}

/* The shared database of --database, the store in the data folder brought
 * up to its log; NULL without error for SQLite. */
static AjServerDb *
open_database (AjStore  *store,
               GError  **error)
{
  g_autofree char *sqlite_dir = NULL;
  AjServerDb *db;

  if (opt_database == NULL)
    return NULL;
  db = aj_server_db_open (opt_database, &sqlite_dir, error);
  if (db != NULL && !aj_server_db_catch_up (db, store, error))
    g_clear_pointer (&db, aj_server_db_free);
  return db;
}

static gboolean
on_terminate (gpointer data)
{
  g_printerr ("anjian-server: stopping\n");
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
serve (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjServer) server = NULL;
  g_autofree char *url = NULL;
  AjServerLimits limits;

  /* The office's console speaks Chinese from the catalogue (English is
   * the source language, chosen per request). gettext reads LANGUAGE only
   * outside the "C" locale; C.UTF-8 is always there. */
  if (g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0 || g_strcmp0 (setlocale (LC_MESSAGES, NULL), "POSIX") == 0)
    setlocale (LC_MESSAGES, "C.UTF-8");
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  if (!parse_limits (&limits))
    return 2;
  if (opt_workers < 0 || opt_workers > 1024)
    {
      g_printerr ("anjian-server serve: --workers takes a number from 1 to 1024, not %d\n", opt_workers);
      return 2;
    }
  server = aj_server_new (opt_data, &error);
  if (server == NULL)
    {
      g_printerr ("anjian-server: %s\n", error->message);
      return 1;
    }
  if (opt_database != NULL)
    {
      AjServerDb *db = open_database (aj_server_get_store (server), &error);

      if (db == NULL && error != NULL)
        {
          g_printerr ("anjian-server: %s\n", error->message);
          return 1;
        }
      aj_server_set_database (server, db);
    }
  if (opt_blob_dir != NULL)
    aj_server_set_blob_dir (server, opt_blob_dir);
  if (opt_holidays != NULL)
    aj_server_set_holidays_path (server, opt_holidays);
  aj_server_set_limits (server, &limits);
  if (opt_workers > 0)
    aj_server_set_workers (server, (guint) opt_workers);
  if (!aj_server_listen (server, opt_listen ? opt_listen : "127.0.0.1:8080", opt_cert, opt_key, &error))
    {
      g_printerr ("anjian-server: cannot listen: %s\n", error->message);
      return 1;
    }
  /* Before the first line: a SIGTERM right after it stops the server cleanly. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_terminate, NULL);
  g_unix_signal_add (SIGINT, on_terminate, NULL);
  url = aj_server_get_url (server);
  /* The first line says where it listens, for scripts and tests. */
  g_print ("listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);
  /* Every acknowledged write was committed before its answer went out. */
  aj_server_shutdown (server);
  g_main_loop_unref (loop);
  return 0;
}

/* A QR code in the terminal, two modules per character cell. */
static void
print_qr (const char *text)
{
  QRcode *code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  const int quiet = 2;

  if (code == NULL)
    return;
  for (int y = -quiet; y < code->width + quiet; y += 2)
    {
      for (int x = -quiet; x < code->width + quiet; x++)
        {
          gboolean top = y >= 0 && y < code->width && x >= 0 && x < code->width && (code->data[y * code->width + x] & 1);
          gboolean bottom = y + 1 >= 0 && y + 1 < code->width && x >= 0 && x < code->width &&
                            (code->data[(y + 1) * code->width + x] & 1);
          /* dark modules are printed as spaces on a light background */
          fputs (top && bottom ? " " : top ? "\u2584" : bottom ? "\u2580" : "\u2588", stdout);
        }
      fputs ("\n", stdout);
    }
  QRcode_free (code);
}

/* A line from standard input; when it is a terminal, without echo. */
static char *
read_secret (const char *prompt)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  char line[1024];
  char *got;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  got = fgets (line, sizeof line, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (got == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

/* With a shared database, the user just added goes there too, for every
 * server's console. */
static gboolean
share_office_user (AjServerDb  *db,
                   AjStore     *store,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(AjOfficeUser) user = NULL;
  g_autofree char *json = NULL;

  if (db == NULL)
    return TRUE;
  user = aj_server_store_get_office_user (store, name);
  json = aj_server_db_office_user_to_json (user);
  return aj_server_db_add_reference (db, "office-user", json, error);
}

/* office-user add NAME --role ROLE [--county NAME]: the password from
 * standard input (asked twice at a terminal), never from the command line. */
static int
office_user_command (AjServerDb  *db,
                     AjStore     *store,
                     int          argc,
                     char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  if (argc != 3 || !g_str_equal (argv[1], "add") || opt_role == NULL)
    {
      g_printerr ("Usage: anjian-server office-user add NAME --role clerk|chief|admin [--county NAME] "
                  "[--display-name TEXT] --data DIR (the password from standard input)\n");
      return 2;
    }
  password = read_secret ("Password: ");
  if (password != NULL && isatty (STDIN_FILENO))
    {
      g_autofree char *again = read_secret ("Password again: ");

      if (g_strcmp0 (again, password) != 0)
        {
          g_printerr ("anjian-server office-user: the passwords differ\n");
          return 1;
        }
    }
  if (!aj_admin_add_office_user (store, argv[2], opt_display_name, opt_role, opt_county, password, &error) ||
      !share_office_user (db, store, argv[2], &error))
    {
      g_printerr ("anjian-server office-user: %s\n", error->message);
      return 1;
    }
  g_print ("%s: office user added (%s, %s)\n", argv[2], opt_role, opt_county ? opt_county : "whole city");
  return 0;
}

/* A registry or checklist: into the store; with a shared database, checked
 * on the store, then added to the database for every server to load. */
static gboolean
import_reference (AjServerDb  *db,
                  AjStore     *store,
                  const char  *command,
                  const char  *path,
                  GError     **error)
{
  gboolean registry = g_str_equal (command, "import-registry");
  g_autofree char *body = NULL;
  gboolean ok;

  if (db == NULL)
    return registry ? aj_admin_import_registry (store, path, error) : aj_admin_publish_checklist (store, path, error);
  if (!g_file_get_contents (path, &body, NULL, error) || !aj_store_begin (store, error))
    return FALSE;
  ok = registry ? aj_admin_import_registry (store, path, error) : aj_admin_publish_checklist (store, path, error);
  aj_store_rollback (store);
  return ok &&
         aj_server_db_add_reference (db, !registry ? "checklist" :
                                         g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV")
                                         ? "registry-csv" : "registry", body, error) &&
         aj_server_db_catch_up (db, store, error);
}

static int
admin (const char *command,
       int         argc,
       char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = aj_server_store_open (opt_data, &error);
  g_autoptr(AjServerDb) db = NULL;

  if (store == NULL)
    {
      g_printerr ("anjian-server: %s\n", error->message);
      return 1;
    }
  db = open_database (store, &error);
  if (db == NULL && error != NULL)
    goto failed;

  if (g_str_equal (command, "enroll-code"))
    {
      g_autofree char *code = aj_admin_new_enroll_code (db, store, opt_scope, opt_days, &error);
      g_autofree char *payload = NULL;
      if (code == NULL)
        goto failed;
      g_print ("%s\n", code);
      payload = aj_admin_enroll_payload (opt_server, code);
      print_qr (payload);
      g_print ("Valid for %d days, for one device. Scope: %s\n", opt_days, opt_scope ? opt_scope : "all");
      return 0;
    }
  if (g_str_equal (command, "import-registry") || g_str_equal (command, "publish-checklist"))
    {
      if (argc < 2)
        {
          g_printerr ("anjian-server %s: name the file(s) to import\n", command);
          return 2;
        }
      for (int i = 1; i < argc; i++)
        {
          if (!import_reference (db, store, command, argv[i], &error))
            goto failed;
          g_print ("%s: done\n", argv[i]);
        }
      return 0;
    }
  /* The same documents as the kiosk's, from the server's copy of the events. */
  if (g_str_equal (command, "report"))
    {
      g_autofree char *blobs = g_build_filename (opt_data, "blobs", NULL);
      AjReportKind kind;

      if (argc != 3 || !aj_report_kind_from_name (argv[1], &kind) || opt_output == NULL)
        {
          g_printerr ("Usage: anjian-server report (inspection|notice|receipt|verification) INSPECTION-ID --data DIR -o FILE.pdf\n"
                      "       anjian-server report referral HAZARD-ID --data DIR -o FILE.pdf\n");
          return 2;
        }
      if (!aj_admin_write_report (store, blobs, opt_server, kind, argv[2], opt_output, &error))
        goto failed;
      g_print ("%s: written\n", opt_output);
      return 0;
    }
  if (g_str_equal (command, "office-user"))
    return office_user_command (db, store, argc, argv);
  if (g_str_equal (command, "list-devices"))
    {
      g_autoptr(GPtrArray) lines = aj_admin_list_devices (db, store);
      for (guint i = 0; i < lines->len; i++)
        g_print ("%s\n", (char *) g_ptr_array_index (lines, i));
      return 0;
    }
  if (g_str_equal (command, "revoke-device"))
    {
      if (argc != 2)
        {
          g_printerr ("anjian-server revoke-device: name one device id\n");
          return 2;
        }
      if (!aj_admin_revoke_device (db, store, argv[1], &error))
        goto failed;
      g_print ("%s: revoked\n", argv[1]);
      return 0;
    }
  g_printerr ("anjian-server: unknown command “%s”\n", command);
  return 2;

failed:
  g_printerr ("anjian-server %s: %s\n", command, error->message);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, find_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  if (argc < 2 || g_str_has_prefix (argv[1], "-"))
    {
      g_printerr ("Usage: anjian-server COMMAND --data DIR [OPTIONS]\n"
                  "Commands: serve, enroll-code, import-registry FILE..., publish-checklist FILE...,\n"
                  "          list-devices, revoke-device ID, report KIND INSPECTION-ID -o FILE.pdf,\n"
                  "          register import|export institutions|inspectors FILE, plan create|list,\n"
                  "          draw PLAN --seed-source TEXT, redraw DRAW --seed-source TEXT --reason TEXT,\n"
                  "          rerun DRAW, draws [PLAN], assignments [--draw ID], publish DRAW --date DATE,\n"
                  "          deadlines [--holidays FILE],\n"
                  "          office-user add NAME --role clerk|chief|admin [--county NAME] (password on stdin)\n");
      return 2;
    }
  command = argv[1];
  if (aj_draw_cli_handles (command))
    {
      argv[1] = argv[0];
      return aj_draw_cli_main (command, argc - 1, argv + 1);
    }
  context = g_option_context_new (command);
  g_option_context_add_main_entries (context, common, NULL);
  g_option_context_add_main_entries (context, g_str_equal (command, "serve") ? serve_options : code_options, NULL);
  g_option_context_add_main_entries (context, database_options, NULL);
  argv[1] = argv[0];
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian-server %s: %s\n", command, error->message);
      return 2;
    }
  /* --database sqlite:DIR names the data folder. */
  if (opt_database != NULL && g_str_has_prefix (opt_database, "sqlite:"))
    {
      if (opt_data != NULL && !g_str_equal (opt_data, opt_database + strlen ("sqlite:")))
        {
          g_printerr ("anjian-server %s: --data and --database sqlite:DIR name different folders\n", command);
          return 2;
        }
      if (opt_data == NULL)
        opt_data = g_strdup (opt_database + strlen ("sqlite:"));
    }
  if (opt_data == NULL)
    {
      g_printerr ("anjian-server %s: --data DIR is needed\n", command);
      return 2;
    }
  if ((opt_cert == NULL) != (opt_key == NULL))
    {
      g_printerr ("anjian-server serve: --tls-cert and --tls-key go together\n");
      return 2;
    }
  if (g_str_equal (command, "serve"))
    return serve ();
  return admin (command, argc, argv);
}
