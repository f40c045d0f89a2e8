/* aj-report.h: the documents an inspection produces, as A4 PDF (cairo + pango):
 * inspection record, rectification notice, verification opinion. */
#pragma once

#include <glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_REPORT_INSPECTION,     /* 检查记录 */
  AJ_REPORT_NOTICE,         /* 整改通知书 */
  AJ_REPORT_VERIFICATION,   /* 复查意见书 */
} AjReportKind;

typedef struct
{
  const char *blob_dir;
  const char *server_url;       /* for the document's own QR; may be NULL */
  GPtrArray  *checklists;       /* AjChecklist*, to name items and their basis */
} AjReportOptions;

gboolean    aj_report_kind_from_name (const char             *name,
                                      AjReportKind           *kind);
const char *aj_report_kind_name      (AjReportKind            kind);
char       *aj_report_payload        (const char             *server_url,
                                      AjReportKind            kind,
                                      const char             *inspection_id);
gboolean    aj_report_write_pdf      (AjStore                *store,
                                      AjReportKind            kind,
                                      const char             *inspection_id,
                                      const AjReportOptions  *options,
                                      const char             *path,
                                      GError                **error);
void        aj_report_write_pdf_async  (AjStore               *store,
                                        AjReportKind           kind,
                                        const char            *inspection_id,
                                        const AjReportOptions *options,
                                        const char            *path,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
gboolean    aj_report_write_pdf_finish (AjStore               *store,
                                        GAsyncResult          *result,
                                        GError               **error);

G_END_DECLS
