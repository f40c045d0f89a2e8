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

static void
document_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;

  if (!aj_report_write_pdf_finish (AJ_STORE (source), result, &error))
    {
      if (gtk_widget_get_root (page) != NULL)
        aj_page_report_error (page, _("The document was not written"), error);
      return;
    }
  /* The thread's connection may have numbered it (document.numbered): the
   * clock moves past that event, and the pages showing the number refresh. */
  aj_store_refresh_clock (AJ_STORE (source));
  if (gtk_widget_get_root (page) != NULL)
    aj_page_toast (page, _("Document saved"));
}

/* Writes @subject's document of @kind to @path in a thread (photos scaled,
 * pages laid out); a toast says when. A department document without a
 * number gets one in the signed-in person's name. */
void
aj_page_write_document (GtkWidget    *page,
                        AjReportKind  kind,
                        const char   *subject,
                        const char   *path)
{
  AjSession *session = aj_page_get_session (page);
  GListModel *all = aj_session_get_checklists (session);
  g_autoptr(GPtrArray) checklists = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *server = aj_session_dup_server_url (session);
  AjReportOptions options = { .blob_dir = aj_session_get_blob_dir (session), .server_url = server,
                              .author = aj_session_get_user_id (session) };

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    g_ptr_array_add (checklists, g_list_model_get_item (all, i));
  options.checklists = checklists;
  aj_report_write_pdf_async (aj_session_get_store (session), kind, subject, &options, path, NULL,
                             document_written, g_object_ref (page));
}

typedef struct
{
  GtkWidget    *page;
  AjReportKind  kind;
  char         *subject;
} SaveDocument;

static void
save_document_free (SaveDocument *save)
{
  g_object_unref (save->page);
  g_free (save->subject);
  g_free (save);
}

static void
save_document_response (GtkNativeDialog *dialog,
                        int              response,
                        SaveDocument    *save)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path != NULL)
        aj_page_write_document (save->page, save->kind, save->subject, path);
    }
  save_document_free (save);
  g_object_unref (dialog);
}

/* Asks where to save @subject's document of @kind, then writes it. */
void
aj_page_save_document (GtkWidget    *page,
                       AjReportKind  kind,
                       const char   *subject)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.pdf", aj_report_kind_name (kind), subject);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the document"), aj_page_get_window (page),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                               _("_Cancel"));
  SaveDocument *save = g_new0 (SaveDocument, 1);

  save->page = g_object_ref (page);
  save->kind = kind;
  save->subject = g_strdup (subject);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_document_response), save);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
