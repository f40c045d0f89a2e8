/* aj-window-actions.c: the window's actions, the only way between pages.
 * Pages activate them with parameters (win.show-hazard "s", …) and never call
 * the window; which are enabled follows the session, not guards inside them. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard-rules.h"
#include "aj-inspection.h"
#include "aj-window-private.h"

#define WINDOW_ACTION(name) \
  static void name (GtkWidget *widget, const char *action_name, GVariant *param)

static void
show_sign_in (AjWindow *self)
{
  g_ptr_array_set_size (self->history, 0);
  aj_session_set_user (self->session, NULL);
  aj_sign_in_page_reset (self->sign_in_page);
  _aj_window_show_page (self, "sign-in", FALSE);
}

static void
show_home (AjWindow *self)
{
  g_ptr_array_set_size (self->history, 0);
  aj_session_forget_inspection (self->session);
  _aj_window_show_page (self, "home", FALSE);
}

static void
show_item (AjWindow   *self,
           const char *inspection_id,
           const char *item_code)
{
  /* From here "back" leads home, not through the set-up pages again. */
  g_ptr_array_set_size (self->history, 0);
  g_ptr_array_add (self->history, g_strdup ("home"));
  if (!aj_inspection_page_load (AJ_WINDOW_PAGE (self, inspection_page), inspection_id, item_code))
    {
      show_home (self);
      return;
    }
  _aj_window_show_page (self, "inspection", FALSE);
}

static void
go_back (AjWindow *self)
{
  g_autofree char *previous = NULL;

  /* Leaving the camera lets it go for other programs. */
  if (g_strcmp0 (aj_window_get_page_name (self), "camera") == 0)
    aj_camera_page_close (AJ_WINDOW_PAGE (self, camera_page));

  if (self->history->len == 0)
    {
      show_home (self);
      return;
    }
  previous = g_strdup (g_ptr_array_index (self->history, self->history->len - 1));
  g_ptr_array_set_size (self->history, self->history->len - 1);
  /* Pages showing live data bring themselves up to date when shown. */
  if (g_str_equal (previous, "home"))
    show_home (self);
  else
    _aj_window_show_page (self, previous, FALSE);
}

WINDOW_ACTION (go_back_activated)
{
  go_back (AJ_WINDOW (widget));
}

WINDOW_ACTION (home_activated)
{
  show_home (AJ_WINDOW (widget));
}

WINDOW_ACTION (sign_out_activated)
{
  show_sign_in (AJ_WINDOW (widget));
}

/* A toast's title is Pango markup in libadwaita 1.2, and messages carry
 * names and errors from elsewhere: escaped, they show as written. */
WINDOW_ACTION (toast_activated)
{
  g_autofree char *title = g_markup_escape_text (g_variant_get_string (param, NULL), -1);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (AJ_WINDOW (widget)->toasts, toast);
}

WINDOW_ACTION (ledger_activated)
{
  _aj_window_show_page (AJ_WINDOW (widget), "ledger", TRUE);
}

WINDOW_ACTION (refused_activated)
{
  _aj_window_show_page (AJ_WINDOW (widget), "refused", TRUE);
}

/* 督办: the supervised hazards, for inspectors and administrators. */
WINDOW_ACTION (escalation_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_escalation_page_refresh (AJ_WINDOW_PAGE (self, escalation_page));
  _aj_window_show_page (self, "escalation", TRUE);
}

WINDOW_ACTION (stats_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_stats_page_refresh (AJ_WINDOW_PAGE (self, stats_page));
  _aj_window_show_page (self, "stats", TRUE);
}

WINDOW_ACTION (scan_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_scan_page_reset (AJ_WINDOW_PAGE (self, scan_page));
  _aj_window_show_page (self, "scan", TRUE);
}

WINDOW_ACTION (scan_camera_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  _aj_window_show_page (self, "camera", TRUE);
  aj_camera_page_open_scanner (AJ_WINDOW_PAGE (self, camera_page));
}

WINDOW_ACTION (scan_file_activated)
{
  gtk_widget_activate_action (GTK_WIDGET (AJ_WINDOW_PAGE (AJ_WINDOW (widget), scan_page)), "scan.choose", NULL);
}

WINDOW_ACTION (import_photo_activated)
{
  gtk_widget_activate_action (GTK_WIDGET (AJ_WINDOW_PAGE (AJ_WINDOW (widget), inspection_page)), "inspection.choose-photo", NULL);
}

WINDOW_ACTION (settings_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  /* Connecting the device is for someone signed in; the button stays
   * active on the sign-in page so that it can say so. */
  if (self->session == NULL || aj_session_get_user (self->session) == NULL)
    {
      gtk_widget_activate_action (widget, "win.toast", "s", _("Sign in first to change the server settings"));
      return;
    }
  aj_settings_page_refresh (AJ_WINDOW_PAGE (self, settings_page));
  _aj_window_show_page (self, "settings", TRUE);
}

WINDOW_ACTION (change_pin_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  _aj_window_show_page (self, "pin", TRUE);
  aj_pin_page_reset (AJ_WINDOW_PAGE (self, pin_page));
}

/* The schedules of rounds: for a home's head or an administrator only (the
 * page refuses anyone else too). */
WINDOW_ACTION (show_schedules_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  _aj_window_show_page (self, "schedules", TRUE);
  aj_schedules_page_reset (AJ_WINDOW_PAGE (self, schedules_page));
}

/* An enrollment QR fills in the server settings for the person to confirm. */
WINDOW_ACTION (show_enroll_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *server, *code;

  g_variant_get (param, "(&s&s)", &server, &code);
  aj_settings_page_refresh (AJ_WINDOW_PAGE (self, settings_page));
  _aj_window_show_page (self, "settings", TRUE);
  aj_settings_page_fill_enroll (AJ_WINDOW_PAGE (self, settings_page), server, code);
}

WINDOW_ACTION (show_institutions_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_institution_page_reset (AJ_WINDOW_PAGE (self, institution_page));
  _aj_window_show_page (self, "institutions", TRUE);
}

WINDOW_ACTION (show_start_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  g_autoptr(AjInstitution) institution =
    aj_registry_get_institution (aj_session_get_store (self->session), g_variant_get_string (param, NULL));

  if (institution == NULL)
    return;
  aj_start_page_set_institution (AJ_WINDOW_PAGE (self, start_page), institution);
  _aj_window_show_page (self, "start", TRUE);
}

WINDOW_ACTION (show_inspection_activated)
{
  show_item (AJ_WINDOW (widget), g_variant_get_string (param, NULL), NULL);
}

WINDOW_ACTION (show_item_activated)
{
  const char *inspection_id, *item_code;

  g_variant_get (param, "(&s&s)", &inspection_id, &item_code);
  show_item (AJ_WINDOW (widget), inspection_id, *item_code ? item_code : NULL);
}

WINDOW_ACTION (show_hazard_sheet_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *inspection_id, *item_code, *hazard_id;

  g_variant_get (param, "(&s&s&s)", &inspection_id, &item_code, &hazard_id);
  aj_hazard_sheet_load (AJ_WINDOW_PAGE (self, hazard_sheet), inspection_id, item_code, *hazard_id ? hazard_id : NULL);
  _aj_window_show_page (self, "hazard-sheet", TRUE);
}

WINDOW_ACTION (show_summary_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_summary_page_load (AJ_WINDOW_PAGE (self, summary_page), g_variant_get_string (param, NULL));
  _aj_window_show_page (self, "summary", TRUE);
}

WINDOW_ACTION (show_hazard_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  aj_hazard_page_load (AJ_WINDOW_PAGE (self, hazard_page), g_variant_get_string (param, NULL));
  _aj_window_show_page (self, "hazard", TRUE);
}

WINDOW_ACTION (show_step_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *hazard_id;
  int step;

  g_variant_get (param, "(&si)", &hazard_id, &step);
  aj_step_page_load (AJ_WINDOW_PAGE (self, step_page), hazard_id, (AjHazardStep) step);
  _aj_window_show_page (self, "step", TRUE);
}

/* The photos travel as (sha256, event id, withdrawal reason) triples, so that
 * the strip that shows thumbnails needs nothing of the viewer. */
WINDOW_ACTION (show_photos_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_photo_ref_free);
  g_autoptr(GVariantIter) iter = NULL;
  const char *sha256, *event_id, *reason;
  guint index;
  gboolean can_withdraw;

  g_variant_get (param, "(a(smsms)ub)", &iter, &index, &can_withdraw);
  while (g_variant_iter_loop (iter, "(&sm&sm&s)", &sha256, &event_id, &reason))
    {
      AjPhotoRef *ref = g_new0 (AjPhotoRef, 1);
      ref->sha256 = g_strdup (sha256);
      ref->event_id = g_strdup (event_id);
      ref->withdrawn_reason = g_strdup (reason);
      g_ptr_array_add (photos, ref);
    }
  _aj_window_show_page (self, "viewer", TRUE);
  aj_photo_viewer_show_photos (AJ_WINDOW_PAGE (self, photo_viewer), photos, index, can_withdraw);
}

WINDOW_ACTION (show_before_after_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *before, *after;

  g_variant_get (param, "(&s&s)", &before, &after);
  _aj_window_show_page (self, "viewer", TRUE);
  aj_photo_viewer_show_pair (AJ_WINDOW_PAGE (self, photo_viewer), before, after);
}

WINDOW_ACTION (show_camera_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *inspection_id, *item_code;

  g_variant_get (param, "(&s&s)", &inspection_id, &item_code);
  _aj_window_show_page (self, "camera", TRUE);
  aj_camera_page_open (AJ_WINDOW_PAGE (self, camera_page), inspection_id, item_code);
}

WINDOW_ACTION (show_signature_activated)
{
  AjWindow *self = AJ_WINDOW (widget);
  const char *subject, *role, *signer, *what;

  g_variant_get (param, "(&s&s&s&s)", &subject, &role, &signer, &what);
  aj_signature_page_load (AJ_WINDOW_PAGE (self, signature_page), subject, role, signer, what);
  _aj_window_show_page (self, "signature", TRUE);
}

WINDOW_ACTION (open_scanned_activated)
{
  AjWindow *self = AJ_WINDOW (widget);

  /* Back from the camera to the scan page, then where the tag points. */
  go_back (self);
  aj_scan_page_open_payload (AJ_WINDOW_PAGE (self, scan_page), g_variant_get_string (param, NULL));
}

/* What needs someone signed in is enabled only then. */
static const char * const signed_in_actions[] = {
  "win.home", "win.ledger", "win.stats", "win.refused", "win.scan", "win.scan-camera", "win.scan-file",
  "win.show-institutions", "win.show-start", "win.show-inspection", "win.show-item",
  "win.show-hazard-sheet", "win.show-summary", "win.show-hazard", "win.show-step",
  "win.show-photos", "win.show-before-after", "win.show-camera", "win.show-signature",
  "win.open-scanned", "win.import-photo", "win.show-enroll", "win.change-pin",
};

void
_aj_window_actions_update (AjWindow *self)
{
  gboolean signed_in = self->session != NULL && aj_session_get_user (self->session) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (signed_in_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), signed_in_actions[i], signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.escalation",
                                 signed_in && aj_lifecycle_is_official (aj_user_get_role (aj_session_get_user (self->session))));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-schedules",
                                 signed_in && aj_schedules_page_may_edit (aj_session_get_user (self->session)));
}

void
_aj_window_class_actions_init (AjWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_activated);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, home_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_activated);
  gtk_widget_class_install_action (widget_class, "win.ledger", NULL, ledger_activated);
  gtk_widget_class_install_action (widget_class, "win.settings", NULL, settings_activated);
  gtk_widget_class_install_action (widget_class, "win.change-pin", NULL, change_pin_activated);
  gtk_widget_class_install_action (widget_class, "win.show-schedules", NULL, show_schedules_activated);
  gtk_widget_class_install_action (widget_class, "win.stats", NULL, stats_activated);
  gtk_widget_class_install_action (widget_class, "win.escalation", NULL, escalation_activated);
  gtk_widget_class_install_action (widget_class, "win.refused", NULL, refused_activated);
  gtk_widget_class_install_action (widget_class, "win.scan", NULL, scan_activated);
  gtk_widget_class_install_action (widget_class, "win.scan-camera", NULL, scan_camera_activated);
  gtk_widget_class_install_action (widget_class, "win.scan-file", NULL, scan_file_activated);
  gtk_widget_class_install_action (widget_class, "win.import-photo", NULL, import_photo_activated);
  gtk_widget_class_install_action (widget_class, "win.show-enroll", "(ss)", show_enroll_activated);
  gtk_widget_class_install_action (widget_class, "win.show-institutions", NULL, show_institutions_activated);
  gtk_widget_class_install_action (widget_class, "win.show-start", "s", show_start_activated);
  gtk_widget_class_install_action (widget_class, "win.show-inspection", "s", show_inspection_activated);
  gtk_widget_class_install_action (widget_class, "win.show-item", "(ss)", show_item_activated);
  gtk_widget_class_install_action (widget_class, "win.show-hazard-sheet", "(sss)", show_hazard_sheet_activated);
  gtk_widget_class_install_action (widget_class, "win.show-summary", "s", show_summary_activated);
  gtk_widget_class_install_action (widget_class, "win.show-hazard", "s", show_hazard_activated);
  gtk_widget_class_install_action (widget_class, "win.show-step", "(si)", show_step_activated);
  gtk_widget_class_install_action (widget_class, "win.show-photos", "(a(smsms)ub)", show_photos_activated);
  gtk_widget_class_install_action (widget_class, "win.show-before-after", "(ss)", show_before_after_activated);
  gtk_widget_class_install_action (widget_class, "win.show-camera", "(ss)", show_camera_activated);
  gtk_widget_class_install_action (widget_class, "win.show-signature", "(ssss)", show_signature_activated);
  gtk_widget_class_install_action (widget_class, "win.open-scanned", "s", open_scanned_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.go-back", NULL);
}
