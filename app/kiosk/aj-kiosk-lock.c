/* aj-kiosk-lock.c: in kiosk mode the window is full screen without a close
 * or minimise button, stays full screen, and refuses every way of closing
 * it (the close button of a window manager, Alt+F4, Ctrl+Q) until an
 * administrator's PIN is given in the dialog it shows instead. A crash is
 * the supervisor's business (build-aux/anjian-kiosk-session). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-error.h"
#include "aj-kiosk-lock.h"
#include "aj-registry.h"

struct _AjKioskLock
{
  GObject      parent_instance;

  GtkWindow   *window;      /* unowned: the lock is the window's data */
  AjSession   *session;
  GtkWidget   *dialog;
  gboolean     unlocked;
};

G_DEFINE_FINAL_TYPE (AjKioskLock, aj_kiosk_lock, G_TYPE_OBJECT)

/* TRUE, and the window may close, when @pin is an administrator's. */
gboolean
aj_kiosk_lock_try_leave (AjKioskLock  *self,
                         const char   *pin,
                         GError      **error)
{
  AjStore *store = aj_session_get_store (self->session);
  g_autoptr(GListModel) users = aj_registry_list_users (store, NULL);

  for (guint i = 0; users && i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(AjUser) user = g_list_model_get_item (users, i);
      g_autoptr(AjUser) checked = NULL;

      if (g_strcmp0 (aj_user_get_role (user), "admin") != 0)
        continue;
      checked = aj_registry_check_pin (store, aj_user_get_id (user), pin, NULL);
      if (checked != NULL)
        {
          self->unlocked = TRUE;
          return TRUE;
        }
    }
  g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("That is not an administrator's PIN."));
  return FALSE;
}

static gboolean
close_window (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             AjKioskLock      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "pin-entry");
  g_autoptr(GError) error = NULL;

  self->dialog = NULL;
  if (!g_str_equal (response, "leave"))
    return;
  if (aj_kiosk_lock_try_leave (self, gtk_editable_get_text (entry), &error))
    {
      /* After the dialog has gone: the window takes the lock with it. */
      g_idle_add_full (G_PRIORITY_DEFAULT, close_window, g_object_ref (self->window), g_object_unref);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self->window), "win.toast", "s", error->message);
}

static gboolean
on_close_request (GtkWindow   *window,
                  AjKioskLock *self)
{
  GtkWidget *entry;

  if (self->unlocked)
    return FALSE;
  if (self->dialog != NULL)
    return TRUE;
  self->dialog = adw_message_dialog_new (window, _("Leave kiosk mode?"),
                                         _("This device is set up for the home's staff. Only an administrator "
                                           "may close it."));
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PIN);
  gtk_widget_set_name (entry, "admin_pin_entry");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Administrator's PIN"), -1);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 8);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self->dialog), entry);
  g_object_set_data (G_OBJECT (self->dialog), "pin-entry", entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self->dialog),
                                    "cancel", _("_Stay in kiosk mode"),
                                    "leave", _("_Leave"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self->dialog), "leave", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self->dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self->dialog), "cancel");
  g_signal_connect (self->dialog, "response", G_CALLBACK (on_response), self);
  gtk_window_present (GTK_WINDOW (self->dialog));
  return TRUE;
}

/* Someone who left full screen (a window manager's key) is put back. */
static void
on_fullscreened (GtkWindow   *window,
                 GParamSpec  *pspec,
                 AjKioskLock *self)
{
  if (!self->unlocked && !gtk_window_is_fullscreen (window))
    gtk_window_fullscreen (window);
}

static void
aj_kiosk_lock_dispose (GObject *object)
{
  AjKioskLock *self = AJ_KIOSK_LOCK (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (aj_kiosk_lock_parent_class)->dispose (object);
}

static void
aj_kiosk_lock_class_init (AjKioskLockClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aj_kiosk_lock_dispose;
}

static void
aj_kiosk_lock_init (AjKioskLock *self)
{
}

AjKioskLock *
aj_kiosk_lock_attach (GtkWindow *window,
                      AjSession *session)
{
  AjKioskLock *self = g_object_new (AJ_TYPE_KIOSK_LOCK, NULL);

  self->window = window;
  self->session = g_object_ref (session);
  gtk_window_set_deletable (window, FALSE);
  /* No minimise or maximise button on any page's header bar either. */
  g_object_set (gtk_widget_get_settings (GTK_WIDGET (window)), "gtk-decoration-layout", ":", NULL);
  gtk_window_fullscreen (window);
  g_signal_connect (window, "close-request", G_CALLBACK (on_close_request), self);
  g_signal_connect (window, "notify::fullscreened", G_CALLBACK (on_fullscreened), self);
  g_object_set_data_full (G_OBJECT (window), "aj-kiosk-lock", self, g_object_unref);
  return self;
}
