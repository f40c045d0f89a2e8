/* aj-photo-strip.c: the same row of thumbnails on the item, hazard and summary pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection.h"
#include "aj-photo-strip.h"

/* A tap on a thumbnail opens the photos full screen at that one. */
static void
on_thumbnail_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkFlowBox      *box)
{
  GtkWidget *picture = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GPtrArray *photos = g_object_get_data (G_OBJECT (box), "photos");
  GVariantBuilder builder;

  if (photos == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(smsms)"));
  for (guint i = 0; i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      g_variant_builder_add (&builder, "(smsms)", ref->sha256, ref->event_id, ref->withdrawn_reason);
    }
  gtk_widget_activate_action (GTK_WIDGET (box), "win.show-photos", "(a(smsms)ub)", &builder,
                              GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picture), "index")),
                              GPOINTER_TO_INT (g_object_get_data (G_OBJECT (box), "can-withdraw")));
}

void
aj_photo_strip_fill (GtkFlowBox *box,
                     const char *blob_dir,
                     GPtrArray  *photos,
                     gboolean    removable,
                     GCallback   on_remove,
                     gpointer    user_data)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_flow_box_remove (box, child);
  if (photos != NULL)
    g_object_set_data_full (G_OBJECT (box), "photos", g_ptr_array_ref (photos), (GDestroyNotify) g_ptr_array_unref);
  /* Before finishing a photo is removed; afterwards it can only be withdrawn. */
  g_object_set_data (G_OBJECT (box), "can-withdraw", GINT_TO_POINTER (!removable));

  for (guint i = 0; photos != NULL && i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      g_autofree char *thumb = aj_photo_thumb_path (blob_dir, ref->sha256);
      GtkWidget *overlay = gtk_overlay_new ();
      GtkWidget *picture = gtk_picture_new_for_filename (thumb);

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 96, 96);
      gtk_widget_add_css_class (picture, "thumbnail");
      gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Photo"));
      {
        GtkGesture *click = gtk_gesture_click_new ();
        g_object_set_data (G_OBJECT (picture), "index", GUINT_TO_POINTER (i));
        g_signal_connect (click, "pressed", G_CALLBACK (on_thumbnail_pressed), box);
        gtk_widget_add_controller (picture, GTK_EVENT_CONTROLLER (click));
      }
      if (ref->withdrawn_reason != NULL)
        gtk_widget_add_css_class (picture, "withdrawn");

      if (removable)
        {
          GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
          gtk_widget_set_halign (remove, GTK_ALIGN_END);
          gtk_widget_set_valign (remove, GTK_ALIGN_START);
          gtk_widget_add_css_class (remove, "circular");
          gtk_widget_add_css_class (remove, "osd");
          gtk_widget_set_tooltip_text (remove, _("Remove this photo"));
          g_object_set_data_full (G_OBJECT (remove), "photo-event", g_strdup (ref->event_id), g_free);
          g_signal_connect (remove, "clicked", on_remove, user_data);
          gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);
        }
      gtk_flow_box_append (box, overlay);
    }
}
