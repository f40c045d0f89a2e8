/* aj-ledger.h: the hazard ledger (隐患台账): its filter, and its export to
 * CSV and XLSX for the department's reports. */
#pragma once

#include <gio/gio.h>

#include "aj-hazard.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *status;        /* NULL: all; "open": not closed or withdrawn; else one status */
  const char *risk_level;    /* NULL: all */
  const char *institution;   /* NULL: all */
  gboolean    overdue_only;
  const char *query;         /* free text: number, description, place, institution, person */
} AjLedgerFilter;

typedef enum
{
  AJ_LEDGER_CSV,
  AJ_LEDGER_XLSX,
} AjLedgerFormat;

gboolean    aj_ledger_filter_matches  (const AjLedgerFilter *filter,
                                       AjHazard             *hazard,
                                       const char           *today);
GPtrArray  *aj_ledger_rows            (AjStore              *store,
                                       const AjLedgerFilter *filter,
                                       GHashTable           *category_names,
                                       const char           *today,
                                       GError              **error);
gboolean    aj_ledger_export          (AjStore              *store,
                                       const AjLedgerFilter *filter,
                                       GHashTable           *category_names,
                                       AjLedgerFormat        format,
                                       const char           *path,
                                       GError              **error);

G_END_DECLS
