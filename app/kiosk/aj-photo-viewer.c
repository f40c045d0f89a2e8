/* aj-photo-viewer.c: an AdwCarousel of full-size photos (swipe, or the arrow
 * keys). A photo of a finished inspection is never deleted: it can be
 * marked as withdrawn, with a reason, and stays in the history. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-photo-viewer.h"
#include "aj-photo-strip.h"
#include "aj-page.h"

struct _AjPhotoViewer
{
  AdwBin          parent_instance;

  GPtrArray      *photos;        /* AjPhotoRef, owned copies */
  gboolean        can_withdraw;
  GtkEditable    *reason_entry;  /* in the withdraw dialog while it is open */
  guint           missing;       /* photos shown as "not yet downloaded" */
  GSignalGroup   *store_signals;

  AdwWindowTitle *title;
  GtkStack       *stack;
  AdwCarousel    *carousel;
  GtkWidget      *before_picture;
  GtkWidget      *after_picture;
  GtkButton      *withdraw_button;
};

G_DEFINE_FINAL_TYPE (AjPhotoViewer, aj_photo_viewer, ADW_TYPE_BIN)

guint
aj_photo_viewer_get_position (AjPhotoViewer *self)
{
  return (guint) (adw_carousel_get_position (self->carousel) + 0.5);
}

static void
update_title (AjPhotoViewer *self)
{
  guint index = aj_photo_viewer_get_position (self);
  g_autofree char *title = g_strdup_printf (_("Photo %u of %u"), index + 1, self->photos->len);
  AjPhotoRef *ref = index < self->photos->len ? g_ptr_array_index (self->photos, index) : NULL;

  adw_window_title_set_title (self->title, title);
  adw_window_title_set_subtitle (self->title, ref && ref->withdrawn_reason ? _("Withdrawn") : "");
  gtk_widget_set_visible (GTK_WIDGET (self->withdraw_button),
                          self->can_withdraw && ref != NULL && ref->withdrawn_reason == NULL && ref->event_id != NULL);
}

static GtkWidget *
photo_widget (AjPhotoViewer *self,
              AjSession     *session,
              AjPhotoRef    *ref)
{
  g_autofree char *path = aj_photo_blob_path (aj_session_get_blob_dir (session), ref->sha256);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture;

  if (aj_photo_is_here (session, ref->sha256))
    {
      picture = aj_picture_new_for_blob (path);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Photo"));
    }
  else
    {
      picture = aj_photo_placeholder_new (TRUE);
      self->missing++;
    }
  gtk_widget_set_hexpand (picture, TRUE);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  if (ref->withdrawn_reason != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Withdrawn: %s"), ref->withdrawn_reason);
      GtkWidget *label = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_valign (label, GTK_ALIGN_END);
      gtk_widget_add_css_class (label, "osd");
      gtk_widget_add_css_class (label, "withdrawn-note");
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), label);
    }
  return overlay;
}

void
aj_photo_viewer_show_photos (AjPhotoViewer *self,
                             GPtrArray     *photos,
                             guint          index,
                             gboolean       can_withdraw)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  GtkWidget *page;

  self->missing = 0;
  while ((page = gtk_widget_get_first_child (GTK_WIDGET (self->carousel))) != NULL)
    adw_carousel_remove (self->carousel, page);
  g_ptr_array_set_size (self->photos, 0);
  for (guint i = 0; i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      AjPhotoRef *copy = g_new0 (AjPhotoRef, 1);
      copy->event_id = g_strdup (ref->event_id);
      copy->sha256 = g_strdup (ref->sha256);
      copy->withdrawn_reason = g_strdup (ref->withdrawn_reason);
      g_ptr_array_add (self->photos, copy);
      adw_carousel_append (self->carousel, photo_widget (self, session, copy));
    }
  self->can_withdraw = can_withdraw;
  gtk_stack_set_visible_child_name (self->stack, "photos");
  if (index < self->photos->len)
    adw_carousel_scroll_to (self->carousel, adw_carousel_get_nth_page (self->carousel, index), FALSE);
  update_title (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->carousel));
}

void
aj_photo_viewer_show_pair (AjPhotoViewer *self,
                           const char    *before_sha256,
                           const char    *after_sha256)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const char *blob_dir = aj_session_get_blob_dir (session);
  g_autofree char *before = aj_photo_blob_path (blob_dir, before_sha256);
  g_autofree char *after = aj_photo_blob_path (blob_dir, after_sha256);

  aj_picture_set_blob (GTK_PICTURE (self->before_picture), before);
  aj_picture_set_blob (GTK_PICTURE (self->after_picture), after);
  adw_window_title_set_title (self->title, _("Before and after"));
  adw_window_title_set_subtitle (self->title, "");
  gtk_widget_set_visible (GTK_WIDGET (self->withdraw_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "pair");
}

static void
on_page_changed (AjPhotoViewer *self)
{
  update_title (self);
}

static void
step (AjPhotoViewer *self,
      int            delta)
{
  int index = (int) aj_photo_viewer_get_position (self) + delta;

  if (index >= 0 && index < (int) adw_carousel_get_n_pages (self->carousel))
    adw_carousel_scroll_to (self->carousel, adw_carousel_get_nth_page (self->carousel, index), TRUE);
}

static void
next_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  step (AJ_PHOTO_VIEWER (widget), 1);
}

static void
previous_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  step (AJ_PHOTO_VIEWER (widget), -1);
}

/* The same photos again, at the same place: after a withdrawal, or when
 * sync has brought one that was not yet here. */
static void
reshow (AjPhotoViewer *self)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_photo_ref_free);

  for (guint i = 0; i < self->photos->len; i++)
    {
      AjPhotoRef *r = g_ptr_array_index (self->photos, i), *c = g_new0 (AjPhotoRef, 1);
      c->event_id = g_strdup (r->event_id);
      c->sha256 = g_strdup (r->sha256);
      c->withdrawn_reason = g_strdup (r->withdrawn_reason);
      g_ptr_array_add (keep, c);
    }
  aj_photo_viewer_show_photos (self, keep, aj_photo_viewer_get_position (self), self->can_withdraw);
}

static void
on_store_changed (AjPhotoViewer *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  gboolean arrived = FALSE;

  if (session == NULL || self->missing == 0 || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "photos") != 0)
    return;
  for (guint i = 0; i < self->photos->len && !arrived; i++)
    arrived = aj_photo_is_here (session, ((AjPhotoRef *) g_ptr_array_index (self->photos, i))->sha256);
  if (arrived)
    reshow (self);
}

static void
withdraw_response (AdwMessageDialog *dialog,
                   const char       *response,
                   AjPhotoViewer    *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  GtkEditable *entry = self->reason_entry;
  guint index = aj_photo_viewer_get_position (self);
  AjPhotoRef *ref = index < self->photos->len ? g_ptr_array_index (self->photos, index) : NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "withdraw") && ref != NULL && entry != NULL)
    {
      if (!aj_inspection_withdraw_photo (aj_session_get_store (session), aj_session_get_user_id (session),
                                         ref->event_id, gtk_editable_get_text (entry), &error))
        aj_page_report_error (GTK_WIDGET (self), _("The photo was not withdrawn"), error);
      else
        {
          ref->withdrawn_reason = g_strdup (gtk_editable_get_text (entry));
          reshow (self);
          aj_page_toast (GTK_WIDGET (self), _("Photo marked as withdrawn"));
        }
    }
  g_clear_weak_pointer (&self->reason_entry);
  g_object_unref (self);
}

static void
on_withdraw (AjPhotoViewer *self)
{
  GtkWidget *dialog = adw_message_dialog_new (aj_page_get_window (GTK_WIDGET (self)), _("Withdraw this photo?"),
                                              _("The photo stays in the history, marked as withdrawn with your reason."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "withdraw", _("_Withdraw"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "withdraw", ADW_RESPONSE_DESTRUCTIVE);
  g_set_weak_pointer (&self->reason_entry, GTK_EDITABLE (entry));
  g_signal_connect (dialog, "response", G_CALLBACK (withdraw_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
aj_photo_viewer_dispose (GObject *object)
{
  AjPhotoViewer *self = AJ_PHOTO_VIEWER (object);

  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_clear_weak_pointer (&self->reason_entry);
  g_clear_object (&self->store_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_PHOTO_VIEWER);
  G_OBJECT_CLASS (aj_photo_viewer_parent_class)->dispose (object);
}

static void
aj_photo_viewer_class_init (AjPhotoViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_photo_viewer_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-photo-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, title);
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, carousel);
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, before_picture);
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, after_picture);
  gtk_widget_class_bind_template_child (widget_class, AjPhotoViewer, withdraw_button);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_withdraw);
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, previous_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "viewer.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "viewer.previous", NULL);
}

static void
aj_photo_viewer_init (AjPhotoViewer *self)
{
  self->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_photo_ref_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (on_store_changed));
}
