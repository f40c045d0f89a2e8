/* aj-hazard-row.h: one hazard as a row: risk colour, number, text, deadline. */
#pragma once

#include <gtk/gtk.h>

#include "aj-hazard.h"

G_BEGIN_DECLS

#define AJ_TYPE_HAZARD_ROW (aj_hazard_row_get_type ())
G_DECLARE_FINAL_TYPE (AjHazardRow, aj_hazard_row, AJ, HAZARD_ROW, GtkBox)

GtkWidget  *aj_hazard_row_new       (void);
AjHazard   *aj_hazard_row_get_item  (AjHazardRow *self);
void        aj_hazard_row_set_item  (AjHazardRow *self,
                                     AjHazard    *item);
const char *aj_hazard_row_get_today (AjHazardRow *self);
void        aj_hazard_row_set_today (AjHazardRow *self,
                                     const char  *today);

G_END_DECLS
