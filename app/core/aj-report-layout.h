/* aj-report-layout.h: the flowing A4 layout the documents are drawn with:
 * text blocks, fields, headings, images and QR codes, the seal's place, and
 * pages numbered "第X页 共Y页" (a document is laid out twice: once to count
 * its pages, once to draw them). */
#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define AJ_DOC_PAGE_W   595.0   /* A4 in points */
#define AJ_DOC_PAGE_H   842.0
#define AJ_DOC_MARGIN   50.0
#define AJ_DOC_BODY_W   (AJ_DOC_PAGE_W - 2 * AJ_DOC_MARGIN)

typedef struct
{
  cairo_t *cr;
  double   y;
  int      page;
  int      pages;        /* all pages; 0 while they are being counted */
  char    *number;       /* the document's number, on every page's foot */
  char    *footer;       /* what the document is, on every page's foot */
} AjDoc;

typedef gboolean (*AjDocDraw) (AjDoc     *doc,
                               gpointer   user_data,
                               GError   **error);

gboolean aj_doc_write_pdf     (const char   *path,
                               const char   *title,
                               const char   *number,
                               const char   *footer,
                               AjDocDraw     draw,
                               gpointer      user_data,
                               GError      **error);
void     aj_doc_need          (AjDoc        *doc,
                               double        height);
double   aj_doc_text_at       (AjDoc        *doc,
                               double        x,
                               double        width,
                               const char   *text,
                               double        size,
                               gboolean      bold,
                               gboolean      draw);
void     aj_doc_paragraph     (AjDoc        *doc,
                               const char   *text,
                               double        size,
                               gboolean      bold,
                               double        after);
void     aj_doc_centered      (AjDoc        *doc,
                               const char   *text,
                               double        size,
                               gboolean      bold,
                               double        after);
void     aj_doc_right         (AjDoc        *doc,
                               const char   *text,
                               double        size,
                               double        after);
void     aj_doc_heading       (AjDoc        *doc,
                               const char   *text);
void     aj_doc_field         (AjDoc        *doc,
                               const char   *label,
                               const char   *value);
void     aj_doc_image_at      (AjDoc        *doc,
                               GdkPixbuf    *pixbuf,
                               double        x,
                               double        y,
                               double        w,
                               double        h,
                               gboolean      smooth);
void     aj_doc_qr_at         (AjDoc        *doc,
                               const char   *payload,
                               double        x,
                               double        y,
                               double        size);
void     aj_doc_seal          (AjDoc        *doc,
                               const char   *seal_text,
                               const char   *date_line);
void     aj_doc_sign_lines    (AjDoc        *doc,
                               const char  **who);

G_END_DECLS
