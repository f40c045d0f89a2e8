/* aj-hazard-sheet.h: the form for a hazard (隐患) found on an item. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_HAZARD_SHEET (aj_hazard_sheet_get_type ())
G_DECLARE_FINAL_TYPE (AjHazardSheet, aj_hazard_sheet, AJ, HAZARD_SHEET, AdwBin)

void aj_hazard_sheet_load (AjHazardSheet *self,
                           const char    *inspection_id,
                           const char    *item_code,
                           const char    *hazard_id);

G_END_DECLS
