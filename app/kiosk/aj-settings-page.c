/* aj-settings-page.c: connecting the kiosk to a server with a one-time code
 * (typed, or pasted as the text of an enrollment QR), and what sync did last. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-settings-page.h"
#include "aj-sync.h"
#include "aj-sync-manager.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjSettingsPage
{
  AdwBin        parent_instance;

  AdwEntryRow  *server_row;
  AdwEntryRow  *code_row;
  AdwEntryRow  *name_row;
  GtkButton    *enroll_button;
  GtkLabel     *enroll_error;
  AdwActionRow *state_row;
  AdwActionRow *pending_row;
  AdwActionRow *success_row;
  AdwActionRow *error_row;
  AdwActionRow *device_row;
  GtkButton    *sync_button;
  GtkSwitch    *stamp_switch;
  gboolean      bound;
  GSignalGroup *sync_signals;
};

G_DEFINE_FINAL_TYPE (AjSettingsPage, aj_settings_page, ADW_TYPE_BIN)

static AjSyncManager *
get_manager (AjSettingsPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  return session ? aj_session_get_sync (session) : NULL;
}

void
aj_settings_page_refresh (AjSettingsPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjSyncManager *sync = get_manager (self);
  g_autofree char *server = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *success = NULL;
  const char *state;

  if (sync == NULL)
    return;
  if (!self->bound)
    {
      g_settings_bind (aj_session_get_settings (session), "stamp-photos",
                       self->stamp_switch, "active", G_SETTINGS_BIND_DEFAULT);
      self->bound = TRUE;
    }
  server = aj_sync_manager_dup_server (sync);
  if (server != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->server_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->name_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), g_get_host_name ());

  switch (aj_sync_manager_get_state (sync))
    {
    case AJ_SYNC_STATE_NOT_ENROLLED: state = _("Not connected to a server"); break;
    case AJ_SYNC_STATE_SYNCING: state = _("Syncing now"); break;
    case AJ_SYNC_STATE_FAILED: state = _("The last sync failed; it will be tried again"); break;
    default: state = _("Connected"); break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->state_row), state);
  adw_action_row_set_subtitle (self->state_row, server ? server : _("Records are kept on this device only"));
  pending = g_strdup_printf ("%d", (int) aj_sync_manager_get_pending (sync));
  adw_action_row_set_subtitle (self->pending_row, pending);
  success = aj_sync_manager_get_last_success (sync) ? aj_iso8601_to_display (aj_sync_manager_get_last_success (sync), TRUE)
                                                    : g_strdup (_("Never"));
  adw_action_row_set_subtitle (self->success_row, success);
  adw_action_row_set_subtitle (self->error_row, aj_sync_manager_get_last_error (sync) ? aj_sync_manager_get_last_error (sync) : "—");
  adw_action_row_set_subtitle (self->device_row, aj_store_get_device_id (aj_session_get_store (session)));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button),
                            aj_sync_manager_get_state (sync) != AJ_SYNC_STATE_NOT_ENROLLED &&
                            aj_sync_manager_get_state (sync) != AJ_SYNC_STATE_SYNCING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->enroll_button), aj_sync_manager_get_state (sync) != AJ_SYNC_STATE_SYNCING);
}

void
aj_settings_page_fill_enroll (AjSettingsPage *self,
                              const char     *server,
                              const char     *code)
{
  if (server != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  if (code != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->code_row), code);
}

static void
on_code_changed (AjSettingsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  g_autofree char *server = NULL;
  g_autofree char *code = NULL;

  /* The text of an enrollment QR pasted whole fills both fields. */
  if (aj_sync_parse_enroll_qr (text, &server, &code))
    aj_settings_page_fill_enroll (self, server, code);
  gtk_label_set_label (self->enroll_error, "");
}

static void
enroll_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AjSettingsPage *self = user_data;
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;

  if (!aj_sync_manager_enroll_finish (AJ_SYNC_MANAGER (source), result, &error))
    gtk_label_set_label (self->enroll_error, error->message);
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
      if (session)
        aj_page_toast (GTK_WIDGET (self), _("This device is now connected to the server"));
    }
  aj_settings_page_refresh (self);
  g_object_unref (self);
}

static void
on_enroll_clicked (AjSettingsPage *self)
{
  AjSyncManager *sync = get_manager (self);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));

  gtk_label_set_label (self->enroll_error, _("Connecting…"));
  aj_sync_manager_enroll_async (sync, gtk_editable_get_text (GTK_EDITABLE (self->server_row)), code,
                                gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                enroll_done, g_object_ref (self));
  aj_settings_page_refresh (self);
}

static void
on_sync_clicked (AjSettingsPage *self)
{
  aj_sync_manager_sync_now (get_manager (self));
  aj_settings_page_refresh (self);
}

static void
aj_settings_page_dispose (GObject *object)
{
  g_clear_object (&AJ_SETTINGS_PAGE (object)->sync_signals);
  gtk_widget_dispose_template (GTK_WIDGET (object), AJ_TYPE_SETTINGS_PAGE);
  G_OBJECT_CLASS (aj_settings_page_parent_class)->dispose (object);
}

static void
aj_settings_page_class_init (AjSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_settings_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, enroll_button);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, enroll_error);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, pending_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, success_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, error_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, device_row);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, AjSettingsPage, stamp_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_code_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_enroll_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_clicked);
}

/* Shown, the page follows the sync manager's state; hidden, it does nothing. */
static void
on_map (AjSettingsPage *self)
{
  g_signal_group_set_target (self->sync_signals, get_manager (self));
}

static void
on_unmap (AjSettingsPage *self)
{
  g_signal_group_set_target (self->sync_signals, NULL);
}

static void
aj_settings_page_init (AjSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sync_signals = g_signal_group_new (AJ_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->sync_signals, "notify", G_CALLBACK (aj_settings_page_refresh), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap), NULL);
}
