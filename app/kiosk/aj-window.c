/* aj-window.c: one window holds every page in a stack; the window remembers
 * where the person came from so that "back" goes where they expect. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard-page.h"
#include "aj-hazard-sheet.h"
#include "aj-home-page.h"
#include "aj-inspection.h"
#include "aj-inspection-page.h"
#include "aj-institution-page.h"
#include "aj-ledger-page.h"
#include "aj-settings-page.h"
#include "aj-sign-in-page.h"
#include "aj-scan-page.h"
#include "aj-camera-page.h"
#include "aj-photo-viewer.h"
#include "aj-signature-page.h"
#include "aj-stats-page.h"
#include "aj-step-page.h"
#include "aj-start-page.h"
#include "aj-summary-page.h"
#include "aj-window.h"

struct _AjWindow
{
  AdwApplicationWindow  parent_instance;

  AjApplication        *app;
  GPtrArray            *history;

  AdwToastOverlay      *toasts;
  GtkStack             *pages;
  AdwStatusPage        *broken_page;
  AjSignInPage         *sign_in_page;
  AjHomePage           *home_page;
  AjInstitutionPage    *institution_page;
  AjStartPage          *start_page;
  AjInspectionPage     *inspection_page;
  AjHazardSheet        *hazard_sheet;
  AjSummaryPage        *summary_page;
  AjLedgerPage         *ledger_page;
  AjHazardPage         *hazard_page;
  AjSettingsPage       *settings_page;
  AjStepPage           *step_page;
  AjStatsPage          *stats_page;
  AjSignaturePage      *signature_page;
  AjScanPage           *scan_page;
  AjCameraPage         *camera_page;
  AjPhotoViewer        *photo_viewer;
  GtkWidget            *sync_bar;
  GtkImage             *sync_icon;
  GtkLabel             *sync_label;
};

G_DEFINE_FINAL_TYPE (AjWindow, aj_window, ADW_TYPE_APPLICATION_WINDOW)

AjWindow *
aj_window_for_widget (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  return AJ_IS_WINDOW (root) ? AJ_WINDOW (root) : NULL;
}

static void
show_page (AjWindow   *self,
           const char *name,
           gboolean    remember)
{
  const char *current = gtk_stack_get_visible_child_name (self->pages);

  if (remember && current != NULL && g_strcmp0 (current, name) != 0)
    g_ptr_array_add (self->history, g_strdup (current));
  gtk_stack_set_visible_child_name (self->pages, name);
}

const char *
aj_window_get_page_name (AjWindow *self)
{
  return gtk_stack_get_visible_child_name (self->pages);
}

AjApplication *
aj_window_get_app (AjWindow *self)
{
  return self->app;
}

AjStore *
aj_window_get_store (AjWindow *self)
{
  return aj_application_get_store (self->app);
}

const char *
aj_window_get_user_id (AjWindow *self)
{
  AjUser *user = aj_application_get_user (self->app);
  return user ? aj_user_get_id (user) : NULL;
}

void
aj_window_toast (AjWindow   *self,
                 const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

/* Errors that stop what the person asked for get a dialog they must read;
 * the message says what happened and that nothing already saved was lost. */
void
aj_window_report_error (AjWindow     *self,
                        const char   *what,
                        const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), what, error ? error->message : NULL);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
aj_window_show_sign_in (AjWindow *self)
{
  g_ptr_array_set_size (self->history, 0);
  aj_application_set_user (self->app, NULL);
  aj_sign_in_page_reset (self->sign_in_page);
  show_page (self, "sign-in", FALSE);
}

void
aj_window_show_home (AjWindow *self)
{
  g_ptr_array_set_size (self->history, 0);
  aj_store_set_local (aj_window_get_store (self), "resume.inspection", NULL, NULL);
  aj_home_page_refresh (self->home_page);
  show_page (self, "home", FALSE);
}

void
aj_window_show_institutions (AjWindow *self)
{
  aj_institution_page_reset (self->institution_page);
  show_page (self, "institutions", TRUE);
}

void
aj_window_show_start (AjWindow      *self,
                      AjInstitution *institution)
{
  aj_start_page_set_institution (self->start_page, institution);
  show_page (self, "start", TRUE);
}

void
aj_window_show_inspection (AjWindow   *self,
                           const char *inspection_id,
                           const char *item_code)
{
  /* From here "back" leads home, not through the set-up pages again. */
  g_ptr_array_set_size (self->history, 0);
  g_ptr_array_add (self->history, g_strdup ("home"));
  aj_home_page_refresh (self->home_page);
  if (!aj_inspection_page_load (self->inspection_page, inspection_id, item_code))
    {
      aj_window_show_home (self);
      return;
    }
  show_page (self, "inspection", FALSE);
}

void
aj_window_show_hazard_sheet (AjWindow   *self,
                             const char *inspection_id,
                             const char *item_code,
                             const char *hazard_id)
{
  aj_hazard_sheet_load (self->hazard_sheet, inspection_id, item_code, hazard_id);
  show_page (self, "hazard-sheet", TRUE);
}

void
aj_window_show_summary (AjWindow   *self,
                        const char *inspection_id)
{
  aj_summary_page_load (self->summary_page, inspection_id);
  show_page (self, "summary", TRUE);
}

void
aj_window_show_ledger (AjWindow *self)
{
  aj_ledger_page_refresh (self->ledger_page);
  show_page (self, "ledger", TRUE);
}

void
aj_window_show_hazard (AjWindow   *self,
                       const char *hazard_id)
{
  aj_hazard_page_load (self->hazard_page, hazard_id);
  show_page (self, "hazard", TRUE);
}

void
aj_window_show_step (AjWindow     *self,
                     const char   *hazard_id,
                     AjHazardStep  step)
{
  aj_step_page_load (self->step_page, hazard_id, step);
  show_page (self, "step", TRUE);
}

void
aj_window_show_photos (AjWindow  *self,
                       GPtrArray *photos,
                       guint      index,
                       gboolean   can_withdraw)
{
  show_page (self, "viewer", TRUE);
  aj_photo_viewer_show_photos (self->photo_viewer, photos, index, can_withdraw);
}

void
aj_window_show_before_after (AjWindow   *self,
                             const char *before,
                             const char *after)
{
  show_page (self, "viewer", TRUE);
  aj_photo_viewer_show_pair (self->photo_viewer, before, after);
}

void
aj_window_open_scanned (AjWindow   *self,
                        const char *payload)
{
  /* Back from the camera to the scan page, then where the tag points. */
  aj_window_go_back (self);
  aj_scan_page_open_payload (self->scan_page, payload);
}

static void
scan_camera_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  show_page (self, "camera", TRUE);
  aj_camera_page_open_scanner (self->camera_page);
}

static void
scan_file_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_activate_action (GTK_WIDGET (AJ_WINDOW (widget)->scan_page), "scan.choose", NULL);
}

void
aj_window_show_camera (AjWindow   *self,
                       const char *inspection_id,
                       const char *item_code)
{
  show_page (self, "camera", TRUE);
  aj_camera_page_open (self->camera_page, inspection_id, item_code);
}

void
aj_window_show_signature (AjWindow   *self,
                          const char *subject,
                          const char *role,
                          const char *signer,
                          const char *what)
{
  aj_signature_page_load (self->signature_page, subject, role, signer, what);
  show_page (self, "signature", TRUE);
}

void
aj_window_show_settings (AjWindow *self)
{
  aj_settings_page_refresh (self->settings_page);
  show_page (self, "settings", TRUE);
}

AjSettingsPage *
aj_window_get_settings_page (AjWindow *self)
{
  return self->settings_page;
}

/* The bar at the bottom of every page says where the records stand. */
static void
update_sync_bar (AjWindow *self)
{
  AjSyncManager *sync = aj_application_get_sync (self->app);
  g_autofree char *text = NULL;
  const char *icon;

  if (sync == NULL)
    return;
  text = aj_sync_manager_describe (sync);
  switch (aj_sync_manager_get_state (sync))
    {
    case AJ_SYNC_STATE_SYNCING: icon = "emblem-synchronizing-symbolic"; break;
    case AJ_SYNC_STATE_FAILED: icon = "dialog-warning-symbolic"; break;
    case AJ_SYNC_STATE_NOT_ENROLLED: icon = "network-offline-symbolic"; break;
    default: icon = aj_sync_manager_get_pending (sync) ? "network-transmit-symbolic" : "emblem-ok-symbolic"; break;
    }
  gtk_label_set_label (self->sync_label, text);
  gtk_image_set_from_icon_name (self->sync_icon, icon);
  gtk_widget_set_tooltip_text (self->sync_bar, text);
  if (aj_sync_manager_get_state (sync) == AJ_SYNC_STATE_FAILED)
    gtk_widget_add_css_class (self->sync_bar, "failed");
  else
    gtk_widget_remove_css_class (self->sync_bar, "failed");
  if (g_strcmp0 (aj_window_get_page_name (self), "settings") == 0)
    aj_settings_page_refresh (self->settings_page);
}

static void
on_synced (AjWindow *self,
           gboolean  reference_changed)
{
  const char *page = aj_window_get_page_name (self);

  /* Pages that list what others recorded show it now. */
  if (g_strcmp0 (page, "home") == 0)
    aj_home_page_refresh (self->home_page);
  else if (g_strcmp0 (page, "ledger") == 0)
    aj_ledger_page_refresh (self->ledger_page);
  else if (g_strcmp0 (page, "sign-in") == 0 && reference_changed)
    aj_sign_in_page_reset (self->sign_in_page);
}

void
aj_window_go_back (AjWindow *self)
{
  g_autofree char *previous = NULL;

  /* Leaving the camera lets it go for other programs. */
  if (g_strcmp0 (aj_window_get_page_name (self), "camera") == 0)
    aj_camera_page_close (self->camera_page);

  if (self->history->len == 0)
    {
      aj_window_show_home (self);
      return;
    }
  previous = g_strdup (g_ptr_array_index (self->history, self->history->len - 1));
  g_ptr_array_set_size (self->history, self->history->len - 1);

  /* Pages that show live data are brought up to date on the way back. */
  if (g_str_equal (previous, "home"))
    {
      aj_window_show_home (self);
      return;
    }
  if (g_str_equal (previous, "inspection"))
    aj_inspection_page_reload (self->inspection_page);
  else if (g_str_equal (previous, "summary"))
    aj_summary_page_reload (self->summary_page);
  else if (g_str_equal (previous, "ledger"))
    aj_ledger_page_refresh (self->ledger_page);
  else if (g_str_equal (previous, "hazard"))
    aj_hazard_page_reload (self->hazard_page);
  show_page (self, previous, FALSE);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  aj_window_go_back (AJ_WINDOW (widget));
}

static void
home_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  if (aj_application_get_user (self->app) != NULL)
    aj_window_show_home (self);
}

static void
sign_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  aj_window_show_sign_in (AJ_WINDOW (widget));
}

static void
ledger_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  if (aj_application_get_user (self->app) != NULL)
    aj_window_show_ledger (self);
}

static void
import_photo_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);
  gtk_widget_activate_action (GTK_WIDGET (self->inspection_page), "inspection.choose-photo", NULL);
}

static void
scan_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  if (aj_application_get_user (self->app) == NULL)
    return;
  aj_scan_page_reset (self->scan_page);
  show_page (self, "scan", TRUE);
}

static void
stats_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  if (aj_application_get_user (self->app) == NULL)
    return;
  aj_stats_page_refresh (self->stats_page);
  show_page (self, "stats", TRUE);
}

static void
settings_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AjWindow *self = AJ_WINDOW (widget);

  /* Connecting the device is for someone signed in. */
  if (aj_application_get_user (self->app) != NULL)
    aj_window_show_settings (self);
  else
    aj_window_toast (self, _("Sign in first to change the server settings"));
}

static void
on_signed_in (AjSignInPage *page,
              AjUser       *user,
              AjWindow     *self)
{
  AjStore *store = aj_window_get_store (self);
  g_autoptr(AjInspection) open = NULL;
  g_autofree char *resume_user = NULL;
  g_autofree char *resume_item = NULL;

  aj_application_set_user (self->app, user);

  /* Someone whose inspection was interrupted (flat battery, crash) goes
   * straight back to the item they were on. */
  resume_user = aj_store_get_local (store, "resume.user");
  open = aj_inspection_find_unfinished (store, aj_user_get_id (user));
  if (open != NULL && g_strcmp0 (resume_user, aj_user_get_id (user)) == 0)
    {
      g_autofree char *resume_inspection = aj_store_get_local (store, "resume.inspection");
      if (g_strcmp0 (resume_inspection, aj_inspection_get_id (open)) == 0)
        {
          resume_item = aj_store_get_local (store, "resume.item");
          aj_window_show_inspection (self, aj_inspection_get_id (open), resume_item);
          aj_window_toast (self, _("Your unfinished inspection has been reopened where you left it."));
          return;
        }
    }
  aj_window_show_home (self);
}

static void
aj_window_dispose (GObject *object)
{
  AjWindow *self = AJ_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_WINDOW);
  G_OBJECT_CLASS (aj_window_parent_class)->dispose (object);
}

static void
aj_window_finalize (GObject *object)
{
  AjWindow *self = AJ_WINDOW (object);

  g_clear_pointer (&self->history, g_ptr_array_unref);
  G_OBJECT_CLASS (aj_window_parent_class)->finalize (object);
}

static gboolean
aj_window_close_request (GtkWindow *window)
{
  AjWindow *self = AJ_WINDOW (window);
  GSettings *settings = aj_application_get_settings (self->app);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  /* Save what is being typed before the window goes. */
  aj_inspection_page_flush (self->inspection_page);
  return GTK_WINDOW_CLASS (aj_window_parent_class)->close_request (window);
}

static void
aj_window_class_init (AjWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = aj_window_dispose;
  object_class->finalize = aj_window_finalize;
  window_class->close_request = aj_window_close_request;

  g_type_ensure (AJ_TYPE_SIGN_IN_PAGE);
  g_type_ensure (AJ_TYPE_HOME_PAGE);
  g_type_ensure (AJ_TYPE_INSTITUTION_PAGE);
  g_type_ensure (AJ_TYPE_START_PAGE);
  g_type_ensure (AJ_TYPE_INSPECTION_PAGE);
  g_type_ensure (AJ_TYPE_HAZARD_SHEET);
  g_type_ensure (AJ_TYPE_SUMMARY_PAGE);
  g_type_ensure (AJ_TYPE_LEDGER_PAGE);
  g_type_ensure (AJ_TYPE_HAZARD_PAGE);
  g_type_ensure (AJ_TYPE_SETTINGS_PAGE);
  g_type_ensure (AJ_TYPE_STEP_PAGE);
  g_type_ensure (AJ_TYPE_STATS_PAGE);
  g_type_ensure (AJ_TYPE_SIGNATURE_PAGE);
  g_type_ensure (AJ_TYPE_SCAN_PAGE);
  g_type_ensure (AJ_TYPE_CAMERA_PAGE);
  g_type_ensure (AJ_TYPE_PHOTO_VIEWER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AjWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, broken_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, institution_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, inspection_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, hazard_sheet);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, summary_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, ledger_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, hazard_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, step_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, stats_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, signature_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, scan_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, camera_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, photo_viewer);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_bar);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_label);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, home_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
  gtk_widget_class_install_action (widget_class, "win.ledger", NULL, ledger_activated);
  gtk_widget_class_install_action (widget_class, "win.settings", NULL, settings_activated);
  gtk_widget_class_install_action (widget_class, "win.stats", NULL, stats_activated);
  gtk_widget_class_install_action (widget_class, "win.scan", NULL, scan_activated);
  gtk_widget_class_install_action (widget_class, "win.import-photo", NULL, import_photo_activated);
  gtk_widget_class_install_action (widget_class, "win.scan-camera", NULL, scan_camera_activated);
  gtk_widget_class_install_action (widget_class, "win.scan-file", NULL, scan_file_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
aj_window_init (AjWindow *self)
{
  self->history = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

AjWindow *
aj_window_new (AjApplication *app,
               const GError  *store_error)
{
  AjWindow *self = g_object_new (AJ_TYPE_WINDOW, "application", app, NULL);
  GSettings *settings = aj_application_get_settings (app);
  GPtrArray *problems = aj_application_get_problems (app);

  self->app = app;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (store_error != NULL)
    {
      g_autofree char *text = g_strdup_printf (
        _("%s\n\nNothing has been changed or deleted. Keep this device as it is and call your administrator."),
        store_error->message);
      adw_status_page_set_description (self->broken_page, text);
      gtk_stack_set_visible_child_name (self->pages, "broken");
      return self;
    }

  aj_sign_in_page_set_store (self->sign_in_page, aj_application_get_store (app));
  aj_window_show_sign_in (self);

  g_signal_connect_object (aj_application_get_sync (app), "notify",
                           G_CALLBACK (update_sync_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (aj_application_get_sync (app), "synced",
                           G_CALLBACK (on_synced), self, G_CONNECT_SWAPPED);
  update_sync_bar (self);

  if (problems->len == 1)
    {
      g_autofree char *text = g_strdup_printf (_("A checklist could not be loaded: %s"),
                                               (const char *) g_ptr_array_index (problems, 0));
      aj_window_toast (self, text);
    }
  else if (problems->len > 1)
    {
      g_autofree char *text = g_strdup_printf (
        ngettext ("%u checklist could not be loaded; the first: %s",
                  "%u checklists could not be loaded; the first: %s", problems->len),
        problems->len, (const char *) g_ptr_array_index (problems, 0));
      aj_window_toast (self, text);
    }
  return self;
}
