/* aj-idle-guard.c: on a kiosk shared by a home's staff, nobody stays signed
 * in for the next person. After "idle-sign-out-seconds" (GSettings, set by
 * the administrator; 0 turns it off) without a touch or a key, the window
 * signs out; WARN_SECONDS before, a toast counts down with "Stay signed in".
 * Nothing typed is lost: every answer is an event already, and the person's
 * unfinished inspection is reopened at his or her next sign-in where it was
 * left (aj_session_find_resume). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-idle-guard.h"

#define WARN_SECONDS 10

struct _AjIdleGuard
{
  GObject          parent_instance;

  GtkWindow       *window;     /* unowned: the guard is the window's data */
  AjSession       *session;
  AdwToastOverlay *toasts;
  AdwToast        *toast;
  gint64           last_activity;
  guint            tick;
};

G_DEFINE_FINAL_TYPE (AjIdleGuard, aj_idle_guard, G_TYPE_OBJECT)

static void
dismiss (AjIdleGuard *self)
{
  if (self->toast != NULL)
    {
      adw_toast_dismiss (self->toast);
      g_clear_object (&self->toast);
    }
}

static void
touch (AjIdleGuard *self)
{
  self->last_activity = g_get_monotonic_time ();
  dismiss (self);
}

static gboolean
on_event (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          AjIdleGuard              *self)
{
  GdkEventType type = gdk_event_get_event_type (event);

  if (type == GDK_KEY_PRESS || type == GDK_BUTTON_PRESS || type == GDK_TOUCH_BEGIN || type == GDK_SCROLL)
    touch (self);
  return GDK_EVENT_PROPAGATE;
}

static void
on_stay (AdwToast    *toast,
         AjIdleGuard *self)
{
  touch (self);
}

static void
on_toast_dismissed (AdwToast    *toast,
                    AjIdleGuard *self)
{
  if (self->toast == toast)
    g_clear_object (&self->toast);
}

static gboolean
on_tick (gpointer data)
{
  AjIdleGuard *self = data;
  int limit = g_settings_get_int (aj_session_get_settings (self->session), "idle-sign-out-seconds");
  gint64 idle = (g_get_monotonic_time () - self->last_activity) / G_USEC_PER_SEC;
  int warn = MIN (WARN_SECONDS, limit / 2);
  g_autofree char *title = NULL;

  if (limit <= 0 || aj_session_get_user (self->session) == NULL)
    {
      self->last_activity = g_get_monotonic_time ();
      dismiss (self);
      return G_SOURCE_CONTINUE;
    }
  if (idle >= limit)
    {
      dismiss (self);
      gtk_widget_activate_action (GTK_WIDGET (self->window), "win.sign-out", NULL);
      gtk_widget_activate_action (GTK_WIDGET (self->window), "win.toast", "s",
                                  _("Signed out after a time without use. Your work is kept for your next sign-in."));
      return G_SOURCE_CONTINUE;
    }
  if (idle < limit - warn)
    return G_SOURCE_CONTINUE;
  title = g_strdup_printf (ngettext ("Signing out in %d second", "Signing out in %d seconds", (int) (limit - idle)),
                           (int) (limit - idle));
  if (self->toast == NULL)
    {
      self->toast = adw_toast_new (title);
      adw_toast_set_timeout (self->toast, 0);
      adw_toast_set_priority (self->toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_button_label (self->toast, _("Stay signed in"));
      g_signal_connect (self->toast, "button-clicked", G_CALLBACK (on_stay), self);
      g_signal_connect (self->toast, "dismissed", G_CALLBACK (on_toast_dismissed), self);
      adw_toast_overlay_add_toast (self->toasts, g_object_ref (self->toast));
    }
  else
    adw_toast_set_title (self->toast, title);
  return G_SOURCE_CONTINUE;
}

gboolean
aj_idle_guard_is_warning (AjIdleGuard *self)
{
  return self->toast != NULL;
}

static void
aj_idle_guard_dispose (GObject *object)
{
  AjIdleGuard *self = AJ_IDLE_GUARD (object);

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->toast != NULL)
    g_signal_handlers_disconnect_by_data (self->toast, self);
  g_clear_object (&self->toast);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (aj_idle_guard_parent_class)->dispose (object);
}

static void
aj_idle_guard_class_init (AjIdleGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aj_idle_guard_dispose;
}

static void
aj_idle_guard_init (AjIdleGuard *self)
{
  self->last_activity = g_get_monotonic_time ();
}

/* The guard lives as long as @window. */
AjIdleGuard *
aj_idle_guard_attach (GtkWindow       *window,
                      AjSession       *session,
                      AdwToastOverlay *toasts)
{
  AjIdleGuard *self = g_object_new (AJ_TYPE_IDLE_GUARD, NULL);
  GtkEventController *controller = gtk_event_controller_legacy_new ();

  self->window = window;
  self->session = g_object_ref (session);
  self->toasts = toasts;
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_event), self);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
  /* Whoever signs in starts with a full idle time. */
  g_signal_connect_object (session, "notify::user", G_CALLBACK (touch), self, G_CONNECT_SWAPPED);
  self->tick = g_timeout_add_seconds (1, on_tick, self);
  g_object_set_data_full (G_OBJECT (window), "aj-idle-guard", self, g_object_unref);
  return self;
}
