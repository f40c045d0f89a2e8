/* aj-signature-page.c: strokes drawn with a finger or a mouse are kept as
 * points (in the pad's own 600×240 space) and saved as a PNG blob; the
 * event names it. Someone who refuses to sign gives a reason instead. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-signature.h"
#include "aj-signature-page.h"
#include "aj-page.h"

#define PAD_W 600.0
#define PAD_H 240.0

struct _AjSignaturePage
{
  AdwBin          parent_instance;

  char           *subject;
  char           *role;
  GPtrArray      *strokes;      /* GArray of double pairs, pad space */
  GArray         *current;
  double          start_x;
  double          start_y;

  AdwWindowTitle *title;
  GtkLabel       *what_label;
  AdwEntryRow    *name_row;
  GtkDrawingArea *pad;
  GtkSwitch      *refuse_switch;
  AdwEntryRow    *reason_row;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (AjSignaturePage, aj_signature_page, ADW_TYPE_BIN)

static void
to_pad (AjSignaturePage *self,
        double           x,
        double           y,
        double          *px,
        double          *py)
{
  int w = MAX (1, gtk_widget_get_width (GTK_WIDGET (self->pad)));
  int h = MAX (1, gtk_widget_get_height (GTK_WIDGET (self->pad)));

  *px = CLAMP (x * PAD_W / w, 0, PAD_W);
  *py = CLAMP (y * PAD_H / h, 0, PAD_H);
}

static void
draw_strokes (cairo_t   *cr,
              GPtrArray *strokes,
              double     scale_x,
              double     scale_y)
{
  cairo_set_source_rgb (cr, 0.05, 0.1, 0.35);
  cairo_set_line_width (cr, 3.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < strokes->len; i++)
    {
      GArray *s = g_ptr_array_index (strokes, i);
      for (guint j = 0; j + 1 < s->len; j += 2)
        {
          double x = g_array_index (s, double, j) * scale_x, y = g_array_index (s, double, j + 1) * scale_y;
          if (j == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      if (s->len == 2)
        cairo_rel_line_to (cr, 0.5, 0.5);
      cairo_stroke (cr);
    }
}

static void
draw_pad (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        data)
{
  AjSignaturePage *self = data;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 16, height * 0.75 + 0.5);
  cairo_line_to (cr, width - 16, height * 0.75 + 0.5);
  cairo_stroke (cr);
  draw_strokes (cr, self->strokes, width / PAD_W, height / PAD_H);
}

static void
add_point (AjSignaturePage *self,
           double           x,
           double           y)
{
  double px, py;

  to_pad (self, x, y, &px, &py);
  g_array_append_val (self->current, px);
  g_array_append_val (self->current, py);
  gtk_widget_queue_draw (GTK_WIDGET (self->pad));
}

static void
on_drag_begin (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               AjSignaturePage *self)
{
  self->start_x = x;
  self->start_y = y;
  self->current = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->strokes, self->current);
  gtk_label_set_label (self->error_label, "");
  add_point (self, x, y);
}

static void
on_drag_update (GtkGestureDrag  *gesture,
                double           dx,
                double           dy,
                AjSignaturePage *self)
{
  if (self->current != NULL)
    add_point (self, self->start_x + dx, self->start_y + dy);
}

static void
on_drag_end (GtkGestureDrag  *gesture,
             double           dx,
             double           dy,
             AjSignaturePage *self)
{
  self->current = NULL;
}

void
aj_signature_page_add_stroke (AjSignaturePage *self,
                              const double    *xy,
                              guint            n_points)
{
  GArray *stroke = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (stroke, xy, n_points * 2);
  g_ptr_array_add (self->strokes, stroke);
  gtk_label_set_label (self->error_label, "");
  gtk_widget_queue_draw (GTK_WIDGET (self->pad));
}

static void
on_clear (AjSignaturePage *self)
{
  g_ptr_array_set_size (self->strokes, 0);
  self->current = NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self->pad));
}

static void
on_refuse_changed (AjSignaturePage *self)
{
  gboolean refused = gtk_switch_get_active (self->refuse_switch);

  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), refused);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pad), !refused);
}

static cairo_status_t
write_png (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
on_save (AjSignaturePage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gboolean refused = gtk_switch_get_active (self->refuse_switch);
  g_autoptr(GError) error = NULL;
  g_autofree char *event = NULL;
  char sha[65] = "";

  if (!refused)
    {
      g_autoptr(GByteArray) png = g_byte_array_new ();
      cairo_surface_t *surface;
      cairo_t *cr;

      if (self->strokes->len == 0)
        {
          gtk_label_set_label (self->error_label, _("Sign in the box first."));
          return;
        }
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, PAD_W, PAD_H);
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      draw_strokes (cr, self->strokes, 1, 1);
      cairo_destroy (cr);
      cairo_surface_write_to_png_stream (surface, write_png, png);
      cairo_surface_destroy (surface);
      if (!aj_signature_store_png (aj_session_get_blob_dir (session),
                                   png->data, png->len, sha, &error))
        goto failed;
    }
  event = aj_signature_record (aj_session_get_store (session), aj_session_get_user_id (session), self->subject,
                               self->role, name, refused ? NULL : sha,
                               refused ? gtk_editable_get_text (GTK_EDITABLE (self->reason_row)) : NULL, &error);
  if (event == NULL)
    goto failed;
  aj_page_toast (GTK_WIDGET (self), refused ? _("Refusal to sign recorded") : _("Signature saved"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
  return;

failed:
  gtk_label_set_label (self->error_label, error->message);
}

void
aj_signature_page_load (AjSignaturePage *self,
                        const char      *subject,
                        const char      *role,
                        const char      *signer,
                        const char      *what)
{
  g_free (self->subject);
  self->subject = g_strdup (subject);
  g_free (self->role);
  self->role = g_strdup (role);
  on_clear (self);
  adw_window_title_set_title (self->title, aj_signature_role_label (role));
  gtk_label_set_label (self->what_label, what);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), signer ? signer : "");
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  gtk_switch_set_active (self->refuse_switch, FALSE);
  gtk_label_set_label (self->error_label, "");
  on_refuse_changed (self);
}

static void
aj_signature_page_dispose (GObject *object)
{
  AjSignaturePage *self = AJ_SIGNATURE_PAGE (object);

  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->role, g_free);
  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_SIGNATURE_PAGE);
  G_OBJECT_CLASS (aj_signature_page_parent_class)->dispose (object);
}

static void
aj_signature_page_class_init (AjSignaturePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_signature_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-signature-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, title);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, what_label);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, pad);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, refuse_switch);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, reason_row);
  gtk_widget_class_bind_template_child (widget_class, AjSignaturePage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_save);
  gtk_widget_class_bind_template_callback (widget_class, on_refuse_changed);
}

static void
aj_signature_page_init (AjSignaturePage *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->pad, draw_pad, self, NULL);
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self->pad), GTK_EVENT_CONTROLLER (drag));
}
