/* aj-window.c: one window holds every page in a stack, the toasts and the
 * sync bar. Navigation is in aj-window-actions.c; pages know neither. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-a11y.h"
#include "aj-window-private.h"
#include "aj-idle-guard.h"
#include "aj-util.h"

G_DEFINE_FINAL_TYPE (AjWindow, aj_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The pages other than sign-in, built the first time they are needed (shown,
 * or handed what they will show): building all of them made start-up half
 * as slow again as a bare window, and the camera's brought up GStreamer. */
typedef struct
{
  const char  *name;
  GType      (*get_type) (void);
  gsize        field;    /* where the window keeps it */
} PageSpec;

#define PAGE_SPEC(name, type, field) { name, type, G_STRUCT_OFFSET (AjWindow, field) }

static const PageSpec page_specs[] = {
  PAGE_SPEC ("home", aj_home_page_get_type, home_page),
  PAGE_SPEC ("institutions", aj_institution_page_get_type, institution_page),
  PAGE_SPEC ("start", aj_start_page_get_type, start_page),
  PAGE_SPEC ("inspection", aj_inspection_page_get_type, inspection_page),
  PAGE_SPEC ("hazard-sheet", aj_hazard_sheet_get_type, hazard_sheet),
  PAGE_SPEC ("summary", aj_summary_page_get_type, summary_page),
  PAGE_SPEC ("ledger", aj_ledger_page_get_type, ledger_page),
  PAGE_SPEC ("hazard", aj_hazard_page_get_type, hazard_page),
  PAGE_SPEC ("viewer", aj_photo_viewer_get_type, photo_viewer),
  PAGE_SPEC ("camera", aj_camera_page_get_type, camera_page),
  PAGE_SPEC ("scan", aj_scan_page_get_type, scan_page),
  PAGE_SPEC ("signature", aj_signature_page_get_type, signature_page),
  PAGE_SPEC ("stats", aj_stats_page_get_type, stats_page),
  PAGE_SPEC ("step", aj_step_page_get_type, step_page),
  PAGE_SPEC ("escalation", aj_escalation_page_get_type, escalation_page),
  PAGE_SPEC ("refused", aj_refused_page_get_type, refused_page),
  PAGE_SPEC ("settings", aj_settings_page_get_type, settings_page),
  PAGE_SPEC ("pin", aj_pin_page_get_type, pin_page),
  PAGE_SPEC ("schedules", aj_schedules_page_get_type, schedules_page),
};

static gpointer
build_page (AjWindow       *self,
            const PageSpec *spec)
{
  GtkWidget **slot = &G_STRUCT_MEMBER (GtkWidget *, self, spec->field);

  if (*slot == NULL)
    {
      *slot = g_object_new (spec->get_type (), NULL);
      gtk_stack_add_named (self->pages, *slot, spec->name);
      aj_a11y_fix_tree (*slot);
      /* Hidden from a screen reader until shown, as the others. */
      gtk_accessible_update_state (GTK_ACCESSIBLE (*slot), GTK_ACCESSIBLE_STATE_HIDDEN,
                                   *slot != gtk_stack_get_visible_child (self->pages), -1);
    }
  return *slot;
}

/* The page the window keeps at @field (G_STRUCT_OFFSET), built if need be;
 * use AJ_WINDOW_PAGE (). */
gpointer
_aj_window_page (AjWindow *self,
                 gsize     field)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_specs); i++)
    if (page_specs[i].field == field)
      return build_page (self, &page_specs[i]);
  g_return_val_if_reached (NULL);
}

void
_aj_window_show_page (AjWindow   *self,
                      const char *name,
                      gboolean    remember)
{
  const char *current = gtk_stack_get_visible_child_name (self->pages);

  for (guint i = 0; i < G_N_ELEMENTS (page_specs); i++)
    if (g_str_equal (page_specs[i].name, name))
      build_page (self, &page_specs[i]);
  if (remember && current != NULL && g_strcmp0 (current, name) != 0)
    g_ptr_array_add (self->history, g_strdup (current));
  gtk_stack_set_visible_child_name (self->pages, name);
}

const char *
aj_window_get_page_name (AjWindow *self)
{
  return gtk_stack_get_visible_child_name (self->pages);
}

AjSession *
aj_window_get_session (AjWindow *self)
{
  return self->session;
}

/* The bar at the bottom of every page says who is signed in (on a shared
 * kiosk, whose work this is) and where the records stand. */
static void
update_sync_bar (AjWindow *self)
{
  AjSyncManager *sync = aj_session_get_sync (self->session);
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
  if (aj_session_get_user (self->session) != NULL)
    {
      g_autofree char *state = g_steal_pointer (&text);
      text = g_strdup_printf (_("%s signed in · %s"), aj_user_get_name (aj_session_get_user (self->session)), state);
    }
  gtk_label_set_label (self->sync_label, text);
  gtk_image_set_from_icon_name (self->sync_icon, icon);
  gtk_widget_set_tooltip_text (self->sync_bar, text);
  /* Its content is an icon and a label: named, a screen reader reads the
   * state and says where the button leads. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Server and sync"),
                                  -1);
  if (aj_sync_manager_get_state (sync) == AJ_SYNC_STATE_FAILED)
    gtk_widget_add_css_class (self->sync_bar, "failed");
  else
    gtk_widget_remove_css_class (self->sync_bar, "failed");

  /* Refused records are not a failure of sync, but someone must see them. */
  {
    guint refused = aj_sync_manager_get_refused (sync);
    g_autofree char *count = g_strdup_printf (ngettext ("%u refused", "%u refused", refused), refused);
    g_autofree char *tooltip = g_strdup_printf (ngettext ("%u record refused by the server",
                                                          "%u records refused by the server", refused), refused);

    gtk_label_set_text (self->refused_label, count);
    gtk_widget_set_tooltip_text (self->refused_button, tooltip);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->refused_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
    gtk_widget_set_visible (self->refused_button, refused > 0);
  }
}

/* GTK keeps every page of the stack in the accessibility tree: a screen
 * reader would read the pages that are not shown too. Only the shown one is
 * presented. */
static void
on_visible_page (AjWindow *self)
{
  GtkWidget *shown = gtk_stack_get_visible_child (self->pages);

  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->pages)); page;
       page = gtk_widget_get_next_sibling (page))
    gtk_accessible_update_state (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_STATE_HIDDEN, page != shown, -1);
}

static void
on_signed_in (AjSignInPage *page,
              AjUser       *user,
              AjWindow     *self)
{
  g_autofree char *item = NULL;
  g_autofree char *inspection_id = NULL;

  aj_session_set_user (self->session, user);

  /* Someone whose inspection was interrupted (flat battery, crash) goes
   * straight back to the item they were on. */
  inspection_id = aj_session_find_resume (self->session, &item);
  if (inspection_id != NULL)
    {
      g_autofree char *sheet = aj_session_dup_draft (self->session, "draft.hazard");
      g_autoptr(JsonObject) draft = sheet ? aj_json_parse_object (sheet, NULL) : NULL;

      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-item", "(ss)", inspection_id, item ? item : "");
      /* A hazard sheet half typed when the kiosk stopped or signed the
       * person out is offered back as it was. */
      if (draft != NULL && g_strcmp0 (aj_json_get_string (draft, "inspection"), inspection_id) == 0 &&
          aj_json_get_string (draft, "item") != NULL)
        {
          gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard-sheet", "(sss)", inspection_id,
                                      aj_json_get_string (draft, "item"), aj_json_get_string (draft, "hazard") ?: "");
          gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                                      _("The hazard you were recording has been kept: here it is, as you left it."));
          return;
        }
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                                  _("Your unfinished inspection has been reopened where you left it."));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.home", NULL);
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
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (aj_window_parent_class)->finalize (object);
}

static void
aj_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AjWindow *self = AJ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  AjWindow *self = AJ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
aj_window_close_request (GtkWindow *window)
{
  AjWindow *self = AJ_WINDOW (window);
  GSettings *settings = self->settings;
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  /* Save what is being typed before the window goes. */
  if (self->inspection_page != NULL)
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
  object_class->get_property = aj_window_get_property;
  object_class->set_property = aj_window_set_property;
  window_class->close_request = aj_window_close_request;

  /* Pages find the session through this property (aj_page_get_session). */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, AJ_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (AJ_TYPE_SIGN_IN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AjWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, broken_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, refused_button);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, refused_label);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_bar);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, AjWindow, sync_label);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);

  _aj_window_class_actions_init (klass);
}

static void
aj_window_init (AjWindow *self)
{
  self->history = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  aj_a11y_fix_tree (GTK_WIDGET (self));
  g_signal_connect_object (self->pages, "notify::visible-child", G_CALLBACK (on_visible_page), self, G_CONNECT_SWAPPED);
  on_visible_page (self);
}

/* @session is NULL when the store could not be opened (@store_error says
 * why). */
AjWindow *
aj_window_new (GtkApplication *app,
               AjSession      *session,
               GSettings      *settings,
               const GError   *store_error)
{
  AjWindow *self = g_object_new (AJ_TYPE_WINDOW, "application", app, "session", session, NULL);

  self->settings = g_object_ref (settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  _aj_window_actions_update (self);

  if (store_error != NULL || session == NULL)
    {
      /* The description is markup; the error names a path. */
      g_autofree char *reason = g_markup_escape_text (store_error ? store_error->message : "", -1);
      g_autofree char *text = g_strdup_printf (
        _("%s\n\nNothing has been changed or deleted. Keep this device as it is and call your administrator."),
        reason);
      adw_status_page_set_description (self->broken_page, text);
      gtk_stack_set_visible_child_name (self->pages, "broken");
      return self;
    }

  /* Which actions make sense follows who is signed in. */
  g_signal_connect_object (session, "notify::user",
                           G_CALLBACK (_aj_window_actions_update), self, G_CONNECT_SWAPPED);
  aj_sign_in_page_set_store (self->sign_in_page, aj_session_get_store (session));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sign-out", NULL);
  /* A shared kiosk signs out whoever walked away. */
  aj_idle_guard_attach (GTK_WINDOW (self), session, self->toasts);

  g_signal_connect_object (aj_session_get_sync (session), "notify",
                           G_CALLBACK (update_sync_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::user", G_CALLBACK (update_sync_bar), self, G_CONNECT_SWAPPED);
  update_sync_bar (self);
  return self;
}

/* Says what could not be loaded (checklists, the sample registry). */
void
aj_window_report_problems (AjWindow  *self,
                           GPtrArray *problems)
{
  if (problems->len == 1)
    {
      g_autofree char *text = g_strdup_printf (_("A checklist could not be loaded: %s"),
                                               (const char *) g_ptr_array_index (problems, 0));
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
    }
  else if (problems->len > 1)
    {
      g_autofree char *text = g_strdup_printf (
        ngettext ("%u checklist could not be loaded; the first: %s",
                  "%u checklists could not be loaded; the first: %s", problems->len),
        problems->len, (const char *) g_ptr_array_index (problems, 0));
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
    }
}
