/* aj-numbering.h: document numbers (文号) given on this device from the
 * blocks of its department's yearly sequence the server granted it, or
 * tagged with the device when none is left; once given, a document keeps
 * its number (a document.numbered event). */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef struct
{
  char    *kind;          /* inspection notice verification referral */
  char    *subject;
  char    *visit;         /* a verification's visit day, or "" */
  char    *number;        /* 东民安检〔2026〕12号 */
  char    *department;
  int      year;
  gint64   seq;           /* 0 for a device-tagged number */
  char    *issued_on;     /* YYYY-MM-DD */
  char   **inspectors;    /* ids named on the document */
} AjDocumentNumber;

void              aj_document_number_free   (AjDocumentNumber    *number);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDocumentNumber, aj_document_number_free)

AjDocumentNumber *aj_numbering_lookup        (AjStore             *store,
                                              const char          *kind,
                                              const char          *subject,
                                              const char          *visit);
AjDocumentNumber *aj_numbering_issue         (AjStore             *store,
                                              const char          *author,
                                              const char          *kind,
                                              const char          *subject,
                                              const char          *visit,
                                              const char          *department,
                                              const char * const  *inspectors,
                                              GError             **error);
AjDocumentNumber *aj_numbering_issue_on      (AjStore             *store,
                                              const char          *author,
                                              const char          *kind,
                                              const char          *subject,
                                              const char          *visit,
                                              const char          *department,
                                              const char * const  *inspectors,
                                              const char          *today,
                                              GError             **error);
gboolean          aj_numbering_add_block     (AjStore             *store,
                                              const char          *department,
                                              int                  year,
                                              gint64               first,
                                              gint64               last,
                                              GError             **error);
gint64            aj_numbering_remaining     (AjStore             *store,
                                              const char          *department,
                                              int                  year);
gboolean          aj_numbering_check_claim   (AjStore             *store,
                                              const char          *device_id,
                                              const char          *subject,
                                              JsonObject          *body,
                                              GError             **error);

G_END_DECLS
