/* aj-server-draw-cli.c: anjian-server's commands for 双随机、一公开, over the
 * same functions the office's web console will call: registers in and out,
 * plans, draws (never silently redone), re-runs that show the stored result
 * again, assignments with what is overdue, publication, and the checks near
 * or past the 20 working days to publish. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aj-assignment.h"
#include "aj-draw-record.h"
#include "aj-error.h"
#include "aj-register-io.h"
#include "aj-registry.h"
#include "aj-server-admin.h"
#include "aj-server-db.h"
#include "aj-server-draw-cli.h"
#include "aj-server-store.h"
#include "aj-util.h"
#include "aj-workdays.h"

static const char * const commands[] = {
  "plan", "draw", "draws", "redraw", "rerun", "assignments", "publish", "deadlines", "register", NULL
};

static char  *opt_data;
static char  *opt_database;
static char  *opt_blob_dir;
static char  *opt_title;
static char **opt_counties;
static char **opt_types;
static int    opt_count;
static int    opt_share;
static int    opt_team_size;
static char  *opt_from;
static char  *opt_to;
static char  *opt_checklist;
static char  *opt_due;
static int    opt_weight_watch;
static int    opt_weight_dishonest;
static gboolean opt_not_always;
static gboolean opt_include_checked;
static char  *opt_seed_source;
static char  *opt_reason;
static char  *opt_by;
static char  *opt_date;
static char  *opt_draw;
static char  *opt_holidays;
static char  *opt_today;
static char  *opt_format;

static const GOptionEntry entries[] = {
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data, "The server's data folder", "DIR" },
  /* With a shared database, the data folder's store is caught up first,
   * and plans, draws, publications and registers go to every server. */
  { "database", 0, 0, G_OPTION_ARG_STRING, &opt_database, "sqlite:DIR or postgresql://…", "URL" },
  { "blob-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_blob_dir, "Where photos are kept (not used here)", "DIR" },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opt_title, "plan create: the plan's title", "TEXT" },
  { "county", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_counties, "plan create: a county in scope (repeat; none: all)", "NAME" },
  { "type", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_types, "plan create: an institution type in scope (repeat; none: all)", "TYPE" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "plan create: institutions to draw", "N" },
  { "share-permille", 0, 0, G_OPTION_ARG_INT, &opt_share, "plan create: share of the candidates to draw, in ‰", "N" },
  { "team-size", 0, 0, G_OPTION_ARG_INT, &opt_team_size, "plan create: inspectors per team (at least 2; default 2)", "N" },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, "plan create: first day of the period", "YYYY-MM-DD" },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, "plan create: last day of the period", "YYYY-MM-DD" },
  { "checklist", 0, 0, G_OPTION_ARG_STRING, &opt_checklist, "plan create: the checklist the teams use", "ID" },
  { "due", 0, 0, G_OPTION_ARG_STRING, &opt_due, "plan create: the day by which each is inspected (default: --to)", "YYYY-MM-DD" },
  { "weight-watch", 0, 0, G_OPTION_ARG_INT, &opt_weight_watch, "plan create: lots of a watched institution (default 3)", "N" },
  { "weight-dishonest", 0, 0, G_OPTION_ARG_INT, &opt_weight_dishonest, "plan create: lots of a dishonest one when not always drawn", "N" },
  { "dishonest-by-lot", 0, 0, G_OPTION_ARG_NONE, &opt_not_always, "plan create: draw dishonest institutions by lot, not always", NULL },
  { "include-checked", 0, 0, G_OPTION_ARG_NONE, &opt_include_checked, "plan create: keep institutions spot-checked in the period", NULL },
  { "seed-source", 0, 0, G_OPTION_ARG_STRING, &opt_seed_source, "draw, redraw: the public value announced before the draw", "TEXT" },
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opt_reason, "redraw: why the draw is made again", "TEXT" },
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by, "Who does it (default: the login name)", "NAME" },
  { "date", 0, 0, G_OPTION_ARG_STRING, &opt_date, "publish: the day of publication", "YYYY-MM-DD" },
  { "draw", 0, 0, G_OPTION_ARG_STRING, &opt_draw, "assignments: only those of this draw", "ID" },
  { "holidays", 0, 0, G_OPTION_ARG_FILENAME, &opt_holidays, "The holiday calendar (default DIR/holidays.txt)", "FILE" },
  { "today", 0, 0, G_OPTION_ARG_STRING, &opt_today, "deadlines, assignments: count to this day", "YYYY-MM-DD" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "register export to standard output: csv or json", "FORMAT" },
  { NULL }
};

gboolean
aj_draw_cli_handles (const char *command)
{
  return command != NULL && g_strv_contains (commands, command);
}

static int
usage (const char *command,
       const char *text)
{
  g_printerr ("Usage: anjian-server %s --data DIR %s\n", command, text);
  return 2;
}

static int
failed (const char *command,
        GError     *error)
{
  g_printerr ("anjian-server %s: %s\n", command, error->message);
  return 1;
}

static const char *
author (void)
{
  return opt_by ? opt_by : g_get_user_name ();
}

static void
print_result (AjStore      *store,
              AjDrawResult *result)
{
  for (guint i = 0; i < aj_draw_result_get_n_teams (result); i++)
    {
      const char *code = aj_draw_result_get_institution (result, i);
      g_autoptr(AjInstitution) institution = aj_registry_get_institution (store, code);
      g_autofree char *team = g_strjoinv (", ", (char **) aj_draw_result_get_team (result, i));

      g_print ("%3u. %s %s%s\tteam: %s\n", i + 1, code, institution ? aj_institution_get_name (institution) : "",
               aj_draw_result_get_always (result, i) ? " (always drawn: dishonest)" : "", team);
    }
}

static void
print_draw (AjStore      *store,
            AjDrawRecord *draw)
{
  AjDrawResult *result = aj_draw_record_get_result (draw);

  g_print ("draw %s of plan %s\n", aj_draw_record_get_id (draw), aj_draw_record_get_plan_id (draw));
  g_print ("  algorithm   %s\n", aj_draw_record_get_algorithm (draw));
  g_print ("  seed source %s\n", aj_draw_record_get_seed_source (draw));
  g_print ("  seed        %s (SHA-256 of the seed source)\n", aj_draw_record_get_seed (draw));
  g_print ("  digest      %s\n", aj_draw_record_get_digest (draw));
  g_print ("  drawn       %s by %s\n", aj_draw_record_get_drawn_at (draw), aj_draw_record_get_drawn_by (draw));
  if (aj_draw_record_get_replaces (draw) != NULL)
    g_print ("  replaces    %s: %s\n", aj_draw_record_get_replaces (draw), aj_draw_record_get_reason (draw));
  g_print ("  %u of %u candidates drawn (%u excluded)\n", aj_draw_result_get_n_teams (result),
           aj_draw_result_get_n_candidates (result), aj_draw_result_get_n_excluded (result));
  print_result (store, result);
}

/* ---- plans ---- */

static int
plan_command (AjServerDb  *db,
              AjStore     *store,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc >= 2 && g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) plans = aj_server_store_list_plans (store);

      for (guint i = 0; i < plans->len; i++)
        {
          AjServerPlan *plan = g_ptr_array_index (plans, i);
          g_print ("%s\t%s\tchecklist %s\tdue %s\t%s\n", plan->id, plan->title, plan->checklist, plan->due,
                   plan->current_draw ? plan->current_draw : "not drawn");
        }
      if (plans->len == 0)
        g_print ("No plans yet: anjian-server plan create --title …\n");
      return 0;
    }
  if (argc >= 2 && g_str_equal (argv[1], "create"))
    {
      g_autoptr(AjDrawPlan) plan = aj_draw_plan_new ();
      g_autofree char *id = NULL;
      const char *due = opt_due ? opt_due : opt_to;

      plan->counties = g_strdupv (opt_counties);
      plan->types = g_strdupv (opt_types);
      plan->count = MAX (opt_count, 0);
      plan->share_permille = MAX (opt_share, 0);
      if (opt_team_size > 0)
        plan->team_size = opt_team_size;
      plan->period_start = g_strdup (opt_from);
      plan->period_end = g_strdup (opt_to);
      if (opt_weight_watch > 0)
        plan->weight_watch = opt_weight_watch;
      if (opt_weight_dishonest > 0)
        plan->weight_dishonest = opt_weight_dishonest;
      plan->dishonest_always = !opt_not_always;
      plan->exclude_checked = !opt_include_checked;
      if (opt_checklist == NULL || !aj_is_iso_date (due))
        return usage ("plan create", "--title TEXT --from DATE --to DATE (--count N | --share-permille N) "
                                     "--checklist ID [--due DATE] [--county NAME]... [--type TYPE]... [--team-size N]");
      if ((id = aj_admin_create_plan (db, store, opt_title, plan, opt_checklist, due, author (), &error)) == NULL)
        return failed ("plan create", error);
      g_print ("%s\n", id);
      return 0;
    }
  return usage ("plan", "create|list [OPTIONS]");
}

/* ---- draws ---- */

/* A new draw (or redraw) becomes assignments in the same transaction, and
 * the devices see them at their next sync. */
static int
draw_command (AjServerDb  *db,
              AjStore     *store,
              const char  *command,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjDrawRecord) draw = NULL;
  g_autofree char *due = NULL;
  gboolean redraw = g_str_equal (command, "redraw");

  if (argc != 2 || opt_seed_source == NULL || (redraw && opt_reason == NULL))
    return usage (command, redraw ? "DRAW-ID --seed-source \"PUBLIC VALUE\" --reason TEXT"
                                  : "PLAN-ID --seed-source \"PUBLIC VALUE\"");
  draw = aj_admin_make_draw (db, store, argv[1], opt_seed_source, redraw ? opt_reason : NULL, author (), &due, &error);
  if (draw == NULL)
    return failed (command, error);
  print_draw (store, draw);
  g_print ("%u assignments, due %s, reach the teams' devices at their next sync.\n",
           aj_draw_result_get_n_teams (aj_draw_record_get_result (draw)), due);
  return 0;
}

static int
draws_command (AjStore  *store,
               int       argc,
               char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) draws = aj_draw_record_list (store, argc >= 2 ? argv[1] : NULL, &error);

  if (draws == NULL)
    return failed ("draws", error);
  for (guint i = 0; i < g_list_model_get_n_items (draws); i++)
    {
      g_autoptr(AjDrawRecord) draw = g_list_model_get_item (draws, i);
      g_autoptr(AjServerPublication) publication = aj_server_store_get_publication (store, aj_draw_record_get_id (draw));

      g_print ("%s\tplan %s\t%s\t%u institutions\t%s%s%s\n", aj_draw_record_get_id (draw),
               aj_draw_record_get_plan_id (draw), aj_draw_record_get_drawn_at (draw),
               aj_draw_result_get_n_teams (aj_draw_record_get_result (draw)),
               publication ? "published " : "not published",
               publication ? publication->published_on : "",
               aj_draw_record_get_replaces (draw) ? "\treplaces an earlier draw" : "");
    }
  return 0;
}

static int
rerun_command (AjStore  *store,
               int       argc,
               char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjDrawRecord) draw = NULL;
  g_autoptr(AjDrawResult) again = NULL;
  gboolean same;

  if (argc != 2)
    return usage ("rerun", "DRAW-ID");
  draw = aj_draw_record_get (store, argv[1]);
  if (draw == NULL)
    {
      g_printerr ("anjian-server rerun: there is no draw “%s”\n", argv[1]);
      return 1;
    }
  same = aj_draw_record_rerun (draw, &again, &error);
  if (again == NULL)
    return failed ("rerun", error);
  print_draw (store, draw);
  g_print ("Re-run from the stored inputs and seed:\n");
  print_result (store, again);
  if (!same)
    {
      g_print ("DIFFERENT: the re-run does not give the stored result (or the stored digest does not match)\n");
      return 1;
    }
  g_print ("IDENTICAL: the re-run gives the stored result, and the digest matches\n");
  return 0;
}

/* ---- assignments, publication and deadlines ---- */

static AjHolidayCalendar *
load_calendar (void)
{
  g_autofree char *fallback = g_build_filename (opt_data, "holidays.txt", NULL);
  const char *path = opt_holidays ? opt_holidays : fallback;
  g_autoptr(GError) error = NULL;
  AjHolidayCalendar *calendar = aj_holiday_calendar_load (path, &error);

  if (calendar == NULL)
    {
      if (opt_holidays != NULL || !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_printerr ("anjian-server: %s\n", error->message);
          return NULL;
        }
      g_printerr ("anjian-server: no holiday calendar at %s: counting weekends only\n", path);
      calendar = aj_holiday_calendar_new ();
    }
  return calendar;
}

static const char *
deadline_word (AjDeadlineState state)
{
  switch (state)
    {
    case AJ_DEADLINE_NEAR: return "NEAR";
    case AJ_DEADLINE_PAST: return "PAST";
    case AJ_DEADLINE_IN_TIME: return "in time";
    case AJ_DEADLINE_NONE:
    default: return "-";
    }
}

static int
assignments_command (AjStore *store)
{
  g_autoptr(GPtrArray) checks = aj_server_store_list_checks (store, opt_draw);
  g_autofree char *today = opt_today ? g_strdup (opt_today) : aj_today_iso ();
  guint overdue = 0;

  for (guint i = 0; i < checks->len; i++)
    {
      AjServerCheck *check = g_ptr_array_index (checks, i);
      gboolean late = g_str_equal (check->status, "open") && !check->started && g_strcmp0 (check->due, today) < 0;

      overdue += late;
      g_print ("%s\tdraw %s\t%s %s\tdue %s\t%s%s\n", check->assignment, check->draw_id, check->institution,
               check->institution_name, check->due,
               g_str_equal (check->status, "done") ? "done" : check->started ? "started" : "open",
               late ? "\tOVERDUE (not started by its due date)" : "");
    }
  g_print ("%u assignments, %u overdue\n", checks->len, overdue);
  return 0;
}

static int
publish_command (AjServerDb  *db,
                 AjStore     *store,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2 || !aj_is_iso_date (opt_date))
    return usage ("publish", "DRAW-ID --date YYYY-MM-DD");
  if (!aj_admin_publish_draw (db, store, argv[1], opt_date, author (), &error))
    return failed ("publish", error);
  g_print ("%s: published on %s at /public/%s\n", argv[1], opt_date, argv[1]);
  {
    g_autoptr(GPtrArray) checks = aj_server_store_list_checks (store, argv[1]);
    guint unchecked = 0;

    for (guint i = 0; i < checks->len; i++)
      unchecked += ((AjServerCheck *) g_ptr_array_index (checks, i))->checked_on == NULL;
    if (unchecked > 0)
      g_print ("Note: %u of %u drawn institutions are not checked yet; the page shows them as not checked and "
               "their results as they come.\n", unchecked, checks->len);
  }
  return 0;
}

/* Every finished check against the 20 working days to publish. */
static int
deadlines_command (AjStore *store)
{
  g_autoptr(AjHolidayCalendar) calendar = load_calendar ();
  g_autoptr(GPtrArray) checks = aj_server_store_list_checks (store, NULL);
  g_autofree char *today = opt_today ? g_strdup (opt_today) : aj_today_iso ();
  guint flagged = 0;

  if (calendar == NULL)
    return 1;
  if (!aj_holiday_calendar_covers (calendar, atoi (today)))
    g_printerr ("anjian-server: the holiday calendar lists no day of %.4s: update it\n", today);
  for (guint i = 0; i < checks->len; i++)
    {
      AjServerCheck *check = g_ptr_array_index (checks, i);
      int days;
      AjDeadlineState state = aj_publication_deadline (calendar, check->checked_on, check->published_on, today, &days);

      if (state == AJ_DEADLINE_NONE)
        continue;
      flagged += state == AJ_DEADLINE_NEAR || state == AJ_DEADLINE_PAST;
      g_print ("%s\t%s %s\tchecked %s\t%s %s\t%d of %d working days\t%s\n", check->draw_id, check->institution,
               check->institution_name, check->checked_on, check->published_on ? "published" : "unpublished",
               check->published_on ? check->published_on : "", days, AJ_PUBLICATION_WORKING_DAYS,
               deadline_word (state));
    }
  g_print ("%u checks near or past the deadline\n", flagged);
  return 0;
}

/* ---- registers ---- */

static int
register_command (AjServerDb  *db,
                  AjStore     *store,
                  int          argc,
                  char       **argv)
{
  g_autoptr(GError) error = NULL;
  AjRegister which;

  if (argc != 4 || (!g_str_equal (argv[1], "import") && !g_str_equal (argv[1], "export")) ||
      (!g_str_equal (argv[2], "institutions") && !g_str_equal (argv[2], "inspectors")))
    return usage ("register", "import|export institutions|inspectors FILE.csv|FILE.json (export: - for standard output with --format)");
  which = g_str_equal (argv[2], "institutions") ? AJ_REGISTER_INSTITUTIONS : AJ_REGISTER_INSPECTORS;
  if (g_str_equal (argv[1], "import"))
    {
      guint rows = 0;
      g_autofree char *text = NULL;
      gsize length;
      AjRegisterFormat format;

      if (!aj_register_format_for_path (argv[3], &format))
        {
          g_printerr ("anjian-server register import: %s: a register is a .csv or a .json file\n", argv[3]);
          return 1;
        }
      if (!g_file_get_contents (argv[3], &text, &length, &error) ||
          !aj_admin_import_register (db, store, which, format, text, length, TRUE, &rows, &error))
        return failed ("register import", error);
      g_print ("%s: %u %s imported\n", argv[3], rows, argv[2]);
      return 0;
    }
  else
    {
      AjRegisterFormat format;
      g_autofree char *text = NULL;
      gboolean to_stdout = g_str_equal (argv[3], "-");
      g_autofree char *name = to_stdout ? g_strconcat (".", opt_format ? opt_format : "", NULL) : g_strdup (argv[3]);

      if (!aj_register_format_for_path (name, &format))
        return usage ("register export", "institutions|inspectors FILE.csv|FILE.json, or - --format csv|json");
      if ((text = aj_register_export (store, which, format, &error)) == NULL)
        return failed ("register export", error);
      if (to_stdout)
        {
          fputs (text, stdout);
          return 0;
        }
      if (!g_file_set_contents (argv[3], text, -1, &error))
        return failed ("register export", error);
      g_print ("%s: written\n", argv[3]);
      return 0;
    }
}

int
aj_draw_cli_main (const char  *command,
                  int          argc,
                  char       **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (command);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(AjServerDb) db = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anjian-server %s: %s\n", command, error->message);
      return 2;
    }
  if (opt_data == NULL)
    {
      g_printerr ("anjian-server %s: --data DIR is needed\n", command);
      return 2;
    }
  store = aj_server_store_open (opt_data, &error);
  if (store == NULL)
    return failed (command, error);
  if (opt_database != NULL)
    {
      g_autofree char *sqlite_dir = NULL;

      db = aj_server_db_open (opt_database, &sqlite_dir, &error);
      if (error != NULL || !aj_server_db_catch_up (db, store, &error))
        return failed (command, error);
    }
  if (g_str_equal (command, "plan"))
    return plan_command (db, store, argc, argv);
  if (g_str_equal (command, "draw") || g_str_equal (command, "redraw"))
    return draw_command (db, store, command, argc, argv);
  if (g_str_equal (command, "draws"))
    return draws_command (store, argc, argv);
  if (g_str_equal (command, "rerun"))
    return rerun_command (store, argc, argv);
  if (g_str_equal (command, "assignments"))
    return assignments_command (store);
  if (g_str_equal (command, "publish"))
    return publish_command (db, store, argc, argv);
  if (g_str_equal (command, "deadlines"))
    return deadlines_command (store);
  return register_command (db, store, argc, argv);
}
