/* aj-count-row.h: a named number (hazards by status, by institution, …) as
 * a model item, and the row that shows one. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_COUNT (aj_count_get_type ())
G_DECLARE_FINAL_TYPE (AjCount, aj_count, AJ, COUNT, GObject)

#define AJ_TYPE_COUNT_ROW (aj_count_row_get_type ())
G_DECLARE_FINAL_TYPE (AjCountRow, aj_count_row, AJ, COUNT_ROW, AdwActionRow)

AjCount    *aj_count_new           (const char *title,
                                    const char *value);
const char *aj_count_get_title     (AjCount    *self);
const char *aj_count_get_value     (AjCount    *self);

GtkWidget  *aj_count_row_new       (AjCount    *item);
AjCount    *aj_count_row_get_item  (AjCountRow *self);
void        aj_count_row_set_item  (AjCountRow *self,
                                    AjCount    *item);

G_END_DECLS
