/* aj-report.c: a small flowing layout on A4 pages: headings, label/value
 * lines, wrapped paragraphs, tables of items, hazards with their photos and
 * QR codes, and signature lines. Fonts come from fontconfig, so Chinese
 * renders with Noto Sans CJK. The same function serves the kiosk, the
 * headless command and (from its own store) the server. */
#include "config.h"

#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-signature.h"
#include "aj-util.h"

#define PAGE_W   595.0   /* A4 in points */
#define PAGE_H   842.0
#define MARGIN   50.0
#define BODY_W   (PAGE_W - 2 * MARGIN)
#define FONT     "Noto Sans CJK SC, Noto Sans, sans-serif"

typedef struct
{
  cairo_t *cr;
  double   y;
  int      page;
  char    *footer;
} Doc;

static const char * const kind_names[] = { "inspection", "notice", "verification" };

gboolean
aj_report_kind_from_name (const char   *name,
                          AjReportKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind_names[i], name) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
aj_report_kind_name (AjReportKind kind)
{
  return kind_names[kind];
}

/* The document's own QR opens its record: <server>/d/<kind>/<id>, or
 * anjian:d/<kind>/<id> without a server. */
char *
aj_report_payload (const char   *server_url,
                   AjReportKind  kind,
                   const char   *inspection_id)
{
  g_autofree char *id = g_strdup_printf ("%s/%s", kind_names[kind], inspection_id);

  if (server_url && *server_url)
    return g_strdup_printf ("%s/d/%s", server_url, id);
  return g_strdup_printf ("anjian:d/%s", id);
}

static void
footer (Doc *doc)
{
  PangoLayout *layout = pango_cairo_create_layout (doc->cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT " 8");
  g_autofree char *text = g_strdup_printf ("%s · %d", doc->footer, doc->page);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, BODY_W * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (doc->cr, 0.45, 0.45, 0.45);
  cairo_move_to (doc->cr, MARGIN, PAGE_H - MARGIN + 14);
  pango_cairo_show_layout (doc->cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
new_page (Doc *doc)
{
  footer (doc);
  cairo_show_page (doc->cr);
  doc->page++;
  doc->y = MARGIN;
}

static void
need (Doc    *doc,
      double  height)
{
  if (doc->y + height > PAGE_H - MARGIN)
    new_page (doc);
}

static PangoLayout *
make_layout (Doc        *doc,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (doc->cr);
  g_autofree char *desc = g_strdup_printf ("%s %s %.1f", FONT, bold ? "Bold" : "", size);
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

static double
text_at (Doc        *doc,
         double      x,
         double      width,
         const char *text,
         double      size,
         gboolean    bold,
         gboolean    draw)
{
  PangoLayout *layout = make_layout (doc, text, size, bold, width);
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

static void
paragraph (Doc        *doc,
           const char *text,
           double      size,
           gboolean    bold,
           double      after)
{
  double h = text_at (doc, MARGIN, BODY_W, text, size, bold, FALSE);

  need (doc, h);
  text_at (doc, MARGIN, BODY_W, text, size, bold, TRUE);
  doc->y += h + after;
}

static void
title (Doc        *doc,
       const char *text)
{
  PangoLayout *layout = make_layout (doc, text, 18, TRUE, BODY_W);

  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb (doc->cr, 0, 0, 0);
  cairo_move_to (doc->cr, MARGIN, doc->y);
  pango_cairo_show_layout (doc->cr, layout);
  doc->y += layout_height (layout) + 14;
  g_object_unref (layout);
}

static void
heading (Doc        *doc,
         const char *text)
{
  need (doc, 40);
  doc->y += 6;
  paragraph (doc, text, 12.5, TRUE, 4);
  cairo_set_source_rgb (doc->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (doc->cr, 0.6);
  cairo_move_to (doc->cr, MARGIN, doc->y);
  cairo_line_to (doc->cr, PAGE_W - MARGIN, doc->y);
  cairo_stroke (doc->cr);
  doc->y += 6;
}

/* "Label: value" with the value wrapped beside the label. */
static void
field (Doc        *doc,
       const char *label,
       const char *value)
{
  const double label_w = 110;
  double h1 = text_at (doc, MARGIN, label_w, label, 10, TRUE, FALSE);
  double h2 = text_at (doc, MARGIN + label_w, BODY_W - label_w, value && *value ? value : "—", 10, FALSE, FALSE);
  double h = MAX (h1, h2);

  need (doc, h);
  text_at (doc, MARGIN, label_w, label, 10, TRUE, TRUE);
  text_at (doc, MARGIN + label_w, BODY_W - label_w, value && *value ? value : "—", 10, FALSE, TRUE);
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

static void
image_at (Doc       *doc,
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

static void
qr_at (Doc        *doc,
       const char *payload,
       double      x,
       double      y,
       double      size)
{
  g_autoptr(GdkPixbuf) qr = aj_qr_render (payload, 4, NULL);

  if (qr != NULL)
    image_at (doc, qr, x, y, size, size, FALSE);
}

static void
signatures (Doc         *doc,
            const char **who)
{
  need (doc, 90);
  doc->y += 24;
  for (guint i = 0; who[i]; i++)
    {
      double x = MARGIN + (i % 2) * (BODY_W / 2);
      g_autofree char *line = g_strdup_printf ("%s：", who[i]);
      PangoLayout *layout = make_layout (doc, line, 10, TRUE, BODY_W / 2 - 90);
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
  text_at (doc, MARGIN, BODY_W, _("Date:"), 10, TRUE, TRUE);
  doc->y += 20;
}

/* Who signed, with the image of the signature, or who refused and why. */
static void
draw_signatures (Doc        *doc,
                 AjStore    *store,
                 const char *subject,
                 const char *blob_dir)
{
  g_autoptr(GPtrArray) signatures = aj_signature_list (store, subject);

  for (guint i = 0; i < signatures->len; i++)
    {
      AjSignature *s = g_ptr_array_index (signatures, i);
      g_autofree char *when = aj_iso8601_to_display (s->at, TRUE);
      g_autofree char *label = g_strdup_printf ("%s：%s", aj_signature_role_label (s->role), s->signer);
      g_autofree char *text = s->refused ? g_strdup_printf (_("Refused to sign: %s (%s)"), s->reason, when)
                                         : g_strdup_printf (_("Signed %s"), when);
      const double img_w = 150, img_h = 60;

      const double text_w = BODY_W - img_w - 12;
      double top, h;

      need (doc, img_h + 6);
      top = doc->y;
      h = text_at (doc, MARGIN, text_w, label, 10, TRUE, TRUE);
      doc->y += h + 2;
      h = text_at (doc, MARGIN, text_w, text, 9, FALSE, TRUE);
      doc->y += h;
      if (!s->refused && s->sha256 != NULL)
        {
          g_autofree char *path = aj_photo_blob_path (blob_dir, s->sha256);
          /* Only a JPEG or PNG of sane size reaches the decoder. */
          g_autoptr(GdkPixbuf) image = aj_photo_check_file (path, NULL) ? gdk_pixbuf_new_from_file (path, NULL) : NULL;
          if (image != NULL)
            image_at (doc, image, PAGE_W - MARGIN - img_w, top, img_w, img_h, TRUE);
          doc->y = MAX (doc->y, top + img_h);
        }
      doc->y += 8;
    }
}

static const AjChecklistItem *
find_item (const AjReportOptions  *options,
           const char             *template_id,
           int                     version,
           const char             *code,
           AjChecklist           **owner)
{
  for (guint i = 0; options->checklists && i < options->checklists->len; i++)
    {
      AjChecklist *c = g_ptr_array_index (options->checklists, i);
      if (g_strcmp0 (aj_checklist_get_id (c), template_id) == 0)
        {
          /* The version the inspection was made with: its own questions. */
          *owner = c = aj_checklist_get_edition (c, version);
          return aj_checklist_find_item (c, code, NULL);
        }
    }
  *owner = NULL;
  return NULL;
}

static char *
user_name (AjStore    *store,
           const char *id)
{
  g_autoptr(AjUser) user = aj_registry_get_user (store, id);
  return g_strdup (user ? aj_user_get_name (user) : id);
}

static char *
hazard_field (AjStore    *store,
              const char *hazard_id,
              const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM hazards WHERE id = ?", column);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), sql, NULL);

  aj_db_bind_text (stmt, 1, hazard_id);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    return aj_db_col_dup (stmt, 0);
  return g_strdup ("");
}

/* A hazard as a block: QR at the right, text at the left, photos below. */
static void
hazard_block (Doc                   *doc,
              AjStore               *store,
              AjInspection          *inspection,
              AjHazard              *hazard,
              AjReportKind           kind,
              const AjReportOptions *options)
{
  const double qr = 74;
  g_autofree char *payload = aj_qr_hazard_payload (options->server_url, aj_hazard_get_id (hazard));
  g_autofree char *head = g_strdup_printf ("%s  ·  %s  ·  %s", aj_hazard_get_number (hazard),
                                           aj_risk_level_label (aj_hazard_get_risk_level (hazard)),
                                           aj_grade_label (aj_hazard_get_grade (hazard)));
  g_autoptr(GPtrArray) photos = aj_inspection_get_photos (store, aj_hazard_get_inspection_id (hazard),
                                                          aj_hazard_get_item_code (hazard));
  g_autofree char *measures = hazard_field (store, aj_hazard_get_id (hazard), "measures");
  g_autofree char *funds = hazard_field (store, aj_hazard_get_id (hazard), "funds");
  g_autofree char *plan = hazard_field (store, aj_hazard_get_id (hazard), "contingency_plan");
  g_autofree char *verification = hazard_field (store, aj_hazard_get_id (hazard), "verification");
  g_autofree char *verified_at = hazard_field (store, aj_hazard_get_id (hazard), "verified_at");
  g_autofree char *rectified = hazard_field (store, aj_hazard_get_id (hazard), "rectified_note");
  AjChecklist *owner = NULL;
  const AjChecklistItem *item = find_item (options, aj_inspection_get_template_id (inspection), aj_inspection_get_template_version (inspection),
                                           aj_hazard_get_item_code (hazard), &owner);
  double top;

  need (doc, qr + 20);
  top = doc->y;
  qr_at (doc, payload, PAGE_W - MARGIN - qr, top, qr);
  text_at (doc, MARGIN, BODY_W - qr - 10, head, 10.5, TRUE, TRUE);
  doc->y += text_at (doc, MARGIN, BODY_W - qr - 10, head, 10.5, TRUE, FALSE) + 4;
  {
    double h = text_at (doc, MARGIN, BODY_W - qr - 10, aj_hazard_get_description (hazard), 10, FALSE, FALSE);
    text_at (doc, MARGIN, BODY_W - qr - 10, aj_hazard_get_description (hazard), 10, FALSE, TRUE);
    doc->y += h + 4;
  }
  doc->y = MAX (doc->y, top + qr + 4);

  if (item != NULL)
    field (doc, _("Checklist item"), aj_checklist_item_get_question (item));
  field (doc, _("Location"), aj_hazard_get_location (hazard));
  if (kind == AJ_REPORT_NOTICE)
    {
      field (doc, _("Measures"), *measures ? measures : aj_hazard_get_suggestion (hazard));
      field (doc, _("Deadline"), aj_hazard_get_deadline (hazard));
      field (doc, _("Responsible person"), aj_hazard_get_responsible (hazard));
      if (aj_hazard_is_major (hazard))
        {
          field (doc, _("Funds"), funds);
          field (doc, _("Contingency plan"), plan);
        }
      if (item != NULL)
        field (doc, _("Basis"), aj_checklist_item_get_basis (item));
    }
  else if (kind == AJ_REPORT_VERIFICATION)
    {
      g_autofree char *when = aj_iso8601_to_display (verified_at, FALSE);
      field (doc, _("Deadline"), aj_hazard_get_deadline (hazard));
      field (doc, _("What was done"), rectified);
      field (doc, _("Status"), aj_hazard_status_label (aj_hazard_get_status (hazard)));
      field (doc, _("Verification"), verification);
      field (doc, _("Verified on"), when);
    }
  else
    {
      field (doc, _("Suggested rectification"), aj_hazard_get_suggestion (hazard));
      field (doc, _("Deadline"), aj_hazard_get_deadline (hazard));
      field (doc, _("Responsible person"), aj_hazard_get_responsible (hazard));
    }

  if (kind == AJ_REPORT_VERIFICATION)
    draw_signatures (doc, store, aj_hazard_get_id (hazard), options->blob_dir);

  /* Photo thumbnails, four to a row. */
  if (photos->len > 0 && kind != AJ_REPORT_NOTICE)
    {
      const double w = (BODY_W - 3 * 8) / 4, h = w * 0.75;
      for (guint i = 0; i < photos->len; i++)
        {
          AjPhotoRef *ref = g_ptr_array_index (photos, i);
          g_autofree char *thumb = aj_photo_thumb_path (options->blob_dir, ref->sha256);
          g_autoptr(GdkPixbuf) pixbuf = aj_photo_check_file (thumb, NULL) ? gdk_pixbuf_new_from_file (thumb, NULL) : NULL;
          if (i % 4 == 0)
            need (doc, h + 6);
          if (pixbuf != NULL)
            image_at (doc, pixbuf, MARGIN + (i % 4) * (w + 8), doc->y, w, h, TRUE);
          if (i % 4 == 3 || i + 1 == photos->len)
            doc->y += h + 6;
        }
    }
  doc->y += 8;
}

gboolean
aj_report_write_pdf (AjStore                *store,
                     AjReportKind            kind,
                     const char             *inspection_id,
                     const AjReportOptions  *options,
                     const char             *path,
                     GError                **error)
{
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, inspection_id);
  g_autoptr(AjInstitution) institution = NULL;
  g_autoptr(GListModel) hazards = NULL;
  g_autoptr(GHashTable) results = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *inspector = NULL;
  g_autofree char *started = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *doc_title = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  AjChecklist *checklist = NULL;
  guint live = 0;
  Doc doc = { 0 };

  if (inspection == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("No inspection %s on this device"), inspection_id);
      return FALSE;
    }
  institution = aj_registry_get_institution (store, aj_inspection_get_institution (inspection));
  hazards = aj_hazard_list (store, inspection_id, NULL);
  results = aj_inspection_get_results (store, inspection_id);
  inspector = user_name (store, aj_inspection_get_inspector (inspection));
  started = aj_iso8601_to_display (aj_inspection_get_started_at (inspection), TRUE);
  payload = aj_report_payload (options->server_url, kind, inspection_id);
  for (guint i = 0; options->checklists && i < options->checklists->len; i++)
    if (g_strcmp0 (aj_checklist_get_id (g_ptr_array_index (options->checklists, i)),
                   aj_inspection_get_template_id (inspection)) == 0)
      checklist = aj_checklist_get_edition (g_ptr_array_index (options->checklists, i),
                                            aj_inspection_get_template_version (inspection));

  switch (kind)
    {
    case AJ_REPORT_NOTICE: doc_title = g_strdup (_("Rectification notice")); break;
    case AJ_REPORT_VERIFICATION: doc_title = g_strdup (_("Verification opinion")); break;
    default: doc_title = g_strdup (_("Inspection record")); break;
    }

  tmp = g_strdup_printf ("%s.tmp", path);
  surface = cairo_pdf_surface_create (tmp, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, doc_title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Anjian " PACKAGE_VERSION);
  doc.cr = cairo_create (surface);
  doc.y = MARGIN;
  doc.page = 1;
  doc.footer = g_strdup_printf ("%s · %s", doc_title, aj_inspection_get_institution_name (inspection));

  /* The document's own QR in the top right corner. */
  qr_at (&doc, payload, PAGE_W - MARGIN - 64, MARGIN - 20, 64);
  title (&doc, doc_title);
  doc.y = MAX (doc.y, MARGIN + 50);

  field (&doc, _("Institution"), aj_inspection_get_institution_name (inspection));
  if (institution != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s %s %s", aj_institution_get_county (institution),
                                                aj_institution_get_township (institution),
                                                aj_institution_get_address (institution));
      field (&doc, _("Institution code"), aj_institution_get_code (institution));
      field (&doc, _("Address"), where);
      field (&doc, _("Person in charge"), aj_institution_get_head (institution));
    }
  field (&doc, _("Date"), started);
  field (&doc, _("Mode"), aj_inspection_mode_label (aj_inspection_get_mode (inspection)));
  field (&doc, _("Inspectors"), inspector);
  if (checklist != NULL)
    field (&doc, _("Checklist"), aj_checklist_get_title (checklist));

  if (kind == AJ_REPORT_INSPECTION && checklist != NULL)
    {
      heading (&doc, _("Items and results"));
      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);
          AjItemResult *r = g_hash_table_lookup (results, item->code);
          g_autofree char *line = g_strdup_printf ("%s  %s", item->code, aj_checklist_item_get_question (item));
          const char *result = aj_item_result_label (r ? r->result : NULL);
          double h = text_at (&doc, MARGIN, BODY_W - 90, line, 9, FALSE, FALSE);

          need (&doc, h);
          text_at (&doc, MARGIN, BODY_W - 90, line, 9, FALSE, TRUE);
          text_at (&doc, PAGE_W - MARGIN - 80, 80, result, 9, r && g_str_equal (r->result, "hazard"), TRUE);
          doc.y += h + 2;
          if (r && r->note && *r->note)
            {
              g_autofree char *note = g_strdup_printf ("    %s", r->note);
              paragraph (&doc, note, 8.5, FALSE, 2);
            }
        }
    }

  if (kind == AJ_REPORT_NOTICE)
    {
      g_autofree char *intro = g_strdup_printf (
        _("%s: the inspection on %s found the hazards below. Rectify each by its deadline, with the measures and the responsible person named, and report the rectification for verification. A major hazard is rectified with measures, responsibility, funds, deadline and contingency plan in place."),
        aj_inspection_get_institution_name (inspection), started);
      paragraph (&doc, intro, 10, FALSE, 8);
    }

  heading (&doc, _("Hazards"));
  for (guint i = 0; hazards && i < g_list_model_get_n_items (hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (hazards, i);
      if (g_strcmp0 (aj_hazard_get_status (h), "withdrawn") == 0)
        continue;
      hazard_block (&doc, store, inspection, h, kind, options);
      live++;
    }
  if (live == 0)
    paragraph (&doc, _("No hazard was found."), 10, FALSE, 6);

  if (kind != AJ_REPORT_VERIFICATION)
    {
      g_autoptr(GPtrArray) signed_list = aj_signature_list (store, inspection_id);
      if (signed_list->len > 0)
        {
          heading (&doc, _("Signatures"));
          draw_signatures (&doc, store, inspection_id, options->blob_dir);
        }
    }

  {
    const char *inspection_signers[] = { _("Inspector"), _("Inspector"), _("Person in charge of the institution"), NULL };
    const char *notice_signers[] = { _("Issued by (inspector)"), _("Received by (institution)"), NULL };
    const char *verification_signers[] = { _("Verified by (inspector)"), _("Institution representative"), NULL };
    signatures (&doc, kind == AJ_REPORT_NOTICE ? notice_signers :
                      kind == AJ_REPORT_VERIFICATION ? verification_signers : inspection_signers);
  }

  footer (&doc);
  cairo_show_page (doc.cr);
  cairo_destroy (doc.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  g_free (doc.footer);
  if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s"), path);
      return FALSE;
    }
  return TRUE;
}

/* What the document thread needs, copied from the caller. */
typedef struct
{
  char         *db_path;
  AjReportKind  kind;
  char         *inspection_id;
  char         *blob_dir;
  char         *server_url;
  GPtrArray    *checklists;
  char         *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->db_path);
  g_free (job->inspection_id);
  g_free (job->blob_dir);
  g_free (job->server_url);
  g_clear_pointer (&job->checklists, g_ptr_array_unref);
  g_free (job->path);
  g_free (job);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  AjReportOptions options = { .blob_dir = job->blob_dir, .server_url = job->server_url, .checklists = job->checklists };
  g_autoptr(GError) error = NULL;
  /* A connection of its own: the main thread goes on using the store's. */
  g_autoptr(AjStore) store = aj_store_open (job->db_path, &error);

  if (store == NULL || !aj_report_write_pdf (store, job->kind, job->inspection_id, &options, job->path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* aj_report_write_pdf () in a thread, so that the window stays responsive
 * while photos are scaled and pages laid out. */
void
aj_report_write_pdf_async (AjStore               *store,
                           AjReportKind           kind,
                           const char            *inspection_id,
                           const AjReportOptions *options,
                           const char            *path,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ReportJob *job = g_new0 (ReportJob, 1);

  g_task_set_source_tag (task, aj_report_write_pdf_async);
  job->db_path = g_strdup (aj_store_get_path (store));
  job->kind = kind;
  job->inspection_id = g_strdup (inspection_id);
  job->blob_dir = g_strdup (options->blob_dir);
  job->server_url = g_strdup (options->server_url);
  job->checklists = options->checklists ? g_ptr_array_ref (options->checklists) : NULL;
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  g_task_run_in_thread (task, report_thread);
}

gboolean
aj_report_write_pdf_finish (AjStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aj_report_write_pdf_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
