/* aj-page.c: a page finds the session on the window it sits in by a property,
 * so that it needs neither the window's nor the application's header. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "aj-page.h"

/* Borrowed: the window holds the session for as long as the page is in it. */
AjSession *
aj_page_get_session (GtkWidget *page)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GParamSpec *pspec;
  g_autoptr(AjSession) session = NULL;

  if (root == NULL)
    return NULL;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (root), "session");
  if (pspec == NULL || pspec->value_type != AJ_TYPE_SESSION)
    return NULL;
  g_object_get (root, "session", &session, NULL);
  return session;
}

GtkWindow *
aj_page_get_window (GtkWidget *page)
{
  GtkRoot *root = gtk_widget_get_root (page);
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
aj_page_toast (GtkWidget  *page,
               const char *message)
{
  gtk_widget_activate_action (page, "win.toast", "s", message);
}

/* Errors that stop what the person asked for get a dialog they must read;
 * the message says what happened and that nothing already saved was lost. */
void
aj_page_report_error (GtkWidget    *page,
                      const char   *what,
                      const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (aj_page_get_window (page), what, error ? error->message : NULL);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Buttons side by side that would be wider than a phone with large text:
 * their words wrap instead. The button keeps its label widget when the
 * label changes, so this holds. */
void
aj_page_wrap_buttons (GtkWidget *first,
                      ...)
{
  va_list args;

  va_start (args, first);
  for (GtkWidget *button = first; button != NULL; button = va_arg (args, GtkWidget *))
    {
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

      g_return_if_fail (GTK_IS_LABEL (label));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
    }
  va_end (args);
}

static void
page_mapped (GtkWidget    *page,
             GSignalGroup *group)
{
  AjSession *session = aj_page_get_session (page);

  g_signal_group_set_target (group, session ? aj_session_get_store (session) : NULL);
}

static void
page_unmapped (GtkWidget    *page,
               GSignalGroup *group)
{
  g_signal_group_set_target (group, NULL);
}

/* While the page is shown it follows the store: refresh (page) runs when it
 * appears (what changed while hidden) and after every change. Hidden pages
 * do no work. The caller owns the returned group. */
GSignalGroup *
aj_page_watch_store (GtkWidget *page,
                     GCallback  refresh)
{
  GSignalGroup *group = g_signal_group_new (AJ_TYPE_STORE);

  g_signal_group_connect_swapped (group, "changed", refresh, page);
  g_signal_connect_swapped (group, "bind", refresh, page);
  g_signal_connect_object (page, "map", G_CALLBACK (page_mapped), group, 0);
  g_signal_connect_object (page, "unmap", G_CALLBACK (page_unmapped), group, 0);
  return group;
}
