/* aj-report-layout.c: a small flowing layout on A4 pages with cairo and
 * pango. Fonts come from fontconfig, so Chinese renders with Noto Sans CJK.
 * A document is drawn twice through the same function: first on a surface
 * that writes nowhere, to count its pages, then into the file, so that each
 * page can say "第X页 共Y页". */
#include "config.h"

#include <math.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-error.h"
#include "aj-qr.h"
#include "aj-report-layout.h"

#define PAGE_W   AJ_DOC_PAGE_W
#define PAGE_H   AJ_DOC_PAGE_H
#define MARGIN   AJ_DOC_MARGIN
#define BODY_W   AJ_DOC_BODY_W
/* Body text in a Song-style serif and headings in a bold sans, as official
 * documents are set (GB/T 9704). Not the regular sans: cairo 1.16 drops its
 * glyph for 如 when it subsets the font into a PDF (seen with Noto Sans CJK
 * SC Regular; the serif and the bold sans keep every character we use). */
#define FONT     "Noto Sans CJK SC, Noto Sans, sans-serif"
#define SERIF    "Noto Serif CJK SC, Noto Serif, serif"

static PangoLayout *
make_layout (AjDoc      *doc,
             const char *family,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (doc->cr);
  g_autofree char *desc = g_strdup_printf ("%s %s %.1f", bold ? family : SERIF, bold ? "Bold" : "", size);
  PangoFontDescription *font = pango_font_description_from_string (desc);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_font_description_free (font);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* The foot of every page: the number at the left, what it is in the
 * middle, the page of how many at the right. */
static void
footer (AjDoc *doc)
{
  g_autofree char *pages = doc->pages > 0 ? g_strdup_printf (_("Page %d of %d"), doc->page, doc->pages)
                                          : g_strdup_printf (_("Page %d of %d"), doc->page, 999);
  const char *parts[] = { doc->number ? doc->number : "", doc->footer ? doc->footer : "", pages };
  const PangoAlignment align[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT };

  cairo_set_source_rgb (doc->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (doc->cr, 0.5);
  cairo_move_to (doc->cr, MARGIN, PAGE_H - MARGIN + 8);
  cairo_line_to (doc->cr, PAGE_W - MARGIN, PAGE_H - MARGIN + 8);
  cairo_stroke (doc->cr);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      PangoLayout *layout = make_layout (doc, FONT, parts[i], 8, FALSE, i == 1 ? BODY_W / 2 : BODY_W / 4);
      double x = i == 0 ? MARGIN : i == 1 ? MARGIN + BODY_W / 4 : PAGE_W - MARGIN - BODY_W / 4;

      pango_layout_set_alignment (layout, align[i]);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      cairo_set_source_rgb (doc->cr, 0.3, 0.3, 0.3);
      cairo_move_to (doc->cr, x, PAGE_H - MARGIN + 12);
      pango_cairo_show_layout (doc->cr, layout);
      g_object_unref (layout);
    }
}

static void
new_page (AjDoc *doc)
{
  footer (doc);
  cairo_show_page (doc->cr);
  doc->page++;
  doc->y = MARGIN;
}

void
aj_doc_need (AjDoc  *doc,
             double  height)
{
  if (doc->y + height > PAGE_H - MARGIN)
    new_page (doc);
}

double
aj_doc_text_at (AjDoc      *doc,
                double      x,
                double      width,
                const char *text,
                double      size,
                gboolean    bold,
                gboolean    draw)
{
  PangoLayout *layout = make_layout (doc, FONT, text, size, bold, width);
  double h = layout_height (layout);

  if (draw)
    {
      cairo_set_source_rgb (doc->cr, 0.1, 0.1, 0.1);
      cairo_move_to (doc->cr, x, doc->y);
      pango_cairo_show_layout (doc->cr, layout);
    }
  g_object_unref (layout);
  return h;
}

/* A paragraph that may run over pages: its lines are placed one by one. */
void
aj_doc_paragraph (AjDoc      *doc,
                  const char *text,
                  double      size,
                  gboolean    bold,
                  double      after)
{
  PangoLayout *layout = make_layout (doc, FONT, text, size, bold, BODY_W);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double h;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      h = (double) logical.height / PANGO_SCALE;
      aj_doc_need (doc, h);
      cairo_set_source_rgb (doc->cr, 0.1, 0.1, 0.1);
      cairo_move_to (doc->cr, MARGIN, doc->y + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE -
                                      (double) logical.y / PANGO_SCALE);
      pango_cairo_show_layout_line (doc->cr, line);
      doc->y += h;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  g_object_unref (layout);
  doc->y += after;
}

static void
aligned (AjDoc          *doc,
         const char     *family,
         const char     *text,
         double          size,
         gboolean        bold,
         PangoAlignment  alignment,
         double          after)
{
  PangoLayout *layout = make_layout (doc, family, text, size, bold, BODY_W);
  double h = layout_height (layout);

  aj_doc_need (doc, h);
  pango_layout_set_alignment (layout, alignment);
  cairo_set_source_rgb (doc->cr, 0, 0, 0);
  cairo_move_to (doc->cr, MARGIN, doc->y);
  pango_cairo_show_layout (doc->cr, layout);
  doc->y += h + after;
  g_object_unref (layout);
}

void
aj_doc_centered (AjDoc      *doc,
                 const char *text,
                 double      size,
                 gboolean    bold,
                 double      after)
{
  aligned (doc, size >= 16 ? SERIF : FONT, text, size, bold, PANGO_ALIGN_CENTER, after);
}

void
aj_doc_right (AjDoc      *doc,
              const char *text,
              double      size,
              double      after)
{
  aligned (doc, FONT, text, size, FALSE, PANGO_ALIGN_RIGHT, after);
}

void
aj_doc_heading (AjDoc      *doc,
                const char *text)
{
  aj_doc_need (doc, 40);
  doc->y += 6;
  aj_doc_paragraph (doc, text, 12, TRUE, 4);
  cairo_set_source_rgb (doc->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (doc->cr, 0.6);
  cairo_move_to (doc->cr, MARGIN, doc->y);
  cairo_line_to (doc->cr, PAGE_W - MARGIN, doc->y);
  cairo_stroke (doc->cr);
  doc->y += 6;
}

/* "Label  value" with the value wrapped beside the label. */
void
aj_doc_field (AjDoc      *doc,
              const char *label,
              const char *value)
{
  const double label_w = 120;
  const char *shown = value && *value ? value : "—";
  double h1 = aj_doc_text_at (doc, MARGIN, label_w - 6, label, 10, TRUE, FALSE);
  double h2 = aj_doc_text_at (doc, MARGIN + label_w, BODY_W - label_w, shown, 10, FALSE, FALSE);
  double h = MAX (h1, h2);

  aj_doc_need (doc, h);
  aj_doc_text_at (doc, MARGIN, label_w - 6, label, 10, TRUE, TRUE);
  aj_doc_text_at (doc, MARGIN + label_w, BODY_W - label_w, shown, 10, FALSE, TRUE);
  doc->y += h + 3;
}

static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *dst = cairo_image_surface_get_data (surface);
  int dstride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = src + y * stride + x * n;
        guint32 *q = (guint32 *) (dst + y * dstride + x * 4);
        *q = (0xffu << 24) | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

void
aj_doc_image_at (AjDoc     *doc,
                 GdkPixbuf *pixbuf,
                 double     x,
                 double     y,
                 double     w,
                 double     h,
                 gboolean   smooth)
{
  cairo_surface_t *surface = surface_from_pixbuf (pixbuf);
  double sx = w / gdk_pixbuf_get_width (pixbuf), sy = h / gdk_pixbuf_get_height (pixbuf);

  cairo_save (doc->cr);
  cairo_translate (doc->cr, x, y);
  cairo_scale (doc->cr, sx, sy);
  cairo_set_source_surface (doc->cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (doc->cr), smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST);
  cairo_paint (doc->cr);
  cairo_restore (doc->cr);
  cairo_surface_destroy (surface);
}

void
aj_doc_qr_at (AjDoc      *doc,
              const char *payload,
              double      x,
              double      y,
              double      size)
{
  g_autoptr(GdkPixbuf) qr = aj_qr_render (payload, 4, NULL);

  if (qr != NULL)
    aj_doc_image_at (doc, qr, x, y, size, size, FALSE);
}

/* Where the department seals the document: its name and the date at the
 * right, and a dashed red circle with the seal's text over them, marked as
 * the place of the seal (the real seal is pressed on paper). */
void
aj_doc_seal (AjDoc      *doc,
             const char *seal_text,
             const char *date_line)
{
  const double r = 48, cx = PAGE_W - MARGIN - 110, top = doc->y + 10;
  const double dashes[] = { 3, 2 };
  PangoLayout *layout;
  double h;

  aj_doc_need (doc, 2 * r + 30);
  cairo_save (doc->cr);
  cairo_set_source_rgb (doc->cr, 0.8, 0.1, 0.1);
  cairo_set_line_width (doc->cr, 1.2);
  cairo_set_dash (doc->cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_new_sub_path (doc->cr);
  cairo_arc (doc->cr, cx, doc->y + r + 10, r, 0, 2 * G_PI);
  cairo_stroke (doc->cr);
  cairo_restore (doc->cr);

  layout = make_layout (doc, FONT, seal_text, 8.5, TRUE, 2 * r - 16);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  h = layout_height (layout);
  cairo_set_source_rgb (doc->cr, 0.8, 0.1, 0.1);
  cairo_move_to (doc->cr, cx - r + 8, doc->y + r + 10 - h / 2 - 8);
  pango_cairo_show_layout (doc->cr, layout);
  g_object_unref (layout);
  layout = make_layout (doc, FONT, _("(seal)"), 7.5, FALSE, 2 * r);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_move_to (doc->cr, cx - r, doc->y + r + 10 + h / 2 - 4);
  pango_cairo_show_layout (doc->cr, layout);
  g_object_unref (layout);

  /* The department's name and the date, under the seal's middle. */
  doc->y = top + 2 * r - 34;
  layout = make_layout (doc, FONT, seal_text, 10.5, FALSE, 220);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb (doc->cr, 0.1, 0.1, 0.1);
  cairo_move_to (doc->cr, cx - 110, doc->y);
  pango_cairo_show_layout (doc->cr, layout);
  doc->y += layout_height (layout) + 2;
  g_object_unref (layout);
  layout = make_layout (doc, FONT, date_line, 10.5, FALSE, 220);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_move_to (doc->cr, cx - 110, doc->y);
  pango_cairo_show_layout (doc->cr, layout);
  doc->y += layout_height (layout);
  g_object_unref (layout);
  doc->y = MAX (doc->y, top + 2 * r + 4) + 10;
}

/* Lines to sign on, two to a row, then the date. */
void
aj_doc_sign_lines (AjDoc       *doc,
                   const char **who)
{
  guint n = g_strv_length ((char **) who);

  aj_doc_need (doc, 34 * ((n + 1) / 2) + 50);
  doc->y += 20;
  for (guint i = 0; who[i]; i++)
    {
      double x = MARGIN + (i % 2) * (BODY_W / 2);
      g_autofree char *line = g_strdup_printf ("%s：", who[i]);
      PangoLayout *layout = make_layout (doc, FONT, line, 10, TRUE, BODY_W / 2 - 90);
      PangoRectangle ink, logical;
      double line_start, baseline;

      pango_layout_get_pixel_extents (layout, &ink, &logical);
      cairo_set_source_rgb (doc->cr, 0.1, 0.1, 0.1);
      cairo_move_to (doc->cr, x, doc->y);
      pango_cairo_show_layout (doc->cr, layout);
      /* The line to sign on starts after the label's last line. */
      line_start = x + MIN (logical.width, BODY_W / 2 - 90) + 4;
      baseline = doc->y + logical.height - 2;
      g_object_unref (layout);
      cairo_set_source_rgb (doc->cr, 0.2, 0.2, 0.2);
      cairo_set_line_width (doc->cr, 0.6);
      cairo_move_to (doc->cr, line_start, baseline);
      cairo_line_to (doc->cr, x + BODY_W / 2 - 20, baseline);
      cairo_stroke (doc->cr);
      if (i % 2 == 1 || who[i + 1] == NULL)
        doc->y += 34;
    }
  aj_doc_text_at (doc, MARGIN, BODY_W, _("Date:"), 10, TRUE, TRUE);
  doc->y += 20;
}

static cairo_status_t
write_nowhere (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
draw_once (cairo_surface_t  *surface,
           AjDoc            *doc,
           AjDocDraw         draw,
           gpointer          user_data,
           GError          **error)
{
  gboolean ok;
  cairo_status_t status;

  doc->cr = cairo_create (surface);
  doc->y = MARGIN;
  doc->page = 1;
  ok = draw (doc, user_data, error);
  footer (doc);
  cairo_show_page (doc->cr);
  cairo_destroy (doc->cr);
  doc->cr = NULL;
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("The document could not be drawn: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return ok;
}

/* Draws the document with @draw twice (to count, then to write) into a
 * temporary file renamed to @path when whole. */
gboolean
aj_doc_write_pdf (const char  *path,
                  const char  *title,
                  const char  *number,
                  const char  *footer_text,
                  AjDocDraw    draw,
                  gpointer     user_data,
                  GError     **error)
{
  AjDoc doc = { .number = (char *) number, .footer = (char *) footer_text };
  g_autofree char *tmp = g_strdup_printf ("%s.tmp", path);
  cairo_surface_t *surface;

  surface = cairo_pdf_surface_create_for_stream (write_nowhere, NULL, PAGE_W, PAGE_H);
  if (!draw_once (surface, &doc, draw, user_data, error))
    return FALSE;
  doc.pages = doc.page;

  surface = cairo_pdf_surface_create (tmp, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Anjian " PACKAGE_VERSION);
  if (!draw_once (surface, &doc, draw, user_data, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s"), path);
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}
