/* aj-label-output.c: the same drawing as the PDF, page by page, on the
 * printer's cairo context; or the PDF itself, saved where the person says,
 * written in a thread with a progress dialog that can cancel it. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "aj-label-output.h"

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              GPtrArray         *labels)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  aj_labels_draw_page (cr, AJ_LABELS_A4_3X8, labels, page, gtk_print_context_get_dpi_x (context) / 25.4);
}

static void print_labels (GtkWindow *window, GPtrArray *labels, const char *export_path);

void
aj_label_output_print (GtkWindow *window,
                       GPtrArray *labels)
{
  print_labels (window, labels, NULL);
}

/* The print operation without its dialog, into a PDF: what "Print to File"
 * gives, and how the tests check the printing path. */
void
aj_label_output_print_to_file (GtkWindow  *window,
                               GPtrArray  *labels,
                               const char *path)
{
  print_labels (window, labels, path);
}

static void
print_labels (GtkWindow  *window,
              GPtrArray  *labels,
              const char *export_path)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;
  guint per_page = aj_labels_per_page (AJ_LABELS_A4_3X8);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_MM);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_n_pages (operation, (labels->len + per_page - 1) / per_page);
  gtk_print_operation_set_job_name (operation, _("QR labels"));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  /* The labels live as long as the handler: a print dialog outlives the caller. */
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (on_draw_page), g_ptr_array_ref (labels),
                         (GClosureNotify) (void (*) (void)) g_ptr_array_unref, 0);
  if (export_path != NULL)
    gtk_print_operation_set_export_filename (operation, export_path);
  if (gtk_print_operation_run (operation,
                               export_path ? GTK_PRINT_OPERATION_ACTION_EXPORT : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               window, &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      GtkWidget *dialog = adw_message_dialog_new (window, _("The labels were not printed"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* A sheet being written in a thread (aj_labels_write_pdf_async): a dialog
 * with its progress and a cancel button comes up if it takes more than a
 * moment, and a toast says how it ended. */
typedef struct
{
  GtkWindow    *window;
  GtkWidget    *dialog;
  GtkWidget    *bar;
  GCancellable *cancellable;
  GAsyncResult *task;
  guint         tick;
  guint         n_labels;
} SheetWrite;

static void
on_progress_response (AdwMessageDialog *dialog,
                      const char       *response,
                      SheetWrite       *write)
{
  g_cancellable_cancel (write->cancellable);
}

static gboolean
show_progress (gpointer user_data)
{
  SheetWrite *write = user_data;

  if (write->dialog == NULL)
    {
      g_autofree char *body = g_strdup_printf (ngettext ("%u label", "%u labels", write->n_labels), write->n_labels);

      write->dialog = adw_message_dialog_new (write->window, _("Writing the labels"), body);
      write->bar = gtk_progress_bar_new ();
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (write->dialog), write->bar);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (write->dialog), "cancel", _("_Cancel"));
      g_signal_connect (write->dialog, "response", G_CALLBACK (on_progress_response), write);
      gtk_window_present (GTK_WINDOW (write->dialog));
      write->tick = g_timeout_add (100, show_progress, write);
      return G_SOURCE_REMOVE;
    }
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (write->bar), aj_labels_write_pdf_get_progress (write->task));
  return G_SOURCE_CONTINUE;
}

static void
sheet_written (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SheetWrite *write = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&write->tick, g_source_remove);
  if (write->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_func (write->dialog, on_progress_response, write);
      gtk_window_destroy (GTK_WINDOW (write->dialog));
    }
  if (aj_labels_write_pdf_finish (result, &error))
    gtk_widget_activate_action (GTK_WIDGET (write->window), "win.toast", "s", _("Labels saved"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_activate_action (GTK_WIDGET (write->window), "win.toast", "s",
                                _("The labels were cancelled; no file was written"));
  else
    {
      GtkWidget *alert = adw_message_dialog_new (write->window, _("The labels were not saved"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (alert), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (alert));
    }
  g_object_unref (write->window);
  g_object_unref (write->cancellable);
  g_object_unref (write->task);
  g_free (write);
}

/* Writes the sheet of @labels to @path in a thread; the window shows how
 * far it has come and offers to cancel (nothing is then left at @path). */
void
aj_label_output_write (GtkWindow  *window,
                       GPtrArray  *labels,
                       const char *path)
{
  SheetWrite *write;

  g_return_if_fail (GTK_IS_WINDOW (window));
  write = g_new0 (SheetWrite, 1);
  write->window = g_object_ref (window);
  write->cancellable = g_cancellable_new ();
  write->n_labels = labels->len;
  write->task = aj_labels_write_pdf_async (labels, AJ_LABELS_A4_3X8, path, write->cancellable, sheet_written, write);
  write->tick = g_timeout_add (300, show_progress, write);
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  GPtrArray       *labels)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        aj_label_output_write (gtk_native_dialog_get_transient_for (dialog), labels, path);
    }
  g_ptr_array_unref (labels);
  g_object_unref (dialog);
}

void
aj_label_output_save (GtkWindow  *window,
                      GPtrArray  *labels,
                      const char *suggested_name)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the labels"), window,
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), g_ptr_array_ref (labels));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
