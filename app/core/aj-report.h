/* aj-report.h: the documents an office files, as A4 PDF (cairo + pango):
 * inspection record (or a home's self-inspection record), rectification
 * notice and its service receipt, verification opinion, referral letter.
 * The department's documents carry its number, seal place, the team with
 * their enforcement certificates and the institution's credit code. */
#pragma once

#include <glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_REPORT_INSPECTION,     /* 检查记录 (自查记录 for a self-inspection) */
  AJ_REPORT_NOTICE,         /* 责令限期整改通知书 */
  AJ_REPORT_VERIFICATION,   /* 复查意见书 */
  AJ_REPORT_RECEIPT,        /* 送达回证 of the notice */
  AJ_REPORT_REFERRAL,       /* 移送函: its subject is the referred hazard */
} AjReportKind;

typedef struct
{
  const char         *blob_dir;
  const char         *server_url;   /* for the document's own QR; may be NULL */
  GPtrArray          *checklists;   /* AjChecklist*, to name items and their basis */
  const char         *author;       /* who issues it: a document without a number gets one in
                                     * this person's name; NULL prints the number it has, if any */
  const char         *visit;        /* a verification opinion's visit day; NULL for the latest */
  const char * const *inspectors;   /* more inspectors named on it (ids), beside the team */
} AjReportOptions;

gboolean    aj_report_kind_from_name (const char             *name,
                                      AjReportKind           *kind);
const char *aj_report_kind_name      (AjReportKind            kind);
char       *aj_report_payload        (const char             *server_url,
                                      AjReportKind            kind,
                                      const char             *subject);
gboolean    aj_report_is_referred    (AjStore                *store,
                                      const char             *hazard_id);
char       *aj_report_referral_letter_number (AjStore        *store,
                                              const char     *hazard_id);
gboolean    aj_report_write_pdf      (AjStore                *store,
                                      AjReportKind            kind,
                                      const char             *subject,
                                      const AjReportOptions  *options,
                                      const char             *path,
                                      GError                **error);
void        aj_report_write_pdf_async  (AjStore               *store,
                                        AjReportKind           kind,
                                        const char            *subject,
                                        const AjReportOptions *options,
                                        const char            *path,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
gboolean    aj_report_write_pdf_finish (AjStore               *store,
                                        GAsyncResult          *result,
                                        GError               **error);

G_END_DECLS
