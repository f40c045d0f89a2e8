/* aj-labels.h: sheets of QR labels for hazards and institutions (cairo, PDF or a printer). */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_LABELS_A4_3X8,      /* an A4 sheet of 24 labels, 70 × 37 mm */
  AJ_LABELS_50X30,       /* one 50 × 30 mm label per page, for label printers */
} AjLabelLayout;

typedef struct
{
  char *payload;
  char *title;       /* hazard number, or institution name */
  char *subtitle;    /* institution, or code and county */
  char *footer;      /* deadline, or type */
  char *band;        /* risk level (red, orange, yellow, blue) or NULL */
} AjLabel;

void       aj_label_free               (AjLabel       *label);
GPtrArray *aj_labels_for_hazards       (AjStore       *store,
                                        const char    *server_url,
                                        const char    *inspection_id,
                                        const char    *hazard_id);
GPtrArray *aj_labels_for_institutions  (AjStore       *store,
                                        const char    *server_url);
guint      aj_labels_per_page          (AjLabelLayout  layout);
void       aj_labels_page_size_mm      (AjLabelLayout  layout,
                                        double        *width,
                                        double        *height);
void       aj_labels_draw_page         (cairo_t       *cr,
                                        AjLabelLayout  layout,
                                        GPtrArray     *labels,
                                        guint          page,
                                        double         points_per_mm);
gboolean   aj_labels_write_pdf         (GPtrArray     *labels,
                                        AjLabelLayout  layout,
                                        const char    *path,
                                        GError       **error);
GAsyncResult *aj_labels_write_pdf_async (GPtrArray         *labels,
                                        AjLabelLayout        layout,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
double     aj_labels_write_pdf_get_progress (GAsyncResult  *result);
gboolean   aj_labels_write_pdf_finish  (GAsyncResult  *result,
                                        GError       **error);

G_END_DECLS
