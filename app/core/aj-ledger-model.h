/* aj-ledger-model.h: the hazard ledger as a GListModel of AjHazard that
 * reads windows of rows from SQLite as they are asked for: filtering and
 * ordering in SQL, free text through the trigram index. 100,000 hazards
 * cost what one screen of them costs. */
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

#define AJ_TYPE_LEDGER_MODEL (aj_ledger_model_get_type ())
G_DECLARE_FINAL_TYPE (AjLedgerModel, aj_ledger_model, AJ, LEDGER_MODEL, GObject)

AjLedgerModel *aj_ledger_model_new        (AjStore              *store,
                                           const AjLedgerFilter *filter,
                                           const char           *today);
void           aj_ledger_model_set_filter (AjLedgerModel        *self,
                                           const AjLedgerFilter *filter,
                                           const char           *today);
void           aj_ledger_model_reload     (AjLedgerModel        *self);
void           aj_ledger_model_prepare_search (AjLedgerModel    *self);
void           aj_ledger_model_forget     (AjLedgerModel        *self);
guint          aj_ledger_model_count      (AjStore              *store,
                                           const AjLedgerFilter *filter,
                                           const char           *today,
                                           GError              **error);

G_END_DECLS
