/* aj-photo-strip.c: the same row of thumbnails on the item, hazard and summary
 * pages, and the one way the kiosk shows a stored picture. A thumbnail is a
 * button that opens the photos at itself (win.show-photos with everything in
 * its target), and its remove button names the page's action and the photo:
 * nothing is hung on widgets to be found again. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-photo-strip.h"

/* Photos and signatures may come from the server: only a JPEG or PNG of a
 * sane size reaches GTK's decoder; anything else shows as missing. */
void
aj_picture_set_blob (GtkPicture *picture,
                     const char *path)
{
  g_autoptr(GError) error = NULL;

  if (path != NULL && !aj_photo_check_file (path, &error))
    {
      g_warning ("Not showing %s: %s", path, error->message);
      path = NULL;
    }
  gtk_picture_set_filename (picture, path);
}

GtkWidget *
aj_picture_new_for_blob (const char *path)
{
  GtkWidget *picture = gtk_picture_new ();

  aj_picture_set_blob (GTK_PICTURE (picture), path);
  return picture;
}

/* Before finishing a photo is removed (@remove_action, with the photo's
 * event id); afterwards it can only be withdrawn, from the viewer. */
void
aj_photo_strip_fill (GtkFlowBox *box,
                     const char *blob_dir,
                     GPtrArray  *photos,
                     const char *remove_action)
{
  GVariantBuilder builder;
  GVariant *list;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_flow_box_remove (box, child);
  if (photos == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(smsms)"));
  for (guint i = 0; i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      g_variant_builder_add (&builder, "(smsms)", ref->sha256, ref->event_id, ref->withdrawn_reason);
    }
  list = g_variant_ref_sink (g_variant_builder_end (&builder));

  for (guint i = 0; i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      g_autofree char *thumb = aj_photo_thumb_path (blob_dir, ref->sha256);
      GtkWidget *overlay = gtk_overlay_new ();
      GtkWidget *button = gtk_button_new ();
      GtkWidget *picture = aj_picture_new_for_blob (thumb);

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 96, 96);
      gtk_widget_add_css_class (picture, "thumbnail");
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Photo"));
      if (ref->withdrawn_reason != NULL)
        gtk_widget_add_css_class (picture, "withdrawn");

      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "thumbnail-button");
      gtk_widget_set_tooltip_text (button, _("Show this photo full screen"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-photos");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(@a(smsms)ub)", list, i, remove_action == NULL);
      gtk_overlay_set_child (GTK_OVERLAY (overlay), button);

      if (remove_action != NULL && ref->event_id != NULL)
        {
          GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
          gtk_widget_set_halign (remove, GTK_ALIGN_END);
          gtk_widget_set_valign (remove, GTK_ALIGN_START);
          gtk_widget_add_css_class (remove, "circular");
          gtk_widget_add_css_class (remove, "osd");
          gtk_widget_set_tooltip_text (remove, _("Remove this photo"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), remove_action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", ref->event_id);
          gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);
        }
      gtk_flow_box_append (box, overlay);
    }
  g_variant_unref (list);
}
