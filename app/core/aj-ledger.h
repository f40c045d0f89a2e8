/* aj-ledger.h: the hazard ledger (隐患台账): its filter, and its export to
 * CSV and XLSX for the department's reports. */
#pragma once

#include <gio/gio.h>

#include "aj-hazard.h"
#include "aj-ledger-model.h"
#include "aj-store.h"

G_BEGIN_DECLS

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
gboolean    aj_ledger_export_hazards  (GPtrArray            *hazards,
                                       GHashTable           *category_names,
                                       const char           *today,
                                       AjLedgerFormat        format,
                                       const char           *path,
                                       GError              **error);
GAsyncResult *aj_ledger_export_async  (AjStore              *store,
                                       const AjLedgerFilter *filter,
                                       GHashTable           *category_names,
                                       AjLedgerFormat        format,
                                       const char           *path,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
double      aj_ledger_export_get_progress (GAsyncResult     *result);
gboolean    aj_ledger_export_finish   (AjStore              *store,
                                       GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
