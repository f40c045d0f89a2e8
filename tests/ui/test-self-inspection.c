/* test-self-inspection.c: a home's shared kiosk under Xvfb: a staff member
 * signs in, sees today's due rounds for her post, completes one, and it
 * leaves what is due while the week's completion rises; the night carer sees
 * the night round; screenshots of both in each language and size. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "aj-application.h"
#include "aj-hazard.h"
#include "aj-hazard-page.h"
#include "aj-hazard-steps.h"
#include "aj-home-page.h"
#include "aj-hazard-sheet.h"
#include "aj-inspection.h"
#include "aj-idle-guard.h"
#include "aj-inspection-page.h"
#include "aj-registry.h"
#include "aj-round-rows.h"
#include "aj-schedules-page.h"
#include "aj-rounds.h"
#include "aj-sign-in-page.h"
#include "aj-stats-page.h"
#include "aj-count-row.h"
#include "aj-summary-page.h"
#include "aj-assignment-list.h"
#include "aj-ui-driver.h"
#include "aj-util.h"
#include "aj-window.h"

#define STAFF       "u-li-chunmei"    /* safety officer of DLX001: the daily round */
#define NIGHT_CARER "u-zhao-xiulan"   /* night carer of DLX001: the night round */
#define PIN         "246810"
#define ADMIN       "u-zhou-min"
#define HEAD        "u-wang-jianguo"  /* head of DLX001 */
#define HALF_TYPED  "二楼楼梯间有人吸"
#define ADMIN_PIN   "135790"      /* set by the fixture: unlike the staff's */

static char *opt_phase;
static char *opt_shots;
static char *opt_size;
static int   exit_code;

static AjApplication *app;
static GtkWidget *window;

static const char *
page_name (void)
{
  return aj_window_get_page_name (AJ_WINDOW (window));
}

static gboolean
on_page (gpointer name)
{
  return g_strcmp0 (page_name (), name) == 0;
}

static void
expect_page (const char *name)
{
  if (!aj_ui_wait_for (on_page, (gpointer) name, 5000))
    g_error ("Expected page “%s”, the window shows “%s”", name, page_name ());
}

static void
sign_in (const char *user,
         const char *pin)
{
  GtkWidget *page = aj_ui_page (window, AJ_TYPE_SIGN_IN_PAGE);
  GtkWidget *tile;

  expect_page ("sign-in");
  tile = aj_ui_find_name (page, user);
  g_assert_nonnull (tile);
  aj_ui_click (tile);
  aj_ui_type (aj_ui_find_id (page, "pin_entry"), pin);
  aj_ui_click (aj_ui_find_id (page, "sign_in_button"));
}

static void
shot (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (opt_shots, file, NULL);

  aj_ui_wait (300);
  g_assert_true (aj_ui_screenshot (window, path));
}

static AjRoundRows *
round_rows (void)
{
  return AJ_ROUND_ROWS (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "round_rows"));
}

static gboolean
dialog_open (gpointer data)
{
  return aj_ui_find_dialog (GTK_WINDOW (window)) != NULL;
}

static void
finish_round (void)
{
  AjInspectionPage *page = AJ_INSPECTION_PAGE (aj_ui_page (window, AJ_TYPE_INSPECTION_PAGE));

  expect_page ("inspection");
  g_assert_cmpstr (aj_inspection_page_get_item_code (page), ==, "RD-FIRE-01");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "pass_button"));
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  aj_ui_respond (aj_ui_find_dialog (GTK_WINDOW (window)), "finish");
}

/* The staff member's day: the daily round is due now; she does it. */
static void
run_rounds (void)
{
  GtkWidget *home;
  GtkWidget *start;
  guint due_before, percent_before;

  sign_in (STAFF, PIN);
  expect_page ("home");
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (round_rows ())));
  start = aj_ui_find_name (home, "start-round-daily");
  g_assert_nonnull (start);
  /* Her post's round only: the night round is the night carer's. */
  g_assert_null (aj_ui_find_name (home, "round-round-night"));
  due_before = aj_round_rows_get_n_due (round_rows ());
  percent_before = aj_round_rows_get_percent (round_rows ());
  g_assert_cmpuint (due_before, >=, 1);

  aj_ui_click (start);
  /* Whose work this is shows on every page of the shared kiosk. */
  expect_page ("inspection");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_id (window, "sync_label"))), "李春梅"));
  finish_round ();
  gtk_widget_activate_action (window, "win.home", NULL);
  expect_page ("home");
  aj_ui_wait (300);
  g_assert_null (aj_ui_find_name (home, "start-round-daily"));
  g_assert_cmpuint (aj_round_rows_get_n_due (round_rows ()), ==, due_before - 1);
  g_assert_cmpuint (aj_round_rows_get_percent (round_rows ()), >, percent_before);
  g_test_message ("completion this week: %u%% -> %u%%", percent_before, aj_round_rows_get_percent (round_rows ()));

  /* The statistics show the home's completion, from the same function the server uses. */
  gtk_widget_activate_action (window, "win.stats", NULL);
  expect_page ("stats");
  {
    GtkWidget *list = aj_ui_in_page (window, AJ_TYPE_STATS_PAGE, "completion_list");
    GtkWidget *row = gtk_widget_get_first_child (list);
    gboolean found = FALSE;

    for (; row; row = gtk_widget_get_next_sibling (row))
      {
        AjCount *count = aj_count_row_get_item (AJ_COUNT_ROW (row));
        if (g_str_has_prefix (aj_count_get_title (count), "东林县城关镇敬老院"))
          {
            found = TRUE;
            g_test_message ("statistics: %s", aj_count_get_value (count));
            g_assert_nonnull (strstr (aj_count_get_value (count), "1/"));
          }
      }
    g_assert_true (found);
  }
  if (opt_shots)
    shot ("06-statistics");
}

static gboolean
idle_warning_shown (gpointer data)
{
  return aj_idle_guard_is_warning (g_object_get_data (G_OBJECT (window), "aj-idle-guard"));
}

/* Idle sign-out: a warning, then the sign-in page; her round is offered back
 * where she left it at her next sign-in. */
static void
run_idle (void)
{
  AjInspectionPage *page;

  sign_in (STAFF, PIN);
  expect_page ("home");
  aj_ui_click (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HOME_PAGE), "start-round-daily"));
  expect_page ("inspection");
  page = AJ_INSPECTION_PAGE (aj_ui_page (window, AJ_TYPE_INSPECTION_PAGE));
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "pass_button"));
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "next_button"));
  g_assert_cmpstr (aj_inspection_page_get_item_code (page), ==, "RD-FIRE-02");
  /* A hazard half typed… */
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "hazard_button"));
  expect_page ("hazard-sheet");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "description_view"), HALF_TYPED);
  /* No touch from here on. */
  g_assert_true (aj_ui_wait_for (idle_warning_shown, NULL, 8000));
  g_assert_true (on_page ("hazard-sheet"));
  if (!aj_ui_wait_for (on_page, (gpointer) "sign-in", 8000))
    g_error ("Not signed out after the idle time: page %s", page_name ());
  g_assert_false (idle_warning_shown (NULL));
  sign_in (STAFF, PIN);
  expect_page ("hazard-sheet");
  {
    GtkTextView *view = GTK_TEXT_VIEW (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "description_view"));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
    text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
    g_assert_cmpstr (text, ==, HALF_TYPED);
  }
  g_assert_cmpstr (aj_inspection_page_get_item_code (page), ==, "RD-FIRE-02");
}

static GtkWidget *
step_button (const char   *hazard,
             AjHazardStep  step)
{
  g_autofree char *name = g_strdup_printf ("step-%u", step);

  gtk_widget_activate_action (window, "win.show-hazard", "s", hazard);
  expect_page ("hazard");
  aj_ui_wait (100);
  return aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), name);
}

/* A staff member may not verify what an inspector found; on an item the
 * schedule marks "fix on the spot" in her own round she verifies and closes. */
static void
run_verify (void)
{
  sign_in (STAFF, PIN);
  expect_page ("home");
  g_assert_null (step_button (g_getenv ("AJ_TEST_INSPECTOR_HAZARD"), AJ_STEP_VERIFY));
  g_assert_null (step_button (g_getenv ("AJ_TEST_INSPECTOR_HAZARD"), AJ_STEP_CLOSE));
  g_assert_nonnull (step_button (g_getenv ("AJ_TEST_ON_SPOT_HAZARD"), AJ_STEP_VERIFY));
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  /* The inspector verifies both. */
  sign_in ("u-zhang-wei", "123456");
  expect_page ("home");
  g_assert_nonnull (step_button (g_getenv ("AJ_TEST_INSPECTOR_HAZARD"), AJ_STEP_VERIFY));
}

static gboolean
window_gone (gpointer data)
{
  return gtk_application_get_active_window (GTK_APPLICATION (app)) == NULL;
}

static void
answer_leave_dialog (const char *pin)
{
  GtkWindow *dialog;

  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  dialog = aj_ui_find_dialog (GTK_WINDOW (window));
  aj_ui_type (aj_ui_find_name (GTK_WIDGET (dialog), "admin_pin_entry"), pin);
  aj_ui_respond (dialog, "leave");
}

/* Kiosk mode: no window controls, and neither closing the window (Alt+F4,
 * a window manager's button) nor Ctrl+Q's action leaves it; a staff
 * member's PIN does not, an administrator's does. */
static void
run_kiosk_mode (void)
{
  expect_page ("sign-in");
  g_assert_false (gtk_window_get_deletable (GTK_WINDOW (window)));
  {
    g_autofree char *layout = NULL;
    g_object_get (gtk_widget_get_settings (window), "gtk-decoration-layout", &layout, NULL);
    g_assert_cmpstr (layout, ==, ":");   /* no minimise or maximise button */
  }
  g_assert_nonnull (g_object_get_data (G_OBJECT (window), "aj-kiosk-lock"));

  /* The window, closed at the end, takes its pages with it: the home page
   * (built when first shown) too, without a critical. Its list of
   * assignments once freed its group twice. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  sign_in (STAFF, PIN);
  expect_page ("home");
  g_assert_nonnull (aj_ui_find_type (window, AJ_TYPE_ASSIGNMENT_LIST));
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  expect_page ("sign-in");

  aj_ui_click (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SIGN_IN_PAGE), STAFF));
  if (opt_shots)
    shot ("05-kiosk-mode-sign-in");

  gtk_window_close (GTK_WINDOW (window));
  aj_ui_wait (200);
  g_assert_false (window_gone (NULL));
  answer_leave_dialog ("");
  g_assert_false (window_gone (NULL));

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  aj_ui_wait (200);
  g_assert_false (window_gone (NULL));
  answer_leave_dialog (PIN);   /* a staff member's PIN */
  aj_ui_wait (300);
  g_assert_false (window_gone (NULL));

  gtk_window_close (GTK_WINDOW (window));
  answer_leave_dialog (ADMIN_PIN);
}

static void
run_shots (void)
{
  GtkWidget *home;

  expect_page ("sign-in");
  aj_ui_click (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SIGN_IN_PAGE), NIGHT_CARER));
  shot ("01-sign-in");
  sign_in (STAFF, PIN);
  expect_page ("home");
  shot ("02-home-due-rounds");
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  sign_in (NIGHT_CARER, PIN);
  expect_page ("home");
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  g_assert_nonnull (aj_ui_find_name (home, "round-round-night"));
  shot ("03-home-night-round");
  aj_ui_click (aj_ui_find_name (home, "start-round-night"));
  expect_page ("inspection");
  shot ("04-night-round");
}

/* Which row of a combo row's string list reads @label. */
static guint
combo_index (AdwComboRow *row,
             const char  *label)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      return i;
  g_error ("No “%s” in the list", label);
}

static guint
count_named (GtkWidget  *root,
             const char *name)
{
  guint n = g_strcmp0 (gtk_widget_get_name (root), name) == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    n += count_named (child, name);
  return n;
}

static GtkWidget *
in_schedules (const char *id)
{
  return aj_ui_in_page (window, AJ_TYPE_SCHEDULES_PAGE, id);
}

static const char *
schedules_error (void)
{
  return gtk_label_get_label (GTK_LABEL (in_schedules ("error_label")));
}

/* The head of DLX001 adds a weekly fire check (the full elder-care
 * checklist) for the safety officer; bad dates and a night shift without
 * times are refused with a message; the safety officer then sees it due; a
 * staff member gets no schedules screen. */
static void
run_schedules (void)
{
  g_autofree char *checklist_path = g_build_filename (g_getenv ("ANJIAN_DATA_DIR"), "checklists", "elder-care.json",
                                                      NULL);
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (checklist_path, NULL);
  g_autofree char *week_ago = aj_schedule_date_of (g_get_real_time () / G_USEC_PER_SEC - 7 * 24 * 3600);
  AjSession *session = aj_window_get_session (AJ_WINDOW (window));
  GtkWidget *home, *button, *fix;
  AjSchedule *added = NULL;
  g_autoptr(GPtrArray) schedules = NULL;

  g_assert_nonnull (checklist);
  sign_in (HEAD, PIN);
  expect_page ("home");
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  button = aj_ui_find_name (home, "schedules_button");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  shot ("06a-head-home");
  aj_ui_click (button);
  expect_page ("schedules");
  /* The home's own night round and the office's daily round for its type. */
  g_assert_nonnull (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "edit-DLX001-night"));
  g_assert_nonnull (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "schedule-office-township-daily"));
  g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "edit-office-township-daily"));
  shot ("06-schedules");

  aj_ui_click (in_schedules ("add_button"));
  g_assert_false (gtk_widget_is_sensitive (in_schedules ("scope_row")));   /* a head: his home only */
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_schedules ("checklist_row")),
                              combo_index (ADW_COMBO_ROW (in_schedules ("checklist_row")),
                                           aj_checklist_get_title (checklist)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_schedules ("post_row")),
                              combo_index (ADW_COMBO_ROW (in_schedules ("post_row")), aj_post_label ("safety_officer")));

  /* A night shift needs both times. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_schedules ("frequency_row")), AJ_FREQUENCY_NIGHT);
  aj_ui_type (in_schedules ("start_row"), "20:00");
  aj_ui_click (in_schedules ("save_button"));
  g_assert_cmpstr (schedules_error (), ==,
                   _("A night shift needs both the time it starts and the time it ends, such as 20:00 and 06:00."));
  aj_ui_type (in_schedules ("start_row"), "");

  /* Weekly, from a date that is no date. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (in_schedules ("frequency_row")), AJ_FREQUENCY_WEEKLY);
  g_assert_false (gtk_widget_get_visible (in_schedules ("start_row")));
  aj_ui_type (in_schedules ("from_row"), "2026-02-30");
  aj_ui_click (in_schedules ("save_button"));
  g_assert_cmpstr (schedules_error (), ==, _("“From” must be a date such as 2026-12-01 (year-month-day)."));
  g_assert_true (on_page ("schedules"));

  aj_ui_type (in_schedules ("from_row"), week_ago);
  fix = aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "fix-EC-FIRE-01");
  g_assert_nonnull (fix);
  aj_ui_click (fix);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (fix)));
  shot ("07-schedule-editor");
  aj_ui_click (in_schedules ("save_button"));
  g_assert_cmpstr (schedules_error (), ==, "");

  schedules = aj_rounds_list_schedules (aj_session_get_store (session), "DLX001", NULL);
  for (guint i = 0; i < schedules->len; i++)
    {
      AjSchedule *schedule = g_ptr_array_index (schedules, i);
      if (g_strcmp0 (schedule->template_id, "elder-care") == 0 &&
          g_strcmp0 (schedule->id, "DLX001-monthly-review") != 0)
        added = schedule;
    }
  g_assert_nonnull (added);
  g_assert_cmpstr (added->institution, ==, "DLX001");
  g_assert_cmpstr (added->post, ==, "safety_officer");
  g_assert_cmpint (added->frequency, ==, AJ_FREQUENCY_WEEKLY);
  g_assert_cmpstr (added->from, ==, week_ago);
  g_assert_true (g_strv_contains ((const char * const *) added->fix_on_spot, "EC-FIRE-01"));
  g_assert_cmpuint (g_strv_length (added->fix_on_spot), ==, 1);
  {
    g_autofree char *row = g_strdup_printf ("edit-%s", added->id);
    g_assert_nonnull (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), row));
  }
  shot ("08-schedules-added");

  /* The safety officer sees the weekly fire check due; she has no
   * schedules button, no menu action, and the page refuses her. */
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  sign_in (STAFF, PIN);
  expect_page ("home");
  aj_ui_wait (300);
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  /* The sample's monthly review of the same checklist, and now the weekly one. */
  g_assert_cmpuint (count_named (home, "round-elder-care"), ==, 2);
  g_assert_nonnull (aj_ui_find_name (home, "start-elder-care"));
  g_assert_false (gtk_widget_get_visible (aj_ui_find_name (home, "schedules_button")));
  shot ("09-staff-weekly-due");
  gtk_widget_activate_action (window, "win.show-schedules", NULL);
  aj_ui_wait (200);
  g_assert_true (on_page ("home"));
  aj_schedules_page_reset (AJ_SCHEDULES_PAGE (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (in_schedules ("stack"))), ==, "refused");

  /* An administrator reaches it from the menu, may change the office's
   * type-wide schedule and set one for any home or type. */
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  sign_in (ADMIN, ADMIN_PIN);
  aj_ui_wait (300);
  gtk_widget_activate_action (window, "win.show-schedules", NULL);
  expect_page ("schedules");
  g_assert_nonnull (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "edit-office-township-daily"));
  aj_ui_click (in_schedules ("add_button"));
  g_assert_true (gtk_widget_is_sensitive (in_schedules ("scope_row")));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (in_schedules ("scope_row")))),
                    >, 2);
  shot ("10-admin-editor");

  /* Ending a schedule: it stays in the record, inactive, and leaves the list. */
  aj_ui_click (in_schedules ("cancel_button"));
  aj_ui_click (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "edit-DLX001-monthly-review"));
  g_assert_false (gtk_widget_is_sensitive (in_schedules ("scope_row")));   /* it keeps its home */
  aj_ui_click (in_schedules ("end_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  aj_ui_respond (aj_ui_find_dialog (GTK_WINDOW (window)), "end");
  aj_ui_wait (200);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (in_schedules ("stack"))), ==, "list");
  g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_SCHEDULES_PAGE), "edit-DLX001-monthly-review"));
  {
    g_autoptr(AjSchedule) ended = aj_rounds_get_schedule (aj_session_get_store (session), "DLX001-monthly-review");
    g_assert_nonnull (ended);
    g_assert_false (ended->active);
    g_assert_cmpstr (ended->template_id, ==, "elder-care");
  }
}

static gboolean
drive (gpointer data)
{
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  aj_ui_wait (300);
  if (g_strcmp0 (opt_phase, "rounds") == 0)
    run_rounds ();
  else if (g_strcmp0 (opt_phase, "shots") == 0)
    run_shots ();
  else if (g_strcmp0 (opt_phase, "idle") == 0)
    run_idle ();
  else if (g_strcmp0 (opt_phase, "verify") == 0)
    run_verify ();
  else if (g_strcmp0 (opt_phase, "schedules") == 0)
    run_schedules ();
  else if (g_strcmp0 (opt_phase, "kiosk") == 0)
    {
      run_kiosk_mode ();
      g_assert_true (aj_ui_wait_for (window_gone, NULL, 3000));
      exit_code = 0;
      return G_SOURCE_REMOVE;
    }
  exit_code = 0;
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
on_startup (GApplication *application)
{
  GSettings *settings = aj_application_get_settings (AJ_APPLICATION (application));
  int width = 1280, height = 800;

  if (opt_size != NULL)
    sscanf (opt_size, "%dx%d", &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_int (settings, "idle-sign-out-seconds", g_strcmp0 (opt_phase, "idle") == 0 ? 6 : 0);
  g_settings_set_boolean (settings, "kiosk-mode", g_strcmp0 (opt_phase, "kiosk") == 0);
}

static void
on_activate (GApplication *application)
{
  g_idle_add (drive, NULL);
}

static int
run_kiosk (void)
{
  exit_code = 1;
  app = aj_application_new ();
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_clear_object (&app);
  return exit_code;
}

static char *self_path;
static char *system_data_dirs;
static char *system_config_dirs;

typedef struct
{
  char *lang;
  char *size;
  char *dir;
  char *shots;
  char *inspector_hazard;   /* rectified, waiting for an inspector's verification */
  char *on_spot_hazard;     /* found in the daily round on a fix-on-the-spot item, rectified */
} Fixture;

/* A hazard found in an inspection of @checklist by @author, finished, and
 * rectified by the home's staff with a photo. */
static char *
rectified_hazard (AjStore    *store,
                  const char *author,
                  const char *mode,
                  const char *checklist_file,
                  const char *item)
{
  g_autofree char *path = g_build_filename (g_getenv ("ANJIAN_DATA_DIR"), "checklists", checklist_file, NULL);
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) staff = aj_registry_get_user (store, STAFF);
  g_autofree char *inspection = NULL;
  const char *photos[] = { "5108deb71ee1d00d8e14ad48f2ddee3dca264528a5ae802ac5a682ee11ecc0d7", NULL };
  AjStepInput rectify = { .note = "已整改", .photos = photos };
  AjHazardDraft draft = { .item_code = item, .category = "fire", .description = "楼梯间有烟头",
                          .risk_level = "yellow", .grade = "general" };
  char *hazard;

  checklist = aj_checklist_load_file (path, &error);
  g_assert_no_error (error);
  inspection = aj_inspection_start (store, author, "DLX001", mode, checklist, &error);
  g_assert_no_error (error);
  draft.inspection_id = inspection;
  hazard = aj_hazard_save_sheet (store, author, NULL, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (store, author, inspection, &error));
  g_assert_no_error (error);
  g_free (aj_hazard_step (store, staff, hazard, AJ_STEP_RECTIFY, &rectify, &error));
  g_assert_no_error (error);
  return hazard;
}

/* A fresh kiosk data folder with the sample registry and schedules, and a
 * night round for DLX001's night carer whose window is open now, whatever
 * the hour the test runs at. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *variant = data ? data : "zh_CN-1280x800";
  g_auto(GStrv) parts = g_strsplit (variant, "-", 2);
  g_autofree char *db_dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *registry = g_build_filename (g_getenv ("ANJIAN_DATA_DIR"), "registry.json", NULL);
  g_autofree char *schedules = g_build_filename (g_getenv ("ANJIAN_DATA_DIR"), "schedules.json", NULL);
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(AjSchedule) night = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now - 3600);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, aj_schedule_zone ());
  g_autofree char *start = g_date_time_format (here, "%H:00");
  g_autofree char *from = NULL;

  f->lang = g_strdup (parts[0]);
  f->size = g_strdup (parts[1]);
  f->dir = g_build_filename (g_get_user_data_dir (), "kiosk", NULL);
  f->shots = g_build_filename (g_getenv ("ANJIAN_SCREENSHOT_DIR") ?: ".", "self", variant, NULL);
  db_dir = g_build_filename (f->dir, "anjian", NULL);
  db = g_build_filename (db_dir, "anjian.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (db_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (f->shots, 0755), ==, 0);

  store = aj_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (store, registry, "sample", &error));
  g_assert_no_error (error);
  g_assert_true (aj_rounds_import_file (store, schedules, &error));
  g_assert_no_error (error);
  /* From a week ago, so that missed nights show too. */
  from = aj_schedule_date_of (now - 7 * 24 * 3600);
  json_object_set_string_member (body, "institution", "DLX001");
  json_object_set_string_member (body, "template", "round-night");
  json_object_set_string_member (body, "post", "night_carer");
  json_object_set_string_member (body, "frequency", "night");
  json_object_set_string_member (body, "from", from);
  json_object_set_string_member (body, "start", start);
  json_object_set_string_member (body, "end", start);   /* the whole day: open now */
  g_assert_true (aj_registry_change_pin (store, ADMIN, ADMIN, PIN, ADMIN_PIN, &error));
  g_assert_no_error (error);
  night = aj_schedule_from_json ("DLX001-night", body, &error);
  g_assert_no_error (error);
  g_assert_true (aj_rounds_set_schedule (store, "u-wang-jianguo", night, &error));
  g_assert_no_error (error);
}

/* The same, and two hazards rectified by the staff: one an inspector found,
 * one found in the staff's own daily round on a fix-on-the-spot item. */
static void
fixture_setup_hazards (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (f, data);
  db = g_build_filename (f->dir, "anjian", "anjian.db", NULL);
  store = aj_store_open (db, &error);
  g_assert_no_error (error);
  f->inspector_hazard = rectified_hazard (store, "u-zhang-wei", "field", "elder-care.json", "EC-FIRE-01");
  f->on_spot_hazard = rectified_hazard (store, STAFF, "self", "round-daily.json", "RD-FIRE-04");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->lang);
  g_free (f->size);
  g_free (f->dir);
  g_free (f->shots);
  g_free (f->inspector_hazard);
  g_free (f->on_spot_hazard);
}

static int
spawn_phase (Fixture    *f,
             const char *phase)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *phase_arg = g_strdup_printf ("--phase=%s", phase);
  g_autofree char *size_arg = g_strdup_printf ("--size=%s", f->size);
  g_autofree char *shots_arg = g_strdup_printf ("--shots=%s", f->shots);
  const char *argv[] = { self_path, phase_arg, size_arg, shots_arg, NULL };
  int status = 0;

  env = g_environ_setenv (env, "XDG_DATA_HOME", f->dir, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_DIRS", system_data_dirs, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_DIRS", system_config_dirs, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", f->lang, TRUE);
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  if (f->inspector_hazard != NULL)
    {
      env = g_environ_setenv (env, "AJ_TEST_INSPECTOR_HAZARD", f->inspector_hazard, TRUE);
      env = g_environ_setenv (env, "AJ_TEST_ON_SPOT_HAZARD", f->on_spot_hazard, TRUE);
    }
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                     &status, &error))
    g_error ("Cannot start %s: %s", self_path, error->message);
  return status;
}

static void
assert_phase_passed (int status)
{
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_round_done (Fixture       *f,
                 gconstpointer  data)
{
  g_test_bug ("13");
  g_test_summary ("A staff member signs in, sees today's due round for her post, completes it from the home "
                  "page; it leaves what is due and the week's completion rises");
  assert_phase_passed (spawn_phase (f, "rounds"));
}

static void
test_idle (Fixture       *f,
           gconstpointer  data)
{
  g_test_bug ("13");
  g_test_summary ("After the idle time the administrator set (6 s here), a warning, then sign-out; the round "
                  "in progress is kept and reopened where it was at the same person's next sign-in");
  assert_phase_passed (spawn_phase (f, "idle"));
}

static void
test_staff_cannot_verify (Fixture       *f,
                          gconstpointer  data)
{
  g_test_bug ("13");
  g_test_summary ("A staff member is offered no verification of a hazard an inspector found; only of one on an "
                  "item her round's schedule marks “fix on the spot”; the inspector is offered it");
  assert_phase_passed (spawn_phase (f, "verify"));
}

static void
test_kiosk_mode (Fixture       *f,
                 gconstpointer  data)
{
  g_test_bug ("13");
  g_test_summary ("In kiosk mode the window has no close button, and closing it or quitting asks for an "
                  "administrator's PIN: none or a staff member's keeps it open, the administrator's closes it");
  assert_phase_passed (spawn_phase (f, "kiosk"));
}

static void
test_shots (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *last = g_build_filename (f->shots, "04-night-round.png", NULL);

  g_test_summary ("The home's kiosk with due rounds, the night round and the sign-in, in both languages and sizes");
  assert_phase_passed (spawn_phase (f, "shots"));
  g_assert_true (g_file_test (last, G_FILE_TEST_EXISTS));
  assert_phase_passed (spawn_phase (f, "kiosk"));
}

static void
test_schedules (Fixture       *f,
                gconstpointer  data)
{
  g_test_bug ("13");
  g_test_summary ("The head of DLX001 adds a weekly fire check for the safety officer (a bad date and a night "
                  "shift without times are refused with a message); the safety officer then has it due on her "
                  "home page; she gets no schedules screen");
  assert_phase_passed (spawn_phase (f, "schedules"));
}

int
main (int   argc,
      char *argv[])
{
  static const char * const sizes[] = { "zh_CN-360x720", "zh_CN-1280x800", "en-360x720", "en-1280x800" };
  GOptionEntry entries[] = {
    { "phase", 0, 0, G_OPTION_ARG_STRING, &opt_phase, "Run one phase in this process", "PHASE" },
    { "shots", 0, 0, G_OPTION_ARG_FILENAME, &opt_shots, "Screenshot folder", "DIR" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, "Window size", "WxH" },
    { NULL }
  };

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (argc > 1 && g_str_has_prefix (argv[1], "--phase="))
    {
      g_autoptr(GOptionContext) context = g_option_context_new (NULL);
      g_option_context_add_main_entries (context, entries, NULL);
      if (!g_option_context_parse (context, &argc, &argv, NULL))
        return 2;
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, ANJIAN_BUILD_LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      return run_kiosk ();
    }

  system_data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS") ?: "/usr/local/share:/usr/share");
  system_config_dirs = g_strdup (g_getenv ("XDG_CONFIG_DIRS") ?: "/etc/xdg");
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_bug_base ("issue ");

  g_test_add ("/self/round-done-leaves-due", Fixture, NULL, fixture_setup, test_round_done, fixture_teardown);
  g_test_add ("/self/idle-sign-out-keeps-work", Fixture, NULL, fixture_setup, test_idle, fixture_teardown);
  g_test_add ("/self/staff-cannot-verify", Fixture, NULL, fixture_setup_hazards, test_staff_cannot_verify,
              fixture_teardown);
  g_test_add ("/self/kiosk-mode-needs-admin-pin", Fixture, NULL, fixture_setup, test_kiosk_mode, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/self/screenshots/%s", sizes[i]);
      g_test_add (path, Fixture, sizes[i], fixture_setup, test_shots, fixture_teardown);
    }
  /* In Chinese on the phone and in English on the tablet (CI time). */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i += 3)
    {
      g_autofree char *path = g_strdup_printf ("/self/schedules/head-adds-weekly-staff-sees-it/%s", sizes[i]);
      g_test_add (path, Fixture, sizes[i], fixture_setup, test_schedules, fixture_teardown);
    }
  return g_test_run ();
}
