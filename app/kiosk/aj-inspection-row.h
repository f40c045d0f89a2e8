/* aj-inspection-row.h: one inspection as a row: where, when, how, and how
 * many hazards it found. */
#pragma once

#include <adwaita.h>

#include "aj-inspection.h"

G_BEGIN_DECLS

#define AJ_TYPE_INSPECTION_ROW (aj_inspection_row_get_type ())
G_DECLARE_FINAL_TYPE (AjInspectionRow, aj_inspection_row, AJ, INSPECTION_ROW, AdwActionRow)

GtkWidget    *aj_inspection_row_new      (AjInspection    *item);
AjInspection *aj_inspection_row_get_item (AjInspectionRow *self);
void          aj_inspection_row_set_item (AjInspectionRow *self,
                                          AjInspection    *item);

G_END_DECLS
