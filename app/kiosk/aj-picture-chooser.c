/* aj-picture-chooser.c: the file chooser every page uses for a picture;
 * the page is called back with the chosen path, if any. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-picture-chooser.h"

/* Who asked and whom to tell, for as long as the dialog is open. */
typedef struct
{
  GtkWidget       *owner;
  AjPictureChosen  chosen;
} Request;

static void
on_response (GtkNativeDialog *dialog,
             int              response,
             Request         *request)
{
  GtkWidget *owner = request->owner;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path != NULL)
        request->chosen (owner, path);
    }
  g_object_unref (owner);
  g_free (request);
  g_object_unref (dialog);
}

void
aj_choose_picture (GtkWidget       *owner,
                   const char      *title,
                   AjPictureChosen  chosen)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  Request *request = g_new0 (Request, 1);

  request->owner = g_object_ref (owner);
  request->chosen = chosen;
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
