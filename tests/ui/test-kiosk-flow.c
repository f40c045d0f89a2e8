/* test-kiosk-flow.c: a whole inspection through the real kiosk window under
 * Xvfb: sign in, choose the institution, answer items, record two hazards
 * with a photo, get killed half-way, resume, finish, and find it all in the
 * database. Also writes screenshots of the main screens. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "aj-application.h"
#include "aj-assignment.h"
#include "aj-assignment-list.h"
#include "aj-assignment-row.h"
#include "aj-team-sheet.h"
#include "aj-db.h"
#include "aj-doc-number.h"
#include "aj-numbering.h"
#include "aj-store-private.h"
#include "aj-hazard.h"
#include "aj-hazard-page.h"
#include "aj-page.h"
#include "aj-hazard-sheet.h"
#include "aj-home-page.h"
#include "aj-inspection.h"
#include "aj-inspection-page.h"
#include "aj-institution-page.h"
#include "aj-ledger-page.h"
#include "aj-photo.h"
#include "aj-sign-in-page.h"
#include "aj-start-page.h"
#include "aj-summary-page.h"
#include "aj-ui-driver.h"
#include "aj-window.h"
#include "aj-settings-page.h"
#include "aj-step-page.h"
#include "aj-signature-page.h"
#include "aj-scan-page.h"
#include "aj-camera-page.h"
#include "aj-photo-viewer.h"
#include "aj-refused-page.h"
#include "aj-escalation-page.h"
#include "aj-refused-record.h"
#include "aj-registry.h"
#include "aj-util.h"
#include "aj-qr.h"
#include "aj-hazard-steps.h"
#include "aj-sync-manager.h"
#include "aj-test-server.h"

#define INSPECTOR "u-zhang-wei"
#define STAFF     "u-li-chunmei"     /* institution staff of DLX001: may not close a hazard */
#define PIN       "123456"
#define INSTITUTION "DLX001"

/* What a hostile registry or server puts in names and messages: valid
 * Pango markup, so that a label that interprets it shows "粗体" without
 * its tags. Every label must show it as written. */
#define HOSTILE_MARK "<b>粗体</b>"

/* A label sheet written in a thread is there, and whole: its temporary
 * file has been renamed over it. */
static gboolean
sheet_written (gpointer path)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp", (const char *) path);

  return g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (tmp, G_FILE_TEST_EXISTS);
}

static char *opt_phase;
static char *opt_photo;
static char *opt_shots;
static char *opt_size;

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
  aj_ui_expect_page (window, name);
}

static void
sign_in (const char *user,
         const char *pin)
{
  aj_ui_sign_in (window, user, pin);
}

static void
choose_institution (const char *code)
{
  GtkWidget *page = aj_ui_page (window, AJ_TYPE_INSTITUTION_PAGE);

  expect_page ("institutions");
  aj_ui_type (aj_ui_find_id (page, "search_entry"), code);
  aj_ui_wait (400);   /* the search entry's own delay */
  g_signal_emit_by_name (aj_ui_find_id (page, "list_view"), "activate", 0);
  expect_page ("start");
}

static AjInspectionPage *
inspection_page (void)
{
  return AJ_INSPECTION_PAGE (aj_ui_page (window, AJ_TYPE_INSPECTION_PAGE));
}

/* A tap on the first thumbnail of a photo strip: a button that opens the
 * photos full screen. */
static void
tap_first_thumbnail (GtkWidget *strip)
{
  GtkWidget *child = gtk_widget_get_first_child (strip);          /* GtkFlowBoxChild */
  GtkWidget *thumbnail = child ? aj_ui_find_type (child, GTK_TYPE_BUTTON) : NULL;

  g_assert_nonnull (thumbnail);
  aj_ui_click (thumbnail);
  aj_ui_wait (100);
}

static void
answer (const char *button)
{
  expect_page ("inspection");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, button));
}

static void
next_item (void)
{
  const char *before = aj_inspection_page_get_item_code (inspection_page ());
  g_autofree char *was = g_strdup (before);

  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "next_button"));
  if (g_getenv ("AJ_UI_DEBUG"))
    g_printerr ("next: %s -> %s (page %s)\n", was, aj_inspection_page_get_item_code (inspection_page ()), page_name ());
}

static void
record_hazard (const char *description,
               const char *level,
               gboolean    major)
{
  GtkWidget *sheet;
  g_autofree char *level_button = g_strdup_printf ("%s_button", level);

  answer ("hazard_button");
  expect_page ("hazard-sheet");
  sheet = aj_ui_page (window, AJ_TYPE_HAZARD_SHEET);
  aj_ui_type (aj_ui_find_id (sheet, "description_view"), description);
  aj_ui_type (aj_ui_find_id (sheet, "location_row"), "2号楼一层东侧");
  aj_ui_click (aj_ui_find_id (sheet, level_button));
  if (major)
    aj_ui_click (aj_ui_find_id (sheet, "major_check"));
  aj_ui_type (aj_ui_find_id (sheet, "suggestion_view"), "立即清理并加强日常巡查。");
  aj_ui_click (aj_ui_find_id (sheet, "save_button"));
  expect_page ("inspection");
  g_assert_true (gtk_revealer_get_reveal_child (
    GTK_REVEALER (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "hazard_revealer"))));
}

static gboolean
photo_shown (gpointer data)
{
  GtkWidget *box = aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "photo_box");
  return gtk_widget_get_first_child (box) != NULL;
}

static const char *
item_code_at (guint index)
{
  AjChecklist *checklist = aj_application_find_checklist (app, "elder-care");
  g_assert_nonnull (checklist);
  return aj_checklist_get_item (checklist, index)->code;
}

/* Phase 1: sign in, start, answer four items, a hazard with a photo, a note,
 * then the process is killed without warning. */
static void
run_phase1 (void)
{
  GtkWidget *note;

  sign_in (INSPECTOR, "000000");
  expect_page ("sign-in");   /* a wrong PIN keeps the person out */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_in_page (window, AJ_TYPE_SIGN_IN_PAGE, "error_label"))),
                   !=, "");
  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  expect_page ("inspection");
  g_assert_cmpstr (aj_inspection_page_get_item_code (inspection_page ()), ==, item_code_at (0));

  answer ("pass_button");
  next_item ();
  answer ("pass_button");
  next_item ();
  answer ("na_button");
  next_item ();
  record_hazard ("安全出口被杂物堵塞，疏散通道不畅。", "red", FALSE);

  gtk_widget_activate_action (GTK_WIDGET (inspection_page ()), "inspection.import-photo", "s", opt_photo);
  g_assert_true (aj_ui_wait_for (photo_shown, NULL, 20000));
  next_item ();

  answer ("pass_button");
  note = aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "note_view");
  aj_ui_type (note, "灭火器压力正常，已核对检验标签。");
  aj_ui_wait (1000);   /* the note is saved after a short pause in typing */
  next_item ();
  g_assert_cmpstr (aj_inspection_page_get_item_code (inspection_page ()), ==, item_code_at (5));

  /* The power goes out. */
  raise (SIGKILL);
}

static gboolean
dialog_open (gpointer data)
{
  return aj_ui_find_dialog (GTK_WINDOW (window)) != NULL;
}

/* Phase 2: a new process; signing in goes back to the item where phase 1
 * was, with everything recorded before the kill. */
static void
run_phase2 (void)
{
  AjStore *store;
  g_autoptr(AjInspection) open = NULL;
  g_autoptr(GHashTable) results = NULL;
  GtkWindow *dialog;
  AjItemResult *noted;
  GtkWidget *ledger;
  GtkWidget *hazard_page;
  const char *payload;

  sign_in (INSPECTOR, PIN);
  expect_page ("inspection");
  g_assert_cmpstr (aj_inspection_page_get_item_code (inspection_page ()), ==, item_code_at (5));

  store = aj_application_get_store (app);
  open = aj_inspection_find_unfinished (store, INSPECTOR);
  g_assert_nonnull (open);
  results = aj_inspection_get_results (store, aj_inspection_get_id (open));
  g_assert_cmpuint (g_hash_table_size (results), ==, 5);
  noted = g_hash_table_lookup (results, item_code_at (4));
  g_assert_nonnull (noted);
  g_assert_cmpstr (noted->note, ==, "灭火器压力正常，已核对检验标签。");

  record_hazard ("配电箱周围堆放可燃物，电线私拉乱接。", "orange", TRUE);
  next_item ();
  answer ("pass_button");

  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  dialog = aj_ui_find_dialog (GTK_WINDOW (window));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  aj_ui_respond (dialog, "finish");
  expect_page ("home");

  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  ledger = aj_ui_page (window, AJ_TYPE_LEDGER_PAGE);
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, 2);
  aj_ui_click (aj_ui_find_id (ledger, "overdue_button"));
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, 0);
  aj_ui_click (aj_ui_find_id (ledger, "overdue_button"));
  aj_ui_type (aj_ui_find_id (ledger, "search_entry"), "配电箱");
  aj_ui_wait (400);
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, 1);
  g_signal_emit_by_name (aj_ui_find_id (ledger, "list_view"), "activate", 0);
  expect_page ("hazard");
  hazard_page = aj_ui_page (window, AJ_TYPE_HAZARD_PAGE);
  payload = aj_hazard_page_get_qr_payload (AJ_HAZARD_PAGE (hazard_page));
  g_assert_true (g_str_has_prefix (payload, "anjian:h/"));
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (aj_ui_find_id (hazard_page, "qr_picture"))));

  /* The other hazard has the photo: full screen, then withdrawn with a reason. */
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("ledger");
  aj_ui_type (aj_ui_find_id (ledger, "search_entry"), "安全出口");
  aj_ui_wait (400);
  g_signal_emit_by_name (aj_ui_find_id (ledger, "list_view"), "activate", 0);
  expect_page ("hazard");
  tap_first_thumbnail (aj_ui_find_id (hazard_page, "photo_box"));
  expect_page ("viewer");
  {
    GtkWidget *viewer = aj_ui_page (window, AJ_TYPE_PHOTO_VIEWER);
    GtkEditable *entry;
    aj_ui_click (aj_ui_find_id (viewer, "withdraw_button"));
    g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
    dialog = aj_ui_find_dialog (GTK_WINDOW (window));
    if (g_getenv ("AJ_UI_DEBUG"))
      g_printerr ("dialog: %s\n", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
    entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
    gtk_editable_set_text (entry, "拍到了入住老人的面部");
    aj_ui_respond (dialog, "withdraw");
    g_assert_false (gtk_widget_get_visible (aj_ui_find_id (viewer, "withdraw_button")));
  }
}

static void shot (const char *name);

static gboolean
camera_has_frame (gpointer data)
{
  return aj_camera_page_has_frame (AJ_CAMERA_PAGE (aj_ui_page (window, AJ_TYPE_CAMERA_PAGE)));
}

static gboolean
camera_failed (gpointer data)
{
  return aj_camera_page_has_failed (AJ_CAMERA_PAGE (aj_ui_page (window, AJ_TYPE_CAMERA_PAGE)));
}

/* A photo from the camera (videotestsrc) through the real camera page; a
 * second camera that cannot start says so and offers a file instead. */
static void
run_camera (void)
{
  GtkWidget *camera;

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  answer ("pass_button");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "take_photo_button"));
  expect_page ("camera");
  camera = aj_ui_page (window, AJ_TYPE_CAMERA_PAGE);
  g_assert_true (aj_ui_wait_for (camera_has_frame, NULL, 15000));
  aj_ui_wait (300);
  if (opt_shots && *opt_shots)
    shot ("18-camera");
  aj_ui_click (aj_ui_find_id (camera, "shutter_button"));
  expect_page ("inspection");
  g_assert_true (aj_ui_wait_for (photo_shown, NULL, 15000));

  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "take_photo_button"));
  expect_page ("camera");
  g_assert_true (aj_ui_wait_for (camera_has_frame, NULL, 15000));
  aj_camera_page_select (AJ_CAMERA_PAGE (camera), 1);
  g_assert_true (aj_ui_wait_for (camera_failed, NULL, 15000));
  g_assert_true (gtk_widget_get_mapped (aj_ui_find_id (camera, "import_button")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_id (camera, "error_label"))), !=, "");
  if (opt_shots && *opt_shots)
    shot ("19-camera-failed");
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("inspection");
}

static void
sign_out (void)
{
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  expect_page ("sign-in");
}

static void
open_only_hazard (void)
{
  GtkWidget *ledger;

  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  ledger = aj_ui_page (window, AJ_TYPE_LEDGER_PAGE);
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, 1);
  g_signal_emit_by_name (aj_ui_find_id (ledger, "list_view"), "activate", 0);
  expect_page ("hazard");
}

static void
take_step (AjHazardStep step)
{
  g_autofree char *name = g_strdup_printf ("step-%u", step);
  GtkWidget *button = aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), name);

  if (button == NULL)
    g_error ("The hazard page offers no step %u to this person", step);
  aj_ui_click (button);
  expect_page ("step");
}

static gboolean
step_photo_shown (gpointer data)
{
  return gtk_widget_get_first_child (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "photo_box")) != NULL;
}

static void
rectify_as_head (const char *note)
{
  sign_in ("u-wang-jianguo", "246810");
  expect_page ("home");
  open_only_hazard ();
  /* The head may rectify but not verify or close. */
  {
    g_autofree char *verify = g_strdup_printf ("step-%u", AJ_STEP_VERIFY);
    g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), verify));
  }
  take_step (AJ_STEP_RECTIFY);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "note_view"), note);
  gtk_widget_activate_action (aj_ui_page (window, AJ_TYPE_STEP_PAGE), "step.add-photo", "s", opt_photo);
  g_assert_true (aj_ui_wait_for (step_photo_shown, NULL, 20000));
  if (opt_shots && *opt_shots)
    shot ("13-rectify");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  sign_out ();
}

static void
assert_hazard_status (const char *status)
{
  GtkWidget *page = aj_ui_page (window, AJ_TYPE_HAZARD_PAGE);
  const char *shown = gtk_label_get_label (GTK_LABEL (aj_ui_find_id (page, "status_label")));

  g_assert_cmpstr (shown, ==, aj_hazard_status_label (status));
}

/* Scrolls the page holding @widget so that it shows near the top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t at;

  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &at));
  gtk_adjustment_set_value (adjustment, MAX (at.y - 80, 0));
  aj_ui_wait (200);
}

/* One hazard around the whole loop, with one rejected verification, a new
 * order, an extension asked for and approved, 督办 and 移送, each step by
 * the person whose step it is. */
static void
run_loop (void)
{
  GtkWindow *dialog;

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  record_hazard ("厨房燃气报警器未安装自动切断装置。", "orange", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (inspection_page ()), "inspection.import-photo", "s", opt_photo);
  g_assert_true (aj_ui_wait_for (photo_shown, NULL, 20000));
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  dialog = aj_ui_find_dialog (GTK_WINDOW (window));
  aj_ui_respond (dialog, "finish");
  expect_page ("home");

  /* Order: a major hazard is refused without funds and plan. */
  open_only_hazard ();
  take_step (AJ_STEP_ORDER);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "measures_view"), "加装燃气泄漏自动切断阀，并与报警器联动。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("step");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "error_label"))), !=, "");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "funds_row"), "县民政局专项资金 5000 元");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "plan_view"), "整改完成前厨房停用明火，改用电磁炉。");
  if (opt_shots && *opt_shots)
    shot ("12-order");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  sign_out ();

  rectify_as_head ("已采购切断阀，待安装。");

  /* Rejected: the valve is bought but not installed. */
  sign_in (INSPECTOR, PIN);
  open_only_hazard ();
  take_step (AJ_STEP_VERIFY);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reject_check"));
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "opinion_view"), "切断阀尚未安装，不予验收。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  assert_hazard_status ("rejected");

  /* 整改未通过: a new order with a new deadline. */
  take_step (AJ_STEP_ORDER);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "measures_view"), "一周内完成切断阀安装并与报警器联动。");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "deadline_row"), "2030-03-31");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "funds_row"), "县民政局专项资金 5000 元");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "plan_view"), "整改完成前厨房停用明火，改用电磁炉。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  assert_hazard_status ("rectification_ordered");
  sign_out ();

  /* 延期申请 by the head; the head may not decide it. */
  sign_in ("u-wang-jianguo", "246810");
  open_only_hazard ();
  {
    g_autofree char *decide = g_strdup_printf ("step-%u", AJ_STEP_DECIDE_EXTENSION);
    g_autofree char *escalate = g_strdup_printf ("step-%u", AJ_STEP_ESCALATE);
    g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), decide));
    g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), escalate));
  }
  take_step (AJ_STEP_REQUEST_EXTENSION);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "new_deadline_row"), "2030-04-30");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("step");   /* the reason is missing */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "error_label"))), !=, "");
  /* Again, on a fresh form. */
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("hazard");
  take_step (AJ_STEP_REQUEST_EXTENSION);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "error_label"))), ==, "");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "new_deadline_row"), "2030-04-30");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reason_view"), "切断阀厂家供货延迟，预计四月中旬到货。");
  shot ("30-extension-request");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  {
    g_autofree char *ask = g_strdup_printf ("step-%u", AJ_STEP_REQUEST_EXTENSION);
    g_assert_null (aj_ui_find_name (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), ask));   /* once at a time */
  }
  sign_out ();

  /* 同意延期, then 挂牌督办 and 移送 by the inspector. */
  sign_in (INSPECTOR, PIN);
  open_only_hazard ();
  take_step (AJ_STEP_DECIDE_EXTENSION);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "new_deadline_row"))),
                   ==, "2030-04-30");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reason_view"), "同意延期，期间厨房停用明火。");
  shot ("31-extension-decide");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");

  take_step (AJ_STEP_ESCALATE);
  /* A major hazard: the rule asks for the county, preselected. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "level_row"))),
                    ==, 0);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reason_view"), "重大事故隐患，县局挂牌督办。");
  shot ("32-escalate");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");

  take_step (AJ_STEP_REFER);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "to_row"), "东林县消防救援大队");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reason_view"), "燃气泄漏报警与切断联动属消防监督范围，移送处理。");
  shot ("33-refer");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "escalation_label")));
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "referral_row")));
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "deadlines_row")));
  shot ("34-hazard-escalated");
  scroll_to (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "deadlines_row"));
  shot ("35-hazard-deadlines-referral");

  /* The office's list of supervised hazards. */
  gtk_widget_activate_action (window, "win.escalation", NULL);
  expect_page ("escalation");
  g_assert_cmpuint (g_list_model_get_n_items (aj_escalation_page_get_hazards (
                      AJ_ESCALATION_PAGE (aj_ui_page (window, AJ_TYPE_ESCALATION_PAGE)))), ==, 1);
  shot ("36-escalation-list");
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("hazard");
  sign_out ();

  rectify_as_head ("切断阀已安装并与报警器联动，测试有效。");

  sign_in (INSPECTOR, PIN);
  open_only_hazard ();
  take_step (AJ_STEP_VERIFY);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "opinion_view"), "现场测试联动有效，同意销号。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  if (opt_shots && *opt_shots)
    shot ("14-hazard-closed");

  /* Before and after, side by side. */
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "pair_button"));
  expect_page ("viewer");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (aj_ui_in_page (window, AJ_TYPE_PHOTO_VIEWER, "stack"))), ==, "pair");
  if (opt_shots && *opt_shots)
    shot ("20-before-after");
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("hazard");

  /* Signatures at verification: the inspector signs, the head refuses. */
  {
    const double stroke[] = { 40, 150, 120, 90, 200, 160, 300, 80, 420, 150, 520, 120 };
    GtkWidget *page;

    gtk_widget_activate_action (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), "hazard.sign", "s", "inspector");
    expect_page ("signature");
    page = aj_ui_page (window, AJ_TYPE_SIGNATURE_PAGE);
    aj_ui_click (aj_ui_find_id (page, "save_button"));
    expect_page ("signature");   /* an empty pad is refused */
    aj_signature_page_add_stroke (AJ_SIGNATURE_PAGE (page), stroke, G_N_ELEMENTS (stroke) / 2);
    if (opt_shots && *opt_shots)
      shot ("16-signature");
    aj_ui_click (aj_ui_find_id (page, "save_button"));
    expect_page ("hazard");

    gtk_widget_activate_action (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), "hazard.sign", "s", "institution");
    expect_page ("signature");
    gtk_switch_set_active (GTK_SWITCH (aj_ui_find_id (page, "refuse_switch")), TRUE);
    aj_ui_type (aj_ui_find_id (page, "reason_row"), "负责人外出，安全员无权代签");
    aj_ui_click (aj_ui_find_id (page, "save_button"));
    expect_page ("hazard");
    if (opt_shots && *opt_shots)
      shot ("14b-hazard-signed");
  }

  /* Tags: a hazard's opens it; an institution's starts a check-in; others are refused. */
  {
    const char *hazard_id = aj_hazard_page_get_qr_payload (AJ_HAZARD_PAGE (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE)));
    g_autofree char *dir = g_path_get_dirname (opt_photo);
    g_autofree char *tag = g_build_filename (dir, "tag.png", NULL);
    g_autofree char *other = g_build_filename (dir, "other.png", NULL);
    g_autofree char *place = g_build_filename (dir, "place.png", NULL);
    g_autofree char *payload = g_strdup (hazard_id);
    g_autofree char *institution_payload = aj_qr_institution_payload (NULL, "DLX002");
    GtkWidget *scan;

    /* The hazard's tag as printed: its label sheet, rendered to a picture. */
    {
      g_autofree char *pdf = g_build_filename (dir, "tag.pdf", NULL);
      g_autofree char *stem = g_build_filename (dir, "tag", NULL);
      const char *argv[] = { "pdftoppm", "-r", "200", "-png", "-singlefile", pdf, stem, NULL };

      /* The sheet is written in a thread: the whole file appears at once. */
      gtk_widget_activate_action (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), "hazard.save-tag", "s", pdf);
      g_assert_true (aj_ui_wait_for (sheet_written, pdf, 20000));
      /* Printing goes through GtkPrintOperation: its output decodes too. */
      {
        g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
        g_autofree char *pstem = g_build_filename (dir, "printed", NULL);
        g_autofree char *ppng = g_build_filename (dir, "printed.png", NULL);
        const char *pargv[] = { "pdftoppm", "-r", "200", "-png", "-singlefile", printed, pstem, NULL };
        g_autoptr(GPtrArray) codes = NULL;

        gtk_widget_activate_action (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE), "hazard.print-tag-to-file", "s", printed);
        g_assert_true (g_file_test (printed, G_FILE_TEST_EXISTS));
        g_assert_true (g_spawn_sync (NULL, (char **) pargv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
        codes = aj_qr_decode_file (ppng, NULL);
        g_assert_nonnull (codes);
        g_assert_cmpuint (codes->len, ==, 1);
        g_assert_cmpstr (g_ptr_array_index (codes, 0), ==, payload);
      }
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
      g_assert_true (g_file_test (tag, G_FILE_TEST_EXISTS));
    }
    g_assert_true (aj_qr_save_png ("WIFI:S:guest;T:WPA;P:12345678;;", 6, other, NULL));
    g_assert_true (aj_qr_save_png (institution_payload, 6, place, NULL));
    gtk_widget_activate_action (window, "win.home", NULL);
    expect_page ("home");
    gtk_widget_activate_action (window, "win.scan", NULL);
    expect_page ("scan");
    scan = aj_ui_page (window, AJ_TYPE_SCAN_PAGE);
    gtk_widget_activate_action (scan, "scan.file", "s", other);
    expect_page ("scan");
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_id (scan, "result_label"))), !=, "");
    if (opt_shots && *opt_shots)
      shot ("17-scan");
    gtk_widget_activate_action (scan, "scan.file", "s", tag);
    expect_page ("hazard");
    g_assert_cmpstr (aj_hazard_page_get_qr_payload (AJ_HAZARD_PAGE (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE))), ==, payload);
    gtk_widget_activate_action (window, "win.scan", NULL);
    expect_page ("scan");
    gtk_widget_activate_action (scan, "scan.file", "s", place);
    expect_page ("start");

    /* The printed tag held in front of the camera. */
    {
      g_autofree char *close_up = g_build_filename (dir, "close-up.png", NULL);
      g_autofree char *source = g_strdup_printf ("filesrc location=%s ! pngdec ! imagefreeze is-live=true", close_up);
      g_assert_true (aj_qr_save_png (payload, 10, close_up, NULL));
      g_setenv ("ANJIAN_CAMERA_SOURCES", source, TRUE);
      gtk_widget_activate_action (window, "win.home", NULL);
      gtk_widget_activate_action (window, "win.scan", NULL);
      expect_page ("scan");
      gtk_widget_activate_action (window, "win.scan-camera", NULL);
      if (!aj_ui_wait_for (on_page, (gpointer) "hazard", 20000))
        g_error ("The camera did not read the tag; the window shows “%s”", page_name ());
      g_assert_cmpstr (aj_hazard_page_get_qr_payload (AJ_HAZARD_PAGE (aj_ui_page (window, AJ_TYPE_HAZARD_PAGE))), ==, payload);
    }
  }

  gtk_widget_activate_action (window, "win.stats", NULL);
  expect_page ("stats");
  if (opt_shots && *opt_shots)
    shot ("15-stats");
}

static gboolean
sync_idle (gpointer data)
{
  AjSyncManager *sync = aj_application_get_sync (app);
  return aj_sync_manager_get_state (sync) == AJ_SYNC_STATE_IDLE;
}

static gboolean
nothing_pending (gpointer data)
{
  AjSyncManager *sync = aj_application_get_sync (app);
  return aj_sync_manager_get_state (sync) == AJ_SYNC_STATE_IDLE && aj_sync_manager_get_pending (sync) == 0;
}

/* Enrollment through the settings page, then records reach the server. */
static void
run_enroll (void)
{
  GtkWidget *settings;
  GtkWidget *bar_label;
  g_autofree char *pasted = g_strdup_printf ("anjian:enroll?server=%s&code=%s",
                                             g_getenv ("AJ_TEST_SERVER_URL"), g_getenv ("AJ_TEST_CODE"));

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  gtk_widget_activate_action (window, "win.settings", NULL);
  expect_page ("settings");
  settings = aj_ui_page (window, AJ_TYPE_SETTINGS_PAGE);

  /* A wrong code first: a clear message, nothing changes. */
  aj_ui_type (aj_ui_find_id (settings, "server_row"), g_getenv ("AJ_TEST_SERVER_URL"));
  aj_ui_type (aj_ui_find_id (settings, "code_row"), "AJ-XXXX-YYYY");
  aj_ui_click (aj_ui_find_id (settings, "enroll_button"));
  aj_ui_wait (1500);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_id (settings, "enroll_error"))), "code_unknown"));
  g_assert_cmpint (aj_sync_manager_get_state (aj_application_get_sync (app)), ==, AJ_SYNC_STATE_NOT_ENROLLED);

  /* The text of the enrollment QR, pasted whole, fills both fields. */
  aj_ui_type (aj_ui_find_id (settings, "server_row"), "");
  aj_ui_type (aj_ui_find_id (settings, "code_row"), pasted);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aj_ui_find_id (settings, "server_row"))), ==,
                   g_getenv ("AJ_TEST_SERVER_URL"));
  aj_ui_click (aj_ui_find_id (settings, "enroll_button"));
  g_assert_true (aj_ui_wait_for (sync_idle, NULL, 15000));
  if (opt_shots && *opt_shots)
    shot ("11-settings");

  /* A new inspection; its records go out when asked. */
  gtk_widget_activate_action (window, "win.home", NULL);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  answer ("pass_button");
  g_assert_cmpint (aj_sync_manager_get_pending (aj_application_get_sync (app)), >, 0);
  aj_sync_manager_sync_now (aj_application_get_sync (app));
  g_assert_true (aj_ui_wait_for (nothing_pending, NULL, 15000));
  bar_label = aj_ui_find_id (window, "sync_label");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (bar_label)), g_getenv ("AJ_TEST_EXPECT_SYNCED")));
}

static gboolean
sync_settled (gpointer data)
{
  AjSyncManager *sync = aj_application_get_sync (app);
  return aj_sync_manager_get_state (sync) == AJ_SYNC_STATE_IDLE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_enrolled (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!aj_sync_manager_enroll_finish (AJ_SYNC_MANAGER (source), result, &error))
    g_error ("Enrollment failed: %s", error->message);
  *(gboolean *) data = TRUE;
}

/* Enrolls the kiosk with the test server (the settings page has its own test). */
static void
enroll_quietly (void)
{
  gboolean enrolled = FALSE;

  aj_sync_manager_enroll_async (aj_application_get_sync (app), g_getenv ("AJ_TEST_SERVER_URL"),
                                g_getenv ("AJ_TEST_CODE"), "UI test kiosk", on_enrolled, &enrolled);
  g_assert_true (aj_ui_wait_for (flag_set, &enrolled, 15000));
  g_assert_true (aj_ui_wait_for (sync_settled, NULL, 15000));
}

static void
sync_and_wait (void)
{
  aj_sync_manager_sync_now (aj_application_get_sync (app));
  aj_ui_wait (100);
  g_assert_true (aj_ui_wait_for (sync_settled, NULL, 15000));
}

/* Every label under @root shows HOSTILE_MARK as written, tags and all. */
static void
assert_plain_text (GtkWidget  *root,
                   const char *where)
{
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));
      if (strstr (text, "粗体") != NULL && strstr (text, HOSTILE_MARK) == NULL)
        g_error ("On %s a label interpreted markup: it shows “%s” for “%s”", where, text,
                 gtk_label_get_label (GTK_LABEL (root)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    assert_plain_text (child, where);
}

/* Whether a label under @root shows @text (or a text containing it). */
static gboolean
label_shows (GtkWidget  *root,
             const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (label_shows (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shown (gpointer data)
{
  return label_shows (window, "toast");
}

/* Toasts from earlier steps would hide what a screenshot is of. */
static GtkWidget *
find_toast (GtkWidget *root)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), "AdwToastWidget"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toast (child);
      if (found)
        return found;
    }
  return NULL;
}

static void
dismiss_toasts (void)
{
  /* The overlay shows queued toasts one after the other: done when none
   * has come up for a while. */
  for (guint quiet = 0, i = 0; quiet < 2 && i < 20; i++)
    {
      GtkWidget *toast = find_toast (window);
      GtkWidget *close = toast ? aj_ui_find_type (toast, GTK_TYPE_BUTTON) : NULL;

      if (close != NULL && gtk_widget_get_mapped (close))
        {
          g_signal_emit_by_name (close, "clicked");
          quiet = 0;
        }
      else if (toast == NULL)
        quiet++;
      aj_ui_wait (400);
    }
}

static void
finish_inspection (void)
{
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  aj_ui_respond (aj_ui_find_dialog (GTK_WINDOW (window)), "finish");
  expect_page ("home");
}

static gboolean
refused_page_lists_two (gpointer data)
{
  GtkWidget *page = aj_ui_page (window, AJ_TYPE_REFUSED_PAGE);
  return g_list_model_get_n_items (aj_refused_page_get_records (AJ_REFUSED_PAGE (page))) == 2;
}

/* A tampered kiosk closes an inspector's hazard in the name of the
 * institution's staff: the server refuses it, the kiosk shows why, and what
 * is recorded afterwards still syncs. */
static void
run_refused (void)
{
  AjSyncManager *sync = aj_application_get_sync (app);
  AjStore *store = aj_application_get_store (app);
  g_autoptr(GListModel) hazards = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autoptr(AjHazard) after = NULL;
  g_autoptr(AjRefusedRecord) record = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *forged = NULL;
  g_autofree char *hostile = NULL;
  g_autoptr(GError) error = NULL;
  const AjSyncReport *report;
  GtkWidget *home, *page;
  GListModel *records;

  enroll_quietly ();
  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  g_assert_false (gtk_widget_get_visible (aj_ui_find_id (home, "refused_group")));
  g_assert_false (gtk_widget_get_visible (aj_ui_find_id (window, "refused_button")));

  /* An honest inspection with a hazard, finished and synced. */
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  record_hazard ("消防通道被电动车占用。", "yellow", FALSE);
  finish_inspection ();
  sync_and_wait ();
  g_assert_cmpint (aj_sync_manager_get_pending (sync), ==, 0);
  g_assert_cmpuint (aj_sync_manager_get_refused (sync), ==, 0);

  /* The forged close, straight into the log as a tampered kiosk would. */
  hazards = aj_hazard_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hazards), ==, 1);
  hazard = g_list_model_get_item (hazards, 0);
  json_object_set_string_member (body, "at", at);
  forged = aj_store_append (store, "hazard.closed", aj_hazard_get_id (hazard), STAFF, body, &error);
  g_assert_no_error (error);
  sync_and_wait ();
  report = aj_sync_manager_get_last_report (sync);
  g_assert_cmpuint (report->refused, ==, 1);
  g_assert_cmpuint (aj_sync_manager_get_refused (sync), ==, 1);
  g_assert_cmpint (aj_sync_manager_get_pending (sync), ==, 0);
  /* On the kiosk the refused close no longer counts. */
  after = aj_hazard_load (store, aj_hazard_get_id (hazard));
  g_assert_cmpstr (aj_hazard_get_status (after), !=, "closed");

  /* Home says so, and so does the bar at the bottom. */
  g_assert_true (gtk_widget_get_visible (aj_ui_find_id (home, "refused_group")));
  g_assert_true (gtk_widget_get_mapped (aj_ui_find_id (window, "refused_button")));
  dismiss_toasts ();
  shot ("21-home-refused");
  aj_ui_click (aj_ui_find_id (home, "refused_row"));
  expect_page ("refused");
  page = aj_ui_page (window, AJ_TYPE_REFUSED_PAGE);
  records = aj_refused_page_get_records (AJ_REFUSED_PAGE (page));
  g_assert_cmpuint (g_list_model_get_n_items (records), ==, 1);
  record = g_list_model_get_item (records, 0);
  g_assert_cmpstr (aj_refused_record_get_event_id (record), ==, forged);
  g_assert_cmpstr (aj_refused_record_get_code (record), ==, "role_not_allowed");
  g_assert_cmpstr (aj_refused_record_get_title (record), ==, C_("event type", "Hazard closed"));
  g_assert_cmpstr (aj_refused_record_get_who (record), ==, "李春梅");
  g_assert_nonnull (strstr (aj_refused_record_get_subject (record), aj_hazard_get_number (hazard)));
  g_assert_cmpstr (aj_refused_record_get_message (record), !=, "");
  g_assert_cmpstr (aj_refused_record_get_explanation (record), ==, aj_refusal_explanation ("role_not_allowed"));
  /* What the person reads: what it was, why, and the server's own words. */
  g_assert_true (label_shows (page, C_("event type", "Hazard closed")));
  g_assert_true (label_shows (page, aj_refusal_explanation ("role_not_allowed")));
  g_assert_true (label_shows (page, aj_refused_record_get_message (record)));
  dismiss_toasts ();
  shot ("22-refused");

  /* The sync bar's button leads to the same list. */
  gtk_widget_activate_action (window, "win.home", NULL);
  expect_page ("home");
  aj_ui_click (aj_ui_find_id (window, "refused_button"));
  expect_page ("refused");

  /* Later records still go out. */
  gtk_widget_activate_action (window, "win.home", NULL);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (INSTITUTION);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  answer ("pass_button");
  g_assert_cmpint (aj_sync_manager_get_pending (sync), >, 0);
  sync_and_wait ();
  report = aj_sync_manager_get_last_report (sync);
  g_assert_cmpuint (report->pushed, >, 0);
  g_assert_cmpuint (report->refused, ==, 0);
  g_assert_cmpint (aj_sync_manager_get_pending (sync), ==, 0);
  g_assert_cmpuint (aj_sync_manager_get_refused (sync), ==, 1);

  /* A hostile server's reason is shown as written, never as markup. Marked
   * here as the sync would, after the last push: it never reaches the server. */
  g_clear_pointer (&forged, g_free);
  forged = aj_store_append (store, "hazard.closed", aj_hazard_get_id (hazard), STAFF, body, &error);
  g_assert_no_error (error);
  hostile = g_strdup_printf ("%s &amp; <span foreground=\"red\">scope</span>", HOSTILE_MARK);
  g_assert_true (aj_store_mark_refused (store, forged, "<i>code</i>", hostile, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (window, "win.refused", NULL);
  expect_page ("refused");
  g_assert_true (aj_ui_wait_for (refused_page_lists_two, NULL, 3000));
  g_assert_true (label_shows (page, hostile));
  assert_plain_text (window, "the refused list");
}

/* Names in the registry and text typed on another device may hold markup:
 * every page shows them as written. */
static void
run_hostile (void)
{
  GtkWidget *institutions;

  expect_page ("sign-in");
  assert_plain_text (window, "the sign-in page");
  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  assert_plain_text (window, "home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  expect_page ("institutions");
  institutions = aj_ui_page (window, AJ_TYPE_INSTITUTION_PAGE);
  aj_ui_type (aj_ui_find_id (institutions, "search_entry"), INSTITUTION);
  aj_ui_wait (400);
  assert_plain_text (window, "the institution list");
  g_assert_true (label_shows (institutions, HOSTILE_MARK));
  g_signal_emit_by_name (aj_ui_find_id (institutions, "list_view"), "activate", 0);
  expect_page ("start");
  assert_plain_text (window, "the start page");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  expect_page ("inspection");
  assert_plain_text (window, "the inspection page");
  record_hazard (HOSTILE_MARK " 安全出口 &amp; <span size=\"xx-large\">门</span>", "red", TRUE);
  assert_plain_text (window, "the inspection page with a hazard");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  assert_plain_text (window, "the summary");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  aj_ui_respond (aj_ui_find_dialog (GTK_WINDOW (window)), "finish");
  expect_page ("home");
  assert_plain_text (window, "home after the inspection");
  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  assert_plain_text (window, "the ledger");
  g_signal_emit_by_name (aj_ui_in_page (window, AJ_TYPE_LEDGER_PAGE, "list_view"), "activate", 0);
  expect_page ("hazard");
  assert_plain_text (window, "the hazard page");
  gtk_widget_activate_action (window, "win.stats", NULL);
  expect_page ("stats");
  assert_plain_text (window, "the statistics");
  /* Toasts take turns: wait until this one is up. */
  gtk_widget_activate_action (window, "win.toast", "s", HOSTILE_MARK " toast");
  g_assert_true (aj_ui_wait_for (toast_shown, NULL, 10000));
  assert_plain_text (window, "a toast");
  if (opt_shots && *opt_shots)
    shot ("23-hostile-stats");
}

static void
shot (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (opt_shots, file, NULL);

  static int natural_width;

  /* A page that needs more room than the screen has would widen the
   * window past it: every page keeps the width of the first. */
  if (natural_width == 0)
    natural_width = gtk_widget_get_width (window);
  if (gtk_widget_get_width (window) > natural_width)
    aj_ui_dump_widths (window, 0);
  if (gtk_widget_get_width (window) > natural_width)
    g_error ("Screen %s needs %d px, more than the %s window (%d px)", name,
             gtk_widget_get_width (window), opt_size, natural_width);
  g_assert_true (aj_ui_screenshot (window, path));
}

/* An item whose criterion needs an outside determination (the gas alarm's
 * link to its shut-off valve, MZ2023-4-2): the sheet asks for the
 * determining body and document; marked major without them, the hazard is
 * saved general and pending, and its page says so. */
static void
run_determination_shots (void)
{
  AjStore *store = aj_application_get_store (app);
  g_autoptr(AjInspection) open = aj_inspection_find_unfinished (store, INSPECTOR);
  g_autoptr(AjHazard) hazard = NULL;
  GtkWidget *body_row;

  g_assert_nonnull (open);
  gtk_widget_activate_action (window, "win.show-hazard-sheet", "(sss)", aj_inspection_get_id (open), "EC-POWER_GAS-12", "");
  expect_page ("hazard-sheet");
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "determination_group")));
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "description_view"),
              "厨房燃气报警器与紧急切断阀未联动，按测试键后切断阀不动作。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "orange_button"));
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "major_check"));
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "pending_hint")));
  g_assert_false (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "major_hint")));
  body_row = aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "determination_body_row");
  gtk_widget_grab_focus (body_row);
  aj_ui_wait (300);
  /* The determination group and its hint in view, below the grade. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (body_row, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    GtkWidget *hint = aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "pending_hint");
    GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
    graphene_point_t bottom;

    /* Measured in the scrolled content, not in the viewport that stays put. */
    if (GTK_IS_VIEWPORT (content))
      content = gtk_viewport_get_child (GTK_VIEWPORT (content));
    g_assert_true (gtk_widget_compute_point (hint, content, &GRAPHENE_POINT_INIT (0, gtk_widget_get_height (hint)),
                                             &bottom));
    gtk_adjustment_set_value (adjustment, bottom.y + 24 - gtk_adjustment_get_page_size (adjustment));
  }
  dismiss_toasts ();
  aj_ui_wait (300);
  shot ("24-hazard-sheet-determination");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "save_button"));
  /* Back where the sheet was opened from: the hazard page of shot 10. */
  expect_page ("hazard");

  hazard = aj_hazard_find_for_item (store, aj_inspection_get_id (open), "EC-POWER_GAS-12");
  g_assert_nonnull (hazard);
  g_assert_cmpstr (aj_hazard_get_grade (hazard), ==, "general");
  g_assert_true (aj_hazard_is_pending_determination (hazard));
  gtk_widget_activate_action (window, "win.show-hazard", "s", aj_hazard_get_id (hazard));
  expect_page ("hazard");
  g_assert_true (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "pending_label")));
  dismiss_toasts ();
  aj_ui_wait (300);
  shot ("25-hazard-pending-determination");
}

/* Screenshots of every main screen, on a fresh data folder. */
static void
run_shots (void)
{
  GtkWidget *sign_in_page = aj_ui_page (window, AJ_TYPE_SIGN_IN_PAGE);
  GtkWidget *ledger;

  expect_page ("sign-in");
  aj_ui_click (aj_ui_find_name (sign_in_page, INSPECTOR));
  shot ("01-sign-in");
  aj_ui_type (aj_ui_find_id (sign_in_page, "pin_entry"), PIN);
  aj_ui_click (aj_ui_find_id (sign_in_page, "sign_in_button"));
  expect_page ("home");
  shot ("02-home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  expect_page ("institutions");
  shot ("03-institutions");
  choose_institution (INSTITUTION);
  shot ("04-start");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  expect_page ("inspection");
  shot ("05-item");
  answer ("pass_button");
  next_item ();
  answer ("hazard_button");
  expect_page ("hazard-sheet");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "description_view"),
              "三楼东侧安全出口门被上锁，钥匙由夜班人员保管。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "red_button"));
  shot ("06-hazard-sheet");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HAZARD_SHEET, "save_button"));
  expect_page ("inspection");
  gtk_widget_activate_action (GTK_WIDGET (inspection_page ()), "inspection.import-photo", "s", opt_photo);
  g_assert_true (aj_ui_wait_for (photo_shown, NULL, 20000));
  aj_ui_wait (500);
  shot ("07-item-with-hazard");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  shot ("08-summary");
  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  shot ("09-ledger");
  ledger = aj_ui_page (window, AJ_TYPE_LEDGER_PAGE);
  g_signal_emit_by_name (aj_ui_find_id (ledger, "list_view"), "activate", 0);
  expect_page ("hazard");
  shot ("10-hazard");
  run_determination_shots ();
}

/* The spot checks assigned to the inspector on the home page, and the team
 * confirmation: a wrong PIN refused, the partner's right PIN accepted,
 * then the inspection opens at the assigned institution. */
static gboolean
sheet_shown (gpointer data)
{
  return aj_ui_find_dialog (GTK_WINDOW (window)) != NULL;
}

/* In the team sheet just opened: the member's PIN field is the only one; a
 * wrong PIN is refused with a message and counted towards the lock-out of
 * sign-in, the right one confirms; then the sheet's button, and it closes. */
static void
confirm_in_sheet (const char *member,
                  const char *pin,
                  const char *wrong_shot,
                  const char *confirmed_shot)
{
  GtkWidget *sheet, *start, *message, *pin_row;

  g_assert_true (aj_ui_wait_for (sheet_shown, NULL, 5000));
  sheet = GTK_WIDGET (aj_ui_find_dialog (GTK_WINDOW (window)));
  g_assert_true (AJ_IS_TEAM_SHEET (sheet));
  start = aj_ui_find_id (sheet, "start_button");
  message = aj_ui_find_id (sheet, "message");
  g_assert_false (gtk_widget_get_sensitive (start));
  pin_row = aj_ui_find_type (sheet, ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (pin_row);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (pin_row), "member"), ==, member);
  gtk_editable_set_text (GTK_EDITABLE (pin_row), "999999");
  g_signal_emit_by_name (pin_row, "apply");
  aj_ui_wait (300);
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message)), !=, "");
  g_assert_false (gtk_widget_get_sensitive (start));
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (aj_application_get_store (app)),
                                    "SELECT failures FROM pin_attempts WHERE user_id = ?", member, -1), ==, 1);
  g_assert_true (aj_ui_screenshot (sheet, wrong_shot));
  gtk_editable_set_text (GTK_EDITABLE (pin_row), pin);
  g_signal_emit_by_name (pin_row, "apply");
  aj_ui_wait (300);
  g_assert_false (gtk_widget_get_visible (message));
  g_assert_true (gtk_widget_get_sensitive (start));
  g_assert_null (aj_ui_find_type (sheet, ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_true (aj_ui_screenshot (sheet, confirmed_shot));
  aj_ui_click (start);
  aj_ui_wait (300);
}

static void
run_team (void)
{
  GtkWidget *home, *assignments, *list, *first, *second;
  g_autofree char *wrong_shot = g_build_filename (opt_shots, "12-team-wrong-pin.png", NULL);
  g_autofree char *confirmed_shot = g_build_filename (opt_shots, "13-team-confirmed.png", NULL);

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  assignments = aj_ui_find_type (home, AJ_TYPE_ASSIGNMENT_LIST);
  g_assert_true (gtk_widget_get_visible (assignments));
  list = aj_ui_find_id (assignments, "list");
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  second = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_nonnull (second);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2));
  /* The earliest due first: the overdue one, marked. */
  g_assert_true (gtk_widget_has_css_class (first, "overdue"));
  g_assert_false (gtk_widget_has_css_class (second, "overdue"));
  g_assert_cmpstr (aj_assignment_get_institution (aj_assignment_row_get_item (AJ_ASSIGNMENT_ROW (second))), ==,
                   INSTITUTION);
  shot ("11-home-assignments");

  g_signal_emit_by_name (list, "row-activated", second);
  confirm_in_sheet ("u-liu-yang", "246810", wrong_shot, confirmed_shot);
  expect_page ("inspection");
  aj_ui_wait (300);
  g_assert_null (aj_ui_find_dialog (GTK_WINDOW (window)));
  shot ("14-team-inspection");
}

/* A field inspection of DLX002 takes a second inspector: from its summary
 * the colleague of the department (黄敏) is the one offered, a wrong PIN is
 * refused with a message, the right one names her; the rectification
 * notice, issued after the finish, names both (see test_field_team). */
#define COLLEAGUE      "r-huang-min"
#define COLLEAGUE_PIN  "246810"
#define FIELD_HOME     "DLX002"

static gboolean
label_shown (gpointer text)
{
  return label_shows (window, text);
}

static void
run_field_team (void)
{
  GtkWidget *summary, *team_list;
  g_autofree char *inspection_id = NULL;
  g_autofree char *notice = g_build_filename (g_get_user_data_dir (), "notice-field.pdf", NULL);
  g_autofree char *wrong_shot = g_build_filename (opt_shots, "40-field-team-wrong-pin.png", NULL);
  g_autofree char *confirmed_shot = g_build_filename (opt_shots, "41-field-team-confirmed.png", NULL);

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  choose_institution (FIELD_HOME);
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  expect_page ("inspection");
  {
    g_autoptr(AjInspection) started = aj_inspection_find_unfinished (aj_application_get_store (app), INSPECTOR);
    g_assert_nonnull (started);
    inspection_id = g_strdup (aj_inspection_get_id (started));
  }
  record_hazard ("二楼东侧安全出口被杂物堵塞。", "red", FALSE);

  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  summary = aj_ui_page (window, AJ_TYPE_SUMMARY_PAGE);
  team_list = aj_ui_find_id (summary, "team_list");
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (team_list), 0));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (team_list), 1));
  g_assert_true (gtk_widget_get_visible (aj_ui_find_id (summary, "add_inspector_button")));
  aj_ui_click (aj_ui_find_id (summary, "add_inspector_button"));
  /* The one colleague offered: of the department, not of another county. */
  g_assert_true (aj_ui_wait_for (sheet_shown, NULL, 5000));
  aj_ui_wait (300);
  g_assert_true (label_shows (GTK_WIDGET (aj_ui_find_dialog (GTK_WINDOW (window))), "黄敏"));
  g_assert_false (label_shows (GTK_WIDGET (aj_ui_find_dialog (GTK_WINDOW (window))), "刘洋"));
  confirm_in_sheet (COLLEAGUE, COLLEAGUE_PIN, wrong_shot, confirmed_shot);
  g_assert_null (aj_ui_find_dialog (GTK_WINDOW (window)));
  expect_page ("summary");
  aj_ui_wait (300);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (team_list), 1));
  g_assert_true (label_shows (summary, "鲁民执-DL-0025"));
  scroll_to (team_list);
  shot ("42-field-team-summary");

  /* Finished, the notice is issued from the inspection's summary. */
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_SUMMARY_PAGE, "finish_button"));
  g_assert_true (aj_ui_wait_for (dialog_open, NULL, 3000));
  aj_ui_respond (aj_ui_find_dialog (GTK_WINDOW (window)), "finish");
  expect_page ("home");
  dismiss_toasts ();
  gtk_widget_activate_action (window, "win.show-summary", "s", inspection_id);
  expect_page ("summary");
  g_assert_false (gtk_widget_get_visible (aj_ui_find_id (summary, "add_inspector_button")));
  aj_summary_page_write_report (AJ_SUMMARY_PAGE (summary), AJ_REPORT_NOTICE, notice);
  g_assert_true (aj_ui_wait_for (label_shown, (gpointer) _("Document saved"), 60000));

  /* The escalation page quotes the departments' own figure (10 days in
   * this registry), not the default 15. */
  dismiss_toasts ();
  gtk_widget_activate_action (window, "win.escalation", NULL);
  expect_page ("escalation");
  {
    GtkWidget *page = aj_ui_page (window, AJ_TYPE_ESCALATION_PAGE);
    const char *count = gtk_label_get_text (GTK_LABEL (aj_ui_find_id (page, "count_label")));
    const char *rule = gtk_label_get_text (GTK_LABEL (aj_ui_find_id (page, "rule_label")));

    g_assert_nonnull (strstr (count, "10"));
    g_assert_nonnull (strstr (rule, "10"));
    g_assert_null (strstr (count, "15"));
    g_assert_null (strstr (rule, "15"));
  }
  shot ("43-escalation-department-days");

  /* Referred to the fire brigade, the letter issued: its number shows on
   * the hazard (row and history). */
  gtk_widget_activate_action (window, "win.go-back", NULL);
  open_only_hazard ();
  take_step (AJ_STEP_REFER);
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "to_row"), "东林县消防救援大队");
  aj_ui_type (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "reason_view"), "安全出口堵塞属消防监督范围，移送处理。");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_STEP_PAGE, "save_button"));
  expect_page ("hazard");
  {
    GtkWidget *page = aj_ui_page (window, AJ_TYPE_HAZARD_PAGE);
    GtkWidget *referral_row = aj_ui_find_id (page, "referral_row");
    g_autofree char *letter = g_build_filename (g_get_user_data_dir (), "referral-field.pdf", NULL);
    g_autoptr(AjHazard) hazard = NULL;
    g_autoptr(AjDocumentNumber) number = NULL;
    g_autoptr(GListModel) hazards = aj_hazard_list (aj_application_get_store (app), inspection_id, NULL);

    hazard = g_list_model_get_item (hazards, 0);
    g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (referral_row)), "东民安检"));
    dismiss_toasts ();
    aj_page_write_document (page, AJ_REPORT_REFERRAL, aj_hazard_get_id (hazard), letter);
    g_assert_true (aj_ui_wait_for (label_shown, (gpointer) _("Document saved"), 60000));
    aj_ui_wait (300);
    number = aj_numbering_lookup (aj_application_get_store (app), "referral", aj_hazard_get_id (hazard), NULL);
    g_assert_nonnull (number);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (referral_row)), number->number));
    g_assert_true (label_shows (aj_ui_find_id (page, "timeline_list"), number->number));
    dismiss_toasts ();
    scroll_to (referral_row);
    shot ("44-hazard-referral-letter");
  }
}

/* The ledger of a large store (fixture_setup_large): the first screen
 * shows at once, and a search narrows it to the hazards that match. */
#define LARGE_LEDGER 3000
#define LARGE_SEARCH "配电箱"

static void
run_large_ledger (void)
{
  GtkWidget *ledger;

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  ledger = aj_ui_page (window, AJ_TYPE_LEDGER_PAGE);
  aj_ui_wait (300);
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, LARGE_LEDGER);
  shot ("15-ledger-large");
  /* The list is given the first rows, and more when it is scrolled to them. */
  {
    GtkWidget *list = aj_ui_find_id (ledger, "list_view");
    GListModel *given = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
    guint before = g_list_model_get_n_items (given);

    g_assert_cmpuint (before, >, 0);
    g_assert_cmpuint (before, <, LARGE_LEDGER);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    aj_ui_wait (200);
    g_assert_cmpuint (g_list_model_get_n_items (given), >, before);
    gtk_adjustment_set_value (adjustment, 0);
    aj_ui_wait (100);
  }
  aj_ui_type (aj_ui_find_id (ledger, "search_entry"), LARGE_SEARCH);
  aj_ui_wait (500);
  /* Every tenth hazard is about the distribution box. */
  g_assert_cmpuint (aj_ledger_page_get_n_shown (AJ_LEDGER_PAGE (ledger)), ==, LARGE_LEDGER / 10);
  shot ("16-ledger-large-search");
}

static void
drive (GtkWidget *kiosk_window)
{
  window = kiosk_window;
  app = AJ_APPLICATION (aj_ui_kiosk ());

  if (g_strcmp0 (opt_phase, "1") == 0)
    run_phase1 ();
  else if (g_strcmp0 (opt_phase, "2") == 0)
    run_phase2 ();
  else if (g_strcmp0 (opt_phase, "shots") == 0)
    run_shots ();
  else if (g_strcmp0 (opt_phase, "enroll") == 0)
    run_enroll ();
  else if (g_strcmp0 (opt_phase, "loop") == 0)
    run_loop ();
  else if (g_strcmp0 (opt_phase, "camera") == 0)
    run_camera ();
  else if (g_strcmp0 (opt_phase, "refused") == 0)
    run_refused ();
  else if (g_strcmp0 (opt_phase, "hostile") == 0)
    run_hostile ();
  else if (g_strcmp0 (opt_phase, "team") == 0)
    run_team ();
  else if (g_strcmp0 (opt_phase, "field-team") == 0)
    run_field_team ();
  else if (g_strcmp0 (opt_phase, "large-ledger") == 0)
    run_large_ledger ();
}

static int
run_kiosk (void)
{
  return aj_ui_run_kiosk (opt_size, drive);
}

/* The test proper: runs the phases as separate processes, each test in a
 * folder of its own (G_TEST_OPTION_ISOLATE_DIRS) that is removed when it
 * passes and kept when it fails. */
static char *self_path;

/* GTK in the kiosk processes needs the system's icons, schemas and MIME
 * database: the folders as they were before the test isolated its own. */
static char *system_data_dirs;
static char *system_config_dirs;

typedef struct
{
  char         *lang;     /* of the variant, e.g. "zh_CN" of "zh_CN-360x720" */
  char         *size;     /* "360x720" */
  char         *dir;      /* the kiosk's XDG_DATA_HOME */
  char         *db;
  char         *blobs;
  char         *photo;
  char         *shots;    /* where its screenshots go, kept after the test */
  AjTestServer *server;   /* for the tests that sync */
  char         *code;
} Fixture;

static void
make_photo (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1600, 1200);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < 1200; y++)
    for (int x = 0; x < 1600; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        p[0] = (x * 255) / 1600;
        p[1] = (y * 255) / 1200;
        p[2] = ((x / 100 + y / 100) % 2) ? 200 : 40;
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL));
}

/* @data is the variant "LANG-WxH"; NULL for Chinese at 1280x800. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *variant = data ? data : "zh_CN-1280x800";
  g_auto(GStrv) parts = g_strsplit (variant, "-", 2);

  f->lang = g_strdup (parts[0]);
  f->size = g_strdup (parts[1]);
  f->dir = g_build_filename (g_get_user_data_dir (), "kiosk", NULL);
  f->db = g_build_filename (f->dir, "anjian", "anjian.db", NULL);
  f->blobs = g_build_filename (f->dir, "anjian", "blobs", NULL);
  f->photo = g_build_filename (f->dir, "evidence.jpg", NULL);
  f->shots = g_build_filename (g_getenv ("ANJIAN_SCREENSHOT_DIR") ?: ".", variant, NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (f->shots, 0755), ==, 0);
  make_photo (f->photo);
}

/* The same, and a real server on loopback with an enrollment code for the
 * county the sample institutions are in. */
static void
fixture_setup_server (Fixture       *f,
                      gconstpointer  data)
{
  fixture_setup (f, data);
  f->server = aj_test_server_new ();
  f->code = aj_test_server_code (f->server, "county:东林县");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, aj_test_server_free);
  g_free (f->code);
  g_free (f->lang);
  g_free (f->size);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->blobs);
  g_free (f->photo);
  g_free (f->shots);
}

/* One phase in a kiosk process of its own, on the fixture's data folder. */
static int
spawn_phase (Fixture    *f,
             const char *phase,
             const char *lang,
             const char *size)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *phase_arg = g_strdup_printf ("--phase=%s", phase);
  g_autofree char *photo_arg = g_strdup_printf ("--photo=%s", f->photo);
  g_autofree char *size_arg = g_strdup_printf ("--size=%s", size ? size : f->size);
  g_autofree char *shots_arg = g_strdup_printf ("--shots=%s", f->shots);
  const char *argv[] = { self_path, phase_arg, photo_arg, size_arg, shots_arg, NULL };
  int status = 0;

  env = g_environ_setenv (env, "XDG_DATA_HOME", f->dir, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_DIRS", system_data_dirs, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_DIRS", system_config_dirs, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", lang ? lang : f->lang, TRUE);
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  env = g_environ_setenv (env, "ANJIAN_CAMERA_SOURCES",
                          "videotestsrc is-live=true pattern=ball;v4l2src device=/dev/video97", TRUE);
  if (f->server != NULL)
    {
      env = g_environ_setenv (env, "AJ_TEST_SERVER_URL", f->server->url, TRUE);
      env = g_environ_setenv (env, "AJ_TEST_CODE", f->code, TRUE);
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

static AjStore *
open_kiosk_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AjStore *store = aj_store_open (f->db, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_inspection_killed_and_resumed (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) inspections = NULL;
  g_autoptr(AjInspection) inspection = NULL;
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GListModel) hazards = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint live_hazards = 0;
  int status;

  g_test_summary ("A kiosk killed mid-inspection reopens on the item it was on, and the database then holds each answer, hazard and photo once, with an intact chain.");

  status = spawn_phase (f, "1", "zh_CN", "1280x800");
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  assert_phase_passed (spawn_phase (f, "2", "zh_CN", "360x720"));

  /* What the two processes left in the database. */
  store = open_kiosk_store (f);
  inspections = aj_inspection_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (inspections), ==, 1);
  inspection = g_list_model_get_item (inspections, 0);
  g_assert_true (aj_inspection_is_finished (inspection));
  g_assert_cmpstr (aj_inspection_get_institution (inspection), ==, INSTITUTION);
  g_assert_cmpstr (aj_inspection_get_inspector (inspection), ==, INSPECTOR);

  results = aj_inspection_get_results (store, aj_inspection_get_id (inspection));
  g_assert_cmpuint (g_hash_table_size (results), ==, 7);
  hazards = aj_hazard_list (store, aj_inspection_get_id (inspection), &error);
  for (guint i = 0; i < g_list_model_get_n_items (hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (hazards, i);
      if (g_strcmp0 (aj_hazard_get_status (h), "withdrawn") != 0)
        live_hazards++;
    }
  g_assert_cmpuint (live_hazards, ==, 2);
  {
    g_autoptr(AjHazard) major = g_list_model_get_item (hazards, 0);
    g_assert_true (aj_hazard_is_major (major));
    g_assert_cmpstr (aj_hazard_get_risk_level (major), ==, "orange");
  }

  photos = aj_inspection_get_photos (store, aj_inspection_get_id (inspection), NULL);
  g_assert_cmpuint (photos->len, ==, 1);
  g_assert_cmpstr (((AjPhotoRef *) g_ptr_array_index (photos, 0))->withdrawn_reason, ==, "拍到了入住老人的面部");
  g_assert_true (aj_photo_verify (f->blobs, ((AjPhotoRef *) g_ptr_array_index (photos, 0))->sha256, &error));
  g_assert_no_error (error);
  g_assert_nonnull (((AjPhotoRef *) g_ptr_array_index (photos, 0))->hazard_id);

  /* Nothing was lost or doubled by the kill, and the history is intact. */
  g_assert_true (aj_store_verify_chain (store, aj_store_get_device_id (store), &error));
  g_assert_no_error (error);
  before = aj_store_dump_projections (store, &error);
  g_assert_true (aj_store_rebuild_projections (store, &error));
  after = aj_store_dump_projections (store, &error);
  g_assert_cmpstr (before, ==, after);
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *first = g_build_filename (f->shots, "10-hazard.png", NULL);

  g_test_summary ("Every main screen fits the window at this size and language (the screenshots are looked at by people).");

  assert_phase_passed (spawn_phase (f, "shots", NULL, NULL));
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
}

static void
test_closed_loop (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) hazards = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autoptr(GPtrArray) history = NULL;

  g_test_summary ("A hazard goes found, ordered, rectified, rejected, ordered anew, extension requested and approved, "
                  "escalated, referred, rectified, verified and closed through the pages, with both signatures.");

  assert_phase_passed (spawn_phase (f, "loop", NULL, NULL));

  store = open_kiosk_store (f);
  hazards = aj_hazard_list (store, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (hazards), ==, 1);
  hazard = g_list_model_get_item (hazards, 0);
  g_assert_cmpstr (aj_hazard_get_status (hazard), ==, "closed");
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store), "SELECT rejections FROM hazards", NULL, -1), ==, 1);
  history = aj_store_list_events (store, aj_hazard_get_id (hazard), &error);
  /* found, ordered, rectified, rejected, ordered anew, extension requested,
   * approved, escalated, referred, rectified, accepted, closed, two signatures */
  {
    static const char * const types[] = {
      "hazard.found", "hazard.rectification_ordered", "hazard.rectified", "hazard.verified",
      "hazard.rectification_ordered", "hazard.extension_requested", "hazard.extension_decided", "hazard.escalated",
      "hazard.referred", "hazard.rectified", "hazard.verified", "hazard.closed", "signature.added", "signature.added",
    };
    g_assert_cmpuint (history->len, ==, G_N_ELEMENTS (types));
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      g_assert_cmpstr (((AjEvent *) g_ptr_array_index (history, i))->type, ==, types[i]);
  }
  g_assert_cmpstr (((AjEvent *) g_ptr_array_index (history, 2))->author, ==, "u-wang-jianguo");
  g_assert_cmpstr (((AjEvent *) g_ptr_array_index (history, 5))->author, ==, "u-wang-jianguo");
  g_assert_cmpstr (((AjEvent *) g_ptr_array_index (history, 6))->author, ==, INSPECTOR);
  g_assert_cmpstr (aj_hazard_get_deadline (hazard), ==, "2030-04-30");
  g_assert_cmpstr (aj_hazard_get_escalation_level (hazard), ==, "county");
  g_assert_cmpstr (aj_hazard_get_escalation_reason (hazard), ==, "major");
  g_assert_cmpstr (aj_hazard_get_referred_to (hazard), ==, "东林县消防救援大队");
  g_assert_cmpstr (aj_hazard_get_referral_kind (hazard), ==, "fire");
  {
    g_autofree char *before = aj_store_dump_projections (store, &error);
    g_autofree char *after = NULL;
    g_assert_true (aj_store_rebuild_projections (store, &error));
    after = aj_store_dump_projections (store, &error);
    g_assert_cmpstr (after, ==, before);
  }
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM signatures WHERE refused = 0 AND sha256 IS NOT NULL", NULL, -1), ==, 1);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM signatures WHERE refused = 1 AND reason <> ''", NULL, -1), ==, 1);
}

static void
test_camera (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;

  g_test_summary ("A photo taken with the camera is stored upright, hashed, stamped and marked as from the camera, without a made-up location.");

  assert_phase_passed (spawn_phase (f, "camera", NULL, NULL));
  store = open_kiosk_store (f);
  /* One photo from the camera, on the first item, stored upright and hashed. */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM photos WHERE item_code = 'EC-FIRE-01' AND width = 1280 AND height = 720",
                                    NULL, -1), ==, 1);
  /* Its event says it came from the camera and carries the evidence stamp. */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM events WHERE type = 'photo.added' AND "
                                    "json_extract (body, '$.source') = 'camera' AND json_extract (body, '$.stamped') = 1",
                                    NULL, -1), ==, 1);
  /* Without GeoClue (as here) no location is made up. */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM events WHERE json_extract (body, '$.location') IS NOT NULL",
                                    NULL, -1), ==, 0);
}

static void
test_enroll_and_sync (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AjStore) kiosk = NULL;
  g_autoptr(AjStore) central = NULL;
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;

  g_test_summary ("Enrolling from the settings page and syncing leaves the same events on the kiosk and the server.");

  g_setenv ("AJ_TEST_EXPECT_SYNCED", "已全部同步", TRUE);
  assert_phase_passed (spawn_phase (f, "enroll", NULL, NULL));

  kiosk = open_kiosk_store (f);
  central = aj_test_server_open_store (f->server);
  left = aj_test_dump_events (kiosk, aj_store_get_device_id (kiosk));
  right = aj_test_dump_events (central, aj_store_get_device_id (kiosk));
  g_assert_cmpstr (left, ==, right);
  g_assert_cmpint (aj_store_count_events (kiosk), >=, 2);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(AjStore) kiosk = NULL;
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  gint64 server_seq = 0;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  g_test_bug ("9");
  g_test_summary ("An event the server refuses (a staff member closing an inspector's hazard) appears in the "
                  "kiosk's refused list with the server's reason and an explanation, the home page and the sync "
                  "bar point to it, no reason is read as markup, and what is recorded later still syncs.");

  assert_phase_passed (spawn_phase (f, "refused", NULL, NULL));

  /* The server kept the forged close in the kiosk's chain, refused and unapplied. */
  kiosk = open_kiosk_store (f);
  central = aj_test_server_open_store (f->server);
  refused = aj_store_list_refused (kiosk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 2);
  g_assert_true (aj_store_lookup_event (central, ((AjRefusedEvent *) g_ptr_array_index (refused, 0))->event->id,
                                        &server_seq, &code, &message));
  g_assert_cmpstr (code, ==, "role_not_allowed");
  g_assert_cmpint (server_seq, ==, 0);
  /* The later inspection reached the server. */
  g_assert_cmpint (aj_store_count_unsynced (kiosk), ==, 0);
  {
    g_autoptr(GListModel) inspections = aj_inspection_list (central, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (inspections), ==, 2);
  }
}

/* A registry whose names hold markup, as a hostile or careless server
 * could send: the kiosk's data folder starts with it. */
static void
fixture_setup_hostile (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = aj_test_source_path ("data/registry.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autofree char *text = NULL;
  g_autofree char *folder = NULL;
  JsonObject *root;
  JsonArray *list;

  fixture_setup (f, data);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  list = json_object_get_array_member (root, "institutions");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *institution = json_array_get_object_element (list, i);
      if (g_str_equal (json_object_get_string_member (institution, "code"), INSTITUTION))
        {
          json_object_set_string_member (institution, "name", HOSTILE_MARK "敬老院 &amp; <i>斜</i>");
          json_object_set_string_member (institution, "head", HOSTILE_MARK "王建国");
          json_object_set_string_member (institution, "township", HOSTILE_MARK "镇");
        }
    }
  list = json_object_get_array_member (root, "users");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *user = json_array_get_object_element (list, i);
      if (g_str_equal (json_object_get_string_member (user, "id"), INSPECTOR))
        json_object_set_string_member (user, "name", "张伟" HOSTILE_MARK);
    }
  text = json_to_string (json_parser_get_root (parser), FALSE);
  folder = g_path_get_dirname (f->db);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  store = open_kiosk_store (f);
  g_assert_true (aj_registry_import_data (store, text, strlen (text), "sample", &error));
  g_assert_no_error (error);
}

static void
test_hostile_text (Fixture       *f,
                   gconstpointer  data)
{
  g_test_bug ("9");
  g_test_summary ("Institution and people's names and hazard text that hold Pango markup are shown as written "
                  "on every page, in toasts and rows, never interpreted.");

  assert_phase_passed (spawn_phase (f, "hostile", NULL, NULL));
}

/* The kiosk's store, made before the kiosk starts, with the sample registry. */
static AjStore *
open_store_with_registry (Fixture *f)
{
  g_autofree char *path = aj_test_source_path ("data/registry.json");
  g_autofree char *folder = g_path_get_dirname (f->db);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  AjStore *store;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  store = open_kiosk_store (f);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (aj_registry_import_data (store, text, strlen (text), "sample", &error));
  g_assert_no_error (error);
  return store;
}

/* A kiosk whose last sync brought two spot checks for the inspector and a
 * partner of another county: one overdue, one due in ten days. */
static void
fixture_setup_assignments (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *today = aj_today_iso ();
  const char *overdue = "2025-12-01";   /* long past */
  g_autofree char *later = aj_date_add_days (today, 10);
  g_autofree char *assignments = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  fixture_setup (f, data);
  store = open_store_with_registry (f);
  assignments = g_strdup_printf (
      "[{\"id\": \"a-1\", \"draw\": \"d-1\", \"institution\": \"DLX002\", \"team\": [\"%s\", \"u-liu-yang\"], "
      "\"checklist\": \"elder-care\", \"due\": \"%s\", \"status\": \"open\"}, "
      "{\"id\": \"a-2\", \"draw\": \"d-1\", \"institution\": \"%s\", \"team\": [\"%s\", \"u-liu-yang\"], "
      "\"checklist\": \"elder-care\", \"due\": \"%s\", \"status\": \"open\"}, "
      "{\"id\": \"a-3\", \"draw\": \"d-1\", \"institution\": \"DLX003\", \"team\": [\"u-chen-jing\", \"u-liu-yang\"], "
      "\"checklist\": \"elder-care\", \"due\": \"%s\", \"status\": \"open\"}]",
      INSPECTOR, overdue, INSTITUTION, INSPECTOR, later, later);
  g_assert_true (json_parser_load_from_data (parser, assignments, -1, &error));
  g_assert_true (aj_assignment_replace_all (store, json_node_get_array (json_parser_get_root (parser)), &error));
  g_assert_no_error (error);
}

static void
test_team_confirmation (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;

  g_test_bug ("12");
  g_test_summary ("The home page lists the inspector's spot checks (the overdue one first and marked); starting "
                  "one asks the partner's PIN (a wrong one refused), then opens the assigned institution's "
                  "inspection in spot-check mode with both members recorded.");

  assert_phase_passed (spawn_phase (f, "team", NULL, NULL));
  store = open_kiosk_store (f);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM inspections WHERE assignment = 'a-2' AND institution = '"
                                    INSTITUTION "' AND mode = 'spot_check' AND template_id = 'elder-care'",
                                    NULL, -1), ==, 1);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM inspection_team t JOIN inspections s ON s.id = t.inspection_id "
                                    "WHERE s.assignment = 'a-2' AND t.member IN ('" INSPECTOR "', 'u-liu-yang')",
                                    NULL, -1), ==, 2);
}

/* A kiosk with the sample registry (张伟 and 黄敏 of 东林县's department),
 * departments that escalate after 10 days overdue, and a block of the
 * department's document numbers, as a sync grants. */
static void
fixture_setup_numbers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = aj_doc_number_china_today ();

  fixture_setup (f, data);
  store = open_store_with_registry (f);
  g_assert_true (aj_numbering_add_block (store, "dep-dl", aj_doc_number_year_of (today), 1, 20, &error));
  g_assert_no_error (error);
  /* The departments set their own days for escalation (default 15). */
  g_assert_true (aj_db_exec (aj_store_get_db (store), "UPDATE departments SET escalation_overdue_days = 10", &error));
  g_assert_no_error (error);
}

static void
test_field_team (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AjStore) store = NULL;
  g_autofree char *notice = g_build_filename (f->dir, "notice-field.pdf", NULL);
  const char *to_text[] = { "pdftotext", "-layout", notice, "-", NULL };
  g_autofree char *text = NULL;

  g_test_bug ("14");
  g_test_summary ("A field inspection started without an assignment takes a second inspector from its summary: "
                  "the department's colleague confirms with her PIN (a wrong one refused with a message), both are "
                  "recorded as inspection.team_confirmed, and the rectification notice names both with their "
                  "enforcement certificate numbers.");

  assert_phase_passed (spawn_phase (f, "field-team", NULL, NULL));
  store = open_kiosk_store (f);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store),
                                    "SELECT count(*) FROM inspection_team t JOIN inspections s ON s.id = t.inspection_id "
                                    "WHERE s.assignment IS NULL AND s.institution = '" FIELD_HOME "' AND t.member IN ('"
                                    INSPECTOR "', '" COLLEAGUE "')", NULL, -1), ==, 2);
  g_assert_true (g_spawn_sync (NULL, (char **) to_text, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text, NULL, NULL,
                               NULL));
  g_assert_nonnull (strstr (text, "张伟"));
  g_assert_nonnull (strstr (text, "鲁民执-DL-0012"));
  g_assert_nonnull (strstr (text, "黄敏"));
  g_assert_nonnull (strstr (text, "鲁民执-DL-0025"));
  g_assert_nonnull (strstr (text, "东民安检"));
}

/* A kiosk store with LARGE_LEDGER open hazards, recorded through core calls
 * a thousand to a transaction (seconds, not minutes). */
static void
fixture_setup_large (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *template = aj_test_source_path ("data/checklists/elder-care.json");
  g_autofree char *inspection = NULL;
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *levels[] = { "red", "orange", "yellow", "blue" };

  fixture_setup (f, data);
  store = open_store_with_registry (f);
  checklist = aj_checklist_load_file (template, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < LARGE_LEDGER; i++)
    {
      g_autofree char *description = g_strdup_printf (i % 10 == 0 ? "%u 号楼配电箱周围堆放可燃物，电线私拉乱接"
                                                                  : "%u 号楼安全出口被杂物堵塞，疏散指示灯不亮", i);
      AjHazardDraft draft = {
        .item_code = "EC-FIRE-04", .category = "fire", .description = description, .location = "一楼走廊",
        .risk_level = levels[i % 4], .grade = i % 9 == 0 ? "major" : "general",
        .deadline = i % 3 == 0 ? "2020-01-31" : "2030-01-31", .responsible = "王建国",
      };
      g_autofree char *id = NULL;

      if (i % 1000 == 0)
        g_assert_true (aj_store_begin (store, &error));
      if (i % 50 == 0)
        {
          g_free (inspection);
          inspection = aj_inspection_start (store, INSPECTOR, i % 100 ? "DLX002" : INSTITUTION, "field",
                                            checklist, &error);
          g_assert_no_error (error);
        }
      draft.inspection_id = inspection;
      id = aj_hazard_record (store, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
      if (i % 1000 == 999)
        g_assert_true (aj_store_commit (store, &error));
    }
  /* Not left unfinished: the home page would offer to resume it. */
  g_assert_true (aj_inspection_finish (store, INSPECTOR, inspection, &error));
}

static void
test_large_ledger (Fixture       *f,
                   gconstpointer  data)
{
  g_test_bug ("11");
  g_test_summary ("The ledger of a store with thousands of hazards opens with all of them counted and a "
                  "search narrows it to the ones that match, at this size and language.");

  assert_phase_passed (spawn_phase (f, "large-ledger", NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry entries[] = {
    { "phase", 0, 0, G_OPTION_ARG_STRING, &opt_phase, "Run one phase in this process", "PHASE" },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME, &opt_photo, "Photo to import", "FILE" },
    { "shots", 0, 0, G_OPTION_ARG_FILENAME, &opt_shots, "Screenshot folder", "DIR" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, "Window size", "WxH" },
    { NULL }
  };
  static const char * const sizes[] = { "zh_CN-360x720", "zh_CN-1280x800", "en-360x720", "en-1280x800" };

  self_path = g_file_read_link ("/proc/self/exe", NULL);

  if (argc > 1 && g_str_has_prefix (argv[1], "--phase="))
    {
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
  /* gdk-pixbuf, here too, tells image types apart with the MIME database. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_bug_base ("issue ");

#define ADD(path, data, setup, test) \
  g_test_add (path, Fixture, data, setup, test, fixture_teardown)

  ADD ("/kiosk/inspection-killed-and-resumed", NULL, fixture_setup, test_inspection_killed_and_resumed);
  ADD ("/kiosk/enroll-and-sync", "zh_CN-360x720", fixture_setup_server, test_enroll_and_sync);
  ADD ("/kiosk/hostile-text", "zh_CN-1280x800", fixture_setup_hostile, test_hostile_text);
  ADD ("/kiosk/camera/zh_CN-360x720", "zh_CN-360x720", fixture_setup, test_camera);
  /* The whole loop in two language/size pairs (each run takes minutes
   * under the sanitizers); the other pairs were looked at by hand. */
  ADD ("/kiosk/closed-loop/zh_CN-360x720", "zh_CN-360x720", fixture_setup, test_closed_loop);
  ADD ("/kiosk/closed-loop/en-1280x800", "en-1280x800", fixture_setup, test_closed_loop);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *refused = g_strdup_printf ("/kiosk/refused/%s", sizes[i]);
      g_autofree char *shots = g_strdup_printf ("/kiosk/screenshots/%s", sizes[i]);
      /* Every screen at every size and language; the flows in the users'
       * language on the phone and in English on the tablet (CI time). */
      ADD (shots, sizes[i], fixture_setup, test_screenshots);
      /* Under half a minute: the sheet in every language and size. */
      {
        g_autofree char *field = g_strdup_printf ("/kiosk/field-team-second-inspector/%s", sizes[i]);
        ADD (field, sizes[i], fixture_setup_numbers, test_field_team);
      }
      if (i == 0 || i == 3)
        {
          g_autofree char *team = g_strdup_printf ("/kiosk/team-confirmation/%s", sizes[i]);
          g_autofree char *large = g_strdup_printf ("/kiosk/large-ledger/%s", sizes[i]);

          ADD (refused, sizes[i], fixture_setup_server, test_refused);

          ADD (team, sizes[i], fixture_setup_assignments, test_team_confirmation);
          ADD (large, sizes[i], fixture_setup_large, test_large_ledger);
        }
    }
#undef ADD
  return g_test_run ();
}
