/* aj-signature-rows.c: the same rows on the summary and the hazard page. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "aj-photo.h"
#include "aj-photo-strip.h"
#include "aj-signature.h"
#include "aj-signature-rows.h"
#include "aj-util.h"

guint
aj_signature_rows_fill (GtkListBox *list,
                        AjStore    *store,
                        const char *subject,
                        const char *blob_dir)
{
  g_autoptr(GPtrArray) signatures = aj_signature_list (store, subject);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = 0; i < signatures->len; i++)
    {
      AjSignature *s = g_ptr_array_index (signatures, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = aj_iso8601_to_display (s->at, TRUE);
      g_autofree char *title = g_strdup_printf ("%s · %s", aj_signature_role_label (s->role), s->signer);
      g_autofree char *subtitle = s->refused ? g_strdup_printf (_("Refused to sign: %s · %s"), s->reason, when)
                                             : g_strdup_printf (_("Signed · %s"), when);

      /* The signer and the reason come from other devices: plain text. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (!s->refused && s->sha256)
        {
          g_autofree char *path = aj_photo_blob_path (blob_dir, s->sha256);
          GtkWidget *picture = aj_picture_new_for_blob (path);
          gtk_widget_set_size_request (picture, 120, 48);
          gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Signature"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), picture);
        }
      gtk_list_box_append (list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (list), signatures->len > 0);
  return signatures->len;
}
