/* aj-photo-strip.c: the same row of thumbnails on the item, hazard and summary
 * pages, and the one way the kiosk shows a stored picture. A thumbnail is a
 * button that opens the photos at itself (win.show-photos with everything in
 * its target), and its remove button names the page's action and the photo:
 * nothing is hung on widgets to be found again. A photo that another device
 * took and this one has not yet received shows as a placeholder that says so,
 * never as a broken image; the pages redraw when sync brings it. */
#include "config.h"

#include <adwaita.h>
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

/* Whether the photo can be shown: sync is not still fetching it and its
 * file is on disk (a file deleted by hand is wanted again at the next start). */
gboolean
aj_photo_is_here (AjSession  *session,
                  const char *sha256)
{
  g_autofree char *path = aj_photo_blob_path (aj_session_get_blob_dir (session), sha256);

  return !aj_store_blob_is_wanted (aj_session_get_store (session), sha256) &&
         g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* What stands in for a photo not yet received: an icon and the words, in a
 * thumbnail's square or (@large) filling the viewer. */
GtkWidget *
aj_photo_placeholder_new (gboolean large)
{
  GtkWidget *box, *icon, *label;

  if (large)
    {
      /* The words are ours, with no markup in them. */
      box = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (box), "folder-download-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (box), _("Photo not yet downloaded"));
      adw_status_page_set_description (ADW_STATUS_PAGE (box),
                                       _("It appears here by itself when this device next syncs with the server."));
      gtk_widget_set_name (box, "photo-placeholder");
      gtk_widget_add_css_class (box, "photo-placeholder");
      return box;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  icon = gtk_image_new_from_icon_name ("folder-download-symbolic");
  label = gtk_label_new (_("Photo not yet downloaded"));
  gtk_widget_set_name (box, "photo-placeholder");
  gtk_widget_add_css_class (box, "photo-placeholder");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (box, 96, 96);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 8);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* Before finishing a photo is removed (@remove_action, with the photo's
 * event id); afterwards it can only be withdrawn, from the viewer. */
void
aj_photo_strip_fill (GtkFlowBox *box,
                     AjSession  *session,
                     GPtrArray  *photos,
                     const char *remove_action)
{
  const char *blob_dir = aj_session_get_blob_dir (session);
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
      gboolean here = aj_photo_is_here (session, ref->sha256);
      g_autofree char *name = NULL;
      GtkWidget *picture;

      if (here)
        {
          picture = aj_picture_new_for_blob (thumb);
          gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
          gtk_widget_set_size_request (picture, 96, 96);
          gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Photo"));
          name = g_strdup_printf (_("Photo %u of %u"), i + 1, photos->len);
        }
      else
        {
          picture = aj_photo_placeholder_new (FALSE);
          name = g_strdup_printf (_("Photo %u of %u, not yet downloaded"), i + 1, photos->len);
        }
      gtk_widget_add_css_class (picture, "thumbnail");
      if (ref->withdrawn_reason != NULL)
        gtk_widget_add_css_class (picture, "withdrawn");

      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Show this photo full screen"), -1);
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
          gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Remove this photo"), -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), remove_action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", ref->event_id);
          gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);
        }
      gtk_flow_box_append (box, overlay);
    }
  g_variant_unref (list);
}
