/* aj-ledger-page.h: the hazard ledger (隐患台账) with its filters. */
#pragma once

#include <adwaita.h>

#include "aj-ledger.h"

G_BEGIN_DECLS

#define AJ_TYPE_LEDGER_PAGE (aj_ledger_page_get_type ())
G_DECLARE_FINAL_TYPE (AjLedgerPage, aj_ledger_page, AJ, LEDGER_PAGE, AdwBin)

void  aj_ledger_page_refresh  (AjLedgerPage *self);
guint aj_ledger_page_get_n_shown (AjLedgerPage *self);
void  aj_ledger_page_export      (AjLedgerPage   *self,
                                  AjLedgerFormat  format,
                                  const char     *path);
gboolean aj_ledger_page_is_exporting (AjLedgerPage *self);

G_END_DECLS
