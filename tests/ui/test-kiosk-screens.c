/* test-kiosk-screens.c: the real kiosk window under Xvfb, one case per
 * process (meson runs each case in its own language and size):
 *   pin-change   a person changes his PIN from the main menu; after signing
 *                out the old PIN is refused and the new one accepted; an
 *                administrator sets a forgotten PIN for someone else;
 *   pin-refused  a too short, a mistyped, a guessable new PIN and a wrong
 *                current PIN are refused with their messages, the wrong
 *                current PIN counting as a failed sign-in;
 *   photo-wait   a hazard whose photo sync has not yet brought shows "not yet
 *                downloaded" on the hazard page and in the viewer, and the
 *                photo itself once the file is there and marked present;
 *   statistics   hazards found over three months in two counties: the
 *                statistics page shows the year's counts by county, type,
 *                month, grade and risk level with the rate's definition,
 *                and a month chosen on the page counts only that month;
 *   large-text,  the main screens with the desktop's text scaled by 1.5, or
 *   high-contrast  with its high-contrast setting on: none needs more width
 *                than the window has.
 *   documents    a hazard referred to another department offers its referral
 *                letter on the hazard page, in a group that fits the window;
 * Screenshots go to $ANJIAN_SCREENSHOT_DIR/<lang>-<size>/. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "aj-application.h"
#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-hazard-page.h"
#include "aj-home-page.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-photo-viewer.h"
#include "aj-pin-page.h"
#include "aj-sign-in-page.h"
#include "aj-start-page.h"
#include "aj-stats.h"
#include "aj-stats-line-row.h"
#include "aj-stats-page.h"
#include "aj-store-private.h"
#include "aj-summary-page.h"
#include "aj-hazard-sheet.h"
#include "aj-institution-page.h"
#include "aj-inspection-page.h"
#include "aj-ledger-page.h"
#include "aj-ui-driver.h"
#include "aj-util.h"
#include "aj-window.h"

#define INSPECTOR   "u-zhang-wei"
#define STAFF       "u-li-chunmei"
#define ADMIN       "u-zhou-min"
#define PIN         "123456"
#define ADMIN_PIN   "246810"     /* the sample registry's administrator */
#define NEW_PIN     "246813"
#define STAFF_PIN   "975310"
#define INSTITUTION "DLX001"

static char *opt_case;
static char *opt_size;
static char *opt_lang;
static char *opt_shots;

static AjApplication *app;
static GtkWidget *window;

static void
expect_page (const char *name)
{
  aj_ui_expect_page (window, name);
}

static void
shot (const char *name)
{
  g_autofree char *folder = NULL;
  g_autofree char *file = NULL;

  if (opt_shots == NULL)
    return;
  folder = g_strdup_printf ("%s/%s-%s", opt_shots, opt_lang, opt_size);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  file = g_strdup_printf ("%s/%s.png", folder, name);
  g_assert_true (aj_ui_screenshot (window, file));
}

static AjStore *
store (void)
{
  return aj_session_get_store (aj_window_get_session (AJ_WINDOW (window)));
}

static const char *
sign_in_error (void)
{
  return gtk_label_get_label (GTK_LABEL (aj_ui_in_page (window, AJ_TYPE_SIGN_IN_PAGE, "error_label")));
}

static void
sign_in (const char *user,
         const char *pin)
{
  aj_ui_sign_in (window, user, pin);
}

static void
sign_out (void)
{
  gtk_widget_activate_action (window, "win.sign-out", NULL);
  expect_page ("sign-in");
}

/* The main menu of the home page offers the item, as a person finds it. */
static void
open_pin_page_from_menu (void)
{
  GtkWidget *home = aj_ui_page (window, AJ_TYPE_HOME_PAGE);
  GtkWidget *menu_button = aj_ui_find_type (home, GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  gboolean found = FALSE;

  expect_page ("home");
  for (int s = 0; s < g_menu_model_get_n_items (menu) && !found; s++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);
      for (int i = 0; section && i < g_menu_model_get_n_items (section) && !found; i++)
        {
          g_autofree char *action = NULL;
          if (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
            found = g_strcmp0 (action, "win.change-pin") == 0;
        }
    }
  g_assert_true (found);
  gtk_widget_activate_action (home, "win.change-pin", NULL);
  expect_page ("pin");
}

static GtkWidget *
pin_widget (const char *id)
{
  return aj_ui_in_page (window, AJ_TYPE_PIN_PAGE, id);
}

static const char *
pin_error (void)
{
  return gtk_label_get_label (GTK_LABEL (pin_widget ("error_label")));
}

static void
fill_pin_page (const char *current,
               const char *new_pin,
               const char *repeat)
{
  if (current != NULL)
    aj_ui_type (pin_widget ("current_row"), current);
  aj_ui_type (pin_widget ("new_row"), new_pin);
  aj_ui_type (pin_widget ("repeat_row"), repeat);
  aj_ui_click (pin_widget ("change_button"));
}

static int
count_pin_events (const char *user)
{
  return aj_db_query_int (aj_store_get_db (store ()),
                          "SELECT count(*) FROM events WHERE type = 'user.pin_changed' AND subject = ?", user, -1);
}

static void
run_pin_change (void)
{
  AdwComboRow *person;
  GListModel *names;
  guint staff = GTK_INVALID_LIST_POSITION;

  sign_in (INSPECTOR, PIN);
  open_pin_page_from_menu ();
  /* Someone who is not an administrator changes only his own PIN. */
  g_assert_false (gtk_widget_get_sensitive (pin_widget ("person_row")));
  g_assert_true (gtk_widget_get_visible (pin_widget ("current_row")));
  shot ("pin-01-own");
  fill_pin_page (PIN, NEW_PIN, NEW_PIN);
  expect_page ("home");
  g_assert_cmpint (count_pin_events (INSPECTOR), ==, 1);

  sign_out ();
  sign_in (INSPECTOR, PIN);
  expect_page ("sign-in");
  g_assert_cmpstr (sign_in_error (), ==, _("Wrong PIN. Please try again."));
  shot ("pin-02-old-refused");
  sign_in (INSPECTOR, NEW_PIN);
  expect_page ("home");
  sign_out ();

  /* An administrator picks a person and sets a PIN without knowing the old one. */
  sign_in (ADMIN, ADMIN_PIN);
  open_pin_page_from_menu ();
  person = ADW_COMBO_ROW (pin_widget ("person_row"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (person)));
  names = adw_combo_row_get_model (person);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "李春梅"))
      staff = i;
  g_assert_cmpuint (staff, !=, GTK_INVALID_LIST_POSITION);
  adw_combo_row_set_selected (person, staff);
  aj_ui_wait (50);
  g_assert_false (gtk_widget_get_visible (pin_widget ("current_row")));
  shot ("pin-03-admin");
  fill_pin_page (NULL, STAFF_PIN, STAFF_PIN);
  expect_page ("home");
  g_assert_cmpint (count_pin_events (STAFF), ==, 1);
  sign_out ();
  sign_in (STAFF, PIN);
  expect_page ("sign-in");
  sign_in (STAFF, STAFF_PIN);
  expect_page ("home");
}

static void
run_pin_refused (void)
{
  sign_in (INSPECTOR, PIN);
  open_pin_page_from_menu ();

  fill_pin_page (PIN, "12345", "12345");
  expect_page ("pin");
  g_assert_cmpstr (pin_error (), ==, _("The new PIN must be exactly six digits (0–9)."));
  shot ("pin-04-too-short");

  fill_pin_page (PIN, NEW_PIN, "246831");
  expect_page ("pin");
  g_assert_cmpstr (pin_error (), ==, _("The two new PINs are not the same. Type the new PIN again."));
  /* The mistyped repetition is cleared for typing again. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pin_widget ("repeat_row"))), ==, "");
  shot ("pin-05-mismatch");

  fill_pin_page (PIN, "111111", "111111");
  expect_page ("pin");
  g_assert_cmpstr (pin_error (), ==, _("Choose six digits that are not all the same and not a run such as 123456."));

  /* A wrong current PIN is a failed sign-in, stored like one. */
  fill_pin_page ("000000", NEW_PIN, NEW_PIN);
  expect_page ("pin");
  g_assert_cmpstr (pin_error (), ==, _("Wrong PIN. Please try again."));
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (store ()),
                                    "SELECT failures FROM pin_attempts WHERE user_id = ?", INSPECTOR, -1), ==, 1);
  shot ("pin-06-wrong-current");
  g_assert_cmpint (count_pin_events (INSPECTOR), ==, 0);

  /* Nothing changed: the PIN is still the old one. */
  sign_out ();
  sign_in (INSPECTOR, PIN);
  expect_page ("home");
}

/* ---- a photo that sync has not yet brought ---- */

typedef struct
{
  char *hazard_id;
  char *sha256;
  char *blob;        /* where the file belongs */
  char *kept;        /* where it waits meanwhile */
} WaitingPhoto;

static void
waiting_photo_free (WaitingPhoto *w)
{
  g_free (w->hazard_id);
  g_free (w->sha256);
  g_free (w->blob);
  g_free (w->kept);
  g_free (w);
}

static WaitingPhoto *
make_waiting_photo (void)
{
  AjSession *session = aj_window_get_session (AJ_WINDOW (window));
  AjStore *s = store ();
  const char *blob_dir = aj_session_get_blob_dir (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autofree char *inspection = NULL;
  g_autofree char *event = NULL;
  g_autofree char *thumb = NULL;
  AjPhotoInfo info = { { 0 } };
  WaitingPhoto *w = g_new0 (WaitingPhoto, 1);
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-04", .category = "fire", .description = "灭火器压力不足",
    .risk_level = "yellow", .grade = "general", .deadline = "2030-01-01", .responsible = "王建国",
  };

  gdk_pixbuf_fill (pixbuf, 0xc04020ff);
  inspection = aj_inspection_start (s, INSPECTOR, INSTITUTION, "field",
                                    aj_application_find_checklist (app, "elder-care"), &error);
  g_assert_no_error (error);
  draft.inspection_id = inspection;
  w->hazard_id = aj_hazard_record (s, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_photo_import_pixbuf (blob_dir, pixbuf, &info, &error));
  g_assert_no_error (error);
  event = aj_inspection_add_photo (s, INSPECTOR, inspection, "EC-FIRE-04", w->hazard_id, &info, &error);
  g_assert_no_error (error);
  w->sha256 = g_strdup (info.sha256);

  /* As on a device that pulled the event from the server: the file is not
   * here yet, and the photo is on the wanted list. */
  w->blob = aj_photo_blob_path (blob_dir, w->sha256);
  w->kept = g_strconcat (w->blob, ".elsewhere", NULL);
  thumb = aj_photo_thumb_path (blob_dir, w->sha256);
  g_assert_cmpint (g_rename (w->blob, w->kept), ==, 0);
  g_unlink (thumb);
  g_assert_true (aj_store_want_blob (s, w->sha256, &error));
  g_assert_no_error (error);
  return w;
}

/* What sync does when the photo arrives (aj-sync.c, fetch_blob): the file is
 * put in place, its thumbnail made, it is struck off the wanted list; then
 * the sync manager tells the pages (aj_store_refresh_clock). */
static void
photo_arrives (WaitingPhoto *w)
{
  AjSession *session = aj_window_get_session (AJ_WINDOW (window));
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_rename (w->kept, w->blob), ==, 0);
  g_assert_true (aj_photo_make_thumbnail (aj_session_get_blob_dir (session), w->sha256, &error));
  g_assert_true (aj_store_blob_attempted (store (), w->sha256, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (aj_store_blob_is_wanted (store (), w->sha256));
  aj_store_refresh_clock (store ());
  aj_ui_wait (100);
}

/* The first thumbnail of the hazard page's strip: its button's content. */
static GtkWidget *
first_thumbnail (void)
{
  GtkWidget *strip = aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "photo_box");
  GtkWidget *child = gtk_widget_get_first_child (strip);
  GtkWidget *button = child ? aj_ui_find_type (child, GTK_TYPE_BUTTON) : NULL;

  g_assert_nonnull (button);
  return gtk_button_get_child (GTK_BUTTON (button));
}

/* Brings @widget into view in its page's scrolled window, for the screenshot. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), point.y - 120);
  aj_ui_wait (200);
}

static gboolean
shows_picture (GtkWidget *widget)
{
  return GTK_IS_PICTURE (widget) && gtk_picture_get_paintable (GTK_PICTURE (widget)) != NULL;
}

static gboolean
viewer_shows_picture (gpointer data)
{
  GtkWidget *viewer = aj_ui_page (window, AJ_TYPE_PHOTO_VIEWER);
  GtkWidget *carousel = aj_ui_find_type (viewer, ADW_TYPE_CAROUSEL);
  GtkWidget *picture = aj_ui_find_type (carousel, GTK_TYPE_PICTURE);

  return picture != NULL && shows_picture (picture) && aj_ui_find_name (carousel, "photo-placeholder") == NULL;
}

static void
run_photo_wait (void)
{
  WaitingPhoto *w;
  GtkWidget *viewer;
  GtkWidget *thumbnail;

  sign_in (INSPECTOR, PIN);
  expect_page ("home");
  w = make_waiting_photo ();

  gtk_widget_activate_action (window, "win.show-hazard", "s", w->hazard_id);
  expect_page ("hazard");
  thumbnail = first_thumbnail ();
  g_assert_cmpstr (gtk_widget_get_name (thumbnail), ==, "photo-placeholder");
  g_assert_nonnull (aj_ui_find_type (thumbnail, GTK_TYPE_LABEL));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_type (thumbnail, GTK_TYPE_LABEL))), ==,
                   _("Photo not yet downloaded"));
  scroll_to (thumbnail);
  shot ("photo-01-hazard-waiting");

  /* Full screen, the same words instead of a broken image. */
  aj_ui_click (gtk_widget_get_parent (thumbnail));
  expect_page ("viewer");
  viewer = aj_ui_page (window, AJ_TYPE_PHOTO_VIEWER);
  g_assert_nonnull (aj_ui_find_name (viewer, "photo-placeholder"));
  g_assert_false (viewer_shows_picture (NULL));
  shot ("photo-02-viewer-waiting");

  /* Sync brings it while the viewer is open: it appears there. */
  photo_arrives (w);
  g_assert_true (aj_ui_wait_for (viewer_shows_picture, NULL, 3000));
  shot ("photo-03-viewer-arrived");

  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("hazard");
  aj_ui_wait (100);
  g_assert_true (shows_picture (first_thumbnail ()));
  aj_ui_wait (800);
  scroll_to (first_thumbnail ());
  shot ("photo-04-hazard-arrived");

  waiting_photo_free (w);
}

/* ---- large text and high contrast ---- */

static int first_width;
static GString *too_wide;

/* A screen that needs more room than the window has would widen it: each
 * keeps the width the window started with. */
static void
fitting_shot (const char *name)
{
  aj_ui_wait (300);
  if (first_width == 0)
    first_width = gtk_widget_get_width (window);
  if (too_wide == NULL)
    too_wide = g_string_new (NULL);
  if (gtk_widget_get_width (window) > first_width)
    aj_ui_dump_widths (window, 0);
  if (gtk_widget_get_width (window) > first_width)
    g_string_append_printf (too_wide, "\n  %s needs %d px, more than the %s window (%d px)", name,
                            gtk_widget_get_width (window), opt_size, first_width);
  shot (name);
}

static void
run_modes (const char *mode)
{
  g_autofree char *prefix = g_strconcat (mode, "-", NULL);
  g_autofree char *name = NULL;
  GtkWidget *page;
  WaitingPhoto *w;

#define SHOT(what) (g_free (name), name = g_strconcat (prefix, what, NULL), fitting_shot (name))

  SHOT ("01-sign-in");
  aj_ui_sign_in (window, INSPECTOR, PIN);
  expect_page ("home");
  w = make_waiting_photo ();
  SHOT ("02-home");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_HOME_PAGE, "start_button"));
  expect_page ("institutions");
  page = aj_ui_page (window, AJ_TYPE_INSTITUTION_PAGE);
  SHOT ("03-institutions");
  aj_ui_type (aj_ui_find_id (page, "search_entry"), INSTITUTION);
  aj_ui_wait (400);
  g_signal_emit_by_name (aj_ui_find_id (page, "list_view"), "activate", 0);
  expect_page ("start");
  SHOT ("04-start");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_START_PAGE, "start_button"));
  expect_page ("inspection");
  SHOT ("05-inspection");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "hazard_button"));
  expect_page ("hazard-sheet");
  SHOT ("06-hazard-sheet");
  gtk_widget_activate_action (window, "win.go-back", NULL);
  expect_page ("inspection");
  aj_ui_click (aj_ui_in_page (window, AJ_TYPE_INSPECTION_PAGE, "summary_button"));
  expect_page ("summary");
  SHOT ("07-summary");
  gtk_widget_activate_action (window, "win.ledger", NULL);
  expect_page ("ledger");
  SHOT ("08-ledger");
  gtk_widget_activate_action (window, "win.show-hazard", "s", w->hazard_id);
  expect_page ("hazard");
  SHOT ("09-hazard");
  aj_ui_click (gtk_widget_get_parent (first_thumbnail ()));
  expect_page ("viewer");
  SHOT ("10-viewer");
  gtk_widget_activate_action (window, "win.settings", NULL);
  expect_page ("settings");
  SHOT ("11-settings");
  gtk_widget_activate_action (window, "win.change-pin", NULL);
  expect_page ("pin");
  SHOT ("12-pin");
#undef SHOT
  waiting_photo_free (w);
  if (too_wide->len > 0)
    g_error ("Screens wider than the window:%s", too_wide->str);
  g_string_free (too_wide, TRUE);
}

/* ---- the department's documents on the hazard page ---- */

static void
run_documents (void)
{
  AjStore *s = store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *inspection = NULL;
  g_autofree char *hazard = NULL;
  g_autofree char *event = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  GtkWidget *row;
  AjHazardDraft draft = {
    .item_code = "EC-FOOD-01", .category = "food", .description = "未取得食品经营许可证开展集中用餐",
    .risk_level = "orange", .grade = "major", .deadline = "2030-01-01", .responsible = "王建国",
  };

  aj_ui_sign_in (window, INSPECTOR, PIN);
  expect_page ("home");
  inspection = aj_inspection_start (s, INSPECTOR, INSTITUTION, "field",
                                    aj_application_find_checklist (app, "elder-care"), &error);
  g_assert_no_error (error);
  draft.inspection_id = inspection;
  hazard = aj_hazard_record (s, INSPECTOR, &draft, &error);
  g_assert_no_error (error);
  /* Referred as the loop's step records it (hazard.referred). */
  json_object_set_string_member (body, "to", "东林县市场监督管理局");
  json_object_set_string_member (body, "kind", "market");
  json_object_set_string_member (body, "reason", "无证经营食品属市场监管部门职责");
  json_object_set_string_member (body, "at", at);
  event = aj_store_append (s, "hazard.referred", hazard, INSPECTOR, body, &error);
  g_assert_no_error (error);

  gtk_widget_activate_action (window, "win.show-hazard", "s", hazard);
  expect_page ("hazard");
  row = aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "letter_row");
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_false (gtk_widget_get_visible (aj_ui_in_page (window, AJ_TYPE_HAZARD_PAGE, "opinion_row")));
  gtk_widget_grab_focus (row);
  aj_ui_wait (300);
  fitting_shot ("documents-01-hazard-referral");
  if (too_wide->len > 0)
    g_error ("Screens wider than the window:%s", too_wide->str);
  g_string_free (too_wide, TRUE);
}

/* Statistics */

/* The first day of the month @back months before this one, "YYYY-MM-01". */
static char *
month_start (int back)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1, 9, 0, 0);
  g_autoptr(GDateTime) then = g_date_time_add_months (first, -back);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* A hazard found on @day (as a device that recorded it then wrote it), then
 * taken to @fate by the core's steps. */
static void
found_on (const char *inspection,
          const char *institution,
          const char *day,
          const char *grade,
          const char *level,
          const char *deadline,
          const char *fate)
{
  static guint n;
  const char * const photos[] = { "0f343b0931126a20f133d67c2b018a3b5e4c1c6f5fd2b1e5a4a3b0c3d2e1f001", NULL };
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = aj_registry_get_user (store (), INSPECTOR);
  g_autoptr(AjUser) verifier = aj_registry_get_user (store (), "u-liu-yang");
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *number = g_strdup_printf ("%s-S-%03u", institution, ++n);
  g_autofree char *at = g_strconcat (day, "T09:00:00+08:00", NULL);
  g_autofree char *event = NULL;
  AjStepInput order = { .measures = "限期更换", .responsible = "王建国", .deadline = deadline,
                        .funds = "2000元", .contingency_plan = "专人值守" };
  AjStepInput fixed = { .note = "已整改", .photos = photos };
  AjStepInput accept = { .accepted = TRUE, .opinion = "合格" };

  json_object_set_string_member (body, "number", number);
  json_object_set_string_member (body, "inspection", inspection);
  json_object_set_string_member (body, "institution", institution);
  json_object_set_string_member (body, "item", "EC-FIRE-04");
  json_object_set_string_member (body, "category", "fire");
  json_object_set_string_member (body, "description", "疏散通道堆放杂物");
  json_object_set_string_member (body, "risk_level", level);
  json_object_set_string_member (body, "grade", grade);
  json_object_set_string_member (body, "deadline", deadline);
  json_object_set_string_member (body, "at", at);
  g_assert_true (aj_store_begin (store (), &error));
  event = aj_store_append (store (), "hazard.found", id, INSPECTOR, body, &error);
  g_assert_no_error (error);
  g_assert_true (aj_store_commit (store (), &error));
  if (g_str_equal (fate, "found"))
    return;
  g_assert_true (aj_inspection_finish (store (), INSPECTOR, inspection, &error));
  g_assert_no_error (error);
  if (g_str_equal (fate, "ordered"))
    g_free (aj_hazard_step (store (), inspector, id, AJ_STEP_ORDER, &order, &error));
  else
    {
      g_free (aj_hazard_step (store (), inspector, id, AJ_STEP_RECTIFY, &fixed, &error));
      if (!g_str_equal (fate, "rectified"))
        g_free (aj_hazard_step (store (), verifier, id, AJ_STEP_VERIFY, &accept, &error));
      if (g_str_equal (fate, "closed"))
        g_free (aj_hazard_step (store (), inspector, id, AJ_STEP_CLOSE, NULL, &error));
    }
  g_assert_no_error (error);
}

/* The AjStatsLineRow of @list whose line has @key. */
static AjStatsLine *
shown_line (GtkWidget  *page,
            const char *list,
            const char *key)
{
  GtkWidget *box = aj_ui_find_id (page, list);

  for (GtkWidget *row = gtk_widget_get_first_child (box); row; row = gtk_widget_get_next_sibling (row))
    if (AJ_IS_STATS_LINE_ROW (row) &&
        g_str_equal (aj_stats_line_get_key (aj_stats_line_row_get_line (AJ_STATS_LINE_ROW (row))), key))
      return aj_stats_line_row_get_line (AJ_STATS_LINE_ROW (row));
  g_error ("%s shows no line “%s”", list, key);
  return NULL;
}

typedef struct
{
  GtkWidget *total_list;
  guint      found;
} Expected;

/* The report read in its thread is shown: its total has @found hazards. */
static gboolean
total_shows (gpointer data)
{
  Expected *e = data;
  GtkWidget *row = gtk_widget_get_first_child (e->total_list);

  return row != NULL && AJ_IS_STATS_LINE_ROW (row) &&
         aj_stats_line_get_found (aj_stats_line_row_get_line (AJ_STATS_LINE_ROW (row))) == e->found;
}

static void
scroll_to_id (GtkWidget  *page,
              const char *id)
{
  scroll_to (aj_ui_find_id (page, id));
}

static void
run_statistics (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *this_month = month_start (0);
  g_autofree char *last_month = month_start (1);
  g_autofree char *earlier = month_start (2);
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *past = g_date_time_format (yesterday, "%Y-%m-%d");
  g_autofree char *month_key = g_strndup (this_month, 7);
  g_autofree char *year = g_strndup (today, 4);
  const char *days[] = { this_month, last_month, earlier };
  guint found_this_year = 0, found_dongling = 0;
  GtkWidget *page, *total_list, *period_row;
  AjStatsLine *total;
  struct { const char *institution; int month; const char *grade, *level, *fate; gboolean late; } hazards[] = {
    { "DLX001", 0, "general", "yellow", "rectified", TRUE },   /* waiting for verification: not overdue */
    { "DLX001", 1, "major", "red", "ordered", TRUE },          /* overdue */
    { "DLX003", 1, "general", "blue", "closed", TRUE },
    { "XHX004", 0, "major", "orange", "ordered", FALSE },
    { "XHX001", 2, "general", "yellow", "verified", FALSE },
    { "XHX003", 0, "general", "red", "found", TRUE },          /* overdue */
  };

  aj_ui_sign_in (window, INSPECTOR, PIN);
  expect_page ("home");
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      g_autofree char *inspection = aj_inspection_start (store (), INSPECTOR, hazards[i].institution, "field",
                                                         aj_application_find_checklist (app, "elder-care"), &error);
      g_assert_no_error (error);
      found_on (inspection, hazards[i].institution, days[hazards[i].month], hazards[i].grade, hazards[i].level,
                hazards[i].late ? past : "2099-12-31", hazards[i].fate);
      found_this_year += g_str_has_prefix (days[hazards[i].month], year);
      found_dongling += g_str_has_prefix (days[hazards[i].month], year) && g_str_has_prefix (hazards[i].institution, "DLX");
    }

  gtk_widget_activate_action (window, "win.stats", NULL);
  expect_page ("stats");
  page = aj_ui_page (window, AJ_TYPE_STATS_PAGE);

  /* This year, by default: the overview line and each table. */
  period_row = aj_ui_find_id (page, "period_row");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (period_row)), ==, 0);
  total_list = aj_ui_find_id (page, "total_list");
  g_assert_true (aj_ui_wait_for (total_shows, &(Expected) { total_list, found_this_year }, 10000));
  total = aj_stats_line_row_get_line (AJ_STATS_LINE_ROW (gtk_widget_get_first_child (total_list)));
  g_assert_cmpuint (aj_stats_line_get_found (total), ==, found_this_year);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (aj_ui_find_id (page, "definition_label"))), ==,
                   aj_stats_rate_definition ());
  g_assert_cmpuint (aj_stats_line_get_found (shown_line (page, "county_list", "东林县")), ==, found_dongling);
  g_assert_cmpuint (aj_stats_line_get_found (shown_line (page, "county_list", "北山县")), ==, 0);
  g_assert_cmpuint (aj_stats_line_get_found (shown_line (page, "month_list", month_key)), ==, 3);
  /* This month's rectified hazard, past its deadline, is not overdue; the two others are. */
  g_assert_cmpuint (aj_stats_line_get_overdue (shown_line (page, "month_list", month_key)), ==, 1);
  g_assert_cmpuint (aj_stats_line_get_found (shown_line (page, "grade_list", "major")), ==,
                    g_str_has_prefix (last_month, year) ? 2 : 1);
  g_assert_nonnull (shown_line (page, "type_list", "township_home"));
  g_assert_nonnull (shown_line (page, "level_list", "red"));
  fitting_shot ("stats-01-year");
  scroll_to_id (page, "county_list");
  fitting_shot ("stats-02-county-type");
  scroll_to_id (page, "month_list");
  fitting_shot ("stats-03-month");
  scroll_to_id (page, "grade_list");
  fitting_shot ("stats-04-grade-level");

  /* This month, chosen on the page: only its three hazards. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (period_row), 3);
  g_assert_true (aj_ui_wait_for (total_shows, &(Expected) { total_list, 3 }, 10000));
  total = aj_stats_line_row_get_line (AJ_STATS_LINE_ROW (gtk_widget_get_first_child (total_list)));
  g_assert_cmpuint (aj_stats_line_get_found (total), ==, 3);
  g_assert_cmpuint (aj_stats_line_get_overdue (total), ==, 1);
  g_assert_cmpuint (aj_stats_line_get_rectified (total), ==, 1);
  scroll_to_id (page, "period_row");
  fitting_shot ("stats-05-this-month");
  if (too_wide->len > 0)
    g_error ("Screens wider than the window:%s", too_wide->str);
}

static void
drive (GtkWidget *kiosk_window)
{
  window = kiosk_window;
  app = AJ_APPLICATION (aj_ui_kiosk ());
  if (g_strcmp0 (opt_case, "pin-change") == 0)
    run_pin_change ();
  else if (g_strcmp0 (opt_case, "pin-refused") == 0)
    run_pin_refused ();
  else if (g_strcmp0 (opt_case, "photo-wait") == 0)
    run_photo_wait ();
  else if (g_strcmp0 (opt_case, "statistics") == 0)
    run_statistics ();
  else if (g_strcmp0 (opt_case, "documents") == 0)
    run_documents ();
  else if (g_strcmp0 (opt_case, "large-text") == 0)
    {
      /* What the desktop's "large text" does: 1.5 × 96 dpi, in 1/1024 dots. */
      g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
      run_modes ("large");
    }
  else if (g_strcmp0 (opt_case, "high-contrast") == 0)
    {
      g_assert_true (adw_style_manager_get_high_contrast (adw_style_manager_get_default ()));
      run_modes ("contrast");
    }
  else
    g_error ("No case “%s”", opt_case);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &opt_case, "What to test", "CASE" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, "Window size", "WxH" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &opt_lang, "Language", "LANG" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_case == NULL)
    {
      g_printerr ("usage: %s --case=pin-change|pin-refused|photo-wait|statistics --lang=zh_CN --size=360x720\n", argv[0]);
      return 2;
    }
  if (opt_size == NULL)
    opt_size = g_strdup ("1280x800");
  if (opt_lang == NULL)
    opt_lang = g_strdup ("zh_CN");
  opt_shots = g_strdup (g_getenv ("ANJIAN_SCREENSHOT_DIR"));

  /* A data folder of its own, removed when the case passes. */
  dir = g_dir_make_tmp ("anjian-ui-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *data = g_build_filename (dir, "data", NULL);
    g_autofree char *config = g_build_filename (dir, "config", NULL);
    g_autofree char *cache = g_build_filename (dir, "cache", NULL);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (g_strcmp0 (opt_case, "high-contrast") == 0)
    {
      /* As the desktop's accessibility settings say it, with no portal to
       * ask (libadwaita then reads GSettings). */
      g_autoptr(GSettings) a11y = NULL;
      g_setenv ("ADW_DISABLE_PORTAL", "1", TRUE);
      a11y = g_settings_new ("org.gnome.desktop.a11y.interface");
      g_settings_set_boolean (a11y, "high-contrast", TRUE);
    }
  g_setenv ("LANGUAGE", opt_lang, TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ANJIAN_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  exit_code = aj_ui_run_kiosk (opt_size, drive);
  if (exit_code == 0)
    {
      const char *rm[] = { "rm", "-rf", dir, NULL };
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
      g_print ("ok - /kiosk/%s/%s-%s\n", opt_case, opt_lang, opt_size);
    }
  else
    g_printerr ("The kiosk's data is kept in %s\n", dir);
  return exit_code;
}
