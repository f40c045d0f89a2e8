/* aj-labels.c: each label has its QR on the left, the number (or name) in
 * large type, the institution and the deadline, and a band in the risk
 * level's colour; the same drawing goes to a PDF and to the printer. */
#include "config.h"

#include <math.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-labels.h"
#include "aj-qr.h"
#include "aj-registry.h"

#define FONT "Noto Sans CJK SC, Noto Sans, sans-serif"

void
aj_label_free (AjLabel *label)
{
  g_free (label->payload);
  g_free (label->title);
  g_free (label->subtitle);
  g_free (label->footer);
  g_free (label->band);
  g_free (label);
}

/* The hazards of one inspection, one hazard, or all (NULL, NULL) that are
 * not closed or withdrawn. */
GPtrArray *
aj_labels_for_hazards (AjStore    *store,
                       const char *server_url,
                       const char *inspection_id,
                       const char *hazard_id)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_label_free);
  g_autoptr(GListModel) hazards = aj_hazard_list (store, inspection_id, NULL);

  for (guint i = 0; hazards && i < g_list_model_get_n_items (hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (hazards, i);
      AjLabel *label;

      if (hazard_id != NULL && g_strcmp0 (hazard_id, aj_hazard_get_id (h)) != 0)
        continue;
      if (hazard_id == NULL && (g_strcmp0 (aj_hazard_get_status (h), "closed") == 0 ||
                                g_strcmp0 (aj_hazard_get_status (h), "withdrawn") == 0))
        continue;
      label = g_new0 (AjLabel, 1);
      label->payload = aj_qr_hazard_payload (server_url, aj_hazard_get_id (h));
      label->title = g_strdup (aj_hazard_get_number (h));
      label->subtitle = g_strdup (aj_hazard_get_institution_name (h));
      label->footer = *aj_hazard_get_deadline (h)
                      ? g_strdup_printf (_("Deadline %s"), aj_hazard_get_deadline (h))
                      : g_strdup (aj_grade_label (aj_hazard_get_grade (h)));
      label->band = g_strdup (aj_hazard_get_risk_level (h));
      g_ptr_array_add (labels, label);
    }
  return labels;
}

GPtrArray *
aj_labels_for_institutions (AjStore    *store,
                            const char *server_url)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_label_free);
  g_autoptr(GListModel) institutions = aj_registry_list_institutions (store, NULL);

  for (guint i = 0; institutions && i < g_list_model_get_n_items (institutions); i++)
    {
      g_autoptr(AjInstitution) inst = g_list_model_get_item (institutions, i);
      AjLabel *label = g_new0 (AjLabel, 1);

      label->payload = aj_qr_institution_payload (server_url, aj_institution_get_code (inst));
      label->title = g_strdup (aj_institution_get_name (inst));
      label->subtitle = g_strdup_printf ("%s · %s", aj_institution_get_code (inst), aj_institution_get_county (inst));
      label->footer = g_strdup (_("Scan on arrival to start the inspection"));
      g_ptr_array_add (labels, label);
    }
  return labels;
}

guint
aj_labels_per_page (AjLabelLayout layout)
{
  return layout == AJ_LABELS_A4_3X8 ? 24 : 1;
}

void
aj_labels_page_size_mm (AjLabelLayout  layout,
                        double        *width,
                        double        *height)
{
  *width = layout == AJ_LABELS_A4_3X8 ? 210 : 50;
  *height = layout == AJ_LABELS_A4_3X8 ? 297 : 30;
}

static void
band_colour (cairo_t    *cr,
             const char *band)
{
  if (g_strcmp0 (band, "red") == 0)
    cairo_set_source_rgb (cr, 0.776, 0.157, 0.157);
  else if (g_strcmp0 (band, "orange") == 0)
    cairo_set_source_rgb (cr, 0.937, 0.424, 0);
  else if (g_strcmp0 (band, "yellow") == 0)
    cairo_set_source_rgb (cr, 0.976, 0.784, 0.145);
  else
    cairo_set_source_rgb (cr, 0.082, 0.396, 0.753);
}

static void
text (cairo_t    *cr,
      const char *value,
      double      size_mm,
      gboolean    bold,
      double      x,
      double      y,
      double      width,
      int         lines)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *desc = g_strdup_printf ("%s %s %.2fpx", FONT, bold ? "Bold" : "", size_mm);
  PangoFontDescription *font = pango_font_description_from_string (desc);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -lines);
  pango_layout_set_text (layout, value ? value : "", -1);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

/* One label at (x, y), w × h millimetres, in a context whose unit is 1 mm. */
static void
draw_label (cairo_t *cr,
            AjLabel *label,
            double   x,
            double   y,
            double   w,
            double   h)
{
  g_autoptr(GdkPixbuf) qr = aj_qr_render (label->payload, 1, NULL);
  const double pad = 2, band_w = label->band ? 3 : 0;
  double qr_size = h - 2 * pad;
  double tx;

  if (label->band)
    {
      band_colour (cr, label->band);
      cairo_rectangle (cr, x, y, band_w, h);
      cairo_fill (cr);
    }
  if (qr != NULL)
    {
      /* Modules stay crisp: no smoothing when scaled. */
      int n = gdk_pixbuf_get_width (qr);
      const guint8 *px = gdk_pixbuf_read_pixels (qr);
      int stride = gdk_pixbuf_get_rowstride (qr);
      double m = qr_size / n;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, x + band_w + pad, y + pad, qr_size, qr_size);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
          if (px[r * stride + c * 3] < 128)
            cairo_rectangle (cr, x + band_w + pad + c * m, y + pad + r * m, m + 0.01, m + 0.01);
      cairo_fill (cr);
    }
  tx = x + band_w + pad + qr_size + pad;
  text (cr, label->title, h * 0.115, TRUE, tx, y + pad, x + w - tx - pad, 2);
  text (cr, label->subtitle, h * 0.10, FALSE, tx, y + h * 0.42, x + w - tx - pad, 2);
  text (cr, label->footer, h * 0.09, FALSE, tx, y + h * 0.72, x + w - tx - pad, 2);
}

/* Page @page of the sheet, drawn in points (@points_per_mm). */
void
aj_labels_draw_page (cairo_t       *cr,
                     AjLabelLayout  layout,
                     GPtrArray     *labels,
                     guint          page,
                     double         points_per_mm)
{
  guint per_page = aj_labels_per_page (layout);

  cairo_save (cr);
  cairo_scale (cr, points_per_mm, points_per_mm);
  for (guint i = 0; i < per_page; i++)
    {
      guint index = page * per_page + i;
      if (index >= labels->len)
        break;
      if (layout == AJ_LABELS_A4_3X8)
        {
          /* 3 columns of 70 mm, 8 rows of 37.125 mm: the common 24-up sheet. */
          const double w = 70, h = 297.0 / 8;
          double x = (i % 3) * w, y = (i / 3) * h;
          cairo_save (cr);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.08);
          cairo_set_line_width (cr, 0.1);
          cairo_rectangle (cr, x + 0.05, y + 0.05, w - 0.1, h - 0.1);
          cairo_stroke (cr);
          cairo_restore (cr);
          draw_label (cr, g_ptr_array_index (labels, index), x + 3, y + 3, w - 6, h - 6);
        }
      else
        draw_label (cr, g_ptr_array_index (labels, index), 0, 0, 50, 30);
    }
  cairo_restore (cr);
}

/* Draws the sheet to @path through a temporary file renamed at the end, so
 * that @path holds a whole sheet or nothing. @done counts the pages drawn;
 * @cancellable is looked at between pages, and a cancelled sheet leaves no
 * file behind, not even the temporary one. */
static gboolean
write_pdf (GPtrArray      *labels,
           AjLabelLayout   layout,
           const char     *path,
           volatile gint  *done,
           GCancellable   *cancellable,
           GError        **error)
{
  const double pt = 72.0 / 25.4;
  g_autofree char *tmp = g_strdup_printf ("%s.tmp", path);
  double w, h;
  guint pages;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (labels->len == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("There is nothing to print a label for"));
      return FALSE;
    }
  aj_labels_page_size_mm (layout, &w, &h);
  pages = (labels->len + aj_labels_per_page (layout) - 1) / aj_labels_per_page (layout);
  surface = cairo_pdf_surface_create (tmp, w * pt, h * pt);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("QR labels"));
  cr = cairo_create (surface);
  for (guint p = 0; p < pages && !g_cancellable_is_cancelled (cancellable); p++)
    {
      aj_labels_draw_page (cr, layout, labels, p, pt);
      cairo_show_page (cr);
      if (done != NULL)
        g_atomic_int_inc (done);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
aj_labels_write_pdf (GPtrArray     *labels,
                     AjLabelLayout  layout,
                     const char    *path,
                     GError       **error)
{
  return write_pdf (labels, layout, path, NULL, NULL, error);
}

/* What the thread needs; the labels are the caller's, kept unchanged. */
typedef struct
{
  GPtrArray      *labels;
  AjLabelLayout   layout;
  char           *path;
  volatile gint   done;    /* pages drawn */
  guint           pages;
} SheetJob;

static void
sheet_job_free (SheetJob *job)
{
  g_ptr_array_unref (job->labels);
  g_free (job->path);
  g_free (job);
}

static void
sheet_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SheetJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!write_pdf (job->labels, job->layout, job->path, &job->done, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Writes the sheet in a thread (a year's hazards make hundreds of pages).
 * Cancelled, it leaves no file at @path (nor a temporary one). Returns
 * (transfer full) the result-to-be, for aj_labels_write_pdf_get_progress (). */
GAsyncResult *
aj_labels_write_pdf_async (GPtrArray           *labels,
                           AjLabelLayout        layout,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SheetJob *job = g_new0 (SheetJob, 1);

  g_task_set_source_tag (task, aj_labels_write_pdf_async);
  job->labels = g_ptr_array_ref (labels);
  job->layout = layout;
  job->path = g_strdup (path);
  job->pages = (labels->len + aj_labels_per_page (layout) - 1) / aj_labels_per_page (layout);
  g_task_set_task_data (task, job, (GDestroyNotify) sheet_job_free);
  g_task_run_in_thread (task, sheet_thread);
  return G_ASYNC_RESULT (g_steal_pointer (&task));
}

/* From 0 to 1: pages drawn. Safe to call from the main thread meanwhile. */
double
aj_labels_write_pdf_get_progress (GAsyncResult *result)
{
  SheetJob *job;

  g_return_val_if_fail (G_IS_TASK (result), 0);
  job = g_task_get_task_data (G_TASK (result));
  if (job == NULL || job->pages == 0)
    return 0;
  return MIN (1.0, g_atomic_int_get (&job->done) / (double) job->pages);
}

gboolean
aj_labels_write_pdf_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aj_labels_write_pdf_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
