/* aj-refused-row.h: one record the server refused, as a row: what, about
 * what, who and when, and why. */
#pragma once

#include <gtk/gtk.h>

#include "aj-refused-record.h"

G_BEGIN_DECLS

#define AJ_TYPE_REFUSED_ROW (aj_refused_row_get_type ())
G_DECLARE_FINAL_TYPE (AjRefusedRow, aj_refused_row, AJ, REFUSED_ROW, GtkBox)

GtkWidget       *aj_refused_row_new      (AjRefusedRecord *item);
AjRefusedRecord *aj_refused_row_get_item (AjRefusedRow    *self);
void             aj_refused_row_set_item (AjRefusedRow    *self,
                                          AjRefusedRecord *item);

G_END_DECLS
